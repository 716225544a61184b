"""Events of bare sentences: what ``irpipe extract-events`` and the evaluation run.

A text becomes a one-passage document that goes through the registered entities stage (by the
one runner, :func:`pipeline.process.run_stage`) and then :func:`pipeline.events.read_events`,
which reads every sentence with :func:`pipeline.events.sentence_events`, the function the
events stage uses for documents: the same lexicon, rules, dates and confidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from pipeline.model import Document, Event, Passage, Provenance, Sentence, Source
from pipeline.settings import Settings, get_settings


def text_document(text: str, doc_id: str | None = None) -> Document:
    """One body passage holding ``text`` (no structure stage: a line of input is one passage)."""
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Document(
        doc_id=doc_id or sha[:16], source=Source(sha256=sha, media_type="text/plain", bytes=len(text)), text=text,
        passages=[Passage(id="p0001", kind="body", text=text, start=0, end=len(text),
                          sentences=[Sentence(start=0, end=len(text))])],
        provenance=Provenance(pipeline_version="extract-events", settings_hash="-", created_at="-"),
    )


def parse_date(value: str | None) -> dt.date | None:
    """The publication date of an input record (ISO 8601, a date or a date-time); ValueError if malformed."""
    if value in (None, ""):
        return None
    return dt.date.fromisoformat(str(value)[:10])


def events_for_text(text: str, *, date: dt.date | None = None, settings: Settings | None = None) -> list[Event]:
    """The events of a text (one or more sentences), with ``date`` as its publication date."""
    from pipeline import registry
    from pipeline.events import read_events
    from pipeline.process import run_stage

    settings = settings or get_settings()
    doc = text_document(text)
    if not text.strip():
        return []
    entities = next(s for s in registry.stages(settings) if s.name == "entities")
    doc = run_stage(doc, entities, settings)
    if doc.stage_errors:
        raise RuntimeError(doc.stage_errors[-1].message)
    return read_events(doc, settings, anchor=date).events


def stream_events(lines, *, settings: Settings | None = None):
    """``irpipe extract-events``: JSON Lines ``{id, text, date?}`` in, ``(output line, error)`` out, one per
    non-blank input line, in input order, as each is read (a generator, so the command streams).

    The output line is ``{"id", "line", "events"}`` with the events of :class:`pipeline.model.Event`
    (less the document fields ``passage_id``, ``section_id``, ``in_footnote``); a malformed line yields
    ``(None, "line N: reason [E30x]")`` and the next line is read.
    """
    import json

    from pipeline.errors import L, line_error

    settings = settings or get_settings()
    drop = {"passage_id", "section_id", "in_footnote"}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield None, line_error(L.E301, line=n, detail=exc.msg)
            continue
        if not isinstance(row, dict):
            yield None, line_error(L.E301, line=n, detail=type(row).__name__)
            continue
        if not isinstance(row.get("text"), str):
            yield None, line_error(L.E302, line=n)
            continue
        try:
            anchor = parse_date(row.get("date"))
        except (ValueError, TypeError):
            yield None, line_error(L.E303, line=n, value=row.get("date"))
            continue
        try:
            events = events_for_text(row["text"], date=anchor, settings=settings)
        except Exception as exc:  # noqa: BLE001 - one line's failure must not stop the stream
            yield None, line_error(L.E304, line=n, detail=f"{type(exc).__name__}: {exc}")
            continue
        out = {"id": row.get("id"), "line": n, "events": [e.model_dump(mode="json", exclude=drop) for e in events]}
        yield json.dumps(out, ensure_ascii=False), None
