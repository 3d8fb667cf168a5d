"""Each office's matcher: its knowledge-base file plus the answers staff added from the inbox.

Built once per process and rebuilt only when the file or the additions change (looked for at
most once a second). The worker supervisor calls refresh() before forking its workers, so
they share the built matchers (a rebuild encodes every phrasing: about a second for the
demo's 58 entries).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from bot import db
from bot.faq.knowledge import Entry, load_knowledge
from bot.faq.matcher import Matcher
from bot.offices import Office
from bot.qa.models import KnowledgeAddition

log = logging.getLogger(__name__)
# A look for changes costs a database query; a question answered a second after staff
# added an answer may still miss it.
CHECK_INTERVAL = 1.0
ADDED_CATEGORY = "เพิ่มจากกล่องคำถาม"


@dataclass(frozen=True)
class _Built:
    version: tuple
    matcher: Matcher
    checked: float  # time.monotonic() of the last look for changes


_built: dict[str, _Built] = {}
_lock = threading.Lock()


def office_matcher(office: Office) -> Matcher | None:
    """The office's matcher, or None when it has no knowledge base and no added answers."""
    built = _built.get(office.slug)
    interval = current_app.config.get("FAQ_CHECK_INTERVAL", CHECK_INTERVAL)
    if built is not None and time.monotonic() - built.checked < interval:
        return built.matcher
    version = _version(office)
    if built is not None and built.version == version:
        _built[office.slug] = replace(built, checked=time.monotonic())
        return built.matcher
    with _lock:
        built = _built.get(office.slug)
        if built is None or built.version != version:
            entries = office_entries(office)
            matcher = Matcher(entries) if entries else None
            built = _Built(version, matcher, time.monotonic())
            _built[office.slug] = built
            log.info("FAQ matcher for %s built: %d entries", office.slug, len(entries))
    return built.matcher


def refresh(offices: dict[str, Office]) -> None:
    """Build what is missing or stale; a broken knowledge base is logged, not fatal here."""
    for office in offices.values():
        try:
            office_matcher(office)
        except Exception:
            log.exception("FAQ matcher for %s could not be built", office.slug)


def office_entries(office: Office) -> dict[str, Entry]:
    entries = dict(load_knowledge(office.knowledge).entries) if office.knowledge else {}
    with db.transaction() as session:
        added = session.scalars(
            select(KnowledgeAddition)
            .where(KnowledgeAddition.office == office.slug)
            .order_by(KnowledgeAddition.created_at, KnowledgeAddition.id)
        ).all()
    for row in added:
        # Stable across rebuilds: postbacks and the statistics name entries by id.
        entry_id = "added-" + hashlib.sha256(row.id.encode()).hexdigest()[:10]
        entries[entry_id] = Entry(
            id=entry_id,
            category=ADDED_CATEGORY,
            question=row.question,
            alternatives=(),
            answer=row.answer,
        )
    return entries


def _version(office: Office) -> tuple:
    stamp = None
    if office.knowledge:
        stat = Path(office.knowledge).stat()
        stamp = (office.knowledge, stat.st_mtime_ns, stat.st_size)
    with db.transaction() as session:
        count, newest = session.execute(
            select(func.count(), func.max(KnowledgeAddition.created_at)).where(
                KnowledgeAddition.office == office.slug
            )
        ).one()
    return stamp, count, str(newest)
