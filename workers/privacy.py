"""The daily retention job: cron queues one run per office, which removes what is past its
retention (privacy.retention) and reports it in the audit log.

cron (daily) → enqueue_retention → apply_retention(office)
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app
from rq.exceptions import DuplicateJobError

from workers.defaults import DEFAULT_QUEUE, FAILURE_TTL
from workers.queues import get_queue, retry_policy

log = logging.getLogger(__name__)
CRON = "30 19 * * *"  # 02:30 Asia/Bangkok, when no one is at the counter
JOB_TIMEOUT = 30 * 60


def enqueue_retention(now: datetime | None = None) -> list[str]:
    """The cron job: one retention run per office per day (a retried cron queues none more)."""
    with current_app.app_context():
        day = (now or datetime.now(UTC)).date().isoformat()
        queued = []
        for slug in current_app.extensions["tambon.offices"]:
            try:
                get_queue(DEFAULT_QUEUE).enqueue_call(
                    "workers.privacy.apply_retention",
                    args=(slug,),
                    job_id=f"retention-{slug}-{day}",
                    unique=True,
                    retry=retry_policy(),
                    timeout=JOB_TIMEOUT,
                    failure_ttl=FAILURE_TTL,
                )
                queued.append(slug)
            except DuplicateJobError:
                pass
        return queued


def apply_retention(office_slug: str) -> dict[str, int]:
    """What was removed (rq keeps it as the job's result). Safe to rerun after a crash."""
    from privacy import retention

    with current_app.app_context():
        office = current_app.extensions["tambon.offices"][office_slug]
        removed = retention.apply(office, datetime.now(UTC))
        log.info("retention for %s removed %s", office_slug, removed)
        return removed
