"""Incremental work: cache keys from content + stage versions + settings; refresh of an unchanged corpus."""

from __future__ import annotations

import pytest

from pipeline.process import stage_keys
from pipeline.settings import Settings, get_settings

from .conftest import ARTICLE, DATA

pytestmark = pytest.mark.slow


def test_stage_keys_follow_settings():
    base = stage_keys("a" * 64, Settings())
    changed = stage_keys("a" * 64, Settings(theory_abstain_band=0.2))
    # keys chain every earlier stage, so the support stage after theory is re-keyed too
    assert [k for k in base if base[k] != changed[k]] == ["theory", "support"]
    other_model = stage_keys("a" * 64, Settings(spacy_model="en_core_web_md"))
    assert [k for k in base if base[k] != other_model[k]] == ["entities", "events", "theory", "support"]
    assert stage_keys("b" * 64, Settings())["ingest"] != base["ingest"]


def test_refresh_runs_nothing_when_unchanged_and_only_affected_stages(prefect_harness, tmp_path, monkeypatch):
    from flows.process_document import EXECUTED, process_corpus
    from flows.refresh import refresh_corpus

    out = str(tmp_path / "out")
    inputs = [str(ARTICLE), str(DATA / "34237.pdf")]
    process_corpus(inputs, out, offline=True)
    for _ in range(2):
        summary = refresh_corpus(out, offline=True)
    assert summary["documents"] == 2 and summary["skipped"] == 2
    assert summary["stages_run"] == {}  # the second refresh executed no stage

    # `irpipe run` answers an unchanged corpus from the store before any flow (no Prefect API start)
    from flows.process_document import answer_unchanged
    from pipeline.store import open_store

    runs = len(open_store(tmp_path / "out").runs())
    answered = answer_unchanged(inputs, out, offline=True)
    assert [r["path"] for r in answered] == inputs and all(r["skipped"] and r["status"] == "ok" for r in answered)
    assert len(open_store(tmp_path / "out").runs()) == runs + 1  # the run is on record all the same
    assert answer_unchanged(inputs + [str(DATA / "34237.pdf")[:-4] + ".missing"], out) is None

    # a changed setting re-runs the stage it affects and the stages after it: theory, then support
    monkeypatch.setenv("IRPIPE_THEORY_ABSTAIN_BAND", "0.2")
    get_settings.cache_clear()
    try:
        assert answer_unchanged(inputs, out, offline=True) is None  # a changed setting: work to do
        before = dict(EXECUTED)
        results = process_corpus(inputs, out, offline=True)
        ran = {k: EXECUTED[k] - before.get(k, 0) for k in EXECUTED if EXECUTED[k] - before.get(k, 0)}
        assert ran == {"theory": 2, "support": 2}
        assert all(r["status"] == "ok" and not r.get("skipped") for r in results)
    finally:
        monkeypatch.delenv("IRPIPE_THEORY_ABSTAIN_BAND")
        get_settings.cache_clear()


def test_dask_runner_local_cluster(prefect_harness, tmp_path):
    """Documents processed as tasks on a Dask LocalCluster of 2 worker processes (everything pickles)."""
    import pickle

    from flows.process_document import dask_runner, process_corpus
    from pipeline.process import assemble, ingest

    doc = assemble(ingest(ARTICLE))
    assert pickle.loads(pickle.dumps(doc)) == doc
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    inputs = [str(ARTICLE), str(DATA / "34237.pdf"), str(bad)]
    flow_ = process_corpus.with_options(task_runner=dask_runner(None, 2))
    results = flow_(inputs, str(tmp_path / "out"), offline=True, runner="dask")
    status = {r["path"]: r["status"] for r in results}
    assert status == {inputs[0]: "ok", inputs[1]: "ok", inputs[2]: "failed"}
    assert all((tmp_path / "out" / r["doc_id"] / "document.json").exists() for r in results if r["status"] == "ok")


def test_fsspec_outputs_and_result_storage(prefect_harness, tmp_path, monkeypatch):
    """The outputs folder and the task-result store as fsspec URLs (memory://, one process)."""
    import fsspec

    from flows.process_document import process_corpus
    from pipeline.export import load_document, read_manifest

    monkeypatch.setenv("IRPIPE_RESULT_STORAGE", "memory://irpipe-results")
    get_settings.cache_clear()
    try:
        small = tmp_path / "note.txt"
        small.write_text("Moscow offered Tehran a $5 billion loan in March 2021.\n\nThe loan was for energy projects.\n")
        out = "memory://irpipe-out"
        results = process_corpus([str(small)], out, offline=True)
        assert results[0]["status"] == "ok"
        fs = fsspec.filesystem("memory")
        doc = load_document(results[0]["output"])
        assert doc.events and fs.exists(f"/irpipe-out/{doc.doc_id}/document.json")
        assert read_manifest(out).documents[str(small)].status == "ok"
        assert fs.exists("/irpipe-out/events.csv") and fs.exists("/irpipe-out/datasets/events.parquet")
        assert not fs.glob("/irpipe-out/**/*.partial")
        assert fs.glob("/irpipe-results/*")  # task results persisted in the fsspec store
    finally:
        get_settings.cache_clear()


HOLD_TEMPORARY = r"""
import os, sys
from pathlib import Path
from pipeline import storage
with storage.temporary_beside(Path(sys.argv[1])) as tmp:
    tmp.write_text("{half of a document")
    print(tmp, flush=True)
    if sys.argv[2] == "die":
        os._exit(0)  # killed mid-write: the temporary stays behind
    sys.stdin.read()  # in flight until the test closes stdin
"""


def test_concurrent_run_never_deletes_an_in_flight_temporary(prefect_harness, tmp_path):
    """process-corpus sweeps the output folder; another process's temporary in flight survives it."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from flows.process_document import process_corpus

    from .conftest import ROOT

    out = tmp_path / "out"
    (out / "abc").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", HOLD_TEMPORARY, str(out / "abc" / "document.json"), "hold"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    in_flight = Path(holder.stdout.readline().strip())
    dead = subprocess.run([sys.executable, "-c", HOLD_TEMPORARY, str(out / "index.json"), "die"],
                          capture_output=True, text=True, env=env, timeout=120)
    left_by_dead = Path(dead.stdout.strip())
    old_unknown, new_unknown = out / ".events.csv.x1.partial", out / ".events.csv.x2.partial"
    old_unknown.write_text("old")
    new_unknown.write_text("new")
    os.utime(old_unknown, (time.time() - 2 * 3600, time.time() - 2 * 3600))
    assert in_flight.exists() and left_by_dead.exists()
    note = tmp_path / "note.txt"
    note.write_text("Moscow offered Tehran a $5 billion loan in March 2021.\n\nThe loan was for energy projects.\n")
    try:
        results = process_corpus([str(note)], str(out), offline=True)
        assert results[0]["status"] == "ok"
        assert in_flight.exists() and in_flight.read_text() == "{half of a document"  # the live writer's
        assert new_unknown.exists()  # unknown writer, younger than temp_max_age_seconds
        assert not left_by_dead.exists() and not old_unknown.exists()
    finally:
        holder.communicate(timeout=60)
    assert not in_flight.exists()  # its writer finished and removed it


def test_run_refuses_a_damaged_manifest_before_writing(prefect_harness, tmp_path):
    import json

    from flows.process_document import process_corpus
    from pipeline.errors import StoreError

    out = tmp_path / "out"
    out.mkdir()
    (out / "index.json").write_text(json.dumps({"schema_version": "2.0.0", "documents": {}, "extra": 1}))
    note = tmp_path / "note.txt"
    note.write_text("Iran and Russia signed a treaty.\n")
    with pytest.raises(StoreError) as err:
        process_corpus([str(note)], str(out), offline=True)
    assert err.value.code == "E201"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == \
        ["index.json", *[p.name for p in out.glob("index.json.rejected-*")]]


def test_inspect_sql_reads_only_the_tables(tmp_path, article_doc):
    """A local analyst tool on a shared machine: no reading, writing or attaching other files."""
    import subprocess
    import sys

    import duckdb

    from pipeline.datasets import build_datasets, query
    from pipeline.export import now_iso, record_result, write_document
    from pipeline.model import ManifestEntry

    from .conftest import ROOT

    out = tmp_path / "it's a folder"  # a quote in the path used to break the view SQL
    path = write_document(article_doc, out)
    record_result(out, ManifestEntry(path=str(ARTICLE), doc_id=article_doc.doc_id, status="ok", output=str(path),
                                     processed_at=now_iso()))
    build_datasets(out)
    assert query(out, "SELECT count(*) FROM documents")[1] == [(1,)]
    con = duckdb.connect(str(out / "datasets" / "irpipe.duckdb"), read_only=True)
    # the views hold paths relative to datasets/ (a moved folder works); from elsewhere, say where that is
    con.execute("SET file_search_path = '" + str(out / "datasets").replace("'", "''") + "'")
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(article_doc.events)
    con.close()
    secret = tmp_path / "secret.csv"
    secret.write_text("user,password\nroot,hunter2\n")
    stolen = tmp_path / "stolen.csv"
    for sql in (f"SELECT * FROM read_csv('{secret}')", f"COPY documents TO '{stolen}'",
                f"ATTACH '{tmp_path / 'other.db'}' AS other", "SELECT * FROM read_text('/etc/passwd')",
                "INSTALL httpfs", "SET enable_external_access = true", "SET allowed_paths = ['/etc/passwd']"):
        with pytest.raises(duckdb.Error):
            query(out, sql)
    assert not stolen.exists() and not (tmp_path / "other.db").exists()
    cli = subprocess.run([sys.executable, "-m", "irpipe", "inspect", "sql", f"COPY documents TO '{stolen}'",
                          "--output-dir", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 2 and not stolen.exists()
    assert cli.stderr.strip().count("\n") == 0 and "SQL error" in cli.stderr and str(stolen) in cli.stderr


def _texts(folder, n):
    """``n`` small English documents, each with an event, different by content."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        f = folder / f"note{i}.txt"
        f.write_text(f"Note {i}\n\nMoscow offered Tehran a ${i + 2} billion loan in March 202{i}.\n\n"
                     f"Russia and Iran signed a treaty in Moscow on January {i + 10}, 2025.\n")
        files.append(str(f))
    return files


def test_parallel_runner_writes_the_same_documents_as_the_serial_one(prefect_harness, tmp_path, monkeypatch):
    """runner=auto on a batch: a local cluster of 2 warm processes; the documents equal the in-process run's."""
    import json
    import os

    from flows.process_document import process_corpus

    files = _texts(tmp_path / "in", 3)
    bad = tmp_path / "in" / "empty.txt"
    bad.write_bytes(b"")
    files.append(str(bad))
    # the same settings for both runs (settings_hash covers every setting); runner="local" stays in-process
    monkeypatch.setenv("IRPIPE_PARALLEL_MIN_DOCUMENTS", "2")
    monkeypatch.setenv("IRPIPE_WORKERS", "2")
    get_settings.cache_clear()
    try:
        serial = process_corpus(files, str(tmp_path / "serial"), offline=True, runner="local")
        parallel = process_corpus(files, str(tmp_path / "parallel"), offline=True, runner="auto")
    finally:
        get_settings.cache_clear()
    assert not any("worker_pid" in r for r in serial)
    assert [(r["path"], r["status"], r.get("doc_id")) for r in parallel] == \
        [(r["path"], r["status"], r.get("doc_id")) for r in serial]
    assert [r["status"] for r in parallel] == ["ok", "ok", "ok", "failed"]
    assert all(r["worker_pid"] != os.getpid() for r in parallel if "worker_pid" in r)  # ran in worker processes
    assert sum("worker_pid" in r for r in parallel) == 4

    def content(root, doc_id):
        doc = json.loads((root / doc_id / "document.json").read_text())
        doc["provenance"].pop("created_at")
        return doc

    for r in serial:
        if r["status"] == "ok":
            assert content(tmp_path / "parallel", r["doc_id"]) == content(tmp_path / "serial", r["doc_id"])
    index = json.loads((tmp_path / "parallel" / "index.json").read_text())["documents"]
    assert {p: e["status"] for p, e in index.items()} == {r["path"]: r["status"] for r in serial}
    # events.csv holds every document's events (cumulative), the same rows as the serial run's
    rows = lambda root: sorted((root / "events.csv").read_text().splitlines())  # noqa: E731
    assert rows(tmp_path / "parallel") == rows(tmp_path / "serial") and len(rows(tmp_path / "serial")) > 3


def test_worker_count_follows_cores_budget_and_batch():
    from flows.workers import WORKER_RSS_MB, worker_count

    s = Settings(workers=4, memory_budget_mb=10 * WORKER_RSS_MB, parallel_min_documents=6)
    assert worker_count(5, s) == 1  # a small batch stays in-process: model loading would not pay back
    assert worker_count(100, s) == 4
    assert worker_count(100, s.model_copy(update={"memory_budget_mb": 2 * WORKER_RSS_MB + 1})) == 2
    assert worker_count(100, s.model_copy(update={"memory_budget_mb": 100})) == 1
    assert worker_count(7, s.model_copy(update={"workers": 16, "memory_budget_mb": 10**6})) == 7


def test_up_to_date_check_and_skipped_record_do_not_open_document_json(tmp_path, monkeypatch, article_doc):
    """An unchanged document costs one indexed row of the store, not a parse of its document.json."""
    import builtins

    from flows.process_document import _skipped
    from pipeline import storage
    from pipeline.export import write_document
    from pipeline.process import is_up_to_date

    settings = get_settings()
    path = write_document(article_doc, tmp_path / "out")
    sha = article_doc.source.sha256
    real_open, real_read = builtins.open, storage.read_text
    opened = []

    def spy_open(file, *args, **kwargs):
        if str(file).endswith("document.json"):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_read(location, *args, **kwargs):
        opened.append(str(location))
        return real_read(location, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(storage, "read_text", spy_read)
    assert is_up_to_date(path, sha, settings)
    assert not is_up_to_date(path, "0" * 64, settings)
    record = _skipped("x.md", sha, path)
    assert record["skipped"] and record["doc_id"] == article_doc.doc_id
    assert opened == []
