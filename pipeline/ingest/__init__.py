"""Ingestion: bytes of any supported type -> :class:`RawDocument` blocks.

The type is detected from the content, not the file name: ``%PDF`` magic, HTML
tags, markdown syntax; the extension only breaks ties.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import E, IngestError
from pipeline.ingest.encoding import bom_encoding, declared_charset, guess_legacy, utf16_without_bom
from pipeline.text.normalise import clean_controls
from pipeline.ingest.types import Block, RawDocument
from pipeline.settings import Settings

__all__ = ["Block", "Decoded", "RawDocument", "decode", "decode_text", "detect_media_type", "read_file_bytes", "read_bytes"]

# Bytes read to detect a type: enough for a PDF header, an HTML prologue and a few markdown lines.
SNIFF_BYTES = 65536
# Declared media types (HTTP Content-Type) and the reader type they name.
_DECLARED_ALIASES = {"text/html": "text/html", "application/xhtml+xml": "text/html", "text/markdown": "text/markdown",
                     "text/x-markdown": "text/markdown", "text/plain": "text/plain"}


@dataclass(frozen=True)
class Decoded:
    """Text and the encoding it was decoded from (a Python codec name), with a note for a guess."""

    text: str
    encoding: str
    note: str | None = None


def decode(data: bytes, path: str | Path, settings: Settings, media_type: str | None = None) -> Decoded:
    """Bytes of a text file -> clean text, with the encoding found (see :func:`_decode_raw`).

    Line ends are made ``\n`` (Windows ``\r\n`` and old Mac ``\r`` alike: the readers cut paragraphs
    at blank lines), and characters that no reader or model should see are removed or made spaces
    (:func:`pipeline.text.normalise.clean_controls`: NUL and other control characters, zero-width
    spaces, soft hyphens, stray byte-order marks), with a warning that says how many.
    """
    dec = _decode_raw(data.replace(b"\x00", b"") if _sparse_nuls(data) else data, path, settings, media_type)
    notes = [dec.note] if dec.note else []
    if _sparse_nuls(data):
        notes.append(f"ingest: {data.count(0)} NUL byte(s) removed from the text")
    text = dec.text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = clean_controls(text)
    if removed:
        notes.append(f"ingest: {removed} control or invisible character(s) removed or made spaces")
    return Decoded(text, dec.encoding, "; ".join(notes) or None)


def _decode_raw(data: bytes, path: str | Path, settings: Settings, media_type: str | None = None) -> Decoded:
    """Bytes of a text file -> text, with the encoding found.

    UTF-8 (a BOM tolerated) and UTF-16/UTF-32 with a byte-order mark are decoded as such.
    Anything else is legacy 8-bit text: its most plausible code page is guessed
    (:func:`pipeline.ingest.encoding.guess_legacy`, charset-normalizer's candidates and the
    common code pages ranked by alphabet fit) and used only when ``accept_legacy_encodings``;
    otherwise the file is refused with E007 naming the guess.
    """
    bom = bom_encoding(data)
    if bom is not None and bom != "utf-8-sig":
        try:
            return Decoded(data.decode(bom), bom)
        except UnicodeDecodeError as exc:
            raise IngestError(path, E.E007, detail=f" (it starts with a {bom.upper()} byte-order mark, "
                                                   f"but byte {exc.start} is not {bom.upper()})") from None
    utf16 = utf16_without_bom(data)  # before UTF-8: its NUL bytes are valid UTF-8
    if utf16 is not None:
        try:
            return Decoded(data.decode(utf16), utf16, f"ingest: the text is {utf16.upper()} without a byte-order mark")
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    if media_type == "text/html":
        declared = declared_charset(data)
        if declared is not None:
            try:
                return Decoded(data.decode(declared), declared, f"ingest: decoded as {declared}, as the page declares")
            except UnicodeDecodeError:
                pass  # the declaration lies: guess below
    guess = guess_legacy(data)
    if guess is not None and settings.accept_legacy_encodings:
        return Decoded(guess.text, guess.encoding,
                       f"ingest: the text is not UTF-8; decoded as {guess.encoding}, the most plausible "
                       f"legacy encoding (confidence {guess.confidence:.2f})")
    detail = f" (looks like {guess.encoding}, confidence {guess.confidence:.2f})" if guess else ""
    raise IngestError(path, E.E007, detail=detail)


def decode_text(data: bytes, path: str | Path, settings: Settings) -> str:
    """The text of ``data`` (see :func:`decode`)."""
    return decode(data, path, settings).text


# At most this many NUL bytes, or this share of a text file's bytes, for it to be read as text with the NULs
# removed: a stray NUL or two from a broken export or a C string; binary formats have far more (a ZIP's
# header alone), and random bytes fail the UTF-8 check besides.
MAX_NULS, MAX_NUL_SHARE = 16, 0.001


def _sparse_nuls(data: bytes) -> bool:
    """A few NUL bytes in what is otherwise UTF-8 text (a broken export): read as text without them."""
    nuls = data.count(0)
    if not nuls or nuls > max(MAX_NULS, MAX_NUL_SHARE * len(data)) or utf16_without_bom(data) or bom_encoding(data) not in (None, "utf-8-sig"):
        return False
    head = data[:65536].replace(b"\x00", b"")
    if sum(1 for b in head[:8192] if b < 9 or 13 < b < 32) > 0.05 * max(len(head[:8192]), 1):
        return False  # control bytes besides: binary
    try:
        head.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut at the sample's end is no evidence
    return True


def _is_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB, unless a Unicode BOM says otherwise.

    UTF-16 and UTF-32 text is full of NUL bytes; with a byte-order mark it is text when its
    start decodes in the encoding the mark names and has no more control characters than
    text would. UTF-16 without a mark (:func:`pipeline.ingest.encoding.utf16_without_bom`) and
    UTF-8 text with a few stray NUL bytes (:func:`_sparse_nuls`) are text too.
    """
    if utf16_without_bom(data) is not None or _sparse_nuls(data):
        return False
    head = data[:8192]
    bom = bom_encoding(head)
    if bom is not None and bom != "utf-8-sig":
        unit = 4 if bom == "utf-32" else 2
        text = head[: len(head) - len(head) % unit].decode(bom, errors="replace")
        if text.count("\ufffd") > 0.05 * max(len(text), 1):
            return True
        controls = sum(1 for ch in text if ord(ch) < 9 or 13 < ord(ch) < 32)
        return controls > 0.05 * max(len(text), 1)
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > 0.05 * max(len(head), 1)


def _sniff_head(head: bytes) -> bytes:
    """The first bytes as the text sniffers read them: UTF-16/32 with a BOM re-encoded as UTF-8."""
    bom = bom_encoding(head)
    if bom is None:
        bom = utf16_without_bom(head)
        if bom is None:
            return head.replace(b"\x00", b"")
        return head[: len(head) - len(head) % 2].decode(bom, errors="ignore").encode("utf-8")
    if bom == "utf-8-sig":
        return head[len(b"\xef\xbb\xbf"):]
    unit = 4 if bom == "utf-32" else 2
    return head[: len(head) - len(head) % unit].decode(bom, errors="ignore").encode("utf-8")


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
    head = _sniff_head(head)
    verdict = next((s for s in ordered if not s.binary and s.sniff(head, name)), None)
    wanted = _DECLARED_ALIASES.get((declared or "").split(";")[0].strip().lower())
    claimed = next((s for s in ordered if not s.binary and s.media_type == wanted), None)
    if claimed is not None and (verdict is None or claimed.priority < verdict.priority):
        return claimed.media_type
    return verdict.media_type if verdict is not None else "text/plain"


# Text formats whose markup would be read as the document's words: (magic at the start, what to call it).
_FOREIGN_TEXT = ((b"{\\rtf", "an RTF document (save it as PDF or plain text)"),
                 (b"%!PS", "a PostScript file (convert it to PDF, e.g. with ps2pdf)"))


def _foreign_text_format(data: bytes, media: str) -> str | None:
    head = data[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    kind = next((kind for magic, kind in _FOREIGN_TEXT if head.startswith(magic)), None)
    if kind is None and media != "text/html" and head.startswith(b"<?xml"):
        # XML that is no web page (TEI, JATS, DocBook, a feed): as text, its tags would be the words
        kind = "an XML file such as TEI or JATS (export it as PDF, HTML or text)"
    return kind


def read_bytes(data: bytes, path: str | Path, settings: Settings, url: str | None = None) -> RawDocument:
    """Detect the type of ``data`` and run the matching reader."""
    if not data.strip():
        raise IngestError(path, E.E001)
    if len(data) > settings.max_file_bytes:
        raise IngestError(path, E.E008, limit=settings.max_file_bytes)
    media = detect_media_type(data, path)
    kind = _foreign_text_format(data, media) if media != "application/pdf" else None
    if kind is not None:  # text bytes, but markup no reader here reads: its codes would become the text
        raise IngestError(path, E.E002, detected=kind)
    if media == "application/octet-stream":
        kind = "binary data"
        if data[:4] == b"PK\x03\x04":
            kind = "an EPUB e-book" if data[30:58] == b"mimetypeapplication/epub+zip" else "a ZIP/Office file"
        elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            kind = "a Word 97-2003 or other old Office file"
        elif data[:2] == b"\x1f\x8b":
            kind = "a gzip-compressed file"
        elif data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            kind = "an image"
        raise IngestError(path, E.E002, detected=kind)
    from pipeline.registry import readers

    spec = next(r for r in readers() if r.media_type == media)
    decoded = None
    if spec.binary:
        content = data
    else:
        decoded = decode(data, path, settings, media)
        content = decoded.text
        if len(content) > settings.max_text_chars:  # refused before a reader works through it
            raise IngestError(path, E.E012, chars=len(content), limit=settings.max_text_chars)
    raw = spec.read(content, path=Path(path), settings=settings, url=url)
    if not any(b.text.strip() for b in raw.blocks):
        raise IngestError(path, E.E009)
    chars = sum(len(b.text) for b in raw.blocks)
    if chars > settings.max_text_chars:
        raise IngestError(path, E.E012, chars=chars, limit=settings.max_text_chars)
    if decoded is not None:
        raw.encoding = decoded.encoding
        if decoded.note:
            raw.warnings.append(decoded.note)
    return raw


def read_file_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """A file's bytes, or an IngestError naming the file and why it cannot be read.

    The size is checked with ``fstat`` on the opened file before anything is read, and at most
    ``max_bytes + 1`` bytes are read (a file growing meanwhile is caught too), so an oversized file
    never costs its size in memory. Only regular files are read: a FIFO would block and a device
    such as ``/dev/zero`` never ends (E017). ``max_bytes`` defaults to the setting ``max_file_bytes``.
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
        raise IngestError(path, E.E017, kind=kind)
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the stat, open must not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise IngestError(path, E.E017, kind="swapped for another kind of file while opened")
            if st.st_size > max_bytes:
                raise IngestError(path, E.E008, limit=max_bytes)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(path, E.E011, detail=exc.strerror or type(exc).__name__) from None
    if len(data) > max_bytes:
        raise IngestError(path, E.E008, limit=max_bytes)
    return data
