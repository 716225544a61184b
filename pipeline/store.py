"""The corpus state of one output folder, with one writer at a time: processes and threads alike.

What it holds (SQLite, standard library):

* **entries**: the manifest, one row per input path (status ok/partial/failed, doc_id, output, error,
  error_code, failed_stages, processed_at), in the order the paths were first seen;
* **documents**: for each written ``document.json`` its output, content SHA-256 and stage keys, so
  :func:`pipeline.process.is_up_to_date` asks the store instead of parsing the document
  (:meth:`Store.stage_keys`);
* **links**: article -> cited source, with the article's citing passage ids;
* **runs**: one row per ``process-corpus`` / ``fetch-sources`` run (started, finished, counts); a run
  killed on the way stays without ``finished_at``.

Where: ``<output>/.irpipe/store.sqlite3``. For an fsspec URL output (``s3://``, ``memory://``) SQLite
cannot live on the object store, so the store is a local file keyed by the URL,
``<project>/.cache/store/<digest of the URL>/`` (as the dataset staging folder is); the views are
written to the URL. Several machines writing one URL output each keep their own store, and the last
``index.json`` written wins, as it did before the store.

Views, rebuilt from the store, never read back by it: ``index.json`` (rewritten, atomically, inside
the transaction of every change to the entries, so views follow the commit order) and ``cited_by`` on a
source's ``document.json`` (rebuilt from the links whenever that document is written, by
:meth:`Store.write_document`, so re-processing the article or the source never loses a link).

Locking: SQLite's own, not a separate lock file (``filelock``). Every change runs in a ``BEGIN
IMMEDIATE`` transaction, which takes the database's write lock at once, so two writers, in two
processes or two threads, are serialised and each reads the state the previous one committed (no
lost update); a writer that finds the lock taken waits (``BUSY_TIMEOUT_S``) instead of failing. WAL
journaling lets readers (``is_up_to_date``, the inbox watcher, the datasets build) read the last
commit while a writer works. A lock that is part of the data cannot be forgotten by a code path that
writes the data, and the kernel releases it when its process dies, SIGKILL included; a lock file
beside the database would be a second thing to keep in step. WAL needs a local filesystem (it
shares memory between processes), which is why URL outputs keep the store locally. Each operation
opens its own connection, so connections are never shared between threads or inherited by a fork.

Nothing is silently replaced: a damaged store (E201) or one of a newer irpipe (E202), a legacy
``index.json`` (from before the store) that is damaged (E201) or newer (E202), and an ``index.json``
changed outside irpipe into something that is not a valid manifest (E203) are refused with
:class:`pipeline.errors.StoreError`, and a copy of the damaged file is kept beside it. An
``index.json`` changed outside irpipe that is still a valid manifest (an older irpipe wrote it, or a
crash came between writing the view and the commit) is merged: its entries the store lacks are
adopted, so nothing it lists is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from pydantic import ValidationError

from pipeline import storage
from pipeline.errors import S, StoreError
from pipeline.model import SCHEMA_VERSION, CitedBy, Document, Manifest, ManifestEntry

STORE_SCHEMA = 1
STORE_DIR = ".irpipe"
STORE_FILE = "store.sqlite3"
INDEX = "index.json"
# A writer waits this long for the write lock. The longest critical section is writing one
# document.json (well under a second), so a wait this long means a hung process, not contention.
BUSY_TIMEOUT_S = 300.0
#: How long to sleep between tries of switching a new store to WAL while another process holds it (seconds).
WAL_RETRY_S = 0.05


def _wal(conn: sqlite3.Connection) -> None:
    """Put the store in WAL mode (persistent in the file, so a no-op once done).

    Switching the journal mode needs the database to itself, and SQLite answers "database is locked" at once,
    without its busy handler, when another process is creating or switching the same new store: two workers
    starting on an empty output folder (seen in tests/test_store.py's two-process test). So the switch is tried
    again, up to :data:`BUSY_TIMEOUT_S`, as any other locked write waits.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(WAL_RETRY_S)


# sqlite3 result codes for a file that is not, or no longer, a database (SQLITE_CORRUPT, SQLITE_NOTADB)
_CORRUPT_CODES = (11, 26)

_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries (path TEXT PRIMARY KEY, doc_id TEXT, status TEXT NOT NULL, error TEXT,"
    " error_code TEXT, failed_stages TEXT NOT NULL DEFAULT '[]', output TEXT, processed_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_doc ON entries(doc_id)",
    "CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, output TEXT NOT NULL, sha256 TEXT,"
    " stage_keys TEXT NOT NULL, written_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS links (article TEXT NOT NULL, source TEXT NOT NULL,"
    " passage_ids TEXT NOT NULL DEFAULT '[]', linked_at TEXT NOT NULL, PRIMARY KEY (article, source))",
    "CREATE INDEX IF NOT EXISTS links_source ON links(source)",
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, flow TEXT NOT NULL, pid INTEGER,"
    " host TEXT, started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL, counts TEXT NOT NULL DEFAULT '{}')",
)
_ENTRY_COLUMNS = ("path", "doc_id", "status", "error", "error_code", "failed_stages", "output", "processed_at")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in str(version).split(".")[:2])
    except ValueError:
        return (10**6,)  # unparseable: treat as newer than anything, never as older


def _is_newer(version: str) -> bool:
    return _version_tuple(version) > _version_tuple(SCHEMA_VERSION)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{err.get('msg', 'invalid')} at {where}" if where else err.get("msg", "invalid")


def open_store(output_dir: storage.PathLike) -> "Store":
    """The store of ``output_dir`` (cheap: nothing is opened until used)."""
    return Store(output_dir)


class Store:
    """The corpus state of ``output_dir`` (see the module docstring)."""

    def __init__(self, output_dir: storage.PathLike):
        self.output_dir = output_dir
        self.index_path = storage.join(output_dir, INDEX)
        if storage.is_url(output_dir):
            from pipeline.settings import PROJECT_ROOT
            from pipeline.text.identifiers import short_digest

            self.dir = PROJECT_ROOT / ".cache" / "store" / short_digest(str(output_dir))
        else:
            self.dir = Path(output_dir) / STORE_DIR
        self.path = self.dir / STORE_FILE

    def exists(self) -> bool:
        return self.path.exists()

    # ------------------------------------------------------------ connections

    def _keep_copy(self, location: storage.PathLike, data: bytes) -> str:
        """A copy of a refused file beside it, named by its content (one copy per distinct content)."""
        copy = storage.join(storage.parent(location), f"{storage.name(location)}.rejected-{_sha(data)[:8]}")
        if not storage.exists(copy):
            storage.write_bytes_atomic(copy, data)
        return str(copy)

    def _refuse_corrupt(self, exc: BaseException) -> None:
        try:
            data = self.path.read_bytes()
        except OSError:
            data = b""
        copy = self._keep_copy(self.path, data)
        raise StoreError(self.path, S.E201, what="the corpus store", detail=str(exc).splitlines()[0][:200],
                         copy=copy) from None

    @contextmanager
    def _session(self, write: bool) -> Iterator[sqlite3.Connection]:
        """A connection; for ``write``, inside one ``BEGIN IMMEDIATE`` transaction committed at the end."""
        if write:
            self.dir.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES:
                self._refuse_corrupt(exc)
            raise
        try:
            try:
                _wal(conn)
                conn.execute("PRAGMA synchronous=NORMAL")
                if write:
                    conn.execute("BEGIN IMMEDIATE")
                    self._ensure(conn)
                else:
                    self._check_schema(conn)
                yield conn
                if write:
                    conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError) and \
                        getattr(exc, "sqlite_errorcode", None) in _CORRUPT_CODES:
                    self._refuse_corrupt(exc)
                raise
        finally:
            conn.close()

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection | None]:
        """A read connection, or None where there is no initialised store (none yet, or its creation
        was refused): the caller then falls back to a legacy index.json, never to an empty state."""
        if not self.exists():
            yield None
            return
        with self._session(write=False) as conn:
            yield conn if self._meta(conn, "store_schema") is not None else None

    def _meta(self, conn: sqlite3.Connection, key: str) -> str | None:
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return row[0] if row else None

    def _set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (key, value))

    def _check_schema(self, conn: sqlite3.Connection) -> bool:
        """True when the store is initialised; refuses a store of a newer irpipe."""
        found = self._meta(conn, "store_schema")
        if found is None:
            return False
        if int(found) > STORE_SCHEMA:
            raise StoreError(self.path, S.E202, what="the corpus store", found=found, ours=STORE_SCHEMA)
        return True

    def _ensure(self, conn: sqlite3.Connection) -> None:
        """Inside a write transaction: create the tables once, importing a legacy index.json."""
        if self._check_schema(conn):
            return
        for sql in _TABLES:
            conn.execute(sql)
        self._set_meta(conn, "store_schema", str(STORE_SCHEMA))
        self._set_meta(conn, "created_at", _now())
        legacy = self._read_legacy_index()
        if legacy is not None:
            self._upsert_entries(conn, legacy.documents.values())
            self._set_meta(conn, "view_sha", _sha(storage.read_bytes(self.index_path)))

    # ------------------------------------------------------------ index.json

    def _index_bytes(self) -> bytes | None:
        try:
            return storage.read_bytes(self.index_path) if storage.exists(self.index_path) else None
        except FileNotFoundError:
            return None

    def _parse_index(self, data: bytes, *, foreign_view: bool) -> Manifest:
        """A manifest from index.json bytes, strictly; refusals keep a copy of the file."""
        code = S.E203 if foreign_view else S.E201
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            copy = self._keep_copy(self.index_path, data)
            raise StoreError(self.index_path, code, what="index.json", detail=f"not JSON: {exc}"[:200],
                             copy=copy) from None
        if isinstance(raw, dict) and _is_newer(raw.get("schema_version", SCHEMA_VERSION)):
            self._keep_copy(self.index_path, data)
            raise StoreError(self.index_path, S.E202, what="index.json", found=raw.get("schema_version"),
                             ours=SCHEMA_VERSION)
        try:
            return Manifest.model_validate(raw)
        except ValidationError as exc:
            copy = self._keep_copy(self.index_path, data)
            raise StoreError(self.index_path, code, what="index.json", detail=_first_error(exc)[:200],
                             copy=copy) from None

    def _read_legacy_index(self) -> Manifest | None:
        data = self._index_bytes()
        return None if data is None else self._parse_index(data, foreign_view=False)

    def _write_view(self, conn: sqlite3.Connection) -> None:
        """Rewrite index.json from the entries (inside the write transaction)."""
        existing = self._index_bytes()
        if existing is not None and _sha(existing) != self._meta(conn, "view_sha"):
            foreign = self._parse_index(existing, foreign_view=True)
            known = {r[0] for r in conn.execute("SELECT path FROM entries")}
            self._upsert_entries(conn, [e for p, e in foreign.documents.items() if p not in known])
        text = self._view_text(conn).encode("utf-8")
        storage.write_bytes_atomic(self.index_path, text)
        self._set_meta(conn, "view_sha", _sha(text))

    def _view_text(self, conn: sqlite3.Connection) -> str:
        docs = {}
        for row in conn.execute(f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM entries ORDER BY rowid"):
            d = dict(zip(_ENTRY_COLUMNS, row))
            d["failed_stages"] = json.loads(d["failed_stages"])
            docs[d["path"]] = {k: d[k] for k in ManifestEntry.model_fields}
        return json.dumps({"schema_version": SCHEMA_VERSION, "documents": docs}, indent=1, ensure_ascii=False)

    def verify(self) -> None:
        """Check the store and index.json as the next write would, changing nothing (raises StoreError)."""
        existing = self._index_bytes()
        with self._reader() as conn:
            if conn is None:
                self._read_legacy_index()
            elif existing is not None and _sha(existing) != self._meta(conn, "view_sha"):
                self._parse_index(existing, foreign_view=True)

    # ------------------------------------------------------------ manifest

    @staticmethod
    def _upsert_entries(conn: sqlite3.Connection, entries) -> None:
        conn.executemany(
            f"INSERT INTO entries({', '.join(_ENTRY_COLUMNS)}) VALUES({', '.join('?' * len(_ENTRY_COLUMNS))}) "
            "ON CONFLICT(path) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _ENTRY_COLUMNS[1:]),
            [(e.path, e.doc_id, e.status, e.error, e.error_code, json.dumps(e.failed_stages), e.output,
              e.processed_at) for e in entries])

    def record(self, *entries: ManifestEntry) -> None:
        """Add or replace the entries of their paths, then rewrite index.json, in one transaction."""
        refused = None
        with self._session(write=True) as conn:
            self._upsert_entries(conn, entries)
            try:
                self._write_view(conn)
            except StoreError as exc:  # the view is refused, the entries are kept: nothing is lost
                refused = exc
        if refused is not None:
            raise refused

    def move_entry(self, old: str, new: str) -> None:
        """The entry of path ``old`` now under ``new`` (a served inbox file moved to ``done/`` or ``failed/``),
        so that a refresh finds the file where it is; one transaction, index.json rewritten."""
        with self._session(write=True) as conn:
            if conn.execute("SELECT 1 FROM entries WHERE path = ?", (old,)).fetchone() is None:
                return
            conn.execute("DELETE FROM entries WHERE path = ?", (new,))
            conn.execute("UPDATE entries SET path = ? WHERE path = ?", (new, old))
            self._write_view(conn)

    def entries(self) -> dict[str, ManifestEntry]:
        """The manifest's entries by path (from a legacy index.json while there is no store)."""
        with self._reader() as conn:
            if conn is None:
                legacy = self._read_legacy_index()
                return dict(legacy.documents) if legacy is not None else {}
            rows = conn.execute(f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM entries ORDER BY rowid").fetchall()
        out = {}
        for row in rows:
            d = dict(zip(_ENTRY_COLUMNS, row))
            d["failed_stages"] = json.loads(d["failed_stages"])
            out[d["path"]] = ManifestEntry(**d)
        return out

    def manifest(self) -> Manifest:
        return Manifest(documents=self.entries())

    def content_status(self) -> tuple[set[str], set[str]]:
        """(doc ids written, ok or partial; doc ids of contents that failed): what the inbox needs."""
        done: set[str] = set()
        failed: set[str] = set()
        for e in self.entries().values():
            if e.doc_id:
                (failed if e.status == "failed" else done).add(e.doc_id)
        return done, failed - done

    # ------------------------------------------------------------ documents and links

    def stage_keys(self, doc_id: str) -> dict[str, str] | None:
        """The stage keys of the last ``document.json`` written for ``doc_id`` (None: unknown)."""
        with self._reader() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT stage_keys FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def remember_document(self, doc_id: str, output: str, sha256: str | None, stage_keys: dict[str, str]) -> None:
        """Record the stage keys of a document written before the store existed (read from its provenance)."""
        with self._session(write=True) as conn:
            self._upsert_document(conn, doc_id, output, sha256, stage_keys)

    @staticmethod
    def _upsert_document(conn, doc_id: str, output: str, sha256: str | None, stage_keys: dict[str, str]) -> None:
        conn.execute(
            "INSERT INTO documents(doc_id, output, sha256, stage_keys, written_at) VALUES(?, ?, ?, ?, ?) "
            "ON CONFLICT(doc_id) DO UPDATE SET output = excluded.output, sha256 = excluded.sha256, "
            "stage_keys = excluded.stage_keys, written_at = excluded.written_at",
            (doc_id, output, sha256, json.dumps(stage_keys, sort_keys=True), _now()))

    @staticmethod
    def _links_to(conn, source: str) -> list[CitedBy]:
        rows = conn.execute("SELECT article, passage_ids FROM links WHERE source = ? ORDER BY rowid", (source,))
        return [CitedBy(doc_id=a, passage_ids=json.loads(p)) for a, p in rows]

    def cited_by(self, source: str) -> list[CitedBy]:
        """The articles that cite the document ``source``, with their citing passages."""
        with self._reader() as conn:
            return [] if conn is None else self._links_to(conn, source)

    def _write_doc(self, conn, doc: Document, location: storage.PathLike) -> None:
        known = {c.doc_id for c in self._links_to(conn, doc.doc_id)}
        adopt = [c for c in doc.cited_by if c.doc_id not in known]  # links written before the store
        conn.executemany("INSERT OR IGNORE INTO links(article, source, passage_ids, linked_at) VALUES(?, ?, ?, ?)",
                         [(c.doc_id, doc.doc_id, json.dumps(sorted(c.passage_ids)), _now()) for c in adopt])
        doc.cited_by = self._links_to(conn, doc.doc_id)
        storage.write_text_atomic(location, doc.model_dump_json(indent=1))
        self._upsert_document(conn, doc.doc_id, str(location), doc.source.sha256, doc.provenance.stage_keys)

    def write_document(self, doc: Document, location: storage.PathLike) -> None:
        """Write ``doc`` to ``location`` with ``cited_by`` rebuilt from the links, and record its stage keys.

        The file is written before the keys are recorded: a crash in between leaves keys that do not
        match, so the document is processed again, never skipped with a stale file.
        """
        with self._session(write=True) as conn:
            self._write_doc(conn, doc, location)

    def link(self, article: str, source: str, passage_ids: list[str], source_location: storage.PathLike | None = None) -> None:
        """Record that ``article`` cites ``source`` from ``passage_ids``; rewrite the source's document
        (its ``cited_by``) in the same transaction when ``source_location`` exists."""
        ids = json.dumps(sorted(passage_ids))
        with self._session(write=True) as conn:
            row = conn.execute("SELECT passage_ids FROM links WHERE article = ? AND source = ?", (article, source)).fetchone()
            if row is not None and row[0] == ids:
                return  # known link: the source's document already lists it (written from the store)
            conn.execute(
                "INSERT INTO links(article, source, passage_ids, linked_at) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(article, source) DO UPDATE SET passage_ids = excluded.passage_ids",
                (article, source, ids, _now()))
            if source_location is not None and storage.exists(source_location):
                doc = Document.model_validate_json(storage.read_text(source_location))
                self._write_doc(conn, doc, source_location)

    # ------------------------------------------------------------ runs

    def begin_run(self, flow: str, **counts: int) -> int:
        with self._session(write=True) as conn:
            cur = conn.execute("INSERT INTO runs(flow, pid, host, started_at, status, counts) VALUES(?, ?, ?, ?, ?, ?)",
                               (flow, os.getpid(), socket.gethostname(), _now(), "running", json.dumps(counts)))
            return int(cur.lastrowid)

    def end_run(self, run_id: int, status: str, **counts: int) -> None:
        with self._session(write=True) as conn:
            conn.execute("UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
                         (_now(), status, json.dumps(counts), run_id))

    def runs(self) -> list[dict]:
        with self._reader() as conn:
            if conn is None:
                return []
            cols = ("id", "flow", "pid", "host", "started_at", "finished_at", "status", "counts")
            rows = conn.execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY id").fetchall()
        return [{**dict(zip(cols, r)), "counts": json.loads(r[-1])} for r in rows]
