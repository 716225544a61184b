"""Entities stage: recognise entities and normalise them to canonical actors.

Each passage goes through the spaCy pipeline of :mod:`pipeline.nlp` (statistical NER
plus the gazetteer ruler). Spans are then normalised:

* gazetteer spans carry their actor: "Moscow", "the Kremlin" and "Russian" all become
  RUS (a metonym or demonym mention keeps that note), "Putin" is a PERSON affiliated
  with RUS;
* statistical GPE spans are looked up among state names (else LOC), NORP spans among
  demonyms, PERSON spans among known people by surname;
* names listed as not entities (section names, "Email") are dropped, and so are spans
  inside in-text citations ("(Souleimanov et al., 2017)" names an author, not an actor);
* names that need context (:mod:`pipeline.gazetteer`) are read in it: a generic name ("the
  nuclear deal") is the agreement only after the document has named that agreement in full, or
  in a sentence that names its parties or year, and otherwise stays a generic agreement; an
  ambiguous short name ("Wagner", "Mir") is the group or the payment system only when its
  sentence has one of the entry's context words, and otherwise is not an actor.

Mentions keep their context (body, footnote, reference, front_matter, heading): an entity
seen only in footnotes or the reference list is recorded but not counted as an actor of
the text (``body_mentions`` = 0). Dates, money, quantities and percentages go to
``values`` for the events stage.
"""

from __future__ import annotations

import re

from pipeline.gazetteer import ACTORS, AMBIGUOUS, GENERIC, PLACES, RESOURCE, Actor, Gazetteer
from pipeline.model import Document, Entity, Mention, Value
from pipeline.nlp import gazetteer, load_nlp, parse_texts
from pipeline.registry import DataFile, ModelPackage, stage
from pipeline.settings import Settings
from pipeline.tables import ENTITIES_TABLE, MENTIONS_TABLE
from pipeline.text.normalise import name_key as norm

VALUE_LABELS = {"DATE", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "TIME"}
_STAT_MAP = {"ORG": "ORG", "PERSON": "PERSON", "LOC": "LOC", "FAC": "LOC"}


def normalise_span(
    text: str, label: str, ent_id: str, gaz: Gazetteer, *, cited_authors: frozenset[str] = frozenset()
) -> tuple[Actor | None, str, str] | None:
    """(actor or None, type, how) for one recognised span; None to drop it.

    ``cited_authors`` are the folded surnames of the document's reference authors: the
    statistical model often takes "Nye" or "Keohane" for an organisation or a place.
    """
    if ent_id and "|" in ent_id:
        actor_id, how = ent_id.split("|", 1)
        actor = gaz.actors.get(actor_id)
        if actor is not None:
            return actor, actor.type, how
    key = norm(text)
    if not key or key in gaz.not_entities or not re.search(r"[A-Z]", text[:1] + text.title()[:1]) or text[:1].islower():
        return None
    words = re.sub(r"['’]s$", "", text).split()
    if words and norm(words[-1]) in cited_authors and label in ("ORG", "LOC", "GPE", "PERSON"):
        return None, "PERSON", "cited_author"
    hit = gaz.lookup(text)
    if label in ("GPE", "NORP", "LOC", "ORG", "PERSON") and hit is not None:
        actor, how = hit
        return actor, actor.type, how
    if label == "GPE":
        return None, "LOC", "name"
    if label == "NORP":
        return None
    if label == "PERSON":
        parts = text.replace("'s", "").split()
        if len(parts) == 1 and (parts[0].isupper() or "@" in text):
            return None
        last = gaz.lookup(parts[-1]) if parts else None
        if last is not None and last[0].type == "PERSON":
            return last[0], "PERSON", "name"
        return None, "PERSON", "name"
    mapped = _STAT_MAP.get(label)
    if mapped is None:
        return None
    return None, mapped, "name"


_YEAR = re.compile(r"\b(?:1[5-9]|20)\d{2}\b")


def _sentence_codes(sent) -> set[str]:
    """ISO3 codes of the states the gazetteer ruler found in a sentence."""
    return {e.ent_id_.split("|", 1)[0] for e in sent.ents if e.label_ == "STATE" and "|" in e.ent_id_}


def in_context(actor: Actor, how: str, span, seen: set[str], gaz: Gazetteer) -> Actor | None:
    """The actor of a generic or ambiguous name in its context, or None when the context does not name it.

    ``span`` is the spaCy span (its sentence is the context); ``seen`` holds the ids of the actors
    the document has named in full before this span.
    """
    sent = span.sent
    if how == AMBIGUOUS:
        words = gaz.needs_context(span.text)
        rest = sent.text[: span.start_char - sent.start_char] + " " + sent.text[span.end_char - sent.start_char:]
        hit = any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", rest) for w in words)
        return actor if hit else None
    if how == GENERIC:
        if actor.id in seen:
            return actor
        if actor.parties and set(actor.parties) <= _sentence_codes(sent):
            return actor
        if actor.year and str(actor.year) in _YEAR.findall(sent.text):
            return actor
        return None
    return actor


def _citation_spans(doc: Document) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in doc.citations:
        if c.kind == "author_year":
            spans.setdefault(c.passage_id, []).append((c.start, c.end))
    return spans


@stage(
    "entities",
    needs=("passages", "citations", "references"),
    adds=("entities", "values"),
    settings=("spacy_model",),
    resources=(ModelPackage("spacy_model", libraries=("spacy",)), DataFile("gazetteer", RESOURCE), DataFile("places", PLACES), DataFile("actors", ACTORS)),
    code=("pipeline.nlp", "pipeline.gazetteer", "pipeline.text"),
    languages=("en",),
    tables=(ENTITIES_TABLE, MENTIONS_TABLE),
)
def annotate_entities(doc: Document, settings: Settings) -> Document:
    """The stage function: fills ``entities`` and ``values``."""
    gaz = gazetteer()
    passages = [p for p in doc.passages if p.text.strip()]
    if not passages:  # nothing to read: say so rather than load a model for nothing
        doc.warnings.append("entities: no text to look for entities in")
        doc.entities, doc.values = [], []
        return doc
    parsed = parse_texts([p.text for p in passages], settings.spacy_model)
    cites = _citation_spans(doc)
    authors = frozenset(norm(a.family) for r in doc.references for a in r.authors if a.family)
    entities: dict[str, dict] = {}
    values: list[Value] = []
    seen: set[str] = set()  # actors named in full so far, in document order
    for p, sdoc in zip(passages, parsed):
        context = p.kind
        for ent in sdoc.ents:
            start, end = p.start + ent.start_char, p.start + ent.end_char
            if ent.label_ in VALUE_LABELS:
                values.append(Value(passage_id=p.id, start=start, end=end, text=ent.text, label=ent.label_))
                continue
            if any(s <= start < e for s, e in cites.get(p.id, [])):
                context_here = "citation"
            else:
                context_here = context
            res = normalise_span(ent.text, ent.label_, ent.ent_id_, gaz, cited_authors=authors)
            if res is None:
                continue
            actor, etype, how = res
            if actor is not None and how in (GENERIC, AMBIGUOUS):
                resolved = in_context(actor, how, ent, seen, gaz)
                if resolved is None and how == AMBIGUOUS:
                    stat = _STAT_MAP.get(ent.label_)  # the statistical label, when the NER gave one
                    if stat is None:
                        continue
                    etype = stat
                actor = resolved
            if actor is not None:
                seen.add(actor.id)
                key = actor.id
                record = entities.get(key) or {
                    "name": actor.name, "type": actor.type, "code": actor.code,
                    "country": actor.country, "gazetteer_id": actor.id, "mentions": [],
                }
            else:
                name = re.sub(r"^the\s+", "", ent.text.strip(), flags=re.I)
                name = re.sub(r"['’]s$", "", name)
                # people merge on the surname: "Anne-Marie Slaughter" and "Slaughter"
                key = f"{etype}:{norm(name.split()[-1]) if etype == 'PERSON' else norm(name)}"
                record = entities.get(key) or {
                    "name": name, "type": etype, "code": None, "country": None,
                    "gazetteer_id": None, "mentions": [],
                }
            if actor is None and len(name) > len(record["name"]):
                record["name"] = name
            record["mentions"].append(Mention(
                passage_id=p.id, start=start, end=end, text=ent.text, context=context_here, how=how,
            ))
            entities[key] = record
    ordered = sorted(entities.values(), key=lambda r: (-sum(m.context == "body" for m in r["mentions"]), r["name"]))
    out = []
    for i, r in enumerate(ordered, start=1):
        body = sum(1 for m in r["mentions"] if m.context == "body")
        out.append(Entity(id=f"e{i:03d}", body_mentions=body, in_citations_only=body == 0, **r))
    doc.entities = out
    doc.values = values
    if not out:
        doc.warnings.append("entities: no entities were found")
    doc.provenance.models[settings.spacy_model] = load_nlp(settings.spacy_model).meta.get("version", "?")
    doc.provenance.models["gazetteer"] = gaz.version
    return doc
