"""Task ``reference_errors``: the reference misses of the last ``corpus``, ``references`` or ``refs_fast`` run, by kind.

Processes no PDF: it reads the rows of the newest run of ``corpus``, ``references`` or ``refs_fast``
(``eval/results/TASK_docs.jsonl``; the first two keep the extracted strings in ``.cache/eval/references/``,
``refs_fast`` in ``.cache/eval/refs_fast/references/``), and classifies every gold string not found and every
extracted string without a gold match (:func:`eval.inspect_refs.analyse`). Run it after one of them.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from eval.inspect_refs import analyse, load_cached
from eval.registry import Options, Outcome, register
from eval.report import table


def _cell(text: str | None, width: int = 110) -> str:
    if not text:
        return "—"
    text = " ".join(text.split())
    text = text if len(text) <= width else text[:width] + "…"
    return text.replace("|", "\\|")


def classify(rows: list[dict[str, Any]], cache_dir) -> dict[str, Any]:
    miss: Counter = Counter()
    spur: Counter = Counter()
    miss_groups: dict[str, Counter] = defaultdict(Counter)
    miss_papers: dict[str, set] = defaultdict(set)
    miss_ex: dict[str, list] = defaultdict(list)
    spur_ex: dict[str, list] = defaultdict(list)
    unread = []
    for row in rows:
        rec = load_cached(row["id"], cache_dir) if row["status"] != "failed" else None
        if rec is None:
            unread.append({"id": row["id"], "status": row["status"], "gold": row["n_gold"]})
            continue
        rec["group"] = row["group"]  # the cache holds the last run of this paper, perhaps by corpus_dev
        res = analyse(rec)
        for m in res["misses"]:
            miss[m["kind"]] += 1
            miss_groups[m["kind"]][rec["group"]] += 1
            miss_papers[m["kind"]].add(rec["id"])
            miss_ex[m["kind"]].append({"id": rec["id"], "gold": m["gold"], "score": m["score"],
                                       "best": m["best"]["text"] if m["best"] else None})
        for s in res["spurious"]:
            spur[s["kind"]] += 1
            spur_ex[s["kind"]].append({"id": rec["id"], "origin": s["origin"], "text": s["text"]})
    # a stable example: the one in the middle of the list (the first ones tend to come from one paper)
    return {
        "misses": {k: {"count": n, "papers": len(miss_papers[k]), "by_group": dict(miss_groups[k]),
                       "example": miss_ex[k][len(miss_ex[k]) // 2]} for k, n in miss.most_common()},
        "spurious": {k: {"count": n, "example": spur_ex[k][len(spur_ex[k]) // 2]} for k, n in spur.most_common()},
        "not_read": unread,
    }


def render(m: dict[str, Any]) -> str:
    parts = ["Every gold string of the last run that was not found, by the kind its best extracted "
             "candidate shows (`eval/inspect_refs.py`, `miss_kind`; automatic, so read the examples):"]
    parts.append(table(
        ["kind", "gold strings", "papers", "by group", "example gold", "best extracted candidate"],
        [[k, v["count"], v["papers"], ", ".join(f"{g} {n}" for g, n in v["by_group"].items()),
          f"{v['example']['id']}: {_cell(v['example']['gold'])}", _cell(v["example"]["best"])]
         for k, v in m["misses"].items()],
    ))
    parts.append("Extracted strings that match no gold string:")
    parts.append(table(
        ["kind", "strings", "example"],
        [[k, v["count"], f"{v['example']['id']} ({v['example']['origin']}): {_cell(v['example']['text'])}"]
         for k, v in m["spurious"].items()],
    ))
    if m["not_read"]:
        parts.append("Not classified (failed, or no extraction kept): " + ", ".join(
            f"`{x['id']}` ({x['status']}, {x['gold']} gold)" for x in m["not_read"]) + ".")
    return "\n\n".join(parts)


#: The tasks whose per-document rows this task can read (the newer run wins).
SOURCE_TASKS = ("corpus", "references", "refs_fast")

#: Where each source task keeps its extracted strings, under the evaluation cache (``references/ID.json`` below).
SOURCE_CACHE = {"corpus": "", "references": "", "refs_fast": "refs_fast"}


def last_run(results_dir) -> str | None:
    """The task of :data:`SOURCE_TASKS` that ran last (by the date in its saved record), or None.

    The date of the record, not the file's time: a checkout gives every file the same time.
    """
    runs = []
    for t in SOURCE_TASKS:
        if not (results_dir / f"{t}_docs.jsonl").exists():
            continue
        record = results_dir / f"{t}.json"
        date = json.loads(record.read_text(encoding="utf-8")).get("date", "") if record.exists() else ""
        runs.append((date, t))
    return max(runs)[1] if runs else None


@register("reference_errors", title="Reference misses by kind (error analysis of `corpus`, `references` or `refs_fast`)", order=14)
def run(opts: Options) -> Outcome:
    source = last_run(opts.results_dir)
    if source is None:
        raise SystemExit(f"no {' or '.join(t + '_docs.jsonl' for t in SOURCE_TASKS)} in {opts.results_dir}: "
                         "run the corpus, references or refs_fast task first")
    docs = opts.results_dir / f"{source}_docs.jsonl"
    rows = [json.loads(line) for line in docs.read_text(encoding="utf-8").splitlines() if line.strip()]
    if opts.group:
        rows = [r for r in rows if r["group"] == opts.group]
    cache = opts.cache_dir / SOURCE_CACHE[source] if SOURCE_CACHE[source] else opts.cache_dir
    metrics = classify(rows, cache)
    n_miss = sum(v["count"] for v in metrics["misses"].values())
    n_spur = sum(v["count"] for v in metrics["spurious"].values())
    record = opts.results_dir / f"{source}.json"
    when = json.loads(record.read_text(encoding="utf-8"))["date"] if record.exists() else "unknown"
    data = (f"the `{source}` run of {when}: {len(rows)} papers, {n_miss} gold strings not found, {n_spur} extracted "
            f"strings without a match (`eval/results/{source}_docs.jsonl`, `.cache/eval/{SOURCE_CACHE[source] + '/' if SOURCE_CACHE[source] else ''}references/`)")
    return Outcome(metrics=metrics, markdown=render(metrics), data=data)
