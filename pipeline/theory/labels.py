"""The label set, the dimensions, and how two calibrated theory scores become one label.

The four labels and eight dimensions are those of ``docs/theory-codebook.md``: complex
interdependence after Keohane and Nye (*Power and Interdependence*, 1977) and the new world
order after Slaughter (*A New World Order*, 2004) and the debate on the emerging order.
"""

from __future__ import annotations

import math

LABELS = ["new_world_order", "complex_interdependence", "both", "neither"]
THEORIES = ["new_world_order", "complex_interdependence"]
DIMENSIONS = {
    "new_world_order": ["transgovernmental_networks", "multipolarity", "alternative_institutions"],
    "complex_interdependence": ["multiple_channels", "no_issue_hierarchy", "declining_military_force",
                                "sensitivity", "vulnerability"],
}
ALL_DIMS = [d for dims in DIMENSIONS.values() for d in dims]
# What a person sees for a passage whose label the model would not commit to (``abstained: true``).
UNCERTAIN = "uncertain"
SHOWN_LABELS = LABELS + [UNCERTAIN]


def label_from_theories(on: set[str] | list[str]) -> str:
    """The codebook's §1 table: which theories are present -> one of the four labels."""
    present = [t for t in THEORIES if t in on]
    if len(present) == 2:
        return "both"
    return present[0] if present else "neither"


def theories_of(label: str) -> list[str]:
    """The theories a label says are present (``both`` -> two, ``neither`` -> none)."""
    return [t for t in THEORIES if label in (t, "both")]


def combine(scores: dict[str, float], band: float,
            thresholds: dict[str, float] | None = None) -> tuple[str, bool]:
    """Two calibrated theory scores -> the best-guess label, and whether the model abstains.

    A theory is present when its calibrated probability is at least its threshold: 0.5, or the
    per-theory threshold a model was trained with (``thresholds``; chosen on source-grouped
    out-of-fold scores, models/theory/README.md, round 5). The label depends on both decisions,
    so the passage abstains when either score lies within ``band`` of its threshold
    (:func:`within_band`): then the label is still the best guess, but a person is shown
    "uncertain" (see :func:`shown_label`). ``band=0`` never abstains.
    """
    thr = thresholds or {}
    label = label_from_theories([t for t in THEORIES if scores[t] >= thr.get(t, 0.5)])
    abstained = any(within_band(scores[t], thr.get(t, 0.5), band) for t in THEORIES)
    return label, abstained


def log_odds(p: float) -> float:
    """logit(p), with p kept off 0 and 1."""
    p = min(max(float(p), 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def within_band(score: float, threshold: float, band: float) -> bool:
    """Whether ``score`` is too near ``threshold`` to commit to: within ``band`` of it, measured in log-odds.

    At a threshold of 0.5 this is exactly ``|score - 0.5| < band``. Away from 0.5 a band of fixed width in
    probability would swallow one side of the scale (round 6: at a threshold of 0.17 a band of 0.25 makes every
    score below 0.42 uncertain, so nearly every passage abstained); the same distance in log-odds, the units in
    which Platt's sigmoid (Platt 1999) measures evidence, keeps the band's meaning: as much evidence either way
    as a score of 0.5 +/- ``band`` carries about 0.5.
    """
    if band <= 0:
        return False
    if band >= 0.5:
        return True
    return abs(log_odds(score) - log_odds(threshold)) < log_odds(0.5 + band)


def shown_label(label: str | None, abstained: bool) -> str | None:
    """What a person is shown: the label, or "uncertain" for an abstained passage (never "neither")."""
    if label is None:
        return None
    return UNCERTAIN if abstained else label
