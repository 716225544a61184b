"""Split a PDF's reference section into single references.

Three layouts cover nearly all reference lists (checked on the EXCITE dev set):

1. numbered: every entry starts with ``[n]``, ``n.`` or ``n)`` and the numbers
   run in sequence;
2. hanging indent: an entry's first line sits at the column's left edge and
   its continuation lines are indented;
3. flush: no indent; an entry starts where the previous line closed a
   reference (ends in a full stop or a page range) and the new line opens like
   an author list ("Surname, X." or "Surname X,") or an organisation and year.

Lines are handled per page and column, so entries broken across pages join.
"""

from __future__ import annotations

import re
import statistics

from pipeline.ingest.types import Line
from pipeline.text.headings import is_numbered_list, list_number
from pipeline.text.hyphenation import join_lines

_AUTHOR_START = re.compile(
    r"^(?:[A-ZÀ-ÖØ-ÞŁŠŽČ][\w'’\-]+(?:\s+(?:van|von|de|der|da|di|la|le|del|dos|du)\s+[\w'’\-]+)*,\s*(?:[A-Z][\w.\-]*|\(?\d{4})"
    r"|[A-ZÀ-ÖØ-Þ][\w'’\-]+\s+[A-Z]{1,3}[,.]"
    r"|[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s+(?:[A-Z][\w'’\-]+|and|of|for|the|&)){0,5}\s*[,.]?\s*\(?(?:19|20)\d{2}"
    r"|[-–—_]{2,})"
)
_ENDS_ENTRY = re.compile(r"(\.|\d\s*[-–—]\s*\d+\.?|\d{4}\.?|\)\.?|https?://\S+)$")


def split_references(lines: list[Line]) -> list[tuple[str, int]]:
    """Reference-section lines (in reading order) -> (reference string, page) per reference."""
    lines = [ln for ln in lines if ln.text.strip()]
    if not lines:
        return []
    starts: list[bool] = []
    if is_numbered_list([ln.text for ln in lines]):
        expected = None
        for ln in lines:
            num = list_number(ln.text)
            ok = num is not None and (expected is None or num == expected or num == 1)
            starts.append(ok)
            if ok:
                expected = num + 1
    else:
        # left edge per (page, column): the lowest common x0
        groups: dict[tuple[int, int], list[float]] = {}
        for ln in lines:
            groups.setdefault((ln.page, int(ln.x0 > 297)), []).append(ln.x0)
        left = {k: min(v) for k, v in groups.items()}
        indented = [ln.x0 - left[(ln.page, int(ln.x0 > 297))] for ln in lines]
        hanging_groups = set()
        for key in groups:
            ds = [d for ln, d in zip(lines, indented) if (ln.page, int(ln.x0 > 297)) == key]
            if sum(1 for d in ds if 4 < d < 40) >= 0.2 * len(ds) and sum(1 for d in ds if d <= 2) >= 2:
                hanging_groups.add(key)
        widths = [ln.x1 for ln in lines]
        right = statistics.quantiles(widths, n=10)[-1] if len(widths) >= 10 else max(widths)
        for i, (ln, d) in enumerate(zip(lines, indented)):
            if i == 0:
                starts.append(True)
                continue
            prev = lines[i - 1]
            if (ln.page, int(ln.x0 > 297)) in hanging_groups:
                starts.append(d <= 2 and (bool(_AUTHOR_START.match(ln.text)) or bool(_ENDS_ENTRY.search(prev.text.rstrip()))))
            else:
                closed = bool(_ENDS_ENTRY.search(prev.text.rstrip())) and (prev.x1 < right - 10 or prev.text.rstrip().endswith("."))
                short_full_stop = prev.text.rstrip().endswith(".") and prev.x1 < right - 40 and ln.text[:1].isupper()
                starts.append(short_full_stop or (closed and bool(_AUTHOR_START.match(ln.text))))
    refs: list[list] = []
    for ln, start in zip(lines, starts):
        if start or not refs:
            refs.append([ln.text.strip(), ln.page])
        else:
            refs[-1][0] = join_lines(refs[-1][0], ln.text.strip())
    out = [(" ".join(r.split()), page) for r, page in refs]
    return _drop_trailing_non_references(out)


def _reference_like(text: str) -> bool:
    return bool(list_number(text) is not None or _AUTHOR_START.match(text)) and bool(re.search(r"\b(1[6-9]|20)\d\d\b|n\.\s?d\.", text))


def _drop_trailing_non_references(refs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Publishers' series lists and appendices after the references: drop trailing pages that do not look like references."""
    pages = sorted({p for _, p in refs})
    while len(pages) > 1:
        last = [t for t, p in refs if p == pages[-1]]
        if sum(_reference_like(t) for t in last) >= 0.5 * len(last):
            break
        refs = [(t, p) for t, p in refs if p != pages[-1]]
        pages.pop()
    return refs
