"""The duplicate-reference audit: the same findings as comparing every pair, without comparing every pair."""

from __future__ import annotations

import random
import sys

import pytest
from rapidfuzz import fuzz

from pipeline.audit import DUPLICATE_TITLE_MIN_CHARS, DUPLICATE_TITLE_SCORE, NEIGHBOURS, duplicate_pairs
from pipeline.text.normalise import title_key

from .conftest import ARTICLE, DEV_PDFS, ROOT


def all_pairs(keys: list[str]) -> list[tuple[int, int]]:
    """The audit as it was: every pair (the oracle)."""
    return [(i, j) for i, a in enumerate(keys) for j in range(i + 1, len(keys))
            if len(a) > DUPLICATE_TITLE_MIN_CHARS and fuzz.ratio(a, keys[j]) >= DUPLICATE_TITLE_SCORE]


@pytest.fixture(scope="module")
def reference_lists():
    """The reference lists of the reference article and the six dev PDFs, through the citations stage."""
    from pipeline.citations import annotate_citations
    from pipeline.process import assemble, ingest
    from pipeline.settings import get_settings

    settings = get_settings()
    lists = {}
    for path in [ARTICLE, *DEV_PDFS]:
        doc = annotate_citations(assemble(ingest(path, settings), settings), settings)
        lists[path.name] = doc
    return lists


def test_same_duplicates_as_every_pair_on_the_article_and_dev_pdfs(reference_lists):
    found_any = 0
    for name, doc in reference_lists.items():
        refs = [r for r in doc.references if r.origin == "reference_list"]
        keys = [title_key(r.title) for r in refs]
        assert duplicate_pairs(keys) == all_pairs(keys), name
        findings = [(f.reference_id, f.duplicate_of) for f in doc.audit.findings if f.kind == "duplicate_reference"]
        assert findings == [(refs[j].id, refs[i].id) for i, j in all_pairs(keys)], name
        found_any += len(findings)
    assert found_any >= 2  # the article repeats one title; 51256 lists two editions of one report


def test_near_copies_found_wherever_they_differ():
    sys.path.insert(0, str(ROOT / "bench"))
    from audit_benchmark import make_titles

    keys = [title_key(t) for t in make_titles(3000)]
    exact = set(all_pairs(keys))
    found = set(duplicate_pairs(keys))
    assert found <= exact  # never a false duplicate
    assert len(exact) > 50 and len(found) >= 0.98 * len(exact)


def test_edits_at_the_start_the_end_and_in_the_words():
    base = "the strategic partnership between iran and russia after the war in ukraine"
    variants = ["he strategic partnership between iran and russia after the war in ukraine",  # start
                "the strategic partnership between iran and russia after the war in ukrain",  # end
                "strategic partnership between iran and russia after the war in ukraine",  # word dropped
                "the strategic partnership between russia and iran after the war in ukraine"]  # words swapped
    rng = random.Random(3)
    filler = [" ".join(rng.choice(["the", "war", "iran", "policy", "state", "russia", "power", "order"])
                       for _ in range(rng.randint(5, 12))) for _ in range(400)]
    for v in variants:
        keys = filler[:200] + [base] + filler[200:] + [v]
        if fuzz.ratio(base, v) >= DUPLICATE_TITLE_SCORE:
            assert (200, len(keys) - 1) in duplicate_pairs(keys), v


def test_copies_of_one_title_stay_linear():
    """A hostile list: 3,000 copies of one title give at most 2 x NEIGHBOURS pairs per copy, not 4.5 million."""
    keys = ["iran and russia enter a new level of military cooperation"] * 3000
    pairs = duplicate_pairs(keys)
    assert all(i < j and j - i <= NEIGHBOURS for i, j in pairs)
    assert {j for _, j in pairs} == set(range(1, 3000))  # every copy after the first is reported
    assert len(pairs) <= 3000 * NEIGHBOURS
