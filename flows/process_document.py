"""The ``process-document`` flow (one document) and ``process-corpus`` (many, one subflow each)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from pipeline.errors import IngestError
from pipeline import storage
from pipeline.export import document_path, load_document, now_iso, record_result, sweep_partials, write_document
from pipeline.model import Document, ManifestEntry
from pipeline.process import Ingested, assemble, enrichment_stages, ingest, is_up_to_date, run_stage, stage_keys
from pipeline.settings import Settings, get_settings

# How many times each stage function really ran in this process (cache hits do not count).
EXECUTED: Counter[str] = Counter()


def _file_sha(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable:" + path


def _ingest_key(context, parameters) -> str:
    # content hash + ingest version + ingest settings (Prefect's default would only cache within one run)
    return "ingest-" + stage_keys(_file_sha(parameters["path"]), parameters["settings"])["ingest"] + str(parameters.get("url"))


def _structure_key(context, parameters) -> str:
    return "structure-" + stage_keys(parameters["ing"].sha256, parameters["settings"])["structure"] + str(parameters["ing"].url)


def _stage_key(context, parameters) -> str:
    name = parameters["name"]
    return f"{name}-" + stage_keys(parameters["doc"].source.sha256, parameters["settings"])[name] + str(parameters["doc"].source.url)


@task(name="ingest", cache_key_fn=_ingest_key, persist_result=True, retries=1, retry_delay_seconds=2)
def ingest_task(path: str, settings: Settings, url: str | None = None) -> Ingested | IngestError:
    """Bad input is an expected outcome, returned (not raised) so it is reported in one line."""
    EXECUTED["ingest"] += 1
    try:
        return ingest(path, settings, url=url)
    except IngestError as err:
        return err


@task(name="structure", cache_key_fn=_structure_key, persist_result=True)
def structure_task(ing: Ingested, settings: Settings) -> Document:
    EXECUTED["structure"] += 1
    return assemble(ing, settings)


@task(name="enrich", cache_key_fn=_stage_key, persist_result=True, retries=1, retry_delay_seconds=2)
def stage_task(doc: Document, name: str, settings: Settings) -> Document:
    EXECUTED[name] += 1
    for stage_name, version, fn in enrichment_stages():
        if stage_name == name:
            return run_stage(doc, stage_name, version, fn, settings)
    raise KeyError(name)


@task(name="write", cache_policy=NO_CACHE)
def write_task(doc: Document, output_dir: str) -> str:
    return str(write_document(doc, output_dir))


@flow(name="process-document", flow_run_name="process-document: {path}", log_prints=False)
def process_document(path: str, output_dir: str, settings: Settings | None = None, url: str | None = None):
    """Process one document; an unreadable one ends as a Failed state with the reason."""
    settings = settings or get_settings()
    store = storage.result_storage(settings.result_storage)
    ingest_t, structure_t, stage_t, write_t = (
        (t.with_options(result_storage=store) if store is not None else t)
        for t in (ingest_task, structure_task, stage_task, write_task)
    )
    ing = ingest_t(path, settings, url)
    if isinstance(ing, IngestError):
        return Failed(message=str(ing), data=ing)
    doc = structure_t(ing, settings)
    for name, _version, _fn in enrichment_stages():
        doc = stage_t.with_options(name=name)(doc, name, settings)
    out = write_t(doc, output_dir)
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


@task(name="process-document-task", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def document_task(path: str, output_dir: str, settings: Settings) -> dict:
    """The whole document pipeline as one task, for distributed runners (Dask): inputs and results pickle."""
    from pipeline.process import process_path

    try:
        doc, out = process_path(path, output_dir, settings)
    except IngestError as err:
        return {"path": path, "status": "failed", "error": str(err), "error_code": err.code}
    return {"path": path, "status": "ok", "doc_id": doc.doc_id, "output": str(out), "summary": summarise(doc)}


def dask_runner(address: str | None = None, n_workers: int = 2):
    """prefect-dask's DaskTaskRunner on a scheduler address, or a LocalCluster of ``n_workers`` processes."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})


@flow(name="process-corpus", log_prints=False)
def process_corpus(paths: list[str], output_dir: str, offline: bool = False, show_progress: bool = False,
                   runner: str = "local") -> list[dict]:
    """Run ``process-document`` as a subflow per file (``runner="dask"``: one task per file on the
    flow's Dask task runner); one failure never stops the others."""
    settings = get_settings().model_copy(update={"offline": offline})
    out = output_dir if storage.is_url(output_dir) else Path(output_dir)
    storage.makedirs(out)
    sweep_partials(out)
    results: list[dict] = []
    progress = None
    if show_progress and len(paths) > 1:
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        bar = progress.add_task("documents", total=len(paths))
    if runner == "dask":
        todo = []
        for path in paths:
            sha = _file_sha(path)
            if is_up_to_date(document_path(out, sha[:16]), sha, settings):
                results.append({"path": path, "status": "ok", "doc_id": sha[:16], "skipped": True,
                                "output": str(document_path(out, sha[:16])), "summary": {}})
            else:
                todo.append(path)
        futures = [document_task.submit(p, output_dir, settings) for p in todo]
        results.extend(f.result() for f in futures)
        for r in results:
            record_result(out, ManifestEntry(path=r["path"], doc_id=r.get("doc_id"), status=r["status"],
                                             error=r.get("error"), error_code=r.get("error_code"),
                                             output=r.get("output"), processed_at=now_iso()))
        paths = []
    try:
        for path in paths:
            sha = _file_sha(path)
            done = document_path(out, sha[:16])
            if is_up_to_date(done, sha, settings):
                # unchanged content, stages and settings: nothing to run
                entry = ManifestEntry(path=path, doc_id=sha[:16], status="ok", output=str(done), processed_at=now_iso())
                record_result(out, entry)
                results.append({"path": path, "status": "ok", "doc_id": sha[:16], "output": str(done),
                                "skipped": True, "summary": summarise(load_document(done))})
                if progress is not None:
                    progress.advance(bar)
                continue
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

    path = storage.join(output_dir, "events.csv")
    write_events_table([load_document(p) for p in doc_paths], path)
    return str(path)


@flow(name="refresh-corpus", log_prints=False)
def refresh_corpus(output_dir: str, offline: bool = False, inbox: str | None = None) -> dict:
    """Re-process what changed (content, stage versions, settings), re-fetch sources conditionally, rebuild datasets."""
    from flows.fetch_sources import fetch_sources
    from pipeline.export import read_manifest

    manifest = read_manifest(output_dir)
    paths = sorted({p for p, e in manifest.documents.items() if "://" not in p and Path(p).exists()})
    if inbox and Path(inbox).exists():
        paths = sorted(set(paths) | {str(f) for f in Path(inbox).iterdir() if f.is_file() and not f.name.startswith(".")})
    before = dict(EXECUTED)
    results = process_corpus(paths, output_dir, offline=offline) if paths else []
    fetched = fetch_sources(None, output_dir, offline=offline)
    ran = {k: EXECUTED[k] - before.get(k, 0) for k in EXECUTED if EXECUTED[k] - before.get(k, 0)}
    return {"documents": len(results), "skipped": sum(1 for r in results if r.get("skipped")),
            "failed": sum(1 for r in results if r["status"] == "failed"), "stages_run": ran, "sources": fetched}