"""The baseline for bench/webhook.py: Flask under the same gunicorn, doing nothing but 200.

Same route and same JSON answer as the real webhook, so the difference measured is only the
webhook's own work (signature check, parsing, queueing, its log line).
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.post("/line/<office_slug>/webhook")
def receive(office_slug: str) -> tuple[dict, int]:
    return {"message": "ok"}, 200


@app.get("/healthz")
def healthz() -> tuple[dict, int]:
    return {"status": "ok"}, 200
