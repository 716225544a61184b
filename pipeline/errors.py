"""All user-facing error messages, with codes, in one place (after spaCy's ``errors.py``).

Each message says what failed, on which file, and what the user can do.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path


class E(str, Enum):
    E001 = "the file is empty"
    E002 = "the file is not a document irpipe can read (detected: {detected}); supported: PDF, HTML, markdown, plain text"
    E003 = "the PDF is damaged or truncated and cannot be opened ({detail}); re-download or re-export it"
    E004 = "the PDF is encrypted; save an unencrypted copy and run again"
    E005 = "the PDF has no text layer (a scan?); run OCR (e.g. ocrmypdf) first"
    E006 = "the PDF has {pages} pages, more than max_pdf_pages={limit}; raise IRPIPE_MAX_PDF_PAGES to process it"
    E007 = "the text is not valid UTF-8{detail}; convert it to UTF-8, or set IRPIPE_ACCEPT_LEGACY_ENCODINGS=true"
    E008 = "the file is larger than max_file_bytes={limit}"
    E009 = "no text could be extracted from the document"
    E010 = "the path does not exist"
    E011 = "the file cannot be read: {detail}"
    E012 = "the text has {chars:,} characters, more than max_text_chars={limit:,}; split the file, or raise IRPIPE_MAX_TEXT_CHARS"
    E013 = "irpipe failed on this document ({detail}); the traceback is in the log file; unless the cause is on your side (disk, permissions), please report it"
    # hostile input: limits that keep memory and time bounded (pipeline/ingest/limits.py)
    E015 = ("a stream of the PDF inflates past {limit} bytes ({setting}): a decompression bomb or a broken file; "
            "raise IRPIPE_{setting_env} if you trust it")
    E016 = ("page {page} of the PDF yields more than {limit} characters (pdf_max_page_chars): hostile or broken; "
            "raise IRPIPE_PDF_MAX_PAGE_CHARS if you trust it")
    E017 = "not a regular file ({kind}); give irpipe the file itself"
    E018 = ("the web page holds no article text: a JavaScript application builds it in the browser; open the "
            "page in a browser and save it once it has loaded (or print it to PDF), then run again")
    # stages after ingestion: the document is kept (status partial), with what the other stages did
    E101 = "the {stage} stage failed ({detail}); the document was written without it"
    E102 = "the {stage} stage ran out of memory; the document was written without it"
    E103 = "the {stage} stage took longer than allowed; the document was written without it"


class S(str, Enum):
    """Errors of an output folder's corpus state (:mod:`pipeline.store`): never the user's input, always refused."""

    E201 = ("{what} is damaged ({detail}); it was left as it is, with a copy at {copy}. Restore it from a backup, "
            "or move it away to start a new one")
    E202 = ("{what} was written by a newer irpipe (schema {found}; this one reads {ours}); run that version, "
            "or move the file away")
    E203 = ("{what} was changed outside irpipe and is not a valid manifest ({detail}); it was left as it is, with a "
            "copy at {copy}. index.json is a view of the store: delete it to have it written again")


class L(str, Enum):
    """Errors of one input line of a JSON Lines command (``irpipe extract-events``): that line is skipped, the run goes on."""

    E301 = "line {line}: not a JSON object ({detail})"
    E302 = "line {line}: no \"text\" string"
    E303 = "line {line}: \"date\" is not an ISO date (YYYY-MM-DD): {value!r}"
    E304 = "line {line}: events failed ({detail})"


def line_error(code: L, **kwargs: object) -> str:
    """The one-line message of a bad input line: ``line N: reason [E30x]``."""
    return f"{code.value.format(**kwargs)} [{code.name}]"


class StoreError(Exception):
    """The corpus state of an output folder cannot be used. ``str()`` is one line: file, reason, code."""

    def __init__(self, path: str | Path, code: S, **kwargs: object) -> None:
        self.path = str(path)
        self.code = code.name
        self.reason = code.value.format(**kwargs)
        super().__init__(f"{self.path}: {self.reason} [{self.code}]")

    def __reduce__(self):
        return (_restore_store_error, (self.path, self.code, self.reason))


def _restore_store_error(path: str, code: str, reason: str) -> "StoreError":
    err = StoreError.__new__(StoreError)
    err.path, err.code, err.reason = path, code, reason
    Exception.__init__(err, f"{path}: {reason} [{code}]")
    return err


class IngestError(Exception):
    """A document that cannot be ingested. ``str()`` is one line: file and reason."""

    def __init__(self, path: str | Path, code: E, **kwargs: object) -> None:
        self.path = str(path)
        self.code = code.name
        self.reason = code.value.format(**kwargs)
        super().__init__(f"{self.path}: {self.reason} [{self.code}]")

    def __reduce__(self):  # pickles (Prefect persists task results) without re-formatting
        return (_restore, (self.path, self.code, self.reason))


def _restore(path: str, code: str, reason: str) -> "IngestError":
    err = IngestError.__new__(IngestError)
    err.path, err.code, err.reason = path, code, reason
    Exception.__init__(err, f"{path}: {reason} [{code}]")
    return err


class FetchReason(str, Enum):
    """Why fetching a cited source failed: the ``reason`` of a failed ``FetchResult``.

    The value is the short code stored in ``meta.json``, in a document's ``sources`` and in
    the fetch summary; ``meaning`` is its one-line explanation. The fetcher reports only
    these codes (see :mod:`pipeline.fetch`).
    """

    meaning: str

    def __new__(cls, code: str, meaning: str) -> "FetchReason":
        member = str.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        return member

    # the URL itself
    BAD_URL = ("bad_url", "the URL cannot be parsed (port, host name, IPv6 literal, control characters)")
    BLOCKED_SCHEME = ("blocked_scheme", "not an http or https URL")
    BLOCKED_ADDRESS = ("blocked_address", "the host resolves to a loopback, private, reserved or metadata address")
    # the network
    DNS = ("dns", "the host name does not resolve")
    CONNECT = ("connect", "no connection: refused, reset or unreachable host")
    TLS = ("tls", "TLS handshake or certificate verification failed for the host name")
    TIMEOUT = ("timeout", "connecting or reading timed out (after the retries)")
    DEADLINE = ("deadline", "the whole fetch took longer than fetch_deadline")
    NETWORK_UNREACHABLE = ("network_unreachable", "the network is down: fetch_probe_url cannot be reached either")
    # the server's answer
    HTTP_STATUS = ("http_status", "the server answered with an error status (the number is in http_status)")
    REDIRECT_LOOP = ("redirect_loop", "more than fetch_max_redirects redirects")
    BAD_REDIRECT = ("bad_redirect", "a redirect without a usable Location (missing, control characters, bad URL)")
    BAD_RESPONSE = ("bad_response", "the server broke HTTP: bad Content-Length, closed without answering, garbled")
    DECODE_ERROR = ("decode_error", "the body's Content-Encoding (gzip, deflate) cannot be decoded")
    TOO_LARGE = ("too_large", "the body is larger than fetch_max_bytes (counted after decompression)")
    UNSUPPORTED_TYPE = ("unsupported_type", "the body is not PDF, HTML, markdown or text")
    # robots.txt (RFC 9309)
    ROBOTS = ("robots", "robots.txt disallows the URL for irpipe")
    ROBOTS_UNAVAILABLE = ("robots_unavailable", "robots.txt unreachable or a 5xx: everything counts as disallowed")
    # cache, manual files, offline mode
    OFFLINE = ("offline", "offline mode and the source is not in the cache")
    CACHE_CORRUPT = ("cache_corrupt", "the cached meta.json cannot be read (offline: nothing else to answer with)")
    CACHE_WRITE = ("cache_write", "the fetched body cannot be written to the source cache (disk full, permissions)")
    MANUAL_INVALID = ("manual_invalid", "manual.toml is malformed, or names a file that cannot be read")
    # a bug
    INTERNAL_ERROR = ("internal_error", "an unexpected error in irpipe (the exception type is in detail); please report")


def stage_error(stage: str, exc: BaseException):
    """The :class:`~pipeline.model.StageError` recorded on a document for a stage that raised."""
    from pipeline.model import StageError

    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")[:300]
    code = E.E102 if isinstance(exc, MemoryError) else E.E101
    return StageError(stage=stage, code=code.name, message=code.value.format(stage=stage, detail=detail))
