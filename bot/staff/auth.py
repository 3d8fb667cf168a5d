"""Staff accounts: password login with lockout, a revocable session, and login_required.

Failed logins are counted in Redis before the password is checked (bot.security.throttle),
so parallel guesses cannot pass the limit. An account locks for one address after a few
failures and for everyone only after many, so a stranger cannot lock staff out; unknown
names are counted and answered exactly like real ones. A session holds the user's session
generation: logging out raises it, which ends every copy of the cookie.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from redis.exceptions import RedisError
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from bot import db
from bot.models import ROLES, StaffUser
from bot.security import throttle
from bot.security.network import client_address
from privacy.keys import keyed_hash
from workers.queues import redis

bp = Blueprint("auth", __name__, url_prefix="/admin")
MAX_FAILED_LOGINS = 5  # per account and address, in LOGIN_WINDOW
MAX_FAILED_PER_ACCOUNT = 20  # per account from all addresses together
MAX_ATTEMPTS_PER_ADDRESS = 30  # any accounts, from one address
LOGIN_WINDOW = 15 * 60
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD = 10
_DUMMY_HASH = generate_password_hash("not a password of anyone")
WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


@dataclass(frozen=True)
class Attempt:
    user: StaffUser | None
    error: str = ""
    status: int = 200


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
        )
        s.add(user)
    return user


def authenticate(username: str, password: str, address: str) -> Attempt:
    conn = redis()
    per_address = f"tambon:login:from:{address}"
    if throttle.over(conn, per_address, MAX_ATTEMPTS_PER_ADDRESS, LOGIN_WINDOW):
        wait = throttle.minutes_left(conn, per_address)
        return Attempt(None, f"มีการเข้าสู่ระบบจากเครื่องนี้บ่อยเกินไป กรุณาลองใหม่ในอีก {wait} นาที", 429)
    account = f"tambon:login:fail:{keyed_hash('login', username.casefold())[:32]}"
    pair = f"{account}:{address}"
    # Counted as failures before the check, so only the allowed number of guesses is checked.
    failures = throttle.hit(conn, pair, LOGIN_WINDOW)
    failures_anywhere = throttle.hit(conn, account, LOGIN_WINDOW)
    if failures > MAX_FAILED_LOGINS or failures_anywhere > MAX_FAILED_PER_ACCOUNT:
        key = pair if failures > MAX_FAILED_LOGINS else account
        wait = throttle.minutes_left(conn, key)
        message = f"ใส่รหัสผ่านผิดหลายครั้ง ระงับการเข้าสู่ระบบชั่วคราว กรุณาลองใหม่ในอีก {wait} นาที"
        return Attempt(None, message, 401)
    user = db.session().scalar(select(StaffUser).where(StaffUser.username == username))
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password) or not user:
        return Attempt(None, WRONG, 401)
    conn.delete(pair)
    throttle.undo(conn, account)
    return Attempt(user)


def revoke_sessions(user_id: int) -> None:
    """End every session of this user, wherever its cookie has been copied."""
    with db.transaction() as s:
        s.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .values(session_generation=StaffUser.session_generation + 1)
        )


def current_user() -> StaffUser | None:
    if "user" not in g:
        uid = session.get("uid")
        user = db.session().get(StaffUser, uid) if uid else None
        if user is not None and user.session_generation != session.get("gen"):
            user = None  # logged out since: this cookie is a copy of an ended session
        g.user = user
    return g.user


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    if target and any(ord(ch) < 0x20 or ch == "\\" for ch in target):
        abort(400)
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    attempt = Attempt(None)
    if request.method == "POST":
        next_page = _safe_next(request.args.get("next"))
        try:
            attempt = authenticate(
                request.form.get("username", "").strip(),
                request.form.get("password", ""),
                client_address(),
            )
        except RedisError:  # attempts cannot be counted: none is checked
            attempt = Attempt(None, "ระบบขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่", 503)
        if attempt.user is not None:
            session.clear()  # a new session on login: no fixation
            session.permanent = True
            session["uid"] = attempt.user.id
            session["gen"] = attempt.user.session_generation
            return redirect(next_page)
    return render_template("login.html", error=attempt.error), attempt.status


@bp.post("/logout")
def logout():
    user = current_user()
    if user is not None:
        revoke_sessions(user.id)
    session.clear()
    return redirect(url_for("auth.login"))
