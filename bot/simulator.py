"""/simulator: a LINE chat in the browser, for trying the bot and training staff.

The page asks this blueprint to make and sign an event as LINE would, then posts it itself
to the public webhook; the bot's replies land at the fake LINE platform, which the page
reads back. The channel secret never leaves the server.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from bot.fakeline import sender
from bot.fakeline.state import FakeLineState
from bot.staff.auth import current_user
from survey.links import counter_start_text
from workers.queues import redis

bp = Blueprint("simulator", __name__, url_prefix="/simulator")

# Test citizens: fixed ids, so a conversation survives a page reload.
CITIZENS = {
    "U" + "5a" * 16: "ป้าสมศรี (อายุ 68)",
    "U" + "6b" * 16: "ลุงบุญมี (อายุ 72)",
    "U" + "7c" * 16: "คุณมานี (ค้าขาย)",
    "U" + "8d" * 16: "น้องต้นกล้า (นักศึกษา)",
    # The demo office's admin (offices.yaml): the weekly report lands in this chat, and an
    # admin can try linking a LINE account with the code from /admin.
    "U0000000000000000000000000000ad01": "ปลัดสมชาย (ผู้ดูแล อบต.)",
}


@bp.before_request
def _guard():
    if not current_app.config.get("FAKE_LINE"):
        abort(404)
    if current_app.config["TAMBON_ENV"] == "production" and current_user() is None:
        abort(403)  # production refuses FAKE_LINE; this stays as a second lock


def _fake() -> FakeLineState:
    return FakeLineState(redis())


def _offices() -> dict:
    """Offices the visitor may act for: staff only their own (they could otherwise sign
    events with another office's channel secret and read its chats); a demo's guest all."""
    offices = current_app.extensions["tambon.offices"]
    user = current_user()
    return {user.office: offices[user.office]} if user else offices


def _office(slug: str | None):
    office = _offices().get(slug or "")
    if office is None:
        abort(404)
    return office


def _citizen(user_id: str | None) -> str:
    if user_id not in CITIZENS:
        abort(400)
    return user_id


@bp.get("/")
def page():
    offices = list(_offices().values())
    # What a counter's QR code types into the chat (LINE's oaMessage link), per office.
    start_texts = {o.slug: {c.code: counter_start_text(c) for c in o.counters} for o in offices}
    return render_template(
        "simulator.html", offices=offices, citizens=CITIZENS, start_texts=start_texts
    )


@bp.post("/api/event")
def make_event():
    """A signed webhook body for what the citizen just did; the page posts it to LINE's URL."""
    asked = request.get_json(silent=True) or {}
    office = _office(asked.get("office"))
    user_id = _citizen(asked.get("user"))
    kind = asked.get("kind")
    if kind == "text" and isinstance(asked.get("text"), str) and asked["text"].strip():
        event = sender.text_event(user_id, asked["text"][:5000])
        shown = {"type": "text", "text": event["message"]["text"]}
    elif kind == "postback" and isinstance(asked.get("data"), str):
        event = sender.postback_event(user_id, asked["data"][:300])
        label = asked.get("displayText")
        shown = {"type": "text", "text": label} if isinstance(label, str) and label else None
    elif kind in {"follow", "unfollow"}:
        event = sender.follow_event(user_id) if kind == "follow" else sender.unfollow_event(user_id)
        shown = {"type": "system", "text": "เพิ่มเพื่อนแล้ว" if kind == "follow" else "บล็อกแล้ว"}
    else:
        return jsonify({"message": "ข้อมูลที่ส่งมาไม่ครบ"}), 400
    fake = _fake()
    event = sender.as_line_sends(event, office.slug, fake)
    if shown:
        fake.deliver_to_chat(office.slug, user_id, [shown], via="citizen")
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False)
    signature = sender.sign(body.encode(), office.line.channel_secret)
    return jsonify({"url": f"/line/{office.slug}/webhook", "body": body, "signature": signature})


@bp.get("/api/chat")
def chat():
    office = _office(request.args.get("office"))
    entries = _fake().chat(office.slug, _citizen(request.args.get("user")))
    return jsonify({"entries": entries})


@bp.get("/api/richmenu")
def rich_menu():
    office = _office(request.args.get("office"))
    fake = _fake()
    menu_id = fake.default_rich_menu(office.slug)
    menu = fake.rich_menus(office.slug).get(menu_id or "")
    if menu is None:
        return jsonify({"menu": None})
    shown = {key: menu[key] for key in ("size", "areas", "chatBarText")}
    return jsonify({"menu": {**shown, "image": f"/simulator/richmenu/{office.slug}/{menu_id}"}})


@bp.get("/richmenu/<office_slug>/<menu_id>")
def rich_menu_image(office_slug: str, menu_id: str):
    if menu_id not in _fake().rich_menus(_office(office_slug).slug):
        abort(404)
    image = _fake().rich_menu_image(menu_id)
    if image is None:
        abort(404)
    return Response(image[1], mimetype=image[0], headers={"Cache-Control": "max-age=3600"})
