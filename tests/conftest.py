"""Fixtures: a real Redis (embedded unless REDIS_URL), a real database (SQLite unless
DATABASE_URL), the app, and a live HTTP server hosting the fake LINE platform."""

from __future__ import annotations

import os
import re
import sys
import threading
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from werkzeug.serving import make_server

import bot.qa.models  # noqa: F401  (so drop_all knows every table)
import privacy.models  # noqa: F401
import survey.models  # noqa: F401
from bot import create_app
from bot.connections import embedded_redis_url, stop_embedded
from bot.db import Base, engine, make_engine
from bot.fakeline import sender
from bot.fakeline.state import FakeLineState
from bot.migrate import upgrade
from bot.staff.auth import create_user
from workers.worker import run as run_worker

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TEST_OFFICES = Path(__file__).resolve().parent / "data" / "offices.yaml"
UNDER_CI = os.environ.get("CI") == "true"


def shared_file(relative: str) -> Path:
    """A file of ../shared (read-only project material). Where it is absent the test is
    skipped, saying so, except under CI, where it must be there."""
    path = SHARED / relative
    if not path.exists():
        if UNDER_CI:
            pytest.fail(f"../shared/{relative} is missing under CI")
        pytest.skip(f"../shared/{relative} is absent: this test reads LINE's own material there")
    return path


def line_contract():
    """LINE's OpenAPI contract checker from ../shared/tools, or None where it is absent."""
    path = SHARED / "tools" / "line_contract.py"
    if not path.exists():
        if UNDER_CI:
            pytest.fail("../shared/tools/line_contract.py is missing under CI")
        return None
    sys.path.insert(0, str(path.parent))
    import line_contract as contract

    return contract


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    yield embedded_redis_url(tmp_path_factory.mktemp("redis"))
    stop_embedded()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db')}/t.sqlite3"
    if not url.startswith("sqlite"):
        fresh = make_engine(url)  # a shared server: start from an empty schema
        with fresh.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        fresh.dispose()
    upgrade(url)
    return url


def _test_config(redis_url: str, database_url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "TAMBON_ENV": "test",
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TAMBON_OFFICES": str(TEST_OFFICES),
        "FAKE_LINE": True,
        "LINE_API_BASE_URL": "http://127.0.0.1:9/_fakeline",
        "LINE_DATA_API_BASE_URL": "http://127.0.0.1:9/_fakeline",
        "PUBLIC_BASE_URL": "http://localhost",
        "RETRY_INTERVALS": [0, 0, 0],  # retries at once, so a burst worker runs them
        "EVENT_RETRY_INTERVALS": [0, 0, 0],
        "QA_NOTIFY_DELAY": 0,
        "FAQ_CHECK_INTERVAL": 0,  # staff additions are seen by the very next question
        **extra,
    }


@pytest.fixture
def app(redis_url, database_url):
    app = create_app(_test_config(redis_url, database_url))
    app.extensions["tambon.redis"].flushdb()
    with app.app_context(), engine().begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    yield app
    with app.app_context():
        engine().dispose()


STAFF_PASSWORD = "correct horse battery"


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form on `path` (tokens change at login: fetch after it)."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(app, client, username: str, office: str = "nongbua", role: str = "staff"):
    with app.app_context():
        create_user(office, username, STAFF_PASSWORD, role)
    token = csrf_token(client, "/admin/login")
    data = {"username": username, "password": STAFF_PASSWORD, "csrf_token": token}
    assert client.post("/admin/login", data=data).status_code == 302
    return client


@pytest.fixture
def staff_client(app, client):
    """A test client logged in as malee, staff of nongbua."""
    return log_in(app, client, "malee")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app, monkeypatch):
    """Runs `tambon` subcommands against the test database, Redis and offices."""
    for key in ("DATABASE_URL", "REDIS_URL", "TAMBON_OFFICES", "SECRET_KEY", "TAMBON_ENV"):
        monkeypatch.setenv(key, str(app.config[key]))
    return CliRunner()


class LinePlatform:
    """The fake LINE platform, live over HTTP, and LINE's side of the webhook."""

    def __init__(self, app, base_url: str):
        self.app = app
        self.base_url = base_url
        self.fake = FakeLineState(app.extensions["tambon.redis"])

    def office(self, slug: str = "nongbua"):
        return self.app.extensions["tambon.offices"][slug]

    def send(self, events: list[dict], office: str = "nongbua", *, fresh_tokens: bool = True):
        """Post events to the bot's webhook as LINE would (signed; live reply tokens)."""
        if fresh_tokens:
            events = [sender.as_line_sends(e, office, self.fake) for e in events]
        secret = self.office(office).line.channel_secret
        return sender.post_events(f"{self.base_url}/line/{office}/webhook", secret, events)

    def run_worker(self) -> None:
        """A real rq worker (the production class, in this process) until the queues are empty."""
        run_worker(self.app, burst=True)

    def calls(self, operation: str | None = None, *, accepted: bool | None = True) -> list[dict]:
        return self.fake.calls(operation, accepted=accepted)

    def texts_to(self, chat_id: str, office: str = "nongbua") -> list[str]:
        return [
            m.get("text", "")
            for entry in self.fake.chat(office, chat_id)
            for m in entry["messages"]
        ]

    def contract_problems(self) -> list[str] | None:
        contract = line_contract()
        if contract is None:
            return None
        problems = []
        for call in self.calls(accepted=True):
            if call["body"] is not None:
                found = contract.validate(call["method"], call["path"], call["body"])
                problems += [f"{call['method']} {call['path']}: {p}" for p in found]
        return problems


@pytest.fixture
def line(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["LINE_API_BASE_URL"] = f"{base}/_fakeline"
    app.config["LINE_DATA_API_BASE_URL"] = f"{base}/_fakeline"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    platform = LinePlatform(app, base)
    yield platform
    server.shutdown()
    thread.join()
    # Every request the fake accepted must also pass LINE's own OpenAPI contract.
    problems = platform.contract_problems()
    if problems is None:
        warnings.warn(
            "../shared is absent: recorded requests not checked against LINE's spec", stacklevel=1
        )
    else:
        assert problems == [], "requests LINE's spec would refuse:\n" + "\n".join(problems)
