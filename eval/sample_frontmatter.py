"""The sample of papers for the front-matter gold standard (``eval/data/frontmatter_gold.jsonl``).

``python -m eval.sample_frontmatter`` prints the 20 ids. Stratified: 12 of the 80 ``en`` papers and 8
German papers spread over the German groups in proportion to their size (59 papers: ``de-end`` 40 -> 5,
``de-footnote`` 12 -> 2, ``de-mixed`` 7 -> 1), drawn with :data:`SEED` from the ids sorted as strings.
"""

from __future__ import annotations

import random

from eval.datasets import load_papers

SEED = 20261129
PER_GROUP = {"en": 12, "de-end": 5, "de-footnote": 2, "de-mixed": 1}


def sample(seed: int = SEED) -> list[tuple[str, str]]:
    """(group, id) of the sampled papers, group by group, ids sorted within a group."""
    papers = load_papers()
    rng = random.Random(seed)
    out = []
    for group, n in PER_GROUP.items():
        ids = sorted(p.id for p in papers if p.group == group)
        out.extend((group, i) for i in sorted(rng.sample(ids, n), key=int))
    return out


if __name__ == "__main__":
    for group, paper_id in sample():
        print(group, paper_id)
