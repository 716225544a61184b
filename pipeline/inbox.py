"""The inbox: which dropped files are complete and still to be processed; the one-server lock.

A file is *ready* once its size and modification time have not changed between two polls
(``inbox_settle_seconds`` apart) and it is not a temporary name (``.partial``, ``.part``,
``.tmp``, ``.crdownload``, ``~``, hidden): a half-written file is never processed.
Reconciliation compares the ready files with the manifest by content hash, so a file whose
event was lost is picked up on the next pass.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.export import read_manifest

_TEMP_SUFFIXES = (".partial", ".part", ".tmp", ".crdownload", ".download", "~", ".swp")


@dataclass
class InboxWatcher:
    inbox: Path
    _seen: dict[str, tuple[int, float]] = field(default_factory=dict)

    def poll(self) -> list[Path]:
        """Files that were present, unchanged, at the previous poll and still are now."""
        ready: list[Path] = []
        current: dict[str, tuple[int, float]] = {}
        if not self.inbox.exists():
            return ready
        for f in sorted(self.inbox.iterdir()):
            if not f.is_file() or f.name.startswith(".") or f.name.endswith(_TEMP_SUFFIXES):
                continue
            st = f.stat()
            sig = (st.st_size, st.st_mtime)
            current[str(f)] = sig
            if st.st_size > 0 and self._seen.get(str(f)) == sig:
                ready.append(f)
        self._seen = current
        return ready


def pending(files: list[Path], output_dir: Path) -> list[Path]:
    """Ready files whose content has no successful document in the manifest yet."""
    manifest = read_manifest(output_dir)
    done = {e.doc_id for e in manifest.documents.values() if e.status == "ok" and e.doc_id}
    failed = {p for p, e in manifest.documents.items() if e.status == "failed"}
    out = []
    for f in files:
        try:
            doc_id = hashlib.sha256(f.read_bytes()).hexdigest()[:16]
        except OSError:
            continue
        if doc_id not in done and str(f) not in failed:
            out.append(f)
    return out


class ServeLock:
    """An exclusive lock on a corpus folder: a second ``irpipe serve`` on it refuses to start."""

    def __init__(self, corpus_dir: Path):
        self.path = Path(corpus_dir) / ".irpipe-serve.lock"
        self._fh = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a+")
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            self._fh = None
            return False
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(str(os.getpid()))
        self._fh.flush()
        return True

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
