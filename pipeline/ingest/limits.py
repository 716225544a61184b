"""Bounded work on hostile PDFs: how far a stream may inflate, how many characters a page may draw.

pdfminer (under pdfplumber) inflates each stream whole with ``zlib.decompress`` in
``pdfminer.pdftypes.PDFStream.decode`` and keeps the result: a 1 MB FlateDecode stream of zeros
becomes 1 GiB in memory before anything looks at it, and a small content stream that draws one form
XObject a million times yields a million characters, each a Python object of about a kilobyte.

While a PDF opened through :func:`guarded` (the decorator on ``pipeline.ingest.pdf.open_pdf``) is
read in a thread, pdfminer's decoders in ``pdfminer.pdftypes`` are bounded for that thread:

* FlateDecode inflates through ``zlib.decompressobj(...).decompress(data, max_length)``, so no more
  than the limit plus one byte is ever produced (``pdf_max_stream_bytes`` per stream, and
  ``pdf_max_decoded_bytes`` for all the document's streams, since pdfminer keeps them while the
  document is open); the recovery path for a bad checksum (``decompress_corrupted``, byte by byte
  with quadratic ``bytes +=``) is replaced by an equivalent that feeds the data in one piece;
* LZW and CCITT fax decode chunk by chunk, run length into a ``bytearray``, each counted as it grows;
  ASCII85 and ASCIIHex shrink or barely grow their input and are checked after decoding;
* ``PDFLayoutAnalyzer.render_char`` counts the characters of the page (``pdf_max_page_chars``); a page
  past it stops at once and is dropped by the reader with a warning (the other pages are kept).

A stream limit hit raises :class:`PdfLimitExceeded` inside pdfminer at once, and every later decode or
character of that document fails at once too (pdfminer swallows some errors, e.g. in fonts). The
document's ``pdf.close()`` (which the reader calls in a ``finally``) then raises the
:class:`~pipeline.errors.IngestError` E015: the reader turns any error
during page extraction into "damaged" (E003), and an error raised by ``close`` in its ``finally``
takes precedence; a hit while opening replaces the opening's error the same way.

The patch is installed once, process-wide, and does nothing in a thread with no guarded PDF open:
other users of pdfminer see its own behaviour. Decoded bytes are identical to pdfminer's below the
limits (``tests/test_pdf.py`` and the dev PDFs read the same).
"""

from __future__ import annotations

import io
import threading
import zlib
from functools import wraps
from pathlib import Path

from pipeline.errors import E, IngestError

_local = threading.local()
_install_lock = threading.Lock()
_installed = False
_orig: dict[str, object] = {}


class PdfLimitExceeded(Exception):
    """Stops pdfminer's work on a PDF past a limit; reported as an IngestError when the PDF is closed."""


class PageTooLong(PdfLimitExceeded):
    """Stops the work on one page past ``pdf_max_page_chars``; the reader drops that page and goes on."""


class _Guard:
    """The limits and counters of one PDF being read in this thread."""

    def __init__(self, path: Path | str, settings) -> None:
        self.path = path
        self.max_stream = settings.pdf_max_stream_bytes
        self.max_total = settings.pdf_max_decoded_bytes
        self.max_page_chars = settings.pdf_max_page_chars
        self.decoded = 0
        self.error: IngestError | None = None
        self.long_pages: set[int] = set()  # pages cut off at pdf_max_page_chars (1-based)

    def room(self) -> int:
        """Bytes the stream now being decoded may inflate to."""
        return max(0, min(self.max_stream, self.max_total - self.decoded))

    def check(self) -> None:
        if self.error is not None:
            raise PdfLimitExceeded(str(self.error))

    def stream_limit(self) -> None:
        if self.error is None:
            setting = "pdf_max_decoded_bytes" if self.max_total - self.decoded < self.max_stream else "pdf_max_stream_bytes"
            limit = self.max_total if setting == "pdf_max_decoded_bytes" else self.max_stream
            self.error = IngestError(self.path, E.E015, limit=limit, setting=setting, setting_env=setting.upper())
        raise PdfLimitExceeded(str(self.error))

    def page_limit(self, page: int) -> None:
        """One page draws too many characters: that page is given up (the reader drops it with a
        warning, or refuses the PDF with E016 when no page is left); the other pages are read."""
        self.long_pages.add(page)
        raise PageTooLong(f"page {page}: more than {self.max_page_chars} characters")


def _guard() -> _Guard | None:
    return getattr(_local, "guard", None)


def pages_given_up() -> set[int]:
    """The pages (1-based) of the PDF now being read in this thread that passed ``pdf_max_page_chars``."""
    guard = _guard()
    return set(guard.long_pages) if guard is not None else set()


# ---------------------------------------------------------------- bounded decoders


class _BoundedDecompressor:
    """A ``zlib`` decompressor that never produces more than the guard's room."""

    def __init__(self, guard: _Guard, *args, **kwargs) -> None:
        self._d = zlib.decompressobj(*args, **kwargs)
        self._guard = guard
        self._room = guard.room()
        self._out = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        cap = self._room - self._out + 1
        out = self._d.decompress(data, cap if max_length == 0 else min(max_length, cap))
        self._out += len(out)
        if self._out > self._room:
            self._guard.stream_limit()
        return out

    def flush(self, *args) -> bytes:
        out = self._d.flush(*args)
        self._out += len(out)
        if self._out > self._room:
            self._guard.stream_limit()
        return out

    def __getattr__(self, name: str):  # eof, unused_data, unconsumed_tail
        return getattr(self._d, name)


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside ``pdfminer.pdftypes``."""

    error = zlib.error

    def decompress(self, data: bytes, *args, **kwargs) -> bytes:
        guard = _guard()
        if guard is None:
            return zlib.decompress(data, *args, **kwargs)
        guard.check()
        wbits = list(args[:1]) or ([kwargs["wbits"]] if "wbits" in kwargs else [])
        d = _BoundedDecompressor(guard, *wbits)
        out = d.decompress(data)
        if not d.eof:  # what zlib.decompress says of a stream that stops early
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out

    def decompressobj(self, *args, **kwargs):
        guard = _guard()
        if guard is None:
            return zlib.decompressobj(*args, **kwargs)
        guard.check()
        return _BoundedDecompressor(guard, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(zlib, name)


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's recovery for a bad checksum, with the same result, in one pass instead of one call
    (and one copy of the output so far) per input byte: an error before the last three bytes is
    raised, one in them (the checksum) returns what was inflated."""
    guard = _guard()
    if guard is None:
        return _orig["decompress_corrupted"](data)
    guard.check()
    d = _BoundedDecompressor(guard)
    cut = max(len(data) - 3, 0)
    parts = [d.decompress(data[:cut])]
    for i in range(cut, len(data)):
        try:
            parts.append(d.decompress(data[i : i + 1]))
        except zlib.error:
            break
    return b"".join(parts)


def _lzwdecode(data: bytes) -> bytes:
    guard = _guard()
    if guard is None:
        return _orig["lzwdecode"](data)
    guard.check()
    from pdfminer.lzw import LZWDecoder

    room, n, parts = guard.room(), 0, []
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        n += len(chunk)
        if n > room:
            guard.stream_limit()
        parts.append(chunk)
    return b"".join(parts)


def _rldecode(data: bytes) -> bytes:
    """RunLengthDecode (ISO 32000-1, 7.4.5) into a bytearray, counted as it grows."""
    guard = _guard()
    if guard is None:
        return _orig["rldecode"](data)
    guard.check()
    room, out, i = guard.room(), bytearray(), 0
    while i < len(data):
        length = data[i]
        i += 1
        if length == 128:  # end of data
            break
        if length < 128:
            if i + length + 1 > len(data):
                raise ValueError("run-length data ends inside a literal run")
            out += data[i : i + length + 1]
            i += length + 1
        else:
            if i >= len(data):
                raise ValueError("run-length data ends inside a repeated run")
            out += data[i : i + 1] * (257 - length)
            i += 1
        if len(out) > room:
            guard.stream_limit()
    return bytes(out)


def _ccittfaxdecode(data: bytes, params: dict) -> bytes:
    guard = _guard()
    cols = params.get("Columns") if isinstance(params, dict) else None
    if guard is None or params.get("K") != -1 or not isinstance(cols, int):
        return _orig["ccittfaxdecode"](data, params)
    guard.check()
    room = guard.room()
    if (cols + 7) // 8 > room:  # not even one line fits; the decoder would allocate it first
        guard.stream_limit()
    from pdfminer.ccitt import CCITTFaxDecoder

    class _Bounded(CCITTFaxDecoder):
        """Lines into a list (pdfminer's ``bytes +=`` per line is quadratic), counted as they come."""

        lines: list[bytes]

        def output_line(self, y: int, bits) -> None:
            line = bytearray((len(bits) + 7) // 8)
            for i, b in enumerate(bits):
                if (1 - b if self.reversed else b):
                    line[i // 8] |= 0x80 >> (i % 8)
            self.lines.append(bytes(line))
            self.n += len(line)
            if self.n > room:
                guard.stream_limit()

    parser = _Bounded(cols, bytealign=bool(params.get("EncodedByteAlign")), reversed=bool(params.get("BlackIs1")))
    parser.lines, parser.n = [], 0
    parser.feedbytes(data)
    return b"".join(parser.lines)


def _checked_after(name: str):
    """A decoder whose output is at most a little larger than its input, checked once it is done."""

    def decode(*args, **kwargs):
        guard = _guard()
        if guard is None:
            return _orig[name](*args, **kwargs)
        guard.check()
        out = _orig[name](*args, **kwargs)
        if len(out) > guard.room():
            guard.stream_limit()
        return out

    return decode


def _stream_decode(self) -> None:
    guard = _guard()
    if guard is None:
        return _orig["decode"](self)
    guard.check()
    _orig["decode"](self)
    guard.decoded += len(self.data or b"")
    if guard.decoded > guard.max_total:
        guard.stream_limit()


def _begin_page(self, page, ctm) -> None:
    self._irpipe_chars = 0
    return _orig["begin_page"](self, page, ctm)


def _render_char(self, *args, **kwargs) -> float:
    guard = _guard()
    if guard is not None:
        guard.check()
        if self.pageno in guard.long_pages:  # the rest of a page already given up
            raise PageTooLong(f"page {self.pageno}")
        self._irpipe_chars = getattr(self, "_irpipe_chars", 0) + 1
        if self._irpipe_chars > guard.max_page_chars:
            guard.page_limit(self.pageno)
    return _orig["render_char"](self, *args, **kwargs)


def install() -> None:
    """Put the bounded decoders in place (once per process; inert where no guard is active)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        import pdfminer.pdftypes as pt
        from pdfminer.converter import PDFLayoutAnalyzer

        for name in ("decompress_corrupted", "lzwdecode", "rldecode", "ccittfaxdecode", "ascii85decode",
                     "asciihexdecode"):
            _orig[name] = getattr(pt, name)
        _orig["decode"] = pt.PDFStream.decode
        _orig["begin_page"] = PDFLayoutAnalyzer.begin_page
        _orig["render_char"] = PDFLayoutAnalyzer.render_char
        pt.zlib = _BoundedZlib()
        pt.decompress_corrupted = _decompress_corrupted
        pt.lzwdecode = _lzwdecode
        pt.rldecode = _rldecode
        pt.ccittfaxdecode = _ccittfaxdecode
        pt.ascii85decode = _checked_after("ascii85decode")
        pt.asciihexdecode = _checked_after("asciihexdecode")
        pt.PDFStream.decode = _stream_decode
        PDFLayoutAnalyzer.begin_page = _begin_page
        PDFLayoutAnalyzer.render_char = _render_char
        _installed = True


def guarded(open_pdf):
    """Decorate ``open_pdf(data, path, settings)``: the PDF it returns is read under the limits of
    ``settings`` until its ``close()``, which raises the limit's IngestError if one was hit."""

    @wraps(open_pdf)
    def wrapper(data, path, settings, *args, **kwargs):
        install()
        guard, previous = _Guard(path, settings), _guard()
        _local.guard = guard
        try:
            pdf = open_pdf(data, path, settings, *args, **kwargs)
        except BaseException:
            _local.guard = previous
            if guard.error is not None:
                raise guard.error from None
            raise
        if guard.error is not None:  # hit while opening, and swallowed by pdfminer
            _local.guard = previous
            pdf.close()
            raise guard.error
        close = pdf.close

        def guarded_close() -> None:
            try:
                close()
            finally:
                if _guard() is guard:
                    _local.guard = previous
            if guard.error is not None:
                raise guard.error

        pdf.close = guarded_close
        return pdf

    return wrapper
