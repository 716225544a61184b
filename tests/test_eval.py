"""The evaluation harness's matching rules, scoring and section writer (no PDF is processed here)."""

from __future__ import annotations

import json

import pytest

from eval.matching import any_match_counts, assign, match_names, normalise, similarity
from eval.report import load_records, render_document, render_section, save_record, write_document
from eval.tasks.corpus import summarise
from eval.tasks.frontmatter import abstract_score, clean_doi, score_paper

REF = "Keohane, R. O., & Nye, J. S. (1977). Power and Interdependence. Boston: Little, Brown."


@pytest.mark.parametrize(
    "a,b",
    [("  Power   and\nInterdependence ", "power and interdependence"), ("A\tB", "a b"), ("", "")],
)
def test_normalise_whitespace_and_case(a, b):
    assert normalise(a) == b


def test_similarity_ignores_case_and_spacing_only():
    assert similarity(REF.upper(), "  " + REF.replace(" ", "  ")) == 1.0
    assert similarity(REF, REF.replace("Power", "Pover")) < 1.0


def test_assignment_is_one_to_one():
    # one extracted string close to two identical gold strings is credited once
    a = assign([REF, REF], [REF])
    assert a.found == 1 and a.recall == 0.5 and a.precision == 1.0


def test_assignment_takes_the_best_pair_first():
    near = REF.replace("Boston", "Bostn")
    a = assign([near, REF], [REF, near])
    assert sorted((g, e) for g, e, _ in a.pairs) == [(0, 1), (1, 0)]
    assert all(s == 1.0 for *_, s in a.pairs)


@pytest.mark.parametrize(
    "extracted,found",
    [
        (REF[:-4], 1),  # 4 characters short of 85: ratio about 0.976
        (REF[: int(len(REF) * 0.8)], 0),  # a fifth missing: below 0.9
        ("Waltz, K. N. (1979). Theory of International Politics.", 0),
    ],
)
def test_threshold(extracted, found):
    assert assign([REF], [extracted]).found == found


def test_empty_sides():
    assert assign([], [REF]).recall is None and assign([], [REF]).precision == 0.0
    assert assign([REF], []).recall == 0.0 and assign([REF], []).precision is None


def test_lenient_rule_is_many_to_many():
    assert any_match_counts([REF, REF], [REF]) == (2, 1)


@pytest.mark.parametrize(
    "gold,extracted,hits",
    [
        (["Robert O. Keohane", "Joseph S. Nye"], ["Robert Keohane", "Joseph Nye"], 2),
        (["Christoph Dörrenbächer"], ["Christoph Dorrenbacher"], 1),
        (["Anna Müller", "Peter Müller"], ["P. Müller"], 1),
        (["Anna Müller"], ["Anna Schmidt"], 0),
    ],
)
def test_names(gold, extracted, hits):
    assert match_names(gold, extracted) == hits


def test_front_matter_scoring():
    gold = {"title": "Power and Interdependence", "authors": ["Robert O. Keohane", "Joseph S. Nye"],
            "doi": "10.1000/ABC", "abstract_start": "This book examines the politics of interdependence in world",
            "journal": None}
    got = {"title": "POWER AND INTERDEPENDENCE", "authors": ["R. Keohane", "J. Nye", "Boston"],
           "doi": "https://doi.org/10.1000/abc", "journal": None,
           "abstract": "This book examines the politics of interdependence in world politics since 1945."}
    s = score_paper(gold, got)
    assert s["title"]["ok"] and s["doi"]["ok"] and s["abstract"]["ok"] and s["journal"]["ok"]
    assert not s["authors"]["ok"] and s["authors"]["hits"] == 2
    assert clean_doi("doi: 10.1/X.") == "10.1/x"
    assert abstract_score("This book", None) == 0.0


def _row(pid, gold, ext, found, status="ok", seconds=1.0):
    return {"id": pid, "group": "g", "status": status, "pages": 3, "seconds": seconds, "stage_seconds": {"ingest": 0.5},
            "n_gold": gold, "n_extracted": ext, "n_found": found,
            "recall": found / gold if gold else None, "precision": found / ext if ext else None,
            "by_origin": {"reference_list": {"extracted": ext, "matched": found}} if ext else {},
            "lenient": {"found": found, "correct": found, "extracted": ext}}


def test_summary_micro_macro_and_failures():
    rows = [_row("a", 10, 10, 9), _row("b", 10, 0, 0, status="failed")]
    m = summarise(rows)
    assert m["recall"] == 0.45 and m["precision"] == 0.9
    assert m["macro_recall"] == 0.45 and m["macro_precision"] == 0.9 and m["macro_precision_papers"] == 1
    assert m["status"] == {"ok": 1, "failed": 1} and m["ids_without_references"] == ["b"]


def _record(task, title, markdown):
    return {"task": task, "title": title, "date": "2026-11-29 10:00 UTC", "command": f"python -m eval {task}",
            "commit": "abc1234", "dirty": False, "data": "3 PDFs", "seconds": 75.0, "note": None,
            "metrics": {}, "markdown": markdown}


def test_section_states_date_command_data_time():
    text = render_section(_record("corpus", "Documents", "| a |"))
    for part in ("## Documents (`corpus`)", "2026-11-29 10:00 UTC", "`python -m eval corpus`", "3 PDFs", "75.0 s",
                 "abc1234", "| a |"):
        assert part in text


def test_document_keeps_sections_of_tasks_not_run(tmp_path):
    save_record(tmp_path, _record("frontmatter", "Front matter", "old figures"))
    save_record(tmp_path, _record("corpus", "Documents", "new figures"))
    (tmp_path / "corpus_docs.jsonl").write_text(json.dumps({"id": "x"}) + "\n")
    (tmp_path / "stray.json").write_text("[1, 2]")
    out = write_document(tmp_path / "EVALUATION.md", tmp_path, order=["corpus", "frontmatter"])
    text = out.read_text()
    assert text.index("new figures") < text.index("old figures")
    assert len(load_records(tmp_path)) == 2
    reordered = render_document(load_records(tmp_path), ["frontmatter"])
    assert reordered.index("old figures") < reordered.index("new figures")


NEXT = "Waltz, K. N. (1979). Theory of International Politics. Reading, MA: Addison-Wesley."


@pytest.mark.parametrize(
    "cand,origin,kind",
    [
        (None, "reference_list", "nothing extracted"),
        (REF + " " + NEXT, "reference_list", "merged with other text"),
        ("Vgl. " + REF + " Dazu kritisch ders., S. 12 ff., und die dort genannte Literatur.", "footnote",
         "inside a longer footnote"),
        (REF[:45], "reference_list", "split into pieces"),
        (REF.replace(", ", ",").replace(". ", "."), "reference_list", "glued words"),
        ("Moravcsik, A. (1998). The Choice for Europe. Ithaca: Cornell University Press.", "reference_list",
         "not extracted"),
    ],
)
def test_miss_kinds(cand, origin, kind):
    from eval.inspect_refs import miss_kind

    c = None if cand is None else {"text": cand, "origin": origin}
    score = 0.0 if cand is None else similarity(REF, cand)
    assert miss_kind(REF, c, score) == kind


def test_reference_errors_reads_the_newest_run_and_its_own_cache(tmp_path):
    """A ``refs_fast`` run newer than ``corpus`` is the one classified, from refs_fast's own cache folder."""
    from eval.registry import Options
    from eval.tasks import reference_errors

    results, cache = tmp_path / "results", tmp_path / "cache"
    results.mkdir()
    for task, date in (("corpus", "2026-11-01 10:00 UTC"), ("refs_fast", "2026-11-29 17:00 UTC")):
        (results / f"{task}.json").write_text(json.dumps({"date": date}))
        (results / f"{task}_docs.jsonl").write_text(json.dumps(
            {"id": "p1", "group": "en", "status": "ok", "n_gold": 1}) + "\n")
    (cache / "refs_fast" / "references").mkdir(parents=True)
    (cache / "refs_fast" / "references" / "p1.json").write_text(json.dumps(
        {"id": "p1", "gold": [REF], "extracted": [{"text": REF[:45], "origin": "reference_list"}]}))
    assert reference_errors.last_run(results) == "refs_fast"
    out = reference_errors.run(Options(results_dir=results, cache_dir=cache, verbose=False))
    assert out.metrics["misses"]["split into pieces"]["count"] == 1 and not out.metrics["not_read"]
    assert "`refs_fast` run of 2026-11-29" in out.data
