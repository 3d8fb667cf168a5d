"""/admin/inbox: staff answer the questions the bot handed over; the answer goes to LINE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bot import db
from bot.faq.office import office_entries
from bot.qa.models import KnowledgeAddition, QaOutcome, Question
from bot.staff.auth import current_user, login_required
from privacy import audit

bp = Blueprint("inbox", __name__, url_prefix="/admin/inbox")
BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_ANSWER = 4000
OUTCOMES = {
    "answer": "ตอบเองได้",
    "suggest": "เสนอหัวข้อให้เลือก",
    "fallback": "ส่งต่อเจ้าหน้าที่",
    "smalltalk": "ทักทาย/ขอบคุณ",
}
PICKED = "picked"  # a suggested topic tapped: not another question, but counts for its entry


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BANGKOK).strftime("%d/%m/%Y %H:%M")


def statistics(office: str, days: int = 14) -> dict:
    """What an office wants to know about its Q&A channel, from the recorded outcomes."""
    since = datetime.now(BANGKOK).date() - timedelta(days=days - 1)
    session = db.session()
    rows = session.execute(
        select(QaOutcome.day, QaOutcome.outcome, func.count())
        .where(QaOutcome.office == office, QaOutcome.day >= since)
        .group_by(QaOutcome.day, QaOutcome.outcome)
    ).all()
    per_day: dict[str, int] = {}
    per_outcome: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for day, outcome, count in rows:
        if outcome == PICKED:
            continue
        per_day[day.isoformat()] = per_day.get(day.isoformat(), 0) + count
        per_outcome[outcome] = per_outcome.get(outcome, 0) + count
    top = session.execute(
        select(QaOutcome.entry_id, func.count().label("n"))
        .where(QaOutcome.office == office, QaOutcome.day >= since, QaOutcome.entry_id.is_not(None))
        .group_by(QaOutcome.entry_id)
        .order_by(func.count().desc())
        .limit(10)
    ).all()
    waiting = session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.office == office, Question.status == "open")
    )
    return {
        "days": days,
        "per_day": per_day,
        "per_outcome": per_outcome,
        "top": top,
        "waiting": waiting,
    }


@bp.get("/")
@login_required
def index():
    office_slug = current_user().office
    session = db.session()
    open_questions = session.scalars(
        select(Question)
        .where(Question.office == office_slug, Question.status == "open")
        .order_by(Question.asked_at)
    ).all()
    recent = session.scalars(
        select(Question)
        .where(Question.office == office_slug, Question.status != "open")
        .order_by(Question.answered_at.desc())
        .limit(30)
    ).all()
    office = current_app.extensions["tambon.offices"][office_slug]
    shown = len(open_questions) + len(recent)
    audit.record(office_slug, current_user().username, "inbox-view", detail=f"{shown} คำถาม")
    return render_template(
        "admin/inbox.html",
        office=office,
        titles={e.id: e.question for e in office_entries(office).values()},
        open_questions=open_questions,
        recent=recent,
        stats=statistics(office_slug),
        outcomes=OUTCOMES,
        local=_local,
    )


@bp.post("/<path:question_id>/answer")
@login_required
def answer(question_id: str):
    user = current_user()
    reply = request.form.get("answer", "").strip()
    if not reply or len(reply) > MAX_ANSWER:
        flash(f"กรุณาพิมพ์คำตอบ (ไม่เกิน {MAX_ANSWER:,} ตัวอักษร)", "error")
        return redirect(url_for("inbox.index") + f"#q-{question_id}")
    with db.transaction() as session:
        question = session.get(Question, question_id)
        if question is None or question.office != user.office:
            abort(404)
        if question.status != "open":
            flash("คำถามนี้ได้รับคำตอบไปแล้วค่ะ", "error")
            return redirect(url_for("inbox.index"))
        question.answer, question.answered_by = reply, user.username
        question.answered_at, question.status = datetime.now(UTC), "answered"
        if request.form.get("add_to_kb") == "yes":
            session.merge(
                KnowledgeAddition(
                    id=question.id,
                    office=question.office,
                    question=question.text,
                    answer=reply,
                    added_by=user.username,
                )
            )
    audit.record(user.office, user.username, "inbox-answer", question_id)
    from workers.qa import enqueue_answer_delivery  # late: workers import the bot

    enqueue_answer_delivery(question_id)
    flash("ส่งคำตอบแล้วค่ะ ประชาชนจะได้รับทาง LINE ในไม่กี่วินาที", "ok")
    return redirect(url_for("inbox.index"))
