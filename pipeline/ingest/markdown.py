"""Reader for markdown written by PDF-to-markdown converters.

What such converters leave (all seen in the reference article): ``#`` headings
whose level is noise, footnotes printed as paragraphs between body paragraphs
(one block per PDF page) with ``<sup>`` markers and HTML anchors, mangled
entities (``<sup>&</sup>lt;sup>1</sup>``), markdown escapes (``\\$``, ``\\_``), a
body sentence cut in two by a footnote block, repeated and garbled notes.

The reader tracks footnote *blocks*: a run of note-like paragraphs opens a
block; a paragraph that starts in lower case (the rest of a cut sentence) or a
long prose paragraph closes it. A body marker refers to the next block, the
notes printed at the foot of its page.
"""

from __future__ import annotations

import html
import re

from pipeline.ingest.footnotes import FootnoteUnit, assemble_footnotes, has_url
from pipeline.ingest.types import Block, Marker, RawDocument
from pipeline.text.headings import is_reference_heading

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_GARBLED_SUP_RE = re.compile(r"<sup>&</sup>lt;sup>|&lt;sup&gt;|<sup>&lt;sup>")
_SUP_LEAD_RE = re.compile(r"^\s*<sup>\s*(\d{1,3})\s*</sup>\s*")
_PLAIN_LEAD_RE = re.compile(r"^(\d{1,3})\s+(?=[\"“A-Z])")
_SUP_RE = re.compile(r"<sup>\s*(\d{1,3})\s*</sup>")
_ANCHOR_RE = re.compile(r"<a\s[^>]*>(.*?)</a>", re.S | re.I)
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPH_RE = re.compile(r"(?<![\\\w])(\*{1,2})(?=\S)([^*\n]+?)(?<=\S)(?<!\\)\1(?!\w)")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$<>|~])")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)")
_WS_RE = re.compile(r"[ \t\r\f\v]+")
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK_RE = re.compile(f"\\s*{_MARK_OPEN}(\\d+){_MARK_CLOSE}")


def clean_inline(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Markdown/HTML fragment -> clean text and (offset, number) footnote markers."""
    text = _GARBLED_SUP_RE.sub("<sup>", raw)
    text = _SUP_RE.sub(lambda m: f"{_MARK_OPEN}{m.group(1)}{_MARK_CLOSE}", text)
    text = _ANCHOR_RE.sub(lambda m: m.group(1), text)
    text = _MD_LINK_RE.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(1) != m.group(2) else m.group(2), text)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    text = _EMPH_RE.sub(lambda m: m.group(2), text)
    text = _ESCAPE_RE.sub(lambda m: m.group(1), text)
    text = _WS_RE.sub(" ", text.replace("\n", " ")).strip()
    markers: list[tuple[int, int]] = []
    out: list[str] = []
    pos = 0
    length = 0
    for m in _MARK_RE.finditer(text):
        chunk = text[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        markers.append((length, int(m.group(1))))
        pos = m.end()
    out.append(text[pos:])
    clean = "".join(out)
    # a marker glued to the next word ("<sup>10</sup>In terms") must not glue the words
    fixed: list[str] = []
    shift = 0
    new_markers = []
    last = 0
    for off, num in markers:
        fixed.append(clean[last:off])
        if off < len(clean) and off > 0 and clean[off - 1] in ".,;:)" and clean[off].isalnum():
            fixed.append(" ")
            new_markers.append((off + shift, num))
            shift += 1
        else:
            new_markers.append((off + shift, num))
        last = off
    fixed.append(clean[last:])
    return "".join(fixed), new_markers


def _first_alpha(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            return ch
    return ""


def _paragraphs(text: str) -> list[str]:
    """Blank-line paragraphs; list items and headings are paragraphs of their own."""
    paras: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            paras.append("\n".join(buf))
            buf.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif _HEADING_RE.match(line) or _LIST_RE.match(line):
            flush()
            paras.append(line)
        else:
            buf.append(line)
    flush()
    return paras


def _footnote_lead(raw: str) -> tuple[int | None, str] | None:
    """If the paragraph starts like a footnote, its number (or None) and the rest."""
    fixed = _GARBLED_SUP_RE.sub("<sup>", raw)
    m = _SUP_LEAD_RE.match(fixed)
    if m:
        return int(m.group(1)), fixed[m.end() :]
    m = _PLAIN_LEAD_RE.match(fixed)
    if m and has_url(fixed):
        return int(m.group(1)), fixed[m.end() :]
    return None


def _is_body_continuation(clean: str) -> bool:
    return _first_alpha(clean).islower() and len(clean.split()) >= 4 and not has_url(clean)


def _is_note_like(raw: str, clean: str) -> bool:
    if has_url(raw) or "<a " in raw:
        return True
    return len(clean) < 250 and not _is_body_continuation(clean)



_FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_IMAGE_RE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_FENCE_RE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]{0,3}\1[ \t]*$|\Z)", re.S | re.M)
_DIV_FENCE_RE = re.compile(r"^[ \t]*:{3,}.*$", re.M)
_TABLE_RULE_RE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t]*(?:\n|\Z)", re.M)
# a setext heading (CommonMark 4.3): one line of text under a blank line, underlined with = (level 1) or - (2)
_SETEXT_RE = re.compile(r"(?:\A|(?<=\n\n))(?P<t>[^\n|>#][^\n]{0,150})\n(?P<u>=+|-+)[ \t]*(?=\n|\Z)")
# thematic breaks (CommonMark 4.1) and marker's page separators ("{12}------"), alone on a line
_RULE_RE = re.compile(r"^(?:\{\d+\})?[ \t]*(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$", re.M)
_NOTE_DEF_RE = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_NOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def _front_matter(text: str) -> tuple[str, dict[str, str]]:
    """A YAML metadata block at the top (pandoc, Jekyll, Quarto, Hugo): title, authors and abstract become
    the heading and blocks that a converter would have printed, and date/title go to the hints."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return text, {}
    import yaml

    try:
        meta = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        return text, {}
    hints: dict[str, str] = {}
    lead: list[str] = []

    def names(value) -> list[str]:
        items = value if isinstance(value, list) else [value]
        return [str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in items if a]

    if isinstance(meta.get("title"), (str, int, float)):
        hints["title"] = str(meta["title"]).strip()
        lead.append(f"# {hints['title']}")
    authors = [a for a in names(meta.get("author") or meta.get("authors") or []) if a.strip()]
    if authors:
        hints["author"] = "; ".join(authors)
        lead.append(", ".join(authors))
    if meta.get("date"):
        hints["date"] = str(meta["date"])
    if isinstance(meta.get("abstract"), str) and meta["abstract"].strip():
        lead += ["## Abstract", meta["abstract"].strip()]
    return "\n\n".join([*lead, text[m.end():]]), hints


def _pandoc_notes(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Pandoc footnotes: ``[^id]`` calls become numbered ``<sup>`` markers (numbered in the order of first
    call, as pandoc prints them) and ``[^id]: text`` definitions (with their indented continuation lines)
    are taken out, to be added as one block of notes at the end."""
    defs: dict[str, list[str]] = {}
    kept: list[str] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        m = _NOTE_DEF_RE.match(line)
        if m:
            current = defs.setdefault(m.group(1), [])
            current.append(m.group(2))
        elif current is not None and line.strip() and (line[:1] in " \t" or current[-1].strip()):
            current.append(line.strip())
        else:
            current = None if not line.strip() or line[:1] not in " \t" else current
            kept.append(line)
    if not defs:
        return text, []
    order: dict[str, int] = {}
    for m in _NOTE_REF_RE.finditer("\n".join(kept)):
        order.setdefault(m.group(1), len(order) + 1)
    for key in defs:
        order.setdefault(key, len(order) + 1)
    body = _NOTE_REF_RE.sub(lambda m: f"<sup>{order[m.group(1)]}</sup>" if m.group(1) in order else m.group(0),
                            "\n".join(kept))
    return body, sorted((order[k], " ".join(v).strip()) for k, v in defs.items())


def _prepare(text: str) -> tuple[str, dict[str, str], list[tuple[int, str]], list[str]]:
    """What converters and authors put in markdown besides prose, handled before paragraphs are cut:
    YAML front matter, HTML comments (docling's ``<!-- image -->``), images, fenced code (not the
    article's prose), pandoc's fenced divs and footnotes, pipe tables' delimiter rows, setext headings
    (underlined), thematic breaks and marker's page separators."""
    notes: list[str] = []
    text, hints = _front_matter(text)
    text = _COMMENT_RE.sub("", text)
    text = _IMAGE_RE.sub("", text)
    fences = len(_FENCE_RE.findall(text))
    if fences:
        text = _FENCE_RE.sub("", text)
        notes.append(f"markdown: {fences} fenced code block(s) left out (code, not prose)")
    text = _DIV_FENCE_RE.sub("", text)
    text = _TABLE_RULE_RE.sub("", text)
    text = _SETEXT_RE.sub(lambda m: f"{'#' if m.group('u')[0] == '=' else '##'} {m.group('t').strip()}", text)
    text = _RULE_RE.sub("", text)
    text, footnotes = _pandoc_notes(text)
    return text, hints, footnotes, notes


def read_markdown(text: str) -> RawDocument:
    """Parse converter markdown into blocks (headings, body, footnotes, references)."""
    text, hints, pandoc_notes, notes = _prepare(text)
    blocks: list[Block] = []
    in_zone = False
    zones_closed = 0
    zone_units: list[FootnoteUnit] = []
    in_references = False

    def close_zone() -> None:
        nonlocal in_zone, zones_closed, zone_units
        if in_zone:
            zones_closed += 1
            blocks.extend(assemble_footnotes(zone_units, fn_block=zones_closed))
            zone_units = []
            in_zone = False

    def add_body(raw: str, kind: str = "body") -> None:
        clean, marks = clean_inline(raw)
        if not clean:
            return
        markers = [Marker(offset=o, number=n, block=zones_closed + 1) for o, n in marks]
        blocks.append(Block(kind=kind, text=clean, markers=markers))

    for para in _paragraphs(text):
        hm = _HEADING_RE.match(para)
        if hm:
            close_zone()
            heading, _ = clean_inline(hm.group(2))
            heading = heading.strip().strip("*").strip()
            if heading:
                blocks.append(Block(kind="heading", text=heading, level=len(hm.group(1))))
                in_references = is_reference_heading(heading)
            continue
        lm = _LIST_RE.match(para)
        if in_references:
            add_body(lm.group(1) if lm else para, kind="reference")
            continue
        lead = _footnote_lead(para)
        clean, _ = clean_inline(para)
        if lead is not None or (in_zone and _is_note_like(para, clean)) or (
            not in_zone and has_url(para) and len(clean) < 600 and blocks and blocks[-1].kind == "body"
            and not blocks[-1].text.rstrip().endswith((".", "?", "!", '"', "”"))
        ):
            in_zone = True
            # a paragraph may hold several notes, one per line
            for line in para.split("\n"):
                line_lead = _footnote_lead(line)
                number, rest = line_lead if line_lead else (None, line)
                note_text, _ = clean_inline(rest)
                zone_units.append(FootnoteUnit(text=note_text, number=number))
            continue
        if in_zone:
            close_zone()
        add_body(lm.group(1) if lm else para)
    close_zone()
    if pandoc_notes:
        units = [FootnoteUnit(text=clean_inline(t)[0], number=n) for n, t in pandoc_notes]
        blocks.extend(assemble_footnotes(units, fn_block=zones_closed + 1))
    return RawDocument(media_type="text/markdown", blocks=_join_cut_paragraphs(blocks), meta_hints=hints,
                       warnings=notes)


def _join_cut_paragraphs(blocks: list[Block]) -> list[Block]:
    """Rejoin a body paragraph cut by a footnote block: "fighting money" + "laundering ..."."""
    out: list[Block] = []
    last_body: Block | None = None
    for b in blocks:
        if b.kind == "body" and last_body is not None and _is_body_continuation(b.text):
            tail = last_body.text.rstrip()
            if tail and tail[-1] not in ".!?:\"”":
                sep = "" if tail.endswith("-") else " "
                if sep == "":
                    tail = tail[:-1]
                base = len(tail) + len(sep)
                last_body.text = tail + sep + b.text
                last_body.markers.extend(
                    Marker(offset=m.offset + base, number=m.number, block=m.block) for m in b.markers
                )
                continue
        if b.kind in ("heading", "reference"):
            last_body = None
        out.append(b)
        if b.kind == "body":
            last_body = b
    return out
