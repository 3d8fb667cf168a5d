"""Scenario 2: Redis stops mid-traffic (shut down, or killed outright) and comes back.

Promise: while it is down the webhook answers 503, so LINE delivers again; nothing the
webhook answered 200 for is lost (the append-only file is written before Redis answers);
workers and the supervisor reconnect by themselves; every question is answered once.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.faults.conftest import FULL, record, scale
from tests.faults.harness import Asking, citizen, wait_for


def _redis_named_unhealthy(stack) -> bool:
    answer = requests.get(f"{stack.base}/healthz", timeout=3)
    return answer.status_code == 503 and "redis" in answer.json()["failing"]


CASES = [("redis-server", "shutdown"), ("redis-server", "kill"), ("embedded", "kill")]


@pytest.mark.parametrize("server, how", CASES if FULL else CASES[2:])
def test_redis_down_mid_traffic_loses_nothing_it_accepted(stack_factory, server, how):
    stack = stack_factory(embedded_redis=server == "embedded").start()
    asking = Asking(stack, [citizen(i) for i in range(scale(60, 300))], per_second=10)
    asking.start()
    wait_for(lambda: sum(asking.answers_per_citizen()) >= 20, 30, "the first answers")
    stack.redis.stop(kill=how == "kill")
    down_at = time.time()
    wait_for(lambda: _redis_named_unhealthy(stack), 10, "/healthz to name Redis")
    time.sleep(scale(3, 10))  # how long Redis stays away: the fault itself, not a wait
    stack.redis.start()
    up_at = time.time()
    asking.join()
    wait_for(lambda: not asking.missing(), 120, lambda: f"answers to {asking.missing()[:5]}")
    wait_for(lambda: stack.queued_or_running() == 0, 60, "the queues to drain")
    wait_for(stack.healthy, 10, "/healthz to be 200 again")
    counts = asking.answers_per_citizen()
    record(
        f"redis-{server}-{how}",
        questions=len(counts),
        redis_down_s=round(up_at - down_at, 1),
        webhook_refusals=asking.refused,
        answered_once=counts.count(1),
        lost=counts.count(0),
        doubled=sum(c > 1 for c in counts),
    )
    assert asking.refused > 0, "the webhook never answered 503 while Redis was down"
    assert counts.count(1) == len(counts), "a citizen got no answer, or two"
    assert stack.failed_jobs() == []
    assert stack.worker.alive(), "the supervisor gave up"
