"""``irpipe serve``: a local Prefect server, the deployments, the inbox watcher.

Deployments served with ``serve()``:

* ``process-inbox-file/inbox``: triggered by the event ``irpipe.inbox.file.ready`` that the
  watcher emits for each complete file in ``corpus/inbox/``;
* ``fetch-sources/on-demand``;
* ``refresh-corpus/nightly``: on a cron schedule (``serve_cron``, nightly by default).

Cron schedules do not fire against Prefect's ephemeral API, so unless ``PREFECT_API_URL``
is set, a Prefect server is started on 127.0.0.1, its health endpoint awaited, and it is
stopped on exit (SIGTERM or Ctrl-C). The watcher re-emits the event for any ready file that
the manifest does not know after ``serve_reconcile_seconds`` (reconciliation), so a lost
event never loses a document.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from prefect import flow

from flows.fetch_sources import fetch_sources
from flows.process_document import process_corpus
from flows.refresh import refresh_corpus
from pipeline.inbox import InboxWatcher, ServeLock, pending
from pipeline.settings import get_settings

EVENT = "irpipe.inbox.file.ready"


@flow(name="process-inbox-file")
def process_inbox_file(path: str, output_dir: str) -> list[dict]:
    """Process one file dropped in the inbox (a subflow per document, as ``irpipe run``)."""
    return process_corpus([path], output_dir)


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
                            start_new_session=True)
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


def watch_inbox(inbox: Path, output_dir: Path, stop: threading.Event, poll: float, reconcile: float) -> None:
    """Emit one event per ready file; re-emit for files the manifest still lacks after ``reconcile`` s."""
    from prefect.events import emit_event

    watcher = InboxWatcher(inbox)
    emitted: dict[str, float] = {}
    while not stop.is_set():
        try:
            for f in pending(watcher.poll(), output_dir):
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
        print(f"irpipe serve: Prefect API at {api_url}; inbox {inbox}; output {out}", flush=True)
        with temporary_settings({PREFECT_API_URL: api_url}):
            inbox_dep = process_inbox_file.to_deployment(
                name="inbox",
                parameters={"output_dir": str(out)},
                triggers=[DeploymentEventTrigger(expect={EVENT}, match={"prefect.resource.id": "irpipe.inbox.*"},
                                                 parameters={"path": "{{ event.payload.path }}", "output_dir": str(out)})],
            )
            fetch_dep = fetch_sources.to_deployment(name="on-demand", parameters={"doc_paths": None, "output_dir": str(out)})
            refresh_dep = refresh_corpus.to_deployment(name="nightly", cron=cron or settings.serve_cron,
                                                       parameters={"output_dir": str(out), "inbox": str(inbox)})
            thread = threading.Thread(target=watch_inbox, args=(inbox, out, stop, settings.serve_poll_seconds,
                                                                settings.serve_reconcile_seconds), daemon=True)
            thread.start()
            serve(inbox_dep, fetch_dep, refresh_dep, print_starting_message=False, limit=settings.serve_limit)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if server is not None:
            stop_server(server)
        lock.release()
        print("irpipe serve: stopped", flush=True)
    return 0
