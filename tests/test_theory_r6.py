"""Theory, round 6: the log-odds threshold offset (a prior shift), the unweighted head, the round-6 experiment
helpers and the round-6 written gold file (two writers, each its own source)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.theory import THEORIES
from pipeline.theory.classify import head_scores
from pipeline.theory.train import CANDIDATES, THRESHOLD_OFFSET, fit_head, offset_thresholds


def _logit(p):
    return np.log(p / (1 - p))


def test_offset_lowers_every_threshold_by_the_same_log_odds():
    thr = {"new_world_order": 0.35, "complex_interdependence": 0.5}
    assert offset_thresholds(thr, 0.0) == thr
    low = offset_thresholds(thr, 0.5)
    for t in THEORIES:
        assert low[t] < thr[t]
        assert _logit(thr[t]) - _logit(low[t]) == pytest.approx(0.5, abs=1e-3)
    assert low["complex_interdependence"] == pytest.approx(0.3775, abs=1e-4)  # sigmoid(-0.5)


def test_experiment_offset_matches_the_trainer():
    from models.theory.experiments_r6 import OFFSETS, dev_score, shifted

    thr = {"new_world_order": np.array([0.35, 0.45]), "complex_interdependence": np.array([0.3, 0.6])}
    for d in OFFSETS:
        got = shifted(thr, d)
        for i in range(2):
            want = offset_thresholds({t: float(thr[t][i]) for t in THEORIES}, d)
            assert all(got[t][i] == pytest.approx(want[t], abs=1e-4) for t in THEORIES)
    assert dev_score({"per_label_f1": {"new_world_order": 0.6, "neither": 0.9, "both": 0.0}}) == 0.75


def _toy():
    rng = np.random.default_rng(3)
    labels = np.array(["neither"] * 60 + ["new_world_order"] * 8 + ["complex_interdependence"] * 8 + ["both"] * 4)
    centre = {"neither": 0.0, "new_world_order": 1.0, "complex_interdependence": -1.0, "both": 0.5}
    X = np.stack([rng.normal(centre[c], 1.0, 6) for c in labels])
    return X, labels, np.ones(len(labels))


def test_unweighted_head_keeps_the_training_prior():
    X, y, w = _toy()
    bal, unw = fit_head("multinomial", X, y, w), fit_head("multinomial_unweighted", X, y, w)
    assert bal.class_weight == "balanced" and unw.class_weight is None
    # with the majority class's prior kept, theory scores come out lower on average than under balanced weights
    s_bal, s_unw = head_scores("multinomial", bal, X), head_scores("multinomial_unweighted", unw, X)
    for t in THEORIES:
        assert s_unw[t].shape == (len(y),) and s_unw[t].mean() < s_bal[t].mean()


def test_offset_candidate_is_declared():
    c = CANDIDATES["unweighted_sentence_mean_offset"]
    assert c.head == "multinomial_unweighted" and c.thresholds and c.threshold_offset == THRESHOLD_OFFSET > 0


def test_round6_gold_keeps_agreed_rows_one_source_per_writer(tmp_path):
    from models.theory.data.make_gold_r6 import convert

    rows = [{"id": "w14-01", "source": "w14", "text": "a", "label_A": "neither", "label_B": "neither",
             "label": "neither", "dimensions": []},
            {"id": "w15-01", "source": "w15", "text": "b", "label_A": "neither", "label_B": "new_world_order",
             "label": None, "dimensions": []},
            {"id": "w15-02", "source": "w15", "text": "c", "label_A": "new_world_order",
             "label_B": "new_world_order", "label": "new_world_order", "dimensions": ["vulnerability"]}]
    src = tmp_path / "gold_r6.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "written_r6_w15.jsonl").write_text(json.dumps({"id": "w15-02", "register": "journal_article",
                                                               "text": "c"}) + "\n")
    out = tmp_path / "b03.jsonl"
    assert convert(src, out) == {"kept": 2, "left_out": 1, "dims_null": 1, "sources": ["w14", "w15"]}
    got = [json.loads(x) for x in out.read_text().splitlines()]
    assert [g["id"] for g in got] == ["b03-w14-01", "b03-w15-02"]
    assert got[1]["dimensions"] is None and got[1]["register"] == "journal_article" and got[0]["register"] is None


# ---------------------------------------------------------------- the abstention band in log-odds


def test_band_at_half_is_the_old_distance_rule():
    from pipeline.theory.labels import within_band

    for band in (0.05, 0.1, 0.2, 0.25):
        for s in np.round(np.linspace(0.01, 0.99, 99), 2):
            if abs(abs(s - 0.5) - band) > 1e-6:  # the edge itself is a float tie either way
                assert within_band(float(s), 0.5, band) == (abs(s - 0.5) < band), (band, s)
    assert not within_band(0.5, 0.5, 0.0) and within_band(0.01, 0.9, 0.5)


def test_band_around_a_low_threshold_leaves_the_low_scores_labelled():
    from pipeline.theory.calibration import abstention_table
    from pipeline.theory.labels import within_band

    # a threshold of 0.17 with the setting's 0.25: the old rule (|s - t| < 0.25) made every score below 0.42
    # uncertain; in log-odds the band is about 0.064-0.38
    assert not within_band(0.02, 0.17, 0.25) and within_band(0.1, 0.17, 0.25) and within_band(0.35, 0.17, 0.25)
    assert not within_band(0.45, 0.17, 0.25)
    scores = {"new_world_order": np.array([0.01, 0.02, 0.9, 0.2]), "complex_interdependence": np.full(4, 0.01)}
    thr = {t: np.full(4, 0.17) for t in THEORIES}
    row = abstention_table(scores, ["neither", "neither", "new_world_order", "new_world_order"], [0.25], thr)[0]
    assert row["labelled"] == 3 and row["accuracy_labelled"] == 1.0


def test_fast_bootstrap_equals_the_sklearn_one():
    from models.theory.experiments import _bootstrap
    from models.theory.experiments_r6 import bootstrap

    rng = np.random.default_rng(0)
    labs = np.array(["new_world_order", "complex_interdependence", "both", "neither"])
    y = labs[rng.integers(0, 4, 40)]
    a = np.where(rng.random(40) < 0.7, y, labs[rng.integers(0, 4, 40)])
    b = np.where(rng.random(40) < 0.5, y, labs[rng.integers(0, 4, 40)])
    fast, slow = bootstrap(y, a, b, n=2000), _bootstrap(y, a, b)
    assert fast == slow and fast["share_above_0"] > 0.5


# ---------------------------------------------------------------- the shipped round-6 data and model


def test_shipped_round6_gold_is_two_writers_agreed_rows():
    from pipeline.theory import MODEL_DIR
    from pipeline.theory.data import load_gold, load_jsonl

    path = MODEL_DIR / "data" / "gold" / "b03.jsonl"
    rows = load_jsonl(path)
    assert len(rows) == 79 and all(r["label_A"] == r["label_B"] == r["label"] for r in rows)
    shipped, _ = load_gold([path])
    assert {e.source for e in shipped} == {"w14", "w15"} and all(e.evaluate for e in shipped)


def test_shipped_model_file_is_deflated_and_recorded():
    import zipfile

    from pipeline.theory import MODEL_DIR
    from pipeline.theory.classify import load_bundle

    path = MODEL_DIR / "theory.skops"
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    assert load_bundle(path)["candidate"] == metrics["kept"]
    assert "b03.jsonl" in {f["name"] for f in metrics["label_files"]["gold"]}
    with zipfile.ZipFile(path) as z:
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
    assert path.stat().st_size < 10 * 2**20  # a stored TF-IDF vocabulary made it 47.7 MB
