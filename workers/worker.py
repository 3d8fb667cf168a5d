"""Running an rq worker for the app (used by `tambon worker` and by the tests)."""

from __future__ import annotations

from flask import Flask, current_app
from rq import Worker

# Imported here, in the parent, so each forked job does not import line-bot-sdk anew (~1.5 s).
import workers.events
import workers.maintenance
import workers.qa
import workers.responses
import workers.weekly
from bot.connections import connect
from bot.faq.office import refresh as refresh_matchers
from workers.queues import all_queues

EVENT_JOB = f"{workers.events.handle_event.__module__}.{workers.events.handle_event.__name__}"


class AppWorker(Worker):
    """rq's forking worker, with the FAQ matchers built in the parent before each job.

    A matcher built inside a job would vanish with the job's forked process; built here,
    every job inherits it (and a stale one is rebuilt once, not once per job).
    """

    def execute_job(self, job, queue):
        if job.func_name == EVENT_JOB:  # only conversations ask the knowledge base
            refresh_matchers(current_app.extensions["tambon.offices"])
        return super().execute_job(job, queue)


def run(app: Flask, *, burst: bool = False, with_scheduler: bool = True) -> None:
    with app.app_context():
        conn = connect(app.config["REDIS_URL"], blocking=True)
        refresh_matchers(app.extensions["tambon.offices"])  # the first question waits no more
        worker = AppWorker(all_queues(conn), connection=conn)
        worker.work(burst=burst, with_scheduler=with_scheduler)
