"""Survey responses stored through the real store function, as the worker stores them, for
the dashboard, export and report tests."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from bot import db
from survey.definition import load_survey
from survey.store import store_response

SURVEY = load_survey()
SCRIPT = "<script>alert('x')</script> บริการดีมาก"
FORMULA = '=HYPERLINK("http://evil.example","คลิก")'
THAI = "เจ้าหน้าที่พูดจาไพเราะ ยิ้มแย้มแจ่มใส ขอบคุณค่ะ"
COMMENTS = [SCRIPT, FORMULA, THAI, "+66 81 234 5678", "-ที่จอดรถน้อยไป", "@admin ช่วยดูด้วย", None]


def store_sample(app, count: int = 60, *, seed: int = 7, office: str = "nongbua") -> list[dict]:
    """`count` responses over fiscal year 2569 (1 Oct 2025 – 30 Sep 2026), two counters."""
    rng = random.Random(seed)
    start = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)
    payloads = []
    for i in range(count):
        when = start + timedelta(days=rng.randrange(364), minutes=rng.randrange(600))
        counter = rng.choice(["1", "1", "2"])
        payloads.append(
            {
                "response_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "office": office,
                "survey_id": SURVEY.id,
                "version": SURVEY.version,
                "counter": counter,
                "channel": rng.choice(["line", "line", "web"]),
                "respondent": f"hash-of-citizen-{i:04d}",
                "period": f"d{when.date()}|c{counter}",
                "submitted_at": when.isoformat(),
                "answers": {item.id: rng.choice([3, 4, 4, 5, 5, 2]) for item in SURVEY.items()},
                "demographics": {
                    "gender": rng.choice(["male", "female", "unspecified"]),
                    "age_band": rng.choice(["-20", "21-40", "41-60", "61-"]),
                    "occupation": rng.choice(["farmer", "labour", "business", "student"]),
                },
                "comment": COMMENTS[i % len(COMMENTS)],
            }
        )
    with app.app_context(), db.transaction() as session:
        for payload in payloads:
            assert store_response(session, payload, SURVEY) == "stored"
    return payloads
