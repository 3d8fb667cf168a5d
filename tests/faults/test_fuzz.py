"""Scenario 6: webhook bodies generated from LINE's own webhook.yml (hypothesis-jsonschema),
recombined into many bodies, plus malformed JSON, bodies over LINE's 2 MB… and ours, and
wrong signatures, all at the real web process; the workers then handle what was queued.

Promise: the web process never answers 5xx; a bad body gets a clear 4xx; no worker dies;
a job may only fail because LINE refused a request (a made-up user id, say).
This test reads LINE's spec from ../shared/line-openapi/webhook.yml.
"""

from __future__ import annotations

import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from bot.fakeline import sender
from tests.conftest import shared_file
from tests.faults.conftest import record, scale
from tests.faults.harness import OFFICE, SECRET, wait_for

# Discriminated shapes the generator would otherwise only hit by chance.
FORCED = {
    "MessageEvent": {"message": "TextMessageContent", "source": "UserSource"},
    "PostbackEvent": {"source": "UserSource"},
    "FollowEvent": {"source": "UserSource"},
    "JoinEvent": {"source": "GroupSource"},
}


def _event_schemas(spec: dict) -> list[dict]:
    components = spec["components"]
    mapping = components["schemas"]["Event"]["discriminator"]["mapping"]
    schemas = []
    for kind, ref in mapping.items():
        name = ref.rsplit("/", 1)[-1]
        extra: dict = {"type": {"const": kind}}
        for field, shape in FORCED.get(name, {}).items():
            extra[field] = {"$ref": f"#/components/schemas/{shape}"}
        schemas.append({"allOf": [{"$ref": ref}, {"properties": extra}], "components": components})
    return schemas


def generated_events(count: int) -> list[dict]:
    spec = yaml.safe_load(shared_file("line-openapi/webhook.yml").read_text())
    strategy = st.one_of([from_schema(s) for s in _event_schemas(spec)])
    pool: list[dict] = []

    @settings(max_examples=count, phases=[Phase.generate], deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def collect(event):
        pool.append(event)

    collect()
    return pool


def bodies(pool: list[dict], count: int, distinct_ids: int) -> list[bytes]:
    """Bodies of 1–5 generated events, their ids from a bounded set, so the workers get
    a few thousand distinct jobs while the web process reads every body."""
    rng = random.Random(11)
    ids = [sender.new_event_id() for _ in range(distinct_ids)]
    out = []
    for _ in range(count):
        events = [dict(rng.choice(pool)) for _ in range(rng.randint(1, 5))]
        for event in events:
            if rng.random() < 0.9:
                event["webhookEventId"] = rng.choice(ids)
        body = {"destination": "U" + "0" * 32, "events": events}
        out.append(json.dumps(body, ensure_ascii=rng.random() < 0.5).encode())
    return out


_sessions = threading.local()


def _post(url: str, body: bytes, signature: str | None) -> int:
    """As LINE does: over a kept-alive connection, one per sending thread."""
    if not hasattr(_sessions, "session"):
        _sessions.session = requests.Session()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["x-line-signature"] = signature
    return _sessions.session.post(url, data=body, headers=headers, timeout=30).status_code


def test_generated_and_broken_bodies_never_break_the_service(stack_factory):
    pool = generated_events(scale(100, 600))
    stack = stack_factory().start()
    url = f"{stack.base}/line/{OFFICE}/webhook"
    good = bodies(pool, scale(1_500, 30_000), distinct_ids=scale(300, 3_000))
    broken = [
        (b'{"events": [', sender.sign(b'{"events": [', SECRET)),  # cut short
        (b"\xff\xfe not utf-8", sender.sign(b"\xff\xfe not utf-8", SECRET)),
        (b'{"events": {}}', sender.sign(b'{"events": {}}', SECRET)),
        (b'{"events": [1, "x"]}', sender.sign(b'{"events": [1, "x"]}', SECRET)),
        (b"[]", sender.sign(b"[]", SECRET)),
        (good[0], "bm90IHRoZSBzaWduYXR1cmU="),  # wrong signature
        (good[1], None),  # no signature
        (b'{"events": []}' + b" " * (3 * 1024 * 1024), None),  # over LINE's 2 MB
    ]
    stack.worker.stop()  # the web process gets the cores while LINE's side posts; the
    with ThreadPoolExecutor(4) as threads:  # workers then take what was queued
        statuses = list(
            threads.map(lambda b: _post(url, b, sender.sign(b, SECRET)), good, chunksize=50)
        )
        broken_statuses = list(threads.map(lambda pair: _post(url, *pair), broken))
    stack.worker.start()
    since = stack.log_size("worker")
    wait_for(lambda: stack.queued_or_running() == 0, scale(120, 600), "the workers to finish")
    failures = _failure_reasons(stack)
    record(
        "fuzz",
        generated_events=len(pool),
        bodies=len(good),
        answers={str(s): statuses.count(s) for s in sorted(set(statuses))},
        broken_answers=broken_statuses,
        jobs_failed=len(failures),
        worker_deaths=stack.log_count("worker", " is dead", since),
    )
    assert not [s for s in statuses + broken_statuses if s >= 500], "the web process failed"
    assert set(statuses) <= {200, 400}
    assert broken_statuses == [400, 400, 400, 400, 400, 400, 400, 413]
    assert stack.log_count("worker", " is dead", since) == 0, "a worker died"
    assert all("LineRejectedError" in reason for reason in failures), failures[:3]


def _failure_reasons(stack) -> list[str]:
    from rq.job import Job

    from workers.queues import SERIALIZER

    reasons = []
    for job_id in stack.failed_jobs():
        job = Job.fetch(job_id, connection=stack.app_redis, serializer=SERIALIZER)
        reasons.append((job.latest_result().exc_string or "")[-300:])
    return reasons
