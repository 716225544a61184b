"""Saved task results and ``EVALUATION.md``: one section per task, rebuilt from ``eval/results/*.json``.

A task that was not run this time keeps its section, because every section is rendered from the JSON
the task saved when it last ran (metrics, markdown body, date, command, data, time).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

HEADER = """# Evaluation

Written by `python -m eval` (`make eval`); do not edit by hand. Each section is rewritten when its task
runs and is otherwise kept from `eval/results/<task>.json`. Tasks, data and matching rules:
`eval/README.md`. Each section names the commit it measured: a section of an older commit describes that code.
The whole-pipeline tasks (`corpus`, `corpus_dev`, `references`: an hour or more) are run less often than the
others; the current reference-string figures are those of `refs_fast` (the same matching, on cached readings).
"""


def save_record(results_dir: Path, record: dict[str, Any]) -> Path:
    """Write one task's record to ``<results_dir>/<task>.json``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{record['task']}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


def load_records(results_dir: Path) -> list[dict[str, Any]]:
    """Every saved record (files that are not task records, such as ``corpus_docs.jsonl``, are skipped)."""
    out = []
    for path in sorted(results_dir.glob("*.json")):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(rec, dict) and {"task", "markdown"} <= rec.keys():
            out.append(rec)
    return out


def format_seconds(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, s = divmod(round(seconds), 60)
    return f"{minutes} min {s:02d} s" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def render_section(record: dict[str, Any]) -> str:
    """One task's section: heading, the facts of the run, an optional note, then the task's own markdown."""
    facts = [
        f"- Date: {record['date']}",
        f"- Command: `{record['command']}`",
        f"- Code: commit {record.get('commit') or 'unknown'}" + (" with uncommitted changes" if record.get("dirty") else ""),
        f"- Data: {record['data']}",
        f"- Time: {format_seconds(record['seconds'])}",
    ]
    parts = [f"## {record['title']} (`{record['task']}`)", "\n".join(facts)]
    if record.get("note"):
        parts.append(f"> {record['note']}")
    parts.append(record["markdown"].strip())
    return "\n\n".join(parts) + "\n"


def render_document(records: Iterable[dict[str, Any]], order: list[str] | None = None) -> str:
    """``EVALUATION.md``: the header, then the sections in ``order`` (unknown tasks last, by name)."""
    rank = {name: i for i, name in enumerate(order or [])}
    recs = sorted(records, key=lambda r: (rank.get(r["task"], len(rank)), r["task"]))
    return HEADER + "".join("\n" + render_section(r) for r in recs)


def write_document(path: Path, results_dir: Path, order: list[str] | None = None) -> Path:
    path.write_text(render_document(load_records(results_dir), order), encoding="utf-8")
    return path


def table(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A markdown table; floats as given, None as an empty cell."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join("" if v is None else str(v) for v in row) + " |")
    return "\n".join(lines)


def pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"
