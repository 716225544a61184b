"""The commands people type: audit and timeline on the reference article (no Prefect needed)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ARTICLE


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "irpipe", *args], capture_output=True, text=True, timeout=300)


def test_audit_table():
    r = _cli("audit", str(ARTICLE))
    assert r.returncode == 0
    assert "unmatched_citation" in r.stdout and "Parker, 2017" in r.stdout and "Haass" in r.stdout


def test_timeline_json_is_chronological():
    r = _cli("timeline", str(ARTICLE), "--json")
    events = json.loads(r.stdout)
    dates = [e["date"]["start"] for e in events if e.get("date") and e["date"].get("start")]
    assert dates == sorted(dates) and len(dates) >= 10


def test_bad_file_one_line(tmp_path):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    r = _cli("audit", str(bad))
    assert r.returncode == 1 and r.stderr.strip().count("\n") == 0 and "empty" in r.stderr
