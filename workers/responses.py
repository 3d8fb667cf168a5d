"""Finished survey responses: queued with a unique id, stored once with their tallies."""

from __future__ import annotations

import logging

from flask import current_app

from bot import db
from survey.definition import Survey, parse_survey, survey_for_office
from survey.models import SurveyVersion
from survey.store import InvalidResponse, register_version, store_response
from workers.defaults import FAILURE_TTL, FINISHED_TTL, RESPONSES_QUEUE
from workers.queues import get_queue, no_more_retries, retry_policy

log = logging.getLogger(__name__)


def enqueue_response(payload: dict) -> None:
    """Queue a finished response. Enqueuing the same response id twice stores it once."""
    get_queue(RESPONSES_QUEUE).enqueue_call(
        "workers.responses.store",
        args=(payload,),
        job_id=f"response-{payload['response_id']}",
        description=f"survey response {payload['response_id']}",  # not the comment (logged)
        failure_ttl=FAILURE_TTL,
        result_ttl=FINISHED_TTL,  # stored, the job (a keyed hash, a comment) soon goes
        retry=retry_policy(),
    )


def _survey(session, office, payload: dict) -> Survey:
    current = survey_for_office(office)
    if payload.get("version") == current.version:
        return current
    stored = session.get(SurveyVersion, (office.slug, current.id, payload.get("version")))
    if stored is None:
        raise InvalidResponse(f"unknown survey version {payload.get('version')!r}")
    return parse_survey(stored.definition)


def store(payload: dict) -> str:
    with current_app.app_context():
        office = current_app.extensions["tambon.offices"].get(payload.get("office", ""))
        if office is None:
            no_more_retries()
            raise InvalidResponse(f"unknown office {payload.get('office')!r}")
        try:
            with db.transaction() as session:
                survey = _survey(session, office, payload)
                if survey is survey_for_office(office):
                    register_version(session, office.slug, survey)  # the web may have failed to
                outcome = store_response(session, payload, survey)
        except InvalidResponse:
            no_more_retries()
            raise
        log.info("response %s for %s: %s", payload["response_id"], office.slug, outcome)
        return outcome
