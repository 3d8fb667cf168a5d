"""A webhook event reduced to what the conversation needs, as plain data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Incoming:
    kind: str  # follow, unfollow, text, postback, sticker, media, join, … or the raw type
    event_id: str
    timestamp: int
    source_type: str  # user, group, room or "" when LINE sent none
    user_id: str  # "" when LINE does not say who (some group events)
    chat_id: str  # where a push goes: the user, group or room
    reply_token: str
    standby: bool
    text: str = ""
    postback_data: str = ""
    redelivery: bool = False  # LINE sends it again, late: its reply token may be dead

    @property
    def one_to_one(self) -> bool:
        return self.source_type == "user"


_MEDIA = {"image", "video", "audio", "file", "location"}


def parse_event(raw: dict) -> Incoming:
    """Never raises on a well-formed JSON object: unknown shapes become unknown kinds."""
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    source_type = str(source.get("type", ""))
    user_id = str(source.get("userId", ""))
    chat_id = str(source.get(f"{source_type}Id", "") or user_id)
    kind = str(raw.get("type", ""))
    text = postback_data = ""
    if kind == "message":
        message = raw.get("message") if isinstance(raw.get("message"), dict) else {}
        message_type = str(message.get("type", ""))
        if message_type == "text":
            kind, text = "text", str(message.get("text", ""))
        elif message_type == "sticker":
            kind = "sticker"
        elif message_type in _MEDIA:
            kind = "media"
        else:
            kind = "message:" + message_type
    elif kind == "postback":
        postback = raw.get("postback") if isinstance(raw.get("postback"), dict) else {}
        postback_data = str(postback.get("data", ""))
    return Incoming(
        kind=kind,
        event_id=str(raw.get("webhookEventId", "")),
        timestamp=raw["timestamp"] if isinstance(raw.get("timestamp"), int) else 0,
        source_type=source_type,
        user_id=user_id,
        chat_id=chat_id,
        reply_token=str(raw.get("replyToken", "")),
        standby=raw.get("mode") == "standby",
        text=text,
        postback_data=postback_data,
        redelivery=_redelivery(raw),
    )


def _redelivery(raw: dict) -> bool:
    context = raw.get("deliveryContext")
    return isinstance(context, dict) and context.get("isRedelivery") is True
