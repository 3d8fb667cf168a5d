"""Staff accounts: password login with lockout, session cookie, and the login_required guard."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from bot import db
from bot.models import ROLES, StaffUser

bp = Blueprint("auth", __name__, url_prefix="/admin")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD = 10
_DUMMY_HASH = generate_password_hash("not a password of anyone")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def create_user(office: str, username: str, password: str, role: str) -> StaffUser:
    if office not in current_app.extensions["tambon.offices"]:
        raise ValueError(f"no office with slug {office!r}")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    with db.transaction() as s:
        if s.scalar(select(StaffUser).where(StaffUser.username == username)):
            raise ValueError(f"user {username!r} exists already")
        user = StaffUser(
            office=office,
            username=username,
            password_hash=generate_password_hash(password),
            role=role,
            failed_logins=0,
        )
        s.add(user)
    return user


def authenticate(username: str, password: str) -> tuple[StaffUser | None, str]:
    """The user, or None with the Thai reason to show."""
    wrong = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    with db.transaction() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            check_password_hash(_DUMMY_HASH, password)  # same work as for a real account
            return None, wrong
        locked_until = _aware(user.locked_until)
        if locked_until and locked_until > _now():
            minutes = int((locked_until - _now()).total_seconds() // 60) + 1
            return None, f"บัญชีนี้ถูกล็อกชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง กรุณาลองใหม่ในอีก {minutes} นาที"
        if not check_password_hash(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until, user.failed_logins = _now() + LOCKOUT, 0
                return None, "ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อก 15 นาที"
            return None, wrong
        user.failed_logins, user.locked_until = 0, None
        return user, ""


def current_user() -> StaffUser | None:
    if "user" not in g:
        uid = session.get("uid")
        g.user = db.session().get(StaffUser, uid) if uid else None
    return g.user


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = ""
    if request.method == "POST":
        user, error = authenticate(
            request.form.get("username", "").strip(), request.form.get("password", "")
        )
        if user is not None:
            session.clear()  # a new session id on login: no fixation
            session.permanent = True
            session["uid"] = user.id
            return redirect(_safe_next(request.args.get("next")))
    status = 401 if error else 200
    return render_template("login.html", error=error), status


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
