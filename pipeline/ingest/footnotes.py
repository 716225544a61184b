"""Assemble footnotes from the raw units a reader finds in one footnote block.

PDF-to-text converters break footnotes in characteristic ways: a note split over
two lines or pages, the same note printed twice, a garbled copy before the
clean one (OCR-like noise such as "States of States of"), numbers lost. This
module turns the raw units of one block (usually one page's footnote area)
into clean footnotes, flags what it had to guess, and keeps garbled notes
rather than dropping them, so the citation audit can report them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.types import Block
from pipeline.text.identifiers import URL_RE
from pipeline.text.normalise import squash

_WORD_RE = re.compile(r"[\w'’]+")
_CAPTION_RE = re.compile(r"^(figure|fig\.|table|chart)\s*\d", re.I)
_QUOTE_RE = re.compile(r"[\"“”]")
_TERMINAL = ".!?;)”\"’'"


@dataclass
class FootnoteUnit:
    """One line or paragraph of a footnote area, as the reader found it."""

    text: str
    number: int | None
    page: int | None = None


def has_url(text: str) -> bool:
    return bool(URL_RE.search(text))


def repeated_ngram(text: str, max_n: int = 3) -> bool:
    """True when some word n-gram (n <= 3) is immediately repeated: "of States of States"."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    for n in range(1, max_n + 1):
        for i in range(len(words) - 2 * n + 1):
            if words[i : i + n] == words[i + n : i + 2 * n] and not all(w.isdigit() for w in words[i : i + n]):
                return True
    return False


def looks_garbled(text: str) -> bool:
    """Converter noise: repeated n-grams, a figure caption leaking into the notes."""
    return repeated_ngram(text) or bool(_CAPTION_RE.match(text.strip()))


def _is_complete(text: str) -> bool:
    t = text.rstrip()
    return has_url(t) or (bool(t) and t[-1] in _TERMINAL)


def assemble_footnotes(units: list[FootnoteUnit], fn_block: int) -> list[Block]:
    """Merge continuations, number the unnumbered, fold duplicates, flag garbled notes.

    Args:
        units: the block's units in reading order.
        fn_block: index of the footnote block (1-based), stored on each note.

    Returns:
        Footnote blocks; a duplicate kept for the record has ``duplicate_of`` set
        to the index (in the returned list) of the note it duplicates.
    """
    notes: list[Block] = []
    for unit in units:
        text = unit.text.strip()
        if not text:
            continue
        prev = notes[-1] if notes else None
        if unit.number is None and prev is not None:
            if squash(text) and squash(text) in squash(prev.text + " ".join(prev.duplicates)):
                prev.duplicates.append(text)  # repeated line or tail: fold it in
                continue
            garbled_prev = "garbled" in prev.flags and not has_url(prev.text)
            if garbled_prev and _QUOTE_RE.search(text):
                # a clean copy printed right after a garbled one: same note, same number
                note = Block(kind="footnote", text=text, page=unit.page, fn_block=fn_block,
                             number=prev.number, number_inferred=prev.number_inferred)
                notes.append(note)
                continue
            if not _is_complete(prev.text):
                prev.text = f"{prev.text} {text}"  # continuation of a note broken over lines
                if unit.page and prev.page and unit.page != prev.page:
                    prev.flags.append("spans_pages")
                continue
        note = Block(kind="footnote", text=text, page=unit.page, fn_block=fn_block)
        if unit.number is not None:
            note.number = unit.number
        else:
            note.number = (prev.number or 0) + 1 if prev else 1
            note.number_inferred = True
        notes.append(note)
        if looks_garbled(text):
            note.flags.append("garbled")

    _resolve_same_number(notes)
    for note in notes:
        if note.number_inferred and "number_inferred" not in note.flags:
            note.flags.append("number_inferred")
    return notes


def _quality(note: Block, url_counts: dict[str, int]) -> int:
    urls = URL_RE.findall(note.text)
    score = 0
    if urls:
        score += 1
        if all(url_counts.get(u.rstrip(".,;"), 0) == 1 for u in urls):
            score += 2
    if "garbled" in note.flags:
        score -= 3
    if not note.number_inferred:
        score += 1
    return score


def _resolve_same_number(notes: list[Block]) -> None:
    """Where two notes of a block share a number, keep the better one as the note."""
    url_counts: dict[str, int] = {}
    for n in notes:
        for u in {u.rstrip(".,;") for u in URL_RE.findall(n.text)}:
            url_counts[u] = url_counts.get(u, 0) + 1
    by_number: dict[int, list[int]] = {}
    for i, n in enumerate(notes):
        if n.number is not None:
            by_number.setdefault(n.number, []).append(i)
    for idxs in by_number.values():
        if len(idxs) < 2:
            continue
        best = max(idxs, key=lambda i: (_quality(notes[i], url_counts), i))
        for i in idxs:
            if i == best:
                continue
            notes[i].duplicate_of = best
            for flag in ("duplicate", "garbled"):
                if flag not in notes[i].flags:
                    notes[i].flags.append(flag)
