"""The JSON contract: schema file in sync, round trip, atomic writes, manifest."""

from __future__ import annotations

import json

import pytest

from pipeline.export import SCHEMA_PATH, atomic_write_text, load_document, schema_text, sweep_partials, write_document
from pipeline.model import Document

CONTRACT_FIELDS = ["schema_version", "doc_id", "source", "metadata", "sections", "passages", "references",
                   "citations", "entities", "events", "sources", "audit", "provenance"]


def test_schema_file_matches_models():
    assert SCHEMA_PATH.read_text() == schema_text(), "run `irpipe schema --write` and commit the result"


def test_contract_fields_present(article_doc):
    data = json.loads(article_doc.model_dump_json())
    for field in CONTRACT_FIELDS:
        assert field in data
    assert set(data["source"]) >= {"path", "sha256", "media_type"}
    assert set(data["metadata"]) >= {"title", "authors", "journal", "year", "doi", "keywords", "abstract"}
    for p in data["passages"]:
        assert set(p) >= {"id", "kind", "section_id", "text", "start", "end", "page"}
    assert set(data["provenance"]) >= {"pipeline_version", "models", "settings_hash", "created_at"}


def test_round_trip(tmp_path, article_doc):
    path = write_document(article_doc, tmp_path)
    assert path == tmp_path / article_doc.doc_id / "document.json"
    again = load_document(path)
    assert again == article_doc


def test_doc_id_is_content_hash(article_doc):
    import hashlib

    from .conftest import ARTICLE

    assert article_doc.doc_id == hashlib.sha256(ARTICLE.read_bytes()).hexdigest()[:16]
    assert article_doc.source.sha256.startswith(article_doc.doc_id)


def test_extra_fields_rejected(article_doc):
    data = json.loads(article_doc.model_dump_json())
    data["surprise"] = 1
    with pytest.raises(ValueError):
        Document.model_validate(data)


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "a.json"
    atomic_write_text(target, '{"ok": 1}')

    with pytest.raises(TypeError):
        atomic_write_text(target, None)  # the write fails half-way
    assert json.loads(target.read_text()) == {"ok": 1}
    assert not list(tmp_path.glob("*.partial"))


def test_sweep_partials(tmp_path):
    """Only what no live writer can hold: unknown origin once old, never a fresh one (a concurrent run's)."""
    import os
    import time

    (tmp_path / "d").mkdir()
    old, fresh = tmp_path / "d" / ".document.json.abc.partial", tmp_path / "d" / ".index.json.xyz.partial"
    old.write_text("{half")
    fresh.write_text("{half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert sweep_partials(tmp_path, max_age=3600) == 1
    assert not old.exists() and fresh.exists()
