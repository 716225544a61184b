"""The corpus store: concurrent writers lose nothing, views follow it, damaged state is refused, not replaced."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from pipeline.errors import StoreError
from pipeline.export import now_iso, read_manifest, record_result
from pipeline.model import Manifest, ManifestEntry
from pipeline.store import STORE_DIR, STORE_FILE, open_store

from .conftest import ARTICLE


def _entry(path: str, doc_id: str | None = None, status: str = "ok") -> ManifestEntry:
    return ManifestEntry(path=path, doc_id=doc_id, status=status, output=f"/out/{doc_id}/document.json" if doc_id else None,
                         processed_at=now_iso())


def _writer(out: str, name: str, n: int) -> None:
    """A separate process recording ``n`` results, one transaction each (as process_corpus does)."""
    for i in range(n):
        record_result(out, _entry(f"/in/{name}-{i:03d}.txt", f"{name}{i:03d}"))


def test_two_processes_keep_all_400_entries(tmp_path):
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: nothing shared but the folder
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), name, 200)) for name in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
        assert p.exitcode == 0
    manifest = read_manifest(tmp_path)
    assert len(manifest.documents) == 400
    # the view agrees with the store, and is a valid manifest in the documented format
    view = Manifest.model_validate_json((tmp_path / "index.json").read_text())
    assert view.documents == manifest.documents
    assert not list(tmp_path.rglob("*.partial"))


def test_threads_keep_every_entry(tmp_path):
    threads = [threading.Thread(target=_writer, args=(str(tmp_path), f"t{k}", 40)) for k in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(json.loads((tmp_path / "index.json").read_text())["documents"]) == 200


def test_index_keeps_first_seen_order_and_format(tmp_path):
    record_result(tmp_path, _entry("/b"), _entry("/a"))
    record_result(tmp_path, _entry("/b", "x1", status="partial"))
    data = json.loads((tmp_path / "index.json").read_text())
    assert list(data["documents"]) == ["/b", "/a"] and data["documents"]["/b"]["status"] == "partial"
    assert set(data["documents"]["/a"]) == set(ManifestEntry.model_fields)
    assert oct((tmp_path / "index.json").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old


def test_unknown_field_in_legacy_manifest_is_refused_not_emptied(tmp_path):
    """index.json from before the store (or from a newer irpipe) with a field this one does not know."""
    index = tmp_path / "index.json"
    data = {"schema_version": "2.0.0", "documents": {"/in/a.txt": _entry("/in/a.txt", "aaaa").model_dump()}}
    data["documents"]["/in/a.txt"]["reviewer"] = "someone"
    index.write_text(json.dumps(data))
    before = index.read_bytes()
    with pytest.raises(StoreError) as err:
        read_manifest(tmp_path)
    assert err.value.code == "E201" and "index.json" in str(err.value) and "reviewer" in str(err.value)
    with pytest.raises(StoreError):
        record_result(tmp_path, _entry("/in/new.txt", "bbbb"))
    assert index.read_bytes() == before  # never replaced
    copies = list(tmp_path.glob("index.json.rejected-*"))
    assert len(copies) == 1 and copies[0].read_bytes() == before
    with pytest.raises(StoreError):  # still refused: nothing was half-created meanwhile
        read_manifest(tmp_path)


def test_newer_manifest_and_store_are_refused(tmp_path):
    (tmp_path / "index.json").write_text(json.dumps({"schema_version": "9.1.0", "documents": {}, "new": 1}))
    with pytest.raises(StoreError) as err:
        open_store(tmp_path).verify()
    assert err.value.code == "E202"
    (tmp_path / "index.json").unlink()
    record_result(tmp_path, _entry("/a", "a1"))
    with sqlite3.connect(tmp_path / STORE_DIR / STORE_FILE) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'store_schema'")
    with pytest.raises(StoreError) as err:
        read_manifest(tmp_path)
    assert err.value.code == "E202"


def test_damaged_store_is_refused_with_a_copy(tmp_path):
    record_result(tmp_path, _entry("/a", "a1"))
    db = tmp_path / STORE_DIR / STORE_FILE
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        extra.unlink(missing_ok=True)
    db.write_bytes(b"this is not a database, whatever it once was" * 100)
    with pytest.raises(StoreError) as err:
        record_result(tmp_path, _entry("/b", "b1"))
    assert err.value.code == "E201" and "store" in str(err.value)
    assert db.read_bytes().startswith(b"this is not")  # left as it is
    assert list(db.parent.glob(f"{STORE_FILE}.rejected-*"))
    assert json.loads((tmp_path / "index.json").read_text())["documents"].keys() == {"/a"}


def test_view_changed_outside_irpipe(tmp_path):
    record_result(tmp_path, _entry("/a", "a1"))
    index = tmp_path / "index.json"
    # a valid manifest written by someone else (an older irpipe): its entries are adopted, not lost
    data = json.loads(index.read_text())
    data["documents"]["/legacy"] = _entry("/legacy", "l1").model_dump()
    index.write_text(json.dumps(data))
    record_result(tmp_path, _entry("/b", "b1"))
    assert list(read_manifest(tmp_path).documents) == ["/a", "/b", "/legacy"]
    # an invalid one is refused and kept; the new entry still reaches the store
    data = json.loads(index.read_text())
    data["comment"] = "edited by hand"
    index.write_text(json.dumps(data))
    edited = index.read_bytes()
    with pytest.raises(StoreError) as err:
        record_result(tmp_path, _entry("/c", "c1"))
    assert err.value.code == "E203" and index.read_bytes() == edited
    assert "/c" in read_manifest(tmp_path).documents
    index.unlink()  # what the message says to do
    record_result(tmp_path, _entry("/d", "d1"))
    assert set(json.loads(index.read_text())["documents"]) == {"/a", "/b", "/legacy", "/c", "/d"}


def test_runs_are_recorded(tmp_path):
    store = open_store(tmp_path)
    run = store.begin_run("process-corpus", documents=2)
    killed = store.begin_run("process-corpus", documents=1)
    store.end_run(run, "done", ok=2)
    runs = {r["id"]: r for r in store.runs()}
    assert runs[run]["status"] == "done" and runs[run]["counts"] == {"ok": 2} and runs[run]["finished_at"]
    assert runs[killed]["finished_at"] is None and runs[killed]["pid"] == os.getpid()


def test_is_up_to_date_reads_the_store_not_the_document(tmp_path, article_doc):
    from pipeline.export import write_document
    from pipeline.process import is_up_to_date, stage_keys
    from pipeline.settings import get_settings

    settings = get_settings()
    path = Path(write_document(article_doc, tmp_path))
    sha = article_doc.source.sha256
    assert open_store(tmp_path).stage_keys(article_doc.doc_id) == article_doc.provenance.stage_keys
    assert article_doc.provenance.stage_keys == stage_keys(sha, settings)
    assert is_up_to_date(path, sha, settings)
    original = path.read_bytes()
    path.write_text("{not parsed}")  # the answer comes from the store's row, not from the file
    assert is_up_to_date(path, sha, settings)
    assert not is_up_to_date(path, "0" * 64, settings)
    # a document written before the store: read once, its keys recorded
    path.write_bytes(original)
    for f in (tmp_path / STORE_DIR).iterdir():
        f.unlink()
    assert open_store(tmp_path).stage_keys(article_doc.doc_id) is None
    assert is_up_to_date(path, sha, settings)
    assert open_store(tmp_path).stage_keys(article_doc.doc_id) == article_doc.provenance.stage_keys


def test_url_output_keeps_its_store_locally(tmp_path):
    import fsspec

    out = "memory://irpipe-store-test"
    record_result(out, _entry("/a", "a1"))
    record_result(out, _entry("/b", "b1"))
    fs = fsspec.filesystem("memory")
    assert set(json.loads(fs.cat_file("/irpipe-store-test/index.json"))["documents"]) == {"/a", "/b"}
    store = open_store(out)
    assert store.path.is_file() and ".cache" in store.path.parts
    assert not fs.glob("/irpipe-store-test/**/*.partial")


def test_datasets_of_other_documents_survive_a_refused_manifest(tmp_path, article_doc):
    """The scenario of the issue: a manifest with one unknown field was read as empty, the next write
    kept only the new entry, and the dataset build deleted every other document's parts."""
    import shutil

    from pipeline.datasets import build_datasets
    from pipeline.export import write_document
    from pipeline.process import process_file

    note = tmp_path / "note.txt"
    note.write_text("Moscow offered Tehran a $5 billion loan in March 2021.\n\nThe loan was for energy projects.\n")
    out = tmp_path / "out"
    docs = [article_doc, process_file(note)]
    for doc, src in zip(docs, (ARTICLE, note)):
        record_result(out, _entry(str(src), doc.doc_id).model_copy(update={"output": str(write_document(doc, out))}))
    build_datasets(out)
    parts = sorted(p.name for p in (out / "datasets" / "parts" / "documents").glob("*.parquet"))
    assert parts == sorted(f"{d.doc_id}.parquet" for d in docs)

    # the store is lost (say, copied without its hidden folder) and index.json has a field we do not know
    shutil.rmtree(out / STORE_DIR)
    data = json.loads((out / "index.json").read_text())
    data["documents"][str(note)]["reviewed"] = True
    (out / "index.json").write_text(json.dumps(data))
    with pytest.raises(StoreError):
        record_result(out, _entry("/in/third.txt", "cccc"))
    with pytest.raises(StoreError):
        build_datasets(out)
    assert sorted(p.name for p in (out / "datasets" / "parts" / "documents").glob("*.parquet")) == parts
    assert json.loads((out / "index.json").read_text()) == data


SOURCE_HTML = b"<!DOCTYPE html><html><head><title>Treaty</title></head><body><article><h1>Treaty</h1><p>" + \
    b"Iran and Russia signed a comprehensive strategic partnership treaty in Moscow on January 17, 2025. " * 8 + \
    b"</p></article></body></html>"


@pytest.mark.slow
def test_two_articles_citing_one_source_keep_both_links(httpserver, tmp_path, prefect_harness):
    """Through the real fetch-sources flow: either article or the source processed again loses no link."""
    from flows.fetch_sources import fetch_sources
    from flows.process_document import process_document
    from pipeline.export import load_document
    from pipeline.fetch import Fetcher
    from pipeline.process import process_path
    from pipeline.settings import Settings

    httpserver.no_handler_status_code = 404  # no robots.txt: allowed (RFC 9309)
    url = httpserver.url_for("/treaty")
    httpserver.expect_request("/treaty").respond_with_data(SOURCE_HTML, content_type="text/html")
    settings = Settings(corpus_dir=str(tmp_path), fetch_allowed_hosts=["127.0.0.1", "localhost"], fetch_host_delay=0.0,
                        fetch_backoff=0.05, fetch_timeout=2.0, fetch_retries=1, fetch_probe_url="http://127.0.0.1:9",
                        fetch_respect_robots=False)
    out = tmp_path / "out"
    articles = []
    for name, claim in (("a", "signed a treaty"), ("b", "concluded a partnership in January")):
        art = tmp_path / f"{name}.md"
        art.write_text(f"# Article {name}\n\n# Introduction\n\nRussia and Iran {claim}.<sup>1</sup> It matters.\n\n"
                       f"<sup>1</sup> Someone, \"Treaty signed,\" Example News, January 17, 2025, {url}.\n")
        articles.append((art, process_path(art, out, settings)[1]))
    fetch_sources([str(p) for _, p in articles], str(out), settings=settings)
    docs = [load_document(p) for _, p in articles]
    source_id = docs[0].sources[0].doc_id
    assert source_id and docs[1].sources[0].doc_id == source_id
    expected = {d.doc_id: sorted(d.sources[0].citing_passage_ids) for d in docs}
    assert len(expected) == 2 and all(expected.values())
    source_json = out / source_id / "document.json"

    def links() -> dict[str, list[str]]:
        return {c.doc_id: c.passage_ids for c in load_document(source_json).cited_by}

    assert links() == expected
    # article a processed again (a fresh document.json, its sources not fetched yet), then its sources
    process_path(articles[0][0], out, settings)
    fetch_sources([str(articles[0][1])], str(out), settings=settings)
    assert links() == expected
    # the source processed again: its document.json is written anew by the pipeline
    cached = Fetcher(settings).read_cached(url)
    state = process_document(cached.path, str(out), settings, url=url, return_state=True)
    assert state.is_completed()
    assert links() == expected
    assert open_store(out).cited_by(source_id) == load_document(source_json).cited_by


@pytest.mark.slow
def test_cli_reports_a_refused_manifest_in_one_line(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    out = tmp_path / "out"
    out.mkdir()
    (out / "index.json").write_text('{"schema_version": "2.0.0", "documents": {}, "extra": 1}')
    note = tmp_path / "note.txt"
    note.write_text("Iran and Russia signed a treaty.\n")
    r = subprocess.run([sys.executable, "-m", "irpipe", "run", str(note), "-o", str(out), "--offline", "--no-sources"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 3, r.stderr[-2000:]
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("irpipe: ") and "index.json" in last and "[E201]" in last  # Prefect's own log is above
    assert not (out / "datasets").exists() and not list(out.glob("*/document.json"))
