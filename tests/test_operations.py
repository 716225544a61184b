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
    assert [k for k in base if base[k] != changed[k]] == ["theory"]
    other_model = stage_keys("a" * 64, Settings(spacy_model="en_core_web_md"))
    assert [k for k in base if base[k] != other_model[k]] == ["entities", "events", "theory"]
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

    # a changed setting re-runs exactly the stages it affects: here only theory
    monkeypatch.setenv("IRPIPE_THEORY_ABSTAIN_BAND", "0.2")
    get_settings.cache_clear()
    try:
        before = dict(EXECUTED)
        results = process_corpus(inputs, out, offline=True)
        ran = {k: EXECUTED[k] - before.get(k, 0) for k in EXECUTED if EXECUTED[k] - before.get(k, 0)}
        assert ran == {"theory": 2}
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
