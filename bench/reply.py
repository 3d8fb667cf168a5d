"""How fast citizens get their answer when a whole village writes at once.

The real Procfile processes (gunicorn web, `tambon worker` with 1, 2 or 4 processes) with
a private Redis, SQLite, and the built-in fake LINE in a process of its own (it expires
reply tokens after a minute, as LINE does). FAQ questions arrive as signed webhook events,
each from its own citizen, at a steady rate (open loop: a slow bot does not slow the
citizens); latency is from the webhook POST to the answer reaching LINE.

Printed per worker count and load: p50/p95/max, answered by reply vs push, the CPU the
service spent per event (web + worker processes), and, as the baseline measured in the same
run, the floor: parsing, routing, the FAQ match and the HTTP call to LINE done alone in one
process. Also the rate a 2,000-event burst drains at, and memory per process.

    .venv/bin/python bench/reply.py            # the full sweep (~12 min)
    .venv/bin/python bench/reply.py --quick [--workers 4] [--seconds 60]   # 50/s only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.fakeline import sender
from tests.faults.harness import QUESTION, Stack, wait_for


def citizen(run: int, i: int) -> str:
    return f"U{run:08x}{i:024x}"


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def _service_processes(stack: Stack) -> list[psutil.Process]:
    found = []
    for proc in (stack.web, stack.worker):
        parent = psutil.Process(proc.pid)
        found += [parent, *parent.children(recursive=True)]
    return found


def load(stack: Stack, run: int, rate: float, seconds: float) -> dict:
    """Open-loop load: `rate` questions a second for `seconds`; the figures."""
    count = int(rate * seconds)
    users = [citizen(run, i) for i in range(count)]
    posted: dict[str, float] = {}
    procs = _service_processes(stack)
    cpu_before = _cpu(procs)

    def post(i: int) -> None:
        event = stack.event(sender.text_event(users[i], QUESTION))  # its token lives from now
        posted[users[i]] = time.time()
        stack.deliver_like_line([event])

    start = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        for i in range(count):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # the schedule of the load, not a wait for the bot
            pool.submit(post, i)
    wait_for(lambda: all(stack.entries(u) for u in users), 300, "every answer")
    wait_for(lambda: stack.queued_or_running() == 0, 60, "the queues to drain")
    cpu = _cpu(_service_processes(stack)) - cpu_before
    firsts = {u: stack.entries(u)[0] for u in users}
    waits = sorted(firsts[u]["at"] - posted[u] for u in users)
    return {
        "events": count,
        "p50_ms": 1000 * waits[len(waits) // 2],
        "p95_ms": 1000 * waits[int(len(waits) * 0.95)],
        "max_ms": 1000 * waits[-1],
        "replies": sum(e["via"] == "reply" for e in firsts.values()),
        "pushes": sum(e["via"] == "push" for e in firsts.values()),
        "cpu_ms": 1000 * cpu / count,
    }


def burst(stack: Stack, run: int, count: int = 2000) -> dict:
    users = [citizen(run, i) for i in range(count)]
    events = [stack.event(sender.text_event(u, QUESTION)) for u in users]
    start = time.time()
    bodies = [events[i : i + 20] for i in range(0, count, 20)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(stack.post, bodies))
    wait_for(lambda: all(stack.entries(u) for u in users), 600, "every answer of the burst")
    done = max(stack.entries(u)[0]["at"] for u in users)
    pushes = sum(stack.entries(u)[0]["via"] == "push" for u in users)
    return {"events": count, "drain_s": done - start, "rate": count / (done - start),
            "pushes": pushes}  # fmt: skip


def memory(stack: Stack) -> dict:
    rows = {}
    for name, proc in (("web", stack.web), ("worker", stack.worker)):
        parent = psutil.Process(proc.pid)
        for i, p in enumerate([parent, *parent.children(recursive=True)]):
            info = p.memory_full_info()
            rows[f"{name}[{i}]"] = (info.rss / 2**20, info.pss / 2**20)
    return rows


def floor(stack: Stack, count: int = 300) -> float:
    """CPU ms per event of the work itself, in this process: parse, route, FAQ, HTTP."""
    from bot.conversation.context import Context
    from bot.conversation.router import route
    from bot.events import parse_event
    from bot.line_client import deliver

    app = stack.app()
    with app.app_context():
        office = app.extensions["tambon.offices"]["nongbua"]
        raws = [stack.event(sender.text_event(citizen(999, i), QUESTION)) for i in range(count)]
        route(office, Context(), parse_event(raws[0]))  # the model loads outside the count
        conn = app.extensions["tambon.redis"]
        before = time.process_time()
        for raw in raws:
            event = parse_event(raw)
            _, messages = route(office, Context(), event)
            deliver(office, conn, event_id="", reply_token=event.reply_token, to=event.chat_id,
                    messages=messages, timestamp=event.timestamp)  # fmt: skip
        return 1000 * (time.process_time() - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workers", type=int, default=4, help="for --quick (default: the "
                        "shipped default on 2 cores)")  # fmt: skip
    parser.add_argument("--seconds", type=int, default=20, help="for --quick")
    args = parser.parse_args()
    sweeps = {args.workers: [(50, args.seconds)]} if args.quick else {
        1: [(10, 20), (20, 20), (50, 20)],
        2: [(10, 20), (20, 20), (50, 60), (70, 20), (100, 20)],
        4: [(10, 20), (20, 20), (50, 20), (70, 20), (100, 20)],
    }  # fmt: skip
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    run = 0
    for workers, loads in sweeps.items():
        with tempfile.TemporaryDirectory() as folder:
            stack = Stack(Path(folder), workers=workers).start()
            try:
                base = floor(stack)
                print(f"\n## {workers} worker process(es); floor {base:.1f} CPU ms/event")
                print("| load | answered | p50 | p95 | max | by reply | by push | CPU ms/event "
                      "| × floor |")  # fmt: skip
                print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
                for rate, seconds in loads:
                    run += 1
                    r = load(stack, run, rate, seconds)
                    print(f"| {rate}/s × {seconds} s | {r['events']} | {r['p50_ms']:.0f} ms "
                          f"| {r['p95_ms']:.0f} ms | {r['max_ms']:.0f} ms | {r['replies']} "
                          f"| {r['pushes']} | {r['cpu_ms']:.1f} | {r['cpu_ms'] / base:.2f} |",
                          flush=True)  # fmt: skip
                if not args.quick:
                    run += 1
                    b = burst(stack, run)
                    print(f"\nburst of {b['events']}: drained in {b['drain_s']:.1f} s = "
                          f"{b['rate']:.0f} events/s; {b['pushes']} by push")  # fmt: skip
                mem = memory(stack)
                total_rss = sum(r for r, _ in mem.values())
                total_pss = sum(p for _, p in mem.values())
                print("\nmemory (MB, RSS / PSS): " + ", ".join(
                    f"{k} {r:.0f}/{p:.0f}" for k, (r, p) in mem.items()
                ) + f"; total RSS {total_rss:.0f}, PSS {total_pss:.0f}")  # fmt: skip
            finally:
                stack.stop()


if __name__ == "__main__":
    threading.excepthook = lambda args: None
    main()
