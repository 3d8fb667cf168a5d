"""Scenario 5: LINE delivers every event three times (the first, then two redeliveries
marked isRedelivery), in bodies of mixed events, out of order.

Promise: each event is handled once: one answer per citizen, whatever the copies.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor

from bot.fakeline import sender
from tests.faults.conftest import record, scale
from tests.faults.harness import QUESTION, citizen, wait_for

BODY = 50  # events per webhook body


def test_three_deliveries_of_each_event_are_handled_once(stack_factory):
    stack = stack_factory().start()
    users = [citizen(i) for i in range(scale(600, 4_000))]
    events = [stack.event(sender.text_event(user, QUESTION)) for user in users]
    copies = [*events, *(({**e, "deliveryContext": {"isRedelivery": True}}) for e in events * 2)]
    random.Random(7).shuffle(copies)
    bodies = [copies[i : i + BODY] for i in range(0, len(copies), BODY)]
    started = time.time()
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda body: stack.post(body).status_code, bodies))
    posted = time.time()
    missing = lambda: [u for u in users if not stack.entries(u)]  # noqa: E731
    wait_for(lambda: not missing(), 600, lambda: f"answers for {len(missing())} citizens")
    wait_for(lambda: stack.queued_or_running() == 0, 60, "the queues to drain")
    counts = [len(stack.entries(u)) for u in users]
    record(
        "redelivery",
        events=len(events),
        deliveries=len(copies),
        bodies=len(bodies),
        posting_s=round(posted - started, 1),
        all_answered_s=round(time.time() - started, 1),
        answered_once=counts.count(1),
        doubled=sum(c > 1 for c in counts),
    )
    assert statuses == [200] * len(bodies)
    assert counts.count(1) == len(users), "an event was handled twice, or not at all"
    assert stack.failed_jobs() == []
