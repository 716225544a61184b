"""The language of a document, from its body text, for the stages that read only some languages.

The entity, event and theory stages use English models and lexicons: run on a German article
they fill the entity table with nonsense ("Teoria" as a place, "Ambiente de trabajo" as a
person). The runner skips a stage declared for other languages (``languages=("en",)``), so
the document's language must be known, and known only when it is reliable.

* Detector: py3langid (a maintained fork of langid.py, Lui & Baldwin 2012, "langid.py: An
  Off-the-shelf Language Identification Tool", ACL demo): a naive Bayes model over byte
  n-grams for 97 languages in one small file, numpy only, milliseconds per paragraph, and
  probabilities calibrated by text length (``norm_probs``).
* What is read: body passages only. Front matter (an English abstract on a German article),
  the reference list and footnotes (titles in many languages) say little about the language
  the article is written in. (Front matter is read too when it outweighs the body: then it
  is the article's prose, mislabelled.)
* How: every body passage is classified; each votes for its language with its length times
  its probability, so a German quotation in an English paper, or an English sentence in a
  German one, is outvoted by the prose around it. The confidence is the winning language's
  share of all votes.
* When it is unsure: with under :data:`MIN_BODY_CHARS` characters of body text, or a
  confidence below the setting ``language_min_confidence`` (a paper half in one language,
  half in another), the language stays unknown and every stage runs: better an English
  model on a German paragraph than no entities for an English paper.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

__all__ = ["LanguageGuess", "MIN_BODY_CHARS", "MODEL_FILE", "SAMPLE_CHARS", "detect_language"]

# Below this many characters of body text (about three sentences) langid's guesses are
# unreliable on scholarly prose full of names and numbers, so none is made.
MIN_BODY_CHARS = 300
# At most this many characters are classified (spread over the document): plenty for a
# confident vote, and a 5 MB text costs no more than an article.
SAMPLE_CHARS = 200_000
# A passage shorter than this (a caption, "See Table 2.") is not classified on its own.
MIN_PASSAGE_CHARS = 40


def _model_file() -> Path | None:
    spec = importlib.util.find_spec("py3langid")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "data" / "model.npz.xz"


# The detector's model: a resource of the structure stage (its bytes key the cache).
MODEL_FILE = _model_file()


@dataclass
class LanguageGuess:
    """The detected ISO 639-1 code (None when unsure), its confidence, and the votes it came from."""

    language: str | None
    confidence: float
    votes: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # why no language was given


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE as PACKAGED, LanguageIdentifier

    return LanguageIdentifier.from_model_file(PACKAGED, norm_probs=True)


def _sample(texts: list[str], budget: int) -> list[str]:
    """Every k-th passage, so that about ``budget`` characters spread over the document are read."""
    total = sum(len(t) for t in texts)
    if total <= budget:
        return texts
    return [t[:budget] for t in texts[:: math.ceil(total / budget)]]


def detect_language(body_texts: Iterable[str], min_confidence: float, front_texts: Iterable[str] = ()) -> LanguageGuess:
    """The language of a document from the texts of its body passages (see the module docstring).

    ``front_texts`` (the front matter) is read too only when it is longer than the body: an
    article's front matter is a title, names and an abstract, so front matter longer than the
    body means the article's start was not found and its prose was taken for front matter
    (heading-less PDFs, 9 of the 59 German papers of the EXCITE corpus).
    """
    texts = [t for t in body_texts if t.strip()]
    front = [t for t in front_texts if t.strip()]
    if sum(len(t) for t in front) > sum(len(t) for t in texts):
        texts += front
    chars = sum(len(t) for t in texts)
    if chars < MIN_BODY_CHARS:
        return LanguageGuess(None, 0.0, reason=f"{chars} characters of body text are too few to tell the language")
    ident = _identifier()
    votes: dict[str, float] = {}
    for t in _sample(texts, SAMPLE_CHARS):
        if len(t) < MIN_PASSAGE_CHARS:
            continue
        lang, prob = ident.classify(t)
        votes[lang] = votes.get(lang, 0.0) + len(t) * prob
    if not votes:  # only short passages: classify them together
        lang, prob = ident.classify(" ".join(texts)[:SAMPLE_CHARS])
        votes[lang] = prob
    total = sum(votes.values())
    best = max(votes, key=votes.get)
    confidence = round(votes[best] / total, 3) if total else 0.0
    shares = {k: round(v / total, 3) for k, v in sorted(votes.items(), key=lambda kv: -kv[1])[:5]} if total else {}
    if confidence < min_confidence:
        top = ", ".join(f"{k} {v:.2f}" for k, v in shares.items())
        return LanguageGuess(None, confidence, shares,
                             reason=f"no language is clear enough (shares of the body text: {top}; "
                                    f"language_min_confidence={min_confidence})")
    return LanguageGuess(best, confidence, shares)
