"""Run one function over many documents in worker processes, with a per-document time limit.

Models are loaded once per worker by the pool's initializer. A document that runs past its limit is
stopped inside the worker (``SIGALRM`` raises :class:`DocumentTimeout`, a ``BaseException`` so that the
per-stage ``except Exception`` of the adapter does not swallow it) and recorded as a failure; the pool
goes on. If a worker is stuck in native code and ignores the alarm, or dies (out of memory, a crash),
the parent kills the pool's workers, records the document and starts a fresh pool for the rest; the
documents that were running beside a dead worker are retried one at a time, so only the one that kills
its worker is recorded as a crash.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterable

#: Seconds the parent waits past a document's limit before it kills the workers.
KILL_GRACE_S = 120


class DocumentTimeout(BaseException):
    """Raised in a worker when one document takes longer than the limit."""


@dataclass
class Failure:
    """A document that gave no result: ``kind`` is ``timeout``, ``crash`` or ``error``."""

    kind: str
    error_type: str
    message: str
    seconds: float


def _guarded(fn: Callable[[Any], Any], arg: Any, timeout: int, describe: Callable[[], str] | None = None) -> Any:
    def on_alarm(signum, frame):
        raise DocumentTimeout(f"no result after {timeout} s")

    t0 = time.perf_counter()
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(timeout)))
    try:
        return fn(arg)
    except DocumentTimeout as exc:
        detail = f" ({describe()})" if describe is not None else ""
        return Failure("timeout", "DocumentTimeout", f"{exc}{detail}", round(time.perf_counter() - t0, 2))
    except Exception as exc:  # the function is meant to catch its own errors; this is the last net
        return Failure("error", type(exc).__name__, str(exc)[:500], round(time.perf_counter() - t0, 2))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    # the executor keeps no public handle on its workers; these are processes this program started
    for proc in list(getattr(executor, "_processes", {}).values()):
        if proc.is_alive():
            proc.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def run_all(
    fn: Callable[[Any], Any],
    items: Iterable[tuple[str, Any]],
    *,
    jobs: int = 1,
    timeout: int = 900,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    on_result: Callable[[str, Any], None] | None = None,
    describe_timeout: Callable[[], str] | None = None,
    kill_grace: float = KILL_GRACE_S,
) -> dict[str, Any]:
    """``fn(arg)`` for every ``(key, arg)`` in ``jobs`` worker processes.

    Args:
        fn: a picklable top-level function; it should return a picklable summary, not a large object.
        items: (key, argument) pairs; keys must be unique.
        jobs: worker processes.
        timeout: seconds one call may take before it is stopped and recorded as a :class:`Failure`.
        initializer: run once in every worker (load the models there).
        initargs: its arguments.
        on_result: called in the parent with (key, result) as each call finishes (progress, logging).
        describe_timeout: a picklable function called in the worker when a call times out; its text is
            added to the failure's message (which stage was running).
        kill_grace: seconds past ``timeout`` after which the parent kills workers that ignored the alarm.

    Returns:
        key -> ``fn``'s result or a :class:`Failure`, in the order of ``items``.
    """
    queue = list(items)
    order = [k for k, _ in queue]
    queue.reverse()  # pop() from the end keeps the input order
    suspects: list[tuple[str, Any]] = []  # in flight when a worker died: retried one at a time
    results: dict[str, Any] = {}
    jobs = max(1, jobs)

    def finish(key: str, value: Any) -> None:
        results[key] = value
        if on_result is not None:
            on_result(key, value)

    while queue or suspects:
        executor = ProcessPoolExecutor(max_workers=jobs, initializer=initializer, initargs=initargs)
        # future -> (key, arg, start time, runs alone); a window of ``jobs`` calls, so a call starts when submitted
        running: dict[Future, tuple[str, Any, float, bool]] = {}
        restart = False
        try:
            while queue or suspects or running:
                alone_running = any(alone for *_, alone in running.values())
                if suspects and not running:
                    key, arg = suspects.pop()
                    running[executor.submit(_guarded, fn, arg, timeout, describe_timeout)] = (key, arg, time.monotonic(), True)
                while queue and not suspects and not alone_running and len(running) < jobs:
                    key, arg = queue.pop()
                    running[executor.submit(_guarded, fn, arg, timeout, describe_timeout)] = (key, arg, time.monotonic(), False)
                done, _ = wait(list(running), timeout=5, return_when=FIRST_COMPLETED)
                for fut in done:
                    key, arg, t0, alone = running.pop(fut)
                    try:
                        finish(key, fut.result())
                    except BrokenProcessPool:
                        restart = True
                        if alone:
                            finish(key, Failure("crash", "BrokenProcessPool", "the worker process died on this document",
                                                round(time.monotonic() - t0, 2)))
                        else:
                            suspects.append((key, arg))
                if restart:
                    suspects.extend((key, arg) for key, arg, _, alone in running.values())
                    break
                overdue = {f for f, (_, _, t0, _) in running.items() if time.monotonic() - t0 > timeout + kill_grace}
                if overdue:
                    for fut, (key, arg, t0, _) in running.items():
                        if fut in overdue:
                            finish(key, Failure("timeout", "DocumentTimeout",
                                                f"no result after {timeout} s; the worker ignored the alarm and was killed",
                                                round(time.monotonic() - t0, 2)))
                        else:
                            queue.append((key, arg))
                    restart = True
                    break
        finally:
            if restart:
                _kill_workers(executor)
            else:
                executor.shutdown(wait=True)
    return {k: results[k] for k in order if k in results}


def cpu_threads_per_worker(jobs: int) -> int:
    """Threads each worker's numeric libraries may use, so ``jobs`` workers do not oversubscribe the CPUs."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))
