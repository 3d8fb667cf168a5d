"""The router is pure: (office, context, event) → (context, replies as plain data); it reads
only the public base URL from the app's settings, for links."""

from __future__ import annotations

import pytest
from flask import Flask

from bot.conversation.context import Context
from bot.conversation.router import route
from bot.events import parse_event
from bot.fakeline import sender
from bot.offices import load_offices
from tests.conftest import TEST_OFFICES

OFFICE = load_offices(TEST_OFFICES)["nongbua"]
CITIZEN = "U" + "4" * 32


@pytest.fixture(autouse=True)
def _settings():
    app = Flask(__name__)
    app.config["PUBLIC_BASE_URL"] = "https://bot.example.go.th"
    with app.app_context():
        yield


def test_the_greeting_links_the_privacy_notice():
    _, (greeting,) = route(OFFICE, Context(), parse_event(sender.follow_event(CITIZEN)))
    assert "https://bot.example.go.th/privacy/nongbua" in greeting["text"]


def _say(text: str, ctx: Context | None = None):
    return route(OFFICE, ctx or Context(), parse_event(sender.text_event(CITIZEN, text)))


def test_follow_greets_by_office_name_and_lists_what_the_bot_can_do():
    _, (message,) = route(OFFICE, Context(), parse_event(sender.follow_event(CITIZEN)))
    assert message["text"].startswith("สวัสดีค่ะ")
    assert OFFICE.name in message["text"]
    assert "ติดต่อ" in message["text"]
    assert [i["action"]["text"] for i in message["quickReply"]["items"]] == [
        "ประเมิน",
        "EIT",
        "ติดต่อ",
        "ช่วยเหลือ",
        "ข้อมูลของฉัน",
    ]


@pytest.mark.parametrize("said", ["สวัสดีค่ะ", "สวัสดีครับบบบ", "หวัดดีจ้า", "Hello", "Hello, world"])
def test_hello_in_everyday_forms_is_answered_politely(said):
    _, (message,) = _say(said)
    assert "ยินดีให้บริการ" in message["text"]


@pytest.mark.parametrize("said", ["ขอบคุณค่ะ", "ขอบคุณมากครับ", "โอเค"])
def test_thanks_is_not_a_fallback(said):
    _, (message,) = _say(said)
    assert message["text"].startswith("ยินดีค่ะ")


@pytest.mark.parametrize("said", ["ช่วยเหลือ", "เมนู", "menu", "ทำอะไรได้บ้างคะ"])
def test_help(said):
    _, (message,) = _say(said)
    assert "ช่วยท่านได้ดังนี้" in message["text"]


@pytest.mark.parametrize(
    "said", ["ติดต่อ", "ติดต่อ อบต. ยังไงคะ", "เบอร์โทร อบต", "เปิดกี่โมงคะ", "เวลาทำการ"]
)
def test_contact_gives_hours_phone_and_1669(said):
    _, (message,) = _say(said)
    assert OFFICE.contact.phone in message["text"]
    assert OFFICE.contact.hours in message["text"]
    assert "1669" in message["text"]


def test_a_question_the_bot_cannot_answer_goes_to_staff(app):
    with app.app_context():
        _, (message,) = _say("อยากทราบผลสลากกินแบ่งงวดนี้")
    assert "ส่งให้เจ้าหน้าที่แล้ว" in message["text"]
    assert OFFICE.contact.hours in message["text"]


def test_a_few_letters_get_a_polite_fallback_with_a_way_on(app):
    with app.app_context():
        _, (message,) = _say("???")
    assert "ขออภัยค่ะ" in message["text"]
    assert message["quickReply"]["items"]


def test_group_chatter_is_left_alone_but_help_is_answered():
    event = sender.text_event(CITIZEN, "ประชุมกี่โมงครับ")
    event["source"] = {"type": "group", "groupId": "C" + "5" * 32, "userId": CITIZEN}
    assert route(OFFICE, Context(), parse_event(event))[1] == []
    event["message"]["text"] = "ช่วยเหลือ"
    assert route(OFFICE, Context(), parse_event(event))[1]


def test_standby_and_silent_events_send_nothing():
    standby = {**sender.text_event(CITIZEN, "สวัสดี"), "mode": "standby"}
    assert route(OFFICE, Context(), parse_event(standby))[1] == []
    ctx, messages = route(
        OFFICE, Context("survey", {"item": 3}), parse_event(sender.unfollow_event(CITIZEN))
    )
    assert messages == [] and ctx == Context()  # unfollow forgets the conversation


def test_a_state_handler_answers_first_and_may_decline(monkeypatch):
    from bot.conversation import router

    def survey(office, ctx, event):
        return (ctx, [{"type": "text", "text": "ข้อ 2/15"}]) if event.text.isdigit() else None

    monkeypatch.setitem(router.STATE_HANDLERS, "survey", survey)
    in_survey = Context("survey", {"item": 2})
    assert _say("4", in_survey)[1] == [{"type": "text", "text": "ข้อ 2/15"}]
    assert "ช่วยท่านได้" in _say("ช่วยเหลือ", in_survey)[1][0]["text"]
