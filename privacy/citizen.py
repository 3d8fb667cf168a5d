"""What the office holds about one citizen, and erasing it (PDPA sections 30 and 33).

Each capability that keeps personal data adds a Holding to HOLDINGS: how to describe what it
holds and how to erase it, so "ข้อมูลของฉัน" and "ลบข้อมูลของฉัน" never miss a kind. A holding
gets the citizen's keyed hash, and the raw LINE id only when the citizen asked in LINE (staff
erasing at the counter know the reference code alone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from rq.job import Job
from rq.registry import DeferredJobRegistry, FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import delete, func, literal, select, update

from bot import db
from bot.conversation import context as conversation
from bot.models import AdminLineLink, StaffUser
from bot.offices import Office
from bot.qa.models import KnowledgeAddition, Question
from privacy import audit
from privacy.keys import citizen_key
from workers.defaults import EVENTS_QUEUE, RESPONSES_QUEUE
from workers.queues import SERIALIZER, AppQueue, redis

log = logging.getLogger(__name__)
REFERENCE_LENGTH = 10
QUESTIONS_SHOWN = 5
STATUS = {"open": "รอเจ้าหน้าที่ตอบ", "answered": "ตอบแล้ว", "undeliverable": "ส่งคำตอบไม่ถึง"}


@dataclass(frozen=True)
class Citizen:
    office: Office
    key: str  # privacy.keys.citizen_key
    line_user_id: str | None = None


@dataclass(frozen=True)
class Holding:
    name: str
    describe: Callable[[Citizen], list[str]]
    erase: Callable[[Citizen], int]  # how many records it removed


def in_line(office: Office, line_user_id: str) -> Citizen:
    return Citizen(office, citizen_key(office.slug, line_user_id), line_user_id)


def reference(citizen: Citizen) -> str:
    """A code the citizen can show at the counter so staff can act on their request."""
    code = citizen.key[:REFERENCE_LENGTH].upper()
    return f"{code[:5]}-{code[5:]}"


def by_reference(office: Office, code: str) -> Citizen | None:
    """The citizen a reference code stands for, if the office holds anything of theirs."""
    prefix = code.replace("-", "").replace(" ", "").lower()
    if len(prefix) != REFERENCE_LENGTH or any(ch not in "0123456789abcdef" for ch in prefix):
        return None
    found = db.session().scalar(
        select(Question.citizen)
        .where(Question.office == office.slug, Question.citizen.startswith(prefix))
        .limit(1)
    )
    if found is None:
        conn = redis()
        for key in conn.scan_iter(match=f"tambon:conv:{office.slug}:{prefix}*", count=1000):
            found = key.decode().rsplit(":", 1)[1]
            break
    return Citizen(office, found) if found else None


def describe(citizen: Citizen) -> list[tuple[str, list[str]]]:
    return [(h.name, h.describe(citizen)) for h in HOLDINGS]


def erase(citizen: Citizen, actor: str, action: str) -> str:
    """Erase every holding, with an audit entry; what was removed, in Thai. Safe to repeat."""
    removed = {h.name: h.erase(citizen) for h in HOLDINGS}
    said = ", ".join(f"{name} {n:,}" for name, n in removed.items() if n)
    audit.record(citizen.office.slug, actor, action, detail=said)
    log.info("erased the data of a citizen of %s: %s", citizen.office.slug, removed)
    return said


# ---- the conversation in progress (Redis) -----------------------------------------------


def _describe_conversation(c: Citizen) -> list[str]:
    ctx = conversation.load(redis(), c.office.slug, c.key)
    if ctx.state == "survey":
        return ["กำลังตอบแบบประเมินความพึงพอใจค้างอยู่ (ระบบลืมเองใน 30 นาที)"]
    return ["ไม่มีการสนทนาค้างอยู่"]


def _erase_conversation(c: Citizen) -> int:
    conn = redis()
    keys = [f"tambon:conv:{c.office.slug}:{c.key}", f"tambon:link-wrong:{c.key}"]
    return int(conn.delete(*keys))


# ---- questions to staff (database) ------------------------------------------------------


def _questions(c: Citizen) -> list[Question]:
    return list(
        db.session().scalars(
            select(Question)
            .where(Question.office == c.office.slug, Question.citizen == c.key)
            .order_by(Question.asked_at.desc())
        )
    )


def _describe_questions(c: Citizen) -> list[str]:
    questions = _questions(c)
    if not questions:
        return ["ไม่มีคำถามที่ส่งถึงเจ้าหน้าที่"]
    lines = [f"คำถามที่ส่งถึงเจ้าหน้าที่ {len(questions)} เรื่อง"]
    for q in questions[:QUESTIONS_SHOWN]:
        lines.append(f"• “{_short(q.text)}” — {STATUS.get(q.status, q.status)}")
        if q.answer:
            lines.append(f"  คำตอบ: “{_short(q.answer)}”")
    if len(questions) > QUESTIONS_SHOWN:
        lines.append(f"และอีก {len(questions) - QUESTIONS_SHOWN} เรื่อง")
    return lines


def _short(said: str) -> str:
    return said if len(said) <= 60 else said[:59] + "…"


def _erase_questions(c: Citizen) -> int:
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(Question.id).where(
                    Question.office == c.office.slug, Question.citizen == c.key
                )
            )
        )
        if not ids:
            return 0
        # A knowledge-base entry staff made from their question carries their words too.
        session.execute(delete(KnowledgeAddition).where(KnowledgeAddition.id.in_(ids)))
        session.execute(delete(Question).where(Question.id.in_(ids)))
    return len(ids)


# ---- survey responses (anonymous; their link to the citizen is cut) ---------------------


def _respondent(c: Citizen) -> str | None:
    from survey.service import respondent  # late: survey imports the bot

    return respondent(c.office, c.line_user_id) if c.line_user_id else None


def _describe_survey(c: Citizen) -> list[str]:
    from survey.models import Response

    lines = ["คำตอบแบบประเมินความพึงพอใจไม่ระบุตัวตน ไม่มีชื่อหรือบัญชี LINE ของท่าน"]
    who = _respondent(c)
    if who:
        n = db.session().scalar(
            select(func.count()).where(Response.office == c.office.slug, Response.respondent == who)
        )
        if n:
            lines.append(f"ระบบเก็บรหัสกันตอบซ้ำไว้กับคำตอบ {n} ชุด (ไม่ใช่ชื่อหรือบัญชีของท่าน)")
    return lines


def _erase_survey_link(c: Citizen) -> int:
    """Scores stay in the tallies; the keyed hash that ties them to the citizen, and any
    comment in their words, go."""
    from survey.models import Response

    who = _respondent(c)
    if who is None:
        return 0
    conn = redis()
    done = list(conn.scan_iter(match=f"tambon:survey-done:{c.office.slug}:*:{who}:*", count=1000))
    if done:
        conn.delete(*done)
    with db.transaction() as session:
        # "erased:" + the response's own id: unique per row, and says nothing of the citizen.
        return session.execute(
            update(Response)
            .where(Response.office == c.office.slug, Response.respondent == who)
            .values(respondent=literal("erased:") + Response.id, comment=None)
        ).rowcount


# ---- an admin's linked LINE account -----------------------------------------------------


def _describe_admin_link(c: Citizen) -> list[str]:
    if not c.line_user_id:
        return []
    username = db.session().scalar(
        select(StaffUser.username)
        .join(AdminLineLink, AdminLineLink.staff_user_id == StaffUser.id)
        .where(AdminLineLink.office == c.office.slug, AdminLineLink.line_user_id == c.line_user_id)
    )
    if username is None:
        return ["ไม่ได้เชื่อมกับบัญชีเจ้าหน้าที่"]
    return [f"เชื่อมกับบัญชีเจ้าหน้าที่ “{username}” เพื่อรับสรุปผลประจำสัปดาห์"]


def _erase_admin_link(c: Citizen) -> int:
    if not c.line_user_id:
        return 0
    with db.transaction() as session:
        return session.execute(
            delete(AdminLineLink).where(
                AdminLineLink.office == c.office.slug,
                AdminLineLink.line_user_id == c.line_user_id,
            )
        ).rowcount


# ---- their LINE events waiting in the queue (a retry, a failure kept for staff) ---------


def _erase_queued_jobs(c: Citizen) -> int:
    """Jobs carry their data until they finish (then rq drops them: FINISHED_TTL): an event
    its LINE id and words, a survey response its keyed hash and comment; a failed job is kept
    FAILURE_TTL for someone to read. Each is recognised by the keyed hash of its citizen."""
    conn = redis()
    removed = 0
    for queue, belongs in ((EVENTS_QUEUE, _event_of), (RESPONSES_QUEUE, _response_of)):
        jobs = AppQueue(queue, connection=conn)
        ids = set(jobs.get_job_ids())
        for registry in (FailedJobRegistry, ScheduledJobRegistry, DeferredJobRegistry):
            ids |= set(registry(queue=jobs).get_job_ids())
        for job in Job.fetch_many(sorted(ids), connection=conn, serializer=SERIALIZER):
            if job is not None and _reads(belongs, job, c):
                job.delete(remove_from_queue=True)
                removed += 1
    return removed


def _reads(belongs: Callable[[Job, Citizen], bool], job: Job, c: Citizen) -> bool:
    try:
        return belongs(job, c)
    except Exception:  # a job this code cannot read is not the citizen's
        return False


def _event_of(job: Job, c: Citizen) -> bool:
    office, event = job.args
    user_id = event.get("source", {}).get("userId")
    return office == c.office.slug and bool(user_id) and citizen_key(office, user_id) == c.key


def _response_of(job: Job, c: Citizen) -> bool:
    (payload,) = job.args
    who = _respondent(c)
    return bool(who) and payload.get("office") == c.office.slug and payload["respondent"] == who


HOLDINGS: list[Holding] = [
    Holding("การสนทนา", _describe_conversation, _erase_conversation),
    Holding("คำถามถึงเจ้าหน้าที่", _describe_questions, _erase_questions),
    Holding("แบบประเมินความพึงพอใจ", _describe_survey, _erase_survey_link),
    Holding("บัญชีเจ้าหน้าที่", _describe_admin_link, _erase_admin_link),
    Holding("ข้อความที่รอดำเนินการ", lambda c: [], _erase_queued_jobs),
]
