"""The sample of papers for the front-matter gold standard (``eval/data/frontmatter_gold.jsonl``).

``python -m eval.sample_frontmatter`` prints the 20 ids. Stratified: 12 of the 80 ``en`` papers and 8
German papers spread over the German groups in proportion to their size (59 papers: ``de-end`` 40 -> 5,
``de-footnote`` 12 -> 2, ``de-mixed`` 7 -> 1), drawn with :data:`SEED` from the ids sorted as strings.

``python -m eval.sample_frontmatter --heldout`` prints the held-out sample
(``eval/data/frontmatter_gold_heldout.jsonl``): the same strata drawn with :data:`HELDOUT_SEED` from the
papers not in the development sample, so that the rules can be measured on papers they were not written on.
"""

from __future__ import annotations

import random

from eval.datasets import load_papers

SEED = 20261129
HELDOUT_SEED = 20261130  # a different seed, fixed before any held-out paper was read
PER_GROUP = {"en": 12, "de-end": 5, "de-footnote": 2, "de-mixed": 1}


def sample(seed: int = SEED, exclude: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(group, id) of the sampled papers, group by group, ids sorted within a group; ``exclude``d ids are not drawn."""
    papers = load_papers()
    rng = random.Random(seed)
    out = []
    for group, n in PER_GROUP.items():
        ids = sorted(p.id for p in papers if p.group == group and p.id not in exclude)
        out.extend((group, i) for i in sorted(rng.sample(ids, n), key=int))
    return out


def heldout_sample() -> list[tuple[str, str]]:
    """The held-out sample: the same strata, another seed, none of the development sample's papers."""
    return sample(HELDOUT_SEED, exclude=frozenset(i for _, i in sample()))


if __name__ == "__main__":
    import sys

    for group, paper_id in (heldout_sample() if "--heldout" in sys.argv[1:] else sample()):
        print(group, paper_id)
