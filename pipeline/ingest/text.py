"""Reader for plain text: paragraphs by blank lines, headings by shape."""

from __future__ import annotations

import re

from pipeline.ingest.types import Block, RawDocument
from pipeline.text.headings import is_reference_heading
from pipeline.text.hyphenation import dehyphenate

_NUM_HEADING_RE = re.compile(r"^(\d+(\.\d+)*\.?|[IVX]+\.)\s+[A-Z]")


def _looks_like_heading(para: str) -> bool:
    if "\n" in para or len(para) > 100 or para.rstrip()[-1:] in ".,;:?!":
        return False
    words = para.split()
    if not words or len(words) > 12:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return bool(_NUM_HEADING_RE.match(para)) or para.isupper() or caps / len(words) >= 0.6


# A line that underlines the line above it ("Introduction" over "============"), or a rule on its own.
_UNDERLINE_RE = re.compile(r"^[ \t]*(=|-|\*|_|~)(?:[ \t]*\1){2,}[ \t]*$")


def read_text(text: str) -> RawDocument:
    """Plain text -> blocks. Lines inside a paragraph are joined; hyphens at line ends undone.

    A form feed (pdftotext's page break) ends a paragraph; a heading underlined with ``===`` or ``---``
    (setext style, README and pandoc plain text) is a heading, and a rule line on its own is dropped.
    """
    blocks: list[Block] = []
    in_refs = False
    for para in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\f", "\n\n")):
        lines = para.strip().split("\n")
        if lines and _UNDERLINE_RE.match(lines[-1]):
            lines.pop()
            if len(lines) == 1 and lines[0].strip():
                blocks.append(Block(kind="heading", text=lines[0].strip(), level=2 if "-" in para.strip()[-3:] else 1))
                in_refs = is_reference_heading(lines[0].strip())
                continue
        para = "\n".join(ln for ln in lines if not _UNDERLINE_RE.match(ln)).strip()
        if not para:
            continue
        if _looks_like_heading(para):
            blocks.append(Block(kind="heading", text=para, level=2 if re.match(r"^\d+\.\d+", para) else 1))
            in_refs = is_reference_heading(para)
            continue
        if in_refs:
            for line in para.splitlines():
                if line.strip():
                    blocks.append(Block(kind="reference", text=line.strip()))
            continue
        joined = dehyphenate(para)
        joined = re.sub(r"\s*\n\s*", " ", joined)
        blocks.append(Block(kind="body", text=re.sub(r"[ \t]+", " ", joined)))
    return RawDocument(media_type="text/plain", blocks=blocks)
