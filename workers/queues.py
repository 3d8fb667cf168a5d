"""The app's rq queues, and putting webhook events on them exactly once."""

from __future__ import annotations

import re

from flask import current_app
from redis import Redis, WatchError
from rq import Queue, Retry, get_current_job

from workers.defaults import (
    ALL_QUEUES,
    EVENT_JOB_TIMEOUT,
    EVENTS_QUEUE,
    FAILURE_TTL,
    RETRY_INTERVALS,
    SEEN_EVENT_TTL,
)

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


def redis() -> Redis:
    return current_app.extensions["tambon.redis"]


def get_queue(name: str, connection: Redis | None = None) -> Queue:
    return Queue(name, connection=connection or redis())


def all_queues(connection: Redis) -> list[Queue]:
    return [Queue(name, connection=connection) for name in ALL_QUEUES]


def retry_policy() -> Retry:
    intervals = list(current_app.config.get("RETRY_INTERVALS", RETRY_INTERVALS))
    return Retry(max=len(intervals), interval=intervals)


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


def enqueue_events(office: str, events: list[dict]) -> int:
    """Queue each event not seen before; return how many were queued.

    The seen-marks and the jobs are written in one MULTI/EXEC: either LINE's event is
    both marked and queued, or neither, so a failure cannot turn a redelivery into a drop.
    """
    events = _first_of_each(sorted(events, key=_timestamp))
    ids = [str(e.get("webhookEventId") or "") for e in events]
    keys = [seen_key(office, i) for i in ids if i]
    queue = get_queue(EVENTS_QUEUE)
    retry = retry_policy()
    with redis().pipeline() as pipe:
        while True:
            try:
                if keys:
                    pipe.watch(*keys)
                seen = {k for k, v in zip(keys, pipe.mget(keys) if keys else [], strict=True) if v}
                fresh = [
                    (i, e)
                    for i, e in zip(ids, events, strict=True)
                    if not i or seen_key(office, i) not in seen
                ]
                if not fresh:
                    pipe.reset()
                    return 0
                pipe.multi()
                for event_id, event in fresh:
                    if event_id:
                        pipe.set(seen_key(office, event_id), 1, ex=SEEN_EVENT_TTL)
                    queue.enqueue_call(
                        "workers.events.handle_event",
                        args=(office, event),
                        job_id=f"event-{office}-{event_id}" if _SAFE_ID.match(event_id) else None,
                        timeout=EVENT_JOB_TIMEOUT,
                        failure_ttl=FAILURE_TTL,
                        retry=retry,
                        pipeline=pipe,
                    )
                pipe.execute()
                return len(fresh)
            except WatchError:
                continue  # another delivery of the same event raced us: look again
