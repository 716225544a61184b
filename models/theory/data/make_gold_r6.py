"""Write ``gold/b03.jsonl`` from the round-6 labellers' file (kept outside the repository).

Run: ``python -m models.theory.data.make_gold_r6 /work/theorydata/gold_r6.jsonl`` (project on ``PYTHONPATH``).

The round-6 paragraphs are the project's own writing, by two writer helpers (sources ``w14`` and ``w15``) asked
for the register of published scholarship (implicit, hedged, citing), labelled blind by two labellers under
``docs/theory-codebook.md``. As in round 5 (``make_gold_r5.py``), only rows both labellers labelled alike are
kept, and dimensions that do not fit the label (codebook §1) are written as null. Unlike round 5 there are two
hands, so each writer is its own source: leave-one-writer-out keeps a writer's paragraphs in one fold and still
lets the other writer be held out separately. The register, when the writer's file gives one, is copied from it
(``written_r6_<writer>.jsonl`` beside the labellers' file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.theory.data import DATA_DIR, _check, load_jsonl

PREFIX = "b03"


def _registers(src: Path) -> dict[str, str]:
    """Writer's id -> register, from the writers' files beside ``src`` (absent files give nothing)."""
    out = {}
    for p in sorted(src.parent.glob("written_r6_w*.jsonl")):
        if p.name.endswith(".intended.jsonl"):
            continue
        for r in load_jsonl(p):
            if r.get("register"):
                out[r["id"]] = r["register"]
    return out


def convert(src: Path, out: Path = DATA_DIR / "gold" / f"{PREFIX}.jsonl") -> dict:
    kept, left = [], 0
    reg = _registers(src)
    for r in load_jsonl(src):
        if r.get("label_A") is None or not (r["label_A"] == r["label_B"] == r.get("label")):
            left += 1
            continue
        dims = r.get("dimensions")
        try:
            _check(r["label"], dims, f"{src.name}: {r['id']}")
        except ValueError:
            dims = None
        kept.append({"id": f"{PREFIX}-{r['id']}", "source": r["source"], "register": r.get("register") or reg.get(r["id"]),
                     "writer_source": r["source"], "text": r["text"], "label": r["label"], "dimensions": dims,
                     "label_A": r["label_A"], "label_B": r["label_B"]})
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(k, ensure_ascii=False) + "\n" for k in kept), encoding="utf-8")
    tmp.replace(out)
    return {"kept": len(kept), "left_out": left, "dims_null": sum(k["dimensions"] is None for k in kept),
            "sources": sorted({k["source"] for k in kept})}


if __name__ == "__main__":
    print(convert(Path(sys.argv[1])))
