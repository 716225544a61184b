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
    for t in names:
        for stale in (parts / t).glob("*.parquet") if (parts / t).exists() else []:
            if stale.stem not in current:
                stale.unlink(missing_ok=True)
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


def _write_duckdb(ds: Path, names: list[str]) -> None:
    """A DuckDB database with one view per table over its Parquet file."""
    import duckdb

    with storage.temporary_beside(ds / "irpipe.duckdb") as tmp:
        tmp.unlink()  # DuckDB creates its database file itself; the unique name stays reserved to us
        con = duckdb.connect(str(tmp))
        try:
            for t in names:
                con.execute(f"CREATE VIEW {sql_name(t)} AS SELECT * FROM read_parquet("
                            f"{sql_string((ds / f'{t}.parquet').resolve())})")
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
