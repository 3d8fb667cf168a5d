"""Counters in Redis that say "too many" once a limit is passed within a window: the one way
every rate limit and lockout here is kept (logins, the web survey, LINE-link codes)."""

from __future__ import annotations

import redis


def hit(conn: redis.Redis, key: str, window: int) -> int:
    """Count one more at `key`, which lives `window` seconds from its first hit; the new count.

    One MULTI: parallel callers each get their own number, and no counter is left without its
    expiry (a read-then-write here let 8 threads past a limit of 5)."""
    pipe = conn.pipeline()
    pipe.set(key, 0, ex=window, nx=True)
    pipe.incr(key)
    return int(pipe.execute()[1])


def over(conn: redis.Redis, key: str, limit: int, window: int) -> bool:
    """Count one more; whether that is past `limit`."""
    return hit(conn, key, window) > limit


def reached(conn: redis.Redis, key: str, limit: int) -> bool:
    """Whether `key` has reached `limit`, without counting."""
    return int(conn.get(key) or 0) >= limit


def minutes_left(conn: redis.Redis, key: str) -> int:
    return max(1, (int(conn.ttl(key)) + 59) // 60)


_UNDO = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end"


def undo(conn: redis.Redis, key: str) -> None:
    """Take back one count, unless the window has ended meanwhile (no counter without expiry)."""
    conn.eval(_UNDO, 1, key)
