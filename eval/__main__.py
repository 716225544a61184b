"""``python -m eval [TASK ...] [--jobs N] [--limit N] [--group G]``: run evaluation tasks, rewrite EVALUATION.md."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from eval.registry import CACHE_DIR, RESULTS_DIR, ROOT, Options, all_tasks
from eval.report import format_seconds, save_record, write_document


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def code_state() -> tuple[str, bool]:
    """(short HEAD commit, whether the pipeline's code or models differ from it)."""
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--", "pipeline", "models"))
    return commit, dirty


def parse_args(argv: list[str]) -> argparse.Namespace:
    tasks = all_tasks()
    ap = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    ap.add_argument("tasks", nargs="*", metavar="TASK", help=f"tasks to run (default: all): {', '.join(tasks)}")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N papers")
    ap.add_argument("--group", default=None, help="only one group of the corpus (en, de-end, de-footnote, de-mixed)")
    ap.add_argument("--data", type=Path, default=None, help="a manifest CSV or a folder of ID.pdf + ID.references.txt")
    ap.add_argument("--timeout", type=int, default=900, help="seconds one document may take (default 900)")
    ap.add_argument("--note", default=None, help="a sentence shown at the top of the sections of this run")
    ap.add_argument("--results", type=Path, default=RESULTS_DIR, help="where the JSON results go")
    ap.add_argument("--report", type=Path, default=ROOT / "EVALUATION.md", help="the markdown file to rewrite")
    ap.add_argument("--no-report", action="store_true", help="save the JSON results only")
    ap.add_argument("--list", action="store_true", help="list the tasks and exit")
    args = ap.parse_args(argv)
    unknown = [t for t in args.tasks if t not in tasks]
    if unknown:
        ap.error(f"unknown task(s): {', '.join(unknown)}; known: {', '.join(tasks)}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    tasks = all_tasks()
    if args.list:
        for name, task in tasks.items():
            print(f"{name:14} {task.title}")
        return 0
    opts = Options(jobs=args.jobs, limit=args.limit, group=args.group, data=args.data, timeout=args.timeout,
                   results_dir=args.results, cache_dir=CACHE_DIR)
    command = shlex.join(["python", "-m", "eval", *argv])
    commit, dirty = code_state()
    for name in args.tasks or list(tasks):
        task = tasks[name]
        print(f"[eval] {name}: {task.title}", file=sys.stderr, flush=True)
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        outcome = task.run(opts)
        seconds = round(time.perf_counter() - t0, 1)
        record = {
            "task": name, "title": task.title, "date": started.strftime("%Y-%m-%d %H:%M UTC"),
            "command": command, "commit": commit, "dirty": dirty, "data": outcome.data, "seconds": seconds,
            "note": args.note, "options": {"jobs": opts.jobs, "limit": opts.limit, "group": opts.group,
                                          "data": str(opts.data) if opts.data else None, "timeout": opts.timeout},
            "metrics": outcome.metrics, "markdown": outcome.markdown,
        }
        path = save_record(opts.results_dir, record)
        print(f"[eval] {name}: done in {format_seconds(seconds)} -> {path}", file=sys.stderr, flush=True)
    if not args.no_report:
        out = write_document(args.report, opts.results_dir, order=list(tasks))
        print(f"[eval] wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
