"""The registry: stages declare what they need and add; the runner, keys, tables and flows follow."""

from __future__ import annotations

import json
import shutil

import pytest

from pipeline import registry
from pipeline.model import Document
from pipeline.process import run_stage, run_stages, stage_keys
from pipeline.registry import Registry, StageSpec
from pipeline.settings import Settings, get_settings

from .conftest import ARTICLE, DATA

PLUGINS = DATA / "plugins"
BUILTIN = ["citations", "entities", "events", "theory", "support"]  # support: issue 20


def test_builtin_stages_in_dependency_order():
    assert [s.name for s in registry.stages(Settings())] == BUILTIN


def test_order_follows_needs_not_registration():
    reg = Registry()
    noop = lambda doc, settings: doc  # noqa: E731
    reg.add_stage(StageSpec("late", noop, needs=("events",), adds=("late",)))
    reg.add_stage(StageSpec("events", noop, needs=("entities",), adds=("events",)))
    reg.add_stage(StageSpec("entities", noop, adds=("entities",)))
    assert [s.name for s in reg.ordered_stages()] == ["entities", "events", "late"]
    reg.add_stage(StageSpec("entities", noop, needs=("late",), adds=("entities",)))
    with pytest.raises(ValueError, match="need each other"):
        reg.ordered_stages()


def test_readers_share_one_sniffer():
    from pipeline.ingest import detect_media_type

    media = [r.media_type for r in registry.readers()]
    assert media[0] == "application/pdf" and media[-1] == "text/plain"
    assert detect_media_type(b"%PDF-1.7\n...", "x.bin") == "application/pdf"
    assert detect_media_type(b"<!DOCTYPE html><html><body>x</body></html>", "page") == "text/html"


@pytest.mark.parametrize("name", BUILTIN)
def test_stage_changes_only_what_it_declares(article_doc, name):
    """Each built-in stage, run again on the processed article, leaves every undeclared field as it was."""
    settings = get_settings()
    spec = next(s for s in registry.stages(settings) if s.name == name)
    before = article_doc.model_copy(deep=True)
    after = run_stage(before.model_copy(deep=True), spec, settings)
    declared = {a.split(".", 1)[0] for a in spec.adds} | {"provenance", "warnings"}
    for field in Document.model_fields:
        if field not in declared:
            assert getattr(after, field) == getattr(before, field), f"{name} changed {field}"
    assert not after.stage_errors


def test_failing_stage_is_recorded_and_the_rest_runs(monkeypatch, tmp_path):
    """A stage that raises leaves its fields as they were; the later stages still run (status partial)."""
    from pipeline import entities
    from pipeline.process import assemble, ingest

    def broken(doc, settings):
        doc.entities = []  # half-written, then a crash
        raise RuntimeError("boom")

    settings = get_settings()
    spec = next(s for s in registry.stages(settings) if s.name == "entities")
    monkeypatch.setitem(registry.REGISTRY.stages, "entities", StageSpec(**{**spec.__dict__, "func": broken}))
    path = tmp_path / "a.txt"
    path.write_text("Iran and Russia signed a treaty in Moscow on 17 January 2025.\n\nThe partnership deepened.\n")
    doc = run_stages(assemble(ingest(path, settings), settings), settings)
    assert [(e.stage, e.code) for e in doc.stage_errors] == [("entities", "E101")]
    assert "RuntimeError: boom" in doc.stage_errors[0].message
    assert doc.provenance.stages["entities"] == "entities@failed"
    assert doc.provenance.stages["theory"].startswith("theory@")  # ran after the failure
    assert entities.annotate_entities is not broken


def test_stage_keys_follow_code_and_resources(monkeypatch):
    settings = Settings()
    base = stage_keys("a" * 64, settings)
    real = StageSpec.code_version
    # an edit to the structure stage's source re-keys it and every stage after it, not ingestion
    monkeypatch.setattr(StageSpec, "code_version", lambda self: "edited" if self.name == "structure" else real(self))
    edited = stage_keys("a" * 64, settings)
    assert [k for k in base if base[k] != edited[k]] == ["structure", *BUILTIN]
    monkeypatch.undo()
    # upgrading a model package (same name, new version) re-keys the stages that load it
    from pipeline.registry import ModelPackage

    monkeypatch.setattr(ModelPackage, "version", lambda self, s: f"{self.setting}==9.9.9")
    upgraded = stage_keys("a" * 64, settings)
    assert [k for k in base if base[k] != upgraded[k]] == ["entities", "events", "theory", "support"]


def test_schema_has_no_open_objects():
    from pipeline.export import json_schema

    def walk(node, where):
        if isinstance(node, dict):
            assert node.get("additionalProperties") is not True, where
            if node.get("type") == "object":
                assert "properties" in node or isinstance(node.get("additionalProperties"), dict), where
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(json_schema(), "#")


@pytest.fixture
def toy_plugin(monkeypatch, tmp_path):
    """The toy stage of tests/data/plugins, registered through the setting ``stage_modules`` only."""
    plugin_dir = tmp_path / "plugins"
    shutil.copytree(PLUGINS, plugin_dir)
    monkeypatch.syspath_prepend(str(plugin_dir))
    monkeypatch.setenv("IRPIPE_STAGE_MODULES", '["irpipe_toy_stage"]')
    get_settings.cache_clear()
    yield plugin_dir / "irpipe_toy_stage.py"
    registry.REGISTRY.remove_stage("toy")
    get_settings.cache_clear()
    import sys

    sys.modules.pop("irpipe_toy_stage", None)


@pytest.mark.slow
def test_toy_stage_runs_is_cached_and_exported(prefect_harness, toy_plugin, tmp_path):
    import pyarrow.parquet as pq

    from flows.process_document import EXECUTED, process_corpus

    settings = get_settings()
    assert [s.name for s in registry.stages(settings)][-1] == "toy"
    src = tmp_path / "article.md"
    shutil.copy(ARTICLE, src)
    out = tmp_path / "out"
    first = process_corpus([str(src)], str(out))
    assert first[0]["status"] == "ok"
    doc = json.loads((out / first[0]["doc_id"] / "document.json").read_text())
    toy = doc["annotations"]["toy"]
    assert toy and {a["label"] for a in toy} <= {"long", "short"}
    assert doc["provenance"]["stages"]["toy"].startswith("toy@") and "toy" in doc["provenance"]["stage_keys"]
    lengths = pq.read_table(out / "datasets" / "toy_lengths.parquet").to_pylist()
    assert len(lengths) == len(toy) and all(r["words"] > 0 for r in lengths)
    assert pq.read_table(out / "datasets" / "annotations.parquet").num_rows == len(toy)

    ran = EXECUTED["toy"]
    again = process_corpus([str(src)], str(out))
    assert again[0].get("skipped") and EXECUTED["toy"] == ran  # cached: nothing ran

    # editing the plugin's file re-keys the toy stage, and only it
    keys = stage_keys(doc["source"]["sha256"], settings)
    toy_plugin.write_text(toy_plugin.read_text().replace("LONG_PASSAGE_WORDS = 60", "LONG_PASSAGE_WORDS = 61"))
    new_keys = stage_keys(doc["source"]["sha256"], settings)
    assert [k for k in keys if keys[k] != new_keys[k]] == ["toy"]
