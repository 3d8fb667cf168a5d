"""The daily retention job (cron): each office's aged personal data removed, and reported."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app

from privacy import retention

log = logging.getLogger(__name__)
CRON = "30 19 * * *"  # 02:30 Asia/Bangkok, when no one is at the counter


def apply_retention() -> dict[str, dict[str, int]]:
    """What was removed, per office (rq keeps it as the job's result)."""
    with current_app.app_context():
        now = datetime.now(UTC)
        removed = {}
        for office in current_app.extensions["tambon.offices"].values():
            removed[office.slug] = retention.apply(office, now)
            log.info("retention for %s removed %s", office.slug, removed[office.slug])
        return removed
