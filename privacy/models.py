"""The audit log: who among the staff saw or changed personal data, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_office_at", "office", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(80))  # a staff username, or "ระบบ"
    action: Mapped[str] = mapped_column(String(40))  # a key of privacy.audit.ACTIONS
    subject: Mapped[str] = mapped_column(String(120), default="")  # a question id, a file…
    detail: Mapped[str] = mapped_column(Text, default="")
