"""Benchmark of the relate stage on the synthetic corpus (bench/synth.py).

    .venv/bin/python -m bench.bench_relate [--sizes 10000 100000] [--sample 5000]

For each size, in a fresh subprocess (so peak RSS is that run's own):
seconds spent in ``relate()`` alone (corpus generation and facts excluded),
the process's peak RSS, and the peak before ``relate()`` ran (the input).
Recall: on a ``--sample``-thread corpus, the fraction of the exact top-5
(every pair scored, nothing pruned: :func:`generator.relate.rank_exhaustive`)
that the indexed ranking also returns.  Prints a table and writes
bench/results/relate-latest.json.  Benchmarks are not tests: nothing here
asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

from bench.synth import make_threads, synthetic_facts
from generator.records import Facts, Thread
from generator.relate import RelateItem, prepare, rank_exhaustive, rank_indexed, relate

RESULTS = Path(__file__).resolve().parent / "results" / "relate-latest.json"
TARGET_SECONDS = {10_000: 5.0, 100_000: 60.0}
TARGET_RSS_MB = 2048.0
TARGET_RECALL = 0.9


def _facts(thread: Thread) -> Facts:
    """The real classifier when it exists; the synthetic stand-in otherwise."""
    try:
        from generator.classify import classify  # noqa: PLC0415 - optional, lands separately
    except ImportError:
        return synthetic_facts(thread)
    return classify(thread)


def make_items(n: int, seed: int) -> list[RelateItem]:
    return [
        RelateItem(slug=f"t{number:06d}", title=t.title, text=t.body, facts=_facts(t))
        for number, t in enumerate(make_threads(n, seed))
    ]


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def measure_speed(n: int, seed: int) -> dict[str, float]:
    items = make_items(n, seed)
    rss_input = _peak_rss_mb()
    start = time.perf_counter()
    related = relate(items)
    seconds = time.perf_counter() - start
    links = sum(len(v) for v in related.values())
    return {
        "threads": n,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "peak_rss_input_mb": round(rss_input, 1),
        "links_per_thread": round(links / max(n, 1), 2),
        "threads_without_links": sum(1 for v in related.values() if not v),
    }


def measure_recall(n: int, seed: int, k: int = 5) -> dict[str, float]:
    items = make_items(n, seed)
    start = time.perf_counter()
    exact = rank_exhaustive(prepare(items, max_terms=None), k)
    exact_seconds = time.perf_counter() - start
    indexed = rank_indexed(prepare(items), k)
    wanted = found = 0
    for truth, got in zip(exact, indexed):
        truth_ids = {j for _, j in truth}
        wanted += len(truth_ids)
        found += len(truth_ids & {j for _, j in got})
    return {
        "sample": n,
        "k": k,
        "exact_links": wanted,
        "recall_at_k": round(found / wanted, 4) if wanted else 1.0,
        "exact_all_pairs_seconds": round(exact_seconds, 1),
    }


def _in_subprocess(args: Sequence[str]) -> dict[str, float]:
    """Run one measurement in a fresh interpreter (own peak RSS)."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_relate", *args],
        check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_relate")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--sample", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: speed of one size
    parser.add_argument("--recall", type=int, help=argparse.SUPPRESS)  # child: recall on a sample
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure_speed(args.one, args.seed)))
        return 0
    if args.recall is not None:
        print(json.dumps(measure_recall(args.recall, args.seed)))
        return 0

    speed = [_in_subprocess(["--one", str(n), "--seed", str(args.seed)]) for n in args.sizes]
    recall = _in_subprocess(["--recall", str(args.sample), "--seed", str(args.seed)]) if args.sample else {}
    print(f"{'threads':>8} {'seconds':>8} {'target':>7} {'peak RSS MB':>12} {'input MB':>9} {'links/thread':>13}")
    for row in speed:
        target = TARGET_SECONDS.get(int(row["threads"]), float("nan"))
        print(
            f"{row['threads']:>8} {row['seconds']:>8.2f} {target:>7.0f} {row['peak_rss_mb']:>12.0f}"
            f" {row['peak_rss_input_mb']:>9.0f} {row['links_per_thread']:>13.2f}"
        )
    if recall:
        print(
            f"recall@{recall['k']} vs exact all-pairs on {recall['sample']} threads: {recall['recall_at_k']:.4f}"
            f" (target {TARGET_RECALL}; {recall['exact_links']} exact links; all-pairs took"
            f" {recall['exact_all_pairs_seconds']} s)"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "command": "python -m bench.bench_relate " + " ".join(argv if argv is not None else sys.argv[1:]),
                "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "system": platform.system()},
                "targets": {"seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_RSS_MB, "recall_at_5": TARGET_RECALL},
                "speed": speed,
                "recall": recall,
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
