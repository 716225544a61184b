"""The ``irpipe`` command. Heavy libraries are imported inside commands, so ``--help`` is instant."""

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
    offline: bool = typer.Option(False, "--offline", help="No network access at all."),
) -> None:
    """Process documents with the Prefect flow and write one document.json each."""
    from flows.process_document import process_corpus
    from pipeline.settings import get_settings

    out = str(output_dir or get_settings().output_dir)
    files = _expand(paths)
    if not files:
        typer.echo("irpipe: no files to process", err=True)
        raise typer.Exit(2)
    results = process_corpus(files, out, offline=offline, show_progress=sys.stderr.isatty())
    failed = 0
    for r in results:
        if r["status"] == "failed":
            failed += 1
            typer.echo(f"FAILED {r['error']}", err=True)
        else:
            s = r["summary"]
            kinds = s["passages"]
            typer.echo(
                f"ok  {r['path']}\n    {s['title'] or '(no title)'}\n"
                f"    {s['sections']} sections, {kinds.get('body', 0)} body passages, {s['footnotes']} footnotes, "
                f"{s['references']} references, {s['citations']} citations, {s['entities']} entities, {s['events']} events\n"
                f"    -> {r['output']}"
            )
    typer.echo(f"{len(results) - failed} processed, {failed} failed; manifest: {Path(out) / 'index.json'}")
    if failed:
        raise typer.Exit(1)


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
            sys.stdout.write(json.dumps(parse_reference(line.strip()), ensure_ascii=False) + "\n")


@app.command("train-references")
def train_references(
    data: Path = typer.Option(Path("../shared/data/anystyle/core.xml"), help="AnyStyle-format XML training data."),
) -> None:
    """Retrain the reference CRF (5-fold cross-validation, then the full data); writes models/references/."""
    from pipeline.references.parser import MODEL_DIR, train

    metrics = train(data, MODEL_DIR)
    typer.echo(f"token F1 (weighted) {metrics['micro_f1']:.3f}, macro {metrics['macro_f1']:.3f} -> {MODEL_DIR}")


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
def timeline(
    target: Path = typer.Argument(..., help="document.json, its folder, or an article file."),
    as_json: bool = typer.Option(False, "--json", help="Print the events as JSON."),
) -> None:
    """Print the document's events in chronological order."""
    from pipeline.events import timeline as order

    doc = _load_or_process(target)
    events = order(doc)
    if as_json:
        typer.echo(json.dumps(events, indent=1, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    if not events:
        typer.echo("no events in this document")
        return
    table = Table(title=f"Timeline: {doc.metadata.title or doc.doc_id}")
    for col in ("date", "type", "actors", "targets", "how much", "evidence"):
        table.add_column(col, overflow="fold")
    for e in events:
        d = e.get("date") or {}
        when = d.get("start") or "undated"
        if d.get("end") and d.get("end") != d.get("start") and d.get("precision") == "day":
            when += f"..{d['end']}"
        if d.get("resolved_from"):
            when += " *"
        flags = (" (not)" if e["negated"] else "") + (" (hedged)" if e["hedged"] else "")
        table.add_row(when, e["type"] + flags, ", ".join(a["code"] or a["name"] for a in e["actors"]),
                      ", ".join(t["code"] or t["name"] for t in e["targets"]),
                      "; ".join(q["raw"] for q in e["quantities"]), e["evidence"][:140])
    Console(width=None if sys.stdout.isatty() else 200).print(table)
    typer.echo("* year or date taken from context (see resolved_from)")


def _load_or_process(target: Path):
    """A document.json, an output folder holding one, or an input file (processed without Prefect)."""
    from pipeline.export import load_document

    if target.is_dir() and (target / "document.json").exists():
        target = target / "document.json"
    if target.suffix == ".json":
        return load_document(target)
    from pipeline.errors import IngestError
    from pipeline.process import assemble, enrichment_stages, ingest, run_stage
    from pipeline.settings import get_settings

    settings = get_settings()
    try:
        doc = assemble(ingest(target, settings), settings)
    except IngestError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1)
    for name, version, fn in enrichment_stages():
        doc = run_stage(doc, name, version, fn, settings)
    return doc


@app.command()
def audit(
    target: Path = typer.Argument(..., help="document.json, its folder, or an article file."),
    as_json: bool = typer.Option(False, "--json", help="Print the audit as JSON."),
) -> None:
    """Print the citation audit: unmatched citations, uncited references, mismatches, duplicates, garbled notes."""
    doc = _load_or_process(target)
    if as_json:
        typer.echo(json.dumps(doc.audit, indent=1, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 200)
    findings = doc.audit.get("findings", [])
    console.print(f"[bold]Citation audit[/bold]: {doc.metadata.title or doc.source.path} ({doc.doc_id})")
    resolved = sum(1 for c in doc.citations if c["status"] == "resolved")
    console.print(f"{len(doc.references)} references, {len(doc.citations)} citations ({resolved} resolved), "
                  f"{len(doc.sources)} cited sources, {len(findings)} findings")
    table = Table(show_lines=False)
    for col in ("kind", "where", "quote", "finding"):
        table.add_column(col, overflow="fold")
    for f in findings:
        table.add_row(f["kind"], f["passage_id"], f["quote"][:70], f["message"])
    console.print(table)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
