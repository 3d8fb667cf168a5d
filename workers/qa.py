"""Q&A jobs: one alert to staff per burst of questions, and staff answers pushed to citizens."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from bot import db
from bot.exceptions import LineRejectedError
from bot.line_client import multicast, push, retry_key
from bot.messages import text
from bot.qa.models import Question
from workers.defaults import DEFAULT_QUEUE, FAILURE_TTL
from workers.queues import get_queue, no_more_retries, redis, retry_policy

log = logging.getLogger(__name__)
QA_NOTIFY_DELAY = 60  # seconds: questions arriving within a minute make one alert


def _pending_key(office: str) -> str:
    return f"tambon:qa-notify-pending:{office}"


def schedule_staff_notice(office: str) -> None:
    """Schedule one alert for this burst; later questions in the burst ride along."""
    if not redis().set(_pending_key(office), 1, nx=True, ex=3600):
        return
    delay = current_app.config.get("QA_NOTIFY_DELAY", QA_NOTIFY_DELAY)
    queue = get_queue(DEFAULT_QUEUE)
    if delay:
        queue.enqueue_in(timedelta(seconds=delay), "workers.qa.notify_staff", office)
    else:
        queue.enqueue_call("workers.qa.notify_staff", args=(office,))


def _alert(office, questions: list[Question]) -> str:
    lines = [f"มีคำถามจากประชาชนรอเจ้าหน้าที่ตอบ {len(questions)} ข้อ"]
    lines += [f"• {q.text[:80]}" for q in questions[:5]]
    if len(questions) > 5:
        lines.append(f"… และอีก {len(questions) - 5} ข้อ")
    lines.append(f"ตอบได้ที่ {current_app.config['PUBLIC_BASE_URL']}/admin/inbox")
    return "\n".join(lines)


def notify_staff(office_slug: str) -> str:
    with current_app.app_context():
        office = current_app.extensions["tambon.offices"][office_slug]
        # Cleared first: a question arriving from now on schedules the next alert.
        redis().delete(_pending_key(office_slug))
        with db.transaction() as session:
            questions = session.scalars(
                select(Question)
                .where(
                    Question.office == office_slug,
                    Question.status == "open",
                    Question.notified_at.is_(None),
                )
                .order_by(Question.asked_at)
            ).all()
            if not questions:
                return "nothing new"
            message = [text(_alert(office, questions))]
            key = retry_key(office_slug, "qa-alert", questions[-1].id)
            if office.staff_group_id:
                push(office, office.staff_group_id, message, key, kind="staff-alert")
            elif office.admins:
                multicast(office, office.admins, message, key, kind="staff-alert")
            else:
                log.warning("office %s has no staff group or admins to alert", office_slug)
                return "nobody to alert"
            now = datetime.now(UTC)
            for question in questions:
                question.notified_at = now
        return f"alerted staff of {len(questions)} question(s)"


def deliver_answer(question_id: str) -> str:
    """Push staff's answer once, then forget the citizen's LINE id."""
    with current_app.app_context():
        with db.transaction() as session:
            question = session.get(Question, question_id)
            if question is None or question.line_user_id is None or question.answer is None:
                return "nothing to deliver"
            office = current_app.extensions["tambon.offices"][question.office]
            body = (
                f"คำตอบจากเจ้าหน้าที่ {office.name}\nคำถาม: {question.text[:200]}\n\n{question.answer}"
            )
            try:
                push(
                    office,
                    question.line_user_id,
                    [text(body)],
                    retry_key("qa-answer", question_id),
                    kind="staff-answer",
                )
            except LineRejectedError as exc:
                refused = exc
            else:
                question.line_user_id, question.delivered_at = None, datetime.now(UTC)
                return "delivered"
            # LINE refuses this citizen for good (blocked the account, …): stop holding the id.
            question.status, question.line_user_id = "undeliverable", None
        no_more_retries()
        raise refused


def enqueue_answer_delivery(question_id: str) -> None:
    get_queue(DEFAULT_QUEUE).enqueue_call(
        "workers.qa.deliver_answer",
        args=(question_id,),
        job_id="qa-answer-" + hashlib.sha256(question_id.encode()).hexdigest()[:24],
        retry=retry_policy(),
        failure_ttl=FAILURE_TTL,
    )
