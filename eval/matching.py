"""The matching rules shared by the evaluation tasks: normalisation, similarity, one-to-one assignment.

A gold string counts as found when an extracted string matches it at a normalised similarity of at least
``threshold`` (0.9 for references, after the rule used by EXCITE-style reference-extraction evaluations:
Levenshtein-based ``rapidfuzz.fuzz.ratio`` on strings with whitespace collapsed and case folded). The
assignment is one-to-one and greedy by descending score, so one extracted string that glues two
references together cannot be credited for both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

REFERENCE_THRESHOLD = 0.9


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces, stripped, lower case."""
    return " ".join(text.split()).lower()


def similarity(a: str, b: str) -> float:
    """``fuzz.ratio`` of the normalised strings, in [0, 1]."""
    return fuzz.ratio(normalise(a), normalise(b)) / 100


@dataclass
class Assignment:
    """The result of matching gold strings against extracted strings.

    ``pairs`` holds (gold index, extracted index, score) for every match, best first.
    """

    n_gold: int
    n_extracted: int
    pairs: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.pairs)

    @property
    def recall(self) -> float | None:
        return self.found / self.n_gold if self.n_gold else None

    @property
    def precision(self) -> float | None:
        return self.found / self.n_extracted if self.n_extracted else None

    def gold_matched(self) -> dict[int, int]:
        return {g: e for g, e, _ in self.pairs}

    def extracted_matched(self) -> dict[int, int]:
        return {e: g for g, e, _ in self.pairs}


def score_matrix(gold: list[str], extracted: list[str], *, cutoff: float = 0.0):
    """Similarity of every (gold, extracted) pair as a numpy array in [0, 1] (0 below ``cutoff``)."""
    return process.cdist([normalise(g) for g in gold], [normalise(e) for e in extracted],
                         scorer=fuzz.ratio, score_cutoff=cutoff * 100, dtype="float32") / 100


def assign(gold: list[str], extracted: list[str], *, threshold: float = REFERENCE_THRESHOLD) -> Assignment:
    """One-to-one greedy assignment of extracted strings to gold strings by descending similarity.

    Args:
        gold: the gold strings.
        extracted: the strings the system produced.
        threshold: the least similarity (0-1) that counts as a match.

    Returns:
        An :class:`Assignment`; ties are broken by gold order, then extracted order, so it is deterministic.
    """
    out = Assignment(n_gold=len(gold), n_extracted=len(extracted))
    if not gold or not extracted:
        return out
    scores = score_matrix(gold, extracted, cutoff=threshold)
    cands = [(float(scores[g, e]), g, e) for g, e in zip(*scores.nonzero()) if scores[g, e] >= threshold]
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g: set[int] = set()
    used_e: set[int] = set()
    for s, g, e in cands:
        if g in used_g or e in used_e:
            continue
        used_g.add(g)
        used_e.add(e)
        out.pairs.append((int(g), int(e), round(s, 4)))
    return out


def any_match_counts(gold: list[str], extracted: list[str], *, threshold: float = REFERENCE_THRESHOLD) -> tuple[int, int]:
    """The lenient rule of ``tests/test_citations.py``: raw strings, many-to-many.

    Returns (gold strings with any extracted string at >= threshold, extracted strings with any gold string).
    """
    if not gold or not extracted:
        return 0, 0
    scores = process.cdist(gold, extracted, scorer=fuzz.ratio, score_cutoff=threshold * 100)
    return int((scores.max(axis=1) >= threshold * 100).sum()), int((scores.max(axis=0) >= threshold * 100).sum())


# ---------------------------------------------------------------- names (front matter)

def fold(text: str) -> str:
    """Lower case, accents removed, punctuation to spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def surname(name: str) -> str:
    """The last word of a folded "Given Family" name."""
    words = fold(name).split()
    return words[-1] if words else ""


def names_match(gold: str, extracted: str) -> bool:
    """Same folded full name, or the same surname (a given name abbreviated or missing is allowed)."""
    g, e = fold(gold), fold(extracted)
    return bool(g) and (g == e or surname(gold) == surname(extracted) or surname(gold) in e.split())


def match_names(gold: list[str], extracted: list[str]) -> int:
    """How many gold names have a distinct matching extracted name (one-to-one, exact names first)."""
    used_g: set[int] = set()
    used_e: set[int] = set()
    for exact in (True, False):
        for gi, g in enumerate(gold):
            if gi in used_g:
                continue
            for ei, e in enumerate(extracted):
                if ei in used_e:
                    continue
                if (fold(g) == fold(e)) if exact else names_match(g, e):
                    used_g.add(gi)
                    used_e.add(ei)
                    break
    return len(used_g)
