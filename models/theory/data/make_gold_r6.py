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

import sys
from pathlib import Path

from models.theory.data.agreed import write_agreed
from pipeline.theory.data import DATA_DIR, load_jsonl

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
    reg = _registers(src)
    return write_agreed(src, out, PREFIX, source=lambda r: r["source"],
                        register=lambda r: r.get("register") or reg.get(r["id"]))


if __name__ == "__main__":
    print(convert(Path(sys.argv[1])))
