"""The job behind every webhook event: route it, remember the context, send the replies."""

from __future__ import annotations

import logging
from datetime import UTC

from flask import current_app
from rq import get_current_job

from bot.conversation import context as conversation
from bot.conversation.router import route
from bot.events import Incoming, parse_event
from bot.exceptions import LineRejectedError
from bot.line_client import deliver
from privacy.keys import citizen_key, log_ref
from workers.queues import no_more_retries, redis

log = logging.getLogger(__name__)


def _received_ms(event: Incoming) -> int:
    """When the webhook took the event, by our clock. A first delivery comes at once, so its
    reply token's age is measured from there, and a server clock that is off does not make
    every answer a billed push; a redelivery's age is LINE's timestamp."""
    job = get_current_job()
    if event.redelivery or job is None or job.created_at is None:
        return event.timestamp
    return int(job.created_at.replace(tzinfo=UTC).timestamp() * 1000)


def handle_event(office_slug: str, raw_event: dict) -> str:
    """Returns what was done, which rq keeps as the job's result."""
    with current_app.app_context():
        office = current_app.extensions["tambon.offices"].get(office_slug)
        if office is None:
            log.warning("event for unknown office %s dropped", office_slug)
            return "unknown office"
        event = parse_event(raw_event)
        conn = redis()
        citizen = citizen_key(office.slug, event.user_id) if event.user_id else ""
        ctx = conversation.load(conn, office.slug, citizen) if citizen else conversation.Context()
        new_ctx, messages = route(office, ctx, event)
        if messages:
            try:
                deliver(
                    office,
                    conn,
                    event_id=event.event_id,
                    reply_token=event.reply_token,
                    to=event.chat_id,
                    messages=messages,
                    timestamp=_received_ms(event),
                )
            except LineRejectedError:
                no_more_retries()
                raise
        # Saved only after sending: a retried job routes the same event from the same
        # context again, and deliver() skips what already went out.
        if citizen and event.kind == "unfollow":
            conversation.forget(conn, office.slug, citizen)
        elif citizen and event.one_to_one:
            conversation.save(conn, office.slug, citizen, new_ctx)
        if not messages:
            return f"{event.kind}: nothing to send"
        log.info(
            "%s from %s: sent %d message(s)", event.kind, log_ref(event.user_id), len(messages)
        )
        return f"{event.kind}: sent {len(messages)}"
