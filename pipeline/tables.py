"""The corpus tables: one pydantic row model per table is the one definition of its columns.

The Parquet schema is generated from the row model (:func:`arrow_schema`): lists are Parquet
lists, dates are DATE (with a precision column beside them), nested models are structs. Each
table is a :class:`~pipeline.registry.TableSpec`; the built-in stages attach theirs in their
``@stage`` declaration, and ``documents``, ``passages`` and ``annotations`` (the records of
plugin stages) are registered here. Every table starts with ``doc_id``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Iterable

from pydantic import BaseModel, ConfigDict, Field

from pipeline.model import Document
from pipeline.registry import REGISTRY, TableSpec

# What a person sees for an abstained passage (pipeline.theory.labels.UNCERTAIN; not imported, so that
# loading the tables does not register the theory stage ahead of the others).
THEORY_UNCERTAIN = "uncertain"


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- core tables


class DocumentRow(Row):
    doc_id: str
    path: str | None
    url: str | None
    media_type: str
    sha256: str
    language: str | None
    title: str | None
    authors: list[str]
    journal: str | None
    year: int | None
    doi: str | None
    keywords: list[str]
    n_passages: int
    n_footnotes: int
    n_references: int
    n_citations: int
    n_entities: int
    n_events: int
    stage_errors: list[str]
    pipeline_version: str
    created_at: str


class PassageRow(Row):
    doc_id: str
    passage_id: str
    kind: str
    section_id: str | None
    section: str | None
    page: int | None
    start: int
    end: int
    text: str
    theory_label: str | None = Field(description="shown label: the four labels, or uncertain when the model abstained")
    theory_guess: str | None = Field(description="the model's best-guess label (also for abstained passages)")
    theory_nwo: float | None
    theory_ci: float | None
    theory_abstained: bool | None
    theory_labelled_by: str | None = Field(description="model, or researcher (a label from train-theory --add)")


class AnnotationRow(Row):
    doc_id: str
    stage: str
    annotation_id: str
    label: str
    passage_id: str | None
    start: int | None
    end: int | None
    score: float | None
    value: str | None


def document_rows(doc: Document) -> list[DocumentRow]:
    m = doc.metadata
    return [DocumentRow(
        doc_id=doc.doc_id, path=doc.source.path, url=doc.source.url, media_type=doc.source.media_type,
        sha256=doc.source.sha256, language=m.language, title=m.title, authors=[a.name for a in m.authors],
        journal=m.journal, year=m.year, doi=m.doi, keywords=list(m.keywords),
        n_passages=len(doc.passages), n_footnotes=len(doc.footnotes), n_references=len(doc.references),
        n_citations=len(doc.citations), n_entities=len(doc.entities), n_events=len(doc.events),
        stage_errors=[e.stage for e in doc.stage_errors],
        pipeline_version=doc.provenance.pipeline_version, created_at=doc.provenance.created_at,
    )]


def passage_rows(doc: Document) -> list[PassageRow]:
    sec = {s.id: s.heading for s in doc.sections}
    out = []
    for p in doc.passages:
        th = p.theory
        out.append(PassageRow(
            doc_id=doc.doc_id, passage_id=p.id, kind=p.kind, section_id=p.section_id,
            section=sec.get(p.section_id or ""), page=p.page, start=p.start, end=p.end, text=p.text,
            theory_label=(THEORY_UNCERTAIN if th.abstained else th.label) if th else None,
            theory_guess=th.label if th else None,
            theory_nwo=th.scores.get("new_world_order") if th else None,
            theory_ci=th.scores.get("complex_interdependence") if th else None,
            theory_abstained=th.abstained if th else None,
            theory_labelled_by=th.labelled_by if th else None,
        ))
    return out


def annotation_rows(doc: Document) -> list[AnnotationRow]:
    return [AnnotationRow(doc_id=doc.doc_id, stage=name, annotation_id=a.id, label=a.label, passage_id=a.passage_id,
                          start=a.start, end=a.end, score=a.score, value=None if a.value is None else str(a.value))
            for name, records in sorted(doc.annotations.items()) for a in records]


DOCUMENTS_TABLE = TableSpec("documents", DocumentRow, document_rows)
PASSAGES_TABLE = TableSpec("passages", PassageRow, passage_rows)
ANNOTATIONS_TABLE = TableSpec("annotations", AnnotationRow, annotation_rows)


# ---------------------------------------------------------------- citations stage


class CitationRow(Row):
    doc_id: str
    citation_id: str
    kind: str
    text: str
    passage_id: str
    start: int
    end: int
    reference_id: str | None
    footnote_id: str | None
    status: str
    support_status: str | None
    support_score: float | None


class ReferenceRow(Row):
    doc_id: str
    reference_id: str
    origin: str
    passage_id: str
    type: str
    first_author: str | None
    authors: list[str]
    year: int | None
    title: str | None
    container_title: str | None
    publisher: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    url: str | None
    doi: str | None
    confidence: float | None
    n_cited_by: int
    text: str


class SourceRow(Row):
    doc_id: str
    source_id: str
    url: str
    doi: str | None
    status: str
    reason: str | None
    source_doc_id: str | None
    n_references: int
    n_citing_passages: int


class AuditRow(Row):
    doc_id: str
    finding_id: str
    kind: str
    passage_id: str
    quote: str
    message: str


def citation_rows(doc: Document) -> list[CitationRow]:
    return [CitationRow(doc_id=doc.doc_id, citation_id=c.id, kind=c.kind, text=c.text, passage_id=c.passage_id,
                        start=c.start, end=c.end, reference_id=c.reference_id, footnote_id=c.footnote_id,
                        status=c.status, support_status=c.support.status if c.support else None,
                        support_score=c.support.score if c.support else None) for c in doc.citations]


def _name(n) -> str:
    return n.literal or " ".join(x for x in (n.given, n.family) if x)


def reference_rows(doc: Document) -> list[ReferenceRow]:
    out = []
    for r in doc.references:
        a = r.authors[0] if r.authors else None
        out.append(ReferenceRow(
            doc_id=doc.doc_id, reference_id=r.id, origin=r.origin, passage_id=r.passage_id, type=r.type,
            first_author=(a.family or a.literal) if a else None, authors=[_name(n) for n in r.authors],
            year=r.year, title=r.title, container_title=r.container_title, publisher=r.publisher, volume=r.volume,
            issue=r.issue, pages=r.page, url=r.url, doi=r.doi, confidence=r.confidence, n_cited_by=len(r.cited_by),
            text=r.text,
        ))
    return out


def source_rows(doc: Document) -> list[SourceRow]:
    return [SourceRow(doc_id=doc.doc_id, source_id=s.id, url=s.url, doi=s.doi, status=s.status, reason=s.reason,
                      source_doc_id=s.doc_id, n_references=len(s.reference_ids),
                      n_citing_passages=len(s.citing_passage_ids)) for s in doc.sources]


def audit_rows(doc: Document) -> list[AuditRow]:
    return [AuditRow(doc_id=doc.doc_id, finding_id=f.id, kind=f.kind, passage_id=f.passage_id, quote=f.quote,
                     message=f.message) for f in doc.audit.findings]


CITATIONS_TABLE = TableSpec("citations", CitationRow, citation_rows)
REFERENCES_TABLE = TableSpec("references", ReferenceRow, reference_rows)
SOURCES_TABLE = TableSpec("sources", SourceRow, source_rows)
AUDIT_TABLE = TableSpec("audit", AuditRow, audit_rows)


# ---------------------------------------------------------------- entities stage


class EntityRow(Row):
    doc_id: str
    entity_id: str
    name: str
    type: str
    code: str | None
    country: str | None
    body_mentions: int
    mentions: int
    in_citations_only: bool


class MentionRow(Row):
    doc_id: str
    entity_id: str
    passage_id: str
    start: int
    end: int
    text: str
    context: str
    how: str


def entity_rows(doc: Document) -> list[EntityRow]:
    return [EntityRow(doc_id=doc.doc_id, entity_id=e.id, name=e.name, type=e.type, code=e.code, country=e.country,
                      body_mentions=e.body_mentions, mentions=len(e.mentions), in_citations_only=e.in_citations_only)
            for e in doc.entities]


def mention_rows(doc: Document) -> list[MentionRow]:
    return [MentionRow(doc_id=doc.doc_id, entity_id=e.id, passage_id=m.passage_id, start=m.start, end=m.end,
                       text=m.text, context=m.context, how=m.how) for e in doc.entities for m in e.mentions]


ENTITIES_TABLE = TableSpec("entities", EntityRow, entity_rows)
MENTIONS_TABLE = TableSpec("mentions", MentionRow, mention_rows)


# ---------------------------------------------------------------- events stage


class QuantityCell(Row):
    value: float | None
    unit: str | None
    raw: str


class EventRow(Row):
    """Flat ICEWS/GDELT-like rows: one per event, actors and targets as lists of codes and names."""

    doc_id: str
    event_id: str
    date_start: dt.date | None
    date_end: dt.date | None
    date_precision: str | None
    date_text: str | None
    date_resolved_from: str | None
    actor_codes: list[str]
    actor_names: list[str]
    event_type: str
    mode: str | None
    quad_class: str | None
    target_codes: list[str]
    target_names: list[str]
    quantities: list[QuantityCell]
    negated: bool
    hedged: bool
    location: str | None
    confidence: float
    passage_id: str
    evidence: str


def iso_to_date(value: str | None, *, end: bool = False) -> dt.date | None:
    """"2015" / "2015-05" / "2015-05-12" -> a date (the first day of the period, or its last with ``end``)."""
    if not value:
        return None
    parts = [int(x) for x in value.split("-")[:3]]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else (12 if end else 1)
    if len(parts) > 2:
        day = parts[2]
    elif end:
        day = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    else:
        day = 1
    return dt.date(year, month, day)


def event_rows(doc: Document) -> list[EventRow]:
    out = []
    for ev in doc.events:
        d = ev.date
        out.append(EventRow(
            doc_id=doc.doc_id, event_id=ev.id,
            date_start=iso_to_date(d.start) if d else None, date_end=iso_to_date(d.end or d.start, end=True) if d else None,
            date_precision=d.precision if d else None, date_text=d.raw if d else None,
            date_resolved_from=d.resolved_from if d else None,
            actor_codes=[a.code or "" for a in ev.actors], actor_names=[a.name for a in ev.actors],
            event_type=ev.type, mode=ev.mode, quad_class=ev.quad_class,
            target_codes=[t.code or "" for t in ev.targets], target_names=[t.name for t in ev.targets],
            quantities=[QuantityCell(value=q.value, unit=q.unit, raw=q.raw) for q in ev.quantities],
            negated=ev.negated, hedged=ev.hedged, location=ev.location, confidence=ev.confidence,
            passage_id=ev.passage_id, evidence=ev.evidence,
        ))
    return out


EVENTS_TABLE = TableSpec("events", EventRow, event_rows)


# ---------------------------------------------------------------- schema generation


def _arrow_type(annotation):
    import pyarrow as pa

    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _arrow_type(inner[0])
    if origin is list:
        return pa.list_(_arrow_type(typing.get_args(annotation)[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([pa.field(n, _arrow_type(f.annotation)) for n, f in annotation.model_fields.items()])
    simple = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), dt.date: pa.date32()}
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"no Parquet type for {annotation!r}")


def arrow_schema(row: type[BaseModel]):
    """The Parquet schema of a row model."""
    import pyarrow as pa

    return pa.schema([pa.field(name, _arrow_type(f.annotation)) for name, f in row.model_fields.items()])


def column_types(row: type[BaseModel]) -> dict[str, str]:
    """Column -> Parquet type name, as the README documents them."""
    return {f.name: str(f.type) for f in arrow_schema(row)}


def rows_as_dicts(rows: Iterable[BaseModel]) -> list[dict]:
    return [r.model_dump() for r in rows]


for _spec in (DOCUMENTS_TABLE, PASSAGES_TABLE, ANNOTATIONS_TABLE):
    REGISTRY.add_table(_spec)
