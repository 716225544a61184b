"""Structure: reader blocks -> metadata, sections, passages, sentences, footnotes.

The normalised text of a document is its passages joined by a blank line, in
this order: front matter, headings and body, the reference list, then the
footnotes (as endnotes). Every offset in ``document.json`` points into it.

Front matter (:func:`find_front_matter`) is what precedes the article's body: repository cover pages,
the title block, authors, affiliations, the abstract and the keywords. It ends where the body begins
(a section heading or the first paragraph of prose that is not the abstract), not at the first
recognised heading, so a document without headings keeps its prose as body text. The metadata
(:func:`extract_metadata`) is read from the front matter, the reader's front-matter blocks (the first
page's banners and foot) and the cover page.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from pipeline.ingest.types import Block, RawDocument
from pipeline.text.headings import (
    NUMBERING_RE,
    TOP_LEVEL_RE,
    collapse_tripled,
    is_caption,
    is_reference_heading,
    split_numbering,
)
from pipeline.settings import MAX_PASSAGE_CHARS
from pipeline.text.chunking import split_long_blocks
from pipeline.model import (
    Author,
    Footnote,
    FootnoteMarker,
    Metadata,
    Passage,
    Section,
    Sentence,
)

_ISSN_RE = re.compile(r"ISSN[:\s]*([0-9]{4}-[0-9]{3}[0-9Xx])")
# The publication year of the article itself: 1950-2049 (older years in front matter are cited works)
_YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# A DOI, also glued to its label ("DOI10.1007/...") or after a resolver ("https://doi.org/10...")
_DOI_RE = re.compile(r"(?:\bdoi[:\s]*|doi\.org/\s*|\b)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_KEYWORDS_RE = re.compile(
    r"^\s*(key\s?-?words?|index terms|schl(?:ü|ue)ssel(?:w(?:ö|oe)rter|begriffe)|schlagw(?:ö|oe)rte?r?|"
    r"stichw(?:ö|oe)rte?r?|mots[- ]cl[ée]s|palabras clave)\s*(?P<sep>[:：.—–-])?\s*(.+)$",
    re.I | re.S,
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_MONTH_YEAR = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember)\s+(19|20)\d\d\b")
# PDF metadata authors that are no authors: accounts, software, organisations' helpdesks
_PLACEHOLDER_AUTHORS = re.compile(
    r"^(proprietario|owner|admin(istrator)?|user|author|unknown|microsoft|word|helpdesk|support|"
    r"office|redaktion|editor|hp|dell|acrobat|pdf|scanner)$", re.I)


@dataclass
class Structured:
    metadata: Metadata
    text: str
    sections: list[Section]
    passages: list[Passage]
    footnotes: list[Footnote]
    markers: list[FootnoteMarker]
    warnings: list[str]


# Repository cover sheets (SSOAR, EconStor, institutional servers) and their boilerplate: front matter,
# never a section. Two of these on a page among the first ones make it a cover page.
COVER_RE = re.compile(
    r"www\.ssoar\.info|nutzungsbedingungen|terms of use|zitierhinweis|empfohlene zitierung|suggested citation|"
    r"dieses dokument ist (?:lizenziert|unter)|this document is (?:made available|licensed)|"
    r"diese version ist zitierbar|this version is citable|zur verfügung gestellt in kooperation mit|"
    r"provided in cooperation with|econstor|social science open access repository|veröffentlichungsversion|"
    r"published version|begutachtet \(peer reviewed\)|nicht begutachtet|not peer reviewed|"
    r"deposit-lizenz|deposit licen[cs]e|creative commons|nationallizenz|primary publication|"
    r"sekundärveröffentlichung|secondary publication|zweitveröffentlichung",
    re.I,
)
#: A cover page has at least this many cover phrases.
COVER_MIN_PHRASES = 2
#: Cover pages are among the first pages of a PDF.
COVER_MAX_PAGES = 2
#: A paragraph of prose: at least this many words (author lines, affiliations and banners are shorter).
PROSE_MIN_WORDS = 40
#: An abstract runs at most this many characters after its heading (a paper without further headings must
#: not become one long abstract).
ABSTRACT_MAX_CHARS = 4000
#: An unlabelled first paragraph is an abstract when a section heading or the keywords follow within
#: this many blocks.
ABSTRACT_LOOKAHEAD = 3
#: ... or when its size differs from the body text's by this much (points): abstracts are set apart.
ABSTRACT_SIZE_STEP_PT = 0.5
#: Prose before an abstract heading this many blocks ahead (within two pages) is an imprint, not the body.
ABSTRACT_HEADING_AHEAD = 12

_ABSTRACT_HEADING_RE = re.compile(
    r"^\s*(?:abstract|summary|zusammenfassung|kurzfassung|abstrakt|résumé|resumen|resumo|riassunto)"
    r"(?:\s*[\[(](?:english|englisch|deutsch|german|français|español|en|de)[\])])?\s*[:.—-]?\s*$", re.I)  # "Abstract [English]" (45544)
_ABSTRACT_LABEL_RE = re.compile(
    r"^\s*(?:abstract|summary|zusammenfassung|kurzfassung|résumé|resumen|resumo)\s*[:.—-]?\s+(?=\S)", re.I)
_PROSE_END_RE = re.compile(r"[.!?:;)”\"'’]\s*$|[.!?]\s")


def _is_prose(b: Block) -> bool:
    """A paragraph of running text (not a title, an author line, an affiliation or a banner)."""
    if b.kind != "body":
        return False
    text = b.text
    return len(text.split()) >= PROSE_MIN_WORDS and bool(_PROSE_END_RE.search(text)) and not COVER_RE.search(text)


def _is_section_heading(b: Block) -> bool:
    """A heading that opens the article's body: an introduction-like name, a section number, the references."""
    if b.kind != "heading":
        return False
    t = collapse_tripled(b.text.strip())
    if _ABSTRACT_HEADING_RE.match(t) or is_caption(t) or _is_label(t) or (_is_banner(t) and len(t.split()) > 1):
        return False  # a document-type label ("discussion paper") or a banner ("01 | 2015 www...") is no section
    return bool(TOP_LEVEL_RE.match(t) or NUMBERING_RE.match(t) or is_reference_heading(t))


def cover_pages(blocks: list[Block]) -> set[int]:
    """Indices of the blocks on repository cover pages (see :data:`COVER_RE`).

    PDF blocks carry their page: a cover is a whole page among the first :data:`COVER_MAX_PAGES` with at
    least :data:`COVER_MIN_PHRASES` cover phrases. Blocks without pages (markdown, text): the run of
    blocks up to the last one with a cover phrase, when the first blocks hold enough of them.
    """
    paged = any(b.page is not None for b in blocks)
    out: set[int] = set()
    if paged:
        phrases: Counter[int] = Counter()
        for b in blocks:
            if b.page is not None and b.page <= COVER_MAX_PAGES:
                phrases[b.page] += len(COVER_RE.findall(b.text))
        covers = {pg for pg, n in phrases.items() if n >= COVER_MIN_PHRASES}
        if _contents_first_page(blocks):
            covers.add(1)
        # a cover is the first page(s): page 2 only when page 1 is one too
        covers = {pg for pg in covers if all(q in covers for q in range(1, pg))}
        return {i for i, b in enumerate(blocks) if b.page in covers}
    hits = [i for i, b in enumerate(blocks[:40]) if COVER_RE.search(b.text)]
    if sum(len(COVER_RE.findall(blocks[i].text)) for i in hits) >= COVER_MIN_PHRASES:
        out = set(range(hits[-1] + 1))
    return out


_CONTENTS_HEADING_RE = re.compile(r"^\s*(?:inhalt(?:sverzeichnis)?|contents|table of contents|sommaire|índice)\s*:?\s*$", re.I)
#: A journal issue's contents page is put in front of one article only in a PDF of several pages.
CONTENTS_COVER_MIN_PAGES = 3


def _contents_first_page(blocks: list[Block]) -> bool:
    """Page 1 is the issue's table of contents put in front of the article (EXCITE 45544): the page's first
    heading is "Inhalt"/"Contents", and the page holds no paragraph of prose (an article whose first page
    lists its own contents under the abstract, as FQS does, has its title as the first heading and prose)."""
    page1 = [b for b in blocks if b.page == 1 and b.kind != "front_matter"]
    if not page1 or max((b.page or 0) for b in blocks) < CONTENTS_COVER_MIN_PAGES:
        return False
    first_heading = next((b for b in page1 if b.kind == "heading"), None)
    return (first_heading is not None and bool(_CONTENTS_HEADING_RE.match(first_heading.text))
            and not any(_is_prose(b) for b in page1))


def _body_size(blocks: list[Block]) -> float | None:
    """The size most of the body text is set in (PDF blocks carry their lines; others have none)."""
    sizes: Counter[float] = Counter()
    for b in blocks:
        if b.kind == "body":
            for ln in b.lines:
                if ln.size:
                    sizes[round(ln.size, 1)] += len(ln.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _set_apart(b: Block, body_size: float | None) -> bool:
    """A paragraph set unlike the body text: another size (by at least :data:`ABSTRACT_SIZE_STEP_PT`) or in
    italics throughout. Journals set their abstracts so (Springer, Sage, most German journals)."""
    if body_size is None or not b.lines:
        return False
    sizes = sorted(ln.size for ln in b.lines if ln.size)
    if sizes and abs(sizes[len(sizes) // 2] - body_size) >= ABSTRACT_SIZE_STEP_PT:
        return True
    return len(b.lines) >= 2 and all(ln.italic for ln in b.lines)


def _abstract_heading_ahead(blocks: list[Block], i: int) -> bool:
    """An abstract heading follows within :data:`ABSTRACT_HEADING_AHEAD` blocks and two pages, with no
    section heading before it: the prose at ``i`` is a publisher's imprint or preface page, not the body."""
    page = blocks[i].page
    for b in blocks[i + 1:i + 1 + ABSTRACT_HEADING_AHEAD]:
        if page is not None and b.page is not None and b.page > page + 2:
            return False
        if b.kind == "heading" and _ABSTRACT_HEADING_RE.match(collapse_tripled(b.text)):
            return True
        if _is_section_heading(b):
            return False
    return False


#: An abstract label over the title: the title, its marks and the byline take at most this many blocks before the
#: abstract's prose.
LABEL_TITLE_MAX_BLOCKS = 6


def _label_over_title(blocks: list[Block], i: int, start: int) -> int | None:
    """The abstract's first block when the page opens with an abstract label set over the title and the byline
    ("ABSTRACT", "Assessing the Migration Decision ...", "by Talat Mahmood and Klaus Schömann", then the abstract;
    WZB discussion papers, EXCITE 11218, 11611, 19733); None otherwise. The label (a heading or a short body line)
    is the first block of the front matter on its page, a heading of three or more words that opens no section
    (the title) stands between it and the first paragraph of prose, and every block between is short."""
    b = blocks[i]
    if b.kind not in ("heading", "body") or not _ABSTRACT_HEADING_RE.match(collapse_tripled(b.text)):
        return None
    if any(blocks[j].kind in ("heading", "body") and blocks[j].page == b.page for j in range(start, i)):
        return None
    titled = False
    for k in range(i + 1, min(len(blocks), i + 1 + LABEL_TITLE_MAX_BLOCKS)):
        c = blocks[k]
        if c.kind in ("footnote", "front_matter"):
            continue
        if c.page != b.page or _is_section_heading(c) or _KEYWORDS_RE.match(c.text):
            return None
        if _is_prose(c):
            return k if titled else None
        if len(c.text.split()) > SUBTITLE_MAX_WORDS:
            return None
        if c.kind == "heading" and len(c.text.split()) >= 3 and not _is_label(c.text):
            titled = True
    return None


def _unlabelled_abstract(blocks: list[Block], i: int, body_size: float | None = None) -> bool:
    """The first paragraph is an abstract when the keywords or a section heading follow it closely, or
    when it is set apart from the body text (:func:`_set_apart`)."""
    if _set_apart(blocks[i], body_size):
        return True
    seen = 0
    for b in blocks[i + 1:]:
        if b.kind in ("footnote", "front_matter"):
            continue
        if _KEYWORDS_RE.match(b.text) or _is_section_heading(b):
            return True
        if b.kind == "heading" and _LABEL_RE.match(b.text.strip()):
            return True  # a lead paragraph over a label heading ("Analyse:" in GIGA Focus)
        seen += 1
        if seen >= ABSTRACT_LOOKAHEAD or _is_prose(b):
            return False
    return False


#: A run of "reference" blocks whose characters are at least this share prose paragraphs is an article's body.
FALSE_REFERENCES_PROSE_SHARE = 0.5


def demote_false_reference_headings(blocks: list[Block]) -> list[str]:
    """A reference heading that is a table-of-contents entry ("Literaturverzeichnis" in the "Inhalt" of
    page 2) makes the whole article a reference list: every block after it, up to the real reference
    heading pages later, is read as a reference, and the document has no body text (EXCITE 11653).

    Such a heading is recognised by what follows it: another reference heading later in the document,
    and before the next heading a run of blocks that is mostly prose paragraphs (:func:`_is_prose`:
    40 words or more, with sentence ends), which a reference list never is. The heading becomes front
    matter, and the run's blocks body text again. The last reference heading is never touched (an
    annotated bibliography reads like prose), nor a heading whose run is short references (the per-chapter
    lists of an edited volume), nor one whose run opens with an entry (a list, then text the reader gave no
    heading: EXCITE 23004). Returns a warning per heading demoted; ``blocks`` are changed in place.
    """
    from pipeline.references.split import opens_like_reference

    heads = [i for i, b in enumerate(blocks) if b.kind == "heading" and is_reference_heading(b.text)]
    notes: list[str] = []
    for i in heads[:-1]:
        j = i + 1
        while j < len(blocks) and blocks[j].kind != "heading":
            j += 1
        run = [b for b in blocks[i + 1:j] if b.kind == "reference"]
        chars = sum(len(b.text) for b in run)
        prose = sum(len(b.text) for b in run if _is_prose(dataclasses.replace(b, kind="body")))
        if not run or prose < FALSE_REFERENCES_PROSE_SHARE * chars:
            continue
        if opens_like_reference(run[0]):
            # a list follows the heading (names and a year), then prose: a real list that ends where the
            # reader saw no heading, as when a debate's earlier reply ends on page 1 (EXCITE 23004); a
            # contents entry is followed by the article's own opening, never by an entry
            continue
        prose_size = _body_size([dataclasses.replace(b, kind="body") for b in run if _is_prose(dataclasses.replace(b, kind="body"))])
        for b in run:
            b.kind = "body"
            if _read_as_heading(b, prose_size):
                b.kind, b.level = "heading", 1
        blocks[i].kind = "front_matter"
        notes.append(f"structure: the reference heading {blocks[i].text.strip()[:60]!r} (page {blocks[i].page}) is "
                     f"followed by prose and by a later reference heading: read as a table-of-contents entry, "
                     f"the {len(run)} blocks after it as body text")
    return notes


#: A section heading the reader took into a reference list has at most this many words.
HEADING_MAX_WORDS = 12


def _read_as_heading(b: Block, prose_size: float | None) -> bool:
    """A block of a false reference run that is the article's section heading: short, no sentence, and
    numbered ("2. Performing Proximity") or set larger than the run's prose (by :data:`ABSTRACT_SIZE_STEP_PT`)."""
    t = b.text.strip()
    if not t or len(t.split()) > HEADING_MAX_WORDS or re.search(r"[.!?]\s+\S.*[.!?]$", t) or t.endswith("."):
        return False
    larger = prose_size is not None and _block_size(b) >= prose_size + ABSTRACT_SIZE_STEP_PT
    return larger and (bool(NUMBERING_RE.match(t)) or t[:1].isupper())


@dataclass
class FrontMatter:
    """Where the article's front matter is: every index before ``end``, the cover blocks, the abstract's."""

    end: int
    cover: set[int]
    abstract: list[int]  # blocks of the (first) abstract, its heading excluded
    abstract_heading: int | None = None


def find_front_matter(blocks: list[Block]) -> FrontMatter:
    """The front matter ends where the article's body begins, not at the first recognised heading.

    The body begins at the first section heading (introduction, a numbered heading, the references) or
    at the first paragraph of prose that is not the abstract, whichever comes first after the cover
    pages. The abstract is the text after an abstract heading (up to the next heading, the keywords or
    :data:`ABSTRACT_MAX_CHARS`), a paragraph labelled "Abstract:", or an unlabelled first paragraph that
    the keywords or a section heading follow. A document without headings thus has its prose as body.
    """
    cover = cover_pages(blocks)
    body_size = _body_size(blocks)
    start = max(cover) + 1 if cover else 0
    abstract: list[int] = []
    abstract_heading = None
    i = start
    n = len(blocks)
    while i < n:
        b = blocks[i]
        if b.kind in ("footnote", "front_matter") or i in cover:
            i += 1
            continue
        if _is_section_heading(b):
            return FrontMatter(i, cover, abstract, abstract_heading)
        if not abstract and abstract_heading is None and (k := _label_over_title(blocks, i, start)) is not None:
            # "ABSTRACT" over the title and the byline, then the abstract (WZB discussion papers that start on their
            # abstract page): the blocks between are the title's, the prose after them the abstract
            abstract.append(k)
            i = k + 1
            continue
        if b.kind == "heading" and _ABSTRACT_HEADING_RE.match(collapse_tripled(b.text)):
            # the abstract's text: up to the next heading, the keywords, or the length limit
            if abstract_heading is None:
                abstract_heading = i
            j, chars = i + 1, 0
            while j < n and blocks[j].kind != "heading" and not _KEYWORDS_RE.match(blocks[j].text) \
                    and chars < ABSTRACT_MAX_CHARS:
                if blocks[j].kind == "body":
                    chars += len(blocks[j].text)
                    if not abstract or abstract[-1] >= i:
                        abstract.append(j)
                j += 1
            i = j
            continue
        if b.kind == "body" and _ABSTRACT_LABEL_RE.match(b.text) and len(b.text.split()) >= 20:
            if not abstract:
                abstract.append(i)
            i += 1
            continue
        if _is_prose(b):
            if not abstract and abstract_heading is None and _abstract_heading_ahead(blocks, i):
                i += 1
                continue
            if not abstract and _unlabelled_abstract(blocks, i, body_size):
                abstract.append(i)
                i += 1
                # a second abstract in the other language, set the same way, is front matter too
                while i < n and _is_prose(blocks[i]) and _set_apart(blocks[i], body_size) \
                        and blocks[i].page == blocks[abstract[0]].page:
                    i += 1
                continue
            return FrontMatter(i, cover, abstract, abstract_heading)
        i += 1
    # no heading and no prose after the title block: the first block after the cover is the body
    first = next((j for j in range(start, n) if blocks[j].kind == "body"), n)
    return FrontMatter(min(first, n), cover, abstract, abstract_heading)


# ---- names ---------------------------------------------------------------------------------------------
_PARTICLES = {"e", "de", "da", "do", "dos", "das", "van", "von", "der", "den", "du", "la", "le", "bin", "ibn", "al",
              "el", "y", "di", "del", "della", "zu", "ten", "ter", "vom", "zur", "dei", "st."}
_UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
_LOWER = "a-zß-öø-ÿāăąćčďđēėęěğīįıķĺļľłńņňōőœŕřśşšţťūůűųźżž"
_NAME_WORD_RE = re.compile(
    rf"^(?:[{_UPPER}][{_LOWER}'’]+(?:-[{_UPPER}]?[{_LOWER}'’]+)*|[{_UPPER}]\.(?:-?[{_UPPER}]\.)*|[{_UPPER}]|"
    rf"[{_UPPER}]{{2,}}(?:-[{_UPPER}]{{2,}})?|(?:Mc|Mac|O’|O'|D’|D')[{_UPPER}][{_LOWER}]+)$"
)
# Words that make a "name" an institution, a place, a heading or a publisher's line
_NOT_NAME_RE = re.compile(
    r"\b(?:universit\w*|university|institut\w*|department|dept|center|centre|zentrum|school|college|faculty|"
    r"fakultät|verlag|press|publish\w*|gmbh|e\.\s?v|stiftung|foundation|association|society|gesellschaft|"
    r"journal|review|zeitschrift|abstract|introduction|einleitung|keywords?|research|paper|discussion|working|"
    r"sozialwissenschaften|bibliothek|library|ssoar|usb|ssg|köln|berlin|london|germany|deutschland|france|"
    r"ministry|ministerium|bundes\w*|national\w*|international|european|europäische\w*|studies|studien|"
    r"politik|policy|politics|economics|science|sciences|wissenschaft\w*|analysis|case|the|of|and|für|und|der|"
    r"die|das|im|in|on|for|with|from|to|an|a|at|by|vol|no|issue|page|seite|online|version|article|artikel|"
    r"menschenrechte|human|rights|program\w*|project|projekt|office|bureau|agency|council|committee|network|"
    r"group|team|lab|laboratory|hospital|clinic|klinik|inc|ltd|corp|co|about|contact|kontakt|editors?|"
    r"herausgeber\w*|contents|inhalt)\b",
    re.I,
)
_DEGREE_RE = re.compile(
    r"\b(?:prof(?:essor)?\.?|dr\.?(?:\s?(?:phil|rer\.?\s?pol|rer\.?\s?nat|med|jur|habil)\.?)*|ph\.?\s?d\.?|m\.?\s?a\.?|"
    r"m\.?\s?sc\.?|b\.?\s?a\.?|m\.?\s?d\.?|dipl\.?-?\s?\w*\.?|mag\.?|univ\.?-prof\.?|pd)(?=\s|,|$)",
    re.I,
)
_MARKS_RE = re.compile(r"[\d*†‡§¶#∗⁎✝⁰¹²³⁴⁵⁶⁷⁸⁹]+")
# ("Æ": the list bullet of Springer's older layouts, drawn from a font that maps it to that letter, EXCITE 20291)
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:;|,|\band\b|\bund\b|&|·|•|\s/\s|\sÆ\s|\bet\b)\s*", re.I)


#: Ranks and positions printed before a name ("Associate Professor Michael PHILLIPS-ANDERSON", "Independent
#: Scholar Rachel ...", EXCITE 52971); "Professor" alone is a degree (:data:`_DEGREE_RE`).
_RANK_RE = re.compile(
    r"^\s*(?:(?:associate|assistant|full|senior|junior|visiting|adjunct|emeritus|emerita|independent)\s+"
    r"(?:professor|lecturer|scholar|researcher|fellow)|research\s+(?:fellow|associate|assistant)|"
    r"(?:ph\.?\s?d\.?|doctoral)\s+(?:candidate|student)|lecturer|scientific assistant)\s+(?=[A-ZÀ-Þ])", re.I)


def _clean_name(raw: str) -> str:
    """A name without affiliation marks (digits, stars, daggers, trailing letters a-f), degrees, ranks, "by"."""
    t = _MARKS_RE.sub(" ", raw)
    t = re.sub(r"^\s*(?:by|von)\s+", "", t, flags=re.I)
    t = _RANK_RE.sub("", t)
    t = _DEGREE_RE.sub(" ", t)
    t = re.sub(r"(?:\s+[a-f](?:,[a-f])*)+\s*$", "", t)  # raised affiliation letters "Smith a,b"
    return " ".join(t.replace("\u00a0", " ").split()).strip(" ,;")


def _is_name(text: str) -> bool:
    """A person's name: 2-5 capitalised words or initials (particles allowed), one of them a real word."""
    words = text.split()
    if not 2 <= len(words) <= 5 or _NOT_NAME_RE.search(text):
        return False
    real = 0
    for i, w in enumerate(words):
        if w.lower() in _PARTICLES and 0 < i < len(words) - 1:
            continue
        if not _NAME_WORD_RE.match(w):
            return False
        if len(w.rstrip(".")) >= 2 and not w.endswith("."):
            real += 1
    return real >= 1


def _split_inverted(part: str) -> str | None:
    """"Dörrenbächer, Christoph" / "Sluka, N." -> "Christoph Dörrenbächer" / "N. Sluka"; None otherwise."""
    if part.count(",") != 1:
        return None
    family, given = (x.strip() for x in part.split(","))
    if not family or not given or len(family.split()) > 3 or len(given.split()) > 3:
        return None
    if len(family.split()) >= 2 and _is_name(family) and _is_name(given) and not given.endswith("."):
        return None  # two full names in a list ("Alexander Milstein, Susan Grotefels"), not one inverted
    name = f"{given} {family}"
    return name if _is_name(name) else None


#: A place or an institution in parentheses after a name ("Regina-Maria Dackweiler (Bielefeld) / Sieglinde Rosenberger
#: (Wien)", EXCITE 6041): no part of the name. Only before a separator or the line's end, and without digits, so that a
#: title's "(2015–2025)" or "(In)Equality" is left as it is (and then is no name); an editor's "(Hrsg.)" stays too:
#: editors are not authors (eval/data/README.md).
_NAME_PLACE_RE = re.compile(r"\s+\((?!\s*(?:hrsg|hg|eds?|editors?|ed\.)\b)[^()\d]{2,60}\)(?=\s*(?:[,;/&·]|\band\b|\bund\b|$))", re.I)


def parse_authors(text: str) -> list[str]:
    """Names from an author line ("A and B", "A, B & C", "Surname, Given; Surname, Given"), or [] when the
    line is not an author line. Affiliation marks, degrees and "by" are dropped; the order is kept."""
    t = " ".join(text.split())
    if len(t) > 300 or _EMAIL_RE.search(t) or re.search(r"https?://|www\.", t):
        return []
    t = re.sub(r"^\s*(?:by|von)\s+", "", t, flags=re.I)
    t = _NAME_PLACE_RE.sub(" ", t).strip()
    if _is_label(t):
        return []  # "ORIGINAL CONTRIBUTION" is two capitalised words, but an article type (EXCITE 20291)
    # inverted names separated by semicolons ("Sluka, N.; Ivanov, D.") or a single inverted name
    semis = [x for x in re.split(r"\s*;\s*", _MARKS_RE.sub(" ", t)) if x.strip()]
    inverted = [_split_inverted(_clean_name(x)) for x in semis]
    if inverted and all(inverted) and (len(semis) > 1 or "," in t):
        return [n for n in inverted if n]
    names = []
    for part in _AUTHOR_SPLIT_RE.split(_MARKS_RE.sub(" ", t)):
        name = _clean_name(part)
        if not name:
            continue
        if not _is_name(name):
            return []
        names.append(name)
    return names


#: An author line "MARK N. K. SAUNDERS Oxford Brookes University,UK" (Sage's layout, EXCITE 23093): the
#: name in capitals, then on the same line its affiliation in mixed case.
_CAPITALS_NAME_RE = re.compile(rf"^(?P<name>(?:[{_UPPER}][{_UPPER}'’-]*\.?\s+){{1,4}}[{_UPPER}][{_UPPER}'’-]+)[\d*†‡∗]*\s+"
                               rf"(?P<rest>[{_UPPER}][{_LOWER}].*)$")


def _capitals_name_with_affiliation(text: str) -> tuple[str, str] | None:
    """(name, affiliation) of a line that starts with a person's name set in capitals and goes on, in mixed
    case, with an institution (:data:`_AFFILIATION_RE`); None otherwise. The case change is where the
    name ends: a reader gives both on one line when the journal sets them side by side."""
    m = _CAPITALS_NAME_RE.match(" ".join(text.split()))
    if not m or not _AFFILIATION_RE.search(m.group("rest")):
        return None
    name = _clean_name(m.group("name"))
    return (name, m.group("rest").strip()) if _is_name(name) else None


#: A line whose width is above this many times its characters by its size holds a wide gap: text is about half
#: as wide per character as it is high, so a "name" of four words spread over 0.75 or more is two names set
#: side by side over their own affiliation columns ("Martin Neumann      Armano Srbljinović", EXCITE 34212).
SIDE_BY_SIDE_WIDTH_RATIO = 0.75


def _side_by_side(line, names: list[str]) -> list[str]:
    """Two names of two words each where the reader joined two columns' names into one line of four words
    (the line's width, :data:`SIDE_BY_SIDE_WIDTH_RATIO`); ``names`` as they were otherwise."""
    if len(names) != 1 or len(words := names[0].split()) != 4 or not line.size or not line.text.strip():
        return names
    if _clean_name(line.text) != names[0] or (line.x1 - line.x0) < SIDE_BY_SIDE_WIDTH_RATIO * len(line.text.strip()) * line.size:
        return names
    return [" ".join(words[:2]), " ".join(words[2:])]


def _names_with_affiliations(text: str) -> list[str]:
    """Names from a byline that gives each author's affiliation after a comma, the next name glued to the end of
    the last affiliation ("Charles Q. Lau, Survey Research Division, RTI International Gretchen McHenry, Survey
    Research Division, RTI International", EXCITE 37078): the line starts with a name, and each later name is the
    last two or three words of a part whose words before it are an institution's (:data:`_NOT_NAME_RE`)."""
    t = " ".join(text.split())
    if not _AFFILIATION_RE.search(t) or _EMAIL_RE.search(t) or len(t) > 400:
        return []
    parts = [p.strip() for p in t.split(",")]
    first = _clean_name(parts[0])
    if len(parts) < 2 or not _is_name(first):
        return []
    names = [first]
    for part in parts[1:]:
        words = part.split()
        for k in (3, 2):
            if len(words) > k and _is_name(cand := _clean_name(" ".join(words[-k:]))) \
                    and _NOT_NAME_RE.search(" ".join(words[:-k])):
                names.append(cand)
                break
    return names


def _display_name(name: str) -> str:
    """All-capitals names ("BERTRAND URIEN") in title case, and so a family name in capitals after given names
    in mixed case ("Michael PHILLIPS-ANDERSON", EXCITE 52971); others as printed."""
    if name.isupper() and len(name) > 3:
        return " ".join(w.capitalize() if len(w) > 2 else w for w in name.split())
    return " ".join("-".join(p.capitalize() for p in w.split("-")) if w.isupper() and len(w) > 2 and "." not in w
                    else w for w in name.split())  # (initials "J.R.R." stay)


# ---- title, banners ------------------------------------------------------------------------------------
# Labels printed above a title: a journal section, a document type, a series
_LABEL_RE = re.compile(
    r"^(?:discussion paper|working paper|research (?:article|paper|note)|original (?:article|paper|research)|"
    r"article|review(?: article)?|research|essay|editorial|commentary|aufs(?:a|ä)tze?|beitr(?:a|ä)ge?|"
    r"abhandlung(?:en)?|forschungsbericht|diskussionspapier|arbeitspapier|schwerpunkt|themenschwerpunkt|"
    r"debatte|rezension(?:en)?|analysen?|analysis|berichte?|originalarbeit|übersichtsarbeit|focus|policy paper|"
    r"special issue|abstract|zusammenfassung|summary|contents|inhalt(?:sverzeichnis)?|"
    # article types printed over the title by medical and social-science journals (Springer's "ORIGINAL
    # CONTRIBUTION", "Short Communication"; "Kurzbeiträge" in Afrika Spectrum)
    r"original contribution|short (?:communication|report|paper)|brief (?:report|communication)|case (?:report|study)|"
    r"research letter|(?:research )?reports?|kurzbeitr(?:a|ä)ge?|kurzbericht|perspectives?|viewpoint|"
    r"(?:book )?reviews?|forum|symposium|special section)s?\s*:?$",
    re.I,
)
#: A label printed in two languages ("Kurzbeiträge / Reports"): every part between these separators is a label.
_BILINGUAL_SEP_RE = re.compile(r"\s+[/|]\s+")


def _is_label(text: str) -> bool:
    """A journal-section or article-type label (:data:`_LABEL_RE`), also in two languages side by side
    ("Kurzbeiträge / Reports", EXCITE 10454): such a line is neither the title nor an author line."""
    t = collapse_tripled(" ".join(text.split()))
    return bool(t) and all(_LABEL_RE.match(part) for part in _BILINGUAL_SEP_RE.split(t))


def _is_banner(text: str) -> bool:
    """Journal banners and converter noise that sit above a title: URLs, dates, volumes, labels, one word."""
    t = collapse_tripled(text.strip())
    if re.search(r"https?://|www\.|\.(org|com|info|net|de)\b|@", t, re.I) or _MONTH_YEAR.search(t):
        return True
    if re.fullmatch(r"(?:(\w)\1\1)+", t.replace(" ", "")):  # "RRREEEFFF..." (bold drawn three times)
        return True
    if _is_label(t) or _journal_from_line(t) or re.search(r"\b(?:ISSN|ISBN|DOI|Vol\.|Volume|Jg\.|Heft)\b", t):
        return True
    if COVER_RE.search(t):
        return True
    if _letter_spaced(t):
        return True
    # one short word ("aktuell", "Article"), or letters drawn over each other ("RREREEFFFLLLEEECCC"); a long
    # single word is a compound title ("Sequenzen-Routinen-Positionen")
    if len(t.split()) < 2:
        repeats = sum(1 for a, b in zip(t, t[1:]) if a == b)
        return len(t) < 15 or repeats > 0.3 * len(t)
    return False


#: Letter-spaced capitals read by the PDF reader as broken words ("S OC IAL RES EARC H"): the mean word
#: length of such a line is below this many letters, while a title's words average five or more.
LETTER_SPACED_MAX_MEAN_WORD = 3.5
#: ... and it has at least this many words (a short "A B C" label is handled by the one-word rule).
LETTER_SPACED_MIN_WORDS = 4


def _letter_spaced(text: str) -> bool:
    """A journal's banner set in spaced-out capitals, read as fragments of words: all capitals, many
    words, short on average ("S OC IAL RES EARC H S OZIALFORS CHUNG"). Set larger than the title on some
    pages, it was taken for the title or prefixed to it."""
    words = text.split()
    letters = [w for w in words if any(c.isalpha() for c in w)]
    return (len(letters) >= LETTER_SPACED_MIN_WORDS and all(w.isupper() for w in letters)
            and _mean_word_length(" ".join(letters)) < LETTER_SPACED_MAX_MEAN_WORD)


#: Parts of one title are set in sizes this close (points).
TITLE_SIZE_TOLERANCE_PT = 0.3


def _title_part(b: Block, title: Block, size: float, *, below: bool = False) -> bool:
    """A block next to the title on its page, set in the title's size: the title's other line(s)."""
    # (a title's last line may be one capitalised word, "Analysis" under "... IT-Graduates: An Empirical", EXCITE
    # 11218: set in the title's size just below it, it is no one-word banner or label such as "aktuell")
    last_word = below and bool(re.fullmatch(rf"[{_UPPER}][{_LOWER}]{{3,}}[.?!]?", b.text.strip()))
    return (b.kind in ("heading", "body") and b.page == title.page and abs(_block_size(b) - size) <= TITLE_SIZE_TOLERANCE_PT
            and len(b.text.split()) <= 25 and (last_word or not _is_banner(b.text)) and not parse_authors(b.text)
            and not _AFFILIATION_RE.search(b.text))


#: A subtitle has at most this many words (a longer block under the title is the abstract or the body).
SUBTITLE_MAX_WORDS = 25


def _over_marks(blocks: list[Block], k: int, step: int) -> int:
    """The next block from ``k`` in direction ``step`` that is not a bare footnote or affiliation mark."""
    k += step
    while 0 <= k < len(blocks) and _MARKS_RE.fullmatch(blocks[k].text.strip()):
        k += step
    return k


def _subtitle_line(b: Block, title: Block, size: float) -> bool:
    """A line set smaller than the title just below it that is no banner, byline, institution (capitalised, as in a
    name: "the globally wired university" is a subtitle's word, EXCITE 22342), keywords or e-mail line."""
    sub_size = _block_size(b)
    return (b.kind in ("heading", "body") and b.page == title.page and bool(size) and bool(sub_size)
            and sub_size < size - 0.5 and not _is_banner(b.text) and not parse_authors(b.text)
            and not _names_institution(b.text) and not _KEYWORDS_RE.match(b.text) and not _EMAIL_RE.search(b.text))


def _subtitle(blocks: list[Block], title_idx: int, stop: int, size: float) -> list[int]:
    """The blocks of a subtitle set just below the title in a smaller size: one heading, or a subtitle
    the reader gave as body lines ("Anlage und Ergebnisse des zweiten Interaktivitätsexperimentes" over
    "des INKA-Projektes"): short lines, the first no sentence, each further one continuing the last
    (starting in lower case) in the same size, :data:`SUBTITLE_MAX_WORDS` words in all."""
    title = blocks[title_idx]
    k = title_idx + 1
    if k >= stop or not _subtitle_line(blocks[k], title, size):
        return []
    first = blocks[k]
    if first.kind == "heading":
        return [k] if len(first.text.split()) <= SUBTITLE_MAX_WORDS else []
    if re.search(r"[.!?]\s", first.text) or len(first.text.split()) > SUBTITLE_MAX_WORDS or _YEAR_RE.search(first.text):
        return []  # a sentence (the abstract or the body) or an imprint with its year ("Arbeitsberichte der ARL 17 Hannover 2016")
    parts, words = [k], len(first.text.split())
    k += 1
    while k < stop and _subtitle_line(blocks[k], title, size) and blocks[k].kind == "body" \
            and abs(_block_size(blocks[k]) - _block_size(first)) <= TITLE_SIZE_TOLERANCE_PT \
            and blocks[k].text.strip()[:1].islower() and words + len(blocks[k].text.split()) <= SUBTITLE_MAX_WORDS:
        words += len(blocks[k].text.split())
        parts.append(k)
        k += 1
    return parts


#: A title's line that stops mid-phrase: it ends with an article, a preposition or a conjunction (English and
#: German), a comma or a hyphen, so the line below goes on with it whatever its case.
_OPEN_END_RE = re.compile(r"(?:\b(?:the|a|an|of|in|on|for|to|and|or|with|from|by|at|der|die|das|des|dem|den|und|"
                          r"oder|im|in|für|von|vom|zur|zum|mit|auf|über|als)|[,\-–])\s*$")
#: Footnote marks after a title ("... Legislative Institutions*", EXCITE 5473): stars and daggers, not part of it.
_TITLE_MARKS_RE = re.compile(r"\s*[*†‡∗⁎]+\s*$")


#: A title set in bold body type has at most this many words (a bold lead paragraph is longer).
BOLD_TITLE_MAX_WORDS = 40


def _bold_title(blocks: list[Block], front: list[int]) -> str | None:
    """The title of a page that sets it in bold body type, with no larger heading than a label ("RESEARCH" over
    "Prevalência de úlceras venosas ..." in bold 10 pt, then the translations in roman, EXCITE 53995): the first
    run of bold body lines of the front matter that is no banner and names no one."""
    run: list[int] = []
    for i in front:
        b = blocks[i]
        bold = b.kind == "body" and bool(b.lines) and all(ln.bold for ln in b.lines)
        if run and (not bold or b.page != blocks[run[0]].page):
            break
        if bold and not _is_banner(b.text) and not parse_authors(b.text) and not _EMAIL_RE.search(b.text):
            run.append(i)
    words = sum(len(blocks[i].text.split()) for i in run)
    return " ".join(blocks[i].text.strip() for i in run) if run and words <= BOLD_TITLE_MAX_WORDS else None


def _mean_word_length(text: str) -> float:
    words = text.split()
    return sum(len(w) for w in words) / len(words) if words else 0.0


def _block_size(b: Block) -> float:
    sizes = [ln.size for ln in b.lines if ln.size]
    return max(sizes) if sizes else 0.0


# ---- journal -------------------------------------------------------------------------------------------
_JOURNAL_NAME = r"(?P<journal>[A-ZÄÖÜ][\w&’'.:\- /]{2,90}?)"
_DASH = "-–‒—"
_PAGES = rf"(?P<pages>\d+\s*[{_DASH}]\s*\d+)"
_JOURNAL_PATTERNS = [
    # "Journal of Social Studies. Vol., 11 (3), 111-117, 2025"; "Baltic Region, Vol. 2, No. 3";
    # "Social Inclusion, 2015, Volume 3, Issue 3"
    re.compile(_JOURNAL_NAME + r"[.,]?\s*(?:(?P<year3>(?:19|20)\d{2})\s*,\s*)?(?:Vol(?:ume)?|Jg|Jahrgang|Bd|Band)\.?,?\s*(?P<volume>\d+)\s*"
               r"(?:\((?P<issue>\d+(?:[-/]\d+)?)\)|,?\s*(?:No|Nr|Issue|Heft|H)\.?\s*(?P<issue2>\d+(?:[-/]\d+)?))?,?\s*"
               r"(?:\(?(?P<year2>(?:19|20)\d{2})\)?,?\s*)?(?:(?:pp?|S)\.?\s*)?(?P<pages>\d+\s*[-–]\s*\d+)?,?\s*"
               r"\(?(?P<year>(?:19|20)\d{2})?", re.I),
    # German footers and footnotes: "ZQF 15. Jg., Heft 1‒2/2014, S. 25‒38"; "BIOS, Jg. 24 (2011), Heft 2"
    re.compile(_JOURNAL_NAME + r"[.,]?\s+(?P<volume>\d+)\.\s*(?:Jg|Jahrgang)\.?,?\s*(?:(?:Heft|H)\.?\s*"
               rf"(?P<issue>\d+(?:[{_DASH}/]\d+)?)(?:/(?P<year>(?:19|20)\d{{2}})|,\s*(?P<year2>(?:19|20)\d{{2}})\b)?)?,?\s*"
               rf"(?:S\.\s*{_PAGES})?"),  # ... also "Industrielle Beziehungen, 4. Jg., Heft 3, 1997"
    # "Totalitarismus und Demokratie, 2 (2005), 273–288"; "J. f. Psych., 11, 2 (2003), 194–213"
    re.compile(_JOURNAL_NAME + r",\s*(?P<volume>\d+)\s*,?\s*(?P<issue>\d+(?:[/-]\d+)?)?\s*\((?P<year>(?:19|20)\d{2})\)"
               rf"\s*,\s*(?:(?:pp?|S)\.?\s*)?{_PAGES}"),
    # a journal's name with its ISSN: "Forum Qualitative Sozialforschung / Forum: Qualitative Social Research
    # (ISSN 1438-5627)", "Social Inclusion (ISSN: 2183-2803)"
    re.compile(_JOURNAL_NAME + r"\s*[(,]\s*(?:e-?|print\s)?ISSN\s*:?\s*\d{4}-?\d{3}[\dXx]", re.I),
    # Springer: "J Public Health (2009) 17:71–76"
    re.compile(_JOURNAL_NAME + r"\s*\((?P<year>(?:19|20)\d{2})\)\s*(?P<volume>\d+)\s*(?:\((?P<issue>\d+)\))?\s*:\s*"
               r"(?P<pages>\d+\s*[-–]\s*\d+)"),
    # "Time & Society 16 (2007), 2-3, pp. 367-386" (SSOAR citations)
    re.compile(_JOURNAL_NAME + r"\s+(?P<volume>\d+)\s*\((?P<year>(?:19|20)\d{2})\)\s*,?\s*(?P<issue>\d+(?:[-/]\d+)?)?"
               r",?\s*(?:(?:pp?|S)\.?\s*(?P<pages>\d+\s*[-–]\s*\d+))?"),
    # "Baltic Region (2014), 2, pp. 22-34"
    re.compile(_JOURNAL_NAME + r"\s*\((?P<year>(?:19|20)\d{2})\)\s*,\s*(?P<issue>\d+(?:[-/]\d+)?)\s*,?\s*"
               r"(?:(?:pp?|S)\.?\s*(?P<pages>\d+\s*[-–]\s*\d+))?"),    # footers of the form "Name, VOL (YEAR) ISSUE" ("ÖZP, 32 (2003) 4", EXCITE 6041): the comma after the name
    re.compile(_JOURNAL_NAME + r",\s*(?P<volume>\d{1,3})\s*\((?P<year>(?:19|20)\d{2})\)\s*(?P<issue>\d{1,2}(?:[-/]\d{1,2})?)\b"
               rf"(?:\s*,\s*(?:(?:pp?|S)\.?\s*)?{_PAGES})?"),
    # "Name Heft ISSUE | YEAR, S. PAGES" or "Heft ISSUE-YEAR" ("GENDER Heft 1 | 2014, S. 44–64", EXCITE 39677; "Diskurs
    # Kindheits- und Jugendforschung Heft 1-2013, S. 113-118", 39095): the issue word with a dash or a bar makes the form
    # distinctive ("Nr. 6/1998" is a series' number, "Bericht des BIOst Nr. 6/1998"; "Name ISSUE/YEAR" is read only from
    # running lines, :data:`_ISSUE_YEAR_RES`)
    re.compile(_JOURNAL_NAME + rf"\s+(?:Heft|Issue)\s*(?P<issue>\d{{1,2}}(?:[{_DASH}]\d{{1,2}})?)\s*(?:[{_DASH}]|\s\|\s)\s*"
               rf"(?P<year>(?:19|20)\d{{2}})\b(?:\s*,\s*(?:(?:pp?|S)\.?\s*)?{_PAGES})?"),
    # "Name, Supplement — YEAR — No. ISSUE, PAGES" (HSR's supplements, EXCITE 19174): the year between dashes before
    # the issue number; a supplement or special-issue word after the name is no part of it
    re.compile(_JOURNAL_NAME + r"\s*,?\s*(?:(?:Supplement|Special Issue|Sonderheft|Beiheft)\s*)?[–—]\s*"
               r"(?P<year>(?:19|20)\d{2})\s*[–—]\s*(?:No|Nr|Issue|Heft)\.?\s*(?P<issue>\d{1,3})"
               rf"(?:\s*,\s*(?:(?:pp?|S)\.?\s*)?{_PAGES})?"),
]
# (a sentence end inside a name, but not after an initial: "J. f. Psych.")
# (nor before a shortened word: "Public Understand. Sci.", EXCITE 22439)
_ABBREVIATED_NEXT = r"(?![A-Za-zäöü]{1,4}\.)"
_JOURNAL_STOP_RE = re.compile(r"\b(?:in|pp|vol|s|hrsg|eds?|ed)\.?$|^\W|(?<!\b[A-Za-z])[.!?]\s+" + _ABBREVIATED_NEXT + "[A-Z]", re.I)


def _journal_ok(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 12 or len(name) < 3:
        return False
    if re.match(r"(?:vol(?:ume)?|no|nr|issue|heft|jg|bd|band)\b", name, re.I):
        return False  # the volume's own words read as a name ("VOL. 16 No" of "VOL. 16 No. 1 (2007)", EXCITE 22342)
    if re.search(r"\b(?:university|universität|institut|verlag|press|department|copyright|©|received|accepted)\b", name, re.I):
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return caps >= 0.5 * len(words)


def _journal_suffix(name: str) -> str | None:
    """The journal's name when the footer line was read glued to the text before it ("... between single
    teachers and a block of J. f. Psych., 11, 2 (2003)"): the longest run of final words that starts with a
    capital and reads as a name (:func:`_journal_ok`), or None."""
    words = name.split()
    for k in range(1, len(words)):
        if not words[k][:1].isupper():
            continue
        cand = " ".join(words[k:]).strip(" .,:/-")
        if _journal_ok(cand) and not _JOURNAL_STOP_RE.search(cand):
            return cand
    return None


def _drop_initialism(name: str) -> str:
    """A banner's name without the abbreviation printed after it: "European Quarterly of Political Attitudes and
    Mentalities EQPAM" -> "European Quarterly of Political Attitudes and Mentalities" (the last word, in capitals,
    is the initials of the capitalised words before it)."""
    words = name.split()
    if len(words) >= 3 and words[-1].isupper() and len(words[-1]) >= 2:
        initials = "".join(w[0] for w in words[:-1] if w[:1].isupper())
        if initials.upper() == words[-1].strip(".,").upper():
            return " ".join(words[:-1])
    return name


_NAME_LINKS = {"of", "and", "for", "on", "in", "the", "&", "für", "und", "der", "die", "des", "de", "et", "du", "la"}


def _abbreviation_tokens(name: str) -> list[str] | None:
    """The parts of an abbreviated journal name to expand: its letters for an acronym ("EQPAM"), its words for
    a name with shortened words ("Public Understand. Sci.", "J Public Health"); None for a name in full."""
    words = name.split()
    if len(words) == 1 and re.fullmatch(r"[A-ZÄÖÜ]{2,6}", words[0]):
        return list(words[0])
    if any(w.endswith(".") or re.fullmatch(r"[A-ZÄÖÜ]", w) for w in words):
        return [t for w in words if (t := w.strip(".,:")) and t.lower() not in _NAME_LINKS]
    return None


def _expand_journal(name: str, texts: list[str]) -> str | None:
    """The journal's full name printed on the first pages for an abbreviation found in a footer or a running
    head: "EQPAM" -> "European Quarterly of Political Attitudes and Mentalities" (EXCITE 34212), "Public
    Understand. Sci." -> "Public Understanding of Science" (22439). The full name is a run of capitalised words
    (linking words such as "of", "für" between them) whose initials, or starts, are the abbreviation's letters
    or words in order; the gold takes the fullest form printed (eval/data/README.md). None when none is printed."""
    tokens = _abbreviation_tokens(name)
    if not tokens:
        return None
    best = None
    for text in texts:
        words = text.split()
        for s in range(len(words)):
            k, j, end = 0, s, None
            while j < len(words) and k < len(tokens):
                w = words[j].strip(",.:;()")
                if k > 0 and w.lower() in _NAME_LINKS:
                    j += 1
                    continue
                if not w[:1].isupper() or not w.lower().startswith(tokens[k].lower()) or (len(tokens[k]) > 1 and len(w) < len(tokens[k])):
                    break
                k, j = k + 1, j + 1
                end = j
            if k == len(tokens) and end is not None and end - s > (1 if len(tokens) == 1 else 0):
                cand = " ".join(words[s:end]).strip(",.:;()")
                if len(cand) > len(name) and (best is None or (best.isupper() and not cand.isupper())):
                    best = cand
    if best and best.isupper():
        best = " ".join(w.capitalize() if w.lower() not in _NAME_LINKS else w.lower() for w in best.split())
    return best


#: Words before a journal's citation that make it another printing's ("Reprint of: ... In: Historical Social Research /
#: Historische Sozialforschung, 21 (1996) 1", EXCITE 19174; "Erstmals erschienen in: Aus Politik und Zeitgeschichte",
#: 20178): the paper's own journal is the one its pages print, not the one it first appeared in (eval/data/README.md).
_OTHER_PRINTING_RE = re.compile(r"\b(?:reprint(?:ed)?|first (?:published|printed|appeared)|originally (?:published|appeared)|"
                                r"erst(?:mals)? (?:erschienen|veröffentlicht)|zuerst (?:erschienen|veröffentlicht)|"
                                r"erstveröffentlichung|nachdruck|wiederabdruck|abdruck aus)\b", re.I)
#: Words before a journal's citation in a footnote that make it a citation of another work ("... vgl. Johannes Huinink,
#: ..., in: ... Population Bulletin 42 (1987)", EXCITE 20178), not the page's footer read into the note (30957).
_CITATION_CUE_RE = re.compile(r"\b(?:vgl|see|cf|siehe|hrsg|eds?)\b\.?|\bin:", re.I)


def _last_sentence(text: str) -> str:
    """The text after the last full stop or semicolon that ends a word of four or more characters (not after an
    abbreviation such as "vgl." or an initial): the sentence a journal's name ends ("Vgl. Ernest Gellner, ...,
    Berlin 1991. Totalitarismus und Demokratie, 2 (2005)", EXCITE 30957, is a footer after a citation)."""
    return re.split(r"(?<=\w{4})[.;]\s+", text)[-1]


def _journal_from_line(text: str, *, at_start: bool = False, not_after: re.Pattern | None = None) -> dict | None:
    """Journal, volume, issue, pages, year from a banner or a citation line, or None; ``at_start``: only a
    citation the text begins with (a page's footer read in front of the paragraph that goes on). A citation after
    words naming another printing (:data:`_OTHER_PRINTING_RE`), or after ``not_after``'s words, is skipped."""
    t = " ".join(text.split())
    for rx in _JOURNAL_PATTERNS:
        for m in rx.finditer(t):
            if at_start and m.start() > 0:
                break
            if _OTHER_PRINTING_RE.search(t[:m.end("journal")]) or (not_after and not_after.search(_last_sentence(t[:m.end("journal")]))):
                continue
            name = m.group("journal").strip(" ,:/-")  # (a final "." kept for the split: "Understand. Sci.")
            # the name is the end of what precedes the volume: cut a leading citation ("..., In: Name")
            # (not after an abbreviating initial: "J. f. Psych." is one name)
            name = re.split(r"\bIn:\s*|[”\"“]\s*,?\s*|(?<!\b[A-Za-z])\.\s+" + _ABBREVIATED_NEXT + "(?=[A-ZÄÖÜ])",
                            name)[-1].strip(" ,:/-")
            if not _journal_ok(name.rstrip(".")) or _JOURNAL_STOP_RE.search(name):
                name = _journal_suffix(name.rstrip("."))
                if name is None:
                    continue
            d = m.groupdict()
            return {"journal": name.strip(" .,:/-"), "volume": d.get("volume"), "issue": d.get("issue") or d.get("issue2"),
                    "pages": re.sub(r"\s+", "", d["pages"]) if d.get("pages") else None,
                    "year": d.get("year") or d.get("year2") or d.get("year3")}
    return None


# Running footers and heads that name the journal in forms the patterns above do not read, all anchored at
# the line's start (a page number may come first):
_RUNNING_NAME = r"^(?:\d{1,4}\s+)?(?P<journal>[A-Za-zÄÖÜ][\w&’'.:\- /]{1,90}?)"
_YEAR = r"(?:19|20)\d{2}"
_VANCOUVER_RE = re.compile(  # "J. res.: fundam. care. online 2015. jul./set. 7(3):2659-2669" (Vancouver style)
    _RUNNING_NAME + rf"\s+(?P<year>{_YEAR})\s*[.;]\s*(?:[^\W\d]{{3,4}}\.?(?:\s*[/-]\s*[^\W\d]{{3,4}}\.?)?\s*,?\s*)?"
    rf"(?P<volume>\d+)\s*\((?P<issue>\d+(?:[{_DASH}/]\d+)?)\)\s*:\s*(?P<pages>\d+\s*[{_DASH}]\s*\d+)")
_ISSUE_YEAR_RES = [
    # "zfwu 8/2 (2007), 159-177": volume/issue (year), pages
    re.compile(_RUNNING_NAME + rf"\s+(?P<volume>\d{{1,3}})/(?P<issue>\d{{1,2}}(?:[{_DASH}]\d{{1,2}})?)\s*\((?P<year>{_YEAR})\)"
               rf"\s*,?\s*(?:(?:pp?|S)\.?\s*)?(?P<pages>\d+\s*[{_DASH}]\s*\d+)?"),
    # "Soziale Sicherheit 10/2013 343", "Statistisches Monatsheft Baden-Württemberg 8/2013": issue/year
    re.compile(_RUNNING_NAME + rf"\s+(?:(?:Heft|Nr|No|Issue|H)\.?\s*)?(?P<issue>\d{{1,2}}(?:[{_DASH}]\d{{1,2}})?)/(?P<year>{_YEAR})\b"),
    # "GENDER 1 | 2014" (EXCITE 39677): issue | year, the bar set with spaces
    re.compile(_RUNNING_NAME + rf"\s+(?:(?:Heft|Nr|No|Issue|H)\.?\s*)?(?P<issue>\d{{1,2}}(?:[{_DASH}]\d{{1,2}})?)\s+\|\s+(?P<year>{_YEAR})\b"),
    # SAGE's running heads "TIME & SOCIETY 16(1)" (EXCITE 22342): volume(issue) at the line's end
    re.compile(_RUNNING_NAME + r"\s+(?P<volume>\d{1,3})\s?\((?P<issue>\d{1,2}(?:[-/]\d{1,2})?)\)$"),
    # "soFid Familienforschung 2007/2" (EXCITE 20178): year/issue
    re.compile(_RUNNING_NAME + rf"\s+(?P<year>{_YEAR})/(?P<issue>\d{{1,2}})$"),
]
_TRAILING_PAGE_RE = re.compile(r"\s+\d{1,4}$")
#: A running line read as a block of the page is short (a journal line, not a paragraph that cites one).
RUNNING_LINE_MAX_WORDS = 20


def _running_name_ok(name: str) -> bool:
    """A journal's name in a running line: like :func:`_journal_ok`, but abbreviations in lower case pass
    ("zfwu", "J. res.: fundam. care. online"): the line's place on every page vouches for it."""
    words = name.split()
    return (1 <= len(words) <= 12 and len(name) >= 3 and not re.search(r"\d", name)
            and not re.match(r"(?:in|vgl|see|siehe|cf)\b", name, re.I)  # a citation ("in: Aus Politik ... 12/2007")
            and not re.search(r"\b(?:university|universität|institut|verlag|press|department|copyright|received|accepted|"
                              r"in|pp|vol|s|hrsg|eds?)\b\.?$", name, re.I)
            and not re.search(r"(?<!\b[A-Za-z])[.!?]\s+[A-Z][a-z]+\s+[a-z]", name))


def _journal_from_running_line(text: str, *, repeated: bool) -> dict | None:
    """Journal, volume, issue, pages, year from a page's running footer or head in the forms of
    :data:`_VANCOUVER_RE` and :data:`_ISSUE_YEAR_RES` (EXCITE 53995, 54891, 34869, 36025, 41507).

    ``repeated``: the line is one the reader removed as a running line (the same masked text on most
    pages, :func:`pipeline.ingest.pdf._drop_running_lines`). The bare "Name ISSUE/YEAR" forms are read
    only from such lines, since in running text "SozSich 10/2012, S. 349" is a citation; the Vancouver form
    ("YEAR. mon. VOL(ISSUE):PAGES") is distinctive enough to be read from any short line of the first page.
    """
    t = " ".join(text.split())
    if len(t.split()) > RUNNING_LINE_MAX_WORDS:
        return None
    for rx in [_VANCOUVER_RE, *(_ISSUE_YEAR_RES if repeated else [])]:
        m = rx.match(t)
        if m and _running_name_ok(m.group("journal").strip(" .,:/-")):
            d = m.groupdict()
            return {"journal": m.group("journal").strip(" ,:/-"), "volume": d.get("volume"), "issue": d.get("issue"),
                    "pages": re.sub(r"\s+", "", d["pages"]) if d.get("pages") else None, "year": d.get("year")}
    return None


#: Names of an institute's series of its own papers or briefs, which print like a journal's banner ("GIGA Focus
#: International Edition/English 9/2014", EXCITE 40723; WZB discussion papers, TUTS and ÖIF working papers, "IHS
#: Political Science Series", ZUMA-Methodenbericht, BIOst "Aktuelle Analysen"): no journal (eval/data/README.md).
#: The words are the series' kinds, which a journal's name rarely holds ("Focus" only after the institute's
#: acronym: "GIGA Focus").
_SERIES_RE = re.compile(
    r"\b(?:working|discussion|policy|occasional)\s+papers?\b|\bpolicy\s+briefs?\b|\bpaper\s+series\b|"
    r"\bpolitical science series\b|\b(?:arbeits|diskussions)papiere?\b|\bschriftenreihe\b|\baktuelle analysen\b|"
    r"\bmethodenberichte?\b|(?-i:^[A-ZÄÖÜ]{2,}[- ](?:Focus|Aktuell)\b)", re.I)


_CITE_LINE_RE = re.compile(r"\b(?:how to cite(?: this article)?|cite this (?:article|paper) as|zitiervorschlag|"
                           r"zitierhinweis|bitte zitieren als)\b", re.I)


def _journal_from_cite_line(texts: list[str], title: str) -> dict | None:
    """The journal named after the paper's own title in a "How to cite this article:" line of the first page
    ("Lau C.Q., & McHenry G. (2014). Asking Survey Respondents ... in Ethiopia, Survey Methods: Insights from the
    Field. Retrieved from http://...", EXCITE 37078): what follows the title, up to the next full stop."""
    key = " ".join(title.split()).rstrip(".?!").lower()
    for text in texts:
        t = " ".join(text.split())
        if not _CITE_LINE_RE.search(t) or (at := t.lower().find(key)) < 0:
            continue
        m = re.match(r"[.?!]?\s*[,.]?\s*(?P<journal>[A-ZÄÖÜ][^.]{2,120}?)\s*(?:[.,]\s|[.,]?\s*\d|\.?$)",
                     t[at + len(key):])
        if m and _journal_ok(m.group("journal")):
            return {"journal": m.group("journal").strip(" ,:"), "volume": None, "issue": None, "pages": None,
                    "year": None}
    return None


def _journal_from_cover(cover_text: str) -> dict | None:
    """A repository cover's suggested citation of a journal article: "... In: Journal 12 (2005), 3, pp. 1-20"."""
    if not re.search(r"zeitschriftenartikel|journal article", cover_text, re.I):
        return None
    m = re.search(r"\bIn:\s*([^\n]{3,200})", cover_text)
    if not m:
        # APA style: "Chaieb, S. (2014). Title. Zeitschrift für Qualitative Forschung, 15(1-2), 57-77."
        apa = re.search(rf"\((?:19|20)\d{{2}}\)\..*?[.?!]\s+(?P<journal>[A-ZÄÖÜ][^.?!\n]{{2,120}}?),\s*(?P<volume>\d+)"
                        rf"\s*(?:\((?P<issue>\d+(?:[{_DASH}/]\d+)?)\))?\s*,\s*{_PAGES}", cover_text, re.S)
        if apa and _journal_ok(apa.group("journal")):
            year = re.search(r"\(((?:19|20)\d{2})\)\.", cover_text)
            return {"journal": apa.group("journal").strip(), "volume": apa.group("volume"), "issue": apa.group("issue"),
                    "pages": re.sub(r"\s+", "", apa.group("pages")), "year": year.group(1) if year else None}
        return None
    found = _journal_from_line(m.group(1))
    if found:
        return found
    name = re.split(r"\s*[\d(]", m.group(1), maxsplit=1)[0].strip(" .,:;")
    return {"journal": name, "volume": None, "issue": None, "pages": None, "year": None} if _journal_ok(name) else None


# ---- the metadata ----------------------------------------------------------------------------------------
_AFFILIATION_RE = re.compile(
    r"\b(?:universit\w*|institut\w*|department|dept\.|center|centre|zentrum|school|college|faculty|fakultät|"
    r"hochschule|academy|akademie|laboratory|foundation|stiftung|research|forschung)\b", re.I)
_STRUCTURED_LABEL_RE = re.compile(
    r"^(?:aims?|background|objectives?|purpose|context|introduction|hintergrund|ziel(?:setzung)?|fragestellung|"
    r"problem)\s*[:.]?\s+(?=[A-ZÄÖÜ])", re.I)


_LEADING_LABELS_RE = re.compile(
    r"^\s*(?:(?:key ?-?words?|schl(?:ü|ue)sselw(?:ö|oe)rter|abstract|zusammenfassung|summary)\s*:\s*)+(?=\S)", re.I)


def _abstract_text(blocks: list[Block], fm: FrontMatter) -> str | None:
    if not fm.abstract:
        return None
    text = " ".join(blocks[i].text.strip() for i in fm.abstract)
    text = _LEADING_LABELS_RE.sub("", text, count=1)  # side-column labels read into the text ("Key words: Abstract:")
    text = _ABSTRACT_LABEL_RE.sub("", text, count=1)
    text = _STRUCTURED_LABEL_RE.sub("", text, count=1)
    return text.strip() or None


_INLINE_ABSTRACT_RE = re.compile(r"\b(?:abstract|zusammenfassung|summary)\s*[:.—]\s*(?=[A-ZÄÖÜ])", re.I)


def _labelled_abstract(furniture: list[Block]) -> str | None:
    """An abstract inside the first page's foot or banner ("... Email: x@y Abstract: The last decades ..."),
    up to the keywords."""
    for b in furniture:
        m = _INLINE_ABSTRACT_RE.search(b.text)
        if m:
            text = re.split(r"\b(?:key\s?-?words?|schl(?:ü|ue)sselw(?:ö|oe)rter)\s*[:.]", b.text[m.end():], flags=re.I)[0]
            if len(text.split()) >= 20:
                return text.strip()
    return None


def _keywords(text: str) -> list[str] | None:
    m = _KEYWORDS_RE.match(text)
    if not m:
        return None
    raw = m.group(3).strip()
    if not m.group("sep") and (len(raw) > 300 or raw.count(",") + raw.count(";") + raw.count("·") + raw.count(" . ") < 1):
        return None  # "Keyword analysis shows ..." is a sentence, not a keywords line
    raw = re.split(r"\n|(?<=[a-z])\.\s+(?=[A-Z][a-z]+\s[a-z])", raw)[0].strip().rstrip(".")
    parts = [k.strip(" .") for k in re.split(r"\s*(?:[;,·•]|\s\.\s|\s–\s)\s*", raw)]
    return [k for k in parts if k and len(k) <= 80] or None


#: Affiliation words that name no institution: plurals and the abstract noun ("Interim Governments: Short-Lived
#: Institutions for Long-Lasting Peace", EXCITE 40723); an institution's name has the word in the singular.
_INSTITUTION_NOUN_RE = re.compile(r"^(?:institution\w*|institutionell\w*|\w+(?:ies|s))$", re.I)


#: An institution's name that holds no affiliation noun but "Research"/"Forschung" ("Survey Research Division, RTI
#: International") is short or a list (commas: a byline with affiliations, EXCITE 37078); a longer line without commas
#: and with only that word uses it as a title's word ("Recent Research Questions", 39095).
INSTITUTION_MAX_WORDS = 8


def _names_institution(text: str) -> bool:
    """An affiliation word capitalised, as in an institution's name ("Oxford Brookes University", "School of
    Law"); in lower case it is a title's word ("... in primary school-aged children?", EXCITE 20291), and so is a
    capitalised plural or "Institutions" (:data:`_INSTITUTION_NOUN_RE`), and "Research" in a long line
    (:data:`INSTITUTION_MAX_WORDS`)."""
    words = [m.group(0) for m in _AFFILIATION_RE.finditer(text)
             if m.group(0)[:1].isupper() and not _INSTITUTION_NOUN_RE.match(m.group(0))]
    if words and len(text.split()) > INSTITUTION_MAX_WORDS and "," not in text \
            and all(w.lower() in ("research", "forschung") for w in words):
        return False  # "New Developments and Recent Research Questions in the Project ..." (EXCITE 39095)
    return bool(words)


_SOURCE_LABEL_RE = re.compile(r"^\s*(?:aus|in|from|erschienen in|published in)\s*:\s*$", re.I)


def extract_metadata(blocks: list[Block], fm: FrontMatter, hints: dict[str, str]) -> tuple[Metadata, set[int]]:
    """Metadata from the front matter (see the module docstring); returns the indices used as title/author.

    Title: the largest heading of the article's first page that is no banner, label or author line,
    with a subtitle set just below it in a smaller size. Authors: the author lines after the title
    (names one per line or in a list; affiliation marks dropped, "Surname, Given" inverted back),
    else the cover page's, else the PDF's metadata author when it is a person's name. Journal, volume,
    issue, pages and year: the first page's banners and foot, a repository cover's suggested citation.
    """
    meta = Metadata()
    used: set[int] = set()
    n = len(blocks)
    start = next((i for i in range(n) if i not in fm.cover and blocks[i].kind not in ("front_matter", "footnote")), n)
    first_page = blocks[start].page if start < n else None
    stop = fm.abstract_heading if fm.abstract_heading is not None else (fm.abstract[0] if fm.abstract else fm.end)
    stop = max(start, min(stop, fm.end))
    front = [i for i in range(start, stop) if blocks[i].kind in ("heading", "body")]
    if first_page is not None:
        front = [i for i in front if blocks[i].page in (first_page, first_page + 1)]
    furniture = [b for b in blocks if b.kind == "front_matter"]
    cover_blocks = [blocks[i] for i in sorted(fm.cover)]
    # a repository's cover sheet names the paper; a journal issue's contents page names every paper in it
    sheet_blocks = cover_blocks if any(COVER_RE.search(b.text) for b in cover_blocks) else []

    # title
    # the largest heading of the first page; a name-like line ("Leading Change", "Carola Frege") only when
    # nothing else is set as large
    named = {i for i in front if parse_authors(blocks[i].text)}
    candidates = [i for i in front if blocks[i].kind == "heading" and not _is_banner(blocks[i].text)
                  and not _names_institution(blocks[i].text) and blocks[i].page == blocks[front[0]].page]
    # a chapter's cover names the book it is "Aus:"/"In:" (with the editors and the book's title, set larger
    # than the chapter's, EXCITE 49817): nothing after that label on its page is the chapter's title
    source_label = next((i for i in front if _SOURCE_LABEL_RE.match(blocks[i].text)), None)
    if source_label is not None:
        candidates = [i for i in candidates if i < source_label or blocks[i].page != blocks[source_label].page]
    # a line of two or more names is the author line even when it is set larger than the title ("Peter Stegmaier
    # / Thomas Feltes" over the chapter's title, EXCITE 31474): a title is one phrase, not a list of names
    listed = {i for i in named if len(parse_authors(blocks[i].text)) >= 2}
    if any(i not in listed for i in candidates):
        candidates = [i for i in candidates if i not in listed]
    title_idx = None
    sized = [i for i in candidates if _block_size(blocks[i])]
    if sized:
        title_idx = max(sized, key=lambda i: (_block_size(blocks[i]), i not in named, -i))
    elif [i for i in candidates if i not in named]:
        title_idx = next(i for i in candidates if i not in named)
    if title_idx is not None:
        title = collapse_tripled(blocks[title_idx].text.strip())
        used.add(title_idx)
        # a title over several blocks set in one size (a line ending in "." is read as body text)
        size0 = _block_size(blocks[title_idx])
        lo = hi = title_idx
        # (a footnote mark read as a block of its own between two lines of the title is skipped: "1")
        while size0 and _over_marks(blocks, lo, -1) in front and _title_part(blocks[_over_marks(blocks, lo, -1)],
                                                                             blocks[title_idx], size0):
            lo = _over_marks(blocks, lo, -1)
        # below: headings, or body text that continues the title ("- Von der Interaktion ..."); a body line in
        # capitals after it is a translated title ("Teorias de enfermagem ..."), unless the line above stops
        # mid-phrase ("... Procedures in the" over "Young Eastern European Democracies.", EXCITE 40305) or asks a
        # question that the next line in the same size goes on from ("Männer im Spagat zwischen Beruf und
        # Familie?" over "Eine Zielgruppe fordert ...", EXCITE 41507)
        while size0 and (nx := _over_marks(blocks, hi, 1)) in front and _title_part(blocks[nx], blocks[title_idx], size0, below=True) and (
                blocks[nx].kind == "heading" or not blocks[nx].text.lstrip()[:1].isupper()
                or _OPEN_END_RE.search(blocks[hi].text) or blocks[hi].text.rstrip().endswith("?")):
            hi = nx
        if hi > lo:
            title = " ".join(collapse_tripled(blocks[k].text.strip()) for k in range(lo, hi + 1)
                             if not _MARKS_RE.fullmatch(blocks[k].text.strip()))
            used.update(range(lo, hi + 1))
            title_idx = hi
        before = lo - 1
        if before in front and blocks[before].kind == "heading" and blocks[before].text.rstrip().endswith((":", "?")) \
                and blocks[before].page == blocks[title_idx].page and len(blocks[before].text) >= 8 \
                and not _LABEL_RE.match(blocks[before].text) and not re.search(r"https?://|www\.|@", blocks[before].text) \
                and _mean_word_length(blocks[before].text) >= 3.5:  # not a letter-spaced banner ("S OC IAL RES EARC H")
            # a title in two sizes: "UN-Behindertenrechtskonvention:" over "Den Nationalen Aktionsplan ...", or a
            # question over the larger main line ("... zurück zur bewährten Diktatur?" over "Äthiopien ein Jahr
            # nach den Parlamentswahlen", EXCITE 10454)
            title = f"{blocks[before].text.strip()} {title}"
            used.add(before)
        size = _block_size(blocks[title_idx])
        sub_parts = _subtitle(blocks, title_idx, stop, size)
        if sub_parts:
            sub_text = " ".join(blocks[k].text.strip() for k in sub_parts)
            title = f"{title}{' ' if title[-1:] in ':.?!–-' else ': '}{sub_text}"
            used.update(sub_parts)
        meta.title = _TITLE_MARKS_RE.sub("", title)
    elif (bold_title := _bold_title(blocks, front)):
        meta.title = bold_title
    else:
        cover_title = next((b.text for b in sheet_blocks if b.kind == "heading" and not _is_banner(b.text)
                            and not parse_authors(b.text)), None)
        hint = hints.get("title", "").strip()
        if cover_title:
            meta.title = cover_title
        elif len(hint.split()) >= 3 and not re.search(r"\.(?:docx?|pdf|rtf|tex)\b|microsoft|untitled", hint, re.I):
            meta.title = hint

    sheet_title = next((b.text.strip() for b in sheet_blocks if b.kind == "heading" and not _is_banner(b.text)
                        and not parse_authors(b.text) and len(b.text.split()) >= 3), None)
    if sheet_title:
        # a repository's cover sheet names the paper from its catalogue: more reliable than the layout
        meta.title = collapse_tripled(sheet_title)

    # authors (and their affiliation and e-mail)
    after = [i for i in front if title_idx is None or i > title_idx]
    affiliation_parts: list[str] = []
    email = None
    for i in after:
        b = blocks[i]
        t = b.text.strip()
        if _KEYWORDS_RE.match(t):
            break
        emails = _EMAIL_RE.findall(t)
        if emails:
            email = email or emails[0]
        names = parse_authors(t) if i not in used else []
        if not names and i not in used:
            caps = _capitals_name_with_affiliation(t)
            listed = _names_with_affiliations(t) if not caps else []
            if listed:
                names = listed
                affiliation_parts.append(t[len(t.split(",")[0]) + 1:].strip())
            elif caps:
                names = [caps[0]]
                affiliation_parts.append(caps[1])
            elif len(b.lines) >= 2 and (_AFFILIATION_RE.search(rest := " ".join(ln.text for ln in b.lines[1:]))
                                        or _EMAIL_RE.search(rest)):
                # the name on the block's first line, its institution on the next ones, read as one block
                # ("Volker Brauer" over "Forschungszentrum Arbeit und Technik", EXCITE 22006)
                names = parse_authors(b.lines[0].text)
                if names:
                    affiliation_parts.append(" ".join(ln.text for ln in b.lines[1:]))
        if names and b.lines:
            names = _side_by_side(b.lines[0], names)
        if names and not (meta.authors and b.kind == "body" and len(names) == 1 and len(t.split()) > 6):
            meta.authors.extend(Author(name=_display_name(nm)) for nm in names if nm not in [a.name for a in meta.authors])
            used.add(i)
        elif meta.authors and b.kind == "body" and len(t) < 400 and (_AFFILIATION_RE.search(t) or emails):
            affiliation_parts.append(t)
        elif meta.authors and _is_prose(b):
            break
    if meta.authors and title_idx is not None:
        # an author line above the title that names everyone found below it and more: the names below were an
        # imprint's partial list ("Adresse der Autoren", EXCITE 33116), the line above is the byline
        found_surnames = {a.name.split()[-1].lower() for a in meta.authors}
        for i in front:
            if i >= title_idx:
                break
            names = parse_authors(blocks[i].text)
            if len(names) > len(meta.authors) and found_surnames <= {nm.split()[-1].lower() for nm in names}:
                meta.authors = [Author(name=_display_name(nm)) for nm in names]
                used.add(i)
                break
    if not meta.authors and title_idx is not None:
        # authors set above the title
        for i in front:
            if i >= title_idx:
                break
            names = parse_authors(blocks[i].text)
            if names:
                meta.authors = [Author(name=_display_name(nm)) for nm in names]
                used.add(i)
                break
    if not meta.authors:
        for b in sheet_blocks:
            names = parse_authors(b.text)
            if names:
                meta.authors = [Author(name=_display_name(nm)) for nm in names]
                break
    if not meta.authors and hints.get("author"):
        names = [a.strip() for a in re.split(r";|\band\b|,(?=\s*\S+\s+\S)", hints["author"]) if a.strip()]
        meta.authors = [Author(name=nm) for nm in names if _is_name(nm) and not _PLACEHOLDER_AUTHORS.match(nm)]
    if meta.authors:
        if affiliation_parts:
            meta.authors[0].affiliation = " ".join(affiliation_parts)
        if email:
            meta.authors[0].email = email

    # journal, volume, issue, pages, year
    first_blocks = [blocks[i] for i in range(start, min(n, fm.end + 1)) if blocks[i].page in (None, first_page)]
    # the first page's last footnote last: a journal's footer line is often read into it
    first_notes = [b for b in blocks if b.kind == "footnote" and first_page is not None and b.page == first_page][-1:]
    sources = furniture + [blocks[i] for i in range(start, stop)] + first_blocks + first_notes
    found = _journal_from_cover("\n".join(b.text for b in cover_blocks)) if cover_blocks else None
    if found is None:
        for k, b in enumerate(sources):
            found = _journal_from_line(b.text, not_after=_CITATION_CUE_RE if b.kind == "footnote" else None)
            if found and re.match(r"[a-zäöü]\w*\s+[a-zäöü]", found["journal"]):
                # two words in lower case first: a side column's text glued to a banner ("... biographical research
                # FORUM : QUALITATIVE Volume 9", EXCITE 9082), not a name; the name is printed elsewhere
                found = None
            if found is None and k + 1 < len(sources) and re.match(r"^\s*(?:(?:19|20)\d{2}\s*,?\s*)?(?:Vol|Volume|Jg|Bd)\.?\s*\d",
                                                                  sources[k + 1].text, re.I):
                # a banner with the journal's name over a line "2008 Vol 11(1) 39–54" or "Vol.2, No.2, April 2013"
                # (the first page's full name, read before a later page's abbreviated running head, EXCITE 34212)
                if _journal_ok(b.text.strip()) and len(b.text.split()) <= 10 and not re.search(r"©|\d", b.text):
                    found = {"journal": _drop_initialism(b.text.strip()), "volume": None, "issue": None, "pages": None,
                             "year": None}
                    more = re.match(r"^\s*((?:19|20)\d{2})\s*,?\s*(?:Vol|Volume|Jg|Bd)\.?\s*(\d+)\s*(?:\((\d+)\))?\s*([\d]+\s*[-–]\s*\d+)?",
                                    sources[k + 1].text, re.I)
                    if more:
                        found.update(year=more.group(1), volume=more.group(2), issue=more.group(3),
                                     pages=re.sub(r"\s+", "", more.group(4)) if more.group(4) else None)
            if found:
                break
    if found is None:
        # a running footer or head in a form the citation patterns do not read (see _journal_from_running_line)
        short_first = [b for b in first_blocks if b.kind in ("body", "heading")]
        # (a footer set across the page, "zfwu ... 159" left and "8/2 (2007), 159-177" right, comes as two lines:
        # the name without its page number is tried in front of a line that starts with the volume)
        running = [b.text for b in furniture] + [
            _TRAILING_PAGE_RE.sub("", a.text.strip()) + " " + b.text.strip()
            for a, b in zip(furniture, furniture[1:]) if re.match(r"\s*\d", b.text) and not re.match(r"\s*\d", a.text)]
        found = next((f for t in running if (f := _journal_from_running_line(t, repeated=True))), None) \
            or next((f for b in short_first if (f := _journal_from_running_line(b.text, repeated=False))), None)
    if found is None and first_page is not None:
        # the first page's footer read in front of a paragraph ("ZQF 15. Jg., Heft 1‒2/2014, S. 25‒38 post-colonial ...")
        for b in blocks[start:]:
            if b.page is not None and b.page > first_page + 1:
                break
            if b.kind == "body" and b.page is not None:
                found = _journal_from_line(b.text[:200], at_start=True)
                if found:
                    break
    if found is None and meta.title:
        found = _journal_from_cite_line([b.text for b in furniture] + [blocks[i].text for i in range(start, stop)], meta.title)
    if found and _SERIES_RE.search(found["journal"]):
        found = None  # an institute's series of its own papers, not a journal (eval/data/README.md)
    if found:
        meta.journal = found["journal"]
        if first_page is not None:
            page_texts = [b.text for b in cover_blocks + furniture] + [
                b.text for b in blocks[start:] if b.page is not None and b.page <= first_page + 1]
            meta.journal = _expand_journal(meta.journal, page_texts) or meta.journal
            if meta.journal.isupper() and len(meta.journal) > 6:
                # a running head in capitals ("TIME & SOCIETY"): the name as the first pages print it in mixed case
                mixed = re.compile(re.escape(meta.journal).replace(r"\ ", r"\s*"), re.I)
                meta.journal = next((m.group(0) for t in page_texts if (m := mixed.search(t)) and not m.group(0).isupper()),
                                    meta.journal)
        meta.volume, meta.issue, meta.pages = found["volume"], found["issue"], found["pages"]
        if found["year"]:
            meta.year = int(found["year"])
    if meta.journal and meta.authors:
        # a journal's name set like a byline ("Informationsdienst Soziale Indikatoren" under the title, EXCITE
        # 35306) is no person: the cover sheet's names, where there is one, are the authors
        persons = [a for a in meta.authors if a.name.lower() not in meta.journal.lower()]
        if len(persons) < len(meta.authors):
            meta.authors = persons or next(([Author(name=_display_name(nm)) for nm in names] for b in sheet_blocks
                                            if (names := parse_authors(b.text))), [])

    # DOI, ISSN, year
    texts = [b.text for b in cover_blocks + furniture] + [blocks[i].text for i in range(start, min(n, fm.end + 6))]
    for t in texts:
        m = _DOI_RE.search(t)
        if m:
            meta.doi = m.group(1).rstrip(".,;)]")
            break
    front_text = "\n".join(texts)
    issn = _ISSN_RE.search(front_text)
    if issn:
        meta.issn = issn.group(1)
    if meta.year is None:
        m = re.search(r"©\s*((?:19|20)\d{2})", front_text) or _YEAR_RE.search(
            "\n".join(b.text for b in furniture + [blocks[i] for i in front]))
        if m:
            meta.year = int(m.group(1))

    # keywords, abstract
    for b in [blocks[i] for i in range(start, min(n, fm.end + 8))] + furniture:
        kws = _keywords(b.text)
        if kws:
            meta.keywords = kws
            break
    labelled = fm.abstract_heading is not None or bool(fm.abstract and _ABSTRACT_LABEL_RE.match(blocks[fm.abstract[0]].text))
    meta.abstract = (_abstract_text(blocks, fm) if labelled else None) or _labelled_abstract(furniture) \
        or _abstract_text(blocks, fm)
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

    # a contents entry "References" is demoted before the reference runs are split into references, so that
    # the article's paragraphs and headings come back as they were read (EXCITE 9082); again after, for the
    # lists that mark_reference_sections makes
    pre = [dataclasses.replace(b) for b in raw.blocks]
    toc_notes = demote_false_reference_headings(pre)
    blocks = split_long_blocks(_resplit_references(mark_reference_sections(pre)), max_passage_chars)  # no passage over the limit
    toc_notes += demote_false_reference_headings(blocks)
    fm = find_front_matter(blocks)
    front_end = fm.end
    metadata, title_author = extract_metadata(blocks, fm, raw.meta_hints)

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
    abstract_left = 0  # characters an abstract section may still hold
    abstract_end: int | None = None  # the last block of the first abstract, as find_front_matter ended it
    for i, b in main:
        if b.kind == "heading":
            b.text = collapse_tripled(b.text)
        if b.kind == "heading" and is_caption(b.text):
            b.kind = "body"  # a figure or table caption is never a section
        if b.kind == "heading" and i not in fm.cover and (
                i >= front_end or i == fm.abstract_heading or
                (_ABSTRACT_HEADING_RE.match(b.text) and fm.abstract and i < fm.abstract[0])):
            numbering, heading = split_numbering(b.text)
            if numbering and re.fullmatch(r"[\d.]+", numbering):
                level = numbering.count(".") + 1
                numbered_level = level
            elif TOP_LEVEL_RE.match(heading):
                level, numbered_level = 1, 0
            else:
                level = numbered_level + 1 if numbered_level else 1
            kind = "references" if is_reference_heading(heading) else "abstract" if _ABSTRACT_HEADING_RE.match(heading) else "body"
            abstract_left = ABSTRACT_MAX_CHARS if kind == "abstract" else 0
            abstract_end = max(fm.abstract) if i == fm.abstract_heading and fm.abstract else None
            parent = next((s.id for s in reversed(sections) if s.level < level), None)
            sec = Section(id=f"s{len(sections) + 1:02d}", heading=heading, level=level,
                          numbering=numbering, kind=kind, parent_id=parent)
            p = add_passage("heading", b.text.strip(), sec.id, b.page)
            sec.passage_id = p.id
            sections.append(sec)
            current = sec
            continue
        if abstract_left and (_KEYWORDS_RE.match(b.text) or (abstract_end is not None and i > abstract_end)):
            # the abstract ends at the keywords, and the first abstract where find_front_matter ended it:
            # short paragraphs after it (a policy brief, a working paper without headings) are the body
            abstract_left = 0
        in_abstract = abstract_left > 0 and b.kind == "body"
        if in_abstract:
            abstract_left -= len(b.text)
        if b.kind == "front_matter" or i < front_end or i in fm.cover or in_abstract or \
                (_keywords(b.text) and len(b.text) < 600):
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
                      footnotes=footnotes, markers=markers, warnings=[*raw.warnings, *toc_notes])


def _resplit_references(blocks: list[Block]) -> list[Block]:
    """PDF reference sections come as line runs: split them into one block per reference."""
    from pipeline.references.split import split_references

    out: list[Block] = []
    run: list[Block] = []

    def flush() -> None:
        if run:
            lines = [ln for b in run for ln in b.lines]
            after = any(b.kind == "reference" for b in out)  # a later run: what follows a list may open it
            out.extend(Block(kind="reference", text=t, page=page) for t, page in split_references(lines, after_references=after))
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
