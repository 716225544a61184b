"""Joining lines: undo end-of-line hyphenation, keep real compounds.

A line ending in a letter and ``-`` followed by a line starting in lower case is one word
broken by the typesetter ("interdepen-" + "dence"), unless the part before the hyphen is
a prefix that keeps its hyphen in running text ("so-called", "non-state", "self-reliance").
"""

from __future__ import annotations

import re

# prefixes that keep their hyphen at a line break
KEEP_HYPHEN = frozenset({
    "so", "well", "self", "non", "ex", "quasi", "semi", "cross", "anti", "long", "short", "high", "low",
    "full", "half", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
})
_BROKEN_IN_TEXT = re.compile(r"(\w)-\n(\w)")


def join_lines(prev: str, nxt: str) -> str:
    """``prev`` and ``nxt`` as one run of text (a space between, or the broken word rejoined)."""
    if not prev:
        return nxt
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and nxt[:1].islower():
        last = re.split(r"[^\w]", prev[:-1])[-1].lower()
        if last in KEEP_HYPHEN:
            return prev + nxt
        return prev[:-1] + nxt
    return f"{prev} {nxt}"


def dehyphenate(text: str) -> str:
    """Undo hyphenation at the line breaks inside ``text`` (a paragraph with newlines)."""

    def fix(m: re.Match) -> str:
        start = text.rfind(" ", 0, m.start()) + 1
        word = text[start : m.start() + 1].lower()
        return m.group(0).replace("\n", "") if word in KEEP_HYPHEN or not m.group(2).islower() else m.group(1) + m.group(2)

    return _BROKEN_IN_TEXT.sub(fix, text)
