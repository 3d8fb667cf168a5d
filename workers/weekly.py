"""The weekly tally on LINE: cron finds offices that are due, one job per office and week
prepares the report once (stored), then sends it part by part, recording each part.

cron (every 15 min) → enqueue_due_reports → send_weekly_report(office, week)
  → prepare: gather (survey.weekly) → chart → Flex message → weekly_reports row
  → deliver: push to the staff group / multicast to admins, each part recorded once sent
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from flask import current_app
from rq.exceptions import DuplicateJobError

from bot import db
from bot.db import insert_for
from bot.exceptions import LineRejectedError
from bot.limits import MAX_MULTICAST_RECIPIENTS
from bot.line_client import multicast, push, retry_key
from bot.offices import Office
from bot.staff import linking
from survey import weekly
from survey.models import WeeklyReport
from workers.defaults import DEFAULT_QUEUE
from workers.queues import get_queue, no_more_retries, retry_policy

log = logging.getLogger(__name__)
# A failed job leaves the registry after this, so the next cron run may try the week again.
WEEKLY_FAILURE_TTL = 6 * 3600
WEEKLY_JOB_TIMEOUT = 300
CRON = "*/15 * * * *"  # rq cron is UTC; each office's own time is checked in the job


def _offices() -> dict[str, Office]:
    return current_app.extensions["tambon.offices"]


def due_week(office: Office, now: datetime) -> date | None:
    """Last week's Monday once this week's send time has passed, else None."""
    if not office.weekly_report.enabled or now < weekly.send_moment(office, now):
        return None
    return weekly.last_completed_week(now)


def enqueue_due_reports(now: datetime | None = None) -> list[str]:
    """The cron job: queue one send per office that is due and not yet sent."""
    with current_app.app_context():
        now = now or datetime.now(UTC)
        queued = []
        for office in _offices().values():
            monday = due_week(office, now)
            if monday is None:
                continue
            week = weekly.week_label(monday)
            report = db.session().get(WeeklyReport, (office.slug, week))
            if report is not None and report.status in {"sent", "nobody", "failed"}:
                continue
            if enqueue_report(office.slug, week):
                queued.append(f"{office.slug} {week}")
        return queued


def enqueue_report(office: str, week: str) -> bool:
    try:
        get_queue(DEFAULT_QUEUE).enqueue_call(
            "workers.weekly.send_weekly_report",
            args=(office, week),
            job_id=f"weekly-{office}-{week}",
            unique=True,
            retry=retry_policy(),
            timeout=WEEKLY_JOB_TIMEOUT,
            failure_ttl=WEEKLY_FAILURE_TTL,
        )
    except DuplicateJobError:
        return False  # queued already, or ran lately: the job itself never sends twice
    return True


def send_weekly_report(office_slug: str, week: str) -> str:
    """The job. Safe to run any number of times: what LINE accepted is never sent again."""
    with current_app.app_context():
        office = _offices()[office_slug]
        report = prepare(office, weekly.parse_week(week))
        if report.status in {"sent", "nobody"}:
            return f"{office_slug} {week}: {report.status} already"
        return deliver(office, report)


def recipients(office: Office) -> dict:
    """The staff group when there is one, else the admins of offices.yaml; admins who linked
    their LINE account asked for the report, so they get it either way."""
    users = linking.linked_admin_ids(office.slug)
    if not office.staff_group_id:
        users = [*office.admins, *users]
    return {"group": office.staff_group_id, "users": list(dict.fromkeys(users))}


def render(office: Office, monday: date) -> tuple[weekly.WeeklyFigures, bytes, dict]:
    """Figures, chart and message for a week, without storing or sending anything."""
    figures = weekly.gather(db.session(), office, monday)
    png = weekly.chart_png(figures)
    base = current_app.config["PUBLIC_BASE_URL"]
    token = weekly.chart_token(current_app.config["SECRET_KEY"], office.slug, figures.week)
    message = weekly.build_message(
        figures,
        base_url=base,
        chart_url=f"{base}/charts/{token}.png",
        chart_size=weekly.png_size(png),
    )
    return figures, png, message


def prepare(office: Office, monday: date) -> WeeklyReport:
    """The stored report of that week, made now if this is the first run."""
    week = weekly.week_label(monday)
    key = (office.slug, week)
    existing = db.session().get(WeeklyReport, key)
    if existing is not None:
        return existing
    figures, png, message = render(office, monday)
    audience = recipients(office)
    nobody = not audience["group"] and not audience["users"]
    with db.transaction() as session:
        # Two runs may race (cron and the CLI): the first row wins, the other reads it.
        session.execute(
            insert_for(session, WeeklyReport)
            .values(
                office=office.slug,
                week=week,
                status="nobody" if nobody else "sending",
                figures=figures.to_json(),
                message=message,
                chart_png=png,
                recipients=audience,
                delivered=[],
            )
            .on_conflict_do_nothing()
        )
    if nobody:
        log.warning("office %s has no staff group, admins or linked admins for %s", *key)
    db.session().expire_all()
    return db.session().get(WeeklyReport, key)


def _parts(audience: dict) -> list[tuple[str, str | list[str]]]:
    """What is sent, in order, each with a name that is recorded once LINE accepted it."""
    parts: list[tuple[str, str | list[str]]] = []
    if audience["group"]:
        parts.append(("group", audience["group"]))
    users = audience["users"]
    for start in range(0, len(users), MAX_MULTICAST_RECIPIENTS):
        parts.append((f"users:{start}", users[start : start + MAX_MULTICAST_RECIPIENTS]))
    return parts


def deliver(office: Office, report: WeeklyReport) -> str:
    messages = [report.message]
    sent = 0
    for name, to in _parts(report.recipients):
        if name in report.delivered:
            continue
        key = retry_key(office.slug, report.week, name)
        try:
            if isinstance(to, str):
                push(office, to, messages, key, kind="weekly-report")
            else:
                multicast(office, to, messages, key, kind="weekly-report")
        except LineRejectedError as exc:
            _update(report, status="failed", error=str(exc))
            no_more_retries()
            raise
        report = _update(report, delivered=[*report.delivered, name])
        sent += 1
    # Sent: the admins' LINE ids are not needed any more, only how many got it.
    audience = {**report.recipients, "users": [], "user_count": len(report.recipients["users"])}
    _update(report, status="sent", sent_at=datetime.now(UTC), error=None, recipients=audience)
    log.info("weekly report %s %s sent in %d part(s)", office.slug, report.week, sent)
    return f"{office.slug} {report.week}: sent {sent} part(s)"


def _update(report: WeeklyReport, **changes) -> WeeklyReport:
    """Committed at once: a crash after this part must not send it again."""
    with db.transaction() as session:
        row = session.get(WeeklyReport, (report.office, report.week))
        for name, value in changes.items():
            setattr(row, name, value)
    return row
