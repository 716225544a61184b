"""Theory classification: the trained model, the stage on the reference article, the command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.settings import get_settings
from pipeline.theory import ALL_DIMS, MODEL_DIR, classify_texts, combine, load_training


def test_model_card_and_metrics():
    metrics = json.loads((MODEL_DIR / "metrics.json").read_text())
    assert metrics["kept"] == "calibrated"
    assert metrics["cv_macro_f1"]["calibrated_with_zero_shot"] >= metrics["cv_macro_f1"]["baseline_embeddings_logreg"]
    assert sum(metrics["per_label_count"].values()) == len(load_training())


@pytest.mark.parametrize(
    "scores,expected",
    [({"new_world_order": 0.9, "complex_interdependence": 0.1}, ("new_world_order", False)),
     ({"new_world_order": 0.8, "complex_interdependence": 0.7}, ("both", False)),
     ({"new_world_order": 0.2, "complex_interdependence": 0.1}, ("neither", False)),
     ({"new_world_order": 0.55, "complex_interdependence": 0.1}, ("neither", True)),
     ({"new_world_order": 0.55, "complex_interdependence": 0.98}, ("complex_interdependence", False))],
)
def test_combine_with_abstention(scores, expected):
    assert combine(scores, band=0.1) == expected


# Passages written for this test, not in the training data.
HELD_OUT = [
    ("Finance ministries and central banks of the member states now coordinate directly through standing "
     "working groups, a network of officials that shapes policy without a treaty.", "new_world_order"),
    ("Because the two economies are tied by trade, energy and banking, a price change decided in one capital is felt "
     "in the other within days, and neither can quickly find substitutes.", "complex_interdependence"),
    ("At dawn the artillery opened fire on the northern suburbs and by noon two bridges had been destroyed.", "neither"),
    ("After the Gulf War the American president promised a new world order built on United Nations collective security "
     "under American leadership.", "neither"),
]


def test_held_out_examples():
    results = classify_texts([t for t, _ in HELD_OUT], get_settings())
    got = [r["label"] for r in results]
    assert sum(g == e for g, (_, e) in zip(got, HELD_OUT)) >= 3, got
    for r in results:
        assert set(r["dimensions"]) == set(ALL_DIMS)
        assert 0.0 <= r["scores"]["new_world_order"] <= 1.0 and len(r["neighbours"]) == 3 and r["evidence"]


def test_reference_article_theory(article_doc):
    body = article_doc.body_passages()
    assert all(p.theory is not None for p in body)
    ci = next(p.theory for p in body if p.text.startswith("Complex Interdependence Theory challenges"))
    nwo = next(p.theory for p in body if p.text.startswith("The new world order reflects a shift"))
    assert ci.label in ("complex_interdependence", "both")
    assert nwo.label in ("new_world_order", "both")
    summary = article_doc.theory_summary
    assert abs(sum(summary.share.values()) - 1.0) < 0.01
    assert "Multiple Channels of Interaction" in summary.per_section


def test_classify_command():
    lines = json.dumps({"id": "a", "text": HELD_OUT[0][0]}) + "\n" + json.dumps({"id": "b", "text": HELD_OUT[2][0]}) + "\n"
    out = subprocess.run([sys.executable, "-m", "irpipe", "classify"], input=lines, capture_output=True,
                         text=True, check=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) >= {"id", "label", "scores", "dimensions"}
