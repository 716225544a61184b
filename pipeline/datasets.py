"""Corpus-level datasets: documents, passages, entities, mentions, events, citations,
references, sources and audit findings, as Parquet (pyarrow), JSON Lines and a DuckDB
database of views over the Parquet files.

Incremental: each document's rows are written once per document version to
``datasets/parts/<table>/<doc_id>.parquet``; a rebuild only rewrites the parts of
documents whose ``document.json`` changed (by its SHA-256) and drops the parts of
documents no longer in the manifest, then concatenates the parts into
``datasets/<table>.parquet`` and ``datasets/<table>.jsonl``.

Every file goes through a uniquely named temporary (:func:`pipeline.storage.temporary_beside`), and
a build holds an exclusive lock on the datasets folder (``datasets/.lock``, ``flock``), so two runs on
one output folder take turns instead of deleting or reading each other's parts half-way.

``irpipe inspect sql`` (:func:`query`) is an analyst's tool on a shared machine: DuckDB is opened with
external access off except the project's own Parquet files (``allowed_paths``), and its
configuration locked, so ``COPY ... TO``, ``ATTACH``, ``read_csv('/etc/passwd')`` and extension
loading are refused. Paths in view SQL are quoted as SQL string literals.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
from contextlib import contextmanager
from pathlib import Path

from pipeline import storage
from pipeline.export import atomic_write_text, load_document, read_manifest
from pipeline.model import Document
from pipeline.registry import TableSpec, tables
from pipeline.settings import Settings, get_settings
from pipeline.tables import arrow_schema, event_rows
from pipeline.text.identifiers import sha256_hex, short_digest


def table_specs(settings: Settings | None = None) -> dict[str, TableSpec]:
    """The corpus tables, from the registry: core tables and those the registered stages declare."""
    return tables(settings or get_settings())


def document_rows(doc: Document, specs: dict[str, TableSpec] | None = None) -> dict[str, list[dict]]:
    """All table rows contributed by one document."""
    specs = specs or table_specs()
    return {name: [r.model_dump() for r in spec.rows(doc)] for name, spec in specs.items()}


def _write_parquet(rows: list[dict], spec: TableSpec, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.Table.from_pylist(rows, schema=arrow_schema(spec.row))
    _write_table(t, path)


def _write_table(table, path: Path) -> None:
    """A Parquet file through a unique temporary name."""
    import pyarrow.parquet as pq

    with storage.temporary_beside(path) as tmp:
        pq.write_table(table, tmp)
        os.replace(tmp, path)


def sql_string(value: str | Path) -> str:
    """``value`` as a SQL string literal (a folder named ``it's`` must not end the literal)."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _build_lock(ds: Path):
    """One dataset build per folder at a time, across processes (released by the kernel if killed)."""
    ds.mkdir(parents=True, exist_ok=True)
    with open(ds / ".lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build_datasets(output_dir: str | Path) -> dict[str, int]:
    """(Re)build the corpus tables from every ok document of the manifest; returns row counts.

    For an fsspec URL the tables are built in a local staging folder (``.cache/datasets/``) and the
    Parquet and JSON Lines files uploaded to ``<url>/datasets/``; the DuckDB views stay local.
    """
    from pipeline.settings import PROJECT_ROOT

    specs = table_specs()
    layout = short_digest("|".join(f"{n}:{arrow_schema(spec.row)}" for n, spec in sorted(specs.items())), 12)
    remote = storage.is_url(output_dir)
    if remote:
        ds = PROJECT_ROOT / ".cache" / "datasets" / short_digest(str(output_dir))
    else:
        ds = Path(output_dir) / "datasets"
    with _build_lock(ds):
        counts = _build(output_dir, ds, specs, layout, remote)
    counts["rebuilt_documents"] = counts.pop("_rebuilt")
    return counts


def _build(output_dir, ds: Path, specs: dict[str, TableSpec], layout: str, remote: bool) -> dict[str, int]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(specs)
    parts = ds / "parts"
    state_path = ds / "state.json"
    state: dict[str, str] = json.loads(state_path.read_text()) if state_path.exists() else {}
    manifest = read_manifest(output_dir)
    current: dict[str, str] = {}
    for entry in manifest.documents.values():
        if entry.status in ("ok", "partial") and entry.output and storage.exists(entry.output):
            current[entry.doc_id] = entry.output
    rebuilt = 0
    new_state: dict[str, str] = {}
    for doc_id, path in current.items():
        # a part is reused only for the same document.json and the same table schemas
        digest = storage.version(path) + ":" + layout  # a stat, not a read: the corpus is not rehashed
        new_state[doc_id] = digest
        if state.get(doc_id) == digest and all((parts / t / f"{doc_id}.parquet").exists() for t in names):
            continue
        rows = document_rows(load_document(path), specs)
        for t in names:
            _write_parquet(rows[t], specs[t], parts / t / f"{doc_id}.parquet")
        rebuilt += 1
    removed = 0
    for t in names:
        for stale in (parts / t).glob("*.parquet") if (parts / t).exists() else []:
            if stale.stem not in current:
                stale.unlink(missing_ok=True)
                removed += 1
    if not rebuilt and not removed and new_state == state and not remote and _tables_present(ds, names):
        # nothing changed since the last build: the tables stand as they are (an unchanged re-run of a
        # large corpus costs a stat per document, not a read of every part)
        import pyarrow.parquet as pq

        counts = {t: pq.read_metadata(ds / f"{t}.parquet").num_rows for t in names}
        counts["_rebuilt"] = 0
        return counts
    counts: dict[str, int] = {}
    for t in names:
        files = sorted((parts / t).glob("*.parquet")) if (parts / t).exists() else []
        schema = arrow_schema(specs[t].row)
        table = pa.concat_tables([pq.read_table(f, schema=schema) for f in files]) if files else schema.empty_table()
        _write_table(table, ds / f"{t}.parquet")
        atomic_write_text(ds / f"{t}.jsonl", "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n"
                                                     for r in table.to_pylist()))
        counts[t] = table.num_rows
    _write_duckdb(ds, names)
    atomic_write_text(state_path, json.dumps(new_state, indent=1))
    if remote:
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for t in names:
                for ext in ("parquet", "jsonl"):
                    shutil.copy(ds / f"{t}.{ext}", Path(tmp) / f"{t}.{ext}")
            storage.upload_folder(Path(tmp), storage.join(output_dir, "datasets"))
    counts["_rebuilt"] = rebuilt
    return counts


def _tables_present(ds: Path, names: list[str]) -> bool:
    """Every table's Parquet and JSON Lines file and the DuckDB views exist (a user may delete some)."""
    return (ds / "irpipe.duckdb").exists() and all((ds / f"{t}.{ext}").exists() for t in names for ext in ("parquet", "jsonl"))


def _write_duckdb(ds: Path, names: list[str]) -> None:
    """A DuckDB database with one view per table over its Parquet file, by a path relative to the folder.

    Relative, so that a moved or copied output folder still works: DuckDB resolves a relative path
    against the working directory, or the folders of the setting ``file_search_path``, so the database
    opens from the datasets folder itself (``cd datasets && duckdb irpipe.duckdb``) or from anywhere
    after ``SET file_search_path = '<output-dir>/datasets'``. ``irpipe inspect`` does not read this
    file: it makes its views on open (:func:`query`).
    """
    import duckdb

    with storage.temporary_beside(ds / "irpipe.duckdb") as tmp:
        tmp.unlink()  # DuckDB creates its database file itself; the unique name stays reserved to us
        con = duckdb.connect(str(tmp))
        try:
            # a view's files are looked up when it is created: here, in the datasets folder. The setting
            # is a comma-separated list, so a folder with a comma in its name keeps absolute paths.
            relative = "," not in str(ds.resolve())
            if relative:
                con.execute(f"SET file_search_path = {sql_string(ds.resolve())}")
            for t in names:
                target = f"{t}.parquet" if relative else (ds / f"{t}.parquet").resolve()
                con.execute(f"CREATE VIEW {sql_name(t)} AS SELECT * FROM read_parquet({sql_string(target)})")
        finally:
            con.close()
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        os.replace(tmp, ds / "irpipe.duckdb")


def query(output_dir: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run SQL against the views; returns column names and rows.

    The connection reads the tables' Parquet files and nothing else: external access is off except
    for those paths, and the configuration is locked, so the SQL cannot read, write or attach other
    files, or load extensions (DuckDB raises a PermissionException naming the file).
    """
    import duckdb

    ds = Path(output_dir) / "datasets"
    views = {t: (ds / f"{t}.parquet").resolve() for t in table_specs()}
    views = {t: p for t, p in views.items() if p.exists()}
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        # DuckDB takes allowed_paths only once running, and enable_external_access=false only after it
        con.execute(f"SET allowed_paths = [{', '.join(sql_string(p) for p in views.values())}]")
        for t, path in views.items():
            con.execute(f"CREATE VIEW {sql_name(t)} AS SELECT * FROM read_parquet({sql_string(path)})")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()
    finally:
        con.close()


def _csv_cell(value) -> object:
    if isinstance(value, list):
        return ";".join(_csv_cell(v) if not isinstance(v, dict) else (v.get("raw") or "") for v in value)
    return "" if value is None else value


def write_events_csv(docs: list[Document], path) -> int:
    """One CSV row per event of ``docs`` (lists joined by ";"), written atomically."""
    from pipeline.tables import EventRow

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(EventRow.model_fields))
    writer.writeheader()
    n = 0
    for doc in docs:
        for row in event_rows(doc):
            writer.writerow({k: _csv_cell(v) for k, v in row.model_dump().items()})
            n += 1
    atomic_write_text(path, buf.getvalue())
    return n


# ---------------------------------------------------------------- inspect: filters and the summary
#
# The checks behind ``irpipe inspect``: a filter value that matches nothing in the corpus is an error
# that lists the valid values, not an empty table (``--type FOO`` and ``--actor Iran`` used to
# return nothing without a word).

#: how many valid values an error message lists before "and N more"
MAX_LISTED_VALUES = 30
#: rows of the "top actors" and "top actor pairs" lists of the summary (one screen)
SUMMARY_TOP = 10


class FilterError(ValueError):
    """A filter value the corpus has no match for; the message names the valid values."""


def _listing(values: list[str], ordered: bool = False) -> str:
    values = values if ordered else sorted(values)
    shown = ", ".join(values[:MAX_LISTED_VALUES])
    more = len(values) - MAX_LISTED_VALUES
    return shown + (f" and {more} more" if more > 0 else "") if values else "(none in this corpus)"


def parse_date_bound(option: str, value: str, *, end: bool = False):
    """``--since``/``--until``: YYYY, YYYY-MM or YYYY-MM-DD, as the first (or, for ``end``, last) day."""
    import re

    from pipeline.tables import iso_to_date

    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value.strip()):
        raise FilterError(f"{option} {value!r} is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023-01-01)")
    try:
        return iso_to_date(value.strip(), end=end)
    except ValueError as exc:
        raise FilterError(f"{option} {value!r} is not a date ({exc}): use YYYY, YYYY-MM or YYYY-MM-DD") from None


def check_choice(option: str, value: str, valid: list[str], *, case_insensitive: bool = True) -> str:
    """``value`` as spelt in ``valid`` (case folded), or a FilterError listing ``valid``."""
    for v in valid:
        if v == value or (case_insensitive and v.casefold() == value.casefold()):
            return v
    raise FilterError(f"{option} {value!r} matches nothing; valid values: {_listing(valid)}")


def distinct_values(output_dir: str | Path, table: str, column: str, *, is_list: bool = False) -> list[str]:
    """The distinct non-null values of a column (of a list column's items) in the corpus, sorted."""
    expr = f"unnest({sql_name(column)})" if is_list else sql_name(column)
    _, rows = query(output_dir, f"SELECT DISTINCT v FROM (SELECT {expr} AS v FROM {sql_name(table)}) "
                                "WHERE v IS NOT NULL AND v <> '' ORDER BY v")
    return [str(r[0]) for r in rows]


def known_actors(output_dir: str | Path) -> dict[str, dict[str, int]]:
    """Every actor of the corpus: code -> {name: how often it is the actor's canonical name}, from the
    events (actors and targets) and the entities, plus the words of the entities' mentions ("Tehran",
    "Moscow's"; counted 0, so a listing shows the canonical name). An actor without a code (a person
    the gazetteer does not place) is keyed by its name. Entities named only in citations and the
    reference list ("Robert O.", "Little, Brown") are not actors of the text and are left out."""
    sql = ("SELECT code, name, sum(canonical) FROM ("
           "SELECT unnest(actor_codes) AS code, unnest(actor_names) AS name, 1 AS canonical FROM events "
           "UNION ALL SELECT unnest(target_codes), unnest(target_names), 1 FROM events "
           "UNION ALL SELECT code, name, 1 FROM entities WHERE body_mentions > 0 "
           "UNION ALL SELECT coalesce(nullif(e.code, ''), e.name), m.text, 0 FROM mentions m "
           "JOIN entities e USING (doc_id, entity_id) WHERE e.body_mentions > 0) "
           "WHERE name IS NOT NULL GROUP BY 1, 2")
    _, rows = query(output_dir, sql)
    actors: dict[str, dict[str, int]] = {}
    for code, name, n in rows:
        actors.setdefault(code or name, {})[name] = int(n)
    return actors


def resolve_actor(output_dir: str | Path, value: str) -> tuple[list[str], list[str]]:
    """``--actor`` as codes and names: a code (IRN, any case) or a name (Iran, Tehran's entity name).

    Returns (codes, names) to match; raises FilterError listing the known actors when nothing matches.
    """
    actors = known_actors(output_dir)
    folded = value.strip().casefold()
    codes = [c for c in actors if c.casefold() == folded]
    if not codes:
        codes = [c for c, names in actors.items() if any(n.casefold() == folded for n in names)]
    if not codes:
        # actors with a code first (what people filter by), each with its most frequent name
        coded = sorted((c, min(n, key=lambda x: (-n[x], x))) for c, n in actors.items() if c not in n)
        named = sorted((c for c, n in actors.items() if c in n), key=str.casefold)
        listed = [f"{c} ({n})" for c, n in coded] + named
        raise FilterError(f"--actor {value!r} is no actor code or name in this corpus; known actors: "
                          f"{_listing(listed, ordered=True)}")
    names = sorted({n for c in codes for n in actors[c]})
    return codes, names


def _scalar(output_dir, sql: str):
    _, rows = query(output_dir, sql)
    return rows[0][0] if rows else None


def corpus_summary(output_dir: str | Path) -> dict:
    """The analyst's first screen, as one JSON-ready dict.

    Documents come from the manifest (so a failed document, which has no rows in any table, is listed
    with its reason), the last run from the store, and the rest from the corpus tables.
    """
    from pipeline.store import open_store

    out = Path(output_dir)
    entries = list(read_manifest(out).documents.values())
    by_status = {s: sum(1 for e in entries if e.status == s) for s in ("ok", "partial", "failed")}
    runs = [r for r in open_store(out).runs() if r["flow"] == "process-corpus"]
    last = runs[-1] if runs else None
    summary: dict = {
        "output_dir": str(out),
        "documents": {
            **by_status,
            "skipped_last_run": (last or {}).get("counts", {}).get("skipped", 0),
            "total": len(entries),
            "last_processed_at": max((e.processed_at for e in entries), default=None),
            "last_run": None if last is None else {k: last[k] for k in ("started_at", "finished_at", "status")},
            "problems": [{"path": e.path, "status": e.status, "doc_id": e.doc_id, "error_code": e.error_code,
                          "error": e.error, "failed_stages": e.failed_stages}
                         for e in sorted(entries, key=lambda e: e.path) if e.status != "ok"],
        },
    }
    if not (out / "datasets" / "documents.parquet").exists():
        summary["datasets"] = False
        return summary
    summary["datasets"] = True
    q = lambda sql: query(out, sql)[1]  # noqa: E731
    n_events, first, last_date, undated = q(
        "SELECT count(*), min(date_start), max(coalesce(date_end, date_start)), count(*) FILTER (date_start IS NULL) "
        "FROM events")[0]
    summary["events"] = {
        "total": n_events, "first_date": first.isoformat() if first else None,
        "last_date": last_date.isoformat() if last_date else None, "undated": undated,
        "by_type": dict(q("SELECT event_type, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, 1")),
        "by_quad_class": dict(q("SELECT coalesce(quad_class, 'unknown'), count(*) AS n FROM events "
                                "GROUP BY 1 ORDER BY n DESC, 1")),
    }
    actor = ("SELECT event_id, doc_id, coalesce(nullif(c, ''), n) AS a FROM (SELECT doc_id, event_id, "
             "unnest({codes}) AS c, unnest({names}) AS n FROM events)")
    summary["top_actors"] = [
        {"actor": a, "events": n} for a, n in q(
            f"SELECT a, count(DISTINCT (doc_id, event_id)) AS n FROM ({actor.format(codes='actor_codes', names='actor_names')} "
            f"UNION ALL {actor.format(codes='target_codes', names='target_names')}) GROUP BY a "
            f"ORDER BY n DESC, a LIMIT {SUMMARY_TOP}")]
    summary["top_actor_pairs"] = [
        {"actor": a, "target": t, "events": n} for a, t, n in q(
            f"SELECT s.a, t.a, count(*) AS n FROM ({actor.format(codes='actor_codes', names='actor_names')}) s "
            f"JOIN ({actor.format(codes='target_codes', names='target_names')}) t USING (doc_id, event_id) "
            f"WHERE s.a <> t.a GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT {SUMMARY_TOP}")]
    labels = q("SELECT CASE WHEN theory_abstained THEN 'uncertain' ELSE theory_label END AS label, count(*) "
               "FROM passages WHERE kind = 'body' AND theory_label IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1")
    classified = sum(n for _, n in labels)
    summary["theory"] = {"classified_passages": classified,
                         "shares": {lab: round(n / classified, 3) for lab, n in labels} if classified else {}}
    cit = dict(q("SELECT status, count(*) FROM citations GROUP BY 1"))
    total = sum(cit.values())
    summary["citations"] = {"total": total, "by_status": cit,
                            "resolution_rate": round(cit.get("resolved", 0) / total, 3) if total else None}
    summary["sources"] = {
        "total": _scalar(out, "SELECT count(*) FROM sources"),
        "by_status": dict(q("SELECT status, count(*) AS n FROM sources GROUP BY 1 ORDER BY n DESC, 1")),
        "by_reason": [{"status": s, "reason": r, "sources": n} for s, r, n in q(
            "SELECT status, coalesce(reason, ''), count(*) AS n FROM sources WHERE reason IS NOT NULL "
            "GROUP BY 1, 2 ORDER BY n DESC, 1, 2")],
    }
    return summary
