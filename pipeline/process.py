"""The document pipeline as plain functions: ingest -> structure -> enrich stages -> export.

``flows/`` wraps each of these in a Prefect task; tests and scripts call them
directly. Each stage declares a version, recorded in the provenance and used
in cache keys, so a changed stage re-runs exactly what it affects.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from pipeline import __version__
from pipeline.export import now_iso, write_document
from pipeline.ingest import RawDocument, read_bytes, read_file_bytes
from pipeline.model import Document, Provenance, Source
from pipeline.settings import Settings, get_settings
from pipeline.structure import STAGE_VERSION as STRUCTURE_VERSION
from pipeline.structure import build_structure

INGEST_VERSION = "ingest/1.1"


@dataclass
class Ingested:
    """What ingestion hands on: the content hash is the document's identity."""

    path: str
    sha256: str
    size: int
    raw: RawDocument
    url: str | None = None


def content_id(data: bytes) -> tuple[str, str]:
    """(sha256 hex, doc_id): the doc_id is the first 16 hex digits of the SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    return sha, sha[:16]


def ingest(path: str | Path, settings: Settings | None = None, *, data: bytes | None = None, url: str | None = None) -> Ingested:
    """Read and parse one file. Raises :class:`pipeline.errors.IngestError` on bad input."""
    settings = settings or get_settings()
    p = Path(path)
    if data is None:
        data = read_file_bytes(p)
    raw = read_bytes(data, p, settings, url=url)
    sha, _ = content_id(data)
    return Ingested(path=str(path), sha256=sha, size=len(data), raw=raw, url=url)


def assemble(ing: Ingested, settings: Settings | None = None) -> Document:
    """Structure the ingested blocks into a :class:`Document` (no NLP models needed)."""
    settings = settings or get_settings()
    st = build_structure(ing.raw)
    return Document(
        doc_id=ing.sha256[:16],
        source=Source(
            path=None if ing.url else ing.path, url=ing.url, sha256=ing.sha256,
            media_type=ing.raw.media_type, bytes=ing.size, pages=ing.raw.pages,
        ),
        metadata=st.metadata,
        text=st.text,
        sections=st.sections,
        passages=st.passages,
        footnotes=st.footnotes,
        footnote_markers=st.markers,
        warnings=st.warnings,
        provenance=Provenance(
            pipeline_version=__version__,
            stages={"ingest": INGEST_VERSION, "structure": STRUCTURE_VERSION},
            stage_keys=stage_keys(ing.sha256, settings),
            settings_hash=settings.fingerprint(),
            created_at=now_iso(),
        ),
    )


Stage = Callable[[Document, Settings], Document]

# The settings each stage reads: a change re-runs that stage and the ones after it.
STAGE_SETTINGS: dict[str, tuple[str, ...]] = {
    "ingest": ("max_file_bytes", "max_pdf_pages", "min_text_chars_per_page", "accept_legacy_encodings",
               "pdf_margin_ratio", "pdf_repeat_ratio", "pdf_footnote_size_delta", "pdf_paragraph_gap"),
    "structure": (),
    "citations": (),
    "entities": ("spacy_model",),
    "events": ("spacy_model",),
    "theory": ("embedding_model", "embedding_batch_size", "theory_abstain_band"),
}


def _artifact_digest(path: str) -> str:
    p = Path(path)
    if not p.exists():
        return "missing"
    st = p.stat()
    return _digest_of(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=16)
def _digest_of(path: str, mtime_ns: int, size: int) -> str:
    """Cached per (path, mtime, size): a model retrained while a server runs gets a new digest."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:8]


def stage_versions() -> dict[str, str]:
    """Code version of every stage, with the digest of the model file it loads (a retrained model is a new version)."""
    from pipeline import citations, entities, events, theory
    from pipeline.gazetteer import RESOURCE
    from pipeline.references.parser import MODEL_FILE

    return {
        "ingest": INGEST_VERSION,
        "structure": STRUCTURE_VERSION,
        "citations": f"{citations.STAGE_VERSION}@{_artifact_digest(str(MODEL_FILE))}",
        "entities": f"{entities.STAGE_VERSION}@{_artifact_digest(str(RESOURCE))}",
        "events": events.STAGE_VERSION,
        "theory": f"{theory.STAGE_VERSION}@{_artifact_digest(str(theory.MODEL_DIR / 'theory.skops'))}",
    }


def stage_keys(sha256: str, settings: Settings) -> dict[str, str]:
    """Cache key per stage: content hash + every earlier stage's version and settings + its own."""
    keys: dict[str, str] = {}
    acc = sha256
    for name, version in stage_versions().items():
        fields = STAGE_SETTINGS[name]
        fp = settings.fingerprint(*fields) if fields else "-"
        acc = hashlib.sha256(f"{acc}|{version}|{fp}".encode()).hexdigest()
        keys[name] = acc[:24]
    return keys


def is_up_to_date(doc_json: Path | str, sha256: str, settings: Settings) -> bool:
    """True when ``doc_json`` was produced from this content by the current stages and settings."""
    from pipeline import storage

    if not storage.exists(doc_json):
        return False
    try:
        prov = json.loads(storage.read_text(doc_json)).get("provenance", {})
    except (OSError, ValueError):
        return False
    return prov.get("stage_keys") == stage_keys(sha256, settings)


def enrichment_stages() -> list[tuple[str, str, Stage]]:
    """(name, version, function) of the stages that add to a structured document, in order."""
    from pipeline import citations, entities, events, theory

    v = stage_versions()
    stages: list[tuple[str, str, Stage]] = [
        ("citations", v["citations"], citations.annotate_citations),
        ("entities", v["entities"], entities.annotate_entities),
        ("events", v["events"], events.annotate_events),
        ("theory", v["theory"], theory.annotate_theory),
    ]
    return stages


def run_stage(doc: Document, name: str, version: str, fn: Stage, settings: Settings) -> Document:
    doc = fn(doc, settings)
    doc.provenance.stages[name] = version
    return doc


def process_path(path: str | Path, output_dir: str | Path, settings: Settings | None = None) -> tuple[Document, Path | str]:
    """The whole pipeline on one file, without Prefect: returns the document and its JSON path."""
    settings = settings or get_settings()
    doc = assemble(ingest(path, settings), settings)
    for name, version, fn in enrichment_stages():
        doc = run_stage(doc, name, version, fn, settings)
    return doc, write_document(doc, output_dir)
