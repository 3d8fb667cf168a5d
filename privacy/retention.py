"""Deleting what is past its retention (offices.yaml `privacy.retention`), once a day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from bot import db
from bot.offices import Office
from bot.qa.models import Question
from privacy import audit
from privacy.models import AuditEntry

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
    with db.transaction() as session:
        removed = {
            "questions": session.execute(
                delete(Question).where(
                    Question.office == office.slug,
                    Question.asked_at < now - timedelta(days=keep.questions_days),
                )
            ).rowcount,
            "survey_comments": session.execute(
                update(Response)
                .where(
                    Response.office == office.slug,
                    Response.comment.is_not(None),
                    Response.submitted_at < now - timedelta(days=keep.survey_comments_days),
                )
                .values(comment=None)
            ).rowcount,
            "audit": session.execute(
                delete(AuditEntry).where(
                    AuditEntry.office == office.slug,
                    AuditEntry.at < now - timedelta(days=keep.audit_days),
                )
            ).rowcount,
        }
    if any(removed.values()):
        said = ", ".join(f"{KINDS[kind]} {n:,}" for kind, n in removed.items() if n)
        audit.record(office.slug, audit.SYSTEM, "retention", detail=said)
    return removed
