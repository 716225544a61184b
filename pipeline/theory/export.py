"""Theory labels to a CSV a person corrects in a spreadsheet, read back by ``train-theory --add``."""

from __future__ import annotations

import csv
from pathlib import Path

from pipeline.theory.data import YOUR_DIMENSIONS, YOUR_LABEL
from pipeline.theory.labels import DIMENSIONS, THEORIES, shown_label, theories_of

COLUMNS = ["doc_id", "passage_id", "section", "text", "label", "model_label", "abstained",
           "score_new_world_order", "score_complex_interdependence", "dimensions", YOUR_LABEL, YOUR_DIMENSIONS]


def write_label_csv(docs, path: Path) -> int:
    """One row per classified body passage: the shown label ("uncertain" when abstained), the model's
    guess, scores, the dimensions scored 0.5 or more for the theories of the guess, and empty columns
    ``your_label`` and ``your_dimensions`` (``;``-separated ids) for the person."""
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for doc in docs:
            sections = {s.id: s.heading for s in doc.sections}
            for p in doc.passages:
                th = p.theory
                if p.kind != "body" or th is None:
                    continue
                dims = [d for t in theories_of(th.label) for d in DIMENSIONS[t] if th.dimensions.get(d, 0.0) >= 0.5]
                w.writerow([doc.doc_id, p.id, sections.get(p.section_id or "", ""), p.text,
                            shown_label(th.label, th.abstained), th.label, str(th.abstained).lower(),
                            th.scores.get(THEORIES[0], ""), th.scores.get(THEORIES[1], ""), ";".join(dims), "", ""])
                n += 1
    return n
