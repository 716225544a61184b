"""The one timing helper of the benchmarks: the best of several runs (the least disturbed by other work)."""

from __future__ import annotations

import time
from typing import Callable

REPEAT = 3


def best(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Seconds of the fastest of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
