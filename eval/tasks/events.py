"""Task ``events``: PLOVER events of single sentences against the PLOVER records, EXCITE sentences and blind sets.

Gold (the two split into halves below; then the hard no-event sentences, ``eval/data/no_event_sentences.jsonl``,
and two blind sets written after the CAMEO codes, ``eval/data/cameo_written_events.jsonl``, studied in round 7,
and ``eval/data/cameo_written_events_r7.jsonl``, unseen; ``eval/data/README.md``):

* ``/work/shared/data/plover-gsr/dev.jsonl``: 168 records over 162 real news sentences of the Open
  Event Data Alliance's PLOVER gold standard (CC BY-SA 4.0; README there), one or more events a sentence;
* ``eval/data/excite_events_gold.jsonl``: 280 sentences of the English EXCITE papers labelled blind by
  two annotators (``eval/data/README.md``); the ``agreed`` ones are scored, most have no event.

Each set is split once into a **dev** half (rules were tuned on it, the confidence table is measured on
it) and a **test** half (only scored at first; since round 3 both PLOVER halves have been studied, so neither is
unseen: the section's notes say what was studied when): a sentence is in the test half when the first byte of the
SHA-256 of its key (the PLOVER sentence text, the EXCITE id) is odd. The split does not depend on the
code, so the baseline (``main`` at 13e11ff) is scored on the same halves.

Scores, per sentence (every sentence is run alone, through ``pipeline.events.text.events_for_text``,
the function of ``irpipe extract-events``):

* **detection**: a sentence with a gold event and any predicted event is a hit; precision, recall, F1
  over sentences; on the no-event sentences, the share that yields an event;
* **events**: predicted and gold events matched one to one by type; event precision/recall/F1 and the
  same per PLOVER type; ``type accuracy`` is the share of gold events with a predicted event of their type;
* **actors**: for a gold event matched by type, the source is right when the predicted actors' codes are
  the gold's (as sets), the target when the targets are; a joint record (``SRC/TAR``) is scored as
  co-actors: the predicted actors and targets together must be the gold's actors. Gold ``IGO``, ``NGO``,
  ``IMG`` match any code that is not an ISO 3166 state (the gazetteer's ``EU``, ``NATO``, ``Hamas`` ...);
  ``full`` is type, source and target right together;
* **dates**: gold dates (EXCITE) as year, month and day where written; right when the predicted start
  begins with them.

``python -m eval.tasks.events --calibrate`` rewrites the confidence table
(``pipeline/resources/events/confidence.json``) from the dev halves only; ``--baseline`` scores
whatever ``pipeline`` is importable (used with a checkout of 13e11ff) and prints the metrics as JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

from eval.registry import Options, Outcome, register
from eval.report import pct, table

ROOT = Path(__file__).resolve().parent.parent.parent
PLOVER = ROOT.parent.parent / "shared" / "data" / "plover-gsr" / "dev.jsonl"
if not PLOVER.is_file():
    PLOVER = Path("/work/shared/data/plover-gsr/dev.jsonl")
EXCITE_GOLD = Path(__file__).resolve().parent.parent / "data" / "excite_events_gold.jsonl"
EXCITE_TEXT = Path(__file__).resolve().parent.parent / "data" / "excite_sentences.jsonl"
#: Sentences that name a state or an organisation, often beside an event word, and report no codable event.
NO_EVENT = Path(__file__).resolve().parent.parent / "data" / "no_event_sentences.jsonl"
#: Round 6: 160 sentences written after the CAMEO 1.1b3 codes by a writer who saw no rule, labelled blind by two
#: labellers (``eval/data/README.md``); scored on the 149 whose type sets both labellers agree on.
CAMEO_BLIND = Path(__file__).resolve().parent.parent / "data" / "cameo_written_events.jsonl"
#: Round 7's blind set: another writer, two other labellers; no engineer saw it (the round's honest figure).
CAMEO_BLIND_R7 = CAMEO_BLIND.with_name("cameo_written_events_r7.jsonl")
NON_STATE = frozenset({"IGO", "NGO", "IMG"})
#: The figures of main at 13e11ff (the old ``pipeline/events.py``), measured with ``--baseline`` on the same halves.
BASELINE_FILE = Path(__file__).resolve().parent.parent / "data" / "events_baseline_13e11ff.json"


def half(key: str) -> str:
    """``dev`` or ``test``: fixed by the key's hash, not by the data's order."""
    return "test" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 else "dev"


def load_plover(path: Path = PLOVER) -> list[dict]:
    """One item per sentence: ``{key, text, events: [{type, actors, targets, joint, date}]}``."""
    by_text: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        text = r["text"].strip()
        item = by_text.setdefault(text, {"key": text, "id": r["id"], "text": text, "set": "plover", "events": []})
        item["events"].append({"type": r["event"], "actors": r["actors"], "targets": r["targets"],
                               "joint": bool(r.get("joint")), "date": None})
    return list(by_text.values())


def load_excite(gold: Path = EXCITE_GOLD, texts: Path = EXCITE_TEXT) -> list[dict]:
    """The agreed EXCITE sentences (contested ones are left out of the scores)."""
    text = {json.loads(l)["id"]: json.loads(l)["text"] for l in texts.read_text(encoding="utf-8").splitlines() if l.strip()}
    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("status") != "agreed":
            continue
        out.append({"key": r["id"], "id": r["id"], "text": text[r["id"]], "set": "excite",
                    "events": [{"type": e["type"], "actors": e["actors"], "targets": e["targets"],
                                "joint": bool(e.get("joint")), "date": e.get("date")} for e in r["events"]]})
    return out


def load_no_event(path: Path = NO_EVENT) -> list[dict]:
    """The hard no-event sentences (``eval/data/README.md``): every one must yield no event."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            out.append({"key": r["id"], "id": r["id"], "text": r["text"], "set": "noevent", "events": []})
    return out


def load_cameo_blind(path: Path = CAMEO_BLIND, name: str = "cameo_blind") -> list[dict]:
    """The blind CAMEO-style set: sentences whose two labellers agree on the set of types (``events`` not null)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        if r["events"] is None:
            continue
        out.append({"key": r["id"], "id": r["id"], "text": r["text"], "set": name,
                    "events": [{"type": e["event"], "actors": list(e.get("actors") or []),
                                "targets": list(e.get("targets") or []), "joint": bool(e.get("joint")), "date": None}
                               for e in r["events"]]})
    return out


# ---------------------------------------------------------------- prediction


def predictor() -> Callable[[str], list[dict]]:
    """text -> events as plain dicts (type, actors, targets codes, date start, rule, confidence)."""
    try:
        from pipeline.events.text import events_for_text
    except ImportError:  # the baseline: main at 13e11ff has no extract-events path
        events_for_text = _old_events_for_text

    def run(text: str) -> list[dict]:
        out = []
        for e in events_for_text(text):
            out.append({"type": e.type, "actors": [a.code for a in e.actors], "targets": [a.code for a in e.targets],
                        "date": e.date.start if e.date else None, "rule": getattr(e, "rule", None),
                        "confidence": e.confidence})
        return out

    return run


def _old_events_for_text(text: str):
    from pipeline.entities import annotate_entities
    from pipeline.events import annotate_events
    from pipeline.model import Document, Passage, Provenance, Sentence, Source
    from pipeline.settings import get_settings

    settings = get_settings()
    sha = hashlib.sha256(text.encode()).hexdigest()
    doc = Document(doc_id=sha[:16], source=Source(sha256=sha, media_type="text/plain"), text=text,
                   passages=[Passage(id="p0001", kind="body", text=text, start=0, end=len(text),
                                     sentences=[Sentence(start=0, end=len(text))])],
                   provenance=Provenance(pipeline_version="eval", settings_hash="-", created_at="-"))
    doc = annotate_entities(doc, settings)
    return annotate_events(doc, settings).events


# ---------------------------------------------------------------- scoring


def _states() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def _code_match(gold: list[str], got: list[str], states: frozenset[str]) -> bool:
    """The gold codes and the predicted ones as multisets of classes: a state by its code, IGO/NGO/IMG by any non-state."""
    g = Counter("NONSTATE" if c in NON_STATE else c for c in gold)
    p = Counter(c if c in states else "NONSTATE" for c in got if c)
    return set(g) == set(p)


def actors_right(gold: dict, pred: dict, states: frozenset[str]) -> tuple[bool, bool]:
    """(source right, target right) of a predicted event for a gold event of its type."""
    if gold["joint"]:
        ok = _code_match(gold["actors"] + gold["targets"], pred["actors"] + pred["targets"], states)
        return ok, ok
    return _code_match(gold["actors"], pred["actors"], states), _code_match(gold["targets"], pred["targets"], states)


_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], start=1)}


def gold_date_prefix(raw: str | None) -> str | None:
    """"June 2012" -> "2012-06"; "12 March 2024" -> "2024-03-12"; "2019" -> "2019"."""
    if not raw:
        return None
    y = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", raw)
    if not y:
        return None
    out = y.group(1)
    m = next((i for name, i in _MONTHS.items() if re.search(r"\b" + name[:3], raw, re.I)), None)
    if m:
        out += f"-{m:02d}"
        d = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b(?!\d)", raw.replace(y.group(1), ""))
        if d and 1 <= int(d.group(1)) <= 31:
            out += f"-{int(d.group(1)):02d}"
    return out


def score(items: list[dict], preds: list[list[dict]]) -> dict[str, Any]:
    """The figures of one half of one gold set."""
    states = _states()
    det = Counter()
    ev = Counter()
    per_type: dict[str, Counter] = defaultdict(Counter)
    dates = Counter()
    outcomes: list[tuple[str, bool]] = []
    conf = Counter()  # predicted events: how many, the sum of their confidence, how many right
    for item, pred in zip(items, preds):
        gold = item["events"]
        if gold:
            det["gold_sent"] += 1
            det["hit"] += bool(pred)
        else:
            det["none_sent"] += 1
            det["none_fired"] += bool(pred)
        det["pred_sent"] += bool(pred)
        det["pred_sent_right"] += bool(pred) and bool(gold)
        gold_types = {g["type"] for g in gold}
        for p in pred:
            if p.get("rule"):
                outcomes.append((p["rule"], p["type"] in gold_types))
            conf["n"] += 1
            conf["sum"] += p.get("confidence") or 0.0
            conf["right"] += p["type"] in gold_types
        free = list(range(len(pred)))
        for g in gold:
            ev["gold"] += 1
            per_type[g["type"]]["gold"] += 1
            cands = [i for i in free if pred[i]["type"] == g["type"]]
            if not cands:
                continue
            ranked = sorted(cands, key=lambda i: (-sum(actors_right(g, pred[i], states)), i))
            i = ranked[0]
            free.remove(i)
            src, tgt = actors_right(g, pred[i], states)
            ev["typed"] += 1
            per_type[g["type"]]["tp"] += 1
            ev["source"] += src
            ev["target"] += tgt
            ev["full"] += src and tgt
            want = gold_date_prefix(g.get("date"))
            if want:
                dates["gold"] += 1
                dates["right"] += bool(pred[i]["date"] and pred[i]["date"].startswith(want))
        for i in free:
            per_type[pred[i]["type"]]["fp"] += 1
        for g in gold:
            if g.get("date") and gold_date_prefix(g["date"]) and not any(p["type"] == g["type"] for p in pred):
                dates["gold"] += 1  # a dated gold event without a typed match: its date is missed
        ev["pred"] += len(pred)

    def prf(tp, n_pred, n_gold):
        p = tp / n_pred if n_pred else None
        r = tp / n_gold if n_gold else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"precision": p, "recall": r, "f1": f}

    types = {}
    for t, c in sorted(per_type.items()):
        types[t] = {"gold": c["gold"], "tp": c["tp"], "fp": c["fp"], **prf(c["tp"], c["tp"] + c["fp"], c["gold"])}
    return {
        "sentences": len(items), "gold_events": ev["gold"], "predicted_events": ev["pred"],
        "detection": {**prf(det["pred_sent_right"], det["pred_sent"], det["gold_sent"]), "hits": det["hit"],
                      "gold_sentences": det["gold_sent"]},
        "no_event": {"sentences": det["none_sent"], "fired": det["none_fired"],
                     "rate": det["none_fired"] / det["none_sent"] if det["none_sent"] else None},
        "events": prf(ev["typed"], ev["pred"], ev["gold"]),
        "type_accuracy": ev["typed"] / ev["gold"] if ev["gold"] else None,
        "source_accuracy": ev["source"] / ev["typed"] if ev["typed"] else None,
        "target_accuracy": ev["target"] / ev["typed"] if ev["typed"] else None,
        "full_accuracy": ev["full"] / ev["gold"] if ev["gold"] else None,
        "dates": {"gold": dates["gold"], "right": dates["right"]},
        # calibration: the mean confidence of the predicted events against their precision (right = a gold event of that type)
        "confidence": {"events": conf["n"], "mean": conf["sum"] / conf["n"] if conf["n"] else None,
                       "precision": conf["right"] / conf["n"] if conf["n"] else None},
        "per_type": types,
        "_outcomes": outcomes,
    }


def evaluate(run: Callable[[str], list[dict]] | None = None, *, verbose: bool = False) -> dict[str, Any]:
    """Every half of both sets: ``{"plover": {"dev": ..., "test": ...}, "excite": {...}}``."""
    run = run or predictor()
    out: dict[str, Any] = {}
    for name, items in (("plover", load_plover()), ("excite", load_excite()), ("noevent", load_no_event())):
        out[name] = {}
        for h in ("dev", "test"):
            sel = [it for it in items if half(it["key"]) == h]
            preds = []
            for it in sel:
                preds.append(_safe(run, it))
                if verbose:
                    print(json.dumps({"id": it["id"], "half": h, "text": it["text"], "gold": it["events"], "pred": preds[-1]}), flush=True)
            out[name][h] = score(sel, preds)
    items = load_cameo_blind()
    out["cameo_blind"] = score(items, [_safe(run, it) for it in items])
    items = load_cameo_blind(CAMEO_BLIND_R7, "cameo_blind_r7")
    out["cameo_blind_r7"] = score(items, [_safe(run, it) for it in items])
    return out


def _safe(run: Callable[[str], list[dict]], item: dict) -> list[dict]:
    try:
        return run(item["text"])
    except Exception as exc:  # one failing sentence is a miss, not a crashed evaluation
        print(f"events eval: {item['id']}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return []


# ---------------------------------------------------------------- a learned classifier, for comparison

#: Folds of the cross-validation on the dev halves.
CV_FOLDS = 5


def learned_classifier() -> dict[str, Any]:
    """A sentence-embedding event-type classifier (the pipeline's ``embedding_model``, logistic regression),
    trained on the dev halves: one label per sentence, its first gold type or ``NONE``.

    Scored as the rules are: type accuracy (a gold event is right when the sentence's label is its type)
    on PLOVER, cross-validated on the dev half (stratified, ``CV_FOLDS`` folds) and trained on the whole dev
    half for the test half; the share of EXCITE no-event sentences labelled with an event.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    from pipeline.settings import get_settings
    from pipeline.theory import load_encoder

    enc = load_encoder(get_settings().embedding_model)
    items = {(n, h): [it for it in load() if half(it["key"]) == h]
             for n, load in (("plover", load_plover), ("excite", load_excite)) for h in ("dev", "test")}
    vec = {k: enc.encode([it["text"] for it in v], batch_size=32, normalize_embeddings=True) for k, v in items.items()}
    label = lambda it: it["events"][0]["type"] if it["events"] else "NONE"  # noqa: E731
    train_items = items[("plover", "dev")] + items[("excite", "dev")]
    X = np.vstack([vec[("plover", "dev")], vec[("excite", "dev")]])
    y = np.array([label(it) for it in train_items])

    def model():
        return LogisticRegression(max_iter=2000, C=10.0, class_weight="balanced")

    def type_acc(its, pred):
        gold = [(e["type"], p) for it, p in zip(its, pred) for e in it["events"]]
        return sum(t == p for t, p in gold) / len(gold) if gold else None

    # cross-validated predictions on the dev halves (classes with a single example stay in training only)
    cv_pred = np.array(["NONE"] * len(y), dtype=object)
    counts = Counter(y)
    ok = np.array([counts[v] >= CV_FOLDS for v in y])
    skf = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=0)
    idx = np.where(ok)[0]
    for tr, te in skf.split(X[idx], y[idx]):
        tr_i = np.concatenate([idx[tr], np.where(~ok)[0]])
        m = model().fit(X[tr_i], y[tr_i])
        cv_pred[idx[te]] = m.predict(X[idx[te]])
    rare = np.where(~ok)[0]
    n_pd = len(items[("plover", "dev")])
    full = model().fit(X, y)
    test_p = full.predict(vec[("plover", "test")])
    test_e = full.predict(vec[("excite", "test")])
    cv_e = cv_pred[n_pd:]
    dev_e_items = items[("excite", "dev")]
    return {
        "plover_dev_cv_type_accuracy": type_acc([it for i, it in enumerate(items[("plover", "dev")]) if ok[i]],
                                                [p for i, p in enumerate(cv_pred[:n_pd]) if ok[i]]),
        "plover_dev_cv_sentences": int(ok[:n_pd].sum()), "rare_left_out": int(len(rare)),
        "plover_test_type_accuracy": type_acc(items[("plover", "test")], list(test_p)),
        "excite_dev_cv_no_event_fired": sum(1 for it, p in zip(dev_e_items, cv_e) if not it["events"] and p != "NONE"),
        "excite_dev_no_event": sum(1 for it in dev_e_items if not it["events"]),
        "excite_test_no_event_fired": sum(1 for it, p in zip(items[("excite", "test")], test_e) if not it["events"] and p != "NONE"),
        "excite_test_no_event": sum(1 for it in items[("excite", "test")] if not it["events"]),
        "model": f"{get_settings().embedding_model} + logistic regression (C=10, balanced)",
    }


# ---------------------------------------------------------------- report


def _row(label: str, m: dict) -> list[str]:
    return [label, str(m["sentences"]), pct(m["detection"]["precision"]), pct(m["detection"]["recall"]),
            pct(m["detection"]["f1"]), pct(m["type_accuracy"]), pct(m["source_accuracy"]), pct(m["target_accuracy"]),
            pct(m["full_accuracy"]), pct(m["events"]["precision"]), pct(m["no_event"]["rate"]),
            f"{m['dates']['right']}/{m['dates']['gold']}" if m["dates"]["gold"] else "-"]


HEADER = ["set / half", "sentences", "detection P", "detection R", "detection F1", "type accuracy",
          "source right", "target right", "type+actors+targets", "event precision", "no-event fired", "dates"]


def render(metrics: dict, baseline: dict | None) -> str:
    rows = []
    for name in ("plover", "excite", "noevent"):
        if name not in metrics:
            continue
        for h in ("dev", "test"):
            if baseline and name in baseline:
                rows.append(_row(f"{name} {h}, 13e11ff (before)", baseline[name][h]))
            rows.append(_row(f"{name} {h}, now", metrics[name][h]))
    parts = [table(HEADER, rows), ""]
    both = [metrics["plover"][h] for h in ("dev", "test")]
    gold = sum(m["gold_events"] for m in both)
    typed = sum(round(m["type_accuracy"] * m["gold_events"]) for m in both)
    full = sum(round(m["full_accuracy"] * m["gold_events"]) for m in both)
    parts.append(f"The whole of `plover-gsr/dev.jsonl` (both halves, the issue's development gold): right type "
                 f"{typed}/{gold} = {pct(typed / gold)}, right type with right actors and targets {full}/{gold} = "
                 f"{pct(full / gold)}. EXCITE no-event sentences that yield an event: "
                 f"{sum(metrics['excite'][h]['no_event']['fired'] for h in ('dev', 'test'))}/"
                 f"{sum(metrics['excite'][h]['no_event']['sentences'] for h in ('dev', 'test'))}."
                 + (f" Hard no-event sentences (a state named, most beside an event word; `eval/data/no_event_sentences.jsonl`) "
                    f"that yield an event: {sum(metrics['noevent'][h]['no_event']['fired'] for h in ('dev', 'test'))}/"
                    f"{sum(metrics['noevent'][h]['no_event']['sentences'] for h in ('dev', 'test'))}." if "noevent" in metrics else ""))
    parts.append("")
    parts.append("Per PLOVER type (now), each half of each set: gold events found with their type, extra events of the type, precision and recall.")
    parts.append("")
    merged: dict[str, Counter] = defaultdict(Counter)
    for name in ("plover", "excite"):
        for h in ("dev", "test"):
            for t, c in metrics[name][h]["per_type"].items():
                for k in ("gold", "tp", "fp"):
                    merged[(name, h, t)][k] += c[k]
    trows = []
    for t in sorted({k[2] for k in merged}):
        cells = [t]
        for name, h in (("plover", "dev"), ("plover", "test"), ("excite", "dev"), ("excite", "test")):
            c = merged.get((name, h, t), Counter())
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
            r = c["tp"] / c["gold"] if c["gold"] else None
            cells.append(f"{c['tp']}/{c['gold']} gold, {c['fp']} extra (P {pct(p, 0)}, R {pct(r, 0)})")
        trows.append(cells)
    parts.append(table(["type", "PLOVER dev", "PLOVER test", "EXCITE dev", "EXCITE test"], trows))
    return "\n".join(parts)


def render_notes(metrics: dict) -> str:
    """The learned classifier beside the rules, the confidence table, and what the halves mean."""
    out = []
    learned = metrics.get("learned")
    if learned:
        rules_dev = metrics["plover"]["dev"]["type_accuracy"]
        rules_test = metrics["plover"]["test"]["type_accuracy"]
        out.append(
            f"**Rules vs a learned classifier.** {learned['model']}, one event type (or NONE) per sentence, trained "
            f"on the dev halves of both sets. PLOVER type accuracy: cross-validated on the dev half "
            f"({CV_FOLDS} folds, {learned['plover_dev_cv_sentences']} sentences of types with at least {CV_FOLDS} "
            f"examples) {pct(learned['plover_dev_cv_type_accuracy'])} against the rules' {pct(rules_dev)}; trained on "
            f"the dev half and scored on the test half {pct(learned['plover_test_type_accuracy'])} against the rules' "
            f"{pct(rules_test)}. EXCITE no-event sentences labelled with an event: "
            f"{learned['excite_dev_cv_no_event_fired']}/{learned['excite_dev_no_event']} (dev, cross-validated), "
            f"{learned['excite_test_no_event_fired']}/{learned['excite_test_no_event']} (test). The classifier gives "
            f"no actors, targets or dates and is far below the rules on type, so the stage keeps the rules alone.")
    try:
        from pipeline.events.confidence import load_table

        t = load_table()
        if t.get("overall", {}).get("n"):
            top = sorted(((k, v) for k, v in t["paths"].items() if k.count("/") == 1 and v["n"] >= 5),
                         key=lambda kv: -kv[1]["n"])[:8]
            out.append(
                f"**Confidence.** `events[].confidence` is the add-one-smoothed precision, on the dev halves, of the "
                f"most specific prefix of the event's rule path (`kind/TYPE/actor-rule/target-rule`) with at least 5 "
                f"events (`pipeline/resources/events/confidence.json`, written by `python -m eval.tasks.events "
                f"--calibrate`; right = the sentence has a gold event of that type). Overall {t['overall']['correct']}"
                f"/{t['overall']['n']} = {pct(t['overall']['precision'])}; by kind and type: "
                + ", ".join(f"`{k}` {v['correct']}/{v['n']}" for k, v in top) + ".")
    except Exception:  # noqa: BLE001 - the notes are optional
        pass
    cal = [(f"{n} {h}", metrics[n][h].get("confidence")) for n in ("plover", "excite") for h in ("dev", "test")]
    cal = [(k, c) for k, c in cal if c and c["events"]]
    if cal:
        out.append("**Is the confidence calibrated?** Mean confidence of the predicted events against the share of "
                   "them that are right: " + "; ".join(f"{k} {c['mean']:.2f} vs {pct(c['precision'])} ({c['events']} events)"
                                                       for k, c in cal) + ".")
    out.append(
        "**Halves.** A sentence is in the test half when the first byte of the SHA-256 of its key (PLOVER: the "
        "sentence; EXCITE: its id) is odd. The rule changes of this round were made looking at dev-half errors only; "
        "the test half was only scored. Issue 16's second round (lexicon 2.1) looked at the PLOVER dev-half errors, "
        "at sentences written after the CAMEO manual's verb classes (`tests/test_events.py`) and at the whole hard "
        "no-event set, whose 6 first events (two kinds) it fixed, so that set is not unseen; the EXCITE test half "
        "is the held-out no-event figure. Caveat: the engineer before (gazetteer 2.0 and the first draft of "
        "`pipeline/events/`) had the whole `plover-gsr/dev.jsonl` and no split, so the PLOVER test half is not "
        "strictly unseen; the gap between the halves is the honest measure of what is tuned. Dates: only EXCITE "
        "gold has dates (the PLOVER records have none), so the date column counts a handful of events; the date "
        "rules are covered by `tests/test_events.py`. No gold set here has quantities. Issue 16's third round "
        "(lexicon 2.2) studied the errors of both PLOVER halves by kind (the issue makes the whole of "
        "`plover-gsr/dev.jsonl` development gold), so neither PLOVER half is unseen any more; its new rules are "
        "covered by sentences written for `tests/test_events.py` (`KINDS_3`, `NOT_3`). Round 5 (places 1.0, lexicon "
        "2.3) studied only the errors of the external EXT-DEV half (below) by kind; its rules are covered by "
        "sentences written for `tests/test_events.py` (`KINDS_5`, `NOT_5`) and `tests/test_entities.py`. Round 6 (lexicon "
        "2.4, actors 1.0) worked from sentences written after the CAMEO codes (below) and from the EXT-DEV errors by kind; "
        "its rules are covered by `CAMEO_CODES` and `KINDS_6` in `tests/test_events.py` and by `tests/test_entities.py`; "
        "PLOVER and the no-event sets did not move (no PLOVER record was looked at this round). Round 7 (lexicon 2.5, "
        "gazetteer 2.1) worked from the blind CAMEO set's errors by kind (below); its rules are covered by `KINDS_7` and "
        "`NOT_7` in `tests/test_events.py`; PLOVER type and full did not move, the PLOVER sentences yield 3 events more, "
        "all wrong (2 on one sentence read by the repaired parse, 'An official Syrian newspaper called ... on Arabs to "
        "unite', and an abduction's ASSAULT twin where the record codes the kidnapping COERCE only): event precision "
        "dev 88.9% -> 87.8%, test 86.5% -> 84.6%.")
    out.append(render_cameo())
    out.append(render_external())
    return "\n\n".join(out)


def render_cameo() -> str:
    """The CAMEO codes table of round 6 (figures measured with the table test's scoring)."""
    rows = []
    for block, (n, start, first, end) in CAMEO_CHECK.items():
        rows.append([block, f"{start[0]}/{n}; {start[1]}/{n}", f"{first[0]}/{n}; {first[1]}/{n}", f"{end[0]}/{n}; {end[1]}/{n}"])
    return ("**CAMEO codes (round 6).** The hidden PLOVER half holds sentences of CAMEO codes the dev half lacks, so "
            "sentences were written after every CAMEO 1.1b3 code (20 root codes and their sub-codes; own wording in the "
            "records' wire style, never the manual's examples) and coded with the records' mapping of CAMEO to PLOVER; "
            "they are `CAMEO_CODES` in `tests/test_events.py`. Each block was scored before the rules were changed for it "
            "(the middle column is the honest unseen figure), then its misses were fixed by kind: words and frames the "
            "lexicon lacked (lexicon 2.4: return is RETREAT like release, expelling missions is SANCTION, legalise, beat, "
            "use of weapons, occupy, give in, bow to, call a strike, lodge a protest, deadlines, hostages, lay down arms, "
            "order read through the act ordered, 'the need for X to'), one's own state as the target of acts on unnamed "
            "people, a government or the press, and people and bodies named without their state "
            "(`pipeline/resources/actors.json`). Type right; type with actors and targets right:\n\n"
            + table(["block", "start of the round", "first scored", "end of the round"], rows))


#: Issue 16, third round: an unseen check on real news sentences from other sources than PLOVER (150 sentences,
#: labelled blind by two labellers with PLOVER types and ISO3 actors/targets; 129 agreed, 8 with agreed types, 13
#: adjudicated). The texts are third-party and stay outside the repository, so only the figures are kept here, as
#: measured with ``score`` of this module; the set was split by id parity: EXT-DEV (odd ids, whose errors were
#: studied by kind) and EXT-TEST (even ids, only measured). (type right, type+actors+targets right, gold events).
EXTERNAL_CHECK = {
    "before (bd3d1c6, the start of the round)": {"EXT-DEV": (25, 15, 79), "EXT-TEST": (28, 19, 80), "no_event": (0, 32)},
    "when the set arrived (lexicon 2.2 draft)": {"EXT-DEV": (27, 18, 79), "EXT-TEST": (29, 20, 80), "no_event": (1, 32)},
    "end of the round": {"EXT-DEV": (32, 26, 79), "EXT-TEST": (29, 20, 80), "no_event": (0, 32)},
    "round 5 (places below the state, lexicon 2.3)": {"EXT-DEV": (43, 35, 79), "EXT-TEST": (30, 21, 80), "no_event": (0, 32)},
    "round 6 (CAMEO codes, actors named without their state; lexicon 2.4, actors 1.0)": {"EXT-DEV": (50, 41, 79), "EXT-TEST": (32, 22, 80), "no_event": (0, 32)},
    "round 7 (the blind CAMEO set's kinds; lexicon 2.5, gazetteer 2.1)": {"EXT-DEV": (50, 41, 79), "EXT-TEST": (35, 22, 80), "no_event": (0, 32)},
}

#: Issue 16, sixth round: sentences written after the CAMEO 1.1b3 event codes (``tests/test_events.py``, ``CAMEO_CODES``),
#: three blocks, each scored before the rules were changed for it, then its misses fixed by kind: (written, type right
#: and type+actors+targets right at the start of the round, when first scored, at the end of the round).
CAMEO_CHECK = {
    "first block (147 sentences, one or two per code)": (147, (121, 108), (121, 108), (136, 124)),
    "second block (89, written after the first block's fixes)": (89, (69, 55), (71, 56), (80, 69)),
    "third block (63, written after the second block's fixes)": (63, (56, 47), (58, 49), (61, 53)),
    "fourth block (42, written after all the fixes, only measured)": (42, (40, 38), (41, 39), (41, 39)),
}


#: The blind CAMEO-style set scored with the code at the start of round 6 (main 9e14a49), before any change made
#: while the set existed: (type right, type+actors+targets right, gold events).
CAMEO_BLIND_BEFORE = (95, 65, 155)
#: ... and at the start of round 7 (ae3c198), when the set became development data: (type right, full right, gold
#: events, detection recall, event precision).
CAMEO_BLIND_ROUND7 = (100, 69, 155, 0.75, 0.855)
#: Round 7: the set's gold events that were wrong, and its extra events, by kind (counted by the engineer's script,
#: which matches predictions to gold as ``score`` does), at the start of the round and at its end.
CAMEO_BLIND_KINDS = {
    "no trigger found (no word or frame of the gold type)": (21, 8),
    "trigger found, but no actor or frame held (the event was dropped)": (16, 11),
    "right type, target missing or extra": (22, 18),
    "right type, actor wrong or unresolved": (9, 9),
    "wrong type (another type predicted instead)": (10, 8),
    "a second event of the sentence missed": (8, 8),
    "extra event in an event sentence": (4, 5),
    "extra event in a no-event sentence": (2, 2),
}


def _blind_row(label: str, right: int, full: int, gold: int, recall: float | None, precision: float | None) -> list[str]:
    """One row of a blind set's table: type right, type+actors+targets right (of the gold events), detection recall
    and event precision ("-" where not measured)."""
    return [label, f"{right}/{gold} = {pct(right / gold)}", f"{full}/{gold} = {pct(full / gold)}",
            "-" if recall is None else pct(recall), "-" if precision is None else pct(precision)]


def _blind_now(m: dict) -> list[str]:
    g = m["gold_events"]
    return _blind_row("now", round(m["type_accuracy"] * g), round(m["full_accuracy"] * g), g, m["detection"]["recall"],
                      m["events"]["precision"])


def render_cameo_blind(metrics: dict) -> str:
    """The blind CAMEO-style set (round 6): written and labelled by people who saw no rule; never studied."""
    m = metrics.get("cameo_blind")
    if not m:
        return ""
    bt, bf, bg = CAMEO_BLIND_BEFORE
    kinds = table(["kind", "start of round 7", "end of round 7"], [[k, str(a), str(b)] for k, (a, b) in CAMEO_BLIND_KINDS.items()])
    return ("**A blind check written after the CAMEO codes (round 6), development data in round 7.** The hidden PLOVER half is made of sentences "
            "adapted from the CAMEO manual's examples, so a writer who saw none of the rules wrote 160 sentences in that "
            "style, about 8 for each of the 20 CAMEO root codes (`eval/data/cameo_written_events.jsonl`; "
            "`eval/data/README.md`), and two labellers coded them blind (type-set kappa 0.926; 149 sentences whose "
            "type sets agree are scored). No rule was changed looking at it in round 6; round 7 made it development "
            "data (below). Type right; type with actors and targets right (gold events):\n\n"
            + table(["code", "type right", "type+actors+targets", "detection recall", "event precision"],
                    [_blind_row("start of round 6 (main 9e14a49)", bt, bf, bg, 0.708, None),
                     _blind_row("start of round 7 (ae3c198)", *CAMEO_BLIND_ROUND7),
                     _blind_now(m)])
            + "\n\nThe rules' own CAMEO sentences (above) score 90-97% once fixed, and their writer's last, unfixed block 41/42; "
              "sentences by another hand score far less. In round 6 this was the closest estimate here of the hidden PLOVER "
              "half, below the issue's goals (85% type, 70% full).\n\n"
              "**Round 7 (lexicon 2.5, gazetteer 2.1).** The set became development data: its misses were counted by kind and "
              "the biggest kinds fixed with general rules, never one sentence at a time; each fixed kind has sentences of the "
              "engineer's own wording in `KINDS_7`/`NOT_7` of `tests/test_events.py`. Fixed: words and frames the lexicon lacked "
              "(denying or acknowledging responsibility, CAMEO 015/016; freeing any held people; aid released or given as a "
              "sum in its currency; traded fire; people driven or forced out, CAMEO 203; roads cut, CAMEO 191; restrictions "
              "ended; crowds that gather, set fire or loot; joint projects; an abduction coded COERCE, as the PLOVER records "
              "code it, and ASSAULT, as PLOVER 2021's modes and the blind labellers do: the new `also` key); participles that carry the act when the main verb is none ('pushed into Eritrea, capturing the "
              "town', 'began cooperating'), aimed where their clause went; 'forces loyal to X', 'a bomb planted by X'; "
              "'through' places an act without a named doer; a bearing ('sites south of Baghdad') places the target; one's own state as the target of demands ('demanded that the "
              "government'), allegations about a titled person, refusals of opposition calls and seizures of farms; a "
              "sentence whose only verb the parser hung on its subject; organisation names in either spelling "
              "('Organisation of American States'). The new blind set (another writer, two other labellers) scored by "
              "the lead at the end of the round is the honest figure: this set is no longer unseen. Gold events wrong "
              "by kind:\n\n" + kinds
              + "\n\nNot fixed: targets the labellers code as an unresolved party (`\"\"`, 11 gold events: no prediction "
              "can match them, as the scorer drops empty codes), collective and generic doers with no state named "
              "('Thousands of opposition supporters', 'Serb guards' coded by the state where they act), second events "
              "of one sentence, and type confusions whose CAMEO-to-PLOVER mapping the labellers read otherwise "
              "('invited to meet' as AGREE, 'signed a peace accord' as SUPPORT).")


#: Round 7's blind set scored with the code at the start of round 7 (main ae3c198), before any change of the
#: round: (type right, type+actors+targets right, gold events, detection recall, event precision).
CAMEO_BLIND_R7_BEFORE = (105, 78, 166, 0.833, 0.778)


def render_cameo_blind_r7(metrics: dict) -> str:
    """Round 7's blind CAMEO-style set: written and labelled by people who saw no rule, and never studied."""
    m = metrics.get("cameo_blind_r7")
    if not m:
        return ""
    return ("\n\n**A second blind check, written after the CAMEO codes in round 7 (the round's honest figure).** While the "
            "first blind set became development data, a third writer, who saw no rule and neither earlier set, wrote 160 "
            "more sentences after the CAMEO codes (`eval/data/cameo_written_events_r7.jsonl`), choosing sub-codes a quick "
            "reader might forget; two new labellers coded them blind (event-or-not kappa 0.906, type-set kappa 0.927; the "
            "149 sentences whose type sets agree are scored, 166 gold events). Nobody who changed a rule saw it; it was "
            "scored at the start of the round and on the merged code at its end. Type right; type with actors and "
            "targets right (gold events):\n\n"
            + table(["code", "type right", "type+actors+targets", "detection recall", "event precision"],
                    [_blind_row("start of round 7 (main ae3c198)", *CAMEO_BLIND_R7_BEFORE), _blind_now(m)])
            + "\n\nThe round's fixes raised the studied set by 13 points of type accuracy and this one by about 2: most "
              "of what was fixed was the studied set's own wording, and a new writer's sentences bring new words and "
              "frames. This set, not the studied one, is the estimate of the hidden PLOVER half, and it is far below the "
              "issue's goals (85% type, 70% full).")


def render_external() -> str:
    """The external news check (figures only: the texts are not in the repository)."""
    rows = []
    for when, halves in EXTERNAL_CHECK.items():
        cells = [when]
        for h in ("EXT-DEV", "EXT-TEST"):
            t, f, n = halves[h]
            cells.append(f"{t}/{n} = {pct(t / n)}; {f}/{n} = {pct(f / n)}")
        fired, n = halves["no_event"]
        cells.append(f"{fired}/{n}")
        rows.append(cells)
    return ("**An unseen check on other news.** 150 real news sentences from sources other than PLOVER, labelled "
            "blind by two labellers (PLOVER types, ISO3 actors and targets; kept outside the repository), split by "
            "id parity into EXT-DEV (its errors were studied by kind once it arrived) and EXT-TEST (only measured). "
            "Type accuracy; type with actors and targets:\n\n"
            + table(["code", "EXT-DEV (75 sentences)", "EXT-TEST (75 sentences)", "no-event sentences fired"], rows)
            + "\n\nBefore round 5 the rules found an event in about 6 of 10 event sentences of this set against 9 of 10 "
              "on PLOVER, and places below the capital (Samarra, Kharkiv) were unknown. Round 5 counted the EXT-DEV "
              "errors by kind and fixed three: places below the state and regional demonyms with their state "
              "(`pipeline/resources/places.json`), CAMEO/PLOVER words the lexicon lacked (lexicon 2.3), and acts "
              "without a named doer whose place sits further down the clause. EXT-DEV now finds an event in 46 of 61 "
              "event sentences (36 before); EXT-TEST in 35 of 57 (34 before), one more right type and one more full "
              "event: the fixed kinds are real but rare on the unseen half, whose misses are mostly of the kinds left "
              "(actors with no state in the gazetteer, such as people or ministries named alone; event nouns outside "
              "an event predicate, such as \"during the visit\" or \"amid protests\"; events the labellers read "
              "between the lines). Round 6 fixed the kinds of the CAMEO codes (above) and, on EXT-DEV, people and armed groups "
              "named without their state (`pipeline/resources/actors.json`: 3 events of EXT-DEV) and demand and promise frames "
              "('ordered the deportation of', 'the need for X to', 'called for the government to', the purpose of a pledged "
              "act; 5 events). EXT-DEV now finds an event in 52 of 61 event sentences, EXT-TEST in 38 of 57. Its 38 EXT-DEV "
              "gold events still wrong, by kind (read by the engineer): no trigger word at all (threats inside statements, "
              "'branded', 'look for ways to') 10, right type with a target missing or extra 10, event nouns outside an event "
              "predicate ('amid protests', 'during a march', 'at peace talks') 9, type confusions and a second event of one "
              "clause 5, actors with no state named ('MINISTERS', 'Ministry of Foreign Affairs') 4.")


def load_baseline() -> dict | None:
    if BASELINE_FILE.is_file():
        return json.loads(BASELINE_FILE.read_text(encoding="utf-8"))
    return None


def _strip(metrics: dict) -> dict:
    def clean(m: dict) -> dict:
        return {k: v for k, v in m.items() if not k.startswith("_")}

    return {n: clean(v) if n in ("cameo_blind", "cameo_blind_r7") else {h: clean(m) for h, m in v.items()} for n, v in metrics.items()}


@register("events", title="Events: PLOVER types, actors and dates of single sentences", order=40)
def run_task(opts: Options) -> Outcome:
    metrics = evaluate()
    clean = _strip(metrics)
    clean["learned"] = learned_classifier()
    n_p = sum(clean["plover"][h]["sentences"] for h in ("dev", "test"))
    n_e = sum(clean["excite"][h]["sentences"] for h in ("dev", "test"))
    return Outcome(metrics=clean, markdown=render(clean, load_baseline()) + "\n\n" + render_notes(clean)
                   + "\n\n" + render_cameo_blind(clean) + render_cameo_blind_r7(clean),
                   data=f"PLOVER gold standard records, {n_p} sentences; EXCITE sentences, {n_e} agreed; "
                        f"{sum(clean['noevent'][h]['sentences'] for h in ('dev', 'test'))} hard no-event sentences")


def calibrate() -> dict:
    """The confidence table from the dev halves' (rule, right?) outcomes."""
    from pipeline.events.confidence import CONFIDENCE_FILE, build_table

    metrics = evaluate()
    outcomes = metrics["plover"]["dev"]["_outcomes"] + metrics["excite"]["dev"]["_outcomes"]
    t = build_table(outcomes, measured_on="dev halves of the PLOVER gold standard records and of the EXCITE sentences "
                                          "(eval/tasks/events.py); right = the sentence has a gold event of that type")
    CONFIDENCE_FILE.write_text(json.dumps(t, indent=1) + "\n", encoding="utf-8")
    return t


if __name__ == "__main__":
    if "--calibrate" in sys.argv:
        t = calibrate()
        print(json.dumps(t["overall"]))
    elif "--render" in sys.argv:  # the section again from the saved result (after a change of the text only)
        from eval.registry import RESULTS_DIR
        from eval.report import save_record, write_document

        rec = json.loads((RESULTS_DIR / "events.json").read_text(encoding="utf-8"))
        rec["markdown"] = (render(rec["metrics"], load_baseline()) + "\n\n" + render_notes(rec["metrics"])
                           + "\n\n" + render_cameo_blind(rec["metrics"]) + render_cameo_blind_r7(rec["metrics"]))
        save_record(RESULTS_DIR, rec)
        from eval.registry import all_tasks

        write_document(ROOT / "EVALUATION.md", RESULTS_DIR, order=list(all_tasks()))
    elif "--learned" in sys.argv:
        print(json.dumps(learned_classifier(), indent=1))
    elif "--baseline" in sys.argv:
        m = _strip(evaluate())
        print(json.dumps(m))
    else:
        m = evaluate(verbose="--verbose" in sys.argv)
        print(json.dumps(_strip(m), indent=1))
