"""Talking to LINE's Messaging API with line-bot-sdk, and delivering replies reliably."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
)
from redis import Redis
from redis.exceptions import RedisError
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.exceptions import HTTPError as TransportError

from bot.exceptions import LineRejectedError, LineTransientError
from bot.limits import MAX_MESSAGES_PER_REQUEST, MAX_MULTICAST_RECIPIENTS
from bot.messages import Message
from bot.offices import Office
from privacy.keys import log_ref
from workers.defaults import SENT_CHUNK_TTL

log = logging.getLogger(__name__)
TIMEOUT = (3.05, 15)
# LINE: a reply token lives "about a minute"; refused sooner than this, it was used.
REPLY_TOKEN_LIFETIME = 50
_NOT_CONNECTED = (NewConnectionError, ConnectTimeoutError)
_RETRY_KEY_NAMESPACE = uuid.UUID("6f1c9a52-8e33-4c1b-9a4e-3b1f0c2d7e11")
_clients: dict[tuple[str, str], ApiClient] = {}
os.register_at_fork(after_in_child=_clients.clear)


def _client(office: Office, host: str) -> ApiClient:
    key = (office.slug, host)
    if key not in _clients:
        config = Configuration(host=host, access_token=office.line.channel_access_token)
        _clients[key] = ApiClient(config)
    return _clients[key]


def messaging_api(office: Office) -> MessagingApi:
    return MessagingApi(_client(office, current_app.config["LINE_API_BASE_URL"]))


def blob_api(office: Office) -> MessagingApiBlob:
    return MessagingApiBlob(_client(office, current_app.config["LINE_DATA_API_BASE_URL"]))


def retry_key(*parts: str) -> str:
    """A stable UUID for one logical send, so a retried job repeats the same key (LINE: 409)."""
    return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, "\0".join(parts)))


def chunks(messages: list[Message]) -> list[list[Message]]:
    size = MAX_MESSAGES_PER_REQUEST
    return [messages[i : i + size] for i in range(0, len(messages), size)]


def _lines_complaint(exc: ApiException) -> str:
    try:
        return str(json.loads(exc.body or b"{}").get("message", ""))
    except ValueError:
        return ""


def _retry_after(exc: ApiException) -> int | None:
    value = (exc.headers or {}).get("Retry-After", "")
    return int(value) if str(value).strip().isdigit() else None


def _classify(exc: Exception, what: str) -> Exception:
    if isinstance(exc, ApiException):
        status = exc.status or 0
        if status == 429 or status >= 500:
            return LineTransientError(f"{what}: LINE answered {status}", _retry_after(exc))
        return LineRejectedError(f"{what}: LINE answered {status}: {_lines_complaint(exc)}")
    return LineTransientError(f"{what}: LINE unreachable: {type(exc).__name__}")


def _timeout() -> tuple[float, float]:
    return tuple(current_app.config.get("LINE_TIMEOUT", TIMEOUT))


def month_key(office: str, when: datetime | None = None) -> str:
    return f"tambon:billed:{office}:{(when or datetime.now(UTC)).strftime('%Y-%m')}"


def count_billed(office: Office, kind: str, messages: int, key: str) -> None:
    """Every pushed message costs the office quota (a reply is free): counted by kind, once
    per retry key, so a push LINE took but whose answer was lost counts at its 409."""
    conn = current_app.extensions["tambon.redis"]
    month = month_key(office.slug)
    with contextlib.suppress(RedisError):  # a count must never fail a send that went out
        if conn.sadd(f"{month}:keys", key):
            conn.expire(f"{month}:keys", 40 * 24 * 3600)
            conn.hincrby(month, kind, messages)


def reply(office: Office, reply_token: str, messages: list[Message]) -> None:
    request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
    messaging_api(office).reply_message(request, _request_timeout=_timeout())


def push(office: Office, to: str, messages: list[Message], key: str, *, kind: str) -> None:
    """Push once: a repeat with the same key is answered 409 by LINE, which means done."""
    request = PushMessageRequest.from_dict({"to": to, "messages": messages})
    try:
        messaging_api(office).push_message(
            request, x_line_retry_key=key, _request_timeout=_timeout()
        )
    except ApiException as exc:
        if exc.status != 409:
            raise _classify(exc, "push") from exc
        log.info("push %s: already accepted earlier (409)", key)
    except TransportError as exc:
        raise _classify(exc, "push") from exc
    count_billed(office, kind, len(messages), key)


def multicast(
    office: Office, to: list[str], messages: list[Message], key: str, *, kind: str
) -> None:
    for start in range(0, len(to), MAX_MULTICAST_RECIPIENTS):
        batch = to[start : start + MAX_MULTICAST_RECIPIENTS]
        request = MulticastRequest.from_dict({"to": batch, "messages": messages})
        batch_key = retry_key(key, str(start))
        try:
            messaging_api(office).multicast(
                request, x_line_retry_key=batch_key, _request_timeout=_timeout()
            )
        except ApiException as exc:
            if exc.status != 409:
                raise _classify(exc, "multicast") from exc
        except TransportError as exc:
            raise _classify(exc, "multicast") from exc
        count_billed(office, kind, len(batch) * len(messages), batch_key)


def deliver(
    office: Office,
    conn: Redis,
    *,
    event_id: str,
    reply_token: str,
    to: str,
    messages: list[Message],
    timestamp: int = 0,
) -> None:
    """Send an event's replies: reply token first, push when it is refused.

    Each chunk of ≤ 5 messages is marked sent in Redis, so a retried job sends only what
    is missing. Raises LineTransientError (retry later) or LineRejectedError (give up).
    """
    send = _Send(office, conn, event_id, reply_token, to, timestamp)
    for index, chunk in enumerate(chunks(messages)):
        mark = f"tambon:sent:{office.slug}:{event_id}:{index}"
        if event_id and conn.exists(mark):
            continue
        try:
            send.chunk(index, chunk)
        except (ApiException, TransportError) as exc:
            raise _classify(exc, f"event {event_id} chunk {index}") from exc
        if event_id:
            conn.set(mark, 1, ex=SENT_CHUNK_TTL)


@dataclass
class _Send:
    office: Office
    conn: Redis
    event_id: str
    reply_token: str
    to: str
    timestamp: int

    def chunk(self, index: int, chunk: list[Message]) -> None:
        if index == 0 and self.reply_token and self._reply(chunk):
            return
        if not self.to:
            raise LineRejectedError(f"event {self.event_id}: nobody to push to")
        log.info("event %s: push to %s", self.event_id, log_ref(self.to))
        kind = "reply-fallback" if index == 0 else "reply-overflow"
        key = retry_key(self.office.slug, self.event_id, str(index))
        push(self.office, self.to, chunk, key, kind=kind)

    def _reply(self, chunk: list[Message]) -> bool:
        """True when the reply went out (now, or in an earlier run whose answer was lost);
        False when the token is refused and a push must carry it."""
        before = self._state()
        if before == b"refused":
            return False
        if before is None and not self._was_alive_at(time.time()):
            # Near or past its end a reply may fail either way, and if we crashed while it
            # was on the wire we could not tell: such a late answer goes by push.
            log.info("event %s: reply token too old to trust, pushing", self.event_id)
            self._set_state(b"refused")
            return False
        if before is None:  # written before sending: a crash leaves it behind
            self._set_state(str(time.time()).encode())
        try:
            reply(self.office, self.reply_token, chunk)
            return True
        except ApiException as exc:
            if not _reply_token_refused(exc):
                if exc.status == 429 and before is None:
                    self._set_state(None)  # refused before LINE acted on it
                raise
        except TransportError as exc:
            if _never_sent(exc) and before is None:
                self._set_state(None)
            raise
        if before is not None and self._was_alive_at(float(before)):
            log.info("event %s: the earlier reply went out; not pushing it", self.event_id)
            return True
        self._set_state(b"refused")
        log.info("event %s: reply token refused, pushing instead", self.event_id)
        return False

    @property
    def _state_key(self) -> str:
        return f"tambon:reply:{self.office.slug}:{self.event_id}"

    def _state(self) -> bytes | None:
        """None (no reply tried), b"refused", or when a reply of unknown outcome was sent."""
        return self.conn.get(self._state_key) if self.event_id else None

    def _set_state(self, value: bytes | None) -> None:
        if not self.event_id:
            return
        if value is None:
            self.conn.delete(self._state_key)
        else:
            self.conn.set(self._state_key, value, ex=SENT_CHUNK_TTL)

    def _was_alive_at(self, attempt: float) -> bool:
        """A token that was still alive when an earlier run sent its reply, and is refused
        now, was used by that reply (its answer lost to a crash, a timeout or a 5xx):
        pushing would say everything twice. (The only way to lose it instead is a crash in
        the instant between writing the mark and sending the request.)"""
        return 0 <= attempt - self.timestamp / 1000 < REPLY_TOKEN_LIFETIME


def _never_sent(exc: TransportError) -> bool:
    reason = getattr(exc, "reason", None)
    return isinstance(exc, _NOT_CONNECTED) or isinstance(reason, _NOT_CONNECTED)


def _reply_token_refused(exc: Exception) -> bool:
    return (
        isinstance(exc, ApiException)
        and exc.status == 400
        and "reply token" in _lines_complaint(exc).lower()
    )
