"""Error analysis of reference extraction.

``python -m eval.inspect_refs ID`` prints, for one paper, the gold strings that were not found (with the
best extracted candidate and its score) and the extracted strings that match no gold string. It reads
what the last ``corpus`` run kept in ``.cache/eval/references/ID.json``; ``--rerun`` extracts the
references again (ingest, structure, citations only).

``python -m eval.inspect_refs --summary [--group G]`` sorts every miss of the last run into error kinds
(:func:`miss_kind`, :func:`spurious_kind`) and prints counts with an example each.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from eval.matching import REFERENCE_THRESHOLD, assign, normalise, score_matrix
from eval.registry import CACHE_DIR


def load_cached(paper_id: str, cache_dir: Path = CACHE_DIR) -> dict[str, Any] | None:
    path = cache_dir / "references" / f"{paper_id}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def rerun(paper_id: str) -> dict[str, Any]:
    from eval import adapter
    from eval.datasets import find_paper

    paper = find_paper(paper_id)
    res = adapter.extract_references(paper.pdf)
    return {"id": paper.id, "group": paper.group, "pdf": str(paper.pdf), "status": res.status,
            "gold": paper.gold_references(),
            "extracted": [{"text": r.text, "origin": r.origin} for r in adapter.reference_strings(res.doc)]}


def _word_diff(gold: str, cand: str) -> tuple[int, int]:
    """(longest run of candidate words missing from the gold, longest run of gold words missing from the candidate)."""
    g, c = normalise(gold).split(), normalise(cand).split()
    inserted = deleted = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=g, b=c, autojunk=False).get_opcodes():
        if op in ("insert", "replace"):
            inserted = max(inserted, j2 - j1)
        if op in ("delete", "replace"):
            deleted = max(deleted, i2 - i1)
    return inserted, deleted


def miss_kind(gold: str, cand: dict[str, str] | None, score: float) -> str:
    """Why a gold string was not found, judged from its best candidate.

    Kinds: ``nothing extracted``; ``inside a longer footnote`` / ``merged with other text`` (the gold is
    a part of a much longer candidate); ``split into pieces`` (the candidate is a part of the gold);
    ``glued words`` (equal or close once spaces are removed, but the candidate lost spaces: a text layer
    without word spaces); ``extra text inside`` (the candidate has a run of 3+ words the gold lacks:
    running heads, page numbers, a neighbour's words); ``text missing`` (3+ gold words lacking);
    ``characters differ`` (hyphenation, ligatures, quotes, symbols); ``not extracted`` (no candidate
    is close).
    """
    if cand is None:
        return "nothing extracted"
    g, c = normalise(gold), normalise(cand["text"])
    if len(c) > 1.3 * len(g) and fuzz.partial_ratio(g, c) >= 90:
        return "inside a longer footnote" if cand["origin"] == "footnote" else "merged with other text"
    if len(c) < 0.77 * len(g) and fuzz.partial_ratio(c, g) >= 90:
        return "split into pieces"
    g0, c0 = g.replace(" ", ""), c.replace(" ", "")
    lost_spaces = c.count(" ") < 0.85 * g.count(" ") * len(c0) / max(1, len(g0))
    if lost_spaces and fuzz.ratio(g0, c0) >= 60:
        return "glued words"
    if score < 0.6:
        return "not extracted"
    inserted, deleted = _word_diff(gold, cand["text"])
    if inserted >= 3 and inserted >= deleted:
        return "extra text inside"
    if deleted >= 3:
        return "text missing"
    return "characters differ"


def spurious_kind(text: str, origin: str, gold: list[str], best: float) -> str:
    """Why an extracted string matches no gold string."""
    t = normalise(text)
    parts = sum(1 for g in gold if len(g) < len(text) and fuzz.partial_ratio(normalise(g), t) >= 90)
    if parts >= 2:
        return "several gold references in one string"
    if parts == 1:
        return "a gold reference with more text" + (" (footnote)" if origin == "footnote" else "")
    if any(len(text) < 0.77 * len(g) and fuzz.partial_ratio(t, normalise(g)) >= 90 for g in gold):
        return "a piece of a gold reference"
    if best >= 0.6:
        return "near miss (see the gold side)"
    return "footnote that is no listed reference" if origin == "footnote" else "not a reference (text, heading, notes)"


#: groups whose papers have an end-of-paper list (de-footnote papers have references in footnotes only)
LIST_GROUPS = {"en", "de-end", "de-mixed", "dev"}


def analyse(rec: dict[str, Any], threshold: float = REFERENCE_THRESHOLD) -> dict[str, Any]:
    """Misses and unmatched extracted strings of one paper, each with its kind.

    A paper with an end-of-paper list from which no ``reference_list`` string was extracted gets the
    paper-level kind ``reference list not found`` for its misses.
    """
    gold, ext = rec["gold"], rec["extracted"]
    list_lost = rec["group"] in LIST_GROUPS and not any(e["origin"] == "reference_list" for e in ext)
    texts = [e["text"] for e in ext]
    a = assign(gold, texts, threshold=threshold)
    gm, em = a.gold_matched(), a.extracted_matched()
    scores = score_matrix(gold, texts) if gold and texts else None
    misses, spurious = [], []
    for gi, g in enumerate(gold):
        if gi in gm:
            continue
        if scores is None:
            kind = "reference list not found" if list_lost and rec.get("status") != "failed" else miss_kind(g, None, 0.0)
            misses.append({"gold": g, "best": None, "score": 0.0, "kind": kind})
            continue
        # the best candidate by similarity, or a much longer/shorter string that holds the gold
        ei = int(scores[gi].argmax())
        s = float(scores[gi, ei])
        if s < threshold:
            part = max(range(len(texts)), key=lambda j: fuzz.partial_ratio(normalise(g), normalise(texts[j])))
            if fuzz.partial_ratio(normalise(g), normalise(texts[part])) >= 90 and part != ei and s < 0.75:
                ei, s = part, float(scores[gi, part])
        kind = "reference list not found" if list_lost else miss_kind(g, ext[ei], s)
        misses.append({"gold": g, "best": ext[ei], "score": round(s, 3), "kind": kind})
    for ei, e in enumerate(ext):
        if ei in em:
            continue
        best = float(scores[:, ei].max()) if scores is not None and len(gold) else 0.0
        spurious.append({"text": e["text"], "origin": e["origin"], "score": round(best, 3),
                         "kind": spurious_kind(e["text"], e["origin"], gold, best)})
    return {"assignment": a, "misses": misses, "spurious": spurious}


def print_paper(rec: dict[str, Any], *, width: int = 220) -> None:
    res = analyse(rec)
    a = res["assignment"]
    cut = lambda s: s if len(s) <= width else s[:width] + "…"  # noqa: E731
    print(f"{rec['group']}/{rec['id']} ({rec.get('status')}): {a.found} of {a.n_gold} gold found, "
          f"{a.found} of {a.n_extracted} extracted matched; {rec.get('pdf', '')}")
    print(f"\n== gold strings not found ({len(res['misses'])})")
    for m in res["misses"]:
        print(f"\n[{m['kind']}] gold: {cut(m['gold'])}")
        if m["best"] is not None:
            print(f"  best {m['score']:.2f} ({m['best']['origin']}): {cut(m['best']['text'])}")
    print(f"\n== extracted strings with no gold match ({len(res['spurious'])})")
    for s in res["spurious"]:
        print(f"\n[{s['kind']}] ({s['origin']}, best {s['score']:.2f}): {cut(s['text'])}")


def summary(cache_dir: Path, group: str | None, ids: set[str] | None = None) -> None:
    kinds: Counter = Counter()
    skinds: Counter = Counter()
    examples: dict[str, list] = defaultdict(list)
    sexamples: dict[str, list] = defaultdict(list)
    per_group: dict[str, Counter] = defaultdict(Counter)
    for path in sorted((cache_dir / "references").glob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        if (group and rec["group"] != group) or (ids is not None and rec["id"] not in ids):
            continue
        res = analyse(rec)
        for m in res["misses"]:
            kinds[m["kind"]] += 1
            per_group[rec["group"]][m["kind"]] += 1
            examples[m["kind"]].append((rec["id"], m))
        for s in res["spurious"]:
            skinds[s["kind"]] += 1
            sexamples[s["kind"]].append((rec["id"], s))
    print(f"gold strings not found: {sum(kinds.values())}")
    for k, n in kinds.most_common():
        pid, m = examples[k][len(examples[k]) // 2]
        print(f"\n{n:5}  {k}   by group: {dict((g, c[k]) for g, c in per_group.items() if c[k])}")
        print(f"       e.g. {pid}: gold: {m['gold'][:160]}")
        if m["best"]:
            print(f"            best {m['score']:.2f}: {m['best']['text'][:160]}")
    print(f"\nextracted strings with no gold match: {sum(skinds.values())}")
    for k, n in skinds.most_common():
        pid, s = sexamples[k][len(sexamples[k]) // 2]
        print(f"\n{n:5}  {k}\n       e.g. {pid} ({s['origin']}): {s['text'][:160]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.inspect_refs", description=__doc__.split("\n\n")[0])
    ap.add_argument("ids", nargs="*", metavar="ID")
    ap.add_argument("--rerun", action="store_true", help="extract the references again instead of reading the cache")
    ap.add_argument("--summary", action="store_true", help="error kinds over every cached paper (or the IDs given)")
    ap.add_argument("--group", default=None)
    ap.add_argument("--cache", type=Path, default=CACHE_DIR)
    args = ap.parse_args(argv)
    if args.summary:
        summary(args.cache, args.group, set(args.ids) if args.ids else None)
        return 0
    if not args.ids:
        ap.error("give a paper id, or --summary")
    for pid in args.ids:
        rec = None if args.rerun else load_cached(pid, args.cache)
        if rec is None:
            print(f"(no cached extraction of {pid}: extracting now)", file=sys.stderr)
            rec = rerun(pid)
        print_paper(rec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
