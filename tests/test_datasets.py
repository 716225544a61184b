"""Corpus datasets and the inspect commands, on the output of the real flow."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import storage
from pipeline.datasets import build_datasets, query, table_specs
from pipeline.tables import arrow_schema

from .conftest import ROOT

slow = pytest.mark.slow


# ---------------------------------------------------------------- the README's column tables

_README_TYPES = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32(),
                 "list": pa.list_(pa.string())}


def _split_columns(text: str) -> list[str]:
    """Split "a, b (list of {x, y}), c" at the commas outside brackets."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "({"
        depth -= ch in ")}"
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return out + [cur.strip()] if cur.strip() else out


def _readme_field(spec: str) -> pa.Field:
    m = re.fullmatch(r"(\w+)(?: \((.+)\))?", spec)
    assert m, f"README column {spec!r} is not `name` or `name (type)`"
    name, kind = m.groups()
    if kind is None:
        return pa.field(name, pa.string())
    if kind.startswith("list of {") and kind.endswith("}"):
        return pa.field(name, pa.list_(pa.struct([_readme_field(f) for f in _split_columns(kind[9:-1])])))
    assert kind in _README_TYPES, f"README column {spec!r}: unknown type {kind!r}"
    return pa.field(name, _README_TYPES[kind])


def readme_schemas() -> dict[str, pa.Schema]:
    """The schema of each table as README.md's "Corpus datasets" table documents it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Corpus datasets"):]
    section = section[:section.index("\n## ")]
    rows = re.findall(r"^\| (\w+) \| (.+) \|$", section, flags=re.M)
    return {name: pa.schema([_readme_field(c) for c in _split_columns(cols)]) for name, cols in rows if name != "table"}


def test_readme_documents_every_table_and_column():
    documented = readme_schemas()
    assert set(documented) == set(table_specs())
    for name, spec in table_specs().items():
        assert documented[name].equals(arrow_schema(spec.row)), (
            f"README's {name} table differs from pipeline/tables.py:\n{documented[name]}\n---\n{arrow_schema(spec.row)}")


def test_readme_parser_catches_a_wrong_type():
    wrong = _readme_field("date_start")  # a date column documented as text
    assert wrong.type == pa.string() != arrow_schema(table_specs()["events"].row).field("date_start").type


@slow
def test_parquet_files_match_the_readme(corpus_run):
    ds = corpus_run["out"] / "datasets"
    documented = readme_schemas()
    for t in table_specs():
        table = pq.read_table(ds / f"{t}.parquet")
        assert table.schema.equals(documented[t]), t
        assert (ds / f"{t}.jsonl").exists()
    events = pq.read_table(ds / "events.parquet").to_pylist()
    dated = [e for e in events if e["date_start"] is not None]
    assert dated and all(e["date_precision"] and e["date_end"] >= e["date_start"] for e in dated)
    assert any(e["quantities"] and e["quantities"][0]["value"] for e in events)
    cols, rows = query(corpus_run["out"], "SELECT count(*) FROM documents")
    assert rows[0][0] == 2


@slow
def test_incremental_rebuild(corpus_run):
    ds = Path(corpus_run["out"]) / "datasets"
    before = {p.name: p.stat().st_mtime_ns for p in ds.glob("*.parquet")}
    counts = build_datasets(corpus_run["out"])
    assert counts["rebuilt_documents"] == 0  # nothing changed since the flow built them
    assert counts["events"] > 0
    # and the tables were left as they were, not concatenated and rewritten again
    assert {p.name: p.stat().st_mtime_ns for p in ds.glob("*.parquet")} == before
    # a table the user deleted is made again, with the same rows
    (ds / "events.jsonl").unlink()
    again = build_datasets(corpus_run["out"])
    assert (ds / "events.jsonl").exists() and again["events"] == counts["events"]


@slow
def test_duckdb_views_survive_a_moved_folder(corpus_run, tmp_path):
    moved = tmp_path / "moved datasets"
    shutil.copytree(corpus_run["out"] / "datasets", moved)
    con = duckdb.connect(str(moved / "irpipe.duckdb"), read_only=True)
    try:
        sql = " ".join(r[0] for r in con.execute("SELECT sql FROM duckdb_views() WHERE NOT internal").fetchall())
        assert "events.parquet" in sql and str(corpus_run["out"]) not in sql
        con.execute(f"SET file_search_path = '{moved}'")
        n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    assert n == query(corpus_run["out"], "SELECT count(*) FROM events")[1][0][0] > 0
    # opened from the folder itself, as `cd datasets && duckdb irpipe.duckdb` does
    r = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.connect('irpipe.duckdb', read_only=True)"
                        ".execute('SELECT count(*) FROM documents').fetchone()[0])"],
                       cwd=moved, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "2", r.stderr


@slow
def test_dataset_files_follow_the_umask(corpus_run, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(corpus_run["out"], copy, ignore=shutil.ignore_patterns("datasets"))
    old = os.umask(0o002)
    try:
        build_datasets(copy)
        want = storage.file_mode()
    finally:
        os.umask(old)
    assert want == 0o664
    files = [p for p in (copy / "datasets").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files and {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {p.name: oct(want) for p in files}


# ---------------------------------------------------------------- irpipe inspect


def _inspect(out, *args):
    return subprocess.run([sys.executable, "-m", "irpipe", "inspect", *args, "--output-dir", str(out)],
                          capture_output=True, text=True, timeout=300)


def _jsonl(r) -> list[dict]:
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


@slow
def test_summary_json_names_the_failed_document(corpus_run):
    out = corpus_run["out"]
    r = _inspect(out, "summary", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    d = s["documents"]
    assert (d["ok"] + d["partial"], d["failed"], d["total"]) == (2, 1, 3)
    assert d["last_run"]["finished_at"] and d["last_processed_at"]
    [problem] = [p for p in d["problems"] if p["status"] == "failed"]
    assert problem["path"] == str(corpus_run["bad"]) and problem["error_code"] == "E001"
    n_events, undated = query(out, "SELECT count(*), count(*) FILTER (date_start IS NULL) FROM events")[1][0]
    ev = s["events"]
    assert (ev["total"], ev["undated"]) == (n_events, undated)
    assert sum(ev["by_type"].values()) == sum(ev["by_quad_class"].values()) == n_events
    assert ev["first_date"] <= ev["last_date"]
    assert s["top_actors"][0]["actor"] in ("IRN", "RUS") and s["top_actor_pairs"]
    assert abs(sum(s["theory"]["shares"].values()) - 1) < 0.01 and "uncertain" in s["theory"]["shares"]
    c = s["citations"]
    assert c["total"] == sum(c["by_status"].values()) and 0 < c["resolution_rate"] <= 1
    assert s["sources"]["total"] == sum(s["sources"]["by_status"].values())
    r = _inspect(out, "summary")  # the terminal says it too
    assert r.returncode == 0 and "1 failed" in r.stdout and str(corpus_run["bad"]) in r.stdout and "E001" in r.stdout


@slow
def test_event_filters(corpus_run):
    out = corpus_run["out"]
    every = _jsonl(_inspect(out, "events", "--json"))
    assert len(every) == query(out, "SELECT count(*) FROM events")[1][0][0] > 5  # --json gives every row
    rows = _jsonl(_inspect(out, "events", "--actor", "IRN", "--type", "agree", "--since", "2025-01-01", "--json"))
    assert rows and all(row["event_type"] == "AGREE" and row["date_end"] >= "2025-01-01" for row in rows)
    assert all("IRN" in (row["actor_codes"] + row["target_codes"]) for row in rows)
    by_name = _jsonl(_inspect(out, "events", "--actor", "iran", "--json"))
    by_code = _jsonl(_inspect(out, "events", "--actor", "IRN", "--json"))
    assert by_name == by_code and 0 < len(by_code) < len(every)
    until = _jsonl(_inspect(out, "events", "--until", "2020", "--json"))
    assert until and all(row["date_start"] <= "2020-12-31" for row in until)
    one = every[0]["doc_id"]
    assert {r["doc_id"] for r in _jsonl(_inspect(out, "events", "--doc", one[:6], "--json"))} == {one}
    r = _inspect(out, "events", "--limit", "5")
    assert r.returncode == 0 and f"{len(every) - 5} more rows" in r.stdout
    r = _inspect(out, "events")  # the terminal's default limit is 40 rows
    assert (f"{len(every) - 40} more rows" in r.stdout) if len(every) > 40 else ("more rows" not in r.stdout)
    assert len(_jsonl(_inspect(out, "events", "--limit", "5", "--json"))) == 5

    # names met only in citations and the reference list are not offered as actors
    from pipeline.datasets import known_actors

    key = "coalesce(nullif(code, ''), name)"
    _, cited = query(out, f"SELECT DISTINCT {key} FROM entities WHERE body_mentions = 0 AND {key} NOT IN "
                          f"(SELECT {key} FROM entities WHERE body_mentions > 0)")
    assert cited  # the article's reference list names authors
    _, in_events = query(out, "SELECT DISTINCT unnest(list_concat(actor_codes, target_codes)) FROM events")
    assert not ({c for (c,) in cited} - {c for (c,) in in_events}) & set(known_actors(out))


@slow
def test_bad_filter_values_are_refused_with_the_valid_ones(corpus_run):
    out = corpus_run["out"]
    cases = {
        ("events", "--type", "FOO"): "AGREE",
        ("events", "--actor", "Atlantis"): "IRN (Iran)",
        ("events", "--since", "yesterday"): "YYYY-MM-DD",
        ("events", "--until", "2024-13-01"): "YYYY-MM-DD",
        ("events", "--doc", "ffff"): "documents:",
        ("citations", "--status", "lost"): "ambiguous, resolved, unresolved",
        ("entities", "--type", "PLANET"): "STATE",
        ("sources", "--status", "lost"): "not_fetched",
        ("events", "--json", "--csv"): "--json and --csv",
    }
    for args, valid in cases.items():
        r = _inspect(out, *args)
        assert r.returncode == 2 and r.stdout == "", args
        assert len(r.stderr.strip().splitlines()) == 1 and valid in r.stderr, (args, r.stderr)


@slow
def test_other_tables(corpus_run, tmp_path):
    out = corpus_run["out"]
    r = _inspect(out, "entities", "--top", "5", "--csv")  # --top: the old name of --limit
    lines = r.stdout.splitlines()
    assert lines[0].startswith("name,type,code") and len(lines) == 6
    russia = _jsonl(_inspect(out, "entities", "--actor", "Russia", "--json"))
    assert russia and all("RUS" in (e["code"], e["country"]) for e in russia)  # Russia, Putin, Gazprom
    r = _inspect(out, "citations", "--status", "unresolved", "--json")
    assert any(row["text"] == "Parker, 2017" for row in _jsonl(r))
    sources = _jsonl(_inspect(out, "sources", "--json"))
    assert sources and all("reason" in s for s in sources)
    docs = _jsonl(_inspect(out, "documents", "--json"))
    assert [d["status"] for d in docs].count("failed") == 1 and "empty" in docs[-1]["error"]
    # theory: sections in the order of the document, not alphabetical
    doc_id = docs[0]["doc_id"]
    theory = _jsonl(_inspect(out, "theory", "--doc", doc_id, "--json"))
    order = [s for s, in query(out, f"SELECT section FROM passages WHERE doc_id = '{doc_id}' AND kind = 'body' "
                                    "AND theory_label IS NOT NULL GROUP BY section ORDER BY min(start)")[1]]
    seen = list(dict.fromkeys(row["section"] for row in theory))
    assert seen == order and seen != sorted(seen, key=str)
    r = _inspect(out, "sql", "SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC", "--json")
    assert r.returncode == 0 and json.loads(r.stdout.splitlines()[0])["n"] >= 1
    target = tmp_path / "events.csv"
    r = _inspect(out, "events", "--csv", "-o", str(target))
    assert r.returncode == 0 and r.stdout == "" and target.read_text().startswith("doc_id,event_id,date_start")
    r = _inspect(out, "events", "--json", "-o", str(tmp_path))
    assert r.returncode == 2 and "is a folder" in r.stderr


def test_inspect_without_data(tmp_path):
    r = _inspect(tmp_path, "events")
    assert r.returncode == 1 and "no datasets" in r.stderr
    r = _inspect(tmp_path, "summary")
    assert r.returncode == 1 and "no runs" in r.stderr
