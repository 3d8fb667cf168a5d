"""The weekly tally on LINE: cron → queue → real worker → store → tally → one Flex message per
office and week at the fake LINE platform; its chart behind a signed, expiring URL; the CLI;
and admins linking their own LINE account by a one-time code."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot import db
from bot.cli import main
from bot.exceptions import ConfigError
from bot.fakeline import sender
from bot.offices import load_offices
from bot.qa.models import Question
from survey.definition import load_survey
from survey.models import EitDistribution, WeeklyReport
from survey.store import store_response
from survey.tally import Filters, tally
from survey.weekly import chart_token, last_completed_week, thai_range, week_label
from tests.conftest import TEST_OFFICES, csrf_token, line_contract, log_in
from workers.cron import build_scheduler
from workers.weekly import enqueue_due_reports

SURVEY = load_survey()
ADMIN = "U00000000000000000000000000000a01"
LINKED = "U" + "e" * 32
# The last week that has ended, so `--send` (which refuses a week under way) works any day.
MONDAY = last_completed_week(datetime.now(UTC))
SUNDAY, WEEK = MONDAY + timedelta(days=6), week_label(MONDAY)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """UTC time `days` after MONDAY: Bangkok is 7 hours ahead."""
    return datetime.combine(MONDAY + timedelta(days=days), time(hour, minute), UTC)


MONDAY_0805 = _at(7, 1, 5)  # the next Monday, 08:05 in Bangkok
MONDAY_0755 = _at(7, 0, 55)
LONG_COMMENT = (
    "เจ้าหน้าที่บริการดีมากค่ะ แต่ที่จอดรถไม่พอ ต้องจอดริมถนนแล้วเดินไกล อยากให้ขยายลานจอดรถและเพิ่มที่นั่งรอด้วยนะคะ"
)


def _response(when: datetime, counter: str, comment: str | None = None, low: int = 2) -> dict:
    items = SURVEY.items()
    answers = {item.id: 4 for item in items}
    answers[items[0].id], answers[items[-1].id] = 5, low
    return {
        "response_id": str(uuid.uuid4()),
        "office": "nongbua",
        "survey_id": SURVEY.id,
        "version": SURVEY.version,
        "counter": counter,
        "channel": "line",
        "respondent": uuid.uuid4().hex,
        "period": when.isoformat(),
        "submitted_at": when.isoformat(),
        "answers": answers,
        "demographics": {},
        "comment": comment,
    }


@pytest.fixture
def week_of_data(app):
    """The week: 6 responses at two counters, 3 comments, 4 EIT hand-outs; 3 responses
    the week before, 1 the week after; 2 questions still waiting for staff."""
    this_week = [
        _response(_at(0, 2), "1", "ขอบคุณค่ะ"),
        _response(_at(1, 2), "1", low=3),
        _response(_at(2, 2), "1", LONG_COMMENT),
        _response(_at(3, 2), "1"),
        _response(_at(4, 2), "2", "ห้องน้ำสะอาดดี"),
        _response(_at(6, 10), "2"),  # Sunday 17:00 in Bangkok
    ]
    before = [_response(_at(d, 2), "1") for d in (-7, -6, -5)]
    after = [_response(_at(6, 18), "2", "สัปดาห์ถัดไป")]  # Monday 01:00 in Bangkok
    with app.app_context(), db.transaction() as session:
        for payload in this_week + before + after:
            assert store_response(session, payload, SURVEY) == "stored"
        for i, (counter, day) in enumerate([("1", 0), ("1", 1), ("1", 2), ("", 4), ("2", -7)]):
            session.add(
                EitDistribution(
                    id=f"line:e{i}",
                    office="nongbua",
                    counter=counter,
                    channel="line",
                    day=MONDAY + timedelta(days=day),
                )
            )
        for i, status in enumerate(["open", "open", "answered"]):
            session.add(
                Question(
                    id=f"q{i}",
                    office="nongbua",
                    citizen="x" * 32,
                    text="ถามเรื่องถนน",
                    asked_at=_at(4, 2),
                    status=status,
                )
            )


def _run_cron(app, line, now=MONDAY_0805) -> list[str]:
    with app.app_context():
        queued = enqueue_due_reports(now)
    line.run_worker()
    return queued


def _texts(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "text" else []
        return own + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def _rows(message: dict) -> dict[str, str]:
    """Label → value of each two-column row in the bubble."""
    rows = {}
    for box in _boxes(message["contents"]["body"]):
        if box.get("layout") == "horizontal" and len(box["contents"]) == 2:
            rows[box["contents"][0]["text"]] = box["contents"][1]["text"]
    return rows


def _boxes(node: dict) -> list[dict]:
    inner = [b for c in node.get("contents", []) if c["type"] == "box" for b in _boxes(c)]
    return [node, *inner]


def _weekly_calls(line, office="nongbua") -> list[dict]:
    return [
        c
        for c in line.calls()
        if c["operation"] in {"push", "multicast"}
        and c["channel"] == office
        and c["body"]["messages"][0]["type"] == "flex"
    ]


def test_monday_morning_each_office_gets_one_report_matching_the_tally(app, line, week_of_data):
    assert _run_cron(app, line, MONDAY_0755) == []  # 07:55 in Bangkok: not yet
    assert _weekly_calls(line) == []
    assert _run_cron(app, line) == [f"nongbua {WEEK}", f"bankhok {WEEK}"]
    (call,) = _weekly_calls(line)
    assert call["operation"] == "multicast" and call["body"]["to"] == [ADMIN]
    assert call["retry_key"]
    (message,) = call["body"]["messages"]
    with app.app_context():
        expected = tally(db.session(), Filters("nongbua", SURVEY.id, MONDAY, SUNDAY), SURVEY)
    overall = expected["overall"]
    assert overall["n"] == 6
    rows = _rows(message)
    assert rows["ผู้ตอบแบบสำรวจ"] == "6 ราย"
    assert rows["สัปดาห์ก่อนหน้า"] == "3 ราย"
    assert rows["ความพึงพอใจเฉลี่ย"] == f"{overall['mean']:.2f} จาก 5 ({overall['band']})"
    assert rows["ร้อยละความพึงพอใจ"] == f"{overall['percent_satisfied']:.2f}%"
    items = sorted(expected["items"], key=lambda i: i["mean"])
    assert rows["คะแนนสูงสุด"] == f"{items[-1]['text']} ({items[-1]['mean']:.2f})"
    assert rows["ควรปรับปรุง"] == f"{items[0]['text']} ({items[0]['mean']:.2f})"
    assert rows["สำนักปลัด"] == "4 ราย" and rows["กองคลัง"] == "2 ราย"
    assert rows["แจกลิงก์/QR แบบวัด EIT"] == "4 ครั้ง"
    assert rows["คำถามที่รอเจ้าหน้าที่ตอบ"] == "2 ข้อ"
    texts = _texts(message["contents"])
    assert "ความคิดเห็นใหม่ 3 รายการ" in texts
    comments = [t for t in texts if t.startswith("“")]
    assert comments[0] == "“ห้องน้ำสะอาดดี”"  # newest first
    assert comments[1].endswith("…”") and len(comments[1]) < len(LONG_COMMENT)
    assert "“สัปดาห์ถัดไป”" not in texts
    assert f"{thai_range(MONDAY)} ({WEEK})" in texts
    assert message["altText"].startswith(f"สรุปผลประจำสัปดาห์ {thai_range(MONDAY)}")
    footer = [b["action"] for b in message["contents"]["footer"]["contents"]]
    assert footer[0] == {"type": "uri", "label": "เปิดแดชบอร์ด", "uri": "http://localhost/admin/"}
    # PUBLIC_BASE_URL is http here: LINE would not fetch the image, so it is a button.
    assert "hero" not in message["contents"] and footer[1]["label"] == "ดูกราฟ"
    with app.app_context():
        reports = {r.office: r for r in db.session().scalars(select(WeeklyReport))}
    assert (
        reports["nongbua"].status == "sent"
        and reports["nongbua"].figures["mean"] == overall["mean"]
    )
    assert reports["bankhok"].status == "nobody"  # no admins, no group: nothing to send
    assert reports["nongbua"].recipients == {"group": None, "users": [], "user_count": 1}


def test_a_rerun_or_retry_sends_nothing_more(app, line, week_of_data):
    _run_cron(app, line)
    assert len(_weekly_calls(line)) == 1
    with app.app_context():
        app.extensions["tambon.redis"].delete(f"rq:job:weekly-nongbua-{WEEK}")
    _run_cron(app, line)
    _run_cron(app, line, _at(9, 5))  # later that week
    assert len(_weekly_calls(line)) == 1
    _run_cron(app, line, _at(14, 1, 5))  # the next Monday
    assert [c["body"]["messages"][0]["altText"] for c in _weekly_calls(line)][1].startswith(
        f"สรุปผลประจำสัปดาห์ {thai_range(MONDAY + timedelta(days=7))}"
    )


def test_a_transient_error_is_retried_without_sending_twice(app, line, week_of_data):
    line.fake.fail_next("multicast", 500, after_accepting=True)  # LINE took it, answer lost
    _run_cron(app, line)
    deliveries = [e for e in line.fake.chat("nongbua", ADMIN) if e["via"] == "multicast"]
    assert len(deliveries) == 1
    assert [c["status"] for c in line.calls("multicast", accepted=None)] == [500, 409]


def _with(app, slug: str, **changes):
    offices = app.extensions["tambon.offices"]
    offices[slug] = offices[slug].model_copy(update=changes)


def test_many_admins_get_it_by_multicast_in_chunks_once_each(app, line, week_of_data):
    admins = [f"U{i:032x}" for i in range(1, 1201)]
    _with(app, "nongbua", admins=admins)
    line.fake.fail_next("multicast", 0, 503)  # the second chunk fails once
    _run_cron(app, line)
    calls = line.calls("multicast", accepted=None)
    assert [c["status"] for c in calls] == [200, 503, 200, 200]
    assert all(len(c["body"]["to"]) <= 500 for c in calls)
    assert calls[2]["body"]["to"] == calls[1]["body"]["to"]  # the first chunk was not resent
    for user in (admins[0], admins[700], admins[-1]):
        assert len(line.fake.chat("nongbua", user)) == 1


def test_a_staff_group_gets_a_push(app, line, week_of_data):
    group = "C" + "1" * 32
    _with(app, "bankhok", staff_group_id=group)
    _run_cron(app, line)
    (call,) = _weekly_calls(line, "bankhok")
    assert call["operation"] == "push" and call["body"]["to"] == group


def test_on_https_the_chart_is_in_the_message_and_served_signed(app, line, client, week_of_data):
    app.config["PUBLIC_BASE_URL"] = "https://tambon.example"
    _run_cron(app, line)
    (call,) = _weekly_calls(line)
    message = call["body"]["messages"][0]
    hero = message["contents"]["hero"]
    assert re.fullmatch(r"https://tambon\.example/charts/[\w.-]+\.png", hero["url"])
    contract = line_contract()
    if contract is not None:
        assert contract.validate("POST", "/v2/bot/message/multicast", call["body"]) == []
    path = hero["url"].removeprefix("https://tambon.example")
    served = client.get(path)
    assert served.status_code == 200 and served.mimetype == "image/png"
    image = Image.open(io.BytesIO(served.data))
    image.verify()
    assert image.format == "PNG" and max(image.size) <= 1024  # LINE's limit for Flex images
    assert hero["aspectRatio"] == f"{image.size[0]}:{image.size[1]}"
    token = path.removeprefix("/charts/").removesuffix(".png")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/charts/{forged}.png").status_code == 404
    other = chart_token("another-secret-0123456789", "nongbua", WEEK)
    assert client.get(f"/charts/{other}.png").status_code == 404
    import time as clock

    real_time = clock.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "time", lambda: real_time() - 31 * 24 * 3600)
        old = chart_token(app.config["SECRET_KEY"], "nongbua", WEEK)
    assert client.get(f"/charts/{old}.png").status_code == 410


def test_a_wrong_weekly_report_setting_names_the_field(tmp_path):
    bad = TEST_OFFICES.read_text(encoding="utf-8").replace(
        "    admins: [U00000000000000000000000000000a01]\n",
        "    admins: [U00000000000000000000000000000a01]\n"
        "    weekly_report: {weekday: 7, time: '8 โมง'}\n",
    )
    path = tmp_path / "offices.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_offices(path)
    assert "offices[0].weekly_report.weekday" in str(error.value)
    assert "offices[0].weekly_report.time" in str(error.value)


def test_cron_registers_the_weekly_job(app):
    scheduler = build_scheduler(app.extensions["tambon.redis"])
    (job,) = [j for j in scheduler.get_jobs() if j.name == "weekly-reports"]
    assert job.cron == "*/15 * * * *"


@pytest.fixture
def tambon(runner, monkeypatch, line, app):
    monkeypatch.setenv("LINE_API_BASE_URL", app.config["LINE_API_BASE_URL"])
    monkeypatch.setenv("PUBLIC_BASE_URL", "http://localhost")
    return lambda *args: runner.invoke(main, ["report", "weekly", *args])


def test_preview_writes_the_message_and_chart_and_sends_nothing(
    tambon, line, tmp_path, week_of_data
):
    out = tmp_path / "weekly.json"
    result = tambon("--office", "nongbua", "--week", WEEK, "--preview", str(out))
    assert result.exit_code == 0, result.output
    message = json.loads(out.read_text(encoding="utf-8"))
    assert message["type"] == "flex" and _rows(message)["ผู้ตอบแบบสำรวจ"] == "6 ราย"
    assert Image.open(tmp_path / "weekly.png").format == "PNG"
    assert line.calls() == []


def test_send_from_the_cli_then_cron_sends_nothing_more(tambon, app, line, week_of_data):
    result = tambon("--office", "nongbua", "--week", WEEK, "--send")
    assert result.exit_code == 0, result.output
    assert "sent 1 part" in result.output
    _run_cron(app, line)
    assert len(_weekly_calls(line)) == 1
    again = tambon("--office", "nongbua", "--week", WEEK, "--send")
    assert "sent already" in again.output and len(_weekly_calls(line)) == 1


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--office", "nongbua", "--week", "2026-47", "--send"], "YYYY-Www"),
        (["--office", "nongbua", "--week", "2026-W54", "--send"], "ไม่ถูกต้อง"),
        (["--office", "nowhere", "--send"], "ไม่พบสำนักงาน 'nowhere'"),
        (["--office", "nongbua"], "--send or --preview"),
        (["--office", "nongbua", "--week", "2099-W01", "--send"], "ยังไม่สิ้นสุด"),
    ],
)
def test_cli_errors_are_clear(tambon, args, said):
    result = tambon(*args)
    assert result.exit_code != 0 and said in result.output


# Linking an admin's LINE account ----------------------------------------------------------


def _login(app, client, username: str, role: str) -> str:
    log_in(app, client, username, role=role)
    return csrf_token(client, "/admin/")


def _say(line, user: str, words: str) -> str:
    line.send([sender.text_event(user, words)])
    line.run_worker()
    return line.texts_to(user)[-1]


def test_an_admin_links_and_unlinks_their_line_account(app, client, line, week_of_data):
    csrf = _login(app, client, "somchai", "admin")
    assert "เชื่อมบัญชี LINE" in client.get("/admin/").get_data(as_text=True)
    assert client.post("/admin/line-link/code").status_code == 400  # no CSRF token
    page = client.post("/admin/line-link/code", data={"csrf_token": csrf}).get_data(as_text=True)
    code = re.search(r"data-link-code>(\d{6})<", page).group(1)
    assert "@nongbua" in page and "10 นาที" in page

    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert "ไม่ถูกต้องหรือหมดอายุ" in _say(line, LINKED, wrong)
    thai_digits = code.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    reply = _say(line, LINKED, thai_digits)
    assert "เชื่อมบัญชี LINE นี้กับผู้ใช้ somchai" in reply
    assert "ทุกวันจันทร์ เวลา 08:00 น." in reply
    assert "ไม่ถูกต้องหรือหมดอายุ" in _say(line, "U" + "f" * 32, code)  # used once only
    assert "เชื่อมบัญชี LINE ของท่านแล้ว" in client.get("/admin/").get_data(as_text=True)

    _run_cron(app, line)
    (call,) = _weekly_calls(line)
    assert call["body"]["to"] == [ADMIN, LINKED]
    assert line.fake.chat("nongbua", LINKED)[-1]["messages"][0]["type"] == "flex"

    assert client.post("/admin/line-link/unlink").status_code == 400
    done = client.post(
        "/admin/line-link/unlink", data={"csrf_token": csrf}, follow_redirects=True
    ).get_data(as_text=True)
    assert "ยกเลิกการเชื่อมบัญชี LINE แล้ว" in done and "ขอรหัสเชื่อมบัญชี" in done
    _run_cron(app, line, _at(14, 1, 5))
    assert _weekly_calls(line)[-1]["body"]["to"] == [ADMIN]


def test_six_digits_from_a_citizen_are_not_a_code_when_none_is_live(app, line):
    reply = _say(line, "U" + "c" * 32, "123456")
    assert "เชื่อมบัญชี" not in reply


def test_staff_who_are_not_admins_cannot_link(app, client):
    csrf = _login(app, client, "malee", "staff")
    assert "ขอรหัสเชื่อมบัญชี" not in client.get("/admin/").get_data(as_text=True)
    assert client.post("/admin/line-link/code", data={"csrf_token": csrf}).status_code == 403


def test_guessing_codes_stops_after_five_wrong_tries(app, client, line):
    csrf = _login(app, client, "somchai", "admin")
    page = client.post("/admin/line-link/code", data={"csrf_token": csrf}).get_data(as_text=True)
    code = re.search(r"data-link-code>(\d{6})<", page).group(1)
    guesser = "U" + "9" * 32
    for n in range(5):
        _say(line, guesser, f"{(int(code) + 1 + n) % 10**6:06d}")
    assert "เชื่อมบัญชี LINE นี้" not in _say(line, guesser, code)  # even the right one now


def test_many_accounts_guessing_together_void_the_code(app, client, line):
    """The review's attack: five accounts sent 25 wrong codes, then a sixth linked itself to
    the admin with the right one. Now a few wrong codes from anyone void the office's codes."""
    from bot.staff.linking import MAX_WRONG_PER_OFFICE

    csrf = _login(app, client, "somchai", "admin")
    page = client.post("/admin/line-link/code", data={"csrf_token": csrf}).get_data(as_text=True)
    code = re.search(r"data-link-code>(\d{6})<", page).group(1)
    for n in range(MAX_WRONG_PER_OFFICE):
        _say(line, "U" + f"{n:x}" * 32, f"{(int(code) + 1 + n) % 10**6:06d}")
    assert "เชื่อมบัญชี LINE นี้" not in _say(line, "U" + "e" * 32, code)
    page = client.get("/admin/").get_data(as_text=True)
    assert "รหัสเชื่อมบัญชีที่ขอไว้ถูกยกเลิกแล้ว" in page
    page = client.post("/admin/line-link/code", data={"csrf_token": csrf}).get_data(as_text=True)
    fresh = re.search(r"data-link-code>(\d{6})<", page).group(1)
    assert "เชื่อมบัญชี LINE นี้กับผู้ใช้ somchai" in _say(line, LINKED, fresh)
