"""Running an rq worker for the app (used by `tambon worker` and by the tests)."""

from __future__ import annotations

from flask import Flask
from rq import Worker

# Imported here, in the parent, so each forked job does not import line-bot-sdk anew (~1.5 s).
import workers.events
import workers.maintenance
import workers.qa
import workers.responses
import workers.weekly  # noqa: F401
from bot.connections import connect
from workers.queues import all_queues


def run(app: Flask, *, burst: bool = False, with_scheduler: bool = True) -> None:
    with app.app_context():
        conn = connect(app.config["REDIS_URL"], blocking=True)
        Worker(all_queues(conn), connection=conn).work(burst=burst, with_scheduler=with_scheduler)
