"""The fake platform's memory, in Redis so web, worker and tests all see the same one."""

from __future__ import annotations

import json
import random
import secrets
import time
import uuid
from dataclasses import dataclass

from redis import Redis

P = "fakeline:"
REPLY_TOKEN_TTL = 60  # LINE: a reply token is good for about a minute
RETRY_KEY_TTL = 24 * 3600


@dataclass(frozen=True)
class Fault:
    status: int  # 200: the call goes through, its answer delayed (a timeout)
    after_accepting: bool = False
    retry_after: int | None = None
    delay: float = 0


class FakeLineState:
    def __init__(self, conn: Redis):
        self.conn = conn

    # reply tokens ------------------------------------------------------------------------
    def issue_reply_token(self, channel: str, chat_id: str, token: str | None = None) -> str:
        token = token or secrets.token_hex(16)
        payload = json.dumps({"channel": channel, "to": chat_id})
        self.conn.set(f"{P}reply-token:{token}", payload, ex=REPLY_TOKEN_TTL)
        return token

    def use_reply_token(self, channel: str, token: str) -> str | None:
        """The chat the token answers, or None: unknown, expired, used or another channel's."""
        raw = self.conn.getdel(f"{P}reply-token:{token}")
        if not raw:
            return None
        issued = json.loads(raw)
        return issued["to"] if issued["channel"] == channel else None

    def expire_reply_token(self, token: str) -> None:
        self.conn.delete(f"{P}reply-token:{token}")

    # retry keys --------------------------------------------------------------------------
    def accept_retry_key(self, channel: str, key: str, request_id: str) -> str | None:
        """None the first time; the first request's id when the key was accepted before."""
        name = f"{P}retry:{channel}:{key}"
        if self.conn.set(name, request_id, nx=True, ex=RETRY_KEY_TTL):
            return None
        return (self.conn.get(name) or b"").decode()

    def forget_retry_key(self, channel: str, key: str) -> None:
        self.conn.delete(f"{P}retry:{channel}:{key}")

    # injected failures -------------------------------------------------------------------
    def fail_next(self, operation: str, *statuses: int, after_accepting: bool = False) -> None:
        """Make the next calls of `operation` (reply, push, …) answer these statuses.

        With after_accepting, the request takes effect first and only its answer is lost,
        as when a connection drops after LINE accepted a push. Status 0 lets that call
        through, so a later one can fail: fail_next("multicast", 0, 500).
        """
        if statuses:
            mark = "!" if after_accepting else ""
            self.conn.rpush(f"{P}faults:{operation}", *(f"{s}{mark}" for s in statuses))

    def take_fault(self, operation: str) -> Fault | None:
        """The next injected failure of this call, if any: queued ones first, then a storm."""
        raw = self.conn.lpop(f"{P}faults:{operation}")
        if raw:
            value = raw.decode()
            if value == "0":
                return None
            return Fault(int(value.rstrip("!")), after_accepting=value.endswith("!"))
        storm = self.conn.hgetall(f"{P}storm:{operation}")
        if not storm or random.random() >= float(storm[b"rate"]):  # noqa: S311
            return None
        retry_after = int(storm[b"retry_after"]) if storm.get(b"retry_after") else None
        return Fault(
            int(storm[b"status"]),
            after_accepting=storm.get(b"after_accepting") == b"1",
            retry_after=retry_after,
            delay=float(storm.get(b"delay", 0)),
        )

    def storm(
        self,
        operation: str,
        *,
        rate: float,
        status: int = 500,
        retry_after: int | None = None,
        delay: float = 0,
        after_accepting: bool = False,
    ) -> None:
        """From now on a share `rate` of `operation` calls fail with `status` (Retry-After
        when given). Status 200 with a delay is a timeout: the call takes effect, and its
        answer comes after `delay` seconds, when the caller may have given up."""
        fields = {"rate": rate, "status": status, "delay": delay}
        fields |= {"after_accepting": int(after_accepting or status == 200)}
        if retry_after is not None:
            fields["retry_after"] = retry_after
        self.conn.delete(f"{P}storm:{operation}")
        self.conn.hset(f"{P}storm:{operation}", mapping=fields)

    def calm(self) -> None:
        """End every storm and queued failure."""
        for key in self.conn.scan_iter(match=f"{P}storm:*"):
            self.conn.delete(key)
        for key in self.conn.scan_iter(match=f"{P}faults:*"):
            self.conn.delete(key)

    # what was called ---------------------------------------------------------------------
    def record(self, call: dict) -> dict:
        call = {"seq": self.conn.incr(f"{P}seq"), "at": time.time(), **call}
        self.conn.rpush(f"{P}calls", json.dumps(call, ensure_ascii=False))
        return call

    def calls(self, operation: str | None = None, *, accepted: bool | None = None) -> list[dict]:
        found = [json.loads(raw) for raw in self.conn.lrange(f"{P}calls", 0, -1)]
        if operation:
            found = [c for c in found if c["operation"] == operation]
        if accepted is not None:
            found = [c for c in found if (c["status"] < 300) == accepted]
        return found

    def deliver_to_chat(self, channel: str, chat_id: str, messages: list[dict], via: str) -> None:
        """What a LINE app would now show in that chat (the simulator reads it)."""
        key = f"{P}chat:{channel}:{chat_id}"
        entry = {"at": time.time(), "via": via, "messages": messages}
        self.conn.rpush(key, json.dumps(entry, ensure_ascii=False))
        self.conn.ltrim(key, -500, -1)

    def chat(self, channel: str, chat_id: str) -> list[dict]:
        return [json.loads(r) for r in self.conn.lrange(f"{P}chat:{channel}:{chat_id}", 0, -1)]

    # rich menus --------------------------------------------------------------------------
    def create_rich_menu(self, channel: str, menu: dict) -> str:
        menu_id = "richmenu-" + uuid.uuid4().hex
        self.conn.hset(f"{P}richmenus:{channel}", menu_id, json.dumps(menu, ensure_ascii=False))
        return menu_id

    def rich_menus(self, channel: str) -> dict[str, dict]:
        raw = self.conn.hgetall(f"{P}richmenus:{channel}")
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def delete_rich_menu(self, channel: str, menu_id: str) -> bool:
        removed = self.conn.hdel(f"{P}richmenus:{channel}", menu_id)
        self.conn.delete(f"{P}richmenu-image:{menu_id}")
        if self.default_rich_menu(channel) == menu_id:
            self.conn.delete(f"{P}richmenu-default:{channel}")
        return bool(removed)

    def set_rich_menu_image(self, menu_id: str, content_type: str, data: bytes) -> None:
        self.conn.hset(f"{P}richmenu-image:{menu_id}", mapping={"type": content_type, "data": data})

    def rich_menu_image(self, menu_id: str) -> tuple[str, bytes] | None:
        raw = self.conn.hgetall(f"{P}richmenu-image:{menu_id}")
        return (raw[b"type"].decode(), raw[b"data"]) if raw else None

    def set_default_rich_menu(self, channel: str, menu_id: str | None) -> None:
        if menu_id is None:
            self.conn.delete(f"{P}richmenu-default:{channel}")
        else:
            self.conn.set(f"{P}richmenu-default:{channel}", menu_id)

    def default_rich_menu(self, channel: str) -> str | None:
        raw = self.conn.get(f"{P}richmenu-default:{channel}")
        return raw.decode() if raw else None

    # message content (images citizens send) ----------------------------------------------
    def put_content(self, message_id: str, content_type: str, data: bytes) -> None:
        self.conn.hset(f"{P}content:{message_id}", mapping={"type": content_type, "data": data})

    def content(self, message_id: str) -> tuple[str, bytes] | None:
        raw = self.conn.hgetall(f"{P}content:{message_id}")
        return (raw[b"type"].decode(), raw[b"data"]) if raw else None

    def reset(self) -> None:
        keys = list(self.conn.scan_iter(match=f"{P}*", count=500))
        if keys:
            self.conn.delete(*keys)
