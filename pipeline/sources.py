"""Cited sources: a careful HTTP fetcher, the source cache, manual files, offline mode.

The fetcher is written for running over hundreds of cited URLs without harming anyone:

* politeness: one request at a time per host and ``fetch_host_delay`` seconds between
  them; robots.txt respected (``urllib.robotparser``); a User-Agent naming the tool and
  a contact;
* robustness: timeouts; retries with exponential backoff on timeouts, 429 and 5xx,
  honouring Retry-After; a redirect limit; a maximum body size; content sniffed from the
  bytes (PDF magic, HTML tags, text), not only the Content-Type header;
* safety: http and https only; loopback, private, link-local, multicast and reserved
  addresses refused after DNS resolution and after every redirect, unless the host is
  named in ``fetch_allowed_hosts`` (the tests name 127.0.0.1);
* cache: ``corpus/sources/<key>/body`` and ``meta.json`` (url, final url, status, content
  type, ETag, Last-Modified, sha256, fetched_at); a refresh sends If-None-Match /
  If-Modified-Since and a 304 keeps the cached body;
* offline: ``--offline`` reads only the cache and ``corpus/sources/manual.toml``; without
  network (a DNS or connection failure, and then the probe ``fetch_probe_url`` fails too)
  the remaining sources fail at once instead of waiting out every timeout.

Every failure is a result with a reason (dns, timeout, http_status, too_large, robots,
blocked_address, unsupported_type, redirect_loop, network_unreachable, offline), never an
exception that could fail the article.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import json
import socket
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from pipeline import __version__
from pipeline.export import atomic_write_text, now_iso
from pipeline.settings import Settings

DOC_MEDIA = {"application/pdf": "pdf", "text/html": "html", "text/plain": "txt", "text/markdown": "md"}


@dataclass
class FetchResult:
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


class FetchError(Exception):
    def __init__(self, reason: str, detail: str = "", http_status: int | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.http_status = http_status


def cache_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def sniff_media_type(data: bytes, header: str | None) -> str | None:
    """PDF, HTML or plain text from the bytes; the header only breaks ties."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "application/pdf"
    low = head[:1024].lower()
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<body" in low or b"<head" in low:
        return "text/html"
    if b"\x00" in data[:4096]:
        return None
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    ctype = (header or "").split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return "text/html"
    if ctype.startswith("text/") or not ctype:
        return "text/plain"
    return None


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = 0.0
    robots: RobotFileParser | None = None
    robots_loaded: bool = False


class Fetcher:
    """Polite, safe, cached HTTP fetching (see the module docstring)."""

    def __init__(self, settings: Settings, cache_dir: Path | None = None):
        import httpx

        self.settings = settings
        self.cache_dir = Path(cache_dir or Path(settings.corpus_dir) / "sources")
        self.user_agent = f"irpipe/{__version__} (+{settings.fetch_contact})"
        self.client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(settings.fetch_timeout, connect=min(settings.fetch_timeout, 10.0)),
            headers={"User-Agent": self.user_agent},
        )
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._down = False
        self._probe_result: bool | None = None
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    # ---------------------------------------------------------------- safety

    def check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError("blocked_scheme", parts.scheme or "no scheme")
        host = parts.hostname or ""
        if host in self.settings.fetch_allowed_hosts:
            return
        try:
            infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
        except socket.gaierror as exc:
            raise FetchError("dns", f"{host}: {exc}") from None
        for info in infos:
            ip = ipaddress.ip_address(info[4][0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified:
                raise FetchError("blocked_address", f"{host} resolves to {ip}")

    # ---------------------------------------------------------------- politeness

    def _host(self, url: str) -> _HostState:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            return self._hosts.setdefault(key, _HostState())

    def _allowed_by_robots(self, url: str, state: _HostState) -> bool:
        if not self.settings.fetch_respect_robots:
            return True
        if not state.robots_loaded:
            state.robots_loaded = True
            robots_url = urljoin(url, "/robots.txt")
            try:
                self.check_address(robots_url)
                self.requests += 1
                r = self.client.get(robots_url)
                if r.status_code == 200:
                    rp = RobotFileParser()
                    rp.parse(r.text.splitlines())
                    state.robots = rp
            except Exception:
                state.robots = None  # no robots.txt or unreachable: allowed
        return state.robots is None or state.robots.can_fetch(self.user_agent, url)

    # ---------------------------------------------------------------- one request with retries

    def _request(self, url: str, headers: dict[str, str]):
        import httpx

        attempts = 0
        while True:
            attempts += 1
            state = self._host(url)
            with state.lock:
                wait = state.last + self.settings.fetch_host_delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    self.requests += 1
                    with self.client.stream("GET", url, headers=headers) as resp:
                        body = b""
                        if resp.status_code == 200:
                            length = int(resp.headers.get("content-length") or 0)
                            if length > self.settings.fetch_max_bytes:
                                raise FetchError("too_large", f"Content-Length {length}")
                            chunks = []
                            size = 0
                            for chunk in resp.iter_bytes():
                                size += len(chunk)
                                if size > self.settings.fetch_max_bytes:
                                    raise FetchError("too_large", f"over {self.settings.fetch_max_bytes} bytes")
                                chunks.append(chunk)
                            body = b"".join(chunks)
                        else:
                            resp.read()
                    status, rheaders = resp.status_code, resp.headers
                except httpx.TimeoutException:
                    status, rheaders, body = None, {}, b""
                    err = FetchError("timeout", url)
                except (httpx.ConnectError, httpx.NetworkError) as exc:
                    raise FetchError("connect", str(exc)) from None
                finally:
                    state.last = time.monotonic()
            retryable = status is None or status == 429 or (status is not None and status >= 500)
            if not retryable:
                return status, rheaders, body, attempts
            if attempts > self.settings.fetch_retries:
                if status is None:
                    raise err
                raise FetchError("http_status", f"HTTP {status} after {attempts} attempts", http_status=status)
            time.sleep(self._backoff(attempts, rheaders))

    def _backoff(self, attempt: int, headers) -> float:
        delay = self.settings.fetch_backoff * (2 ** (attempt - 1))
        ra = headers.get("retry-after") if headers else None
        if ra:
            try:
                delay = max(delay, float(ra))
            except ValueError:
                parsed = email.utils.parsedate_to_datetime(ra)
                if parsed is not None:
                    delay = max(delay, parsed.timestamp() - time.time())
        return min(delay, self.settings.fetch_max_backoff)

    # ---------------------------------------------------------------- public

    def unreachable(self) -> bool:
        return self._down

    def _probe(self) -> bool:
        """Is the network up at all? One quick look at ``fetch_probe_host`` (resolve and connect)."""
        if self._probe_result is None:
            parts = urlsplit(self.settings.fetch_probe_url)
            try:
                with socket.create_connection((parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)),
                                              timeout=min(self.settings.fetch_timeout, 5.0)):
                    self._probe_result = True
            except OSError:
                self._probe_result = False
        return self._probe_result

    def without_network(self, url: str, *, offline: bool = False) -> FetchResult | None:
        """The answer when no request is to be made (manual file, offline, network down); else None."""
        manual = self.manual_file(url)
        if manual is not None:
            return manual
        if offline or self.settings.offline:
            return self.read_cached(url) or FetchResult(url=url, status="failed", reason="offline",
                                                        detail="not in the cache")
        if self.unreachable():
            return self.read_cached(url) or FetchResult(url=url, status="failed", reason="network_unreachable",
                                                        detail=f"{self.settings.fetch_probe_url} cannot be reached")
        return None

    def fetch(self, url: str, *, offline: bool = False) -> FetchResult:
        """Fetch ``url`` (or serve it from the cache / manual files). Never raises."""
        local = self.without_network(url, offline=offline)
        if local is not None:
            return local
        cached = self.read_cached(url)
        headers: dict[str, str] = {}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        current = url
        attempts = 0
        try:
            for hop in range(self.settings.fetch_max_redirects + 1):
                self.check_address(current)
                state = self._host(current)
                if not self._allowed_by_robots(current, state):
                    raise FetchError("robots", f"robots.txt disallows {current}")
                status, rheaders, body, n = self._request(current, headers)
                attempts += n
                if status in (301, 302, 303, 307, 308):
                    location = rheaders.get("location")
                    if not location:
                        raise FetchError("http_status", f"HTTP {status} without Location", http_status=status)
                    current = urljoin(current, location)
                    continue
                break
            else:
                raise FetchError("redirect_loop", f"more than {self.settings.fetch_max_redirects} redirects")
            if status == 304 and cached is not None:
                cached.status = "not_modified"
                cached.attempts = attempts
                return cached
            if status != 200:
                raise FetchError("http_status", f"HTTP {status}", http_status=status)
            media = sniff_media_type(body, rheaders.get("content-type"))
            if media is None:
                raise FetchError("unsupported_type", rheaders.get("content-type", "unknown"))
            return self._store(url, current, status, rheaders, body, media, attempts)
        except FetchError as err:
            reason = err.reason
            if reason in ("dns", "connect", "timeout") and not self._probe():
                # not this host: the whole network is down; later sources stop at once
                self._down = True
                reason = "network_unreachable"
            return FetchResult(url=url, status="failed", reason=reason, detail=err.detail,
                               http_status=err.http_status, final_url=current, attempts=attempts,
                               fetched_at=now_iso())

    def _store(self, url, final_url, status, headers, body, media, attempts) -> FetchResult:
        folder = self.cache_dir / cache_key(url)
        folder.mkdir(parents=True, exist_ok=True)
        ext = DOC_MEDIA.get(media, "bin")
        path = folder / f"body.{ext}"
        tmp = folder / f".body.{ext}.partial"
        tmp.write_bytes(body)
        tmp.replace(path)
        res = FetchResult(url=url, status="fetched", final_url=final_url, http_status=status,
                          content_type=headers.get("content-type"), media_type=media, path=str(path),
                          sha256=hashlib.sha256(body).hexdigest(), etag=headers.get("etag"),
                          last_modified=headers.get("last-modified"), fetched_at=now_iso(), attempts=attempts)
        atomic_write_text(folder / "meta.json", json.dumps(asdict(res), indent=1))
        return res

    def read_cached(self, url: str) -> FetchResult | None:
        meta = self.cache_dir / cache_key(url) / "meta.json"
        if not meta.exists():
            return None
        data = json.loads(meta.read_text())
        res = FetchResult(**data)
        if not res.path or not Path(res.path).exists():
            return None
        res.status = "cached"
        return res

    def manual_file(self, url: str, doi: str | None = None, reference_id: str | None = None) -> FetchResult | None:
        """A file the user placed for a source that cannot be fetched (``manual.toml``)."""
        mapping = load_manual(self.cache_dir)
        for key in (url, doi, reference_id):
            if key and key in mapping:
                path = mapping[key]
                if path.exists():
                    data = path.read_bytes()
                    return FetchResult(url=url, status="manual", path=str(path), media_type=sniff_media_type(data, None),
                                       sha256=hashlib.sha256(data).hexdigest(), fetched_at=now_iso())
        return None


def load_manual(cache_dir: Path) -> dict[str, Path]:
    """``manual.toml``: ``[[source]]`` tables with ``file`` and one of ``url``, ``doi``, ``reference_id``."""
    path = cache_dir / "manual.toml"
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Path] = {}
    for entry in data.get("source", []):
        f = Path(entry["file"])
        f = f if f.is_absolute() else cache_dir / f
        for key in ("url", "doi", "reference_id"):
            if entry.get(key):
                out[entry[key]] = f
    return out


def source_url(source: dict, settings: Settings) -> str:
    """The URL to fetch for a registry entry: DOIs go through the resolver."""
    if source.get("doi") and (not source.get("url") or "doi.org/" in source["url"]):
        return settings.doi_resolver.rstrip("/") + "/" + source["doi"]
    return source["url"]
