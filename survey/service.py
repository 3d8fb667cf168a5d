"""What the conversation and the web form ask of the survey side."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot import db
from bot.messages import Message, uri_action
from bot.offices import Office
from privacy.keys import keyed_hash
from survey.definition import Survey
from survey.models import Response, SurveyVersion
from survey.store import (
    period_key,
    record_eit_in,
    register_version,
    seconds_left_in_period,
)
from workers.queues import redis
from workers.responses import enqueue_response

log = logging.getLogger(__name__)
_registered: set[tuple[str, str, str]] = set()

_RESPONSE_IDS = uuid.UUID("0b7d2f9e-3c41-4a8e-9d55-7e2a6c1f4b90")


def respondent(office: Office, who: str) -> str:
    """The keyed hash that stands for a citizen in survey data (never the LINE id itself)."""
    return keyed_hash("survey-respondent", f"{office.slug}:{who}")


def current_period(office: Office, counter: str, moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return period_key(office.survey.period, moment, counter, office.survey.per_counter)


def _done_key(office: Office, survey: Survey, who_hash: str, period: str) -> str:
    return f"tambon:survey-done:{office.slug}:{survey.id}:{who_hash}:{period}"


def already_answered(office: Office, survey: Survey, who: str, counter: str) -> bool:
    """Has this respondent (a keyed hash) answered in the current period?"""
    period = current_period(office, counter)
    if redis().exists(_done_key(office, survey, who, period)):
        return True
    try:
        found = _stored_answer(office, survey, who, period)
    except SQLAlchemyError:
        log.warning("database unavailable: the once-per-period check rests on Redis alone")
        return False
    return found is not None


def _stored_answer(office: Office, survey: Survey, who: str, period: str) -> str | None:
    return db.session().scalar(
        select(Response.id).where(
            Response.office == office.slug,
            Response.survey_id == survey.id,
            Response.respondent == who,
            Response.period == period,
        )
    )


def register(office: Office, survey: Survey) -> None:
    """Keep this version's definition, so its responses stay readable after edits. The
    worker registers it again with each response, so a database away now loses nothing."""
    key = (office.slug, survey.id, survey.version)
    if key in _registered:
        return
    try:
        with db.transaction() as session:
            if session.get(SurveyVersion, key) is None:  # a read passes a write lock
                register_version(session, office.slug, survey)
        _registered.add(key)
    except SQLAlchemyError:
        log.warning("database unavailable: survey %s registered by the worker", survey.id)


def submit(
    office: Office, survey: Survey, data: dict, comment: str, channel: str, flag: str | None = None
) -> str:
    """Queue a finished response; the same session always yields the same response id."""
    now = datetime.now(UTC)
    counter = data.get("counter", "")
    period = current_period(office, counter, now)
    response_id = str(uuid.uuid5(_RESPONSE_IDS, f"{office.slug}:{survey.id}:{data['sid']}"))
    enqueue_response(
        {
            "response_id": response_id,
            "office": office.slug,
            "survey_id": survey.id,
            "version": data["v"],
            "counter": counter,
            "channel": channel,
            "respondent": data["respondent"],
            "period": period,
            "submitted_at": now.isoformat(),
            "answers": data["answers"],
            "demographics": data.get("demo", {}),
            "comment": comment[:2000],
            "flag": flag,
        }
    )
    ttl = seconds_left_in_period(office.survey.period, now)
    redis().set(_done_key(office, survey, data["respondent"], period), 1, ex=ttl)
    return response_id


def record_eit(office: Office, counter: str, ref: str, channel: str) -> None:
    with db.transaction() as session:
        record_eit_in(session, office.slug, counter, ref, channel, datetime.now(UTC))


def offer_eit(office: Office, counter: str, ref: str, channel: str) -> list[Message]:
    record_eit(office, counter, ref, channel)
    return eit_messages(office)


def eit_messages(office: Office) -> list[Message]:
    """The official EIT survey of the NACC: its QR code (LINE shows HTTPS images only) and
    a button that opens it."""
    messages: list[Message] = []
    base = current_app.config["PUBLIC_BASE_URL"]
    if base.startswith("https://"):
        image = f"{base}/qr/{office.slug}/eit.png"
        messages.append({"type": "image", "originalContentUrl": image, "previewImageUrl": image})
    body = f"เชิญตอบแบบวัด EIT ของ ป.ป.ช. เพื่อประเมินความโปร่งใสของ{office.name}ด้วยนะคะ"
    if len(body) > 160:  # LINE's limit for a buttons template without title or image
        body = "เชิญตอบแบบวัด EIT ของ ป.ป.ช. เพื่อประเมินความโปร่งใสของสำนักงานด้วยนะคะ"
    template = {
        "type": "buttons",
        "text": body,
        "actions": [uri_action("ตอบแบบวัด EIT", office.eit_url)],
    }
    return [
        *messages,
        {"type": "template", "altText": "แบบวัด EIT ของ ป.ป.ช.", "template": template},
    ]
