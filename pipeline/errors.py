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
    # stages after ingestion: the document is kept (status partial), with what the other stages did
    E101 = "the {stage} stage failed ({detail}); the document was written without it"
    E102 = "the {stage} stage ran out of memory; the document was written without it"
    E103 = "the {stage} stage took longer than allowed; the document was written without it"


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


def stage_error(stage: str, exc: BaseException):
    """The :class:`~pipeline.model.StageError` recorded on a document for a stage that raised."""
    from pipeline.model import StageError

    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")[:300]
    code = E.E102 if isinstance(exc, MemoryError) else E.E101
    return StageError(stage=stage, code=code.name, message=code.value.format(stage=stage, detail=detail))
