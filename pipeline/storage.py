"""Where outputs live: a local folder, or any fsspec URL (``s3://bucket/irpipe``, ``memory://x``, ...).

Local paths keep the plain ``pathlib`` code path. For URLs every write goes to a temporary
name first and is then moved into place, so a reader never sees half a file where the
store's move is atomic (local and memory filesystems; object stores copy then delete).
"""

from __future__ import annotations

from pathlib import Path

PathLike = str | Path


def is_url(location: PathLike) -> bool:
    return "://" in str(location)


def join(base: PathLike, *parts: str) -> PathLike:
    """``base/parts...`` keeping the kind: a Path for local folders, a string for URLs."""
    if is_url(base):
        return "/".join([str(base).rstrip("/"), *[p.strip("/") for p in parts]])
    return Path(base).joinpath(*parts)


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


def read_text(location: PathLike) -> str:
    return read_bytes(location).decode("utf-8")


def makedirs(location: PathLike) -> None:
    if is_url(location):
        fs, path = _fs(str(location))
        fs.makedirs(path, exist_ok=True)
    else:
        Path(location).mkdir(parents=True, exist_ok=True)


def write_text_atomic_url(url: str, text: str) -> None:
    """Write to ``<url>.partial`` and move it into place."""
    fs, path = _fs(url)
    parent = path.rsplit("/", 1)[0]
    if parent:
        fs.makedirs(parent, exist_ok=True)
    tmp = path + ".partial"
    fs.pipe_file(tmp, text.encode("utf-8"))
    fs.mv(tmp, path)


def upload_folder(local: Path, url: str) -> None:
    """Copy a local folder's files to ``url`` (each through a temporary name)."""
    fs, path = _fs(url)
    for f in sorted(local.rglob("*")):
        if f.is_file() and not f.name.endswith(".partial"):
            dst = path.rstrip("/") + "/" + f.relative_to(local).as_posix()
            fs.makedirs(dst.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(f), dst + ".partial")
            fs.mv(dst + ".partial", dst)
