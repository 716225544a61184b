"""Politeness: one request at a time per host with a pause between, and robots.txt (RFC 9309).

Per host (:class:`HostGate`): requests to one host are serialised and ``fetch_host_delay``
seconds apart, robots.txt requests included. Waiting for the host counts against the
fetch's deadline.

robots.txt (:class:`RobotsRules`), parsed by ``protego`` and read as RFC 9309 section 2.3
says:

* fetched once per authority (scheme, host, port) and kept for the Fetcher's lifetime;
* redirects are followed, across hosts too, up to ``max(5, fetch_max_redirects)`` hops
  (2.3.1.2 asks for at least five), each target checked like any URL
  (:mod:`pipeline.fetch.safety`); more hops count as "unavailable";
* 2xx: the rules; 4xx (404 included), too many redirects: "unavailable", everything
  allowed (2.3.1.3);
* 5xx (after the transport's retries), network errors, a body that cannot be decoded or
  a redirect to an address we may not visit: "unreachable", everything disallowed
  (2.3.1.4), reported as ``robots_unavailable``;
* at most ``robots_max_bytes`` (default 512 KiB; 2.5 asks for at least 500 KiB) are
  read, counted after decompression, so a compressed bomb stops early; the rest is
  ignored, not an error.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urljoin

from protego import Protego

from pipeline.errors import FetchReason
from pipeline.fetch.base import Deadline, FetchFailure
from pipeline.fetch.safety import Target, parse_url

if TYPE_CHECKING:
    from pipeline.fetch.transport import Session

ROBOTS_MIN_REDIRECTS = 5
_NETWORK = (FetchReason.DNS, FetchReason.CONNECT, FetchReason.TIMEOUT, FetchReason.TLS)
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = float("-inf")


class HostGate:
    """One request at a time per host, ``delay`` seconds apart."""

    def __init__(self, delay: float):
        self.delay = delay
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, host: str, deadline: Deadline) -> Iterator[None]:
        """Hold ``host`` for one request; ``deadline`` when the turn would come too late."""
        with self._lock:
            state = self._hosts.setdefault(host, _Host())
        if not state.lock.acquire(timeout=deadline.clamp(None)):
            raise FetchFailure(FetchReason.DEADLINE, f"still waiting for a turn at {host}")
        try:
            wait = state.last + self.delay - time.monotonic()
            if wait > 0:
                if wait >= deadline.remaining():
                    raise FetchFailure(FetchReason.DEADLINE, f"the pause before {host} ends after the deadline")
                time.sleep(wait)
            yield
        finally:
            state.last = time.monotonic()
            state.lock.release()


@dataclass
class _Verdict:
    rules: Protego | None = None        # None with failure None: everything allowed
    failure: FetchFailure | None = None  # unreachable: everything disallowed


class RobotsRules:
    """robots.txt per authority, fetched on first use through the fetch's :class:`Session`."""

    def __init__(self, user_agent: str, max_bytes: int, max_redirects: int):
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.max_redirects = max(ROBOTS_MIN_REDIRECTS, max_redirects)
        self._verdicts: dict[str, _Verdict] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def check(self, target: Target, session: "Session") -> None:
        """Return when robots.txt allows ``target``; else ``robots`` or ``robots_unavailable``."""
        verdict = self._verdict(target, session)
        if verdict.failure is not None:
            f = verdict.failure
            raise FetchFailure(f.reason, f.detail, http_status=f.http_status, cause=f.cause)
        if verdict.rules is not None and not verdict.rules.can_fetch(target.url, self.user_agent):
            raise FetchFailure(FetchReason.ROBOTS, f"robots.txt of {target.origin} disallows {target.url}")

    def _verdict(self, target: Target, session: "Session") -> _Verdict:
        origin = target.origin
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        if not lock.acquire(timeout=session.deadline.clamp(None)):  # another thread is fetching it
            raise FetchFailure(FetchReason.DEADLINE, f"still waiting for robots.txt of {origin}")
        try:
            if origin not in self._verdicts:
                # a deadline failure is this fetch's problem, not the host's: it propagates, uncached
                self._verdicts[origin] = self._load(origin, session)
            return self._verdicts[origin]
        finally:
            lock.release()

    def _load(self, origin: str, session: "Session") -> _Verdict:
        url = origin + "/robots.txt"
        for _hop in range(self.max_redirects + 1):
            try:
                robots = parse_url(url)
                session.pin(robots)
                reply = session.get(robots, limit=self.max_bytes, truncate=True, purpose="robots")
            except FetchFailure as f:
                if f.reason is FetchReason.DEADLINE:
                    raise
                return self._unreachable(origin, f"{f.reason.value}: {f.detail}",
                                         cause=f.reason if f.reason in _NETWORK else f.cause)
            if reply.status in _REDIRECTS:
                location = reply.headers.get("location", "")
                if not location or any(ord(c) < 0x20 or ord(c) == 0x7F for c in location):
                    return self._unreachable(origin, f"robots.txt redirect without a usable Location ({reply.status})")
                try:
                    url = urljoin(robots.url, location)
                except ValueError as exc:
                    return self._unreachable(origin, f"robots.txt redirect to a bad URL: {exc}")
                continue
            if 200 <= reply.status < 300:
                text = reply.body.decode("utf-8", errors="replace")
                return _Verdict(rules=Protego.parse(text))
            if 400 <= reply.status < 500:
                return _Verdict()  # "unavailable": no rules, everything allowed
            if reply.status >= 500:
                return self._unreachable(origin, f"robots.txt answered HTTP {reply.status}", http_status=reply.status)
            return _Verdict()  # 1xx/3xx oddities: treated as no robots.txt
        return _Verdict()  # more redirects than RFC 9309 asks us to follow: "unavailable"

    @staticmethod
    def _unreachable(origin: str, detail: str, *, http_status: int | None = None,
                     cause: FetchReason | None = None) -> _Verdict:
        return _Verdict(failure=FetchFailure(
            FetchReason.ROBOTS_UNAVAILABLE, f"{origin}/robots.txt: {detail}; everything counts as disallowed",
            http_status=http_status, cause=cause))
