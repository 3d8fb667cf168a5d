"""Figures beside the tally, for the dashboard, the exports and the annual report: responses
per week and month, per counter and service, demographics, comments. All read the same
tallies and filters as `tally`, so every page and file agrees with `tambon tally`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.offices import Office
from survey.definition import DEMOGRAPHICS
from survey.fiscal import fiscal_year_bounds
from survey.models import ItemTally, Response, ResponseTally
from survey.store import BANGKOK
from survey.tally import Filters, _where, stats

CHANNELS = {"line": "LINE", "web": "เว็บไซต์"}
NOT_GIVEN = "ไม่ได้ตอบ"
NO_COUNTER = "ไม่ระบุจุดบริการ"


@dataclass(frozen=True)
class Comment:
    submitted_at: datetime  # Asia/Bangkok
    counter: str
    text: str


def local_time(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BANGKOK)


def daily_counts(session: Session, f: Filters) -> dict[date, int]:
    rows = session.execute(
        select(ResponseTally.day, func.sum(ResponseTally.count))
        .where(*_where(ResponseTally, f))
        .group_by(ResponseTally.day)
    )
    return {day: int(n) for day, n in rows}


def weekly_counts(session: Session, f: Filters) -> list[tuple[date, int]]:
    """(Monday, responses) for every week from the first response to the last, gaps as 0."""
    per_day = daily_counts(session, f)
    if not per_day:
        return []
    weeks: dict[date, int] = defaultdict(int)
    for day, n in per_day.items():
        weeks[day - timedelta(days=day.weekday())] += n
    first, last = min(weeks), max(weeks)
    count = (last - first).days // 7 + 1
    return [
        (first + timedelta(weeks=i), weeks.get(first + timedelta(weeks=i), 0)) for i in range(count)
    ]


def monthly_counts(session: Session, f: Filters) -> dict[tuple[int, int], int]:
    months: dict[tuple[int, int], int] = defaultdict(int)
    for day, n in daily_counts(session, f).items():
        months[(day.year, day.month)] += n
    return dict(months)


def _counts_by_counter(session: Session, f: Filters) -> dict[str, tuple[int, dict[int, int]]]:
    """Per counter: responses, and answers per level over every item (as tally's overall)."""
    responses = dict(
        session.execute(
            select(ResponseTally.counter, func.sum(ResponseTally.count))
            .where(*_where(ResponseTally, f))
            .group_by(ResponseTally.counter)
        ).all()
    )
    levels: dict[str, dict[int, int]] = defaultdict(dict)
    rows = session.execute(
        select(ItemTally.counter, ItemTally.value, func.sum(ItemTally.count))
        .where(*_where(ItemTally, f))
        .group_by(ItemTally.counter, ItemTally.value)
    )
    for counter, value, count in rows:
        levels[counter][int(value)] = int(count)
    return {c: (int(n), levels.get(c, {})) for c, n in responses.items()}


def by_counter(session: Session, f: Filters, office: Office, top: int) -> list[dict]:
    """One row per counter of the office (and one for responses without a counter, if any)."""
    found = _counts_by_counter(session, f)
    rows = []
    for counter in office.counters:
        if f.counter is not None and counter.code != f.counter:
            continue
        n, levels = found.pop(counter.code, (0, {}))
        label = f"{counter.code} {counter.name}"
        rows.append(
            {
                "code": counter.code,
                "name": label,
                "service": counter.service,
                **stats(levels, top, n=n),
            }
        )
    for code, (n, levels) in sorted(found.items()):
        label = NO_COUNTER if code == "" else f"{code} (เลิกใช้แล้ว)"
        rows.append({"code": code, "name": label, "service": NO_COUNTER, **stats(levels, top, n=n)})
    return rows


def by_service(session: Session, f: Filters, office: Office, top: int) -> list[dict]:
    """Counters that give the same service, together."""
    found = _counts_by_counter(session, f)
    services: dict[str, tuple[int, dict[int, int]]] = {}
    service_of = {c.code: c.service for c in office.counters}
    for code, (n, levels) in found.items():
        service = service_of.get(code, NO_COUNTER)
        total, merged = services.get(service, (0, {}))
        merged = dict(merged)
        for value, count in levels.items():
            merged[value] = merged.get(value, 0) + count
        services[service] = (total + n, merged)
    order = list(dict.fromkeys([*(c.service for c in office.counters), *services]))
    return [
        {"name": s, **stats(services[s][1], top, n=services[s][0])} for s in order if s in services
    ]


def demographics(session: Session, f: Filters, keys: list[str]) -> list[dict]:
    """For each question asked: its Thai title and (label, count, percent) per option."""
    out = []
    for key in keys:
        title, options = DEMOGRAPHICS[key]
        column = getattr(Response, key)
        found = dict(
            session.execute(
                select(column, func.count()).where(*_where(Response, f)).group_by(column)
            ).all()
        )
        total = sum(found.values())
        rows = [(label, found.pop(value, 0)) for value, label in options.items()]
        rows.append((NOT_GIVEN, sum(found.values())))
        out.append(
            {
                "key": key,
                "title": title,
                "total": total,
                "rows": [
                    (label, n, round(100 * n / total, 2) if total else 0.0)
                    for label, n in rows
                    if n or label != NOT_GIVEN
                ],
            }
        )
    return out


def comments(
    session: Session, f: Filters, *, limit: int | None = None, offset: int = 0
) -> tuple[int, list[Comment]]:
    """How many comments in all, and a page of them, newest first."""
    where = [*_where(Response, f), Response.comment.is_not(None), Response.comment != ""]
    total = session.scalar(select(func.count()).select_from(Response).where(*where)) or 0
    query = (
        select(Response.submitted_at, Response.counter, Response.comment)
        .where(*where)
        .order_by(Response.submitted_at.desc(), Response.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query)
    return int(total), [Comment(local_time(at), counter, text) for at, counter, text in rows]


def channel_counts(session: Session, f: Filters) -> dict[str, int]:
    rows = session.execute(
        select(Response.channel, func.count())
        .where(*_where(Response, f))
        .group_by(Response.channel)
    )
    return {CHANNELS.get(channel, channel): int(n) for channel, n in rows}


def flagged(session: Session, f: Filters) -> dict[str, int]:
    """Responses flagged when stored (see survey.web), by flag."""
    rows = session.execute(
        select(Response.flag, func.count())
        .where(*_where(Response, f), Response.flag.is_not(None))
        .group_by(Response.flag)
    )
    return {flag: int(n) for flag, n in rows}


def fiscal_year_responses(session: Session, office: str, survey_id: str, year_be: int) -> int:
    start, end = fiscal_year_bounds(year_be)
    return sum(daily_counts(session, Filters(office, survey_id, start, end)).values())
