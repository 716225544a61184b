"""The ``fetch-sources`` flow: fetch each cited source, process it as a document, link both ways,
then check each citation's claim against the sources it cites (the support stage, run again now
that the sources' text exists).

The link article -> source lives in the output folder's store (:meth:`pipeline.store.Store.link`);
the source's ``cited_by`` is rebuilt from it whenever the source's ``document.json`` is written, so
several articles citing one source all stay listed, whichever of them is processed again.
"""

from __future__ import annotations

import sys

from prefect import flow, task
from prefect.concurrency.sync import concurrency
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.process_document import datasets_task, process_document
from pipeline import storage
from pipeline.export import document_path, load_document, now_iso, read_manifest, record_result, write_document
from pipeline.model import Document, ManifestEntry
from pipeline.settings import Settings, get_settings
from pipeline.fetch import Fetcher, FetchResult, source_url
from pipeline.store import open_store


FETCH_LIMIT = "irpipe-fetch"


@task(name="fetch-source", cache_policy=NO_CACHE)
def fetch_task(fetcher: Fetcher, url: str, offline: bool) -> FetchResult:
    local = fetcher.without_network(url, offline=offline)
    if local is not None:
        return local  # no request: no slot needed
    # a global concurrency limit: every flow run and every served process share its slots
    with concurrency(FETCH_LIMIT, occupy=1):
        return fetcher.fetch(url, offline=offline)


@task(name="check-support", cache_policy=NO_CACHE)
def support_task(article: Document, output_dir: str, settings: Settings) -> Document:
    """The support stage again, now that the article's sources are processed: each citation's claim
    against the text of the sources it cites (:func:`pipeline.support.check_article`). Not cached
    here: each verdict carries a key over the claim and the linked sources' content ids, and only
    the citations whose key changed are checked again."""
    from pipeline.support import check_article

    return check_article(article, output_dir, settings)


def ensure_fetch_limit(limit: int) -> None:
    """Create (or resize) the global concurrency limit for fetching on the Prefect API."""
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.upsert_global_concurrency_limit_by_name(FETCH_LIMIT, limit)
    except Exception as exc:  # without the limit, the flow's thread pool still bounds concurrency
        print(f"irpipe: could not set the global fetch limit: {exc}", file=sys.stderr)


def _article_paths(doc_paths: list[str] | None, output_dir: str) -> list[str]:
    if doc_paths:
        return list(doc_paths)
    manifest = read_manifest(output_dir)
    return [e.output for e in manifest.documents.values()
            if e.status in ("ok", "partial") and e.output and storage.exists(e.output)]


@flow(name="fetch-sources", task_runner=ThreadPoolTaskRunner(max_workers=4))
def fetch_sources(doc_paths: list[str] | None, output_dir: str, offline: bool = False,
                  settings: Settings | None = None) -> dict:
    """Fetch the sources of the given document.json files (default: every document of the output folder)."""
    settings = settings or get_settings()
    ensure_fetch_limit(settings.fetch_concurrency)
    fetcher = Fetcher(settings)
    summary: dict = {"sources": 0, "fetched": 0, "failed": 0, "processed": 0, "reasons": {}, "support": {}}
    store = open_store(output_dir)
    store.verify()
    run_id = store.begin_run("fetch-sources", documents=len(doc_paths or []))
    try:
        for art_path in _article_paths(doc_paths, output_dir):
            article = load_document(art_path)
            if article.source.url and not doc_paths:
                continue  # a fetched source: its own citations are not crawled
            futures = [(src, fetch_task.submit(fetcher, _url(src, settings), offline)) for src in article.sources]
            for src, fut in futures:
                res: FetchResult = fut.result()
                summary["sources"] += 1
                src.status = res.status if res.ok else "failed"
                src.reason, src.detail, src.fetched_at = res.reason, res.detail, res.fetched_at
                src.final_url, src.http_status, src.media_type = res.final_url, res.http_status, res.media_type
                if not res.ok:
                    summary["failed"] += 1
                    summary["reasons"][res.reason] = summary["reasons"].get(res.reason, 0) + 1
                    continue
                summary["fetched"] += 1
                if res.status in ("not_modified", "cached") and src.doc_id and \
                        storage.exists(storage.join(output_dir, src.doc_id, "document.json")):
                    _link_back(output_dir, article.doc_id, src.doc_id, src.citing_passage_ids)
                    continue  # unchanged source, already processed
                state = process_document(res.path, output_dir, settings, url=_url(src, settings), return_state=True)
                if state.is_failed():
                    src.status, src.reason, src.detail = "failed", "unprocessable", state.message
                    continue
                data = state.result()
                src.doc_id = data["doc_id"]
                record_result(output_dir, ManifestEntry(path=_url(src, settings), doc_id=data["doc_id"],
                                                        status=data["status"], output=data["output"],
                                                        processed_at=now_iso()))
                summary["processed"] += 1
                _link_back(output_dir, article.doc_id, src.doc_id, src.citing_passage_ids)
            article = support_task(article, output_dir, settings)
            for c in article.citations:
                if c.support is not None:
                    summary["support"][c.support.status] = summary["support"].get(c.support.status, 0) + 1
            write_document(article, output_dir)
    except BaseException:
        store.end_run(run_id, "interrupted")
        raise
    finally:
        fetcher.close()
    datasets_task(output_dir)
    summary["requests"] = fetcher.requests
    store.end_run(run_id, "done", **{k: v for k, v in summary.items() if isinstance(v, int)})
    return summary


def _url(src, settings: Settings) -> str:
    return source_url(src.url, src.doi, settings)


def _link_back(output_dir: str, citing_doc_id: str, source_doc_id: str, passage_ids: list[str]) -> None:
    """Record in the store that ``citing_doc_id`` cites the source, from which passages, and rewrite the
    source's document.json with ``cited_by`` rebuilt from every link (one transaction)."""
    open_store(output_dir).link(citing_doc_id, source_doc_id, passage_ids, document_path(output_dir, source_doc_id))
