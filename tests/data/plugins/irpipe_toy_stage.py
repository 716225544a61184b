"""A toy plugin stage, in one file: it marks long body passages and counts their words.

Registered through the registry alone (``IRPIPE_STAGE_MODULES='["irpipe_toy_stage"]'``):
no other file of irpipe knows it. Used by ``tests/test_registry.py``.
"""

from __future__ import annotations

from pipeline.model import Annotation, Document
from pipeline.registry import TableSpec, stage
from pipeline.settings import Settings
from pipeline.tables import Row

# A passage of this many words or more is "long".
LONG_PASSAGE_WORDS = 60


class PassageLengthRow(Row):
    doc_id: str
    passage_id: str
    words: int


def length_rows(doc: Document) -> list[PassageLengthRow]:
    return [PassageLengthRow(doc_id=doc.doc_id, passage_id=a.passage_id, words=int(a.value))
            for a in doc.annotations.get("toy", [])]


@stage("toy", needs=("passages",), adds=("annotations.toy",),
       tables=(TableSpec("toy_lengths", PassageLengthRow, length_rows),))
def mark_long_passages(doc: Document, settings: Settings) -> Document:
    records = []
    for p in doc.body_passages():
        words = len(p.text.split())
        records.append(Annotation(id=f"toy{len(records) + 1:03d}", passage_id=p.id, start=p.start, end=p.end,
                                  label="long" if words >= LONG_PASSAGE_WORDS else "short", value=words))
    doc.annotations["toy"] = records
    return doc
