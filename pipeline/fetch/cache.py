"""The source cache on disk: bodies with their ``meta.json``, manual files, offline answers.

Layout (unchanged): ``<corpus>/sources/<cache_key(url)>/body.<ext>`` and ``meta.json``
(the :class:`FetchResult` of the last successful fetch: url, final url, status, content
type, media type, path, sha256, ETag, Last-Modified, fetched_at); ``manual.toml`` next to
the key folders maps URLs, DOIs or reference ids to files the user placed by hand.

* **conditional refresh**: a cached entry's ETag / Last-Modified go out as If-None-Match
  / If-Modified-Since (:meth:`SourceCache.validators`); a 304 keeps the cached body.
* **atomic writes**: a temporary file from ``tempfile.mkstemp`` in the target folder,
  fsynced, given the mode an ordinary file would get under the user's umask (mkstemp
  creates 0600), then ``os.replace``; the body goes first and ``meta.json`` last, so a
  crash leaves the old entry or the new one. Temporaries left by a crash are swept.
* **never raises** for what is on disk: an unreadable, non-JSON or ill-shaped
  ``meta.json`` (or a missing body) is "not cached", and the reason is kept so that an
  offline answer can say ``cache_corrupt`` instead of a bare ``offline``; a malformed
  ``manual.toml`` is ``manual_invalid``; a failed write is ``cache_write``.

hishel (an RFC 9111 cache for httpx) was considered and not adopted: it stores whole
serialised responses in its own format, keyed by request, and decides freshness from
Cache-Control, while irpipe needs a plain body file per source that ingestion and
``document.json`` point at, always revalidates (a cited page may change at any time) and
keeps the last good copy when a refresh fails. The ~30 lines of ETag/Last-Modified
handling here are simpler than adapting hishel's storage to that layout.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
import tomllib
from dataclasses import asdict, fields
from pathlib import Path

from pipeline.errors import FetchReason
from pipeline.fetch.base import DOC_MEDIA, FetchFailure, FetchResult, failed, now_iso, sniff_media_type
from pipeline.storage import current_umask

_FIELD_TYPES = {f.name: f.type for f in fields(FetchResult)}
_INT_FIELDS = {"http_status", "attempts"}
_TMP_SUFFIX = ".partial"
_STALE_TMP_SECONDS = 3600
_MANUAL_KEYS = ("url", "doi", "reference_id")


def cache_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the file mode follows the umask (0666 & ~umask)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _sweep_temporaries(folder: Path) -> None:
    cutoff = time.time() - _STALE_TMP_SECONDS
    try:
        for tmp in folder.glob(f".*{_TMP_SUFFIX}"):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()
    except OSError:
        pass  # best effort


class SourceCache:
    """The ``sources`` folder (see the module docstring). Safe to share between threads."""

    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir)
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._manual_stamp: tuple[int, int] | None = None
        self._manual: dict[str, Path] | FetchFailure = {}

    # ---------------------------------------------------------------- cached entries

    def lookup(self, url: str) -> tuple[FetchResult | None, str | None]:
        """(the cached result, None), or (None, why the entry is unusable), or (None, None) when absent."""
        folder = self.dir / cache_key(url)
        try:
            text = (folder / "meta.json").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, None
        except (OSError, UnicodeDecodeError) as exc:
            return None, f"{folder.name}/meta.json cannot be read: {exc}"
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return None, f"{folder.name}/meta.json is not JSON: {exc}"
        problem = _shape_problem(data)
        if problem:
            return None, f"{folder.name}/meta.json: {problem}"
        result = FetchResult(**data)
        if result.url != url:
            return None, None  # another URL's entry under a colliding key: not ours
        body = Path(result.path)
        if not body.is_file():
            moved = folder / body.name  # the corpus folder was moved or renamed
            if not moved.is_file():
                return None, f"{folder.name}/meta.json names a body that is missing: {result.path}"
            body = moved
        result.path = str(body)
        result.status = "cached"
        return result, None

    def read(self, url: str) -> FetchResult | None:
        return self.lookup(url)[0]

    @staticmethod
    def validators(cached: FetchResult | None) -> dict[str, str]:
        """Conditional-request headers for a refresh of ``cached``."""
        headers: dict[str, str] = {}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        return headers

    def store(self, url: str, final_url: str, status: int, headers, body: bytes, media: str,
              attempts: int) -> FetchResult:
        """Write a fetched body and its ``meta.json``; ``cache_write`` when the disk refuses."""
        key = cache_key(url)
        folder = self.dir / key
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # two threads fetching one URL: body and meta.json stay a pair
            try:
                folder.mkdir(parents=True, exist_ok=True)
                _sweep_temporaries(folder)
                path = folder / f"body.{DOC_MEDIA.get(media, 'bin')}"
                atomic_write(path, body)
                result = FetchResult(url=url, status="fetched", final_url=final_url, http_status=status,
                                     content_type=headers.get("content-type"), media_type=media, path=str(path),
                                     sha256=hashlib.sha256(body).hexdigest(), etag=headers.get("etag"),
                                     last_modified=headers.get("last-modified"), fetched_at=now_iso(),
                                     attempts=attempts)
                atomic_write(folder / "meta.json", json.dumps(asdict(result), indent=1).encode("utf-8"))
            except OSError as exc:
                raise FetchFailure(FetchReason.CACHE_WRITE, f"{folder}: {exc.strerror or exc}") from None
        return result

    def local_answer(self, url: str, reason: FetchReason, detail: str) -> FetchResult:
        """The cached copy, else a failure: ``cache_corrupt`` when an entry exists but is unusable."""
        cached, problem = self.lookup(url)
        if cached is not None:
            return cached
        if problem:
            return failed(url, FetchReason.CACHE_CORRUPT, f"{problem} ({reason.value}: {detail})")
        return failed(url, reason, detail)

    # ---------------------------------------------------------------- manual files

    def manual(self, url: str, doi: str | None = None, reference_id: str | None = None) -> FetchResult | None:
        """The file ``manual.toml`` names for the URL, DOI or reference id; None when none.

        ``manual_invalid`` (raised) when manual.toml cannot be read or parsed, is not made of
        ``[[source]]`` tables with a ``file`` and a url/doi/reference_id each, or names a
        file for this source that cannot be read: which sources it covers is then unknown,
        and fetching one the user meant to replace by hand would be wrong.
        """
        mapping = self._manual_mapping()
        for key in (url, doi, reference_id):
            if key and key in mapping:
                path = mapping[key]
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise FetchFailure(FetchReason.MANUAL_INVALID,
                                       f"manual.toml names {path} for {key}: {exc.strerror or exc}") from None
                return FetchResult(url=url, status="manual", path=str(path),
                                   media_type=sniff_media_type(data, None, path.name),
                                   sha256=hashlib.sha256(data).hexdigest(), fetched_at=now_iso())
        return None

    def _manual_mapping(self) -> dict[str, Path]:
        """manual.toml parsed, again only when its size or mtime changed."""
        path = self.dir / "manual.toml"
        try:
            st = path.stat()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise FetchFailure(FetchReason.MANUAL_INVALID, f"{path}: {exc.strerror or exc}") from None
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._manual_stamp:
                self._manual = self._parse_manual(path)
                self._manual_stamp = stamp
            parsed = self._manual
        if isinstance(parsed, FetchFailure):
            raise FetchFailure(parsed.reason, parsed.detail)
        return parsed

    def _parse_manual(self, path: Path) -> dict[str, Path] | FetchFailure:
        def invalid(why: str) -> FetchFailure:
            return FetchFailure(FetchReason.MANUAL_INVALID, f"{path}: {why}")

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            return invalid(f"cannot be read: {exc}")
        except tomllib.TOMLDecodeError as exc:
            return invalid(f"not valid TOML: {exc}")
        entries = data.get("source", [])
        if not isinstance(entries, list):
            return invalid("'source' must be an array of tables: [[source]]")
        out: dict[str, Path] = {}
        for n, entry in enumerate(entries, 1):
            if not isinstance(entry, dict):
                return invalid(f"source #{n} is not a table")
            file = entry.get("file")
            if not isinstance(file, str) or not file.strip():
                return invalid(f"source #{n} has no file = \"...\"")
            keys = [entry.get(k) for k in _MANUAL_KEYS]
            if any(k is not None and not isinstance(k, str) for k in keys) or not any(keys):
                return invalid(f"source #{n} needs a url, doi or reference_id (strings)")
            target = Path(file).expanduser()
            target = target if target.is_absolute() else self.dir / target
            for k in keys:
                if k:
                    out[k] = target
        return out


def _shape_problem(data: object) -> str | None:
    """Why ``data`` is not a stored :class:`FetchResult`, or None."""
    if not isinstance(data, dict):
        return "not a JSON object"
    unknown = set(data) - set(_FIELD_TYPES)
    if unknown:
        return f"unknown fields {sorted(unknown)}"
    for name in ("url", "status", "path"):
        if not isinstance(data.get(name), str) or not data[name]:
            return f"no {name}"
    for name, value in data.items():
        if value is None:
            continue
        if name in _INT_FIELDS:
            if not isinstance(value, int) or isinstance(value, bool):
                return f"{name} is not a number"
        elif not isinstance(value, str):
            return f"{name} is not a string"
    return None

