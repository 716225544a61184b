"""URL parsing and address checks: which URLs may be fetched, and at which addresses.

A cited URL comes from a document someone else wrote, so it is untrusted input:

* it must parse the same way for this module and for httpx (which sends the request):
  http or https, a host that is an IP literal or a DNS name of valid labels (1-63
  characters each, 253 in all), a port in 1..65535, no control characters;
* its host is resolved once per fetch (:func:`resolve`, bounded by the deadline) and
  *every* address must be globally routable (``ipaddress`` ``is_global``: this refuses
  loopback, RFC 1918, link-local, CGNAT 100.64.0.0/10, benchmarking 198.18.0.0/15,
  documentation ranges, ULA ...; plus :data:`NOT_GLOBAL`, special-purpose networks the
  ``ipaddress`` of Python 3.11 still counts as global, such as all of 192.0.0.0/24), not
  multicast, and not a cloud metadata address (:data:`METADATA_ADDRESSES`, refused even
  for allowed hosts); an IPv4 address inside an IPv6 one (IPv4-mapped, NAT64 64:ff9b::/96,
  6to4) is judged as well;
* the transport then connects to exactly those checked addresses (see
  :mod:`pipeline.fetch.transport`), so a second DNS answer (DNS rebinding) is never used.

Hosts named in ``fetch_allowed_hosts`` skip the "global" rule (tests, intranets) but not
the metadata block list.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from pipeline.errors import FetchReason
from pipeline.fetch.base import Deadline, FetchFailure

#: Cloud instance-metadata endpoints: never fetched, whatever ``fetch_allowed_hosts`` says.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean ...
    "169.254.170.2",    # AWS ECS task metadata
    "fd00:ec2::254",    # AWS IMDS over IPv6
    "100.100.100.200",  # Alibaba Cloud
    "192.0.0.192",      # Oracle Cloud (classic)
))

#: Not globally reachable per the IANA special-purpose registries, though ``is_global`` of
#: Python 3.11 says otherwise (its tables were corrected in later releases).
NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in (
    "192.0.0.0/24",     # IETF protocol assignments (3.11 only knows parts of it)
    "64:ff9b:1::/48",   # local-use IPv4/IPv6 translation
    "3fff::/20",        # documentation (2024)
    "5f00::/16",        # segment routing SIDs
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}

_resolver_pool: ThreadPoolExecutor | None = None
_resolver_lock = threading.Lock()


@dataclass(frozen=True)
class Target:
    """A URL that parsed cleanly: ``host`` is lower-case ASCII (IDNA), IPv6 without brackets."""

    url: str
    scheme: str
    host: str
    port: int

    @property
    def origin(self) -> str:
        """scheme://host:port, the authority robots.txt rules belong to (RFC 9309 section 2.3)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_url(url: str) -> Target:
    """``url`` checked and split, or :class:`FetchFailure` ``bad_url`` / ``blocked_scheme``."""
    if not isinstance(url, str) or not url.strip():
        raise FetchFailure(FetchReason.BAD_URL, "empty URL")
    url = url.strip()
    bad = next((c for c in url if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        raise FetchFailure(FetchReason.BAD_URL, f"control character {bad!r} in {url!r}")
    try:
        parts = urlsplit(url)
        split_port = parts.port  # ValueError when not a number in 0..65535
    except ValueError as exc:
        raise FetchFailure(FetchReason.BAD_URL, f"{exc}: {url!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise FetchFailure(FetchReason.BLOCKED_SCHEME, f"{scheme or 'no scheme'}: {url!r}")
    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise FetchFailure(FetchReason.BAD_URL, f"{exc}: {url!r}") from None
    host = raw_host.lower()
    _check_host(host, url)
    port = parsed.port if parsed.port is not None else _DEFAULT_PORTS[scheme]
    if not 1 <= port <= 65535 or (split_port is not None and split_port != port):
        raise FetchFailure(FetchReason.BAD_URL, f"port {port} out of range: {url!r}")
    return Target(url=str(parsed), scheme=scheme, host=host, port=port)


def _check_host(host: str, url: str) -> None:
    if not host:
        raise FetchFailure(FetchReason.BAD_URL, f"no host: {url!r}")
    if ":" in host:  # an IPv6 literal (httpx strips the brackets)
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise FetchFailure(FetchReason.BAD_URL, f"bad IPv6 literal {host!r}") from None
        return
    name = host[:-1] if host.endswith(".") else host  # a fully qualified name may end in a dot
    if len(name) > 253:
        raise FetchFailure(FetchReason.BAD_URL, f"host name longer than 253 characters: {url!r}")
    for label in name.split("."):
        if not _LABEL.match(label):
            why = "over 63 characters" if len(label) > 63 else "empty or with characters DNS does not allow"
            raise FetchFailure(FetchReason.BAD_URL, f"host label {label[:70]!r} {why}")


def resolve(host: str, port: int, deadline: Deadline, timeout: float) -> list[str]:
    """The addresses of ``host`` (in resolver order, duplicates dropped), or ``dns`` / ``deadline``.

    ``getaddrinfo`` has no timeout of its own, so it runs on a small thread pool and is
    waited for at most ``timeout`` and the deadline; a stuck lookup is abandoned.
    """
    global _resolver_pool
    with _resolver_lock:
        if _resolver_pool is None:
            _resolver_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="irpipe-dns")
    future = _resolver_pool.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = future.result(timeout=deadline.clamp(timeout))
    except FutureTimeout:
        deadline.check(f"resolving {host}")
        raise FetchFailure(FetchReason.DNS, f"{host}: lookup timed out") from None
    except socket.gaierror as exc:
        raise FetchFailure(FetchReason.DNS, f"{host}: {exc.strerror or exc}") from None
    except (OSError, UnicodeError) as exc:
        raise FetchFailure(FetchReason.DNS, f"{host}: {exc}") from None
    addresses: list[str] = []
    for info in infos:
        addr = str(info[4][0]).split("%")[0]  # drop an IPv6 zone index
        if addr not in addresses:
            addresses.append(addr)
    if not addresses:
        raise FetchFailure(FetchReason.DNS, f"{host}: no address")
    return addresses


def blocked_because(address: str, *, allowed_host: bool) -> str | None:
    """Why ``address`` must not be connected to, or None when it may."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            candidates.append(inner)
    for one in candidates:
        if one in METADATA_ADDRESSES:
            return "a cloud metadata address"
        if allowed_host:
            continue
        if one.is_multicast:
            return "a multicast address"
        if not one.is_global or any(one in net for net in NOT_GLOBAL if net.version == one.version):
            return "not a public address"
    return None


def check_addresses(host: str, addresses: list[str], *, allowed_host: bool) -> None:
    """``blocked_address`` unless every address of ``host`` may be connected to."""
    for address in addresses:
        why = blocked_because(address, allowed_host=allowed_host)
        if why:
            raise FetchFailure(FetchReason.BLOCKED_ADDRESS, f"{host} resolves to {address}: {why}")
