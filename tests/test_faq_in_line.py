"""The knowledge base in LINE: answers, suggestions, "none of these", and staff additions.

Real webhook, real rq worker, real line-bot-sdk against the fake LINE platform; the test
office uses the demo's knowledge base (knowledge/demo.yaml).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select

from bot import db
from bot.fakeline import sender
from bot.faq import load_knowledge
from bot.qa.inbox import statistics
from bot.qa.models import Question
from tests.conftest import ROOT, csrf_token

CITIZEN = "U" + "f" * 32
KB = load_knowledge(ROOT / "knowledge" / "demo.yaml").entries


def _ask(line, said: str) -> list[dict]:
    """Send one text as the citizen; the messages the bot sent back."""
    return _send(line, sender.text_event(CITIZEN, said))


def _send(line, event: dict) -> list[dict]:
    before = len(line.fake.chat("nongbua", CITIZEN))
    line.send([event])
    line.run_worker()
    entries = line.fake.chat("nongbua", CITIZEN)[before:]
    return [m for entry in entries if entry.get("via") != "citizen" for m in entry["messages"]]


def _tap(line, action: dict) -> list[dict]:
    assert action["type"] == "postback"
    return _send(line, sender.postback_event(CITIZEN, action["data"]))


def _quick_replies(message: dict) -> list[dict]:
    return [item["action"] for item in message["quickReply"]["items"]]


def test_a_colloquial_question_gets_the_official_answer(line, app):
    messages = _ask(line, "เงินคนแก่ลงทะเบียนยังไงคะ")
    assert messages[0]["text"] == KB["elderly-allowance-register"].answer
    (to_staff,) = _quick_replies(messages[-1])
    assert to_staff["label"] == "ยังไม่ตรง ถามเจ้าหน้าที่"
    with app.app_context():
        stats = statistics("nongbua")
    assert stats["per_outcome"]["answer"] == 1
    assert stats["top"][0][0] == "elderly-allowance-register"


def test_an_answer_with_links_shows_them_as_buttons_line_accepts(line):
    entry = next(e for e in KB.values() if e.links)
    answer, links = _ask(line, entry.question)
    assert answer["text"] == entry.answer
    buttons = links["template"]["actions"]
    assert [(b["label"], b["uri"]) for b in buttons] == [(k.label, k.url) for k in entry.links]
    assert line.calls("reply", accepted=False) == []
    problems = line.contract_problems()
    if problems is not None:
        assert problems == []


def test_a_vague_question_offers_topics_and_a_tap_answers_one(line, app):
    (message,) = _ask(line, "ภาษี")
    actions = _quick_replies(message)
    topics, to_staff = actions[:-1], actions[-1]
    assert 1 <= len(topics) <= 3
    assert to_staff["label"] == "ไม่ตรง ถามเจ้าหน้าที่"
    picked = dict(parse_qsl(topics[0]["data"]))["id"]
    assert KB[picked].question in message["text"]
    assert _tap(line, topics[0])[0]["text"] == KB[picked].answer
    with app.app_context():
        stats = statistics("nongbua")
    assert stats["per_outcome"]["suggest"] == 1
    assert sum(stats["per_day"].values()) == 1  # the tap is not another question
    assert stats["top"][0][0] == picked


def test_none_of_these_hands_the_question_to_staff(line, app):
    (message,) = _ask(line, "ขอเอกสาร")
    (reply,) = _tap(line, _quick_replies(message)[-1])
    assert "ส่งให้เจ้าหน้าที่แล้ว" in reply["text"]
    with app.app_context():
        (question,) = db.session().scalars(select(Question)).all()
    assert question.text == "ขอเอกสาร" and question.status == "open"


@pytest.mark.parametrize("said", ["ขอเลขเด็ดงวดนี้หน่อย", "พรุ่งนี้ฝนจะตกไหมคะ"])
def test_off_topic_goes_to_staff_not_a_wrong_answer(line, said):
    (reply,) = _ask(line, said)
    assert "ส่งให้เจ้าหน้าที่แล้ว" in reply["text"]


def test_small_talk_gets_a_friendly_word(line, app):
    (reply,) = _ask(line, "555 ขอบคุณค่ะ")
    assert reply["text"].startswith("ยินดีค่ะ")
    with app.app_context():
        assert db.session().scalars(select(Question)).all() == []


def test_a_long_question_about_contacting_is_answered_from_the_knowledge_base(line):
    messages = _ask(line, "ติดต่อขออนุญาตก่อสร้างบ้านต้องใช้เอกสารอะไร")
    assert messages[0]["text"] == KB["building-permit"].answer


def test_an_answer_staff_add_to_the_knowledge_base_is_given_next_time(line, app, staff_client):
    question = "งานบุญบั้งไฟปีนี้จัดวันไหนคะ"
    (reply,) = _ask(line, question)
    assert "ส่งให้เจ้าหน้าที่แล้ว" in reply["text"]
    with app.app_context():
        (stored,) = db.session().scalars(select(Question)).all()
    token = csrf_token(staff_client, "/admin/inbox/")
    staff_answer = "งานบุญบั้งไฟจัดวันเสาร์ที่ 9 พฤษภาคม ที่สนามหน้า อบต. ค่ะ"
    data = {"answer": staff_answer, "add_to_kb": "yes", "csrf_token": token}
    assert staff_client.post(f"/admin/inbox/{stored.id}/answer", data=data).status_code == 302
    line.run_worker()  # pushes the answer to the citizen
    (message,) = _ask(line, "บุญบั้งไฟปีนี้วันไหน")
    assert message["text"] == staff_answer
