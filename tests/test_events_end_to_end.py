"""Signed webhook → rq worker → line-bot-sdk → fake LINE platform, all for real."""

from __future__ import annotations

import copy
import json

from rq.registry import FailedJobRegistry

from bot.fakeline import sender
from tests.conftest import shared_file
from workers.queues import AppQueue

CITIZEN = "U" + "1" * 32
OTHER = "U" + "2" * 32


def _fixture_events() -> list[dict]:
    """LINE's own sample body, with the unique ids and live reply tokens LINE would give.

    The sample repeats one webhookEventId across all 28 events; real LINE never does.
    """
    body = json.loads(shared_file("line-fixtures/webhook.json").read_text(encoding="utf-8"))
    events = copy.deepcopy(body["events"])
    for event in events:
        event["webhookEventId"] = sender.new_event_id()
    return events


def _failed(app) -> list:
    conn = app.extensions["tambon.redis"]
    return [
        j
        for name in ("events", "default")
        for j in FailedJobRegistry(queue=AppQueue(name, connection=conn)).get_job_ids()
    ]


def test_every_sample_event_is_handled_without_error(line, app):
    events = _fixture_events()
    assert len(events) == 28
    answer = line.send(events)
    assert answer.status_code == 200
    line.run_worker()
    assert _failed(app) == []
    sent = line.calls()
    assert sent, "some sample events (follow, text from a user) must be answered"
    # The sample user followed and wrote; each answer went to that user or their room/group.
    user = "U206d25c2ea6bd87c17655609a1c37cb8"
    texts = line.texts_to(user)
    assert any("ขอบคุณที่เพิ่ม" in t for t in texts)  # follow → greeting
    assert any("ยังไม่เข้าใจ" in t for t in texts)  # "Hello, world" → polite fallback
    assert any("สติกเกอร์" in t for t in texts)  # sticker
    # The bot speaks in a group when invited (join), not at every message there.
    group = "Ca56f94637cc4347f90a25382909b24b9"
    assert [t for t in line.texts_to(group) if "เข้ากลุ่ม" in t]
    assert not [t for t in line.texts_to(group) if "ยังไม่เข้าใจ" in t]


def test_lines_raw_sample_body_gets_200_and_is_answered_once(line, app):
    """The sample as LINE publishes it: every event shares one webhookEventId, so the bot
    treats them as one event delivered 28 times and answers once, by push (its reply token
    was never issued)."""
    raw = json.loads(shared_file("line-fixtures/webhook.json").read_text(encoding="utf-8"))
    answer = line.send(raw["events"], fresh_tokens=False)
    assert answer.status_code == 200
    line.run_worker()
    assert _failed(app) == []
    assert [c["operation"] for c in line.calls()] == ["push"]
    assert (
        line.calls("reply", accepted=False)[0]["body"]["replyToken"]
        == "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
    )


def test_follow_is_greeted_in_thai_with_quick_replies(line):
    assert line.send([sender.follow_event(CITIZEN)]).status_code == 200
    line.run_worker()
    (call,) = line.calls("reply")
    (message,) = call["body"]["messages"]
    assert "องค์การบริหารส่วนตำบลหนองบัว" in message["text"]
    labels = [i["action"]["label"] for i in message["quickReply"]["items"]]
    assert "ติดต่อ อบต." in labels


def test_text_gets_an_answer_and_each_office_uses_its_own_channel(line):
    line.send([sender.text_event(CITIZEN, "ติดต่อ อบต. ยังไงคะ")])
    line.send([sender.text_event(OTHER, "เบอร์โทรค่ะ")], office="bankhok")
    line.run_worker()
    by_channel = {c["channel"]: c for c in line.calls("reply")}
    assert "เวลาทำการ" in by_channel["nongbua"]["body"]["messages"][0]["text"]
    assert "เทศบาลตำบลบ้านโคก" in by_channel["bankhok"]["body"]["messages"][0]["text"]


def test_redelivered_and_duplicated_events_are_answered_once(line, app):
    event = sender.text_event(CITIZEN, "สวัสดีครับ")
    assert line.send([event, event]).status_code == 200  # duplicated inside one body
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    assert line.send([redelivered]).status_code == 200  # and LINE redelivers it later
    assert AppQueue("events", connection=app.extensions["tambon.redis"]).count == 1
    line.run_worker()
    assert len(line.calls("reply") + line.calls("push")) == 1


def test_standby_mode_sends_nothing(line):
    event = {**sender.text_event(CITIZEN, "สวัสดี"), "mode": "standby"}
    line.send([event])
    line.run_worker()
    assert line.calls() == []


def test_refused_reply_token_falls_back_to_push_with_a_retry_key(line):
    event = sender.as_line_sends(sender.text_event(CITIZEN, "ช่วยเหลือ"), "nongbua", line.fake)
    line.fake.expire_reply_token(event["replyToken"])  # the minute ran out
    line.send([event], fresh_tokens=False)
    line.run_worker()
    assert line.calls("reply") == []
    (push,) = line.calls("push")
    assert push["body"]["to"] == CITIZEN
    assert push["retry_key"]
    assert any("ช่วยท่านได้" in t for t in line.texts_to(CITIZEN))


def test_429_is_retried_until_delivered(line, app):
    line.fake.fail_next("reply", 429, 503)
    line.send([sender.text_event(CITIZEN, "สวัสดี")])
    line.run_worker()
    assert [c["status"] for c in line.calls("reply", accepted=None)] == [429, 503, 200]
    assert _failed(app) == []
    assert len(line.texts_to(CITIZEN)) == 1


def test_a_retried_push_is_not_delivered_twice(line, app):
    """LINE accepted the push but the answer was lost (we saw a 500): the retry repeats
    the same X-Line-Retry-Key, LINE answers 409, and the citizen sees one message."""
    event = sender.as_line_sends(sender.text_event(CITIZEN, "สวัสดี"), "nongbua", line.fake)
    line.fake.expire_reply_token(event["replyToken"])
    line.fake.fail_next("push", 500, after_accepting=True)
    line.send([event], fresh_tokens=False)
    line.run_worker()
    statuses = [c["status"] for c in line.calls("push", accepted=None)]
    assert statuses == [500, 409]
    assert len(line.texts_to(CITIZEN)) == 1
    assert _failed(app) == []


def test_a_request_line_refuses_fails_once_and_stays_visible(line, app):
    line.fake.fail_next("reply", 400)
    line.send([sender.text_event(CITIZEN, "สวัสดี")])
    line.run_worker()
    assert len(line.calls("reply", accepted=None)) == 1  # not retried: it cannot succeed
    (job_id,) = _failed(app)
    job = AppQueue("events", connection=app.extensions["tambon.redis"]).fetch_job(job_id)
    assert "LINE answered 400" in job.latest_result().exc_string
