"""What LINE refuses in a send request, written from LINE's reference on its own.

Deliberately independent of bot/limits.py: a wrong limit there must not hide here.
"""

from __future__ import annotations

import re
import unicodedata

CHAT_ID = re.compile(r"^[UCR][0-9a-f]{32}$")
USER_ID = re.compile(r"^U[0-9a-f]{32}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
MESSAGE_TYPES = {
    "text",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
}
ACTION_TYPES = {
    "postback",
    "message",
    "uri",
    "datetimepicker",
    "camera",
    "cameraRoll",
    "location",
    "richmenuswitch",
    "clipboard",
}


def _chars(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch)[0] != "M")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_action(action: object, where: str, *, label_limit: int = 20) -> list[str]:
    if not isinstance(action, dict) or action.get("type") not in ACTION_TYPES:
        return [f"{where}.type: unknown action type"]
    out = []
    label = action.get("label")
    if label is not None and (not isinstance(label, str) or _chars(label) > label_limit):
        out.append(f"{where}.label: must be at most {label_limit} characters")
    kind = action["type"]
    if kind == "postback":
        data = action.get("data")
        if not isinstance(data, str) or not 1 <= len(data) <= 300:
            out.append(f"{where}.data: must be 1 to 300 characters")
        for name in ("displayText", "text"):
            if name in action and (not isinstance(action[name], str) or _chars(action[name]) > 300):
                out.append(f"{where}.{name}: must be at most 300 characters")
    elif kind == "message":
        if not isinstance(action.get("text"), str) or not 1 <= _chars(action["text"]) <= 300:
            out.append(f"{where}.text: must be 1 to 300 characters")
    elif kind == "uri":
        uri = action.get("uri")
        if not isinstance(uri, str) or not re.match(r"^(https?|line|tel):", uri) or len(uri) > 1000:
            out.append(f"{where}.uri: must be an http, https, line or tel URI of ≤ 1000 characters")
    return out


def _check_quick_reply(quick_reply: object, where: str) -> list[str]:
    if not isinstance(quick_reply, dict) or not isinstance(quick_reply.get("items"), list):
        return [f"{where}.items: required"]
    items = quick_reply["items"]
    out = [] if 1 <= len(items) <= 13 else [f"{where}.items: size must be between 1 and 13"]
    for i, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") != "action":
            out.append(f"{where}.items[{i}].type: must be 'action'")
            continue
        out += check_action(item.get("action"), f"{where}.items[{i}].action")
        action = item.get("action")
        if (
            isinstance(action, dict)
            and "label" not in action
            and action.get("type") not in {"camera", "cameraRoll", "location"}
        ):
            out.append(f"{where}.items[{i}].action.label: required in a quick reply")
    return out


def _https(value: object) -> bool:
    return isinstance(value, str) and value.startswith("https://") and len(value) <= 2000


def check_message(message: object, where: str) -> list[str]:
    if not isinstance(message, dict) or message.get("type") not in MESSAGE_TYPES:
        return [f"{where}.type: unknown message type"]
    out: list[str] = []
    kind = message["type"]
    if kind == "text":
        body = message.get("text")
        if not isinstance(body, str) or not body.strip():
            out.append(f"{where}.text: may not be empty")
        elif _utf16(body) > 5000:
            out.append(f"{where}.text: must be at most 5000 characters")
    elif kind == "image":
        for name in ("originalContentUrl", "previewImageUrl"):
            if not _https(message.get(name)):
                out.append(f"{where}.{name}: must be an HTTPS URL of ≤ 2000 characters")
    elif kind == "sticker":
        if not message.get("packageId") or not message.get("stickerId"):
            out.append(f"{where}: packageId and stickerId are required")
    elif kind in {"flex", "template"}:
        alt = message.get("altText")
        limit = 1500 if kind == "flex" else 400
        if not isinstance(alt, str) or not alt.strip() or _utf16(alt) > limit:
            out.append(f"{where}.altText: must be 1 to {limit} characters")
        inner = message.get("contents" if kind == "flex" else "template")
        if not isinstance(inner, dict):
            out.append(f"{where}: {'contents' if kind == 'flex' else 'template'} required")
        else:
            out += _check_nested_actions(inner, where)
    if "quickReply" in message:
        out += _check_quick_reply(message["quickReply"], f"{where}.quickReply")
    return out


def _check_nested_actions(node: object, where: str) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("action"), dict):
            limit = 40 if node.get("type") == "button" else 20
            out += check_action(node["action"], f"{where}.action", label_limit=limit)
        if isinstance(node.get("actions"), list):
            for i, action in enumerate(node["actions"]):
                out += check_action(action, f"{where}.actions[{i}]")
        for key, value in node.items():
            if key not in {"action", "actions"}:
                out += _check_nested_actions(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _check_nested_actions(value, f"{where}[{i}]")
    return out


def check_messages(messages: object) -> list[str]:
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return ["messages: size must be between 1 and 5"]
    out: list[str] = []
    for i, message in enumerate(messages):
        out += check_message(message, f"messages[{i}]")
    return out
