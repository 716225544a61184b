"""The sample of papers for the front-matter gold standard (``eval/data/frontmatter_gold.jsonl``).

``python -m eval.sample_frontmatter`` prints the 20 ids. Stratified: 12 of the 80 ``en`` papers and 8
German papers spread over the German groups in proportion to their size (59 papers: ``de-end`` 40 -> 5,
``de-footnote`` 12 -> 2, ``de-mixed`` 7 -> 1), drawn with :data:`SEED` from the ids sorted as strings.

``python -m eval.sample_frontmatter --heldout`` prints the held-out sample
(``eval/data/frontmatter_gold_heldout.jsonl``): the same strata drawn with :data:`HELDOUT_SEED` from the
papers not in the development sample, so that the rules can be measured on papers they were not written on.

``python -m eval.sample_frontmatter --heldout2`` prints the second held-out sample
(``eval/data/frontmatter_gold_heldout2.jsonl``): the same strata drawn with :data:`HELDOUT2_SEED` from the
papers in neither of the first two samples. The first held-out file was studied by kind when the rules were
changed after it, so this one is the figure on papers no rule was written on.

``python -m eval.sample_frontmatter --heldout3`` prints the third held-out sample
(``eval/data/frontmatter_gold_heldout3.jsonl``): the same strata drawn with :data:`HELDOUT3_SEED` from the
papers in none of the first three samples. The second held-out file became studied in round 6 (its failures
were listed by kind and fixed), so this one is the figure on unseen papers from then on.

``python -m eval.sample_frontmatter --heldout4`` prints the fourth held-out sample
(``eval/data/frontmatter_gold_heldout4.jsonl``): the same strata drawn with :data:`HELDOUT4_SEED` from the
papers in none of the first four samples. Held-out 3 was studied by kind in round 7, so this one is the
figure on unseen papers from then on.
"""

from __future__ import annotations

import random

from eval.datasets import load_papers

SEED = 20261129
HELDOUT_SEED = 20261130  # a different seed, fixed before any held-out paper was read
HELDOUT2_SEED = 20261131  # a third seed, fixed before any of its papers was read (round 5)
HELDOUT3_SEED = 20261132  # a fourth seed, fixed before any of its papers was read (round 6)
HELDOUT4_SEED = 20261133  # a fifth seed, fixed before any of its papers was read (round 7)
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


def heldout2_sample() -> list[tuple[str, str]]:
    """The second held-out sample: the same strata, a third seed, none of the first two samples' papers."""
    taken = frozenset(i for _, i in sample()) | frozenset(i for _, i in heldout_sample())
    return sample(HELDOUT2_SEED, exclude=taken)


def heldout3_sample() -> list[tuple[str, str]]:
    """The third held-out sample: the same strata, a fourth seed, none of the first three samples' papers."""
    taken = (frozenset(i for _, i in sample()) | frozenset(i for _, i in heldout_sample())
             | frozenset(i for _, i in heldout2_sample()))
    return sample(HELDOUT3_SEED, exclude=taken)


def heldout4_sample() -> list[tuple[str, str]]:
    """The fourth held-out sample: the same strata, a fifth seed, none of the first four samples' papers."""
    taken = frozenset(i for draw in (sample(), heldout_sample(), heldout2_sample(), heldout3_sample()) for _, i in draw)
    return sample(HELDOUT4_SEED, exclude=taken)


if __name__ == "__main__":
    import sys

    args = sys.argv[1:]
    if "--heldout4" in args:
        drawn = heldout4_sample()
    elif "--heldout3" in args:
        drawn = heldout3_sample()
    elif "--heldout2" in args:
        drawn = heldout2_sample()
    elif "--heldout" in args:
        drawn = heldout_sample()
    else:
        drawn = sample()
    for group, paper_id in drawn:
        print(group, paper_id)
