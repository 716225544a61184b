"""The registry of evaluation tasks: one module per task registers itself with :func:`register`.

A task is a function ``run(options) -> Outcome``. The runner (``python -m eval``) times it, saves the
outcome to ``eval/results/<name>.json`` and rewrites ``EVALUATION.md`` from every saved outcome.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
CACHE_DIR = ROOT / ".cache" / "eval"


@dataclass
class Options:
    """What the command line passes to every task (a task ignores what does not apply to it)."""

    jobs: int = 1
    limit: int | None = None
    group: str | None = None
    data: Path | None = None  # None: the task's default data
    timeout: int = 900
    results_dir: Path = RESULTS_DIR
    cache_dir: Path = CACHE_DIR
    verbose: bool = True


@dataclass
class Outcome:
    """What a task returns.

    Attributes:
        metrics: saved as JSON; any JSON-serialisable values.
        markdown: the body of the task's section in ``EVALUATION.md`` (without its heading).
        data: one line naming the data and its counts.
        files: extra result files written by the task (for the log).
    """

    metrics: dict[str, Any]
    markdown: str
    data: str
    files: list[str] = field(default_factory=list)


@dataclass
class Task:
    name: str
    title: str
    run: Callable[[Options], Outcome]
    order: int = 100


TASKS: dict[str, Task] = {}


def register(name: str, *, title: str, order: int = 100) -> Callable[[Callable[[Options], Outcome]], Callable[[Options], Outcome]]:
    """Decorator: ``@register("corpus", title="Documents and references")`` over a task's run function."""

    def deco(fn: Callable[[Options], Outcome]) -> Callable[[Options], Outcome]:
        TASKS[name] = Task(name=name, title=title, run=fn, order=order)
        return fn

    return deco


def all_tasks() -> dict[str, Task]:
    """Every task in ``eval/tasks/``, imported on first use, in section order."""
    import eval.tasks as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"{pkg.__name__}.{mod.name}")
    return dict(sorted(TASKS.items(), key=lambda kv: (kv[1].order, kv[0])))
