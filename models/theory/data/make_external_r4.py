"""Round 4's external labelled set, kept in the repository as pointers only (issue 17).

The web paragraphs and the reference article's paragraphs are third-party text: the repository keeps, per
passage, where it comes from (the web page's URL, or the article's passage id and its 1-based position among
the 22 body paragraphs), the SHA-256 of the text as labelled, and the two blind labels and the final one. The
written round-4 paragraphs are the project's own (written for this round), so they are kept whole, with
their blind labels, in ``written/r4.jsonl``; the writer's intended labels are in ``written/r4_key.jsonl``.

Run (outside the repository's data, once): ``python models/theory/data/make_external_r4.py GOLD ARTICLE KEY``
where GOLD is the labellers' gold.jsonl, ARTICLE their article.jsonl (art id -> passage id), KEY the writer's
key of the written passages.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLE_NAME = "akhlaghi-2025-russia-iran.md"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main(gold: Path, article: Path, key: Path) -> None:
    rows = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    passage_of = {r["id"]: r["passage_id"] for r in (json.loads(x) for x in article.read_text().splitlines() if x.strip())}
    intended = {r["id"]: r for r in (json.loads(x) for x in key.read_text().splitlines() if x.strip())}
    labels = lambda r: {k: r.get(k) for k in ("label_A", "label_B", "label", "status", "dimensions")}  # noqa: E731
    pointers, written = [], []
    for r in sorted(rows, key=lambda r: r["orig_id"]):
        if r["source"] == "web":
            pointers.append({"id": r["orig_id"], "source": "web", "url": r["url"], "sha256": sha(r["text"]), **labels(r)})
        elif r["source"] == "article":
            pointers.append({"id": r["orig_id"], "source": "article", "article": ARTICLE_NAME,
                             "passage_id": passage_of[r["orig_id"]], "body_index": int(r["orig_id"][3:]),
                             "sha256": sha(r["text"]), **labels(r)})
        else:
            k = intended[r["orig_id"]]
            written.append({"id": r["orig_id"], "source": k["source"], "register": k["register"], "text": r["text"],
                            **labels(r)})
    (HERE / "external").mkdir(exist_ok=True)
    (HERE / "external" / "real_r4.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pointers))
    (HERE / "written").mkdir(exist_ok=True)
    (HERE / "written" / "r4.jsonl").write_text("".join(json.dumps(w) + "\n" for w in written))
    (HERE / "written" / "r4_key.jsonl").write_text("".join(json.dumps(intended[w["id"]]) + "\n" for w in written))
    print(f"{len(pointers)} pointers, {len(written)} written passages")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:4]))
