"""Types every fetch module shares: the result, the internal failure, the deadline, the media decision.

Kept apart from the modules that use them so that ``safety``, ``politeness``, ``transport``
and ``cache`` import this one and not each other in circles.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from pipeline.errors import FetchReason

#: the media types a fetched or manual source may have, and the cache file extension of each
DOC_MEDIA = {"application/pdf": "pdf", "text/html": "html", "text/plain": "txt", "text/markdown": "md"}


@dataclass
class FetchResult:
    """What became of one URL. ``reason`` is a :class:`~pipeline.errors.FetchReason` code when failed."""

    url: str
    status: str  # fetched, not_modified, cached, manual, failed
    reason: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    content_type: str | None = None
    media_type: str | None = None
    path: str | None = None
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None
    attempts: int = 0
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("fetched", "not_modified", "cached", "manual")


class FetchFailure(Exception):
    """Raised inside the fetch package only; :class:`pipeline.fetch.Fetcher` turns it into a failed result.

    ``cause`` keeps the network reason behind a wrapped failure (a robots.txt that timed out is
    ``robots_unavailable`` caused by ``timeout``): the fetcher probes the network on those.
    """

    def __init__(self, reason: FetchReason, detail: str = "", *, http_status: int | None = None,
                 cause: FetchReason | None = None):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = one_line(detail)
        self.http_status = http_status
        self.cause = cause
        self.final_url: str | None = None  # the URL being fetched when it happened (after redirects)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def failed(url: str, reason: FetchReason, detail: str, **fields) -> FetchResult:
    """A failed result with a reason code (the enum's value) and a one-line detail."""
    return FetchResult(url=url, status="failed", reason=reason.value, detail=one_line(detail),
                       fetched_at=now_iso(), **fields)


def one_line(text: object, limit: int = 300) -> str:
    """``text`` on one line, at most ``limit`` characters (details go into JSON and tables)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class Deadline:
    """The one time limit of a fetch (``fetch_deadline``): every wait and socket operation is clamped to it."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def clamp(self, timeout: float | None) -> float:
        """``timeout`` shortened to what is left (never negative)."""
        left = max(self.remaining(), 0.0)
        return left if timeout is None else min(timeout, left)

    def check(self, what: str) -> None:
        if self.expired():
            raise FetchFailure(FetchReason.DEADLINE, f"over fetch_deadline={self.seconds:g}s {what}")


def sniff_media_type(data: bytes, header: str | None, name: str = "") -> str | None:
    """The media type of a fetched body, or None when it is not a document irpipe reads.

    The bytes decide, through the same detector ingestion uses
    (:func:`pipeline.ingest.detect_media_type`); ``header`` (Content-Type) and ``name`` (the
    URL path or file name) only break ties. Binary content is refused, and so is text served
    under a non-text type (JSON, JavaScript, an image that happens to decode).
    """
    from pipeline.ingest import detect_media_type

    ctype = (header or "").split(";")[0].strip().lower()
    media = detect_media_type(data, name, declared=ctype or None)
    if media == "application/octet-stream":
        return None
    if media in ("text/plain", "text/markdown") and ctype and not ctype.startswith("text/"):
        return None
    return media
