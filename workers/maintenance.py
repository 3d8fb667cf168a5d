"""Small scheduled jobs that keep the service observable."""

from __future__ import annotations

import time

from flask import current_app

from workers.queues import redis

CRON_HEARTBEAT_KEY = "tambon:cron:last-run"


def heartbeat() -> float:
    """Proves that cron enqueues and a worker runs: /healthz reports the time."""
    with current_app.app_context():
        now = time.time()
        redis().set(CRON_HEARTBEAT_KEY, now)
        return now
