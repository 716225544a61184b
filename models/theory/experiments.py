"""Model-choice experiments for the theory classifier, on the same source-split folds as ``train.py``.

Run: ``python -m models.theory.experiments [--out models/theory/experiments.json]`` (from the
repository root, with the project on ``PYTHONPATH``). Every configuration is scored exactly as
``irpipe train-theory`` scores a candidate: four ``GroupKFold`` folds grouped by source
(leave-one-writer-out, published papers whole), Platt's sigmoid per theory fitted on decision
values from three source-grouped inner folds, the label from the two calibrated theory scores
(codebook §1). What differs between configurations is only how a passage becomes four class
probabilities. Passage vectors come from ``train.base_vectors`` (cached under ``.cache/theory/``
by model and text), so a full run costs seconds to minutes, not an encoding.

Besides macro-F1 and per-label F1 it writes an error analysis by *kind* of passage: the codebook
rule a ``neither`` passage was written to test (R1 realist/power-transition, R5 theory named to
reject it, R6 methods, ...; from ``data/key_b01.jsonl``), register, source type (writer vs
published EXCITE paper) and length, so a change is judged on kinds of error, never on single
passages.

Round 4 (issue 17): ``--round4`` scores the prepared candidates (``configurations``) on the same folds
(``experiments_round4.json``); ``--external FILE`` trains each on all gold (plus the agreed written rows of
FILE for the ``+written`` ones) and scores FILE's web and article passages (``experiments_external.json``:
figures, ids, labels and scores, never text); ``--external FILE --models M...`` scores model files exactly as
the stage runs them (``experiments_external_models.json``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from pipeline.settings import get_settings
from pipeline.theory import train as T
from pipeline.theory.calibration import platt_apply, platt_fit
from pipeline.theory.labels import LABELS, THEORIES

KEY = Path(__file__).resolve().parent / "data" / "key_b01.jsonl"
LENGTH_BINS = [(0, 100), (100, 150), (150, 200), (200, 400)]  # words; gold spans 60-250 (a few longer)


def _logit(q):
    q = np.clip(q, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def theory_raw(P: np.ndarray) -> dict[str, np.ndarray]:
    """Four-class probabilities (columns in LABELS order) -> raw theory scores, as classify.head_scores."""
    return {t: _logit(P[:, LABELS.index(t)] + P[:, LABELS.index("both")]) for t in THEORIES}


def oof(ds, folds, fit_predict) -> dict[str, np.ndarray]:
    """Out-of-fold calibrated theory probabilities of one configuration (inner folds for Platt)."""
    n = len(ds.texts)
    prob = {t: np.full(n, np.nan) for t in THEORIES}
    for tr, te in folds:
        raw_in = {t: np.zeros(len(tr)) for t in THEORIES}
        for itr, ite in T._group_splits(ds.groups[tr], T.INNER_FOLDS):
            sc = theory_raw(fit_predict(tr[itr], tr[ite]))
            for t in THEORIES:
                raw_in[t][ite] = sc[t]
        y_in = ds.labels[tr]
        platt = {t: platt_fit(raw_in[t], np.isin(y_in, [t, "both"]).astype(int)) for t in THEORIES}
        sc = theory_raw(fit_predict(tr, te))
        for t in THEORIES:
            prob[t][te] = platt_apply(sc[t], platt[t])
    return prob


def memo(fp):
    """Each (training rows, test rows) pair is fitted once, however many combinations reuse it."""
    seen: dict = {}

    def wrapped(tr, te):
        k = (hash(tr.tobytes()), hash(te.tobytes()))
        if k not in seen:
            seen[k] = fp(tr, te)
        return seen[k]
    return wrapped


def lr_probs(X, ds, C=T.C_HEAD, balanced=True):
    from sklearn.linear_model import LogisticRegression

    def fp(tr, te):
        m = LogisticRegression(C=C, max_iter=5000, class_weight="balanced" if balanced else None)
        m.fit(X[tr], ds.labels[tr], sample_weight=ds.weights[tr])
        P = m.predict_proba(X[te])
        return P[:, [list(m.classes_).index(c) for c in LABELS]]
    return memo(fp)


def tfidf_probs(ds, C=T.C_HEAD):
    """Word (1-2) and character (2-5, within word boundaries) TF-IDF, one four-class logistic regression."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = np.array(ds.texts, dtype=object)

    def fp(tr, te):
        w = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        c = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
        Xtr = hstack([w.fit_transform(texts[tr]), c.fit_transform(texts[tr])]).tocsr()
        Xte = hstack([w.transform(texts[te]), c.transform(texts[te])]).tocsr()
        m = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
        m.fit(Xtr, ds.labels[tr], sample_weight=ds.weights[tr])
        P = m.predict_proba(Xte)
        return P[:, [list(m.classes_).index(c) for c in LABELS]]
    return memo(fp)


def average(*fps, weights=None):
    weights = weights or [1.0 / len(fps)] * len(fps)

    def fp(tr, te):
        return sum(w * f(tr, te) for w, f in zip(weights, fps))
    return fp


def kinds(ds) -> dict[str, list[str]]:
    """Each passage's kinds: rule tag of a written `neither`, register, source type, length bin."""
    key = {r["id"]: r for r in (json.loads(x) for x in KEY.read_text().splitlines() if x.strip())}
    out = []
    for e in ds.examples:
        k = key.get(e.id, {})
        n = len(e.text.split())
        ks = [f"label:{e.label}", f"register:{e.meta.get('register') or 'other'}",
              "source:published" if e.source.startswith("pub-") else "source:writer",
              next(f"words:{a}-{b}" for a, b in LENGTH_BINS if a <= n < b)]
        if k.get("rule"):
            ks.append(f"rule:{k['rule']}")
        out.append(ks)
    return out


def score(ds, prob, kind_of) -> dict:
    s = T.summarise(ds, prob)
    pred = T.predict_labels(prob)
    by: dict[str, list[int]] = defaultdict(list)
    for i, ks in enumerate(kind_of):
        if not ds.evaluable[i]:  # training-only rows (--extra) are never scored
            continue
        for k in ks:
            by[k].append(i)
    acc = {k: {"n": len(v), "accuracy": round(float((pred[v] == ds.labels[v]).mean()), 3)} for k, v in sorted(by.items())}
    return {"macro_f1": s["macro_f1"], "accuracy": s["accuracy"],
            "per_label_f1": {k: v["f1-score"] for k, v in s["per_label"].items()},
            "theory_f1": s["theory_f1"], "ece": {t: s["calibration"][t]["ece"] for t in THEORIES},
            "abstention": s["abstention"], "confusion": s["confusion"], "per_fold": per_fold(ds, prob),
            "by_kind": acc}


def per_fold(ds, prob) -> list[float]:
    out = []
    for _, te in FOLDS_:
        out.append(T.four_label_report(ds.labels[te], T.predict_labels({t: prob[t][te] for t in THEORIES}))["macro_f1"])
    return out


FOLDS_: list = []


def legacy_check(settings, out: Path) -> dict:
    """A second, out-of-source check: train on all gold, score the 245 legacy passages.

    The legacy passages (``train.jsonl``, labelled blind in ``data/raw/l04.jsonl``) come from other
    hands (the first-round developers) and are short (13-36 words): no configuration was chosen on
    them, so they show which configuration carries over to prose unlike its training data.
    """
    from pipeline.theory import data as tdata
    from pipeline.theory.classify import description_matrix
    from pipeline.theory.encoder import load_encoder

    gold, _ = tdata.load_gold()
    leg, _ = tdata.load_legacy()
    ds = T.Dataset(gold + leg)
    g = np.flatnonzero(ds.evaluable)
    l = np.flatnonzero(~ds.evaluable)
    FOLDS_[:] = [(g, l)]
    desc = description_matrix(load_encoder(settings.embedding_model), settings.embedding_batch_size)
    sm = T.base_vectors(ds.texts, settings, "sentence_mean", print)
    X_sm = np.hstack([sm, sm @ desc.T])
    base, tfidf = lr_probs(X_sm, ds), tfidf_probs(ds)
    cfg = {"sm+zs (shipped)": base, "sm+zs, no class weights": lr_probs(X_sm, ds, balanced=False),
           "tfidf word+char": tfidf, "avg(sm+zs, tfidf)": average(base, tfidf)}
    res = {}
    for name, fp in cfg.items():
        prob = oof(ds, [(g, l)], fp)
        y = ds.labels[l]
        pred = T.predict_labels({t: prob[t][l] for t in THEORIES})
        rep = T.four_label_report(y, pred)
        res[name] = {"passages": int(len(l)), "macro_f1": rep["macro_f1"], "accuracy": rep["accuracy"],
                     "per_label_f1": {k: v["f1-score"] for k, v in rep["per_label"].items()}}
        print(f"legacy {name:30s} macro-F1 {rep['macro_f1']:.3f} acc {rep['accuracy']:.3f} "
              + " ".join(f"{k[:4]} {v['f1-score']:.3f}" for k, v in rep["per_label"].items()), flush=True)
        out.write_text(json.dumps(res, indent=1) + "\n")
    return res


def article_check(settings, models: list[str], out: Path) -> dict:
    """The reference article's body paragraphs (real IR prose, never trained on) under several model files.

    No gold labels: it lists each paragraph's label and scores per model, so a reader sees which
    paragraphs that argue a theory (codebook §3) each model finds.
    """
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from pipeline.process import process_file
    from pipeline.theory.classify import classify_texts
    from tests.conftest import ARTICLE

    body = process_file(ARTICLE).body_passages()
    texts = [p.text for p in body]
    res = {m: classify_texts(texts, settings, model_path=m) for m in models}
    rows = [{"id": p.id, "words": len(p.text.split()), "text": p.text,
             "models": {m: {"label": res[m][i]["label"], "abstained": res[m][i]["abstained"],
                            "scores": res[m][i]["scores"]} for m in models}} for i, p in enumerate(body)]
    for r in rows:
        print(" | ".join(f"{v['label'][:4]} {v['scores']['new_world_order']:.2f}/{v['scores']['complex_interdependence']:.2f}"
                         for v in r["models"].values()) + f" | {r['text'][:80]}")
    out.write_text(json.dumps({"article": Path(ARTICLE).name, "models": models, "passages": rows}, indent=1) + "\n")
    return {"passages": rows}


# ---------------------------------------------------------------- round 4: indicators, written passages, external check

WRITTEN_GROUP = "written-r4"  # the round-4 written passages: one hand, one source in every split
BOOTSTRAP = 2000  # paired bootstrap resamples of the external passages (differences in macro-F1)
SEED_BOOT = 17


def load_external(path: Path) -> tuple[list, list]:
    """(passages to score, written passages to train on) from the labellers' gold file.

    Scored: every row whose source is not ``written`` (web pages, the reference article), with its
    final label; a row the two labellers disagreed on with no adjudicated label (``label`` null) is
    left out, and counted by the caller. Trained on: ``written`` rows whose two labellers agreed (``label_A == label_B``);
    an adjudicated written row is left out. A row without a usable label is an error naming the file
    and the row.
    """
    from pipeline.theory import data as tdata

    scored, written = [], []
    for n, r in enumerate(tdata.load_jsonl(path), start=1):
        lab = r.get("label")
        if lab is None and r.get("label_A") != r.get("label_B"):  # the labellers disagreed and nobody adjudicated
            continue
        if lab not in LABELS:
            raise ValueError(f"{path}: row {n} ({r.get('id')}): label {lab!r} is not one of {', '.join(LABELS)}")
        src = r.get("source") or "web"
        if src == "written":
            if r.get("label_A") == r.get("label_B") == lab:
                written.append(tdata.Example(r["id"], r["text"], lab, None, WRITTEN_GROUP, path.name, evaluate=False))
        else:
            scored.append(tdata.Example(r["id"], r["text"], lab, None, f"ext-{src}", path.name, evaluate=False,
                                        meta={"external": src}))
    return scored, written


def feature_views(ds, settings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three views every round-4/5 candidate is built from: sentence-mean embeddings, their similarity
    to the codebook's label descriptions (zero-shot features), and the codebook-indicator features."""
    from pipeline.theory.classify import description_matrix, indicator_features, indicator_matrix
    from pipeline.theory.encoder import load_encoder

    enc = load_encoder(settings.embedding_model)
    desc = description_matrix(enc, settings.embedding_batch_size)
    ind_m, owner = indicator_matrix(enc, settings.embedding_batch_size)
    sm = T.base_vectors(ds.texts, settings, "sentence_mean", print)
    return sm, sm @ desc.T, indicator_features(T.sentence_vectors(ds.texts, settings), ind_m, owner)


def configurations(ds, settings, X_sm, Z, IND) -> dict:
    """Round 4's prepared candidates, fixed before the external labels were read (model card, round 4).

    name -> (four-class fit_predict, whether the agreed written round-4 passages join training).
    """
    base = lr_probs(X_sm, ds)
    tfidf = tfidf_probs(ds)
    ind = lr_probs(np.hstack([X_sm, IND]), ds)
    zs_ind = lr_probs(np.hstack([Z, IND]), ds)
    return {
        "sm+zs (shipped)": (base, False),
        "avg(sm+zs, tfidf)": (average(base, tfidf), False),
        "tfidf word+char": (tfidf, False),
        "sm+zs+indicators": (ind, False),
        "zs+indicators only": (zs_ind, False),
        "sm+zs, +written": (base, True),
        "avg(sm+zs, tfidf), +written": (average(base, tfidf), True),
        "sm+zs+indicators, +written": (ind, True),
    }


def _figures(y: np.ndarray, prob: dict[str, np.ndarray], band: float, thresholds: dict | None = None,
             pred: np.ndarray | None = None) -> dict:
    """Figures of calibrated scores against gold labels. ``thresholds``: per theory, a model's cut, one number or
    one per passage (out of fold they differ by fold; None: 0.5); the abstention band is measured around it.
    ``pred``: the labels as the stage gave them (a researcher's own label may override the scores), else the
    thresholds' rule."""
    from pipeline.theory.calibration import abstention_table, reliability

    from sklearn.metrics import f1_score

    thr = None if not thresholds else {t: np.broadcast_to(np.asarray(thresholds.get(t, 0.5), dtype=float), (len(y),))
                                       for t in THEORIES}
    pred = T.predict_labels(prob, thr) if pred is None else np.asarray(pred)
    rep = T.four_label_report(y, pred)
    present = [c for c in LABELS if (y == c).any()]
    table = abstention_table(prob, list(y), T.BANDS, thr)
    at = abstention_table(prob, list(y), [band], thr)[0]
    # macro-F1 over the labels the gold has here (a label with no passage would score 0 whatever the model does);
    # the four-label figure is kept beside it
    return {"passages": int(len(y)), "labels_present": present,
            "macro_f1": round(float(f1_score(y, pred, labels=present, average="macro", zero_division=0)), 4),
            "macro_f1_four_labels": rep["macro_f1"], "accuracy": rep["accuracy"],
            "per_label_f1": {k: v["f1-score"] for k, v in rep["per_label"].items()},
            "support": {k: int(v["support"]) for k, v in rep["per_label"].items()},
            "ece": {t: reliability(prob[t], np.isin(y, [t, "both"]).astype(int))[0] for t in THEORIES},
            "at_band": at, "abstention": table,
            "confusion": {a: {b: int(((y == a) & (pred == b)).sum()) for b in LABELS} for a in LABELS}}


def _bootstrap(y: np.ndarray, pa: np.ndarray, pb: np.ndarray, seed: int = SEED_BOOT) -> dict:
    """Paired bootstrap of macro-F1(a) - macro-F1(b) over passages: mean, 95 % interval, share above 0."""
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(seed)
    d = []
    for _ in range(BOOTSTRAP):
        i = rng.integers(0, len(y), len(y))
        present = [c for c in LABELS if (y == c).any()]
        d.append(f1_score(y[i], pa[i], labels=present, average="macro", zero_division=0)
                 - f1_score(y[i], pb[i], labels=present, average="macro", zero_division=0))
    d = np.array(d)
    return {"mean": round(float(d.mean()), 4), "ci95": [round(float(np.percentile(d, 2.5)), 4),
                                                        round(float(np.percentile(d, 97.5)), 4)],
            "share_above_0": round(float((d > 0).mean()), 3)}



def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--legacy-check", action="store_true", help="train on all gold, score the legacy passages")
    ap.add_argument("--extra", nargs="*", default=[], help="gold JSONL files added to every training fold, never "
                    "evaluated (so the evaluated passages and folds stay those of the comparison)")
    ap.add_argument("--article-check", nargs="*", default=None, metavar="MODEL",
                    help="theory.skops files to compare on the reference article's body paragraphs")
    ap.add_argument("--round4", action="store_true", help="round 4's prepared candidates on the source-split folds "
                    "(with --external: the written passages of that file join the +written candidates' training)")
    ap.add_argument("--external", default=None, metavar="FILE",
                    help="labelled JSONL (id, source, text, label, label_A, label_B): train each round-4 candidate on "
                    "all gold, score the non-written rows; figures only to experiments_external.json")
    ap.add_argument("--models", nargs="*", default=None, metavar="MODEL",
                    help="with --external: score these theory.skops files as shipped (classify_texts) instead of "
                    "training the candidates")
    a = ap.parse_args(argv)
    here = Path(__file__).resolve().parent
    settings = get_settings()
    if a.article_check:
        return article_check(settings, a.article_check, Path(a.out or here / "experiments_article.json"))
    if a.legacy_check:
        return legacy_check(settings, Path(a.out or here / "experiments_legacy.json"))
    if a.external and a.models:
        return external_models(settings, Path(a.external), a.models, Path(a.out or here / "experiments_external_models.json"))
    if a.round4 or a.external:
        return round4(settings, Path(a.external) if a.external else None, a.only, a.round4,
                      Path(a.out) if a.out else None)
    return round3(settings, a.extra, a.only, Path(a.out or here / "experiments.json"))


def round4(settings, external: Path | None, only, folds_too: bool, out: Path | None) -> dict:
    """Round 4: the prepared candidates on the source-split folds and/or the external labelled passages."""
    here = Path(__file__).resolve().parent
    gold, _ = T.load_examples(None, [], False, written=False)
    scored, written = load_external(external) if external else ([], [])
    ds = T.Dataset(gold + written + scored)
    n_g, n_w = len(gold), len(written)
    g = np.arange(n_g)
    w = np.arange(n_g, n_g + n_w)
    x = np.arange(n_g + n_w, len(ds.texts))
    sm, Z, IND = feature_views(ds, settings)
    cfg = configurations(ds, settings, np.hstack([sm, Z]), Z, IND)
    if only:
        cfg = {k: v for k, v in cfg.items() if k in only}
    res: dict = {}
    if folds_too:
        path = here / "experiments_round4.json"
        if only and path.exists():  # a partial run updates its configurations, keeps the others
            res = json.loads(path.read_text())
        gf = [(g[tr], g[te]) for tr, te in T._group_splits(ds.groups[g], T.FOLDS)]
        FOLDS_[:] = gf
        kind_of = kinds(ds)
        for name, (fp, use_w) in cfg.items():
            folds = [(np.concatenate([tr, w]) if use_w else tr, te) for tr, te in gf]
            t = time.time()
            r = score(ds, oof(ds, folds, fp), kind_of)
            r["seconds"] = round(time.time() - t, 1)
            r["written_in_training"] = int(len(w)) if use_w else 0
            res[name] = r
            print(f"folds {name:32s} macro-F1 {r['macro_f1']:.3f} | " + " ".join(f"{k[:4]} {v:.3f}" for k, v in r['per_label_f1'].items())
                  + f" | ECE {r['ece']['new_world_order']:.3f}/{r['ece']['complex_interdependence']:.3f} | folds "
                  + " ".join(f"{v:.2f}" for v in r["per_fold"]) + f" | {r['seconds']}s", flush=True)
            path.write_text(json.dumps(res, indent=1) + "\n")
        if external is None:
            return res
    path = out or here / "experiments_external.json"
    y = ds.labels[x]
    srcs = np.array([ds.examples[i].meta["external"] for i in x])
    preds = {}
    from pipeline.theory import data as tdata

    unresolved = sum(1 for r in tdata.load_jsonl(external) if r.get("source") != "written" and r.get("label") is None)
    res = {"file": external.name, "passages": int(len(x)), "left_out_unresolved": unresolved, "by_source": {s: int((srcs == s).sum()) for s in sorted(set(srcs))},
           "written_agreed_in_training": int(len(w)), "band": settings.theory_abstain_band, "candidates": {}}
    for name, (fp, use_w) in cfg.items():
        tr = np.concatenate([g, w]) if use_w else g
        prob = oof(ds, [(tr, x)], fp)
        p = {t: prob[t][x] for t in THEORIES}
        r = {"pooled": _figures(y, p, settings.theory_abstain_band)}
        for s_ in sorted(set(srcs)):
            m = srcs == s_
            r[s_] = _figures(y[m], {t: p[t][m] for t in THEORIES}, settings.theory_abstain_band)
        preds[name] = T.predict_labels(p)
        r["passages"] = [{"id": ds.examples[i].id, "source": str(srcs[j]), "label": str(y[j]), "predicted": str(preds[name][j]),
                          "scores": {t: round(float(p[t][j]), 4) for t in THEORIES}} for j, i in enumerate(x)]
        res["candidates"][name] = r
        pool = r["pooled"]
        print(f"external {name:32s} macro-F1 {pool['macro_f1']:.3f} acc {pool['accuracy']:.3f} | "
              + " ".join(f"{k[:4]} {v:.3f}" for k, v in pool["per_label_f1"].items())
              + " | " + " ".join(f"{s_} {r[s_]['macro_f1']:.3f}" for s_ in sorted(set(srcs)))
              + f" | cov {pool['at_band']['coverage']:.2f} acc@band {pool['at_band'].get('accuracy_labelled', 0):.3f}", flush=True)
        path.write_text(json.dumps(res, indent=1) + "\n")
    ref = "sm+zs (shipped)"
    if ref in preds:
        for name in preds:
            if name != ref:
                res["candidates"][name]["bootstrap_vs_shipped"] = _bootstrap(y, preds[name], preds[ref])
        path.write_text(json.dumps(res, indent=1) + "\n")
    return res


def external_models(settings, external: Path, models: list[str], out: Path) -> dict:
    """The external passages under model files exactly as the stage runs them (``classify_texts``); figures only."""
    from pipeline.theory.classify import classify_texts, load_bundle

    scored, _ = load_external(external)
    y = np.array([e.label for e in scored])
    srcs = np.array([e.meta["external"] for e in scored])
    res = {"file": external.name, "passages": len(scored), "band": settings.theory_abstain_band, "models": {}}
    for m in models:
        out_ = classify_texts([e.text for e in scored], settings, model_path=m)
        thr = load_bundle(m).get("thresholds")  # the stage's cut, around which it abstains
        p = {t: np.array([o["scores"][t] for o in out_]) for t in THEORIES}
        pred = np.array([o["label"] for o in out_])  # the stage's labels
        r = {"pooled": _figures(y, p, settings.theory_abstain_band, thr, pred), "thresholds": thr}
        for s_ in sorted(set(srcs)):
            k = srcs == s_
            r[s_] = _figures(y[k], {t: p[t][k] for t in THEORIES}, settings.theory_abstain_band, thr, pred[k])
        r["passages"] = [{"id": e.id, "source": str(srcs[j]), "label": str(y[j]), "predicted": o["label"],
                          "abstained": o["abstained"], "scores": o["scores"]} for j, (e, o) in enumerate(zip(scored, out_))]
        res["models"][m] = r
        print(f"{m}: macro-F1 {r['pooled']['macro_f1']:.3f} (four labels {r['pooled']['macro_f1_four_labels']:.3f}) "
              + " ".join(f"{s_} {r[s_]['macro_f1']:.3f}" for s_ in sorted(set(srcs))), flush=True)
    out.write_text(json.dumps(res, indent=1) + "\n")
    return res


def round3(settings, extra_files, only, out: Path) -> dict:
    a = argparse.Namespace(extra=extra_files, only=only, out=str(out))
    examples, _ = T.load_examples(None, [], False, written=False)
    if a.extra:
        from pipeline.theory import data as tdata

        extra, _ = tdata.load_gold([Path(x) for x in a.extra])
        for e in extra:
            e.evaluate = False
        examples += extra
    ds = T.Dataset(examples)
    folds = T.outer_folds(ds, T.FOLDS)
    FOLDS_[:] = folds
    from pipeline.theory.classify import description_matrix
    from pipeline.theory.encoder import load_encoder

    desc = description_matrix(load_encoder(settings.embedding_model), settings.embedding_batch_size)
    sm = T.base_vectors(ds.texts, settings, "sentence_mean", print)
    par = T.base_vectors(ds.texts, settings, "paragraph", print)
    zs = lambda e: e @ desc.T  # noqa: E731
    X_sm = np.hstack([sm, zs(sm)])
    X_par = np.hstack([par, zs(par)])
    X_both = np.hstack([sm, par, zs(sm), zs(par)])
    base = lr_probs(X_sm, ds)
    tfidf = tfidf_probs(ds)
    para = lr_probs(X_par, ds)
    both = lr_probs(X_both, ds)
    cfg = {
        "sm+zs (shipped)": base,
        "sm, no zero-shot": lr_probs(sm, ds),
        "paragraph+zs": para,
        "sm+paragraph+zs (concatenated)": both,
        "sm+zs, no class weights": lr_probs(X_sm, ds, balanced=False),
        "tfidf word+char": tfidf,
        "avg(sm+zs, tfidf)": average(base, tfidf),
        "avg(sm+zs, paragraph+zs)": average(base, para),
        "avg(sm+zs, paragraph+zs, tfidf)": average(base, para, tfidf),
        "avg(sm+paragraph+zs, tfidf)": average(both, tfidf),
    }
    for C in (1.0, 4.0, 64.0):
        cfg[f"sm+zs C={C:g}"] = lr_probs(X_sm, ds, C=C)
    kind_of = kinds(ds)
    results = {}
    for name, fp in cfg.items():
        if a.only and name not in a.only:
            continue
        t = time.time()
        r = score(ds, oof(ds, folds, fp), kind_of)
        r["seconds"] = round(time.time() - t, 1)
        results[name] = r
        print(f"{name:38s} macro-F1 {r['macro_f1']:.3f} | " + " ".join(f"{k[:4]} {v:.3f}" for k, v in r['per_label_f1'].items())
              + f" | ECE {r['ece']['new_world_order']:.3f}/{r['ece']['complex_interdependence']:.3f} | folds "
              + " ".join(f"{x:.2f}" for x in r["per_fold"]) + f" | {r['seconds']}s", flush=True)
        Path(a.out).write_text(json.dumps(results, indent=1) + "\n")  # after each: a stopped run keeps its figures
    return results


if __name__ == "__main__":
    main()
