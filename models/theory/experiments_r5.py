"""Round 5 (issue 17): the outside set split in two, and model candidates chosen without its test half.

Run from the repository root with the project on ``PYTHONPATH``:

* ``python -m models.theory.experiments_r5 split --external GOLD`` writes ``data/external/split_r5.json``:
  which outside passages are EXT-DEV and which EXT-TEST (ids only, no text), by the rule in
  :func:`split_ids`.
* ``python -m models.theory.experiments_r5 shipped --external GOLD [--models M...]`` scores model files
  exactly as the stage runs them on both halves (``experiments_r5_shipped.json``).
* ``python -m models.theory.experiments_r5 candidates --external GOLD [--test NAME...]`` scores the prepared
  candidates (:func:`candidates`) on the source-split folds and on EXT-DEV (``experiments_r5.json``); EXT-TEST
  only for the candidates named with ``--test``, and then only aggregate figures.

Why a split: the round-4 outside set (web paragraphs by IR writers and the reference article's) was used to
choose the round-4 model and to read its errors, so a figure on all of it is no longer a held-out figure.
From round 5 on, EXT-DEV may be read (texts and errors by kind) and used to choose among candidates, never
trained on; EXT-TEST is scored in aggregate only, for the candidate chosen and the model it replaces.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from models.theory import experiments as E
from pipeline.settings import get_settings
from pipeline.theory import train as T
from pipeline.theory.calibration import platt_apply, platt_fit
from pipeline.theory.labels import LABELS, THEORIES

HERE = Path(__file__).resolve().parent
SPLIT_FILE = HERE / "data" / "external" / "split_r5.json"
# Threshold grid for the per-theory threshold candidate: calibrated scores, so 0.5 is the natural cut and the
# search stays in the region where Platt's sigmoid is informative.
THRESHOLDS = np.round(np.arange(0.20, 0.61, 0.05), 2)
# Class-weight factor on the two rare theory-bearing labels for the prior candidate (on top of "balanced"):
# the round-4 model scored real new-world-order paragraphs confidently low, so the prior is raised, not tuned.
PRIOR_FACTOR = 2.0


def split_ids(path: Path) -> dict[str, str]:
    """id -> "dev" / "test" for every outside (non-written) row of the labellers' file.

    Rule (issue 17, round 5): sort all rows of the file by ``id``; a row whose 1-based position in that
    order is odd is EXT-DEV, even EXT-TEST. The file's ids are t001..t162, so the position is the id's
    number. Written rows (the project's own paragraphs) are in neither half.
    """
    from pipeline.theory import data as tdata

    rows = tdata.load_jsonl(path)
    order = sorted(r["id"] for r in rows)
    pos = {i: n for n, i in enumerate(order, start=1)}
    return {r["id"]: ("dev" if pos[r["id"]] % 2 else "test") for r in rows if (r.get("source") or "web") != "written"}


def load_halves(path: Path):
    scored, written = E.load_external(path)
    half = split_ids(path)
    return [e for e in scored if half[e.id] == "dev"], [e for e in scored if half[e.id] == "test"], written


def _aggregate(fig: dict) -> dict:
    """EXT-TEST figures keep aggregates only (no per-passage row)."""
    return {k: v for k, v in fig.items() if k != "passages_detail"}


def cmd_split(path: Path) -> dict:
    half = split_ids(path)
    from pipeline.theory import data as tdata

    orig = {r["id"]: r.get("orig_id") for r in tdata.load_jsonl(path)}
    out = {"rule": "sort all rows of the labellers' gold.jsonl by id; 1-based position odd = EXT-DEV, even = "
                   "EXT-TEST; written rows in neither", "file_sha256": tdata.file_record(path, 0)["sha256"],
           "dev": sorted(i for i, h in half.items() if h == "dev"),
           "test": sorted(i for i, h in half.items() if h == "test"),
           "orig_id": {i: orig[i] for i in sorted(half)}}
    SPLIT_FILE.write_text(json.dumps(out, indent=1) + "\n")
    print(f"EXT-DEV {len(out['dev'])}, EXT-TEST {len(out['test'])} -> {SPLIT_FILE}")
    return out


def cmd_shipped(path: Path, models: list[str], out: Path) -> dict:
    from pipeline.theory.classify import classify_texts, load_bundle

    settings = get_settings()
    dev, test, _ = load_halves(path)
    res = {"file": path.name, "band": settings.theory_abstain_band, "models": {}}
    for m in models:
        r = {}
        for name, rows in (("dev", dev), ("test", test)):
            o = classify_texts([e.text for e in rows], settings, model_path=m)
            r.setdefault("_pred", {})[name] = [x["label"] for x in o]
            y = np.array([e.label for e in rows])
            p = {t: np.array([x["scores"][t] for x in o]) for t in THEORIES}
            thr = load_bundle(m).get("thresholds")
            # the labels the stage gives (its thresholds, if the model has them), not the 0.5 rule
            r[name] = E._figures(y, p, settings.theory_abstain_band, thr, np.array([x["label"] for x in o]))
            if name == "dev":
                r["dev_passages"] = [{"id": e.id, "label": e.label, "predicted": x["label"], "abstained": x["abstained"],
                                      "scores": x["scores"]} for e, x in zip(rows, o)]
        res["models"][m] = r
        print(f"{m}: EXT-DEV macro-F1 {r['dev']['macro_f1']:.3f} (n {r['dev']['passages']}) | EXT-TEST macro-F1 "
              f"{r['test']['macro_f1']:.3f} (n {r['test']['passages']})", flush=True)
    if len(models) == 2:  # paired bootstrap, second model minus first, per half (aggregate only)
        a, b = (res["models"][m].pop("_pred") for m in models)
        res["bootstrap_second_minus_first"] = {
            name: E._bootstrap(np.array([e.label for e in rows]), np.array(b[name]), np.array(a[name]))
            for name, rows in (("dev", dev), ("test", test))}
        print(res["bootstrap_second_minus_first"])
    else:
        for m in models:
            res["models"][m].pop("_pred", None)
    out.write_text(json.dumps(res, indent=1) + "\n")
    return res


# ---------------------------------------------------------------- candidates


def oof_thresholds(ds, folds, fp):
    """As ``experiments.oof``, plus per fold the per-theory threshold that maximises the theory's presence F1
    on that fold's inner out-of-fold calibrated scores (nested: the outer test rows never choose it)."""
    from sklearn.metrics import f1_score

    n = len(ds.texts)
    prob = {t: np.full(n, np.nan) for t in THEORIES}
    thr = {t: np.full(n, 0.5) for t in THEORIES}
    for tr, te in folds:
        raw_in = {t: np.zeros(len(tr)) for t in THEORIES}
        for itr, ite in T._group_splits(ds.groups[tr], T.INNER_FOLDS):
            sc = E.theory_raw(fp(tr[itr], tr[ite]))
            for t in THEORIES:
                raw_in[t][ite] = sc[t]
        y_in = ds.labels[tr]
        sc = E.theory_raw(fp(tr, te))
        for t in THEORIES:
            yt = np.isin(y_in, [t, "both"]).astype(int)
            pl = platt_fit(raw_in[t], yt)
            cal_in = platt_apply(raw_in[t], pl)
            f1s = [f1_score(yt, (cal_in >= h).astype(int), zero_division=0) for h in THRESHOLDS]
            prob[t][te] = platt_apply(sc[t], pl)
            thr[t][te] = THRESHOLDS[int(np.argmax(f1s))]
    return prob, thr


def labels_at(prob, thr) -> np.ndarray:
    from pipeline.theory.labels import label_from_theories

    n = len(prob[THEORIES[0]])
    return np.array([label_from_theories([t for t in THEORIES if prob[t][i] >= thr[t][i]]) for i in range(n)])


def prior_probs(X, ds, factor=PRIOR_FACTOR):
    """Balanced class weights with the theory-bearing rare labels' weight raised by ``factor``."""
    from sklearn.linear_model import LogisticRegression

    def fp(tr, te):
        y = ds.labels[tr]
        cw = {c: len(y) / (len(LABELS) * max(1, (y == c).sum())) for c in LABELS}
        for c in ("new_world_order", "both"):
            cw[c] *= factor
        m = LogisticRegression(C=T.C_HEAD, max_iter=5000, class_weight=cw)
        m.fit(X[tr], y, sample_weight=ds.weights[tr])
        P = m.predict_proba(X[te])
        return P[:, [list(m.classes_).index(c) for c in LABELS]]
    return E.memo(fp)


def candidates(ds, X_sm, Z, IND) -> dict:
    """Prepared before gold_r5 and before any EXT-TEST figure: name -> (fit_predict, per-theory thresholds?)."""
    base = E.lr_probs(np.hstack([X_sm, Z]), ds)
    ind = E.lr_probs(np.hstack([X_sm, Z, IND]), ds)
    return {
        "sm+zs": (base, False),
        "sm+zs, thresholds": (base, True),
        "sm+zs, NWO/both prior x2": (prior_probs(np.hstack([X_sm, Z]), ds), False),
        "sm+zs+indicators": (ind, False),
        "sm+zs+indicators, thresholds": (ind, True),
    }


def _fold_figures(ds, prob, pred, idx) -> dict:
    from pipeline.theory.calibration import reliability

    y = ds.labels[idx]
    rep = T.four_label_report(y, pred[idx])
    return {"passages": int(len(idx)), "macro_f1": rep["macro_f1"], "accuracy": rep["accuracy"],
            "per_label_f1": {k: v["f1-score"] for k, v in rep["per_label"].items()},
            "ece": {t: reliability(prob[t][idx], np.isin(y, [t, "both"]).astype(int))[0] for t in THEORIES}}


def cmd_candidates(path: Path, test: list[str], only: list[str] | None, out: Path) -> dict:
    settings = get_settings()
    band = settings.theory_abstain_band
    gold, files = T.load_examples(None, [], False, written=True)  # gold b*.jsonl (b02 = gold_r5 once added) + written r4
    dev, tst, _ = load_halves(path)
    ds = T.Dataset(gold + dev + tst)
    n_g = len(gold)
    ev = np.flatnonzero(ds.evaluable[:n_g])
    extra = np.flatnonzero(~ds.evaluable[:n_g])
    d_idx = np.arange(n_g, n_g + len(dev))
    t_idx = np.arange(n_g + len(dev), len(ds.texts))
    sm, Z, IND = E.feature_views(ds, settings)
    cfg = candidates(ds, sm, Z, IND)
    if only:
        cfg = {k: v for k, v in cfg.items() if k in only}
    folds = [(np.concatenate([ev[tr], extra]), ev[te]) for tr, te in T._group_splits(ds.groups[ev], T.FOLDS)]
    old = np.array([e.origin.startswith("b01") for e in ds.examples])
    res = {"gold_files": files["gold"], "written_files": files["written"], "evaluated": int(len(ev)),
           "training_only": int(len(extra)), "ext_dev": int(len(dev)), "ext_test": int(len(tst)), "band": band,
           "candidates": {}}
    preds_dev = {}
    for name, (fp, use_thr) in cfg.items():
        t0 = time.time()
        prob, thr = oof_thresholds(ds, folds, fp)
        if not use_thr:
            thr = {t: np.full(len(ds.texts), 0.5) for t in THEORIES}
        pred = labels_at(prob, thr)
        r = {"folds": _fold_figures(ds, prob, pred, ev),
             "folds_b01": _fold_figures(ds, prob, pred, ev[old[ev]]),
             "per_fold": [T.four_label_report(ds.labels[te], pred[te])["macro_f1"] for _, te in folds]}
        if (~old[ev]).any():
            r["folds_new"] = _fold_figures(ds, prob, pred, ev[~old[ev]])
        # outside: trained on all gold (+ written), Platt and thresholds from source-grouped inner folds
        tr_all = np.concatenate([ev, extra])
        p_out, thr_out = oof_thresholds(ds, [(tr_all, np.concatenate([d_idx, t_idx]))], fp)
        if not use_thr:
            thr_out = {t: np.full(len(ds.texts), 0.5) for t in THEORIES}
        pred_out = labels_at(p_out, thr_out)
        r["thresholds_final"] = {t: float(thr_out[t][d_idx[0]]) for t in THEORIES} if use_thr else None
        th = {t: thr_out[t][d_idx] for t in THEORIES} if use_thr else None
        r["ext_dev"] = E._figures(ds.labels[d_idx], {t: p_out[t][d_idx] for t in THEORIES}, band, th, pred_out[d_idx])
        r["ext_dev_passages"] = [{"id": ds.examples[i].id, "label": str(ds.labels[i]), "predicted": str(pred_out[i]),
                                  "scores": {t: round(float(p_out[t][i]), 4) for t in THEORIES}} for i in d_idx]
        preds_dev[name] = pred_out[d_idx]
        if name in test:
            th = {t: thr_out[t][t_idx] for t in THEORIES} if use_thr else None
            r["ext_test"] = E._figures(ds.labels[t_idx], {t: p_out[t][t_idx] for t in THEORIES}, band, th, pred_out[t_idx])
        r["seconds"] = round(time.time() - t0, 1)
        res["candidates"][name] = r
        f = r["folds"]
        print(f"{name:32s} folds {f['macro_f1']:.3f} (b01 {r['folds_b01']['macro_f1']:.3f}"
              + (f", new {r['folds_new']['macro_f1']:.3f}" if "folds_new" in r else "") + ") ECE "
              f"{f['ece']['new_world_order']:.3f}/{f['ece']['complex_interdependence']:.3f} | EXT-DEV "
              f"{r['ext_dev']['macro_f1']:.3f} ECE {r['ext_dev']['ece']['new_world_order']:.3f}/"
              f"{r['ext_dev']['ece']['complex_interdependence']:.3f}"
              + (f" | EXT-TEST {r['ext_test']['macro_f1']:.3f}" if "ext_test" in r else "") + f" | {r['seconds']}s",
              flush=True)
        out.write_text(json.dumps(res, indent=1) + "\n")
    ref = "sm+zs"
    if ref in preds_dev:
        y = ds.labels[d_idx]
        for name in preds_dev:
            if name != ref:
                res["candidates"][name]["ext_dev_bootstrap_vs_sm+zs"] = E._bootstrap(y, preds_dev[name], preds_dev[ref])
        out.write_text(json.dumps(res, indent=1) + "\n")
    return res


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["split", "shipped", "candidates"])
    ap.add_argument("--external", required=True, help="the labellers' gold.jsonl (kept outside the repository)")
    ap.add_argument("--models", nargs="*", default=[str(HERE / "theory.skops")])
    ap.add_argument("--test", nargs="*", default=[], help="candidates to score on EXT-TEST (aggregate only)")
    ap.add_argument("--only", nargs="*", default=None)
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    p = Path(a.external)
    if not p.exists():
        sys.exit(f"{p}: no such file (the outside set is kept outside the repository)")
    if a.command == "split":
        return cmd_split(p)
    if a.command == "shipped":
        return cmd_shipped(p, a.models, Path(a.out or HERE / "experiments_r5_shipped.json"))
    return cmd_candidates(p, a.test, a.only, Path(a.out or HERE / "experiments_r5.json"))


if __name__ == "__main__":
    main()
