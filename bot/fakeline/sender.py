"""The fake platform's other half: making events as LINE does and posting them, signed.

Used by the simulator, the tests and the demo, so all of them reach the bot the way LINE
would: through the public webhook, with a valid signature and a live reply token.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import time

import requests

from bot.fakeline.state import FakeLineState


def sign(body: bytes, channel_secret: str) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def new_event_id() -> str:
    """A ULID-like id: 26 characters, sortable by time, as LINE's webhookEventId."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def _source(user_id: str) -> dict:
    return {"type": "user", "userId": user_id}


def _base(kind: str, user_id: str) -> dict:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": _source(user_id),
        "webhookEventId": new_event_id(),
        "deliveryContext": {"isRedelivery": False},
    }


def text_event(user_id: str, text: str) -> dict:
    message = {
        "id": str(secrets.randbelow(10**17)),
        "type": "text",
        "text": text,
        "quoteToken": secrets.token_urlsafe(16),
    }
    return {**_base("message", user_id), "message": message}


def postback_event(user_id: str, data: str) -> dict:
    return {**_base("postback", user_id), "postback": {"data": data}}


def follow_event(user_id: str) -> dict:
    return {**_base("follow", user_id), "follow": {"isUnblocked": False}}


def unfollow_event(user_id: str) -> dict:
    return _base("unfollow", user_id)


def as_line_sends(event: dict, channel: str, fake: FakeLineState) -> dict:
    """A copy with a fresh reply token (valid at the fake platform) where LINE gives one."""
    event = copy.deepcopy(event)
    if "replyToken" in event or event.get("type") in {"message", "postback", "follow", "join"}:
        source = event.get("source", {})
        chat_id = source.get(f"{source.get('type')}Id") or source.get("userId", "")
        event["replyToken"] = fake.issue_reply_token(channel, chat_id)
    return event


def post_events(
    webhook_url: str,
    channel_secret: str,
    events: list[dict],
    *,
    destination: str = "U" + "0" * 32,
    timeout: float = 10,
) -> requests.Response:
    body = json.dumps({"destination": destination, "events": events}, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "x-line-signature": sign(body, channel_secret)}
    return requests.post(webhook_url, data=body, headers=headers, timeout=timeout)
