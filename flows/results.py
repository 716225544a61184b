"""Prefect result storage for the task cache: a folder or any fsspec URL."""

from __future__ import annotations

from functools import lru_cache

from pipeline import storage
from pipeline.text.identifiers import short_digest


@lru_cache(maxsize=4)
def result_storage(url: str | None):
    """A Prefect result-storage block for a folder or fsspec URL (None: Prefect's local default).

    Prefect wants result storage saved server-side: the block is saved under a name derived from
    the URL (overwritten, so re-running is safe).
    """
    if not url:
        return None
    from prefect.filesystems import LocalFileSystem, RemoteFileSystem

    if storage.is_url(url) and not url.startswith("file://"):
        block = RemoteFileSystem(basepath=url)
    else:
        block = LocalFileSystem(basepath=url.removeprefix("file://"))
    block.save(f"irpipe-results-{short_digest(url, 10)}", overwrite=True)
    return block
