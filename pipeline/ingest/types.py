"""Intermediate types shared by the readers: what a reader hands to ``structure``.

A reader turns bytes into a flat list of :class:`Block` in reading order; the
structure stage builds sections, passages, footnotes and offsets from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "body", "footnote", "reference", "front_matter"]


@dataclass
class Marker:
    """A footnote call inside a block's text (zero-width, at ``offset``)."""

    offset: int
    number: int
    block: int  # footnote block (page) the marker points into


@dataclass
class Line:
    """A physical line of a PDF page, kept for the reference splitter."""

    text: str
    x0: float
    x1: float
    top: float
    page: int
    size: float = 0.0
    # PDF reader: the line's column on its page (numbered in reading order from 0) and that column's
    # x extent, so that indents are measured against the column, not the page
    column: int = 0
    col_x0: float | None = None
    col_x1: float | None = None
    bold: bool = False
    italic: bool = False


@dataclass
class Block:
    kind: BlockKind
    text: str
    page: int | None = None
    level: int | None = None  # headings only
    markers: list[Marker] = field(default_factory=list)
    # footnotes only
    number: int | None = None
    fn_block: int = 0
    number_inferred: bool = False
    flags: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # index into the reader's block list
    lines: list[Line] = field(default_factory=list)


@dataclass
class RawDocument:
    media_type: str
    blocks: list[Block]
    pages: int | None = None
    meta_hints: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None  # text readers: the encoding the bytes were decoded from
