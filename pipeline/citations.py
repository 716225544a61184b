"""Citations stage: parse references, find in-text citations, link them, register sources, audit.

Adds ``references``, ``citations``, ``sources`` and ``audit`` to a document, and each footnote's
``reference_ids``.

* References: every reference-list passage (numbered when the list is: ``Reference.number``), and the
  references printed in footnotes, several per note, leads ("Vgl.", "See") stripped, decided with
  evidence (:mod:`pipeline.references.footnotes`); Ibid./ebd./a.a.O. point to an earlier reference
  instead of becoming one. In a paper whose notes cite beyond its list (courts, statutes, dated newspapers,
  works given in full only there: :func:`~pipeline.references.footnotes.notes_cite_beyond_list`) the notes'
  short forms ("Kment 2006: 1336 ff.") are references of their own, as in a paper without a list; elsewhere
  they cite the list. All are parsed by the CRF (:mod:`pipeline.references.parser`).
* Author-year citations: parenthetical, several per bracket separated by
  ``;``, with first names, "et al" with or without a dot, "and"/"&"; and
  narrative "Slaughter (2004)"; in a paper with a reference list, also the short forms of footnotes
  ("Vgl. Müller 2005: 23"). Resolution matches the cited surname against
  each reference's first-author surname (diacritics folded) and the year; a
  surname match with another year is resolved but reported as a year mismatch.
* Numbered citations ("[12]", "[3-5]", "[3, 7]", "(12)"), when the reference list is numbered, and the
  raised numbers of a paper that has such a list and no footnotes; table, figure, section and page
  numbers, years and numbers beyond the list are not citations (:func:`find_numbered`).
* Footnote markers become citations of kind ``footnote``, resolved to the note's references.
* Sources: one entry per distinct URL or DOI cited, with URLs repaired the way
  a careful reader would (escapes, trailing punctuation, Wikipedia titles
  broken by spaces, fragments).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.audit import audit_footnotes, audit_references, finding, quote_at
from pipeline.model import Audit, AuditFinding, Citation, CitedSource, Document, Reference
from pipeline.references.footnotes import (FOOTNOTE_MODEL_FILE, LIST_REPEAT_SCORE, classify_parts, footnote_parts,
                                           notes_cite_beyond_list)
from pipeline.references.parser import MODEL_FILE, parse_reference
from pipeline.references.split import SPLIT_MODEL_FILE
from pipeline.registry import DataFile, stage
from pipeline.settings import Settings
from pipeline.tables import AUDIT_TABLE, CITATIONS_TABLE, REFERENCES_TABLE, SOURCES_TABLE
from pipeline.text.headings import is_numbered_list, list_number
from pipeline.text.identifiers import CITATION_YEAR, URL_RE, find_dois, repaired_urls, url_host
from pipeline.text.normalise import fold, title_key

_YEAR = CITATION_YEAR
_PAREN_RE = re.compile(r"\(([^()]{2,300}?\b" + _YEAR + r"\b[^()]{0,120})\)")
_PART_RE = re.compile(
    r"^(?:see\s+|cf\.\s+|e\.g\.,?\s+)?(?P<names>[A-ZÀ-ÖØ-ÞŁŚŻ][^\d;()]{1,120}?)[,\s]+(?P<years>" + _YEAR + r"(?:\s*,\s*" + _YEAR + r")*)"
    r"(?:\s*,\s*(?:p|pp)\.?\s*[\d\-–]+)?\s*$"
)
_NARRATIVE_RE = re.compile(
    r"\b(?P<names>[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:,?\s+(?:et\s+al\.?|and|&)\s*(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+)?)?)(?:'s)?\s*\((?P<years>" + _YEAR + r"(?:\s*,\s*" + _YEAR + r")*)\)"
)
_NAME_STOP = {"et", "al", "al.", "and", "&", "see", "cf", "the", "of", "in", "de", "van", "von"}
# A footnote's short citation of a listed work: "Müller 2005: 23", "Müller/Meier 2005, S. 4 f.", "Smith 1999, p. 3"
_SHORT_CITE_RE = re.compile(
    r"^(?P<names>[A-ZÀ-ÖØ-ÞŁŚŻ][^\d;()]{1,80}?)[,\s]+\(?(?P<years>" + _YEAR + r"(?:\s*[,/]\s*" + _YEAR + r")*)\)?"
    r"(?:\s*[:,]\s*(?:S\.|p\.|pp\.)?\s*\d[\d\s,\-–]*?\s*(?:ff?\.?)?)?\s*[.;]?\s*$"
)
# Numbered citations: "[12]", "[3-5]", "[3, 7]", "(12)"; a page, table, figure, section or equation number is none.
_NUM_LIST = r"\d{1,4}(?:\s*(?:[-–—]|,|;)\s*\d{1,4})*"
_NUM_BRACKET_RE = re.compile(r"\[(" + _NUM_LIST + r")\]")
_NUM_PAREN_RE = re.compile(r"\((" + _NUM_LIST + r")\)(?=\s*(?:[.,;:)]|$))")
_NOT_A_CITATION_BEFORE = re.compile(
    r"(?:table|tab\.|fig(?:ure)?s?\.?|section|sect?\.|chapter|chap\.|ch\.|eq(?:uation)?s?\.?|p\.|pp\.|page|s\.|"
    r"abb(?:ildung)?\.?|tabelle|kapitel|abschnitt|no\.|nr\.|vol\.|art\.|§|appendix|anhang|model|hypothes[ie]s|h)\s*$",
    re.I)
# A range "[3-12]" longer than this is no citation of every entry between (a misread, or page numbers).
MAX_CITED_RANGE = 30
_CATALOGUE_LINKS = re.compile(r"\s*\[(Google Scholar|Publisher|CrossRef|PubMed)\]")
# A footnote repeats a listed reference when their titles (or openings) agree this closely (0-100).
SAME_REFERENCE_SCORE = 85


def _surnames(names: str) -> list[str]:
    words = [w.strip(",.") for w in re.split(r"\s+|,", names) if w.strip(",.")]
    return [fold(w) for w in words if fold(w) not in _NAME_STOP and w[:1].isupper()]


def find_author_year(text: str) -> list[tuple[int, int, str, list[str], list[int]]]:
    """(start, end, marker text, cited surnames, years) for each author-year citation in ``text``."""
    out = []
    for m in _PAREN_RE.finditer(text):
        inner_start = m.start(1)
        pos = 0
        for part in m.group(1).split(";"):
            p = part.strip()
            pm = _PART_RE.match(p)
            offset = inner_start + m.group(1).index(part, pos) + (len(part) - len(part.lstrip()))
            pos = m.group(1).index(part, pos) + len(part)
            if not pm:
                continue
            names = pm.group("names")
            # "Bresnahan, 1989, and Geroski, 1988" inside one bracket
            years = [int(y[:4]) for y in re.findall(_YEAR, pm.group("years"))]
            out.append((offset, offset + len(p), p, _surnames(names), years))
    taken = [(s, e) for s, e, *_ in out]
    for m in _NARRATIVE_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        years = [int(y[:4]) for y in re.findall(_YEAR, m.group("years"))]
        out.append((m.start(), m.end(), m.group(0), _surnames(m.group("names")), years))
    return sorted(out)


def find_short_cites(text: str) -> list[tuple[int, int, str, list[str], list[int]]]:
    """(start, end, text, surnames, years) of each short author-year citation a footnote part consists of,
    one or several separated by ``;`` ("Müller 2005: 23; Meier 2001, S. 4")."""
    out = []
    pos = 0
    for piece in text.split(";"):
        start = pos + len(piece) - len(piece.lstrip())
        pos += len(piece) + 1
        m = _SHORT_CITE_RE.match(piece.strip())
        if not m or len(m.group("names").split()) > 6:
            continue
        marker = piece.strip().rstrip(".;")
        years = [int(y[:4]) for y in re.findall(_YEAR, m.group("years"))]
        names = _surnames(m.group("names").replace("/", " "))
        if names:
            out.append((start, start + len(marker), marker, names, years))
    return out


def find_numbered(text: str, max_number: int) -> list[tuple[int, int, str, list[int]]]:
    """(start, end, marker, numbers) of the numbered citations in ``text`` of a paper whose list has ``max_number`` entries.

    Brackets always; parentheses only when followed by punctuation (enumerations "(1) first ..." are
    followed by words). Refused: a number after "Table", "Fig.", "Section", "p." and the like, a number 0
    or above ``max_number`` (years, page numbers), a range longer than :data:`MAX_CITED_RANGE`.
    """
    out = []
    for rx in (_NUM_BRACKET_RE, _NUM_PAREN_RE):
        for m in rx.finditer(text):
            if _NOT_A_CITATION_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
                continue
            nums = _expand_numbers(m.group(1), max_number)
            if nums:
                out.append((m.start(), m.end(), m.group(0), nums))
    return sorted(out)


def _expand_numbers(spec: str, max_number: int) -> list[int] | None:
    nums: list[int] = []
    for piece in re.split(r"\s*[,;]\s*", spec.strip()):
        rng = re.fullmatch(r"(\d+)\s*[-–—]\s*(\d+)", piece)
        if rng:
            a, b = int(rng.group(1)), int(rng.group(2))
            if not (a < b <= a + MAX_CITED_RANGE):
                return None
            nums.extend(range(a, b + 1))
        elif piece.isdigit():
            nums.append(int(piece))
        else:
            return None
    if not nums or any(n < 1 or n > max_number for n in nums):
        return None
    return nums


def _first_family(ref: Reference) -> set[str]:
    fams = set()
    if ref.authors:
        a = ref.authors[0]
        for name in (a.family, a.literal):
            if name:
                fams.update(fold(w) for w in re.split(r"[\s,]+", name) if w)
    lead = re.split(r"[,.(]", ref.text, maxsplit=1)[0]
    fams.update(fold(w) for w in lead.split()[:3] if w[:1].isupper())
    return {f for f in fams if f and f not in _NAME_STOP}


@stage(
    "citations",
    needs=("passages", "footnotes", "footnote_markers"),
    adds=("references", "citations", "sources", "audit", "footnotes.reference_ids"),
    settings=("footnote_reference_min_probability",),
    resources=(DataFile("reference-crf", MODEL_FILE), DataFile("reference-line-crf", SPLIT_MODEL_FILE),
               DataFile("footnote-part-model", FOOTNOTE_MODEL_FILE)),
    code=("pipeline.references", "pipeline.audit", "pipeline.text"),
    tables=(REFERENCES_TABLE, CITATIONS_TABLE, SOURCES_TABLE, AUDIT_TABLE),
)
def annotate_citations(doc: Document, settings: Settings) -> Document:
    """The stage function: fills references, citations, sources and audit (and each footnote's reference_ids)."""
    passages = {p.id: p for p in doc.passages}

    # ---- references: the list, then the footnotes
    references = _list_references(doc)
    ref_list = list(references)
    fn_refs, text_parts = _footnote_references(doc, ref_list, settings, first_index=len(references) + 1)
    references.extend(fn_refs)
    by_id = {r.id: r for r in references}
    families = {r.id: _first_family(r) for r in ref_list}

    # ---- citations
    citations: list[Citation] = []
    audit: list[AuditFinding] = []

    def add_author_year(p, s: int, e: int, marker: str, names: list[str], years: list[int]) -> None:
        for year in years or [None]:
            status, ref = resolve_author_year(names, year, ref_list, families)
            cit = Citation(
                id=f"c{len(citations) + 1:03d}", kind="author_year", text=marker,
                passage_id=p.id, start=p.start + s, end=p.start + e,
                names=names, year=year, reference_id=ref.id if ref else None, status=status,
            )
            citations.append(cit)
            if ref is not None:
                ref.cited_by.append(cit.id)
                if year is not None and ref.year is not None and ref.year != year:
                    audit.append(finding("year_mismatch", p, p.text[s:e],
                                          f"cited as {year}, reference {ref.id} says {ref.year}",
                                          citation_id=cit.id, reference_id=ref.id))
            elif status == "unresolved":
                audit.append(finding("unmatched_citation", p, marker, "no reference in the list matches this citation",
                                      citation_id=cit.id))
            else:
                audit.append(finding("ambiguous_citation", p, marker, "several references match this citation",
                                      citation_id=cit.id))

    for p in doc.passages:
        if p.kind not in ("body", "front_matter"):
            continue
        for s, e, marker, names, years in find_author_year(p.text):
            add_author_year(p, s, e, marker, names, years)

    numbered = {r.number: r for r in ref_list if r.number is not None} or _endnote_list(doc, fn_refs)
    if numbered:
        for p in doc.passages:
            if p.kind != "body":
                continue
            for s, e, marker, nums in find_numbered(p.text, max(numbered)):
                for num in nums:
                    _add_numbered(citations, audit, p, p.start + s, p.start + e, marker, num, numbered)

    # author-year forms inside footnotes cite the list: short forms ("Vgl. Müller 2005: 23") and the forms of the
    # body ("See Keohane (1984)", "(Waltz 1979, p. 5)"); the note then cites the listed works they name
    if ref_list:
        for fn in doc.footnotes:
            p = passages[fn.passage_id]
            for part_start, part_end in text_parts.get(fn.id, []):
                part_text = p.text[part_start:part_end]
                found = find_short_cites(part_text)
                taken = [(s, e) for s, e, *_ in found]
                found += [c for c in find_author_year(part_text) if not any(s <= c[0] < e for s, e in taken)]
                for s, e, marker, names, years in sorted(found):
                    first = len(citations)
                    add_author_year(p, part_start + s, part_start + e, marker, names, years)
                    fn.reference_ids.extend(c.reference_id for c in citations[first:]
                                            if c.reference_id and c.reference_id not in fn.reference_ids)

    notes_used = {fn.id for fn in doc.footnotes if fn.markers}
    notes = {fn.id: fn for fn in doc.footnotes}
    for m in doc.footnote_markers:
        fn = notes.get(m.footnote_id) if m.footnote_id else None
        if numbered and (fn is None or not _note_near(fn.page, passages[m.passage_id].page)):
            # a raised number in a paper with a numbered list that no footnote of its page answers cites the list
            _add_numbered(citations, audit, passages[m.passage_id], m.offset, m.offset, str(m.number), m.number, numbered)
            continue
        ids = fn.reference_ids if fn is not None else []
        cit = Citation(
            id=f"c{len(citations) + 1:03d}", kind="footnote", text=str(m.number), passage_id=m.passage_id,
            start=m.offset, end=m.offset, footnote_id=m.footnote_id,
            reference_id=ids[0] if ids else None,
            status="resolved" if m.footnote_id else "unresolved",
        )
        citations.append(cit)
        for rid in ids:
            if cit.id not in by_id[rid].cited_by:
                by_id[rid].cited_by.append(cit.id)
        if m.footnote_id is None:
            audit.append(finding("unlinked_marker", passages[m.passage_id], quote_at(doc, m.offset),
                                  f"footnote marker {m.number} has no footnote", citation_id=cit.id))
    # a footnote without a marker still cites its references
    for fn in doc.footnotes:
        if fn.id not in notes_used:
            for rid in fn.reference_ids:
                if f"footnote:{fn.id}" not in by_id[rid].cited_by:
                    by_id[rid].cited_by.append(f"footnote:{fn.id}")

    # a footnote that cites a listed reference counts as citing it
    for fr in fn_refs:
        best = _match_reference(fr, ref_list) or by_id.get(fr.same_as or "")
        if best is not None:
            fr.same_as = best.id
            best.cited_by.extend(c for c in (fr.cited_by or [f"footnote:{fr.footnote_id}"]) if c not in best.cited_by)

    audit.extend(audit_references(ref_list, passages))
    audit.extend(audit_footnotes(doc, passages))
    for i, f in enumerate(audit, start=1):
        f.id = f"a{i:03d}"

    doc.references = references
    doc.citations = citations
    doc.sources = build_sources(doc, references, citations)
    counts: dict[str, int] = {}
    for f in audit:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    doc.audit = Audit(findings=audit, counts=counts)
    if not references:  # a note, an editorial, a headings-only file: nothing to link, on purpose
        doc.warnings.append("citations: no reference list and no citing footnotes were found")
    if not any(p.kind in ("body", "front_matter") for p in doc.passages):
        doc.warnings.append("citations: no body text to look for in-text citations in")
    return doc


def _endnote_list(doc: Document, fn_refs: list[Reference]) -> dict[int, Reference]:
    """A numbered reference list the reader took for footnotes (set small at the end, no markers in the text):
    note n's first reference is entry n. Only when the notes are referenced by no marker."""
    if doc.footnote_markers or not fn_refs:
        return {}
    notes = {fn.id: fn for fn in doc.footnotes}
    out: dict[int, Reference] = {}
    for r in fn_refs:
        fn = notes.get(r.footnote_id or "")
        if fn is not None and fn.number is not None and fn.number not in out:
            out[fn.number] = r
            r.number = fn.number
    return out


# A paragraph of prose in a reference list: this many words at least, this share of function words and a finite
# verb. On the EXCITE corpus's list passages (refs_fast, 4c6a375) the rule takes 56 strings, none of them a gold
# reference; a reference's title rarely reaches both.
PROSE_MIN_WORDS = 30
PROSE_MIN_FUNCTION_SHARE = 0.3


def is_prose_paragraph(text: str) -> bool:
    """Is this "reference" a paragraph of running text (long, many function words, a verb)?"""
    from pipeline.references.footnotes import _FUNCTION_WORDS, _PROSE_VERB

    words = [w.strip(".,;:()»«„“”\"'").lower() for w in text.split()]
    if len(words) < PROSE_MIN_WORDS:
        return False
    share = sum(w in _FUNCTION_WORDS for w in words) / len(words)
    return share >= PROSE_MIN_FUNCTION_SHARE and bool(_PROSE_VERB.search(text))


def _note_near(note_page: int | None, passage_page: int | None) -> bool:
    """A footnote prints on its marker's page, or the next one when the paragraph runs over."""
    return note_page is None or passage_page is None or 0 <= note_page - passage_page <= 1


def _list_references(doc: Document) -> list[Reference]:
    """The reference-list passages as references; numbered (``Reference.number``) when the list is numbered."""
    out: list[Reference] = []
    for p in doc.passages:
        if p.kind != "reference":
            continue
        text = _CATALOGUE_LINKS.sub("", p.text).strip()
        if is_prose_paragraph(text):
            continue  # body text the reader put under a list heading (a table of contents' "Literatur")
        out.append(Reference(id=f"r{len(out) + 1:03d}", passage_id=p.id, origin="reference_list", text=text,
                             **parse_reference(text).model_dump()))
    if is_numbered_list([r.text for r in out]):
        for r in out:
            r.number = list_number(r.text)
    return out


def _footnote_references(doc: Document, ref_list: list[Reference], settings: Settings, *,
                         first_index: int) -> tuple[list[Reference], dict[str, list[tuple[int, int]]]]:
    """The references printed in footnotes, several per note, Ibid.-style back-references resolved.

    Sets each footnote's ``reference_ids`` (its own references, or the earlier reference a
    back-reference points to). See :mod:`pipeline.references.footnotes`. Also returns, per footnote
    id, the (start, end) of its parts that are no reference (where short citations are looked for).
    """
    passages = {p.id: p for p in doc.passages}
    list_keys = [title_key(r.text) for r in ref_list]
    families = {r.id: _first_family(r) for r in ref_list}
    out: list[Reference] = []
    last_cited: list[str] = []
    text_parts: dict[str, list[tuple[int, int]]] = {}
    notes = []
    for fn in doc.footnotes:
        fn.reference_ids = []
        if fn.duplicate_of is not None:
            continue
        parts = footnote_parts(passages[fn.passage_id].text)
        notes.append((fn, parts, [_list_match(title_key(part.text), list_keys) for part in parts]))
    # a paper whose notes cite beyond its list cites in its notes: their short forms are references too
    has_list = bool(ref_list) and not notes_cite_beyond_list([parts for _, parts, _ in notes],
                                                             [[sc for sc, _ in best] for *_, best in notes])

    def note_reference(fn, part) -> Reference:
        """A new footnote reference of ``part``, numbered after those before it, parsed by the CRF."""
        r = Reference(id=f"r{first_index + len(out):03d}", passage_id=fn.passage_id, origin="footnote",
                      footnote_id=fn.id, text=part.text, **parse_reference(part.text).model_dump())
        out.append(r)
        return r

    for fn, parts, best in notes:
        classify_parts(parts, has_list=has_list, list_scores=[sc for sc, _ in best],
                       min_probability=settings.footnote_reference_min_probability)
        cited: list[str] = []
        for part, (score, idx) in zip(parts, best):
            if part.kind == "text" and idx is not None and score >= LIST_REPEAT_SCORE:
                cited.append(ref_list[idx].id)  # the note repeats a listed work: it cites that entry
                continue
            if part.kind == "reference":
                r = note_reference(fn, part)
                if ref_list and not has_list:  # a short form counted as a reference still names its listed work
                    r.same_as = _short_form_target(part.text, ref_list, families)
                cited.append(r.id)
            elif part.kind == "backref":
                target = _backref_target(part, last_cited, out, ref_list)
                if part.backref_name and not has_list:
                    # where the notes cite, "Klaus Dörre, a. a. O., S. 897" is a short form like "Dörre 2010: 897": a
                    # reference string of its own (as EXCITE's annotators counted it), naming the work it points to
                    r = note_reference(fn, part)
                    r.same_as = target
                    cited.append(target or r.id)
                elif target is not None:
                    cited.append(target)
            else:
                text_parts.setdefault(fn.id, []).append((part.start, part.end))
        fn.reference_ids = list(dict.fromkeys(cited))
        if cited:
            last_cited = fn.reference_ids
    return out, text_parts


def _short_form_target(text: str, ref_list: list[Reference], families: dict[str, set[str]]) -> str | None:
    """The listed reference a note's short form ("Kment 2006: 1336 ff.") cites, when it is one and resolves."""
    for *_, names, years in find_short_cites(text):
        status, ref = resolve_author_year(names, years[0] if years else None, ref_list, families)
        if status == "resolved" and ref is not None:
            return ref.id
    return None


def _backref_target(part, last_cited: list[str], fn_refs: list[Reference],
                    ref_list: list[Reference] = ()) -> str | None:
    """Ibid./ebd.: the previous citing footnote's first reference; "Name, a.a.O." / "Name, op. cit.": that
    author's latest footnote reference, else that author's listed reference."""
    if part.backref_name:
        name = fold(part.backref_name.split()[-1])
        for r in [*reversed([r for r in fn_refs if not r.same_as]), *ref_list]:  # (a short form names no new work)
            if name in _first_family(r):
                return r.id
        return None
    return last_cited[0] if last_cited else None


def _list_score(key: str, list_keys: list[str]) -> float:
    """How closely a footnote part repeats a listed reference (0-1): the best partial match of its opening."""
    return _list_match(key, list_keys)[0]


def _list_match(key: str, list_keys: list[str]) -> tuple[float, int | None]:
    """(score, index) of the listed reference a footnote part repeats most closely (see :func:`_list_score`)."""
    if not key or not list_keys:
        return 0.0, None
    head = key[:60]
    scores = [fuzz.partial_ratio(head, k) for k in list_keys]
    i = max(range(len(scores)), key=scores.__getitem__)
    return scores[i] / 100, i


def resolve_author_year(names: list[str], year: int | None, ref_list: list[Reference],
                        families: dict[str, set[str]]) -> tuple[str, Reference | None]:
    """(status, reference) of an author-year citation: surname and year, then surname alone."""
    cands = [r for r in ref_list if families[r.id] & set(names)]
    exact = [r for r in cands if year is not None and (r.year == year or str(year) in r.text[:80])]
    if len(exact) == 1 or (len(exact) > 1 and len({r.id for r in exact}) == 1):
        return "resolved", exact[0]
    if len(exact) > 1:
        narrowed = [r for r in exact if r.year == year]
        return ("resolved", narrowed[0]) if len(narrowed) == 1 else ("ambiguous", None)
    if len(cands) == 1:
        return "resolved", cands[0]
    if len(cands) > 1:
        return "ambiguous", None
    return "unresolved", None


def _add_numbered(citations: list[Citation], audit: list[AuditFinding], p, start: int, end: int, marker: str,
                  num: int, numbered: dict[int, Reference]) -> None:
    ref = numbered.get(num)
    cit = Citation(id=f"c{len(citations) + 1:03d}", kind="numbered", text=marker, passage_id=p.id, start=start,
                   end=end, reference_id=ref.id if ref else None, status="resolved" if ref else "unresolved")
    citations.append(cit)
    if ref is not None:
        ref.cited_by.append(cit.id)
    else:
        audit.append(finding("unmatched_citation", p, marker, f"no entry {num} in the numbered reference list",
                              citation_id=cit.id))


def _match_reference(fr: Reference, ref_list: list[Reference]) -> Reference | None:
    title = title_key(fr.title)
    best, score = None, 0.0
    for r in ref_list:
        s = max(fuzz.token_set_ratio(title, title_key(r.title)) if title else 0,
                fuzz.partial_ratio(title_key(r.text)[:90], title_key(fr.text)) * 0.95)
        if s > score:
            best, score = r, s
    return best if score >= SAME_REFERENCE_SCORE else None


def build_sources(doc: Document, references: list[Reference], citations: list[Citation]) -> list[CitedSource]:
    """One entry per distinct cited URL or DOI (see :func:`pipeline.text.identifiers.repair_url`).

    A URL of the journal's own home page (a host named in the front matter, with no path)
    is the publisher's banner, not a cited source.
    """
    journal_hosts = {url_host(u) for p in doc.passages if p.kind == "front_matter" for u in URL_RE.findall(p.text)}
    citing: dict[str, set[str]] = {}
    for c in citations:
        if c.reference_id:
            citing.setdefault(c.reference_id, set()).add(c.passage_id)
    by_key: dict[str, CitedSource] = {}
    for r in references:
        keys = []
        for u in repaired_urls(r.text):
            if url_host(u) in journal_hosts and _url_path(u) in ("", "/"):
                continue
            if "doi.org/" in u:
                keys.append(("doi", u.split("doi.org/", 1)[1]))
            else:
                keys.append(("url", u))
        keys.extend(("doi", d) for d in find_dois(r.text))
        for kind, value in keys:
            key = f"{kind}:{value.lower()}"
            entry = by_key.get(key)
            if entry is None:
                entry = by_key[key] = CitedSource(
                    id=f"src{len(by_key) + 1:03d}",
                    url=value if kind == "url" else f"https://doi.org/{value}",
                    doi=value if kind == "doi" else None,
                )
            if r.id not in entry.reference_ids:
                entry.reference_ids.append(r.id)
            ids = set(entry.citing_passage_ids) | citing.get(r.id, set())
            if r.same_as:
                ids |= citing.get(r.same_as, set())
            entry.citing_passage_ids = sorted(ids)
    return list(by_key.values())


def _url_path(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url).path
    except ValueError:
        return ""
