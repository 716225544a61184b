"""The ``process-document`` flow (one document) and ``process-corpus`` (many, one subflow each)."""

from __future__ import annotations

import re
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from pipeline.errors import IngestError
from pipeline.export import now_iso, record_result, sweep_partials, write_document
from pipeline.model import Document, ManifestEntry
from pipeline.process import Ingested, assemble, enrichment_stages, ingest, run_stage
from pipeline.settings import Settings, get_settings


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_task(path: str, settings: Settings, url: str | None = None) -> Ingested | IngestError:
    """Bad input is an expected outcome, returned (not raised) so it is reported in one line."""
    try:
        return ingest(path, settings, url=url)
    except IngestError as err:
        return err


@task(name="structure", cache_policy=NO_CACHE)
def structure_task(ing: Ingested, settings: Settings) -> Document:
    return assemble(ing, settings)


@task(name="enrich", cache_policy=NO_CACHE)
def stage_task(doc: Document, name: str, settings: Settings) -> Document:
    for stage_name, version, fn in enrichment_stages():
        if stage_name == name:
            return run_stage(doc, stage_name, version, fn, settings)
    raise KeyError(name)


@task(name="write", cache_policy=NO_CACHE)
def write_task(doc: Document, output_dir: str) -> str:
    return str(write_document(doc, Path(output_dir)))


@flow(name="process-document", flow_run_name="process-document: {path}", log_prints=False)
def process_document(path: str, output_dir: str, settings: Settings | None = None, url: str | None = None):
    """Process one document; an unreadable one ends as a Failed state with the reason."""
    settings = settings or get_settings()
    ing = ingest_task(path, settings, url)
    if isinstance(ing, IngestError):
        return Failed(message=str(ing), data=ing)
    doc = structure_task(ing, settings)
    for name, _version, _fn in enrichment_stages():
        doc = stage_task.with_options(name=name)(doc, name, settings)
    out = write_task(doc, output_dir)
    return Completed(message=out, data={"doc_id": doc.doc_id, "output": out, "summary": summarise(doc)})


def summarise(doc: Document) -> dict:
    kinds: dict[str, int] = {}
    for p in doc.passages:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    return {
        "title": doc.metadata.title,
        "sections": len(doc.sections),
        "passages": kinds,
        "footnotes": len(doc.footnotes),
        "references": len(doc.references),
        "citations": len(doc.citations),
        "entities": len(doc.entities),
        "events": len(doc.events),
    }


@flow(name="process-corpus", log_prints=False)
def process_corpus(paths: list[str], output_dir: str, offline: bool = False, show_progress: bool = False) -> list[dict]:
    """Run ``process-document`` as a subflow per file; one failure never stops the others."""
    settings = get_settings().model_copy(update={"offline": offline})
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    sweep_partials(out)
    results: list[dict] = []
    progress = None
    if show_progress and len(paths) > 1:
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        bar = progress.add_task("documents", total=len(paths))
    try:
        for path in paths:
            state = process_document(path, output_dir, settings, return_state=True)
            if state.is_failed():
                message = state.message or "failed"
                code = re.search(r"\[(E\d{3})\]$", message)
                entry = ManifestEntry(path=path, status="failed", error=message,
                                      error_code=code.group(1) if code else None, processed_at=now_iso())
                results.append({"path": path, "status": "failed", "error": message})
            else:
                data = state.result()
                entry = ManifestEntry(path=path, doc_id=data["doc_id"], status="ok", output=data["output"],
                                      processed_at=now_iso())
                results.append({"path": path, "status": "ok", **data})
            record_result(out, entry)
            if progress is not None:
                progress.advance(bar)
    finally:
        if progress is not None:
            progress.stop()
    write_tables_task([r["output"] for r in results if r["status"] == "ok"], output_dir)
    datasets_task(output_dir)
    return results


@task(name="datasets", cache_policy=NO_CACHE)
def datasets_task(output_dir: str) -> dict:
    """Corpus tables (Parquet, JSON Lines, DuckDB), rebuilt for the documents that changed."""
    from pipeline.datasets import build_datasets

    return build_datasets(output_dir)


@task(name="events-table", cache_policy=NO_CACHE)
def write_tables_task(doc_paths: list[str], output_dir: str) -> str:
    """The run's events table: ``<output_dir>/events.csv``."""
    from pipeline.events import write_events_table
    from pipeline.export import load_document

    path = Path(output_dir) / "events.csv"
    write_events_table([load_document(Path(p)) for p in doc_paths], path)
    return str(path)
