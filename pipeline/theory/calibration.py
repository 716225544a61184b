"""Calibration and abstention, measured on out-of-fold predictions.

* **Platt scaling** (Platt 1999): a logistic regression on the classifier's decision values maps
  them to probabilities. With a few hundred examples a one-parameter-pair sigmoid is the safe
  choice; isotonic regression overfits below about a thousand (Niculescu-Mizil and Caruana 2005).
  The decision values it is fitted on come from inner folds grouped by source, so the mapping is
  learnt on writers the classifier did not see, as in use.
* **Expected calibration error** (Guo et al. 2017): the share-weighted mean gap between the mean
  predicted probability and the observed frequency over ten equal-width bins; a reliability
  table lists the bins.
* **Abstention**: for each band width, the share of passages the model labels (coverage) and
  the accuracy and macro-F1 of those it labels.
"""

from __future__ import annotations

import numpy as np

from pipeline.theory.labels import LABELS, THEORIES, combine

ECE_BINS = 10  # Guo et al. (2017) use 10 to 15 equal-width bins; 10 keeps bins populated at n = 372
# A nearly unregularised 1-D fit: Platt's sigmoid has two parameters and hundreds of points.
PLATT_C = 1e4


def platt_fit(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(a, b) with P(y=1) = 1 / (1 + exp(-(a * decision + b))), fitted on out-of-fold decision values."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:  # one class only: no slope to learn
        return 0.0, float(np.log((y.mean() + 1e-3) / (1 - y.mean() + 1e-3)))
    m = LogisticRegression(C=PLATT_C, max_iter=1000).fit(decision.reshape(-1, 1), y)
    return float(m.coef_[0, 0]), float(m.intercept_[0])


def platt_apply(decision: np.ndarray, ab: tuple[float, float] | list[float]) -> np.ndarray:
    z = ab[0] * np.asarray(decision, dtype=float) + ab[1]
    return 1.0 / (1.0 + np.exp(-z))


def reliability(p: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> tuple[float, list[dict]]:
    """Expected calibration error and the reliability table (non-empty bins only)."""
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    idx = np.clip((p * bins).astype(int), 0, bins - 1)
    ece, table = 0.0, []
    for b in range(bins):
        m = idx == b
        if not m.any():
            continue
        gap = abs(p[m].mean() - y[m].mean())
        ece += m.mean() * gap
        table.append({"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "n": int(m.sum()),
                      "mean_predicted": round(float(p[m].mean()), 3), "observed": round(float(y[m].mean()), 3)})
    return round(float(ece), 4), table


def abstention_table(scores: dict[str, np.ndarray], labels: list[str], bands: list[float],
                     thresholds: dict[str, np.ndarray] | None = None) -> list[dict]:
    """Per band: coverage, and accuracy and macro-F1 (four labels) of the passages not abstained.

    ``thresholds``: per theory, each passage's threshold (out of fold they differ by fold); None = 0.5.
    """
    from sklearn.metrics import f1_score

    y = np.asarray(labels)
    out = []
    for band in bands:
        res = [combine({t: float(scores[t][i]) for t in THEORIES}, band,
                       None if thresholds is None else {t: float(thresholds[t][i]) for t in THEORIES})
               for i in range(len(y))]
        pred = np.array([r[0] for r in res])
        kept = ~np.array([r[1] for r in res])
        row = {"band": band, "coverage": round(float(kept.mean()), 3), "labelled": int(kept.sum())}
        if kept.any():
            row["accuracy_labelled"] = round(float((pred[kept] == y[kept]).mean()), 3)
            row["macro_f1_labelled"] = round(float(f1_score(y[kept], pred[kept], labels=LABELS, average="macro",
                                                            zero_division=0)), 3)
        out.append(row)
    return out
