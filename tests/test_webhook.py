"""The webhook's answers to everything a client may send."""

from __future__ import annotations

import json

import pytest

from bot import create_app
from bot.fakeline.sender import sign, text_event
from tests.conftest import _test_config
from workers.queues import AppQueue

SECRET = "nongbua-secret-0123456789abcdef"
URL = "/line/nongbua/webhook"
CITIZEN = "U" + "3" * 32


def _body(*events: dict) -> bytes:
    return json.dumps({"destination": "U" + "0" * 32, "events": list(events)}).encode()


def _queued(app) -> int:
    return AppQueue("events", connection=app.extensions["tambon.redis"]).count


def _post(client, body: bytes, signature: str | None, header: str = "x-line-signature"):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[header] = signature
    return client.post(URL, data=body, headers=headers)


@pytest.mark.parametrize("header", ["x-line-signature", "X-Line-Signature", "X-LINE-SIGNATURE"])
def test_a_good_signature_is_accepted_whatever_the_header_case(client, app, header):
    body = _body(text_event(CITIZEN, "สวัสดี"))
    answer = _post(client, body, sign(body, SECRET), header)
    assert answer.status_code == 200
    assert _queued(app) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "not base64!",
        sign(b"another body", SECRET),
        sign(b"x", "bankhok-secret-0123456789abcdef"),
    ],
    ids=["missing", "empty", "garbage", "other-body", "other-secret"],
)
def test_a_bad_or_missing_signature_is_refused_and_nothing_is_queued(client, app, signature):
    body = _body(text_event(CITIZEN, "สวัสดี"))
    answer = _post(client, body, signature)
    assert answer.status_code == 400
    assert _queued(app) == 0


def test_the_signature_of_another_office_is_refused(client, app):
    body = _body(text_event(CITIZEN, "สวัสดี"))
    answer = _post(client, body, sign(body, "bankhok-secret-0123456789abcdef"))
    assert answer.status_code == 400


def test_the_signature_is_checked_on_the_exact_bytes(client, app):
    """Re-serialising the JSON (spacing, escapes) would change the bytes LINE signed."""
    body = json.dumps({"destination": "U0", "events": []}, indent=2, ensure_ascii=False).encode()
    assert _post(client, body, sign(body, SECRET)).status_code == 200
    reformatted = json.dumps(json.loads(body)).encode()
    assert _post(client, reformatted, sign(body, SECRET)).status_code == 400


def test_unknown_office_is_404(client):
    body = _body()
    answer = client.post(
        "/line/nowhere/webhook", data=body, headers={"x-line-signature": sign(body, SECRET)}
    )
    assert answer.status_code == 404


def test_a_body_over_1_mb_is_413(client, app):
    body = _body(text_event(CITIZEN, "ก" * 600_000))
    assert len(body) > 1024 * 1024
    assert _post(client, body, sign(body, SECRET)).status_code == 413
    assert _queued(app) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b"null",
        b'{"events": {}}',
        b'{"events": [1, 2]}',
        b'{"destination": "x"}',
        b'{"events": [',
        '{"events": []}'.encode("utf-16"),
        b"\xff\xfe\x00",
    ],
)
def test_signed_but_malformed_bodies_are_400_never_500(client, app, body):
    answer = _post(client, body, sign(body, SECRET))
    assert answer.status_code == 400
    assert _queued(app) == 0


def test_empty_events_is_lines_connection_check(client, app):
    body = _body()
    assert _post(client, body, sign(body, SECRET)).status_code == 200
    assert _queued(app) == 0


def test_events_of_odd_shapes_are_queued_and_handled_without_error(line, app):
    odd = [
        {"type": "message", "webhookEventId": "01ODD1", "timestamp": 1},
        {"type": "message", "message": "text?", "source": "user", "webhookEventId": "01ODD2"},
        {"webhookEventId": "01ODD3"},
        {
            "type": "postback",
            "postback": None,
            "source": {"type": "user", "userId": CITIZEN},
            "webhookEventId": "01ODD4",
            "timestamp": "not a number",
        },
    ]
    assert line.send(odd, fresh_tokens=False).status_code == 200
    line.run_worker()
    from rq.registry import FailedJobRegistry

    failed = FailedJobRegistry(queue=AppQueue("events", connection=app.extensions["tambon.redis"]))
    assert failed.get_job_ids() == []


def test_redis_unreachable_is_503_so_line_redelivers(redis_url, database_url):
    app = create_app(_test_config("redis://127.0.0.1:1/0", database_url))
    body = _body(text_event(CITIZEN, "สวัสดี"))
    answer = _post(app.test_client(), body, sign(body, SECRET))
    assert answer.status_code == 503


def test_the_webhook_needs_no_csrf_token_but_a_signature(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    body = _body(text_event(CITIZEN, "สวัสดี"))
    assert _post(client, body, sign(body, SECRET)).status_code == 200


def test_each_event_is_marked_and_queued_together_once(client, app):
    first, second = text_event(CITIZEN, "หนึ่ง"), text_event(CITIZEN, "สอง")
    no_id = {**text_event(CITIZEN, "ไม่มีรหัส"), "webhookEventId": ""}
    body = _body(first, first, no_id)
    assert _post(client, body, sign(body, SECRET)).status_code == 200
    assert _queued(app) == 2  # the repeated copy is dropped; an event without an id is kept
    body = _body(first, second)
    assert _post(client, body, sign(body, SECRET)).status_code == 200
    assert _queued(app) == 3  # only the new one
    conn = app.extensions["tambon.redis"]
    job = AppQueue("events", connection=conn).fetch_job(f"event-nongbua-{second['webhookEventId']}")
    assert job.func_name == "workers.events.handle_event"
    assert job.args == ["nongbua", second] and job.retries_left == 3  # JSON: a list
    assert conn.hget(job.key, "data").startswith(b"x")  # zlib over JSON, not a pickle
    import zlib

    assert zlib.decompress(conn.hget(job.key, "data")).startswith(b'["workers.events.handle_event"')
    assert CITIZEN not in job.description  # rq logs the description of every job it runs


def test_a_failed_enqueue_leaves_no_seen_mark_so_the_redelivery_is_queued(client, app):
    conn = app.extensions["tambon.redis"]
    event = text_event(CITIZEN, "ลองใหม่")
    conn.set("rq:queue:events", "not a list")  # RPUSH fails inside the script
    body = _body(event)
    assert _post(client, body, sign(body, SECRET)).status_code == 503
    conn.delete("rq:queue:events")
    assert _post(client, body, sign(body, SECRET)).status_code == 200
    assert _queued(app) == 1
