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


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
