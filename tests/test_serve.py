"""`irpipe serve`: a real Prefect server, an inbox-triggered deployment, the lock, SIGTERM, restart."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.inbox import InboxWatcher, ServeLock, pending

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


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """``irpipe serve`` as a subprocess, its stdout read line by line in a thread."""

    def __init__(self, env, out, *args, until="ready"):
        import threading

        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "irpipe", "serve", "-o", str(out), "--port", str(self.port),
                                      *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(until, 600)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_for(self, needle: str, timeout: float = 300) -> str:
        deadline = time.time() + timeout
        while time.time() < deadline:
            for line in list(self.lines):
                if needle in line:
                    return line
            if self.proc.poll() is not None:
                time.sleep(0.5)
                raise AssertionError(f"serve exited ({self.proc.returncode}): {''.join(self.lines)[-2000:]}")
            time.sleep(0.3)
        raise AssertionError(f"no line with {needle!r} within {timeout} s: {''.join(self.lines)[-2000:]}")

    def stop(self) -> str:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=120)
        time.sleep(0.5)
        return "".join(self.lines)


def _start(env, out, until="Prefect UI at"):
    return Served(env, out, until=until)


def _stop(served) -> str:
    return served.stop()


def test_serve_talks_moves_files_and_survives_restart(tmp_path):
    """A real serve (Prefect server, warm worker): one line per file, done/ and failed/, a cumulative events table."""
    corpus, out, box = tmp_path / "corpus", tmp_path / "out", tmp_path / "box"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(IRPIPE_CORPUS_DIR=str(corpus), PREFECT_HOME=str(tmp_path / "prefect-home"),
               IRPIPE_SERVE_POLL_SECONDS="1", PYTHONUNBUFFERED="1")
    served = Served(env, out, "--inbox", str(box))
    try:
        assert f"Prefect UI at http://127.0.0.1:{served.port}" in served.wait_for("Prefect UI at")
        second = subprocess.run([sys.executable, "-m", "irpipe", "serve", "-o", str(out), "--port", str(_free_port())],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 3 and "another irpipe serve" in second.stderr
        tmp = box / "first.txt.partial"
        tmp.write_text("Russia and Iran signed a treaty in Moscow on January 17, 2025.\n\nIt covers energy.\n")
        tmp.rename(box / "first.txt")
        (box / "bad.bin").write_bytes(bytes(range(256)) * 4)
        assert "picked up first.txt" in served.wait_for("picked up first.txt")
        ok = served.wait_for(" first.txt doc_id=")
        assert ok.split()[1] == "ok" and ok.rstrip().endswith("-> done/first.txt") and " s (pipeline " in ok
        bad = served.wait_for(" bad.bin E0")
        assert bad.split()[1] == "failed" and "E002" in bad and bad.rstrip().endswith("-> failed/bad.bin")
        assert (box / "done" / "first.txt").exists() and not (box / "first.txt").exists()
        assert "E002" in (box / "failed" / "bad.bin.reason.txt").read_text()
        index = json.loads((out / "index.json").read_text())["documents"]
        entry = index[str(box / "done" / "first.txt")]  # the manifest follows the file
        assert entry["status"] == "ok" and str(box / "failed" / "bad.bin") in index
        doc = json.loads(Path(entry["output"]).read_text())
        assert any(e["type"] == "AGREE" for e in doc["events"])
        # the same content dropped again is not processed again
        (box / "again.txt").write_bytes((box / "done" / "first.txt").read_bytes())
        assert "already processed" in served.wait_for(" again.txt ")
    finally:
        rest = _stop(served)
    assert served.proc.returncode == 0 and "stopped" in rest
    assert "Traceback" not in rest and "Error" not in rest  # Prefect's shutdown noise stays in the log
    # a file dropped while nothing serves is picked up after a restart; events.csv is cumulative
    (box / "second.txt").write_text("Moscow offered Tehran a loan in March 2021.\n")
    served = Served(env, out, "--inbox", str(box))
    try:
        assert served.wait_for(" second.txt doc_id=").split()[1] == "ok"
        deadline = time.time() + 120
        while time.time() < deadline:
            rows = (out / "events.csv").read_text()
            if "2021" in rows:
                break
            time.sleep(1)
        assert "AGREE" in rows and "2021" in rows
    finally:
        _stop(served)


def test_watcher_skips_links_and_special_files_and_hashes_once(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    doc = inbox / "a.txt"
    doc.write_text("Iran and Russia signed a treaty.")
    (inbox / "link.txt").symlink_to(secret)
    (inbox / "inner-link.txt").symlink_to(doc)
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "folder.txt").mkdir()
    w = InboxWatcher(inbox)
    assert w.poll() == []
    for _ in range(5):
        assert w.poll() == [doc]
        assert w.digest(doc) == hashlib.sha256(doc.read_bytes()).hexdigest()[:16]
    assert w.hashed == 1  # read once, not on every poll
    doc.write_text("Iran and Russia signed a treaty in 2025.")
    os.utime(doc, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert w.poll() == []  # changed: settles first
    assert w.poll() == [doc] and w.digest(doc) and w.hashed == 2


def test_failed_file_replaced_by_a_fixed_one_is_retried(tmp_path):
    from pipeline.export import now_iso, record_result
    from pipeline.inbox import content_id
    from pipeline.model import ManifestEntry

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    f = inbox / "paper.txt"
    f.write_bytes(b"\xff\xfe\x00garbage")
    record_result(out, ManifestEntry(path=str(f), doc_id=content_id(f), status="failed", error="bad", error_code="E007",
                                     processed_at=now_iso()))
    assert pending([f], out) == []  # the same bad bytes are not tried again
    f.write_text("Iran and Russia signed a treaty.")
    assert pending([f], out) == [f]  # same name, new content: processed
    record_result(out, ManifestEntry(path=str(f), doc_id=content_id(f), status="ok", output="x", processed_at=now_iso()))
    assert pending([f], out) == []


def test_served_flows_refuse_paths_outside(prefect_harness, tmp_path, monkeypatch):
    """Anyone who reaches the Prefect API can start these: the flows check their own parameters."""
    from flows.serve import ServeRefused, process_inbox_file, served_fetch_sources, served_file, served_output, \
        served_refresh
    from pipeline.settings import get_settings

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    inbox = corpus / "inbox"
    inbox.mkdir(parents=True)
    out.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    good = inbox / "good.txt"
    good.write_text("Iran and Russia signed a treaty.")
    (inbox / "link.txt").symlink_to(secret)
    (inbox / "sub").mkdir()
    monkeypatch.setenv("IRPIPE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("IRPIPE_OUTPUT_DIR", str(out))
    get_settings.cache_clear()
    try:
        refused = [("/etc/passwd", str(out)), (str(inbox / "link.txt"), str(out)),
                   (str(inbox / "sub" / ".." / ".." / "secret.txt"), str(out)), (str(inbox / "missing.txt"), str(out)),
                   (str(good), str(tmp_path / "elsewhere")), (str(good), str(out / ".." / "elsewhere")),
                   (str(good), "/etc")]
        for path, output_dir in refused:
            with pytest.raises(ServeRefused):
                process_inbox_file(path, output_dir)
        with pytest.raises(ServeRefused):
            served_fetch_sources(["/etc/passwd"], str(out))
        with pytest.raises(ServeRefused):
            served_refresh(str(tmp_path / "elsewhere"))
        with pytest.raises(ServeRefused):
            served_refresh(str(out), inbox=str(tmp_path))
        assert not (tmp_path / "elsewhere").exists() and not any(out.iterdir())
        # what is allowed: a regular file of the inbox, the output folder or one inside it
        assert served_file(str(good), inbox) == good.resolve()
        assert served_output(str(out / "batch"), out) == str((out / "batch").resolve())
    finally:
        get_settings.cache_clear()


def test_clean_previous_ends_only_leftovers(tmp_path):
    from flows.serve import PID_FILE, _proc_stat, clean_previous

    code = "import time; time.sleep(300)"
    leftover = subprocess.Popen([sys.executable, "-c", code, "prefect.engine"], start_new_session=True)
    unrelated = subprocess.Popen([sys.executable, "-c", code, "prefect"], start_new_session=True)
    other_name = subprocess.Popen([sys.executable, "-c", code, "something"], start_new_session=True)
    try:
        time.sleep(0.5)
        older = _proc_stat(unrelated.pid)[1]
        (tmp_path / PID_FILE).write_text(json.dumps({"serve": 1, "serve_pgid": leftover.pid, "started_ticks": 0,
                                                     "server": None, "server_pgid": other_name.pid}))
        assert clean_previous(tmp_path) == [leftover.pid]
        assert leftover.wait(timeout=30) is not None
        assert unrelated.poll() is None and other_name.poll() is None  # not in the groups / not Prefect
        assert not (tmp_path / PID_FILE).exists()
        # a process of a recorded group that started before the previous serve is not one of its children
        (tmp_path / PID_FILE).write_text(json.dumps({"serve_pgid": unrelated.pid, "started_ticks": older + 1}))
        assert clean_previous(tmp_path) == []
    finally:
        for p in (leftover, unrelated, other_name):
            p.kill()
            p.wait()


def test_sigkilled_serve_takes_its_server_along(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(IRPIPE_CORPUS_DIR=str(corpus), PREFECT_HOME=str(tmp_path / "prefect-home"), PYTHONUNBUFFERED="1")
    proc = _start(env, out)
    record = json.loads((corpus / ".irpipe-serve.pid").read_text())
    assert record["serve"] == proc.pid and record["server"]
    os.kill(proc.pid, signal.SIGKILL)  # serve alone, not its group
    proc.proc.wait()
    deadline = time.time() + 60
    while time.time() < deadline and Path(f"/proc/{record['server']}").exists():
        time.sleep(0.5)
    assert not Path(f"/proc/{record['server']}").exists()  # PR_SET_PDEATHSIG: gone with serve
    proc = _start(env, out)  # the lock died with the old serve; the pid file is taken over
    try:
        assert json.loads((corpus / ".irpipe-serve.pid").read_text())["serve"] == proc.pid
    finally:
        _stop(proc)
    assert not (corpus / ".irpipe-serve.pid").exists()
