"""Tables of the LINE side: staff accounts and the LINE accounts admins linked to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base

ROLES = ("admin", "staff")


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (UniqueConstraint("username", name="uq_staff_users_username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    username: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    # Raised at logout: a session cookie of an older generation no longer opens any page.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AdminLineLink(Base):
    """An admin's own LINE account, linked by a one-time code so the bot can push the weekly
    report to them. The raw id is kept on purpose (a push needs it): staff data, consented."""

    __tablename__ = "admin_line_links"
    __table_args__ = (UniqueConstraint("office", "line_user_id", name="uq_admin_line_links_user"),)

    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    office: Mapped[str] = mapped_column(String(40), index=True)
    line_user_id: Mapped[str] = mapped_column(String(40))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
