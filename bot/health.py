"""GET /healthz: 200 when the database and Redis answer, 503 naming what does not."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from bot import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    problems = {}
    try:
        db.check_writable()
    except SQLAlchemyError as exc:
        problems["database"] = type(exc).__name__
    try:
        current_app.extensions["tambon.redis"].ping()
    except RedisError as exc:
        problems["redis"] = type(exc).__name__
    if problems:
        return jsonify({"status": "unavailable", "failing": problems}), 503
    return jsonify({"status": "ok"}), 200
