"""The built-in readers, registered with their sniffers (see :mod:`pipeline.registry`).

Each sniffer looks at the first bytes only (:data:`SNIFF_BYTES`) and at the file name to
break ties; the text sniffers decode leniently, since a wrong guess is settled by decoding.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.ingest.types import RawDocument
from pipeline.registry import reader
from pipeline.settings import Settings

# A PDF's header must be within its first 1,024 bytes (ISO 32000-1, 7.5.2 tolerates leading junk).
PDF_HEADER_WINDOW = 1024
# an XML prolog (XHTML), comments, then the first tag of a web page
_HTML_RE = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype html|<html|<head|<body|<meta|<title)", re.I | re.S)
_MD_RE = re.compile(r"^#{1,6}\s+\S|<sup>|^\s*[-*]\s+\S|\]\(https?://|\*\*\S", re.M)
# a pipe table's delimiter row (GitHub Flavored Markdown spec, 4.10): markdown on its own
_MD_TABLE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _head_text(head: bytes) -> str:
    return head.decode("utf-8", errors="ignore").lstrip("\ufeff")


def sniff_pdf(head: bytes, name: str) -> bool:
    return head[:PDF_HEADER_WINDOW].lstrip().startswith(b"%PDF") or b"%PDF-" in head[:PDF_HEADER_WINDOW]


def sniff_html(head: bytes, name: str) -> bool:
    text = _head_text(head)
    return bool(_HTML_RE.match(text)) or (_suffix(name) in (".html", ".htm", ".xhtml") and "<" in text)


def sniff_markdown(head: bytes, name: str) -> bool:
    text = _head_text(head)
    # two markdown constructs, or one in a file that says it is markdown
    return (len(_MD_RE.findall(text)) >= 2 or bool(_MD_TABLE_RE.search(text))
            or (_suffix(name) in (".md", ".markdown") and bool(_MD_RE.search(text))))


def sniff_text(head: bytes, name: str) -> bool:
    return True


@reader("application/pdf", sniff=sniff_pdf, binary=True, priority=10, suffixes=(".pdf",))
def read_pdf_bytes(data: bytes, *, path: Path, settings: Settings, url: str | None = None) -> RawDocument:
    from pipeline.ingest.pdf import read_pdf

    return read_pdf(data, path, settings)


@reader("text/html", sniff=sniff_html, priority=20, suffixes=(".html", ".htm", ".xhtml"))
def read_html_text(text: str, *, path: Path, settings: Settings, url: str | None = None) -> RawDocument:
    from pipeline.errors import E, IngestError
    from pipeline.ingest.html import is_script_shell, read_html

    if is_script_shell(text):
        raise IngestError(path, E.E018)
    return read_html(text, url=url)


@reader("text/markdown", sniff=sniff_markdown, priority=30, suffixes=(".md", ".markdown"))
def read_markdown_text(text: str, *, path: Path, settings: Settings, url: str | None = None) -> RawDocument:
    from pipeline.ingest.markdown import read_markdown

    return read_markdown(text)


@reader("text/plain", sniff=sniff_text, priority=100, suffixes=(".txt",))
def read_plain_text(text: str, *, path: Path, settings: Settings, url: str | None = None) -> RawDocument:
    from pipeline.ingest.text import read_text

    return read_text(text)
