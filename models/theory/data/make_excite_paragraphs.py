"""Draw real paragraphs from the English papers of the EXCITE corpus, for the theory data.

Social science that is mostly not IR theory: the classifier's hardest realistic negatives
(and the occasional positive). Paragraphs are the pipeline's own body passages of 60-250
words, two at most per paper, drawn with a fixed seed. Run from the repository root:

    python models/theory/data/make_excite_paragraphs.py > models/theory/data/excite_paragraphs.jsonl
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

from pipeline.process import assemble, ingest

# the shared data folder beside the repository (run from the repository root)
CORPUS = Path("../shared/data/excite-corpus")
SEED = 20261129
PER_PAPER = 2
MIN_WORDS, MAX_WORDS = 60, 250


def main() -> None:
    rng = random.Random(SEED)
    rows = [r for r in csv.DictReader(open(CORPUS / "manifest.csv")) if r["group"] == "en"]
    for row in rows:
        try:
            doc = assemble(ingest(CORPUS / row["pdf"]))
        except Exception as exc:  # an unreadable paper gives no paragraphs
            print(f"skip {row['id']}: {exc}", file=sys.stderr)
            continue
        body = [p for p in doc.passages if p.kind == "body" and MIN_WORDS <= len(p.text.split()) <= MAX_WORDS]
        for p in rng.sample(body, min(PER_PAPER, len(body))):
            print(json.dumps({"id": f"exc-{row['id']}-{p.id}", "text": " ".join(p.text.split()),
                              "register": "journal_article", "source": f"pub-excite-{row['id']}"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
