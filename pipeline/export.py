"""Export: atomic JSON writes, the run manifest (``index.json``), the JSON Schema.

Writes go to a temporary file in the target folder and are renamed into place
(``os.replace`` is atomic on POSIX), so a crash or SIGKILL never leaves a
half-written ``document.json``; stale temporaries are swept on the next run.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from pipeline import storage
from pipeline.model import Document, Manifest, ManifestEntry

TMP_SUFFIX = ".partial"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "document.schema.json"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    ``path`` may be an fsspec URL (see :mod:`pipeline.storage`).
    """
    if storage.is_url(path):
        storage.write_text_atomic_url(str(path), text)
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep_partials(output_dir: Path | str) -> int:
    """Remove temporaries left by a killed run; returns how many."""
    if storage.is_url(output_dir):
        fs, root = storage._fs(str(output_dir))
        stale = fs.glob(root.rstrip("/") + "/**/*" + TMP_SUFFIX) if fs.exists(root) else []
        for p in stale:
            fs.rm(p)
        return len(stale)
    output_dir = Path(output_dir)
    if not output_dir.exists():
        return 0
    n = 0
    for p in output_dir.rglob(f"*{TMP_SUFFIX}"):
        p.unlink(missing_ok=True)
        n += 1
    return n


def document_path(output_dir: Path | str, doc_id: str) -> Path | str:
    return storage.join(output_dir, doc_id, "document.json")


def write_document(doc: Document, output_dir: Path | str) -> Path | str:
    """Validate and write ``<output_dir>/<doc_id>/document.json`` atomically."""
    Document.model_validate(doc.model_dump())
    path = document_path(output_dir, doc.doc_id)
    atomic_write_text(path, doc.model_dump_json(indent=1))
    return path


def load_document(path: Path | str) -> Document:
    return Document.model_validate_json(storage.read_text(path))


def read_manifest(output_dir: Path | str) -> Manifest:
    path = storage.join(output_dir, "index.json")
    if storage.exists(path):
        try:
            return Manifest.model_validate_json(storage.read_text(path))
        except ValueError:
            pass  # an unreadable manifest is rebuilt by the run
    return Manifest()


def record_result(output_dir: Path | str, entry: ManifestEntry) -> None:
    """Add one document's outcome to the manifest (read-modify-atomic-write)."""
    manifest = read_manifest(output_dir)
    manifest.documents[entry.path] = entry
    atomic_write_text(storage.join(output_dir, "index.json"), manifest.model_dump_json(indent=1))


def json_schema() -> dict:
    return Document.model_json_schema()


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    atomic_write_text(path, schema_text())
    return path
