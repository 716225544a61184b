"""The hardened fetcher (pipeline/fetch/): faults, limits, robots.txt, pinned addresses, cache writes.

Servers: pytest-httpserver on localhost, or a raw socket server (:class:`RawServer`) for
protocol-level faults werkzeug would not produce. Nothing leaves 127.0.0.1 except the DNS
rebinding test's refused connect to a public address, which fails fast or times out.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import resource
import socket
import ssl
import stat
import threading
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
from werkzeug.wrappers import Response

from pipeline.errors import FetchReason
from pipeline.fetch import Fetcher, FetchResult, cache_key, source_url
from pipeline.fetch.safety import blocked_because, parse_url
from pipeline.fetch.transport import retry_after_seconds
from pipeline.settings import Settings

HTML = b"<!DOCTYPE html><html><head><title>Treaty</title></head><body><p>" + b"The treaty was signed. " * 20 + \
    b"</p></body></html>"
REASONS = {r.value for r in FetchReason}
PUBLIC_IP = "93.184.215.14"  # a global address; nothing here must ever reach it (no network in tests)


def _settings(tmp_path, **kw) -> Settings:
    base = dict(corpus_dir=str(tmp_path), fetch_allowed_hosts=["127.0.0.1", "localhost"], fetch_host_delay=0.0,
                fetch_backoff=0.05, fetch_timeout=2.0, fetch_retries=2, fetch_probe_url="http://127.0.0.1:9",
                fetch_respect_robots=False)
    base.update(kw)
    return Settings(**base)


def _fetch(tmp_path, url: str, **kw) -> FetchResult:
    f = Fetcher(_settings(tmp_path, **kw))
    try:
        return f.fetch(url)
    finally:
        f.close()


def _failed(res: FetchResult, reason: str) -> None:
    assert res.status == "failed", res
    assert res.reason == reason, res
    assert res.detail and "\n" not in res.detail


@pytest.fixture(autouse=True)
def _missing_paths_are_404(httpserver):
    httpserver.no_handler_status_code = 404  # as a real server without robots.txt


# ---------------------------------------------------------------- a raw socket server


class RawServer:
    """TCP on 127.0.0.1; each connection goes to ``handler(conn)`` on its own thread."""

    def __init__(self, handler):
        self.handler = handler
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                self.handler(conn)
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


def read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.fixture
def raw_server():
    servers = []

    def start(handler) -> RawServer:
        servers.append(RawServer(handler))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def _answer(raw: bytes):
    def handler(conn):
        read_request(conn)
        conn.sendall(raw)
    return handler


# ---------------------------------------------------------------- faults: each a failed result with a reason


@pytest.mark.parametrize("url", [
    "http://example.org:70000/x",                       # port over 65535
    "http://example.org:0/x",                           # port 0
    "http://" + "a" * 64 + ".example.org/",             # a 64-character host label
    "http://" + ".".join(["abcdefghi"] * 26) + "/",     # a host name over 253 characters
    "http://[::1",                                      # unclosed IPv6 literal
    "http://[::1/x",
    "http://exa mple.org/",
    "http://example.org/a\tb",
    "http:///path-only",
    "",
])
def test_unparsable_urls_fail_as_bad_url(tmp_path, url):
    _failed(_fetch(tmp_path, url), "bad_url")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "example.org/x"])
def test_other_schemes_refused(tmp_path, url):
    _failed(_fetch(tmp_path, url), "blocked_scheme")


@pytest.mark.parametrize("length", [b"12abc", b"-5", b"5, 7"])
def test_bad_content_length(tmp_path, raw_server, length):
    server = raw_server(_answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + length +
                                b"\r\n\r\n" + HTML))
    _failed(_fetch(tmp_path, server.url("/doc")), "bad_response")


def test_body_shorter_than_content_length(tmp_path, raw_server):
    server = raw_server(_answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n" + HTML))
    _failed(_fetch(tmp_path, server.url("/doc")), "bad_response")


def test_retry_after_garbage_falls_back_to_backoff(httpserver, tmp_path):
    httpserver.expect_request("/busy").respond_with_data("busy", status=503, headers={"Retry-After": "soon-ish"})
    start = time.monotonic()
    res = _fetch(tmp_path, httpserver.url_for("/busy"), fetch_retries=2, fetch_backoff=0.05)
    _failed(res, "http_status")
    assert res.http_status == 503 and res.attempts == 3
    assert time.monotonic() - start < 2  # backoff 0.05 + 0.1, not a crash nor a long wait


def test_retry_after_garbage_then_success(httpserver, tmp_path):
    calls = {"n": 0}

    def handler(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("busy", status=503, headers={"Retry-After": "soon-ish"})
        return Response(HTML, content_type="text/html")

    httpserver.expect_request("/flaky").respond_with_handler(handler)
    res = _fetch(tmp_path, httpserver.url_for("/flaky"))
    assert res.status == "fetched" and res.attempts == 2


def test_retry_after_values():
    assert retry_after_seconds("120") == 120.0
    soon = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30), usegmt=True)
    assert 25 <= retry_after_seconds(soon) <= 31
    past = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert retry_after_seconds(past) == 0.0
    for junk in ("soon-ish", "", None, "-5", "1e9", "Mon, 99 Foo 2025 99:99:99 GMT", "12.5.3"):
        assert retry_after_seconds(junk) is None


def test_invalid_gzip_body(httpserver, tmp_path):
    httpserver.expect_request("/gz").respond_with_data(b"this is not gzip at all" * 10, content_type="text/html",
                                                       headers={"Content-Encoding": "gzip"})
    _failed(_fetch(tmp_path, httpserver.url_for("/gz")), "decode_error")


def test_truncated_gzip_body(httpserver, tmp_path):
    body = zlib.compress(HTML * 50, wbits=31)
    httpserver.expect_request("/gz").respond_with_data(body[: len(body) // 2], content_type="text/html",
                                                       headers={"Content-Encoding": "gzip"})
    _failed(_fetch(tmp_path, httpserver.url_for("/gz")), "decode_error")


def test_unsupported_content_encoding(httpserver, tmp_path):
    httpserver.expect_request("/br").respond_with_data(b"\x0b\x02\x80hello\x03", content_type="text/html",
                                                       headers={"Content-Encoding": "br"})
    _failed(_fetch(tmp_path, httpserver.url_for("/br")), "decode_error")


def test_valid_gzip_and_deflate_bodies(httpserver, tmp_path):
    httpserver.expect_request("/gz").respond_with_data(zlib.compress(HTML, wbits=31), content_type="text/html",
                                                       headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/zlib").respond_with_data(zlib.compress(HTML), content_type="text/html",
                                                         headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-15)
    httpserver.expect_request("/raw").respond_with_data(raw.compress(HTML) + raw.flush(), content_type="text/html",
                                                        headers={"Content-Encoding": "deflate"})
    two_members = zlib.compress(HTML[:100], wbits=31) + zlib.compress(HTML[100:], wbits=31)
    httpserver.expect_request("/members").respond_with_data(two_members, content_type="text/html",
                                                            headers={"Content-Encoding": "gzip"})
    f = Fetcher(_settings(tmp_path))
    for path in ("/gz", "/zlib", "/raw", "/members"):
        res = f.fetch(httpserver.url_for(path))
        assert res.status == "fetched", (path, res)
        assert Path(res.path).read_bytes() == HTML


def test_redirect_location_with_a_tab(tmp_path, raw_server):
    server = raw_server(_answer(b"HTTP/1.1 302 Found\r\nLocation: /next\tpage\r\nContent-Length: 0\r\n\r\n"))
    res = _fetch(tmp_path, server.url("/start"))
    _failed(res, "bad_redirect")
    assert res.final_url == server.url("/start")


def test_redirect_without_location(httpserver, tmp_path):
    httpserver.expect_request("/r").respond_with_data("", status=301)
    _failed(_fetch(tmp_path, httpserver.url_for("/r")), "bad_redirect")


def test_redirect_to_unparsable_url(tmp_path, raw_server):
    server = raw_server(_answer(b"HTTP/1.1 302 Found\r\nLocation: http://[::1/x\r\nContent-Length: 0\r\n\r\n"))
    _failed(_fetch(tmp_path, server.url("/r")), "bad_redirect")


def test_server_closes_without_answering(tmp_path, raw_server):
    server = raw_server(lambda conn: read_request(conn))  # reads the request, then closes
    res = _fetch(tmp_path, server.url("/doc"))
    _failed(res, "bad_response")
    assert server.connections == 1  # not retried


def test_garbage_instead_of_http(tmp_path, raw_server):
    server = raw_server(_answer(b"SSH-2.0-OpenSSH_9.6\r\n\r\n"))
    _failed(_fetch(tmp_path, server.url("/doc")), "bad_response")


def test_corrupt_meta_json(httpserver, tmp_path):
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    url = httpserver.url_for("/c")
    f = Fetcher(_settings(tmp_path))
    assert f.fetch(url).status == "fetched"
    meta = tmp_path / "sources" / cache_key(url) / "meta.json"
    for garbage in ('{"url": "x", "status": ', "[1, 2]", '{"url": 3}', '{"unknown": 1}', "\xff\xfe"):
        meta.write_text(garbage, encoding="latin-1")
        assert f.read_cached(url) is None  # not cached, never raises
        res = f.fetch(url, offline=True)
        _failed(res, "cache_corrupt")
        assert "meta.json" in res.detail
    n = len(httpserver.log)
    res = f.fetch(url)  # online: fetched again, and the result says why
    assert res.status == "fetched" and "unusable" in res.detail and len(httpserver.log) == n + 1
    assert f.read_cached(url) is not None


def test_cached_body_missing(httpserver, tmp_path):
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    url = httpserver.url_for("/c")
    f = Fetcher(_settings(tmp_path))
    Path(f.fetch(url).path).unlink()
    _failed(f.fetch(url, offline=True), "cache_corrupt")


@pytest.mark.parametrize("toml", [
    '[[source]]\nurl = "https://paywall.example/x"\nfile = ',       # not TOML
    '[[source]]\nurl = "https://paywall.example/x"\n',              # no file
    'source = "paywalled.html"\n',                                  # not an array of tables
    '[[source]]\nfile = "paywalled.html"\n',                        # no url/doi/reference_id
    '[[source]]\nurl = 5\nfile = "paywalled.html"\n',               # url not a string
    b'[[source]]\nurl = "\xff"\nfile = "x"\n',                      # not UTF-8
])
def test_malformed_manual_toml(tmp_path, toml):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "paywalled.html").write_bytes(HTML)
    path = tmp_path / "sources" / "manual.toml"
    path.write_bytes(toml if isinstance(toml, bytes) else toml.encode())
    f = Fetcher(Settings(corpus_dir=str(tmp_path)))
    res = f.fetch("https://paywall.example/x", offline=True)
    _failed(res, "manual_invalid")
    assert "manual.toml" in res.detail
    assert f.without_network("https://paywall.example/x").reason == "manual_invalid"


def test_manual_file_missing(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "manual.toml").write_text('[[source]]\ndoi = "10.1/x"\nurl = "https://p.example/x"\n'
                                                      'file = "gone.pdf"\n')
    f = Fetcher(Settings(corpus_dir=str(tmp_path)))
    _failed(f.fetch("https://p.example/x", offline=True), "manual_invalid")
    assert f.fetch("https://other.example/y", offline=True).reason == "offline"  # other sources unaffected


def test_manual_file_by_doi_and_edit_picked_up(tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "a.md").write_text("# Title\n\nSome **bold** text and a [link](https://x.example).\n")
    (src / "manual.toml").write_text('[[source]]\ndoi = "10.1/x"\nfile = "a.md"\n')
    f = Fetcher(Settings(corpus_dir=str(tmp_path)))
    res = f.manual_file("https://doi.org/10.1/x", doi="10.1/x")
    assert res.status == "manual" and res.media_type == "text/markdown"
    (src / "manual.toml").write_text('[[source]]\ndoi = "10.1/x"\nfile = "a.md"\n[[source]]\nurl = "u"\n')
    assert f.manual_file("https://doi.org/10.1/x", doi="10.1/x").reason == "manual_invalid"


# ---------------------------------------------------------------- limits


def test_dripping_server_cut_at_the_deadline(tmp_path, raw_server):
    def drip(conn):
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b"a")
            time.sleep(1)

    server = raw_server(drip)
    start = time.monotonic()
    res = _fetch(tmp_path, server.url("/slow"), fetch_deadline=2.0, fetch_timeout=5.0)
    elapsed = time.monotonic() - start
    _failed(res, "deadline")
    assert 1.9 <= elapsed < 3.0, elapsed


def test_slow_headers_cut_at_the_deadline(tmp_path, raw_server):
    def silent(conn):
        read_request(conn)
        time.sleep(5)

    server = raw_server(silent)
    start = time.monotonic()
    res = _fetch(tmp_path, server.url("/slow"), fetch_deadline=1.5, fetch_timeout=10.0, fetch_retries=3)
    _failed(res, "deadline")
    assert time.monotonic() - start < 2.5


def test_retries_stop_at_the_deadline(httpserver, tmp_path):
    httpserver.expect_request("/busy").respond_with_data("busy", status=503, headers={"Retry-After": "30"})
    start = time.monotonic()
    res = _fetch(tmp_path, httpserver.url_for("/busy"), fetch_deadline=2.0, fetch_retries=5, fetch_max_backoff=60)
    _failed(res, "http_status")
    assert res.http_status == 503 and time.monotonic() - start < 1.5  # no 30 s sleep past the deadline


def test_retry_after_capped_by_max_backoff(httpserver, tmp_path):
    calls = {"n": 0}

    def handler(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("slow down", status=429, headers={"Retry-After": "3600"})
        return Response(HTML, content_type="text/html")

    httpserver.expect_request("/rate").respond_with_handler(handler)
    start = time.monotonic()
    res = _fetch(tmp_path, httpserver.url_for("/rate"), fetch_max_backoff=0.3)
    assert res.status == "fetched" and 0.25 <= time.monotonic() - start < 2


def test_error_body_is_not_read(tmp_path, raw_server):
    def endless_404(conn):
        read_request(conn)
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
        for _ in range(100000):  # 6.5 GB if anyone read it
            conn.sendall(chunk)

    server = raw_server(endless_404)
    start = time.monotonic()
    res = _fetch(tmp_path, server.url("/gone"))
    assert (res.reason, res.http_status) == ("http_status", 404)
    assert time.monotonic() - start < 2


def _gzip_bomb(size: int) -> bytes:
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)  # level 1: quick to make, about 2.2 MB
    block = bytes(1 << 20)
    out = [comp.compress(block) for _ in range(size >> 20)]
    out.append(comp.flush())
    return b"".join(out)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """512 MiB of zeros, gzipped (about 2.2 MB)."""
    return _gzip_bomb(512 << 20)


@contextmanager
def rss_watch(figures: dict):
    """Peak extra RSS during the block: sampled with psutil, and the growth of ru_maxrss."""
    proc = psutil.Process()
    base = proc.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            stop.wait(0.002)

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield figures
    finally:
        stop.set()
        sampler.join()
        figures["sampled_extra_mb"] = (peak[0] - base) / 2**20
        figures["maxrss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - maxrss) / 2**20
        print(f"\nRSS {figures}")


def test_robots_gzip_bomb_stays_small(httpserver, tmp_path, bomb):
    httpserver.expect_request("/robots.txt").respond_with_data(bomb, content_type="text/plain",
                                                               headers={"Content-Encoding": "gzip"})
    httpserver.expect_request("/doc").respond_with_data(HTML, content_type="text/html")
    figures = {"compressed_mb": len(bomb) / 2**20}
    with rss_watch(figures):
        res = _fetch(tmp_path, httpserver.url_for("/doc"), fetch_respect_robots=True)
    assert res.status == "fetched"  # 512 KiB of zeros: no rules, so allowed
    assert figures["sampled_extra_mb"] < 300 and figures["maxrss_growth_mb"] < 300


def test_document_gzip_bomb_stays_small(httpserver, tmp_path, bomb):
    httpserver.expect_request("/bomb").respond_with_data(bomb, content_type="text/html",
                                                         headers={"Content-Encoding": "gzip"})
    figures = {"compressed_mb": len(bomb) / 2**20}
    with rss_watch(figures):
        res = _fetch(tmp_path, httpserver.url_for("/bomb"))
    _failed(res, "too_large")
    assert figures["sampled_extra_mb"] < 300 and figures["maxrss_growth_mb"] < 300


def test_default_limits():
    s = Settings()
    assert s.robots_max_bytes >= 500 * 1024 and s.fetch_deadline == 60
    for name, field in Settings.model_fields.items():
        if name.startswith(("fetch_", "robots_")):
            assert field.description, name


# ---------------------------------------------------------------- robots.txt (RFC 9309)


def test_robots_5xx_disallows_everything(httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("down", status=503)
    httpserver.expect_request("/doc").respond_with_data(HTML, content_type="text/html")
    res = _fetch(tmp_path, httpserver.url_for("/doc"), fetch_respect_robots=True)
    _failed(res, "robots_unavailable")
    assert not any(r.path == "/doc" for r, _ in httpserver.log)


def test_robots_unreachable_disallows_everything(tmp_path, raw_server):
    server = raw_server(lambda conn: read_request(conn))  # answers nothing at all
    res = _fetch(tmp_path, server.url("/doc"), fetch_respect_robots=True)
    _failed(res, "robots_unavailable")
    assert server.connections == 1  # robots.txt only; the document was never asked for


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_robots_4xx_allows_everything(httpserver, tmp_path, status):
    httpserver.expect_request("/robots.txt").respond_with_data("no", status=status)
    httpserver.expect_request("/private/doc").respond_with_data(HTML, content_type="text/html")
    assert _fetch(tmp_path, httpserver.url_for("/private/doc"), fetch_respect_robots=True).status == "fetched"


def test_robots_redirects_followed(httpserver, tmp_path):
    hops = ["/robots.txt", "/r1", "/r2", "/r3", "/r4", "/r5"]  # five redirects
    for here, there, status in zip(hops, hops[1:], (301, 302, 303, 307, 308)):
        httpserver.expect_request(here).respond_with_data("", status=status, headers={"Location": there})
    httpserver.expect_request("/r5").respond_with_data("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    httpserver.expect_request("/public").respond_with_data(HTML, content_type="text/html")
    f = Fetcher(_settings(tmp_path, fetch_respect_robots=True))
    _failed(f.fetch(httpserver.url_for("/private/x")), "robots")
    assert f.fetch(httpserver.url_for("/public")).status == "fetched"
    assert sum(r.path == "/robots.txt" for r, _ in httpserver.log) == 1  # cached per host


def test_robots_too_many_redirects_is_unavailable(httpserver, tmp_path):
    for i in range(12):
        httpserver.expect_request(f"/r{i}" if i else "/robots.txt").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"})
    httpserver.expect_request("/private/x").respond_with_data(HTML, content_type="text/html")
    assert _fetch(tmp_path, httpserver.url_for("/private/x"), fetch_respect_robots=True).status == "fetched"


def test_robots_redirect_to_private_address_disallows(httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=301,
                                                               headers={"Location": "http://10.1.2.3/robots.txt"})
    _failed(_fetch(tmp_path, httpserver.url_for("/doc"), fetch_respect_robots=True), "robots_unavailable")


def test_robots_size_cap(httpserver, tmp_path):
    robots = "User-agent: *\nDisallow: /early/\n" + "# padding\n" * 300 + "Disallow: /late/\n"
    httpserver.expect_request("/robots.txt").respond_with_data(robots, content_type="text/plain")
    httpserver.expect_request("/late/x").respond_with_data(HTML, content_type="text/html")
    f = Fetcher(_settings(tmp_path, fetch_respect_robots=True, robots_max_bytes=1000))
    _failed(f.fetch(httpserver.url_for("/early/x")), "robots")
    assert f.fetch(httpserver.url_for("/late/x")).status == "fetched"  # past the cap: ignored


# ---------------------------------------------------------------- addresses


@pytest.mark.parametrize("address,blocked", [
    ("127.0.0.1", True), ("10.0.0.1", True), ("172.16.5.4", True), ("192.168.1.1", True),
    ("100.64.0.1", True), ("192.0.0.8", True), ("198.18.0.1", True), ("169.254.169.254", True),
    ("100.100.100.200", True), ("0.0.0.0", True), ("224.0.0.1", True), ("240.0.0.1", True),
    ("::1", True), ("fe80::1", True), ("fd00:ec2::254", True), ("::ffff:127.0.0.1", True),
    ("::ffff:169.254.169.254", True), ("2001:db8::1", True), ("192.0.0.9", True), ("64:ff9b::7f00:1", True),
    ("2002:a00:1::", True), ("64:ff9b:1::1", True), ("3fff::1", True), ("64:ff9b::808:808", False),
    ("8.8.8.8", False), ("93.184.215.14", False), ("2606:4700:4700::1111", False), ("::ffff:8.8.8.8", False),
])
def test_address_checks(address, blocked):
    assert (blocked_because(address, allowed_host=False) is not None) == blocked


def test_metadata_addresses_blocked_even_for_allowed_hosts():
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"):
        assert blocked_because(address, allowed_host=True)
    assert blocked_because("10.0.0.1", allowed_host=True) is None


def test_parse_url_normalises():
    t = parse_url("HTTP://Bücher.Example:8080/p?q=ü")
    assert (t.scheme, t.host, t.port) == ("http", "xn--bcher-kva.example", 8080)
    assert parse_url("https://[2606:4700::1111]/x").origin == "https://[2606:4700::1111]:443"


class _FakeDNS:
    """getaddrinfo for test names: the answers in turn (the last repeats); real lookups otherwise."""

    def __init__(self, monkeypatch, answers: dict[str, list[str]]):
        self.answers = answers
        self.calls: dict[str, int] = {}
        self.connects: list[tuple] = []
        self._real = socket.getaddrinfo
        self._real_connect = socket.create_connection
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", self.create_connection)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        if host not in self.answers:
            return self._real(host, port, family, type, proto, flags)
        n = self.calls[host] = self.calls.get(host, 0) + 1
        answer = self.answers[host][min(n, len(self.answers[host])) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answer, port))]

    def create_connection(self, address, *args, **kwargs):
        self.connects.append(address)
        return self._real_connect(address, *args, **kwargs)


def test_dns_rebinding_never_reaches_loopback(httpserver, tmp_path, monkeypatch):
    """The check sees a public address; a second lookup would say 127.0.0.1: it is never made."""
    httpserver.expect_request("/admin").respond_with_data("secret", content_type="text/plain")
    dns = _FakeDNS(monkeypatch, {"rebind.test": [PUBLIC_IP, "127.0.0.1"]})
    res = _fetch(tmp_path, f"http://rebind.test:{httpserver.port}/admin", fetch_allowed_hosts=[],
                 fetch_timeout=1.0, fetch_deadline=3.0, fetch_retries=0)
    assert res.status == "failed" and res.reason in ("connect", "timeout", "deadline", "network_unreachable")
    assert httpserver.log == []  # the loopback server never saw a request
    assert dns.calls["rebind.test"] == 1  # resolved once
    assert all(host == PUBLIC_IP for host, port in dns.connects if port == httpserver.port)


def test_connects_to_the_checked_address(httpserver, tmp_path, monkeypatch):
    """An allowed host checked at 127.0.0.1; later lookups would move it elsewhere: the fetch uses the check."""
    httpserver.expect_request("/doc").respond_with_data(HTML, content_type="text/html")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    dns = _FakeDNS(monkeypatch, {"pinned.test": ["127.0.0.1", "10.255.255.1"]})
    res = _fetch(tmp_path, f"http://pinned.test:{httpserver.port}/doc", fetch_allowed_hosts=["pinned.test"],
                 fetch_respect_robots=True)
    assert res.status == "fetched"
    assert dns.calls["pinned.test"] == 1  # robots.txt and the document: one lookup
    assert [r.headers["Host"] for r, _ in httpserver.log] == [f"pinned.test:{httpserver.port}"] * 2


def test_redirect_to_a_blocked_host_is_checked_again(httpserver, tmp_path, monkeypatch):
    _FakeDNS(monkeypatch, {"inside.test": ["192.168.7.7"]})
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "http://inside.test/x"})
    res = _fetch(tmp_path, httpserver.url_for("/go"))
    _failed(res, "blocked_address")
    assert "192.168.7.7" in res.detail and res.final_url == "http://inside.test/x"


# ---------------------------------------------------------------- TLS: pinned address, certificate of the name


def _make_pki(tmp_path: Path, name: str):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def cert(subject, issuer, key, sign_key, ca: bool, san=None):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
             .not_valid_after(now + dt.timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        return b.sign(sign_key, hashes.SHA256())

    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "irpipe test CA")])
    ca_cert = cert(ca_name, ca_name, ca_key, ca_key, True)
    leaf = cert(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), ca_name, leaf_key, ca_key, False, san=name)
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (tmp_path / "leaf.key").write_bytes(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                               serialization.NoEncryption()))
    return tmp_path / "ca.pem", tmp_path / "leaf.pem", tmp_path / "leaf.key"


@pytest.fixture
def tls_server(tmp_path):
    from pytest_httpserver import HTTPServer

    ca, leaf, key = _make_pki(tmp_path, "pinned.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(leaf, key)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.no_handler_status_code = 404
    server.start()
    yield server, ca
    server.clear()
    if server.is_running():
        server.stop()


def test_https_verifies_the_name_not_the_pinned_address(tls_server, tmp_path, monkeypatch):
    server, ca = tls_server
    server.expect_request("/doc").respond_with_data(HTML, content_type="text/html")
    _FakeDNS(monkeypatch, {"pinned.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    kw = dict(fetch_allowed_hosts=["pinned.test", "other.test"], fetch_ca_bundle=str(ca))
    res = _fetch(tmp_path, f"https://pinned.test:{server.port}/doc", **kw)
    assert res.status == "fetched", res
    assert server.log[-1][0].headers["Host"] == f"pinned.test:{server.port}"
    # same address, another name: the certificate (for pinned.test) does not match
    _failed(_fetch(tmp_path, f"https://other.test:{server.port}/doc", **kw), "tls")
    # the right name without the CA: not trusted
    _failed(_fetch(tmp_path, f"https://pinned.test:{server.port}/doc", fetch_allowed_hosts=["pinned.test"]), "tls")


def test_robots_redirect_http_to_https(httpserver, tls_server, tmp_path, monkeypatch):
    server, ca = tls_server
    _FakeDNS(monkeypatch, {"pinned.test": ["127.0.0.1"]})
    server.expect_request("/robots.txt").respond_with_data("User-agent: irpipe\nDisallow: /private/\n",
                                                           content_type="text/plain")
    httpserver.expect_request("/robots.txt").respond_with_data(
        "", status=301, headers={"Location": f"https://pinned.test:{server.port}/robots.txt"})
    httpserver.expect_request("/open").respond_with_data(HTML, content_type="text/html")
    f = Fetcher(_settings(tmp_path, fetch_respect_robots=True, fetch_ca_bundle=str(ca),
                          fetch_allowed_hosts=["localhost", "pinned.test"]))
    _failed(f.fetch(httpserver.url_for("/private/x")), "robots")
    assert f.fetch(httpserver.url_for("/open")).status == "fetched"


# ---------------------------------------------------------------- never raises; cache writes


@pytest.mark.parametrize("url", [None, 42, "http://", "   ", "http://[fe80::1%25eth0]/", "http://a..b/",
                                 "https://example.org:99999999999999999999/", "http://\u0000/", "\ud800"])
def test_never_raises(tmp_path, url):
    res = Fetcher(_settings(tmp_path)).fetch(url)
    assert res.status == "failed" and res.reason in REASONS and res.reason != "internal_error", res


def test_unexpected_exception_is_internal_error(httpserver, tmp_path, monkeypatch):
    from pipeline.fetch import transport

    def boom(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr(transport.Session, "get", boom)
    res = _fetch(tmp_path, httpserver.url_for("/doc"))
    _failed(res, "internal_error")
    assert "RuntimeError" in res.detail
    monkeypatch.setattr("pipeline.fetch.cache.SourceCache.manual", boom)
    assert Fetcher(_settings(tmp_path)).without_network("http://x.example/").reason == "internal_error"


def test_cache_write_failure(httpserver, tmp_path, monkeypatch):
    httpserver.expect_request("/doc").respond_with_data(HTML, content_type="text/html")

    def full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pipeline.fetch.cache.atomic_write", full)
    res = _fetch(tmp_path, httpserver.url_for("/doc"))
    _failed(res, "cache_write")
    assert "No space left" in res.detail


def test_cache_files_atomic_and_mode_follows_umask(httpserver, tmp_path):
    httpserver.expect_request("/doc").respond_with_data(HTML, content_type="text/html")
    old = os.umask(0o027)
    try:
        res = _fetch(tmp_path, httpserver.url_for("/doc"))
    finally:
        os.umask(old)
    folder = Path(res.path).parent
    assert sorted(p.name for p in folder.iterdir()) == ["body.html", "meta.json"]  # no temporaries left
    for p in folder.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o640, p


def test_requests_counted(httpserver, tmp_path):
    httpserver.expect_request("/a").respond_with_data(HTML, content_type="text/html")
    f = Fetcher(_settings(tmp_path, fetch_respect_robots=True))
    f.fetch(httpserver.url_for("/a"))
    assert f.requests == 2  # robots.txt and the document


# ---------------------------------------------------------------- media types, source_url


@pytest.mark.parametrize("data,header,expected", [
    (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", "text/html; charset=utf-8", "text/html"),
    (b'{"a": 1}', "application/json", None),
    (b"# Title\n\nSome **bold** and a [link](https://x.example).\n", "text/plain", "text/markdown"),
    (b"Plain words only.", "text/markdown", "text/markdown"),
    (b"Plain words only.", None, "text/plain"),
])
def test_media_types(data, header, expected):
    from pipeline.fetch import sniff_media_type

    assert sniff_media_type(data, header) == expected


def test_source_url(tmp_path):
    s = Settings(doi_resolver="https://doi.org/")
    assert source_url("https://x.example/a", "10.1/b", s) == "https://x.example/a"
    assert source_url(None, "10.1/b", s) == "https://doi.org/10.1/b"
    assert source_url("https://doi.org/10.1/b", "10.1/b", s) == "https://doi.org/10.1/b"
    assert source_url(None, "10.1002/(SICI)1#2?3 <x>", s) == "https://doi.org/10.1002/(SICI)1%232%3F3%20%3Cx%3E"
    assert source_url(None, None, s) == ""
    _failed(Fetcher(_settings(tmp_path)).fetch(source_url(None, None, s)), "bad_url")
