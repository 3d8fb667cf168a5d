"""Survey responses: how fast one rq worker stores them, and how fast a year's tally is.

    .venv/bin/python bench/survey_bench.py [--part store|tally|both] [--rounds 3] [--jobs 2000]
        [--responses 1000000] [--database-url postgresql://…] [--redis-url redis://…/15]

1. Store throughput. One real rq worker (workers.worker.run: the AppWorker, as in
   production) drains N no-op jobs, then N distinct valid responses queued with
   enqueue_response, in rounds that alternate which kind goes first; medians are reported.
   Aim: responses are stored (with their tallies) at least half as fast as no-ops run.
   Checked: no job failed, and the tally's n equals the number of responses stored.
2. Tally time. 1,000,000 responses over fiscal year 2569 are bulk-inserted (not through the
   worker) with tallies consistent with them; tally() is timed for the whole year, one
   counter and one month. Aim: under 100 ms.

Defaults: SQLite and embedded Redis in a temp dir, removed at the end. With --database-url
(PostgreSQL) each part gets a scratch database `tambon_bench` on that server, dropped after
it. With --redis-url the Redis database must be empty; its rq keys are deleted at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ comes first on sys.path and this file would shadow the `survey`
# package. The repo root first fixes that, and lets the worker import bench.survey_bench.noop.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import importlib
import logging
import os
import random
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any

import redis
from flask import Flask
from rq.registry import FailedJobRegistry
from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import create_app
from bot.connections import connect, embedded_redis_url, stop_embedded
from bot.db import make_engine, normalise_url
from bot.migrate import upgrade
from survey.definition import DEMOGRAPHICS, Survey, survey_for_office
from survey.models import ItemTally, Response, ResponseTally
from survey.store import BANGKOK, period_key, register_version
from survey.tally import Filters, tally
from workers.defaults import RESPONSES_QUEUE
from workers.queues import get_queue
from workers.responses import enqueue_response
from workers.worker import run as run_worker

ROOT = Path(__file__).resolve().parent.parent
OFFICES = ROOT / "offices.yaml"
OFFICE = "demo"  # three counters
NOOP = "bench.survey_bench.noop"
SCRATCH_DB = "tambon_bench"
WARMUP_JOBS = 100
TARGET_RATIO = 0.5
TARGET_MS = 100.0
TALLY_RUNS = 7
BATCH = 10_000
PROGRESS_EVERY = 100_000

FY_START, FY_END = date(2025, 10, 1), date(2026, 9, 30)  # fiscal year 2569: 365 days
MONTH = (date(2026, 3, 1), date(2026, 3, 31))
COUNTERS = ("1", "2", "3")
COUNTER_WEIGHTS = (5, 3, 2)
VALUES = (1, 2, 3, 4, 5)
# A citizen's mood sets how all their answers lean: cumulative weights of 1..5.
MOODS = (
    (1, 3, 10, 45, 100),  # pleased (most)
    (3, 10, 40, 80, 100),  # so-so
    (15, 40, 75, 95, 100),  # displeased
)
MOOD_WEIGHTS = (6, 3, 1)
COMMENTS = ("ที่จอดรถไม่พอค่ะ", "เจ้าหน้าที่บริการดีมากครับ", "รอคิวนานไปหน่อย", "ขอบคุณค่ะ")


class BenchError(Exception):
    pass


def noop() -> None:
    """The baseline job: rq's own cost per job (dequeue, fork, result) and nothing else."""


# --- fake responses ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fake:
    id: str
    respondent: str
    day: date
    counter: str
    channel: str
    submitted_at: datetime  # UTC, in office hours in Bangkok
    values: list[int]
    demographics: dict[str, str]
    comment: str | None


def _cumulative(weights: tuple[float, ...] | list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class Citizens:
    """Responses spread over the fiscal year: fewer at weekends, counter 1 the busiest."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.days = [FY_START + timedelta(days=d) for d in range((FY_END - FY_START).days + 1)]
        self.day_cw = _cumulative([1.0 if d.weekday() < 5 else 0.1 for d in self.days])
        # 08:30 in Bangkok of each day, in UTC; a response comes some time in the next 8 h.
        self.opening = {
            d: datetime.combine(d, clock(8, 30), BANGKOK).astimezone(UTC) for d in self.days
        }
        self.options = [(key, list(options)) for key, (_, options) in DEMOGRAPHICS.items()]

    def batch(self, count: int, items: int) -> list[Fake]:
        """`count` responses; what can be drawn for the whole batch at once is."""
        rng = self.rng
        days = rng.choices(self.days, cum_weights=self.day_cw, k=count)
        counters = rng.choices(COUNTERS, cum_weights=_cumulative(COUNTER_WEIGHTS), k=count)
        moods = rng.choices(MOODS, cum_weights=_cumulative(MOOD_WEIGHTS), k=count)
        return [
            Fake(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                respondent=rng.randbytes(32).hex(),  # a keyed hash in the service
                day=day,
                counter=counter,
                channel="line" if rng.random() < 0.8 else "web",
                submitted_at=self.opening[day] + timedelta(seconds=int(rng.random() * 28800)),
                values=rng.choices(VALUES, cum_weights=mood, k=items),
                demographics=self.demographics(),
                comment=rng.choice(COMMENTS) if rng.random() < 0.03 else None,
            )
            for day, counter, mood in zip(days, counters, moods, strict=True)
        ]

    def demographics(self) -> dict[str, str]:
        if self.rng.random() < 0.3:  # skipped by some
            return {}
        return {key: self.rng.choice(options) for key, options in self.options}


def payload(fake: Fake, survey: Survey) -> dict:
    """What survey.service.submit queues for a finished response."""
    return {
        "response_id": fake.id,
        "office": OFFICE,
        "survey_id": survey.id,
        "version": survey.version,
        "counter": fake.counter,
        "channel": fake.channel,
        "respondent": fake.respondent,
        "period": period_key("day", fake.submitted_at, fake.counter, True),
        "submitted_at": fake.submitted_at.isoformat(),
        "answers": dict(zip((i.id for i in survey.items()), fake.values, strict=True)),
        "demographics": fake.demographics,
        "comment": fake.comment,
    }


# --- part 1: store throughput against no-ops ----------------------------------------------


@dataclass
class Drain:
    jobs: int
    seconds: float
    cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.jobs / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.jobs * 1000


def _proc_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now(redis_pid: int | None) -> float:
    """CPU of this process, of the job processes it forked and waited for, and of redis."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + _proc_cpu(redis_pid)


def drain(app: Flask, jobs: int, redis_pid: int | None) -> Drain:
    queue = get_queue(RESPONSES_QUEUE, app.extensions["tambon.redis"])
    if queue.count != jobs:
        raise BenchError(f"expected {jobs} queued jobs, found {queue.count}")
    cpu, began = cpu_now(redis_pid), time.perf_counter()
    try:
        run_worker(app, burst=True)
    finally:
        install_signal_handlers()  # rq's worker replaced them with its own
    drained = Drain(jobs, time.perf_counter() - began, cpu_now(redis_pid) - cpu)
    failed = FailedJobRegistry(queue=queue).count
    if queue.count or failed:
        raise BenchError(f"worker stopped with {queue.count} jobs queued, {failed} failed")
    return drained


def enqueue_noops(app: Flask, count: int) -> None:
    queue = get_queue(RESPONSES_QUEUE, app.extensions["tambon.redis"])
    for _ in range(count):
        queue.enqueue_call(NOOP)


def enqueue_responses(app: Flask, payloads: list[dict]) -> None:
    with app.app_context():
        for p in payloads:
            enqueue_response(p)


def bench_app(database_url: str, redis_url: str) -> Flask:
    return create_app(
        {
            "TAMBON_ENV": "test",
            "SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "TAMBON_OFFICES": str(OFFICES),
            "FAKE_LINE": False,
        }
    )


@dataclass
class StoreRig:
    app: Flask
    survey: Survey
    citizens: Citizens
    redis_pid: int | None

    def noops(self, count: int) -> Drain:
        enqueue_noops(self.app, count)
        return drain(self.app, count, self.redis_pid)

    def stores(self, count: int) -> Drain:
        # Made just before they are queued, and dropped: the worker forks this process for
        # each job, and a bigger heap here would make every job dearer than in production.
        fakes = self.citizens.batch(count, len(self.survey.items()))
        enqueue_responses(self.app, [payload(fake, self.survey) for fake in fakes])
        del fakes
        return drain(self.app, count, self.redis_pid)

    def round(self, count: int, noop_first: bool) -> tuple[Drain, Drain]:
        if noop_first:
            baseline = self.noops(count)
            return baseline, self.stores(count)
        stored = self.stores(count)
        return self.noops(count), stored


def _line(d: Drain) -> str:
    return f"{d.rate:6.1f} jobs/s ({d.jobs / d.rate:5.1f} s, cpu {d.cpu_ms:5.2f} ms/job)"


def check_store(app: Flask, survey: Survey, stored: int) -> bool:
    with app.app_context(), app.extensions["tambon.db"]() as session:
        rows = session.scalar(select(func.count()).select_from(Response))
        n = tally(session, Filters(OFFICE, survey.id), survey)["overall"]["n"]
    ok = rows == n == stored
    print(
        f"checks   {stored} responses queued | {rows} rows in survey_responses | tally n {n}"
        f" | no job failed -> {'ok' if ok else 'FAILED'}"
    )
    return ok


def store_part(args: argparse.Namespace, res: Resources) -> bool:
    url = res.database("store")
    if url.startswith("sqlite") and not args.no_holder:
        res.hold_open(url)
    app = bench_app(url, res.redis_url)
    res.stack.callback(app.extensions["tambon.db"].kw["bind"].dispose)
    survey = survey_for_office(app.extensions["tambon.offices"][OFFICE])
    rig = StoreRig(app, survey, Citizens(seed=1), res.redis_pid)
    rig.round(WARMUP_JOBS, noop_first=True)  # not reported
    print(
        f"store bench: {os.cpu_count()} cores, {res.describe()}, one forking rq worker,"
        f" {args.rounds} rounds x {args.jobs} no-op jobs and {args.jobs} responses"
    )
    noops, stores = [], []
    for i in range(1, args.rounds + 1):
        baseline, stored = rig.round(args.jobs, noop_first=i % 2 == 1)
        noops.append(baseline)
        stores.append(stored)
        ratio = stored.rate / baseline.rate
        print(f"round {i}  no-op {_line(baseline)} | store {_line(stored)} | ratio {ratio:.2f}")
    redis_note = "embedded redis-server" if res.redis_pid else "not the Redis server"
    report_store(noops, stores, f"worker + its forked jobs + {redis_note}; not the database")
    if url.startswith("sqlite"):
        wal = Path(url.removeprefix("sqlite:///") + "-wal")
        size = wal.stat().st_size / 1e6 if wal.exists() else 0.0
        print(f"sqlite   WAL file {size:.1f} MB at the end ({res.holder_note(args)})")
    return check_store(app, survey, WARMUP_JOBS + args.rounds * args.jobs)


def report_store(noops: list[Drain], stores: list[Drain], cpu_note: str) -> None:
    noop = statistics.median(d.rate for d in noops)
    store = statistics.median(d.rate for d in stores)
    ratio = store / noop
    cpu_noop = statistics.median(d.cpu_ms for d in noops)
    cpu_store = statistics.median(d.cpu_ms for d in stores)
    verdict = "meets the aim" if ratio >= TARGET_RATIO else "BELOW the aim"
    print(
        f"median   no-op {noop:.1f} jobs/s | store {store:.1f} jobs/s | ratio {ratio:.2f}"
        f" (aim >= {TARGET_RATIO}): {verdict}"
    )
    print(f"cpu      no-op {cpu_noop:.2f} ms/job | store {cpu_store:.2f} ms/job ({cpu_note})")


# --- part 2: tally over a year of responses ------------------------------------------------


@dataclass
class Filled:
    responses: int
    per_day_counter: Counter  # (day, counter) -> responses
    overall: Counter  # value -> answers
    seconds: float

    def n(self, date_from: date, date_to: date, counter: str | None = None) -> int:
        return sum(
            c
            for (d, k), c in self.per_day_counter.items()
            if date_from <= d <= date_to and counter in (None, k)
        )


def response_row(fake: Fake, survey_id: str, version: str) -> dict:
    return {
        "id": fake.id,
        "office": OFFICE,
        "survey_id": survey_id,
        "version": version,
        "counter": fake.counter,
        "channel": fake.channel,
        "respondent": fake.respondent,
        "period": f"d{fake.day.isoformat()}|c{fake.counter}",  # period_key('day', …)
        "submitted_at": fake.submitted_at,
        "day": fake.day,
        "comment": fake.comment,
        **{key: fake.demographics.get(key) for key in DEMOGRAPHICS},
    }


def fill(factory: sessionmaker, survey: Survey, total: int) -> Filled:
    """Bulk-insert `total` responses in batches, counting their tallies on the way."""
    citizens, items = Citizens(seed=2), [i.id for i in survey.items()]
    version = survey.version  # a hash of the definition, computed on each access
    per_day_counter: Counter = Counter()
    per_item: Counter = Counter()
    began = time.perf_counter()
    with factory.begin() as session:
        register_version(session, OFFICE, survey)
    for start in range(0, total, BATCH):
        rows = []
        for fake in citizens.batch(min(BATCH, total - start), len(items)):
            rows.append(response_row(fake, survey.id, version))
            per_day_counter[fake.day, fake.counter] += 1
            per_item.update(
                (fake.day, fake.counter, item, v)
                for item, v in zip(items, fake.values, strict=True)
            )
        with factory.begin() as session:
            insert_rows(session, Response, rows)
        done = start + len(rows)
        if done % PROGRESS_EVERY == 0 or done == total:
            print(
                f"  filled {done:>9,} / {total:,} responses ({time.perf_counter() - began:.0f} s)"
            )
    write_tallies(factory, survey, per_day_counter, per_item)
    overall: Counter = Counter()
    for (*_, value), count in per_item.items():
        overall[value] += count
    return Filled(total, per_day_counter, overall, time.perf_counter() - began)


def write_tallies(
    factory: sessionmaker, survey: Survey, per_day_counter: Counter, per_item: Counter
) -> None:
    key = {"office": OFFICE, "survey_id": survey.id, "version": survey.version}
    responses = [
        {**key, "day": d, "counter": k, "count": c} for (d, k), c in per_day_counter.items()
    ]
    items = [
        {**key, "day": d, "counter": k, "item_id": i, "value": v, "count": c}
        for (d, k, i, v), c in per_item.items()
    ]
    with factory.begin() as session:
        insert_rows(session, ResponseTally, responses)
        for start in range(0, len(items), BATCH):
            insert_rows(session, ItemTally, items[start : start + BATCH])


def insert_rows(session: Session, model: type, rows: list[dict]) -> None:
    """executemany on SQLite; COPY on PostgreSQL, where executemany is ~10x slower."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return
    columns = list(rows[0])
    statement = f"COPY {model.__tablename__} ({', '.join(columns)}) FROM STDIN"
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def time_tally(factory: sessionmaker, survey: Survey, filters: Filters) -> tuple[list[float], dict]:
    """TALLY_RUNS calls, each in a fresh session as a request gets; the first is counted."""
    times, figures = [], {}
    for _ in range(TALLY_RUNS):
        with factory() as session:
            began = time.perf_counter()
            figures = tally(session, filters, survey)
            times.append((time.perf_counter() - began) * 1000)
    return times, figures


def table_rows(factory: sessionmaker) -> dict[str, int]:
    with factory() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Response, ResponseTally, ItemTally)
        }


def scenarios(survey: Survey) -> list[tuple[str, Filters]]:
    return [
        ("whole year 2569", Filters(OFFICE, survey.id, FY_START, FY_END)),
        ("counter 2, year", Filters(OFFICE, survey.id, FY_START, FY_END, counter="2")),
        (f"month {MONTH[0]:%Y-%m}", Filters(OFFICE, survey.id, *MONTH)),
    ]


def run_scenario(
    factory: sessionmaker, survey: Survey, name: str, filters: Filters, filled: Filled
) -> bool:
    times, figures = time_tally(factory, survey, filters)
    expected = filled.n(filters.date_from, filters.date_to, filters.counter)
    n, median = figures["overall"]["n"], statistics.median(times)
    verdict = "under" if median < TARGET_MS else "OVER"
    print(
        f"  {name:<16} n {n:>9,}  median {median:6.1f} ms  max {max(times):6.1f} ms"
        f"  ({TALLY_RUNS} runs, the first one cold): {verdict} {TARGET_MS:.0f} ms"
    )
    if n != expected:
        print(f"  {name}: n {n} but {expected} responses were inserted for it")
    return n == expected


def tally_part(args: argparse.Namespace, res: Resources) -> bool:
    url = res.database("tally")
    survey = survey_for_office(_offices()[OFFICE])
    print(
        f"tally bench: {res.describe(redis=False)}, {args.responses:,} responses over fiscal"
        f" year 2569, {len(COUNTERS)} counters, {len(survey.items())} items, values 1-5"
    )
    print(
        "  bulk inserts of 10,000 rows (COPY on PostgreSQL), not through the worker;"
        " survey_answers left empty"
        " (tally() reads only the tallies)"
    )
    filled = fill_database(url, survey, args.responses)
    engine = make_engine(url)  # a fresh engine, as the app makes: nothing cached by the fill
    res.stack.callback(engine.dispose)
    factory = sessionmaker(engine, expire_on_commit=False)
    rows = table_rows(factory)
    print(
        f"  filled in {filled.seconds:.0f} s: " + ", ".join(f"{t} {c:,}" for t, c in rows.items())
    )
    ok = rows[Response.__tablename__] == filled.responses
    for name, filters in scenarios(survey):
        ok &= run_scenario(factory, survey, name, filters, filled)
    ok &= check_overall(factory, survey, filled)
    print(f"checks   {'ok' if ok else 'FAILED'} (rows and each n equal the responses inserted)")
    return ok


def fill_database(url: str, survey: Survey, total: int) -> Filled:
    """The fill gets its own engine; on SQLite with a larger page cache, for speed only."""
    engine = make_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _big_cache)
        filled = fill(sessionmaker(engine), survey, total)
        if engine.dialect.name == "postgresql":  # as autovacuum would do soon after the load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        return filled
    finally:
        engine.dispose()


def _big_cache(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA cache_size = -262144")  # 256 MiB


def check_overall(factory: sessionmaker, survey: Survey, filled: Filled) -> bool:
    with factory() as session:
        counts = tally(session, scenarios(survey)[0][1], survey)["overall"]["counts"]
    return {int(v): c for v, c in counts.items()} == {v: filled.overall[v] for v in VALUES}


def _offices() -> dict:
    from bot.offices import load_offices

    return load_offices(str(OFFICES))


# --- resources ------------------------------------------------------------------------------


@dataclass
class Resources:
    """The temp dir, Redis and databases of one run; all undone by `stack` at the end."""

    stack: ExitStack
    var_dir: Path
    database_url: str | None  # a PostgreSQL server, or None for SQLite files in var_dir
    redis_url: str = ""
    redis_pid: int | None = None

    def database(self, part: str) -> str:
        if self.database_url is None:
            url = f"sqlite:///{self.var_dir / part}.sqlite3"
        else:
            url = self.stack.enter_context(scratch_postgres(self.database_url))
        upgrade(url)
        return url

    def hold_open(self, url: str) -> None:
        """Keep the SQLite file open in another process, as gunicorn's workers do.

        Each forked job exits without closing its connection. With nobody else holding the
        file, the next job's connection rebuilds the WAL index from the whole WAL, forgets
        what was checkpointed, and the WAL is never restarted: it grows, and so does the
        cost of every job (run with --no-holder to see it)."""
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, url.removeprefix("sqlite:///")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.stack.callback(_stop_holder, proc)
        if proc.stdout is None or proc.stdout.readline().strip() != b"open":
            raise BenchError("the process holding the SQLite file open did not start")

    def holder_note(self, args: argparse.Namespace) -> str:
        if args.no_holder:
            return "--no-holder: no other process had the file open"
        return "another process held the file open, as the web process does"

    def describe(self, *, redis: bool = True) -> str:
        database = "PostgreSQL" if self.database_url else "SQLite (WAL)"
        if not redis:
            return database
        return f"{database} + {'embedded Redis' if self.redis_pid else 'Redis ' + self.redis_url}"


HOLDER = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " c.execute('SELECT count(*) FROM sqlite_master').fetchall(); print('open', flush=True);"
    " sys.stdin.read()"
)


def _stop_holder(proc: subprocess.Popen) -> None:
    if proc.stdin:
        proc.stdin.close()  # it reads stdin to the end, then exits
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A new database on the server, dropped afterwards; an existing one is never touched."""
    admin = create_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": SCRATCH_DB}
            )
            if found:
                raise BenchError(f"database {SCRATCH_DB} exists already: drop it or keep it")
            conn.execute(text(f"CREATE DATABASE {SCRATCH_DB}"))
        try:
            url = make_url(normalise_url(server_url)).set(database=SCRATCH_DB)
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))
    finally:
        admin.dispose()


def start_redis(res: Resources, url: str | None) -> None:
    if url is None:
        res.stack.callback(stop_embedded)
        res.redis_url = embedded_redis_url(res.var_dir / "redis")
        res.redis_pid = int(connect(res.redis_url).info("server")["process_id"])
        return
    conn = connect(url)
    if conn.dbsize():
        raise BenchError(f"{url} holds keys: give an empty Redis database, e.g. …:6379/15")
    res.redis_url = url
    res.stack.callback(delete_rq_keys, conn)


def delete_rq_keys(conn: redis.Redis) -> None:
    """The database was empty at the start: every rq key in it is the bench's."""
    keys = list(conn.scan_iter(match="rq:*", count=1000))
    for start in range(0, len(keys), 1000):
        conn.delete(*keys[start : start + 1000])


def log_to_file(var_dir: Path, stack: ExitStack) -> None:
    """The worker logs a few lines per job, as in production, but into a file."""
    handler = logging.FileHandler(var_dir / "worker.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    stack.callback(handler.close)
    stack.callback(root.removeHandler, handler)


# --- the run --------------------------------------------------------------------------------


def bench(args: argparse.Namespace, stack: ExitStack) -> bool:
    var_dir = Path(tempfile.mkdtemp(prefix="tambon-bench-survey-"))
    stack.callback(shutil.rmtree, var_dir, ignore_errors=True)  # runs last
    log_to_file(var_dir, stack)
    res = Resources(stack, var_dir, args.database_url)
    parts: list[Callable[[argparse.Namespace, Resources], bool]] = []
    if args.part in ("store", "both"):
        start_redis(res, args.redis_url)
        importlib.import_module("bench.survey_bench")  # the no-op's module, loaded before forks
        parts.append(store_part)
    if args.part in ("tally", "both"):
        parts.append(tally_part)
    ok = True
    for part in parts:
        with ExitStack() as part_stack:  # each part's database goes when the part ends
            res.stack = part_stack
            ok &= part(args, res)
        res.stack = stack
    return ok


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("store", "tally", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2000, help="no-ops and responses per round")
    parser.add_argument("--responses", type=int, default=1_000_000, help="for the tally")
    parser.add_argument("--database-url", help="a PostgreSQL server (a scratch db is made)")
    parser.add_argument("--redis-url", help="an empty Redis database instead of embedded")
    parser.add_argument(
        "--no-holder",
        action="store_true",
        help="SQLite: no second process keeps the file open (as the web process would)",
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.jobs < WARMUP_JOBS or args.responses < BATCH:
        parser.error(f"need 1 round, {WARMUP_JOBS} jobs and {BATCH} responses at least")
    if args.database_url and not normalise_url(args.database_url).startswith("postgresql"):
        parser.error("--database-url must be a PostgreSQL server (SQLite is the default)")
    return args


def _terminate(*_: object) -> None:
    sys.exit(143)  # so the cleanup runs


def install_signal_handlers() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def main() -> int:
    args = parse_args()
    install_signal_handlers()
    with ExitStack() as stack:
        try:
            return 0 if bench(args, stack) else 1
        except BenchError as exc:
            print(f"bench failed: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130


if __name__ == "__main__":
    sys.exit(main())
