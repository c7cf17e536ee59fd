"""Segment + reflow of the 20 seed bodies (issue 4 target: under 50 ms in total).

    .venv/bin/python -m bench.bench_body

Prints the best of 20 runs and the median, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from generator.readers.listing import read_listing
from generator.reflow import reflow
from generator.segment import segment

SEED = Path(__file__).resolve().parent.parent / "data" / "network-extension-listing.txt"
RUNS = 20


def one_pass(bodies: list[str]) -> float:
    started = time.perf_counter()
    for body in bodies:
        for part in segment(body):
            if part.kind == "code":
                reflow(part.text, part.flavor, part.verbatim)
    return time.perf_counter() - started


def main() -> None:
    bodies = list({thread.title: thread.body for thread in read_listing(SEED)}.values())
    times = [one_pass(bodies) for _ in range(RUNS)]
    print(f"{len(bodies)} seed bodies: best {min(times) * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()
