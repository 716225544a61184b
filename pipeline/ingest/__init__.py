"""Ingestion: bytes of any supported type -> :class:`RawDocument` blocks.

The type is detected from the content, not the file name: ``%PDF`` magic, HTML
tags, markdown syntax; the extension only breaks ties.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import E, IngestError
from pipeline.ingest.types import Block, RawDocument
from pipeline.settings import Settings

__all__ = ["Block", "RawDocument", "detect_media_type", "decode_text", "read_file_bytes", "read_bytes"]

_HTML_RE = re.compile(r"^\s*(<!--.*?-->\s*)*(<!doctype html|<html|<head|<body|<meta|<title)", re.I | re.S)
_MD_RE = re.compile(r"^#{1,6}\s+\S|<sup>|^\s*[-*]\s+\S|\]\(https?://|\*\*\S", re.M)


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
    """Media type from content: PDF magic, HTML tags, markdown syntax, else plain text.

    ``declared`` is a media type the bytes came with (an HTTP Content-Type, parameters
    allowed); like the file extension it only breaks ties: an HTML declaration turns the
    weak verdicts (markdown-looking or plain text, e.g. HTML behind a BOM or stray output)
    into HTML, a markdown declaration turns plain text into markdown. PDF magic and binary
    content are never overridden. Ingestion passes no declaration.
    """
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "application/pdf"
    if _is_binary(data):
        return "application/octet-stream"
    head = data[:65536].decode("utf-8", errors="ignore")
    if _HTML_RE.match(head):
        return "text/html"
    suffix = Path(str(path)).suffix.lower()
    if suffix in (".html", ".htm") and "<" in head:
        return "text/html"
    declared = (declared or "").split(";")[0].strip().lower()
    if declared in ("text/html", "application/xhtml+xml"):
        return "text/html"
    if len(_MD_RE.findall(head)) >= 2 or (suffix in (".md", ".markdown") and _MD_RE.search(head)):
        return "text/markdown"
    if declared == "text/markdown":
        return "text/markdown"
    return "text/plain"


def read_bytes(data: bytes, path: str | Path, settings: Settings, url: str | None = None) -> RawDocument:
    """Detect the type of ``data`` and run the matching reader."""
    if not data.strip():
        raise IngestError(path, E.E001)
    if len(data) > settings.max_file_bytes:
        raise IngestError(path, E.E008, limit=settings.max_file_bytes)
    media = detect_media_type(data, path)
    if media == "application/pdf":
        from pipeline.ingest.pdf import read_pdf

        if isinstance(path, Path) and path.exists():
            return read_pdf(path, settings)
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
            tmp.write(data)
            tmp.flush()
            return read_pdf(Path(tmp.name), settings)
    if media == "application/octet-stream":
        kind = "binary data"
        if data[:4] == b"PK\x03\x04":
            kind = "a ZIP/Office file"
        elif data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            kind = "an image"
        raise IngestError(path, E.E002, detected=kind)
    text = decode_text(data, path, settings)
    if media == "text/html":
        from pipeline.ingest.html import read_html

        raw = read_html(text, url=url)
    elif media == "text/markdown":
        from pipeline.ingest.markdown import read_markdown

        raw = read_markdown(text)
    else:
        from pipeline.ingest.text import read_text

        raw = read_text(text)
    if not any(b.text.strip() for b in raw.blocks):
        raise IngestError(path, E.E009)
    return raw


def read_file_bytes(path: Path) -> bytes:
    """A file's bytes, or an IngestError naming the file and why it cannot be read."""
    if not path.exists():
        raise IngestError(path, E.E010)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(path, E.E011, detail=exc.strerror or type(exc).__name__) from None
