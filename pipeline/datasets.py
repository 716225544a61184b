"""Corpus-level datasets: documents, passages, entities, mentions, events, citations,
references, sources and audit findings, as Parquet (pyarrow), JSON Lines and a DuckDB
database of views over the Parquet files.

Incremental: each document's rows are written once per document version to
``datasets/parts/<table>/<doc_id>.parquet``; a rebuild only rewrites the parts of
documents whose ``document.json`` changed (by its SHA-256) and drops the parts of
documents no longer in the manifest, then concatenates the parts into
``datasets/<table>.parquet`` and ``datasets/<table>.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline import storage
from pipeline.export import atomic_write_text, load_document, read_manifest
from pipeline.model import Document

TABLES = ["documents", "passages", "entities", "mentions", "events", "citations", "references", "sources", "audit"]

# Stable column names (documented in the README); every table starts with doc_id.
COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "path", "url", "media_type", "sha256", "title", "authors", "journal", "year", "doi",
                  "keywords", "n_passages", "n_footnotes", "n_references", "n_citations", "n_entities", "n_events",
                  "pipeline_version", "created_at"],
    "passages": ["doc_id", "passage_id", "kind", "section_id", "section", "page", "start", "end", "text",
                 "theory_label", "theory_nwo", "theory_ci", "theory_abstained"],
    "entities": ["doc_id", "entity_id", "name", "type", "code", "country", "body_mentions", "mentions",
                 "in_citations_only"],
    "mentions": ["doc_id", "entity_id", "passage_id", "start", "end", "text", "context", "how"],
    "events": ["doc_id", "event_id", "date_start", "date_end", "date_precision", "date_resolved_from", "actor_codes",
               "actor_names", "event_type", "mode", "quad_class", "target_codes", "target_names", "quantities",
               "negated", "hedged", "location", "confidence", "passage_id", "evidence"],
    "citations": ["doc_id", "citation_id", "kind", "text", "passage_id", "start", "end", "reference_id",
                  "footnote_id", "status"],
    "references": ["doc_id", "reference_id", "origin", "passage_id", "type", "first_author", "year", "title",
                   "container_title", "publisher", "volume", "issue", "pages", "url", "doi", "n_cited_by", "text"],
    "sources": ["doc_id", "source_id", "url", "doi", "status", "source_doc_id", "n_references", "n_citing_passages"],
    "audit": ["doc_id", "finding_id", "kind", "passage_id", "quote", "message"],
}


def document_rows(doc: Document) -> dict[str, list[dict]]:
    """All table rows contributed by one document."""
    from pipeline.events import event_rows

    sec = {s.id: s.heading for s in doc.sections}
    m = doc.metadata
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    rows["documents"].append({
        "doc_id": doc.doc_id, "path": doc.source.path, "url": doc.source.url, "media_type": doc.source.media_type,
        "sha256": doc.source.sha256, "title": m.title, "authors": "; ".join(a.name for a in m.authors),
        "journal": m.journal, "year": m.year, "doi": m.doi, "keywords": "; ".join(m.keywords),
        "n_passages": len(doc.passages), "n_footnotes": len(doc.footnotes), "n_references": len(doc.references),
        "n_citations": len(doc.citations), "n_entities": len(doc.entities), "n_events": len(doc.events),
        "pipeline_version": doc.provenance.pipeline_version, "created_at": doc.provenance.created_at,
    })
    for p in doc.passages:
        th = p.theory or {}
        rows["passages"].append({
            "doc_id": doc.doc_id, "passage_id": p.id, "kind": p.kind, "section_id": p.section_id,
            "section": sec.get(p.section_id or ""), "page": p.page, "start": p.start, "end": p.end, "text": p.text,
            "theory_label": th.get("label"), "theory_nwo": (th.get("scores") or {}).get("new_world_order"),
            "theory_ci": (th.get("scores") or {}).get("complex_interdependence"), "theory_abstained": th.get("abstained"),
        })
    for e in doc.entities:
        rows["entities"].append({
            "doc_id": doc.doc_id, "entity_id": e["id"], "name": e["name"], "type": e["type"], "code": e["code"],
            "country": e["country"], "body_mentions": e["body_mentions"], "mentions": len(e["mentions"]),
            "in_citations_only": e["in_citations_only"],
        })
        for mm in e["mentions"]:
            rows["mentions"].append({"doc_id": doc.doc_id, "entity_id": e["id"], **{k: mm[k] for k in
                                     ("passage_id", "start", "end", "text", "context", "how")}})
    rows["events"] = event_rows(doc)
    for c in doc.citations:
        rows["citations"].append({"doc_id": doc.doc_id, "citation_id": c["id"], **{k: c.get(k) for k in
                                  ("kind", "text", "passage_id", "start", "end", "reference_id", "footnote_id", "status")}})
    for r in doc.references:
        a = r["authors"][0] if r.get("authors") else {}
        rows["references"].append({
            "doc_id": doc.doc_id, "reference_id": r["id"], "origin": r["origin"], "passage_id": r["passage_id"],
            "type": r.get("type"), "first_author": a.get("family") or a.get("literal"), "year": r.get("year"),
            "title": r.get("title"), "container_title": r.get("container_title"), "publisher": r.get("publisher"),
            "volume": r.get("volume"), "issue": r.get("issue"), "pages": r.get("page"), "url": r.get("url"),
            "doi": r.get("doi"), "n_cited_by": len(r.get("cited_by", [])), "text": r["text"],
        })
    for s in doc.sources:
        rows["sources"].append({
            "doc_id": doc.doc_id, "source_id": s["id"], "url": s["url"], "doi": s.get("doi"), "status": s["status"],
            "source_doc_id": s.get("doc_id"), "n_references": len(s["reference_ids"]),
            "n_citing_passages": len(s["citing_passage_ids"]),
        })
    for f in doc.audit.get("findings", []):
        rows["audit"].append({"doc_id": doc.doc_id, "finding_id": f["id"], **{k: f.get(k) for k in
                              ("kind", "passage_id", "quote", "message")}})
    return rows


def _schema(table: str):
    import pyarrow as pa

    ints = {"year", "n_passages", "n_footnotes", "n_references", "n_citations", "n_entities", "n_events", "page",
            "start", "end", "body_mentions", "mentions", "n_cited_by", "n_citing_passages"}
    floats = {"theory_nwo", "theory_ci", "confidence"}
    bools = {"in_citations_only", "negated", "hedged", "theory_abstained"}
    fields = []
    for c in COLUMNS[table]:
        typ = pa.int64() if c in ints else pa.float64() if c in floats else pa.bool_() if c in bools else pa.string()
        fields.append(pa.field(c, typ))
    return pa.schema(fields)


def _write_parquet(rows: list[dict], table: str, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _schema(table)
    cols = {c: [r.get(c) for r in rows] for c in COLUMNS[table]}
    t = pa.table(cols, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.partial")
    pq.write_table(t, tmp)
    tmp.replace(path)


def build_datasets(output_dir: str | Path) -> dict[str, int]:
    """(Re)build the corpus tables from every ok document of the manifest; returns row counts.

    For an fsspec URL the tables are built in a local staging folder (``.cache/datasets/``) and the
    Parquet and JSON Lines files uploaded to ``<url>/datasets/``; the DuckDB views stay local.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.settings import PROJECT_ROOT

    remote = storage.is_url(output_dir)
    if remote:
        ds = PROJECT_ROOT / ".cache" / "datasets" / hashlib.sha256(str(output_dir).encode()).hexdigest()[:16]
    else:
        ds = Path(output_dir) / "datasets"
    parts = ds / "parts"
    ds.mkdir(parents=True, exist_ok=True)
    state_path = ds / "state.json"
    state: dict[str, str] = json.loads(state_path.read_text()) if state_path.exists() else {}
    manifest = read_manifest(output_dir)
    current: dict[str, str] = {}
    for entry in manifest.documents.values():
        if entry.status == "ok" and entry.output and storage.exists(entry.output):
            current[entry.doc_id] = entry.output
    rebuilt = 0
    new_state: dict[str, str] = {}
    for doc_id, path in current.items():
        digest = hashlib.sha256(storage.read_bytes(path)).hexdigest()
        new_state[doc_id] = digest
        if state.get(doc_id) == digest and all((parts / t / f"{doc_id}.parquet").exists() for t in TABLES):
            continue
        rows = document_rows(load_document(path))
        for t in TABLES:
            _write_parquet(rows[t], t, parts / t / f"{doc_id}.parquet")
        rebuilt += 1
    for t in TABLES:
        for stale in (parts / t).glob("*.parquet") if (parts / t).exists() else []:
            if stale.stem not in current:
                stale.unlink()
    counts: dict[str, int] = {}
    for t in TABLES:
        files = sorted((parts / t).glob("*.parquet")) if (parts / t).exists() else []
        table = pa.concat_tables([pq.read_table(f) for f in files]) if files else _schema(t).empty_table()
        tmp = ds / f"{t}.parquet.partial"
        pq.write_table(table, tmp)
        tmp.replace(ds / f"{t}.parquet")
        atomic_write_text(ds / f"{t}.jsonl", "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n"
                                                     for r in table.to_pylist()))
        counts[t] = table.num_rows
    _write_duckdb(ds)
    atomic_write_text(state_path, json.dumps(new_state, indent=1))
    if remote:
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for t in TABLES:
                for ext in ("parquet", "jsonl"):
                    shutil.copy(ds / f"{t}.{ext}", Path(tmp) / f"{t}.{ext}")
            storage.upload_folder(Path(tmp), storage.join(output_dir, "datasets"))
    counts["rebuilt_documents"] = rebuilt
    return counts


def _write_duckdb(ds: Path) -> None:
    """A DuckDB database with one view per table over its Parquet file."""
    import duckdb

    db = ds / "irpipe.duckdb"
    tmp = ds / "irpipe.duckdb.partial"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    for t in TABLES:
        con.execute(f"CREATE VIEW \"{t}\" AS SELECT * FROM read_parquet('{(ds / f'{t}.parquet').resolve()}')")
    con.close()
    tmp.replace(db)


def query(output_dir: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Run SQL against the views (read-only); returns column names and rows."""
    import duckdb

    ds = Path(output_dir) / "datasets"
    con = duckdb.connect()
    for t in TABLES:
        path = ds / f"{t}.parquet"
        if path.exists():
            con.execute(f"CREATE VIEW \"{t}\" AS SELECT * FROM read_parquet('{path.resolve()}')")
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description] if cur.description else []
    return cols, cur.fetchall()
