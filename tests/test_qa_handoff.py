"""Two-way Q&A: a question the bot cannot answer reaches staff; their answer reaches LINE."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot import db
from bot.fakeline import sender
from bot.qa.models import KnowledgeAddition, Question
from tests.conftest import csrf_token, log_in

CITIZEN = "U" + "c" * 32
ADMIN = "U00000000000000000000000000000a01"
QUESTION = "ขอสอบถามงานบุญบั้งไฟปีนี้ <จัดวันไหน> คะ"


def _questions(app) -> list[Question]:
    with app.app_context():
        return db.session().scalars(select(Question)).all()


def test_a_question_is_handed_to_staff_and_the_citizen_told_when(line, app):
    event = sender.text_event(CITIZEN, QUESTION)
    line.send([event])
    line.run_worker()
    (reply,) = line.texts_to(CITIZEN)
    assert "ส่งให้เจ้าหน้าที่แล้ว" in reply
    assert "08:30–16:30" in reply and "0-4300-0000" in reply
    (question,) = _questions(app)
    assert question.text == QUESTION and question.status == "open"
    line.send([{**event, "deliveryContext": {"isRedelivery": True}}])
    app.extensions["tambon.redis"].delete(f"tambon:seen:nongbua:{event['webhookEventId']}")
    line.send([event])  # even past de-duplication, the same event is one question
    line.run_worker()
    assert len(_questions(app)) == 1


def test_a_burst_of_questions_is_one_alert_to_staff(line):
    line.send([sender.text_event(CITIZEN, f"คำถามที่ {n} เรื่องงานบุญประจำปีค่ะ") for n in range(3)])
    line.run_worker()
    (alert,) = line.calls("multicast")
    assert alert["body"]["to"] == [ADMIN]
    assert alert["body"]["messages"][0]["text"].startswith("มีคำถามจากประชาชนรอเจ้าหน้าที่ตอบ 3 ข้อ")
    assert "/admin/inbox" in alert["body"]["messages"][0]["text"]
    line.send([sender.text_event(CITIZEN, "อีกเรื่องค่ะ ขอรายชื่อผู้ชนะประกวดร้องเพลง")])
    line.run_worker()
    assert len(line.calls("multicast")) == 2  # a new burst, a new alert
    assert "1 ข้อ" in line.calls("multicast")[-1]["body"]["messages"][0]["text"]


def test_staff_answer_from_the_inbox_reaches_the_citizen_once(line, app, staff_client):
    line.send([sender.text_event(CITIZEN, QUESTION)])
    line.run_worker()
    page = staff_client.get("/admin/inbox/").get_data(as_text=True)
    assert "&lt;จัดวันไหน&gt;" in page  # escaped
    assert CITIZEN not in page  # staff never see the LINE id
    assert "รอเจ้าหน้าที่ตอบ: 1 ข้อ" in page
    (question,) = _questions(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/admin/inbox/{question.id}/answer"
    assert (
        staff_client.post(url, data={"answer": "ทำได้ค่ะ ยื่นคำร้องที่กองช่าง"}).status_code == 400
    )  # no CSRF
    answer = staff_client.post(
        url, data={"answer": "ทำได้ค่ะ ยื่นคำร้องที่กองช่าง", "add_to_kb": "yes", "csrf_token": token}
    )
    assert answer.status_code == 302
    line.run_worker()
    pushes = [c for c in line.calls("push") if c["body"]["to"] == CITIZEN]
    assert len(pushes) == 1 and pushes[0]["retry_key"]
    assert "ยื่นคำร้องที่กองช่าง" in line.texts_to(CITIZEN)[-1]
    (question,) = _questions(app)
    assert question.status == "answered" and question.line_user_id is None  # the id is dropped
    with app.app_context():
        (added,) = db.session().scalars(select(KnowledgeAddition)).all()
    assert added.answer == "ทำได้ค่ะ ยื่นคำร้องที่กองช่าง" and added.added_by == "malee"
    again = staff_client.post(
        url, data={"answer": "ซ้ำ", "csrf_token": token}, follow_redirects=True
    )
    assert "ได้รับคำตอบไปแล้ว" in again.get_data(as_text=True)
    line.run_worker()
    assert len([c for c in line.calls("push") if c["body"]["to"] == CITIZEN]) == 1


def test_staff_of_another_office_cannot_answer(line, app, client):
    line.send([sender.text_event(CITIZEN, QUESTION)])
    line.run_worker()
    log_in(app, client, "other", office="bankhok", role="admin")
    (question,) = _questions(app)
    assert "จัดวันไหน" not in client.get("/admin/inbox/").get_data(as_text=True)
    token = csrf_token(client, "/admin/")
    answer = client.post(
        f"/admin/inbox/{question.id}/answer", data={"answer": "x", "csrf_token": token}
    )
    assert answer.status_code == 404
