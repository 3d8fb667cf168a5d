"""/charts/<token>.png: the weekly report's chart, for LINE to fetch. The token is signed
with SECRET_KEY and expires, so the address cannot be guessed or kept for ever."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from itsdangerous import BadSignature, SignatureExpired

from bot import db
from survey.models import WeeklyReport
from survey.weekly import read_chart_token

bp = Blueprint("weekly_charts", __name__)


@bp.get("/charts/<token>.png")
def chart(token: str) -> Response:
    try:
        office, week = read_chart_token(current_app.config["SECRET_KEY"], token)
    except SignatureExpired:
        abort(410, "ลิงก์กราฟนี้หมดอายุแล้ว")
    except BadSignature:
        abort(404)
    report = db.session().get(WeeklyReport, (office, week))
    if report is None:
        abort(404)
    return Response(
        report.chart_png,
        mimetype="image/png",
        headers={"Cache-Control": "private, max-age=86400"},
    )
