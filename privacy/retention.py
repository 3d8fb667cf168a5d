"""Deleting what is past its retention (offices.yaml `privacy.retention`), once a day.

In batches, each its own transaction: a year of questions never locks the table for long,
and a run a crash interrupts keeps what it did; the retry does the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Executable, Select, delete, select, update

from bot import db
from bot.offices import Office
from bot.qa.models import Question
from privacy import audit
from privacy.models import AuditEntry

BATCH = 1000
KINDS = {
    "questions": "คำถามถึงเจ้าหน้าที่",
    "survey_comments": "ข้อเสนอแนะในแบบประเมิน",
    "audit": "บันทึกการเข้าถึงข้อมูล",
}


def apply(office: Office, now: datetime) -> dict[str, int]:
    """Delete (or, for survey comments, blank) what is older than the office keeps it; how
    many of each kind. Running it twice removes nothing more."""
    from survey.models import Response  # late: survey imports the bot

    keep = office.privacy.retention
    questions = select(Question.id).where(
        Question.office == office.slug,
        Question.asked_at < now - timedelta(days=keep.questions_days),
    )
    comments = select(Response.id).where(
        Response.office == office.slug,
        Response.comment.is_not(None),
        Response.submitted_at < now - timedelta(days=keep.survey_comments_days),
    )
    entries = select(AuditEntry.id).where(
        AuditEntry.office == office.slug,
        AuditEntry.at < now - timedelta(days=keep.audit_days),
    )
    removed = {
        "questions": _in_batches(
            questions, lambda ids: delete(Question).where(Question.id.in_(ids))
        ),
        "survey_comments": _in_batches(  # the scores stay: only the free text goes
            comments, lambda ids: update(Response).where(Response.id.in_(ids)).values(comment=None)
        ),
        "audit": _in_batches(entries, lambda ids: delete(AuditEntry).where(AuditEntry.id.in_(ids))),
    }
    if any(removed.values()):
        said = ", ".join(f"{KINDS[kind]} {n:,}" for kind, n in removed.items() if n)
        audit.record(office.slug, audit.SYSTEM, "retention", detail=said)
    return removed


def _in_batches(aged: Select, change: Callable[[list], Executable]) -> int:
    """Apply `change` to the rows `aged` selects, BATCH ids per transaction; how many."""
    total = 0
    while True:
        with db.transaction() as session:
            ids = list(session.scalars(aged.limit(BATCH)))
            if not ids:
                return total
            total += session.execute(change(ids)).rowcount
