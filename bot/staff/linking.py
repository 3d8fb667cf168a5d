"""Linking an admin's own LINE account to their staff account with a one-time code.

The code (6 digits, 10 minutes) is shown on /admin and typed into the office's LINE chat.
Redis keeps only a keyed hash of it. Wrong guesses are limited per LINE account, and per
office: a few wrong codes from anyone void every live code of the office (many accounts
guessing together cannot wear a code down), and its admins are told on /admin.
"""

from __future__ import annotations

import logging
import secrets

from flask import current_app
from sqlalchemy import delete, select

from bot import db
from bot.models import AdminLineLink, StaffUser
from bot.security import throttle
from privacy.keys import citizen_key, keyed_hash, log_ref

log = logging.getLogger(__name__)
CODE_TTL = 600
CODE_DIGITS = 6
MAX_WRONG_CODES = 5  # per LINE account per hour
WRONG_CODES_WINDOW = 3600
MAX_WRONG_PER_OFFICE = 5  # from all accounts, while codes are live: then the codes are void


def _redis():
    return current_app.extensions["tambon.redis"]


def _code_key(office: str, code: str) -> str:
    return f"tambon:link-code:{office}:{keyed_hash('link-code', f'{office}:{code}')[:32]}"


def _user_key(user_id: int) -> str:
    return f"tambon:link-code-of:{user_id}"


def _pending_key(office: str) -> str:
    return f"tambon:link-pending:{office}"


def _live_key(office: str) -> str:
    return f"tambon:link-codes:{office}"


def _office_wrong_key(office: str) -> str:
    return f"tambon:link-wrong-office:{office}"


def _voided_key(office: str) -> str:
    return f"tambon:link-voided:{office}"


def issue_code(user: StaffUser) -> str:
    """A fresh code for this staff user; their previous code stops working."""
    conn = _redis()
    old = conn.get(_user_key(user.id))
    if old:
        conn.delete(old.decode())
        conn.srem(_live_key(user.office), old.decode())
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        key = _code_key(user.office, code)
        if conn.set(key, user.id, nx=True, ex=CODE_TTL):
            break
    pipe = conn.pipeline()
    pipe.set(_user_key(user.id), key, ex=CODE_TTL)
    pipe.set(_pending_key(user.office), 1, ex=CODE_TTL)
    pipe.sadd(_live_key(user.office), key)
    pipe.expire(_live_key(user.office), CODE_TTL)
    pipe.delete(_office_wrong_key(user.office), _voided_key(user.office))
    pipe.execute()
    return code


def codes_voided(office: str) -> bool:
    """Whether the office's codes were voided after wrong guesses (shown to its admins)."""
    return bool(_redis().exists(_voided_key(office)))


def _void_codes(office: str) -> None:
    conn = _redis()
    keys = [k.decode() for k in conn.smembers(_live_key(office))]
    conn.delete(*keys, _live_key(office), _pending_key(office))
    conn.set(_voided_key(office), 1, ex=WRONG_CODES_WINDOW)
    log.warning("LINE-link codes of %s voided after %d wrong codes", office, MAX_WRONG_PER_OFFICE)


def codes_pending(office: str) -> bool:
    """Whether a code may be live: otherwise six digits typed in the chat mean something else."""
    return bool(_redis().exists(_pending_key(office)))


def redeem(office: str, code: str, line_user_id: str) -> StaffUser | None:
    """Link the LINE account to the code's staff user; None when the code is wrong, spent,
    expired, or this LINE account has guessed too often."""
    conn = _redis()
    attempts = f"tambon:link-wrong:{citizen_key(office, line_user_id)}"
    if throttle.reached(conn, attempts, MAX_WRONG_CODES):
        return None
    key = _code_key(office, code)
    user_id = conn.getdel(key)
    if user_id is None:
        throttle.hit(conn, attempts, WRONG_CODES_WINDOW)
        if throttle.over(conn, _office_wrong_key(office), MAX_WRONG_PER_OFFICE - 1, CODE_TTL):
            _void_codes(office)
        return None
    conn.delete(_user_key(int(user_id)))
    conn.srem(_live_key(office), key)
    return _link(office, int(user_id), line_user_id)


def _link(office: str, user_id: int, line_user_id: str) -> StaffUser | None:
    with db.transaction() as session:
        user = session.get(StaffUser, user_id)
        if user is None or user.office != office:
            return None
        # One LINE account stands for one staff user in an office: a re-link moves it.
        session.execute(
            delete(AdminLineLink).where(
                AdminLineLink.office == office,
                (AdminLineLink.line_user_id == line_user_id)
                | (AdminLineLink.staff_user_id == user_id),
            )
        )
        session.flush()
        session.add(AdminLineLink(staff_user_id=user_id, office=office, line_user_id=line_user_id))
    log.info("staff user %s linked LINE account %s", user.username, log_ref(line_user_id))
    return user


def unlink(user: StaffUser) -> bool:
    with db.transaction() as session:
        removed = session.execute(
            delete(AdminLineLink).where(AdminLineLink.staff_user_id == user.id)
        ).rowcount
    return bool(removed)


def link_of(user: StaffUser) -> AdminLineLink | None:
    return db.session().get(AdminLineLink, user.id)


def linked_admin_ids(office: str) -> list[str]:
    """LINE user ids of the office's admins who linked their account."""
    return list(
        db.session().scalars(
            select(AdminLineLink.line_user_id)
            .join(StaffUser, StaffUser.id == AdminLineLink.staff_user_id)
            .where(AdminLineLink.office == office, StaffUser.role == "admin")
            .order_by(AdminLineLink.linked_at, AdminLineLink.staff_user_id)
        )
    )
