"""``irpipe serve``: a local Prefect server, the deployments, the inbox watcher.

Deployments served with ``serve()``:

* ``process-inbox-file/inbox``: triggered by the event ``irpipe.inbox.file.ready`` that the
  watcher emits for each complete file in ``corpus/inbox/``;
* ``fetch-sources/on-demand``;
* ``refresh-corpus/nightly``: on a cron schedule (``serve_cron``, nightly by default).

Cron schedules do not fire against Prefect's ephemeral API, so unless ``PREFECT_API_URL``
is set, a Prefect server is started on 127.0.0.1, its health endpoint awaited, and it is
stopped on exit (SIGTERM or Ctrl-C). The watcher re-emits the event for any ready file that
the store does not know after ``serve_reconcile_seconds`` (reconciliation), so a lost
event never loses a document.

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
from flows.process_document import process_corpus
from flows.refresh import refresh_corpus
from pipeline import storage
from pipeline.inbox import InboxWatcher, ServeLock, pending
from pipeline.settings import get_settings

EVENT = "irpipe.inbox.file.ready"
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
    return Path(settings.corpus_dir) / "inbox", Path(settings.output_dir)


@flow(name="process-inbox-file")
def process_inbox_file(path: str, output_dir: str) -> list[dict]:
    """Process one file dropped in the inbox (a subflow per document, as ``irpipe run``).

    The parameters are checked here, not only by the watcher: anyone who reaches the Prefect API
    can start this flow."""
    inbox, allowed = _served_roots()
    out = served_output(output_dir, allowed)
    return process_corpus([str(served_file(path, inbox))], out)


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


def watch_inbox(inbox: Path, output_dir: Path, stop: threading.Event, poll: float, reconcile: float,
                api_url: str | None = None) -> None:
    """Emit one event per ready file; re-emit for files the store still lacks after ``reconcile`` s.

    Runs in its own thread, which does not inherit the caller's Prefect settings context: without
    ``api_url`` set here, ``emit_event`` would start an ephemeral API of its own (a child that a
    killed serve used to leave behind) and the events would never reach the served deployments.
    """
    if api_url:
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api_url}):
            return watch_inbox(inbox, output_dir, stop, poll, reconcile)
    from prefect.events import emit_event

    watcher = InboxWatcher(inbox)
    emitted: dict[str, float] = {}
    while not stop.is_set():
        try:
            for f in pending(watcher.poll(), output_dir, watcher.digest):
                last = emitted.get(str(f))
                if last is None or time.monotonic() - last > reconcile:
                    emit_event(event=EVENT, resource={"prefect.resource.id": f"irpipe.inbox.{f.name}"},
                               payload={"path": str(f)})
                    emitted[str(f)] = time.monotonic()
        except Exception as exc:  # the watcher must outlive a bad file or a busy API
            print(f"irpipe serve: inbox watcher: {exc}", file=sys.stderr)
        stop.wait(poll)


def serve_all(output_dir: str | None = None, cron: str | None = None) -> int:
    """Run until SIGTERM/Ctrl-C. Returns the exit code."""
    from prefect import serve
    from prefect.events.schemas.deployment_triggers import DeploymentEventTrigger
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = get_settings()
    corpus = Path(settings.corpus_dir)
    inbox = corpus / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    out = Path(output_dir or settings.output_dir).resolve()
    lock = ServeLock(corpus)
    if not lock.acquire():
        print(f"irpipe serve: another irpipe serve holds {lock.path}; not starting a second one", file=sys.stderr)
        return 3
    left = clean_previous(corpus)
    if left:
        print(f"irpipe serve: ended {len(left)} process(es) a previous serve left running: {left}", file=sys.stderr)
    # the flow runs (subprocesses) check their parameters against these: this serve's inbox and output
    os.environ["IRPIPE_CORPUS_DIR"] = str(corpus.resolve())
    os.environ["IRPIPE_OUTPUT_DIR"] = str(out)
    get_settings.cache_clear()
    server = None
    stop = threading.Event()

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        api_url = os.environ.get("PREFECT_API_URL")
        if not api_url:
            port = settings.serve_port or _free_port()
            server = start_server(port)
            api_url = f"http://127.0.0.1:{port}/api"
            os.environ["PREFECT_API_URL"] = api_url
        _write_pid_file(corpus, server)
        print(f"irpipe serve: Prefect API at {api_url}; inbox {inbox}; output {out}", flush=True)
        with temporary_settings({PREFECT_API_URL: api_url}):
            inbox_dep = process_inbox_file.to_deployment(
                name="inbox",
                parameters={"output_dir": str(out)},
                triggers=[DeploymentEventTrigger(expect={EVENT}, match={"prefect.resource.id": "irpipe.inbox.*"},
                                                 parameters={"path": "{{ event.payload.path }}", "output_dir": str(out)})],
            )
            fetch_dep = served_fetch_sources.to_deployment(name="on-demand",
                                                           parameters={"doc_paths": None, "output_dir": str(out)})
            refresh_dep = served_refresh.to_deployment(name="nightly", cron=cron or settings.serve_cron,
                                                       parameters={"output_dir": str(out), "inbox": str(inbox)})
            thread = threading.Thread(target=watch_inbox, args=(inbox, out, stop, settings.serve_poll_seconds,
                                                                settings.serve_reconcile_seconds, api_url), daemon=True)
            thread.start()
            serve(inbox_dep, fetch_dep, refresh_dep, print_starting_message=False, limit=settings.serve_limit)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        (corpus / PID_FILE).unlink(missing_ok=True)
        lock.release()
        print("irpipe serve: stopped", flush=True)
    return 0
