"""Scenario 1: workers SIGKILLed mid-job, again and again, while citizens ask questions;
every tenth time the whole `tambon worker` is killed and started again, as systemd would.

Promise: every question is answered exactly once, the job a kill interrupted runs again
within seconds (the supervisor hands it back), and nothing ends in the failed registry.
"""

from __future__ import annotations

import os
import random
import signal
import time

from tests.faults.conftest import record, scale
from tests.faults.harness import Asking, busy_worker_pids, citizen, latencies, wait_for


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
    asking = Asking(stack, [citizen(i) for i in range(scale(60, 500))], per_second=scale(6, 4))
    asking.start()
    kills, killed, supervisor_kills, supervisor_killed = 0, {}, 0, []
    while kills < kills_wanted:
        assert asking.is_alive(), f"traffic ended after {kills} kills"
        if kills % 10 == 9:
            supervisor_killed.append(time.time())
            stack.worker.kill()  # its workers get SIGTERM, finish the job in hand, and stop
            stack.worker.start()
            supervisor_kills += 1
            kills += 1
        elif kill_a_busy_worker(stack, killed):
            kills += 1
        time.sleep(random.uniform(0.1, 0.5))  # pacing the kills
    asking.join()
    wait_for(lambda: not asking.missing(), 120, lambda: f"answers to {asking.missing()[:5]}")
    wait_for(lambda: stack.queued_or_running() == 0, 60, "the queues to drain")
    counts = asking.answers_per_citizen()
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
        lost=counts.count(0),
        doubled=sum(c > 1 for c in counts),
        handed_back=len(recovery),
        handed_back_max_s=round(max(recovery, default=0), 2),
        pushes=len(stack.fake.calls("push", accepted=True)),
        **waits,
    )
    assert counts.count(1) == len(counts), "a citizen got no answer, or two"
    assert stack.failed_jobs() == []
    assert len(recovery) >= len(killed) // 2, "kills did not land mid-job"
    assert max(alone) < 2, f"a killed job waited too long to be handed back: {recovery}"
    assert max(recovery) < 10, f"a killed job waited too long to be handed back: {recovery}"
