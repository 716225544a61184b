"""Duplicate-reference audit at scale: 20,000 references, the sorted-neighbourhood check vs every pair.

The titles: words drawn (Zipf-weighted, as in real bibliographies where "international" and
"security" recur) from the vocabulary of the reference article and of the six dev PDFs'
reference lists, 3-16 words each; then 5% of them copied with the kinds of difference a
duplicated entry shows (1-4 characters added, dropped or changed; a word dropped or added), at
random places in the list. Seeded, so every run audits the same list.

Figures: ``audit_references`` on all 20,000 (best of 3); the old all-pairs loop on the first
2,000 (its time grows with the square, so the figure is extrapolated to 20,000 by x100); and the
recall: the pairs the new check finds among those that comparing every pair finds (computed with
``rapidfuzz.process.cdist`` in C++ over all 200 million pairs, in chunks).
Run: ``.venv/bin/python bench/audit_benchmark.py [N]``.
"""

from __future__ import annotations

import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 14
COPIES = 0.05


def make_titles(n: int) -> list[str]:
    rng = random.Random(SEED)
    text = (ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md").read_text()
    text += "".join(p.read_text() for p in sorted((ROOT / "tests" / "data").glob("*.references.txt")))
    vocab = [w for w, _ in Counter(re.findall(r"[a-z]{2,}", text.lower())).most_common(4000)]
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(vocab))]
    titles = [" ".join(rng.choices(vocab, weights, k=rng.randint(3, 16))).capitalize()
              for _ in range(int(n * (1 - COPIES)))]
    while len(titles) < n:
        t = rng.choice(titles)
        if rng.random() < 0.25:
            words = t.split()
            if len(words) > 3 and rng.random() < 0.5:
                words.pop(rng.randrange(len(words)))
            else:
                words.insert(rng.randrange(len(words) + 1), rng.choice(("the", "and", "new", "of")))
            t = " ".join(words)
        else:
            chars = list(t)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(chars))
                op = rng.random()
                if op < 1 / 3:
                    chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
                elif op < 2 / 3 and len(chars) > 1:
                    del chars[i]
                else:
                    chars.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
            t = "".join(chars)
        titles.insert(rng.randrange(len(titles) + 1), t)
    return titles


def references(titles: list[str]):
    from pipeline.model import Passage, Reference

    refs = [Reference(id=f"r{i:05d}", passage_id=f"p{i:05d}", origin="reference_list", text=f"Author, A. 2020. {t}.",
                      title=t, cited_by=["c1"]) for i, t in enumerate(titles)]
    passages = {r.passage_id: Passage(id=r.passage_id, kind="reference", text=r.text, start=0, end=len(r.text))
                for r in refs}
    return refs, passages


def all_pairs(keys: list[str]) -> list[tuple[int, int]]:
    """The old check: every pair, in Python."""
    from rapidfuzz import fuzz

    from pipeline.audit import DUPLICATE_TITLE_MIN_CHARS, DUPLICATE_TITLE_SCORE

    return [(i, j) for i, a in enumerate(keys) for j in range(i + 1, len(keys))
            if len(a) > DUPLICATE_TITLE_MIN_CHARS and fuzz.ratio(a, keys[j]) >= DUPLICATE_TITLE_SCORE]


def all_pairs_cdist(keys: list[str], chunk: int = 1000) -> set[tuple[int, int]]:
    """Every pair, in C++ (for the recall figure only)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from pipeline.audit import DUPLICATE_TITLE_MIN_CHARS, DUPLICATE_TITLE_SCORE

    found = set()
    for start in range(0, len(keys), chunk):
        m = process.cdist(keys[start:start + chunk], keys, scorer=fuzz.ratio, score_cutoff=DUPLICATE_TITLE_SCORE,
                          dtype=np.uint8, workers=-1)
        for r, c in zip(*m.nonzero()):
            i = start + int(r)
            if i < c and len(keys[i]) > DUPLICATE_TITLE_MIN_CHARS:
                found.add((i, int(c)))
    return found


def main() -> None:
    from pipeline.audit import audit_references, duplicate_pairs
    from pipeline.text.normalise import title_key

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    titles = make_titles(n)
    refs, passages = references(titles)
    keys = [title_key(t) for t in titles]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        findings = audit_references(refs, passages)
        times.append(time.perf_counter() - t)
    print(f"audit_references, {n} references: best {min(times):.2f} s, {len(findings)} duplicate findings")
    small = keys[:2000]
    t = time.perf_counter()
    old = all_pairs(small)
    old_s = time.perf_counter() - t
    t = time.perf_counter()
    new = duplicate_pairs(small)
    new_s = time.perf_counter() - t
    print(f"2,000 references: all pairs {old_s:.2f} s ({len(old)} pairs), sorted neighbourhood {new_s:.3f} s "
          f"({len(new)} pairs, {len(set(old) & set(new))} in common); all pairs x100 for {n}: ~{old_s * 100:.0f} s")
    t = time.perf_counter()
    exact = all_pairs_cdist(keys)
    found = set(duplicate_pairs(keys))
    print(f"recall on {n}: {len(found & exact)} of {len(exact)} pairs ({100 * len(found & exact) / max(len(exact), 1):.2f}%), "
          f"{len(found - exact)} false; the exact set took {time.perf_counter() - t:.0f} s in C++")


if __name__ == "__main__":
    main()
