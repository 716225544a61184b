"""Labelled passages for training and evaluation, and the researcher's label files.

* **Gold** (``models/theory/data/gold/b*.jsonl``): paragraphs of 60-250 words labelled blind by two
  labellers under ``docs/theory-codebook.md`` (``models/theory/data/README.md``). Every passage has
  a ``source`` (its writer, or the published paper it comes from), the unit of the source-split
  evaluation: all passages of one source are in the same fold.
* **Legacy** (``models/theory/train.jsonl``, relabelled blind in ``data/raw/l04.jsonl``): short
  passages by the first-round developers, source ``legacy-dev``. Training only, never evaluated.
* **Researcher's files** (``irpipe train-theory --add FILE.csv``): the CSV written by ``irpipe
  theory export-labels`` with the person's label (and dimensions) filled in. Their source is the
  document, so a document's passages share a fold.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.theory.labels import ALL_DIMS, DIMENSIONS, LABELS, theories_of

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "theory"
DATA_DIR = MODEL_DIR / "data"
LEGACY_TEXTS = MODEL_DIR / "train.jsonl"
LEGACY_LABELS = DATA_DIR / "raw" / "l04.jsonl"
LEGACY_SOURCE = "legacy-dev"
# Round 4's written paragraphs (one writer, four registers): one source in every split, train only, so the
# source-split figures stay measured on the same gold passages as before (models/theory/README.md, round 4).
WRITTEN_SOURCE = "written-r4"
# Columns of the export for a person to fill in (the rest are the model's output, for reference).
YOUR_LABEL, YOUR_DIMENSIONS = "your_label", "your_dimensions"


@dataclass
class Example:
    """One labelled passage. ``dimensions`` is None when the labeller gave a label but no dimensions."""

    id: str
    text: str
    label: str
    dimensions: list[str] | None
    source: str
    origin: str  # the file it came from
    weight: float = 1.0
    evaluate: bool = True  # legacy passages are trained on, never evaluated
    meta: dict = field(default_factory=dict)


def file_record(path: Path, rows: int) -> dict:
    """Name, SHA-256 and row count of a label file, recorded in metrics.json and the model card."""
    return {"name": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "rows": rows}


def gold_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted((data_dir / "gold").glob("b*.jsonl"))


def _check(label: str, dims: list[str] | None, where: str) -> None:
    if label not in LABELS:
        raise ValueError(f"{where}: label {label!r} is not one of {', '.join(LABELS)}")
    if dims is None:
        return
    unknown = [d for d in dims if d not in ALL_DIMS]
    if unknown:
        raise ValueError(f"{where}: unknown dimension(s) {', '.join(unknown)}; use {', '.join(ALL_DIMS)}")
    present = {t for t in DIMENSIONS if any(d in DIMENSIONS[t] for d in dims)}
    if present != set(theories_of(label)):
        raise ValueError(f"{where}: dimensions {dims} do not fit label {label!r} (codebook §1: the label follows "
                         "from the dimensions)")


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_gold(paths: list[Path] | None = None) -> tuple[list[Example], list[dict]]:
    """Gold passages and a record per file; a passage without a ``source`` is refused."""
    out, records = [], []
    for path in paths if paths is not None else gold_files():
        rows = load_jsonl(path)
        for r in rows:
            where = f"{path.name}: {r.get('id')}"
            if not r.get("source"):
                raise ValueError(f"{where}: no source (needed for the source-split evaluation)")
            _check(r["label"], r["dimensions"], where)
            dims = r.get("dimensions")  # null: labelled, but the two labellers' dimensions did not fit the label
            out.append(Example(r["id"], r["text"], r["label"], None if dims is None else list(dims), r["source"], path.name,
                               meta={"register": r.get("register")}))
        records.append(file_record(path, len(rows)))
    return out, records


def load_legacy(texts: Path = LEGACY_TEXTS, labels: Path = LEGACY_LABELS) -> tuple[list[Example], list[dict]]:
    """The legacy short passages with the blind relabelling's labels (usable ones only); none without it."""
    if not (texts.exists() and labels.exists()):
        return [], []
    text_of = {r["id"]: r["text"] for r in load_jsonl(texts)}
    out = []
    rows = load_jsonl(labels)
    for r in rows:
        key = r["id"].removeprefix("legacy-")
        if not r.get("usable", True) or key not in text_of:
            continue
        _check(r["label"], r["dimensions"], f"{labels.name}: {r['id']}")
        out.append(Example(r["id"], text_of[key], r["label"], list(r["dimensions"]), LEGACY_SOURCE, labels.name,
                           evaluate=False))
    return out, [file_record(texts, len(text_of)), file_record(labels, len(rows))]


def written_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted((data_dir / "written").glob("r*[0-9].jsonl"))


def load_written(paths: list[Path] | None = None) -> tuple[list[Example], list[dict]]:
    """Written paragraphs labelled blind by two labellers: those both labelled alike, for training only.

    An adjudicated row (the labellers disagreed) is left out: only agreed labels join training
    (``data/README.md``). The dimensions are those both labellers ticked; if they do not fit the
    label (codebook §1), the passage trains the theory head but not the dimension classifiers.
    """
    out, records = [], []
    for path in paths if paths is not None else written_files():
        rows = load_jsonl(path)
        for r in rows:
            if r.get("label_A") is None or r.get("label_A") != r.get("label_B") or r.get("label") != r["label_A"]:
                continue
            dims = r.get("dimensions")
            try:
                _check(r["label"], dims, f"{path.name}: {r.get('id')}")
            except ValueError:
                if r["label"] not in LABELS:
                    raise
                dims = None
            out.append(Example(r["id"], r["text"], r["label"], None if dims is None else list(dims), WRITTEN_SOURCE,
                               path.name, evaluate=False, meta={"register": r.get("register")}))
        records.append(file_record(path, len(rows)))
    return out, records


def _split_dims(value: str) -> list[str]:
    return [d.strip() for d in value.replace(",", ";").split(";") if d.strip()]


def load_label_csv(path: Path, weight: float = 1.0) -> tuple[list[Example], dict]:
    """Rows of an exported CSV where the person filled in ``your_label`` (others are skipped).

    ``your_dimensions`` (ids separated by ``;``) may stay empty: the passage then trains the
    theory classifiers but not the dimension classifiers, unless the label is ``neither``
    (no dimension, by the codebook). Errors name the file and line.
    """
    out = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"doc_id", "passage_id", "text", YOUR_LABEL} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))} (write it with "
                             "`irpipe theory export-labels`)")
        n = 0
        for line, row in enumerate(reader, start=2):
            n += 1
            label = (row.get(YOUR_LABEL) or "").strip()
            if not label:
                continue
            dims_text = (row.get(YOUR_DIMENSIONS) or "").strip()
            dims = _split_dims(dims_text) if dims_text else ([] if label == "neither" else None)
            _check(label, dims, f"{path.name} line {line}")
            out.append(Example(f"{row['doc_id']}:{row['passage_id']}", row["text"], label, dims,
                               f"doc-{row['doc_id']}", path.name, weight=weight))
    return out, file_record(path, n)
