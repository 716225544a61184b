"""Theory classification: codebook descriptions, data and folds, the trained model and its figures,
abstention shown as "uncertain", the stage on the reference article, the commands (classify streams;
export-labels and train-theory --add round trip)."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pipeline.settings import get_settings
from pipeline.theory import (ALL_DIMS, CODEBOOK, MODEL_DIR, THEORIES, UNCERTAIN, classify_texts, combine,
                             load_descriptions, shown_label, summarise)
from pipeline.theory.codebook import DESCRIPTION_KEYS, parse_descriptions

ROOT = Path(__file__).resolve().parent.parent
METRICS = json.loads((MODEL_DIR / "metrics.json").read_text())
# Wording of the one article the first descriptions were written from; none of it may steer the model.
ARTICLE_WORDS = ("BRICS", "SCO", "Shanghai", "payment system", "SWIFT", "Mir", "Russia", "Iran")


# ---------------------------------------------------------------- codebook descriptions


def test_descriptions_come_from_the_codebook():
    desc = load_descriptions()
    assert list(desc) == DESCRIPTION_KEYS
    for text in desc.values():
        assert not any(w.lower() in text.lower().split() or w in text for w in ARTICLE_WORDS), text
    for path in (ROOT / "pipeline" / "theory").glob("*.py"):
        src = path.read_text()
        assert not any(w in src for w in ("BRICS", "SCO", "payment systems")), path


def test_description_block_is_checked():
    text = CODEBOOK.read_text()
    broken = text.replace('"vulnerability": ', '"vulnerabilty": ')
    with pytest.raises(ValueError, match="vulnerability"):
        parse_descriptions(broken)
    with pytest.raises(ValueError, match="no ```json block"):
        parse_descriptions("# a codebook without descriptions\n")


def test_codebook_is_a_resource_of_the_stage():
    from pipeline import registry
    from pipeline.registry import file_digest

    spec = next(s for s in registry.stages(get_settings()) if s.name == "theory")
    versions = spec.resource_versions(get_settings())
    assert versions["theory-codebook"] == file_digest(CODEBOOK)[:12]
    assert "pipeline.theory.codebook" in spec.modules and "pipeline.theory.train" not in spec.modules



def test_indicators_come_from_the_codebook():
    """Definition plus indicator bullets per dimension, from §3; counter-indicators are not indicators."""
    from pipeline.theory.codebook import load_indicators, parse_indicators

    ind = load_indicators()
    assert list(ind) == ALL_DIMS
    for d, texts in ind.items():
        assert len(texts) >= 3 and all(t and "*" not in t for t in texts), d
    assert "judges citing foreign courts" in ind["transgovernmental_networks"]
    assert not any("summits" in t for t in ind["transgovernmental_networks"])  # a counter-indicator there
    assert ind["declining_military_force"][0].startswith("Military force is costly")
    text = CODEBOOK.read_text()
    broken = text.replace("**`sensitivity`.**", "**`sensitivity`**")
    with pytest.raises(ValueError, match="sensitivity"):
        parse_indicators(broken)


def test_indicator_features_keep_the_best_sentence():
    """One sentence equal to an indicator gives that dimension's maximum 1, while its mean is diluted."""
    from pipeline.theory.classify import indicator_features

    rng = np.random.default_rng(3)
    ind = rng.normal(size=(4, 8))
    ind /= np.linalg.norm(ind, axis=1, keepdims=True)
    owner = np.array([0, 0, 1, 1])
    other = rng.normal(size=(3, 8))
    passage = np.vstack([ind[2], other])  # the first sentence states dimension 1's first indicator
    f = indicator_features([passage, np.zeros((0, 8))], ind, owner)
    assert f.shape == (2, 4)
    assert f[0, 1] == pytest.approx(1.0, abs=1e-6) and f[0, 0] < 1.0
    assert f[0, 3] < f[0, 1]  # the mean over four sentences is lower than the best
    assert not f[1].any()  # no sentences, no evidence

# ---------------------------------------------------------------- data and folds


def test_source_folds_keep_sources_whole_and_legacy_out_of_evaluation():
    from pipeline.theory.data import Example
    from pipeline.theory.train import Dataset, outer_folds

    ex = [Example(f"w{w}-{i}", "t", "neither", [], f"w{w}", "x") for w in range(4) for i in range(5)]
    ex += [Example(f"pub-{i}", "t", "neither", [], f"pub-excite-{i // 2}", "x") for i in range(6)]
    ex += [Example(f"legacy-{i}", "t", "neither", [], "legacy-dev", "l04", evaluate=False) for i in range(3)]
    ds = Dataset(ex)
    folds = outer_folds(ds, 4)
    assert len(folds) == 4
    held = [set(ds.groups[te]) for _, te in folds]
    for f, (tr, te) in enumerate(folds):
        assert not set(ds.groups[tr]) & held[f]  # no source on both sides
        assert "legacy-dev" not in held[f] and "legacy-dev" in set(ds.groups[tr])
        assert len({g for g in held[f] if g.startswith("w")}) == 1  # leave one writer out
    assert sum(len(te) for _, te in folds) == 26  # every evaluable passage once


def test_label_csv_is_validated(tmp_path):
    from pipeline.theory.data import load_label_csv

    path = tmp_path / "labels.csv"
    path.write_text("doc_id,passage_id,text,your_label,your_dimensions\n"
                    "d1,p1,Some text,complex_interdependence,sensitivity;vulnerability\n"
                    "d1,p2,Other text,,\n"
                    "d1,p3,Third text,neither,\n")
    rows, record = load_label_csv(path)
    assert [(r.id, r.label, r.dimensions, r.source) for r in rows] == [
        ("d1:p1", "complex_interdependence", ["sensitivity", "vulnerability"], "doc-d1"),
        ("d1:p3", "neither", [], "doc-d1")]
    assert record["rows"] == 3 and record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text("doc_id,passage_id,text,your_label,your_dimensions\nd1,p1,T,new_world_order,sensitivity\n")
    with pytest.raises(ValueError, match="line 2"):
        load_label_csv(path)


# ---------------------------------------------------------------- labels, abstention, summary


@pytest.mark.parametrize(
    "scores,expected",
    [({"new_world_order": 0.9, "complex_interdependence": 0.1}, ("new_world_order", False)),
     ({"new_world_order": 0.8, "complex_interdependence": 0.7}, ("both", False)),
     ({"new_world_order": 0.2, "complex_interdependence": 0.1}, ("neither", False)),
     ({"new_world_order": 0.55, "complex_interdependence": 0.1}, ("new_world_order", True)),
     ({"new_world_order": 0.45, "complex_interdependence": 0.98}, ("complex_interdependence", True)),
     ({"new_world_order": 0.35, "complex_interdependence": 0.98}, ("complex_interdependence", False))],
)
def test_combine_with_abstention(scores, expected):
    assert combine(scores, band=0.1) == expected


def test_abstained_is_shown_and_counted_as_uncertain():
    from pipeline.model import TheoryResult

    res = [TheoryResult(label="neither", abstained=True, scores={t: 0.45 for t in THEORIES}),
           TheoryResult(label="neither"), TheoryResult(label="both")]
    summary = summarise(res, ["A", "A", "B"], ["no_issue_hierarchy"])
    assert shown_label("neither", True) == UNCERTAIN
    assert summary.counts == {"new_world_order": 0, "complex_interdependence": 0, "both": 1, "neither": 1,
                              "uncertain": 1}
    assert summary.abstained == 1 and summary.uncertain_share == pytest.approx(0.333)
    assert summary.per_section["A"]["uncertain"] == 0.5 and summary.per_section["A"]["neither"] == 0.5
    assert summary.experimental_dimensions == ["no_issue_hierarchy"]


def test_uncertain_in_table_and_report(article_doc):
    from pipeline.report import render_document
    from pipeline.tables import passage_rows

    doc = article_doc.model_copy(deep=True)
    body = [p for p in doc.passages if p.kind == "body"]
    body[0].theory = body[0].theory.model_copy(update={"abstained": True, "label": "neither"})
    rows = {r.passage_id: r for r in passage_rows(doc)}
    assert rows[body[0].id].theory_label == "uncertain" and rows[body[0].id].theory_guess == "neither"
    assert rows[body[0].id].theory_abstained is True
    page = render_document(doc)
    assert page.count('data-theory="uncertain"') >= 2  # the legend's box and the passage
    assert "best guess neither" in page


def test_text_heads_read_the_words_and_average_the_probabilities():
    """The TF-IDF head learns from words alone; avg_tfidf is the mean of its and the vector head's probabilities."""
    from pipeline.theory.classify import PassageFeatures, _four_class, head_scores
    from pipeline.theory.train import fit_head

    words = {"new_world_order": "regulators judges networks counterparts harmonise standards",
             "complex_interdependence": "sensitivity vulnerability costly dependence adjustment bargaining",
             "both": "regulators networks counterparts sensitivity vulnerability costly dependence",
             "neither": "tonnage ports exports figures percent year decade"}
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for lab, w in words.items():
        for i in range(6):
            ws = w.split()
            texts.append(" ".join(rng.permutation(ws)) + f" case {i}")
            labels.append(lab)
    y = np.array(labels)
    X = PassageFeatures(rng.normal(size=(len(texts), 5)), texts)  # vectors carry no signal here
    assert len(X[np.array([0, 7])]) == 2 and X[np.array([0, 7])].texts[1] == texts[7]
    w = np.ones(len(texts))
    text_head = fit_head("tfidf", X, y, w)
    sc = head_scores("tfidf", text_head, X)
    assert (sc["new_world_order"][y == "new_world_order"].mean() > sc["new_world_order"][y == "neither"].mean() + 1)
    avg = fit_head("avg_tfidf", X, y, w)
    p_avg, classes = _four_class(avg, X)
    p_txt = avg["text"].predict_proba(list(texts))[:, [list(avg["text"].classes_).index(c) for c in classes]]
    p_vec = avg["vectors"].predict_proba(X.X)[:, [list(avg["vectors"].classes_).index(c) for c in classes]]
    assert np.allclose(p_avg, (p_txt + p_vec) / 2) and np.allclose(p_avg.sum(axis=1), 1.0)


# ---------------------------------------------------------------- the trained model and its figures


def test_metrics_are_source_split_and_complete():
    m = METRICS
    assert m["evaluation"].startswith("GroupKFold by source") and m["folds"] >= 4
    assert {"lr_sentence_mean", "lr_paragraph"} <= set(m["candidates"])
    kept = m["candidates"][m["kept"]]
    assert kept["macro_f1"] == max(c["macro_f1"] for c in m["candidates"].values())
    s = m["source_split"]
    assert s["macro_f1"] == kept["macro_f1"] and s["passages"] == m["evaluated_passages"]
    for t in THEORIES:
        cal = s["calibration"][t]
        assert 0 <= cal["ece"] <= 1 and sum(b["n"] for b in cal["reliability"]) == s["passages"]
    bands = [r["band"] for r in s["abstention"]]
    assert bands == sorted(bands) and s["abstention"][0]["coverage"] == 1.0
    assert [r["coverage"] for r in s["abstention"]] == sorted((r["coverage"] for r in s["abstention"]), reverse=True)
    assert m["abstain_band_setting"] == get_settings().theory_abstain_band
    for d, r in m["dimensions"].items():
        assert r["experimental"] == (r["positives"] < 20 or r["f1"] < 0.6), d
    assert m["experimental_dimensions"] == [d for d in ALL_DIMS if m["dimensions"][d]["experimental"]]
    gold = m["label_files"]["gold"][0]
    path = MODEL_DIR / "data" / "gold" / gold["name"]
    assert gold["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    card = (MODEL_DIR / "README.md").read_text()
    assert f"kept **{m['kept']}**" in card and gold["sha256"] in card


def test_encoder_file_when_fine_tuned():
    path = MODEL_DIR / "encoder-delta.safetensors"
    if "setfit" in METRICS["kept"]:
        assert path.exists() and path.stat().st_size < 100 * 2**20
    else:
        assert not path.exists()


# Paragraphs written for these tests (none is in the training data): hard negatives from the codebook's
# rules, and one textbook paragraph per theory.
NEITHER = {
    "R1 power transition": (
        "Seen through power-transition theory, the bloc of emerging economies is less a new architecture of "
        "governance than an instrument of a challenger. The rising state bankrolls the group's summits because they "
        "let it gather partners unhappy with the incumbent's primacy, raise the cost of containment and test how far "
        "the leading power will bend. What matters, on this reading, is the narrowing gap in capabilities between "
        "the two largest economies and whether the dissatisfied newcomer will seek to overturn the status quo by "
        "force once parity arrives. Multilateral declarations are cheap signals in a contest over leadership."),
    "R3 Bush's new world order": (
        "When the President addressed a joint session of Congress in the autumn of 1990, he spoke of a new world "
        "order, an era in which the United Nations, released from the deadlock of the Cold War, would allow the great "
        "powers to stand together against aggression. The coalition assembled to reverse the invasion of Kuwait was "
        "presented as the first proof of that promise: collective security under American leadership, backed by "
        "the largest deployment of forces since Vietnam."),
    "R4 trade figures": (
        "Bilateral trade reached 48 billion dollars last year, up 14 per cent on the year before. Machinery and "
        "vehicles made up just under a third of exports, while minerals and fuels accounted for 41 per cent of "
        "imports. The three largest ports handled four-fifths of the tonnage, and the share of the leading partner "
        "in total trade rose from 18 to 23 per cent over the decade."),
    "R6 methods": (
        "We assembled a dataset of 1,240 bilateral agreements signed between 1995 and 2020 and coded each for its "
        "issue area, the ministries that signed it and whether it created a standing body. Two research assistants "
        "coded the texts independently; disagreements were resolved by a third coder. Interdependence was measured "
        "as the sum of bilateral trade divided by the two economies' combined output, and we estimate logit models "
        "with country-pair fixed effects and standard errors clustered by dyad."),
}
CI_TEXTBOOK = (
    "Keohane and Nye built the ideal type of complex interdependence as a contrast to the realist picture of world "
    "politics. In their account societies are linked by many channels at once: not only heads of government but "
    "bureaucracies, firms and banks deal directly with one another across borders. The agenda of relations has no "
    "fixed hierarchy, so questions of money, trade or energy can matter as much as military security. And among "
    "states bound in this way military force is of little use for settling disputes. Interdependence here means "
    "mutual dependence with costs: sensitivity, how quickly a change in one country raises costs in another, and "
    "vulnerability, the costs a country still bears after it has changed its policies.")
NWO_NETWORKS = (
    "The state is not vanishing; it is coming apart into its working parts. Securities regulators, competition "
    "authorities and judges now deal with their foreign counterparts directly, exchanging information, agreeing "
    "common standards and enforcing them together through their own associations, without waiting for treaties. "
    "These networks of officials have become a real, if informal, structure of global governance, in which each "
    "national agency remains answerable at home while it governs together with its peers abroad.")


def test_hard_negatives_and_textbook_paragraphs():
    texts = list(NEITHER.values()) + [CI_TEXTBOOK, NWO_NETWORKS]
    results = classify_texts(texts, get_settings())
    got = {name: (r["label"], r["abstained"]) for name, r in zip(list(NEITHER) + ["CI", "NWO"], results)}
    for name in NEITHER:  # never shown as a theory; the model may abstain (measured: the R1 paragraph abstains)
        assert shown_label(*got[name]) in ("neither", UNCERTAIN), (name, got[name])
    for name in ("R3 Bush's new world order", "R4 trade figures", "R6 methods"):
        assert got[name][0] == "neither", (name, got[name])
    assert got["CI"][0] == "complex_interdependence", got["CI"]
    assert got["NWO"][0] in ("new_world_order", "both"), got["NWO"]
    for r in results:
        assert set(r["dimensions"]) == set(ALL_DIMS) and r["evidence"] and len(r["neighbours"]) == 3
        assert r["experimental_dimensions"] == METRICS["experimental_dimensions"]
        assert 0.0 <= r["scores"]["new_world_order"] <= 1.0


def test_reference_article_summary(article_doc):
    body = article_doc.body_passages()
    assert all(p.theory is not None for p in body)
    nwo = next(p.theory for p in body if p.text.startswith("The new world order reflects a shift"))
    assert nwo.label in ("new_world_order", "both")
    summary = article_doc.theory_summary
    assert abs(sum(summary.share.values()) - 1.0) < 0.01 and "uncertain" in summary.share
    assert summary.abstained == sum(1 for p in body if p.theory.abstained)
    assert "Multiple Channels of Interaction" in summary.per_section


@pytest.mark.xfail(strict=True, reason="known miss of the shipped model (models/theory/README.md, Errors): the "
                   "article's three-sentence review of complex interdependence scores CI 0.01")
def test_reference_article_ci_paragraph(article_doc):
    ci = next(p.theory for p in article_doc.body_passages()
              if p.text.startswith("Complex Interdependence Theory challenges"))
    assert ci.label in ("complex_interdependence", "both")


# ---------------------------------------------------------------- commands


def _classify_proc():
    return subprocess.Popen([sys.executable, "-m", "irpipe", "classify"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1, cwd=ROOT)


def test_classify_streams_keeps_order_and_reports_bad_lines():
    proc = _classify_proc()
    try:
        proc.stdin.write(json.dumps({"id": "a", "text": NWO_NETWORKS}) + "\n")
        proc.stdin.flush()
        first = json.loads(proc.stdout.readline())  # answered while stdin is still open
        assert first["id"] == "a" and set(first) >= {"label", "shown", "scores", "dimensions", "abstained"}
        proc.stdin.write('{"id": "b", "text": \n')  # malformed: line 2
        proc.stdin.write(json.dumps({"id": "c", "text": NEITHER["R6 methods"]}) + "\n")
        proc.stdin.write(json.dumps({"id": "d", "text": CI_TEXTBOOK}) + "\n")
        proc.stdin.close()
        rest = [json.loads(line) for line in proc.stdout]
        err = proc.stderr.read()
        proc.wait(timeout=120)
    finally:
        proc.kill()
    assert [r["id"] for r in rest] == ["c", "d"]
    assert "line 2" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert proc.returncode == 1


def test_classify_plain_text_is_one_line_error():
    out = subprocess.run([sys.executable, "-m", "irpipe", "classify"], input="Just some prose.\nMore prose.\n",
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 2 and out.stdout == ""
    assert "plain text" in out.stderr and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_export_edit_retrain_round_trip(article_doc, tmp_path):
    """Export labels, correct three, retrain (small setting), and the corrected passages come back corrected."""
    from pipeline.theory.data import gold_files, load_jsonl
    from pipeline.theory.export import write_label_csv
    from pipeline.theory.train import train_theory

    csv_path = tmp_path / "labels.csv"
    n = write_label_csv([article_doc], csv_path)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert n == len(rows) == len(article_doc.body_passages())
    assert {"doc_id", "passage_id", "section", "text", "label", "abstained", "dimensions", "your_label",
            "your_dimensions"} <= set(rows[0])
    edits = {}
    flip = {"neither": "complex_interdependence", "new_world_order": "neither", "complex_interdependence": "neither",
            "both": "neither"}
    for row in rows[:3]:
        new = flip[row["model_label"]]
        edits[row["passage_id"]] = new
        row["your_label"] = new
        row["your_dimensions"] = "vulnerability" if new == "complex_interdependence" else ""
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)

    # small setting: two writers' passages as gold, one candidate, two folds
    gold = [r for r in load_jsonl(gold_files()[0]) if r["source"] in ("w01", "w02")][:60]
    small = tmp_path / "b99.jsonl"
    small.write_text("".join(json.dumps(r) + "\n" for r in gold))
    out = tmp_path / "model"
    m1 = train_theory(get_settings(), out, gold=[small], add=[csv_path], candidates=("multinomial_sentence_mean",),
                      folds=2, log=lambda _: None, stratified=False)
    m2 = json.loads((out / "metrics.json").read_text())
    assert m1 == m2 and m2["label_files"]["researcher"][0]["name"] == "labels.csv"
    assert m2["label_files"]["researcher"][0]["sha256"] == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert m2["label_files"]["researcher"][0]["labelled_rows"] == 3 and "macro_f1" in m2["source_split"]
    by_id = {p.id: p for p in article_doc.body_passages()}
    texts = [by_id[pid].text for pid in edits]
    res = classify_texts(texts, get_settings(), model_path=out / "theory.skops")
    assert [r["label"] for r in res] == list(edits.values())
    assert all(r["labelled_by"] == "researcher" and not r["abstained"] for r in res)
    # deterministic: retraining on the same inputs gives the same scores and figures
    others = [p.text for p in article_doc.body_passages()[3:9]]
    before = classify_texts(others, get_settings(), model_path=out / "theory.skops")
    out2 = tmp_path / "model2"
    m3 = train_theory(get_settings(), out2, gold=[small], add=[csv_path], candidates=("multinomial_sentence_mean",),
                      folds=2, log=lambda _: None, stratified=False)
    after = classify_texts(others, get_settings(), model_path=out2 / "theory.skops")
    assert [r["scores"] for r in after] == [r["scores"] for r in before]
    timing = ("seconds",)
    assert ({k: v for k, v in m3["source_split"].items() if k not in timing}
            == {k: v for k, v in m2["source_split"].items() if k not in timing})


def test_external_file_scores_non_written_rows_and_trains_only_agreed_written(tmp_path):
    """The round-4 external check: web/article rows are scored; a written row trains only if both labellers agreed."""
    from models.theory.experiments import WRITTEN_GROUP, load_external

    rows = [{"id": "a1", "source": "article", "text": "x", "label_A": "neither", "label_B": "neither", "label": "neither"},
            {"id": "w1", "source": "web", "text": "y", "label_A": "both", "label_B": "new_world_order",
             "label": "new_world_order"},
            {"id": "r1", "source": "written", "text": "z", "label_A": "both", "label_B": "both", "label": "both"},
            {"id": "r2", "source": "written", "text": "v", "label_A": "both", "label_B": "neither", "label": "neither"}]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    scored, written = load_external(path)
    assert [e.id for e in scored] == ["a1", "w1"] and [e.label for e in scored] == ["neither", "new_world_order"]
    assert [e.id for e in written] == ["r1"] and written[0].source == WRITTEN_GROUP
    assert not any(e.evaluate for e in scored + written)  # never part of the source-split folds
    rows[0]["label"] = "realism"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(ValueError, match=r"gold\.jsonl: row 1 \(a1\): label 'realism'"):
        load_external(path)
