"""Reading the tallies: n, counts and percentages per level, mean, S.D., percent satisfied,
and the Thai band, per item, per aspect and overall. Never scans responses."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.definition import Survey, parse_survey
from survey.models import EitDistribution, ItemTally, ResponseTally, SurveyVersion

BANDS = [(4.51, "มากที่สุด"), (3.51, "มาก"), (2.51, "ปานกลาง"), (1.51, "น้อย"), (0.0, "น้อยที่สุด")]


def band(mean: float | None) -> str | None:
    """Thai interpretation of a mean on the 5-level scale (4.51–5.00 มากที่สุด …)."""
    if mean is None:
        return None
    rounded = round(mean, 2)
    return next(label for floor, label in BANDS if rounded >= floor)


def stats(counts: dict[int, int], top: int, n: int | None = None) -> dict:
    """Figures from counts per level; `n` overrides the number of answers (responses)."""
    answers = sum(counts.values())
    levels = range(top, 0, -1)
    mean = sum(v * c for v, c in counts.items()) / answers if answers else None
    sd = None
    if answers > 1:
        sd = math.sqrt(sum(c * (v - mean) ** 2 for v, c in counts.items()) / (answers - 1))
    elif answers == 1:
        sd = 0.0
    return {
        "n": answers if n is None else n,
        "counts": {str(v): counts.get(v, 0) for v in levels},
        "percents": {
            str(v): round(100 * counts.get(v, 0) / answers, 2) if answers else 0.0 for v in levels
        },
        "mean": None if mean is None else round(mean, 2),
        "sd": None if sd is None else round(sd, 2),
        "percent_satisfied": None if mean is None else round(100 * mean / top, 2),
        "band": band(mean),
    }


@dataclass(frozen=True)
class Filters:
    office: str
    survey_id: str
    date_from: date | None = None
    date_to: date | None = None
    counter: str | None = None


def _where(model, f: Filters) -> list:
    clauses = [model.office == f.office, model.survey_id == f.survey_id]
    if f.date_from:
        clauses.append(model.day >= f.date_from)
    if f.date_to:
        clauses.append(model.day <= f.date_to)
    if f.counter is not None:
        clauses.append(model.counter == f.counter)
    return clauses


def _definitions(session: Session, f: Filters, current: Survey) -> list[Survey]:
    """The current survey first, then older versions that responses used."""
    rows = session.execute(
        select(SurveyVersion.definition)
        .where(SurveyVersion.office == f.office, SurveyVersion.survey_id == f.survey_id)
        .order_by(SurveyVersion.created_at.desc())
    )
    return [current, *(parse_survey(d) for (d,) in rows)]


def tally(session: Session, f: Filters, current: Survey) -> dict:
    responses = session.scalar(
        select(func.coalesce(func.sum(ResponseTally.count), 0)).where(*_where(ResponseTally, f))
    )
    rows = session.execute(
        select(ItemTally.item_id, ItemTally.value, func.sum(ItemTally.count))
        .where(*_where(ItemTally, f))
        .group_by(ItemTally.item_id, ItemTally.value)
    )
    per_item: dict[str, dict[int, int]] = defaultdict(dict)
    for item_id, value, count in rows:
        per_item[item_id][int(value)] = int(count)

    items, aspects, order = [], {}, []
    for survey in _definitions(session, f, current):
        for item in survey.items():
            if item.id in order:
                continue
            order.append(item.id)
            aspect = survey.aspect_of(item.id)
            aspect_key = aspect.id if aspect else None
            if aspect and aspect_key not in aspects:
                aspects[aspect_key] = {
                    "id": aspect.id,
                    "title": aspect.title,
                    "counts": defaultdict(int),
                }
            counts = per_item.get(item.id, {})
            if aspect:
                for v, c in counts.items():
                    aspects[aspect_key]["counts"][v] += c
            if counts or survey is current:
                items.append(
                    {
                        "id": item.id,
                        "text": item.text,
                        "aspect": aspect_key,
                        **stats(counts, current.top),
                    }
                )
    overall: dict[int, int] = defaultdict(int)
    for counts in per_item.values():
        for v, c in counts.items():
            overall[v] += c
    return {
        "office": f.office,
        "survey": f.survey_id,
        "from": f.date_from.isoformat() if f.date_from else None,
        "to": f.date_to.isoformat() if f.date_to else None,
        "counter": f.counter,
        "overall": stats(overall, current.top, n=int(responses)),
        "aspects": [
            {
                "id": a["id"],
                "title": a["title"],
                **stats(dict(a["counts"]), current.top, n=int(responses)),
            }
            for a in aspects.values()
        ],
        "items": items,
    }


def eit_distributions(
    session: Session, office: str, date_from: date | None = None, date_to: date | None = None
) -> dict:
    """How often the EIT link was handed out: in all, per counter, per channel, per day."""
    clauses = [EitDistribution.office == office]
    if date_from:
        clauses.append(EitDistribution.day >= date_from)
    if date_to:
        clauses.append(EitDistribution.day <= date_to)
    rows = session.execute(
        select(EitDistribution.day, EitDistribution.counter, EitDistribution.channel, func.count())
        .where(*clauses)
        .group_by(EitDistribution.day, EitDistribution.counter, EitDistribution.channel)
    ).all()
    out: dict = {
        "total": 0,
        "by_counter": defaultdict(int),
        "by_channel": defaultdict(int),
        "by_day": defaultdict(int),
    }
    for day, counter, channel, count in rows:
        out["total"] += count
        out["by_counter"][counter] += count
        out["by_channel"][channel] += count
        out["by_day"][day.isoformat()] += count
    return {k: dict(v) if isinstance(v, defaultdict) else v for k, v in out.items()}
