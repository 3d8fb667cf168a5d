"""Q&A tables: handed-off questions and what the bot did with each question it got."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class Question(Base):
    """A citizen's question for staff. `line_user_id` is kept only while the question is open
    (it is needed to push the answer) and is never shown to staff."""

    __tablename__ = "qa_questions"
    __table_args__ = (Index("ix_qa_questions_office_status", "office", "status", "asked_at"),)

    id: Mapped[str] = mapped_column(
        String(80), primary_key=True
    )  # from the LINE event: a replay is one row
    office: Mapped[str] = mapped_column(String(40))
    citizen: Mapped[str] = mapped_column(String(64))  # keyed hash
    line_user_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, answered, undeliverable
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class QaOutcome(Base):
    """What the bot did with one question: answer, suggest, fallback (handed off) or smalltalk."""

    __tablename__ = "qa_outcomes"
    __table_args__ = (Index("ix_qa_outcomes_office_day", "office", "day"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the LINE event id
    office: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))
    entry_id: Mapped[str | None] = mapped_column(String(80), nullable=True)


class KnowledgeAddition(Base):
    """An answer staff chose to add to the office's knowledge base from the inbox."""

    __tablename__ = "qa_knowledge_additions"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # the question's id
    office: Mapped[str] = mapped_column(String(40), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
