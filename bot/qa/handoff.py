"""Handing a question the bot cannot answer to staff, and recording what the bot did."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot import db
from bot.db import insert_for
from bot.events import Incoming
from bot.messages import Message, text
from bot.offices import Office
from bot.qa.models import QaOutcome, Question
from privacy.keys import citizen_key

BANGKOK = ZoneInfo("Asia/Bangkok")
MAX_QUESTION = 2000


def record_outcome(
    office: Office, event: Incoming, outcome: str, entry_id: str | None = None
) -> None:
    """Count what the bot did with a question; a replayed event counts once."""
    if not event.event_id:
        return
    with db.transaction() as session:
        statement = insert_for(session, QaOutcome).values(
            id=f"{office.slug}:{event.event_id}",
            office=office.slug,
            day=datetime.now(BANGKOK).date(),
            outcome=outcome,
            entry_id=entry_id,
        )
        session.execute(statement.on_conflict_do_nothing())


def hand_off(office: Office, event: Incoming) -> list[Message]:
    """Store the question for staff (once per event) and tell the citizen what happens next."""
    with db.transaction() as session:
        statement = insert_for(session, Question).values(
            id=f"{office.slug}:{event.event_id or event.reply_token}",
            office=office.slug,
            citizen=citizen_key(office.slug, event.user_id),
            line_user_id=event.user_id,
            text=event.text.strip()[:MAX_QUESTION],
            asked_at=datetime.now(UTC),
            status="open",
        )
        session.execute(statement.on_conflict_do_nothing())
    record_outcome(office, event, "fallback")
    from workers.qa import schedule_staff_notice  # late: workers import the bot

    schedule_staff_notice(office.slug)
    hours = office.contact.hours
    urgent = f"\nหากเร่งด่วน โทร {office.contact.phone} ได้ค่ะ" if office.contact.phone else ""
    body = (
        "ขอบคุณสำหรับคำถามค่ะ 🙏 ระบบยังตอบเรื่องนี้เองไม่ได้ จึงส่งให้เจ้าหน้าที่แล้ว\n"
        f"เจ้าหน้าที่จะตอบกลับทางแชตนี้ในเวลาทำการ ({hours}){urgent}"
    )
    return [text(body)]
