"""Task ``corpus``: the whole pipeline over every PDF of the corpus; document status and reference extraction.

Per document: status (``ok``; ``partial`` = written but some enrichment stage raised; ``failed`` =
ingestion error or exception), seconds, pages. References: every hand-checked gold string of
``ID.references.txt`` against the texts of ``doc.references`` (all origins), matched one-to-one at
normalised ``fuzz.ratio`` >= 0.9 (:func:`eval.matching.assign`). Recall = found gold / all gold,
precision = matched extracted / all extracted, micro over the references of a group and macro over its
papers. A failed document counts with its gold references and no extracted ones.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from eval import adapter
from eval.datasets import DEFAULT_CORPUS, Paper, load_papers
from eval.matching import REFERENCE_THRESHOLD, any_match_counts, assign
from eval.pool import Failure, cpu_threads_per_worker, run_all
from eval.registry import ROOT, Options, Outcome, register
from eval.report import format_seconds, pct, table


def init_worker(threads: int) -> None:
    """Pool initializer: the models of every stage, once per worker process.

    A failure here must not break the pool: the stages then load their models on the first document.
    """
    try:
        adapter.load_models(threads=threads)
    except Exception as exc:
        print(f"[eval] warning: loading the models in a worker failed ({type(exc).__name__}: {exc})",
              file=sys.stderr, flush=True)


def references_cache(cache_dir: Path, paper_id: str) -> Path:
    """Where a paper's extracted reference strings and their matches are kept for ``eval.inspect_refs``."""
    return cache_dir / "references" / f"{paper_id}.json"


#: What a worker runs on one PDF: the whole pipeline (``corpus``), or only ingest, structure and
#: citations, with no document written (``references``: no entity, event or theory model).
EXTRACTORS = ("full", "references")


def evaluate_paper(job: tuple) -> dict[str, Any]:
    """Worker: process one PDF, match its references, return the per-document row.

    ``job`` is (paper as a dict, documents folder, cache folder[, extractor]); the extractor is one of
    :data:`EXTRACTORS` (default ``full``).
    """
    paper_d, docs_dir, cache_dir, *rest = job
    extractor = rest[0] if rest else "full"
    paper = Paper.from_dict(paper_d)
    if extractor == "references":
        res = adapter.extract_references(paper.pdf)
    else:
        res = adapter.process_document(paper.pdf, output_dir=docs_dir)
    return paper_row(paper, res, references_cache(Path(cache_dir), paper.id), output=res.output)



def paper_row(paper: Paper, res: Any, cache: Path, *, output: Any = None, citations: Any = None) -> dict[str, Any]:
    """One paper's row (status, time, reference recall and precision by origin, the lenient rule) from a
    processed result; the paper's gold, extracted strings and pairs go to ``cache`` for ``inspect_refs``."""
    gold = paper.gold_references()
    refs = adapter.reference_strings(res.doc)
    texts = [r.text for r in refs]
    a = assign(gold, texts)
    matched_e = a.extracted_matched()
    by_origin: dict[str, dict[str, int]] = {}
    for i, r in enumerate(refs):
        o = by_origin.setdefault(r.origin, {"extracted": 0, "matched": 0})
        o["extracted"] += 1
        o["matched"] += int(i in matched_e)
    listed = [r.text for r in refs if r.origin == "reference_list"]
    lenient_found, lenient_correct = any_match_counts(gold, listed)
    row = {
        "id": paper.id, "group": paper.group, "status": res.status, "pages": res.pages,
        "seconds": res.seconds, "stage_seconds": res.stage_seconds,
        "failed_stage": res.failed_stage, "error_code": res.error_code, "error_type": res.error_type, "error": res.error,
        "stage_errors": [e.to_dict() for e in res.stage_errors],
        "n_gold": len(gold), "n_extracted": len(texts), "n_found": a.found,
        "recall": a.recall, "precision": a.precision, "by_origin": by_origin,
        "lenient": {"found": lenient_found, "correct": lenient_correct, "extracted": len(listed)},
        "output": output,
    }
    if citations is not None:
        row["citations"] = citations
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({
        "id": paper.id, "group": paper.group, "pdf": str(paper.pdf), "status": res.status,
        "gold": gold, "extracted": [{"text": r.text, "origin": r.origin} for r in refs],
        "pairs": a.pairs,
    }, ensure_ascii=False, indent=0), encoding="utf-8")
    return row

def failure_row(paper: Paper, f: Failure) -> dict[str, Any]:
    gold = paper.gold_references()
    return {
        "id": paper.id, "group": paper.group, "status": "failed", "pages": None, "seconds": f.seconds,
        "stage_seconds": {}, "failed_stage": f.kind, "error_code": None, "error_type": f.error_type, "error": f.message,
        "stage_errors": [], "n_gold": len(gold), "n_extracted": 0, "n_found": 0, "recall": 0.0 if gold else None,
        "precision": None, "by_origin": {}, "lenient": {"found": 0, "correct": 0, "extracted": 0}, "output": None,
    }


def reason(row: dict[str, Any]) -> str:
    """One line: why a document is partial or failed."""
    if row["status"] == "partial":
        return "; ".join(f"{e['stage']}: {e['error_type']}: {e['message'][:100]}" for e in row["stage_errors"])
    if row["status"] == "failed":
        code = f" {row['error_code']}" if row.get("error_code") else ""
        return f"{row['failed_stage']}: {row['error_type']}{code}: {(row['error'] or '')[:120]}"
    return ""


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 6) if b else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro and macro figures, origins, statuses and time of a set of per-document rows."""
    gold = sum(r["n_gold"] for r in rows)
    ext = sum(r["n_extracted"] for r in rows)
    found = sum(r["n_found"] for r in rows)
    recalls = [r["recall"] for r in rows if r["recall"] is not None]
    precisions = [r["precision"] for r in rows if r["precision"] is not None]
    origins: dict[str, dict[str, int]] = {}
    for r in rows:
        for o, c in r["by_origin"].items():
            t = origins.setdefault(o, {"extracted": 0, "matched": 0})
            t["extracted"] += c["extracted"]
            t["matched"] += c["matched"]
    for t in origins.values():
        t["precision"] = _ratio(t["matched"], t["extracted"])
    secs = [r["seconds"] for r in rows]
    len_found = sum(r["lenient"]["found"] for r in rows)
    len_correct = sum(r["lenient"]["correct"] for r in rows)
    len_ext = sum(r["lenient"]["extracted"] for r in rows)
    return {
        "papers": len(rows), "gold": gold, "extracted": ext, "found": found,
        "recall": _ratio(found, gold), "precision": _ratio(found, ext),
        "macro_recall": round(statistics.mean(recalls), 6) if recalls else None,
        "macro_precision": round(statistics.mean(precisions), 6) if precisions else None,
        "macro_precision_papers": len(precisions),
        "papers_without_references": sum(1 for r in rows if r["n_extracted"] == 0),
        "ids_without_references": [r["id"] for r in rows if r["n_extracted"] == 0],
        "by_origin": origins,
        "lenient_reference_list": {"found": len_found, "correct": len_correct, "extracted": len_ext,
                                   "recall": _ratio(len_found, gold), "precision": _ratio(len_correct, len_ext)},
        "status": dict(Counter(r["status"] for r in rows)),
        "pages": sum(r["pages"] or 0 for r in rows),
        "seconds_total": round(sum(secs), 1),
        "seconds_per_doc_mean": round(statistics.mean(secs), 2) if secs else None,
        "seconds_per_doc_median": round(statistics.median(secs), 2) if secs else None,
        "seconds_per_doc_max": round(max(secs), 2) if secs else None,
        "stage_seconds_total": {k: round(sum(r["stage_seconds"].get(k, 0.0) for r in rows), 1)
                                for k in dict.fromkeys(k for r in rows for k in r["stage_seconds"])},
    }


#: How the time table describes what ran, per extractor.
TIME_SCOPE = {"full": "whole pipeline including model inference",
              "references": "ingest, structure and citations only; no document written"}


def render(metrics: dict[str, Any], rows: list[dict[str, Any]], *, docs_file: str, extractor: str = "full") -> str:
    groups = metrics["groups"]
    names = list(groups) + (["all"] if len(groups) > 1 else [])
    get = lambda g: metrics["all"] if g == "all" else groups[g]  # noqa: E731
    parts = []
    parts.append(
        f"Reference strings: a gold string is found when an extracted string (any origin) matches it at "
        f"normalised `fuzz.ratio` >= {REFERENCE_THRESHOLD} (whitespace collapsed, lower case), one-to-one, "
        "greedy by score. Micro = over references; macro = mean over papers (precision over papers with at "
        "least one extracted string). Failed documents count with zero extracted strings."
    )
    parts.append(table(
        ["group", "papers", "gold refs", "extracted", "found", "recall", "precision", "macro recall", "macro precision",
         "papers with none extracted"],
        [[f"**{g}**" if g == "all" else g, get(g)["papers"], get(g)["gold"], get(g)["extracted"], get(g)["found"],
          pct(get(g)["recall"]), pct(get(g)["precision"]), pct(get(g)["macro_recall"]), pct(get(g)["macro_precision"]),
          get(g)["papers_without_references"]] for g in names],
    ))
    origins = sorted({o for g in names for o in get(g)["by_origin"]})
    parts.append("Extracted strings by origin (matched / extracted, precision):")
    parts.append(table(
        ["group", *origins],
        [[g, *[(f"{get(g)['by_origin'][o]['matched']} / {get(g)['by_origin'][o]['extracted']} "
                f"({pct(get(g)['by_origin'][o]['precision'])})" if o in get(g)["by_origin"] else "-") for o in origins]]
         for g in names],
    ))
    parts.append(
        "For comparison, the lenient rule of `tests/test_citations.py` (raw strings, reference-list strings "
        "only, a gold string is found when any extracted string matches it, and the other way round):"
    )
    parts.append(table(
        ["group", "recall", "precision"],
        [[g, pct(get(g)["lenient_reference_list"]["recall"]), pct(get(g)["lenient_reference_list"]["precision"])]
         for g in names],
    ))
    parts.append(f"Documents and time (seconds per document, {TIME_SCOPE[extractor]}):")
    parts.append(table(
        ["group", "ok", "partial", "failed", "pages", "total s", "mean s/doc", "median s/doc", "max s/doc"],
        [[g, get(g)["status"].get("ok", 0), get(g)["status"].get("partial", 0), get(g)["status"].get("failed", 0),
          get(g)["pages"], get(g)["seconds_total"], get(g)["seconds_per_doc_mean"], get(g)["seconds_per_doc_median"],
          get(g)["seconds_per_doc_max"]] for g in names],
    ))
    stages = metrics["all"]["stage_seconds_total"]
    if stages:
        parts.append("Document time by stage, all documents (s): " + ", ".join(f"{k} {v}" for k, v in stages.items()) + ".")
    bad = [r for r in rows if r["status"] != "ok"]
    if bad:
        parts.append("Documents that are not `ok`:\n\n" + "\n".join(
            f"- `{r['id']}` ({r['group']}): **{r['status']}** — {reason(r)}" for r in bad))
    else:
        parts.append("Every document is `ok`.")
    parts.append(f"Per-document rows: `{docs_file}`; misses of one paper: `python -m eval.inspect_refs ID`.")
    return "\n\n".join(parts)


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


def run_corpus(opts: Options, *, name: str, default_data: Path, folder_group: str | None = None,
               extractor: str = "full") -> Outcome:
    """Process the papers with ``extractor`` (:data:`EXTRACTORS`), save the rows as ``<name>_docs.jsonl``."""
    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}")
    data = opts.data or default_data
    papers = load_papers(data, group=opts.group, limit=opts.limit, folder_group=folder_group)
    if not papers:
        raise SystemExit(f"no papers in {data} (group={opts.group})")
    docs_dir = opts.cache_dir / "documents"
    by_id = {p.id: p for p in papers}
    done = 0

    def progress(key: str, value: Any) -> None:
        nonlocal done
        done += 1
        if not opts.verbose:
            return
        if isinstance(value, Failure):
            line = f"FAILED {value.kind}: {value.message[:80]}"
        else:
            line = (f"{value['status']:7} refs {value['n_found']}/{value['n_gold']} gold, {value['n_extracted']} extracted, "
                    f"{value['seconds']:.1f} s")
        print(f"[{name}] {done}/{len(papers)} {by_id[key].group}/{key}: {line}", file=sys.stderr, flush=True)

    results = run_all(
        evaluate_paper,
        [(p.id, (p.to_dict(), str(docs_dir), str(opts.cache_dir), extractor)) for p in papers],
        jobs=opts.jobs, timeout=opts.timeout, initializer=init_worker if extractor == "full" else None,
        initargs=(cpu_threads_per_worker(opts.jobs),), on_result=progress, describe_timeout=adapter.current_step,
    )
    rows = [failure_row(by_id[k], v) if isinstance(v, Failure) else v for k, v in results.items()]
    rows.sort(key=lambda r: (r["group"], r["id"]))
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    docs_file = opts.results_dir / f"{name}_docs.jsonl"
    docs_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    group_names = [g for g in dict.fromkeys(p.group for p in papers)]
    metrics = {
        "threshold": REFERENCE_THRESHOLD,
        "groups": {g: summarise([r for r in rows if r["group"] == g]) for g in group_names},
        "all": summarise(rows),
        "not_ok": [{"id": r["id"], "group": r["group"], "status": r["status"], "reason": reason(r)}
                   for r in rows if r["status"] != "ok"],
    }
    shown, data_shown = _relative(docs_file), _relative(Path(data))
    counts = ", ".join(f"{g} {metrics['groups'][g]['papers']}" for g in group_names)
    data_line = (f"{len(papers)} PDFs ({counts}), {metrics['all']['gold']} gold reference strings, "
                 f"{metrics['all']['pages']} pages; `{data_shown}`; {opts.jobs} worker(s), per-document limit {opts.timeout} s "
                 f"(whole run {format_seconds(metrics['all']['seconds_total'])} of document time)")
    return Outcome(metrics=metrics, markdown=render(metrics, rows, docs_file=str(shown), extractor=extractor), data=data_line,
                   files=[str(docs_file)])


@register("corpus", title="Documents and references, EXCITE corpus", order=10)
def run(opts: Options) -> Outcome:
    return run_corpus(opts, name="corpus", default_data=DEFAULT_CORPUS)
