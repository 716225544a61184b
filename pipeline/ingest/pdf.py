"""PDF reader on pdfplumber: words, columns, lines, page furniture, footnotes, paragraphs.

pdfplumber parses each page's glyphs once (``page.chars``, the same parse its own ``extract_text``
runs on); everything after that is this module's geometry, in one pass per page:

1. **Glyphs**: rotated glyphs (margin stamps such as "Downloaded from ...") are dropped; glyphs drawn
   two or three times on top of each other (bold faked by overprinting, the ``IIINNNTTTRRROOO`` of
   a plain text dump) are kept once.
2. **Words** from the glyphs in drawing order, broken at a space glyph, a change of baseline or size,
   and at a gap wider than :data:`SPACE_GAP_EM` of the font size. The gap is relative: pdfplumber's
   fixed 3 pt tolerance is 0.3 em at 10 pt, wider than the word spaces of tightly set journals, which
   is where ``JournalofConflictResolution(2019)Vol.63`` comes from. Letter-spaced lines (every glyph
   apart) get a threshold of their own (:func:`_line_space_gap`).
3. **Line numbers** of manuscripts (a narrow column of numbers beside the text) are dropped.
4. **Columns before lines**: the page is cut, top to bottom, into regions whose rows share a gutter
   no word crosses (:func:`_regions`), so a page may hold a one-column title block above two or three
   columns; words are assigned to their column, and only then grouped into lines. A heading in one
   column therefore stays a line of its own.
5. **Lines** within a column by baseline; raised small digits become footnote markers.
6. **Running heads and feet** (:func:`_drop_running_lines`): a line whose text, digits masked, comes
   back on a share of the pages (``pdf_repeat_ratio``) in the top/bottom margin, or anywhere on the
   page at the same height; lone page numbers at a column's top or foot.
7. **Footnotes**: the bottom run of lines set smaller than the body (``pdf_footnote_size_delta``)
   that starts with a note number continuing the document's numbering (a reference list set small,
   numbered or not, is not a footnote area); notes sections at the end ("Notes", "Anmerkungen").
   A note is called by a raised marker on its page or at the foot of the page before; the numbering
   goes on from the notes read, not from every line that starts with a number; a short note that comes
   back on other pages with another number ("5 ebenda") is not a running foot when it is called.
8. **Blocks**: headings (size, weight, numbering; never a table row or a figure caption),
   paragraphs (vertical gap, indent, a closed sentence at a short line), the reference list after
   its heading (:func:`pipeline.text.headings.is_reference_heading`) until a heading that ends it,
   and front-matter blocks for the first page's banners and repository cover pages.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import E, IngestError
from pipeline.ingest.footnotes import FootnoteUnit, assemble_footnotes
from pipeline.ingest.limits import guarded, pages_given_up
from pipeline.ingest.types import Block, Line, Marker, RawDocument
from pipeline.settings import Settings
from pipeline.text.headings import (
    is_caption,
    is_numbered_list,
    is_reference_heading,
    looks_like_section_heading,
    NOTES_HEADING_RE,
    ENDS_REFERENCES_RE,
)
from pipeline.text.hyphenation import join_lines

_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "\u00ad": "", "\u0000": ""}
_PAGE_NUM_RE = re.compile(
    r"^\W*(?:page|seite|s\.)?\s*[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/|von)\s*\d{1,4})?\W*$|^[ivxlc]{1,7}$", re.I)
_NOTE_LEAD_RE = re.compile(r"^(\d{1,3})[.)]?\s+(?=\S)")
_TERMINAL = ".!?:\"”’)"
# What the foot of an article's first page holds besides notes.
_FRONT_CUE_RE = re.compile(
    r"©|copyright|\bdoi\b|e-?mail|@|correspond|received|accepted|published|\bissn\b|https?://|www\.|"
    r"author'?s? note|address|anschrift|korrespondenz|eingegangen|angenommen|online",
    re.I,
)
# The body's first heading: after it, a reference heading read earlier was a table of contents' line.
_INTRODUCTION_RE = re.compile(
    r"^(?:(?:1|I|A)\.?\s+)?(?:introduction|einleitung|einführung|abstract|kurzfassung|zusammenfassung)\s*:?$", re.I)
_NOTE_CALL_RE = re.compile(r"^\d{1,3}(?:[,–-]\d{1,3})*[,.]?$")
# Bold and italic faces by font name: "Arial,Bold", "Times-Bold", "AvantGarde-Demi", "HelveticaNeue-Medium",
# Springer's "AdvTTb8864ccf.B" and "AdvPTimesB", TeX's "SFBX1000", "dcbx10", "CMBX10" (names seen in the corpus).
_BOLD_RE = re.compile(r"bold|black|heavy|demi|medium|[.,-]b$|[.,-]bd$|^advp\w*b$|^(?:sf|dc|cm|ec)bx", re.I)
_ITALIC_RE = re.compile(r"italic|oblique|[.,-]i$|[.,-]it$|^advp\w*i$|^(?:sf|dc|cm|ec)(?:ti|sl)", re.I)

# ---- glyphs and words ---------------------------------------------------------------------------------
#: A gap between two glyphs wider than this share of the font size is a word space. Measured on the
#: corpus's text layers that carry space glyphs: word gaps are 0.2-0.6 em, gaps inside words under
#: 0.1 em (kerning, tracking); pdfplumber's fixed 3 pt is 0.3 em at 10 pt and glues tight text.
SPACE_GAP_EM = 0.15
#: A space glyph counts only where the letters around it are at least this far apart (share of the size):
#: some producers put a space glyph over a ligature ("ﬁ nding") with no gap at all.
EXPLICIT_SPACE_MIN_EM = 0.05
#: A glyph starting further left than this share of the size before the previous glyph's end is not
#: the next letter of the word (a new line, a new column, text drawn again); kerning overlaps are smaller.
BACKWARD_GAP_EM = 0.35
#: Glyphs of one word share a baseline within this share of the size (fonts' descents differ a little).
BASELINE_EM = 0.15
#: Glyphs of one word differ in size by at most this many points (a superscript is a word of its own).
SIZE_STEP_PT = 0.5
#: Two copies of a glyph closer than this share of its width are one glyph drawn twice (fake bold).
DUPLICATE_GLYPH_SHARE = 0.3
#: Letter-spaced line: at least this share of its gaps lie between single glyphs set apart.
LETTERSPACED_SHARE = 0.6

# ---- lines ---------------------------------------------------------------------------------------------
#: Words of one line: baselines within this share of the font size (2.5 pt at 10 pt).
LINE_BASELINE_EM = 0.25
#: A marker is a digit at least this many points smaller than its line and raised above its baseline by more than
#: MARKER_RAISE_PT: superscripts are set at 60-75% of the size and raised by a third of it.
MARKER_SIZE_STEP_PT = 1.0
MARKER_RAISE_PT = 1.0

# ---- columns -------------------------------------------------------------------------------------------
#: A gutter is at least this wide (times the body size): narrower gaps between words are word spaces,
#: even in loosely justified lines (under 1 em); journal gutters are 1-3 em.
GUTTER_MIN_EM = 0.9
#: A multi-column region has at least this many rows with text on each side of each gutter.
MIN_COLUMN_ROWS = 4
#: Each column is at least this share of the text width (a column of list numbers is not a column).
MIN_COLUMN_SHARE = 0.18
#: A region of at most this many rows crossing the gutter between two regions with the same gutter,
#: with nearly all its text on one side, is a line that overflows into the gutter, not a page-wide block.
OVERFLOW_MAX_ROWS = 2
OVERFLOW_SIDE_SHARE = 0.8

# ---- page furniture ------------------------------------------------------------------------------------
#: Running lines away from the margins must come back at the same height within this many points.
RUNNING_POSITION_PT = 6.0
#: Running heads and feet are short: longer repeated lines are text (a repeated boilerplate sentence).
RUNNING_MAX_CHARS = 160
#: Manuscript line numbers: at least this many number-only words in one narrow column beside the text.
LINE_NUMBERS_MIN = 8
#: ... whose right edges lie within this many points of each other.
LINE_NUMBERS_ALIGN_PT = 4.0

# ---- blocks --------------------------------------------------------------------------------------------
#: The pages where an article's front matter may stand (a repository cover page, then the first page).
FRONT_PAGES = 2
#: A heading is at most this many words (longer bold or large lines are emphasised text).
HEADING_MAX_WORDS = 16
#: A heading runs over at most this many lines (more bold lines in a row are an emphasised paragraph).
HEADING_MAX_LINES = 3
#: A line this much larger than the body text (points) is a heading by size alone.
HEADING_SIZE_STEP_PT = 0.9
#: Numbered headings set in body type: at most this many words after the number.
NUMBERED_HEADING_MAX_WORDS = 10
#: A line ending this far short of its column's right edge (share of the column width) ends a paragraph
#: when it closes a sentence.
SHORT_LINE_SHARE = 0.08
#: Consecutive lines whose sizes differ by this much (points) belong to different paragraphs.
PARAGRAPH_SIZE_STEP_PT = 0.8
#: A first line indented by more than this (points) past the column's left edge opens a paragraph.
INDENT_PT = 8.0


@dataclass(slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    space_after: bool = False


@dataclass
class _PLine:
    words: list[_Word]
    page: int
    column: int = 0
    col_x0: float = 0.0
    col_x1: float = 0.0
    text: str = ""
    markers: list[tuple[int, int]] = field(default_factory=list)
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    italic: bool = False

    def finish(self) -> None:
        """Cache the geometry once the words are final (they are read many times)."""
        ws = self.words
        self.x0 = min(w.x0 for w in ws)
        self.x1 = max(w.x1 for w in ws)
        self.top = min(w.top for w in ws)
        self.bottom = max(w.bottom for w in ws)
        sizes = [w.size for w in ws if not w.text.isdigit()] or [w.size for w in ws]
        self.size = statistics.median(sizes)
        letters = [w for w in ws if any(ch.isalpha() for ch in w.text)] or ws
        self.bold = all(w.bold for w in letters)
        self.italic = all(w.italic for w in letters)


# Adobe "expert" fonts put small capitals and old-style figures in the Private Use Area at U+F700 plus the
# ASCII code ("Asmall" U+F761, "zerooldstyle" U+F730, Adobe Glyph List): pdfminer passes them through,
# so a SAGE banner reads "\uf765\uf775\uf772..." for "eur..." (EXCITE 22654).
_ADOBE_PUA = {0xF700 + c: c for c in range(0x21, 0x7F)}


def _fix(text: str) -> str:
    for k, v in _LIGATURES.items():
        if k in text:
            text = text.replace(k, v)
    if any("\uf721" <= ch <= "\uf77e" for ch in text):
        text = text.translate(_ADOBE_PUA)
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


# A glyph as this module reads it: (text, fontname, size, x0, x1, top, bottom, upright)
Glyph = tuple


def page_glyphs(page) -> list[Glyph]:
    """The page's glyphs in drawing order (pdfplumber's one parse of the page)."""
    return [(c["text"], c["fontname"], c["size"], c["x0"], c["x1"], c["top"], c["bottom"], c["upright"])
            for c in page.chars if not _UNMAPPED.match(c["text"])]


def _unrotated(pdf, page, glyphs: list[Glyph]):
    """A page with ``/Rotate`` whose text comes out sideways, read again as if it had none.

    ``/Rotate`` turns the page for display (ISO 32000-1, 7.7.3.3, table 30). Scanners, merging tools and
    "rotate page" buttons set it on pages whose text is drawn upright in the page's own space; pdfminer
    applies it, so every glyph comes out sideways and the words fall apart into letters. Read without
    the rotation, the glyphs are upright again; the reading with more upright glyphs is kept (a landscape
    page drawn turned in its space, then rotated back for display, keeps the rotation).
    """
    from pdfplumber.page import Page

    obj = page.page_obj
    saved = obj.attrs.get("Rotate"), obj.rotate
    obj.attrs["Rotate"], obj.rotate = 0, 0
    turned = Page(pdf, obj, page_number=page.page_number, initial_doctop=page.initial_doctop)
    try:
        again = page_glyphs(turned)
    finally:
        obj.rotate = saved[1]
        if saved[0] is None:
            obj.attrs.pop("Rotate", None)
        else:
            obj.attrs["Rotate"] = saved[0]
    if sum(1 for g in again if g[7]) > sum(1 for g in glyphs if g[7]):
        page.close()
        return turned, again
    turned.close()
    return page, glyphs


# pdfminer's placeholder for a glyph its font does not map to a character ("(cid:12)"): it carries no
# text, and decorative Type 3 patterns drawn as such glyphs reach tens of thousands per page (EXCITE 22654)
_UNMAPPED = re.compile(r"\(cid:\d+\)\Z")


def read_pdf(data: bytes, path: Path, settings: Settings) -> RawDocument:
    """Read a PDF into blocks. Raises IngestError (naming ``path``) for unreadable, encrypted, scanned, too long."""
    pdf = open_pdf(data, path, settings)
    dropped: list[int] = []
    try:
        pages: list[tuple[float, float, list[Glyph]]] = []
        for i, page in enumerate(pdf.pages, start=1):
            try:
                glyphs = page_glyphs(page)
                if page.rotation and glyphs and sum(1 for g in glyphs if g[7]) < 0.5 * len(glyphs):
                    page, glyphs = _unrotated(pdf, page, glyphs)
            except Exception as exc:  # pdfplumber wraps pdfminer's errors, PageTooLong included
                if i not in pages_given_up():
                    raise IngestError(path, E.E003, detail=f"page {i}: {type(exc).__name__}") from None
                glyphs = None
            if glyphs is None or i in pages_given_up():  # pdfminer may swallow the stop and return part
                dropped.append(i)
                glyphs = []
            pages.append((float(page.width), float(page.height), glyphs))
            page.close()  # pdfplumber keeps every parsed object of a page until it is closed
        meta = {k: str(v) for k, v in (pdf.metadata or {}).items() if isinstance(v, (str, bytes))}
    finally:
        pdf.close()
    if dropped and len(dropped) == len(pages):
        raise IngestError(path, E.E016, page=dropped[0], limit=settings.pdf_max_page_chars)
    raw = layout(pages, meta, settings, path)
    if dropped:
        raw.warnings.append(
            f"page(s) {', '.join(map(str, dropped))} skipped: each draws more than {settings.pdf_max_page_chars} "
            "characters (pdf_max_page_chars; raise IRPIPE_PDF_MAX_PAGE_CHARS if you trust the file)")
    return raw


def layout(pages: list[tuple[float, float, list[Glyph]]], meta: dict[str, str], settings: Settings,
           path: Path | str = "") -> RawDocument:
    """Blocks from every page's (width, height, glyphs): the geometry of this module, without pdfplumber."""
    n_pages = len(pages)
    n_chars = sum(1 for _w, _h, gs in pages for g in gs if not g[0].isspace())
    if n_chars / max(n_pages, 1) < settings.min_text_chars_per_page:
        raise IngestError(Path(path), E.E005)

    # fonts whose "fi"/"fl" ligatures come out as "Þ"/"ß" (a Mac encoding): "Þrms", "inßuence"
    thorn_fonts = {g[1] for _w, _h, gs in pages for g in gs if g[0] == "Þ"}
    pages_words = [_words(gs, thorn_fonts) for _w, _h, gs in pages]
    size_counts: Counter[float] = Counter()
    for ws in pages_words:
        for w in ws:
            size_counts[w.size] += len(w.text)
    body_size = size_counts.most_common(1)[0][0] if size_counts else 10.0

    page_lines: list[list[list[_PLine]]] = []  # page -> column (reading order) -> lines
    for i, (ws, (width, _h, _g)) in enumerate(zip(pages_words, pages), start=1):
        ws = _drop_line_numbers(ws)
        cols: list[list[_PLine]] = []
        for col_words, (cx0, cx1) in _columns(ws, width, body_size):
            lines = _group_lines(col_words, i, body_size)
            for ln in lines:
                ln.column = len(cols)
                ln.col_x0, ln.col_x1 = cx0, cx1
                _render_line(ln)
            if lines:
                cols.append(lines)
        page_lines.append(cols)

    dims = [(w, h) for w, h, _ in pages]
    first_page_furniture = _drop_running_lines(page_lines, dims, settings)
    return _build_blocks(page_lines, body_size, settings, n_pages, meta, first_page_furniture)


# ---- glyphs -> words -----------------------------------------------------------------------------------

def _dedupe(glyphs: list[Glyph]) -> list[Glyph]:
    """Glyphs drawn again at (almost) the same place are kept once (fake bold, shadowed text).

    Only pages that have such copies pay for the full check: the quick test looks for a glyph equal
    to the one drawn just before it or 3-20 glyphs before (a word drawn again as a whole).
    """
    suspicious = 0
    for i in range(1, len(glyphs)):
        a, b = glyphs[i - 1], glyphs[i]
        if a[0] == b[0] and abs(a[3] - b[3]) < 1.0 and abs(a[5] - b[5]) < 1.0:
            suspicious += 1
            if suspicious >= 3:
                break
    if suspicious < 3:
        return glyphs
    seen: dict[tuple[str, int, int], list[float]] = defaultdict(list)
    out = []
    for g in glyphs:
        text, x0, top = g[0], g[3], g[5]
        if text.isspace():
            out.append(g)
            continue
        tol = max(0.3, DUPLICATE_GLYPH_SHARE * (g[4] - x0))
        key_y = round(top)
        bucket = int(x0 // 2)
        dup = False
        for k in (bucket - 1, bucket, bucket + 1):
            for x in seen.get((text, key_y, k), ()):
                if abs(x - x0) < tol:
                    dup = True
                    break
            if dup:
                break
        if dup:
            continue
        seen[(text, key_y, bucket)].append(x0)
        out.append(g)
    return out


def _font_flags(font: str, cache: dict[str, tuple[bool, bool]]) -> tuple[bool, bool]:
    flags = cache.get(font)
    if flags is None:
        name = font.split("+", 1)[-1]
        flags = (bool(_BOLD_RE.search(name)), bool(_ITALIC_RE.search(name)))
        cache[font] = flags
    return flags


_THORN_LIGATURES = {"Þ": "fi", "ß": "fl"}


def _words(glyphs: list[Glyph], thorn_fonts: set[str] = frozenset()) -> list[_Word]:
    """Words from glyphs in drawing order (see the module docstring, step 2)."""
    upright = [g for g in glyphs if g[7]]
    if len(upright) >= 0.5 * len(glyphs):  # a rotated page keeps its glyphs (nothing better to read)
        glyphs = upright
    glyphs = _dedupe(glyphs)
    words: list[_Word] = []
    fonts: dict[str, tuple[bool, bool]] = {}
    cur: list[str] = []
    cx0 = cx1 = ctop = cbottom = csize = 0.0
    cfont = ""
    spaced = False  # a space glyph since the last letter
    for g in glyphs:
        text = g[0]
        if not text or text.isspace():
            spaced = True
            continue
        if thorn_fonts and g[1] in thorn_fonts:
            text = _THORN_LIGATURES.get(text, text)
        size = round(g[2], 1)
        if cur:
            gap = g[3] - cx1
            if (abs(size - csize) <= SIZE_STEP_PT and abs(g[6] - cbottom) <= BASELINE_EM * csize
                    and -BACKWARD_GAP_EM * csize <= gap <= SPACE_GAP_EM * csize
                    and not (spaced and gap > EXPLICIT_SPACE_MIN_EM * csize)):
                cur.append(text)
                cx1 = max(cx1, g[4])
                ctop = min(ctop, g[5])
                cbottom = max(cbottom, g[6]) if abs(g[6] - cbottom) < 0.5 else cbottom
                spaced = False
                continue
            bold, italic = _font_flags(cfont, fonts)
            words.append(_Word(_fix("".join(cur)), cx0, cx1, ctop, cbottom, csize, bold, italic, spaced))
        cur = [text]
        cx0, cx1, ctop, cbottom, csize, cfont = g[3], g[4], g[5], g[6], size, g[1]
        spaced = False
    if cur:
        bold, italic = _font_flags(cfont, fonts)
        words.append(_Word(_fix("".join(cur)), cx0, cx1, ctop, cbottom, csize, bold, italic, False))
    return [w for w in words if w.text.strip()]


def _drop_line_numbers(words: list[_Word]) -> list[_Word]:
    """Manuscript line numbers: number-only words aligned in a narrow column left or right of all other text."""
    nums = [w for w in words if w.text.isdigit() and len(w.text) <= 4]
    if len(nums) < LINE_NUMBERS_MIN:
        return words
    by_edge: dict[int, list[_Word]] = defaultdict(list)
    for w in nums:
        by_edge[int(w.x1 // LINE_NUMBERS_ALIGN_PT)].append(w)
    drop: set[int] = set()
    others = [w for w in words if not (w.text.isdigit() and len(w.text) <= 4)]
    if not others:
        return words
    left_text = min(w.x0 for w in others)
    right_text = max(w.x1 for w in others)
    for key in list(by_edge):
        group = by_edge[key] + by_edge.get(key + 1, [])
        if len(group) < LINE_NUMBERS_MIN:
            continue
        outside = [w for w in group if w.x1 < left_text - 2 or w.x0 > right_text + 2]
        if len(outside) < LINE_NUMBERS_MIN:
            continue
        values = [int(w.text) for w in sorted(outside, key=lambda w: w.top)]
        rising = sum(1 for a, b in zip(values, values[1:]) if b > a)
        if rising >= 0.8 * (len(values) - 1):
            drop.update(id(w) for w in outside)
    return [w for w in words if id(w) not in drop] if drop else words


# ---- columns -------------------------------------------------------------------------------------------

def _rows(words: list[_Word]) -> list[list[_Word]]:
    """Words grouped by baseline across the whole page (rows may hold several columns' lines)."""
    rows: list[list[_Word]] = []
    base = -1e9
    for w in sorted(words, key=lambda w: w.bottom):
        if rows and w.bottom - base <= LINE_BASELINE_EM * w.size:
            rows[-1].append(w)
        else:
            rows.append([w])
            base = w.bottom
    return rows


def _free(row: list[_Word], lo: float, hi: float, min_gap: float) -> list[tuple[float, float]]:
    """The x-intervals of [lo, hi] that no word of the row covers, at least ``min_gap`` wide."""
    out = []
    x = lo
    for w in sorted(row, key=lambda w: w.x0):
        if w.x0 - x >= min_gap:
            out.append((x, w.x0))
        x = max(x, w.x1)
    if hi - x >= min_gap:
        out.append((x, hi))
    return out


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= min_gap:
                out.append((lo, hi))
    return out


def _opens_gutter(region_free: list[tuple[float, float]], row_free: list[tuple[float, float]],
                  inner_lo: float, inner_hi: float) -> bool:
    """Does this row open a gutter below a region that has none (only its ragged margins are free)?

    A page-wide block (title, abstract) whose lines end short of the page's rightmost text keeps a free strip
    at the margin that every later row shares, so the rows of a two-column part below would be taken into the
    block and their gutter never found: the body and its note column were read across as one line each (EXCITE
    36025, page 1). A row with a free interval inside the text, apart from the region's margin strips, starts
    a new region; a one-column region split this way by a gapped row is joined again by :func:`_merge_regions`.
    """
    def margin(a: float, b: float) -> bool:
        return a <= inner_lo + 0.5 or b >= inner_hi - 0.5
    if not all(margin(a, b) for a, b in region_free):
        return False
    return any(not margin(a, b) and not any(a < d and c < b for c, d in region_free) for a, b in row_free)


@dataclass
class _Region:
    rows: list[list[_Word]]
    free: list[tuple[float, float]]
    gutters: list[float] = field(default_factory=list)


def _regions(words: list[_Word], body_size: float) -> list[_Region]:
    """Cut the page top to bottom into regions whose rows share gutters (see the module docstring, step 4)."""
    lo = min(w.x0 for w in words)
    hi = max(w.x1 for w in words)
    min_gap = GUTTER_MIN_EM * body_size
    # a gutter lies inside the text: not in the page's left or right margin
    inner_lo, inner_hi = lo + min_gap, hi - min_gap
    regions: list[_Region] = []
    for row in _rows(words):
        free = [(max(a, inner_lo), min(b, inner_hi)) for a, b in _free(row, lo, hi, min_gap)]
        free = [(a, b) for a, b in free if b - a >= min_gap * 0.5]
        if regions and regions[-1].free:
            both = _intersect(regions[-1].free, free, min_gap * 0.5)
            if both and not _opens_gutter(regions[-1].free, free, inner_lo, inner_hi):
                regions[-1].rows.append(row)
                regions[-1].free = both
                continue
        regions.append(_Region(rows=[row], free=free))
    width = hi - lo
    for reg in regions:
        for a, b in reg.free:
            left = sum(1 for r in reg.rows if any(w.x1 <= a + 0.5 for w in r))
            right = sum(1 for r in reg.rows if any(w.x0 >= b - 0.5 for w in r))
            if left < MIN_COLUMN_ROWS or right < MIN_COLUMN_ROWS:
                continue
            reg.gutters.append((a + b) / 2)
        if reg.gutters:
            # every column must be a real column, not a strip of list numbers
            edges = [lo, *reg.gutters, hi]
            rw = [w for r in reg.rows for w in r]
            ok = []
            for i, g in enumerate(reg.gutters):
                left_ws = [w for w in rw if edges[i] - 1 <= (w.x0 + w.x1) / 2 < g]
                right_ws = [w for w in rw if g <= (w.x0 + w.x1) / 2 <= edges[i + 2] + 1]
                if not left_ws or not right_ws:
                    continue
                lw = max(w.x1 for w in left_ws) - min(w.x0 for w in left_ws)
                rwid = max(w.x1 for w in right_ws) - min(w.x0 for w in right_ws)
                if ((lw >= MIN_COLUMN_SHARE * width or _note_strip(left_ws, body_size))
                        and (rwid >= MIN_COLUMN_SHARE * width or _note_strip(right_ws, body_size))):
                    ok.append(g)
            reg.gutters = ok
    return _merge_regions(regions)


#: A strip of side notes (small type beside the body, as in Statistisches Monatsheft Baden-Württemberg) is a column
#: however narrow, down to this width (times the body size): most of its text smaller than the body by at least this.
NOTE_STRIP_MIN_WIDTH_EM = 6
NOTE_STRIP_SIZE_STEP_PT = 1.5
#: ... for at least this share of its characters (a note's raised number or a bold lead may be larger).
NOTE_STRIP_SMALL_SHARE = 0.8


def _note_strip(words: list[_Word], body_size: float) -> bool:
    """Is this side of a gutter a strip of small type (notes beside the body), most of its characters set small?"""
    xs = [w.x0 for w in words] + [w.x1 for w in words]
    small = sum(len(w.text) for w in words if w.size <= body_size - NOTE_STRIP_SIZE_STEP_PT)
    return (small >= NOTE_STRIP_SMALL_SHARE * sum(len(w.text) for w in words)
            and max(xs) - min(xs) >= NOTE_STRIP_MIN_WIDTH_EM * body_size)


def _same_gutters(a: list[float], b: list[float], tol: float) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def _side_share(rows: list[list[_Word]], gutters: list[float]) -> float:
    """The largest share of the rows' text width that lies in one column of ``gutters``."""
    widths: Counter[int] = Counter()
    for r in rows:
        for w in r:
            widths[sum(1 for g in gutters if (w.x0 + w.x1) / 2 > g)] += w.x1 - w.x0
    total = sum(widths.values())
    return max(widths.values()) / total if total else 0.0


def _merge_regions(regions: list[_Region]) -> list[_Region]:
    """Join neighbours with the same gutters (or none); fold a line overflowing into the gutter back in."""
    out: list[_Region] = []
    i = 0
    while i < len(regions):
        reg = regions[i]
        nxt = regions[i + 1] if i + 1 < len(regions) else None
        if (out and out[-1].gutters and not reg.gutters and len(reg.rows) <= OVERFLOW_MAX_ROWS and nxt is not None
                and _same_gutters(out[-1].gutters, nxt.gutters, GUTTER_MIN_EM * 6)
                and _side_share(reg.rows, out[-1].gutters) >= OVERFLOW_SIDE_SHARE):
            out[-1].rows.extend(reg.rows)
            out[-1].rows.extend(nxt.rows)
            i += 2
            continue
        if out and ((not out[-1].gutters and not reg.gutters) or
                    (out[-1].gutters and _same_gutters(out[-1].gutters, reg.gutters, GUTTER_MIN_EM * 6))):
            out[-1].rows.extend(reg.rows)
        else:
            out.append(reg)
        i += 1
    return out


def _columns(words: list[_Word], width: float, body_size: float) -> list[tuple[list[_Word], tuple[float, float]]]:
    """The page's words as columns in reading order, each with its x extent."""
    if not words:
        return []
    out = []
    for reg in _regions(words, body_size):
        ws = [w for r in reg.rows for w in r]
        if not reg.gutters:
            out.append((ws, (min(w.x0 for w in ws), max(w.x1 for w in ws))))
            continue
        cols: list[list[_Word]] = [[] for _ in range(len(reg.gutters) + 1)]
        for w in ws:
            mid = (w.x0 + w.x1) / 2
            cols[sum(1 for g in reg.gutters if mid > g)].append(w)
        for c in cols:
            if c:
                out.append((c, (min(w.x0 for w in c), max(w.x1 for w in c))))
    return out


# ---- words -> lines ------------------------------------------------------------------------------------

def _group_lines(words: list[_Word], page_no: int, body_size: float) -> list[_PLine]:
    """Lines of one column by baseline; raised small words join the line they sit on.

    A raised word joins the current line only when its foot lies within the line's baseline band: a note's
    own superscript number at the start of the next line may reach up into the line above (EXCITE 11653:
    a 6.5 pt "12" whose top is 0.8 pt above the previous line's baseline), and taken into that line it
    becomes text of the previous note ("ahnliche 12 Darstellung") and the note is lost.
    """
    words = sorted(words, key=lambda w: (w.bottom, w.x0))
    lines: list[_PLine] = []
    base = top = x0 = 0.0
    for w in words:
        if lines:
            cur = lines[-1]
            # same line: baselines close, or a raised smaller word (a superscript) overlapping the line
            if abs(w.bottom - base) <= LINE_BASELINE_EM * max(w.size, body_size * 0.8) or (
                    w.size < cur.words[0].size - SIZE_STEP_PT and w.top < base and w.bottom > top - 1 and w.x0 >= x0
                    and w.bottom <= base + LINE_BASELINE_EM * body_size):
                cur.words.append(w)
                if w.size >= cur.words[0].size - SIZE_STEP_PT:
                    base = max(base, w.bottom) if abs(w.bottom - base) < 1.0 else base
                top = min(top, w.top)
                x0 = min(x0, w.x0)
                continue
        lines.append(_PLine(words=[w], page=page_no))
        base, top, x0 = w.bottom, w.top, w.x0
    # a row of raised note numbers alone (sorted above their line): fold it into the line it is raised in
    merged: list[_PLine] = []
    for idx, ln in enumerate(lines):
        small = all(_NOTE_CALL_RE.match(w.text) and w.size <= body_size - MARKER_SIZE_STEP_PT for w in ln.words)
        if small:
            nxt = lines[idx + 1] if idx + 1 < len(lines) else None
            if nxt is not None:
                n_top = min(w.top for w in nxt.words)
                n_bottom = max(w.bottom for w in nxt.words)
                if n_top + 0.2 * nxt.words[0].size <= max(w.bottom for w in ln.words) <= n_bottom:
                    nxt.words.extend(ln.words)
                    continue
        merged.append(ln)
    for ln in merged:
        ln.words.sort(key=lambda w: w.x0)
        ln.finish()
    return merged


def _line_space_gap(words: list[_Word]) -> float | None:
    """For a letter-spaced line (most words are single glyphs set apart), the gap that separates words.

    Returns None for an ordinary line. Letter-spaced text (German emphasis, headings) puts every glyph
    into a word of its own; its real word spaces are the clearly wider gaps: the threshold is the middle
    between the typical glyph gap and the widest ones.
    """
    if len(words) < 6:
        return None
    singles = sum(1 for w in words if len(w.text) == 1)
    if singles < LETTERSPACED_SHARE * len(words):
        return None
    gaps = sorted(b.x0 - a.x1 for a, b in zip(words, words[1:]))
    typical = gaps[len(gaps) // 3]
    widest = gaps[-1]
    if widest <= typical * 1.8:
        return widest + 1.0  # one word set apart: no space at all
    return (typical + widest) / 2 if typical * 2.2 > widest else typical * 1.6


def _render_line(line: _PLine) -> None:
    """Join the words; raised small digits become footnote markers, not text."""
    size = line.size
    core = [w for w in line.words if w.size >= size - SIZE_STEP_PT]
    base = statistics.median([w.bottom for w in core] or [line.bottom])
    spaced = _line_space_gap(line.words)
    parts: list[str] = []
    length = 0
    prev: _Word | None = None
    for w in line.words:
        is_marker = (
            w.text.isdigit()
            and len(w.text) <= 3
            and w.size <= size - MARKER_SIZE_STEP_PT
            and w.bottom < base - MARKER_RAISE_PT
            and (prev is not None or len(line.words) > 1)  # at the start of a line: a note's own number
        )
        if is_marker:
            line.markers.append((length, int(w.text)))
            prev = w
            continue
        if parts and prev is not None:
            gap = w.x0 - prev.x1
            limit = spaced if spaced is not None else SPACE_GAP_EM * min(w.size, prev.size)
            if gap > limit or (prev.space_after and spaced is None):
                parts.append(" ")
                length += 1
        parts.append(w.text)
        length += len(w.text)
        prev = w
    line.text = "".join(parts).strip()


# ---- page furniture ------------------------------------------------------------------------------------

def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_running_lines(page_lines: list[list[list[_PLine]]], dims, settings: Settings) -> list[_PLine]:
    """Remove running heads/feet and page numbers; return the first page's margin lines that were removed.

    A line is furniture when its masked text is on at least ``pdf_repeat_ratio`` of the pages (and on
    two at least): in the top/bottom margin (``pdf_margin_ratio``) anywhere, elsewhere only at the same
    height (within :data:`RUNNING_POSITION_PT`). A page number is a lone number at the top or the foot
    of a column. The first two pages' removed lines (journal banners and footers, DOIs, copyright lines;
    page 2 for the article's own first page after a cover, or a journal named only from page 2 on) are
    returned for the front matter.
    """
    n = len(page_lines)
    margin = settings.pdf_margin_ratio
    pages_by_key: dict[str, set[int]] = defaultdict(set)
    tops_by_key: dict[str, list[float]] = defaultdict(list)
    for p, (cols, (_w, h)) in enumerate(zip(page_lines, dims)):
        for col in cols:
            for ln in col:
                if len(ln.text) > RUNNING_MAX_CHARS:
                    continue
                key = _mask(ln.text)
                if p not in pages_by_key[key]:
                    pages_by_key[key].add(p)
                    tops_by_key[key].append(ln.top)
    threshold = max(2, settings.pdf_repeat_ratio * n)
    running_margin = {k for k, ps in pages_by_key.items() if len(ps) >= threshold}
    running_anywhere = set()
    for k in running_margin:
        tops = sorted(tops_by_key[k])
        # the largest set of pages where the line sits at one height
        best = max(sum(1 for t in tops if abs(t - c) <= RUNNING_POSITION_PT) for c in tops)
        if best >= threshold:
            running_anywhere.add(k)
    removed_first: list[_PLine] = []
    prev_calls: set[int] = set()
    for p, (cols, (_w, h)) in enumerate(zip(page_lines, dims)):
        calls = _page_calls(cols)
        called = calls | prev_calls
        prev_calls = calls
        for col in cols:
            keep = []
            for j, ln in enumerate(col):
                in_margin = ln.top < h * margin or ln.bottom > h * (1 - margin)
                key = _mask(ln.text) if len(ln.text) <= RUNNING_MAX_CHARS else None
                if key is not None and _called_note(ln, called):
                    key = None  # a short note repeated on other pages ("5 ebenda", "12 a.a.O., S. 391")
                edge = j == 0 or j == len(col) - 1 or in_margin
                drop = key is not None and (
                    (in_margin and key in running_margin) or key in running_anywhere
                    or (edge and _PAGE_NUM_RE.match(ln.text) is not None and (in_margin or _lone(col, j)))
                )
                if drop:
                    if p <= 1 and (in_margin or key in running_anywhere):  # pages 1-2 (after a cover), above the margin too
                        removed_first.append(ln)
                    continue
                keep.append(ln)
            col[:] = keep
        page_lines[p] = [c for c in cols if c]
    return removed_first


def _page_calls(cols: list[list[_PLine]]) -> set[int]:
    """The note numbers a page's raised markers call (a marker inside a line, not a note's own leading number)."""
    return {num for col in cols for ln in col for off, num in ln.markers if off > 0}


def _called_note(ln: _PLine, called: set[int]) -> bool:
    """A line led by a note number that a raised marker on its page (or the previous one) calls, with text after it.

    Short notes come back with only their numbers changed ("4 ebenda" ... "7 ebenda", "52 Hans-Jürgen Urban
    (2013), a. a. O., S. 391"), which masked are the same line on several pages at the foot: taken for a running
    foot they were dropped, and the numbering after them broke (EXCITE 36025, 41507). A running foot's leading
    page number is not called by a marker in the text.
    """
    num = _note_number(ln)
    if num is None or num not in called:
        return False
    rest = ln.text if ln.markers and ln.markers[0][0] == 0 else _NOTE_LEAD_RE.sub("", ln.text, count=1)
    return any(ch.isalpha() for ch in rest)


def _lone(col: list[_PLine], j: int) -> bool:
    """A line set apart from its column's other lines by more than a line's height (a page number)."""
    ln = col[j]
    gap_above = ln.top - col[j - 1].bottom if j > 0 else 1e9
    gap_below = col[j + 1].top - ln.bottom if j + 1 < len(col) else 1e9
    return min(gap_above, gap_below) > ln.size * 0.8


# ---- footnotes -----------------------------------------------------------------------------------------

def _note_number(ln: _PLine) -> int | None:
    if ln.markers and ln.markers[0][0] == 0:
        return ln.markers[0][1]
    m = _NOTE_LEAD_RE.match(ln.text)
    return int(m.group(1)) if m else None


def _footnote_area(lines: list[_PLine], body_size: float, delta: float, last_note: int,
                   page_markers: set[int], *, in_refs: bool = False) -> int:
    """Index where a column's footnote area starts (len(lines) when none).

    The area is the column's bottom run of lines set smaller than the body, from its first line that
    starts with a note number. Its first number must continue the document's notes (the next one, or
    a restart at 1) or be called by a marker on the page; a run filling the whole column (a reference
    list set small, a page of notes) must be called by a marker. Inside what the reader takes for a
    reference list (``in_refs``) the number must be called too: a list's own numbered entries are not
    called by raised digits, but the notes of body text read as a list are (a table of contents' entry
    "Literaturverzeichnis" opens the list on page 2 of EXCITE paper 11653, whose 100 notes were lost).
    """
    i = len(lines)
    while i > 0 and lines[i - 1].size <= body_size - delta:
        i -= 1
    whole = i == 0
    while i < len(lines):
        num = _note_number(lines[i])
        if num is not None:
            called = num in page_markers
            continues = num == last_note + 1 or (num == 1 and not whole) or (last_note < num <= last_note + 3)
            if called or (continues and not whole and not in_refs):
                return i
            return len(lines)
        i += 1
    return len(lines)


def _front_matter_foot(lines: list[_PLine], body_size: float, delta: float) -> int:
    """Where a first page's foot of front matter starts (len(lines) when none): the column's bottom run of
    small lines, when it holds a front-matter cue (copyright, DOI, e-mail, correspondence, dates)."""
    i = len(lines)
    while i > 0 and lines[i - 1].size <= body_size - delta:
        i -= 1
    if i == 0 or i == len(lines):
        return len(lines)
    text = " ".join(ln.text for ln in lines[i:])
    return i if _FRONT_CUE_RE.search(text) else len(lines)


def _paragraph_texts(lines: list[_PLine]) -> list[str]:
    """Lines joined into paragraphs at sentence ends followed by a line break (for front-matter feet)."""
    out: list[str] = []
    for ln in lines:
        if out and not out[-1].rstrip().endswith((".", ":")) and not ln.bold:
            out[-1] = join_lines(out[-1], ln.text)
        else:
            out.append(ln.text)
    return out


def _footnote_units(lines: list[_PLine], page_no: int, page_markers: set[int]) -> list[FootnoteUnit]:
    """One unit per note: a line led by a note number opens one when the number is the next one or is
    called on the page (a continuation line may start with a number too: "45 (3): 12-30")."""
    units: list[FootnoteUnit] = []
    for ln in lines:
        m = _NOTE_LEAD_RE.match(ln.text)
        last = units[-1].number if units else None
        if ln.markers and ln.markers[0][0] == 0:
            units.append(FootnoteUnit(text=ln.text, number=ln.markers[0][1], page=page_no))
        elif m and (last is None or int(m.group(1)) == last + 1 or int(m.group(1)) in page_markers):
            units.append(FootnoteUnit(text=ln.text[m.end():], number=int(m.group(1)), page=page_no))
        elif units:
            units[-1].text = join_lines(units[-1].text, ln.text)
        else:
            units.append(FootnoteUnit(text=ln.text, number=None, page=page_no))
    return units


# ---- blocks --------------------------------------------------------------------------------------------

def _looks_like_heading(ln: _PLine, body_size: float) -> bool:
    """A line set as a heading: larger than the body, or bold; short; never a caption or a table row."""
    text = ln.text
    words = text.split()
    if not words or len(words) > HEADING_MAX_WORDS or len(text) < 3 or text.rstrip()[-1:] in ",;":
        return False
    if is_caption(text):
        return False
    letters = sum(ch.isalpha() for ch in text)
    if letters < 0.5 * len(text.replace(" ", "")):  # a table row of figures, a formula
        return False
    if is_reference_heading(text) or NOTES_HEADING_RE.match(text):
        return ln.bold or ln.size >= body_size - 0.2 or len(words) <= 3
    if text.rstrip()[-1:] == "." and len(words) > 1 and not re.fullmatch(r"(?:\d+\.)+", words[0]):
        return False
    if ln.size >= body_size + HEADING_SIZE_STEP_PT:
        return True
    return ln.bold and ln.size >= body_size - 0.2 and not text[:1].islower()


def _heading_flags(col: list[_PLine], body_size: float) -> list[bool]:
    """Which lines of a column look like headings, as runs: a run of bold or large lines that is long
    (more than :data:`HEADING_MAX_LINES` lines or 1.5 x :data:`HEADING_MAX_WORDS` words) is an emphasised
    paragraph, and a bold line run on by a line in lower case is a run-in lead, not a heading."""
    flags = [_looks_like_heading(ln, body_size) for ln in col]
    j = 0
    while j < len(col):
        if not flags[j]:
            j += 1
            continue
        k = j + 1
        while k < len(col) and flags[k] and _same_style(col[k], col[j]) and col[k].top - col[k - 1].bottom < col[j].size:
            k += 1
        run = col[j:k]
        large = run[0].size >= body_size + HEADING_SIZE_STEP_PT  # a title may run over more lines
        long_run = (len(run) > HEADING_MAX_LINES * (2 if large else 1)
                    or sum(len(ln.text.split()) for ln in run) > (2 if large else 1.5) * HEADING_MAX_WORDS)
        nxt = col[k] if k < len(col) else None
        run_in = (nxt is not None and not flags[k] and nxt.text[:1].islower() and nxt.size <= run[-1].size
                  and nxt.top - run[-1].bottom < 0.5 * run[-1].size and not is_reference_heading(run[-1].text))
        if long_run or run_in:
            for i in range(j, k):
                flags[i] = is_reference_heading(col[i].text)
        j = k
    return flags


def _heading_in_references(ln: _PLine) -> bool:
    """Inside a reference list only a heading that ends it counts (a bold author name does not), or an
    introduction: a "References" line read before it was a table of contents' entry (FQS papers)."""
    return bool(ENDS_REFERENCES_RE.match(ln.text) or is_reference_heading(ln.text) or NOTES_HEADING_RE.match(ln.text)
                or _INTRODUCTION_RE.match(ln.text))


#: A "reference list" of at most this many short lines ended by the next heading is a table of contents.
TOC_MAX_LINES = 3


def _drop_toc_references(blocks: list[Block]) -> None:
    """A reference heading followed by a few short lines and then another heading was a table of
    contents' entry ("References", "Author Citation", "1. Introduction"): front matter, not a list."""
    j = len(blocks)
    while j > 0 and blocks[j - 1].kind == "reference":
        j -= 1
    if j == 0 or blocks[j - 1].kind != "heading" or not is_reference_heading(blocks[j - 1].text):
        return
    tail = blocks[j:]
    if len(tail) <= TOC_MAX_LINES and all(len(b.text) < 80 for b in tail):
        for b in blocks[j - 1:]:
            b.kind = "front_matter"


def _is_numbered_heading(ln: _PLine, nxt: _PLine | None, prev: _PLine | None, body_size: float) -> bool:
    """A numbered heading set in body type ("2 Theoretischer Rahmen"): short, set apart, not a list item."""
    if not looks_like_section_heading(ln.text, NUMBERED_HEADING_MAX_WORDS):
        return False
    if ln.size < body_size - 0.5:
        return False
    width = ln.col_x1 - ln.col_x0
    if width > 0 and ln.x1 - ln.x0 > 0.75 * width:
        return False
    # set apart: a gap above or below larger than the line pitch
    gap_above = ln.top - prev.bottom if prev is not None and prev.page == ln.page and prev.column == ln.column else 99
    gap_below = nxt.top - ln.bottom if nxt is not None and nxt.page == ln.page and nxt.column == ln.column else 99
    return max(gap_above, gap_below) > 0.9 * ln.size


def _same_style(a: _PLine, b: _PLine) -> bool:
    """Two lines of one heading: the same size (within half a point) and weight."""
    return abs(a.size - b.size) <= 0.5 and a.bold == b.bold


def _build_blocks(page_lines, body_size: float, settings: Settings, n_pages: int, meta: dict,
                  first_page_furniture: list[_PLine]) -> RawDocument:
    blocks: list[Block] = []
    in_refs = False
    in_notes = False
    open_para: Block | None = None
    last_note = 0
    prev_markers: set[int] = set()
    prev_line: _PLine | None = None
    heading_line: _PLine | None = None  # the last line read as a heading (a heading may run over lines)

    for ln in first_page_furniture:
        if ln.text and not _PAGE_NUM_RE.match(ln.text) and all(b.text != ln.text for b in blocks):  # once, not per page
            blocks.append(Block(kind="front_matter", text=ln.text, page=1))

    for page_no, cols in enumerate(page_lines, start=1):
        if not cols:
            continue
        page_markers = _page_calls(cols)
        # a call at the foot of the previous page whose note is set on this one still calls it
        called = page_markers | {n for n in prev_markers if n > last_note}
        prev_markers = page_markers
        # footnote areas: the bottom of every column that reaches the page's lowest text
        lowest = max(col[-1].bottom for col in cols)
        notes_lines: list[_PLine] = []
        body_cols: list[list[_PLine]] = []
        for col in cols:
            start = len(col)
            small = all(ln.size <= body_size - settings.pdf_footnote_size_delta for ln in col)
            if col[-1].bottom >= lowest - 3 * body_size or small:  # notes at the foot, or a strip of side notes
                start = _footnote_area(col, body_size, settings.pdf_footnote_size_delta, last_note, called,
                                       in_refs=in_refs)
                if start == len(col) and page_no <= FRONT_PAGES and not in_refs:
                    # the first pages' foot: correspondence, copyright, DOI, dates (front matter, not body)
                    fm = _front_matter_foot(col, body_size, settings.pdf_footnote_size_delta)
                    blocks.extend(Block(kind="front_matter", text=t, page=page_no) for t in _paragraph_texts(col[fm:]))
                    col = col[:fm]
            notes_lines.extend(col[start:])
            body_cols.append(col[:start])
        units = _footnote_units(notes_lines, page_no, called) if notes_lines else []
        # the numbers of the notes read, not of every line that starts with one: a note's continuation line
        # may begin with a date or a page ("14. und 15. November"), which would skip the numbering ahead
        # and reject the next page's notes (EXCITE 41507: notes 2-9 lost after "14." on page 1)
        nums = [u.number for u in units if u.number is not None]
        if nums:
            last_note = max(last_note, max(nums))
        for col in body_cols:
            if not col:
                continue
            col_x0 = statistics.median([ln.x0 for ln in col])
            col_x1 = max(ln.x1 for ln in col)
            pitches = [b.top - a.top for a, b in zip(col, col[1:]) if body_size * 0.8 < b.top - a.top < body_size * 3.5]
            pitch = statistics.median(pitches) if pitches else body_size * 1.2
            prev_in_col: _PLine | None = None
            flags = _heading_flags(col, body_size)
            for j, ln in enumerate(col):
                if not ln.text:
                    continue
                nxt = col[j + 1] if j + 1 < len(col) else None
                if in_refs:
                    heading = flags[j] and _heading_in_references(ln)
                else:
                    heading = flags[j] or _is_numbered_heading(ln, nxt, prev_in_col, body_size)
                if heading:
                    if blocks and blocks[-1].kind == "heading" and open_para is None and prev_in_col is not None \
                            and prev_in_col is heading_line and _same_style(ln, heading_line) \
                            and ln.top - prev_in_col.bottom < pitch and blocks[-1].page == page_no \
                            and not is_reference_heading(ln.text) and not is_reference_heading(blocks[-1].text):
                        blocks[-1].text = join_lines(blocks[-1].text, ln.text)
                        blocks[-1].lines.append(_line_record(ln))
                    else:
                        if in_refs:
                            _drop_toc_references(blocks)
                        level = 1 if ln.size >= body_size + HEADING_SIZE_STEP_PT else 2
                        blocks.append(Block(kind="heading", text=ln.text, page=page_no, level=level,
                                            lines=[_line_record(ln)]))
                    in_refs = is_reference_heading(blocks[-1].text)
                    in_notes = bool(NOTES_HEADING_RE.match(blocks[-1].text))
                    open_para = None
                    prev_line = prev_in_col = heading_line = ln
                    continue
                if in_notes:
                    num = _note_number(ln)
                    if num is not None and (open_para is None or ln.x0 <= col_x0 + INDENT_PT):
                        m = _NOTE_LEAD_RE.match(ln.text)
                        text = ln.text[m.end():] if m else ln.text
                        open_para = Block(kind="footnote", text=text, page=page_no, number=num, fn_block=page_no)
                        blocks.append(open_para)
                        last_note = max(last_note, num)
                        prev_line = prev_in_col = ln
                        continue
                    if open_para is not None and open_para.kind == "footnote":
                        open_para.text = join_lines(open_para.text, ln.text)
                        prev_line = prev_in_col = ln
                        continue
                new_para = open_para is None
                # a move back up (the next column) or to another page; a new region below is plain flow
                jumped = prev_line is not None and (prev_line.page != ln.page or ln.top < prev_line.top - 1)
                if not new_para and prev_line is not None:
                    gap = ln.top - prev_line.top
                    if jumped:
                        new_para = False  # continuation across columns/pages decided below
                    elif gap > settings.pdf_paragraph_gap * pitch:
                        new_para = True
                    elif abs(ln.size - prev_line.size) >= PARAGRAPH_SIZE_STEP_PT and not in_refs:
                        new_para = True  # a paragraph is set in one size (keywords under an abstract, a note)
                    elif prev_line.text.rstrip()[-1:] in ".?!:" and (
                        prev_line.x1 < col_x1 - SHORT_LINE_SHARE * (col_x1 - col_x0) or gap > 1.15 * pitch
                    ):
                        new_para = True
                    elif not in_refs and ln.x0 > col_x0 + INDENT_PT and prev_line.x0 <= col_x0 + 3:
                        new_para = True
                if not new_para and open_para is not None and jumped:
                    # first line of a new column/page: continue only an unfinished sentence
                    tail = open_para.text.rstrip()
                    if tail[-1:] in _TERMINAL and not ln.text[:1].islower():
                        new_para = True
                if new_para or open_para is None or open_para.kind == "footnote":
                    open_para = Block(kind="reference" if in_refs else "body", text="", page=page_no)
                    blocks.append(open_para)
                _append_line(open_para, ln)
                prev_line = prev_in_col = ln
        if notes_lines:
            notes = assemble_footnotes(units, fn_block=page_no)
            for n in notes:
                n.page = page_no
            blocks.extend(notes)
    if not any(b.kind == "reference" for b in blocks):
        _find_unheaded_references(blocks)
    meta_hints = {k.lower(): v for k, v in meta.items() if k.lower() in ("title", "author", "subject", "keywords")}
    return RawDocument(media_type="application/pdf", blocks=[b for b in blocks if b.text.strip()], pages=n_pages,
                       meta_hints=meta_hints)


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
    block.lines.append(_line_record(ln))


def _line_record(ln: _PLine) -> Line:
    return Line(text=ln.text, x0=ln.x0, x1=ln.x1, top=ln.top, page=ln.page, size=ln.size,
                column=ln.column, col_x0=ln.col_x0, col_x1=ln.col_x1, bold=ln.bold, italic=ln.italic)
