"""The ``irpipe`` command. Heavy libraries are imported inside commands, so ``--help`` is instant.

This module is the top layer: it may import ``flows`` and ``pipeline``; neither imports it.
"""

from __future__ import annotations

import io
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
    context_settings={"help_option_names": ["-h", "--help"]},  # inherited by every command
)


# ---------------------------------------------------------------- conventions (spaCy, Prefect, DuckDB as models)
# -h and --help; --version; --output/-o names a file and --output-dir a folder (inspect); flags show no type.


def _plain_flags() -> None:
    """Help shows a flag as ``--json``, not ``--json <bool>``, which invited ``--json true``.

    Typer 0.29 prints every option's type, flags (and ``--help``) included, with no setting to turn
    it off; an option that takes a value keeps its type (``--limit <int>``).
    """
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_irpipe_plain", False):
        return

    def display_type_rich(self, ctx):
        return None if self.is_flag else shown(self, ctx)

    display_type_rich._irpipe_plain = True
    TyperOption.display_type_rich = display_type_rich


_plain_flags()


def _print_version(value: bool) -> None:
    if value:
        from pipeline import __version__

        typer.echo(f"irpipe {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", "-V", callback=_print_version, is_eager=True,
                                 help="Print irpipe's version and exit."),
) -> None:
    """irpipe: analyse international-relations articles (structure, citations, entities, events, theory)."""


def _usage(message: str) -> typer.Exit:
    """One line on stderr and exit code 2 (a bad option value), as click does for its own checks."""
    typer.echo(f"irpipe: {message}", err=True)
    return typer.Exit(2)


def check_inputs(paths: list[Path]) -> None:
    """Every input path must exist and be readable: checked before Prefect is imported or an output
    folder made, so a typo is one line in well under a second (exit code 2) and leaves nothing behind."""
    import os

    for p in paths:
        if not p.exists():
            raise _usage(f"{p}: no such file or folder")
        if not os.access(p, os.R_OK):
            raise _usage(f"{p}: not readable (permission denied)")


_DOC_ARG = typer.Argument(..., help="document.json, its folder, or an article file.")
_DOC_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _expand(paths: list[Path]) -> list[str]:
    """Files given, as absolute paths; folders give their non-hidden files, sorted (type is detected by
    content). Absolute, so that the manifest keys one file once, however it was named on the command
    line (``a.md`` from its folder, ``/home/me/a.md`` from elsewhere); symbolic links are kept as given."""
    import os

    out: list[str] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                os.path.abspath(f) for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(os.path.abspath(p))
    return list(dict.fromkeys(out))  # a file named twice is processed once


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
    check_inputs(paths)
    files = _expand(paths)
    from flows.process_document import process_corpus
    from pipeline.settings import get_settings

    out = str(output_dir or get_settings().output_dir)
    log_file = _route_logs(out, verbose)
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
    from flows.process_document import answer_unchanged

    results = (answer_unchanged(files, out, offline) if runner != "dask" else None) or \
        flow_(files, out, offline=offline, show_progress=sys.stderr.isatty(), runner=runner)
    failed = sum(1 for r in results if r["status"] == "failed")
    partial = sum(1 for r in results if r["status"] == "partial")
    for r in results:
        typer.echo(_result_line(r), err=r["status"] != "ok")
    done = [r["output"] for r in results if r["status"] in ("ok", "partial")]
    if sources and done:
        typer.echo(_sources_line(_fetch(done, out, offline)))
    skipped = sum(1 for r in results if r.get("skipped"))
    typer.echo(f"{len(results) - failed - partial - skipped} ok, {skipped} skipped (unchanged), {partial} partial, "
               f"{failed} failed; "
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
    from pipeline.settings import apply_prefect_defaults

    apply_prefect_defaults()  # Prefect reads its settings once, on import: the project's must come first
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
    from flows.fetch_sources import fetch_sources  # first: importing flows applies the Prefect defaults
    from pipeline.settings import get_settings
    from prefect.task_runners import ThreadPoolTaskRunner

    settings = get_settings().model_copy(update={"offline": offline})
    flow_ = fetch_sources.with_options(task_runner=ThreadPoolTaskRunner(max_workers=settings.fetch_concurrency))
    return flow_(doc_paths, out, offline=offline, settings=settings)


@app.command("fetch-sources")
def fetch_sources_cmd(
    docs: Optional[list[Path]] = typer.Argument(None, help="document.json files (default: every document of the output folder)."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", "-o"),
    offline: bool = typer.Option(False, "--offline", help="Read only the cache and manual.toml."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's summary as JSON."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show Prefect's log and tracebacks in the terminal too "
                                 "(they always go to <output-dir>/logs/irpipe.log)."),
) -> None:
    """Fetch, cache and process the sources the documents cite (the fetch-sources flow)."""
    check_inputs(list(docs or []))
    from pipeline.settings import get_settings

    out = str(output_dir or get_settings().output_dir)
    _route_logs(out, verbose)
    summary = _fetch([str(d) for d in docs] if docs else None, out, offline)
    typer.echo(json.dumps(summary) if as_json else _sources_line(summary))


def _sources_line(summary: dict) -> str:
    """The fetch-sources run in one line; sources left unfetched because of ``--offline`` are said so,
    not counted among the failures."""
    reasons = dict(summary.get("reasons", {}))
    offline = reasons.pop("offline", 0)
    failed = summary["failed"] - offline
    listed = ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items()))
    return (f"cited sources: {summary['sources']} ({summary['fetched']} fetched or cached, "
            + (f"{offline} not in the cache (offline), " if offline else "")
            + f"{failed} failed{f' [{listed}]' if listed else ''}, {summary['processed']} processed)")


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


# A stdin line longer than this is no reference string (a pasted page?): the longest of AnyStyle's core.xml
# and the EXCITE corpus's 3,933 hand-checked strings have 553 and 771 characters.
MAX_REFERENCE_CHARS = 5000


@app.command("parse-references")
def parse_references() -> None:
    """Read one reference string per line on stdin; write one JSON object per line on stdout, as each is read.

    Output line N answers input line N: {"line": N, "input": the string, ...fields, "confidence"}; a blank
    input line gives {"line": N, "input": "", "empty": true} so that the output lines up with the input. A
    line that cannot be read (not UTF-8, longer than MAX_REFERENCE_CHARS) gives {"line": N, "input": null,
    "error": reason} and one line on stderr naming its number; the others go on, and the exit status is 1.
    """
    from pipeline.references.parser import parse_reference

    bad = 0
    for n, raw in enumerate(sys.stdin.buffer, start=1):
        row: dict = {"line": n}
        error = None
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            text = None
            error = (f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1}); "
                     "convert the input to UTF-8 [E007]")
        if text is not None and len(text) > MAX_REFERENCE_CHARS:
            text, error = None, (f"{len(text):,} characters, more than {MAX_REFERENCE_CHARS:,}: "
                                 "not one reference string (one reference per line)")
        row["input"] = text
        if error is None and text is not None and text.strip():
            row.update(parse_reference(text).model_dump(mode="json"))
        elif error is None:
            row["empty"] = True
        else:
            bad += 1
            row["error"] = error
            sys.stderr.write(f"stdin line {n}: {error}\n")
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if bad:
        raise typer.Exit(1)


_SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@app.command("extract-events")
def extract_events() -> None:
    """Read JSON Lines {id, text, date?} on stdin; write {id, line, events} per line on stdout, in order, as it goes.

    ``date`` (ISO, the publication date) anchors relative dates; a malformed line is one error line on stderr
    naming its line number, and the next line is read (exit status 1 if any line failed).
    """
    from pipeline.events.text import stream_events

    failed = False
    for out, err in stream_events(sys.stdin):
        if err:
            failed = True
            typer.echo(err, err=True)
        else:
            sys.stdout.write(out + "\n")
            sys.stdout.flush()
    raise typer.Exit(1 if failed else 0)


@app.command("train-references")
def train_references(
    data: Path = typer.Option(_SHARED_DATA / "anystyle" / "core.xml", help="AnyStyle-format XML training data."),
    corpus: Path = typer.Option(_SHARED_DATA / "excite-corpus",
                                help="EXCITE corpus folder (manifest.csv, ID.pdf, ID.references.txt, ID.segmented.xml); "
                                     "a missing folder is skipped."),
    layout: bool = typer.Option(False, "--layout",
                                help="Also retrain the reference-line CRF and the footnote-part classifier from the "
                                     "corpus PDFs (reads every PDF: about an hour; needed after a reader change)."),
    parser: bool = typer.Option(True, "--parser/--no-parser", help="Retrain the reference-string CRF."),
) -> None:
    """Retrain the reference models; writes models/references/ (deterministic).

    The string parser learns from core.xml and the corpus's segmented.xml files; a fixed fifth of each
    (core.xml by seed, the corpus by paper) is held out and reported in metrics.json. With --layout, the
    line splitter and the footnote classifier learn from the corpus PDFs and their gold strings
    (leave-papers-out cross-validation in layout_metrics.json).
    """
    from pipeline.references.parser import MODEL_DIR, train

    if parser:
        if not data.exists():
            raise typer.BadParameter(f"{data} does not exist: pass --data PATH/core.xml", param_hint="--data")
        metrics = train(data, corpus if corpus.exists() else None, MODEL_DIR)
        typer.echo(f"held-out token F1: micro {metrics['micro_f1']:.3f}, weighted {metrics['weighted_f1']:.3f}, "
                   f"macro {metrics['macro_f1']:.3f} ({metrics['test_sequences']} strings) -> {MODEL_DIR}")
    if layout:
        from pipeline.process import ingest
        from pipeline.references.training import corpus_papers, train_layout_models

        if not (corpus / "manifest.csv").exists():
            raise typer.BadParameter(f"{corpus}/manifest.csv does not exist", param_hint="--corpus")
        m = train_layout_models(corpus_papers(corpus), ingest, MODEL_DIR)
        s, f = m["splitter"]["all"], m["footnotes"]["model"]
        typer.echo(f"reference lines (cross-validated): recall {s['crf_recall']}, precision {s['crf_precision']}; "
                   f"footnote parts: precision {f['precision']}, recall {f['recall']} -> {MODEL_DIR}")


@app.command("train-theory")
def train_theory_cmd(
    add: Optional[list[Path]] = typer.Option(None, "--add", help="A label CSV from `irpipe theory export-labels` with "
                                             "your_label (and your_dimensions) filled in; repeatable."),
    candidates: Optional[str] = typer.Option(None, help="Comma-separated candidates to compare (default: those of "
                                             "the last metrics.json with --add, else the standard set)."),
    gold: Optional[list[Path]] = typer.Option(None, "--gold", help="Gold JSONL files instead of models/theory/data/gold/b*.jsonl."),
    legacy: bool = typer.Option(False, "--legacy", help="Add the relabelled legacy passages to training (never evaluated)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the model here instead of models/theory/."),
) -> None:
    """Retrain the theory model; figures by source-split cross-validation (deterministic)."""
    from pipeline.settings import get_settings
    from pipeline.theory import MODEL_DIR
    from pipeline.theory.train import DEFAULT_CANDIDATES, train_theory

    out_dir = out or MODEL_DIR
    if candidates:
        chosen = tuple(c.strip() for c in candidates.split(",") if c.strip())
    elif add and (MODEL_DIR / "metrics.json").exists():
        chosen = (json.loads((MODEL_DIR / "metrics.json").read_text())["kept"],)  # retrain the kept kind only
    else:
        chosen = DEFAULT_CANDIDATES
    for f in add or []:
        if not f.is_file():
            typer.echo(f"irpipe: no label file {f}", err=True)
            raise typer.Exit(2)
    try:
        m = train_theory(get_settings(), out_dir, gold=gold or None, add=add or [], legacy=legacy, candidates=chosen,
                         log=lambda msg: typer.echo(msg, err=True))
    except ValueError as err:
        typer.echo(f"irpipe: {err}", err=True)
        raise typer.Exit(2)
    s = m["source_split"]
    typer.echo(f"source-split macro-F1 {s['macro_f1']:.3f} ({m['evaluated_passages']} passages, {m['folds']} folds); "
               f"ECE " + ", ".join(f"{t} {v['ece']:.3f}" for t, v in s["calibration"].items())
               + f"; kept {m['kept']} -> {out_dir}")
    for r in m["label_files"]["researcher"]:
        typer.echo(f"researcher labels: {r['name']} ({r['labelled_rows']} labelled of {r['rows']} rows), sha256 {r['sha256'][:16]}")


# A batch of classify input is answered once it holds this many lines or no line came for this long:
# a pipe of many lines is encoded in batches, a person typing one line gets an answer at once.
CLASSIFY_BATCH = 16
CLASSIFY_WAIT_S = 0.2


def _classify_lines(stream):
    """(line number, line) in batches: up to CLASSIFY_BATCH lines, or fewer when input pauses."""
    import selectors

    try:
        sel = selectors.DefaultSelector()
        sel.register(stream, selectors.EVENT_READ)
    except (ValueError, OSError, PermissionError):  # not a selectable stream (a file, a StringIO): plain batches
        sel = None
    batch: list[tuple[int, str]] = []
    for number, line in enumerate(iter(stream.readline, ""), start=1):
        batch.append((number, line))
        more = len(batch) < CLASSIFY_BATCH and sel is not None and sel.select(CLASSIFY_WAIT_S)
        if not more and (sel is not None or len(batch) >= CLASSIFY_BATCH):
            yield batch
            batch = []
    if batch:
        yield batch


@app.command()
def classify() -> None:
    """Stream JSON Lines {id, text} on stdin to one {id, label, shown, scores, dimensions, ...} line each, in order.

    A line that is not a JSON object with a string "text" gets a one-line error on stderr
    (naming its line number) and no output line; the run goes on. Exit code 1 if any line failed.
    """
    from pipeline.settings import get_settings
    from pipeline.theory import classify_texts, shown_label

    settings = get_settings()
    failed = 0
    first_line = [0]  # the first non-empty line: plain text there means the input is not JSON Lines
    for batch in _classify_lines(sys.stdin):
        rows = []
        for number, line in batch:
            if not line.strip():
                continue
            first_line[0] = first_line[0] or number
            if number == first_line[0] and not line.lstrip().startswith(("{", "[")):
                typer.echo(f"irpipe classify: line {number}: plain text, not JSON Lines; give one "
                           f"{{\"id\": ..., \"text\": ...}} object per line", err=True)
                raise typer.Exit(2)
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                typer.echo(f"irpipe classify: line {number}: not JSON ({exc.msg}); expected {{\"id\": ..., \"text\": ...}}",
                           err=True)
                failed += 1
                continue
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                typer.echo(f"irpipe classify: line {number}: expected a JSON object with a string \"text\"", err=True)
                failed += 1
                continue
            rows.append(row)
        if not rows:
            continue
        results = classify_texts([r["text"] for r in rows], settings)
        for row, res in zip(rows, results):
            out = {"id": row.get("id"), "label": res["label"], "shown": shown_label(res["label"], res["abstained"]),
                   "abstained": res["abstained"], "scores": res["scores"], "dimensions": res["dimensions"],
                   "experimental_dimensions": res["experimental_dimensions"], "evidence": res["evidence"],
                   "neighbours": res["neighbours"], "labelled_by": res["labelled_by"]}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


theory_app = typer.Typer(help="Theory labels: export them for correction (then `irpipe train-theory --add`).",
                         no_args_is_help=True)
app.add_typer(theory_app, name="theory")


@theory_app.command("export-labels")
def theory_export_labels(
    target: Optional[Path] = typer.Argument(None, help="document.json, its folder, or an article file; omit with --corpus."),
    corpus: bool = typer.Option(False, "--corpus", help="Every document of the output folder."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", "-o", help="Output folder (with --corpus)."),
    out: Path = typer.Option(..., "--out", help="The CSV file to write."),
) -> None:
    """Write body passages with their current theory labels to a CSV for a person to correct in a spreadsheet."""
    from pipeline.export import load_document, read_manifest
    from pipeline.settings import get_settings
    from pipeline.theory.export import write_label_csv

    if corpus:
        base = output_dir or Path(get_settings().output_dir)
        manifest = read_manifest(base)
        docs = [load_document(Path(e.output)) for e in manifest.documents.values()
                if e.status in ("ok", "partial") and e.output and Path(e.output).exists()]
        if not docs:
            typer.echo(f"no processed documents in {base}", err=True)
            raise typer.Exit(1)
    elif target is None:
        typer.echo("give a document or --corpus", err=True)
        raise typer.Exit(2)
    else:
        docs = [_load_or_process(target)]
    n = write_label_csv(docs, out)
    typer.echo(f"{n} passages -> {out}; fill in your_label (and your_dimensions, ';'-separated), then "
               f"`irpipe train-theory --add {out}`")


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
                     "; ".join(q.raw for q in e.quantities), _clip(e.evidence, TIMELINE_EVIDENCE_CHARS)))
    _print_table(f"Timeline: {doc.metadata.title or doc.doc_id}",
                 ("date", "type", "actors", "targets", "how much", "evidence"), rows)
    if any(r[0].endswith(" *") for r in rows):
        typer.echo("* year or date taken from context (see resolved_from)")


#: evidence shown per timeline row: two lines of a wide terminal; the whole sentence is in --json
TIMELINE_EVIDENCE_CHARS = 220


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


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
    check_inputs([target])
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
    claims = [f for f in findings if f.kind in ("unsupported_claim", "contradicted_claim")]
    _print_table("Findings", ("kind", "where", "quote", "finding"),
                 [(f.kind, f.passage_id, f.quote[:70], f.message) for f in findings if f not in claims])
    if claims:  # the claim in full: the reader must see what the source was asked to support
        _print_table("Claims the cited source does not support", ("kind", "where", "claim", "finding"),
                     [(f.kind, f.passage_id, f.quote, f.message) for f in claims])


@app.command()
def report(
    target: Optional[Path] = typer.Argument(None, help="document.json, its folder, or an article file; omit with --corpus."),
    corpus: bool = typer.Option(False, "--corpus", help="One report for every document of the output folder."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The HTML file to write (default: beside the document.json given; <output-dir>/report.html for --corpus; <output-dir>/<doc_id>/report.html for an article file)."),
    output_dir: Optional[Path] = typer.Option(None, "--output-dir", help="Output folder of the runs (for --corpus and the default report path)."),
    out: Optional[Path] = typer.Option(None, "--out", hidden=True, help="Old name of --output."),
    open_: bool = typer.Option(False, "--open", help="Open the report in a browser."),
) -> None:
    """Write a self-contained HTML report (no network): text with entities, timeline, network, audit, sources."""
    from pipeline.export import load_document, read_manifest
    from pipeline.report import render_corpus, render_document, write_report
    from pipeline.settings import get_settings

    base = output_dir or Path(get_settings().output_dir)
    out = output or out
    if corpus:
        import os

        manifest = read_manifest(base)
        written = {Path(e.output): e for e in manifest.documents.values()
                   if e.status in ("ok", "partial") and e.output and Path(e.output).exists()}
        docs = {path: load_document(path) for path in written}
        if not docs:
            typer.echo(f"no processed documents in {base}", err=True)
            raise typer.Exit(1)
        target_file = out or base / "report.html"
        # each document's own report beside its document.json, which the corpus rows link to (about 0.1 s each)
        reports = {}
        for doc_json, doc in docs.items():
            doc_report = write_report(render_document(doc), doc_json.parent / "report.html")
            reports[doc.doc_id] = Path(os.path.relpath(doc_report, Path(target_file).parent)).as_posix()
        path = write_report(render_corpus(list(docs.values()), list(manifest.documents.values()),
                                          lambda doc_id: reports.get(doc_id, f"{doc_id}/report.html")), target_file)
    else:
        if target is None:
            typer.echo("give a document or --corpus", err=True)
            raise typer.Exit(2)
        doc = _load_or_process(target)
        beside = target if target.is_dir() else target.parent  # a document.json's report goes beside it
        default = beside / "report.html" if (beside / "document.json").exists() else base / doc.doc_id / "report.html"
        path = write_report(render_document(doc), out or default)
    typer.echo(str(path))
    if open_:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


inspect_app = typer.Typer(help="Inspect the corpus datasets (after `irpipe run`).", no_args_is_help=True)
app.add_typer(inspect_app, name="inspect")

# The inspect options, one definition each so every table spells them the same way (issue 18).
# ``--output-dir`` is the folder of the runs; ``--output/-o`` a file (``run``, ``serve``, ``fetch-sources``
# and ``report`` still read ``-o`` as their folder: changing those is their owners' call).
_OUT = typer.Option(None, "--output-dir", metavar="DIR", help="Output folder of the runs (default: settings.output_dir).")
_FILE = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the rows to this file instead of stdout "
                     "(JSON lines, or CSV with --csv).")
_JSON = typer.Option(False, "--json", help="JSON lines for scripts (all rows).")
_CSV = typer.Option(False, "--csv", help="CSV for scripts (all rows).")
_LIMIT = typer.Option(None, "--limit", min=1, metavar="N", help="At most this many rows (default: 40 in the terminal, "
                      "all with --json or --csv).")
_DOCF = typer.Option(None, "--doc", metavar="DOC_ID", help="Only this document (doc_id or a unique prefix of it).")
_SINCE = typer.Option(None, "--since", metavar="DATE", help="On or after this date: YYYY, YYYY-MM or YYYY-MM-DD.")
_UNTIL = typer.Option(None, "--until", metavar="DATE", help="On or before this date: YYYY, YYYY-MM or YYYY-MM-DD.")
_ACTOR = typer.Option(None, "--actor", metavar="CODE|NAME", help="Actor or target, by code (IRN) or name (Iran).")

#: rows a terminal table shows unless --limit says otherwise (a screenful; scripts get every row)
TERMINAL_ROWS = 40


def _datasets_dir(output_dir: Optional[Path]) -> Path:
    from pipeline.settings import get_settings

    out = output_dir or Path(get_settings().output_dir)
    if not (out / "datasets" / "documents.parquet").exists():
        typer.echo(f"no datasets in {out} yet: run `irpipe run PATH --output-dir {out}` first", err=True)
        raise typer.Exit(1)
    return out


def _formats(as_json: bool, as_csv: bool, output: Optional[Path]) -> None:
    if as_json and as_csv:
        raise _usage("--json and --csv exclude each other: choose one")
    if output is not None and output.is_dir():
        raise _usage(f"--output {output} is a folder; --output names a file (the runs' folder is --output-dir)")


def _q(out: Path, sql: str) -> tuple[list[str], list]:
    from pipeline.datasets import query

    return query(out, sql)


def _sqlstr(v: str) -> str:
    from pipeline.datasets import sql_string

    return sql_string(v)


def _sqllist(values) -> str:
    return "[" + ", ".join(_sqlstr(v) for v in values) + "]"


class _Where:
    """The WHERE clause of an inspect query; each filter is checked against the corpus first, so a
    value that matches nothing is an error naming the valid values (never a silently empty table)."""

    def __init__(self, out: Path, table: str):
        self.out, self.table, self.parts = out, table, ["TRUE"]

    def _check(self, fn, *args, **kw):
        from pipeline.datasets import FilterError

        try:
            return fn(*args, **kw)
        except FilterError as err:
            raise _usage(str(err)) from None

    def doc(self, doc: Optional[str]) -> "_Where":
        if doc:
            from pipeline.datasets import FilterError, distinct_values

            ids = distinct_values(self.out, "documents", "doc_id")
            hits = [d for d in ids if d == doc] or [d for d in ids if d.startswith(doc)]
            if len(hits) != 1:
                what = "is ambiguous" if hits else "is no document of this corpus"
                raise _usage(str(FilterError(f"--doc {doc!r} {what}; documents: "
                                             + ", ".join(hits or ids))))
            self.parts.append(f"doc_id = {_sqlstr(hits[0])}")
        return self

    def choice(self, option: str, value: Optional[str], column: str, valid: Optional[list[str]] = None) -> "_Where":
        if value:
            from pipeline.datasets import check_choice, distinct_values

            valid = valid if valid is not None else distinct_values(self.out, self.table, column)
            self.parts.append(f"{column} = {_sqlstr(self._check(check_choice, option, value, valid))}")
        return self

    def dates(self, since: Optional[str], until: Optional[str], start: str, end: str) -> "_Where":
        """Rows whose period [start, end] overlaps [since, until]; undated rows are left out."""
        from pipeline.datasets import parse_date_bound

        if since:
            d = self._check(parse_date_bound, "--since", since)
            self.parts.append(f"coalesce({end}, {start}) >= DATE '{d.isoformat()}'")
        if until:
            d = self._check(parse_date_bound, "--until", until, end=True)
            self.parts.append(f"{start} <= DATE '{d.isoformat()}'")
        return self

    def actor(self, value: Optional[str], code_cols: tuple[str, ...], name_cols: tuple[str, ...],
              lists: bool) -> "_Where":
        if value:
            from pipeline.datasets import resolve_actor

            codes, names = self._check(resolve_actor, self.out, value)
            if lists:
                tests = [f"list_has_any({c}, {_sqllist(codes)})" for c in code_cols]
                tests += [f"list_has_any({c}, {_sqllist(names)})" for c in name_cols]
            else:
                tests = [f"{c} IN ({', '.join(_sqlstr(v) for v in codes)})" for c in code_cols]
                tests += [f"{c} IN ({', '.join(_sqlstr(v) for v in names)})" for c in name_cols]
            self.parts.append("(" + " OR ".join(tests) + ")")
        return self

    def sql(self) -> str:
        return " AND ".join(self.parts)


def _cell(value) -> str:
    """A value for a terminal table: lists joined, quantities by their text, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_cell(v.get("raw") if isinstance(v, dict) else v) for v in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _emit(title: str, cols: list[str], rows: list, as_json: bool, as_csv: bool, empty: str,
          limit: Optional[int] = None, output: Optional[Path] = None) -> None:
    """Rows as a terminal table (``limit`` rows, default 40, with an "N more rows" line), or every row
    (or ``limit``) as JSON lines or CSV, on stdout or into ``output`` (written whole, then renamed)."""
    if not rows:
        typer.echo(empty, err=True)
        return
    if as_json or as_csv or output is not None:
        rows = rows[:limit] if limit else rows
        buf = io.StringIO()
        if as_csv:
            import csv

            from pipeline.datasets import _csv_cell

            w = csv.writer(buf)
            w.writerow(cols)
            w.writerows([[_csv_cell(v) for v in r] for r in rows])
        else:
            for r in rows:
                buf.write(json.dumps(dict(zip(cols, r)), ensure_ascii=False, default=str) + "\n")
        if output is None:
            sys.stdout.write(buf.getvalue())
        else:
            from pipeline.export import atomic_write_text

            atomic_write_text(output, buf.getvalue())
            typer.echo(f"{len(rows)} rows -> {output}", err=True)
        return
    shown = rows[: limit or TERMINAL_ROWS]
    _print_table(title, cols, [[_cell(v) for v in r] for r in shown])
    if len(rows) > len(shown):
        typer.echo(f"{len(rows) - len(shown)} more rows (--limit N to see more; --json or --csv for all)")


@inspect_app.command("summary")
def inspect_summary(output_dir: Optional[Path] = _OUT, as_json: bool = typer.Option(False, "--json",
                    help="One JSON object for scripts."),
                    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                                          help="Write the summary to this file (one JSON object).")
                    ) -> None:
    """The corpus at a glance: documents by status (failures named), events, actors, theory, citations, sources."""
    from pipeline.datasets import corpus_summary
    from pipeline.settings import get_settings

    _formats(as_json, False, output)
    out = output_dir or Path(get_settings().output_dir)
    if not (out / "index.json").exists() and not (out / ".irpipe").exists():
        typer.echo(f"no runs in {out} yet: run `irpipe run PATH --output-dir {out}` first", err=True)
        raise typer.Exit(1)
    s = corpus_summary(out)
    if as_json or output is not None:
        text = json.dumps(s, indent=1, ensure_ascii=False, default=str) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            from pipeline.export import atomic_write_text

            atomic_write_text(output, text)
            typer.echo(str(output), err=True)
        return
    _print_summary(s)


def _print_summary(s: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 120)
    d = s["documents"]
    run = d["last_run"] or {}
    console.print(f"[bold]Corpus[/bold] {s['output_dir']}: {d['total']} document{'' if d['total'] == 1 else 's'} — {d['ok']} ok, "
                  f"{d['partial']} partial, [{'bold red' if d['failed'] else 'default'}]{d['failed']} failed[/], "
                  f"{d['skipped_last_run']} skipped (unchanged) in the last run"
                  + (f" ({run.get('finished_at') or run.get('started_at')}, {run.get('status')})" if run else ""))
    if d["problems"]:
        t = Table(title="Documents that failed or are partial", title_style="bold red")
        t.add_column("status")
        t.add_column("path", overflow="fold", min_width=min(60, max(len(p["path"]) for p in d["problems"])))
        t.add_column("code")
        t.add_column("reason", overflow="fold")
        for p in d["problems"]:
            reason = p["error"] or ""
            reason = reason[len(p["path"]) + 2:] if reason.startswith(p["path"] + ": ") else reason
            if p["failed_stages"]:
                reason = f"stages {', '.join(p['failed_stages'])}: {reason}"
            t.add_row(p["status"], p["path"], p["error_code"] or "", reason)
        console.print(t)
    if not s.get("datasets"):
        console.print("no corpus tables yet (no document was processed)")
        return
    ev = s["events"]
    console.print(f"[bold]Events[/bold] {ev['total']}, dated {ev['first_date'] or '-'} .. {ev['last_date'] or '-'}, "
                  f"{ev['undated']} undated")

    def small(title: str, cols: tuple[str, ...], rows) -> Table:
        t = Table(title=title)
        for c in cols:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*[str(v) for v in r])
        return t

    from rich.columns import Columns

    console.print(Columns([
        small("Events by type", ("type", "events"), ev["by_type"].items()),
        small("By quad class", ("quad class", "events"), ev["by_quad_class"].items()),
        small("Top actors (as actor or target)", ("actor", "events"), [(a["actor"], a["events"]) for a in s["top_actors"]]),
        small("Top actor -> target", ("actor", "target", "events"),
              [(a["actor"], a["target"], a["events"]) for a in s["top_actor_pairs"]]),
    ]))
    th, ci, so = s["theory"], s["citations"], s["sources"]
    shares = ", ".join(f"{k} {v:.0%}" for k, v in th["shares"].items()) or "no classified passages"
    console.print(f"[bold]Theory[/bold] ({th['classified_passages']} body passages): {shares}")
    rate = f"{ci['resolution_rate']:.0%}" if ci["resolution_rate"] is not None else "-"
    console.print(f"[bold]Citations[/bold] {ci['total']}, {rate} resolved "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(ci['by_status'].items()))})")
    console.print(f"[bold]Sources[/bold] {so['total']}: " + ", ".join(f"{k} {v}" for k, v in so["by_status"].items()))
    if so["by_reason"]:
        console.print(small("Sources by status and reason", ("status", "reason", "sources"),
                            [(r["status"], r["reason"], r["sources"]) for r in so["by_reason"]]))


@inspect_app.command("documents")
def inspect_documents(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                      output: Optional[Path] = _FILE, doc: Optional[str] = _DOCF,
                      status_: Optional[str] = typer.Option(None, "--status", metavar="STATUS",
                                                            help="Only ok, partial or failed documents."),
                      limit: Optional[int] = _LIMIT) -> None:
    """One row per document, failed ones included (from the manifest, with their reason)."""
    from pipeline.export import read_manifest

    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    where = _Where(out, "documents").doc(doc)
    cols, rows = _q(out, "SELECT doc_id, 'ok' AS status, path, title, year, doi, n_passages, n_references, "
                         f"n_entities, n_events, NULL AS error FROM documents WHERE {where.sql()} ORDER BY year, title")
    entries = read_manifest(out).documents.values()
    status = {e.doc_id: e for e in entries if e.doc_id and e.status == "partial"}
    rows = [list(r) for r in rows]
    for r in rows:
        if r[0] in status:
            r[1], r[-1] = "partial", status[r[0]].error
    if not doc:
        rows += [[e.doc_id, "failed", e.path, None, None, None, None, None, None, None,
                  f"{e.error} [{e.error_code}]" if e.error_code and f"[{e.error_code}]" not in (e.error or "") else e.error]
                 for e in sorted(entries, key=lambda e: e.path) if e.status == "failed"]
    if status_:
        from pipeline.datasets import FilterError, check_choice

        try:
            wanted = check_choice("--status", status_, ["ok", "partial", "failed"])
        except FilterError as exc:
            raise _usage(str(exc)) from None
        rows = [r for r in rows if r[1] == wanted]
    _emit("Documents", cols, rows, as_json, as_csv, "no documents match" if status_ else "no documents yet",
          limit, output)


@inspect_app.command("events")
def inspect_events(
    output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV, output: Optional[Path] = _FILE,
    doc: Optional[str] = _DOCF, since: Optional[str] = _SINCE, until: Optional[str] = _UNTIL,
    type_: Optional[str] = typer.Option(None, "--type", metavar="TYPE", help="PLOVER event type, e.g. AGREE."),
    actor: Optional[str] = _ACTOR, limit: Optional[int] = _LIMIT,
) -> None:
    """Events, filtered by document, date, type and actor (dated events first, in date order)."""
    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    where = (_Where(out, "events").doc(doc).dates(since, until, "date_start", "date_end")
             .choice("--type", type_, "event_type")
             .actor(actor, ("actor_codes", "target_codes"), ("actor_names", "target_names"), lists=True))
    cols, rows = _q(out, "SELECT doc_id, event_id, date_start, date_end, date_precision, event_type, quad_class, "
                         "actor_codes, target_codes, quantities, negated, hedged, evidence FROM events "
                         f"WHERE {where.sql()} ORDER BY date_start NULLS LAST, doc_id, event_id")
    _emit("Events", cols, rows, as_json, as_csv, "no events match", limit, output)


@inspect_app.command("entities")
def inspect_entities(
    output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV, output: Optional[Path] = _FILE,
    doc: Optional[str] = _DOCF, type_: Optional[str] = typer.Option(None, "--type", metavar="TYPE", help="Entity type: STATE, IGO, ORG, PERSON, LOC, FIN_SYSTEM (any case)."),
    actor: Optional[str] = _ACTOR, limit: Optional[int] = _LIMIT,
    top: Optional[int] = typer.Option(None, "--top", min=1, hidden=True, help="Old name of --limit."),
) -> None:
    """Entities across the corpus, most mentioned (in the body) first."""
    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    where = (_Where(out, "entities").doc(doc).choice("--type", type_, "type")
             .actor(actor, ("code",), ("name",), lists=False))
    cols, rows = _q(out, "SELECT name, type, code, country, sum(body_mentions) AS body_mentions, "
                         f"count(DISTINCT doc_id) AS documents FROM entities WHERE {where.sql()} GROUP BY ALL "
                         "ORDER BY body_mentions DESC, name")
    _emit("Entities", cols, rows, as_json, as_csv, "no entities match", limit or top, output)


@inspect_app.command("theory")
def inspect_theory(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                   output: Optional[Path] = _FILE, doc: Optional[str] = _DOCF,
                   limit: Optional[int] = _LIMIT) -> None:
    """Theory labels per section, sections in the order of the document ("uncertain": the model abstained)."""
    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    where = _Where(out, "passages").doc(doc)
    cols, rows = _q(out, "SELECT doc_id, section, theory_label, passages FROM (SELECT doc_id, section, "
                         "CASE WHEN theory_abstained THEN 'uncertain' ELSE theory_label END AS theory_label, "
                         "count(*) AS passages, min(start) AS label_start FROM passages WHERE kind = 'body' AND "
                         f"theory_label IS NOT NULL AND {where.sql()} GROUP BY 1, 2, 3) ORDER BY doc_id, "
                         "min(label_start) OVER (PARTITION BY doc_id, section), passages DESC, theory_label")
    _emit("Theory", cols, rows, as_json, as_csv, "no classified passages", limit, output)


@inspect_app.command("citations")
def inspect_citations(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                      output: Optional[Path] = _FILE, doc: Optional[str] = _DOCF,
                      status: Optional[str] = typer.Option(None, metavar="STATUS", help="resolved, unresolved or ambiguous."),
                      type_: Optional[str] = typer.Option(None, "--type", metavar="TYPE", help="author_year, footnote or numbered."),
                      support: Optional[str] = typer.Option(
                          None, metavar="STATUS", help="Whether the cited source says so: supported, partial, not_found or unverifiable."),
                      limit: Optional[int] = _LIMIT) -> None:
    """In-text citations, their resolution and whether the cited source supports the claim."""
    import typing

    from pipeline.model import Citation

    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    where = (_Where(out, "citations").doc(doc)
             .choice("--status", status, "status", list(typing.get_args(Citation.model_fields["status"].annotation)))
             .choice("--type", type_, "kind", list(typing.get_args(Citation.model_fields["kind"].annotation)))
             .choice("--support", support, "support_status", ["supported", "partial", "not_found", "unverifiable"]))
    cols, rows = _q(out, "SELECT doc_id, citation_id, kind, text, status, reference_id, support_status, "
                         "round(support_score, 2) AS support_score FROM citations "
                         f"WHERE {where.sql()} ORDER BY doc_id, start")
    _emit("Citations", cols, rows, as_json, as_csv, "no citations match", limit, output)


@inspect_app.command("sources")
def inspect_sources(output_dir: Optional[Path] = _OUT, as_json: bool = _JSON, as_csv: bool = _CSV,
                    output: Optional[Path] = _FILE, doc: Optional[str] = _DOCF,
                    status: Optional[str] = typer.Option(None, metavar="STATUS", help="Fetch status, e.g. failed."),
                    limit: Optional[int] = _LIMIT) -> None:
    """Cited sources, their fetch status and, when not fetched, the reason."""
    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    where = _Where(out, "sources").doc(doc).choice("--status", status, "status")
    cols, rows = _q(out, "SELECT doc_id, source_id, status, reason, url, source_doc_id FROM sources "
                         f"WHERE {where.sql()} ORDER BY doc_id, source_id")
    _emit("Sources", cols, rows, as_json, as_csv, "no sources match", limit, output)


@inspect_app.command("sql")
def inspect_sql(query_text: str = typer.Argument(..., metavar="SQL"), output_dir: Optional[Path] = _OUT,
                as_json: bool = _JSON, as_csv: bool = _CSV, output: Optional[Path] = _FILE,
                limit: Optional[int] = _LIMIT) -> None:
    """Any SQL over the views: documents, passages, entities, mentions, events, citations, references, sources, audit."""
    _formats(as_json, as_csv, output)
    out = _datasets_dir(output_dir)
    try:
        cols, rows = _q(out, query_text)
    except Exception as exc:  # duckdb's errors are the user's to read
        typer.echo(f"SQL error: {exc}", err=True)
        raise typer.Exit(2)
    _emit("Query", cols, rows, as_json, as_csv, "no rows", limit, output)


def main() -> None:  # pragma: no cover
    from pipeline.errors import StoreError

    try:
        app()
    except StoreError as err:  # a damaged or foreign corpus state (pipeline/store.py): one line, no traceback
        typer.echo(f"irpipe: {err}", err=True)
        raise SystemExit(3) from None


if __name__ == "__main__":  # pragma: no cover
    main()
