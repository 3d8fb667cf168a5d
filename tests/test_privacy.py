"""PDPA: the privacy notice, "ข้อมูลของฉัน" and "ลบข้อมูลของฉัน" end to end through the
webhook, staff acting on a counter request, the audit log, and the retention job."""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import db
from bot.db import Base
from bot.qa.models import Question
from privacy.keys import citizen_key
from privacy.models import AuditEntry
from survey.models import Response
from tests.conftest import log_in
from tests.faults.harness import wait_for
from tests.test_survey_in_line import QR_TEXT, Citizen, _answer_everything, _tally

CITIZEN = "U" + "2b" * 16
QUESTION = "ขอสอบถามงานบุญบั้งไฟปีนี้ <จัดวันไหน> คะ บ้านเลขที่ 12 ซอยมะลิ"
COMMENT = "อยากให้ซ่อมไฟถนนหน้าวัดโพธิ์ค่ะ"
FAILED = "ขบวนแห่บั้งไฟจะผ่านซอยมะลิกี่โมงคะ"


def _survey_with_comment(citizen: Citizen) -> None:
    citizen.says(QR_TEXT)
    citizen.taps("ยินยอม เริ่มประเมิน")
    _answer_everything(citizen)
    for _ in range(3):
        citizen.taps("ข้าม")
    citizen.says(COMMENT)
    citizen.line.run_worker()


def _traces(app, needles: list[str]) -> list[str]:
    """Where in the database or in Redis (outside the fake LINE platform) a needle is."""
    found = []
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session().execute(select(table)):
                found += [f"{table.name}: {n}" for n in needles if n in str(tuple(row))]
    conn = app.extensions["tambon.redis"]
    for key in conn.scan_iter(count=1000):
        if key.startswith(b"fakeline:"):
            continue  # LINE's side: what LINE itself holds of the chat
        for value in _values(conn, key):
            found += [f"redis {key!r}: {n}" for n in needles if _holds(value, n)]
    return found


def _holds(value: bytes, needle: str) -> bool:
    """As UTF-8, or as JSON writes it (rq's jobs: Thai as \\u escapes)."""
    return needle.encode() in value or json.dumps(needle)[1:-1].encode() in value


def _values(conn, key: bytes) -> list[bytes]:
    kind = conn.type(key)
    raw: list[bytes] = [key]
    if kind == b"string":
        raw.append(conn.get(key))
    elif kind == b"hash":
        raw += [v for pair in conn.hgetall(key).items() for v in pair]
    elif kind == b"list":
        raw += conn.lrange(key, 0, -1)
    elif kind == b"set":
        raw += list(conn.smembers(key))
    elif kind == b"zset":
        raw += [m for m, _ in conn.zrange(key, 0, -1, withscores=True)]
    elif kind == b"stream":
        raw += [v for _, entry in conn.xrange(key) for pair in entry.items() for v in pair]
    unpacked = []
    for value in raw:
        with contextlib.suppress(zlib.error):
            unpacked.append(zlib.decompress(value))  # rq compresses a job's data
    return raw + unpacked


def test_the_privacy_notice_is_generated_from_the_offices_settings(client):
    page = client.get("/privacy/nongbua").get_data(as_text=True)
    assert "องค์การบริหารส่วนตำบลหนองบัว" in page and "@nongbua" in page
    assert "ผู้ควบคุมข้อมูลส่วนบุคคล" in page and "มาตรา 24" in page
    assert "365 วัน" in page  # the default retention of questions
    assert "ข้อมูลของฉัน" in page and "ลบข้อมูลของฉัน" in page
    assert client.get("/privacy/nowhere").status_code == 404
    form = client.get("/s/nongbua/1").get_data(as_text=True)
    assert 'href="/privacy/nongbua"' in form


def test_my_data_shows_what_the_office_holds_and_erase_removes_every_trace(line, app):
    citizen = Citizen(line, CITIZEN)
    _survey_with_comment(citizen)
    citizen.says(QUESTION)  # not in the knowledge base: handed to staff
    line.fake.fail_next("reply", 400)
    citizen.says(FAILED)  # LINE refuses the reply: the job stays in the failed registry
    with app.app_context():
        respondent = db.session().scalar(select(Response.respondent))
        hashed = citizen_key("nongbua", CITIZEN)
    needles = [CITIZEN, hashed, respondent, COMMENT, QUESTION, FAILED]
    before = _traces(app, needles)
    assert {n for n in needles if any(t.endswith(n) for t in before)} == set(needles)
    assert any(t.startswith("redis b'rq:job:") and t.endswith(FAILED) for t in before)

    citizen.says("ข้อมูลของฉัน")
    shown = citizen.last()["text"]
    assert "คำถามที่ส่งถึงเจ้าหน้าที่ 2 เรื่อง" in shown and "บั้งไฟ" in shown
    assert "ไม่ระบุตัวตน" in shown and "คำตอบ 1 ชุด" in shown
    assert re.search(r"รหัสอ้างอิงของท่าน: [0-9A-F]{5}-[0-9A-F]{5}", shown)
    assert "/privacy/nongbua" in shown

    citizen.says("ลบข้อมูลของฉัน")
    assert "ลบแล้วกู้คืนไม่ได้" in citizen.last()["text"]
    assert set(citizen.chips()) == {"ยืนยันลบข้อมูล", "ยกเลิก"}
    citizen.taps("ยืนยันลบข้อมูล")
    assert "ลบข้อมูลของท่านเรียบร้อยแล้ว" in citizen.last()["text"]
    line.run_worker()

    # The confirmation's own finished job lives FINISHED_TTL (a second) more.
    wait_for(lambda: not _traces(app, needles), 10, lambda: _traces(app, needles))
    assert _tally(app)["overall"]["n"] == 1  # the scores still count, tied to no one
    with app.app_context():
        (entry,) = db.session().scalars(select(AuditEntry)).all()
    assert entry.action == "erase-by-citizen" and "คำถามถึงเจ้าหน้าที่ 2" in entry.detail


def test_cancelling_keeps_everything(line, app):
    citizen = Citizen(line, CITIZEN)
    citizen.says(QUESTION)
    citizen.says("ลบข้อมูลของฉัน")
    citizen.says("ยกเลิกการลบ")
    assert "ข้อมูลของท่านยังอยู่ครบ" in citizen.last()["text"]
    with app.app_context():
        assert db.session().scalar(select(Question.text)) == QUESTION


def test_staff_erase_at_the_counter_by_reference_code_and_admins_read_the_audit(line, app):
    citizen = Citizen(line, CITIZEN)
    citizen.says(QUESTION)
    citizen.says("ข้อมูลของฉัน")
    code = re.search(r"[0-9A-F]{5}-[0-9A-F]{5}", citizen.last()["text"]).group(0)

    staff = log_in(app, app.test_client(), "malee")
    assert "ไม่พบข้อมูล" in staff.get("/admin/privacy?code=00000-00000").get_data(as_text=True)
    page = staff.get(f"/admin/privacy?code={code.lower()}").get_data(as_text=True)
    assert "บั้งไฟ" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert staff.post("/admin/privacy", data={"code": code, "erase": "yes"}).status_code == 400
    done = staff.post(
        "/admin/privacy",
        data={"code": code, "erase": "yes", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"ลบข้อมูลของรหัสอ้างอิง {code} แล้ว" in done
    with app.app_context():
        hashed = citizen_key("nongbua", CITIZEN)
    wait_for(lambda: not _traces(app, [QUESTION, hashed]), 10, "the question's erasure")

    assert staff.get("/admin/audit").status_code == 403  # admins only
    admin = log_in(app, app.test_client(), "somchai", role="admin")
    staff.get("/admin/inbox/")
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "ลบข้อมูลของประชาชนตามคำขอที่จุดบริการ" in audit
    assert "เปิดดูกล่องคำถามของประชาชน" in audit and "malee" in audit


def test_the_retention_job_removes_what_is_past_its_time(app, line):
    from workers.privacy import apply_retention, enqueue_retention

    now = datetime.now(UTC)
    old, fresh = now - timedelta(days=400), now - timedelta(days=10)
    with app.app_context(), db.transaction() as s:
        for n, when in (("old", old), ("fresh", fresh)):
            s.add(Question(id=f"nongbua:{n}", office="nongbua", citizen="c" * 32,
                           text=f"คำถาม {n}", asked_at=when, status="answered"))  # fmt: skip
        for n, when in (("old", now - timedelta(days=800)), ("fresh", fresh)):
            s.add(Response(id=f"r-{n}", office="nongbua", survey_id="satisfaction", version="1",
                           counter="1", channel="web", respondent=n, period=n, submitted_at=when,
                           day=when.date(), comment=f"ข้อเสนอแนะ {n}"))  # fmt: skip
            s.add(AuditEntry(office="nongbua", at=when, actor="malee", action="inbox-view",
                             subject="", detail=n))  # fmt: skip
    with app.app_context():
        assert enqueue_retention() == ["nongbua", "bankhok"]
        assert enqueue_retention() == []  # once a day, however often cron runs
    line.run_worker()
    with app.app_context():
        session = db.session()
        assert session.scalars(select(Question.id)).all() == ["nongbua:fresh"]
        comments = dict(session.execute(select(Response.id, Response.comment)).all())
        assert comments == {"r-old": None, "r-fresh": "ข้อเสนอแนะ fresh"}
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.at)).all()
        assert [e.detail for e in entries if e.action == "inbox-view"] == ["fresh"]
        (report,) = [e for e in entries if e.action == "retention"]
        assert "คำถามถึงเจ้าหน้าที่ 1" in report.detail and "ข้อเสนอแนะในแบบประเมิน 1" in report.detail
    with app.app_context():
        again = apply_retention("nongbua")
    assert again == {"questions": 0, "survey_comments": 0, "audit": 0}


def test_exports_from_the_dashboard_and_the_cli_are_in_the_audit_log(app, runner, tmp_path):
    from bot.cli import main

    staff = log_in(app, app.test_client(), "malee")
    assert staff.get("/admin/dashboard/export.csv?what=responses").status_code == 200
    staff.get("/admin/dashboard/export.csv?what=tally")  # figures only: no personal data
    result = runner.invoke(main, ["export", "--office", "nongbua", "-o", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session().scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(r.actor, r.action, r.subject) for r in rows] == [
        ("malee", "export", "responses.csv"),
        ("tambon export (บนเครื่องแม่ข่าย)", "export", "r.csv"),
    ]
