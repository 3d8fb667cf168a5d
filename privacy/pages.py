"""/privacy/<office>: the privacy notice, public. /admin/privacy: staff act on a citizen's
request made at the counter. /admin/audit: the audit log, for admins."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from bot.staff.auth import current_user, login_required
from privacy import audit, citizen

public = Blueprint("privacy", __name__, template_folder="templates")
staff = Blueprint("privacy_staff", __name__, url_prefix="/admin", template_folder="templates")


@public.get("/privacy/<office_slug>")
def notice(office_slug: str):
    office = current_app.extensions["tambon.offices"].get(office_slug)
    if office is None:
        abort(404)
    return render_template("privacy/notice.html", office=office, p=office.privacy)


def _office():
    return current_app.extensions["tambon.offices"][current_user().office]


@staff.route("/privacy", methods=["GET", "POST"])
@login_required
def at_counter():
    """A citizen at the counter shows the reference code from "ข้อมูลของฉัน"."""
    office, user = _office(), current_user()
    code = (request.values.get("code") or "").strip()
    found = citizen.by_reference(office, code) if code else None
    if request.method == "POST" and found is not None and request.form.get("erase") == "yes":
        said = citizen.erase(found, user.username, "erase-at-counter")
        flash(f"ลบข้อมูลของรหัสอ้างอิง {citizen.reference(found)} แล้วค่ะ ({said or 'ไม่มีข้อมูลเหลือ'})", "ok")
        return redirect(url_for("privacy_staff.at_counter"))
    return render_template(
        "privacy/at_counter.html",
        user=user,
        office=office,
        code=code,
        found=found,
        holdings=citizen.describe(found) if found else [],
        reference=citizen.reference(found) if found else "",
    )


@staff.get("/audit")
@login_required
def audit_log():
    from survey.figures import local_time  # late: survey imports the bot
    from survey.fiscal import thai_short_date

    user = current_user()
    if user.role != "admin":
        abort(403)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    total, rows = audit.entries(user.office, page)
    return render_template(
        "privacy/audit.html",
        user=user,
        office=_office(),
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // audit.PER_PAGE)),
        actions=audit.ACTIONS,
        local=local_time,
        short_date=thai_short_date,
    )
