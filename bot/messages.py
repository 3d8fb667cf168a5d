"""LINE messages as plain dicts: what handlers return and tests compare."""

from __future__ import annotations

from bot.limits import (
    MAX_ACTION_LABEL,
    MAX_DISPLAY_TEXT,
    MAX_POSTBACK_DATA,
    MAX_QUICK_REPLY_ITEMS,
    fit,
    fit_text,
)

Message = dict
Action = dict


def text(body: str, quick_replies: list[Action] | None = None) -> Message:
    message: Message = {"type": "text", "text": fit_text(body)}
    if quick_replies:
        return with_quick_replies(message, quick_replies)
    return message


def with_quick_replies(message: Message, actions: list[Action]) -> Message:
    if len(actions) > MAX_QUICK_REPLY_ITEMS:
        raise ValueError(f"LINE allows {MAX_QUICK_REPLY_ITEMS} quick replies, not {len(actions)}")
    items = [{"type": "action", "action": action} for action in actions]
    return {**message, "quickReply": {"items": items}}


def message_action(label: str, text_to_send: str | None = None) -> Action:
    """Tapping sends `text_to_send` (the label itself by default) as if typed."""
    return {
        "type": "message",
        "label": fit(label, MAX_ACTION_LABEL),
        "text": text_to_send or label,
    }


def postback_action(label: str, data: str, display_text: str | None = None) -> Action:
    if len(data) > MAX_POSTBACK_DATA:
        raise ValueError(f"postback data over {MAX_POSTBACK_DATA} characters: {data[:40]}…")
    action: Action = {"type": "postback", "label": fit(label, MAX_ACTION_LABEL), "data": data}
    if display_text:
        action["displayText"] = fit(display_text, MAX_DISPLAY_TEXT)
    return action


def uri_action(label: str, uri: str) -> Action:
    return {"type": "uri", "label": fit(label, MAX_ACTION_LABEL), "uri": uri}
