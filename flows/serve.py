"""``irpipe serve``: a local Prefect server, warm workers for the inbox, the served deployments.

The inbox (``<corpus_dir>/inbox/`` or ``--inbox DIR``) is watched by a thread of the serve process
(:func:`watch_inbox`). Each complete file whose content the store does not know yet is processed by
the ``process-inbox-file`` flow, run in the serve process (so it appears in the Prefect UI), whose
work goes to a warm worker process (:class:`flows.workers.WarmPool`): the models are loaded once,
when serve starts, not once per file. A fresh process per file (the deployment runs of earlier
versions) spent about 15 s of each inbox file's 30 s loading spaCy and MiniLM.

Each file gets two lines on stdout: ``picked up`` and its outcome (ok, partial or failed, the code,
the doc_id, the seconds). A processed file is then moved to ``inbox/done/``, a failed one to
``inbox/failed/`` beside a ``<name>.reason.txt``; the manifest entry follows the file. Content
already processed (the same bytes dropped again) is moved to ``done/`` without work; content that
failed before goes to ``failed/`` without a retry. The corpus tables and ``events.csv`` (every
document's events, cumulative) are rebuilt after each file.

Deployments served with ``serve()``: ``fetch-sources/on-demand`` and ``refresh-corpus/nightly``
(on a cron schedule, ``serve_cron``). Cron schedules do not fire against Prefect's ephemeral API,
so unless ``PREFECT_API_URL`` is set, a Prefect server is started on 127.0.0.1 at ``serve_port``
(4280 unless ``--port``), its health endpoint awaited, and it is stopped on exit (SIGTERM or
Ctrl-C). Its database lives in ``PREFECT_HOME``, which the project sets inside the checkout
(``.cache/prefect-home``), so each checkout has its own runs. Prefect's log, its shutdown
messages included, goes to ``<output-dir>/logs/irpipe.log`` (the command routes it there).

A shared machine: the Prefect API has no authentication, so any local process that reaches it
can start a served flow run with parameters of its choosing. The served flows therefore check
their parameters themselves, whoever triggered them: ``process-inbox-file`` reads only a regular
file inside the inbox (symbolic links resolved, ``..`` refused) and every served flow writes only
inside the configured output folder (``served_file``, ``served_output``). The server listens on
127.0.0.1 only; it must never be exposed beyond loopback.

Dying: the Prefect server is a child that gets SIGTERM when serve dies, SIGKILL included
(``prctl(PR_SET_PDEATHSIG)`` on Linux). ``corpus/.irpipe-serve.pid`` records serve's process
group and the server's; a restart (which holds the serve lock, so the previous serve is gone)
ends what is left of them: processes of those groups that run Prefect and started after the
previous serve did (so a recycled process id is never taken for one of them).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows.fetch_sources import fetch_sources
from flows.process_document import _with_content_id, manifest_entry, write_cumulative_events_csv
from flows.refresh import refresh_corpus
from flows.workers import WORKER_RSS_MB, WarmPool, lost_worker, process_one
from pipeline import storage
from pipeline.export import record_result
from pipeline.inbox import InboxWatcher, ServeLock, content_id
from pipeline.settings import get_settings

PID_FILE = ".irpipe-serve.pid"
# Seconds a process left by a previous serve gets between SIGTERM and SIGKILL.
CLEANUP_GRACE_S = 10.0


class ServeRefused(PermissionError):
    """A served flow run's parameter points outside what serve may read or write."""


def _no_dotdot(value: str, what: str) -> None:
    if ".." in Path(value).parts:
        raise ServeRefused(f"{value}: refused: the {what} may not contain '..'")


def served_file(path: str, inbox: Path) -> Path:
    """``path`` resolved, if it is a regular file inside ``inbox`` and not a symbolic link; else ServeRefused."""
    if not path:
        raise ServeRefused("refused: no path given")
    _no_dotdot(path, "path")
    given = Path(path)
    try:
        real = given.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ServeRefused(f"{path}: refused: it does not exist") from None
    root = inbox.resolve()
    if not real.is_relative_to(root):
        raise ServeRefused(f"{path}: refused: not inside the inbox {root} (links resolved); "
                           "the served flow processes only files dropped there")
    if given.is_symlink() or not real.is_file():
        raise ServeRefused(f"{path}: refused: not a regular file (links are not followed)")
    return real


def served_output(output_dir: str, allowed: Path) -> str:
    """``output_dir`` resolved, if it is the configured output folder or inside it; else ServeRefused."""
    if not output_dir or storage.is_url(output_dir):
        raise ServeRefused(f"{output_dir or '(none)'}: refused: the served flows write to a local folder only")
    _no_dotdot(output_dir, "output folder")
    real, root = Path(output_dir).resolve(), allowed.resolve()
    if real != root and not real.is_relative_to(root):
        raise ServeRefused(f"{output_dir}: refused: not inside the configured output folder {root}")
    return str(real)


def _served_roots() -> tuple[Path, Path]:
    """(inbox, output folder) of this serve: its settings, which serve_all passes to every flow run."""
    settings = get_settings()
    inbox = Path(settings.serve_inbox) if settings.serve_inbox else Path(settings.corpus_dir) / "inbox"
    return inbox, Path(settings.output_dir)


# The warm worker pool of this serve process (None outside serve: the flow then works in-process).
_POOL: WarmPool | None = None
# Work the dispatcher started before the flow run existed (path -> Dask future): creating a flow run
# costs several API round trips, which the worker need not wait for.
_STARTED: dict[str, object] = {}


@flow(name="process-inbox-file", flow_run_name="inbox: {path}", log_prints=False)
def process_inbox_file(path: str, output_dir: str) -> dict:
    """Process one file dropped in the inbox on a warm worker; returns its record (status, doc_id, error).

    The parameters are checked here, not only by the watcher: anyone who reaches the Prefect API
    can start a flow run."""
    inbox, allowed = _served_roots()
    out = served_output(output_dir, allowed)
    real = str(served_file(path, inbox))
    settings = get_settings()
    sha = _file_sha(real)
    started = _STARTED.pop(real, None)
    if _POOL is None and started is None:
        result = process_one(real, out, settings)
    else:
        try:
            result = (started or _POOL.submit(real, out, settings)).result()
        except Exception as exc:  # noqa: BLE001 - the worker died under this file
            result = lost_worker(real, exc)
    result = _with_content_id(result, {real: sha})
    record_result(out, manifest_entry(result))
    return result


def _file_sha(path: str) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@flow(name="fetch-sources", task_runner=ThreadPoolTaskRunner(max_workers=4))
def served_fetch_sources(doc_paths: list[str] | None = None, output_dir: str | None = None,
                         offline: bool = False) -> dict:
    """``fetch-sources`` as served: the documents and the output folder must be inside the output folder."""
    _, allowed = _served_roots()
    out = served_output(output_dir or str(allowed), allowed)
    docs = None
    if doc_paths:
        docs = []
        for p in doc_paths:
            _no_dotdot(p, "document path")
            real = Path(p).resolve()
            if not real.is_relative_to(Path(out)):
                raise ServeRefused(f"{p}: refused: not a document of the output folder {out}")
            docs.append(str(real))
    return fetch_sources.fn(docs, out, offline=offline)


@flow(name="refresh-corpus", log_prints=False)
def served_refresh(output_dir: str | None = None, offline: bool = False, inbox: str | None = None) -> dict:
    """``refresh-corpus`` as served: only the configured output folder and inbox."""
    box, allowed = _served_roots()
    out = served_output(output_dir or str(allowed), allowed)
    if inbox is not None:
        _no_dotdot(inbox, "inbox")
        if Path(inbox).resolve() != box.resolve():
            raise ServeRefused(f"{inbox}: refused: not the inbox {box.resolve()}")
    return refresh_corpus.fn(out, offline=offline, inbox=str(box))


# ------------------------------------------------------------------ children and leftovers


def _parent_death_signal():
    """A ``preexec_fn`` for Popen: on Linux the child gets SIGTERM when this process dies, SIGKILL
    included (``prctl(PR_SET_PDEATHSIG)``); ``None`` elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # resolved before the fork: nothing to load in the child
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM))
        if os.getppid() != parent:  # the parent died before the call: the signal will never come
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(process group, start time in clock ticks since boot) of a live process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[2]), int(fields[19])  # pgrp, starttime (fields 5 and 22 of proc(5))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _leftovers(record: dict) -> list[int]:
    """Processes of a previous serve's groups that run Prefect and started after it."""
    groups = {g for g in (record.get("serve_pgid"), record.get("server_pgid")) if isinstance(g, int)}
    since = record.get("started_ticks", 0)
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        st = _proc_stat(int(entry.name))
        if st and st[0] in groups and st[1] >= since and "prefect" in _cmdline(int(entry.name)):
            found.append(int(entry.name))
    return found


def clean_previous(corpus: Path) -> list[int]:
    """End what a killed serve left (its pid file says what); returns the process ids signalled."""
    pid_file = corpus / PID_FILE
    try:
        record = json.loads(pid_file.read_text())
    except (OSError, ValueError):
        return []
    pids = _leftovers(record)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + CLEANUP_GRACE_S
    while time.monotonic() < deadline and any(_proc_stat(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        if _proc_stat(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    pid_file.unlink(missing_ok=True)
    return pids


def _write_pid_file(corpus: Path, server: subprocess.Popen | None) -> None:
    own = _proc_stat(os.getpid())
    record = {"serve": os.getpid(), "serve_pgid": os.getpgid(0), "started_ticks": own[1] if own else 0,
              "server": server.pid if server else None, "server_pgid": server.pid if server else None}
    storage.write_text_atomic(corpus / PID_FILE, json.dumps(record))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, timeout: float = 120.0) -> subprocess.Popen:
    """``prefect server start`` on 127.0.0.1:port; returns once /api/health answers."""
    import httpx

    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=_parent_death_signal())
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with code {proc.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"prefect server did not answer {url} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def say(message: str) -> None:
    """One line on stdout (what a person watching serve reads) and in the log."""
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)
    logging.getLogger("irpipe").info("serve: %s", message)


def _destination(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/<stem>.<n><suffix>`` when a file of that name is already there."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    n = 1
    while target.exists():
        p = Path(name)
        target = folder / f"{p.stem}.{n}{p.suffix}"
        n += 1
    return target


def settle(path: Path, inbox: Path, output_dir: Path, result: dict) -> Path | None:
    """Move a handled inbox file to ``done/`` (ok, partial) or ``failed/`` (with ``<name>.reason.txt``), and
    its manifest entry with it; returns where it went (None: it could not be moved, it stays)."""
    from pipeline.store import open_store

    failed = result["status"] == "failed"
    target = _destination(inbox / ("failed" if failed else "done"), path.name)
    try:
        os.replace(path, target)
    except OSError as exc:
        say(f"could not move {path.name} out of the inbox: {exc}")
        return None
    if failed:
        reason = f"{result.get('error') or 'failed'}\ncode: {result.get('error_code') or '-'}\n"
        storage.write_text_atomic(target.with_name(target.name + ".reason.txt"), reason)
    open_store(output_dir).move_entry(str(path), str(target))
    return target


def _outcome_line(name: str, result: dict, seconds: float, moved: Path | None, inbox: Path) -> str:
    where = f" -> {moved.relative_to(inbox)}" if moved is not None else ""
    code = f" {result.get('error_code')}" if result["status"] != "ok" and result.get("error_code") else ""
    doc = f" doc_id={result['doc_id']}" if result.get("doc_id") else ""
    # the worker's own time beside the whole: what the pipeline took, and what waiting and bookkeeping added
    work = f" (pipeline {result['seconds']:.1f} s)" if isinstance(result.get("seconds"), (int, float)) else ""
    line = f"{result['status']:<9} {name}{code}{doc} {seconds:.1f} s{work}{where}"
    if result["status"] != "ok" and result.get("error"):
        line += f"\n          {result['error'].splitlines()[0]}"
    return line


class Dispatcher:
    """Hands ready inbox files to the ``process-inbox-file`` flow, one thread per warm worker, and
    settles them; rebuilds the corpus tables after each file (one rebuild at a time)."""

    def __init__(self, inbox: Path, output_dir: Path, threads: int, api_url: str | None):
        from concurrent.futures import ThreadPoolExecutor

        self.inbox, self.output_dir, self.api_url = inbox, output_dir, api_url
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="irpipe-inbox")
        self.in_flight: set[str] = set()
        self._lock = threading.Lock()
        self._tables = threading.Lock()
        self.handled: list[dict] = []

    def busy(self, path: Path) -> bool:
        with self._lock:
            return str(path) in self.in_flight

    def submit(self, path: Path) -> None:
        with self._lock:
            self.in_flight.add(str(path))
        say(f"picked up {path.name}")
        self.executor.submit(self._handle, path, time.monotonic())

    def _settings_context(self):
        from contextlib import nullcontext

        if not self.api_url:
            return nullcontext()
        from prefect.settings import PREFECT_API_URL, temporary_settings

        return temporary_settings({PREFECT_API_URL: self.api_url})

    def _handle(self, path: Path, t0: float) -> None:
        try:
            if _POOL is not None:  # start the work now; the flow run below picks it up
                real = str(served_file(str(path), self.inbox))
                _STARTED[real] = _POOL.submit(real, str(self.output_dir))
            with self._settings_context():  # a thread does not inherit the serve's Prefect settings
                state = process_inbox_file(str(path), str(self.output_dir), return_state=True)
            result = state.result(raise_on_failure=False)
            if not isinstance(result, dict):  # the flow itself failed (refused, or a bug)
                result = {"path": str(path), "status": "failed", "doc_id": content_id(path),
                          "error": f"{path}: {state.message or result}", "error_code": "E013"}
            seconds = time.monotonic() - t0
            moved = settle(path, self.inbox, self.output_dir, result)
            say(_outcome_line(path.name, result, seconds, moved, self.inbox))
            self.handled.append({**result, "seconds": seconds})
        except Exception as exc:  # noqa: BLE001 - the dispatcher must outlive any one file
            say(f"failed    {path.name}: {type(exc).__name__}: {exc}")
            logging.getLogger("irpipe").error("inbox file %s", path, exc_info=True)
        finally:
            with self._lock:
                self.in_flight.discard(str(path))
        self.refresh_tables()

    def refresh_tables(self) -> None:
        """The corpus tables and the cumulative events.csv; a rebuild already waiting covers this file too."""
        if not self._tables.acquire(blocking=False):
            return
        try:
            from pipeline.datasets import build_datasets

            build_datasets(str(self.output_dir))
            write_cumulative_events_csv(str(self.output_dir))
        except Exception:  # noqa: BLE001 - a table error must not stop the inbox
            logging.getLogger("irpipe").error("corpus tables", exc_info=True)
            say("the corpus tables could not be rebuilt (see the log)")
        finally:
            self._tables.release()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def watch_inbox(inbox: Path, output_dir: Path, stop: threading.Event, poll: float, dispatcher: Dispatcher) -> None:
    """Hand every ready file to the dispatcher; move content seen before out of the inbox without work.

    Runs in its own thread. A file is decided by its content (the store's doc ids): new content is
    processed, content already processed goes to ``done/``, content that failed goes to ``failed/``.
    """
    from pipeline.store import open_store

    watcher = InboxWatcher(inbox)
    while not stop.is_set():
        try:
            ready = [f for f in watcher.poll() if not dispatcher.busy(f)]
            if ready:
                done, failed = open_store(output_dir).content_status()
                for f in ready:
                    doc_id = watcher.digest(f)
                    if doc_id is None:
                        continue
                    if doc_id in done or doc_id in failed:
                        known = {"path": str(f), "doc_id": doc_id, "status": "failed" if doc_id in failed else "ok",
                                 "error": f"{f}: the same content failed before (not retried); see the manifest",
                                 "error_code": None}
                        moved = settle(f, inbox, output_dir, known)
                        label, why = (("skipped", "already processed") if known["status"] == "ok"
                                      else ("failed", "this content failed before; not retried"))
                        say(f"{label:<9} {f.name} doc_id={doc_id} 0.0 s: {why}"
                            + (f" -> {moved.relative_to(inbox)}" if moved else ""))
                        continue
                    dispatcher.submit(f)
        except Exception as exc:  # the watcher must outlive a bad file or a busy store
            say(f"inbox watcher: {type(exc).__name__}: {exc}")
        stop.wait(poll)


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def serve_all(output_dir: str | None = None, cron: str | None = None, inbox: str | None = None,
              port: int | None = None) -> int:
    """Run until SIGTERM/Ctrl-C. Returns the exit code."""
    global _POOL
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = get_settings()
    corpus = Path(settings.corpus_dir)
    box = Path(inbox or settings.serve_inbox or corpus / "inbox").resolve()
    box.mkdir(parents=True, exist_ok=True)
    out = Path(output_dir or settings.output_dir).resolve()
    port = settings.serve_port if port is None else port
    if not os.environ.get("PREFECT_API_URL") and port and port_in_use(port):
        print(f"irpipe serve: port {port} is in use (another Prefect server or serve?); choose another with --port",
              file=sys.stderr)
        return 2
    lock = ServeLock(corpus)
    if not lock.acquire():
        print(f"irpipe serve: another irpipe serve holds {lock.path}; not starting a second one", file=sys.stderr)
        return 3
    left = clean_previous(corpus)
    if left:
        print(f"irpipe serve: ended {len(left)} process(es) a previous serve left running: {left}", file=sys.stderr)
    # the flow runs check their parameters against these: this serve's inbox and output
    os.environ["IRPIPE_CORPUS_DIR"] = str(corpus.resolve())
    os.environ["IRPIPE_OUTPUT_DIR"] = str(out)
    os.environ["IRPIPE_SERVE_INBOX"] = str(box)
    get_settings.cache_clear()
    settings = get_settings()
    server = None
    stop = threading.Event()
    dispatcher = None

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        api_url = os.environ.get("PREFECT_API_URL")
        if not api_url:
            port = port or _free_port()
            server = start_server(port)
            api_url = f"http://127.0.0.1:{port}/api"
            os.environ["PREFECT_API_URL"] = api_url
        _write_pid_file(corpus, server)
        ui = api_url.removesuffix("/api")
        print(f"irpipe serve: Prefect UI at {ui} (API {api_url}); inbox {box}; output {out}", flush=True)
        n = max(1, min(settings.serve_workers, settings.memory_budget_mb // WORKER_RSS_MB))
        print(f"irpipe serve: loading the models in {n} worker process(es)...", flush=True)
        _POOL = WarmPool(n, settings).start()
        print(f"irpipe serve: ready ({', '.join(f'{s:.0f}' for s in _POOL.warm_seconds)} s to load); watching {box}",
              flush=True)
        dispatcher = Dispatcher(box, out, n, api_url)
        with temporary_settings({PREFECT_API_URL: api_url}):
            fetch_dep = served_fetch_sources.to_deployment(name="on-demand",
                                                           parameters={"doc_paths": None, "output_dir": str(out)})
            refresh_dep = served_refresh.to_deployment(name="nightly", cron=cron or settings.serve_cron,
                                                       parameters={"output_dir": str(out), "inbox": str(box)})
            thread = threading.Thread(target=watch_inbox, args=(box, out, stop, settings.serve_poll_seconds, dispatcher),
                                      daemon=True, name="irpipe-inbox-watcher")
            thread.start()
            serve(fetch_dep, refresh_dep, print_starting_message=False, limit=settings.serve_limit)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if dispatcher is not None:
            dispatcher.close()
        if _POOL is not None:
            _POOL.close()
            _POOL = None
        if server is not None:
            stop_server(server)
        (corpus / PID_FILE).unlink(missing_ok=True)
        lock.release()
        print("irpipe serve: stopped", flush=True)
    return 0
