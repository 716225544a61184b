"""Training of the reference models: the two layout models, from the corpus's PDFs and gold strings, and
the string parser's data and regularisation.

* The reference-line CRF (:mod:`pipeline.references.split`): B/I/O per line of a reference section.
* The footnote-part classifier (:mod:`pipeline.references.footnotes`): is this part of a footnote a reference.
* The string parser (:mod:`pipeline.references.parser`): its EXCITE strings with the label mapping corrected
  (:mod:`pipeline.references.parser_data`) and its c1/c2 chosen on the training split
  (:func:`choose_regularisation`).

Both learn from what the reader makes of the PDFs, so they are retrained when the reader changes
(``irpipe train-references --layout``); both are evaluated leaving whole papers out.

Reference lines. The labels come from the corpus's hand-checked reference strings (``ID.references.txt``, one reference a
line, the EXCITE gold standard): the reader's reference-section lines and the gold strings are both
reduced to their letters and digits, aligned with a Levenshtein alignment (rapidfuzz's opcodes), and
each line takes the gold string most of its characters align to. The first line of a gold string is
``B``, the others ``I``; a line of which less than :data:`ALIGNED_SHARE` aligns is ``O`` (a biography, a
running head, a series list). Papers are held out whole in the cross-validation, so its figures say how
the model does on papers it has not seen.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.ingest.types import Line, RawDocument
from pipeline.references.split import SPLIT_MODEL_FILE, join_labelled, line_features, rule_labels

#: A line is part of a reference when at least this share of its characters aligns to a gold string.
ALIGNED_SHARE = 0.5
#: One-to-one match of a produced string and a gold string, as the evaluation harness counts it (0-100).
MATCH_SCORE = 90
#: Leave-papers-out folds of the cross-validation.
FOLDS = 5
SEED = 13


@dataclass
class PaperLines:
    """One paper's reference-section runs (lines in reading order), their gold labels and gold strings."""

    paper_id: str
    group: str
    runs: list[list[Line]]
    labels: list[list[str]]
    gold: list[str]


def _norm(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def reference_runs(raw: RawDocument) -> list[list[Line]]:
    """The runs of reference-block lines, as the structure step hands them to the splitter."""
    runs: list[list[Line]] = []
    run: list[Line] = []
    for b in raw.blocks:
        if b.kind == "reference" and b.lines:
            run.extend(ln for ln in b.lines if ln.text.strip())
            continue
        if b.kind != "footnote" and run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def align_labels(lines: list[str], gold: list[str]) -> list[str]:
    """B/I/O for each line from the gold reference strings (see the module docstring)."""
    line_text = [_norm(t) for t in lines]
    gold_text = [_norm(g) for g in gold]
    src = "".join(line_text)
    dst = "".join(gold_text)
    owner_of_line = [i for i, t in enumerate(line_text) for _ in t]
    gold_of_char = [j for j, g in enumerate(gold_text) for _ in g]
    mapped: list[int | None] = [None] * len(src)
    if src and dst:
        for op in Levenshtein.opcodes(src, dst):
            if op.tag == "equal":
                for k in range(op.src_end - op.src_start):
                    mapped[op.src_start + k] = gold_of_char[op.dest_start + k]
    counts: list[dict[int, int]] = [{} for _ in lines]
    for pos, g in enumerate(mapped):
        if g is not None:
            c = counts[owner_of_line[pos]]
            c[g] = c.get(g, 0) + 1
    labels = []
    prev_gold = None
    for t, c in zip(line_text, counts):
        if not t or not c or sum(c.values()) < ALIGNED_SHARE * len(t):
            labels.append("O")
            continue
        g = max(c, key=lambda k: c[k])
        labels.append("I" if g == prev_gold else "B")
        prev_gold = g
    return labels


def paper_lines(paper_id: str, group: str, raw: RawDocument, gold: list[str]) -> PaperLines:
    runs = reference_runs(raw)
    return PaperLines(paper_id, group, runs, [align_labels([ln.text for ln in r], gold) for r in runs], gold)


def corpus_lines(papers: Iterable[tuple[str, str, Path, Path]], read: Callable[[Path], RawDocument]) -> list[PaperLines]:
    """(id, group, pdf, references.txt) per paper -> its labelled reference lines (papers without a list skipped)."""
    out = []
    for pid, group, pdf, refs in papers:
        gold = [g.strip() for g in Path(refs).read_text(encoding="utf-8").splitlines() if g.strip()]
        pl = paper_lines(pid, group, read(pdf), gold)
        if pl.runs:
            out.append(pl)
    return out


def _fit(papers: list[PaperLines]):
    import sklearn_crfsuite

    xs, ys = [], []
    for p in papers:
        for run, labels in zip(p.runs, p.labels):
            xs.append(line_features(run))
            ys.append(labels)
    crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.1, c2=0.05, max_iterations=150, all_possible_transitions=True)
    crf.fit(xs, ys)
    return crf


def match_counts(gold: list[str], produced: list[str], score: int = MATCH_SCORE) -> int:
    """Gold strings found among ``produced``, one-to-one, greedy by score (the harness's rule)."""
    g = [" ".join(x.split()).lower() for x in gold]
    p = [" ".join(x.split()).lower() for x in produced]
    pairs = sorted(((fuzz.ratio(a, b), i, j) for i, a in enumerate(g) for j, b in enumerate(p)
                    if abs(len(a) - len(b)) <= 0.25 * max(len(a), len(b))), reverse=True)
    used_g, used_p = set(), set()
    found = 0
    for s, i, j in pairs:
        if s < score:
            break
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        found += 1
    return found


def cross_validate(papers: list[PaperLines], *, folds: int = FOLDS, seed: int = SEED) -> dict:
    """Leave-papers-out cross-validation: line accuracy and reference strings found, CRF against the rules.

    Reference strings are counted against the gold strings of the papers' lists only (the strings the
    splitter can produce: a gold string none of whose characters reached the list lines is left out).
    """
    order = list(range(len(papers)))
    random.Random(seed).shuffle(order)
    per_group: dict[str, dict[str, int]] = {}
    line_right = line_total = 0
    for k in range(folds):
        test_idx = set(order[k::folds])
        crf = _fit([papers[i] for i in order if i not in test_idx])
        for i in sorted(test_idx):
            p = papers[i]
            crf_refs, rule_refs = [], []
            for run, gold_labels in zip(p.runs, p.labels):
                pred = list(crf.predict_single(line_features(run)))
                line_right += sum(a == b for a, b in zip(pred, gold_labels))
                line_total += len(run)
                crf_refs += [t for t, _ in join_labelled(run, pred)]
                rule_refs += [t for t, _ in join_labelled(run, rule_labels(run))]
            listed = _listed_gold(p)
            c = per_group.setdefault(p.group, {"papers": 0, "gold": 0, "crf_found": 0, "crf_extracted": 0,
                                               "rules_found": 0, "rules_extracted": 0})
            c["papers"] += 1
            c["gold"] += len(listed)
            c["crf_found"] += match_counts(listed, crf_refs)
            c["crf_extracted"] += len(crf_refs)
            c["rules_found"] += match_counts(listed, rule_refs)
            c["rules_extracted"] += len(rule_refs)
    total = {key: sum(c[key] for c in per_group.values()) for key in next(iter(per_group.values()))} if per_group else {}
    out = {"folds": folds, "seed": seed, "papers": len(papers), "line_accuracy": round(line_right / max(line_total, 1), 4),
           "lines": line_total, "groups": per_group, "all": total}
    for c in [*per_group.values(), total]:
        for who in ("crf", "rules"):
            c[f"{who}_recall"] = round(c[f"{who}_found"] / c["gold"], 4) if c["gold"] else None
            c[f"{who}_precision"] = round(c[f"{who}_found"] / c[f"{who}_extracted"], 4) if c[f"{who}_extracted"] else None
    return out


def _listed_gold(p: PaperLines) -> list[str]:
    text = _norm(" ".join(ln.text for r in p.runs for ln in r))
    return [g for g in p.gold if fuzz.partial_ratio(_norm(g)[:60], text) >= 90]


def train_splitter(papers: list[PaperLines], model_file: Path) -> None:
    """Fit the line CRF on every paper and write it to ``model_file`` (CRFsuite format)."""
    import shutil

    from pipeline.references.split import _tagger

    crf = _fit(papers)
    model_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(crf.modelfile.name, model_file)
    _tagger.cache_clear()


# ---------------------------------------------------------------- footnote parts

#: A footnote part is a reference when it matches a gold string this closely (fuzz.ratio, 0-100) ...
PART_MATCH_SCORE = 85
#: ... or is a piece of at least this share of one (a gold string that keeps "A; B" together).
PART_PIECE_SHARE = 0.3


@dataclass
class PaperFootnotes:
    """One paper's footnote parts as (features, label) pairs."""

    paper_id: str
    group: str
    features: list[dict[str, float]]
    labels: list[int]
    texts: list[str]
    gold: list[str]


def _part_label(text: str, gold_norm: list[str]) -> int:
    t = " ".join(text.split()).lower()
    if not t:
        return 0
    for g in gold_norm:
        if fuzz.ratio(t, g) >= PART_MATCH_SCORE:
            return 1
    for g in gold_norm:
        if len(g) > len(t) >= max(25, PART_PIECE_SHARE * len(g)) and fuzz.partial_ratio(t, g) >= 92:
            return 1
    return 0


def footnote_examples(paper_id: str, group: str, doc, gold: list[str]) -> PaperFootnotes:
    """The parts of a structured document's footnotes, with their features and gold labels."""
    from pipeline.citations import _list_score
    from pipeline.references.footnotes import footnote_parts, part_features
    from pipeline.text.normalise import title_key

    passages = {p.id: p for p in doc.passages}
    list_keys = [title_key(p.text) for p in doc.passages if p.kind == "reference"]
    gold_norm = [" ".join(g.split()).lower() for g in gold]
    out = PaperFootnotes(paper_id, group, [], [], [], gold)
    for fn in doc.footnotes:
        if fn.duplicate_of is not None:
            continue
        for part in footnote_parts(passages[fn.passage_id].text):
            if part.kind == "backref":
                continue
            ls = _list_score(title_key(part.text), list_keys)
            out.features.append(part_features(part, has_list=bool(list_keys), list_score=ls))
            out.labels.append(_part_label(part.text, gold_norm))
            out.texts.append(part.text)
    return out


def _fit_parts(papers: list[PaperFootnotes]):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    xs = [f for p in papers for f in p.features]
    ys = [y for p in papers for y in p.labels]
    vec = DictVectorizer(sparse=False)
    x = vec.fit_transform(xs)
    clf = LogisticRegression(C=1.0, max_iter=5000)
    clf.fit(x, ys)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])}
    weights["bias"] = weights.get("bias", 0.0) + float(clf.intercept_[0])
    return weights


def cross_validate_footnotes(papers: list[PaperFootnotes], *, folds: int = FOLDS, seed: int = SEED) -> dict:
    """Leave-papers-out probabilities of every part; the threshold of the best F1; part-level figures."""
    from pipeline.references.footnotes import PartClassifier, rule_score

    order = list(range(len(papers)))
    random.Random(seed).shuffle(order)
    probs: dict[int, list[float]] = {}
    for k in range(folds):
        test_idx = set(order[k::folds])
        clf = PartClassifier(_fit_parts([papers[i] for i in order if i not in test_idx]))
        for i in test_idx:
            probs[i] = [clf.probability(f) for f in papers[i].features]
    labels = [y for i in range(len(papers)) for y in papers[i].labels]
    flat = [q for i in range(len(papers)) for q in probs[i]]
    rules = [rule_score(f) for p in papers for f in p.features]
    urls = [f["url"] for p in papers for f in p.features]

    def prf(pred: list[bool]) -> dict:
        tp = sum(1 for a, y in zip(pred, labels) if a and y)
        fp = sum(1 for a, y in zip(pred, labels) if a and not y)
        fn = sum(1 for a, y in zip(pred, labels) if not a and y)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        return {"precision": round(prec, 4), "recall": round(rec, 4),
                "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0, "taken": tp + fp}

    best_t, best = 0.5, None
    for t in [x / 100 for x in range(20, 91, 2)]:
        r = prf([q >= t or bool(u) for q, u in zip(flat, urls)])
        if best is None or r["f1"] > best["f1"]:
            best_t, best = t, r
    return {"folds": folds, "seed": seed, "papers": len(papers), "parts": len(labels), "references": sum(labels),
            "threshold": best_t, "model": best,
            "at_0.5": prf([q >= 0.5 or bool(u) for q, u in zip(flat, urls)]),
            "rules": prf([r >= 0.5 or bool(u) for r, u in zip(rules, urls)]),
            "year_url_or_quote": prf([bool(f["year"] or f["url"] or f["quote"]) for p in papers for f in p.features])}


def train_footnotes(papers: list[PaperFootnotes], model_file: Path, *, threshold: float, meta: dict) -> None:
    """Fit the part classifier on every paper and write it (JSON) with its threshold."""
    from pipeline.references.footnotes import PartClassifier, load_classifier

    PartClassifier(_fit_parts(papers), threshold, meta).to_file(model_file)
    load_classifier.cache_clear()


# ---------------------------------------------------------------- both, from the corpus

def corpus_papers(corpus: Path) -> list[tuple[str, str, Path, Path]]:
    """(id, group, pdf, references.txt) of every paper of an EXCITE corpus folder's ``manifest.csv``."""
    import csv

    with (corpus / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        return [(row["id"], row["group"], corpus / row["pdf"], corpus / row["references"]) for row in csv.DictReader(fh)]


def train_layout_models(papers: list[tuple[str, str, Path, Path]], read: Callable[[Path], "object"],
                        out_dir: Path) -> dict:
    """Read every paper once (``read(pdf) -> Ingested``), cross-validate and train both models; write their metrics.

    Args:
        papers: (id, group, pdf, references.txt) per paper.
        read: the reader (``pipeline.process.ingest``, or a cache of it).
        out_dir: ``models/references``.
    """
    import json

    from pipeline.process import assemble
    from pipeline.references.footnotes import FOOTNOTE_MODEL_FILE

    read_papers = []
    lines: list[PaperLines] = []
    for pid, group, pdf, refs in papers:
        gold = [g.strip() for g in Path(refs).read_text(encoding="utf-8").splitlines() if g.strip()]
        ing = read(pdf)
        read_papers.append((pid, group, gold, ing))
        pl = paper_lines(pid, group, ing.raw, gold)
        if pl.runs:
            lines.append(pl)
    split_cv = cross_validate(lines)
    train_splitter(lines, out_dir / SPLIT_MODEL_FILE.name)
    # the footnote features depend on the list the splitter makes (has_list, list_score): after it is trained
    notes = [footnote_examples(pid, group, assemble(ing), gold) for pid, group, gold, ing in read_papers]
    notes = [n for n in notes if n.features]
    fn_cv = cross_validate_footnotes(notes)
    train_footnotes(notes, out_dir / FOOTNOTE_MODEL_FILE.name, threshold=fn_cv["threshold"],
                    meta={"cross_validation": fn_cv})
    metrics = {"splitter": split_cv, "footnotes": fn_cv}
    (out_dir / "layout_metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return metrics


# ---------------------------------------------------------------- the string parser's c1/c2

#: Folds of the regularisation search (each a third of the training papers and core.xml strings).
C_FOLDS = 3


def choose_regularisation(train: list, groups: list[str], grid: list[tuple[float, float]], *,
                          folds: int = C_FOLDS, seed: int = SEED, log=None, features=None,
                          max_iterations: int | None = None) -> dict:
    """Token accuracy of each (c1, c2) of ``grid`` by cross-validation over the TRAINING split only.

    Whole groups (a corpus paper, a core.xml string) go to one fold, so a paper's strings are never on
    both sides; the held-out split is not touched, so choosing c1/c2 does not tune to it. ``features``
    (a token list -> feature dicts; default the parser's) and ``max_iterations`` let a candidate feature
    set or iteration count be compared on the same folds (refcrf/2.2's candidates in the model card).
    """
    from pipeline.references.parser import CRF_ITERATIONS, field_labels, mark_starts, sequence_features

    sequence_features = features or sequence_features
    iterations = max_iterations or CRF_ITERATIONS
    names = sorted(set(groups))
    random.Random(seed).shuffle(names)
    fold_of = {g: k % folds for k, g in enumerate(names)}
    feats = [sequence_features([t for t, _ in s]) for s in train]
    table = []
    for c1, c2 in grid:
        right = total = 0
        for k in range(folds):
            tr = [i for i, g in enumerate(groups) if fold_of[g] != k]
            te = [i for i, g in enumerate(groups) if fold_of[g] == k]
            crf = _fit_features([feats[i] for i in tr], [mark_starts([lab for _, lab in train[i]]) for i in tr], c1,
                                c2, iterations)  # trained as the parser is (field starts marked), scored on fields
            for i, pred in zip(te, crf.predict([feats[i] for i in te])):
                right += sum(a == b for a, (_, b) in zip(field_labels(pred), train[i]))
                total += len(train[i])
        table.append({"c1": c1, "c2": c2, "accuracy": round(right / total, 4)})
        if log:
            log(table[-1])
    best = max(table, key=lambda r: r["accuracy"])
    return {"folds": folds, "seed": seed, "grid": table, "best": best}


def _fit_features(xs: list, ys: list, c1: float, c2: float, max_iterations: int | None = None):
    from pipeline.references.parser import CRF_ITERATIONS, new_crf

    crf = new_crf(max_iterations or CRF_ITERATIONS, c1=c1, c2=c2)
    crf.fit(xs, ys)
    return crf

