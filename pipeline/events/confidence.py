"""Confidence of an event: the measured precision of the rule path that produced it.

Every event records its ``rule``: how it was found, as a path of steps from the general to the
particular, e.g. ``verb/subject/target`` (a verb trigger, its actor from its subject, a target
found), ``light/subject/none``, ``noun/noun-phrase/target``, ``verb/intent/pronoun/target``.
``pipeline/resources/events/confidence.json`` holds, per path and per each of its prefixes,
how many events the rules produced on the development gold (the tuning part of the PLOVER gold
standard records and of the EXCITE sentences; ``python -m eval events --calibrate`` rewrites it)
and how many of them were right (the gold sentence has an event of that type; any event on a
sentence the annotators found no event in is wrong).

``confidence`` is then the precision of the most specific prefix seen at least
:data:`MIN_SUPPORT` times, with add-one smoothing: "of the events found this way on the
development data, this share were real events of this type". An analyst can filter on it
(``--min-confidence``) knowing what a threshold means; the table's counts say how much
evidence stands behind each value.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CONFIDENCE_FILE = Path(__file__).resolve().parent.parent / "resources" / "events" / "confidence.json"
#: Fewer events than this on a path: its precision is too noisy, the shorter prefix is used.
MIN_SUPPORT = 5


def rule_key(path: list[str]) -> str:
    """The path of rules as one key ("verb/subject/target")."""
    return "/".join(path)


def prefixes(key: str) -> list[str]:
    """"a/b/c" -> ["a/b/c", "a/b", "a"]: from the most specific to the most general."""
    parts = key.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]


@lru_cache(maxsize=4)
def load_table(path: Path = CONFIDENCE_FILE) -> dict:
    if not path.is_file():
        return {"paths": {}, "overall": {"n": 0, "correct": 0}}
    return json.loads(path.read_text(encoding="utf-8"))


def confidence(key: str, table: dict | None = None) -> float:
    """The smoothed precision of the most specific prefix of ``key`` with enough support."""
    table = table or load_table()
    paths = table.get("paths", {})
    for p in prefixes(key):
        row = paths.get(p)
        if row and row["n"] >= MIN_SUPPORT:
            return round((row["correct"] + 1) / (row["n"] + 2), 2)
    overall = table.get("overall", {"n": 0, "correct": 0})
    return round((overall["correct"] + 1) / (overall["n"] + 2), 2)


def build_table(outcomes: list[tuple[str, bool]], *, measured_on: str) -> dict:
    """The table from (rule key, right?) pairs: counts per path and per prefix."""
    paths: dict[str, dict] = {}
    for key, ok in outcomes:
        for p in prefixes(key):
            row = paths.setdefault(p, {"n": 0, "correct": 0})
            row["n"] += 1
            row["correct"] += int(ok)
    for row in paths.values():
        row["precision"] = round(row["correct"] / row["n"], 3)
    n = len(outcomes)
    correct = sum(ok for _k, ok in outcomes)
    return {"measured_on": measured_on, "min_support": MIN_SUPPORT,
            "overall": {"n": n, "correct": correct, "precision": round(correct / n, 3) if n else None},
            "paths": dict(sorted(paths.items()))}
