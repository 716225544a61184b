"""Task ``refs_fast``: reference extraction over the corpus in minutes, for iterating on the reference code.

The ``corpus`` task runs every stage on every PDF (about 1.5 h); the reference code (the list splitter,
footnote references, numbered citations) needs only structure and the citations stage. This task reads
each PDF once and keeps the reader's output (:func:`eval.adapter.ingest_cached`, keyed by the digest of
``pipeline/ingest/``), then runs structure and the citations stage on it. Figures and the per-paper
cache (``.cache/eval/refs_fast/references/ID.json``, which ``python -m eval.inspect_refs --cache
refs_fast`` reads) use the rules of ``corpus``, so the two are comparable; the first run costs one
reading of every PDF, later ones a few minutes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from eval import adapter
from eval.datasets import DEFAULT_CORPUS, Paper, load_papers
from eval.matching import REFERENCE_THRESHOLD
from eval.pool import Failure, run_all
from eval.registry import Options, Outcome, register
from eval.report import format_seconds, pct, table
from eval.tasks.corpus import failure_row, paper_row, summarise

NAME = "refs_fast"


def evaluate_paper(job: tuple[dict, str]) -> dict[str, Any]:
    """Worker: the references of one PDF from its cached reading; the per-document row."""
    paper_d, cache_dir = job
    paper = Paper.from_dict(paper_d)
    res = adapter.extract_references_cached(paper.pdf, Path(cache_dir) / "ingested")
    row = paper_row(paper, res, Path(cache_dir) / NAME / "references" / f"{paper.id}.json",
                    citations=adapter.citation_counts(res.doc))
    row["citations_linked"] = _linked_counts(res.doc)
    return row


def _linked_counts(doc: Any) -> dict[str, int]:
    """Citation kind -> how many citations point to a reference (a footnote marker is resolved when its note is
    found; it is linked when the note prints or names a reference)."""
    out: dict[str, int] = {}
    for c in (doc.citations if doc is not None else []):
        if c.reference_id:
            out[c.kind] = out.get(c.kind, 0) + 1
    return out


def _citation_table(rows: list[dict[str, Any]], names: list[str]) -> str:
    lines = []
    for g in names:
        sel = [r for r in rows if g == "all" or r["group"] == g]
        tot: dict[str, dict[str, int]] = {}
        linked: dict[str, int] = {}
        for r in sel:
            for kind, c in (r.get("citations") or {}).items():
                t = tot.setdefault(kind, {})
                for k, v in c.items():
                    t[k] = t.get(k, 0) + v
            for kind, n in (r.get("citations_linked") or {}).items():
                linked[kind] = linked.get(kind, 0) + n
        for kind, c in sorted(tot.items()):
            n = sum(c.values())
            lines.append([g, kind, n, c.get("resolved", 0), c.get("unresolved", 0), c.get("ambiguous", 0),
                          pct(c.get("resolved", 0) / n if n else None), linked.get(kind, 0),
                          pct(linked.get(kind, 0) / n if n else None)])
    return table(["group", "kind", "citations", "resolved", "unresolved", "ambiguous", "resolved share",
                  "linked to a reference", "linked share"], lines)


@register(NAME, title="References only (structure and citations on cached readings), EXCITE corpus", order=15)
def run(opts: Options) -> Outcome:
    data = opts.data or DEFAULT_CORPUS
    papers = load_papers(data, group=opts.group, limit=opts.limit)
    if not papers:
        raise SystemExit(f"no papers in {data} (group={opts.group})")
    by_id = {p.id: p for p in papers}
    done = 0

    def progress(key: str, value: Any) -> None:
        nonlocal done
        done += 1
        if opts.verbose:
            line = (f"FAILED {value.kind}: {value.message[:80]}" if isinstance(value, Failure) else
                    f"{value['status']:7} refs {value['n_found']}/{value['n_gold']} gold, {value['n_extracted']} extracted")
            print(f"[{NAME}] {done}/{len(papers)} {by_id[key].group}/{key}: {line}", file=sys.stderr, flush=True)

    results = run_all(evaluate_paper, [(p.id, (p.to_dict(), str(opts.cache_dir))) for p in papers],
                      jobs=opts.jobs, timeout=opts.timeout, on_result=progress)
    rows = [failure_row(by_id[k], v) if isinstance(v, Failure) else v for k, v in results.items()]
    rows.sort(key=lambda r: (r["group"], r["id"]))
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    docs_file = opts.results_dir / f"{NAME}_docs.jsonl"
    docs_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    group_names = list(dict.fromkeys(p.group for p in papers))
    metrics = {"threshold": REFERENCE_THRESHOLD,
               "groups": {g: summarise([r for r in rows if r["group"] == g]) for g in group_names},
               "all": summarise(rows)}
    names = group_names + (["all"] if len(group_names) > 1 else [])
    get = lambda g: metrics["all"] if g == "all" else metrics["groups"][g]  # noqa: E731
    parts = [
        "The rules of `corpus` (normalised `fuzz.ratio` >= 0.9, one-to-one, greedy), on the reader's output kept "
        "from an earlier reading of each PDF; structure and the citations stage run anew.",
        table(["group", "papers", "gold refs", "extracted", "found", "recall", "precision", "macro recall",
               "macro precision"],
              [[g, get(g)["papers"], get(g)["gold"], get(g)["extracted"], get(g)["found"], pct(get(g)["recall"]),
                pct(get(g)["precision"]), pct(get(g)["macro_recall"]), pct(get(g)["macro_precision"])] for g in names]),
        "Extracted strings by origin (matched / extracted):",
        table(["group", "footnote", "reference_list"],
              [[g, *[(f"{get(g)['by_origin'][o]['matched']} / {get(g)['by_origin'][o]['extracted']} "
                      f"({pct(get(g)['by_origin'][o]['precision'])})" if o in get(g)["by_origin"] else "-")
                     for o in ("footnote", "reference_list")]] for g in names]),
        "In-text citations by kind and status:",
        _citation_table(rows, names),
    ]
    data_line = (f"{len(papers)} PDFs, {metrics['all']['gold']} gold reference strings; `{data}`; "
                 f"{opts.jobs} worker(s) (document time {format_seconds(metrics['all']['seconds_total'])})")
    return Outcome(metrics=metrics, markdown="\n\n".join(parts), data=data_line, files=[str(docs_file)])
