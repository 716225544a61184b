"""The ``refresh-corpus`` flow: re-process what changed, re-fetch sources, rebuild the datasets.

It sits above both ``process-corpus`` and ``fetch-sources`` (the flows import no flow that
imports them back).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.fetch_sources import fetch_sources
from flows.process_document import EXECUTED, process_corpus
from pipeline.export import read_manifest
from pipeline.inbox import inbox_files


@flow(name="refresh-corpus", log_prints=False)
def refresh_corpus(output_dir: str, offline: bool = False, inbox: str | None = None) -> dict:
    """Re-process what changed (content, stage code, resources, settings), re-fetch sources conditionally,
    rebuild datasets."""
    manifest = read_manifest(output_dir)
    paths = sorted({p for p, e in manifest.documents.items() if "://" not in p and Path(p).exists()})
    if inbox and Path(inbox).exists():
        paths = sorted(set(paths) | {str(f) for f in inbox_files(Path(inbox))})  # regular files only, no links
    before = dict(EXECUTED)
    results = process_corpus(paths, output_dir, offline=offline) if paths else []
    fetched = fetch_sources(None, output_dir, offline=offline)
    ran = {k: EXECUTED[k] - before.get(k, 0) for k in EXECUTED if EXECUTED[k] - before.get(k, 0)}
    return {"documents": len(results), "skipped": sum(1 for r in results if r.get("skipped")),
            "failed": sum(1 for r in results if r["status"] == "failed"), "stages_run": ran, "sources": fetched}
