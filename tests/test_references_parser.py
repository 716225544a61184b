"""The reference-string CRF (pipeline/references/parser.py), its training data (parser_data.py) and c1/c2 search (training.py).

Reference strings here are written for these tests, in the styles of the EXCITE corpus's English and German
papers; none is copied from the training data.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.references import data, parser, parser_data, training
from pipeline.references.parser import (MODEL_DIR, corpus_files, label_confusion, parse_reference, sequence_features,
                                        train)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
if not SHARED.exists():
    SHARED = Path("/work/shared/data")
CORPUS = SHARED / "excite-corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "manifest.csv").exists(), reason="EXCITE corpus not present")


# ---------------------------------------------------------------- parsing with the shipped model

def test_english_journal_article():
    out = parse_reference("Fearon, J. D. (1995). Rationalist explanations for war. International Organization, "
                          "49(3), 379-414.")
    assert [a.family for a in out.authors] == ["Fearon"]
    assert out.year == 1995 and out.title.startswith("Rationalist explanations")
    assert out.container_title == "International Organization"
    assert (out.volume, out.issue, out.page) == ("49", "3", "379-414")
    assert out.type == "article-journal"


def test_english_chapter_with_editors():
    out = parse_reference("Putnam, R. D. (1993). Diplomacy and domestic politics. In P. B. Evans, H. K. Jacobson "
                          "and R. D. Putnam (Eds.), Double-edged diplomacy (pp. 431-468). Berkeley: University of "
                          "California Press.")
    assert out.authors[0].family == "Putnam" and out.year == 1993
    assert [e.family for e in out.editors][:2] == ["Evans", "Jacobson"]
    assert out.container_title.startswith("Double-edged diplomacy")
    assert out.page == "431-468" and out.publisher_place == "Berkeley"
    assert out.type == "chapter"


def test_german_chapter_in_edited_book():
    out = parse_reference("Schmidt, Manfred G.: Die Politik der Sozialpolitik, in: Roller, Edeltraud/Weßels, "
                          "Bernhard (Hrsg.): Wohlfahrtsstaat im Wandel, Opladen: Leske + Budrich 1998, S. 211-235.")
    assert out.authors[0].family == "Schmidt"
    assert out.title.startswith("Die Politik der Sozialpolitik")
    assert "Roller" in [e.family for e in out.editors]
    assert out.container_title.startswith("Wohlfahrtsstaat im Wandel")
    assert out.publisher_place == "Opladen" and out.year == 1998 and out.page == "211-235"


def test_german_journal_article():
    out = parse_reference("Müller, Walter (1997): Sozialstruktur und Wahlverhalten. In: Kölner Zeitschrift für "
                          "Soziologie und Sozialpsychologie 49, S. 747-760.")
    assert out.authors[0].family == "Müller" and out.year == 1997
    assert out.title.startswith("Sozialstruktur und Wahlverhalten")
    assert out.container_title.startswith("Kölner Zeitschrift")
    assert out.volume == "49" and out.page == "747-760"


def test_german_book():
    out = parse_reference("Beck, Ulrich (1986): Risikogesellschaft. Auf dem Weg in eine andere Moderne. "
                          "Frankfurt am Main: Suhrkamp.")
    assert out.authors[0].family == "Beck" and out.year == 1986
    assert out.title.startswith("Risikogesellschaft")
    assert out.publisher == "Suhrkamp" and out.publisher_place.startswith("Frankfurt")
    assert out.type == "book"


def test_confidence_is_a_mean_marginal():
    ref = parse_reference("Keohane, R. O. (1984). After hegemony. Princeton: Princeton University Press.")
    prose = parse_reference("we went home after the meeting because it was raining and late")
    assert 0.0 < prose.confidence < ref.confidence <= 1.0


# ---------------------------------------------------------------- features

def test_running_states():
    toks = "Huinink, J.: „Familie im Wandel“, in: Mayer, K. (Hrsg.), Vom Regen, Frankfurt/M. 1991, S. 3-9.".split()
    f = dict(zip(toks, sequence_features(toks)))
    assert f["„Familie"]["in_quote"] and f["Wandel“,"]["in_quote"] and not f["in:"]["in_quote"]
    assert f["(Hrsg.),"]["in_bracket"] and not f["Vom"]["in_bracket"]
    assert f["Huinink,"]["part"] == 0 and f["„Familie"]["part"] == 1 and f["Vom"]["part"] > f["in:"]["part"]
    assert f["Frankfurt/M."]["city"] and not f["Regen,"]["city"]
    assert f["Vom"]["after_ed"] and not f["Mayer,"]["after_ed"]
    assert f["S."]["lex"] == "PP" and f["in:"]["lex"] == "IN"


# ---------------------------------------------------------------- the EXCITE mapping

@pytest.mark.parametrize(
    "span,prev,before,after,label",
    [
        ("ders.", "title", "Blossfeld, H.: Changes, in: ", " (Hrsg.), The new role", "editor"),
        ("Dies.", "title", "Mayer, K.: Lebensläufe, in: ", ": Familie", "editor"),
        ("ders.", None, "", ": Zweiter Titel", "author"),
        ("et al.", "author", "Smith, J. ", " (2001)", "author"),
        ("10.3.", "container-title", "in: The Hindu, ", "1997.", "date"),
        ("vom 26.08.2003.", "title", "Gesetz ", "", "date"),
        ("Oktober2003", "title", "Bericht, ", "", "date"),
        ("o.J.", "location", "Berlin ", "", "date"),
        ("hier S. 7.", "pages", "S. 1-20, ", "", "pages"),
        ("Baltimore and London", "title", "Title. ", ": Johns Hopkins", "location"),
        ("Tü- bingen und Basel", "title", "Titel, ", " 1990", "location"),
        ("Frankfurt/M.–New York", "container-title", "Vom Regen, ", " 1991", "location"),
        # kept as notes: an organisation, a title-like phrase, an accessed date (AnyStyle: note), a law report
        ("Committee on Payment and Settlement Systems", "title", "Report. ", "", "note"),
        ("Revolution und Gegenbewegung", "title", "Titel, ", "", "note"),
        ("[Accessed: January 25, 2014]", "url", "http://x.org ", "", "note"),
        ("34, 139 (144)", "container-title", "BVerfGE ", "", "note"),
    ],
)
def test_other_label(span, prev, before, after, label):
    assert parser_data.other_label(span, prev, before, after) == label


def test_excite_sequence_ders_editor():
    line = ("<author><surname>Blossfeld</surname></author>, <title>Changes</title>, in: <other>ders.</other> "
            "(Hrsg.), <source>The new role of women</source>, <other>Boulder</other> <year>1995</year>, "
            "S. <fpage>3</fpage>-<lpage>34</lpage>.")
    new = dict(parser_data.excite_sequence(line))
    assert new["ders."] == "editor" and new["(Hrsg.),"] == "editor" and new["in:"] == "editor"
    assert new["Boulder"] == "location" and new["1995,"] == "date" and new["3-34."] == "pages"
    old = dict(parser_data.excite_sequence(line, parser_data._old_other_label))
    assert old["ders."] == "note"  # data.py's guess, what the fix moves


@pytest.mark.parametrize("number", ["[12]", "12.", "(3)", "[EKMA79]"])
def test_excite_list_number_is_citation_number(number):
    line = f"{number} <author><surname>Ekman</surname></author> (<year>1979</year>): <title>Gesten</title>."
    new = parser_data.excite_sequence(line)
    assert new[0] == (number, "citation-number") and new[1] == ("Ekman", "author")
    assert parser_data.excite_sequence(line, parser_data._old_other_label)[0] == (number, "author")


@needs_corpus
def test_old_mapping_is_data_py():
    """With data.py's guesses, the training module's loader gives data.py's sequences (so figures compare)."""
    files = corpus_files(CORPUS)[:12]
    old, _ = parser_data.parser_dataset(None, files, old_mapping=True)
    ref = data.build_dataset(None, files)
    assert old.train == ref.train and old.test == ref.test and old.test_papers == ref.test_papers


# ---------------------------------------------------------------- training and the shipped model's card

@needs_corpus
def test_shipped_metrics_match_the_split():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    files = corpus_files(CORPUS)
    ds, groups = parser_data.parser_dataset(SHARED / "anystyle" / "core.xml", files)
    assert metrics["split"]["test_papers"] == ds.test_papers
    assert metrics["split"]["test_papers"] == sorted(p for p, _ in files if data.paper_held_out(p))
    assert metrics["data"] == {"core.xml": ds.counts["core.xml"], "excite": ds.counts["excite"]}
    assert metrics["test_sequences"] == len(ds.test) and metrics["tokens"] == sum(len(s) for s in ds.test)
    assert metrics["train_tokens"] == sum(len(s) for s in ds.train) and len(groups) == len(ds.train)
    assert not set(metrics["split"]["test_papers"]) & set(groups)  # no held-out paper is trained on
    assert metrics["model_version"] == "refcrf/2.2"
    # the shipped model's held-out token F1 (floors under the measured 0.913 and, on data.py's labels, 0.909:
    # those call the 101 list numbers "author", the model "citation-number"); the issue's goal 0.92 is not reached
    assert metrics["micro_f1"] >= 0.905 and metrics["by_mapping"]["old"]["micro_f1"] >= 0.9
    assert metrics["by_mapping"]["old"]["relabelled_test_tokens"] == 148


def _write_small_data(tmp: Path) -> tuple[Path, Path]:
    """A small core.xml (30 strings) and a two-paper corpus, to train in a second."""
    root = ET.Element("dataset")
    for i in range(30):
        seq = ET.SubElement(root, "sequence")
        for tag, text in (("author", f"Author{i}, A."), ("date", f"({1960 + i})."), ("title", f"Title {i} of it."),
                          ("journal", "Journal of Tests,"), ("volume", f"{i % 9 + 1}(2),"), ("pages", f"{i}-{i + 9}.")):
            ET.SubElement(seq, tag).text = text
    core = tmp / "core.xml"
    ET.ElementTree(root).write(core, encoding="utf-8")
    corpus = tmp / "corpus"
    corpus.mkdir()
    rows = ["group,id,pdf,references,segmented"]
    for pid in ("10454", "11018"):  # 10454 is a held-out paper of the fixed split, 11018 is not
        lines = [f"<author><surname>Name{j}</surname></author> (<year>{1990 + j}</year>): <title>Titel {j}</title>, "
                 f"in: <other>ders.</other> (Hrsg.): <source>Buch {j}</source>, <other>Berlin</other>, S. "
                 f"<fpage>{j}</fpage>-<lpage>{j + 5}</lpage>." for j in range(10)]
        (corpus / f"{pid}.segmented.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows.append(f"de-footnote,{pid},{pid}.pdf,{pid}.references.txt,{pid}.segmented.xml")
    (corpus / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return core, corpus


def test_train_writes_model_and_metrics(tmp_path):
    core, corpus = _write_small_data(tmp_path)
    out = tmp_path / "model"
    metrics = train(core, corpus, out)
    assert (out / "crf.crfsuite").stat().st_size > 0
    assert json.loads((out / "metrics.json").read_text()) == metrics
    assert metrics["split"]["test_papers"] == ["10454"] and metrics["data"]["excite"] == {"train": 10, "test": 10}
    assert metrics["data"]["core.xml"] == {"train": 24, "test": 6}
    assert metrics["by_mapping"]["old"]["relabelled_test_tokens"] > 0  # "ders." and "(Hrsg.):" moved to editor
    assert metrics["micro_f1"] > 0.5
    wrong = round(metrics["tokens"] * (1 - metrics["micro_f1"]))  # the confusion table counts the wrong tokens
    assert all(c["gold"] != c["predicted"] for c in metrics["confusion"])
    assert abs(sum(c["tokens"] for c in metrics["confusion"]) - wrong) <= 1 or len(metrics["confusion"]) == 20
    parsed = parse_reference("Author99, A. (1999). Title 99 of it. Journal of Tests, 3(2), 1-9.", out / "crf.crfsuite")
    assert parsed.year == 1999 and parsed.authors[0].family == "Author99"


def test_choose_regularisation_uses_training_folds():
    seqs = [[(f"Name{i},", "author"), ("(2000).", "date"), ("Title", "title"), ("here.", "title"),
             ("Press.", "publisher")] for i in range(12)]
    groups = [f"p{i % 4}" for i in range(12)]
    res = training.choose_regularisation(seqs, groups, [(0.05, 0.05), (1.0, 0.01)], folds=2)
    assert [r["c1"] for r in res["grid"]] == [0.05, 1.0] and res["best"] in res["grid"]
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in res["grid"])


def test_choose_regularisation_compares_feature_sets_on_the_same_folds():
    """A candidate feature function is scored on the same leave-groups-out folds; a function that sees
    nothing of the token cannot tell the labels apart as well as the parser's features (the two orders have
    the same length, so neither the position nor the field-start labels' transitions can tell them apart)."""
    seqs = [[(f"Name{i},", "author"), ("(2000).", "date"), ("Title", "title"), ("here.", "title")] for i in range(12)]
    seqs += [[("Title", "title"), ("here.", "title"), (f"Name{i},", "author"), ("(2000).", "date")] for i in range(12)]
    groups = [f"p{i % 4}" for i in range(24)]
    blind = training.choose_regularisation(seqs, groups, [(0.05, 0.05)], folds=2, max_iterations=30,
                                           features=lambda toks: [{"bias": 1.0} for _ in toks])
    full = training.choose_regularisation(seqs, groups, [(0.05, 0.05)], folds=2, max_iterations=30)
    assert blind["best"]["accuracy"] < full["best"]["accuracy"] == 1.0


def test_label_confusion_counts_wrong_tokens_only():
    gold = ["title", "title", "container-title", "editor", "editor", "author"]
    pred = ["container-title", "title", "title", "author", "author", "author"]
    assert label_confusion(gold, pred) == [
        {"gold": "editor", "predicted": "author", "tokens": 2},
        {"gold": "title", "predicted": "container-title", "tokens": 1},
        {"gold": "container-title", "predicted": "title", "tokens": 1},
    ]


# ---------------------------------------------------------------- refcrf/2.2: field-start labels

def test_field_starts_are_marked_for_training_and_removed_for_output():
    """The CRF learns a field's first token apart from its continuation; the parser gives out fields."""
    labs = ["author", "author", "date", "title", "title", "container-title", "container-title", "title"]
    marked = parser.mark_starts(labs)
    assert marked == ["B-author", "author", "B-date", "B-title", "title", "B-container-title", "container-title",
                      "B-title"]
    assert parser.field_labels(marked) == labs and parser.mark_starts([]) == []


def test_shipped_model_labels_fields_with_their_whole_probability():
    """The shipped model knows start labels, gives out field labels, and a token's marginal is its field's
    (start and continuation together), so it stays a probability."""
    assert {"B-title", "title", "B-container-title"} <= parser._labels(str(MODEL_DIR / "crf.crfsuite"))
    labelled = parser.label_tokens_with_marginals(
        "Keohane, R. O. (1984). After hegemony. Princeton: Princeton University Press.")
    assert not any(lab.startswith(parser.FIELD_START) for _, lab, _ in labelled)
    assert all(0.0 < p <= 1.0 + 1e-9 for *_, p in labelled)
    assert [lab for _, lab, _ in labelled][:3] == ["author"] * 3
