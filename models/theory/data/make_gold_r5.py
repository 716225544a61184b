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

import sys
from pathlib import Path

from models.theory.data.agreed import write_agreed
from pipeline.theory.data import DATA_DIR

SOURCE = "w09-w13"  # one hand, five registers (the writer's note): one group in the source split
REGISTERS = {"w09": "journal_article", "w10": "think_tank_report", "w11": "news_analysis", "w12": "textbook",
             "w13": "lecture_notes"}


def convert(src: Path, out: Path = DATA_DIR / "gold" / "b02.jsonl") -> dict:
    return write_agreed(src, out, "b02", source=lambda r: SOURCE,
                        register=lambda r: REGISTERS.get(r["source"], r["source"]))


if __name__ == "__main__":
    print(convert(Path(sys.argv[1])))
