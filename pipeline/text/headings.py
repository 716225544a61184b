"""Section headings: numbering, the reference-list heading, top-level section names, captions.

Reference-list headings in English and German, with or without a section number
("6. Bibliography", "Literaturverzeichnis"), as printed in the social-science literature (the
headings of the EXCITE corpus's 139 papers, English and German, are all covered). Shared by every
reader and by the structure step.
"""

from __future__ import annotations

import re

# "2.", "2.1", "IV.", "B." before a heading's words
NUMBERING_RE = re.compile(r"^((?:\d+\.)*\d+\.?|[IVXLC]+\.|[A-Z]\.)\s+(?=\S)")
REFERENCE_HEADING_WORDS = (
    r"(?:bibliographical |literature |selected |cited )?references?(?: cited| and notes| list)?|"
    r"notes and references|(?:selected |annotated )?bibliograph(?:y|ie)|bibliografie|works (?:cited|consulted)|"
    r"cited works|literature(?: cited| and sources)?|sources(?: and literature)?|further reading|"
    r"(?:zitierte |verwendete |ausgewählte )?literatur(?:verzeichnis|liste|angaben|hinweise)?|"
    r"(?:verwendete |zitierte )?quellen(?:verzeichnis|angaben)?|quellen(?:-? und |-)literatur(?:verzeichnis)?|"
    r"literatur(?:-? und |-)quellen(?:verzeichnis)?|referenzen|bibliographische angaben"
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
    return bool(REFERENCE_HEADING_RE.match(collapse_tripled(" ".join(text.split()).strip(" *#"))))


# A notes section at the end of a paper (endnotes): its numbered paragraphs are notes, not body text.
NOTES_HEADING_RE = re.compile(
    r"^(?:(?:\d+|[IVXLC]+)\.?\s*)?(?:notes|end ?notes|anmerkungen|endnoten|fu(?:ß|ss)noten)\s*:?$", re.I)

# Headings that end a reference list: what papers print after their references.
ENDS_REFERENCES_RE = re.compile(
    r"^(?:(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])\.?\s*)?(?:appendix|appendices|anhang|anh\u00e4nge|annex|anlagen?|notes|"
    r"end ?notes|anmerkungen|endnoten|about the authors?|(?:zu den |über die |zum |zur )?autor(?:en|innen|in)?|"
    r"zur person|biographical notes?|biographies|acknowledge?ments?|danksagung|tables?|figures?|abbildungen|"
    r"tabellen|supplementary|online appendix|kontakt|contact|korrespondenzadresse|anschrift)\b",
    re.I,
)

# Figure and table captions and their notes: never a heading.
CAPTION_RE = re.compile(
    r"^(?:table|tab|figure|fig|chart|graph|map|exhibit|box|plate|diagram|scheme|"
    r"tabelle|abbildung|abb|grafik|graphik|schaubild|übersicht|diagramm|karte|darstellung)\b\.?\s*"
    r"(?:\d+|[IVX]+\b|[A-Z]\d*\b)|^(?:source|sources|quelle|quellen|note|notes|anmerkung)\s*:\s*\S",
    re.I,
)


def is_caption(text: str) -> bool:
    """A figure or table caption ("Table 2: ...", "Abb. 3", "Quelle: ...")."""
    return bool(CAPTION_RE.match(text.strip()))


# Letters drawn three (or two) times in a plain text layer: "IIINNNTTTRRROOO", "RREEFF".
_TRIPLED_RE = re.compile(r"^(?:(\S)\1\1)+$")
_DOUBLED_RE = re.compile(r"^(?:(\S)\1)+$")


def collapse_tripled(text: str) -> str:
    """"IIINNNTTTRRROOO DDDUUUCCCTTTIIIOOONNN" -> "INTRO DUCTION": words whose every letter comes three
    times (or, for the whole text, twice) are written once. Other text is returned unchanged."""
    words = text.split(" ")
    if words and all(_TRIPLED_RE.match(w) and len(w) >= 3 for w in words if w):
        return " ".join(w[::3] for w in words)
    if words and sum(len(w) for w in words) >= 6 and all(_DOUBLED_RE.match(w) for w in words if w):
        return " ".join(w[::2] for w in words)
    return text


# A numbered section heading set in body type: "2 Theoretischer Rahmen", "3.1. Data and methods".
_SECTION_NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3}\.?)\s+(?=[A-ZÄÖÜ„\"“])")


def looks_like_section_heading(text: str, max_words: int) -> bool:
    """True for a short numbered heading: a section number, a capitalised word, at most ``max_words``
    words, no sentence end, no year or page range (those are list items or references)."""
    m = _SECTION_NUMBER_RE.match(text)
    if not m:
        return False
    rest = text[m.end():].strip()
    words = rest.split()
    if not words or len(words) > max_words or rest[-1:] in ".,;:" or len(rest) < 3:
        return False
    if re.search(r"\b(1[5-9]|20)\d\d\b|\d+\s*[-–]\s*\d+", rest):
        return False
    number = m.group(1).rstrip(".")
    return int(number.split(".")[0]) <= 20


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
