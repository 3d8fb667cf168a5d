"""`tambon worker`: a supervisor that forks long-lived workers and keeps the queue side alive.

The supervisor loads the app and builds the FAQ matchers (the sentence model, ~150 MB),
then forks N AppWorkers (rq's WorkerPool), which share that memory. Each second it:
  - respawns a worker that died, and hands the dead one's job back to rq at once
    (workers/recovery.py), so a crash costs the job a second, not ten minutes;
  - ticks the scheduler that moves due retries onto the queues (workers/scheduler.py);
  - every few seconds, runs rq's registry cleanup, which finds jobs of workers lost with
    another machine once their heartbeat lapses.
Workers die with the supervisor (SIGTERM, so they finish the job in hand first).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import time
from multiprocessing import get_context

from flask import Flask
from redis.exceptions import RedisError
from rq.worker_pool import WorkerPool

from bot.connections import connect
from bot.faq.office import refresh as refresh_matchers
from workers import recovery
from workers.defaults import ALL_QUEUES, REGISTRY_CLEAN_INTERVAL, WORKER_MAX_JOBS
from workers.queues import SERIALIZER, AppQueue
from workers.scheduler import LeasedScheduler
from workers.worker import AppWorker, run

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


def default_processes() -> int:
    """Two per core: a chat job waits for LINE and Redis about half its time, so one per core
    leaves them idle (bench/reply.py: a burst drains at 59 events/s with 2 on 2 cores, 90
    with 4). Each more costs ~80 MB; the sentence model is shared."""
    return 2 * max(1, os.cpu_count() or 1)


class AppWorkerPool(WorkerPool):
    def __init__(self, app: Flask, num_workers: int):
        self.app = app
        conn = connect(app.config["REDIS_URL"], blocking=True)
        super().__init__(
            list(ALL_QUEUES), connection=conn, num_workers=num_workers, queue_class=AppQueue,
            serializer=SERIALIZER,
        )  # fmt: skip
        self.worker_class = AppWorker
        self.scheduler = LeasedScheduler(conn)
        self._cleaned_at = 0.0
        self._redis_was_down = False

    def get_worker_process(self, name: str, burst: bool, _sleep: float = 0, logging_level="INFO"):
        return get_context("fork").Process(
            target=_worker_main, args=(self.app, os.getpid()), name=f"tambon worker {name}"
        )

    def check_workers(self, respawn: bool = True) -> None:
        super().check_workers(respawn=respawn)
        try:
            self.tick()
        except RedisError as exc:
            if not self._redis_was_down:
                log.error("Redis unreachable (%s); retrying every second", type(exc).__name__)
            self._redis_was_down = True
        else:
            if self._redis_was_down:
                log.info("Redis is back")
            self._redis_was_down = False

    def tick(self) -> None:
        queues = self.queues
        recovery.recover_dead_workers(self.connection, queues)
        recovery.requeue_stranded(self.connection, queues)
        self.scheduler.tick()
        if time.monotonic() - self._cleaned_at >= REGISTRY_CLEAN_INTERVAL:
            recovery.clean(queues)
            self._cleaned_at = time.monotonic()

    def start(self, burst: bool = False, logging_level: str = "INFO") -> None:
        try:
            super().start(burst=burst, logging_level=logging_level)
        finally:
            with contextlib.suppress(RedisError):  # else the lease lapses by itself
                self.scheduler.release_locks()


def _worker_main(app: Flask, supervisor: int) -> None:
    # Die with the supervisor; SIGTERM is rq's warm shutdown: the job in hand finishes.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != supervisor:
        return  # it died before prctl took effect
    run(app, max_jobs=WORKER_MAX_JOBS)


def supervise(app: Flask, processes: int) -> None:
    pool = AppWorkerPool(app, processes)
    pool.check_workers(respawn=False)  # a predecessor's dead workers: their jobs go back now
    with app.app_context():
        refresh_matchers(app.extensions["tambon.offices"])  # once, shared by every worker
    pool.start()
