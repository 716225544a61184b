"""Normalisation for comparing strings: accents, case, possessives, punctuation."""

from __future__ import annotations

import re
import unicodedata


def strip_accents(text: str) -> str:
    """``Sánchez`` -> ``Sanchez`` (NFKD, combining marks dropped)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """A surname or word for matching: no accents, lower case, no surrounding punctuation."""
    return strip_accents(text).lower().strip(" .,'’")


def name_key(text: str) -> str:
    """A gazetteer lookup key: no accents, no possessive 's, no leading "the", spaces collapsed, lower case."""
    t = strip_accents(text)
    t = re.sub(r"['’]s$", "", t.strip())
    t = re.sub(r"^the\s+", "", t, flags=re.I)
    return re.sub(r"\s+", " ", t).lower()


def title_key(text: str | None) -> str:
    """A title for fuzzy comparison: folded, punctuation runs as single spaces."""
    return re.sub(r"\W+", " ", fold(text or "")).strip()


def squash(text: str) -> str:
    """Letters and digits only, lower case: equal for copies that differ in spacing or punctuation."""
    return re.sub(r"\W+", "", text.lower())
