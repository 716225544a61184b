"""PDF reader on pdfplumber: reading order, running heads, footnotes, paragraphs.

The layout analysis is deliberately geometric and cheap (one ``extract_words``
pass per page, as pdfplumber's own ``extract_text`` does):

* body font size = the most common character size of the document;
* two columns when almost no word crosses the page's vertical centre line;
* running headers/footers = lines in the top/bottom margin whose text, digits
  masked, repeats on a share of the pages (``pdf_repeat_ratio``), and lone
  page numbers;
* footnotes = the bottom run of lines set smaller than the body
  (``pdf_footnote_size_delta``) that starts with a note number;
* superscript digits raised above the baseline in body lines = note markers;
* paragraphs break on a vertical gap (``pdf_paragraph_gap`` x line pitch), a
  first-line indent, or a heading; end-of-line hyphens are undone when the next
  line starts in lower case; a paragraph left open at a page end continues on
  the next page.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import E, IngestError
from pipeline.ingest.footnotes import FootnoteUnit, assemble_footnotes
from pipeline.ingest.limits import guarded
from pipeline.ingest.types import Block, Line, Marker, RawDocument
from pipeline.settings import Settings
from pipeline.text.headings import is_numbered_list, is_reference_heading
from pipeline.text.hyphenation import join_lines

_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u00ad": "", "\u0000": ""}
_PAGE_NUM_RE = re.compile(r"^\W*(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\W*$", re.I)
_NOTE_LEAD_RE = re.compile(r"^(\d{1,3})[.)]?\s+(?=\S)")
_TERMINAL = ".!?:\"”’)"


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class _PLine:
    words: list[_Word]
    page: int
    text: str = ""
    markers: list[tuple[int, int]] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        sizes = [w.size for w in self.words if not w.text.isdigit()] or [w.size for w in self.words]
        return statistics.median(sizes)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)


def _fix(text: str) -> str:
    for k, v in _LIGATURES.items():
        text = text.replace(k, v)
    return text


@guarded  # streams inflate and pages yield characters within limits (pipeline/ingest/limits.py)
def open_pdf(data: bytes, path: Path, settings: Settings):
    """Open ``data`` with pdfplumber, mapping every failure to one clear IngestError naming ``path``."""
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise IngestError(path, E.E004) from None
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        # pdfplumber wraps pdfminer's errors: look at the wrapped one too
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name:
            raise IngestError(path, E.E004) from None
        raise IngestError(path, E.E003, detail=name) from None
    if n_pages == 0:
        raise IngestError(path, E.E003, detail="no pages")
    if n_pages > settings.max_pdf_pages:
        pdf.close()
        raise IngestError(path, E.E006, pages=n_pages, limit=settings.max_pdf_pages)
    return pdf


def _page_words(page, page_no: int) -> list[_Word]:
    words = page.extract_words(extra_attrs=["size", "fontname"], keep_blank_chars=False)
    return [
        _Word(
            text=_fix(w["text"]),
            x0=w["x0"],
            x1=w["x1"],
            top=w["top"],
            bottom=w["bottom"],
            size=round(w["size"], 1),
            bold="bold" in w["fontname"].lower() or "black" in w["fontname"].lower(),
        )
        for w in words
        if w["text"].strip()
    ]


def _group_lines(words: list[_Word], page_no: int, body_size: float) -> list[_PLine]:
    words = sorted(words, key=lambda w: (round(w.bottom), w.x0))
    lines: list[_PLine] = []
    for w in words:
        if lines:
            cur = lines[-1]
            base = max(x.bottom for x in cur.words)
            # same line: baselines within 2.5pt, or a raised superscript overlapping the line
            if abs(w.bottom - base) <= 2.5 or (w.size < body_size - 0.5 and w.top < base and w.bottom > cur.top - 1 and w.x0 >= cur.x0):
                cur.words.append(w)
                continue
        lines.append(_PLine(words=[w], page=page_no))
    # a row of raised note numbers alone: fold it into the text line it overlaps
    merged: list[_PLine] = []
    for idx, ln in enumerate(lines):
        sup_only = all(w.text.isdigit() and w.size <= body_size - 1.0 for w in ln.words)
        if sup_only:
            nxt = lines[idx + 1] if idx + 1 < len(lines) else None
            if nxt is not None and nxt.top - 1 <= ln.bottom <= nxt.bottom:
                nxt.words.extend(ln.words)
                continue
            if merged and merged[-1].top <= ln.top <= merged[-1].bottom:
                merged[-1].words.extend(ln.words)
                continue
        merged.append(ln)
    for ln in merged:
        ln.words.sort(key=lambda w: w.x0)
    return merged


def _render_line(line: _PLine, body_size: float) -> None:
    """Join words; raised small digits become footnote markers, not text."""
    base = statistics.median([w.bottom for w in line.words if w.size >= body_size - 0.5] or [line.bottom])
    parts: list[str] = []
    length = 0
    prev: _Word | None = None
    for w in line.words:
        is_marker = (
            w.text.isdigit()
            and len(w.text) <= 3
            and w.size <= body_size - 1.0
            and w.bottom < base - 1.0
            and prev is not None
        )
        if is_marker:
            line.markers.append((length, int(w.text)))
            prev = w
            continue
        if parts and prev is not None and w.x0 - prev.x1 > 0.8:
            parts.append(" ")
            length += 1
        elif parts and prev is None:
            parts.append(" ")
            length += 1
        parts.append(w.text)
        length += len(w.text)
        prev = w
    line.text = "".join(parts).strip()


def _split_columns(words: list[_Word], width: float) -> list[list[_Word]]:
    """Split a page at a vertical gutter near the centre that (almost) no word crosses.

    Coverage is measured per baseline row: in one-column text nearly every row
    covers every x near the centre; a two-column page has an x that no row covers.
    """
    if len(words) < 40:
        return [words]
    rows: dict[int, list[_Word]] = {}
    for w in words:
        rows.setdefault(round(w.bottom / 3), []).append(w)
    wide_rows = [r for r in rows.values() if len(r) >= 3]
    if len(wide_rows) < 8:
        return [words]
    best_x, best_cov = None, 1.0
    x = width * 0.38
    while x <= width * 0.62:
        cov = sum(1 for r in wide_rows if any(w.x0 - 1 <= x <= w.x1 + 1 for w in r)) / len(wide_rows)
        if cov < best_cov:
            best_x, best_cov = x, cov
        x += 2.0
    if best_x is None or best_cov > 0.08:
        return [words]
    left = [w for w in words if w.x1 <= best_x + 1]
    right = [w for w in words if w.x0 >= best_x - 1]
    if len(left) < 0.15 * len(words) or len(right) < 0.15 * len(words):
        return [words]
    crossing = [w for w in words if w.x0 < best_x - 1 and w.x1 > best_x + 1]
    return [crossing, left, right]


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def read_pdf(data: bytes, path: Path, settings: Settings) -> RawDocument:
    """Read a PDF into blocks. Raises IngestError (naming ``path``) for unreadable, encrypted, scanned, too long."""
    pdf = open_pdf(data, path, settings)
    try:
        pages_words = []
        dims = []
        for i, page in enumerate(pdf.pages, start=1):
            try:
                pages_words.append(_page_words(page, i))
            except Exception as exc:
                raise IngestError(path, E.E003, detail=f"page {i}: {type(exc).__name__}") from None
            dims.append((page.width, page.height))
        meta = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, bytes))}
    finally:
        pdf.close()
    n_pages = len(pages_words)
    n_chars = sum(len(w.text) for ws in pages_words for w in ws)
    if n_chars / max(n_pages, 1) < settings.min_text_chars_per_page:
        raise IngestError(path, E.E005)

    size_counts: Counter[float] = Counter()
    for ws in pages_words:
        for w in ws:
            size_counts[w.size] += len(w.text)
    body_size = size_counts.most_common(1)[0][0]

    page_lines: list[list[list[_PLine]]] = []  # page -> column -> lines
    for i, (ws, (width, _h)) in enumerate(zip(pages_words, dims), start=1):
        cols = [_group_lines(c, i, body_size) for c in _split_columns(ws, width) if c]
        for col in cols:
            for ln in col:
                _render_line(ln, body_size)
        page_lines.append(cols)

    _drop_running_lines(page_lines, dims, settings)
    return _build_blocks(page_lines, body_size, settings, n_pages, meta)


def _drop_running_lines(page_lines: list[list[list[_PLine]]], dims, settings: Settings) -> None:
    counts: Counter[str] = Counter()
    for cols, (_w, h) in zip(page_lines, dims):
        seen = set()
        for col in cols:
            for ln in col:
                if ln.top < h * settings.pdf_margin_ratio or ln.bottom > h * (1 - settings.pdf_margin_ratio):
                    seen.add(_mask(ln.text))
        counts.update(seen)
    n = len(page_lines)
    threshold = max(2, settings.pdf_repeat_ratio * n)
    for cols, (_w, h) in zip(page_lines, dims):
        for col in cols:
            keep = []
            for ln in col:
                in_margin = ln.top < h * settings.pdf_margin_ratio or ln.bottom > h * (1 - settings.pdf_margin_ratio)
                if in_margin and (counts[_mask(ln.text)] >= threshold or _PAGE_NUM_RE.match(ln.text)):
                    continue
                keep.append(ln)
            col[:] = keep


def _footnote_area(lines: list[_PLine], body_size: float, delta: float) -> int:
    """Index where the page's footnote area starts (len(lines) when none)."""
    i = len(lines)
    while i > 0 and lines[i - 1].size <= body_size - delta:
        i -= 1
    # the area must start with a note number (a raised digit or "1 Text")
    while i < len(lines):
        ln = lines[i]
        if _NOTE_LEAD_RE.match(ln.text) or (ln.markers and ln.markers[0][0] == 0):
            return i
        i += 1
    return len(lines)


def _is_heading(ln: _PLine, body_size: float) -> bool:
    if is_reference_heading(ln.text):
        return True
    words = ln.text.split()
    if not words or len(words) > 16 or ln.text.rstrip()[-1:] in ".,;" or len(ln.text) < 3:
        return False
    if ln.size >= body_size + 0.9:
        return True
    return ln.bold and (ln.size >= body_size - 0.2) and not ln.text.islower()


def _build_blocks(page_lines, body_size: float, settings: Settings, n_pages: int, meta: dict) -> RawDocument:
    blocks: list[Block] = []
    in_refs = False
    open_para: Block | None = None
    prev_line: _PLine | None = None

    for page_no, cols in enumerate(page_lines, start=1):
        all_lines = [ln for col in cols for ln in col]
        if not all_lines:
            continue
        # footnote area: bottom of the last column
        last_col = cols[-1] if cols else []
        fn_start = _footnote_area(last_col, body_size, settings.pdf_footnote_size_delta)
        notes_lines = last_col[fn_start:]
        cols = [*cols[:-1], last_col[:fn_start]] if cols else cols
        for col in cols:
            if not col:
                continue
            col_x0 = statistics.median([ln.x0 for ln in col])
            col_x1 = max(ln.x1 for ln in col)
            pitches = [b.top - a.top for a, b in zip(col, col[1:]) if body_size * 0.8 < b.top - a.top < body_size * 3.5]
            pitch = statistics.median(pitches) if pitches else body_size * 1.2
            prev_line = None
            for ln in col:
                if not ln.text:
                    continue
                if _is_heading(ln, body_size):
                    if blocks and blocks[-1].kind == "heading" and open_para is None and prev_line is not None \
                            and ln.top - prev_line.bottom < pitch and blocks[-1].page == page_no:
                        blocks[-1].text += " " + ln.text
                    else:
                        blocks.append(Block(kind="heading", text=ln.text, page=page_no, level=1 if ln.size >= body_size + 0.9 else 2))
                    in_refs = is_reference_heading(blocks[-1].text)
                    open_para = None
                    prev_line = ln
                    continue
                new_para = open_para is None
                if not new_para and prev_line is not None:
                    gap = ln.top - prev_line.top
                    if prev_line.page != ln.page or gap < 0:
                        new_para = False  # continuation across columns/pages decided below
                    elif gap > settings.pdf_paragraph_gap * pitch:
                        new_para = True
                    elif prev_line.text.rstrip()[-1:] in ".?!:" and (
                        prev_line.x1 < col_x1 - 0.08 * (col_x1 - col_x0) or gap > 1.15 * pitch
                    ):
                        new_para = True
                    elif not in_refs and ln.x0 > col_x0 + 8 and prev_line.x0 <= col_x0 + 3:
                        new_para = True
                if not new_para and open_para is not None and prev_line is not None and (prev_line.page != ln.page or ln.top < prev_line.top):
                    # first line of a new column/page: continue only an unfinished sentence
                    tail = open_para.text.rstrip()
                    starts_lower = ln.text[:1].islower()
                    if tail[-1:] in _TERMINAL and not starts_lower:
                        new_para = True
                if new_para or open_para is None:
                    open_para = Block(kind="reference" if in_refs else "body", text="", page=page_no)
                    blocks.append(open_para)
                _append_line(open_para, ln)
                prev_line = ln
        # footnotes of this page
        if notes_lines:
            units: list[FootnoteUnit] = []
            for ln in notes_lines:
                m = _NOTE_LEAD_RE.match(ln.text)
                if ln.markers and ln.markers[0][0] == 0:
                    units.append(FootnoteUnit(text=ln.text, number=ln.markers[0][1], page=page_no))
                elif m:
                    units.append(FootnoteUnit(text=ln.text[m.end():], number=int(m.group(1)), page=page_no))
                elif units:
                    units[-1].text = join_lines(units[-1].text, ln.text)
            notes = assemble_footnotes(units, fn_block=page_no)
            for n in notes:
                n.page = page_no
            # a note cannot restart the paragraph flow
            blocks.extend(notes)
    if not any(b.kind == "reference" for b in blocks):
        _find_unheaded_references(blocks)
    meta_hints = {k.lower(): v for k, v in meta.items() if k.lower() in ("title", "author", "subject", "keywords")}
    return RawDocument(media_type="application/pdf", blocks=[b for b in blocks if b.text.strip()], pages=n_pages, meta_hints=meta_hints)


_FIRST_REF_RE = re.compile(r"^\s*(\[1\]|1[.)])\s+[A-ZÀ-Þ]")


def _find_unheaded_references(blocks: list[Block]) -> None:
    """A numbered reference list with no heading: the trailing numbered run in the second half."""

    body = [i for i, b in enumerate(blocks) if b.kind == "body"]
    for i in body[len(body) // 2 :]:
        if _FIRST_REF_RE.match(blocks[i].text):
            rest = [j for j in range(i, len(blocks)) if blocks[j].kind == "body"]
            lines = [ln for j in rest for ln in blocks[j].lines]
            if is_numbered_list([ln.text for ln in lines]):
                for j in rest:
                    blocks[j].kind = "reference"
                return


def _append_line(block: Block, ln: _PLine) -> None:
    before = block.text
    joined = join_lines(before, ln.text)
    offset = len(joined) - len(ln.text)
    block.text = joined
    for off, num in ln.markers:
        block.markers.append(Marker(offset=offset + off, number=num, block=ln.page))
    block.lines.append(Line(text=ln.text, x0=ln.x0, x1=ln.x1, top=ln.top, page=ln.page, size=ln.size))
