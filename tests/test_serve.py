"""`irpipe serve`: a real Prefect server, an inbox-triggered deployment, the lock, SIGTERM, restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.inbox import InboxWatcher, ServeLock

from .conftest import ROOT

pytestmark = pytest.mark.slow


def test_half_written_file_waits(tmp_path):
    w = InboxWatcher(tmp_path)
    f = tmp_path / "a.txt"
    f.write_text("part one")
    (tmp_path / "b.txt.partial").write_text("never")
    assert w.poll() == []          # first sight: not yet known to be complete
    with open(f, "a") as fh:
        fh.write(" and part two")  # still being written
    assert w.poll() == []
    assert w.poll() == [f]         # unchanged over one interval: complete


def test_lock_is_exclusive(tmp_path):
    a, b = ServeLock(tmp_path), ServeLock(tmp_path)
    assert a.acquire() and not b.acquire()
    a.release()
    assert b.acquire()
    b.release()


def _start(env, out):
    proc = subprocess.Popen([sys.executable, "-m", "irpipe", "serve", "-o", str(out)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "Prefect API at" in line:
            return proc
        if proc.poll() is not None:
            raise AssertionError(f"serve exited: {proc.returncode}")
    raise AssertionError("serve did not start")


def _wait_for_doc(out: Path, name: str, timeout: float = 300) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        index = out / "index.json"
        if index.exists():
            for path, entry in json.loads(index.read_text())["documents"].items():
                if path.endswith(name) and entry["status"] == "ok" and Path(entry["output"]).exists():
                    return entry
        time.sleep(1)
    raise AssertionError(f"{name} was not processed within {timeout} s")


def _stop(proc) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    return rest


def test_serve_inbox_trigger_lock_sigterm_restart(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(IRPIPE_CORPUS_DIR=str(corpus), PREFECT_HOME=str(tmp_path / "prefect-home"),
               IRPIPE_SERVE_POLL_SECONDS="1", IRPIPE_SERVE_RECONCILE_SECONDS="20", PYTHONUNBUFFERED="1")
    proc = _start(env, out)
    try:
        second = subprocess.run([sys.executable, "-m", "irpipe", "serve", "-o", str(out)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 3 and "another irpipe serve" in second.stderr
        inbox = corpus / "inbox"
        tmp = inbox / "first.txt.partial"
        tmp.write_text("Russia and Iran signed a treaty in Moscow on January 17, 2025.\n\nIt covers energy.\n")
        tmp.rename(inbox / "first.txt")
        entry = _wait_for_doc(out, "first.txt")
        doc = json.loads(Path(entry["output"]).read_text())
        assert any(e["type"] == "AGREE" for e in doc["events"])
    finally:
        rest = _stop(proc)
    assert proc.returncode == 0 and "stopped" in rest
    # a file dropped while nothing serves is picked up after a restart
    (corpus / "inbox" / "second.txt").write_text("Moscow offered Tehran a loan in March 2021.\n")
    proc = _start(env, out)
    try:
        _wait_for_doc(out, "second.txt")
    finally:
        _stop(proc)
