"""Keyed hashes that stand in for LINE user ids wherever the raw id is not needed."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def keyed_hash(purpose: str, value: str, secret: str | None = None) -> str:
    """HMAC-SHA256 of `value`, separated by `purpose` so one hash cannot stand for another."""
    key = (secret or current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


def citizen_key(office: str, user_id: str) -> str:
    """Pseudonymous, stable id of a citizen within one office."""
    return keyed_hash("citizen", f"{office}:{user_id}")[:32]


def log_ref(user_id: str) -> str:
    """What logs show instead of a LINE user id."""
    if not user_id:
        return "-"
    return "u:" + hashlib.sha256(user_id.encode()).hexdigest()[:10]
