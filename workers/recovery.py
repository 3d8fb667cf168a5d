"""Finding workers that died mid-job, and putting their jobs back at once.

rq notices a dead worker's job only when its heartbeat has lapsed and a maintenance pass
runs (every 10 minutes by default). Here a worker's name says which process it is (host,
boot, pid and the process's start time), so a supervisor on the same machine can tell in
one look at /proc that it is gone, and hand its jobs to rq's own abandoned-job handling
(a retry if any are left, else the failed registry) within a second. Workers on other
machines are noticed when their job heartbeat lapses (workers/defaults.JOB_HEARTBEAT_TTL).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from functools import cache
from pathlib import Path

from redis import Redis
from rq import Queue, Worker, worker_registration
from rq.executions import Execution
from rq.job import Job
from rq.registry import StartedJobRegistry, clean_registries

from workers.defaults import STRANDED_AFTER

log = logging.getLogger(__name__)
PREFIX = "tambon"


@cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return "noboot"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None if there is no such pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def process_name(pid: int | None = None) -> str:
    pid = pid or os.getpid()
    host = socket.gethostname().replace(".", "-")
    return f"{PREFIX}.{host}.{_boot_id()}.{pid}.{_start_time(pid)}"


def is_dead_here(name: str) -> bool:
    """True for a worker of this machine whose process has ended; False when unsure."""
    parts = name.split(".")
    if len(parts) != 5 or parts[0] != PREFIX or not parts[3].isdigit():
        return False
    _, host, boot, pid, started = parts
    if host != socket.gethostname().replace(".", "-") or boot != _boot_id():
        return False
    return _start_time(int(pid)) != started


def recover_dead_workers(conn: Redis, queues: list[Queue]) -> int:
    """Hand back the jobs of this machine's dead workers; how many jobs that was."""
    recovered = 0
    for key in conn.smembers(worker_registration.REDIS_WORKER_KEYS):
        name = key.decode().removeprefix(Worker.redis_worker_namespace_prefix)
        if is_dead_here(name):
            recovered += abandon_jobs_of(conn, queues, name)
            _unregister(conn, queues, name)
    return recovered


def abandon_jobs_of(conn: Redis, queues: list[Queue], worker_name: str) -> int:
    """Mark the dead worker's started jobs as expired and let rq's cleanup retry them."""
    count = 0
    for queue in queues:
        registry = StartedJobRegistry(queue=queue)  # the queue's serializer, to retry its jobs
        for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
            try:
                owner = Execution.fetch(execution_id, job_id, conn).worker_name
            except ValueError:
                continue  # its execution lapsed: rq's own cleanup takes it
            if owner == worker_name:
                conn.zadd(registry.key, {f"{job_id}:{execution_id}": 0}, xx=True)
                count += 1
                log.warning("job %s of dead worker %s: handed back", job_id, worker_name)
        if count:
            registry.cleanup()
    return count


def _unregister(conn: Redis, queues: list[Queue], name: str) -> None:
    key = Worker.redis_worker_namespace_prefix + name
    with conn.pipeline() as pipe:
        pipe.srem(worker_registration.REDIS_WORKER_KEYS, key)
        for queue in queues:
            pipe.srem(worker_registration.WORKERS_BY_QUEUE_KEY % queue.name, key)
        pipe.delete(key)
        pipe.execute()


def requeue_stranded(conn: Redis, queues: list[Queue]) -> int:
    """Put back jobs a worker moved out of their queue and died before starting (AppQueue)."""
    count = 0
    now = time.time()
    for queue in queues:
        for raw in conn.lrange(queue.intermediate_queue_key, 0, -1):
            job_id = raw.decode()
            seen = f"tambon:stranded:{queue.name}:{job_id}"
            conn.set(seen, now, nx=True, ex=3600)
            if now - float(conn.get(seen) or now) < STRANDED_AFTER:
                continue
            if conn.hget(Job.key_for(job_id), "status") not in (b"queued", None):
                conn.delete(seen)
                continue  # it did start (it is in the started registry), or it is gone
            with conn.pipeline() as pipe:
                pipe.lrem(queue.intermediate_queue_key, 1, job_id)
                pipe.lpush(queue.key, job_id)  # at the front: it has waited already
                pipe.delete(seen)
                pipe.execute()
            log.warning("job %s was stranded on its way to a worker: queued again", job_id)
            count += 1
    return count


def clean(queues: list[Queue]) -> None:
    """rq's registry maintenance: lapsed heartbeats (other machines' dead workers) → retry."""
    for queue in queues:
        clean_registries(queue)
        worker_registration.clean_worker_registry(queue)
