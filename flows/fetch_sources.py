"""The ``fetch-sources`` flow: fetch each cited source, process it as a document, link both ways."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.process_document import datasets_task, process_document
from pipeline.export import load_document, now_iso, read_manifest, record_result, write_document
from pipeline.model import ManifestEntry
from pipeline.settings import Settings, get_settings
from pipeline.sources import Fetcher, FetchResult, source_url


@task(name="fetch-source", cache_policy=NO_CACHE)
def fetch_task(fetcher: Fetcher, url: str, offline: bool) -> FetchResult:
    return fetcher.fetch(url, offline=offline)


def _article_paths(doc_paths: list[str] | None, output_dir: str) -> list[Path]:
    if doc_paths:
        return [Path(p) for p in doc_paths]
    manifest = read_manifest(Path(output_dir))
    return [Path(e.output) for e in manifest.documents.values() if e.status == "ok" and e.output and Path(e.output).exists()]


@flow(name="fetch-sources", task_runner=ThreadPoolTaskRunner(max_workers=4))
def fetch_sources(doc_paths: list[str] | None, output_dir: str, offline: bool = False,
                  settings: Settings | None = None) -> dict:
    """Fetch the sources of the given document.json files (default: every document of the output folder)."""
    settings = settings or get_settings()
    fetcher = Fetcher(settings)
    summary: dict = {"sources": 0, "fetched": 0, "failed": 0, "processed": 0, "reasons": {}}
    try:
        for art_path in _article_paths(doc_paths, output_dir):
            article = load_document(art_path)
            if article.source.url and not doc_paths:
                continue  # a fetched source: its own citations are not crawled
            futures = [(src, fetch_task.submit(fetcher, source_url(src, settings), offline)) for src in article.sources]
            for src, fut in futures:
                res: FetchResult = fut.result()
                summary["sources"] += 1
                src.update(status=res.status if res.ok else "failed", reason=res.reason, fetched_at=res.fetched_at,
                           final_url=res.final_url, http_status=res.http_status, media_type=res.media_type)
                if not res.ok:
                    summary["failed"] += 1
                    summary["reasons"][res.reason] = summary["reasons"].get(res.reason, 0) + 1
                    continue
                summary["fetched"] += 1
                if res.status in ("not_modified", "cached") and src.get("doc_id") and \
                        (Path(output_dir) / src["doc_id"] / "document.json").exists():
                    continue  # unchanged source, already processed
                state = process_document(res.path, output_dir, settings, url=source_url(src, settings), return_state=True)
                if state.is_failed():
                    src.update(status="failed", reason="unprocessable", detail=state.message)
                    continue
                data = state.result()
                src["doc_id"] = data["doc_id"]
                record_result(Path(output_dir), ManifestEntry(path=source_url(src, settings), doc_id=data["doc_id"],
                                                              status="ok", output=data["output"], processed_at=now_iso()))
                summary["processed"] += 1
                _link_back(Path(data["output"]), article.doc_id, src["citing_passage_ids"])
            write_document(article, Path(output_dir))
    finally:
        fetcher.close()
    datasets_task(output_dir)
    summary["requests"] = fetcher.requests
    return summary


def _link_back(source_doc: Path, citing_doc_id: str, passage_ids: list[str]) -> None:
    """Record on the source's document.json which document cites it, from which passages."""
    doc = load_document(source_doc)
    entry = {"doc_id": citing_doc_id, "passage_ids": sorted(passage_ids)}
    doc.cited_by = [c for c in doc.cited_by if c.get("doc_id") != citing_doc_id] + [entry]
    write_document(doc, source_doc.parent.parent)
