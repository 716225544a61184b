"""Fetching cited sources: a careful HTTP fetcher, the source cache, manual files, offline mode.

Written for running over hundreds of untrusted cited URLs without harming anyone and
without one URL stopping a run. :class:`Fetcher` composes one module per concern:

* :mod:`~pipeline.fetch.safety`: URL parsing, DNS resolution, address checks;
* :mod:`~pipeline.fetch.politeness`: per-host pacing and robots.txt (RFC 9309);
* :mod:`~pipeline.fetch.transport`: HTTP to the checked address only, one deadline per
  fetch, retries with backoff and Retry-After, bounded decoded bodies;
* :mod:`~pipeline.fetch.cache`: ``corpus/sources`` (body + ``meta.json``), conditional
  refresh, ``manual.toml``, offline answers;
* :mod:`~pipeline.fetch.base`: the shared result type and the media-type decision (the
  ingestion sniffer, :func:`pipeline.ingest.detect_media_type`).

**The fetcher never raises** for anything a URL, a server or the cache can cause: each
becomes ``FetchResult(status="failed", reason=<code>, detail=<one line>)`` with a code of
:class:`pipeline.errors.FetchReason`. Errors are caught precisely where they happen; in
addition :meth:`Fetcher.fetch` and :meth:`Fetcher.without_network` have a last-resort
guard that reports an unexpected exception (a bug) as ``internal_error`` naming its type.

Without network (a DNS, connect or timeout failure, and then ``fetch_probe_url`` cannot be
reached either) the remaining sources fail at once with ``network_unreachable`` (or come
from the cache) instead of each waiting out its timeouts.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from pipeline import __version__
from pipeline.errors import FetchReason
from pipeline.fetch.base import FetchFailure, FetchResult, failed, one_line, sniff_media_type
from pipeline.fetch.cache import SourceCache, cache_key
from pipeline.fetch.politeness import HostGate, RobotsRules
from pipeline.fetch.safety import parse_url
from pipeline.fetch.transport import Session, make_ssl_context, probe
from pipeline.settings import Settings

__all__ = ["Fetcher", "FetchResult", "source_url", "cache_key", "sniff_media_type"]

logger = logging.getLogger(__name__)

_REDIRECTS = (301, 302, 303, 307, 308)
#: failures after which the network itself is probed
_NETWORK = (FetchReason.DNS, FetchReason.CONNECT, FetchReason.TIMEOUT)


class Fetcher:
    """Polite, safe, cached HTTP fetching (see the module docstring). Safe to share between threads."""

    def __init__(self, settings: Settings, cache_dir: Path | None = None):
        self.settings = settings
        self.cache_dir = Path(cache_dir or Path(settings.corpus_dir) / "sources")
        self.cache = SourceCache(self.cache_dir)
        self.user_agent = f"irpipe/{__version__} (+{settings.fetch_contact})"
        self.gate = HostGate(settings.fetch_host_delay)
        self.robots = RobotsRules(self.user_agent, settings.robots_max_bytes, settings.fetch_max_redirects)
        self._ssl_context = make_ssl_context(settings)
        self._count_lock = threading.Lock()
        self._requests = 0
        self._down = False
        self._probe_result: bool | None = None

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (robots.txt and retries included)."""
        return self._requests

    def _count_request(self) -> None:
        with self._count_lock:
            self._requests += 1

    def close(self) -> None:
        """Nothing stays open between fetches (each has its own connections); kept for callers."""

    # ---------------------------------------------------------------- answers without a request

    def unreachable(self) -> bool:
        return self._down

    def read_cached(self, url: str) -> FetchResult | None:
        """The cached copy of ``url`` (status ``cached``), or None (absent or unusable)."""
        return self.cache.read(url)

    def manual_file(self, url: str, doi: str | None = None, reference_id: str | None = None) -> FetchResult | None:
        """The file ``manual.toml`` names for this source, a ``manual_invalid`` failure, or None."""
        try:
            return self.cache.manual(url, doi, reference_id)
        except FetchFailure as f:
            return failed(url, f.reason, f.detail)

    def without_network(self, url: str, *, offline: bool = False) -> FetchResult | None:
        """The answer when no request is to be made (manual file, offline, network down, not a URL); else None."""
        if not isinstance(url, str):
            return failed(repr(url), FetchReason.BAD_URL, f"not a string but {type(url).__name__}")
        try:
            manual = self.manual_file(url)
            if manual is not None:
                return manual
            if offline or self.settings.offline:
                return self.cache.local_answer(url, FetchReason.OFFLINE, "offline, and not in the cache")
            if self._down:
                return self.cache.local_answer(url, FetchReason.NETWORK_UNREACHABLE,
                                               f"{self.settings.fetch_probe_url} cannot be reached")
            return None
        except Exception as exc:  # last resort: a bug must not abort the run
            return self._internal_error(url, exc)

    # ---------------------------------------------------------------- fetching

    def fetch(self, url: str, *, offline: bool = False) -> FetchResult:
        """Fetch ``url`` (or serve it from the cache / manual files). Never raises."""
        try:
            local = self.without_network(url, offline=offline)
            if local is not None:
                return local
            session = Session(self.settings, self._ssl_context, self.gate, self.user_agent, self._count_request)
            try:
                return self._fetch(url, session)
            except FetchFailure as f:
                return self._failure(url, f, session.attempts)
            finally:
                session.close()
        except Exception as exc:  # last resort: a bug must not abort the run
            return self._internal_error(url, exc)

    def _fetch(self, url: str, session: Session) -> FetchResult:
        cached, cache_problem = self.cache.lookup(url)
        headers = self.cache.validators(cached)
        current = url
        try:
            for hop in range(self.settings.fetch_max_redirects + 1):
                target = self._target(current, redirected=hop > 0)
                current = target.url
                session.pin(target)
                if self.settings.fetch_respect_robots:
                    self.robots.check(target, session)
                reply = session.get(target, headers, limit=self.settings.fetch_max_bytes)
                if reply.status not in _REDIRECTS:
                    break
                current = _redirect_target(target.url, reply.status, reply.headers.get("location"))
            else:
                raise FetchFailure(FetchReason.REDIRECT_LOOP, f"more than {self.settings.fetch_max_redirects} redirects")
            if reply.status == 304 and cached is not None:
                cached.status = "not_modified"
                cached.attempts = session.attempts
                return cached
            if reply.status != 200:
                raise FetchFailure(FetchReason.HTTP_STATUS, f"HTTP {reply.status}"
                                   + (f" after {session.attempts} attempts" if session.attempts > 1 else ""),
                                   http_status=reply.status)
            media = sniff_media_type(reply.body, reply.headers.get("content-type"), urlsplit(target.url).path)
            if media is None:
                raise FetchFailure(FetchReason.UNSUPPORTED_TYPE, reply.headers.get("content-type") or "no Content-Type")
        except FetchFailure as f:
            f.final_url = current
            raise
        result = self.cache.store(url, target.url, reply.status, reply.headers, reply.body, media, session.attempts)
        if cache_problem:
            result.detail = one_line(f"the cached copy was unusable ({cache_problem}); fetched again")
        return result

    @staticmethod
    def _target(url: str, *, redirected: bool):
        try:
            return parse_url(url)
        except FetchFailure as f:
            if redirected and f.reason is FetchReason.BAD_URL:
                raise FetchFailure(FetchReason.BAD_REDIRECT, f"redirect to a bad URL: {f.detail}") from None
            raise

    def _failure(self, url: str, f: FetchFailure, attempts: int) -> FetchResult:
        reason, detail = f.reason, f.detail
        if (reason in _NETWORK or f.cause in _NETWORK) and not self._network_up():
            self._down = True  # not this host: the whole network; later sources stop at once
            reason = FetchReason.NETWORK_UNREACHABLE
            detail = f"{self.settings.fetch_probe_url} cannot be reached either ({f.reason.value}: {f.detail})"
        return failed(url, reason, detail, http_status=f.http_status, final_url=f.final_url, attempts=attempts)

    def _network_up(self) -> bool:
        """Is the network up at all? One quick look at ``fetch_probe_url`` per Fetcher."""
        if self._probe_result is None:
            self._probe_result = probe(self.settings.fetch_probe_url, min(self.settings.fetch_timeout, 5.0))
        return self._probe_result

    @staticmethod
    def _internal_error(url: str, exc: Exception) -> FetchResult:
        logger.error("irpipe: unexpected error fetching %r", url, exc_info=exc)
        return failed(str(url), FetchReason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")


def _redirect_target(current: str, status: int, location: str | None) -> str:
    """The absolute URL a redirect points to (RFC 9110 section 10.2.2: relative to the request's URL)."""
    if not location or not location.strip():
        raise FetchFailure(FetchReason.BAD_REDIRECT, f"HTTP {status} without a Location", http_status=status)
    bad = next((c for c in location if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise FetchFailure(FetchReason.BAD_REDIRECT, f"control character {bad!r} in Location {location!r}",
                           http_status=status)
    try:
        return urljoin(current, location.strip())
    except ValueError as exc:
        raise FetchFailure(FetchReason.BAD_REDIRECT, f"Location {location!r}: {exc}", http_status=status) from None


def source_url(url: str | None, doi: str | None, settings: Settings) -> str:
    """The URL to fetch for a cited source: a DOI goes through ``doi_resolver`` when there is no
    other URL (or the URL is itself a doi.org link). The DOI is percent-encoded where a URL
    needs it (``#``, ``?``, spaces, ``<>``). An empty string when there is neither; the
    fetcher reports that as ``bad_url``.
    """
    if doi and (not url or "doi.org/" in url):
        return settings.doi_resolver.rstrip("/") + "/" + quote(doi.strip(), safe="/:;()[]@!$&'*+,=-._~")
    return url or ""
