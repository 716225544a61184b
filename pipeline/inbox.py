"""The inbox: which dropped files are complete and still to be processed; the one-server lock.

A file is *ready* once its size and modification time have not changed between two polls
(``serve_poll_seconds`` apart) and it is not a temporary name (``.partial``, ``.part``, ``.tmp``,
``.crdownload``, ``~``, hidden): a half-written file is never processed. Only regular files count:
symbolic links (which could point anywhere, /etc/passwd included), FIFOs, devices and folders are
skipped, judged by ``lstat`` so a link is never followed.

A ready file is hashed once per version, keyed by (path, size, mtime, inode), and in chunks, never
read whole: a 2 GiB file costs one pass, not 2 GB of memory on every poll. Whether it is still to
be processed is decided by content, not by name: done when the store has a document of that content
(ok or partial), failed when that content failed. So a file that failed and is then replaced by a
fixed one under the same name is processed, and the same bad bytes are not tried again.
Reconciliation compares the ready files with the store on every poll, so a file whose event was
lost is picked up on the next pass.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

_TEMP_SUFFIXES = (".partial", ".part", ".tmp", ".crdownload", ".download", "~", ".swp")


def _is_candidate(entry: os.DirEntry) -> bool:
    if entry.name.startswith(".") or entry.name.endswith(_TEMP_SUFFIXES):
        return False
    return entry.is_file(follow_symlinks=False)  # a regular file, not a link to one


def inbox_files(inbox: Path) -> list[Path]:
    """The regular files of ``inbox`` (no links, no hidden or temporary names), sorted."""
    if not inbox.is_dir():
        return []
    with os.scandir(inbox) as it:
        return sorted(Path(e.path) for e in it if _is_candidate(e))


def content_id(path: Path) -> str | None:
    """The doc_id of a file's content (first 16 hex digits of its SHA-256), read in chunks."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        return hashlib.file_digest(fh, "sha256").hexdigest()[:16]


@dataclass
class InboxWatcher:
    inbox: Path
    _seen: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    _ids: dict[str, tuple[tuple[int, int, int], str | None]] = field(default_factory=dict)
    hashed: int = 0  # how many times a file was read to hash it (tests check it stays at one per version)

    def poll(self) -> list[Path]:
        """Regular files that were present, unchanged, at the previous poll and still are now."""
        ready: list[Path] = []
        current: dict[str, tuple[int, int, int]] = {}
        if not self.inbox.is_dir():
            return ready
        with os.scandir(self.inbox) as it:
            entries = sorted((e for e in it if _is_candidate(e)), key=lambda e: e.name)
        for e in entries:
            try:
                st = e.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            sig = (st.st_size, st.st_mtime_ns, st.st_ino)
            current[e.path] = sig
            if st.st_size > 0 and self._seen.get(e.path) == sig:
                ready.append(Path(e.path))
        self._seen = current
        self._ids = {p: v for p, v in self._ids.items() if p in current}  # forget removed files
        return ready

    def digest(self, path: Path) -> str | None:
        """The content id of a ready file, computed once per (size, mtime, inode)."""
        sig = self._seen.get(str(path))
        cached = self._ids.get(str(path))
        if sig is not None and cached is not None and cached[0] == sig:
            return cached[1]
        doc_id = content_id(path)
        self.hashed += 1
        if sig is not None:
            self._ids[str(path)] = (sig, doc_id)
        return doc_id


def pending(files: list[Path], output_dir: Path, digest: Callable[[Path], str | None] = content_id) -> list[Path]:
    """Ready files whose content has neither a document nor a failure in the store yet."""
    from pipeline.store import open_store

    done, failed = open_store(output_dir).content_status()
    out = []
    for f in files:
        doc_id = digest(f)
        if doc_id is not None and doc_id not in done and doc_id not in failed:
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
