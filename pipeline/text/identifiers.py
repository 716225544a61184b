"""DOIs, URLs, years and content ids: one pattern each for the whole pipeline.

DOI syntax after the DOI Handbook (prefix ``10.`` + registrant code of 4-9 digits, ``/``,
any suffix); a DOI or URL ends at whitespace, quotes or angle brackets, and trailing
sentence punctuation is not part of it.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit, urlunsplit

DOI_RE = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
URL_RE = re.compile(r"https?://[^\s<>\"]+")
# A URL-looking token inside a reference string (scheme or a bare www.).
URL_TOKEN_RE = re.compile(r"https?://|www\.", re.I)
# Publication years of the literature the pipeline reads: 1500-2099, with a disambiguation letter (2019a).
YEAR_RE = re.compile(r"\b(1[5-9]\d\d|20\d\d)[a-z]?\b")
# Years as written inside author-year citations: 1600-2099, letter kept in the match.
CITATION_YEAR = r"(?:1[6-9]\d\d|20\d\d)[a-z]?"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
MONTH_NAMES = "|".join(MONTHS)
_TRAILING = ".,;:)]}'\"”’"

# A document is identified by its content: the first 16 hex digits of its SHA-256 (64 bits:
# a collision among a million documents has a probability of about 3e-8).
DOC_ID_HEX = 16


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def doc_id_of(sha256: str) -> str:
    """The doc_id for a content hash."""
    return sha256[:DOC_ID_HEX]


def short_digest(text: str, n: int = DOC_ID_HEX) -> str:
    """A short stable name for a string (a URL's cache folder, a settings fingerprint)."""
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def find_dois(text: str) -> list[str]:
    return [m.rstrip(_TRAILING) for m in DOI_RE.findall(text)]


def first_doi(text: str) -> str | None:
    found = find_dois(text)
    return found[0] if found else None


def find_urls(text: str) -> list[str]:
    return [m.rstrip(_TRAILING) for m in URL_RE.findall(text)]


def repair_url(url: str, following: str = "") -> str:
    """Undo what converters and typesetting do to URLs.

    Markdown escapes (``\\_``), trailing punctuation, Wikipedia titles broken by spaces
    (``wiki/Iranian-Russian Treaty on ...``: the words after the URL are glued back with
    underscores), ``utm_`` tracking parameters and fragments are removed; scheme and host
    are lower-cased.
    """
    u = url.replace("\\_", "_").replace("\\", "")
    if "wikipedia.org/wiki/" in u and following:
        tail = re.match(r"((?:\s+[A-Za-z0-9][\w'’()\-]*)+)", following)
        if tail:
            u = u + "_".join([""] + tail.group(1).split())
    u = u.rstrip(_TRAILING)
    try:
        parts = urlsplit(u)
    except ValueError:  # an unclosed IPv6 literal ("http://[::1"): keep the text, the fetcher refuses it
        return u
    query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("utm_"))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))


def repaired_urls(text: str) -> list[str]:
    """Every URL in ``text``, repaired (see :func:`repair_url`)."""
    return [repair_url(m.group(0), text[m.end():]) for m in URL_RE.finditer(text)]


def url_host(url: str) -> str:
    """The host of a URL without ``www.`` ("" when it cannot be parsed)."""
    try:
        return urlsplit(url).netloc.lower().removeprefix("www.")
    except ValueError:
        return ""
