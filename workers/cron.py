"""The app's cron schedule, for `tambon cron` (rq's CronScheduler).

rq reads cron strings in UTC: Monday 08:00 Asia/Bangkok is "0 1 * * 1".
Two cron processes would both enqueue, so `tambon cron` holds a Redis lock and refuses
to run beside another; the jobs are idempotent all the same.
"""

from __future__ import annotations

import rq.cron
from redis import Redis
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from workers.defaults import CRON_LOCK_TTL, DEFAULT_QUEUE
from workers.maintenance import heartbeat
from workers.privacy import CRON as RETENTION_CRON
from workers.privacy import enqueue_retention
from workers.queues import AppQueue
from workers.weekly import CRON as WEEKLY_CRON
from workers.weekly import enqueue_due_reports

LOCK_KEY = "tambon:cron:lock"
# rq's CronJob.enqueue builds a plain Queue, whose jobs are pickled; ours are JSON
# (workers.queues.SERIALIZER). tests/test_health_and_processes.py checks this holds.
rq.cron.Queue = AppQueue


class SingleCronScheduler(CronScheduler):
    """A CronScheduler that runs only while it holds the cron lock."""

    def acquire(self) -> bool:
        return bool(self.connection.set(LOCK_KEY, self.name, nx=True, ex=CRON_LOCK_TTL))

    def heartbeat(self) -> None:
        super().heartbeat()
        holder = self.connection.get(LOCK_KEY)
        if holder is not None and holder.decode() != self.name:
            self.log.error("another cron process holds the lock (%s); stopping", holder.decode())
            raise StopRequested()
        self.connection.set(LOCK_KEY, self.name, ex=CRON_LOCK_TTL)

    def register_death(self, pipeline=None) -> None:
        try:
            super().register_death(pipeline)
        finally:
            holder = self.connection.get(LOCK_KEY)
            if holder is not None and holder.decode() == self.name:
                self.connection.delete(LOCK_KEY)


def build_scheduler(connection: Redis) -> SingleCronScheduler:
    scheduler = SingleCronScheduler(connection)
    scheduler.register(heartbeat, DEFAULT_QUEUE, interval=300, name="heartbeat")
    # Offices choose their own day and time (Asia/Bangkok); the job checks which are due.
    scheduler.register(enqueue_due_reports, DEFAULT_QUEUE, cron=WEEKLY_CRON, name="weekly-reports")
    scheduler.register(enqueue_retention, DEFAULT_QUEUE, cron=RETENTION_CRON, name="retention")
    return scheduler
