"""Using both cores for the pure, per-thread stages.

Classification, rendering and related-thread ranking are pure functions of
their input, so they can run in forked worker processes and give exactly the
same result, in the same order.  Small corpora stay in one process: forking
costs more than it saves below :data:`PARALLEL_MIN_ITEMS`, and the seed's
20 threads never need it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items everything runs in the calling process.
PARALLEL_MIN_ITEMS = 2000
# Work is cut into this many chunks per worker so that uneven items even out.
CHUNKS_PER_WORKER = 4


def worker_count() -> int:
    """Processes to use: the CPUs this process may run on (2 on the target machine)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


# The work of the current fork_map call.  Set just before the pool forks, so
# the workers inherit the items and the function with the process memory and
# only indices and results cross between processes (pickling 10,000 threads
# into the workers cost more than the work saved).
_WORK: dict[str, object] = {}


def _call(index: int) -> object:
    return _WORK["function"](_WORK["items"][index])  # type: ignore[operator,index]


def fork_map(function: Callable[[T], R], items: Sequence[T], *, min_items: int | None = None) -> list[R]:
    """``[function(item) for item in items]``, in forked workers when the
    input is large enough; results come back in order."""
    threshold = PARALLEL_MIN_ITEMS if min_items is None else min_items
    workers = worker_count()
    if len(items) < threshold or workers < 2 or not _can_fork() or _WORK:
        return [function(item) for item in items]
    chunksize = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
    _WORK.update(function=function, items=items)
    # Objects that exist before the fork are moved out of the collector's
    # reach, so a collection in a worker does not touch (and copy) every page
    # of the parent's heap.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_call, range(len(items)), chunksize=chunksize)  # type: ignore[return-value]
    finally:
        gc.unfreeze()
        _WORK.clear()


def fork_map_spans(function: Callable[[range], R], count: int) -> list[R]:
    """``function`` over consecutive runs of ``range(count)``, in forked
    workers when ``count`` is large enough (the same threshold as
    :func:`fork_map`, applied to the items, not to the runs).  For work
    whose per-item results are worth combining inside a worker first."""
    workers = worker_count()
    step = max(1, -(-count // (workers * CHUNKS_PER_WORKER)))
    spans = [range(start, min(start + step, count)) for start in range(0, count, step)]
    return fork_map(function, spans, min_items=1 if count >= PARALLEL_MIN_ITEMS else len(spans) + 1)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block without Python's cyclic garbage collector.

    The pipeline's stages allocate millions of small acyclic objects (term
    dicts, records, strings); every so many allocations the collector walks
    the whole, ever larger heap looking for cycles there are none of.  At
    10,000 threads that was 0.7 s of the relate stage's 6.  Reference
    counting still frees everything; the collector runs once at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
