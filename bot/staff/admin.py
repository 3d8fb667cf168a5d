"""/admin: the office's staff pages; the front page is the survey dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for

from bot.staff import linking
from bot.staff.auth import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(code: str | None = None):
    user = current_user()
    office = current_app.extensions["tambon.offices"][user.office]
    webhook_url = f"{current_app.config['PUBLIC_BASE_URL']}/line/{office.slug}/webhook"
    from survey.dashboard import dashboard_context  # late: survey imports bot

    return render_template(
        "admin/index.html",
        user=user,
        office=office,
        webhook_url=webhook_url,
        line_link=linking.link_of(user) if user.role == "admin" else None,
        link_code=code,
        codes_voided=linking.codes_voided(office.slug),
        code_minutes=linking.CODE_TTL // 60,
        **dashboard_context(office),
    )


@bp.get("/")
@login_required
def index():
    return _page()


def _admin():
    user = current_user()
    if user.role != "admin":
        abort(403)  # the weekly report goes to admins only
    return user


@bp.post("/line-link/code")
@login_required
def line_link_code():
    # Shown once, in this answer only: it is not kept anywhere it could be read back.
    return _page(code=linking.issue_code(_admin()))


@bp.post("/line-link/unlink")
@login_required
def line_unlink():
    if linking.unlink(_admin()):
        flash("ยกเลิกการเชื่อมบัญชี LINE แล้ว ท่านจะไม่ได้รับสรุปผลประจำสัปดาห์ทาง LINE อีกค่ะ", "ok")
    return redirect(url_for("admin.index"))
