"""The ``irpipe`` command. Heavy libraries are imported inside commands, so ``--help`` is instant.

This module is the top layer: it may import ``flows`` and ``pipeline``; neither imports it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(
    help="irpipe: analyse international-relations articles (structure, citations, entities, events, theory).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_DOC_ARG = typer.Argument(..., help="document.json, its folder, or an article file.")
_DOC_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _expand(paths: list[Path]) -> list[str]:
    """Files as given; folders give their non-hidden files, sorted (type is detected by content)."""
    out: list[str] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                str(f) for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(str(p))
    return out


@app.command()
def run(
    paths: list[Path] = typer.Argument(..., help="Files or folders to process."),
    output_dir: Path = typer.Option(None, "--output-dir", "-o", help="Where document.json files go (default: settings.output_dir)."),
    offline: bool = typer.Option(False, "--offline", help="No network access at all: cited sources come from the cache only."),
    sources: bool = typer.Option(True, "--sources/--no-sources", help="Fetch and process the cited sources."),
    runner: Optional[str] = typer.Option(None, "--runner", help="auto (default: warm worker processes for a large "
                                         "batch), local (in-process) or dask (settings.runner)."),
    dask_address: Optional[str] = typer.Option(None, "--dask-address", help="Dask scheduler address (default: a LocalCluster)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's log and tracebacks in the terminal too "
                                 "(they always go to <output-dir>/logs/irpipe.log)."),
) -> None:
    """Process documents with the Prefect flow and write one document.json each.

    The terminal gets one line per document (a failed or partial one: the file, the reason
    and the code); Prefect's log and every traceback go to ``<output-dir>/logs/irpipe.log``.
    """
    from flows.process_document import process_corpus
    from pipeline.settings import get_settings

    out = str(output_dir or get_settings().output_dir)
    log_file = _route_logs(out, verbose)
    files = _expand(paths)
    if not files:
        typer.echo("irpipe: no files to process", err=True)
        raise typer.Exit(2)
    settings = get_settings()
    runner = runner or settings.runner
    if runner not in ("auto", "local", "dask"):
        typer.echo(f"irpipe: unknown runner {runner!r}; use auto, local or dask", err=True)
        raise typer.Exit(2)
    flow_ = process_corpus
    if runner == "dask":
        from flows.process_document import dask_runner

        flow_ = process_corpus.with_options(task_runner=dask_runner(dask_address or settings.dask_address,
                                                                    settings.dask_workers))
    results = flow_(files, out, offline=offline, show_progress=sys.stderr.isatty(), runner=runner)
    failed = sum(1 for r in results if r["status"] == "failed")
    partial = sum(1 for r in results if r["status"] == "partial")
    for r in results:
        typer.echo(_result_line(r), err=r["status"] != "ok")
    done = [r["output"] for r in results if r["status"] in ("ok", "partial")]
    if sources and done:
        summary = _fetch(done, out, offline)
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(summary.get("reasons", {}).items()))
        typer.echo(f"cited sources: {summary['sources']} ({summary['fetched']} fetched or cached, "
                   f"{summary['failed']} failed{f' [{reasons}]' if reasons else ''}, {summary['processed']} processed)")
    typer.echo(f"{len(results) - failed - partial} ok, {partial} partial, {failed} failed; "
               f"manifest: {Path(out) / 'index.json'}" + (f"; log: {log_file}" if failed or partial else ""))
    if failed:
        raise typer.Exit(1)


def _route_logs(out: str, verbose: bool) -> str:
    """Send every log record (Prefect's task and flow tracebacks, irpipe's own) to a log file.

    Prefect logs a failed task or flow with its traceback on the terminal; a researcher
    needs one line per document there and the traceback only when reporting a bug. So the
    console handlers of the root logger and of Prefect's non-propagating loggers are swapped
    for a file handler on ``<out>/logs/irpipe.log`` (``.cache/logs/`` for an fsspec URL
    output), and Python warnings are logged there too; ``--verbose`` keeps the console as well.
    """
    import logging

    from pipeline import storage

    folder = Path(".cache") / "logs" if storage.is_url(out) else Path(out) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "irpipe.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    import prefect  # noqa: F401 - Prefect sets up its logging on import: re-route after it

    loggers = [logging.getLogger()] + [lg for lg in logging.root.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger) and lg.handlers and not lg.propagate]
    for lg in loggers:
        consoles = [h for h in lg.handlers if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)]
        if not consoles and lg is not logging.getLogger():
            continue
        if not verbose:
            for h in consoles:
                lg.removeHandler(h)
        lg.addHandler(handler)
    logging.getLogger("irpipe").setLevel(logging.INFO)
    if not verbose:
        logging.captureWarnings(True)
    return str(path)


def _result_line(r: dict) -> str:
    """What one document came to, for a person: one line (file, reason, code) for a failed or
    partial one, a short summary otherwise."""
    if r["status"] == "failed":
        error = r.get("error") or "failed"
        where = "" if error.startswith(str(r["path"])) else f"{r['path']}: "
        code = r.get("error_code")
        return f"FAILED {where}{error}" + (f" [{code}]" if code and f"[{code}]" not in error else "")
    if r["status"] == "partial":
        return (f"PARTIAL {r['path']}: {r.get('error') or 'a stage failed'} [{r.get('error_code') or 'E101'}]"
                f" -> {r['output']}")
    s = r.get("summary") or {}
    head = "skipped (unchanged)" if r.get("skipped") else r["status"]
    lines = [f"{head}  {r['path']}"]
    if s:
        kinds = s.get("passages", {})
        lines.append(f"    {s.get('title') or '(no title)'}")
        lines.append(f"    {s.get('sections', 0)} sections, {kinds.get('body', 0)} body passages, {s.get('footnotes', 0)} "
                     f"footnotes, {s.get('references', 0)} references, {s.get('citations', 0)} citations, "
                     f"{s.get('entities', 0)} entities, {s.get('events', 0)} events")
    lines.append(f"    -> {r['output']}")
    return "\n".join(lines)


def _fetch(doc_paths: list[str] | None, out: str, offline: bool) -> dict:
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.fetch_sources import fetch_sources
    from pipeline.settings import get_settings

    settings = get_settings().model_copy(update={"offline": offline})
    flow_ = fetch_sources.with_options(task_runner=ThreadPoolTaskRunner(max_workers=settings.fetch_concurrency))
    return flow_(doc_paths, out, offline=offline, settings=settings)


@app.command("fetch-sources")
def fetch_sources_cmd(
    docs: Optional[list[Path]] = typer.Argument(None, help="document.json files (default: every document of the output folder)."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", "-o"),
    offline: bool = typer.Option(False, "--offline", help="Read only the cache and manual.toml."),
) -> None:
    """Fetch, cache and process the sources the documents cite (the fetch-sources flow)."""
    from pipeline.settings import get_settings

    out = str(output_dir or get_settings().output_dir)
    summary = _fetch([str(d) for d in docs] if docs else None, out, offline)
    typer.echo(json.dumps(summary))


@app.command()
def serve(
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", "-o"),
    cron: Optional[str] = typer.Option(None, help="Cron schedule of refresh-corpus (default: settings.serve_cron)."),
    inbox: Optional[Path] = typer.Option(None, "--inbox", help="The folder watched (default: <corpus_dir>/inbox)."),
    port: Optional[int] = typer.Option(None, "--port", help="Port of the Prefect server and UI (default: settings.serve_port, 4280)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Prefect's log in the terminal too (always in <output-dir>/logs/irpipe.log)."),
) -> None:
    """Watch the inbox with warm workers, serve fetch-sources and the nightly refresh-corpus (a local Prefect server).

    One line per inbox file: picked up, then ok/partial/failed with the code, doc_id and seconds.
    """
    import flows  # noqa: F401  (Prefect defaults)
    from flows.serve import serve_all
    from pipeline.settings import get_settings

    out = str(output_dir or get_settings().output_dir)
    _route_logs(out, verbose)
    raise typer.Exit(serve_all(out, cron, inbox=str(inbox) if inbox else None, port=port))


@app.command()
def schema(
    write: bool = typer.Option(False, "--write", help="Write schemas/document.schema.json instead of printing."),
) -> None:
    """Print (or write) the JSON Schema of document.json."""
    from pipeline.export import schema_text, write_schema

    if write:
        typer.echo(str(write_schema()))
    else:
        typer.echo(schema_text(), nl=False)


@app.command("parse-references")
def parse_references() -> None:
    """Read one reference string per line on stdin; write one JSON object per line on stdout."""
    from pipeline.references.parser import parse_reference

    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(parse_reference(line.strip()).model_dump_json() + "\n")


@app.command("train-references")
def train_references(
    data: Path = typer.Option(Path("../shared/data/anystyle/core.xml"), help="AnyStyle-format XML training data."),
) -> None:
    """Retrain the reference CRF (5-fold cross-validation, then the full data); writes models/references/."""
    from pipeline.references.parser import MODEL_DIR, train

    metrics = train(data, MODEL_DIR)
    typer.echo(f"token F1: micro {metrics['micro_f1']:.3f}, weighted {metrics['weighted_f1']:.3f}, "
               f"macro {metrics['macro_f1']:.3f} -> {MODEL_DIR}")


@app.command("train-theory")
def train_theory_cmd() -> None:
    """Retrain the theory classifier from models/theory/train.jsonl (deterministic; writes theory.skops and metrics.json)."""
    from pipeline.settings import get_settings
    from pipeline.theory import MODEL_DIR, train_theory

    m = train_theory(get_settings())
    typer.echo(f"cross-validated macro-F1: {m['cv_macro_f1']}; kept {m['kept']} -> {MODEL_DIR}")


@app.command()
def classify() -> None:
    """Read JSON Lines {id, text} on stdin; write {id, label, scores, dimensions} per line on stdout."""
    from pipeline.settings import get_settings
    from pipeline.theory import classify_texts

    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    results = classify_texts([r["text"] for r in rows], get_settings()) if rows else []
    for row, res in zip(rows, results):
        out = {"id": row.get("id"), "label": res["label"], "scores": res["scores"], "dimensions": res["dimensions"],
               "abstained": res["abstained"], "neighbours": res["neighbours"]}
        sys.stdout.write(json.dumps(out) + "\n")


@app.command()
def timeline(target: Path = _DOC_ARG, as_json: bool = _DOC_JSON) -> None:
    """Print the document's events in chronological order."""
    from pipeline.report import chronological

    doc = _load_or_process(target)
    events = chronological(doc.events)
    if as_json:
        typer.echo(json.dumps([e.model_dump() for e in events], indent=1, ensure_ascii=False))
        return
    if not events:
        typer.echo("no events in this document")
        return
    rows = []
    for e in events:
        d = e.date
        when = (d.start if d else None) or "undated"
        if d and d.end and d.end != d.start and d.precision == "day":
            when += f"..{d.end}"
        if d and d.resolved_from:
            when += " *"
        flags = (" (not)" if e.negated else "") + (" (hedged)" if e.hedged else "")
        rows.append((when, e.type + flags, ", ".join(a.code or a.name for a in e.actors),
                     ", ".join(t.code or t.name for t in e.targets),
                     "; ".join(q.raw for q in e.quantities), e.evidence[:140]))
    _print_table(f"Timeline: {doc.metadata.title or doc.doc_id}",
                 ("date", "type", "actors", "targets", "how much", "evidence"), rows)
    typer.echo("* year or date taken from context (see resolved_from)")


def _print_table(title: str, cols: list[str] | tuple[str, ...], rows: list) -> None:
    """A rich table on stdout (200 columns wide when not a terminal, so pipes keep whole lines)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*["" if v is None else str(v) for v in r])
    Console(width=None if sys.stdout.isatty() else 200).print(table)


def _load_or_process(target: Path):
    """A document.json, an output folder holding one, or an input file (processed without Prefect)."""
    from pipeline.export import load_document

    if target.is_dir() and (target / "document.json").exists():
        target = target / "document.json"
    if target.suffix == ".json":
        return load_document(target)
    from pipeline.errors import IngestError
    from pipeline.process import process_file

    try:
        return process_file(target)
    except IngestError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1)


@app.command()
def audit(target: Path = _DOC_ARG, as_json: bool = _DOC_JSON) -> None:
    """Print the citation audit: unmatched citations, uncited references, mismatches, duplicates, garbled notes."""
    doc = _load_or_process(target)
    if as_json:
        typer.echo(doc.audit.model_dump_json(indent=1))
        return
    findings = doc.audit.findings
    resolved = sum(1 for c in doc.citations if c.status == "resolved")
    typer.echo(f"Citation audit: {doc.metadata.title or doc.source.path} ({doc.doc_id})\n"
               f"{len(doc.references)} references, {len(doc.citations)} citations ({resolved} resolved), "
               f"{len(doc.sources)} cited sources, {len(findings)} findings")
    _print_table("Findings", ("kind", "where", "quote", "finding"),
                 [(f.kind, f.passage_id, f.quote[:70], f.message) for f in findings])


@app.command()
def report(
    target: Optional[Path] = typer.Argument(None, help="document.json, its folder, or an article file; omit with --corpus."),
    corpus: bool = typer.Option(False, "--corpus", help="One report for every document of the output folder."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", "-o", help="Output folder (for --corpus and the default report path)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write the HTML file."),
    open_: bool = typer.Option(False, "--open", help="Open the report in a browser."),
) -> None:
    """Write a self-contained HTML report (no network): text with entities, timeline, network, audit, sources."""
    from pipeline.export import load_document, read_manifest
    from pipeline.report import render_corpus, render_document, write_report
    from pipeline.settings import get_settings

    base = output_dir or Path(get_settings().output_dir)
    if corpus:
        manifest = read_manifest(base)
        docs = [load_document(Path(e.output)) for e in manifest.documents.values()
                if e.status in ("ok", "partial") and e.output and Path(e.output).exists()]
        if not docs:
            typer.echo(f"no processed documents in {base}", err=True)
            raise typer.Exit(1)
        path = write_report(render_corpus(docs), out or base / "report.html")
    else:
        if target is None:
            typer.echo("give a document or --corpus", err=True)
            raise typer.Exit(2)
        doc = _load_or_process(target)
        path = write_report(render_document(doc), out or base / doc.doc_id / "report.html")
    typer.echo(str(path))
    if open_:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


inspect_app = typer.Typer(help="Inspect the corpus datasets (after `irpipe run`).", no_args_is_help=True)
app.add_typer(inspect_app, name="inspect")
_OUT = typer.Option(None, "--output-dir", "-o", help="Output folder of the runs (default: settings.output_dir).")
_JSON = typer.Option(False, "--json", help="JSON lines for scripts.")
_CSV = typer.Option(False, "--csv", help="CSV for scripts.")


def _emit(title: str, cols: list[str], rows: list, as_json: bool, as_csv: bool, empty: str) -> None:
    if not rows:
        typer.echo(empty, err=True)
        return
    if as_json:
        for r in rows:
            sys.stdout.write(json.dumps(dict(zip(cols, r)), ensure_ascii=False, default=str) + "\n")
        return
    if as_csv:
        import csv

        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(rows)
        return
    _print_table(title, cols, rows)


def _q(output_dir: Optional[Path], sql: str) -> tuple[list[str], list]:
    from pipeline.datasets import query
    from pipeline.settings import get_settings

    out = output_dir or Path(get_settings().output_dir)
    if not (out / "datasets" / "documents.parquet").exists():
        typer.echo(f"no datasets in {out} yet: run `irpipe run PATH -o {out}` first", err=True)
        raise typer.Exit(1)
    return query(out, sql)


def _sqlstr(v: str) -> str:
    return "'" + v.replace("'", "''") + "'"


def _status_where(status: Optional[str]) -> str:
    return f"WHERE status = {_sqlstr(status)}" if status else ""


@inspect_app.command("summary")
def inspect_summary(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV) -> None:
    """Counts per table."""
    from pipeline.datasets import table_specs

    sql = " UNION ALL ".join(f"SELECT '{t}' AS table_name, count(*) AS n_rows FROM \"{t}\"" for t in table_specs())
    cols, rows = _q(output_dir, sql)
    _emit("Corpus summary", cols, rows, as_json, as_csv, "no data yet")


@inspect_app.command("documents")
def inspect_documents(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV) -> None:
    """One row per document."""
    cols, rows = _q(output_dir, "SELECT doc_id, title, year, doi, n_passages, n_references, n_entities, n_events "
                                "FROM documents ORDER BY year, title")
    _emit("Documents", cols, rows, as_json, as_csv, "no documents yet")


@inspect_app.command("events")
def inspect_events(
    output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
    actor: Optional[str] = typer.Option(None, help="Actor or target code, e.g. IRN."),
    type_: Optional[str] = typer.Option(None, "--type", help="PLOVER type, e.g. AGREE."),
    since: Optional[str] = typer.Option(None, help="Events starting on or after this date (YYYY-MM-DD)."),
) -> None:
    """Events, filtered by actor, type and date."""
    where = ["1=1"]
    if actor:
        a = _sqlstr(actor.upper())
        where.append(f"(list_contains(actor_codes, {a}) OR list_contains(target_codes, {a}))")
    if type_:
        where.append(f"event_type = {_sqlstr(type_.upper())}")
    if since:
        where.append(f"date_start >= {_sqlstr(since)}")
    cols, rows = _q(output_dir, "SELECT doc_id, date_start, event_type, actor_codes, target_codes, quantities, "
                                f"negated, hedged, evidence FROM events WHERE {' AND '.join(where)} "
                                "ORDER BY date_start NULLS LAST")
    _emit("Events", cols, rows, as_json, as_csv, "no events match")


@inspect_app.command("entities")
def inspect_entities(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                     top: int = typer.Option(20, help="How many.")) -> None:
    """The most mentioned entities across the corpus (body mentions)."""
    cols, rows = _q(output_dir, "SELECT name, type, code, country, sum(body_mentions) AS body_mentions, "
                                "count(DISTINCT doc_id) AS documents FROM entities GROUP BY ALL "
                                f"ORDER BY body_mentions DESC LIMIT {int(top)}")
    _emit("Entities", cols, rows, as_json, as_csv, "no entities yet")


@inspect_app.command("theory")
def inspect_theory(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                   doc: Optional[str] = typer.Option(None, help="Restrict to one doc_id.")) -> None:
    """Theory labels per section."""
    where = f"AND doc_id = {_sqlstr(doc)}" if doc else ""
    cols, rows = _q(output_dir, "SELECT doc_id, section, theory_label, count(*) AS passages FROM passages "
                                f"WHERE kind = 'body' AND theory_label IS NOT NULL {where} GROUP BY ALL ORDER BY ALL")
    _emit("Theory", cols, rows, as_json, as_csv, "no classified passages")


@inspect_app.command("citations")
def inspect_citations(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                      status: Optional[str] = typer.Option(None, help="resolved, unresolved or ambiguous.")) -> None:
    """In-text citations and their resolution."""
    cols, rows = _q(output_dir, "SELECT doc_id, citation_id, kind, text, status, reference_id FROM citations "
                                f"{_status_where(status)} ORDER BY ALL")
    _emit("Citations", cols, rows, as_json, as_csv, "no citations match")


@inspect_app.command("sources")
def inspect_sources(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                    status: Optional[str] = typer.Option(None, help="Fetch status, e.g. failed.")) -> None:
    """Cited sources and their fetch status."""
    cols, rows = _q(output_dir, f"SELECT doc_id, source_id, status, url FROM sources {_status_where(status)} ORDER BY ALL")
    _emit("Sources", cols, rows, as_json, as_csv, "no sources match")


@inspect_app.command("sql")
def inspect_sql(query_text: str = typer.Argument(..., metavar="SQL"), output_dir: Optional[Path] = _OUT,
                as_json: bool = _JSON, as_csv: bool = _CSV) -> None:
    """Any SQL over the views: documents, passages, entities, mentions, events, citations, references, sources, audit."""
    try:
        cols, rows = _q(output_dir, query_text)
    except Exception as exc:  # duckdb's errors are the user's to read
        if isinstance(exc, typer.Exit):
            raise
        typer.echo(f"SQL error: {exc}", err=True)
        raise typer.Exit(2)
    _emit("Query", cols, rows, as_json, as_csv, "no rows")


def main() -> None:  # pragma: no cover
    from pipeline.errors import StoreError

    try:
        app()
    except StoreError as err:  # a damaged or foreign corpus state (pipeline/store.py): one line, no traceback
        typer.echo(f"irpipe: {err}", err=True)
        raise SystemExit(3) from None


if __name__ == "__main__":  # pragma: no cover
    main()
