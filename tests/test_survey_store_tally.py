"""Responses go through the `responses` queue to a real worker, are stored once, and the
tallies equal a recomputation from the stored responses."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from rq.registry import FailedJobRegistry
from sqlalchemy import select

from bot import db
from survey.definition import load_survey, parse_survey
from survey.models import Answer, Response
from survey.store import fiscal_year, period_key
from survey.tally import Filters, band, stats, tally
from workers.queues import AppQueue
from workers.responses import enqueue_response

SURVEY = load_survey()


def _payload(
    respondent: str,
    *,
    value=None,
    counter: str = "1",
    when: str = "2026-11-20T03:00:00+00:00",
    version: str | None = None,
    **extra,
) -> dict:
    rng = random.Random(respondent)
    answers = {item.id: value or rng.randint(1, 5) for item in SURVEY.items()}
    return {
        "response_id": str(uuid.uuid4()),
        "office": "nongbua",
        "survey_id": SURVEY.id,
        "version": version or SURVEY.version,
        "counter": counter,
        "channel": "line",
        "respondent": respondent,
        "period": f"{when[:10]}|c{counter}",
        "submitted_at": when,
        "answers": answers,
        "demographics": {"gender": "female", "age_band": "61-"},
        "comment": None,
        **extra,
    }


def _tally(app, **filters):
    with app.app_context():
        return tally(db.session(), Filters("nongbua", SURVEY.id, **filters), SURVEY)


def _recomputed(app, counter: str | None = None) -> dict:
    """The same figures, the slow way: from every stored answer."""
    with app.app_context():
        query = select(Answer.item_id, Answer.value).join(
            Response, Response.id == Answer.response_id
        )
        if counter is not None:
            query = query.where(Response.counter == counter)
        rows = db.session().execute(query).all()
        n = (
            db.session()
            .query(Response)
            .filter(*([Response.counter == counter] if counter else []))
            .count()
        )
    per_item: dict[str, Counter] = {}
    for item_id, value in rows:
        per_item.setdefault(item_id, Counter())[value] += 1
    overall = sum(per_item.values(), Counter())
    return {
        "overall": stats(dict(overall), 5, n=n),
        "items": {k: stats(dict(v), 5) for k, v in per_item.items()},
    }


def _failed(app) -> list[str]:
    return FailedJobRegistry(
        queue=AppQueue("responses", connection=app.extensions["tambon.redis"])
    ).get_job_ids()


def test_tallies_equal_a_recomputation_from_stored_responses(app, line):
    with app.test_request_context():
        for i in range(40):
            enqueue_response(_payload(f"citizen-{i}", counter=str(1 + i % 2)))
    line.run_worker()
    assert _failed(app) == []
    figures = _tally(app)
    slow = _recomputed(app)
    assert figures["overall"] == slow["overall"]
    assert figures["overall"]["n"] == 40
    assert {
        i["id"]: {k: v for k, v in i.items() if k not in {"id", "text", "aspect"}}
        for i in figures["items"]
    } == slow["items"]
    assert _tally(app, counter="2")["overall"] == _recomputed(app, counter="2")["overall"]


def test_a_retried_or_duplicated_job_changes_nothing(app, line):
    payload = _payload("citizen-a", value=4)
    with app.test_request_context():
        enqueue_response(payload)
        enqueue_response(payload)
    line.run_worker()
    before = _tally(app)
    with app.test_request_context():
        enqueue_response(payload)  # a retry after a crash, a redelivered event…
    line.run_worker()
    assert _tally(app) == before
    assert before["overall"]["n"] == 1


def test_one_response_per_citizen_per_period(app, line):
    first, again = _payload("citizen-b", value=5), _payload("citizen-b", value=1)
    other_day = _payload("citizen-b", value=3, when="2026-11-21T03:00:00+00:00")
    with app.test_request_context():
        for p in (first, again, other_day):
            enqueue_response(p)
    line.run_worker()
    figures = _tally(app)
    assert figures["overall"]["n"] == 2
    assert figures["overall"]["counts"]["1"] == 0  # the repeat was not counted


def test_an_invalid_response_fails_visibly_and_is_not_retried(app, line):
    broken = _payload("citizen-c")
    broken["answers"].pop("staff_polite")
    with app.test_request_context():
        enqueue_response(broken)
    line.run_worker()
    (job_id,) = _failed(app)
    job = AppQueue("responses", connection=app.extensions["tambon.redis"]).fetch_job(job_id)
    assert "missing ['staff_polite']" in job.latest_result().exc_string
    assert _tally(app)["overall"]["n"] == 0


def test_a_changed_survey_is_a_new_version_and_old_responses_keep_theirs(app, line):
    with app.test_request_context():
        enqueue_response(_payload("citizen-d", value=5))
    line.run_worker()
    edited = SURVEY.model_dump(mode="json")
    edited["aspects"][0]["items"][0]["text"] = "ขั้นตอนง่าย ไม่ซับซ้อน"
    assert parse_survey(edited).version != SURVEY.version
    figures = _tally(app)
    assert figures["overall"]["n"] == 1  # the old version's answers still count


def test_dates_and_counters_filter_the_tally(app, line):
    with app.test_request_context():
        enqueue_response(
            _payload("e1", value=5, when="2026-11-19T18:00:00+00:00")
        )  # 01:00 on the 20th in Bangkok
        enqueue_response(
            _payload("e2", value=3, when="2026-11-19T16:00:00+00:00", counter="2")
        )  # 23:00 on the 19th
    line.run_worker()
    assert _tally(app, date_from=date(2026, 11, 20))["overall"]["n"] == 1
    assert _tally(app, date_to=date(2026, 11, 19))["overall"]["mean"] == 3.0
    assert _tally(app, counter="1")["overall"]["mean"] == 5.0


@pytest.mark.parametrize(
    ("mean", "label"),
    [
        (5.0, "มากที่สุด"),
        (4.51, "มากที่สุด"),
        (4.50, "มาก"),
        (3.51, "มาก"),
        (3.50, "ปานกลาง"),
        (2.51, "ปานกลาง"),
        (2.5, "น้อย"),
        (1.51, "น้อย"),
        (1.5, "น้อยที่สุด"),
        (1.0, "น้อยที่สุด"),
    ],
)
def test_thai_bands(mean, label):
    assert band(mean) == label


def test_figures_follow_thai_report_conventions():
    figures = stats({5: 6, 4: 3, 3: 1}, 5)
    assert figures["n"] == 10
    assert figures["mean"] == 4.5
    assert figures["percent_satisfied"] == 90.0
    assert figures["percents"] == {"5": 60.0, "4": 30.0, "3": 10.0, "2": 0.0, "1": 0.0}
    assert figures["sd"] == 0.71  # sample S.D.
    assert figures["band"] == "มาก"


def test_periods_are_bangkok_days_weeks_months_and_fiscal_years():
    late = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)  # 00:30 on 1 Oct in Bangkok
    assert period_key("day", late, "2", True) == "d2026-10-01|c2"
    assert period_key("month", late, "2", False) == "m2026-10"
    assert period_key("fiscal_year", late, "", False) == "fy2570"
    assert fiscal_year(date(2026, 9, 30)) == 2569
    assert period_key("week", late, "1", True).startswith("w2026-")


def test_tally_command_prints_the_same_figures(app, line, runner):
    import json

    from bot.cli import main

    with app.test_request_context():
        for i in range(5):
            enqueue_response(_payload(f"cli-{i}", counter="2"))
    line.run_worker()
    result = runner.invoke(main, ["tally", "--office", "nongbua", "--counter", "2", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["overall"] == _tally(app, counter="2")["overall"]
    assert {"overall", "aspects", "items"} <= set(printed)
    assert printed["aspects"][0]["title"] == "ด้านขั้นตอนการให้บริการ"
    text = runner.invoke(main, ["tally", "--office", "nongbua", "--from", "2026-11-01"])
    assert text.exit_code == 0
    assert "ภาพรวม" in text.output and "ด้านเจ้าหน้าที่ผู้ให้บริการ" in text.output
    bad = runner.invoke(main, ["tally", "--office", "nongbua", "--counter", "99"])
    assert bad.exit_code != 0 and "no counter" in bad.output
