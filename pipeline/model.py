"""The document model: the JSON contract of ``document.json`` (pydantic v2).

Every record carries a stable id; spans are character offsets into
``Document.text`` (the document's normalised text: passages joined by a blank
line). Names listed in the foundation issue are a contract read by users'
downstream code; fields may be added, never renamed or removed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.1.0"

PassageKind = Literal["heading", "body", "footnote", "reference", "front_matter"]


class Record(BaseModel):
    """Base of every JSON record: unknown fields are an error, not silently kept."""

    model_config = ConfigDict(extra="forbid")


class Source(Record):
    path: str | None = None
    url: str | None = None
    sha256: str
    media_type: Literal["application/pdf", "text/markdown", "text/html", "text/plain"]
    bytes: int = 0
    pages: int | None = None


class Author(Record):
    name: str
    affiliation: str | None = None
    email: str | None = None


class Metadata(Record):
    title: str | None = None
    authors: list[Author] = Field(default_factory=list)
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    doi: str | None = None
    issn: str | None = None
    keywords: list[str] = Field(default_factory=list)
    abstract: str | None = None


class Section(Record):
    id: str
    heading: str
    level: int
    numbering: str | None = None
    kind: Literal["front_matter", "abstract", "body", "references", "appendix"] = "body"
    passage_id: str | None = None
    parent_id: str | None = None


class Sentence(Record):
    start: int
    end: int


class Passage(Record):
    id: str
    kind: PassageKind
    section_id: str | None = None
    text: str
    start: int
    end: int
    page: int | None = None
    sentences: list[Sentence] = Field(default_factory=list)
    footnote_id: str | None = None
    theory: dict | None = None


class FootnoteMarker(Record):
    """Where a footnote is called from: a zero-width point (``offset``) in a passage."""

    id: str
    passage_id: str
    offset: int
    number: int
    footnote_id: str | None = None


class Footnote(Record):
    id: str
    number: int | None
    passage_id: str
    page: int | None = None
    block: int = Field(0, description="Footnote block (page) the note was printed in")
    number_inferred: bool = False
    flags: list[Literal["garbled", "duplicate", "number_inferred", "unlinked", "spans_pages"]] = Field(
        default_factory=list
    )
    duplicate_of: str | None = None
    duplicates: int = Field(0, description="Identical copies of this note folded into it")
    markers: list[str] = Field(default_factory=list, description="ids of the markers that call it")


class Provenance(Record):
    pipeline_version: str
    schema_version: str = SCHEMA_VERSION
    stages: dict[str, str] = Field(default_factory=dict, description="stage name -> stage version")
    stage_keys: dict[str, str] = Field(default_factory=dict, description="stage name -> cache key (content, versions, settings)")
    models: dict[str, str] = Field(default_factory=dict, description="model name -> version")
    settings_hash: str
    created_at: str


class Document(Record):
    """One processed document: the content of ``<output-dir>/<doc_id>/document.json``."""

    schema_version: str = SCHEMA_VERSION
    doc_id: str
    source: Source
    metadata: Metadata = Field(default_factory=Metadata)
    text: str = ""
    sections: list[Section] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    footnote_markers: list[FootnoteMarker] = Field(default_factory=list)
    references: list[dict] = Field(default_factory=list)
    citations: list[dict] = Field(default_factory=list)
    entities: list[dict] = Field(default_factory=list)
    values: list[dict] = Field(default_factory=list, description="dates, money, quantities, percentages (NER)")
    events: list[dict] = Field(default_factory=list)
    sources: list[dict] = Field(default_factory=list)
    audit: dict = Field(default_factory=dict)
    theory_summary: dict = Field(default_factory=dict)
    cited_by: list[dict] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    provenance: Provenance

    def passage(self, passage_id: str) -> Passage:
        for p in self.passages:
            if p.id == passage_id:
                return p
        raise KeyError(passage_id)

    def body_passages(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "body"]


class ManifestEntry(Record):
    path: str
    doc_id: str | None = None
    status: Literal["ok", "failed"]
    error: str | None = None
    error_code: str | None = None
    output: str | None = None
    processed_at: str


class Manifest(Record):
    """``<output-dir>/index.json``: one entry per input path of all runs."""

    schema_version: str = SCHEMA_VERSION
    documents: dict[str, ManifestEntry] = Field(default_factory=dict)
