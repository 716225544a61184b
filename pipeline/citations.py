"""Citations stage: parse references, find in-text citations, link them, register sources, audit.

Adds ``references``, ``citations``, ``sources`` and ``audit`` to a document.

* References: every reference-list passage, and every footnote that cites
  something (a URL, a quoted title or a year), parsed by the CRF
  (:mod:`pipeline.references.parser`).
* Author-year citations: parenthetical, several per bracket separated by
  ``;``, with first names, "et al" with or without a dot, "and"/"&"; and
  narrative "Slaughter (2004)". Resolution matches the cited surname against
  each reference's first-author surname (diacritics folded) and the year; a
  surname match with another year is resolved but reported as a year mismatch.
* Footnote markers become citations of kind ``footnote``.
* Sources: one entry per distinct URL or DOI cited, with URLs repaired the way
  a careful reader would (escapes, trailing punctuation, Wikipedia titles
  broken by spaces, fragments).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.audit import audit_footnotes, audit_references, finding, quote_at
from pipeline.model import Audit, AuditFinding, Citation, CitedSource, Document, Reference
from pipeline.references.parser import MODEL_FILE, parse_reference
from pipeline.registry import DataFile, stage
from pipeline.settings import Settings
from pipeline.tables import AUDIT_TABLE, CITATIONS_TABLE, REFERENCES_TABLE, SOURCES_TABLE
from pipeline.text.identifiers import CITATION_YEAR, URL_RE, find_dois, repaired_urls, url_host
from pipeline.text.normalise import fold, title_key

_YEAR = CITATION_YEAR
_PAREN_RE = re.compile(r"\(([^()]{2,300}?\b" + _YEAR + r"\b[^()]{0,120})\)")
_PART_RE = re.compile(
    r"^(?:see\s+|cf\.\s+|e\.g\.,?\s+)?(?P<names>[A-ZÀ-ÖØ-ÞŁŚŻ][^\d;()]{1,120}?)[,\s]+(?P<years>" + _YEAR + r"(?:\s*,\s*" + _YEAR + r")*)"
    r"(?:\s*,\s*(?:p|pp)\.?\s*[\d\-–]+)?\s*$"
)
_NARRATIVE_RE = re.compile(
    r"\b(?P<names>[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s+(?:et\s+al\.?|and|&)\s*(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+)?)?)(?:'s)?\s+\((?P<years>" + _YEAR + r"(?:\s*,\s*" + _YEAR + r")*)\)"
)
_NAME_STOP = {"et", "al", "al.", "and", "&", "see", "cf", "the", "of", "in", "de", "van", "von"}
_CITES_SOMETHING = re.compile(r"https?://|[\"“”]|\b(1[6-9]|20)\d\d\b")
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
    adds=("references", "citations", "sources", "audit"),
    resources=(DataFile("reference-crf", MODEL_FILE),),
    code=("pipeline.references.parser", "pipeline.audit", "pipeline.text"),
    tables=(REFERENCES_TABLE, CITATIONS_TABLE, SOURCES_TABLE, AUDIT_TABLE),
)
def annotate_citations(doc: Document, settings: Settings) -> Document:
    """The stage function: fills references, citations, sources and audit."""
    passages = {p.id: p for p in doc.passages}
    notes_by_pid = {fn.passage_id: fn for fn in doc.footnotes}

    # ---- references
    references: list[Reference] = []
    for p in doc.passages:
        if p.kind == "reference":
            origin = "reference_list"
        elif p.kind == "footnote" and _CITES_SOMETHING.search(p.text):
            fn = notes_by_pid.get(p.id)
            if fn is not None and fn.duplicate_of is not None:
                continue
            origin = "footnote"
        else:
            continue
        text = p.text
        if origin == "reference_list":
            text = _CATALOGUE_LINKS.sub("", text).strip()
        references.append(Reference(
            id=f"r{len(references) + 1:03d}", passage_id=p.id, origin=origin,
            footnote_id=notes_by_pid[p.id].id if origin == "footnote" else None,
            text=text, **parse_reference(text).model_dump(),
        ))
    ref_list = [r for r in references if r.origin == "reference_list"]
    families = {r.id: _first_family(r) for r in ref_list}

    # ---- citations
    citations: list[Citation] = []
    audit: list[AuditFinding] = []
    for p in doc.passages:
        if p.kind not in ("body", "front_matter"):
            continue
        for s, e, marker, names, years in find_author_year(p.text):
            for year in years or [None]:
                cands = [r for r in ref_list if families[r.id] & set(names)]
                exact = [r for r in cands if year is not None and (r.year == year or str(year) in r.text[:80])]
                status, ref = "unresolved", None
                if len(exact) == 1 or (len(exact) > 1 and len({r.id for r in exact}) == 1):
                    status, ref = "resolved", exact[0]
                elif len(exact) > 1:
                    narrowed = [r for r in exact if r.year == year]
                    status, ref = ("resolved", narrowed[0]) if len(narrowed) == 1 else ("ambiguous", None)
                elif len(cands) == 1:
                    status, ref = "resolved", cands[0]
                elif len(cands) > 1:
                    status = "ambiguous"
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

    fn_refs = {r.footnote_id: r for r in references if r.origin == "footnote"}
    for m in doc.footnote_markers:
        ref = fn_refs.get(m.footnote_id) if m.footnote_id else None
        cit = Citation(
            id=f"c{len(citations) + 1:03d}", kind="footnote", text=str(m.number), passage_id=m.passage_id,
            start=m.offset, end=m.offset, footnote_id=m.footnote_id,
            reference_id=ref.id if ref else None,
            status="resolved" if m.footnote_id else "unresolved",
        )
        citations.append(cit)
        if ref is not None:
            ref.cited_by.append(cit.id)
        if m.footnote_id is None:
            audit.append(finding("unlinked_marker", passages[m.passage_id], quote_at(doc, m.offset),
                                  f"footnote marker {m.number} has no footnote", citation_id=cit.id))

    # a footnote that cites a listed reference counts as citing it
    for fr in (r for r in references if r.origin == "footnote"):
        best = _match_reference(fr, ref_list)
        if best is not None:
            fr.same_as = best.id
            best.cited_by.extend(fr.cited_by or [f"footnote:{fr.footnote_id}"])

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
