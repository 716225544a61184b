"""Export: atomic writes, ``document.json``, the run manifest (``index.json``), the JSON Schema.

Writes go to a uniquely named temporary file in the target folder and are renamed into place
(``os.replace`` is atomic on POSIX), so a crash or SIGKILL never leaves a half-written
``document.json``, and two writers never share a temporary (:mod:`pipeline.storage`). The sweep
(:func:`sweep_partials`) removes only temporaries that no live process can still be writing.

The manifest and the source links live in the output folder's store (:mod:`pipeline.store`);
``index.json`` and a source's ``cited_by`` are views of it, written from it.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from pipeline import storage
from pipeline.model import Document, Manifest, ManifestEntry
from pipeline.store import open_store

TMP_SUFFIX = storage.TMP_SUFFIX
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "document.schema.json"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    ``path`` may be an fsspec URL (see :mod:`pipeline.storage`).
    """
    storage.write_text_atomic(path, text)


def sweep_partials(output_dir: Path | str, max_age: float | None = None) -> int:
    """Remove temporaries left by killed writers; returns how many (rules in :mod:`pipeline.storage`).

    A temporary of a live process of this machine is never removed, so a concurrent run's files in
    flight are safe; ``max_age`` (default: the setting ``temp_max_age_seconds``) applies to the others.
    """
    if max_age is None:
        from pipeline.settings import get_settings

        max_age = get_settings().temp_max_age_seconds
    return storage.sweep_temporaries(output_dir, max_age)


def document_path(output_dir: Path | str, doc_id: str) -> Path | str:
    return storage.join(output_dir, doc_id, "document.json")


def write_document(doc: Document, output_dir: Path | str) -> Path | str:
    """Validate and write ``<output_dir>/<doc_id>/document.json`` atomically.

    ``cited_by`` is rebuilt from the store's links and the stage keys recorded there, under the
    store's write lock (:meth:`pipeline.store.Store.write_document`).
    """
    Document.model_validate(doc.model_dump())
    path = document_path(output_dir, doc.doc_id)
    open_store(output_dir).write_document(doc, path)
    return path


def load_document(path: Path | str) -> Document:
    return Document.model_validate_json(storage.read_text(path))


def read_manifest(output_dir: Path | str) -> Manifest:
    """The manifest of ``output_dir`` from its store. A damaged or newer state raises
    :class:`pipeline.errors.StoreError`; it is never read as empty."""
    return open_store(output_dir).manifest()


def record_result(output_dir: Path | str, *entries: ManifestEntry) -> None:
    """Add documents' outcomes to the manifest (one transaction; index.json rewritten from the store)."""
    if entries:
        open_store(output_dir).record(*entries)


def json_schema() -> dict:
    return Document.model_json_schema()


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    atomic_write_text(path, schema_text())
    return path
