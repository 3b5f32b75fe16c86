"""Small timing and memory helpers shared by the benchmarks."""
from __future__ import annotations

import resource
import time
import tracemalloc
from collections.abc import Callable
from statistics import median


def timed(work: Callable[[], object]) -> float:
    """Seconds of wall-clock time ``work`` takes."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def side_by_side(repeats: int, **candidates: Callable[[], object]) -> dict[str, list[float]]:
    """Time each candidate ``repeats`` times, interleaved so that noise hits all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for repeat in range(repeats):
        names = list(candidates) if repeat % 2 == 0 else list(reversed(candidates))
        for name in names:
            times[name].append(timed(candidates[name]))
    return times


def best(times: list[float]) -> float:
    return min(times)


def middle(times: list[float]) -> float:
    return median(times)


def peak_traced_mb(work: Callable[[], object]) -> float:
    """Peak memory allocated by Python and numpy while ``work`` runs, in MB (tracemalloc)."""
    tracemalloc.start()
    try:
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6


def max_rss_mb() -> float:
    """The process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
