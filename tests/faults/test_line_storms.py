"""Scenario 4: LINE answers 500s, 429s with Retry-After, and takes so long the bot gives up
(a timeout after LINE had already acted), while citizens ask questions.

Promise: every citizen gets the answer exactly once — a retried reply whose token LINE had
already used is not pushed again, a retried push carries the same X-Line-Retry-Key (LINE
answers 409) — Retry-After is honoured, and only answers whose reply token had died go out
as pushes, each counted in the office's billed ledger.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from tests.faults.conftest import record, scale
from tests.faults.harness import Asking, citizen, wait_for

STORMS = {
    "500s": {"status": 500},
    "429-retry-after": {"status": 429, "retry_after": 2},
    "timeouts": {"status": 200, "delay": 2.5},  # the bot's read timeout is 1 s here
}


@pytest.mark.parametrize("storm", list(STORMS))
def test_line_storms_deliver_every_answer_once(stack_factory, storm):
    stack = stack_factory(line_timeout="1,1").start()
    for operation in ("reply", "push"):
        stack.fake.storm(operation, rate=0.15, **STORMS[storm])
    asking = Asking(stack, [citizen(i) for i in range(scale(40, 240))], per_second=8)
    asking.start()
    asking.join()
    stack.fake.calm()  # the storm passes; what it broke is retried (1, 2, 5, 15, 60 s …)
    wait_for(lambda: not asking.missing(), 240, lambda: f"answers to {asking.missing()[:5]}")
    wait_for(lambda: stack.queued_or_running() == 0, 120, "the queues to drain")
    counts = asking.answers_per_citizen()
    pushes = stack.fake.calls("push", accepted=True)
    dead_tokens = sum(expired for _, _, expired in asking.event_ids.values())
    faults = [c for c in stack.fake.calls() if c.get("injected")]
    record(
        f"line-{storm}",
        questions=len(counts),
        injected_failures=len(faults),
        answered_once=counts.count(1),
        lost=counts.count(0),
        doubled=sum(c > 1 for c in counts),
        pushes=len(pushes),
        dead_reply_tokens=dead_tokens,
        billed=stack.billed(),
    )
    assert faults, "the storm never broke anything"
    assert counts.count(1) == len(counts), "a citizen got no answer, or two"
    assert stack.failed_jobs() == []
    # Only dead tokens cost money, and each push is counted where the office sees it.
    pushed_to = {call["body"]["to"] for call in pushes}
    assert len(pushed_to) == dead_tokens
    assert stack.billed().get("reply-fallback", 0) == sum(
        len(c["body"]["messages"]) for c in pushes
    )
    if storm == "429-retry-after":
        assert min(_retry_gaps(stack)) >= 2, "a retry came sooner than LINE's Retry-After"


def _retry_gaps(stack) -> list[float]:
    """Seconds between a 429 and the next try of the same reply."""
    by_token = defaultdict(list)
    for call in stack.fake.calls("reply"):
        by_token[call["body"]["replyToken"]].append(call)
    gaps = []
    for calls in by_token.values():
        for first, then in itertools.pairwise(calls):
            if first["status"] == 429:
                gaps.append(then["at"] - first["at"])
    assert gaps, "no reply was retried after a 429"
    return gaps
