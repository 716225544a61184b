"""The step both written-gold converters share: keep the rows two blind labellers labelled alike.

A row is kept when labeller A, labeller B and the merged label agree (a disagreement, adjudicated or not, is
left out); dimensions both ticked are kept where they fit the label (codebook §1), else written as null, so the
passage trains the theory head but not the dimension classifiers. ``make_gold_r5.py`` and ``make_gold_r6.py``
differ only in how a row's source group and register are named.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pipeline.theory.data import _check, load_jsonl


def write_agreed(src: Path, out: Path, prefix: str, source: Callable[[dict], str],
                 register: Callable[[dict], str | None]) -> dict:
    """Write the agreed rows of the labellers' file ``src`` to ``out`` (atomically); return counts."""
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
        kept.append({"id": f"{prefix}-{r['id']}", "source": source(r), "register": register(r),
                     "writer_source": r["source"], "text": r["text"], "label": r["label"], "dimensions": dims,
                     "label_A": r["label_A"], "label_B": r["label_B"]})
    tmp = out.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(k, ensure_ascii=False) + "\n" for k in kept), encoding="utf-8")
    tmp.replace(out)
    return {"kept": len(kept), "left_out": left, "dims_null": sum(k["dimensions"] is None for k in kept),
            "sources": sorted({k["source"] for k in kept})}
