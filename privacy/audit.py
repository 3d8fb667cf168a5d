"""Recording staff access to personal data (PDPA section 39's record of processing), and
reading it back for the office's admins at /admin/audit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot import db
from privacy.models import AuditEntry

SYSTEM = "ระบบ"
ACTIONS = {
    "inbox-view": "เปิดดูกล่องคำถามของประชาชน",
    "inbox-answer": "ตอบคำถามของประชาชน",
    "export": "ส่งออกคำตอบแบบประเมิน",
    "annual-report": "ดาวน์โหลดรายงานประจำปี",
    "erase-at-counter": "ลบข้อมูลของประชาชนตามคำขอที่จุดบริการ",
    "erase-by-citizen": "ประชาชนลบข้อมูลของตนเองทาง LINE",
    "retention": "ลบข้อมูลที่เกินระยะเวลาเก็บรักษา",
}
PER_PAGE = 50


def record(office: str, actor: str, action: str, subject: str = "", detail: str = "") -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with db.transaction() as session:
        session.add(
            AuditEntry(
                office=office,
                at=datetime.now(UTC),
                actor=actor[:80],
                action=action,
                subject=subject[:120],
                detail=detail,
            )
        )


def record_export(office: str, actor: str, name: str, date_from, date_to) -> None:
    """Responses leave the system (their comments are citizens' own words)."""
    period = f"{date_from or 'เริ่มต้น'} ถึง {date_to or 'ปัจจุบัน'}"
    record(office, actor, "export", name, period)


def entries(office: str, page: int = 1) -> tuple[int, list[AuditEntry]]:
    """The total and one page of the office's entries, newest first."""
    session = db.session()
    total = session.scalar(select(func.count()).where(AuditEntry.office == office))
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.office == office)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return int(total or 0), list(rows)
