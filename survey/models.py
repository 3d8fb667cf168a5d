"""Survey tables: versions, responses (anonymous), answers, and the running tallies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base


class SurveyVersion(Base):
    __tablename__ = "survey_versions"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(12), primary_key=True)
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Response(Base):
    """One citizen's finished survey. No LINE id or name: `respondent` is a keyed hash."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint(
            "office", "survey_id", "respondent", "period", name="uq_one_response_per_period"
        ),
        Index("ix_survey_responses_office_day", "office", "survey_id", "day"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    survey_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(12))
    counter: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(10))
    respondent: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(40))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(20), nullable=True)
    age_band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    occupation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    # "burst": sent from a network that sent several others within minutes (web form only).
    flag: Mapped[str | None] = mapped_column(String(20), nullable=True)


class Answer(Base):
    __tablename__ = "survey_answers"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class ItemTally(Base):
    """How many answers gave `value` to an item, per version, day and counter."""

    __tablename__ = "survey_item_tallies"
    # tally() sums count per item and value over a date range: this index covers that query
    # in the order it groups by, so a year is read from the index alone, without a sort.
    __table_args__ = (
        Index(
            "ix_survey_item_tallies_by_item",
            "office",
            "survey_id",
            "item_id",
            "value",
            "day",
            "counter",
            "count",
        ),
    )

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    counter: Mapped[str] = mapped_column(String(20), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ResponseTally(Base):
    """How many responses, per version, day and counter (the n of overall and aspects)."""

    __tablename__ = "survey_response_tallies"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    survey_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(12), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    counter: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class EitDistribution(Base):
    """One time the EIT link was handed to a citizen; `id` makes a replay count once."""

    __tablename__ = "eit_distributions"
    __table_args__ = (Index("ix_eit_distributions_office_day", "office", "day"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    office: Mapped[str] = mapped_column(String(40))
    counter: Mapped[str] = mapped_column(String(20), default="")
    channel: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class WeeklyReport(Base):
    """The weekly tally sent to an office's admins: one row per office and ISO week, written
    before the first send, so a retried or repeated job sends the same message, once."""

    __tablename__ = "weekly_reports"

    office: Mapped[str] = mapped_column(String(40), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)  # ISO week: 2026-W47
    status: Mapped[str] = mapped_column(String(12))  # sending, sent, failed, nobody
    figures: Mapped[dict] = mapped_column(JSON)
    message: Mapped[dict] = mapped_column(JSON)
    chart_png: Mapped[bytes] = mapped_column(LargeBinary)
    recipients: Mapped[dict] = mapped_column(JSON)  # {"group": id | None, "users": [ids]}
    delivered: Mapped[list] = mapped_column(JSON)  # parts already accepted by LINE
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
