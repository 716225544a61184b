"""Cutting a text that is too long into pieces: at sentence ends, else at whitespace, else anywhere.

spaCy refuses a text longer than ``nlp.max_length`` (E088: its parser and NER need about 1 GB
per 100,000 characters), and a converter sometimes hands over a whole article as one
paragraph, or a whole file as one line. The structure stage therefore never makes a passage
longer than the setting ``max_passage_chars``: a longer block becomes several passages, cut by
:func:`chunk_spans`. :func:`split_long_blocks` does this to reader blocks (footnote markers
follow their piece), and :mod:`pipeline.nlp` uses the same spans to parse any text longer than
the model's limit piece by piece.

The spans are contiguous and cover the whole text (``text[s:e]`` joined give it back), so
offsets into a piece are offsets into the text plus the piece's start. A cut is placed after
the last sentence end that keeps the piece within the limit (greedy packing, as a person
splitting a wall of text would), so a piece is as long as the limit allows; a sentence longer
than the limit is cut after its last whitespace that fits; a run with no whitespace (a table
dump, base64) is cut at the limit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.ingest.types import Block

__all__ = ["SENTENCE_END_RE", "chunk_spans", "split_long_blocks", "split_text"]

# A sentence ends at . ! ? … (closing quotes/brackets may follow) before whitespace and a
# character that can open a sentence (capital, digit, opening quote or bracket). Lower-case
# continuations ("e.g. the", "pp. 12") are thereby not taken as sentence ends.
SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*(\s+)(?=[\"'“‘«(\[]?[^\W_a-z])", re.U)
_SPACE_RE = re.compile(r"\s")


def _last_cut(positions: list[int], lo: int, hi: int, first: int) -> tuple[int | None, int]:
    """The largest position in ``positions`` within (lo, hi], searching from index ``first``."""
    best, i = None, first
    while i < len(positions) and positions[i] <= hi:
        if positions[i] > lo:
            best = positions[i]
        i += 1
    return best, i


def chunk_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Contiguous ``(start, end)`` spans covering ``text``, each at most ``max_chars`` long.

    A text within the limit is one span. Cuts fall after the whitespace that follows a sentence
    end, else after whitespace, else at the limit; linear in the length of the text.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    n = len(text)
    if n <= max_chars:
        return [(0, n)]
    # cut positions: just after the whitespace that follows a sentence end
    ends = [m.end(1) for m in SENTENCE_END_RE.finditer(text)]
    spans: list[tuple[int, int]] = []
    start, k = 0, 0
    while n - start > max_chars:
        hi = start + max_chars
        cut, k = _last_cut(ends, start, hi, k)
        if cut is None:
            # no sentence end fits: the last whitespace that does (cut just after it)
            ws = max(text.rfind(c, start, hi) for c in (" ", "\n", "\t", "\r", "\u00a0", "\u2009", "\u3000"))
            cut = ws + 1 if ws >= start and ws + 1 > start else hi
        spans.append((start, cut))
        start = cut
        while k < len(ends) and ends[k] <= start:
            k += 1
    spans.append((start, n))
    return spans


def split_text(text: str, max_chars: int) -> list[str]:
    """The pieces of ``text`` (see :func:`chunk_spans`), as strings."""
    return [text[s:e] for s, e in chunk_spans(text, max_chars)]


def split_long_blocks(blocks: list["Block"], max_chars: int) -> list["Block"]:
    """Reader blocks with every block longer than ``max_chars`` cut into several blocks.

    Each piece keeps its block's kind, page and fields; the whitespace at a cut is dropped
    (a passage never starts or ends with it), and a footnote marker goes to the piece it sits
    in, its offset made relative to that piece. The pieces of a footnote after the first
    carry no number: they continue the note, not a new one.
    """
    out: list[Block] = []
    for b in blocks:
        if len(b.text) <= max_chars:
            out.append(b)
            continue
        spans = chunk_spans(b.text, max_chars)
        for j, (s, e) in enumerate(spans):
            piece = b.text[s:e]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if not piece:
                continue
            lo, last = s + lead, j == len(spans) - 1
            markers = [replace(m, offset=min(max(m.offset - lo, 0), len(piece))) for m in b.markers
                       if s <= m.offset < e or (last and m.offset == e)]
            out.append(replace(
                b, text=piece, markers=markers, lines=b.lines if j == 0 else [],
                number=b.number if j == 0 else None,
                number_inferred=b.number_inferred if j == 0 else False,
            ))
    return out
