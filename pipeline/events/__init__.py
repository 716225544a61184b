"""Events stage: who did what to whom, when, with how much (PLOVER event types).

Dependency-parse rules over a trigger lexicon, the way event coders such as PETRARCH work with
CAMEO dictionaries, mapped to the PLOVER ontology (Schrodt et al., *PLOVER: Political Language
Ontology for Verifiable Event Records*, manual of 2021; the POLECAT dataset uses it). Every
event keeps the sentence, the trigger and the rule path it came from, so an analyst can check it.

The package, textacy style:

* :mod:`.lexicon` and ``pipeline/resources/events/lexicon.toml``: trigger words and their senses;
* :mod:`.rules`: argument structure (actors, targets, complements, modality, negation, hedges);
* :mod:`.dates`: spaCy DATE entities normalised by ``dateparser``, ranges, the context year;
* :mod:`.quantities`: money, volumes, percentages, counts;
* :mod:`.confidence`: the measured precision of each rule path;
* :mod:`.text`: the same function over bare sentences (``irpipe extract-events``, the evaluation).

:func:`sentence_events` is the one function from a parsed sentence to its events: the stage calls
it for every body sentence of a document, ``irpipe extract-events`` for every input line, so the
evaluation measures what documents get.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pipeline.events.confidence import CONFIDENCE_FILE, confidence
from pipeline.events.dates import DateContext, DateMention, context_from, find_dates, sentence_dates
from pipeline.events.lexicon import LEXICON_FILE, load_lexicon, quad_classes
from pipeline.events.quantities import extract_quantities
from pipeline.events.rules import Actors, SentenceContext
from pipeline.events.rules import sentence_events as _rule_events
from pipeline.model import Document, Event
from pipeline.nlp import parse_texts
from pipeline.registry import DataFile, ModelPackage, stage
from pipeline.settings import Settings
from pipeline.tables import EVENTS_TABLE

QUAD = quad_classes()


@dataclass
class Context:
    """What the events of one sentence may take from the sentences before it (a document's reading state)."""

    year: int | None = None  # the year of the last date stated in the paragraph or section
    year_source: str | None = None
    anchor: dt.date | None = None  # the publication date: relative dates ("last week") are read from it
    date_order: str = "DMY"
    prev_actors: list[dict] = field(default_factory=list)
    last_date: DateMention | None = None
    prev_event_actors: list[dict] = field(default_factory=list)

    def after(self, dates: list[DateMention], subject: list[dict], events: list[dict] = ()) -> None:
        """Carry the sentence's last stated year, its last date, its main subject and who acted last to the next sentence."""
        if events:
            self.prev_event_actors = [dict(a, type="STATE") for a in events[-1]["actors"]]
        got = context_from(dates)
        if got:
            self.year, self.year_source = got
        if dates:
            self.last_date = dates[-1]
        if subject:
            self.prev_actors = subject


def actor_record(entity: dict) -> dict | None:
    """The event actor of an entity: states and IGOs by their code; people, groups, companies and weapons by
    their country; None for places and for names without a state or code."""
    etype = entity["type"]
    if etype in ("STATE", "IGO", "NGO", "AGREEMENT"):
        return {"code": entity["code"], "name": entity["name"], "type": etype}
    if etype in ("PERSON", "ORG", "WEAPON", "FIN_SYSTEM", "GROUP") and entity.get("country"):
        return {"code": entity["country"], "name": entity["name"], "type": etype}
    if etype == "GROUP":
        return {"code": None, "name": entity["name"], "type": etype}
    if etype == "LOC" and entity.get("country"):
        # a place below the state ("Kharkiv", "Rakhine State", "Tigrayan") stands for its state, as a capital
        # or a state's own name does: PLOVER codes places and regional groups by their state
        return {"code": entity["country"], "name": entity["name"], "type": "STATE"}
    if etype == "LOC":
        return {"code": None, "name": entity["name"], "type": "LOC"}
    return None


def sentence_events(sent, mentions: list[tuple[int, int, dict]], ctx: Context, *, offset: int = 0,
                    masked: list[tuple[int, int]] = ()) -> list[dict]:
    """The events of one parsed sentence (a spaCy ``Span``): the one function the stage and
    ``irpipe extract-events`` share.

    ``mentions`` are (start, end, entity record) with character offsets into the parsed text;
    ``masked`` are character spans (in-text citations) whose years are not dates; ``offset`` is the
    position of the parsed text in the document (for the events' ``start``/``end``). ``ctx`` is read
    (the context year, the publication date) and advanced to the next sentence.
    """
    lex = load_lexicon()
    acts = Actors(sent.doc, [(s, e, a) for s, e, ent in mentions if (a := actor_record(ent)) is not None])
    dctx = DateContext(ctx.year, ctx.year_source, ctx.anchor, ctx.date_order)
    dates = sentence_dates(sent, dctx, masked=list(masked))
    found, subject = _rule_events(sent, acts, dates, lex, SentenceContext(ctx.prev_actors, ctx.last_date, ctx.prev_event_actors))
    quantities = extract_quantities(sent.text)
    owner = quantity_owners(sent, quantities, [ev["owners"] for ev in found])
    out = []
    for ev in found:
        s, e = ev.pop("span")
        ev.pop("steps", None)
        mine = ev.pop("owners")
        qs = [q for i, q in enumerate(quantities) if _inside(q["raw"], sent.text, s - sent.start_char, e - sent.start_char)
              and owner[i] in (None, *mine)]
        out.append({
            "type": ev["type"], "mode": ev["mode"], "context": ev["context"], "quad_class": QUAD[ev["type"]],
            "trigger": ev["trigger"], "trigger_lemma": ev["trigger_lemma"], "actors": ev["actors"],
            "targets": ev["targets"], "date": ev["date"], "quantities": qs, "negated": ev["negated"],
            "hedged": ev["hedged"], "location": ev["location"], "evidence": sent.text,
            "start": offset + sent.start_char, "end": offset + sent.end_char,
            "rule": ev["rule"], "confidence": confidence(ev["rule"]),
        })
    ctx.after(dates, subject, found)
    return out


def quantity_owners(sent, quantities: list[dict], owners: list[tuple[int, ...]]) -> list[int | None]:
    """The token each quantity belongs to: the first event word, or verb with a subject of its own, above it in
    the parse (an infinitive or a participle without one belongs to the clause above), as a date is
    scoped to its clause ("Trade grew by 60 percent, and Russia delivered 20 tanks": the 60 percent is no
    part of the delivery; "the US, which sent $2 billion in aid, imposed sanctions": nor of the sanctions).
    None when the quantity cannot be placed in the parse (then the event's span alone decides)."""
    event_tokens = {i for o in owners for i in o}
    out: list[int | None] = []
    for q in quantities:
        at = sent.text.find(q["raw"])
        span = sent.char_span(at, at + len(q["raw"]), alignment_mode="expand") if at >= 0 else None
        if span is None:
            out.append(None)
            continue
        t = span.root
        for _ in range(12):
            if t.i in event_tokens or t.head.i == t.i:
                break
            if t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in t.children):
                break  # a clause with a subject of its own: "Trade grew by 60 percent"
            t = t.head
        out.append(t.i)
    return out


def _inside(raw: str, text: str, start: int, end: int) -> bool:
    i = text.find(raw)
    return i >= 0 and start <= i and i + len(raw) <= end


@stage(
    "events",
    needs=("passages", "citations", "entities"),
    adds=("events",),
    settings=("spacy_model", "event_date_order"),
    resources=(ModelPackage("spacy_model", libraries=("spacy", "dateparser")), DataFile("event-lexicon", LEXICON_FILE),
               DataFile("event-confidence", CONFIDENCE_FILE)),
    code=("pipeline.nlp",),
    languages=("en",),
    tables=(EVENTS_TABLE,),
)
def annotate_events(doc: Document, settings: Settings) -> Document:
    """The stage function: fills ``events`` from body sentences."""
    return read_events(doc, settings)


def read_events(doc: Document, settings: Settings, *, anchor: dt.date | None = None) -> Document:
    """Events of a document's body sentences; ``anchor`` is its publication date, when known."""
    passages = [p for p in doc.passages if p.text.strip()]
    if not any(p.kind == "body" for p in passages):  # events come from body sentences only
        doc.warnings.append("events: no body sentences to read events from")
        doc.events = []
        return doc
    parsed = parse_texts([p.text for p in passages], settings.spacy_model)
    by_passage: dict[str, list[tuple[int, int, dict]]] = {}
    for entity in doc.entities:
        ent = entity.model_dump(exclude={"mentions"})
        for m in entity.mentions:
            if m.context == "body":
                by_passage.setdefault(m.passage_id, []).append((m.start, m.end, ent))
    events: list[dict] = []
    section_year: dict[str | None, tuple[int | None, str | None]] = {}
    for p, sdoc in zip(passages, parsed):
        if p.kind != "body":
            continue
        mentions = [(s - p.start, e - p.start, ent) for s, e, ent in by_passage.get(p.id, [])]
        cites = [(c.start - p.start, c.end - p.start) for c in doc.citations
                 if c.kind == "author_year" and c.passage_id == p.id]
        year, source = section_year.get(p.section_id, (None, None))
        ctx = Context(year=year, year_source=source, anchor=anchor, date_order=settings.event_date_order)
        for sent in sdoc.sents:
            for ev in sentence_events(sent, mentions, ctx, offset=p.start, masked=cites):
                ev.update(passage_id=p.id, section_id=p.section_id, in_footnote=False)
                events.append(ev)
        if ctx.year is not None:
            section_year[p.section_id] = (ctx.year, ctx.year_source)
    doc.events = [Event(id=f"ev{i:03d}", **ev) for i, ev in enumerate(events, start=1)]
    if not events:
        doc.warnings.append("events: no events were found in the body sentences")
    return doc


__all__ = ["QUAD", "Context", "annotate_events", "extract_quantities", "find_dates", "read_events", "sentence_events"]
