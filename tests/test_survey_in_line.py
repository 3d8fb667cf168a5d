"""The survey in LINE, end to end: a counter's QR text starts it, the citizen taps through
it as LINE sends taps, the response is queued, stored and tallied under that counter."""

from __future__ import annotations

from urllib.parse import parse_qsl

from bot import db
from bot.fakeline import sender
from survey.definition import load_survey
from survey.models import Response
from survey.tally import Filters, tally

CITIZEN = "U" + "9" * 32
SURVEY = load_survey()
QR_TEXT = "ประเมิน จุดบริการ 2"  # what survey.links puts in a counter QR


class Citizen:
    """Plays a citizen: says things, taps the chips of the bot's last message."""

    def __init__(self, line, user_id: str = CITIZEN):
        self.line, self.user_id, self.sent = line, user_id, []

    def _send(self, event: dict) -> None:
        event = sender.as_line_sends(event, "nongbua", self.line.fake)
        self.sent.append(event)
        assert self.line.send([event], fresh_tokens=False).status_code == 200
        self.line.run_worker()

    def says(self, text: str) -> None:
        self._send(sender.text_event(self.user_id, text))

    def last(self) -> dict:
        return self.line.fake.chat("nongbua", self.user_id)[-1]["messages"][-1]

    def chips(self) -> dict[str, dict]:
        return {
            i["action"]["label"]: i["action"]
            for i in self.last().get("quickReply", {}).get("items", [])
        }

    def taps(self, label: str) -> None:
        action = self.chips()[label]
        assert action["type"] == "postback", action
        self._send(sender.postback_event(self.user_id, action["data"]))

    def all_texts(self) -> list[str]:
        return [
            m.get("text", "")
            for e in self.line.fake.chat("nongbua", self.user_id)
            for m in e["messages"]
        ]


def _tally(app, **filters) -> dict:
    with app.app_context():
        return tally(db.session(), Filters("nongbua", SURVEY.id, **filters), SURVEY)


def _answer_everything(citizen: Citizen, value_label: str = "5 มากที่สุด") -> None:
    for _ in SURVEY.items():
        citizen.taps(value_label)


def test_a_counters_qr_text_leads_to_one_tallied_response_under_that_counter(line, app):
    citizen = Citizen(line)
    citizen.says(QR_TEXT)
    assert "กองคลัง" in citizen.last()["text"]
    assert "ไม่ระบุตัวตน" in citizen.last()["text"]  # the privacy notice comes first
    citizen.taps("ยินยอม เริ่มประเมิน")
    assert citizen.last()["text"].startswith(f"ข้อ 1/{len(SURVEY.items())} · ด้านขั้นตอนการให้บริการ")
    data = dict(parse_qsl(citizen.chips()["5 มากที่สุด"]["data"]))
    assert data == {
        "sv": "satisfaction",
        "v": SURVEY.version,
        "i": "process_clear",
        "val": "5",
        "sid": data["sid"],
    }
    _answer_everything(citizen)
    citizen.taps("หญิง")
    citizen.taps("ข้าม")  # age is optional
    citizen.taps("เกษตรกร")
    assert "ข้อเสนอแนะ" in citizen.last()["text"]
    citizen.says("อยากให้มีที่จอดรถเพิ่ม <b>ค่ะ</b>")
    texts = citizen.all_texts()
    assert any("ขอบคุณมากค่ะ" in t for t in texts)
    assert citizen.last()["type"] == "template"  # the EIT link follows the thanks
    assert citizen.last()["template"]["actions"][0]["uri"] == line.office().eit_url

    line.run_worker()  # the responses queue
    figures = _tally(app, counter="2")
    assert figures["overall"]["n"] == 1
    assert figures["overall"]["mean"] == 5.0
    assert _tally(app, counter="1")["overall"]["n"] == 0
    with app.app_context():
        (stored,) = db.session().query(Response).all()
    assert (stored.gender, stored.age_band, stored.occupation) == ("female", None, "farmer")
    assert stored.comment == "อยากให้มีที่จอดรถเพิ่ม <b>ค่ะ</b>"
    assert CITIZEN not in stored.respondent  # a keyed hash, never the LINE id

    # LINE redelivers every event of the conversation: no figure changes.
    before = _tally(app)
    for event in citizen.sent:
        line.send([event], fresh_tokens=False)
    line.run_worker()
    assert _tally(app) == before


def test_back_stop_and_typed_answers(line, app):
    citizen = Citizen(line)
    citizen.says("ประเมิน")
    citizen.taps("ยินยอม เริ่มประเมิน")
    citizen.says("4")  # typed instead of tapped
    assert citizen.last()["text"].startswith("ข้อ 2/")
    citizen.taps("↩ ย้อนกลับ")
    assert citizen.last()["text"].startswith("ข้อ 1/")
    citizen.says("มากที่สุดค่ะ")
    assert citizen.last()["text"].startswith("ข้อ 2/")
    citizen.taps("หยุดทำ")
    assert "ยกเลิกแบบประเมินแล้ว" in citizen.last()["text"]
    line.run_worker()
    assert _tally(app)["overall"]["n"] == 0


def test_a_question_mid_survey_is_answered_and_the_survey_waits(line):
    citizen = Citizen(line)
    citizen.says("ประเมิน")
    citizen.taps("ยินยอม เริ่มประเมิน")
    citizen.taps("5 มากที่สุด")
    citizen.says("อบต. เปิดกี่โมงคะ")
    (contact, reminder) = line.fake.chat("nongbua", CITIZEN)[-1]["messages"]
    assert "เวลาทำการ" in contact["text"]
    assert reminder["text"].startswith("ข้อ 2/")
    citizen.taps("4 มาก")
    assert citizen.last()["text"].startswith("ข้อ 3/")


def test_one_response_per_citizen_per_counter_per_day(line, app):
    citizen = Citizen(line)
    citizen.says(QR_TEXT)
    citizen.taps("ยินยอม เริ่มประเมิน")
    _answer_everything(citizen, "3 ปานกลาง")
    for label in ("ชาย", "ข้าม", "ข้าม", "ไม่มี"):
        citizen.taps(label)
    line.run_worker()
    citizen.says(QR_TEXT)
    assert "ในรอบนี้แล้ว" in citizen.all_texts()[-1] or "ในรอบนี้แล้ว" in citizen.all_texts()[-2]
    citizen.says("ประเมินความพึงพอใจ จุดบริการ 1 (สำนักปลัด)")  # another counter is another survey
    assert "สำนักปลัด" in citizen.last()["text"]
    assert _tally(app)["overall"]["n"] == 1


def test_a_tap_from_an_old_session_is_not_counted(line, app):
    citizen = Citizen(line)
    citizen.says("ประเมิน")
    citizen.taps("ยินยอม เริ่มประเมิน")
    stale = citizen.chips()["1 น้อยที่สุด"]
    citizen.taps("หยุดทำ")
    citizen.says("ประเมิน")
    citizen.taps("ยินยอม เริ่มประเมิน")
    citizen._send(sender.postback_event(CITIZEN, stale["data"]))
    assert "ชุดก่อน" in citizen.all_texts()[-2]
    assert citizen.last()["text"].startswith("ข้อ 1/")


def _eit(app) -> dict:
    from survey.tally import eit_distributions

    with app.app_context():
        return eit_distributions(db.session(), "nongbua")


def test_typing_eit_hands_out_the_link_and_counts_it_once(line, app):
    citizen = Citizen(line)
    citizen.says("แบบวัด EIT ค่ะ")
    (intro, button) = line.fake.chat("nongbua", CITIZEN)[-1]["messages"]
    assert "ป.ป.ช." in intro["text"]
    assert button["template"]["actions"][0] == {
        "type": "uri",
        "label": "ตอบแบบวัด EIT",
        "uri": line.office().eit_url,
    }
    assert _eit(app)["total"] == 1
    line.fake.fail_next("reply", 503)  # the job is retried: the hand-out still counts once
    citizen.says("EIT")
    assert _eit(app) == {
        "total": 2,
        "by_counter": {"": 2},
        "by_channel": {"line": 2},
        "by_day": _eit(app)["by_day"],
    }


def test_the_eit_link_after_a_counter_survey_counts_for_that_counter(line, app):
    citizen = Citizen(line)
    citizen.says(QR_TEXT)
    citizen.taps("ยินยอม เริ่มประเมิน")
    _answer_everything(citizen)
    for label in ("ข้าม", "ข้าม", "ข้าม", "ไม่มี"):
        citizen.taps(label)
    assert _eit(app)["by_counter"] == {"2": 1}
    assert _eit(app)["by_channel"] == {"after-survey": 1}
