"""The rq worker that runs the app's jobs: long-lived, in-process (no fork per job).

rq's default Worker forks a process for every job (~30 ms of CPU before any work, so one
worker finished ~20 chat events a second). This one runs jobs in its own process, as rq's
SimpleWorker does, and keeps the rest of what forking gave: a job's time limit (rq's
SIGALRM death penalty), and a heartbeat while it runs, from a thread, so a worker that dies
is noticed in seconds (workers/recovery.py), not at rq's 10-minute maintenance.
`tambon worker` runs several of these under a supervisor (workers/pool.py).
"""

from __future__ import annotations

import contextlib
import threading
import time

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker

# Imported at start, not in the first job of each kind.
import workers.events
import workers.maintenance
import workers.qa
import workers.responses
import workers.weekly  # noqa: F401
from bot.connections import connect
from bot.faq.office import refresh as refresh_matchers
from workers.defaults import (
    JOB_HEARTBEAT_INTERVAL,
    JOB_HEARTBEAT_TTL,
    MAX_REDIS_RECONNECT_WAIT,
)
from workers.queues import SERIALIZER, AppQueue, all_queues, honour_retry_after
from workers.recovery import process_name


class AppWorker(SimpleWorker):
    """rq's SimpleWorker with a heartbeat while a job runs and LINE's Retry-After honoured."""

    max_connection_wait_time = MAX_REDIS_RECONNECT_WAIT

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("name", process_name())
        super().__init__(*args, **kwargs)
        self.push_exc_handler(honour_retry_after)
        self._running: tuple | None = None
        self._stop_beating = threading.Event()

    def execute_job(self, job, queue):
        self._running = (job, time.monotonic())
        try:
            return super().execute_job(job, queue)
        finally:
            self._running = None

    def prepare_job_execution(self, job, remove_from_intermediate_queue: bool = False) -> None:
        # rq removes the job from the intermediate list only when listening to one queue;
        # AppQueue moves through it for every queue.
        super().prepare_job_execution(job, remove_from_intermediate_queue=True)

    def get_heartbeat_ttl(self, job) -> int:
        return JOB_HEARTBEAT_TTL

    def work(self, *args, **kwargs) -> bool:
        beat = threading.Thread(target=self._beat, name="job-heartbeat", daemon=True)
        beat.start()
        try:
            return super().work(*args, **kwargs)
        finally:
            self._stop_beating.set()

    def _beat(self) -> None:
        while not self._stop_beating.wait(JOB_HEARTBEAT_INTERVAL):
            running = self._running
            if running is None:
                continue
            job, started = running
            execution = self.execution
            if execution is None or execution.job_id != job.id:
                continue  # between dequeue and start: rq set the first heartbeat itself
            # A job past its limit that SIGALRM could not stop is left to lapse, so the
            # supervisor (or another machine's) sees it abandoned.
            if job.timeout and time.monotonic() - started > job.timeout + JOB_HEARTBEAT_TTL:
                continue
            # Redis away: the job's own calls fail too, and it is retried.
            with contextlib.suppress(RedisError):
                self.maintain_heartbeats(job)


def make_worker(app: Flask) -> AppWorker:
    conn = connect(app.config["REDIS_URL"], blocking=True)
    return AppWorker(all_queues(conn), connection=conn, queue_class=AppQueue, serializer=SERIALIZER)


def run(app: Flask, *, burst: bool = False, max_jobs: int | None = None) -> None:
    """One worker in this process (the tests' burst runs, and each supervisor child)."""
    with app.app_context():
        refresh_matchers(app.extensions["tambon.offices"])  # the first question waits no more
        make_worker(app).work(burst=burst, max_jobs=max_jobs)
