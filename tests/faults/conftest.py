"""The fault suite: the service's real processes, broken on purpose (tests/faults/harness.py).

`make test` runs each scenario at a small scale; `make faults` (FAULTS=full) at the scale
docs/reliability.md reports. Each scenario counts what reached the fake LINE and the database.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest

from tests.faults.harness import Stack, dump

FULL = os.environ.get("FAULTS") == "full"


REPORT_DIR = Path(os.environ.get("FAULTS_REPORT", "var/faults"))


def scale(quick: int, full: int) -> int:
    return full if FULL else quick


def record(scenario: str, **figures) -> None:
    """The scenario's figures, for docs/reliability.md (`make faults` prints them)."""
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    figures = {"scale": "full" if FULL else "quick", **figures}
    (REPORT_DIR / f"{scenario}.json").write_text(json.dumps(figures, ensure_ascii=False))
    print(f"\n{scenario}: {figures}")


@pytest.fixture
def stack_factory(tmp_path, request):
    stacks: list[Stack] = []

    def make(**options) -> Stack:
        stack = Stack(tmp_path / f"stack{len(stacks)}", **options)
        stacks.append(stack)
        return stack

    yield make
    failed = request.node.rep_call.failed if hasattr(request.node, "rep_call") else False
    for stack in stacks:
        if failed:
            print(stack.logs())
            with contextlib.suppress(Exception):
                dump(stack.folder / "line-calls.json", {"calls": stack.fake.calls()})
        stack.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
