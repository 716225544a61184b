"""Every readable document gets a document.json (issue 13): empty cases, a stage that crashes,
long texts, caches that must not mix up paths, and a terminal without tracebacks."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.text.chunking import chunk_spans, split_long_blocks

from .conftest import DATA, ROOT

GOOD = """# Sanctions and partnership

## Introduction

Russia and Iran signed a comprehensive strategic partnership treaty in Moscow in January 2025 (Keohane 1984). The United States condemned it.

## References

Keohane, Robert O. (1984). After Hegemony. Princeton: Princeton University Press.
"""


# ---------------------------------------------------------------- empty cases


def test_headings_only_markdown(tmp_path):
    from pipeline.process import process_file

    path = tmp_path / "outline.md"
    path.write_text("# A working paper\n\n## Introduction\n\n## Method\n\n## Conclusion\n")
    doc = process_file(path)
    assert not doc.stage_errors
    assert [p.kind for p in doc.passages].count("heading") >= 3
    assert doc.entities == [] and doc.events == [] and doc.references == []
    said = " | ".join(doc.warnings)
    for stage in ("structure: no body text", "citations: no reference list", "events: no body sentences",
                  "theory: no body passages"):
        assert stage in said


def test_front_matter_only_text(tmp_path):
    from pipeline.process import process_file

    path = tmp_path / "cover.txt"
    path.write_text("Strategic Partnership Between Russia And Iran\n\nJohn Smith and Jane Doe\n\njsmith@example.org\n")
    doc = process_file(path)
    assert not doc.stage_errors and doc.passages
    assert doc.metadata.language is None  # too little text to tell


def test_structure_failure_still_gives_a_document(tmp_path, monkeypatch):
    import pipeline.process as process

    def broken(raw, **kwargs):
        raise KeyError("a bug in the structure code")

    monkeypatch.setattr(process, "build_structure", broken)
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    doc = process.assemble(process.ingest(path))
    assert [e.stage for e in doc.stage_errors] == ["structure"] and doc.stage_errors[0].code == "E101"
    assert "KeyError" in doc.stage_errors[0].message
    assert any("Moscow" in p.text for p in doc.passages)
    for p in doc.passages:
        assert doc.text[p.start:p.end] == p.text
        assert all(p.start <= s.start < s.end <= p.end for s in p.sentences)


# ---------------------------------------------------------------- long texts


def test_chunk_spans_cut_at_sentence_ends_then_whitespace():
    text = "Russia signed. Iran agreed. " * 10 + "x" * 50 + " tail words here"
    spans = chunk_spans(text, 40)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(e - s <= 40 for s, e in spans)
    # a cut inside the prose falls after a sentence end; the word run is cut at the limit
    assert text[: spans[0][1]].rstrip().endswith(".")
    assert any(e - s == 40 and set(text[s:e]) == {"x"} for s, e in spans)


def test_long_block_split_keeps_markers_in_their_piece():
    from pipeline.ingest.types import Block, Marker

    text = "First sentence is here. " * 30 + "Second part has the note." + " More words follow now." * 30
    at = text.index("note.") + len("note.")
    blocks = split_long_blocks([Block(kind="body", text=text, markers=[Marker(offset=at, number=3, block=0)])], 200)
    assert all(len(b.text) <= 200 for b in blocks) and len(blocks) > 4
    holder = [b for b in blocks if b.markers]
    assert len(holder) == 1 and holder[0].text[: holder[0].markers[0].offset].endswith("note.")


def test_five_megabyte_single_line(tmp_path):
    """A 5 MB file with no line break gives a document.json whose offsets all point into its text.

    Ingest, structure (sentences, language) and the citations stage run on the whole file; the
    model stages' part, parsing text longer than spaCy's limit, is
    :func:`test_parse_beyond_max_length_in_pieces` (on this 2-core machine the MiniLM theory
    stage alone needs tens of minutes for 5 MB: bench/bench_long_text.py measures it).
    """
    from pipeline.export import write_document
    from pipeline.process import assemble, ingest, run_stages
    from pipeline.registry import stages

    sentence = "Russia and Iran signed an agreement on energy in Moscow in 2025 after sanctions by the United States. "
    path = tmp_path / "dump.txt"
    path.write_text((sentence * (5_000_000 // len(sentence) + 1)).strip())
    settings = Settings()
    doc = assemble(ingest(path, settings), settings)
    doc = run_stages(doc, settings, [s for s in stages(settings) if s.name == "citations"])
    out = write_document(doc, tmp_path / "out")
    assert json.loads(Path(out).read_text())["doc_id"] == doc.doc_id
    assert not doc.stage_errors, doc.stage_errors
    assert doc.metadata.language == "en"
    assert len(doc.passages) >= 5_000_000 // settings.max_passage_chars
    for p in doc.passages:
        assert len(p.text) <= settings.max_passage_chars and doc.text[p.start:p.end] == p.text
        assert p.text.endswith(".") and p.sentences and p.sentences[-1].end == p.end


def test_parse_beyond_max_length_in_pieces(monkeypatch):
    """A text longer than ``nlp.max_length`` is parsed in pieces, with the original offsets."""
    from pipeline import nlp

    model = Settings().spacy_model
    loaded = nlp.load_nlp(model)
    monkeypatch.setattr(loaded, "max_length", 400)
    text = " ".join(["Russia and Iran signed a treaty in Moscow.", "The United States objected."] * 12)
    short = "Sanctions followed."
    parsed = nlp.parse_texts([short, text], model)
    assert parsed[0].text == short and parsed[1].text == text
    states = [(e.start_char, e.end_char) for e in parsed[1].ents if e.label_ == "STATE" or e.text == "Moscow"]
    assert len(states) >= 24 and all(text[a:b] in ("Russia", "Iran", "Moscow", "United States") for a, b in states)
    assert sum(1 for _ in parsed[1].sents) >= 24


def test_text_beyond_max_text_chars_is_refused(tmp_path):
    from pipeline.errors import IngestError
    from pipeline.process import ingest

    path = tmp_path / "huge.txt"
    path.write_text("word " * 3000)
    with pytest.raises(IngestError) as info:
        ingest(path, Settings(max_text_chars=10_000))
    assert info.value.code == "E012" and str(path) in str(info.value) and "IRPIPE_MAX_TEXT_CHARS" in str(info.value)


# ---------------------------------------------------------------- through the real flow


def _entries(out: Path) -> dict:
    return json.loads((out / "index.json").read_text())["documents"]


@pytest.mark.slow
def test_a_crashing_stage_gives_a_partial_document_and_the_run_goes_on(prefect_harness, tmp_path, monkeypatch):
    from flows.process_document import process_corpus
    from pipeline.registry import REGISTRY, load

    load()

    def boom(doc, settings):
        raise RuntimeError("the events stage broke\nsecond line")

    monkeypatch.setitem(REGISTRY.stages, "events", dataclasses.replace(REGISTRY.stages["events"], func=boom))
    first, bad, last = tmp_path / "a.md", tmp_path / "b.txt", tmp_path / "c.md"
    first.write_text(GOOD)
    bad.write_bytes(b"")
    last.write_text("# An outline only\n\n## Introduction\n\n## Conclusion\n")
    out = tmp_path / "out"
    results = process_corpus([str(first), str(bad), str(last)], str(out))
    assert [r["status"] for r in results] == ["partial", "failed", "partial"]
    entries = _entries(out)
    for path in (first, last):
        entry = entries[str(path)]
        assert entry["status"] == "partial" and entry["error_code"] == "E101" and entry["failed_stages"] == ["events"]
        assert "RuntimeError: the events stage broke" in entry["error"] and "second line" not in entry["error"]
        doc = json.loads(Path(entry["output"]).read_text())
        assert doc["stage_errors"][0]["stage"] == "events" and doc["events"] == []
        assert doc["provenance"]["stages"]["theory"].startswith("theory@")  # later stages ran
    assert entries[str(bad)]["error_code"] == "E001"
    assert json.loads(Path(entries[str(first)]["output"]).read_text())["entities"]


@pytest.mark.slow
def test_identical_files_at_two_paths_keep_their_own_paths(prefect_harness, tmp_path):
    """The task cache is keyed by content: the second copy must still carry its own path everywhere."""
    from flows.process_document import process_corpus

    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "paper.md").write_text(GOOD)
        (tmp_path / name / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    for name in ("one", "two"):
        good, bad = tmp_path / name / "paper.md", tmp_path / name / "broken.txt"
        out = tmp_path / f"out-{name}"
        results = {r["path"]: r for r in process_corpus([str(good), str(bad)], str(out))}
        assert set(results) == {str(good), str(bad)}
        assert results[str(bad)]["status"] == "failed" and results[str(bad)]["error"].startswith(str(bad) + ":")
        entries = _entries(out)
        assert entries[str(bad)]["error"].startswith(str(bad) + ":") and entries[str(bad)]["error_code"] == "E002"
        doc = json.loads(Path(entries[str(good)]["output"]).read_text())
        assert doc["source"]["path"] == str(good)
        other = "two" if name == "one" else "one"
        assert f"/{other}/" not in json.dumps(doc) and f"/{other}/" not in json.dumps(entries)


@pytest.mark.slow
def test_cli_run_prints_one_line_per_problem_and_no_traceback(tmp_path):
    """``irpipe run`` on a good file, a bad file and a file whose writing crashes (a test plugin)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "crash.md").write_text(GOOD.replace("January", "February"))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(DATA / "plugins")]),
           "IRPIPE_STAGE_MODULES": '["irpipe_crash_on_write"]'}
    r = subprocess.run([sys.executable, "-m", "irpipe", "run", str(folder), "-o", str(out), "--no-sources", "--offline"],
                       capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = r.stderr.strip().splitlines()
    empty = [ln for ln in lines if "empty.txt" in ln]
    crash = [ln for ln in lines if "crash.md" in ln]
    assert len(empty) == 1 and "[E001]" in empty[0] and empty[0].startswith("FAILED")
    assert len(crash) == 1 and "[E013]" in crash[0] and "OSError" in crash[0]
    assert "good.md" in r.stdout
    log = (out / "logs" / "irpipe.log").read_text()
    assert "Traceback" in log and "disk full" in log
    entries = _entries(out)
    assert entries[str(folder / "crash.md")]["error_code"] == "E013"
