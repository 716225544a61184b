"""HTTP for one fetch: pinned addresses, one deadline, retries, bounded and decoded bodies.

A :class:`Session` lives for one ``Fetcher.fetch`` call (the robots.txt it needs included):

* **connect to the checked address.** :meth:`Session.pin` resolves a host once and checks
  every address (:mod:`pipeline.fetch.safety`); :class:`PinnedBackend`, the httpcore
  network backend of the session's transport, connects only to those addresses and refuses
  any host that was not pinned. The URL keeps the host name, so the Host header, TLS SNI
  and certificate verification are all for the name, while a second DNS answer (DNS
  rebinding) is never looked at. Keep-alive is off, so a connection never outlives the
  request whose addresses it was checked for; environment proxies are ignored for the
  same reason (a proxy would resolve the name itself).
* **one deadline** (``fetch_deadline``): every connect, TLS handshake, read and write is
  clamped to what is left of it (:class:`_DeadlineStream`), and so are waits for the host,
  backoff sleeps and DNS lookups; a server dripping one byte a second is cut there.
* **retries**, as before: a timeout, 429 or 5xx is retried up to ``fetch_retries`` times
  with exponential backoff from ``fetch_backoff``; ``Retry-After`` (RFC 9110 section
  10.2.3: delay-seconds or an HTTP-date; anything else is ignored) can lengthen the wait;
  every wait is capped by ``fetch_max_backoff`` and a retry that could only start after
  the deadline is not made. This is a ten-line loop rather than ``stamina``/``tenacity``:
  the wait depends on the response (Retry-After), on the deadline and on the host gate,
  and the outcome must be a reply or a :class:`FetchFailure`, never an exception type a
  retry library chooses; the loop states all of that where it happens.
* **redirects** are not followed here: requests go straight to the transport, with no
  ``httpx.Client`` (which would parse ``Location`` itself, and keep cookies); the fetcher
  follows redirects so that each target is parsed, pinned and checked against robots.txt
  again (RFC 9110 section 15.4).
* **bounded bodies.** Only a 200 body is read (error bodies are not read at all). The body
  is read raw and decoded here (gzip, x-gzip, deflate; ``Accept-Encoding`` asks for those
  only), at most 64 KiB of output per step, counting decoded bytes, so a compression
  bomb stops at ``fetch_max_bytes`` (documents: ``too_large``) or ``robots_max_bytes``
  (robots.txt: cut there) after at most one more step.

Errors are caught where they happen and turned into :class:`FetchFailure` with a
:class:`~pipeline.errors.FetchReason` (see :func:`classify`).
"""

from __future__ import annotations

import email.utils
import ipaddress
import re
import socket
import ssl
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timezone
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import httpcore
import httpx

from pipeline.errors import FetchReason
from pipeline.fetch.base import Deadline, FetchFailure
from pipeline.fetch.politeness import HostGate
from pipeline.fetch.safety import Target, check_addresses, resolve
from pipeline.settings import Settings

_STEP = 64 * 1024  # most decoded bytes produced per decompression step
_CONNECT_TIMEOUT_MAX = 10.0

# httpcore exceptions -> the httpx ones the rest of the package catches (most specific first)
_HTTPCORE_TO_HTTPX: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)
_HTTPCORE_ERRORS = tuple(src for src, _ in _HTTPCORE_TO_HTTPX)


@contextmanager
def _as_httpx() -> Iterator[None]:
    try:
        yield
    except _HTTPCORE_ERRORS as exc:
        for src, dst in _HTTPCORE_TO_HTTPX:
            if isinstance(exc, src):
                raise dst(str(exc) or type(exc).__name__) from exc
        raise  # pragma: no cover - the tuple above lists every source class


# ---------------------------------------------------------------- network backend


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline):
        self._inner = inner
        self._deadline = deadline

    def _budget(self, timeout: float | None, timeout_error: type[Exception]) -> float:
        left = self._deadline.remaining()
        if left <= 0:  # never hand 0 to a socket: that would mean non-blocking
            raise timeout_error("fetch deadline reached")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._budget(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Connects a host name only to the addresses pinned for it (checked ones), in order."""

    def __init__(self, deadline: Deadline):
        self.deadline = deadline
        self.pins: dict[str, list[str]] = {}
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        addresses = self.pins.get(host.lower())
        if not addresses:
            raise httpcore.ConnectError(f"{host} was not resolved and checked for this fetch")
        error: Exception | None = None
        for address in addresses:
            left = self.deadline.remaining()
            if left <= 0:
                raise httpcore.ConnectTimeout("fetch deadline reached")
            try:
                stream = self._sockets.connect_tcp(address, port, timeout=min(timeout or left, left),
                                                   local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # next address (e.g. IPv6 first on a host without IPv6)
                continue
            return _DeadlineStream(stream, self.deadline)
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(self.deadline.clamp(seconds))


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]):
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx():
            yield from self._stream

    def close(self) -> None:
        with _as_httpx():
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()


class PinnedTransport(httpx.BaseTransport):
    """httpx transport over an httpcore pool that uses :class:`PinnedBackend`, keep-alive off."""

    def __init__(self, backend: PinnedBackend, ssl_context: ssl.SSLContext):
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend,
                                             max_keepalive_connections=0, http1=True, http2=False, retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port,
                             target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx():
            core_response = self._pool.handle_request(core_request)
        return httpx.Response(status_code=core_response.status, headers=core_response.headers,
                              stream=_ResponseStream(core_response.stream), extensions=core_response.extensions)

    def close(self) -> None:
        with _as_httpx():
            self._pool.close()


def make_ssl_context(settings: Settings) -> ssl.SSLContext:
    """httpx's default verification (certifi, SSL_CERT_FILE/SSL_CERT_DIR) plus ``fetch_ca_bundle``."""
    context = httpx.create_ssl_context()
    if settings.fetch_ca_bundle:
        try:
            context.load_verify_locations(cafile=settings.fetch_ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"fetch_ca_bundle {settings.fetch_ca_bundle!r} cannot be loaded: {exc}") from None
    return context


# ---------------------------------------------------------------- bodies


def content_coding(headers: httpx.Headers) -> str:
    """The one Content-Encoding to undo: identity, gzip, x-gzip or deflate; else ``decode_error``."""
    codings = [c.strip().lower() for c in headers.get_list("content-encoding", split_commas=True)]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return "identity"
    if len(codings) > 1:
        raise FetchFailure(FetchReason.DECODE_ERROR, f"stacked Content-Encoding {', '.join(codings)} not supported")
    if codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailure(FetchReason.DECODE_ERROR, f"Content-Encoding {codings[0]!r} not supported")
    return codings[0]


def decoded(raw: Iterable[bytes], coding: str) -> Iterator[bytes]:
    """The decoded body, in pieces of at most 64 KiB however much one raw chunk expands.

    gzip may have several members; bytes after the end of the compressed stream are
    ignored (as browsers do); a stream that stops before its end raises ``decode_error``.
    "deflate" is the zlib format (RFC 9110 section 8.4.1.2), raw deflate is accepted too.
    zlib errors propagate (the session reports ``decode_error``).
    """
    if coding == "identity":
        for chunk in raw:
            if chunk:
                yield chunk
        return
    gzip = coding != "deflate"
    inflater = zlib.decompressobj(31 if gzip else 15)
    first = True         # deflate: the first bytes tell zlib-wrapped from raw
    in_stream = False    # inside a compressed stream whose end has not been seen
    for chunk in raw:
        data = chunk
        while data or in_stream:
            if not in_stream:
                if not data:
                    break
                if not first and not (gzip and data[:2] == b"\x1f\x8b"):
                    return  # trailing bytes after the stream
                if not first:
                    inflater = zlib.decompressobj(31)  # the next gzip member
                in_stream = True
            if first and not gzip:
                try:
                    out = inflater.decompress(data, _STEP)
                except zlib.error:
                    inflater = zlib.decompressobj(-15)
                    out = inflater.decompress(data, _STEP)
            else:
                out = inflater.decompress(data, _STEP)
            first = False
            if out:
                yield out
            if inflater.eof:
                in_stream = False
                data = inflater.unused_data
                continue
            data = inflater.unconsumed_tail
            if not data and len(out) < _STEP:
                break  # needs more input
    if in_stream:
        raise FetchFailure(FetchReason.DECODE_ERROR, f"{coding} body ends before its compressed stream does")


# ---------------------------------------------------------------- retries


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After (RFC 9110 section 10.2.3) in seconds from now, or None when absent or unparsable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,10}", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())


def backoff(attempt: int, headers: httpx.Headers | None, settings: Settings) -> float:
    """Seconds before retry number ``attempt``: exponential, Retry-After if longer, capped."""
    delay = settings.fetch_backoff * 2 ** min(attempt - 1, 30)
    asked = retry_after_seconds(headers.get("retry-after")) if headers is not None else None
    if asked is not None:
        delay = max(delay, asked)
    return min(delay, settings.fetch_max_backoff)


def _tls_problem(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def classify(exc: Exception, deadline: Deadline, target: Target) -> FetchFailure:
    """The failure an exception from the network or decoding stands for."""
    text = f"{target.host}: {str(exc) or type(exc).__name__}"
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        if deadline.expired():
            return FetchFailure(FetchReason.DEADLINE, f"over fetch_deadline={deadline.seconds:g}s ({text})")
        return FetchFailure(FetchReason.TIMEOUT, text)
    if isinstance(exc, httpx.ConnectError):
        return FetchFailure(FetchReason.TLS if _tls_problem(exc) else FetchReason.CONNECT, text)
    if isinstance(exc, httpx.NetworkError):
        return FetchFailure(FetchReason.CONNECT, text)
    if isinstance(exc, (httpx.DecodingError, zlib.error, EOFError)):
        return FetchFailure(FetchReason.DECODE_ERROR, text)
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return FetchFailure(FetchReason.BAD_URL, text)
    if isinstance(exc, httpx.HTTPError):  # protocol errors (h11 via httpcore) and the rest
        return FetchFailure(FetchReason.BAD_RESPONSE, text)
    if isinstance(exc, ssl.SSLError):
        return FetchFailure(FetchReason.TLS, text)
    return FetchFailure(FetchReason.CONNECT, text)  # any other OSError from a socket


# ---------------------------------------------------------------- session


@dataclass
class Reply:
    status: int
    headers: httpx.Headers
    body: bytes = b""
    truncated: bool = False


class Session:
    """The network side of one fetch (see the module docstring). Close it after use."""

    def __init__(self, settings: Settings, ssl_context: ssl.SSLContext, gate: HostGate, user_agent: str,
                 count_request: Callable[[], None]):
        self.settings = settings
        self.deadline = Deadline(settings.fetch_deadline)
        self.backend = PinnedBackend(self.deadline)
        self.gate = gate
        self.attempts = 0  # document requests (robots.txt not counted), as FetchResult.attempts
        self._count_request = count_request
        self._allowed = {h.lower() for h in settings.fetch_allowed_hosts}
        self._headers = {"User-Agent": user_agent, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
        self._timeouts = httpx.Timeout(settings.fetch_timeout,
                                       connect=min(settings.fetch_timeout, _CONNECT_TIMEOUT_MAX)).as_dict()
        self.transport = PinnedTransport(self.backend, ssl_context)

    def close(self) -> None:
        self.transport.close()

    def pin(self, target: Target) -> list[str]:
        """Resolve ``target.host`` once for this fetch and check every address (``blocked_address``)."""
        if target.host in self.backend.pins:
            return self.backend.pins[target.host]
        self.deadline.check(f"before resolving {target.host}")
        try:
            addresses = [str(ipaddress.ip_address(target.host))]  # an IP literal: nothing to resolve
        except ValueError:
            addresses = resolve(target.host, target.port, self.deadline, self.settings.fetch_timeout)
        check_addresses(target.host, addresses, allowed_host=target.host in self._allowed)
        self.backend.pins[target.host] = addresses
        return addresses

    def get(self, target: Target, headers: dict[str, str] | None = None, *, limit: int, truncate: bool = False,
            purpose: str = "document") -> Reply:
        """GET ``target`` (pinned first) with retries; any status comes back as a :class:`Reply`.

        ``limit``: most decoded body bytes; over it a document is ``too_large`` and a
        ``truncate`` read (robots.txt) is cut. Network trouble raises :class:`FetchFailure`.
        """
        attempt = 0
        while True:
            attempt += 1
            if purpose == "document":
                self.attempts += 1
            failure: FetchFailure | None = None
            reply: Reply | None = None
            try:
                reply = self._exchange(target, headers or {}, limit, truncate)
            except FetchFailure as f:
                if f.reason is not FetchReason.TIMEOUT:
                    raise
                failure = f
            if reply is not None and reply.status != 429 and reply.status < 500:
                return reply
            if attempt > self.settings.fetch_retries:
                if failure is not None:
                    raise failure
                return reply
            delay = backoff(attempt, reply.headers if reply is not None else None, self.settings)
            if delay >= self.deadline.remaining():
                if failure is not None:
                    raise FetchFailure(failure.reason, failure.detail + "; no time left to retry before the deadline")
                return reply
            time.sleep(delay)

    def _exchange(self, target: Target, headers: dict[str, str], limit: int, truncate: bool) -> Reply:
        """One request and, for a 200, its body."""
        self.pin(target)
        with self.gate.slot(target.host, self.deadline):
            self._count_request()
            try:
                request = httpx.Request("GET", target.url, headers={**self._headers, **headers},
                                        extensions={"timeout": self._timeouts})
                response = self.transport.handle_request(request)
                try:
                    if response.status_code != 200:
                        return Reply(response.status_code, response.headers)  # error bodies are not read
                    body, truncated = self._read_body(response, limit, truncate)
                    return Reply(response.status_code, response.headers, body, truncated)
                finally:
                    response.close()
            except (httpx.HTTPError, httpx.InvalidURL, OSError, zlib.error, EOFError) as exc:
                raise classify(exc, self.deadline, target) from None

    def _read_body(self, response: httpx.Response, limit: int, truncate: bool) -> tuple[bytes, bool]:
        coding = content_coding(response.headers)
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise FetchFailure(FetchReason.TOO_LARGE, f"Content-Length {declared} over the limit of {limit} bytes")
        parts: list[bytes] = []
        size = 0
        for piece in decoded(response.iter_raw(), coding):
            room = limit - size
            if len(piece) > room:
                if truncate:
                    parts.append(piece[:room])
                    return b"".join(parts), True
                raise FetchFailure(FetchReason.TOO_LARGE, f"body over the limit of {limit} bytes (decoded)")
            parts.append(piece)
            size += len(piece)
            self.deadline.check("reading the body")
        return b"".join(parts), False


def probe(url: str, timeout: float) -> bool:
    """Can ``url``'s host be reached at all (resolve and connect)? A malformed probe URL says yes."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return True
    if not host:
        return True
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except (OSError, UnicodeError):
        return False
