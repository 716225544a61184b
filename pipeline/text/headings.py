"""Section headings: numbering, the reference-list heading, top-level section names.

Reference-list headings in English and German, with or without a section number
("6. Bibliography", "Literaturverzeichnis"), as printed in the social-science literature.
"""

from __future__ import annotations

import re

# "2.", "2.1", "IV.", "B." before a heading's words
NUMBERING_RE = re.compile(r"^((?:\d+\.)*\d+\.?|[IVXLC]+\.|[A-Z]\.)\s+(?=\S)")
REFERENCE_HEADING_WORDS = (
    r"references?|bibliography|bibliographie|works cited|literature(?: cited)?|reference list|sources|"
    r"literatur(?:verzeichnis)?|quellen(?:verzeichnis)?|quellen- und literaturverzeichnis|literatur und quellen|"
    r"zitierte literatur|verwendete literatur"
)
REFERENCE_HEADING_RE = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVXLC]+)\.?\s*)?(?:" + REFERENCE_HEADING_WORDS + r")\s*:?$", re.I
)
TOP_LEVEL_RE = re.compile(
    r"^(abstract|introduction|conclusions?|concluding remarks|references?|bibliography|works cited|"
    r"acknowledge?ments?|appendix|notes|discussion|summary|literature|literatur|einleitung|fazit|schluss)\b",
    re.I,
)


def is_reference_heading(text: str) -> bool:
    """True for a reference-list heading ("References", "6. Bibliography", "Literatur")."""
    return bool(REFERENCE_HEADING_RE.match(" ".join(text.split()).strip(" *#")))


def split_numbering(heading: str) -> tuple[str | None, str]:
    """("2.1", "Sources of data") from "2.1 Sources of data."; (None, heading) when unnumbered."""
    m = NUMBERING_RE.match(heading)
    if not m:
        return None, heading.strip()
    return m.group(1).rstrip("."), heading[m.end():].strip().rstrip(".")


# A numbered list entry: "[12] ...", "12. ...", "12) ..."
LIST_NUMBER_RE = re.compile(r"^\s*(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s+\S")
# A numbered list is one when at least 60% of consecutive numbers follow each other and at
# least a quarter of its lines start with a number (continuation lines carry none): loose
# enough for lists broken by page furniture, tight enough to refuse numbered paragraphs.
LIST_SEQUENCE_SHARE = 0.6
LIST_NUMBERED_LINE_SHARE = 0.25


def list_number(text: str) -> int | None:
    """The number a list entry starts with ("[3] ..." or "3. ..."), else None."""
    m = LIST_NUMBER_RE.match(text)
    return int(m.group(1) or m.group(2)) if m else None


def is_numbered_list(lines: list[str]) -> bool:
    """True when ``lines`` read as a numbered list (see the thresholds above)."""
    nums = [n for n in (list_number(t) for t in lines) if n is not None]
    if len(nums) < 3:
        return False
    in_seq = sum(1 for a, b in zip(nums, nums[1:]) if b == a + 1)
    return in_seq >= LIST_SEQUENCE_SHARE * (len(nums) - 1) and len(nums) >= LIST_NUMBERED_LINE_SHARE * len(lines)
