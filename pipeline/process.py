"""The document pipeline as plain functions: ingest -> structure -> registered stages -> export.

This is the one runner: the Prefect flows, the CLI, the tests and the benchmarks all call
:func:`run_stage` over :func:`pipeline.registry.stages`. A stage that raises does not lose the
document: what it half-wrote is put back, the error is recorded on the document
(``stage_errors``), and the later stages run on what exists. Cache keys chain the content
hash with every stage's declaration (code digest, resources, settings), so a change re-runs
exactly the stages it affects.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__, registry
from pipeline.errors import E, IngestError, stage_error
from pipeline.export import now_iso, write_document
from pipeline.ingest import RawDocument, read_bytes, read_file_bytes
from pipeline.model import Document, Passage, Provenance, Sentence, Source
from pipeline.language import MODEL_FILE as LANGUAGE_MODEL, detect_language
from pipeline.registry import DataFile, StageSpec
from pipeline.settings import Settings, get_settings
from pipeline.structure import Structured, build_structure
from pipeline.text.chunking import SENTENCE_END_RE, split_long_blocks
from pipeline.text.identifiers import doc_id_of, sha256_hex

log = logging.getLogger("irpipe")

# The two stages every document goes through before the registered ones.
INGEST = StageSpec(
    name="ingest", func=None, adds=("source",),
    settings=("max_file_bytes", "max_text_chars", "max_pdf_pages", "min_text_chars_per_page", "accept_legacy_encodings",
              "pdf_margin_ratio", "pdf_repeat_ratio", "pdf_footnote_size_delta", "pdf_paragraph_gap",
              "pdf_max_stream_bytes", "pdf_max_decoded_bytes", "pdf_max_page_chars"),
    code=("pipeline.ingest", "pipeline.text", "pipeline.errors"),
)
STRUCTURE = StageSpec(
    name="structure", func=None, needs=("source",),
    adds=("metadata", "text", "sections", "passages", "footnotes", "footnote_markers"),
    settings=("max_passage_chars", "language_min_confidence"),
    resources=(DataFile("language-model", LANGUAGE_MODEL),) if LANGUAGE_MODEL else (),
    code=("pipeline.structure", "pipeline.references.split", "pipeline.text", "pipeline.language"),
)


@dataclass
class Ingested:
    """What ingestion hands on: the content hash is the document's identity."""

    path: str
    sha256: str
    size: int
    raw: RawDocument
    url: str | None = None


def content_id(data: bytes) -> tuple[str, str]:
    """(sha256 hex, doc_id) of some content."""
    sha = sha256_hex(data)
    return sha, doc_id_of(sha)


def document_stages(settings: Settings) -> list[StageSpec]:
    """Every stage whose declaration keys a document, in order: ingest, structure, the registered ones."""
    return [INGEST, STRUCTURE, *registry.stages(settings)]


def stage_versions(settings: Settings) -> dict[str, str]:
    """Stage name -> version: its code digest and its resources' versions (never bumped by hand)."""
    return {spec.name: spec.version(settings) for spec in document_stages(settings)}


def stage_keys(sha256: str, settings: Settings) -> dict[str, str]:
    """Cache key per stage: content hash + every earlier stage's version and settings + its own."""
    keys: dict[str, str] = {}
    acc = sha256
    for spec in document_stages(settings):
        fp = settings.fingerprint(*spec.settings) if spec.settings else "-"
        acc = hashlib.sha256(f"{acc}|{spec.version(settings)}|{fp}".encode()).hexdigest()
        keys[spec.name] = acc[:24]
    return keys


def ingest(path: str | Path, settings: Settings | None = None, *, data: bytes | None = None, url: str | None = None) -> Ingested:
    """Read and parse one file. Raises :class:`pipeline.errors.IngestError` on bad input.

    A reader that fails in a way nobody foresaw (a bug, a library's exception on odd input)
    gives an IngestError too (E013, the exception in one line), so that the user reads one
    line and the run goes on; the traceback goes to the ``irpipe`` log.
    """
    settings = settings or get_settings()
    p = Path(path)
    if data is None:
        data = read_file_bytes(p, settings.max_file_bytes)
    try:
        raw = read_bytes(data, p, settings, url=url)
    except IngestError:
        raise
    except Exception as exc:  # noqa: BLE001 - one line for the user, the traceback for the log
        log.error("reading %s failed", path, exc_info=True)
        raise IngestError(path, E.E013, detail=_one_line(exc)) from exc
    sha, _ = content_id(data)
    return Ingested(path=str(path), sha256=sha, size=len(data), raw=raw, url=url)


def _one_line(exc: BaseException) -> str:
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}".rstrip(": ")[:300]


def _plain_structure(ing: Ingested, max_passage_chars: int) -> Structured:
    """Every block as a body passage, sentences cut at sentence ends: what is left when the
    structure stage itself fails, so that the document is still written and annotated."""
    from pipeline.model import Metadata

    passages: list[Passage] = []
    pieces: list[str] = []
    cursor = 0
    for b in split_long_blocks(ing.raw.blocks, max_passage_chars):
        text = b.text.strip()
        if not text:
            continue
        if pieces:
            pieces.append("\n\n")
            cursor += 2
        cuts = [0, *(m.end(1) for m in SENTENCE_END_RE.finditer(text)), len(text)]
        sentences = [Sentence(start=cursor + a, end=cursor + len(text[a:z].rstrip()) + a)
                     for a, z in zip(cuts, cuts[1:]) if text[a:z].strip()]
        passages.append(Passage(id=f"p{len(passages) + 1:04d}", kind="body", text=text, start=cursor,
                                end=cursor + len(text), page=b.page, sentences=sentences))
        pieces.append(text)
        cursor += len(text)
    return Structured(metadata=Metadata(), text="".join(pieces), sections=[], passages=passages, footnotes=[],
                      markers=[], warnings=list(ing.raw.warnings))


def _empty_case_warnings(st: Structured) -> list[str]:
    """Say what a document lacks, so that empty tables downstream are explained, not a mystery."""
    kinds = {p.kind for p in st.passages}
    out = []
    if "body" not in kinds:
        present = ", ".join(sorted(kinds)) or "nothing"
        out.append(f"structure: no body text was found (only {present}); the stages that read body text find nothing")
    if not any(p.sentences for p in st.passages):
        out.append("structure: no sentences were found")
    return out


def assemble(ing: Ingested, settings: Settings | None = None) -> Document:
    """Structure the ingested blocks into a :class:`Document` (no NLP models needed).

    No passage is longer than ``max_passage_chars`` (longer blocks are cut at sentence ends),
    the document's language is detected from its body passages (:mod:`pipeline.language`),
    and a failure of the structure code itself still gives a document: the blocks as plain
    body passages, with the error in ``stage_errors``.
    """
    settings = settings or get_settings()
    errors = []
    try:
        st = build_structure(ing.raw, max_passage_chars=settings.max_passage_chars)
    except Exception as exc:  # noqa: BLE001 - the document survives a structure bug
        log.error("structuring %s failed", ing.path, exc_info=True)
        errors.append(stage_error("structure", exc))
        st = _plain_structure(ing, settings.max_passage_chars)
    warnings = [*ing.raw.warnings, *st.warnings]  # repeats are dropped below
    warnings.extend(_empty_case_warnings(st))
    guess = detect_language((p.text for p in st.passages if p.kind == "body"), settings.language_min_confidence,
                            front_texts=(p.text for p in st.passages if p.kind == "front_matter"))
    st.metadata.language = guess.language
    if guess.language is None and any(p.kind in ("body", "front_matter") for p in st.passages):
        warnings.append(f"language: unknown, so every stage runs: {guess.reason}")
    return Document(
        doc_id=doc_id_of(ing.sha256),
        source=Source(
            path=None if ing.url else ing.path, url=ing.url, sha256=ing.sha256,
            media_type=ing.raw.media_type, bytes=ing.size, pages=ing.raw.pages,
            encoding=getattr(ing.raw, "encoding", None),
        ),
        metadata=st.metadata,
        text=st.text,
        sections=st.sections,
        passages=st.passages,
        footnotes=st.footnotes,
        footnote_markers=st.markers,
        warnings=list(dict.fromkeys(warnings)),
        stage_errors=errors,
        provenance=Provenance(
            pipeline_version=__version__,
            stages={s.name: f"{s.name}@{s.code_version()}" if not (errors and s is STRUCTURE) else f"{s.name}@failed"
                    for s in (INGEST, STRUCTURE)},
            stage_keys=stage_keys(ing.sha256, settings),
            settings_hash=settings.fingerprint(),
            created_at=now_iso(),
        ),
    )


def _top_fields(spec: StageSpec) -> list[str]:
    return list(dict.fromkeys(a.split(".", 1)[0] for a in spec.adds))


def run_stage(doc: Document, spec: StageSpec, settings: Settings) -> Document:
    """Run one registered stage on ``doc``; never raises for what the stage does.

    A stage declared for some languages is skipped, with a warning, on a document detected
    to be in another. A stage that raises leaves the fields it declares in ``adds`` as they
    were, and the error is recorded in ``doc.stage_errors`` with its code.
    """
    lang = doc.metadata.language
    if spec.languages is not None and lang and lang not in spec.languages:
        doc.warnings.append(f"{spec.name}: skipped for a document in '{lang}' (the stage reads {', '.join(spec.languages)})")
        doc.provenance.stages[spec.name] = f"{spec.name}@skipped:{lang}"
        return doc
    saved = {f: copy.deepcopy(getattr(doc, f)) for f in _top_fields(spec)}
    try:
        out = spec.func(doc, settings)
    except Exception as exc:  # a stage's bug or limit must not lose the document
        for f, value in saved.items():
            setattr(doc, f, value)
        doc.stage_errors = [e for e in doc.stage_errors if e.stage != spec.name]
        doc.stage_errors.append(stage_error(spec.name, exc))
        doc.provenance.stages[spec.name] = f"{spec.name}@failed"
        return doc
    doc = out if out is not None else doc
    doc.provenance.stages[spec.name] = f"{spec.name}@{spec.code_version()}"
    for name, version in spec.resource_versions(settings).items():
        doc.provenance.models.setdefault(name, version)
    return doc


def run_stages(doc: Document, settings: Settings, stages: list[StageSpec] | None = None) -> Document:
    """Every registered stage, in order, on a structured document."""
    for spec in stages if stages is not None else registry.stages(settings):
        doc = run_stage(doc, spec, settings)
    return doc


def process_file(path: str | Path, settings: Settings | None = None, *, data: bytes | None = None,
                 url: str | None = None) -> Document:
    """The whole pipeline on one file, in memory. Raises IngestError only for unreadable input."""
    settings = settings or get_settings()
    return run_stages(assemble(ingest(path, settings, data=data, url=url), settings), settings)


def process_path(path: str | Path, output_dir: str | Path, settings: Settings | None = None) -> tuple[Document, Path | str]:
    """The whole pipeline on one file, without Prefect: returns the document and its JSON path."""
    doc = process_file(path, settings)
    return doc, write_document(doc, output_dir)


def is_up_to_date(doc_json: Path | str, sha256: str, settings: Settings) -> bool:
    """True when ``doc_json`` was produced from this content by the current stages and settings.

    The stage keys come from the output folder's store (:meth:`pipeline.store.Store.stage_keys`), one
    indexed row, not from parsing the document. A document written before the store existed is read
    once and its keys recorded.
    """
    from pipeline import storage
    from pipeline.store import open_store

    if not storage.exists(doc_json):
        return False
    store = open_store(storage.parent(storage.parent(doc_json)))
    doc_id = storage.name(storage.parent(doc_json))
    keys = store.stage_keys(doc_id)
    if keys is None:
        try:
            prov = json.loads(storage.read_text(doc_json)).get("provenance", {})
        except (OSError, ValueError):
            return False
        keys = prov.get("stage_keys") or {}
        if keys:
            store.remember_document(doc_id, str(doc_json), sha256, keys)
    return keys == stage_keys(sha256, settings)


__all__ = ["INGEST", "STRUCTURE", "Ingested", "assemble", "content_id", "document_stages", "ingest",
           "is_up_to_date", "process_file", "process_path", "run_stage", "run_stages", "stage_keys", "stage_versions"]
