"""Storing a finished response once, and its tallies with it, in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import insert_for
from bot.exceptions import TambonError
from survey.definition import DEMOGRAPHICS, Survey
from survey.models import (
    Answer,
    EitDistribution,
    ItemTally,
    Response,
    ResponseTally,
    SurveyVersion,
)

BANGKOK = ZoneInfo("Asia/Bangkok")


class InvalidResponse(TambonError):
    """A response that does not fit its survey version: it is refused, never half-stored."""


def bangkok_day(moment: datetime) -> date:
    return moment.astimezone(BANGKOK).date()


def period_key(period: str, moment: datetime, counter: str, per_counter: bool) -> str:
    """The de-duplication window a response falls in (Bangkok time), e.g. d2026-11-22|c2."""
    day = bangkok_day(moment)
    if period == "week":
        year, week, _ = day.isocalendar()
        key = f"w{year}-{week:02d}"
    elif period == "month":
        key = f"m{day:%Y-%m}"
    elif period == "fiscal_year":
        key = f"fy{fiscal_year(day)}"
    else:
        key = f"d{day.isoformat()}"
    return f"{key}|c{counter}" if per_counter else key


def fiscal_year(day: date) -> int:
    """Thai fiscal year in Buddhist era: 1 Oct 2025 – 30 Sep 2026 is 2569."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def seconds_left_in_period(period: str, moment: datetime) -> int:
    """How long a 'done' mark for this period must live (at least a minute)."""
    local = moment.astimezone(BANGKOK)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), BANGKOK)
    extra = {"day": 0, "week": 6 - local.weekday(), "month": 31, "fiscal_year": 366}[period]
    return max(60, int((midnight - local).total_seconds()) + extra * 86400)


def register_version(session: Session, office: str, survey: Survey) -> None:
    statement = insert_for(session, SurveyVersion).values(
        office=office,
        survey_id=survey.id,
        version=survey.version,
        definition=survey.model_dump(mode="json"),
    )
    session.execute(statement.on_conflict_do_nothing())


def validate_payload(payload: dict, survey: Survey) -> None:
    answers = payload.get("answers") or {}
    expected = {item.id for item in survey.items()}
    if set(answers) != expected:
        missing, extra = sorted(expected - set(answers)), sorted(set(answers) - expected)
        raise InvalidResponse(
            f"answers do not match the survey: missing {missing}, unknown {extra}"
        )
    if any(not isinstance(v, int) or v not in survey.scale for v in answers.values()):
        raise InvalidResponse("an answer is outside the survey's scale")
    for key, value in (payload.get("demographics") or {}).items():
        if key not in survey.demographics or value not in DEMOGRAPHICS[key][1]:
            raise InvalidResponse(f"demographic {key}={value!r} is not an option")


def store_response(session: Session, payload: dict, survey: Survey) -> str:
    """'stored', 'duplicate' (this response id already stored) or 'repeat' (same citizen,
    same period). Runs inside the caller's transaction, so tallies move with the response."""
    validate_payload(payload, survey)
    submitted = datetime.fromisoformat(payload["submitted_at"]).astimezone(UTC)
    demographics = payload.get("demographics") or {}
    row = {
        "id": payload["response_id"],
        "office": payload["office"],
        "survey_id": survey.id,
        "version": survey.version,
        "counter": payload.get("counter") or "",
        "channel": payload["channel"],
        "respondent": payload["respondent"],
        "period": payload["period"],
        "submitted_at": submitted,
        "day": bangkok_day(submitted),
        "comment": (payload.get("comment") or "").strip()[:2000] or None,
        "flag": payload.get("flag"),
        **{key: demographics.get(key) for key in DEMOGRAPHICS},
    }
    register_version(session, row["office"], survey)
    inserted = session.execute(insert_for(session, Response).values(**row).on_conflict_do_nothing())
    if inserted.rowcount == 0:
        exists = session.scalar(select(Response.id).where(Response.id == row["id"]))
        return "duplicate" if exists else "repeat"
    session.add_all(
        Answer(response_id=row["id"], item_id=item, value=value)
        for item, value in payload["answers"].items()
    )
    where = {k: row[k] for k in ("office", "survey_id", "version", "day", "counter")}
    _increment(session, ResponseTally, [where])
    items = [{**where, "item_id": i, "value": v} for i, v in payload["answers"].items()]
    _increment(session, ItemTally, items)
    if row["channel"] == "web":  # its thanks page shows the EIT link: a hand-out, once
        record_eit_in(session, row["office"], row["counter"], row["id"], "web", submitted)
    return "stored"


def record_eit_in(
    session: Session, office: str, counter: str, ref: str, channel: str, moment: datetime
) -> None:
    """Count one hand-out of the EIT link; `ref` (an event or response id) counts once."""
    statement = insert_for(session, EitDistribution).values(
        id=f"{channel}:{ref}"[:80], office=office, counter=counter, channel=channel,
        day=bangkok_day(moment),
    )  # fmt: skip
    session.execute(statement.on_conflict_do_nothing())


def _increment(session: Session, model, keys: list[dict]) -> None:
    """Add one to each key's count, in one statement (one round trip on PostgreSQL)."""
    statement = insert_for(session, model).values([{**key, "count": 1} for key in keys])
    statement = statement.on_conflict_do_update(
        index_elements=list(keys[0]), set_={"count": model.count + statement.excluded.count}
    )
    session.execute(statement)
