"""Corpus datasets and the inspect commands, on the output of the real flow."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipeline.datasets import build_datasets, query, table_specs
from pipeline.tables import arrow_schema

pytestmark = pytest.mark.slow


def test_tables_written(corpus_run):
    ds = corpus_run["out"] / "datasets"
    for t, spec in table_specs().items():
        table = pq.read_table(ds / f"{t}.parquet")
        assert table.schema.equals(arrow_schema(spec.row)), t
        assert (ds / f"{t}.jsonl").exists()
    assert (ds / "irpipe.duckdb").exists()
    cols, rows = query(corpus_run["out"], "SELECT count(*) FROM documents")
    assert rows[0][0] == 2


def test_incremental_rebuild(corpus_run):
    counts = build_datasets(corpus_run["out"])
    assert counts["rebuilt_documents"] == 0  # nothing changed since the flow built them
    assert counts["events"] > 0


def _inspect(out, *args):
    return subprocess.run([sys.executable, "-m", "irpipe", "inspect", *args, "-o", str(out)],
                          capture_output=True, text=True)


def test_inspect_commands(corpus_run):
    out = corpus_run["out"]
    r = _inspect(out, "events", "--actor", "IRN", "--type", "AGREE", "--since", "2025-01-01", "--json")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all(row["event_type"] == "AGREE" and row["date_start"] >= "2025-01-01" for row in rows)
    assert all("IRN" in (row["actor_codes"] + row["target_codes"]) for row in rows)
    r = _inspect(out, "entities", "--top", "5", "--csv")
    lines = r.stdout.splitlines()
    assert lines[0].startswith("name,type,code") and len(lines) == 6
    r = _inspect(out, "citations", "--status", "unresolved", "--json")
    assert any(json.loads(line)["text"] == "Parker, 2017" for line in r.stdout.splitlines())
    r = _inspect(out, "sql", "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC", "--json")
    assert r.returncode == 0 and json.loads(r.stdout.splitlines()[0])["n"] >= 1
    r = _inspect(out, "summary")
    assert "events" in r.stdout


def test_inspect_without_data(tmp_path):
    r = _inspect(tmp_path, "events")
    assert r.returncode == 1 and "no datasets" in r.stderr
