"""Fetching cited sources against a real HTTP server on 127.0.0.1 (pytest-httpserver), with faults."""

from __future__ import annotations

import time

import pytest
from werkzeug.wrappers import Response

from pipeline.settings import Settings
from pipeline.fetch import Fetcher, sniff_media_type

HTML = b"<!DOCTYPE html><html><head><title>Treaty</title></head><body><article><h1>Treaty</h1><p>" + \
    b"Iran and Russia signed a comprehensive strategic partnership treaty in Moscow on January 17, 2025. " * 8 + \
    b"</p></article></body></html>"


def _settings(tmp_path, **kw) -> Settings:
    base = dict(corpus_dir=str(tmp_path), fetch_allowed_hosts=["127.0.0.1", "localhost"], fetch_host_delay=0.0,
                fetch_backoff=0.05, fetch_timeout=2.0, fetch_retries=2, fetch_probe_url="http://127.0.0.1:9")
    base.update(kw)
    return Settings(**base)


@pytest.fixture(autouse=True)
def _missing_paths_are_404(httpserver):
    """A real server without a robots.txt answers 404 ("allow all", RFC 9309); pytest-httpserver's
    default for unregistered paths is 500, which RFC 9309 reads as "disallow everything"."""
    httpserver.no_handler_status_code = 404


@pytest.fixture
def fetcher(tmp_path):
    f = Fetcher(_settings(tmp_path))
    yield f
    f.close()


def test_html_fetched_and_cached(httpserver, fetcher):
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html", headers={"ETag": '"v1"'})
    res = fetcher.fetch(httpserver.url_for("/page"))
    assert res.status == "fetched" and res.media_type == "text/html" and res.etag == '"v1"'
    meta = fetcher.read_cached(httpserver.url_for("/page"))
    assert meta is not None and meta.sha256 == res.sha256


def test_conditional_refresh_downloads_nothing(httpserver, tmp_path):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(HTML, content_type="text/html", headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Oct 2025 10:00:00 GMT"})

    httpserver.expect_request("/doc").respond_with_handler(handler)
    url = httpserver.url_for("/doc")
    for _ in range(2):
        f = Fetcher(_settings(tmp_path, fetch_respect_robots=False))
        first = f.fetch(url)
        f.close()
    assert first.status == "not_modified"
    bodies = [r for r, resp in httpserver.log if r.path == "/doc" and resp.status_code == 200]
    assert len(bodies) == 1  # the second refresh got a 304, no body


def test_pdf_sniffed_despite_wrong_header(httpserver, fetcher):
    httpserver.expect_request("/paper").respond_with_data(b"%PDF-1.4\n% minimal\n", content_type="application/octet-stream")
    assert fetcher.fetch(httpserver.url_for("/paper")).media_type == "application/pdf"


def test_wrong_content_type(httpserver, fetcher):
    httpserver.expect_request("/img").respond_with_data(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png")
    res = fetcher.fetch(httpserver.url_for("/img"))
    assert res.status == "failed" and res.reason == "unsupported_type"


def test_404(httpserver, fetcher):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    res = fetcher.fetch(httpserver.url_for("/gone"))
    assert (res.status, res.reason, res.http_status) == ("failed", "http_status", 404)


def test_500_then_200_is_retried(httpserver, fetcher):
    calls = {"n": 0}

    def handler(request):
        calls["n"] += 1
        return Response("busy", status=500) if calls["n"] == 1 else Response(HTML, content_type="text/html")

    httpserver.expect_request("/flaky").respond_with_handler(handler)
    res = fetcher.fetch(httpserver.url_for("/flaky"))
    assert res.status == "fetched" and calls["n"] == 2


def test_429_honours_retry_after(httpserver, fetcher):
    calls = {"n": 0}

    def handler(request):
        calls["n"] += 1
        if calls["n"] == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response(HTML, content_type="text/html")

    httpserver.expect_request("/rate").respond_with_handler(handler)
    start = time.monotonic()
    res = fetcher.fetch(httpserver.url_for("/rate"))
    assert res.status == "fetched" and time.monotonic() - start >= 0.95


def test_slow_response_times_out(httpserver, tmp_path):
    def handler(request):
        time.sleep(1.5)
        return Response(HTML, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(handler)
    f = Fetcher(_settings(tmp_path, fetch_timeout=0.5, fetch_retries=1, fetch_respect_robots=False,
                          fetch_probe_url=httpserver.url_for("/")))
    res = f.fetch(httpserver.url_for("/slow"))
    f.close()
    assert res.status == "failed" and res.reason == "timeout"


def test_redirect_loop(httpserver, fetcher):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    res = fetcher.fetch(httpserver.url_for("/a"))
    assert res.reason == "redirect_loop"


def test_redirect_to_private_address_is_refused(httpserver, fetcher):
    httpserver.expect_request("/evil").respond_with_data("", status=302, headers={"Location": "http://10.0.0.1/admin"})
    res = fetcher.fetch(httpserver.url_for("/evil"))
    assert res.reason == "blocked_address" and "10.0.0.1" in res.detail


def test_loopback_refused_by_default(tmp_path, httpserver):
    f = Fetcher(_settings(tmp_path, fetch_allowed_hosts=[]))
    res = f.fetch(httpserver.url_for("/page"))
    f.close()
    assert res.reason == "blocked_address"


def test_non_http_scheme_refused(fetcher):
    assert fetcher.fetch("file:///etc/passwd").reason == "blocked_scheme"


def test_oversized_body(httpserver, tmp_path):
    httpserver.expect_request("/big").respond_with_data(b"a" * 5000, content_type="text/plain")
    f = Fetcher(_settings(tmp_path, fetch_max_bytes=1000, fetch_respect_robots=False))
    res = f.fetch(httpserver.url_for("/big"))
    f.close()
    assert res.reason == "too_large"


def test_robots_disallow(httpserver, fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    httpserver.expect_request("/private/x").respond_with_data(HTML, content_type="text/html")
    res = fetcher.fetch(httpserver.url_for("/private/x"))
    assert res.reason == "robots"
    assert not any(r.path == "/private/x" for r, _ in httpserver.log)


def test_offline_reads_only_the_cache(httpserver, tmp_path):
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    f = Fetcher(_settings(tmp_path))
    assert f.fetch(httpserver.url_for("/c")).status == "fetched"
    n = len(httpserver.log)
    assert f.fetch(httpserver.url_for("/c"), offline=True).status == "cached"
    assert f.fetch(httpserver.url_for("/other"), offline=True).reason == "offline"
    f.close()
    assert len(httpserver.log) == n


def test_unreachable_network_fails_fast(tmp_path):
    f = Fetcher(Settings(corpus_dir=str(tmp_path), fetch_probe_url="http://127.0.0.1:9", fetch_timeout=5.0))
    start = time.monotonic()
    results = [f.fetch(f"https://host{i}.invalid/page") for i in range(30)]
    f.close()
    assert time.monotonic() - start < 10
    assert all(r.status == "failed" for r in results)
    assert results[-1].reason == "network_unreachable"


def test_manual_file(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "paywalled.html").write_bytes(HTML)
    (tmp_path / "sources" / "manual.toml").write_text('[[source]]\nurl = "https://paywall.example/x"\nfile = "paywalled.html"\n')
    f = Fetcher(Settings(corpus_dir=str(tmp_path)))
    res = f.fetch("https://paywall.example/x", offline=True)
    f.close()
    assert res.status == "manual" and res.media_type == "text/html"


@pytest.mark.parametrize("data,header,expected", [
    (b"%PDF-1.7", None, "application/pdf"), (b"<html><body>x</body></html>", "text/plain", "text/html"),
    (b"plain words", "text/plain", "text/plain"), (b"\x00\x01", "application/octet-stream", None),
])
def test_sniff(data, header, expected):
    assert sniff_media_type(data, header) == expected


@pytest.mark.slow
def test_fetch_sources_flow_links_both_ways(httpserver, tmp_path, prefect_harness):
    from flows.fetch_sources import fetch_sources
    from pipeline.export import load_document
    from pipeline.process import process_path

    url = httpserver.url_for("/treaty")
    httpserver.expect_request("/treaty").respond_with_data(HTML, content_type="text/html")
    art = tmp_path / "article.md"
    art.write_text(f"# A Title\n\n# Introduction\n\nRussia and Iran signed a treaty.<sup>1</sup> It matters.\n\n"
                   f"<sup>1</sup> Someone, \"Treaty signed,\" Example News, January 17, 2025, {url}.\n")
    out = tmp_path / "out"
    settings = _settings(tmp_path, fetch_respect_robots=False)
    doc, path = process_path(art, out, settings)
    assert doc.sources and doc.sources[0].url == url
    summary = fetch_sources([str(path)], str(out), settings=settings)
    assert summary["processed"] == 1
    article = load_document(path)
    src = article.sources[0]
    assert src.status == "fetched" and src.doc_id
    source_doc = load_document(out / src.doc_id / "document.json")
    assert source_doc.source.url == url
    assert [c.model_dump() for c in source_doc.cited_by] == [{"doc_id": article.doc_id, "passage_ids": src.citing_passage_ids}]
    assert "strategic partnership treaty" in source_doc.text


@pytest.mark.slow
def test_global_fetch_limit_created(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.fetch_sources import FETCH_LIMIT, fetch_sources

    fetch_sources([], str(tmp_path / "out"), settings=_settings(tmp_path, fetch_concurrency=3))
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(FETCH_LIMIT).limit == 3
