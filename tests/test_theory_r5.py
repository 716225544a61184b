"""Theory, round 5: per-theory thresholds (chosen out of fold, shipped in the model, used by the stage and
its abstention band), the outside set's EXT-DEV / EXT-TEST split rule, and the round-5 written gold file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pipeline.settings import get_settings
from pipeline.theory import MODEL_DIR, THEORIES, classify_texts, combine
from pipeline.theory.calibration import abstention_table
from pipeline.theory.classify import load_bundle
from pipeline.theory.data import load_gold
from pipeline.theory.train import THRESHOLD_GRID, choose_thresholds, predict_labels

METRICS = json.loads((MODEL_DIR / "metrics.json").read_text())


# ---------------------------------------------------------------- thresholds


@pytest.mark.parametrize(
    "scores,expected",
    [({"new_world_order": 0.40, "complex_interdependence": 0.10}, ("new_world_order", False)),
     ({"new_world_order": 0.28, "complex_interdependence": 0.10}, ("neither", False)),
     ({"new_world_order": 0.38, "complex_interdependence": 0.10}, ("new_world_order", True)),
     ({"new_world_order": 0.33, "complex_interdependence": 0.10}, ("neither", True)),
     ({"new_world_order": 0.60, "complex_interdependence": 0.45}, ("new_world_order", False))],
)
def test_combine_uses_the_theory_threshold_for_label_and_band(scores, expected):
    thr = {"new_world_order": 0.35, "complex_interdependence": 0.6}
    assert combine(scores, band=0.05, thresholds=thr) == expected


def test_combine_without_thresholds_is_the_half_rule():
    s = {"new_world_order": 0.45, "complex_interdependence": 0.2}
    assert combine(s, band=0.0) == combine(s, band=0.0, thresholds={t: 0.5 for t in THEORIES}) == ("neither", False)


def test_choose_thresholds_moves_below_half_when_positives_score_low():
    # positives calibrated at 0.3-0.45, negatives at 0.05-0.25: the F1-best cut is below 0.5 for NWO; CI is
    # separable at 0.5 too, so it keeps the cut nearest 0.5 among equals
    labels = np.array(["new_world_order"] * 10 + ["complex_interdependence"] * 10 + ["neither"] * 30)
    nwo = np.concatenate([np.linspace(0.3, 0.45, 10), np.full(10, 0.05), np.linspace(0.05, 0.25, 30)])
    ci = np.concatenate([np.full(10, 0.05), np.linspace(0.7, 0.9, 10), np.full(30, 0.1)])
    thr = choose_thresholds({"new_world_order": nwo, "complex_interdependence": ci}, labels)
    assert thr["new_world_order"] in (0.3, 0.25) and thr["complex_interdependence"] == 0.5
    assert set(thr.values()) <= set(THRESHOLD_GRID)
    n = len(labels)
    pred = predict_labels({"new_world_order": nwo, "complex_interdependence": ci},
                          {t: np.full(n, thr[t]) for t in THEORIES})
    assert (pred == labels).all()
    assert not (predict_labels({"new_world_order": nwo, "complex_interdependence": ci}) == labels).all()


def test_abstention_table_measures_the_band_around_each_threshold():
    scores = {"new_world_order": np.array([0.33, 0.5, 0.9]), "complex_interdependence": np.array([0.0, 0.0, 0.0])}
    y = ["new_world_order", "neither", "new_world_order"]
    at_half = abstention_table(scores, y, [0.1])[0]
    thr = {"new_world_order": np.full(3, 0.35), "complex_interdependence": np.full(3, 0.5)}
    at_thr = abstention_table(scores, y, [0.1], thr)[0]
    assert at_half["labelled"] == 2  # 0.5 abstains around 0.5
    assert at_thr["labelled"] == 2 and at_thr["accuracy_labelled"] == 0.5  # 0.33 abstains around 0.35; 0.5 is NWO


def test_shipped_model_records_and_uses_its_thresholds():
    bundle = load_bundle()
    thr = bundle.get("thresholds")
    assert thr == METRICS.get("thresholds")
    if thr is None:
        pytest.skip("the shipped model uses the 0.5 rule")
    assert set(thr) == set(THEORIES) and all(v in THRESHOLD_GRID for v in thr.values())
    texts = ["Power is diffusing from the Atlantic to a plurality of centres, and the rising states are building "
             "their own development banks and payment rules, so the order that follows will be negotiated among "
             "several poles rather than written by one.",
             "The committee met on Tuesday and approved the minutes of the previous meeting."]
    band = get_settings().theory_abstain_band
    for o in classify_texts(texts, get_settings()):
        assert (o["label"], o["abstained"]) == combine(o["scores"], band, thr)
    # the per-fold thresholds of the kept model were chosen inside the folds, one pair per outer fold
    assert all(set(f["thresholds"]) == set(THEORIES) for f in METRICS["source_split"]["per_fold"])


# ---------------------------------------------------------------- outside-set split and round-5 gold


def test_split_rule_odd_positions_dev_written_in_neither(tmp_path):
    from models.theory.experiments_r5 import split_ids

    rows = [{"id": f"t{n:03d}", "source": src, "text": "x", "label": "neither"}
            for n, src in [(3, "web"), (1, "web"), (2, "written"), (4, "article"), (5, "web")]]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert split_ids(path) == {"t001": "dev", "t003": "dev", "t004": "test", "t005": "dev"}


def test_recorded_split_is_disjoint_and_follows_the_rule():
    from models.theory.experiments_r5 import SPLIT_FILE

    s = json.loads(SPLIT_FILE.read_text())
    assert not set(s["dev"]) & set(s["test"]) and len(s["dev"]) + len(s["test"]) == 122
    assert all(int(i[1:]) % 2 == 1 for i in s["dev"]) and all(int(i[1:]) % 2 == 0 for i in s["test"])


def test_round5_gold_is_agreed_rows_of_one_source(tmp_path):
    from models.theory.data.make_gold_r5 import SOURCE, convert

    rows = [{"id": "w09-0001", "source": "w09", "text": "a", "label_A": "neither", "label_B": "neither",
             "label": "neither", "dimensions": []},
            {"id": "w10-0001", "source": "w10", "text": "b", "label_A": "neither", "label_B": "new_world_order",
             "label": "new_world_order", "dimensions": ["multipolarity"]},
            {"id": "w11-0001", "source": "w11", "text": "c", "label_A": "new_world_order",
             "label_B": "new_world_order", "label": "new_world_order", "dimensions": ["vulnerability"]}]
    src = tmp_path / "gold_r5.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "b02.jsonl"
    assert convert(src, out) == {"kept": 2, "left_out": 1, "dims_null": 1, "sources": [SOURCE]}
    got = [json.loads(x) for x in out.read_text().splitlines()]
    assert [g["source"] for g in got] == [SOURCE, SOURCE] and got[1]["dimensions"] is None  # dims do not fit NWO
    shipped, _ = load_gold([MODEL_DIR / "data" / "gold" / "b02.jsonl"])
    assert len(shipped) == 50 and {e.source for e in shipped} == {SOURCE}


def test_external_figures_label_with_the_models_thresholds():
    """The figures of an outside set are those of the stage's labels: a score of 0.4 is new world order under
    a model whose threshold is 0.35, and `neither` under the default 0.5 (a first web2 scoring cut at 0.5)."""
    from models.theory.experiments import _figures

    y = np.array(["new_world_order", "neither", "complex_interdependence"])
    prob = {"new_world_order": np.array([0.40, 0.10, 0.05]), "complex_interdependence": np.array([0.05, 0.10, 0.32])}
    cut = _figures(y, prob, 0.25, {"new_world_order": 0.35, "complex_interdependence": 0.30})
    plain = _figures(y, prob, 0.25)
    assert cut["accuracy"] == 1.0 and cut["confusion"]["new_world_order"]["new_world_order"] == 1
    assert plain["confusion"]["new_world_order"]["neither"] == 1 and plain["accuracy"] < 1.0
