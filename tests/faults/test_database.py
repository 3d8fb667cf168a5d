"""Scenario 3: the database is away for a while (PostgreSQL cut off; SQLite write-locked by
another process) while citizens answer the web survey and ask questions in LINE.

Promise: /healthz names the database meanwhile; the web form still takes answers (they
wait in the queue); jobs retry until the database is back; every response is stored and
tallied once; questions in LINE (which need no write) are answered throughout.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import requests

from tests.faults.conftest import record, scale
from tests.faults.harness import SURVEY, Asking, citizen, wait_for
from tests.faults.proxy import CuttableProxy

SHARED_URL = os.environ.get("DATABASE_URL", "")


def _database_named_unhealthy(stack) -> bool:
    answer = requests.get(f"{stack.base}/healthz", timeout=5)
    return answer.status_code == 503 and "database" in answer.json()["failing"]


class Outage:
    """PostgreSQL: every connection cut, new ones refused. SQLite: the write lock held."""

    def __init__(self, stack, proxy: CuttableProxy | None):
        self.stack, self.proxy = stack, proxy
        self._release = threading.Event()

    def begin(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
            return
        path = self.stack.database_url.removeprefix("sqlite:///")
        locked = threading.Event()

        def hold():
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            conn.execute("BEGIN EXCLUSIVE")
            locked.set()
            self._release.wait()
            conn.execute("ROLLBACK")
            conn.close()

        threading.Thread(target=hold, daemon=True).start()
        locked.wait(10)

    def end(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
        else:
            self._release.set()


def _via_proxy(url: str) -> tuple[CuttableProxy, str]:
    parts = urlsplit(url)
    proxy = CuttableProxy((parts.hostname or "127.0.0.1", parts.port or 5432)).start()
    netloc = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return proxy, urlunsplit(parts._replace(netloc=f"{netloc}127.0.0.1:{proxy.port}"))


def test_database_away_loses_and_doubles_nothing(stack_factory):
    proxy = None
    if SHARED_URL and not SHARED_URL.startswith("sqlite"):
        proxy, url = _via_proxy(SHARED_URL)
        stack = stack_factory(database_url=url).start()
    else:
        stack = stack_factory().start()
    surveys = scale(12, 18)  # the web form takes 20 posts per address and window
    asking = Asking(stack, [citizen(i) for i in range(scale(40, 200))], per_second=5)
    asking.start()
    statuses = [stack.answer_web_survey() for _ in range(surveys // 3)]
    outage = Outage(stack, proxy)
    outage.begin()
    began = time.time()
    try:
        wait_for(lambda: _database_named_unhealthy(stack), 20, "/healthz to name the database")
        statuses += [stack.answer_web_survey() for _ in range(surveys // 3)]
        remaining = scale(8, 30) - (time.time() - began)
        time.sleep(max(0.0, remaining))  # how long the database stays away: the fault itself
    finally:
        outage.end()
    ended = time.time()
    statuses += [stack.answer_web_survey() for _ in range(surveys - len(statuses))]
    asking.join()
    wait_for(
        lambda: stack.tally()[0] == surveys, 120, lambda: f"{surveys} responses: {stack.tally()}"
    )
    wait_for(lambda: stack.queued_or_running() == 0, 120, "the queues to drain")
    wait_for(lambda: not asking.missing(), 60, lambda: f"answers to {asking.missing()[:5]}")
    stored, tallied, answers = stack.tally()
    counts = asking.answers_per_citizen()
    record(
        f"database-{'postgresql' if proxy else 'sqlite'}",
        outage_s=round(ended - began, 1),
        web_responses=surveys,
        stored=stored,
        tallied=tallied,
        questions=len(counts),
        answered_once=counts.count(1),
    )
    assert statuses == [302] * surveys, "the web form refused an answer"
    assert (stored, tallied) == (surveys, surveys)
    assert answers == surveys * len(SURVEY.items())
    assert counts.count(1) == len(counts)
    assert stack.failed_jobs() == []
