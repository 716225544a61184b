"""The document model: the JSON contract of ``document.json`` (pydantic v2).

Every record carries a stable id; spans are character offsets into
``Document.text`` (the document's normalised text: passages joined by a blank
line). Names listed in the foundation issue are a contract read by users'
downstream code; fields may be added, never renamed or removed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2.4.0"

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
    encoding: str | None = Field(None, description="The text encoding found (text files), with the detector's guess for legacy ones")


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
    language: str | None = Field(None, description="ISO 639-1 code of the document's language, as detected")


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
    theory: "TheoryResult | None" = None


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
    reference_ids: list[str] = Field(
        default_factory=list,
        description="ids of the references the note cites: those printed in it (origin footnote), and the earlier "
                    "reference an Ibid./ebd./a.a.O./op. cit. in it points to",
    )


# ---------------------------------------------------------------- references and citations


class Name(Record):
    """A person (``family``, ``given``) or an organisation (``literal``), CSL style."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None


class ParsedReference(Record):
    """The fields the reference parser finds in one reference string (CSL-like names)."""

    authors: list[Name] = Field(default_factory=list)
    year: int | None = None
    title: str | None = None
    container_title: str | None = None
    editors: list[Name] = Field(default_factory=list)
    publisher: str | None = None
    publisher_place: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    url: str | None = None
    doi: str | None = None
    accessed: str | None = None
    edition: str | None = None
    genre: str | None = None
    note: str | None = None
    type: str = "book"
    confidence: float | None = Field(None, description="Mean marginal probability of the parser's labels (0-1)")


class Reference(ParsedReference):
    """One entry of the reference list, or a footnote that cites a work."""

    id: str
    passage_id: str
    origin: Literal["reference_list", "footnote"]
    footnote_id: str | None = None
    number: int | None = Field(None, description="The entry's number in a numbered (Vancouver) list")
    text: str
    cited_by: list[str] = Field(default_factory=list, description="ids of the citations (or footnote:ID) that cite it")
    same_as: str | None = Field(None, description="The reference-list entry a footnote reference repeats")


class SupportEvidence(Record):
    """A passage of a cited source that the claim was compared with (offsets into the source's ``text``)."""

    source_doc_id: str
    passage_id: str
    start: int
    end: int
    quote: str
    score: float = Field(description="Combined score of this passage against the claim (0-1)")


class SupportCheck(Record):
    """One thing the claim asserts (a number, a year, a month, an actor) against the best evidence."""

    kind: Literal["number", "year", "month", "actor", "negation"]
    claim: str = Field(description="What the claim says, as written")
    evidence: str | None = Field(None, description="What the evidence says instead (contradicted) or the match found")
    result: Literal["confirmed", "contradicted", "not_stated"]


class CitationSupport(Record):
    """Does the cited source say what the citing sentence says? (pipeline/support.py)"""

    status: Literal["supported", "partial", "not_found", "unverifiable"]
    score: float | None = Field(None, description="Score of the best evidence (0-1); null when unverifiable")
    reason: str
    claim: str = Field("", description="The claim checked: the citing clause without its marker, plus a footnote's commentary")
    checks: list[SupportCheck] = Field(default_factory=list)
    evidence: list[SupportEvidence] = Field(default_factory=list, description="Best passages, best first")
    key: str = Field("", description="Cache key: the check's code and settings, the claim and the content ids of the "
                                     "linked sources; an unchanged key is not checked again")


class Citation(Record):
    """An in-text citation: author-year, a footnote marker, or a number."""

    id: str
    kind: Literal["author_year", "footnote", "numbered"]
    text: str
    passage_id: str
    start: int
    end: int
    names: list[str] = Field(default_factory=list, description="Cited surnames, folded (lower case, no accents)")
    year: int | None = None
    reference_id: str | None = None
    footnote_id: str | None = None
    status: Literal["resolved", "unresolved", "ambiguous"]
    support: CitationSupport | None = Field(None, description="Whether the cited source supports the claim (support stage)")


class CitedSource(Record):
    """A distinct URL or DOI the document cites, and what fetching it gave."""

    id: str
    url: str
    doi: str | None = None
    reference_ids: list[str] = Field(default_factory=list)
    citing_passage_ids: list[str] = Field(default_factory=list)
    status: str = Field("not_fetched", description="not_fetched, fetched, not_modified, cached, manual or failed")
    reason: str | None = None
    detail: str | None = None
    doc_id: str | None = Field(None, description="doc_id of the processed source document")
    fetched_at: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    media_type: str | None = None


class AuditFinding(Record):
    id: str
    kind: str = Field(description="unmatched_citation, ambiguous_citation, year_mismatch, uncited_reference, "
                                   "duplicate_reference, unlinked_marker, garbled_footnote, duplicate_footnote, "
                                   "footnote_numbering, unsupported_claim, contradicted_claim, ...")
    passage_id: str
    quote: str
    message: str
    citation_id: str | None = None
    reference_id: str | None = None
    footnote_id: str | None = None
    duplicate_of: str | None = None


class Audit(Record):
    findings: list[AuditFinding] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict, description="finding kind -> how many")


# ---------------------------------------------------------------- entities

MentionContext = Literal["body", "footnote", "reference", "front_matter", "heading", "citation"]


class Mention(Record):
    passage_id: str
    start: int
    end: int
    text: str
    context: MentionContext
    how: str = Field(description="How the span was recognised and normalised: name, metonym, demonym, ...")


class Entity(Record):
    id: str
    name: str
    type: str
    code: str | None = Field(None, description="Canonical actor code (ISO 3166-1 alpha-3 for states)")
    country: str | None = None
    gazetteer_id: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    body_mentions: int = 0
    in_citations_only: bool = False


class Value(Record):
    """A date, amount, quantity or percentage the NER found (the events stage reads them)."""

    passage_id: str
    start: int
    end: int
    text: str
    label: Literal["DATE", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "TIME"]


# ---------------------------------------------------------------- events


class EventActor(Record):
    code: str | None = None
    name: str


class EventDate(Record):
    raw: str
    start: str | None = Field(None, description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD, as precise as written)")
    end: str | None = None
    precision: Literal["day", "month", "year", "season", "quarter", "decade"] | None = None
    resolved_from: str | None = Field(None, description="Where a missing year came from, when not in the phrase itself")


class Quantity(Record):
    value: float | None = None
    value_max: float | None = Field(None, description="Upper end of a range ($40-50 billion)")
    unit: str | None = None
    raw: str
    approximate: bool = False


class Event(Record):
    """One political event: who did what to whom, when, with how much (PLOVER type)."""

    id: str
    type: str = Field(description="PLOVER event type")
    mode: str | None = None
    context: list[str] = Field(default_factory=list, description="PLOVER context (military, economic, ...) where the lexicon tells")
    quad_class: str | None = None
    trigger: str
    trigger_lemma: str
    actors: list[EventActor] = Field(default_factory=list)
    targets: list[EventActor] = Field(default_factory=list)
    date: EventDate | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    negated: bool = False
    hedged: bool = False
    location: str | None = None
    evidence: str
    start: int
    end: int
    rule: str | None = Field(None, description="The rule path that found the event (kind/type/actor/target), the key of its confidence")
    confidence: float = Field(description="Measured precision of the event's rule path on the development gold (0-1)")
    passage_id: str
    section_id: str | None = None
    in_footnote: bool = False


# ---------------------------------------------------------------- theory


class TheoryResult(Record):
    """A passage's theory label, calibrated scores per theory and dimension, and evidence.

    ``label`` is the model's best guess; when ``abstained`` is true a theory score lies within the
    abstention band of that theory's threshold (0.5, or the per-theory threshold the model was trained
    with) and a person is shown "uncertain", never the guess or "neither".
    """

    label: Literal["new_world_order", "complex_interdependence", "both", "neither"]
    abstained: bool = Field(False, description="a theory score within theory_abstain_band of its threshold (0.5 or the model's own): shown as uncertain")
    scores: dict[str, float] = Field(default_factory=dict)
    dimensions: dict[str, float] = Field(default_factory=dict)
    experimental_dimensions: list[str] = Field(
        default_factory=list, description="dimensions without a defensible held-out figure (see the model card)")
    evidence: str | None = None
    neighbours: list[str] = Field(default_factory=list, description="ids of the nearest training passages")
    labelled_by: Literal["model", "researcher"] = Field(
        "model", description="researcher: the label comes from the person's label file (train-theory --add)")


class TheorySummary(Record):
    """Per document: counts and shares of the shown labels (abstained passages are "uncertain")."""

    passages: int = 0
    counts: dict[str, int] = Field(default_factory=dict, description="passages per shown label, uncertain included")
    share: dict[str, float] = Field(default_factory=dict)
    abstained: int = Field(0, description="passages shown as uncertain")
    uncertain_share: float = 0.0
    per_section: dict[str, dict[str, float]] = Field(default_factory=dict)
    experimental_dimensions: list[str] = Field(default_factory=list)


# ---------------------------------------------------------------- links, stage errors, plugin annotations


class CitedBy(Record):
    """On a fetched source: a document that cites it, and from which passages."""

    doc_id: str
    passage_ids: list[str] = Field(default_factory=list)


class StageError(Record):
    """A stage that raised: the document is kept with what the other stages did."""

    stage: str
    code: str
    message: str


class Annotation(Record):
    """A record added by a stage outside the built-in set (a plugin registered in ``pipeline.registry``)."""

    id: str
    label: str
    passage_id: str | None = None
    start: int | None = None
    end: int | None = None
    score: float | None = None
    value: str | float | int | bool | None = None


class Provenance(Record):
    pipeline_version: str
    schema_version: str = SCHEMA_VERSION
    stages: dict[str, str] = Field(default_factory=dict, description="stage name -> stage version (code digest)")
    stage_keys: dict[str, str] = Field(default_factory=dict, description="stage name -> cache key (content, code, resources, settings)")
    models: dict[str, str] = Field(default_factory=dict, description="model or resource name -> version or digest")
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
    references: list[Reference] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    values: list[Value] = Field(default_factory=list, description="dates, money, quantities, percentages (NER)")
    events: list[Event] = Field(default_factory=list)
    sources: list[CitedSource] = Field(default_factory=list)
    audit: Audit = Field(default_factory=Audit)
    theory_summary: TheorySummary | None = None
    cited_by: list[CitedBy] = Field(default_factory=list)
    annotations: dict[str, list[Annotation]] = Field(
        default_factory=dict, description="stage name -> records of stages registered outside the built-in set"
    )
    stage_errors: list[StageError] = Field(default_factory=list)
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
    status: Literal["ok", "partial", "failed"]
    error: str | None = None
    error_code: str | None = None
    failed_stages: list[str] = Field(default_factory=list, description="stages that raised (status partial)")
    output: str | None = None
    processed_at: str


class Manifest(Record):
    """``<output-dir>/index.json``: one entry per input path of all runs."""

    schema_version: str = SCHEMA_VERSION
    documents: dict[str, ManifestEntry] = Field(default_factory=dict)


Passage.model_rebuild()
