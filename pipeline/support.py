"""Claim support: does the cited source say what the citing sentence says?

For every citation (author-year, footnote, numbered) the stage writes ``citations[].support``:
``supported``, ``partial``, ``not_found`` or ``unverifiable``, with a score, a reason, the
checks made and the best passages of the cited source. Studies of quotation and citation
accuracy find that a sizeable share of citations in published papers misquote or do not
support the sentence that cites them (Evans, Nadjari and Burchell, "Quotational and reference
accuracy in surgical journals", JAMA 1990; Mogull, "Accuracy of cited 'facts' in
medical research articles", PLOS ONE 2017; in political science, Greenberg's "How citation
distortions create unfounded authority", BMJ 2009, traces claims through citation chains):
a reference manager checks that a reference exists, not that it says what is claimed.

The design is the retrieve-then-verify pipeline of fact verification (FEVER: Thorne et al.,
"FEVER: a large-scale dataset for Fact Extraction and VERification", NAACL 2018; SciFact:
Wadden et al., "Fact or Fiction: Verifying Scientific Claims", EMNLP 2020), scaled down to
what runs offline on a laptop:

1. **Claim** (:func:`extract_claims`): the citing sentence, or the clause the marker attaches
   to when a sentence cites several works, with every citation marker removed; a footnote that
   holds commentary besides its reference adds that commentary.
2. **Retrieval** (:class:`SourceIndex`): the sentences of each linked source (body, front
   matter, notes; never its reference list) ranked by BM25 (Robertson and Zaragoza, "The
   probabilistic relevance framework: BM25 and beyond", 2009); the best
   ``support_candidates`` are encoded with the MiniLM sentence encoder the theory stage
   already loads (once per process) and scored, alone and as pairs of adjacent sentences, by
   ``w * cosine + (1 - w) * coverage``, where coverage is the idf-weighted share of the claim's
   words found in the passage: the lexical second opinion that a paraphrase detector lacks
   (a sentence about the same topic is close in embedding space even when it does not state
   the claim's figures).
3. **Checks** (:func:`compare`): what the claim asserts that can be compared exactly:
   amounts (the events stage's quantity parser, plus currencies and spelled numbers;
   normalised values, a relative tolerance, units converted: bcm and cubic metres, miles and
   kilometres, GW and MW, "USD 400 million" and "$400 million"; a number in a name, "Bushehr 2
   and 3", is none), years, decades ("the 1980s") and seasons ("2022/23") kept apart, months,
   canonical actors (the gazetteer's codes, as the entities stage uses them), and negation read
   on the claim's own words ("signed" against "did not sign"; a "not" about something else
   denies nothing). A value of the claim is *confirmed* when the evidence, its paragraph or the
   paragraphs next to it state it, *contradicted* when they do not and the evidence states
   another value of the same kind, *not stated* otherwise, also when the source gives the value
   only elsewhere ("2022" in another section dates something else: the check says where). The
   year of a cited work ("SKÖLDBERG's (2000, p.5)") counts only for a claim naming its author;
   an event dated without a year ("on Tuesday", "on 23 June") takes the source's publication
   year or the year its text last named, as a reader takes it.
4. **Verdict** (:func:`decide`): thresholds are settings, chosen on the development split of
   ``eval/data/claims`` (see EVALUATION.md): ``unverifiable`` without source text (not
   fetched, failed, paywalled, no article text such as a JavaScript shell, another language), ``not_found`` when no passage is
   close, or only related ones, ``partial`` when a close passage contradicts a number, year,
   actor or negation of the claim (or does not state one of them), ``supported`` when the best
   passage scores ``support_min_score``, or ``support_anchored_score`` when the claim names a
   number, year or month and the close passages confirm every value it names (a paraphrase of a
   claim of several facts scores lower than a one-fact claim, but its figures pin it down).
   The values are read in the close passages together (a claim's facts are often spread over
   neighbouring paragraphs), with the state behind an organisation or person ("Gazprom" says
   "Russian"), and a capital after "in"/"at" is a place, not a rival government.

Where it runs. The stage is registered like any other, so the document run executes it
too, but that run has no fetched sources: every citation is ``unverifiable`` ("not fetched
yet"). The fetch-sources flow runs it again on each article after its sources are processed,
inside :func:`source_library`, which tells the stage where the sources' documents are
(:func:`check_article`). Each verdict carries a key: the stage's version and settings, the
claim and, for every linked source, its fetch status and ``doc_id``, the digest of its
content. A re-run keeps every verdict whose key is unchanged, so a re-fetched source whose
content changed re-checks only the citations that point to it. The document's own stage key
(``provenance.stage_keys``) does not depend on the sources, so an unchanged article is still
skipped by ``irpipe run``.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import math
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

import numpy as np

from pipeline.gazetteer import RESOURCE as GAZETTEER_FILE
from pipeline.gazetteer import load_gazetteer
from pipeline.model import (
    AuditFinding, Citation, CitationSupport, CitedSource, Document, SupportCheck, SupportEvidence,
)
from pipeline.registry import REGISTRY, DataFile, ModelPackage, stage
from pipeline.settings import Settings
from pipeline.text.normalise import name_key, title_key

STAGE = "support"
SETTINGS = ("embedding_model", "embedding_batch_size", "support_min_score", "support_anchored_score", "support_related_score",
            "support_partial_score", "support_dense_weight", "support_number_tolerance", "support_candidates")
# Fetch statuses whose source text can be read.
READABLE = ("fetched", "not_modified", "cached", "manual")
# Evidence passages kept per citation, best first.
EVIDENCE_KEPT = 3
# A source sentence shorter than this many words is not evidence (a heading, a page number, a byline).
MIN_UNIT_WORDS = 4
# A source with fewer words of article text than this has nothing a claim could cite (the shortest news item
# of the development set has about 120 words; a JavaScript shell or a page of links has almost none).
MIN_SOURCE_WORDS = 25
# A clause before a marker with fewer content words than this does not carry the claim
# ("According to Brown (2019), ..."): the text after the marker does.
MIN_CLAIM_WORDS = 3
# Neighbours of the best BM25 sentences are encoded too, so adjacent pairs can be scored.
NEIGHBOURED = 4
# BM25 parameters (Robertson and Zaragoza 2009, the usual values).
BM25_K1, BM25_B = 1.2, 0.75
# An evidence passage scoring this much is about the claim, so its numbers, dates and actors count in the
# checks (a constant, not a setting, so that the checks do not depend on the verdict's thresholds and the
# eval's threshold sweep replays the verdicts exactly). Below it, the lowest related_score of the sweep.
CLOSE_EVIDENCE = 0.4
# Checks that pin a claim to its source: when every one of these is confirmed by a close passage, the claim
# needs a lower score (support_anchored_score) than one with nothing to compare (support_min_score).
ANCHORS = ("number", "year", "month")
# How a check says that the source gives a value only far from the evidence (so it is not stated there).
ELSEWHERE = "(elsewhere in the source, not near the evidence)"
# Evidence passages this many passages (paragraphs, headings) or fewer from the best one are its immediate
# context, whose values count in the checks: the next paragraph, also across a heading between them.
NEAR_PASSAGES = 2
# HTTP answers that mean the page exists but is closed to us.
PAYWALL_HTTP = (401, 402, 403, 451)

# How often the stage compared a claim with source text ("checked"), kept an unchanged verdict
# ("reused") or had no text to read ("unverifiable") in this process (tests and benchmarks read it).
COUNTS: Counter[str] = Counter()


# ---------------------------------------------------------------- where the sources are

SourceLoader = Callable[[str], "Document | None"]
_LIBRARY: contextvars.ContextVar[SourceLoader | None] = contextvars.ContextVar("irpipe_support_library", default=None)


@contextlib.contextmanager
def source_library(loader: SourceLoader | None) -> Iterator[None]:
    """Run the support stage with ``loader(doc_id) -> Document | None`` giving the processed sources."""
    token = _LIBRARY.set(loader)
    try:
        yield
    finally:
        _LIBRARY.reset(token)


def folder_library(output_dir) -> SourceLoader:
    """The processed sources of an output folder (``<output_dir>/<doc_id>/document.json``), each read once."""
    from pipeline import storage
    from pipeline.export import document_path, load_document

    cache: dict[str, Document | None] = {}

    def load(doc_id: str) -> Document | None:
        if doc_id not in cache:
            path = document_path(output_dir, doc_id)
            try:
                cache[doc_id] = load_document(path) if storage.exists(path) else None
            except (OSError, ValueError):
                cache[doc_id] = None
        return cache[doc_id]

    return load


def check_article(article: Document, output_dir, settings: Settings) -> Document:
    """The support stage on ``article`` with the sources processed in ``output_dir`` (the fetch-sources
    flow calls this after processing the article's sources). Never raises for what the stage does."""
    from pipeline import registry
    from pipeline.process import run_stage

    spec = registry.load(settings.stage_modules).stages[STAGE]
    with source_library(folder_library(output_dir)):
        return run_stage(article, spec, settings)


# ---------------------------------------------------------------- words

_STOP = frozenset("""a an the and or but of in on at to for from by with as is are was were be been being this that
these those it its their his her they them he she we our you your i so than then there here which who whom whose
what when where why how also has have had do does did will would shall should can could may might must into over
under about after before between during through per via up out such other more most some any each all both either own
same very just only said says say according while whereas however although though because since until within without
new one two""".split())
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,]*(?:\.\d+)?")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ies", "ied", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A light suffix-stripping stemmer (two rounds, then at most 7 letters): invest, invested,
    investment -> invest; sanctions, sanctioned -> sanct. Crude, but the encoder covers meaning;
    the stems only need to agree between a claim and its source."""
    w = word.lower().replace("’", "'")
    if w[0].isdigit():
        return w.replace(",", "")
    w = w.split("'")[0]
    for _ in range(2):
        for suf in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w[:7]


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words (stop words dropped), in order."""
    out = []
    for m in _WORD_RE.finditer(text):
        w = m.group(0)
        if w.lower() in _STOP or (len(w) < 2 and not w.isdigit()):
            continue
        out.append(stem(w))
    return out


# ---------------------------------------------------------------- claims


@dataclass
class Claim:
    citation_id: str
    text: str
    passage_id: str
    clause: str = ""  # the citing clause alone, without a footnote's commentary


_CITATION_GLUE = re.compile(r"^[\s;,()\[\]]*(?:(?:and|see|also|cf\.?|e\.g\.,?)\s*)*[\s;,()\[\]]*$", re.I)
_EMPTY_BRACKETS = re.compile(r"\(\s*(?:(?:see|cf\.?|e\.g\.,?|also|and)\s*)*[;,\s]*\)|\[\s*[;,\s]*\]", re.I)
# A note number glued to punctuation ("signed.12 The"), but not the digits after a thousands separator or a
# decimal point ("6,000 drones", "1.5 billion").
_GLUED_NOTE_NUMBER = re.compile(r"(?<=[.,;:!?\"”)])(?<!\d[.,])\d{1,3}(?=\s|$)")
_BIBLIO_START = re.compile(r"^\s*(?:see|cf\.?|source[s]?:|available|accessed|retrieved|quoted|cited|for\b|on\b.*\bsee\b)", re.I)
_QUOTED_TITLE = re.compile(r"[\"“][^\"”]{3,}[\"”]")
_URLISH = re.compile(r"https?://|www\.|\bdoi\b|doi\.org", re.I)


def _words(text: str) -> int:
    return len(content_stems(text))


def _strip_spans(text: str, base: int, spans: list[tuple[int, int]]) -> str:
    """``text`` (starting at offset ``base`` of the document) without the given document spans."""
    out, pos = [], 0
    for s, e in sorted(spans):
        s, e = max(s - base, 0), min(e - base, len(text))
        if s < pos or s >= len(text) or e <= 0:
            continue
        out.append(text[pos:s])
        pos = max(pos, e)
    out.append(text[pos:])
    return "".join(out)


def clean_claim(text: str) -> str:
    text = _EMPTY_BRACKETS.sub("", text)
    text = _GLUED_NOTE_NUMBER.sub("", text)
    text = re.sub(r"\b(?:according to|in the words of|as (?:noted|argued|shown) by)\s*(?=[,.;:]|$)[,;:]?", "", text, flags=re.I)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    text = re.sub(r"^[,;:)\]\s]+|[,;:(\[\s]+$", "", text).strip()
    text = re.sub(r"^(?:and|but|while|whereas)\s+", "", text, flags=re.I)
    return text


def footnote_commentary(text: str) -> str:
    """The sentences of a footnote that comment rather than cite: no URL, no quoted title, not opening
    with "See"/"Source:", mostly lower-case words (a reference is mostly names and title words)."""
    keep = []
    for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text):
        words = sent.split()
        if len(words) < 6 or _URLISH.search(sent) or _QUOTED_TITLE.search(sent) or _BIBLIO_START.match(sent):
            continue
        lower = sum(1 for w in words if w[:1].islower())
        if lower / len(words) < 0.5:
            continue
        keep.append(sent.strip())
    return " ".join(keep)


def _sentence_of(passage, offset: int) -> tuple[int, int]:
    """The sentence (document offsets) a citation at ``offset`` belongs to: the one holding it, or the
    last one before it (a footnote marker sits after the sentence's full stop)."""
    best = None
    for s in passage.sentences:
        if s.start <= offset <= s.end:
            return s.start, s.end
        if s.end <= offset:
            best = (s.start, s.end)
    return best or (passage.start, passage.end)


def extract_claims(doc: Document) -> dict[str, Claim]:
    """citation id -> the claim it supports (see the module docstring)."""
    passages = {p.id: p for p in doc.passages}
    notes = {fn.id: fn for fn in doc.footnotes}
    spans = [(c.start, c.end) for c in doc.citations if c.end > c.start]
    by_sentence: dict[tuple[str, int, int], list[Citation]] = {}
    for c in doc.citations:
        p = passages.get(c.passage_id)
        if p is None:
            continue
        by_sentence.setdefault((p.id, *_sentence_of(p, c.start)), []).append(c)
    out: dict[str, Claim] = {}
    for (pid, s_start, s_end), cits in by_sentence.items():
        cits.sort(key=lambda c: (c.start, c.end))
        groups: list[list[Citation]] = []
        for c in cits:  # markers side by side ("(A 2004; B 2005)", "1, 2") cite one clause together
            if groups and _CITATION_GLUE.match(doc.text[max(groups[-1][-1].end, s_start):c.start] or ""):
                groups[-1].append(c)
            else:
                groups.append([c])
        for i, group in enumerate(groups):
            g_start = min(c.start for c in group)
            g_end = max(c.end for c in group)
            prev_end = max(c.end for c in groups[i - 1]) if i else s_start
            next_start = min(c.start for c in groups[i + 1]) if i + 1 < len(groups) else s_end
            before = (prev_end, g_start)
            after = (g_end, next_start)
            if _words(_strip_spans(doc.text[before[0]:before[1]], before[0], spans)) < MIN_CLAIM_WORDS:
                rng = (s_start if i == 0 else prev_end, next_start)  # "According to Brown (2019), X": X
            elif i + 1 == len(groups) and _words(doc.text[after[0]:after[1]]) <= 3:
                rng = (prev_end, s_end)  # "... signed (A 2020) in 2019." keeps its tail
            else:
                rng = before
            text = clean_claim(_strip_spans(doc.text[rng[0]:rng[1]], rng[0], spans))
            for c in group:
                claim = text
                fn = notes.get(c.footnote_id) if c.kind == "footnote" and c.footnote_id else None
                if fn is not None and fn.passage_id in passages:
                    extra = footnote_commentary(passages[fn.passage_id].text)
                    if extra:
                        claim = f"{claim} {extra}".strip()
                out[c.id] = Claim(c.id, claim, pid, clause=text)
    return out


# ---------------------------------------------------------------- the sources a citation points to


def linked_sources(doc: Document, citation: Citation) -> list[CitedSource]:
    """The cited sources behind a citation: those listing its reference, the reference a footnote
    reference repeats (``same_as``), and the footnote's own reference."""
    refs = {r.id: r for r in doc.references}
    ids: set[str] = set()
    if citation.reference_id:
        ids.add(citation.reference_id)
    if citation.footnote_id:
        ids.update(r.id for r in doc.references if r.footnote_id == citation.footnote_id)
    for rid in list(ids):
        r = refs.get(rid)
        if r is not None and r.same_as:
            ids.add(r.same_as)
    return [s for s in doc.sources if ids & set(s.reference_ids)]


def _source_state(src: CitedSource) -> str:
    return f"{src.url}|{src.status}|{src.doc_id or src.reason or ''}"


def support_key(version: str, settings: Settings, claim: str, sources: list[CitedSource], library: bool) -> str:
    """A verdict's cache key: the stage's version and settings, the claim, each linked source's fetch
    status and content id (``doc_id``), and whether the sources could be read at all."""
    blob = json.dumps([version, settings.fingerprint(*SETTINGS), claim, sorted(_source_state(s) for s in sources),
                       library])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


# What a page says when its article is not in it: a JavaScript application shell, a browser check, a
# login or subscription wall served with HTTP 200. Such sentences are not the source's text.
_SHELL_RE = re.compile(
    r"\benable (?:javascript|cookies)\b|\bjavascript (?:is |must be )?(?:disabled|required|enabled|turned off)\b"
    r"|\byour browser (?:does not|doesn't|is not|isn't)\b|\bplease (?:turn on|enable|upgrade|update your browser)\b"
    r"|\bchecking (?:if the site connection is secure|your browser)\b|\bverify (?:that )?you are (?:a )?human\b"
    r"|\baccess (?:to this page )?(?:has been )?denied\b|\b(?:subscribe|sign in|log in) to (?:continue|read)\b",
    re.I)


def article_words(doc: Document) -> int:
    """Words of a processed source that can state a claim: its body, front matter and notes, without the
    title (which names the topic, it states nothing) and without the sentences of a page shell ("You need
    to enable JavaScript to run this app")."""
    title = title_key(doc.metadata.title)
    n = 0
    for p in doc.passages:
        if p.kind not in ("body", "front_matter", "footnote") or (title and title_key(p.text) == title):
            continue
        spans = [(x.start, x.end) for x in p.sentences or []] or [(p.start, p.end)]
        n += sum(len(doc.text[a:b].split()) for a, b in spans if not _SHELL_RE.search(doc.text[a:b]))
    return n


def unavailable_reason(src: CitedSource, loaded: Document | None) -> str | None:
    """Why a source's text cannot be read (None when it can)."""
    if src.status == "not_fetched":
        return "the source has not been fetched yet (irpipe fetch-sources)"
    if src.status not in READABLE:
        if src.http_status in PAYWALL_HTTP:
            return f"the source is paywalled or forbidden (HTTP {src.http_status})"
        if src.reason == "unprocessable":  # fetched, but its file could not be read (a script-built page, E018 ...)
            return "the source was fetched but could not be read" + (f": {src.detail}" if src.detail else "")
        what = src.reason or "failed"
        if src.reason == "http_status" and src.http_status:
            what = f"HTTP {src.http_status}"
        return f"fetching the source failed ({what})"
    if not src.doc_id or loaded is None:
        return "the source was fetched but its processed document is not available"
    if article_words(loaded) < MIN_SOURCE_WORDS:
        return ("the source has no article text (an empty page, a page built by JavaScript, a scan or a page of "
                "links)")
    lang = loaded.metadata.language
    if lang and lang != "en":
        return f"the source is in '{lang}'; the check reads English"
    return None


# ---------------------------------------------------------------- values a claim asserts


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MONTH_YEAR_RE = re.compile(r"\b(" + "|".join(m.capitalize() for m in _MONTHS) + r")\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?((?:18|19|20)\d\d)\b")
_YEAR_RE = re.compile(r"(?<![\d$€£.,/-])((?:18|19|20)\d\d)(?:s\b)?(?![\d%]|[.,]\d)")
_SEASON_RE = re.compile(r"(?<![\d/])((?:18|19|20)\d\d)(?:/|[-–](?=\d\d(?:\d\d)?\s+(?:season|marketing|crop|fiscal|financial|academic|harvest|school)))((?:18|19|20)?\d\d)(?![\d/])")
# "the 1980s", "the mid-2020s", "early-2000s" (a hyphen before a decade is a modifier, not a range)
_DECADE_RE = re.compile(r"(?<![\d$€£.,/])((?:18|19|20)\d0)s\b")
_CURRENCY_WORDS = {"dollar": "USD", "usd": "USD", "euro": "EUR", "eur": "EUR", "€": "EUR", "pound": "GBP",
                   "£": "GBP", "ruble": "RUB", "rouble": "RUB", "rial": "IRR", "yuan": "CNY", "renminbi": "CNY",
                   "rupee": "INR", "percent": "percent", "per cent": "percent", "%": "percent"}
_MULT = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12}
_SPELLED = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_SPELLED.update({"thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                 "hundred": 100, "dozen": 12, "half": 0.5})
_NUMBER_RE = re.compile(
    r"(?<![\w\-.])(?P<cur>[$€£])?\s?(?P<num>\d[\d,]*(?:\.\d+)?|(?:" + "|".join(sorted(_SPELLED, key=len, reverse=True)) +
    r")\b)(?![\w\-]*\d)(?:\s*(?P<mult>thousand|million|billion|trillion|bn|mn)\b)?(?:-|\s*)(?P<unit>%|per ?cent\b|[A-Za-z][\w\-]*)?",
    re.I)
_NOT_UNITS = _STOP | {"and", "or", "to", "per", "of", "in", "on"}
_NEGATION_RE = re.compile(r"\b(?:not|never|no longer|neither|nor)\b|n['’]t\b|\b(?:refused|declined|failed) to\b", re.I)


def _event_quantities(text: str) -> list[dict]:
    """The events stage's quantity parser (money in USD, volumes, percentages, counts). The one place
    that knows where it lives: ``pipeline/events.py`` now, ``pipeline/events/quantities.py`` after
    the events package is split."""
    try:
        from pipeline.events.quantities import extract_quantities
    except ImportError:
        from pipeline.events import extract_quantities
    return extract_quantities(text)


@dataclass(frozen=True)
class Amount:
    value: float
    unit: str | None  # a currency code, "percent", a counted noun's stem, or None
    raw: str
    spelled: bool = False  # "three agreements": checked against rivals only, never reported as unstated


def _unit_key(word: str | None) -> str | None:
    if not word:
        return None
    w = word.lower().strip()
    for k, v in _CURRENCY_WORDS.items():
        if w == k or w.startswith(k) and len(k) > 2:
            return v
    if w in _NOT_UNITS or (w.isalpha() and w.lower() in _MONTHS):
        return None
    return stem(w.split()[-1]) if w.split() else None


_VOLUME_WORDS = ("cubic", "barrels", "tonnes", "tons", "bcm", "megawatts", "mw")


def _event_unit(unit: str | None) -> str | None:
    """The events parser's unit as a comparable key: USD, percent, a volume's measure, a count's noun."""
    if not unit or unit in ("USD", "percent"):
        return unit or None
    words = unit.split()
    return stem(words[0]) if words[0].lower() in _VOLUME_WORDS else _unit_key(words[-1])


_NAME_BEFORE = re.compile(r"(?:^|(?<=[^.!?:;]\s))([A-Z][A-Za-z\-]+)\s+(?:\d{1,3}\s*(?:and|&|,|or)\s*)?$")


def _names_number(text: str, pos: int) -> bool:
    """Whether the integer at ``pos`` is part of a name: it follows a capitalised word inside the sentence
    ("Bushehr 2 and 3", "Unit 4", "Resolution 2231"), but not a sentence's first word ("In 12 cases"). Only
    plain integers get here: "lend Tehran 3.5 billion euros" and "$10 billion" are amounts."""
    m = _NAME_BEFORE.search(text[max(0, pos - 60):pos])
    if m is None:
        return False
    word = m.group(1)
    start = max(0, pos - 60) + m.start(1)
    sentence_start = not text[:start].strip() or text[:start].rstrip()[-1] in ".!?:;\"“("
    return not sentence_start and word.lower() not in _STOP


# Units written several ways, and units that convert, as (canonical unit, factor): "162 km" is "162
# kilometres" and "100 miles" is 160.9 of them; "5 bcm" is "5 billion cubic metres"; "1 GW" is "1,000 MW".
_UNIT_SCALE = {"km": ("kilomet", 1.0), "mile": ("kilomet", 1.609344), "mw": ("megawat", 1.0), "gw": ("megawat", 1e3),
               "gigawat": ("megawat", 1e3), "kw": ("megawat", 1e-3), "kilowat": ("megawat", 1e-3),
               "bcm": ("cubic", 1e9), "tcm": ("cubic", 1e12), "tons": ("tonn", 1.0), "ton": ("tonn", 1.0),
               "metr": ("metr", 1.0)}
# An ISO currency code written before the figure ("USD 1.5 billion", "EUR 3 billion").
_CODE_BEFORE = re.compile(r"\b(USD|US\$|EUR|GBP|RUB|IRR|CNY|INR)\s*$")
_CODES = {"US$": "USD"}


def _canonical(value: float, unit: str | None) -> tuple[float, str | None]:
    if unit in _UNIT_SCALE:
        unit, factor = _UNIT_SCALE[unit]
        return value * factor, unit
    return value, unit


def amounts(text: str) -> list[Amount]:
    """Amounts in a text, with their units made comparable (see ``_UNIT_SCALE``, ``_canonical``)."""
    out = []
    for a in _raw_amounts(text):
        unit = a.unit
        if unit is None:
            pos = text.find(a.raw)
            code = _CODE_BEFORE.search(text[max(0, pos - 6):pos]) if pos >= 0 else None
            if code:
                unit = _CODES.get(code.group(1), code.group(1))
        value, unit = _canonical(a.value, unit)
        out.append(Amount(value, unit, a.raw, a.spelled))
    return out


def _raw_amounts(text: str) -> list[Amount]:
    """Amounts in a text: the events stage's parser first, then currencies, percentages and counts it
    leaves out ("€3 billion", "40 per cent", "three agreements"). Years and dates are not amounts."""
    out: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for q in _event_quantities(text):
        if q.get("value") is None:
            continue
        pos = text.find(q["raw"])
        out.append(Amount(float(q["value"]), _event_unit(q.get("unit")), q["raw"]))
        if pos >= 0:
            taken.append((pos, pos + len(q["raw"])))
    date_spans = ([m.span() for m in _MONTH_YEAR_RE.finditer(text)] + [m.span() for m in _YEAR_RE.finditer(text)]
                  + [m.span() for m in _seasons(text)])
    for m in _NUMBER_RE.finditer(text):
        s, e = m.span("num")
        if any(a <= s < b for a, b in taken + date_spans):
            continue
        num = m.group("num").lower()
        value = float(_SPELLED[num]) if num in _SPELLED else float(num.replace(",", ""))
        if num in _SPELLED and not m.group("unit"):
            continue  # "one of the", "two" alone: not an amount anyone checks
        if num == "one" or num == "half":
            continue
        mult = (m.group("mult") or "").lower()
        if not mult and not m.group("cur") and num.isdigit() and _names_number(text, m.start("num")):
            continue  # "Bushehr 2 and 3 reactors", "Su 35 jets": part of a name, not an amount
        value *= _MULT.get(mult, 1.0)
        unit = _unit_key(m.group("cur") or m.group("unit"))
        # a plain number with no unit and no multiplier ("Article 5", "page 12") says little
        if unit is None and not mult and not m.group("cur"):
            continue
        unit_word = _unit_key(m.group("unit")) is not None
        end = m.end() if unit_word else max(m.end("num"), m.end("mult") if m.group("mult") else 0)
        # "three agreements" is loose talk; "five billion cubic metres" is a figure like "5bn"
        out.append(Amount(value, unit, text[m.start():end].strip(), spelled=num in _SPELLED and not mult))
        taken.append(m.span())
    return out


def _seasons(text: str) -> list[re.Match]:
    """Split years whose second year follows the first: "2022/23", "2023/2024", "2022-23 season"."""
    return [m for m in _SEASON_RE.finditer(text)
            if int(m.group(2)) == (int(m.group(1)) + 1) % (100 if len(m.group(2)) == 2 else 10000)]


def years(text: str) -> set[int]:
    """The exact years a text names ("in 2014"); a decade ("the 2020s") or a season ("2022/23") is not one."""
    split = [m.span() for m in _seasons(text)]
    return {int(m.group(1)) for m in _YEAR_RE.finditer(text)
            if not m.group(0).endswith("s") and not any(a <= m.start() < b for a, b in split)}


_NAME_YEAR_RE = re.compile(r"([A-Z][A-Za-z\u00C0-\u024F\-]+)(?:['’]s)?(?:\s+et al\.?)?(?:,?\s+|\s*\(\s*)((?:18|19|20)\d\d)[a-z]?\b")


def cited_years(text: str) -> dict[int, set[str]]:
    """Years that a text gives only as the dates of cited works ("SKÖLDBERG's (2000, p.5)", "(see LAPID &
    KRATOCHWIL 1996; KATZENSTEIN 1996)"), with the lower-case names citing them. Such a year dates a
    publication, not an event: it confirms or contradicts a claim's year only when the claim names the
    author (a claim about "Lapid and Kratochwil's volume of 1986")."""
    names: dict[int, set[str]] = {}
    cited_spans: list[tuple[int, int]] = []
    for m in _NAME_YEAR_RE.finditer(text):
        name, year = m.group(1), int(m.group(2))
        if name.lower() in _STOP or name.lower() in _MONTHS:
            continue
        before = text[max(0, m.start() - 300):m.start()]
        if "(" not in m.group(0) and before.count("(") <= before.count(")"):
            continue  # "Smith, 2000" outside brackets: not a citation form this reads
        names.setdefault(year, set()).add(name.lower())
        cited_spans.append(m.span(2))
    if not names:
        return {}
    for m in _YEAR_RE.finditer(text):  # a year also used as a date elsewhere in the text is a date
        y = int(m.group(1))
        if y in names and not any(a <= m.start(1) < b for a, b in cited_spans):
            names.pop(y)
    return names


def seasons(text: str) -> set[str]:
    """Split years ("the 2022/23 season", "fiscal 2023/2024"): a marketing, fiscal or academic year, which
    straddles two calendar years, so it neither states nor contradicts either of them. Normalised "2022/23"."""
    return {f"{m.group(1)}/{m.group(2)[-2:]}" for m in _seasons(text)}


def decades(text: str) -> set[int]:
    """The decades a text names, by their first year ("the 1980s" -> 1980, "mid-2020s" -> 2020). Kept apart
    from years: "the mid-2020s" does not state 2020, and a claim's "1960s" is not confirmed by a 1980s."""
    return {int(m.group(1)) for m in _DECADE_RE.finditer(text)}


def months(text: str) -> set[tuple[int, int]]:
    return {(int(m.group(2)), _MONTHS.index(m.group(1).lower()) + 1) for m in _MONTH_YEAR_RE.finditer(text)}


@dataclass(frozen=True)
class ActorMention:
    id: str
    name: str
    type: str
    surface: str
    country: str | None = None  # the state an organisation or a person belongs to (the gazetteer's)
    place: bool = False  # a capital named as a place ("signed in Astana"), not as its government


# A capital after one of these words is where something happened, not who did it ("signed in Astana",
# "arrived in Tehran"); "Moscow condemned" stays an actor.
_LOCATIVE = frozenset({"in", "at", "near", "to", "from", "outside", "via"})


_TOKEN_RE = re.compile(r"[A-Za-z][\w'’&+\-]*(?:\.[A-Za-z]\.?)*")


def actors(text: str) -> dict[str, ActorMention]:
    """Canonical actors named in a text (gazetteer ids: ISO3 for states, ``ORG:GAZPROM``...), by the
    longest alias at each position: "Moscow" and "Russian" are RUS, as in the entities stage."""
    gaz = load_gazetteer()
    toks = list(_TOKEN_RE.finditer(text))
    out: dict[str, ActorMention] = {}
    i = 0
    while i < len(toks):
        hit = None
        for n in (5, 4, 3, 2, 1):
            if i + n > len(toks):
                continue
            surface = text[toks[i].start():toks[i + n - 1].end()]
            if surface.endswith(".") and name_key(surface) not in gaz.surface:
                surface = surface[:-1]
            if n == 1:
                if not surface[:1].isupper() or (len(surface) <= 3 and not surface.replace(".", "").isupper()):
                    continue
            elif not any(t.group(0)[:1].isupper() for t in toks[i:i + n]):
                continue
            key = name_key(surface)
            found = gaz.surface.get(key)
            if found and key not in gaz.not_entities:
                hit = (n, found[0], surface, found[1])
                break
        if hit:
            n, actor_id, surface, how = hit
            a = gaz.actors[actor_id]
            place = how == "metonym" and i > 0 and toks[i - 1].group(0).lower() in _LOCATIVE
            seen = out.get(a.id)
            if seen is None or (seen.place and not place):  # one use as an actor is enough
                out[a.id] = ActorMention(a.id, a.name, a.type, surface, a.country, place)
            i += n
        else:
            i += 1
    return out


@dataclass
class Values:
    amounts: list[Amount]
    years: set[int]
    months: set[tuple[int, int]]
    actors: dict[str, ActorMention]
    negated: bool
    decades: set[int] = field(default_factory=set)
    seasons: set[str] = field(default_factory=set)
    text: str = ""

    @classmethod
    def of(cls, text: str) -> "Values":
        return cls(amounts(text), years(text), months(text), actors(text), bool(_NEGATION_RE.search(text)),
                   decades(text), seasons(text), text)

    @classmethod
    def merged(cls, parts: list["Values"], negated: bool) -> "Values":
        """The values of several passages together (``negated`` given: negation is read on the best one)."""
        found: dict[str, ActorMention] = {}
        for p in parts:
            for k, a in p.actors.items():
                if k not in found or (found[k].place and not a.place):
                    found[k] = a
        return cls([a for p in parts for a in p.amounts], set().union(*(p.years for p in parts)),
                   set().union(*(p.months for p in parts)), found, negated, set().union(*(p.decades for p in parts)),
                   set().union(*(p.seasons for p in parts)), " ".join(p.text for p in parts))


def _agree(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def compare(claim: Values, window: Values, paragraph: Values, source_text: str, source_amounts: Callable[[], list[Amount]],
            settings: Settings, best: Values | None = None, others: tuple[str, ...] = ()) -> list[SupportCheck]:
    """Each value the claim asserts, against the best evidence (``window``: the evidence sentences;
    ``paragraph``: their passages and the paragraphs next to the best one; the whole source only to
    say that a value it gives elsewhere is not stated here). See the module docstring.

    ``best``: the best passage alone when ``window`` joins several. A year the close passages do not
    give is contradicted by another year of the best passage, or by another year of the close
    passages only when the source never states it (the neighbours of a passage often date other
    things: "observer since 2005" beside "joined in July 2023")."""
    best = best or window
    tol = settings.support_number_tolerance
    checks: list[SupportCheck] = []
    for q in claim.amounts:
        near = window.amounts + paragraph.amounts
        match = next((x for x in near if _agree(x.value, q.value, tol) and (x.unit == q.unit or None in (x.unit, q.unit))), None)
        rival = [x for x in window.amounts if q.unit is not None and x.unit == q.unit and not _agree(x.value, q.value, tol)]
        far = None
        if match is None and not rival:
            far = next((x for x in source_amounts() if _agree(x.value, q.value, tol) and
                        (x.unit == q.unit or None in (x.unit, q.unit))), None)
            # as for years: a figure the source never gives is contradicted by one of the same unit in the
            # evidence's paragraph or the next ("cost about 10 billion dollars" against "$25 billion")
            if far is None and q.unit is not None and not q.spelled:
                rival = [x for x in paragraph.amounts if x.unit == q.unit and not _agree(x.value, q.value, tol)]
        if match is not None:
            checks.append(SupportCheck(kind="number", claim=q.raw, evidence=match.raw, result="confirmed"))
        elif rival:
            checks.append(SupportCheck(kind="number", claim=q.raw, evidence=rival[0].raw, result="contradicted"))
        elif not q.spelled:
            # a figure the source gives only far from the evidence is not what the evidence says: not stated
            checks.append(SupportCheck(kind="number", claim=q.raw, evidence=f"{far.raw} {ELSEWHERE}" if far else None,
                                       result="not_stated"))
    # the years of cited works count only for a claim that names their authors
    claim_low = claim.text.lower()

    def own(v: Values) -> set[int]:
        cited = cited_years(v.text) if v.text else {}
        return {y for y in v.years if y not in cited or any(n in claim_low for n in cited[y])}

    window, paragraph, best = (replace(window, years=own(window)), replace(paragraph, years=own(paragraph)),
                               replace(best, years=own(best)))
    source_years: set[int] | None = None
    for y in sorted(claim.years):
        if y in window.years or y in paragraph.years:
            checks.append(SupportCheck(kind="year", claim=str(y), evidence=str(y), result="confirmed"))
            continue
        if source_years is None:
            source_years = years(source_text)
        found = y in source_years
        if best.years or (window.years and not found):
            others = ", ".join(str(x) for x in sorted(best.years or window.years))
            checks.append(SupportCheck(kind="year", claim=str(y), evidence=others, result="contradicted"))
        else:
            # a year stated elsewhere in the source dates something else: the evidence does not state it
            checks.append(SupportCheck(kind="year", claim=str(y), evidence=f"{y} {ELSEWHERE}" if found else None,
                                       result="not_stated"))
    for d in sorted(claim.decades):
        # a year of the decade confirms it only in the best passage: a paragraph's cited works ("Morgenthau
        # 1967") do not date what the claim dates
        if d in window.decades | paragraph.decades or any(d <= y < d + 10 for y in best.years):
            checks.append(SupportCheck(kind="year", claim=f"{d}s", evidence=f"{d}s", result="confirmed"))
        elif best.decades:
            checks.append(SupportCheck(kind="year", claim=f"{d}s", evidence=", ".join(f"{x}s" for x in sorted(best.decades)),
                                       result="contradicted"))
        else:
            checks.append(SupportCheck(kind="year", claim=f"{d}s", result="not_stated"))
    for sn in sorted(claim.seasons):
        if sn in window.seasons | paragraph.seasons:
            checks.append(SupportCheck(kind="year", claim=sn, evidence=sn, result="confirmed"))
        elif best.seasons:
            checks.append(SupportCheck(kind="year", claim=sn, evidence=", ".join(sorted(best.seasons)),
                                       result="contradicted"))
        else:
            checks.append(SupportCheck(kind="year", claim=sn, result="not_stated"))
    for y, m in sorted(claim.months):
        label = f"{_MONTHS[m - 1].capitalize()} {y}"
        same_year = {mm for yy, mm in window.months | paragraph.months if yy == y}
        if m in same_year:
            checks.append(SupportCheck(kind="month", claim=label, evidence=label, result="confirmed"))
        elif same_year and y in window.years:
            other = ", ".join(f"{_MONTHS[mm - 1].capitalize()} {y}" for mm in sorted(same_year))
            checks.append(SupportCheck(kind="month", claim=label, evidence=other, result="contradicted"))
    for a in claim.actors.values():
        if a.id in window.actors or a.id in paragraph.actors:
            checks.append(SupportCheck(kind="actor", claim=a.surface, evidence=(window.actors.get(a.id) or paragraph.actors[a.id]).surface,
                                       result="confirmed"))
            continue
        # "Russian help" is what the source says when it names Gazprom or Putin doing it
        members = [x for x in (*window.actors.values(), *paragraph.actors.values())
                   if a.type == "STATE" and x.id != a.id and x.country == a.id]
        if members:
            checks.append(SupportCheck(kind="actor", claim=a.surface, evidence=members[0].surface, result="confirmed"))
            continue
        claim_states = {a.id} | {x.country for x in claim.actors.values() if x.country}
        rivals = [x for x in window.actors.values() if x.type == a.type and x.id not in claim.actors
                  and not x.place and x.id not in claim_states]
        if rivals:
            checks.append(SupportCheck(kind="actor", claim=a.surface, evidence=", ".join(x.surface for x in rivals),
                                       result="contradicted"))
        else:
            found = _names_actor(source_text, a.id)
            checks.append(SupportCheck(kind="actor", claim=a.surface, evidence=a.surface if found else None,
                                       result="confirmed" if found else "not_stated"))
    checks.extend(_negation_checks(claim.text, best.text, others))
    return checks


# Any negative word, for ``negative_clauses``: the cues of _NEGATION_RE and the negative determiners.
_SOFT_NEGATION_RE = re.compile(_NEGATION_RE.pattern + r"|\b(?:no|without|none|nothing|nobody|cannot|neither)\b", re.I)
_CLAUSE_SPLIT = re.compile(r"[,;:.!?()\"“”]|\b(?:but|while|whereas|although|though)\b", re.I)
# Words between a negation and what it negates ("has not yet ratified", "did not even sign").
_NEGATION_ADVERBS = frozenset({"yet", "even", "ever", "still", "again", "always", "once", "actually", "really"})


def negations(text: str) -> dict[str, str]:
    """What a text negates: the stem of the first content word after each negation cue, in its clause
    ("did not sign the treaty" -> sign; "has not formally ratified" -> formal and ratifi), with the words
    as written. Scoped so that "not so much about X" in a passage does not deny a claim about Y."""
    out: dict[str, str] = {}
    for m in _NEGATION_RE.finditer(text):
        clause = re.split(r"[,;:.!?()\"“”]", text[m.end():], maxsplit=1)[0]
        taken = 0
        for w in _WORD_RE.finditer(clause):
            word = w.group(0)
            if (word.lower() in _STOP or word.lower() in _NEGATION_ADVERBS or _NEGATION_RE.fullmatch(word)
                    or not word[0].islower()):
                continue  # "neither Russia nor Iran intervened": the verb, not the names (nor figures)
            out.setdefault(stem(word), text[m.start():m.end() + w.end()].strip())
            taken += 1
            if taken >= 2 or not word.lower().endswith("ly"):  # "not formally ratified": the verb too
                break
    return out


def negative_clauses(text: str) -> set[str]:
    """Stems of every word in a clause that holds any negative ("no delivery had been confirmed", "signed
    without building anything"): such a word is not affirmed, so it cannot contradict a negation."""
    out: set[str] = set()
    for clause in _CLAUSE_SPLIT.split(text):
        if _SOFT_NEGATION_RE.search(clause):
            out.update(content_stems(clause))
    return out


def _affirmed(text: str) -> set[str]:
    """Stems of the verbs a text affirms: words outside a negative clause that read as a verb in the past
    ("signed", "ratified") or as the base form a negation takes ("sign" in "agreed to sign"). A noun of the
    same stem ("before the Syrian intervention") affirms nothing ("neither Russia nor Iran intervened")."""
    negative = negative_clauses(text)
    out = set()
    words = [w.group(0) for w in _WORD_RE.finditer(text)]
    for i, w in enumerate(words):
        low = w.lower()
        if not w[0].islower() or low in _STOP:
            continue
        st = stem(w)
        if st in negative:
            continue
        if low.endswith("ed") or (i > 0 and words[i - 1].lower() == "to"):
            out.add(st)
    return out


def _negation_checks(claim: str, evidence: str, others: tuple[str, ...] = ()) -> list[SupportCheck]:
    """The claim affirms what the best evidence negates ("signed" against "did not sign"), or negates what
    it affirms: the same word, negated on one side only. ``others``: further passages about the claim
    (scoring at least CLOSE_EVIDENCE, anywhere in the source): one that denies what the claim affirms
    contradicts it too ("signed a memorandum in Baku" first, "Azerbaijan has not yet ratified" later)."""
    said, denied = negations(claim), negations(evidence)
    claim_stems = _affirmed(claim)
    evidence_stems = _affirmed(evidence)
    for text in (evidence, *others):
        for st, phrase in (denied if text is evidence else negations(text)).items():
            if st in claim_stems:
                return [SupportCheck(kind="negation", claim="affirmed", evidence=f"says \"{phrase}\"",
                                     result="contradicted")]
    for st, phrase in said.items():
        if st in evidence_stems:
            return [SupportCheck(kind="negation", claim=f"\"{phrase}\"", evidence="says it happened",
                                 result="contradicted")]
    return []


def _names_actor(text: str, actor_id: str) -> bool:
    gaz = load_gazetteer()
    aliases = [k for k, (aid, _) in gaz.surface.items() if aid == actor_id]
    low = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", low) for k in aliases if len(k) > 3 or k.isalpha())


# ---------------------------------------------------------------- retrieval


@dataclass
class Unit:
    passage_id: str
    start: int
    end: int
    text: str
    stems: list[str]
    passage_index: int


@dataclass
class SourceIndex:
    """A processed source ready to be searched: its sentences, BM25 statistics, and the embeddings of
    the sentences encoded so far (kept, so several claims citing one source share them)."""

    doc: Document
    units: list[Unit]
    idf: dict[str, float]
    postings: dict[str, list[tuple[int, int]]]
    lengths: np.ndarray
    avg_len: float
    vectors: dict[int, np.ndarray] = field(default_factory=dict)
    _amounts: list[Amount] | None = None
    _paragraphs: dict[str, Values] = field(default_factory=dict)

    @classmethod
    def build(cls, doc: Document) -> "SourceIndex":
        units: list[Unit] = []
        for pi, p in enumerate(doc.passages):
            if p.kind not in ("body", "front_matter", "footnote"):
                continue
            sents = p.sentences or []
            spans = [(s.start, s.end) for s in sents] or [(p.start, p.end)]
            for s, e in spans:
                text = doc.text[s:e].strip()
                stems = content_stems(text)
                if len(text.split()) >= MIN_UNIT_WORDS and stems:
                    units.append(Unit(p.id, s, e, text, stems, pi))
        df: Counter[str] = Counter()
        postings: dict[str, list[tuple[int, int]]] = {}
        for i, u in enumerate(units):
            for t, n in Counter(u.stems).items():
                df[t] += 1
                postings.setdefault(t, []).append((i, n))
        n_units = max(len(units), 1)
        idf = {t: math.log(1 + (n_units - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        lengths = np.array([len(u.stems) for u in units], dtype=float)
        return cls(doc, units, idf, postings, lengths, float(lengths.mean()) if len(units) else 1.0)

    def idf_of(self, t: str) -> float:
        return self.idf.get(t, math.log(1 + (len(self.units) + 0.5) / 0.5))

    def bm25(self, query: list[str]) -> np.ndarray:
        scores = np.zeros(len(self.units))
        for t in set(query):
            idf = self.idf.get(t)
            if idf is None:
                continue
            for i, tf in self.postings[t]:
                norm = tf + BM25_K1 * (1 - BM25_B + BM25_B * self.lengths[i] / self.avg_len)
                scores[i] += idf * tf * (BM25_K1 + 1) / norm
        return scores

    def source_amounts(self) -> list[Amount]:
        if self._amounts is None:
            self._amounts = [a for u in self.units for a in amounts(u.text)]
        return self._amounts

    def paragraph(self, passage_id: str) -> Values:
        if passage_id not in self._paragraphs:
            self._paragraphs[passage_id] = Values.of(self.doc.passage(passage_id).text)
        return self._paragraphs[passage_id]


_INDEXES: OrderedDict[str, SourceIndex] = OrderedDict()
_INDEXES_KEPT = 32


def source_index(doc: Document) -> SourceIndex:
    """The index of a source, built once per process for each content (``doc_id`` is its digest)."""
    key = f"{doc.doc_id}:{doc.provenance.stage_keys.get('structure', '')}"
    idx = _INDEXES.get(key)
    if idx is None:
        idx = _INDEXES[key] = SourceIndex.build(doc)
        while len(_INDEXES) > _INDEXES_KEPT:
            _INDEXES.popitem(last=False)
    _INDEXES.move_to_end(key)
    return idx


def _encode(texts: list[str], settings: Settings) -> np.ndarray:
    from pipeline.theory import load_encoder

    enc = load_encoder(settings.embedding_model)
    return enc.encode(texts, batch_size=settings.embedding_batch_size, normalize_embeddings=True,
                      show_progress_bar=False, convert_to_numpy=True)


@dataclass
class Scored:
    index: SourceIndex
    units: tuple[int, ...]
    dense: float
    lexical: float
    score: float

    @property
    def text(self) -> str:
        return " ".join(self.index.units[i].text for i in self.units)

    def evidence(self) -> SupportEvidence:
        first, last = self.index.units[self.units[0]], self.index.units[self.units[-1]]
        return SupportEvidence(source_doc_id=self.index.doc.doc_id, passage_id=first.passage_id, start=first.start,
                               end=last.end, quote=self.index.doc.text[first.start:last.end][:600],
                               score=round(self.score, 4))


def coverage(claim_stems: list[str], stems: set[str], index: SourceIndex) -> float:
    """The idf-weighted share of the claim's words that the passage contains (0-1)."""
    wanted = set(claim_stems)
    total = sum(index.idf_of(t) for t in wanted)
    return sum(index.idf_of(t) for t in wanted if t in stems) / total if total else 0.0


def search(claim: str, claim_vec: np.ndarray, index: SourceIndex, settings: Settings) -> list[Scored]:
    """The source's sentences and adjacent pairs of sentences, scored against the claim, best first."""
    if not index.units:
        return []
    q = content_stems(claim)
    k = settings.support_candidates
    if len(index.units) <= k:
        chosen = list(range(len(index.units)))
    else:
        bm = index.bm25(q)
        order = [int(i) for i in np.argsort(-bm, kind="stable")[:k]]
        extra = []
        for i in order[:NEIGHBOURED]:
            for j in (i - 1, i + 1):
                if 0 <= j < len(index.units) and index.units[j].passage_index == index.units[i].passage_index:
                    extra.append(j)
        chosen = sorted(set(order) | set(extra))
    missing = [i for i in chosen if i not in index.vectors]
    if missing:
        for i, v in zip(missing, _encode([index.units[i].text for i in missing], settings)):
            index.vectors[i] = v
    w = settings.support_dense_weight
    out: list[Scored] = []
    chosen_set = set(chosen)
    for i in chosen:
        groups = [(i,)]
        if i + 1 in chosen_set and index.units[i + 1].passage_index == index.units[i].passage_index:
            groups.append((i, i + 1))
        for g in groups:
            vec = sum(index.vectors[j] for j in g)
            vec = vec / (np.linalg.norm(vec) or 1.0)
            dense = float(np.clip(vec @ claim_vec, 0.0, 1.0))
            lex = coverage(q, {t for j in g for t in index.units[j].stems}, index)
            out.append(Scored(index, g, dense, lex, w * dense + (1 - w) * lex))
    out.sort(key=lambda s: -s.score)
    return out


def _best_distinct(scored: list[Scored], n: int) -> list[Scored]:
    kept: list[Scored] = []
    for s in scored:
        if all(not (set(s.units) & set(k.units)) or s.index is not k.index for k in kept):
            kept.append(s)
        if len(kept) == n:
            break
    return kept


# ---------------------------------------------------------------- verdict


def _check_text(c: SupportCheck) -> str:
    if c.kind == "negation":
        return f"the claim is {c.claim}, the source {c.evidence}"
    if c.result == "contradicted":
        return f"the source gives {c.evidence}, not {c.claim}"
    if c.evidence and c.evidence.endswith(ELSEWHERE):
        return f"the evidence does not state {c.claim} (the source gives it elsewhere)"
    return f"the source does not state {c.claim}"


def decide(best: Scored | None, checks: list[SupportCheck], settings: Settings) -> tuple[str, str]:
    """(status, reason) from the best evidence's score and the checks (thresholds: settings)."""
    if best is None:
        return "not_found", "no sentence of the source could be compared with the claim"
    s = best.score
    contradicted = [c for c in checks if c.result == "contradicted"]
    unstated = [c for c in checks if c.result == "not_stated"]
    if s < settings.support_related_score:
        return "not_found", f"no passage of the source says this (best score {s:.2f})"
    if contradicted:
        if s >= settings.support_partial_score:
            return "partial", "; ".join(_check_text(c) for c in contradicted)
        return "not_found", f"the source is related but no passage says this (best score {s:.2f})"
    anchored = any(c.result == "confirmed" and c.kind in ANCHORS for c in checks)
    if anchored and not unstated and s >= settings.support_anchored_score:
        return "supported", f"the source states every figure and date of the claim (score {s:.2f})"
    if s >= settings.support_min_score:
        if unstated:
            return "partial", "; ".join(_check_text(c) for c in unstated)
        return "supported", f"the source says this (score {s:.2f})"
    return "not_found", f"the source is related but no passage says this (best score {s:.2f})"


_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTH_NAMES = "|".join(m.capitalize() for m in _MONTHS)
# Dates a news report gives relative to the day it was published ("on Tuesday", "last week").
_RELATIVE_DATE_RE = re.compile(rf"\b(?:on|last|this|next|since|until|by|late|early)\s+(?:{_WEEKDAYS})\b"
                               r"|\b(?i:yesterday|last week|this week|last month|this month|earlier this year)\b")
# A day and month without a year ("on 23 June", "June 23rd"): the year is the one the text is speaking of.
_DAY_MONTH_RE = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_NAMES})|(?:{_MONTH_NAMES})\s+\d{{1,2}}(?:st|nd|rd|th)?)\b"
                           r"(?!,?\s*(?:18|19|20)\d\d)")


def implied_year(doc: Document, start: int, text: str, published: int | None) -> int | None:
    """The year of an evidence passage that dates its event without one, as a reader reads it: "on 23 June"
    is in the last year the source named before it (a brief's narrative: "13 June 2025 ... on 22 June"),
    "on Tuesday" in the year the source was published (its dateline, or the year of the reference that
    cites it: news pages date events by weekday). None when the passage gives no such date."""
    def running() -> int | None:
        before = doc.text[max(0, start - 4000):start]
        split = [m.span() for m in _seasons(before)]
        found = [int(m.group(1)) for m in _YEAR_RE.finditer(before)
                 if not m.group(0).endswith("s") and not any(a <= m.start() < b for a, b in split)]
        return found[-1] if found else None

    if _DAY_MONTH_RE.search(text):
        return running() or published
    if _RELATIVE_DATE_RE.search(text):
        return published or running()
    return None


def _context_passages(doc: Document, at: int) -> list[str]:
    """The paragraphs just before and after passage ``at`` (over a heading between them): the immediate
    context whose values count as the evidence's ("signed in 2014" in one paragraph, "about 10 billion
    dollars" for the same contract in the next)."""
    out = []
    for step in (-1, 1):
        j = at + step
        while 0 <= j < len(doc.passages) and doc.passages[j].kind == "heading":
            j += step
        if 0 <= j < len(doc.passages) and doc.passages[j].kind in ("body", "front_matter", "footnote"):
            out.append(doc.passages[j].id)
    return out


def check_claim(claim: str, sources: list[SourceIndex], settings: Settings, clause: str = "",
                published: dict[str, int] | None = None) -> CitationSupport:
    """One claim against the texts of its sources (all readable): status, score, reason, checks, evidence.

    A claim that adds a footnote's commentary to the citing clause is searched both whole and as the
    clause alone, and the better reading counts: the commentary may be the citing author's own remark.
    """
    texts = [claim] + ([clause] if clause and clause != claim else [])
    vectors = _encode(texts, settings)
    readings: list[list[Scored]] = []
    for text, vec in zip(texts, vectors):
        found = [s for index in sources for s in search(text, vec, index, settings)]
        found.sort(key=lambda s: -s.score)
        readings.append(found)
    chosen = max(range(len(readings)), key=lambda i: readings[i][0].score if readings[i] else -1.0)
    scored, text = readings[chosen], texts[chosen]
    best = scored[0] if scored else None
    checks: list[SupportCheck] = []
    if best is not None:
        idx = best.index
        # A claim of several facts is often stated over neighbouring paragraphs ("signed in January 2025"
        # in one, "47 articles, twenty years" in the next): its values are read in every distinct passage
        # of the best source scoring at least CLOSE_EVIDENCE, negation in the best one only.
        # Only passages near the best one count: a passage of another section that scores as well is about
        # something else, and its years and figures do not confirm the claim's.
        at = idx.units[best.units[0]].passage_index
        close = [x for x in _best_distinct(scored, EVIDENCE_KEPT)
                 if x is best or (x.index is idx and x.score >= CLOSE_EVIDENCE
                                  and abs(idx.units[x.units[0]].passage_index - at) <= NEAR_PASSAGES)]
        best_window = Values.of(best.text)
        window = Values.merged([best_window, *(Values.of(x.text) for x in close[1:])], best_window.negated)
        pids = dict.fromkeys([*(idx.units[x.units[0]].passage_id for x in close), *_context_passages(idx.doc, at)])
        paragraph = Values.merged([idx.paragraph(pid) for pid in pids], best_window.negated)
        # "signed on Friday": the year of each evidence passage that dates its event without one
        when = (published or {}).get(idx.doc.doc_id) or idx.doc.metadata.year
        for x in close:
            year = implied_year(idx.doc, idx.units[x.units[0]].start, x.text, when)
            if year is not None:
                window.years.add(year)
        # the values of the reading that found the evidence: a footnote's commentary is not checked
        # against a passage found for the citing clause alone
        others = tuple(x.text for x in _best_distinct(scored, EVIDENCE_KEPT)
                       if x is not best and x.index is idx and x.score >= CLOSE_EVIDENCE)
        checks = compare(Values.of(text), window, paragraph, idx.doc.text, idx.source_amounts, settings,
                         best=best_window, others=others)
    status, reason = decide(best, checks, settings)
    return CitationSupport(status=status, score=round(best.score, 4) if best else None, reason=reason, claim=claim,
                           checks=checks, evidence=[s.evidence() for s in _best_distinct(scored, EVIDENCE_KEPT)])


@stage(
    STAGE,
    needs=("passages", "footnotes", "references", "citations", "sources"),
    adds=("citations.support", "audit"),
    settings=SETTINGS,
    resources=(ModelPackage("embedding_model", libraries=("sentence-transformers",)), DataFile("gazetteer", GAZETTEER_FILE)),
    code=("pipeline.events", "pipeline.gazetteer", "pipeline.text"),
)
def annotate_support(doc: Document, settings: Settings) -> Document:
    """The stage function: ``citations[].support`` for every citation, and the audit's claim findings."""
    loader = _LIBRARY.get()
    version = REGISTRY.stages[STAGE].version(settings)
    claims = extract_claims(doc)
    loaded: dict[str, Document | None] = {}
    for c in doc.citations:
        claim = claims[c.id].text if c.id in claims else ""
        sources = linked_sources(doc, c)
        key = support_key(version, settings, claim, sources, loader is not None)
        if c.support is not None and c.support.key == key:
            COUNTS["reused"] += 1
            continue
        clause = claims[c.id].clause if c.id in claims else ""
        c.support = _support_for(c, claim, sources, loader, loaded, settings, clause=clause,
                                 doc_references=doc.references)
        c.support.key = key
    _audit_claims(doc)
    return doc


def _support_for(c: Citation, claim: str, sources: list[CitedSource], loader: SourceLoader | None,
                 loaded: dict[str, Document | None], settings: Settings, clause: str = "",
                 doc_references: list | tuple = ()) -> CitationSupport:
    def unverifiable(reason: str) -> CitationSupport:
        COUNTS["unverifiable"] += 1
        return CitationSupport(status="unverifiable", reason=reason, claim=claim)

    if not claim:
        return unverifiable("no claim: the citation stands outside a sentence")
    if not sources:
        if c.status != "resolved" and not c.reference_id:
            return unverifiable(f"the citation is {c.status}: no reference, so no source to read")
        return unverifiable("the cited reference has no URL or DOI to fetch")
    readable: list[SourceIndex] = []
    reasons: list[str] = []
    published: dict[str, int] = {}  # source doc_id -> the year the article's reference gives it
    refs = {r.id: r for r in doc_references}
    for src in sources:
        doc = None
        if src.status in READABLE and src.doc_id:
            if src.doc_id not in loaded:
                loaded[src.doc_id] = loader(src.doc_id) if loader is not None else None
            doc = loaded[src.doc_id]
        if src.status in READABLE and src.doc_id and loader is None:
            reasons.append("the sources are read after fetching (irpipe fetch-sources), not in the document run")
            continue
        why = unavailable_reason(src, doc)
        if why is None:
            readable.append(source_index(doc))
            year = next((refs[r].year for r in src.reference_ids if r in refs and refs[r].year), None)
            if year:
                published[doc.doc_id] = year
        else:
            reasons.append(why)
    if not readable:
        return unverifiable("; ".join(dict.fromkeys(reasons)))
    COUNTS["checked"] += 1
    result = check_claim(claim, readable, settings, clause=clause, published=published)
    if reasons and result.status != "supported":
        result.reason += f" ({len(reasons)} of {len(sources)} linked sources could not be read: {reasons[0]})"
    return result


CLAIM_FINDINGS = ("unsupported_claim", "contradicted_claim")


def _audit_claims(doc: Document) -> None:
    """Replace the audit's claim findings by those of the current verdicts (ids continue the audit's)."""
    findings = [f for f in doc.audit.findings if f.kind not in CLAIM_FINDINGS]
    n = max((int(f.id[1:]) for f in findings if re.fullmatch(r"a\d+", f.id)), default=0)
    for c in doc.citations:
        s = c.support
        if s is None or s.status not in ("not_found", "partial"):
            continue
        contradicted = any(x.result == "contradicted" for x in s.checks)
        kind = "contradicted_claim" if s.status == "partial" and contradicted else "unsupported_claim"
        where = f"citation {c.text!r}"
        best = s.evidence[0].quote if s.evidence else ""
        message = f"{where}: {s.status}: {s.reason}" + (f"; closest passage: \"{best[:200]}\"" if best else "")
        n += 1
        findings.append(AuditFinding(id=f"a{n:03d}", kind=kind, passage_id=c.passage_id, quote=s.claim[:160],
                                     message=message, citation_id=c.id, reference_id=c.reference_id,
                                     footnote_id=c.footnote_id))
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    doc.audit.findings = findings
    doc.audit.counts = counts


__all__ = ["COUNTS", "Claim", "Values", "annotate_support", "check_article", "check_claim", "compare", "decide",
           "extract_claims", "folder_library", "linked_sources", "source_index", "source_library", "support_key"]
