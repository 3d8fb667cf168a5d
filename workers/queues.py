"""The app's rq queues, and putting webhook events on them exactly once."""

from __future__ import annotations

import re

from flask import current_app
from redis import Redis
from redis.commands.core import Script
from rq import Queue, Retry, get_current_job
from rq.exceptions import DequeueTimeout, NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer
from rq.utils import as_text

from workers.defaults import (
    ALL_QUEUES,
    DEQUEUE_BLOCK,
    EVENT_JOB_TIMEOUT,
    EVENT_RETRY_INTERVALS,
    EVENTS_QUEUE,
    FAILURE_TTL,
    FINISHED_TTL,
    MAX_RETRY_AFTER,
    RETRY_INTERVALS,
    SEEN_EVENT_TTL,
)

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
# Jobs are JSON: data, never code. With rq's default (pickle), whoever could write to Redis
# could make a worker run anything; with JSON they can at most queue our own functions.
SERIALIZER = JSONSerializer


def redis() -> Redis:
    return current_app.extensions["tambon.redis"]


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    return AppQueue(name, connection=connection or redis())


def all_queues(connection: Redis) -> list[Queue]:
    return [AppQueue(name, connection=connection) for name in ALL_QUEUES]


def retry_policy(*, chat: bool = False) -> Retry:
    """Backoff for a job that LINE or the database failed; a chat's is seconds, not minutes."""
    if chat:
        intervals = current_app.config.get("EVENT_RETRY_INTERVALS", EVENT_RETRY_INTERVALS)
    else:
        intervals = current_app.config.get("RETRY_INTERVALS", RETRY_INTERVALS)
    return Retry(max=len(intervals), interval=list(intervals))


def honour_retry_after(job: Job, exc_type, exc_value, traceback) -> bool:
    """rq exception handler, run before rq schedules the retry: when LINE said how long to
    wait (429 / 503 Retry-After), the next retry waits at least that long."""
    retry_after = getattr(exc_value, "retry_after", None)
    if retry_after and job.retries_left and job.retry_intervals:
        intervals = list(job.retry_intervals)
        index = max(len(intervals) - job.retries_left, 0)
        # rq schedules by whole seconds and may run a job up to a second early: add one.
        intervals[index] = max(intervals[index], min(retry_after, MAX_RETRY_AFTER) + 1)
        job.retry_intervals = intervals
    return True  # the default handling (retry or failed registry) goes on


def no_more_retries() -> None:
    """The job failed in a way retrying cannot mend (LINE refused the request, the data is
    wrong): it fails now and stays in rq's failed registry with the reason for someone to read."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0


def seen_key(office: str, event_id: str) -> str:
    return f"tambon:seen:{office}:{event_id}"


def _timestamp(event: dict) -> int:
    """LINE's order is by timestamp; a missing or odd one sorts first, never fails."""
    value = event.get("timestamp")
    return value if isinstance(value, int) else 0


def _first_of_each(events: list[dict]) -> list[dict]:
    """One body may carry the same event twice; keep its first copy."""
    seen: set[str] = set()
    kept = []
    for event in events:
        event_id = str(event.get("webhookEventId") or "")
        if event_id and event_id in seen:
            continue
        seen.add(event_id)
        kept.append(event)
    return kept


# For each event not seen before, replays the commands rq would have sent to queue its job,
# then marks it seen: one round trip. A script runs alone, so no other delivery interleaves;
# Redis does not roll a failed script back, which is why the mark comes last: an error
# leaves the event unmarked, and LINE's redelivery queues it. ARGV: ttl, then per event:
# has-key flag, command count, then per command its argument count and arguments.
# KEYS: the seen-marks of the events that have an id.
_MARK_AND_QUEUE = """
local ttl, pos, k, queued = ARGV[1], 2, 1, 0
while pos <= #ARGV do
  local key = nil
  if ARGV[pos] == '1' then
    key = KEYS[k]
    k = k + 1
  end
  local fresh = key == nil or redis.call('EXISTS', key) == 0
  local commands = tonumber(ARGV[pos + 1])
  pos = pos + 2
  for _ = 1, commands do
    local count = tonumber(ARGV[pos])
    if fresh then redis.call(unpack(ARGV, pos + 1, pos + count)) end
    pos = pos + 1 + count
  end
  if fresh then
    if key then redis.call('SET', key, '1', 'EX', ttl) end
    queued = queued + 1
  end
end
return queued
"""
# Bytes, so no client is needed to hash it; EVALSHA loads it on a server that lacks it.
_SCRIPT = Script(None, _MARK_AND_QUEUE.encode())


def enqueue_events(office: str, events: list[dict]) -> int:
    """Queue each event not seen before (kept 24 h by webhookEventId); return how many."""
    connection = redis()
    queue = get_queue(EVENTS_QUEUE, connection)
    retry = retry_policy(chat=True)
    keys: list[str] = []
    argv: list = [SEEN_EVENT_TTL]
    # rq writes a job through a pipeline it is given; this one is never executed, only read.
    capture = connection.pipeline(transaction=False)
    for event in _first_of_each(sorted(events, key=_timestamp)):
        event_id = str(event.get("webhookEventId") or "")
        queue.enqueue_call(
            "workers.events.handle_event",
            args=(office, event),
            job_id=f"event-{office}-{event_id}" if _SAFE_ID.match(event_id) else None,
            timeout=EVENT_JOB_TIMEOUT,
            failure_ttl=FAILURE_TTL,
            retry=retry,
            # rq logs a job's description; by default that is its arguments, with the user id.
            description=f"LINE event {event_id[:40] or '(no id)'} for {office}",
            result_ttl=FINISHED_TTL,  # the job holds the raw event (LINE id, words)
            pipeline=capture,
        )
        if event_id:
            keys.append(seen_key(office, event_id))
        argv += ["1" if event_id else "0", len(capture.command_stack)]
        for command, _options in capture.command_stack:
            argv += [len(command), *command]
        capture.reset()
    return int(_SCRIPT(keys=keys, args=argv, client=connection))


class AppQueue(Queue):
    """rq's Queue, dequeuing from several queues without ever holding a job only in memory.

    For several queues rq pops with BLPOP: a worker that dies (or loses Redis) between the
    pop and recording the job as started loses the job. Here each pop is an LMOVE into the
    queue's intermediate list, removed in the same step that marks the job started, so a
    job is always somewhere in Redis (workers/recovery.requeue_stranded puts it back).
    Idle, a worker blocks on the first queue (chat events) for at most DEQUEUE_BLOCK
    seconds before looking at the others again. Its jobs are JSON (SERIALIZER).
    """

    def __init__(self, name: str = "default", connection: Redis | None = None, **kwargs):
        kwargs.setdefault("serializer", SERIALIZER)
        super().__init__(name, connection=connection, **kwargs)

    @classmethod
    def dequeue_any(cls, queues, timeout, connection, job_class=None, serializer=None,
                    death_penalty_class=None):  # fmt: skip
        job_class = job_class or cls.job_class
        while True:
            found = cls._move_first(queues, timeout, connection)
            if found is None:
                return None
            queue, job_id = found
            try:
                job = job_class.fetch(job_id, connection=connection, serializer=serializer)
            except NoSuchJobError:
                connection.lrem(queue.intermediate_queue_key, 1, job_id)
                continue
            return job, queue

    @classmethod
    def _move_first(cls, queues, timeout, connection) -> tuple[Queue, str] | None:
        for queue in queues:
            job_id = connection.lmove(queue.key, queue.intermediate_queue_key)
            if job_id is not None:
                return queue, as_text(job_id)
        if timeout is None:
            return None
        first = queues[0]
        job_id = connection.blmove(first.key, first.intermediate_queue_key, DEQUEUE_BLOCK)
        if job_id is None:
            raise DequeueTimeout(timeout, first.key)
        return first, as_text(job_id)
