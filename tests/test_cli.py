"""The commands people type: audit and timeline on the reference article (no Prefect needed)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

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


# ---------------------------------------------------------------- conventions


def test_version_and_short_help():
    from pipeline import __version__

    r = _cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"irpipe {__version__}"
    r = _cli("-h")
    assert r.returncode == 0 and "inspect" in r.stdout and "--version" in r.stdout
    r = _cli("inspect", "events", "-h")
    assert r.returncode == 0 and "--since" in r.stdout


def test_help_shows_flags_without_a_type():
    r = _cli("inspect", "events", "--help")
    assert r.returncode == 0
    assert "<bool>" not in r.stdout
    line = next(x for x in r.stdout.splitlines() if "--json" in x)
    assert "bool" not in line.lower()
    assert "DATE" in next(x for x in r.stdout.splitlines() if "--since" in x)  # a value keeps its name
    r = _cli("run", "--help")
    assert r.returncode == 0 and "<bool>" not in r.stdout and "--offline" in r.stdout


def test_missing_input_fails_before_prefect(tmp_path):
    """A typo is one line and exit code 2, before Prefect is imported and without an output folder."""
    out = tmp_path / "out"
    code = ("import sys\nfrom irpipe.cli import app\n"
            f"try:\n    app(['run', {str(tmp_path / 'missing.pdf')!r}, '-o', {str(out)!r}])\n"
            "except SystemExit as e:\n    print('exit', e.code, 'prefect' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "exit 2 False", r.stdout + r.stderr
    assert r.stderr.strip().count("\n") == 0 and "missing.pdf" in r.stderr and "no such file" in r.stderr
    assert not out.exists()


# ---------------------------------------------------------------- irpipe/stdio.py (the streaming commands)


class _Lines:
    """A stdin that counts how many lines were asked for, to show the reader does not read ahead."""

    def __init__(self, lines):
        self.lines, self.asked = list(lines), 0

    def readline(self):
        self.asked += 1
        return self.lines.pop(0) if self.lines else ""


def test_stdin_lines_stream_in_order_with_blanks():
    from irpipe.stdio import json_lines, numbered_lines

    src = _Lines(["a\n", "\n", "b\r\n"])
    it = numbered_lines(src)
    assert next(it) == (1, "a") and src.asked == 1  # answered before the rest is read
    assert list(it) == [(2, ""), (3, "b")]
    objs = list(json_lines(_Lines(['{"id": 1, "text": "x"}\n', "   \n", '{"id": 2, "text": "y"}\n']),
                           required=("text",)))
    assert [n for n, _ in objs] == [1, 2, 3] and objs[1][1] is None and objs[2][1]["id"] == 2


def test_bad_stdin_line_is_named():
    import typer

    from irpipe.stdio import InputLineError, fail_line, json_lines

    bad = _Lines(['{"text": "ok"}\n', '{"text": "ok"}\n', "not json\n", '{"text": "never read"}\n'])
    with pytest.raises(InputLineError) as exc:
        list(json_lines(bad, required=("text",)))
    assert exc.value.lineno == 3 and str(exc.value).startswith("stdin line 3: not JSON")
    assert bad.asked == 3
    for line, reason in (("[1, 2]", "expected a JSON object"), ('{"id": 1}', "no 'text' field")):
        with pytest.raises(InputLineError, match=reason):
            list(json_lines(_Lines([line]), required=("text",)))
    with pytest.raises(typer.Exit) as ex:
        fail_line(InputLineError(7, "expected a JSON object"))
    assert ex.value.exit_code == 2
