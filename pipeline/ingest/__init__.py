"""Ingestion: bytes of any supported type -> :class:`RawDocument` blocks.

The type is detected from the content, not the file name: ``%PDF`` magic, HTML
tags, markdown syntax; the extension only breaks ties.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import E, IngestError
from pipeline.ingest.types import Block, RawDocument
from pipeline.settings import Settings

__all__ = ["Block", "RawDocument", "detect_media_type", "decode_text", "read_file_bytes", "read_bytes"]

# Bytes read to detect a type: enough for a PDF header, an HTML prologue and a few markdown lines.
SNIFF_BYTES = 65536
# Declared media types (HTTP Content-Type) and the reader type they name.
_DECLARED_ALIASES = {"text/html": "text/html", "application/xhtml+xml": "text/html", "text/markdown": "text/markdown",
                     "text/x-markdown": "text/markdown", "text/plain": "text/plain"}


def decode_text(data: bytes, path: str | Path, settings: Settings) -> str:
    """UTF-8 (BOM tolerated); legacy encodings only when ``accept_legacy_encodings``."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    try:  # Western legacy text is by far the most common case; short samples fool detectors
        data.decode("cp1252")
        guess, decoded = "cp1252", data.decode("cp1252")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        guess, decoded = (best.encoding, str(best)) if best is not None else (None, None)
    if guess and settings.accept_legacy_encodings:
        return decoded
    detail = f" (looks like {guess})" if guess else ""
    raise IngestError(path, E.E007, detail=detail)


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > 0.05 * max(len(head), 1)


def detect_media_type(data: bytes, path: str | Path = "", declared: str | None = None) -> str:
    """Media type from content, by the registered readers' sniffers in priority order.

    Binary readers (PDF) are asked first; other binary data is ``application/octet-stream``;
    then the text readers (HTML, markdown), plain text last. Ingestion and the source fetcher
    both use this one function. The file name and ``declared`` (a media type the bytes came
    with, e.g. an HTTP Content-Type) only break ties: a declared text type wins over a weaker
    verdict (HTML over markdown-looking or plain text, markdown over plain text), never over
    PDF magic or binary content.
    """
    from pipeline.registry import readers

    head, name = data[:SNIFF_BYTES], str(path)
    ordered = readers()
    for spec in ordered:
        if spec.binary and spec.sniff(head, name):
            return spec.media_type
    if _is_binary(data):
        return "application/octet-stream"
    verdict = next((s for s in ordered if not s.binary and s.sniff(head, name)), None)
    wanted = _DECLARED_ALIASES.get((declared or "").split(";")[0].strip().lower())
    claimed = next((s for s in ordered if not s.binary and s.media_type == wanted), None)
    if claimed is not None and (verdict is None or claimed.priority < verdict.priority):
        return claimed.media_type
    return verdict.media_type if verdict is not None else "text/plain"


def read_bytes(data: bytes, path: str | Path, settings: Settings, url: str | None = None) -> RawDocument:
    """Detect the type of ``data`` and run the matching reader."""
    if not data.strip():
        raise IngestError(path, E.E001)
    if len(data) > settings.max_file_bytes:
        raise IngestError(path, E.E008, limit=settings.max_file_bytes)
    media = detect_media_type(data, path)
    if media == "application/octet-stream":
        kind = "binary data"
        if data[:4] == b"PK\x03\x04":
            kind = "a ZIP/Office file"
        elif data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            kind = "an image"
        raise IngestError(path, E.E002, detected=kind)
    from pipeline.registry import readers

    spec = next(r for r in readers() if r.media_type == media)
    content = data if spec.binary else decode_text(data, path, settings)
    raw = spec.read(content, path=Path(path), settings=settings, url=url)
    if not any(b.text.strip() for b in raw.blocks):
        raise IngestError(path, E.E009)
    return raw


def read_file_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """A file's bytes, or an IngestError naming the file and why it cannot be read.

    The size is checked with ``fstat`` on the opened file before anything is read, and at most
    ``max_bytes + 1`` bytes are read (a file growing meanwhile is caught too), so an oversized file
    never costs its size in memory. Only regular files are read: a FIFO would block and a device
    such as ``/dev/zero`` never ends (E014). ``max_bytes`` defaults to the setting ``max_file_bytes``.
    """
    import os
    import stat

    if max_bytes is None:
        from pipeline.settings import get_settings

        max_bytes = get_settings().max_file_bytes
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise IngestError(path, E.E010) from None
    except OSError as exc:
        raise IngestError(path, E.E011, detail=exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) else \
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a socket or special file"
        raise IngestError(path, E.E014, kind=kind)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open must not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise IngestError(path, E.E014, kind="swapped for another kind of file while opened")
            if st.st_size > max_bytes:
                raise IngestError(path, E.E008, limit=max_bytes)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(path, E.E011, detail=exc.strerror or type(exc).__name__) from None
    if len(data) > max_bytes:
        raise IngestError(path, E.E008, limit=max_bytes)
    return data
