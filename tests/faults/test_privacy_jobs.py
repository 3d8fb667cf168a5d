"""Scenario 7: citizens erase their data in LINE while workers are SIGKILLed mid-job and LINE
redelivers every confirmation; then the daily retention job over a year of aged questions,
its worker killed as it runs.

Promise: every citizen who confirmed is told once that their data is gone, and nothing of
theirs is left; the retention job removes every aged question and nothing younger, however
often it is interrupted, and nothing ends in the failed registry.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime, timedelta

from bot.fakeline import sender
from tests.faults.conftest import record, scale
from tests.faults.harness import busy_worker_pids, citizen, wait_for
from tests.faults.test_crashes import kill_a_busy_worker

DONE = "ลบข้อมูลของท่านเรียบร้อยแล้ว"
CONFIRM = "a=erase-confirm"


def _questions(stack, users: list[str], aged: int) -> None:
    """One open question per citizen, and `aged` answered ones from over a year ago."""
    from bot import db
    from bot.qa.models import Question
    from privacy.keys import citizen_key

    now, old = datetime.now(UTC), datetime.now(UTC) - timedelta(days=400)
    with stack.app().app_context(), db.transaction() as session:
        for n, user in enumerate(users):
            session.add(Question(id=f"q-{n}", office="nongbua", line_user_id=user,
                                 citizen=citizen_key("nongbua", user), text="ขอถามเรื่องบั้งไฟ",
                                 asked_at=now, status="open"))  # fmt: skip
        session.add_all(
            Question(
                id=f"old-{n}",
                office="nongbua",
                citizen="c" * 32,
                text="เก่า",
                asked_at=old - timedelta(minutes=n),
                status="answered",
            )
            for n in range(aged)
        )


def _said(stack, user: str, needle: str) -> int:
    return sum(needle in m.get("text", "") for e in stack.entries(user) for m in e["messages"])


def test_erasure_and_retention_survive_killed_workers_and_redelivery(stack_factory):
    stack = stack_factory(workers=2).start()
    stack.fake.storm("reply", rate=1.0, status=200, delay=0.2)
    users = [citizen(7000 + i) for i in range(scale(20, 200))]
    aged = scale(10_000, 50_000)
    _questions(stack, users, aged)
    for user in users:
        stack.post([stack.event(sender.text_event(user, "ลบข้อมูลของฉัน"))])
    wait_for(lambda: all(_said(stack, u, "กู้คืนไม่ได้") for u in users), 120, "the questions")

    confirms = [stack.event(sender.postback_event(u, CONFIRM)) for u in users]
    kills, killed = 0, {}
    for i, event in enumerate(confirms):
        stack.post([event])
        stack.post([{**event, "deliveryContext": {"isRedelivery": True}}])
        if i % 3 == 0 and kill_a_busy_worker(stack, killed):
            kills += 1
        time.sleep(0.1)
    wait_for(lambda: all(_said(stack, u, DONE) for u in users), 180, "every confirmation")
    wait_for(lambda: stack.queued_or_running() == 0, 60, "the queues to drain")
    told = [_said(stack, u, DONE) for u in users]
    left = stack.scalar("SELECT count(*) FROM qa_questions WHERE id LIKE 'q-%'")

    from workers.privacy import enqueue_retention

    with stack.app().app_context():
        enqueue_retention()
    retention_kills = 0
    deadline = time.monotonic() + 120
    while stack.queued_or_running() and time.monotonic() < deadline:
        pids = busy_worker_pids(stack.app_redis)
        if pids and retention_kills < 2:
            os.kill(pids[0], signal.SIGKILL)
            retention_kills += 1
        time.sleep(0.002)
    wait_for(
        lambda: stack.queued_or_running() == 0, 120, lambda: f"the jobs in {stack.unfinished()}"
    )
    aged_left = stack.scalar("SELECT count(*) FROM qa_questions WHERE id LIKE 'old-%'")
    record(
        "privacy",
        citizens=len(users),
        erase_worker_sigkills=kills,
        told_once=told.count(1),
        questions_left=left,
        aged_questions=aged,
        retention_sigkills=retention_kills,
        aged_left=aged_left,
    )
    assert told.count(1) == len(users), "a citizen was told twice, or never"
    assert left == 0, "a citizen's question survived their erasure"
    assert retention_kills >= 1, "no kill landed while the retention job ran"
    assert aged_left == 0
    assert stack.failed_jobs() == []
