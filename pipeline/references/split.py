"""Split a PDF's reference section into single references.

A reference list reaches this module as the physical lines of its page(s), in reading order, with their
geometry (:class:`pipeline.ingest.types.Line`). Each line is labelled ``B`` (opens a reference), ``I``
(continues one) or ``O`` (no reference: an author's biography, a running head or page number the reader
left in, a note, a publisher's list of other papers after the references), and the B/I runs are joined.

The labeller is a linear-chain CRF over lines (Lafferty, McCallum and Pereira 2001), the way GROBID's
``reference-segmenter`` model and EXCITE's EXparser (Körner et al. 2017; Hosseini et al. 2019) segment
reference sections: layout features (indent against the column's left edge, the previous line's right
edge, the vertical gap, a page or column change, the font size) with the text's (a line that opens like an
author list, a year near the start, the previous line closing with a full stop or a page range, a list
number in sequence), for the line and its neighbours. It is trained on the corpus's hand-checked
reference strings aligned to the reader's lines (:mod:`pipeline.references.training`, evaluated by
leave-papers-out cross-validation; ``models/references/README.md``).

When the model file is missing, the rules the CRF replaced decide (:func:`rule_labels`); they know three
layouts: numbered (``[n]``, ``n.``, ``n)`` in sequence), hanging indent, and flush lines where an entry
starts after a line that closed a reference, after a vertical gap where the list sets its entries apart, or
after a line that ended although the next line's first word would have fitted on it (:func:`_left_room`: lists
of sources that open with no author or year, one per line). In either case a part's heading inside the list
("Sonstige Quellen", "Zeitungen", "Primary sources": :data:`SOURCE_LIST_HEADING_RE`, headings named by the kind
of source they head) is no reference and opens the part's first entry.

After either, a joined entry that holds two (the line rules missed the second's start: :func:`resplit_merged`) is cut
apart, and a row of a table of years the reader left in the list (:func:`is_table_row`) or a rule of underscores is
dropped.

Before either, what journals and series print after the last reference (notes on the authors, citation and
contact boxes, submission dates, the publisher's list of other titles) is cut off (:func:`cut_trailer`). The
list's boundaries are found on the reader's blocks (:func:`mark_reference_sections`): lists under headings the
reader does not know (among them lists headed by the kind of their sources, "Vorgestellte Aufsätze",
"GIGA-Publikationen zum Thema", when what follows reads as a list), unheaded lists at a paper's end, numbered lists
the reader took for notes, and lists that go on past an entry the reader took for a heading.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from functools import lru_cache
from pathlib import Path

from pipeline.ingest.types import Line
from pipeline.text.headings import ENDS_REFERENCES_RE, is_numbered_list, is_reference_heading, list_number
from pipeline.text.hyphenation import join_lines

MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "references"
SPLIT_MODEL_FILE = MODEL_DIR / "split.crfsuite"

_AUTHOR_START = re.compile(
    r"^(?:(?:(?:De|Van|Von|Di|Da|Du|Le|La|Del|Dos|Ten|Ter|Zu)\s+(?:(?:der|den|de)\s+)?)?"
    r"[A-ZÀ-ÖØ-ÞŁŠŽČ][\w'’\-]+(?:\s+(?:van|von|de|der|da|di|la|le|del|dos|du)\s+[\w'’\-]+)*,\s*(?:[A-Z][\w.\-]*|\(?\d{4})"
    r"|[A-ZÀ-ÖØ-Þ][\w'’\-]+\s+[A-Z]{1,3}[,.]"
    r"|[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s*/\s*[A-ZÀ-ÖØ-Þ][\w'’\-]+|\s+(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+|and|of|for|the|&|et\s+al\.?|u\.\s?a\.)){0,5}"
    r"\s*[,.]?\s*\(?(?:1[5-9]|20)\d{2}"
    r"|(?:de|van|von|der|den|di|da|du|le|la|del|dos|ten|ter|zu)\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+,\s*[A-ZÀ-ÖØ-Þ]"
    r"|[A-ZÀ-ÖØ-Þ]{2,}[A-ZÀ-ÖØ-Þ'’\-]*\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+,"
    r"|,\s*\(?(?:1[6-9]|20)\d\d[a-z]?\b"
    r"|\[[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,8}\+?\d{2,4}[a-z]?\]"
    r"|[-–—_]{2,})"
)
# "Frey/Stutzer (2002):", "Ridder et al. (2007):" and "Hobbes (1615):" open like authors too (EXCITE 42768), and
# so does a surname in capitals before the given name ("WOMACK James, JONES Daniel, ...", 11018).
# "[BAUD93] Baudel, T.: ..." (an alphanumeric key, computer-science style) opens like an author (EXCITE 22006).
# Besides "de Duve, Thierry" (a particle before the surname), ", 1984: ..." opens an entry: the same author as
# the entry before, whose ditto dash the PDF draws as a line and the reader does not keep (EXCITE 36334).
_DITTO_RE = re.compile(r"^(?:,\s*\(?(?:1[6-9]|20)\d\d[a-z]?\b|[-–—_]{2,}|ders\.|dies\.|idem\b|eadem\b)")
# "(2004): Informe ..." opens an entry too: the same author again, its dash drawn as soft hyphens the text layer
# drops (EXCITE 27640). So does an author list broken before its year ("Tajfel, H." / "(1979). Psycholinguistic
# ...", APA, 22780): only a line before it that left room for the year tells the two apart (:func:`_left_room`).
_YEAR_DITTO_RE = re.compile(r"^\((?:1[6-9]|20)\d\d[a-z]?\)\s*[:.,]")
_ENDS_ENTRY = re.compile(r"(\.|\d\s*[-–—]\s*\d+\.?|\d{4}\.?|\)\.?|\]\.?|https?://\S+)$")
_YEAR = re.compile(r"\b(1[6-9]|20)\d\d[a-z]?\b|\bn\.\s?d\.|o\.\s?J\.")
_GIVEN_FIRST = re.compile(r"^(?:[A-ZÀ-Þ][a-zà-ÿ'’\-]+|[A-Z]\.)(?:\s+(?:[A-Z]\.|[A-ZÀ-Þ][a-zà-ÿ'’\-]+)){0,3}\s+[A-ZÀ-Þ][\w'’\-]+[,:/]")
_SAME_AUTHOR = re.compile(r"^\s*(?:[-–—_]{2,}|ders\.|dies\.|idem|eadem)", re.I)
_NOT_REFERENCE_WORDS = re.compile(
    r"\b(is (?:an? )?(?:professor|lecturer|researcher|fellow|director|senior|associate|assistant|phd)|"
    r"(?:professor|lecturer|fellow) (?:of|at|in)|his research|her research|research interests|e-?mail|correspondence|"
    r"received|accepted|acknowledg|discussion papers?|working papers? (?:series|of the)|bisher erschienen|"
    r"in dieser reihe|zuletzt erschienen|ist (?:professor|wissenschaftliche|wissenschaftlicher)|forscht)\b", re.I)
_LEAD_CONT = re.compile(r"^(?:in[:\s]|pp\.|s\.\s?\d|vol\.|hrsg|hg\.|eds?\.|\(|\d+\s*[-–]\s*\d+|[a-zà-ÿ])")
# Lines at most this many points right of their column's left edge count as flush with it.
FLUSH_PT = 2.0
# A hanging indent is 4-40 pt (one to eight characters at 9-11 pt).
HANG_MIN_PT, HANG_MAX_PT = 4.0, 40.0


def _columns(lines: list[Line]) -> list[tuple[int, int]]:
    """(page, column) of each line: a new column starts where the reading order jumps back up the page."""
    keys = []
    page, col, prev_top = None, 0, None
    for ln in lines:
        if ln.page != page:
            page, col, prev_top = ln.page, 0, None
        elif prev_top is not None and ln.top < prev_top - 10:
            col += 1
        keys.append((ln.page, col))
        prev_top = ln.top
    return keys


def _bucket(value: float, cuts: tuple[float, ...]) -> int:
    return sum(value > c for c in cuts)


def line_features(lines: list[Line]) -> list[dict[str, object]]:
    """CRF features of each line, with the key features of its neighbours (one and two lines away)."""
    if not lines:
        return []
    keys = _columns(lines)
    groups: dict[tuple[int, int], list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    left = {k: min(lines[i].x0 for i in idx) for k, idx in groups.items()}
    right = {k: max(lines[i].x1 for i in idx) for k, idx in groups.items()}
    hanging = {}
    for k, idx in groups.items():
        ds = [lines[i].x0 - left[k] for i in idx]
        hanging[k] = sum(HANG_MIN_PT < d < HANG_MAX_PT for d in ds) >= 0.2 * len(ds) and sum(d <= FLUSH_PT for d in ds) >= 2
    sizes = [ln.size for ln in lines if ln.size]
    body = statistics.median(sizes) if sizes else 0.0
    numbered = is_numbered_list([ln.text for ln in lines])
    pitches = [b.top - a.top for a, b, ka, kb in zip(lines, lines[1:], keys, keys[1:]) if ka == kb and 0 < b.top - a.top < 40]
    pitch = statistics.median(pitches) if pitches else 12.0
    expected = None
    base: list[dict[str, object]] = []
    for i, ln in enumerate(lines):
        t = ln.text.strip()
        k = keys[i]
        prev = lines[i - 1] if i else None
        pt = prev.text.rstrip() if prev else ""
        d = ln.x0 - left[k]
        width = max(right[k] - left[k], 1.0)
        num = list_number(t)
        in_seq = num is not None and (expected is None or num == expected or num == 1)
        if in_seq:
            expected = num + 1
        words = t.split()
        f: dict[str, object] = {
            "indent": _bucket(d, (FLUSH_PT, HANG_MIN_PT, HANG_MAX_PT)),
            "hanging": hanging[k],
            "numbered": numbered,
            "num": num is not None,
            "num_seq": in_seq,
            "author": bool(_AUTHOR_START.match(t)),
            "given_first": bool(_GIVEN_FIRST.match(t)),
            "same_author": bool(_SAME_AUTHOR.match(t)),
            "cap": t[:1].isupper(),
            "lower": t[:1].islower(),
            "digit": t[:1].isdigit(),
            "punct": bool(t[:1]) and not t[:1].isalnum(),
            "caps_word": bool(words) and len(words[0].strip(",.")) > 2 and words[0].strip(",.").isupper(),
            "lead_cont": bool(_LEAD_CONT.match(t)),
            "year_early": bool(_YEAR.search(t[:60])),
            "year": bool(_YEAR.search(t)),
            "paren_year": bool(re.search(r"\((1[6-9]|20)\d\d[a-z]?\)", t)),
            "url": bool(re.search(r"https?://|www\.", t)),
            "not_ref": bool(_NOT_REFERENCE_WORDS.search(t)),
            "end": _end_kind(t),
            "short": ln.x1 < right[k] - 0.15 * width,
            "len": _bucket(len(t), (15, 40, 70)),
            "size": _bucket(ln.size - body, (-1.0, -0.3, 0.3, 1.0)) if ln.size and body else 2,
            "new_page": prev is None or prev.page != ln.page,
            "new_col": prev is not None and prev.page == ln.page and keys[i - 1] != k,
            "gap": _bucket((ln.top - prev.top) / pitch, (0.5, 1.15, 1.6, 3.0)) if prev is not None and keys[i - 1] == k else -1,
            "prev_end": _end_kind(pt) if prev else "none",
            "prev_short": bool(prev) and prev.x1 < right[keys[i - 1]] - 0.15 * max(right[keys[i - 1]] - left[keys[i - 1]], 1.0),
            "prev_hyphen": pt.endswith("-"),
        }
        base.append(f)
    out = []
    shared = ("indent", "author", "cap", "lower", "end", "short", "year_early", "num_seq", "not_ref", "gap", "len")
    for i, f in enumerate(base):
        g: dict[str, object] = {"bias": 1.0, **f}
        g["indent_x_hanging"] = f"{f['indent']}|{f['hanging']}"
        g["prev_end_x_author"] = f"{f['prev_end']}|{f['author']}"
        g["prev_end_x_indent"] = f"{f['prev_end']}|{f['indent']}"
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < len(base):
                for key in shared:
                    g[f"{off}:{key}"] = base[j][key]
            else:
                g[f"{off}:edge"] = True
        out.append(g)
    return out


def _end_kind(t: str) -> str:
    if not t:
        return "none"
    if re.search(r"https?://\S+$|www\.\S+$", t):
        return "url"
    if re.search(r"\d\s*[-–—]\s*\d+\.?$", t):
        return "range"
    if re.search(r"(1[6-9]|20)\d\d[a-z]?\)?\.?$", t):
        return "year"
    if t.endswith("-"):
        return "hyphen"
    return {".": "stop", ",": "comma", ":": "colon", ";": "semi", ")": "paren"}.get(t[-1], "digit" if t[-1].isdigit() else "word")


# ---------------------------------------------------------------- labelling

@lru_cache(maxsize=2)
def _tagger(model_file: str):
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(model_file)
    return tagger


def model_labels(lines: list[Line], model_file: Path = SPLIT_MODEL_FILE) -> list[str] | None:
    """B/I/O per line from the line CRF; None when the model file is missing."""
    if not Path(model_file).exists():
        return None
    return list(_tagger(str(model_file)).tag(line_features(lines)))


def rule_labels(lines: list[Line]) -> list[str]:
    """B/I per line from layout rules (numbered, hanging indent, flush): the fallback without a model."""
    starts: list[bool] = []
    bullets = [bool(_BULLET_RE.match(ln.text.strip())) for ln in lines]
    if sum(bullets) >= MIN_BULLETS:  # a bulleted list: each bullet opens an entry
        return ["B" if b or i == 0 else "I" for i, b in enumerate(bullets)]
    if is_numbered_list([ln.text for ln in lines]):
        expected = None
        for ln in lines:
            num = list_number(ln.text)
            ok = num is not None and (expected is None or num == expected or num == 1)
            starts.append(ok)
            if ok:
                expected = num + 1
    else:
        keys = [(ln.page, int(ln.x0 > 297)) for ln in lines]  # left/right half of an A4 page
        groups: dict[tuple[int, int], list[float]] = {}
        for ln, k in zip(lines, keys):
            groups.setdefault(k, []).append(ln.x0)
        left = {k: min(v) for k, v in groups.items()}
        indented = [ln.x0 - left[k] for ln, k in zip(lines, keys)]
        hanging_groups = set()
        for key in groups:
            ds = [d for d, k in zip(indented, keys) if k == key]
            if sum(1 for d in ds if HANG_MIN_PT < d < HANG_MAX_PT) >= 0.2 * len(ds) and sum(1 for d in ds if d <= FLUSH_PT) >= 2:
                hanging_groups.add(key)
        widths = [ln.x1 for ln in lines]
        right = statistics.quantiles(widths, n=10)[-1] if len(widths) >= 10 else max(widths)
        pitch = _line_pitch(lines, keys)
        right_edge = {k: max(ln.x1 for ln, kk in zip(lines, keys) if kk == k) for k in groups}
        measure = _measure_edges(lines, keys)
        gapped = [i > 0 and keys[i] == keys[i - 1] and keys[i] in pitch
                  and lines[i].top - lines[i - 1].top >= ENTRY_GAP_FACTOR * pitch[keys[i]] for i in range(len(lines))]
        gap_lists = _gap_separated(lines, keys, gapped)
        for i, (ln, d) in enumerate(zip(lines, indented)):
            if i == 0:
                starts.append(True)
                continue
            prev = lines[i - 1]
            if keys[i] in gap_lists and keys[i] not in hanging_groups and keys[i] == keys[i - 1] and not gapped[i]:
                # a column whose entries all open after a gap: no gap, no new entry, whatever the line looks like
                # ("Cambridge, MA: Harvard ..." after a title that closed with a full stop, EXCITE 29001)
                starts.append(False)
                continue
            spaced = gapped[i] and d <= FLUSH_PT
            prev_short = prev.x1 < right_edge[keys[i - 1]] - SHORT_SHARE * max(right_edge[keys[i - 1]] - left[keys[i - 1]], 1.0)
            if spaced and (prev_short or bool(_ENDS_ENTRY.search(prev.text.rstrip())) or bool(_AUTHOR_START.match(ln.text))):
                # entries set apart by vertical space (EXCITE 9082 and the FQS papers: flush lines, a gap between);
                # the gap alone is not enough: some lists widen the pitch inside an entry too (21699)
                starts.append(True)
            elif _ENDS_ENTRY.search(prev.text.rstrip()) and (_DITTO_RE.match(ln.text.strip()) or (
                    _YEAR_DITTO_RE.match(ln.text.strip()) and _left_room(prev, ln, measure[keys[i - 1][1]]))):
                starts.append(True)  # the same author again: its dash was drawn, so the line is indented
            elif keys[i] not in hanging_groups and d <= FLUSH_PT and _left_room(prev, ln, measure[keys[i - 1][1]]):
                # flush lines: the line before ended where the next word would have fitted (11653's sources). Not in
                # a hanging-indent column, where the indent tells the entries apart and a continuation line may end
                # short and be followed by a flush one (45152's third lines)
                starts.append(True)
            elif keys[i] in hanging_groups:
                # a flush line after a flush line of the same column: the one before was a whole entry of one line,
                # as the entry's continuation would be indented ("Bundeskriminalamt 2005: ..., München" /
                # "Bundesministerium des Innern 2006: ...", EXCITE 31474: an institution, no full stop)
                # a year near the start, as entries open: a column taken for hanging may still run some entries on
                # in flush lines ("... Princeton University" / "Press.", EXCITE 10939)
                after_flush = keys[i - 1] == keys[i] and indented[i - 1] <= FLUSH_PT and bool(_OPENS_ENTRY_RE.match(ln.text.strip())) \
                    and bool(_YEAR.search(ln.text[:YEAR_WITHIN]))
                starts.append(d <= FLUSH_PT and (after_flush or bool(_AUTHOR_START.match(ln.text)) or bool(_ENDS_ENTRY.search(prev.text.rstrip()))))
            else:
                closed = bool(_ENDS_ENTRY.search(prev.text.rstrip())) and (prev.x1 < right - 10 or prev.text.rstrip().endswith("."))
                short_full_stop = prev.text.rstrip().endswith(".") and prev.x1 < right - 40 and ln.text[:1].isupper()
                # one line per entry, no full stop at the end ("... Göttingen" / "Harig, Ludwig (1990): ...", EXCITE
                # 27055): a short line before an author opening with its year near the start
                # ("Surname, Given": the looser openings match titles such as "Proceedings of the 2005 ...", 29001)
                short_open = prev_short and bool(_SURNAME_COMMA.match(ln.text)) and bool(_YEAR.search(ln.text[:YEAR_WITHIN]))
                starts.append(short_full_stop or short_open or (closed and bool(_AUTHOR_START.match(ln.text))))
    return ["B" if s else "I" for s in starts]


# A line further below the one before than this many times the column's line pitch opens an entry: lists set
# their entries apart by a blank half-line or more (1.4-1.8 times the pitch on the EXCITE corpus), while the
# pitch inside an entry varies by a few per cent (sub- and superscripts).
ENTRY_GAP_FACTOR = 1.3
_SURNAME_COMMA = re.compile(r"^[A-ZÀ-ÖØ-ÞŁŠŽČ][\w'’\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+)?,\s*[A-ZÀ-ÖØ-Þ]")
# An author opening counts as one when its year comes within this many characters ("Harig, Ludwig (1990):").
YEAR_WITHIN = 80
# A line ending this share of its column's width before the column's right edge is short: the last of a paragraph.
SHORT_SHARE = 0.1
# A column needs this many line pitches before its typical pitch is trusted.
MIN_PITCHES = 4


# A line is taken to have ended early only when the room left at its end is this many times the width the next
# line's first word (and a space) would need: character widths vary within a line (capitals, digits, kerning), and
# an estimate that errs short would split entries whose lines end ragged.
ROOM_FACTOR = 1.5
# A line ending like this goes on in the next one whatever room it left (hyphenation, a list of names or places,
# an "In:" before the host volume).
_RUNS_ON_RE = re.compile(r"(?:[-,;:&/(]|\b(?:und|and|u\.|in|et|&|von|of|the|der|die|des))$", re.I)
# What an entry may open with: a capital, a digit, a quotation mark or bracket (not a lower-case word that goes on).
_OPENS_ENTRY_RE = re.compile(r"^[\[(„“\"'‚‘«»]?[A-ZÀ-ÖØ-ÞŁŠŽČ0-9]")


def _measure_edges(lines: list[Line], keys: list[tuple[int, int]]) -> dict[int, float]:
    """The right edge of the list's text per half of the page, over all its pages: the median of the pages' widest
    lines. One page's widest line is no measure where every line on it is short (a list of newspapers, one per
    line, 11653) or where one line runs into the margin."""
    widest: dict[tuple[int, int], float] = {}
    for ln, k in zip(lines, keys):
        widest[k] = max(widest.get(k, 0.0), ln.x1)
    out: dict[int, float] = {}
    for half in {k[1] for k in widest}:
        out[half] = statistics.median(v for k, v in widest.items() if k[1] == half)
    return out


def _left_room(prev: Line, ln: Line, edge: float) -> bool:
    """True when ``prev`` ended although the first word of ``ln`` would have fitted after it: the typesetter broke
    the line on purpose, at the end of an entry (lists of sources, one short entry per line, with no author or
    year to open them: "Berliner Morgenpost (BP)" / "Bonner Rundschau (BR)", "ZDF: Übertragung ... vom 26. 10.
    1995" / "ARD: Sendung ..."). A paragraph's last line is the same test a reader of typeset text makes; the width
    of a character is taken from ``prev`` itself."""
    pt, t = prev.text.rstrip(), ln.text.strip()
    if not pt or not t or _RUNS_ON_RE.search(pt) or not _OPENS_ENTRY_RE.match(t):
        return False
    char = (prev.x1 - prev.x0) / max(len(pt), 1)
    first = t.split()[0]
    return edge - prev.x1 > ROOM_FACTOR * (len(first) + 1) * char


# A column is gap-separated when at least this many of its lines open like an author with a year...
MIN_GAP_OPENINGS = 3
# ... and at least this share of them come after a gap.
GAP_OPENING_SHARE = 0.9


def _gap_separated(lines: list[Line], keys: list[tuple[int, int]], gapped: list[bool]) -> set[tuple[int, int]]:
    """The (page, half) columns whose entries open after a vertical gap: nearly every line there that opens like
    an author with a year (``Surname, Given ... (year)``) comes after a gap (:data:`GAP_OPENING_SHARE`)."""
    opens: dict[tuple[int, int], list[bool]] = {}
    for i, ln in enumerate(lines):
        if i and keys[i] == keys[i - 1] and _SURNAME_COMMA.match(ln.text) and _YEAR.search(ln.text[:YEAR_WITHIN]):
            opens.setdefault(keys[i], []).append(gapped[i])
    return {k for k, v in opens.items() if len(v) >= MIN_GAP_OPENINGS and sum(v) >= GAP_OPENING_SHARE * len(v)}


def _line_pitch(lines: list[Line], keys: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
    """The line pitch inside an entry per (page, half): the lower quartile of the distances between successive
    lines of one column (entries of two or three lines put half of the distances at the larger gap between
    entries, so the median would not do)."""
    dists: dict[tuple[int, int], list[float]] = {}
    for a, b, ka, kb in zip(lines, lines[1:], keys, keys[1:]):
        if ka == kb and 0 < b.top - a.top < 40:
            dists.setdefault(kb, []).append(b.top - a.top)
    return {k: statistics.quantiles(v, n=4)[0] for k, v in dists.items() if len(v) >= MIN_PITCHES}


def join_labelled(lines: list[Line], labels: list[str]) -> list[tuple[str, int]]:
    """(reference string, page) for each B/I run; O lines are dropped."""
    refs: list[list] = []
    open_ref = False
    for ln, lab in zip(lines, labels):
        if lab == "O":
            open_ref = False
            continue
        if lab == "B" or not open_ref:
            refs.append([ln.text.strip(), ln.page])
            open_ref = True
        else:
            refs[-1][0] = join_lines(refs[-1][0], ln.text.strip())
    return [(" ".join(r.split()), page) for r, page in refs]


# What a reference list's part is headed by: the kind of source it lists ("Sonstige Quellen", "Zeitungen und
# Zeitschriften", "Rechtsprechung", "Primary sources", "Newspapers", "Vorgestellte Aufsätze", "Literatur und
# Studien", "GIGA-Publikationen zum Thema"). A heading of this grammar is a few qualifying words before one or more
# nouns that name a kind of source (joined by "und", "and", "&", "/", ","), with an optional "zum Thema" or
# "cited"; the nouns are the kinds of material an IR paper cites (literature, sources, studies, documents, press,
# legal and official material, data, broadcasts).
SOURCE_KIND_WORDS = (
    r"literatur\w*|quellen\w*|sources?|studien|studies|dokumente?|dokumentation(?:en)?|documents?|aufs[äa]tze|"
    r"artikel|articles|beitr[äa]ge|publikationen|publications|ver[öo]ffentlichungen|schriften|writings|materiali?en|"
    r"materials?|zeitungen|zeitschriften|zeitungsartikel|zeitungsberichte|presse\w*|press(?:\s+(?:articles|releases|"
    r"reports))?|newspapers?(?:\s+articles)?|periodicals|magazines|gesetze\w*|gesetzestexte|rechtsprechung|urteile|"
    r"entscheidungen|rechtsquellen|rechtstexte|legislation|laws|statutes|cases|case\s+law|court\s+decisions|"
    r"judgments|treaties|vertr[äa]ge|abkommen|interviews|internetquellen|internetseiten|internet|websites|web\s+sources|"
    r"online\s*-?\s*quellen|archive|archivalien|archives|berichte|reports|monographien|monographs|books|b[üu]cher|"
    r"sammelb[äa]nde|reden|speeches|sendungen|broadcasts|filme|films|daten(?:quellen|s[äa]tze)?|data(?:\s+sources)?|"
    r"datasets|statistiken|statistics|drucksachen|protokolle|protocols|bibliograph(?:y|ie)|references|"
    r"amtliche\s+(?:dokumente|quellen|druckschriften)|official\s+(?:documents|publications|sources)|"
    # media cited as sources: a ludography's "Games" (EXCITE de-end 21699), "Videos" and "Audio" (en 9082)
    r"games|spiele|computerspiele|videos?|audio|software|ludograph(?:y|ie)|filmograph(?:y|ie)|diskograph(?:y|ie)|"
    r"discography|podcasts?"
)
SOURCE_LIST_HEADING_RE = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])[.)]?\s+)?(?:[\w\-]+\s+){0,2}(?:[A-ZÄÖÜ][\w]*-)?(?:" + SOURCE_KIND_WORDS + r")"
    r"(?:\s*(?:,|und|and|&|/|sowie|or|oder)\s*(?:[\w\-]+\s+)?(?:" + SOURCE_KIND_WORDS + r"))*"
    r"(?:\s+(?:zum\s+thema|cited|used|consulted|verwendet|zitiert))?\s*:?$", re.I)
# A part's heading stands this many times its font size below the line before (a line pitch is about 1.2 times it).
SUBHEADING_GAP = 1.6
# A part's heading is a short line of words: at most this many, and no year or page number in it.
MAX_SUBHEADING_WORDS = 6


# A bullet, box or other mark before a heading's words ("\x84 GIGA-Publikationen zum Thema", EXCITE 28878) and
# Markdown's emphasis around it.
_HEADING_MARK_RE = re.compile(r"^[^\w„“\"(\[]+|[\s*#]+$")


def is_source_list_heading(text: str) -> bool:
    """A heading naming the kind of sources a list (or a part of one) holds (:data:`SOURCE_LIST_HEADING_RE`)."""
    t = _HEADING_MARK_RE.sub("", " ".join(text.split()))
    words = t.split()
    return 0 < len(words) <= MAX_SUBHEADING_WORDS and not re.search(r"\d{2}", t) and bool(SOURCE_LIST_HEADING_RE.match(t))


def _subheading_labels(lines: list[Line], labels: list[str]) -> list[str]:
    """A part's heading inside the list ("Sonstige Quellen", "Zeitungen") is no reference (``O``), and the line after
    it opens one: without this, the heading is glued to the last entry before it and the part's first entry to
    whatever follows."""
    out = list(labels)
    for i, ln in enumerate(lines[:-1]):
        t = ln.text.strip()
        prev = lines[i - 1] if i else None
        # set apart from the line before (a wrapped title's last word, "Studies", is not) and not closed like a sentence
        apart = prev is None or prev.page != ln.page or ln.top < prev.top or ln.top - prev.top > SUBHEADING_GAP * (ln.size or 10.0)
        if apart and not t.endswith((".", ",")) and (is_source_list_heading(t) or is_reference_heading(t)):
            out[i] = "O"
            out[i + 1] = "B"
    return out


def split_references(lines: list[Line], *, model_file: Path = SPLIT_MODEL_FILE,
                     after_references: bool = False) -> list[tuple[str, int]]:
    """Reference-section lines (in reading order) -> (reference string, page) per reference; ``after_references``:
    the document's references were split from an earlier run of lines (:func:`cut_trailer`)."""
    lines = cut_trailer([ln for ln in lines if ln.text.strip()], after_references=after_references)
    if not lines:
        return []
    model = model_labels(lines, model_file)
    labels = _subheading_labels(lines, rule_labels(lines) if model is None else model)
    refs = join_labelled(lines, labels)
    # bullets off before the trailing pages are judged: "• Mehta L., ..." opens like a reference (EXCITE 47750)
    refs = [(_BULLET_RE.sub("", t), page) for t, page in refs]
    if model is None:
        # the pages from a part headed by its kind of source on are that part (newspapers, broadcasts: entries
        # that open like no reference), not a publisher's list of titles
        parts = [ln.page for ln, lab in zip(lines, labels) if lab == "O"]
        refs = _drop_trailing_non_references(refs, keep_from=min(parts) if parts else None)
    # (a rule of dashes or underscores between parts, no ditto before a title: no reference, EXCITE de-end 10454)
    return [(t, page) for t, page in resplit_merged(resplit_long(refs))
            if re.search(r"\w", t.replace("_", "")) and not is_table_row(t)]


# A table the reader left after the list ("Australia 1997 No Canada 1997 (1984) 1998 (1991) 1998 1999 ...", EXCITE en
# 48498, 17 false references): its rows are mostly years. No reference of the corpus's 3,933 gold strings has more
# than 4 years, nor more than 40% of its words years (the most: "Krebs/Schmidt 1993, Schwarz/Sudman 1994, Kopp 1997,
# Presser et al. 2004)."), so a row has at least MIN_TABLE_YEARS years that make over TABLE_YEAR_SHARE of its words.
MIN_TABLE_YEARS = 3
TABLE_YEAR_SHARE = 0.45
_BARE_YEAR = re.compile(r"^\(?(?:1[6-9]|20)\d\d[a-z]?\)?[.,;:]?$")


def is_table_row(text: str) -> bool:
    """Is a list entry a row of a table of years rather than a reference (:data:`MIN_TABLE_YEARS`)?"""
    words = text.split()
    years = sum(1 for w in words if _BARE_YEAR.match(w))
    return years >= MIN_TABLE_YEARS and years / len(words) > TABLE_YEAR_SHARE


# A list bullet before an entry ("• Adloff, Frank (2005) ..."; pdfminer's "(cid:127)") is no part of it.
_BULLET_RE = re.compile(r"^(?:[•▪■◦·●○‣∙]|\(cid:\d+\))\s*")
# A list with at least this many bulleted lines is split at its bullets.
MIN_BULLETS = 3
# A joined reference longer than this many characters and LONG_FACTOR times the list's median is several
# references the layout rules did not cut (the longest of the corpus's 3,933 gold strings has 771 characters;
# the median about 130).
LONG_REFERENCE_CHARS = 450
LONG_FACTOR = 2.5
# A list number may jump this far ahead of the expected one (numbers misread: "1.Lino" for "11.").
MAX_NUMBER_SKIP = 3
# Shortest piece a long run is cut into: shorter ones stay with the piece before them.
MIN_PIECE_CHARS = 40
# A list number may follow any entry end (a page range without a full stop); an author only a full stop or bracket.
_CUT_RE = re.compile(
    r"(?:(?<=[.)\]])\s*|\s+)(?=(?P<num>\[?\d{1,3}[.)\]]\s?[A-ZÀ-ÖØ-Þ])"
    r"|(?P<auth>[A-ZÀ-ÖØ-ÞŁŠŽČ][\w'’\-]+(?:\s+(?:van|von|de|der|da|di|la|le|del|dos|du)\s+[\w'’\-]+)*"
    r"(?:,\s*(?:[A-Z][\w.\-]*|\(?\d{4})|\s+[A-Z]{1,3}[,.])))")


_INITIAL_END_RE = re.compile(r"(?:\b[A-ZÀ-Þ]\.|\bet al\.|\beds?\.|\bhrsg\.|\bhg\.)$", re.I)


def resplit_long(refs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Cut over-long joined references where a new entry opens after one that closed.

    A layout the rules misread (a column of flush lines, a page where the indent changes) leaves one
    "reference" of many entries. Only outliers are cut (:data:`LONG_REFERENCE_CHARS`,
    :data:`LONG_FACTOR`): at a full stop or bracket followed by the next list number in sequence, or
    (unnumbered lists) by an author opening ("Surname, X." / "Surname XY,") with a year within the
    next 120 characters.
    """
    if not refs:
        return refs
    median = statistics.median(len(t) for t, _ in refs)
    out: list[tuple[str, int]] = []
    for text, page in refs:
        if len(text) <= max(LONG_REFERENCE_CHARS, LONG_FACTOR * median):
            out.append((text, page))
            continue
        expected = list_number(text)
        cuts = [0]
        for m in _CUT_RE.finditer(text):
            pos = m.end(0)
            before = text[cuts[-1]:m.start(0)]
            # the piece before must be a closed entry: a year in it, not ending on an initial ("Smith, J.")
            if pos - cuts[-1] < MIN_PIECE_CHARS or not _YEAR.search(before) or _INITIAL_END_RE.search(before):
                continue
            if m.group("num"):
                num = int(re.match(r"\[?(\d+)", m.group("num")).group(1))
                if expected is None or not expected < num <= expected + MAX_NUMBER_SKIP:
                    continue
                expected = num
            elif expected is not None or not before.rstrip().endswith((".", ")", "]")) \
                    or not _YEAR.search(text[pos:pos + 120]):
                continue
            cuts.append(pos)
        pieces = [text[a:b].strip() for a, b in zip(cuts, cuts[1:] + [len(text)])]
        out.extend((p, page) for p in pieces if p)
    return out


# A joined reference this many times the list's median length may be two entries whose boundary the line rules
# missed (the next entry flush after a line that did not end at the column's edge, issue 15: "... 84(4), 833-850.
# Bernheim, D. and M. Whinston, 1986, ..."); a single entry of twice the median is common, so the cut asks more of the
# text than :func:`resplit_long` does (below).
MERGED_FACTOR = 1.5
# ... of the list's median, or of the corpus's (about 130 characters, :data:`LONG_REFERENCE_CHARS`) where the list's is
# longer: a list of a few entries, merged in twos, has a median of merged ones (EXCITE 11611: two "references").
CORPUS_MEDIAN_CHARS = 130
# Each piece of such a cut has at least this many characters (the shortest of the corpus's closed entries, author,
# year and title, are about 50).
MIN_MERGED_PIECE_CHARS = 50
# The next entry's year follows its author within this many characters ("Bernheim, D. and M. Whinston, 1986").
MERGED_YEAR_WITHIN = 60
# Where a merged entry is cut: after a closed entry (a full stop, perhaps after a bracket or a page range), before an
# author "Surname, X" / "Surname XY," or an organisation or author with its year in brackets ("Wimmex AG (2001),"); a
# series and its number ("IAQ-Report, Nr. 2009-02") is none.
_MERGED_CUT_RE = re.compile(
    r"(?<=[.])\s+(?=[A-ZÀ-ÖØ-ÞŁŠŽČ][\w'’\-]+(?:\s+(?:van|von|de|der|da|di|la|le|del|dos|du)\s+[\w'’\-]+)*"
    r"(?:,\s*(?!(?:Nr|No|Vol|Bd|Jg|Heft|Band|Issue|S|pp?)\b)[A-Z][\w\-]*\.?[\s,]|\s+[A-Z]{1,3}[,.]\s|(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+){0,3}\s+\((?:1[6-9]|20)\d\d[a-z]?\)))")


def resplit_merged(refs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Cut a joined reference that holds two entries: both pieces open like an entry (an author or organisation, a
    list number) and hold a year, the first closes with a full stop, not on an initial ("Smith, J.") or an editor
    mark, and the second's year follows its author closely (:data:`MERGED_YEAR_WITHIN`). Only references longer than
    :data:`MERGED_FACTOR` times the list's median (at most :data:`CORPUS_MEDIAN_CHARS`) are tried."""
    if not refs:
        return refs
    limit = MERGED_FACTOR * min(statistics.median(len(t) for t, _ in refs), CORPUS_MEDIAN_CHARS)
    out: list[tuple[str, int]] = []
    for text, page in refs:
        if len(text) <= limit or not _reference_like(text):
            out.append((text, page))
            continue
        cuts = [0]
        for m in _MERGED_CUT_RE.finditer(text):
            pos = m.end(0)
            before, after = text[cuts[-1]:m.start(0)], text[pos:]
            if (len(before) < MIN_MERGED_PIECE_CHARS or len(after) < MIN_MERGED_PIECE_CHARS
                    or not _YEAR.search(before) or _INITIAL_END_RE.search(before)
                    or not _YEAR.search(after[:MERGED_YEAR_WITHIN]) or not _reference_like(before)):
                continue
            cuts.append(pos)
        out.extend((text[a:b].strip(), page) for a, b in zip(cuts, cuts[1:] + [len(text)]) if text[a:b].strip())
    return out


# "Konami: Silent Hill 2, 2001." (a publisher or institution, a colon): a reference on a list's last page (a
# ludography or list of sources after the literature, EXCITE 21699) though it opens like no person.
_INSTITUTION_COLON = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w&.\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w&.\-]+){0,3}\s*:\s+\S")


def _reference_like(text: str) -> bool:
    return bool(list_number(text) is not None or _AUTHOR_START.match(text) or _INSTITUTION_COLON.match(text)) \
        and bool(re.search(r"\b(1[6-9]|20)\d\d\b|n\.\s?d\.", text))


def _drop_trailing_non_references(refs: list[tuple[str, int]], keep_from: int | None = None) -> list[tuple[str, int]]:
    """Publishers' series lists and appendices after the references: drop trailing pages that do not look like
    references, except pages from ``keep_from`` on (a part of the list under its own heading)."""
    pages = sorted({p for _, p in refs})
    while len(pages) > 1 and (keep_from is None or pages[-1] is None or pages[-1] < keep_from):
        last = [t for t, p in refs if p == pages[-1]]
        if sum(_reference_like(t) for t in last) >= 0.5 * len(last):
            break
        refs = [(t, p) for t, p in refs if p != pages[-1]]
        pages.pop()
    return refs


# ---------------------------------------------------------------- what follows a reference list

# The first line of what journals and paper series print after the last reference, as seen after the lists of
# the EXCITE corpus (English and German papers): notes on the authors ("Author Piet Verhoeven is ...", "About the author:", "The
# Author", an all-capitals name followed by "is"), a citation box ("Citation Wall, R. (2007) ..."), contact
# and address lines, the submission history ("( Received 18 May 2013; accepted ...", "Paper received ...",
# "Received on: 05/05/2014", "Manuskriptendfassung eingegangen am ..."), and the publisher's list of other titles
# ("DISCUSSION PAPERS 2001", "Bücher des Forschungsschwerpunkts ...", "Bisher erschienen", "HAFOS Nr. 56", "For
# publication enquiries"); in German papers "Prof. Dr. ...", "Arbeitsschwerpunkte:", "X ist wissenschaftlicher
# Mitarbeiter ...".
_TRAILER_RE = re.compile(
    r"^(?:(?:the\s+)?authors?(?:\s*:|\s*$|\s+(?=(?-i:[A-ZÀ-Þ][\w'’\-]+\s+[A-ZÀ-Þ])))"
    r"|about\s+the\s+authors?|notes?\s+on\s+(?:the\s+)?(?:contributors?|authors?)|(?:zu\s+den|über\s+die)\s+autor"
    r"|(?:die|der|zur|zum)\s+autor(?:in|en|innen)?\s*:?\s*$|autor(?:in|en|innen)?\s*:?\s*$|biographical\s+notes?"
    r"|autor(?:en|innen)?(?:notiz|info)|impressum\b"
    r"|citation\s*(?:$|:|(?=(?-i:[A-ZÀ-Þ])|https?:))"
    r"|(?:contact|correspondence|corresponding\s+author|address|kontakt|anschrift)(?:\s+of\s+the\s+corresponding\s+author)?\s*:"
    r"|\(?\s*(?:paper\s+|manuscript\s+|article\s+)?received(?:\s+on)?\s*:?\s*\d|paper\s+received|revised\s+version\s+accepted"
    r"|(?-i:[DWRO])(?:iscussion|orking|esearch|ccasional)\s+papers?(?:\s+(?:series|\d{4}))?\s*$"
    r"|bücher\s+(?:des|der)\s+(?:forschungsschwerpunkt|abteilung|forschungsgruppe|arbeitsgruppe|reihe|institut)"
    r"|books\s+of\s+the\s+(?:research\s+area|department|unit|series)|\(?nur\s+im\s+buchhandel|bisher\s+erschienen|zuletzt\s+erschienen"
    r"|(?:weitere|lieferbare)\s+(?:titel|veröffentlichungen|bände)|in\s+dieser\s+reihe|(?:recent|latest|previous|other)\s+"
    r"(?:issues|titles|publications|papers|volumes)\b|for\s+publication\s+enquiries|series\s+editors?\s*:"
    # a series' note before its own list ("Die meisten der nachfolgenden discussion papers sind im Internet zu
    # finden", "Most of the following discussion papers are available ...") and an order number ("Bestell Nr.: ...")
    r"|(?:die\s+meisten\s+der\s+|most\s+of\s+the\s+|all\s+|alle\s+)?(?:nachfolgenden|folgenden|following)\s+"
    r"(?:discussion|working|research)\s+papers?|bestell\s*-?\s*nr\.?\s*:"
    # German notes on the authors and submission dates; a rule line; a PDF producer's stamp
    r"|prof(?:essor(?:in)?)?\.?\s+dr\.\s|dr\.\s+(?-i:[A-ZÀ-ÞŁŠŽ]{2,}\b)"
    r"|(?:professor(?:in)?|wissenschaftliche[rn]?\s+mitarbeiter(?:in)?)\s+(?:an|am|für|der|des)\s"
    r"|(?:arbeits|forschungs)schwerpunkte?\s*:|manuskript\w*\s+eingegangen|kurzbiogra(?:f|ph)i|powered\s+by\s"
    r"|_{10,}\s*$"
    r"|(?-i:[A-ZÀ-Þ][\w\-]+(?:\s+[A-Z]\.)*(?:\s+[A-ZÀ-Þ][\w\-]+){1,2})\s+ist\s+(?:wissenschaftliche|professor|"
    r"mitarbeiter|dozent|lehrbeauftragt|doktorand|referent|leiter|seit\s))", re.I)
# Case matters for the all-capitals name ("HEATHER MENZIES is ..."): case-blind, it would match ordinary lines.
_TRAILER_CASED_RE = re.compile(
    r"^[A-ZÀ-ÞŁŠŽ][A-ZÀ-ÞŁŠŽ'’\-]+(?:\s+[A-Z]\.)*(?:\s+[A-ZÀ-ÞŁŠŽ][A-ZÀ-ÞŁŠŽ'’\-]+){1,2}\s+(?:is|was|has|holds|teaches|works)\s")
# A series' own list of numbers ("HAFOS Nr. 56 Witte, Erich H.: ..."): a trailer when a second line of the same
# series follows (one such line may be a reference to a report series).
_SERIES_NUMBER_RE = re.compile(r"^([A-Z]{3,}[\w\-]*)\s+(?:Nr|No|Heft)\.?\s*\d+\s")
# A trailer ends the list only after this many lines that open like a reference (an author or list number and
# a year): a "Citation" or "Author" box before the list (a journal's first page that the reader ran into a
# list under a table-of-contents heading) does not.
MIN_REFERENCES_BEFORE_TRAILER = 3


# A line that is nothing but the heading of the notes on the authors ("Der Autor", "Die Autorinnen", "About the
# authors", "Zu den Autoren"): after one reference it ends a list however short (a policy brief's list of four,
# EXCITE 27640); a box before the list holds more than the heading.
_AUTHOR_HEADING_RE = re.compile(
    r"^(?:(?:die|der|zur|zum|zu\s+den|über\s+die)\s+)?autor(?:in|en|innen)?\s*:?$|^about\s+the\s+authors?\s*:?$"
    r"|^notes\s+on\s+(?:the\s+)?(?:contributors?|authors?)\s*:?$", re.I)


def _is_trailer(text: str) -> bool:
    t = _HEADING_MARK_RE.sub("", text.strip())  # a bullet before "Der Autor" (GIGA Focus, EXCITE 27640)
    return bool(_TRAILER_RE.match(t) or _TRAILER_CASED_RE.match(t))


def cut_trailer(lines: list[Line], *, after_references: bool = False) -> list[Line]:
    """The list's lines up to what follows its last reference (:data:`_TRAILER_RE`): notes on the authors,
    submission dates, contact boxes and the publisher's list of other titles are no references, and where
    they follow the last entry without a gap the splitter glues them to it. The cut is made only after
    :data:`MIN_REFERENCES_BEFORE_TRAILER` lines that open like references, or at once where ``after_references``
    (a later run of the same list, after references were split from an earlier one: a series' list the reader put
    under a heading of its own, EXCITE 11018)."""
    seen = MIN_REFERENCES_BEFORE_TRAILER if after_references else 0
    page_start, page_opened = 0, False  # where the trailer's page starts in the list, a reference opened on it
    for i, ln in enumerate(lines):
        t = ln.text.strip()
        if i and ln.page != lines[i - 1].page:
            page_start, page_opened = i, False
        if seen >= MIN_REFERENCES_BEFORE_TRAILER or seen and _AUTHOR_HEADING_RE.match(_HEADING_MARK_RE.sub("", t)):
            m = _SERIES_NUMBER_RE.match(t)
            # a heading of the trailer may be broken after its first word or two ("Bücher" / "des
            # Forschungsschwerpunkts ...", EXCITE 11018)
            head = t if len(t.split()) > 2 or i + 1 >= len(lines) else f"{t} {lines[i + 1].text.strip()}"
            if _is_trailer(head) or m and any(ln2.text.strip().startswith(m.group(1) + " ") and
                                           _SERIES_NUMBER_RE.match(ln2.text.strip()) for ln2 in lines[i + 1:]):
                # a page that holds no reference before the trailer is all trailer (a series' title page, 36198),
                # unless the last entry of the page before runs on to it
                whole_page = not page_opened and page_start > 0 and bool(_ENDS_ENTRY.search(lines[page_start - 1].text.rstrip()))
                return lines[:page_start if whole_page else i]
        if (list_number(t) is not None or _AUTHOR_START.match(t)) and _YEAR.search(t):
            seen += 1
            page_opened = True
    return lines


# ---------------------------------------------------------------- reference sections the reader did not mark

# Reference-list headings the reader's pattern (pipeline.text.headings) does not know, seen on the EXCITE
# corpus and in Romance-language papers: "Bibliographical references", "8.1 Verzeichnis der verwendeten
# Literatur", "Literatur Allgemeine Literatur" (two headings run together), "Referências bibliográficas",
# "Bibliografía". Only headings of a few words count.
LOOSE_REFERENCE_HEADING_RE = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])\.?\s*)?(?:(?:selected\s+|select\s+)?bibliograph\w*(?:\s+references?)?|"
    r"references?(?:\s+(?:and|&)\s+\w+)?|literatur\w*|(?:quellen|literatur)[\w\s\-]{0,30}verzeichnis|"
    r"verzeichnis\s+der\s+[\w\s]{0,25}literatur|refer[êe]ncias(?:\s+bibliogr[áa]ficas)?|"
    r"referencias(?:\s+bibliogr[áa]ficas)?|bibliograf[íi]a|riferimenti\s+bibliografici|works\s+cited|"
    r"literature\s+cited|sources\s+and\s+literature|quellen)\b", re.I)
# A heading that ends a reference section.
_END_SECTION_RE = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])\.?\s*)?(?:appendix|anhang|annex|verzeichnis\s+der\s+(?:abbildungen|tabellen|"
    r"kästen|abkürzungen)|abbildungsverzeichnis|tabellenverzeichnis|abkürzungsverzeichnis|list\s+of\s+(?:figures|tables|"
    r"abbreviations)|about\s+the\s+authors?|(?:die\s+)?autor(?:en|innen)?\b|notes\s+on\s+contributors|acknowledg|"
    r"danksagung|endnotes?)", re.I)
# The fewest reference-like blocks that make an unheaded run at the end of a paper a reference list.
MIN_UNHEADED_REFERENCES = 5
# An unheaded run ends (reading backwards) after this many blocks in a row that open like no reference.
MAX_GAP_BLOCKS = 3
# A block of at most this many words with a year neither ends nor extends such a run: an entry by an
# institution or a document, which opens like no author (the corpus's median reference has about 20 words).
SHORT_ENTRY_WORDS = 45


def opens_like_reference(block) -> bool:
    """The block's first line opens like a list entry (a list number, a name, a ditto mark) and a year follows."""
    text = (block.lines[0].text if block.lines else block.text).strip()
    return bool(list_number(text) is not None or _AUTHOR_START.match(text) or _SAME_AUTHOR.match(text)) \
        and bool(_YEAR.search(block.text[:200]))


# Fewest notes after a reference heading that make a numbered list the reader took for footnotes.
MIN_NOTE_LIST = 3
# Share of those notes whose number is the one before plus one.
NOTE_LIST_SEQUENCE_SHARE = 0.8


def notes_as_reference_list(blocks: list) -> list:
    """A numbered reference list that the reader read as footnotes becomes reference blocks ("n. text").

    A list printed "1. Furnas, G.W., ...", "2. ..." under the last reference heading looks to the reader like
    the notes of its page (EXCITE 25465, 25468, 34212, 46479: 4 of 80 English papers, 60 gold references). It
    is recognised by what follows the heading up to the next heading or the end: notes only (no body text, no
    reference), at least :data:`MIN_NOTE_LIST`, numbered from 1 in sequence (real notes on that page would
    continue the paper's note numbers). The number is kept in the text, as printed, so that numbered
    citations find their entries.
    """
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading" and is_reference_heading(b.text)]
    if not heads:
        return blocks
    start = heads[-1]
    end = next((j for j in range(start + 1, len(blocks)) if blocks[j].kind == "heading"), len(blocks))
    run = blocks[start + 1:end]
    notes = [b for b in run if b.kind == "footnote"]
    if len(notes) < MIN_NOTE_LIST or any(b.kind in ("body", "reference") for b in run):
        return blocks
    nums = [b.number for b in notes]
    if nums[0] != 1 or any(n is None for n in nums) or \
            sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1) < NOTE_LIST_SEQUENCE_SHARE * (len(nums) - 1):
        return blocks
    out = list(blocks)
    for j in range(start + 1, end):
        b = out[j]
        if b.kind == "footnote":
            out[j] = dataclasses.replace(b, kind="reference", text=f"{b.number}. {b.text.strip()}", number=None)
    return out


# Share of the body blocks after a false heading that must open like references for the list to go on.
CONTINUED_LIST_SHARE = 0.6


def _list_goes_on(blocks: list, j: int) -> bool:
    """The body blocks after the heading at ``j`` (up to the next heading) read as more of a reference list."""
    end = next((k for k in range(j + 1, len(blocks)) if blocks[k].kind == "heading"), len(blocks))
    body = [blocks[k] for k in range(j + 1, end) if blocks[k].kind == "body"]
    if len(body) < 2 or any(not b.lines for b in body):
        return False
    return sum(1 for b in body if opens_like_reference(b)) >= CONTINUED_LIST_SHARE * len(body)


def continue_past_false_headings(blocks: list) -> list:
    """A reference list the reader ended at an entry it took for a heading goes on past it.

    An entry printed in a larger or bolder face, or a short one-line entry between gaps, reads to the
    reader as a heading ("Sachverständigenrat zur Begutachtung der gesamtwirtschaftlichen Entwicklung
    (2009): ...", EXCITE 42768); the entries after it become body text. After the reader's last reference
    block, a heading that is no known section heading (:data:`_END_SECTION_RE`,
    :data:`pipeline.text.headings.ENDS_REFERENCES_RE`, a reference heading) followed by body blocks that
    mostly open like references (:data:`CONTINUED_LIST_SHARE`, at least two) is part of the list; so are those
    blocks (a heading with line geometry becomes a reference block, one without stays a heading).
    """
    refs = [i for i, b in enumerate(blocks) if b.kind == "reference" and b.lines]
    if not refs:
        return blocks
    out = list(blocks)
    j = refs[-1] + 1
    while j < len(out):
        while j < len(out) and out[j].kind in ("footnote", "reference"):
            j += 1
        if j >= len(out) or out[j].kind != "heading":
            break
        text = out[j].text.strip()
        if is_reference_heading(text) or _END_SECTION_RE.match(text) or ENDS_REFERENCES_RE.match(text):
            break
        end = next((k for k in range(j + 1, len(out)) if out[k].kind == "heading"), len(out))
        if not _list_goes_on(out, j):
            break
        body = [k for k in range(j + 1, end) if out[k].kind == "body"]
        if out[j].lines:
            out[j] = dataclasses.replace(out[j], kind="reference")
        for k in body:
            out[k] = dataclasses.replace(out[k], kind="reference")
        j = end
    return out


# Under a heading that names a kind of source, at least this many body blocks up to the next heading must open like
# references, and at least this share of them: entries run on over several blocks where the reader breaks them, and
# a series' imprint may follow in the same section (28878: 4 of 11 blocks).
MIN_SOURCE_LIST_ENTRIES = 3
SOURCE_LIST_SHARE = 0.3


def _source_list_follows(blocks: list, j: int) -> bool:
    """The body blocks after the heading at ``j`` (up to the next heading) read as a list of references."""
    end = next((k for k in range(j + 1, len(blocks)) if blocks[k].kind == "heading"), len(blocks))
    body = [blocks[k] for k in range(j + 1, end) if blocks[k].kind == "body" and blocks[k].lines]
    opened = sum(1 for b in body if opens_like_reference(b))
    return opened >= MIN_SOURCE_LIST_ENTRIES and opened >= SOURCE_LIST_SHARE * len(body)


def mark_reference_sections(blocks: list) -> list:
    """Mark as ``reference`` the blocks of a PDF reference list the reader left as body text.

    Only when the reader marked no reference block at all, and only for blocks with line geometry (PDFs;
    :func:`split_references` then splits them). Two kinds, both common on the EXCITE corpus: (1) a
    heading the reader's pattern does not know (:data:`LOOSE_REFERENCE_HEADING_RE`): the body blocks after
    the last such heading, up to a heading that ends the section (appendix, list of figures, about the
    authors) or a heading followed by something that opens like no reference; (2) no heading at all: the
    trailing run of body blocks in the second half of the paper that open like references (an author list
    or a list number, and a year), at least :data:`MIN_UNHEADED_REFERENCES` of them.
    """
    blocks = continue_past_false_headings(notes_as_reference_list(blocks))
    if any(b.kind == "reference" for b in blocks):
        return blocks
    blocks = list(blocks)  # the reader's list is left as it is

    def mark(i: int) -> None:
        blocks[i] = dataclasses.replace(blocks[i], kind="reference")

    body = [i for i, b in enumerate(blocks) if b.kind == "body" and b.lines]
    if not body:
        return blocks
    heads = [i for i, b in enumerate(blocks)
             if b.kind == "heading" and len(b.text.split()) <= 8 and LOOSE_REFERENCE_HEADING_RE.match(b.text.strip())]
    # a list headed by the kind of its sources ("Vorgestellte Aufsätze", "GIGA-Publikationen zum Thema"): such words
    # head body sections too ("Empirische Studien"), so the blocks under it must read as a list
    sourced = [i for i, b in enumerate(blocks)
               if b.kind == "heading" and is_source_list_heading(b.text) and _source_list_follows(blocks, i)]
    if not heads and sourced:
        # the section's blocks up to its last entry and the one-line blocks that go on with that entry (the reader
        # breaks an entry's lines into blocks); the series' imprint after it stays body text (28878)
        start = sourced[-1]
        end = next((k for k in range(start + 1, len(blocks)) if blocks[k].kind == "heading"), len(blocks))
        inside = [k for k in range(start + 1, end) if blocks[k].kind == "body" and blocks[k].lines]
        last = max(k for k in inside if opens_like_reference(blocks[k]))
        for k in inside:
            if k > last and (len(blocks[k].lines) > 1 or _is_trailer(blocks[k].text)):
                break
            mark(k)
        return blocks
    if heads:
        start = heads[-1]
        for j in range(start + 1, len(blocks)):
            b = blocks[j]
            if b.kind == "heading":
                if _END_SECTION_RE.match(b.text.strip()):
                    break
                nxt = next((blocks[k] for k in range(j + 1, len(blocks)) if blocks[k].kind == "body"), None)
                if nxt is None or not opens_like_reference(nxt):
                    if not _list_goes_on(blocks, j):
                        break
                    if b.lines:  # an entry the reader took for a heading (42768)
                        mark(j)
            elif b.kind == "body" and b.lines:
                mark(j)
        return blocks
    tail = [i for i in body if i >= body[len(body) // 2]]
    # what follows the list (notes on the authors, the publisher's imprint) ends the tail (EXCITE 6041, 44282)
    opened = 0
    for n, i in enumerate(tail):
        if opened >= MIN_UNHEADED_REFERENCES and _is_trailer(blocks[i].text):
            tail = tail[:n]
            break
        opened += opens_like_reference(blocks[i])
    run: list[int] = []
    gap = 0
    for i in reversed(tail):
        if opens_like_reference(blocks[i]):
            run.append(i)
            gap = 0
        elif _YEAR.search(blocks[i].text) and len(blocks[i].text.split()) <= SHORT_ENTRY_WORDS:
            continue  # an entry that opens like no person ("Stenographisches Protokoll, 21. Sitzung ..., 1983")
        else:
            gap += 1
            if gap >= MAX_GAP_BLOCKS:
                break
    if len(run) < MIN_UNHEADED_REFERENCES or not tail:
        return blocks
    first, last = min(run), tail[-1]
    if sum(1 for i in body if first <= i <= last and opens_like_reference(blocks[i])) < 0.5 * sum(
            1 for i in body if first <= i <= last):
        return blocks
    for i in body:
        if first <= i <= last:
            mark(i)
    return blocks
