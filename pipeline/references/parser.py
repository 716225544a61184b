"""Reference strings -> CSL-JSON-like fields with a linear-chain CRF.

The model is a conditional random field (Lafferty, McCallum and Pereira 2001)
over whitespace tokens, trained on AnyStyle's hand-labelled reference strings
(``shared/data/anystyle/core.xml``, BSD-2-Clause), as AnyStyle itself and
ParsCit (Councill, Giles and Kan 2008) do. Features are the token's form,
shape, punctuation, lexicon hits and relative position, plus those of its
neighbours within two tokens. The labels are AnyStyle's; ``to_csl`` maps them
to the CSL field names of the output contract.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from pipeline.model import ParsedReference
from pipeline.text.identifiers import YEAR_RE, find_urls, first_doi

MODEL_VERSION = "refcrf/1.0"
MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "references"
MODEL_FILE = MODEL_DIR / "crf.crfsuite"

_MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
    "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
}
_LEX = {
    "in": "IN", "eds": "ED", "ed": "ED", "eds.": "ED", "ed.": "ED", "(eds.)": "ED", "(ed.)": "ED", "editor": "ED",
    "editors": "ED", "vol": "VOL", "vol.": "VOL", "volume": "VOL", "no": "NO", "no.": "NO", "pp": "PP", "pp.": "PP",
    "p.": "PP", "press": "PUB", "university": "UNI", "publishers": "PUB", "publishing": "PUB", "books": "PUB",
    "journal": "JOUR", "review": "JOUR", "quarterly": "JOUR", "proceedings": "JOUR", "retrieved": "NOTE",
    "accessed": "NOTE", "available": "NOTE", "et": "ETAL", "al": "ETAL", "al.": "ETAL", "and": "AND", "&": "AND",
}


def tokenize(text: str) -> list[str]:
    return text.split()


def _shape(tok: str) -> str:
    s = re.sub(r"[A-Z]", "A", tok)
    s = re.sub(r"[a-z]", "a", s)
    s = re.sub(r"\d", "9", s)
    return re.sub(r"(.)\1+", r"\1\1", s)[:8]


def _strip(tok: str) -> str:
    return re.sub(r"^\W+|\W+$", "", tok)


def _token_features(tok: str, i: int, n: int) -> dict[str, object]:
    core = _strip(tok)
    low = core.lower()
    return {
        "w": low,
        "suf3": low[-3:],
        "pre3": low[:3],
        "shape": _shape(tok),
        "first": tok[:1] if not tok[:1].isalnum() else "",
        "last": tok[-1:] if not tok[-1:].isalnum() else "",
        "cap": core[:1].isupper(),
        "upper": core.isupper() and len(core) > 1,
        "digit": core.isdigit(),
        "year": bool(re.fullmatch(r"(1[5-9]|20)\d\d[a-z]?", core)),
        "range": bool(re.search(r"\d+\s*[-–—]\s*\d+", tok)),
        "initial": bool(re.fullmatch(r"([A-Z]\.)+-?([A-Z]\.)?,?", tok)),
        "url": bool(re.search(r"https?://|www\.", tok)),
        "doi": bool(re.search(r"\b10\.\d{4,}/", tok)),
        "month": low in _MONTHS,
        "lex": _LEX.get(tok.lower(), _LEX.get(low, "")),
        "quote": bool(re.search(r"[\"“”‘’«»]", tok)),
        "paren": ("(" in tok) + 2 * (")" in tok),
        "nonlatin": any(ord(c) > 0x24F for c in core),
        "pos": round(4 * i / max(n, 1)),
    }


def sequence_features(tokens: list[str]) -> list[dict[str, object]]:
    """CRF features of every token, with its neighbours' within two tokens."""
    n = len(tokens)
    base = [_token_features(t, i, n) for i, t in enumerate(tokens)]
    out = []
    for i in range(n):
        f: dict[str, object] = {"bias": 1.0, **base[i]}
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                b = base[j]
                for key in ("w", "shape", "year", "last", "lex", "initial", "cap", "quote", "month"):
                    f[f"{off}:{key}"] = b[key]
            else:
                f[f"{off}:edge"] = True
        out.append(f)
    return out


def load_anystyle(path: Path) -> list[list[tuple[str, str]]]:
    """AnyStyle's XML dataset -> token/label sequences."""
    seqs = []
    for seq in ET.parse(path).getroot().iter("sequence"):
        pairs = []
        for field in seq:
            for tok in tokenize(field.text or ""):
                pairs.append((tok, field.tag))
        if pairs:
            seqs.append(pairs)
    return seqs


def new_crf(max_iterations: int = 120):
    import sklearn_crfsuite

    return sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.05, c2=0.05, max_iterations=max_iterations,
                                all_possible_transitions=True)


def train(data_path: Path, out_dir: Path = MODEL_DIR, *, folds: int = 5, seed: int = 13) -> dict:
    """Train on all sequences and write the model; cross-validate first for the model card."""
    import random

    from sklearn.metrics import classification_report

    seqs = load_anystyle(data_path)
    rng = random.Random(seed)
    order = list(range(len(seqs)))
    rng.shuffle(order)
    gold: list[str] = []
    pred: list[str] = []
    for k in range(folds):
        test_idx = set(order[k::folds])
        train_s = [seqs[i] for i in order if i not in test_idx]
        test_s = [seqs[i] for i in sorted(test_idx)]
        crf = new_crf()
        crf.fit([sequence_features([t for t, _ in s]) for s in train_s], [[l for _, l in s] for s in train_s])
        for s, p in zip(test_s, crf.predict([sequence_features([t for t, _ in s]) for s in test_s])):
            gold.extend(l for _, l in s)
            pred.extend(p)
    report = classification_report(gold, pred, output_dict=True, zero_division=0)
    out_dir.mkdir(parents=True, exist_ok=True)
    crf = new_crf()
    crf.fit([sequence_features([t for t, _ in s]) for s in seqs], [[l for _, l in s] for s in seqs])
    import shutil

    shutil.copy(crf.modelfile.name, out_dir / MODEL_FILE.name)
    metrics = {
        "model_version": MODEL_VERSION,
        "sequences": len(seqs),
        "tokens": sum(len(s) for s in seqs),
        "folds": folds,
        "seed": seed,
        "token_accuracy": report["accuracy"],
        "micro_f1": report["accuracy"],  # every token has one label: micro F1 equals accuracy
        "weighted_f1": report["weighted avg"]["f1-score"],
        "macro_f1": report["macro avg"]["f1-score"],
        "per_label": {k: {m: round(v[m], 4) for m in ("precision", "recall", "f1-score", "support")}
                      for k, v in report.items() if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg")},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics


@lru_cache(maxsize=2)
def _tagger(model_file: str):
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(model_file)
    return tagger


def label_tokens(text: str, model_file: Path = MODEL_FILE) -> list[tuple[str, str]]:
    tokens = tokenize(text)
    if not tokens:
        return []
    feats = sequence_features(tokens)
    tagger = _tagger(str(model_file))
    return list(zip(tokens, tagger.tag(feats)))  # the same dict features sklearn-crfsuite trains on


# ---------------------------------------------------------------- CSL mapping

_ORG_WORDS = re.compile(
    r"\b(university|institute|center|centre|council|ministry|organi[sz]ation|commission|bank|agency|press|"
    r"association|foundation|committee|office|department|government|reuters|wikipedia|times|news|service|"
    r"embassy|union|nations|forum|group|society|library)\b", re.I)
_NEWS = re.compile(r"\b(reuters|associated press|al jazeera|times|news|post|guardian|bbc|al-monitor|middle east eye|tass|irna|bloomberg)\b", re.I)


def _clean_field(text: str) -> str:
    t = text.strip()
    t = re.sub(r"^[\s,.;:(\[“\"'‘]+|[\s,.;:)\]”\"'’]+$", "", t)
    return t.strip("*").strip()


def split_names(text: str) -> list[dict[str, str]]:
    """'Rumer, E., & Sokolsky, R.' -> [{'family': 'Rumer', 'given': 'E.'}, ...]; organisations as literal."""
    t = re.sub(r"\bet al\.?", "", text).strip(" ,;")
    t = re.sub(r"\((?:eds?|hrsg|coord)\.?\)|\beds?\.(?=\s|$)", "", t, flags=re.I).strip(" ,;")
    if t.endswith(".") and not re.search(r"\b[A-Z]\.$", t):
        t = t[:-1]
    if not t:
        return []
    if _ORG_WORDS.search(t) and not re.search(r",\s*[A-Z]\.", t):
        return [{"literal": t}]
    chunks = [c.strip(" ,") for c in re.split(r"\s*(?:;|&|\band\b|\bund\b|\bet\b(?! al))\s*", t) if c.strip(" ,")]
    people: list[dict[str, str]] = []
    for chunk in chunks:
        parts = [p.strip() for p in chunk.split(",") if p.strip()]
        i = 0
        while i < len(parts):
            part = parts[i]
            nxt = parts[i + 1] if i + 1 < len(parts) else None
            if nxt is not None and len(part.split()) <= 3 and (
                re.fullmatch(r"([A-Z]\.?\s*-?)+", nxt.replace(" ", "")) or (len(nxt.split()) <= 2 and " " not in part.strip())
            ):
                people.append({"family": part, "given": nxt})
                i += 2
                continue
            words = [w for w in re.sub(r"\([^)]*\)", "", part).split() if w]
            words = [w for w in words if not re.fullmatch(r"(LTG|Dr\.?|Prof\.?|Mr\.?|Ms\.?|Sir)", w)]
            if len(words) == 1:
                people.append({"family": words[0]})
            elif words:
                if re.fullmatch(r"([A-Z]\.)+", words[-1]) or re.fullmatch(r"[A-Z]{1,4}", words[-1]):
                    people.append({"family": " ".join(words[:-1]), "given": words[-1]})  # Vancouver: "Trezza MCAF"
                else:
                    people.append({"family": words[-1], "given": " ".join(words[:-1])})
            i += 1
    return people


def to_csl(labelled: list[tuple[str, str]], raw: str) -> dict:
    """Group labelled tokens into fields and map AnyStyle labels to the output's CSL names."""
    groups: dict[str, list[str]] = {}
    prev = None
    for tok, lab in labelled:
        if lab != prev or lab not in groups:
            groups.setdefault(lab, []).append(tok)
        else:
            groups[lab][-1] += " " + tok
        prev = lab
    first = {k: _clean_field(v[0]) for k, v in groups.items()}
    out: dict = {
        "authors": split_names(" ".join(groups.get("author", []))) if "author" in groups else [],
        "year": None, "title": first.get("title"),
        "container_title": first.get("journal") or first.get("container-title"),
        "editors": split_names(" ".join(groups.get("editor", []))) if "editor" in groups else [],
        "publisher": first.get("publisher"), "publisher_place": first.get("location"),
        "volume": None, "issue": None, "page": None, "url": None, "doi": None, "accessed": None,
        "edition": first.get("edition"), "genre": first.get("genre"), "note": first.get("note"),
    }
    date = " ".join(groups.get("date", []))
    ym = YEAR_RE.search(date) or YEAR_RE.search(raw)
    if ym:
        out["year"] = int(ym.group(1))
    vol = groups["volume"][0] if "volume" in groups else ""
    m = re.search(r"(\d+)\s*\((\d+[^)]*)\)", vol)
    if m:
        out["volume"], out["issue"] = m.group(1), m.group(2)
    elif vol:
        dm = re.search(r"\d+", vol)
        out["volume"] = dm.group(0) if dm else vol
    if "issue" in first:
        im = re.search(r"\d+", first["issue"])
        out["issue"] = im.group(0) if im else first["issue"]
    if "pages" in first:
        pm = re.search(r"\d+\s*[-–—]+\s*\d+|\d+", first["pages"])
        out["page"] = re.sub(r"\s*[-–—]+\s*", "-", pm.group(0)) if pm else first["pages"]
    urls = find_urls(raw)
    if urls:
        out["url"] = urls[0]
    out["doi"] = first_doi(raw)
    am = re.search(r"(?:accessed|retrieved|last modified)\s*(?:on\s*)?([A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d{2}-\d{2})", raw, re.I)
    if am:
        out["accessed"] = am.group(1)
    out["type"] = _infer_type(out, raw, groups)
    return out


def _infer_type(f: dict, raw: str, groups: dict) -> str:
    low = raw.lower()
    if "wikipedia" in low or "encyclop" in low:
        return "encyclopedia"
    if re.search(r"\breport\b|working paper|policy brief|\bdiscussion paper\b", low):
        return "report"
    if f["container_title"] and _NEWS.search(f["container_title"] or ""):
        return "news"
    if f["editors"] or re.search(r"\bin:?\s+[A-Z]", raw) and f["container_title"] and not f["volume"]:
        return "chapter"
    if f["container_title"] and (f["volume"] or f["page"]):
        return "article-journal"
    if f["url"] and not f["publisher"]:
        return "news" if _NEWS.search(raw) else "webpage"
    if f["publisher"] or f["publisher_place"]:
        return "book"
    if f["container_title"]:
        return "article-journal"
    return "webpage" if f["url"] else "book"


def parse_reference(text: str, model_file: Path = MODEL_FILE) -> ParsedReference:
    """One reference string -> CSL-like fields (see the module docstring)."""
    text = " ".join(text.split())
    return ParsedReference.model_validate(to_csl(label_tokens(text, model_file), text))
