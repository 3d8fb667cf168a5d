"""Scenario 1: workers SIGKILLed mid-job, again and again, while citizens ask questions,
citizens answer the web survey, staff answers from the inbox go out and the weekly report
is sent; every twentieth time (and once in the small run) the whole `tambon worker` is killed and
restarted, as systemd would.

Promise: every question and staff answer reaches its citizen exactly once, the weekly report
reaches the admin once, every survey response is stored and tallied once, the job a kill
interrupted is handed back within a second or two, and nothing ends in the failed registry.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from datetime import UTC, datetime

from tests.faults.conftest import FULL, record, scale
from tests.faults.harness import Asking, busy_worker_pids, citizen, latencies, wait_for

ADMIN = "U00000000000000000000000000000a01"  # tests/data/offices.yaml


def _queue_staff_answers(stack, count: int) -> list[str]:
    """Questions staff answered in the inbox; their delivery jobs are queued as the inbox
    queues them. The citizens who asked them."""
    from bot import db
    from bot.qa.models import Question
    from workers.qa import enqueue_answer_delivery

    users = [f"U{0xFF00000 + i:032x}" for i in range(count)]
    with stack.app().app_context():
        for n, user in enumerate(users):
            with db.transaction() as session:
                session.add(Question(id=f"q-{n}", office="nongbua", citizen=f"h{n}",
                                     line_user_id=user, text="ขอเอกสารได้ที่ไหน",
                                     asked_at=datetime.now(UTC), status="answered",
                                     answer="ติดต่อสำนักปลัดได้เลยค่ะ", answered_by="malee",
                                     answered_at=datetime.now(UTC)))  # fmt: skip
            enqueue_answer_delivery(f"q-{n}")
    return users


def _queue_weekly_report(stack) -> None:
    from survey import weekly
    from workers.weekly import enqueue_report

    with stack.app().app_context():
        monday = weekly.last_completed_week(datetime.now(UTC))
        assert enqueue_report("nongbua", weekly.week_label(monday))


def kill_a_busy_worker(stack, killed: dict[int, float]) -> bool:
    children = {p.pid for p in stack.worker.children()}
    pids = [p for p in busy_worker_pids(stack.app_redis) if p in children - killed.keys()]
    if not pids:
        return False
    pid = random.choice(pids)
    os.kill(pid, signal.SIGKILL)
    killed[pid] = time.time()
    return True


def test_workers_killed_mid_job_answer_everyone_exactly_once(stack_factory):
    stack = stack_factory(workers=2).start()
    # LINE takes each call, then answers 0.2 s later: most kills land between the two,
    # where a careless retry would say it all twice.
    stack.fake.storm("reply", rate=1.0, status=200, delay=0.2)
    stack.fake.storm("push", rate=1.0, status=200, delay=0.2)
    kills_wanted = scale(10, 100)
    # Two workers answer ~9 a second when each LINE call takes 0.2 s, less while they are
    # being killed: the load stays below, so answers wait for recovery, not in a backlog.
    asking = Asking(stack, [citizen(i) for i in range(scale(120, 800))], per_second=scale(6, 4))
    asking.start()
    staff_answered = _queue_staff_answers(stack, scale(10, 60))
    _queue_weekly_report(stack)
    surveys = threading.Thread(target=lambda: [stack.answer_web_survey() for _ in range(15)])
    surveys.start()
    kills, killed, supervisor_kills, supervisor_killed = 0, {}, 0, []
    while kills < kills_wanted:
        assert asking.is_alive(), f"traffic ended after {kills} kills"
        if kills % 20 == 19 or (not FULL and kills == kills_wanted - 1):
            supervisor_killed.append(time.time())
            stack.worker.kill()  # its workers get SIGTERM, finish the job in hand, and stop
            stack.worker.start()
            supervisor_kills += 1
            kills += 1
        elif kill_a_busy_worker(stack, killed):
            kills += 1
        # Pacing the kills: one about every second, so the supervisor's respawn keeps up
        # (faster, both workers are dead most of the time and it measures nothing but that).
        time.sleep(random.uniform(0.5, 1.5))
    asking.join()
    surveys.join()
    wait_for(lambda: not asking.missing(), 120, lambda: f"answers to {asking.missing()[:5]}")
    wait_for(lambda: stack.queued_or_running() == 0, 60, "the queues to drain")
    counts = asking.answers_per_citizen()
    staff = [len(stack.entries(user)) for user in staff_answered]
    weekly = len(stack.entries(ADMIN))
    stored, tallied, _ = stack.tally()
    waits = latencies(stack, asking.asked)
    handed_back = stack.handed_back_at()
    recovery = sorted(handed_back[pid] - at for pid, at in killed.items() if pid in handed_back)
    # A worker killed just before its supervisor waits for the next one to start (~3 s).
    alone = [
        handed_back[pid] - at
        for pid, at in killed.items()
        if pid in handed_back and not any(0 <= s - at < 2 for s in supervisor_killed)
    ]
    record(
        "crashes",
        questions=len(counts),
        worker_sigkills=kills - supervisor_kills,
        supervisor_sigkills=supervisor_kills,
        answered_once=counts.count(1),
        staff_answers_once=f"{staff.count(1)}/{len(staff)}",
        weekly_reports=weekly,
        web_responses_stored=stored,
        web_responses_tallied=tallied,
        lost=counts.count(0),
        doubled=sum(c > 1 for c in counts),
        handed_back=len(recovery),
        handed_back_max_s=round(max(recovery, default=0), 2),
        pushes=len(stack.fake.calls("push", accepted=True)),
        **waits,
    )
    assert counts.count(1) == len(counts), "a citizen got no answer, or two"
    assert staff.count(1) == len(staff), "a staff answer was lost or sent twice"
    assert weekly == 1, "the weekly report was lost or sent twice"
    assert (stored, tallied) == (15, 15)
    assert stack.failed_jobs() == []
    assert len(recovery) >= len(killed) // 2, "kills did not land mid-job"
    assert max(alone) < 2, f"a killed job waited too long to be handed back: {recovery}"
    assert max(recovery) < 10, f"a killed job waited too long to be handed back: {recovery}"
