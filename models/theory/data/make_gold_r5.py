"""Write ``gold/b02.jsonl`` from the round-5 labellers' file (kept outside the repository).

Run: ``python models/theory/data/make_gold_r5.py /work/theorydata/gold_r5.jsonl`` (project on ``PYTHONPATH``).

The 50 round-5 paragraphs are the project's own writing (one writer helper, five registers w09-w13, written for
issue 17), labelled blind by two labellers under ``docs/theory-codebook.md``. Only rows both labellers labelled
alike are kept (a disagreement, adjudicated or not, is left out, as for the round-4 written rows). All five
registers are one hand, so every row gets the source ``w09-w13``: the source split keeps them in one fold, as
leave-one-writer-out requires (the register stays in ``register``). Dimensions are those both labellers ticked;
where they do not fit the label (codebook §1) they are written as null, so the passage trains the theory head
but not the dimension classifiers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.theory.data import DATA_DIR, _check, load_jsonl

SOURCE = "w09-w13"  # one hand, five registers (the writer's note): one group in the source split
REGISTERS = {"w09": "journal_article", "w10": "think_tank_report", "w11": "news_analysis", "w12": "textbook",
             "w13": "lecture_notes"}


def convert(src: Path, out: Path = DATA_DIR / "gold" / "b02.jsonl") -> dict:
    kept, left = [], 0
    for r in load_jsonl(src):
        if r.get("label_A") is None or not (r["label_A"] == r["label_B"] == r.get("label")):
            left += 1
            continue
        dims = r.get("dimensions")
        try:
            _check(r["label"], dims, f"{src.name}: {r['id']}")
        except ValueError:
            dims = None
        kept.append({"id": f"b02-{r['id']}", "source": SOURCE, "register": REGISTERS.get(r["source"], r["source"]),
                     "writer_source": r["source"], "text": r["text"], "label": r["label"], "dimensions": dims,
                     "label_A": r["label_A"], "label_B": r["label_B"]})
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(k, ensure_ascii=False) + "\n" for k in kept), encoding="utf-8")
    tmp.replace(out)
    return {"kept": len(kept), "left_out": left, "dims_null": sum(k["dimensions"] is None for k in kept)}


if __name__ == "__main__":
    print(convert(Path(sys.argv[1])))
