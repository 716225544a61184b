"""Where outputs live: a local folder, or any fsspec URL (``s3://bucket/irpipe``, ``memory://x``, ...).

Local paths keep the plain ``pathlib`` code path. Every write goes to a temporary name first and is
then moved into place, so a reader never sees half a file where the move is atomic (``os.replace`` on
POSIX; local and memory filesystems; object stores copy then delete).

Temporary names are unique and say who writes them: ``.<name>.<pid>@<namespace>.<random>.partial``
(local files from ``tempfile.mkstemp`` in the target folder, so two writers of one file never share a
temporary). ``<namespace>`` identifies this machine's process-id namespace (boot id + pid namespace),
so the sweep (:func:`sweep_temporaries`) can tell a temporary of a live process of this machine, which
it never touches, from one of a dead process (removed at once) or of another machine or an unknown
writer (removed only once older than ``temp_max_age_seconds``). ``mkstemp`` creates files readable by
the owner only; they are given the mode any new file would get, ``0o666 & ~umask``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

PathLike = str | Path

TMP_SUFFIX = ".partial"
# .<name>.<pid>@<namespace>.<random>.partial (see the module docstring)
_TMP_RE = re.compile(r"\.(\d+)@([0-9a-f]{8})\.[^./]+" + re.escape(TMP_SUFFIX) + r"$")
_NAMESPACE: str | None = None


def is_url(location: PathLike) -> bool:
    return "://" in str(location)


def join(base: PathLike, *parts: str) -> PathLike:
    """``base/parts...`` keeping the kind: a Path for local folders, a string for URLs."""
    if is_url(base):
        return "/".join([str(base).rstrip("/"), *[p.strip("/") for p in parts]])
    return Path(base).joinpath(*parts)


def parent(location: PathLike) -> PathLike:
    """The folder holding ``location``, of the same kind."""
    if is_url(location):
        return str(location).rstrip("/").rsplit("/", 1)[0]
    return Path(location).parent


def name(location: PathLike) -> str:
    return str(location).rstrip("/").rsplit("/", 1)[-1]


def _fs(url: str):
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def exists(location: PathLike) -> bool:
    if is_url(location):
        fs, path = _fs(str(location))
        return fs.exists(path)
    return Path(location).exists()


def read_bytes(location: PathLike) -> bytes:
    if is_url(location):
        fs, path = _fs(str(location))
        return fs.cat_file(path)
    return Path(location).read_bytes()


def version(location: PathLike) -> str:
    """A cheap identity of a file's current version: (size, mtime in ns, inode) for a local file, which every
    atomic rewrite (a new file renamed over the old) changes; the SHA-256 of the bytes for a URL. Lets a
    rebuild tell changed files from unchanged ones without reading the whole corpus."""
    if is_url(location):
        return hashlib.sha256(read_bytes(location)).hexdigest()
    st = os.stat(location)
    return f"stat:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def read_text(location: PathLike) -> str:
    return read_bytes(location).decode("utf-8")


def makedirs(location: PathLike) -> None:
    if is_url(location):
        fs, path = _fs(str(location))
        fs.makedirs(path, exist_ok=True)
    else:
        Path(location).mkdir(parents=True, exist_ok=True)


# ---------------------------------------------------------------- temporary names


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # elsewhere: set and restore; a restrictive value meanwhile, so that a file another thread
    # creates in between is too private rather than too open
    old = os.umask(0o077)
    os.umask(old)
    return old


def file_mode() -> int:
    """The mode ``open()`` would give a new file: ``0o666`` less the umask."""
    return 0o666 & ~current_umask()


def process_namespace() -> str:
    """8 hex digits naming this machine's boot and pid namespace: process ids are comparable within it."""
    global _NAMESPACE
    if _NAMESPACE is None:
        parts = []
        try:
            parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
            parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
        except OSError:
            parts = [socket.gethostname()]  # no /proc: the host name is the best we have
        _NAMESPACE = hashlib.sha256("|".join(parts).encode()).hexdigest()[:8]
    return _NAMESPACE


def temp_prefix(target_name: str) -> str:
    """The start of a temporary name for ``target_name`` written by this process (random part follows)."""
    return f".{target_name}.{os.getpid()}@{process_namespace()}."


@contextmanager
def temporary_beside(path: Path):
    """A new, empty, uniquely named temporary file next to ``path`` (mode from the umask).

    Yields its path for a library that writes by name (pyarrow, DuckDB); the caller moves it into
    place with ``os.replace``. It is removed if still there when the block ends (an error, or the
    caller did not move it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=TMP_SUFFIX)
    try:
        os.fchmod(fd, file_mode())
    finally:
        os.close(fd)
    try:
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _as_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected text or bytes to write, not {type(data).__name__}")
    return data


def write_bytes_atomic(location: PathLike, data: bytes | str) -> None:
    """Replace ``location`` with ``data`` (bytes, or text as UTF-8): readers see the old file or the new
    one, never half."""
    if is_url(location):
        write_bytes_atomic_url(str(location), data)
        return
    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), file_mode())
            fh.write(_as_bytes(data))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(location: PathLike, text: str) -> None:
    write_bytes_atomic(location, text)


def _url_temp(path: str) -> str:
    folder, _, base = path.rpartition("/")
    return f"{folder}/{temp_prefix(base)}{secrets.token_hex(4)}{TMP_SUFFIX}" if folder else \
        f"{temp_prefix(base)}{secrets.token_hex(4)}{TMP_SUFFIX}"


def write_bytes_atomic_url(url: str, data: bytes | str) -> None:
    """Write to a unique temporary name beside ``url`` and move it into place."""
    fs, path = _fs(url)
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    if folder:
        fs.makedirs(folder, exist_ok=True)
    tmp = _url_temp(path)
    try:
        fs.pipe_file(tmp, _as_bytes(data))
        fs.mv(tmp, path)
    except BaseException:
        try:
            fs.rm(tmp)
        except Exception:  # already moved, or never written
            pass
        raise


def write_text_atomic_url(url: str, text: str) -> None:
    write_bytes_atomic_url(url, text)


def upload_folder(local: Path, url: str) -> None:
    """Copy a local folder's files to ``url`` (each through a unique temporary name)."""
    fs, path = _fs(url)
    for f in sorted(local.rglob("*")):
        if f.is_file() and not f.name.endswith(TMP_SUFFIX):
            dst = path.rstrip("/") + "/" + f.relative_to(local).as_posix()
            fs.makedirs(dst.rsplit("/", 1)[0], exist_ok=True)
            tmp = _url_temp(dst)
            try:
                fs.put_file(str(f), tmp)
                fs.mv(tmp, dst)
            except BaseException:
                try:
                    fs.rm(tmp)
                except Exception:
                    pass
                raise


# ---------------------------------------------------------------- the sweep


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def is_stale_temporary(file_name: str, mtime: float | None, max_age: float, now: float | None = None) -> bool:
    """May a temporary named ``file_name`` be removed? (rules in the module docstring)"""
    if not file_name.endswith(TMP_SUFFIX):
        return False
    m = _TMP_RE.search(file_name)
    if m and m.group(2) == process_namespace():
        return not _pid_alive(int(m.group(1)))  # ours to judge: only the writer's life counts
    if mtime is None:
        return False  # unknown age: never guess
    return (now if now is not None else time.time()) - mtime > max_age


def _info_mtime(info: dict) -> float | None:
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        v = info.get(key)
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, datetime):
            return v.timestamp()
        if isinstance(v, str):
            try:
                return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp()
            except ValueError:
                continue
    return None


def sweep_temporaries(root: PathLike, max_age: float) -> int:
    """Remove the stale temporaries under ``root`` (see :func:`is_stale_temporary`); returns how many."""
    n = 0
    if is_url(root):
        fs, base = _fs(str(root))
        if not fs.exists(base):
            return 0
        for p, info in fs.find(base, detail=True).items():
            if p.endswith(TMP_SUFFIX) and is_stale_temporary(p.rsplit("/", 1)[-1], _info_mtime(info), max_age):
                try:
                    fs.rm(p)
                    n += 1
                except FileNotFoundError:
                    pass
        return n
    root = Path(root)
    if not root.exists():
        return 0
    for p in root.rglob(f"*{TMP_SUFFIX}"):
        try:
            st = p.lstat()
        except FileNotFoundError:
            continue  # its writer moved it into place meanwhile
        if is_stale_temporary(p.name, st.st_mtime, max_age):
            try:
                p.unlink()
                n += 1
            except FileNotFoundError:
                pass
    return n
