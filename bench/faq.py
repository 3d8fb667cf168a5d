"""FAQ matching: accuracy on the held-out cases, time per question, load time and memory.

    .venv/bin/python bench/faq.py [--kb knowledge/demo.yaml] [--cases bench/faq_cases.tsv]
                                  [--size 500] [--rounds 5]

Accuracy is given on all cases and on the odd and even lines apart: weights and thresholds
were tuned on the even lines (with the knowledge base's own alternatives, left out one at a
time), so the odd lines are the held-out check.

Latency: every case question is asked of the demo knowledge base and of a synthetic one of
`--size` entries (the demo entries, then copies with perturbed questions and alternatives
mixed from two entries). The baseline, timed in the same rounds on the same questions, is
normalise + newmm alone (`words()`); the sentence model's encode of one question is timed
too, since it is most of the cost. Rounds alternate the order; p50 and p95 over all
questions and rounds are given, with ratios to the baseline, as wall time and as CPU time
of the asking thread (which a busy machine does not inflate).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.faq import semantic, text
from bot.faq.evaluate import evaluate, read_cases
from bot.faq.knowledge import Entry, load_knowledge
from bot.faq.matcher import Matcher
from bot.thai import canonical

ROOT = Path(__file__).resolve().parent.parent

PLACES = ("หมู่ 2", "หมู่ 5", "บ้านหนองบัว", "บ้านโคกสูง", "ตลาดเช้า", "ริมคลอง", "ใกล้วัด")


def synthetic(entries: list[Entry], size: int) -> list[Entry]:
    """`size` entries: the originals, then variants that reuse their words in new mixes."""
    out = list(entries)
    for i in range(len(entries), size):
        base, other = entries[i % len(entries)], entries[(i * 17 + 5) % len(entries)]
        place = PLACES[i % len(PLACES)]
        alternatives = [f"{a} {place}" for a in base.alternatives[:4]] + list(
            other.alternatives[-2:]
        )
        out.append(
            replace(
                base,
                id=f"{base.id}-{i}",
                question=f"{base.question} ({place})",
                alternatives=tuple(alternatives),
            )
        )
    return out


def rss_mb() -> tuple[float, float]:
    """VmRSS and VmHWM (peak) of this process, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))


def timed(action: Callable[..., object], *args: object) -> float:
    began = time.perf_counter()
    action(*args)
    return time.perf_counter() - began


def cpu_timed(action: Callable[..., object], *args: object) -> tuple[float, float]:
    """Wall and CPU seconds of this thread: CPU time does not count waiting for a core."""
    wall, cpu = time.perf_counter(), time.thread_time()
    action(*args)
    return time.perf_counter() - wall, time.thread_time() - cpu


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(
    runs: dict[str, Callable[[str], object]], questions: list[str], rounds: int
) -> dict[str, list[tuple[float, float]]]:
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    names = list(runs)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            times[name] += [cpu_timed(runs[name], q) for q in questions]
    return times


def report_accuracy(matcher: Matcher, cases_path: str) -> None:
    cases = read_cases(cases_path)
    parts = {
        "all lines": cases,
        "odd lines (held out)": [c for c in cases if c.line % 2],
        "even lines (tuning)": [c for c in cases if not c.line % 2],
    }
    for name, chosen in parts.items():
        figures = evaluate(matcher, chosen)
        print(f"\naccuracy, {name}:")
        print("\n".join("  " + line for line in figures.lines()))
        for miss in figures.misses:
            print(f"  wrong answer: {miss}")


def report_latency(matchers: dict[str, Matcher], questions: list[str], rounds: int) -> None:
    model = semantic.encoder()
    runs: dict[str, Callable[[str], object]] = {
        "baseline: normalise + newmm": lambda q: text.words(canonical(q)),
        "model encode alone": lambda q: model.encode([canonical(q)]),
    }
    runs |= {f"ask, {name}": m.ask for name, m in matchers.items()}
    times = latency(runs, questions, rounds)
    print(f"\nlatency per question ({len(questions)} questions x {rounds} rounds), ms:")
    for kind, column in (("wall", 0), ("CPU", 1)):
        base = [t[column] for t in times["baseline: normalise + newmm"]]
        base50, base95 = statistics.median(base), percentile(base, 0.95)
        for name, pairs in times.items():
            values = [t[column] for t in pairs]
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            print(
                f"  {kind:<4} {name:<28} p50 {p50 * 1000:6.2f}  p95 {p95 * 1000:6.2f}"
                f"   x{p50 / base50:5.1f} / x{p95 / base95:5.1f} baseline"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", default=str(ROOT / "knowledge" / "demo.yaml"))
    parser.add_argument("--cases", default=str(ROOT / "bench" / "faq_cases.tsv"))
    parser.add_argument("--size", type=int, default=500, help="entries of the synthetic KB")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    print(f"faq bench: {os.cpu_count()} cores, BLAS threads {semantic.THREADS}")
    print(f"  RSS before loading          {rss_mb()[0]:7.1f} MB")
    load = timed(semantic.encoder)
    words = timed(text.warm_up)
    print(f"  model load                  {load:7.2f} s")
    print(f"  newmm dictionary load       {words:7.2f} s")
    entries = list(load_knowledge(args.kb).entries.values())
    matchers: dict[str, Matcher] = {}
    for name, chosen in ((f"{len(entries)} entries", entries), (f"{args.size} entries", None)):
        chosen = chosen or synthetic(entries, args.size)
        began = time.perf_counter()
        matchers[name] = Matcher(chosen)
        phrasings = sum(len(e.phrasings) for e in chosen)
        print(f"  index, {name:<20} {time.perf_counter() - began:7.2f} s ({phrasings} phrasings)")
    rss, peak = rss_mb()
    print(f"  RSS with model and indexes  {rss:7.1f} MB (peak {peak:.1f} MB)")

    report_accuracy(matchers[f"{len(entries)} entries"], args.cases)
    questions = [c.question for c in read_cases(args.cases)]
    report_latency(matchers, questions, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
