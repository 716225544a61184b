"""Normalisation for comparing strings: accents, case, possessives, punctuation."""

from __future__ import annotations

import re
import unicodedata


# Invisible characters a reader drops: zero-width space, word joiner, a byte-order mark inside the text,
# soft hyphen (a hyphenation hint: "inter\u00adnational" is one word). Zero-width (non-)joiners stay:
# they shape Persian, Arabic and Indic words and emoji (Unicode 15, 23.2).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
# Control characters other than tab, line feed and form feed (C0, DEL, C1): a space each, so words stay apart.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def clean_controls(text: str) -> tuple[str, int]:
    """Text without control and invisible characters (see above), and how many there were."""
    cleaned = _CONTROL_RE.sub(" ", text.translate(_INVISIBLE))
    if len(cleaned) == len(text) and cleaned == text:
        return text, 0
    return cleaned, len(text) - len(text.translate(_INVISIBLE)) + len(_CONTROL_RE.findall(text))


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
