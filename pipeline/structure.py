"""Structure: reader blocks -> metadata, sections, passages, sentences, footnotes.

The normalised text of a document is its passages joined by a blank line, in
this order: front matter, headings and body, the reference list, then the
footnotes (as endnotes). Every offset in ``document.json`` points into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.ingest.types import Block, RawDocument
from pipeline.text.headings import NUMBERING_RE, TOP_LEVEL_RE, is_reference_heading, split_numbering
from pipeline.settings import MAX_PASSAGE_CHARS
from pipeline.text.chunking import split_long_blocks
from pipeline.text.identifiers import DOI_RE
from pipeline.model import (
    Author,
    Footnote,
    FootnoteMarker,
    Metadata,
    Passage,
    Section,
    Sentence,
)

STAGE_VERSION = "structure/1.2"

_ISSN_RE = re.compile(r"ISSN[:\s]*([0-9]{4}-[0-9]{3}[0-9Xx])")
# The publication year of the article itself: 1950-2049 (older years in front matter are cited works)
_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_JOURNAL_RE = re.compile(
    r"^(?P<journal>[A-Z][^.,\d]{3,80}?)[.,]?\s*Vol(?:ume)?\.?,?\s*(?P<volume>\d+)\s*"
    r"(?:\((?P<issue>\d+)\)|,?\s*(?:No|Issue)\.?\s*(?P<issue2>\d+))?,?\s*"
    r"(?:pp?\.?\s*)?(?P<pages>\d+\s*[-–]\s*\d+)?,?\s*(?P<year>(19|20)\d{2})?"
)
_KEYWORDS_RE = re.compile(r"^\s*(key\s?words?|index terms)\s*[:：.—-]\s*(.+)$", re.I | re.S)
_ABSTRACT_RE = re.compile(r"^\s*abstract\s*[:.—-]?\s*", re.I)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NAME_RE = re.compile(
    r"^[A-Z][\w'’.-]+(?:\s+(?:(?:e|de|da|do|dos|das|van|von|der|den|du|la|le|bin|ibn|al|el)\s+)?[A-Z][\w'’.-]*){1,4}\*?\d*$"
)


@dataclass
class Structured:
    metadata: Metadata
    text: str
    sections: list[Section]
    passages: list[Passage]
    footnotes: list[Footnote]
    markers: list[FootnoteMarker]
    warnings: list[str]


def _is_author_line(text: str) -> bool:
    t = text.strip().rstrip("*").strip()
    parts = re.split(r"\s*(?:,|\band\b|&)\s*", t)
    return bool(parts) and all(_NAME_RE.match(p.strip()) for p in parts if p.strip()) and len(t) < 160


_MONTH_YEAR = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(19|20)\d\d\b")
_PLACEHOLDER_AUTHORS = re.compile(r"^(proprietario|owner|admin(istrator)?|user|author|unknown|microsoft|word)$", re.I)


def _is_banner(text: str) -> bool:
    """Journal banners and converter noise that sit above a title: URLs, dates, tripled letters, one word."""
    t = text.strip()
    if re.search(r"https?://|www\.|\.(org|com|info|net|de)\b", t, re.I) or _MONTH_YEAR.search(t):
        return True
    if re.fullmatch(r"(?:(\w)\1\1)+", t.replace(" ", "")):  # "RRREEEFFF..." (bold drawn three times)
        return True
    return len(t.split()) < 2


def _front_matter_end(blocks: list[Block]) -> int:
    """Index of the first block of the article proper (abstract/introduction/first section)."""
    for i, b in enumerate(blocks):
        if b.kind == "heading" and (TOP_LEVEL_RE.match(b.text) or NUMBERING_RE.match(b.text)):
            return i
        if b.kind == "body" and _ABSTRACT_RE.match(b.text) and len(b.text) > 200:
            return i
    return 0


def extract_metadata(blocks: list[Block], front_end: int, hints: dict[str, str]) -> tuple[Metadata, set[int]]:
    """Metadata from the front matter; returns the indices of the blocks used as title/author."""
    meta = Metadata()
    used: set[int] = set()
    front = blocks[:front_end] if front_end else [b for b in blocks[:15] if b.page in (None, 1)]
    front_text = "\n".join(b.text for b in front)
    title_idx = next((i for i, b in enumerate(front)
                      if b.kind == "heading" and not _is_author_line(b.text) and not _is_banner(b.text)), None)
    if title_idx is not None:
        meta.title = front[title_idx].text.strip()
        used.add(title_idx)
    elif hints.get("title"):
        meta.title = hints["title"]
    start = (title_idx or 0) + 1
    affiliation_parts: list[str] = []
    email = None
    for i in range(start, len(front)):
        b = front[i]
        t = b.text.strip()
        if _KEYWORDS_RE.match(t):
            continue
        emails = _EMAIL_RE.findall(t)
        if emails:
            email = email or emails[0]
            continue
        if re.match(r"^by\s+[A-Z]", t):
            t = t[3:].strip()  # "by Marinana Andrade e Barros"
        if not meta.authors and _is_author_line(t):
            for name in re.split(r"\s*(?:,|\band\b|&)\s*", t.rstrip("*").strip()):
                if name.strip():
                    meta.authors.append(Author(name=re.sub(r"[\d*†‡]+$", "", name).strip()))
            used.add(i)
        elif meta.authors and b.kind == "body" and len(t) < 400:
            affiliation_parts.append(t)
    if not meta.authors and hints.get("author"):
        names = [a.strip() for a in re.split(r";|\band\b", hints["author"]) if a.strip()]
        meta.authors = [Author(name=n) for n in names
                        if re.fullmatch(r"[^\W\d_][\w.,'’\- ]+", n) and not _PLACEHOLDER_AUTHORS.match(n)]
    if meta.authors:
        if affiliation_parts:
            meta.authors[0].affiliation = " ".join(affiliation_parts)
        if email:
            meta.authors[0].email = email

    for b in front[: (title_idx or len(front))] + front:
        m = _JOURNAL_RE.match(b.text.strip())
        if m and not meta.journal:
            meta.journal = m.group("journal").strip()
            meta.volume = m.group("volume")
            meta.issue = m.group("issue") or m.group("issue2")
            meta.pages = re.sub(r"\s+", "", m.group("pages")) if m.group("pages") else None
            if m.group("year"):
                meta.year = int(m.group("year"))
    doi = DOI_RE.search(front_text) or DOI_RE.search("\n".join(b.text for b in blocks[: front_end + 6]))
    if doi:
        meta.doi = doi.group(1).rstrip(".,;)]")
    issn = _ISSN_RE.search(front_text)
    if issn:
        meta.issn = issn.group(1)
    if meta.year is None:
        m = re.search(r"©\s*((?:19|20)\d{2})", front_text) or _YEAR_RE.search(front_text)
        if m:
            meta.year = int(m.group(1))
    for b in blocks[: front_end + 8]:
        km = _KEYWORDS_RE.match(b.text)
        if km:
            raw = km.group(2).strip().rstrip(".")
            meta.keywords = [k.strip() for k in re.split(r"[;,·•]", raw) if k.strip()]
            break
    for i, b in enumerate(blocks[: front_end + 8]):
        if b.kind == "heading" and _ABSTRACT_RE.fullmatch(b.text.strip()):
            nxt = next((x for x in blocks[i + 1 :] if x.kind == "body"), None)
            if nxt is not None:
                meta.abstract = nxt.text
            break
        if b.kind == "body" and _ABSTRACT_RE.match(b.text) and len(b.text) > 200:
            meta.abstract = _ABSTRACT_RE.sub("", b.text, count=1)
            break
    return meta, used


def build_structure(raw: RawDocument, *, sentence_splitter=None, max_passage_chars: int = MAX_PASSAGE_CHARS) -> Structured:
    """Assemble the document's passages and records from reader blocks.

    Args:
        raw: the reader's blocks.
        sentence_splitter: callable ``list[str] -> list[list[tuple[int, int]]]``;
            defaults to spaCy's rule-based sentencizer.
        max_passage_chars: a longer block becomes several passages (:mod:`pipeline.text.chunking`).
    """
    from pipeline.references.split import mark_reference_sections  # lists under headings the reader does not know

    blocks = split_long_blocks(_resplit_references(mark_reference_sections(raw.blocks)), max_passage_chars)  # no passage over the limit
    front_end = _front_matter_end(blocks)
    metadata, title_author = extract_metadata(blocks, front_end, raw.meta_hints)

    main = [(i, b) for i, b in enumerate(blocks) if b.kind != "footnote"]
    notes = [(i, b) for i, b in enumerate(blocks) if b.kind == "footnote"]

    sections: list[Section] = []
    passages: list[Passage] = []
    pieces: list[str] = []
    cursor = 0
    block_passage: dict[int, str] = {}

    def add_passage(kind: str, text: str, section_id: str | None, page: int | None) -> Passage:
        nonlocal cursor
        if pieces:
            pieces.append("\n\n")
            cursor += 2
        p = Passage(
            id=f"p{len(passages) + 1:04d}", kind=kind, section_id=section_id, text=text,
            start=cursor, end=cursor + len(text), page=page,
        )
        pieces.append(text)
        cursor += len(text)
        passages.append(p)
        return p

    current: Section | None = None
    numbered_level = 0
    in_abstract = False
    for i, b in main:
        if b.kind == "heading" and (i >= front_end or _ABSTRACT_RE.fullmatch(b.text.strip())):
            numbering, heading = split_numbering(b.text)
            if numbering and re.fullmatch(r"[\d.]+", numbering):
                level = numbering.count(".") + 1
                numbered_level = level
            elif TOP_LEVEL_RE.match(heading):
                level, numbered_level = 1, 0
            else:
                level = numbered_level + 1 if numbered_level else 1
            kind = "references" if is_reference_heading(heading) else "abstract" if _ABSTRACT_RE.fullmatch(heading) else "body"
            in_abstract = kind == "abstract"
            parent = next((s.id for s in reversed(sections) if s.level < level), None)
            sec = Section(id=f"s{len(sections) + 1:02d}", heading=heading, level=level,
                          numbering=numbering, kind=kind, parent_id=parent)
            p = add_passage("heading", b.text.strip(), sec.id, b.page)
            sec.passage_id = p.id
            sections.append(sec)
            current = sec
            continue
        if i < front_end or in_abstract or _KEYWORDS_RE.match(b.text):
            kind = "front_matter"
        elif b.kind == "reference" or (current is not None and current.kind == "references"):
            kind = "reference"
        elif b.kind == "heading":
            kind = "front_matter"
        else:
            kind = b.kind
        p = add_passage(kind, b.text, current.id if current else None, b.page)
        block_passage[i] = p.id

    footnotes: list[Footnote] = []
    note_ids: dict[int, str] = {}
    for i, b in notes:
        p = add_passage("footnote", b.text, None, b.page)
        fid = f"fn{len(footnotes) + 1:03d}"
        note_ids[i] = fid
        p.footnote_id = fid
        footnotes.append(Footnote(
            id=fid, number=b.number, passage_id=p.id, page=b.page, block=b.fn_block,
            number_inferred=b.number_inferred, flags=list(dict.fromkeys(b.flags)),
            duplicates=len(b.duplicates),
        ))
    # duplicate_of indices are local to each block's list: map via block order
    block_lists: dict[int, list[int]] = {}
    for i, b in notes:
        block_lists.setdefault(b.fn_block, []).append(i)
    for i, b in notes:
        if b.duplicate_of is not None:
            local = block_lists[b.fn_block]
            if b.duplicate_of < len(local):
                footnotes[[j for j, _ in notes].index(i)].duplicate_of = note_ids[local[b.duplicate_of]]

    markers = _link_markers(main, block_passage, passages, footnotes)

    splitter = sentence_splitter or default_sentence_splitter()
    for p, spans in zip(passages, splitter([p.text for p in passages])):
        p.sentences = [Sentence(start=p.start + s, end=p.start + e) for s, e in spans]

    return Structured(metadata=metadata, text="".join(pieces), sections=sections, passages=passages,
                      footnotes=footnotes, markers=markers, warnings=list(raw.warnings))


def _resplit_references(blocks: list[Block]) -> list[Block]:
    """PDF reference sections come as line runs: split them into one block per reference."""
    from pipeline.references.split import split_references

    out: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        if run:
            lines = [ln for b in run for ln in b.lines]
            out.extend(Block(kind="reference", text=t, page=page) for t, page in split_references(lines))
            run.clear()

    for b in blocks:
        if b.kind == "reference" and b.lines:
            run.append(b)
            continue
        if b.kind != "footnote":
            flush()
        out.append(b)
    flush()
    return out


def _link_markers(main, block_passage, passages, footnotes: list[Footnote]) -> list[FootnoteMarker]:
    """Link each body marker to the note of that number in its footnote block.

    Converters glue adjacent markers ("<sup>12</sup>" for notes 1 and 2): a number
    absent from its block whose digits are all present is read as several markers.
    """
    by_block: dict[int, dict[int, Footnote]] = {}
    for fn in footnotes:
        if fn.duplicate_of is None and fn.number is not None:
            by_block.setdefault(fn.block, {}).setdefault(fn.number, fn)
    blocks_sorted = sorted(by_block)
    pid_map = {p.id: p for p in passages}
    out: list[FootnoteMarker] = []
    for i, b in main:
        pid = block_passage.get(i)
        if pid is None:
            continue
        for m in b.markers:
            target_block = m.block
            if target_block not in by_block and blocks_sorted:
                later = [k for k in blocks_sorted if k >= target_block]
                target_block = later[0] if later else blocks_sorted[-1]
            table = by_block.get(target_block, {})
            numbers = [m.number]
            if m.number not in table and m.number >= 10 and all(int(d) in table for d in str(m.number)):
                numbers = [int(d) for d in str(m.number)]
            for num in numbers:
                fn = table.get(num)
                if fn is None:  # fall back to the nearest block that has the number
                    cands = [k for k in blocks_sorted if num in by_block[k]]
                    if cands:
                        fn = by_block[min(cands, key=lambda k: abs(k - m.block))][num]
                mk = FootnoteMarker(
                    id=f"m{len(out) + 1:03d}", passage_id=pid, offset=pid_map[pid].start + m.offset,
                    number=num, footnote_id=fn.id if fn else None,
                )
                out.append(mk)
                if fn is not None:
                    fn.markers.append(mk.id)
    for fn in footnotes:
        if not fn.markers and fn.duplicate_of is None and "unlinked" not in fn.flags:
            fn.flags.append("unlinked")
    return out


def default_sentence_splitter():
    """spaCy's rule-based sentencizer on a blank English pipeline (no model needed)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")

    def split(texts: list[str]) -> list[list[tuple[int, int]]]:
        out = []
        for doc in nlp.pipe(texts, batch_size=64):
            out.append([(s.start_char, s.end_char) for s in doc.sents if s.text.strip()])
        return out

    return split
