"""Where a citizen is in a conversation, kept in Redis under a pseudonymous key."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from redis import Redis

CONTEXT_TTL = 30 * 60  # an abandoned conversation (a survey half done) expires after 30 min


@dataclass
class Context:
    state: str = "idle"
    data: dict = field(default_factory=dict)


def _key(office: str, citizen: str) -> str:
    return f"tambon:conv:{office}:{citizen}"


def load(conn: Redis, office: str, citizen: str) -> Context:
    raw = conn.get(_key(office, citizen))
    if not raw:
        return Context()
    stored = json.loads(raw)
    return Context(state=stored.get("state", "idle"), data=stored.get("data", {}))


def save(conn: Redis, office: str, citizen: str, ctx: Context) -> None:
    if ctx.state == "idle" and not ctx.data:
        conn.delete(_key(office, citizen))
        return
    payload = json.dumps({"state": ctx.state, "data": ctx.data}, ensure_ascii=False)
    conn.set(_key(office, citizen), payload, ex=CONTEXT_TTL)


def forget(conn: Redis, office: str, citizen: str) -> None:
    conn.delete(_key(office, citizen))
