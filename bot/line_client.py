"""Talking to LINE's Messaging API with line-bot-sdk, and delivering replies reliably."""

from __future__ import annotations

import json
import logging
import os
import uuid

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
from urllib3.exceptions import HTTPError as TransportError

from bot.exceptions import LineRejectedError, LineTransientError
from bot.limits import MAX_MESSAGES_PER_REQUEST, MAX_MULTICAST_RECIPIENTS
from bot.messages import Message
from bot.offices import Office
from bot.privacy import log_ref
from workers.defaults import SENT_CHUNK_TTL

log = logging.getLogger(__name__)
TIMEOUT = (3.05, 15)
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


def _classify(exc: Exception, what: str) -> Exception:
    if isinstance(exc, ApiException):
        status = exc.status or 0
        if status == 429 or status >= 500:
            return LineTransientError(f"{what}: LINE answered {status}")
        return LineRejectedError(f"{what}: LINE answered {status}: {_lines_complaint(exc)}")
    return LineTransientError(f"{what}: LINE unreachable: {type(exc).__name__}")


def reply(office: Office, reply_token: str, messages: list[Message]) -> None:
    request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
    messaging_api(office).reply_message(request, _request_timeout=TIMEOUT)


def push(office: Office, to: str, messages: list[Message], key: str) -> None:
    """Push once: a repeat with the same key is answered 409 by LINE, which means done."""
    request = PushMessageRequest.from_dict({"to": to, "messages": messages})
    try:
        messaging_api(office).push_message(request, x_line_retry_key=key, _request_timeout=TIMEOUT)
    except ApiException as exc:
        if exc.status != 409:
            raise _classify(exc, "push") from exc
        log.info("push %s: already accepted earlier (409)", key)
    except TransportError as exc:
        raise _classify(exc, "push") from exc


def multicast(office: Office, to: list[str], messages: list[Message], key: str) -> None:
    for start in range(0, len(to), MAX_MULTICAST_RECIPIENTS):
        batch = to[start : start + MAX_MULTICAST_RECIPIENTS]
        request = MulticastRequest.from_dict({"to": batch, "messages": messages})
        try:
            messaging_api(office).multicast(
                request, x_line_retry_key=retry_key(key, str(start)), _request_timeout=TIMEOUT
            )
        except ApiException as exc:
            if exc.status != 409:
                raise _classify(exc, "multicast") from exc
        except TransportError as exc:
            raise _classify(exc, "multicast") from exc


def deliver(
    office: Office,
    conn: Redis,
    *,
    event_id: str,
    reply_token: str,
    to: str,
    messages: list[Message],
) -> None:
    """Send an event's replies: reply token first, push when it is refused.

    Each chunk of ≤ 5 messages is marked sent in Redis, so a retried job sends only what
    is missing. Raises LineTransientError (retry later) or LineRejectedError (give up).
    """
    for index, chunk in enumerate(chunks(messages)):
        mark = f"tambon:sent:{office.slug}:{event_id}:{index}"
        if event_id and conn.exists(mark):
            continue
        try:
            _send_chunk(office, index, chunk, event_id=event_id, reply_token=reply_token, to=to)
        except (ApiException, TransportError) as exc:
            raise _classify(exc, f"event {event_id} chunk {index}") from exc
        if event_id:
            conn.set(mark, 1, ex=SENT_CHUNK_TTL)


def _send_chunk(
    office: Office, index: int, chunk: list[Message], *, event_id: str, reply_token: str, to: str
) -> None:
    if index == 0 and reply_token:
        try:
            reply(office, reply_token, chunk)
            return
        except ApiException as exc:
            if exc.status != 400 or "reply token" not in _lines_complaint(exc).lower():
                raise
            log.info("event %s: reply token refused, pushing instead", event_id)
    if not to:
        raise LineRejectedError(f"event {event_id}: nobody to push to")
    log.info("event %s: push to %s", event_id, log_ref(to))
    push(office, to, chunk, retry_key(office.slug, event_id, str(index)))
