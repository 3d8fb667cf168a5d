"""POST /line/<office>/webhook: check the signature, parse, queue, answer 200 at once.

No LINE call and no database write happen here, so LINE gets its answer well inside 2 s.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, Response, abort, current_app, request
from linebot.v3 import SignatureValidator
from redis.exceptions import RedisError

from bot.limits import MAX_WEBHOOK_BODY
from workers.queues import enqueue_events

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)


def _answer(status: int, message: str) -> Response:
    # Built by hand: LINE calls this often and jsonify's machinery is a visible share of it.
    return Response(f'{{"message":"{message}"}}', status=status, mimetype="application/json")


def _events(body: str) -> list[dict] | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return None
    if not all(isinstance(e, dict) for e in payload["events"]):
        return None
    return payload["events"]


@bp.post("/line/<office_slug>/webhook")
def receive(office_slug: str):
    office = current_app.extensions["tambon.offices"].get(office_slug)
    if office is None:
        abort(404)
    if (request.content_length or 0) > MAX_WEBHOOK_BODY:
        abort(413)
    raw = request.get_data(cache=False)
    signature = request.headers.get("x-line-signature", "")
    try:
        # LINE sends UTF-8; strict decoding keeps the SDK's str check equal to one on the bytes.
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _answer(400, "body is not UTF-8")
    if not signature or not SignatureValidator(office.line.channel_secret).validate(
        body, signature
    ):
        log.warning("webhook %s: missing or invalid signature", office_slug)
        return _answer(400, "invalid signature")
    events = _events(body)
    if events is None:
        return _answer(400, "malformed webhook body")
    if not events:
        return _answer(200, "ok")
    try:
        queued = enqueue_events(office_slug, events)
    except RedisError:
        log.exception("webhook %s: queue unreachable; LINE will redeliver", office_slug)
        return _answer(503, "queue unavailable")
    log.debug("webhook %s: %d event(s), %d queued", office_slug, len(events), queued)
    return _answer(200, "ok")
