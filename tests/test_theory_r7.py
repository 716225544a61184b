"""Theory, round 7: SetFit-style fine-tuning on the sentence-mean path, and real paragraphs kept as vectors only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.theory.labels import LABELS
from pipeline.theory.train import CANDIDATES, MODEL_DIR, REAL_VECTORS, VectorRows, fit_head, real_rows

EXTERNAL = MODEL_DIR / "data" / "external"


def _rows(path: Path) -> dict:
    return {r["id"]: r for r in (json.loads(x) for x in path.read_text().splitlines() if x.strip())}


def test_real_vectors_file_keeps_no_text_and_matches_the_pointer_files():
    with np.load(REAL_VECTORS) as z:
        assert set(z.files) == {"vectors", "labels", "ids", "split_ids", "sets", "urls", "groups", "dimensions", "sha256"}
        vec, labels, ids, sets, sha = z["vectors"], z["labels"], z["ids"], z["sets"], z["sha256"]
        split_ids, groups = z["split_ids"], z["groups"]
    assert vec.dtype == np.float32 and vec.shape == (len(labels), 384)
    assert np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-4)  # normalised sentence means
    assert set(labels.tolist()) <= set(LABELS)
    assert all(g.startswith("ext-") for g in groups.tolist())
    r4, w2 = _rows(EXTERNAL / "real_r4.jsonl"), _rows(EXTERNAL / "real_r5_web2.jsonl")
    for i, s, h, lab in zip(ids.tolist(), sets.tolist(), sha.tolist(), labels.tolist()):
        ptr = (r4 if s == "ext-dev" else w2)[i]
        assert ptr["sha256"] == h and ptr["label"] == lab  # the paragraph that was labelled, with its label
    # never a row of EXT-TEST (the even half of the round-4 outside set)
    split = json.loads((EXTERNAL / "split_r5.json").read_text())
    dev_ids = split_ids[sets == "ext-dev"].tolist()
    assert set(dev_ids) <= set(split["dev"]) and not set(dev_ids) & set(split["test"])
    assert len(dev_ids) == (sets == "ext-dev").sum() > 0


def test_vector_rows_train_the_vector_half_only():
    from pipeline.theory.classify import PassageFeatures

    rng = np.random.default_rng(0)
    words = {"neither": "trade figures rose", "new_world_order": "networked order emerges",
             "complex_interdependence": "mutual sensitivity channels", "both": "networked order and mutual sensitivity"}
    labels = np.array([LABELS[i % 4] for i in range(24)])
    texts = [f"{words[lab]} passage {i}" for i, lab in enumerate(labels)]
    X = PassageFeatures(rng.normal(size=(24, 6)), texts)
    w = np.ones(24)
    extra = VectorRows(rng.normal(size=(8, 6)) + 3.0, np.array(["neither"] * 8), np.ones(8))
    plain = fit_head("avg_tfidf", X, labels, w)
    more = fit_head("avg_tfidf", X, labels, w, extra)
    assert not np.allclose(plain["vectors"].coef_, more["vectors"].coef_)  # the vector half saw the extra rows
    assert np.allclose(plain["text"].named_steps["lr"].coef_, more["text"].named_steps["lr"].coef_)  # text half did not


def test_real_rows_carry_the_zero_shot_features():
    desc = np.eye(384, dtype=np.float32)[:10]
    rows, record = real_rows(desc)
    assert rows.X.shape[1] == 384 + 10 and len(rows.labels) == record["rows"] == len(rows.weights)
    assert record["name"] == REAL_VECTORS.name and len(record["sha256"]) == 64
    assert CANDIDATES["avg_tfidf_sentence_mean_thresholds_real"].real_vectors


def test_sample_pairs_one_gives_one_partner_per_passage():
    from pipeline.theory.finetune import sample_pairs_one

    labels = ["a", "a", "b", "b", "c", "a"]
    pairs = sample_pairs_one(labels, seed=3)
    assert sorted(a for a, _, _ in pairs) == list(range(len(labels)))
    for a, b, t in pairs:
        assert a != b and t == float(labels[a] == labels[b])
    assert pairs == sample_pairs_one(labels, seed=3)
    assert {t for _, _, t in sample_pairs_one(labels * 10, seed=1)} == {0.0, 1.0}


@pytest.fixture(scope="module")
def encoder():
    from pipeline.settings import get_settings
    from pipeline.theory.encoder import load_encoder

    return load_encoder(get_settings().embedding_model)


def test_untrained_sentence_path_is_the_shipped_sentence_mean(encoder):
    """The fine-tuning path over cached lower-layer states gives, before training, exactly the vectors the
    stage computes (so a fine-tuned layer changes only what it learnt)."""
    from pipeline.theory import finetune as F
    from pipeline.theory.encoder import embed_sentence_mean

    passages = [["States bargain over tariffs.", "Ministries talk directly to each other across borders."],
                ["A new order is emerging.", "Power shifts east.", "Institutions multiply."]]
    uniq = sorted({s for p in passages for s in p}, key=len)
    pos = {s: i for i, s in enumerate(uniq)}
    lower = F.LowerStates(encoder, uniq, 1)
    got = F.passage_vectors(lower, lower.top_layers().eval(), [[pos[s] for s in p] for p in passages], [0, 1])
    want, _ = embed_sentence_mean(encoder, passages, 8)
    assert np.allclose(got.detach().numpy(), want, atol=1e-5)


def test_sentence_fine_tuning_is_deterministic_and_moves_the_layer(encoder):
    import torch

    from pipeline.theory import finetune as F

    sents = ["Trade rose by four percent.", "Exports fell in May.", "A networked order of regulators emerges.",
             "Judges and regulators form transgovernmental networks.", "Tariff revenue doubled.",
             "Power is shifting to new institutions."]
    labels = ["neither", "neither", "new_world_order", "new_world_order", "neither", "new_world_order"]
    lower = F.LowerStates(encoder, sents, 1)
    psent = [[i] for i in range(len(sents))]
    a = F.finetune_sentence_mean(lower, psent, list(range(6)), labels, seed=5)
    b = F.finetune_sentence_mean(lower, psent, list(range(6)), labels, seed=5)
    base = lower.top_layers()
    pa, pb, p0 = (dict(m.named_parameters()) for m in (a, b, base))
    assert all(torch.equal(pa[k], pb[k]) for k in pa)
    assert any(not torch.equal(pa[k], p0[k]) for k in pa)


def test_paragraph_fine_tuning_shares_the_pair_step_and_moves_the_layer(encoder):
    """The paragraph path (``finetune``) runs the same pair step as the sentence-mean path: deterministic per seed,
    and it changes the trained layer."""
    import torch

    from pipeline.theory import finetune as F

    texts = ["Trade rose by four percent in the first quarter.", "Judges and regulators form transgovernmental networks.",
             "Exports fell in May after the strike.", "Power is shifting to new institutions of a plural order."]
    labels = ["neither", "new_world_order", "neither", "new_world_order"]
    lower = F.LowerStates(encoder, texts, 1)
    a = F.finetune(lower, list(range(4)), labels, iterations=1, seed=3)
    b = F.finetune(lower, list(range(4)), labels, iterations=1, seed=3)
    pa, pb, p0 = (dict(m.named_parameters()) for m in (a, b, lower.top_layers()))
    assert all(torch.equal(pa[k], pb[k]) for k in pa)
    assert any(not torch.equal(pa[k], p0[k]) for k in pa)
    assert not a.training
