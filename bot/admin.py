"""/admin: the office's staff pages; the front page is the survey dashboard."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from bot.auth import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@login_required
def index():
    user = current_user()
    office = current_app.extensions["tambon.offices"][user.office]
    webhook_url = f"{current_app.config['PUBLIC_BASE_URL']}/line/{office.slug}/webhook"
    from survey.dashboard import dashboard_context  # late: survey imports bot

    return render_template(
        "admin/index.html",
        user=user,
        office=office,
        webhook_url=webhook_url,
        **dashboard_context(office),
    )
