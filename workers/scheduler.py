"""Moving due delayed jobs (retries, enqueue_in) onto their queues: rq's scheduler, leased.

rq runs its scheduler inside one worker, under a lock that outlives a killed worker by a
minute, and other workers try to take it over only at their maintenance (every 10 min):
one crash stopped every retry for up to ten minutes. Here each supervisor (workers/pool.py)
ticks the scheduler in its own loop; the lock is a lease of SCHEDULER_LOCK_TTL seconds that
the holder renews each tick, so when it dies another supervisor takes over within seconds,
and a supervisor restarted on the same machine takes over its predecessor's at once.
"""

from __future__ import annotations

import contextlib

from redis import Redis
from redis.exceptions import WatchError
from rq.scheduler import RQScheduler
from rq.scripts import acquire_or_refresh_lock

from workers.defaults import ALL_QUEUES, SCHEDULER_LOCK_TTL
from workers.queues import SERIALIZER
from workers.recovery import is_dead_here, process_name


class LeasedScheduler(RQScheduler):
    def __init__(self, connection: Redis, queues=ALL_QUEUES):
        super().__init__(
            list(queues), connection=connection, name=process_name(), serializer=SERIALIZER
        )

    def acquire_locks(self, auto_start: bool = False) -> set[str]:
        owned = set()
        for queue in self._queue_names:
            key = self.get_locking_key(queue)
            self._take_over_from_the_dead(key)
            outcome = acquire_or_refresh_lock(self.connection, key, self.name, SCHEDULER_LOCK_TTL)
            if outcome in ("acquired", "refreshed"):
                owned.add(queue)
        if owned != self._acquired_locks:
            self._scheduled_job_registries = []
        self._acquired_locks = owned
        return owned

    def _take_over_from_the_dead(self, key: str) -> None:
        holder = self.connection.get(key)
        if holder and is_dead_here(holder.decode()):
            # Deleted only if still the dead one's: another supervisor may have taken it.
            with contextlib.suppress(WatchError), self.connection.pipeline() as pipe:
                pipe.watch(key)
                if pipe.get(key) == holder:
                    pipe.multi()
                    pipe.delete(key)
                    pipe.execute()

    def tick(self) -> None:
        """Renew the lease (or try to take it) and enqueue what is due."""
        if self.acquire_locks():
            self.enqueue_scheduled_jobs()
