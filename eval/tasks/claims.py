"""Task ``claims``: does the support stage tell a supported claim from a wrong or unsupported one?

Data: ``eval/data/claims/`` (how it was made and who labelled it: its README). 110 claims against 19
sources: 102 written by hand against 15 readable sources (14 pages written for the set, news-, report- and
paper-style, HTML and plain text, and a 26-page PDF of the development corpus), about a third each
``supported``, ``partial`` (one number, year, actor or negation changed) and ``not_found`` (a claim on the
same topic that the source does not make); and 8 ``unverifiable`` against sources nobody can read (HTTP 403,
HTTP 404, an empty JavaScript shell, a book without URL). The sources are split: ``dev`` (11 sources, 61
claims) is where the thresholds were chosen, ``test`` (8 sources, 49 claims) was not tuned on (the first 17
sources were split by hand; sources added later go by the parity of the SHA-256 of their file name; what was
read of the test split and when: the README's history).

What runs is what a user runs: the claims are written into articles (markdown, footnotes with URLs for
news-style sources, author-year citations with a reference list for the others), the sources are served
by a real HTTP server on 127.0.0.1 (pytest-httpserver), and the articles go through the pipeline and the
real ``fetch-sources`` flow, which fetches, processes and checks. Each claim's citation is found in the
processed article and its ``support.status`` compared with the gold label.

Metrics per split: precision and recall of each status, of three classes (supported / not supported /
not checkable), the confusion matrix, and the recall of "flagged" (gold ``partial`` or ``not_found``
predicted as ``partial`` or ``not_found``): a claim that is not fully supported must not get a green mark.
Beside them: a baseline that uses the retrieval score alone (one threshold, no checks), and a sweep of the
verdict's thresholds on ``dev`` (the verdict rule replayed on each claim's recorded score and checks, which
do not depend on the thresholds).
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

from eval import adapter
from eval.registry import ROOT, Options, Outcome, register
from eval.report import pct, table

DATA = Path(__file__).resolve().parent.parent / "data" / "claims"
STATUSES = ("supported", "partial", "not_found", "unverifiable")
MEDIA = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf"}
SECTIONS = ("Energy and trade", "Security and diplomacy", "Institutions and finance", "Assessments")


def load_set(data: Path = DATA) -> tuple[list[dict], list[dict]]:
    sources = json.loads((data / "sources.json").read_text(encoding="utf-8"))
    claims = [json.loads(line) for line in (data / "claims.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return sources, claims


def source_bytes(src: dict, data: Path = DATA) -> bytes:
    path = ROOT / src["path"] if src.get("path") else data / "sources" / src["file"]
    return path.read_bytes()


@contextlib.contextmanager
def serve(sources: list[dict], data: Path = DATA) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving every source at ``/<file>``; yields its base URL."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0)
    server.no_handler_status_code = 404  # no robots.txt: allowed (RFC 9309)
    for src in sources:
        if src.get("no_url"):
            continue  # cited without a URL: nothing to serve
        server.expect_request(f"/{src['file']}").respond_with_data(
            source_bytes(src, data), status=src.get("serve_status", 200), content_type=MEDIA[Path(src["file"]).suffix])
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def _sentence(claim: dict, src: dict, marker: str) -> str:
    body = claim["claim"].rstrip().rstrip(".")
    if src["style"] == "author_year":
        return f"{body} ({src['author']} {src['year']})."
    return f"{body}.{marker}"


def build_article(claims: list[dict], sources: dict[str, dict], base_url: str, title: str, seed: int = 7) -> str:
    """A markdown article citing every claim's source: footnotes (with the URL, and the claim's footnote
    commentary) for footnote-style sources, author-year citations and a reference list for the others.
    The claims are shuffled (seeded) into paragraphs of three or four sentences under a few headings."""
    order = list(claims)
    random.Random(seed).shuffle(order)
    notes: list[str] = []
    paragraphs: list[list[str]] = []
    for i, c in enumerate(order):
        src = sources[c["source"]]
        marker = ""
        if src["style"] == "footnote":
            n = len(notes) + 1
            marker = f"<sup>{n}</sup>"
            lead = (c["footnote_comment"].rstrip(".") + ". See ") if c.get("footnote_comment") else ""
            notes.append(f"<sup>{n}</sup> {lead}{src['author']}, \"{src['title']},\" {src['outlet']}, {src['date']}, "
                         f"{base_url}/{src['file']}.")
        if not paragraphs or len(paragraphs[-1]) >= 3 + (i % 2):
            paragraphs.append([])
        paragraphs[-1].append(_sentence(c, src, marker))
    lines = [f"# {title}", "", "# Introduction", "",
             "This article reviews the record of cooperation between Russia and Iran and the sources that document it.", ""]
    per_section = max(1, -(-len(paragraphs) // len(SECTIONS)))
    for k, para in enumerate(paragraphs):
        if k % per_section == 0:
            lines += [f"# {SECTIONS[min(k // per_section, len(SECTIONS) - 1)]}", ""]
        lines += [" ".join(para), ""]
    if notes:  # the notes before the reference list, as converters of footnoted articles write them
        lines += [*(n + "\n" for n in notes)]
    cited = {c["source"] for c in claims}
    refs = [s for s in sources.values() if s["file"] in cited and s["style"] == "author_year"]
    if refs:
        lines += ["# References", ""]
        for s in sorted(refs, key=lambda s: s["author"]):
            url = "" if s.get("no_url") else f" {base_url}/{s['file']}"
            lines += [f"{s['author']}, {s.get('initials', 'A.')} ({s['year']}). {s['title']}. {s['outlet']}.{url}", ""]
    return "\n".join(lines) + "\n"


def match_claims(text: str, records: list[dict], claims: list[dict], sources: dict[str, dict]) -> dict[str, dict | None]:
    """claim id -> the citation record that cites it (None when the pipeline lost the citation)."""
    out: dict[str, dict | None] = {}
    for c in claims:
        body = c["claim"].rstrip().rstrip(".")
        pos = text.find(body)
        kind = "author_year" if sources[c["source"]]["style"] == "author_year" else "footnote"
        hit = None
        if pos >= 0:
            lo, hi = pos, pos + len(body) + 40
            hits = [r for r in records if r["kind"] == kind and lo <= r["start"] <= hi]
            hit = hits[0] if hits else None
        out[c["id"]] = hit
    return out


def metrics(rows: list[dict]) -> dict[str, Any]:
    """Precision and recall per status, flagged recall, accuracy and the confusion matrix of rows
    ``{gold, predicted}``."""
    out: dict[str, Any] = {"n": len(rows), "per_status": {}, "confusion": {}}
    for s in STATUSES:
        tp = sum(1 for r in rows if r["gold"] == s and r["predicted"] == s)
        pred = sum(1 for r in rows if r["predicted"] == s)
        gold = sum(1 for r in rows if r["gold"] == s)
        if gold or pred:
            out["per_status"][s] = {"gold": gold, "predicted": pred, "correct": tp,
                                    "precision": tp / pred if pred else None, "recall": tp / gold if gold else None}
    bad = ("partial", "not_found")
    flagged_gold = [r for r in rows if r["gold"] in bad]
    out["flagged_recall"] = (sum(1 for r in flagged_gold if r["predicted"] in bad) / len(flagged_gold)
                             if flagged_gold else None)
    out["accuracy"] = sum(1 for r in rows if r["gold"] == r["predicted"]) / len(rows) if rows else None
    coarse = {"supported": "supported", "partial": "not supported", "not_found": "not supported",
              "unverifiable": "not checkable", None: "lost"}
    out["coarse"] = {}
    for k in ("supported", "not supported", "not checkable"):
        tp = sum(1 for r in rows if coarse[r["gold"]] == k and coarse[r["predicted"]] == k)
        pred = sum(1 for r in rows if coarse[r["predicted"]] == k)
        gold = sum(1 for r in rows if coarse[r["gold"]] == k)
        out["coarse"][k] = {"gold": gold, "predicted": pred, "correct": tp,
                            "precision": tp / pred if pred else None, "recall": tp / gold if gold else None}
    out["coarse_accuracy"] = (sum(1 for r in rows if coarse[r["gold"]] == coarse[r["predicted"]]) / len(rows)
                              if rows else None)
    for g in STATUSES:
        if not any(r["gold"] == g for r in rows):
            continue
        out["confusion"][g] = {p: sum(1 for r in rows if r["gold"] == g and r["predicted"] == p)
                               for p in STATUSES}
        out["confusion"][g]["lost"] = sum(1 for r in rows if r["gold"] == g and r["predicted"] is None)
    return out


def run_set(work: Path, splits: tuple[str, ...] = ("dev", "test"), data: Path = DATA,
            settings_overrides: dict | None = None) -> dict[str, Any]:
    """Serve the sources, write one article per split, run the pipeline and fetch-sources; one row per
    claim. Needs a Prefect API (run inside ``prefect_test_harness`` or a server)."""
    sources_list, claims = load_set(data)
    sources = {s["file"]: s for s in sources_list}
    work.mkdir(parents=True, exist_ok=True)
    out_dir = work / "out"
    with serve(sources_list, data) as base:
        settings = adapter.support_settings(
            corpus_dir=str(work / "corpus"), fetch_allowed_hosts=["127.0.0.1", "localhost"], fetch_host_delay=0.0,
            fetch_respect_robots=False, fetch_probe_url="http://127.0.0.1:9", fetch_retries=1,
            **(settings_overrides or {}))
        articles = {}
        for split in splits:
            chosen = [c for c in claims if c["split"] == split]
            path = work / f"article-{split}.md"
            path.write_text(build_article(chosen, sources, base, f"Russia and Iran: the record ({split} set)"),
                            encoding="utf-8")
            articles[split] = path
        result = adapter.process_and_fetch(list(articles.values()), out_dir, settings)
    rows = []
    for split, doc_json in zip(articles, result["documents"]):
        doc = adapter.load_document(doc_json)
        records = adapter.citation_support(doc)
        chosen = [c for c in claims if c["split"] == split]
        found = match_claims(doc.text, records, chosen, sources)
        for c in chosen:
            r = found[c["id"]]
            rows.append({"id": c["id"], "split": split, "source": c["source"], "gold": c["label"],
                         "predicted": r["status"] if r else None, "score": r["score"] if r else None,
                         "reason": r["reason"] if r else "citation not found", "claim": c["claim"],
                         "checked_claim": r["claim"] if r else None, "checks": r["checks"] if r else [],
                         "evidence": (r["evidence"] or [None])[0] if r else None, "doc_json": doc_json})
    return {"rows": rows, "summary": result["summary"], "output_dir": str(out_dir)}


# The sweep's grid (the verdict's three thresholds, pipeline/settings.py ``support_*``): steps small
# enough that the dev set (48 scored claims) cannot tell neighbours apart.
GRID_MIN = [round(0.40 + 0.02 * i, 2) for i in range(23)]        # support_min_score 0.40-0.84
GRID_LOW = [round(0.25 + 0.05 * i, 2) for i in range(9)]         # support_related / _partial / _anchored 0.25-0.65
THRESHOLDS = ("support_related_score", "support_partial_score", "support_anchored_score", "support_min_score")
# The bar for a green mark: a researcher must be able to trust ``supported``.
TARGET_SUPPORTED_PRECISION = 0.90
SCORED = ("supported", "partial", "not_found")


def replay(rows: list[dict], settings: Any) -> list[dict]:
    """Rows with ``predicted`` recomputed by the stage's verdict rule under ``settings`` (rows the stage
    could not score, unverifiable or lost, keep theirs)."""
    return [dict(r, predicted=adapter.replay_status(r["score"], r["checks"], settings))
            if r["predicted"] in SCORED else r for r in rows]


def _fast(rows: list[dict]) -> list[dict]:
    """Rows whose checks are already the pipeline's records (converted once for the sweep)."""
    return [dict(r, checks=adapter.check_records(r["checks"])) for r in rows]


def _objective(m: dict) -> tuple:
    sup = m["per_status"].get("supported", {})
    ok = sup.get("precision") is not None and sup["precision"] >= TARGET_SUPPORTED_PRECISION
    return (ok, m["accuracy"] or 0.0, m["flagged_recall"] or 0.0, sup.get("recall") or 0.0)


def sweep(dev: list[dict], base: Any) -> dict[str, Any]:
    """The thresholds that maximise dev accuracy among those whose ``supported`` precision reaches the
    target (then flagged recall, then supported recall); ties keep the first (lowest) values."""
    from types import SimpleNamespace

    best = None
    rows = _fast(dev)
    for lo in GRID_LOW:
        for part in [p for p in GRID_LOW if p >= lo]:
            for anch in [a for a in GRID_LOW if a >= part]:
                for hi in [h for h in GRID_MIN if h >= anch]:
                    values = dict(zip(THRESHOLDS, (lo, part, anch, hi)))
                    key = _objective(metrics(replay(rows, SimpleNamespace(**values))))
                    if best is None or key > best[0]:
                        best = (key, values)
    return {"thresholds": best[1], "meets_target": best[0][0]}


def baseline(rows: list[dict], threshold: float) -> list[dict]:
    """Retrieval score only: ``supported`` at or above ``threshold``, ``not_found`` below; no checks, so
    never ``partial`` (unverifiable and lost rows as the stage gave them: that needs no score)."""
    return [dict(r, predicted="supported" if r["score"] >= threshold else "not_found")
            if r["predicted"] in SCORED else r for r in rows]


def baseline_threshold(dev: list[dict]) -> float:
    """The baseline's threshold: best dev accuracy over the ``support_min_score`` grid."""
    return max(GRID_MIN, key=lambda t: (metrics(baseline(dev, t))["accuracy"] or 0.0, -t))


@register("claims", title="Claim support: does the cited source say so?", order=40)
def run(opts: Options) -> Outcome:
    from prefect.testing.utilities import prefect_test_harness

    data = opts.data or DATA
    work = Path(tempfile.mkdtemp(prefix="claims-", dir=opts.cache_dir if opts.cache_dir.exists() else None))
    try:
        with prefect_test_harness(server_startup_timeout=180):
            result = run_set(work, data=data)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = result["rows"]
    opts.results_dir.mkdir(parents=True, exist_ok=True)
    rows_path = opts.results_dir / "claims_rows.jsonl"
    rows_path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "doc_json"}, ensure_ascii=False) + "\n"
                                 for r in rows), encoding="utf-8")
    by = {split: [r for r in rows if r["split"] == split] for split in ("dev", "test")}
    m: dict[str, Any] = {split: metrics(by[split]) for split in ("dev", "test")}
    settings = adapter.support_settings()
    m["settings"] = {k: getattr(settings, k) for k in (*THRESHOLDS, "support_dense_weight")}
    t = baseline_threshold(by["dev"])
    m["baseline"] = {"threshold": t, **{split: metrics(baseline(by[split], t)) for split in ("dev", "test")}}
    sw = sweep(by["dev"], settings)
    tuned = settings.model_copy(update=sw["thresholds"])
    m["sweep"] = {**sw, **{split: metrics(replay(by[split], tuned)) for split in ("dev", "test")}}
    return Outcome(metrics=m, markdown=render(m), data=f"{len(rows)} claims ({m['dev']['n']} dev, {m['test']['n']} test) "
                   f"against {len({r['source'] for r in rows})} sources served on 127.0.0.1", files=[str(rows_path)])


def _status_table(mm: dict) -> str:
    return table(["status", "gold", "predicted", "correct", "precision", "recall"],
                 [[s, v["gold"], v["predicted"], v["correct"], pct(v["precision"]), pct(v["recall"])]
                  for s, v in mm["per_status"].items()])


def render(m: dict[str, Any]) -> str:
    st = m["settings"]
    parts = ["Settings in force: " + ", ".join(f"`{k}` {v}" for k, v in st.items())
             + ". Gold labels and who made them: `eval/data/claims/README.md`.\n"]
    for split in ("test", "dev"):
        mm = m[split]
        label = "Test split (never tuned on)" if split == "test" else "Development split (thresholds chosen here)"
        parts.append(f"**{label}**: {mm['n']} claims, accuracy {pct(mm['accuracy'])}, "
                     f"not_found + partial recall (flagged as either) {pct(mm['flagged_recall'])}.\n")
        parts.append(_status_table(mm))
        parts.append("\nThree classes (partial and not_found together as *not supported*; unverifiable as *not "
                     f"checkable*), accuracy {pct(mm['coarse_accuracy'])}:\n")
        parts.append(table(["class", "gold", "predicted", "correct", "precision", "recall"],
                           [[k, v["gold"], v["predicted"], v["correct"], pct(v["precision"]), pct(v["recall"])]
                            for k, v in mm["coarse"].items()]))
        parts.append("\nConfusion (rows gold, columns predicted):\n")
        parts.append(table(["gold \\ predicted", *STATUSES, "lost"],
                           [[g, *(row[p] for p in STATUSES), row["lost"]] for g, row in mm["confusion"].items()]))
        parts.append("")
    b = m["baseline"]
    parts.append(f"**Baseline: retrieval score only** (`supported` when the best evidence score is at least "
                 f"{b['threshold']}, the dev-best threshold, else `not_found`; no number, year or actor checks, so "
                 "never `partial`; unverifiable as the stage says, which needs no score):\n")
    parts.append(table(["split", "accuracy", "supported precision", "supported recall", "flagged recall",
                        "3-class accuracy"],
                       [[split, pct(b[split]["accuracy"]), pct(b[split]["per_status"].get("supported", {}).get("precision")),
                         pct(b[split]["per_status"].get("supported", {}).get("recall")), pct(b[split]["flagged_recall"]),
                         pct(b[split]["coarse_accuracy"])] for split in ("test", "dev")]))
    sw = m["sweep"]
    th = ", ".join(f"`{k}` {v}" for k, v in sw["thresholds"].items())
    parts.append(f"\n**Threshold sweep on dev** (the verdict rule replayed on the recorded scores and checks; best "
                 f"dev accuracy with supported precision >= {TARGET_SUPPORTED_PRECISION:.0%}"
                 f"{'' if sw['meets_target'] else ' (not reachable: best accuracy shown)'}): {th}.\n")
    parts.append(table(["split", "accuracy", "supported precision", "supported recall", "flagged recall"],
                       [[split, pct(sw[split]["accuracy"]), pct(sw[split]["per_status"].get("supported", {}).get("precision")),
                         pct(sw[split]["per_status"].get("supported", {}).get("recall")), pct(sw[split]["flagged_recall"])]
                        for split in ("test", "dev")]))
    return "\n".join(parts) + "\n"
