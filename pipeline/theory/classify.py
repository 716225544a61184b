"""The trained theory model: loading it and classifying passages.

The model file (``models/theory/theory.skops``, skops rather than pickle) holds the head, the
Platt parameters per theory, one classifier per dimension, which dimensions are experimental,
the training passages' vectors (for the nearest exemplars) and the researcher's labels. It
records how passage vectors are made (pooling, zero-shot features, a fine-tuned layer file)
so that training and classification make them the same way.

Heads:

* ``multinomial``: one four-class logistic regression; a theory's raw score is the probability
  of its label plus that of ``both``, mapped through Platt's sigmoid (Platt 1999);
* ``multinomial_unweighted``: the same, trained without balanced class weights (the training prior kept;
  round 6, ``models/theory/README.md``); scored exactly as ``multinomial``;
* ``per_theory``: one binary logistic regression per theory, its decision value mapped the same way;
* ``tfidf``: one four-class logistic regression on the passage's words (1-2 grams) and characters
  (2-5 grams within words), TF-IDF weighted with sublinear term frequency (Manning, Raghavan and
  Schütze 2008, ch. 6); scores as ``multinomial``;
* ``avg_tfidf``: the mean of the ``multinomial`` head's and the ``tfidf`` head's four-class
  probabilities, then as ``multinomial``.

The text heads read the passage itself, so their input is a :class:`PassageFeatures`: the vectors
and the texts, indexed together.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.settings import Settings
from pipeline.theory.calibration import platt_apply
from pipeline.theory.codebook import CODEBOOK, descriptions_digest, load_descriptions, load_indicators
from pipeline.theory.encoder import embed, load_encoder, split_sentences
from pipeline.theory.labels import ALL_DIMS, THEORIES, combine, theories_of

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "theory"
MODEL_FILE = MODEL_DIR / "theory.skops"
BUNDLE_FORMAT = "theory/2.0"
TRUSTED_TYPES = [
    "sklearn.linear_model._logistic.LogisticRegression", "numpy.ndarray", "numpy.dtype", "builtins.list",
    "builtins.dict", "builtins.float", "builtins.int", "builtins.str", "builtins.bool", "builtins.NoneType",
    "numpy.float64", "numpy.float32", "numpy.int64", "numpy.str_",
]
TEXT_HEADS = ("tfidf", "avg_tfidf")
# Word and character n-gram ranges of the TF-IDF head, and the minimum number of training passages a term needs
# (a term seen in one passage only is one writer's wording, not the theory's).
TFIDF_WORD_NGRAMS, TFIDF_CHAR_NGRAMS, TFIDF_MIN_DF = (1, 2), (2, 5), 2
NEIGHBOURS = 3


def text_key(text: str) -> str:
    """A passage's identity for the researcher's labels: SHA-256 of its whitespace-normalised text."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().encode("utf-8")).hexdigest()[:32]


@lru_cache(maxsize=2)
def _load(path: str, mtime_ns: int) -> dict:
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    unexpected = [t for t in untrusted if t not in TRUSTED_TYPES]
    if unexpected:
        raise ValueError(f"{path}: refusing to load unexpected types {unexpected}")
    bundle = sio.load(path, trusted=untrusted)
    if bundle.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"{path}: model format {bundle.get('format')!r}, expected {BUNDLE_FORMAT}; "
                         "retrain with `irpipe train-theory`")
    return bundle


def load_bundle(path: Path | str = MODEL_FILE) -> dict:
    p = Path(path)
    return _load(str(p), p.stat().st_mtime_ns)


def encoder_for(bundle: dict, settings: Settings, model_dir: Path):
    delta = bundle.get("encoder_delta")
    if bundle["embedding_model"] != settings.embedding_model:
        raise ValueError(f"the theory model was trained on embeddings of {bundle['embedding_model']!r}, the setting "
                         f"embedding_model is {settings.embedding_model!r}: retrain with `irpipe train-theory`")
    if not delta:
        return load_encoder(settings.embedding_model)
    path = model_dir / delta
    return load_encoder(settings.embedding_model, str(path), hashlib.sha256(path.read_bytes()).hexdigest())


@lru_cache(maxsize=4)
def _description_matrix(model, digest: str, batch: int) -> np.ndarray:
    from pipeline.theory.encoder import encode_sentences

    desc = load_descriptions(CODEBOOK)
    return encode_sentences(model, list(desc.values()), batch)


def description_matrix(model, batch: int) -> np.ndarray:
    return _description_matrix(model, descriptions_digest(load_descriptions(CODEBOOK)), batch)


@lru_cache(maxsize=4)
def _indicator_matrix(model, digest: str, batch: int) -> tuple[np.ndarray, np.ndarray]:
    from pipeline.theory.encoder import encode_sentences

    ind = load_indicators(CODEBOOK)
    texts = [t for d in ALL_DIMS for t in ind[d]]
    owner = np.array([j for j, d in enumerate(ALL_DIMS) for _ in ind[d]])
    return encode_sentences(model, texts, batch), owner


def indicator_matrix(model, batch: int) -> tuple[np.ndarray, np.ndarray]:
    """The codebook's §3 definitions and indicators encoded, and the dimension each belongs to."""
    ind = load_indicators(CODEBOOK)
    return _indicator_matrix(model, descriptions_digest({d: " | ".join(v) for d, v in ind.items()}), batch)


def indicator_features(parts: list[np.ndarray], ind: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Per dimension, how close the passage's sentences come to the codebook's indicators of it.

    Two numbers per dimension: the best cosine of any sentence to any of its indicators, and the
    mean over sentences of each sentence's best cosine. Why: a theory paragraph by a scholar often
    argues a dimension in one or two sentences among case facts; the sentence mean dilutes that,
    the maximum keeps it. Sixteen features that name no writer's vocabulary, so they can carry
    over to prose unlike the training paragraphs (model card, round 4).
    """
    k = int(owner.max()) + 1 if len(owner) else 0
    out = np.zeros((len(parts), 2 * k), dtype=np.float32)
    for i, S in enumerate(parts):
        if not len(S):
            continue
        n = np.linalg.norm(S, axis=1, keepdims=True)
        sims = (S / np.where(n == 0, 1, n)) @ ind.T  # sentences x indicators
        best = np.stack([sims[:, owner == j].max(axis=1) for j in range(k)], axis=1)  # sentences x dims
        out[i, :k] = best.max(axis=0)
        out[i, k:] = best.mean(axis=0)
    return out


def features(emb: np.ndarray, desc: np.ndarray | None) -> np.ndarray:
    """The passage vector, plus its cosine similarity to each codebook description (zero-shot)."""
    return np.hstack([emb, emb @ desc.T]) if desc is not None else emb


class PassageFeatures:
    """Vectors and texts of the same passages, indexed together (the text heads read the words)."""

    def __init__(self, X: np.ndarray, texts):
        self.X = X
        self.texts = np.asarray(list(texts), dtype=object)

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, idx) -> "PassageFeatures":
        return PassageFeatures(self.X[idx], self.texts[idx])


def vectors_of(X) -> np.ndarray:
    return X.X if isinstance(X, PassageFeatures) else X


def tfidf_pipeline(C: float):
    """The TF-IDF head before fitting: word and character n-grams, one balanced four-class logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    return Pipeline([
        ("ngrams", FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=TFIDF_WORD_NGRAMS, min_df=TFIDF_MIN_DF, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=TFIDF_CHAR_NGRAMS, min_df=TFIDF_MIN_DF,
                                      sublinear_tf=True)),
        ])),
        ("lr", LogisticRegression(C=C, max_iter=5000, class_weight="balanced")),
    ])


def _four_class(model, X) -> tuple[np.ndarray, list[str]]:
    if isinstance(model, dict):  # avg_tfidf: the mean of the two heads' probabilities, in one class order
        p_emb, classes = _four_class(model["vectors"], X)
        p_txt, ct = _four_class(model["text"], X)
        return (p_emb + p_txt[:, [ct.index(c) for c in classes]]) / 2, classes
    if hasattr(model, "steps"):  # the TF-IDF pipeline reads the texts
        return model.predict_proba(list(X.texts)), list(model.classes_)
    return model.predict_proba(vectors_of(X)), list(model.classes_)


def head_scores(head: str, model, X) -> dict[str, np.ndarray]:
    """Raw per-theory scores (before Platt): a decision value, or the logit of a summed probability."""
    if len(X) == 0:
        return {t: np.zeros(0) for t in THEORIES}
    if head == "per_theory":
        return {t: model[t].decision_function(vectors_of(X)) for t in THEORIES}
    p, classes = _four_class(model, X)
    out = {}
    for t in THEORIES:
        q = sum(p[:, classes.index(c)] for c in (t, "both") if c in classes)
        q = np.clip(q, 1e-6, 1 - 1e-6)
        out[t] = np.log(q / (1 - q))
    return out


def theory_probabilities(bundle: dict, X: np.ndarray) -> dict[str, np.ndarray]:
    raw = head_scores(bundle["head"], bundle["head_model"], X)
    return {t: platt_apply(raw[t], bundle["platt"][t]) for t in THEORIES}


def dimension_probabilities(bundle: dict, X) -> dict[str, np.ndarray]:
    X = vectors_of(X)
    return {d: bundle["dimensions"][d].predict_proba(X)[:, 1] if len(X) else np.zeros(0) for d in ALL_DIMS}


def classify_texts(texts: list[str], settings: Settings, *, sentences: list[list[str]] | None = None,
                   model_path: Path | str = MODEL_FILE) -> list[dict]:
    """Label, calibrated scores, dimension scores, evidence sentence and nearest training exemplars.

    A passage that the researcher labelled (``irpipe train-theory --add``) gets their label and
    dimensions, with ``labelled_by: "researcher"``; the scores stay the model's.
    """
    model_path = Path(model_path)
    bundle = load_bundle(model_path)
    if not texts:
        return []
    sentences = sentences or [split_sentences(t) for t in texts]
    model = encoder_for(bundle, settings, model_path.parent)
    desc = description_matrix(model, settings.embedding_batch_size) if bundle["zero_shot"] else None
    emb, parts = embed(model, texts, sentences, bundle["pooling"], settings.embedding_batch_size)
    X = features(emb, desc)
    ind = indicator_matrix(model, settings.embedding_batch_size) if bundle.get("indicators") else None
    if ind is not None:
        X = np.hstack([X, indicator_features(parts, *ind)])
    text_head = bundle["head"] in TEXT_HEADS
    if text_head:
        X = PassageFeatures(X, texts)
    theory_p = theory_probabilities(bundle, X)
    dim_p = dimension_probabilities(bundle, X)
    flat = np.vstack([p for p in parts if len(p)]) if any(len(p) for p in parts) else np.zeros((0, emb.shape[1]))
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    X_sent = features(flat / np.where(norms == 0, 1, norms), desc)
    if ind is not None:  # a sentence on its own: its best and mean similarity are the same
        X_sent = np.hstack([X_sent, indicator_features([v[None] for v in flat], *ind)])
    if text_head:  # the sentences in the order of ``parts``: those of passages with sentence vectors
        X_sent = PassageFeatures(X_sent, [s for i, p in enumerate(parts) if len(p) for s in sentences[i][: len(p)]])
    sent_p = theory_probabilities(bundle, X_sent)
    sims = emb @ bundle["train_emb"].T
    overrides = bundle.get("overrides", {})
    experimental = list(bundle.get("experimental_dimensions", []))
    out, k = [], 0
    for i, text in enumerate(texts):
        scores = {t: round(float(theory_p[t][i]), 4) for t in THEORIES}
        label, abstained = combine(scores, band=settings.theory_abstain_band, thresholds=bundle.get("thresholds"))
        dims = {d: round(float(dim_p[d][i]), 4) for d in ALL_DIMS}
        by = "model"
        own = overrides.get(text_key(text))
        if own:
            label, abstained, by = own["label"], False, "researcher"
            if own.get("dimensions") is not None:
                dims = {d: (1.0 if d in own["dimensions"] else 0.0) for d in ALL_DIMS}
        n = len(parts[i])
        target = theories_of(label) or THEORIES
        best = max(range(n), key=lambda j: max(sent_p[t][k + j] for t in target)) if n else 0
        out.append({
            "label": label, "abstained": abstained, "scores": scores, "dimensions": dims,
            "experimental_dimensions": experimental,
            "evidence": sentences[i][best] if n and best < len(sentences[i]) else None,
            "neighbours": [bundle["train_ids"][j] for j in np.argsort(-sims[i], kind="stable")[:NEIGHBOURS]],
            "labelled_by": by,
        })
        k += n
    return out
