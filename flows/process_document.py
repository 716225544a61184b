"""The ``process-document`` flow (one document) and ``process-corpus`` (many, one subflow each).

Tasks are thin: each calls one plain function of :mod:`pipeline.process`. The enrichment
tasks are one per registered stage, cached by the stage's key (content + every earlier
stage's code, resources and settings), so a re-run executes only what changed.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed

from flows.results import result_storage
from pipeline import registry, storage
from pipeline.errors import E, IngestError
from pipeline.export import document_path, load_document, now_iso, record_result, sweep_partials, write_document
from pipeline.model import Document, ManifestEntry
from pipeline.process import Ingested, assemble, ingest, is_up_to_date, run_stage, stage_keys
from pipeline.settings import Settings, get_settings
from pipeline.store import open_store
from pipeline.text.identifiers import doc_id_of

from flows.workers import WarmPool, crashed, lost_worker, outcome, process_one, summarise, worker_count

log = logging.getLogger("irpipe")

# How many times each stage function really ran in this process (cache hits do not count).
EXECUTED: Counter[str] = Counter()


def _file_sha(path: str) -> str:
    """SHA-256 of a file, read in chunks (a 2 GiB file must not cost 2 GiB to be named)."""
    import hashlib

    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return "unreadable:" + path


def _ingest_key(context, parameters) -> str:
    # content hash + ingest code and settings + the path (an error names its file; see issue on caches)
    return ("ingest-" + stage_keys(_file_sha(parameters["path"]), parameters["settings"])["ingest"]
            + str(parameters.get("url")) + "|" + str(parameters["path"]))


def _structure_key(context, parameters) -> str:
    ing = parameters["ing"]
    return "structure-" + stage_keys(ing.sha256, parameters["settings"])["structure"] + str(ing.url) + "|" + ing.path


def _stage_key(context, parameters) -> str:
    name, doc = parameters["name"], parameters["doc"]
    where = doc.source.url or doc.source.path
    return f"{name}-" + stage_keys(doc.source.sha256, parameters["settings"])[name] + "|" + str(where)


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


@task(name="stage", cache_key_fn=_stage_key, persist_result=True)
def stage_task(doc: Document, name: str, settings: Settings) -> Document:
    """One registered stage (its errors are recorded on the document by the runner, not raised)."""
    EXECUTED[name] += 1
    spec = next(s for s in registry.stages(settings) if s.name == name)
    return run_stage(doc, spec, settings)


@task(name="write", cache_policy=NO_CACHE)
def write_task(doc: Document, output_dir: str) -> str:
    return str(write_document(doc, output_dir))


@flow(name="process-document", flow_run_name="process-document: {path}", log_prints=False)
def process_document(path: str, output_dir: str, settings: Settings | None = None, url: str | None = None):
    """Process one document; an unreadable one ends as a Failed state with the reason."""
    settings = settings or get_settings()
    store = result_storage(settings.result_storage)
    ingest_t, structure_t, stage_t, write_t = (
        (t.with_options(result_storage=store) if store is not None else t)
        for t in (ingest_task, structure_task, stage_task, write_task)
    )
    ing = ingest_t(path, settings, url)
    if isinstance(ing, IngestError):
        return Failed(message=str(ing), data=ing)
    doc = structure_t(ing, settings)
    for spec in registry.stages(settings):
        doc = stage_t.with_options(name=spec.name)(doc, spec.name, settings)
    out = write_t(doc, output_dir)
    return Completed(message=out, data=outcome(path, doc, out))


def manifest_entry(result: dict) -> ManifestEntry:
    return ManifestEntry(path=result["path"], doc_id=result.get("doc_id"), status=result["status"],
                         error=result.get("error"), error_code=result.get("error_code"),
                         failed_stages=result.get("failed_stages", []), output=result.get("output"),
                         processed_at=now_iso())


@task(name="process-document-task", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def document_task(path: str, output_dir: str, settings: Settings) -> dict:
    """The whole document pipeline as one task, for distributed runners (Dask): inputs and results pickle."""
    return process_one(path, output_dir, settings)


def dask_runner(address: str | None = None, n_workers: int = 2):
    """prefect-dask's DaskTaskRunner on a scheduler address, or a LocalCluster of ``n_workers`` processes."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True})


def _skipped(path: str, sha: str, done) -> dict:
    """An unchanged document's record, from what the store said: its document.json is not opened (an
    unchanged re-run of a large corpus must cost a hash and an indexed row per file, not a parse)."""
    return {"path": path, "status": "ok", "doc_id": doc_id_of(sha), "skipped": True, "output": str(done), "summary": {}}


def _unchanged(path: str, out, settings: Settings) -> tuple[str, dict | None]:
    """The file's content hash, and its skipped record when its document.json is up to date (else None)."""
    sha = _file_sha(path)
    done = document_path(out, doc_id_of(sha))
    return sha, (_skipped(path, sha, done) if is_up_to_date(done, sha, settings) else None)


def answer_unchanged(paths: list[str], output_dir: str, offline: bool = False) -> list[dict] | None:
    """The records of ``paths`` when none of them needs work (content, stages and settings as when its
    document.json was written), else None: the caller then runs :func:`process_corpus`.

    A plain function, called before the flow: an unchanged corpus is answered from the store (a hash and
    an indexed row per file, as the flow's own check) without starting Prefect's API, which alone costs
    10-25 s a command (most of an unchanged re-run, BENCHMARKS.md). The run is recorded in the store like
    a flow run; the corpus tables are checked (a stat per document) and left as they are.
    """
    if storage.is_url(output_dir):
        return None
    out = Path(output_dir)
    store = open_store(out)
    if not store.exists():
        return None
    settings = get_settings().model_copy(update={"offline": offline})
    results: list[dict] = []
    for path in paths:
        _sha, skipped = _unchanged(path, out, settings)
        if skipped is None:
            return None
        results.append(skipped)
    store.verify()
    run_id = store.begin_run("process-corpus", documents=len(paths))
    record_result(out, *(manifest_entry(r) for r in results))
    from pipeline.datasets import build_datasets

    if build_datasets(output_dir)["rebuilt_documents"] or not (out / "events.csv").exists():
        write_cumulative_events_csv(output_dir)
    store.end_run(run_id, "done", skipped=len(results), ok=len(results), partial=0, failed=0)
    log.info("process-corpus: %d documents unchanged; no flow run needed", len(results))
    return results


@flow(name="process-corpus", log_prints=False)
def process_corpus(paths: list[str], output_dir: str, offline: bool = False, show_progress: bool = False,
                   runner: str | None = None) -> list[dict]:
    """Process ``paths``; one failure never stops the others.

    ``runner`` (default ``settings.runner``): ``auto`` sends a batch of at least ``parallel_min_documents``
    documents to do to a local cluster of warm worker processes (:mod:`flows.workers`) and keeps a smaller
    one in-process; ``local`` runs ``process-document`` as a subflow per file in this process; ``dask``
    runs one task per file on the flow's Dask task runner."""
    settings = get_settings().model_copy(update={"offline": offline})
    runner = runner or settings.runner
    out = output_dir if storage.is_url(output_dir) else Path(output_dir)
    storage.makedirs(out)
    store = open_store(out)
    store.verify()  # a damaged or foreign corpus state stops the run before anything is written
    sweep_partials(out)  # only temporaries no live process holds: a concurrent run's are safe
    run_id = store.begin_run("process-corpus", documents=len(paths))
    try:
        results = _process_all(paths, output_dir, out, settings, show_progress, runner)
    except BaseException:
        store.end_run(run_id, "interrupted")
        raise
    counts = {s: sum(1 for r in results if r["status"] == s) for s in ("ok", "partial", "failed")}
    store.end_run(run_id, "done", skipped=sum(1 for r in results if r.get("skipped")), **counts)
    return results


def _process_all(paths: list[str], output_dir: str, out, settings: Settings, show_progress: bool,
                 runner: str) -> list[dict]:
    results: list[dict] = []
    progress = None
    if show_progress and len(paths) > 1:
        from rich.progress import Progress

        progress = Progress(transient=True)
        progress.start()
        bar = progress.add_task("documents", total=len(paths))
    todo: list[str] = []
    shas: dict[str, str] = {}
    skipped: list[ManifestEntry] = []
    for path in paths:
        shas[path], done = _unchanged(path, out, settings)
        if done is not None:  # unchanged content, stages and settings: nothing to run
            results.append(done)
            skipped.append(manifest_entry(done))
            if progress is not None:
                progress.advance(bar)
        else:
            todo.append(path)
    record_result(out, *skipped)  # one transaction (and one index.json) for all the skipped
    # a URL output stays in-process: a memory:// folder is per process, and a remote one is for --runner dask
    n_workers = worker_count(len(todo), settings) if runner == "auto" and not storage.is_url(output_dir) else 1
    try:
        if n_workers > 1:
            results.extend(_process_parallel(todo, output_dir, out, settings, n_workers, shas,
                                             (lambda: progress.advance(bar)) if progress is not None else None))
            todo = []
        if runner == "dask":
            futures = [document_task.submit(p, output_dir, settings) for p in todo]
            for f in futures:
                results.append(_with_content_id(f.result(), shas))
                record_result(out, manifest_entry(results[-1]))
            todo = []
        for path in todo:
            state = process_document(path, output_dir, settings, return_state=True)
            if state.is_failed():
                err = state.result(raise_on_failure=False)
                if isinstance(err, IngestError):
                    failure = {"path": path, "status": "failed", "error": str(err), "error_code": err.code}
                else:
                    failure = crashed(path, err if isinstance(err, BaseException) else None, state.message)
                results.append(_with_content_id(failure, shas))
            else:
                results.append(state.result())
            record_result(out, manifest_entry(results[-1]))
            if progress is not None:
                progress.advance(bar)
    finally:
        if progress is not None:
            progress.stop()
    datasets_task(output_dir)
    write_tables_task(output_dir)
    return results


def _process_parallel(todo: list[str], output_dir: str, out, settings: Settings, n_workers: int,
                      shas: dict[str, str], advance) -> list[dict]:
    """``todo`` on a local cluster of ``n_workers`` warm processes (:class:`flows.workers.WarmPool`), each
    result recorded as it arrives (a killed run keeps what finished). Results come back in input order."""
    from distributed import as_completed

    by_future = {}
    results: dict[str, dict] = {}
    with WarmPool(n_workers, settings) as pool:
        log.info("process-corpus: %d documents on %d worker processes (models loaded in %s s)", len(todo), n_workers,
                 ", ".join(f"{s:.1f}" for s in pool.warm_seconds))
        for path in todo:
            by_future[pool.submit(path, output_dir, settings)] = path
        for fut in as_completed(list(by_future)):
            path = by_future[fut]
            try:
                result = fut.result()
            except Exception as exc:  # noqa: BLE001 - the worker died under this document
                result = lost_worker(path, exc)
            results[path] = _with_content_id(result, shas)
            record_result(out, manifest_entry(results[path]))
            if advance is not None:
                advance()
    return [results[p] for p in todo]


def _with_content_id(result: dict, shas: dict[str, str]) -> dict:
    """A failed result names its content (doc_id of the bytes that failed), so the inbox retries a file
    replaced by a fixed one under the same name, and not the same bad bytes again."""
    sha = shas.get(result["path"], "")
    if result["status"] == "failed" and not result.get("doc_id") and not sha.startswith("unreadable:") and sha:
        result["doc_id"] = doc_id_of(sha)
    return result


@task(name="datasets", cache_policy=NO_CACHE)
def datasets_task(output_dir: str) -> dict:
    """Corpus tables (Parquet, JSON Lines, DuckDB), rebuilt for the documents that changed."""
    from pipeline.datasets import build_datasets

    return build_datasets(output_dir)


@task(name="events-table", cache_policy=NO_CACHE)
def write_tables_task(output_dir: str) -> str:
    """``<output_dir>/events.csv``: the events of every document of the output folder (cumulative), from the
    corpus events table just built, so no document.json is read again."""
    return str(write_cumulative_events_csv(output_dir))


def write_cumulative_events_csv(output_dir: str):
    """events.csv from ``datasets/events.parquet`` (the same columns, lists joined by ";")."""
    import csv
    import io

    from pipeline.datasets import _csv_cell
    from pipeline.export import atomic_write_text
    from pipeline.settings import PROJECT_ROOT
    from pipeline.tables import EventRow
    from pipeline.text.identifiers import short_digest

    ds = (PROJECT_ROOT / ".cache" / "datasets" / short_digest(str(output_dir))) if storage.is_url(output_dir) \
        else Path(output_dir) / "datasets"
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(EventRow.model_fields), extrasaction="ignore")
    writer.writeheader()
    if (ds / "events.parquet").exists():
        import pyarrow.parquet as pq

        for row in pq.read_table(ds / "events.parquet").to_pylist():
            writer.writerow({k: _csv_cell(row.get(k)) for k in EventRow.model_fields})
    path = storage.join(output_dir, "events.csv")
    atomic_write_text(path, buf.getvalue())
    return path
