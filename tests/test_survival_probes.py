"""Issue 13 as a probe: the kinds of documents researchers bring, through the real ``irpipe run``.

The probe set (``tests/data/survival/``, written by its ``make_probes.py``) holds web pages of several
shapes, converter markdown, other languages and scripts, odd text files, hand-made PDFs and inputs that
must fail. The CLI runs once over the whole folder (a module fixture, Prefect and the models included);
each file is then checked on its own: a readable one comes out ``ok`` with a document.json, no stage
error, the language it is written in, no English entities on other languages and a text without
control characters or markup left over; a bad one fails with its code in one terminal line, and no
traceback reaches the terminal.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.settings import Settings

from .conftest import ROOT

PROBES = Path(__file__).parent / "data" / "survival"
EXPECTED: dict[str, dict] = json.loads((PROBES / "expected.json").read_text())
READABLE = sorted(n for n, e in EXPECTED.items() if e["expect"] == "readable")
FAILING = sorted(n for n, e in EXPECTED.items() if e["expect"] not in ("readable", "legacy"))
LEGACY = sorted(n for n, e in EXPECTED.items() if e["expect"] == "legacy")
# a folder whose name says PDF, inside the input folder: not a document, so the run passes it by
FOLDER = "bad_folder.pdf"
# what must never reach document.json's text: control characters, a carriage return, raw markup of
# the source format (an HTML prologue, a comment, YAML front matter, a pandoc note call, an image link)
_LEFTOVER_RE = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\u200b\ufeff]|<!doctype|<html|<\?xml|<!--|^---$|\[\^\w+\]|!\[[^\]]*\]\("
                          r"|={3,}|-{4,}|\{\d+\}-", re.I | re.M)


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory):
    """``irpipe run`` once over the probe set (default settings); returns (input folder, output folder, result)."""
    base = tmp_path_factory.mktemp("probes")
    folder = base / "in"
    folder.mkdir()
    for name in EXPECTED:
        shutil.copy(PROBES / name, folder / name)
    (folder / FOLDER).mkdir()
    out = base / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IRPIPE_")}
    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run([sys.executable, "-m", "irpipe", "run", str(folder), "-o", str(out),
                        "--no-sources", "--offline"], capture_output=True, text=True, timeout=1800, cwd=ROOT, env=env)
    index = json.loads((out / "index.json").read_text())["documents"]
    return folder, out, r, index


def test_probe_set_is_what_the_generator_writes():
    """The committed files are the generator's output (regenerate with ``python tests/data/survival/make_probes.py``)."""
    sys.path.insert(0, str(PROBES))
    try:
        import make_probes
    finally:
        sys.path.remove(str(PROBES))
    made = make_probes.files()
    assert set(made) == set(EXPECTED) and len(made) >= 40
    for name, (data, want) in made.items():
        assert (PROBES / name).read_bytes() == data, name
        assert EXPECTED[name] == want and len(data) < 200_000


@pytest.mark.slow
def test_terminal_has_one_line_per_failure_and_no_traceback(probe_run):
    folder, out, r, index = probe_run
    assert r.returncode == 1  # some inputs are bad
    assert "Traceback" not in r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    for name in [*FAILING, *LEGACY]:
        mine = [ln for ln in lines if f"{folder / name}:" in ln]
        assert len(mine) == 1, (name, mine)
        assert mine[0].startswith("FAILED") and re.search(r"\[E\d{3}\]$", mine[0]), mine[0]
    assert not [ln for ln in lines if ln.startswith("PARTIAL")]


@pytest.mark.slow
@pytest.mark.parametrize("name", READABLE)
def test_readable_document_comes_out_whole(probe_run, name):
    folder, out, r, index = probe_run
    entry = index[str(folder / name)]
    assert entry["status"] == "ok", entry
    doc = json.loads(Path(entry["output"]).read_text())
    # one document.json per content: a file saved twice under two names shares it (the index has both paths)
    same = {str(folder / n) for n in EXPECTED if (PROBES / n).read_bytes() == (PROBES / name).read_bytes()}
    assert doc["source"]["path"] in same and entry["output"] == index[doc["source"]["path"]]["output"]
    assert doc["stage_errors"] == []
    assert any(p["kind"] in ("body", "front_matter", "heading") for p in doc["passages"])
    for p in doc["passages"]:
        assert doc["text"][p["start"]:p["end"]] == p["text"]
    leftover = _LEFTOVER_RE.search(doc["text"])
    assert leftover is None, (leftover.group(0) if leftover else None, doc["text"][:300])
    if EXPECTED[name].get("contains"):
        assert EXPECTED[name]["contains"] in doc["text"]
    language = doc["metadata"]["language"]
    want = EXPECTED[name].get("language")
    if want:
        assert language == want, (language, doc["warnings"])
    if language not in (None, "en"):
        # no English NER junk ("Teoria" as a place) on other languages: the English stages said they skipped
        assert doc["entities"] == [] and doc["events"] == []
        assert any(w.startswith("entities: skipped") for w in doc["warnings"])


@pytest.mark.slow
def test_a_folder_named_like_a_pdf_is_passed_by_and_refused_when_named(probe_run):
    from pipeline.errors import IngestError
    from pipeline.process import ingest

    folder, out, r, index = probe_run
    assert str(folder / FOLDER) not in index and len(index) == len(EXPECTED)
    with pytest.raises(IngestError) as info:
        ingest(folder / FOLDER)
    assert info.value.code == "E017" and str(folder / FOLDER) in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("name", FAILING + LEGACY)
def test_bad_input_fails_with_its_code(probe_run, name):
    folder, out, r, index = probe_run
    entry = index[str(folder / name)]
    code = "E007" if name in LEGACY else EXPECTED[name]["expect"]
    assert entry["status"] == "failed" and entry["error_code"] == code, entry
    assert entry["error"].startswith(f"{folder / name}:") and "\n" not in entry["error"]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_encodings_read_right_when_accepted(name):
    """Undeclared legacy text (cp1251 Russian, ISO-8859-2 Polish, GBK Chinese, cp1252 French) decodes to
    the text it was written from when ``accept_legacy_encodings`` is on, with the encoding recorded."""
    from pipeline.process import ingest

    sys.path.insert(0, str(PROBES))
    try:
        import make_probes
    finally:
        sys.path.remove(str(PROBES))
    raw = ingest(PROBES / name, Settings(accept_legacy_encodings=True)).raw
    text = " ".join(b.text for b in raw.blocks)
    source = {"russian": make_probes.RU, "polish": make_probes.PL, "chinese": make_probes.ZH, "western": make_probes.FR}
    original = next(v for k, v in source.items() if k in name)
    assert original[:60] in text, text[:120]
    assert raw.encoding and any("decoded as" in w for w in raw.warnings)
