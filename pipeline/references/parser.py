"""Reference strings -> CSL-JSON-like fields with a linear-chain CRF.

The model is a conditional random field (Lafferty, McCallum and Pereira 2001)
over whitespace tokens, as AnyStyle and ParsCit (Councill, Giles and Kan 2008)
use, trained on AnyStyle's hand-labelled reference strings
(``shared/data/anystyle/core.xml``, BSD-2-Clause) and on the field-tagged strings
of the EXCITE corpus (``ID.segmented.xml``, English and German, the data of
EXCITE's EXparser), mapped to AnyStyle's labels by :mod:`pipeline.references.data`
with the corrections of :func:`pipeline.references.parser_data.excite_sequence`. A
fixed fifth of both is held out for the model card and never trained on.

Features (refcrf/2.1) are the token's form, shape, punctuation, lexicon hits
(English and German: "In:", "Hrsg.", "ed.", "S.", "pp.", "Bd.", "Verlag",
"Press", "University", month names, places of publication) and relative
position; running states over the string (after the year, after "in", after an
editor word, inside quotes, inside brackets, how many parts, ended by "." or ":",
came before); and the words, final punctuation and lexicon hits of its neighbours
within three tokens.
refcrf/2.2 trains on the labels with each field's first token marked (``B-title``; :func:`mark_starts`) and
gives out the fields again (:func:`field_labels`): the start labels raised the leave-papers-out CV on the
training split by about a point (the model card).
The labels are AnyStyle's; ``to_csl`` maps them to the CSL field names of the
output contract.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from pipeline.model import ParsedReference
from pipeline.references.data import HELD_OUT_SHARE, SPLIT_SEED, Sequence
from pipeline.references.parser_data import CITIES, parser_dataset
from pipeline.text.identifiers import YEAR_RE, find_urls, first_doi

MODEL_VERSION = "refcrf/2.2"
#: L-BFGS iterations: the held-out F1 no longer moves after about 100 on these data.
CRF_ITERATIONS = 120
#: L1 and L2 weights of the CRF, chosen by leave-papers-out cross-validation on the TRAINING split only
#: (pipeline.references.training.choose_regularisation; the table is in models/references/README.md).
CRF_C1 = 0.02
CRF_C2 = 0.1
MODEL_DIR = Path(__file__).resolve().parent.parent.parent / "models" / "references"
MODEL_FILE = MODEL_DIR / "crf.crfsuite"

_MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
    "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
    # German (the EXCITE corpus's German papers: "Januar 2004", "4. Mai 2012")
    "januar", "jän", "februar", "märz", "mär", "mai", "juni", "juli", "okt", "oktober", "dez", "dezember",
}
_LEX = {
    "in": "IN", "eds": "ED", "ed": "ED", "eds.": "ED", "ed.": "ED", "(eds.)": "ED", "(ed.)": "ED", "editor": "ED",
    "editors": "ED", "vol": "VOL", "vol.": "VOL", "volume": "VOL", "no": "NO", "no.": "NO", "pp": "PP", "pp.": "PP",
    "p.": "PP", "press": "PUB", "university": "UNI", "publishers": "PUB", "publishing": "PUB", "books": "PUB",
    "journal": "JOUR", "review": "JOUR", "quarterly": "JOUR", "proceedings": "JOUR", "retrieved": "NOTE",
    "accessed": "NOTE", "available": "NOTE", "et": "ETAL", "al": "ETAL", "al.": "ETAL", "and": "AND", "&": "AND",
    # German reference styles (the EXCITE corpus): editors, pages, volumes, publishers, notes
    "hrsg": "ED", "hrsg.": "ED", "(hrsg.)": "ED", "(hrsg.):": "ED", "hg": "ED", "hg.": "ED", "(hg.)": "ED",
    "(hg.):": "ED", "herausgegeben": "ED", "in:": "IN", "s.": "PP", "ss.": "PP", "bd.": "VOL", "band": "VOL",
    "jg.": "VOL", "jahrgang": "VOL", "heft": "NO", "h.": "NO", "nr.": "NO", "verlag": "PUB", "aufl.": "EDN",
    "auflage": "EDN", "edition": "EDN", "ed.,": "ED", "ders.": "ETAL", "dies.": "ETAL", "u.a.": "ETAL",
    "und": "AND", "zugriff": "NOTE", "abgerufen": "NOTE", "online": "NOTE", "unter:": "NOTE", "url:": "NOTE",
    "doi:": "NOTE", "universität": "UNI", "institut": "UNI", "zeitschrift": "JOUR", "journal:": "JOUR",
    # refcrf/2.1: editor, translator, page and publisher words the 2.0 lexicon lacked (both languages)
    "(eds)": "ED", "(ed)": "ED", "eds)": "ED", "(eds.),": "ED", "(ed.),": "ED", "(hrsg.),": "ED", "(hg.),": "ED",
    "hrsg.v.": "ED", "hg.v.": "ED", "edited": "ED", "(coord.)": "ED", "trans.": "TRANS", "transl.": "TRANS",
    "translated": "TRANS", "übers.": "TRANS", "übersetzt": "TRANS", "übersetzung": "TRANS", "ff.": "PP",
    "f.": "PP", "pp.,": "PP", "seite": "PP", "seiten": "PP", "gmbh": "PUB", "inc.": "PUB", "ltd.": "PUB",
    "ltd": "PUB", "co.": "PUB", "publications": "PUB", "publisher": "PUB", "verlagsgesellschaft": "PUB",
    "edn": "EDN", "edn.": "EDN", "diss.": "GENRE", "dissertation": "GENRE", "thesis": "GENRE",
    "phd": "GENRE", "habilitationsschrift": "GENRE", "paper": "GENRE", "report": "GENRE", "bericht": "GENRE",
    "arbeitspapier": "GENRE", "discussion": "GENRE", "working": "GENRE", "vgl.": "SEE", "see": "SEE",
    "cf.": "SEE", "siehe": "SEE", "ebd.": "IBID", "ibid.": "IBID", "ibid": "IBID", "a.a.o.": "IBID",
    "hier": "HERE", "here": "HERE", "vol.,": "VOL", "jg": "VOL", "issue": "NO", "nr": "NO", "n°": "NO",
    "accessed:": "NOTE", "retrieved:": "NOTE", "stand:": "NOTE", "aufgerufen": "NOTE", "isbn": "ISBN",
    "jahrbuch": "JOUR", "bulletin": "JOUR", "annals": "JOUR", "annual": "JOUR", "magazine": "JOUR",
    "yearbook": "JOUR", "vierteljahresschrift": "JOUR", "vierteljahrshefte": "JOUR", "blätter": "JOUR",
    "transactions": "JOUR", "letters": "JOUR", "newsletter": "JOUR", "conference": "JOUR", "symposium": "JOUR",
    "workshop": "JOUR", "tagung": "JOUR", "konferenz": "JOUR", "handbook": "JOUR", "handbuch": "JOUR",
}
#: Opening and closing quotation marks (English, German and French styles) for the inside-quotes state.
_OPEN_QUOTES = "“„‘«‚\""
_CLOSE_QUOTES = "”“’»‘\""
#: Context window of the neighbour features (refcrf/2.1 widened it from two tokens to three).
WINDOW = 3


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
        "numlen": min(len(core), 5) if core.isdigit() else 0,
    }


def _boundary(tok: str) -> bool:
    """The token closes a part of the reference (a title, a name list, a container): ends in . : ? ! (quotes
    and brackets aside) and is not an initial ("J.") or a one-letter abbreviation."""
    t = tok.rstrip("”“\"’')],")
    if t.endswith(":") or (t != tok.rstrip(",") and len(t) > 1):  # "J.:", a closing quote ("BRD“,")
        return True
    return t[-1:] in (".", "?", "!") and len(_strip(t)) > 1 and not re.fullmatch(r"([A-Z]\.)+-?([A-Z]\.)?", t)


def _is_city(low: str) -> bool:
    return low in CITIES or any(p in CITIES for p in re.split(r"[/–]", low) if p)


def sequence_features(tokens: list[str]) -> list[dict[str, object]]:
    """CRF features of every token, with its neighbours' within :data:`WINDOW` tokens.

    Besides the token's own features, running states over the string say where the token stands in the
    reference's usual order (authors, year, title, "In:", editors, container, volume, pages, place,
    publisher): after the year / "in" / an editor word, inside quotes or brackets, and how many parts
    (:func:`_boundary`) came before it. These generalise across styles where word identities do not
    (ParsCit, Councill et al. 2008, and AnyStyle use such position and punctuation features).
    """
    n = len(tokens)
    base = [_token_features(t, i, n) for i, t in enumerate(tokens)]
    lows = [_strip(t).lower() for t in tokens]
    city = [_is_city(lows[i]) or (i + 1 < n and f"{lows[i]} {lows[i + 1]}" in CITIES)
            or (i > 0 and f"{lows[i - 1]} {lows[i]}" in CITIES) for i in range(n)]
    out = []
    seen_year = seen_in = seen_quote = seen_ed = False
    in_quote = False
    depth = parts = 0
    for i in range(n):
        tok = tokens[i]
        f: dict[str, object] = {"bias": 1.0, **base[i], "city": city[i]}
        # where the token stands in the reference's usual order (authors, year, title, "In:", container, ...)
        f["after_year"] = seen_year
        f["after_in"] = seen_in
        f["after_quote"] = seen_quote
        f["after_ed"] = seen_ed
        opens = tok[:1] in _OPEN_QUOTES
        f["in_quote"] = in_quote or opens
        f["in_bracket"] = depth > 0 or tok[:1] in "(["
        f["part"] = min(parts, 6)
        f["first_tok"] = i == 0
        f["last_tok"] = i == n - 1
        seen_year = seen_year or bool(base[i]["year"])
        seen_in = seen_in or base[i]["lex"] == "IN"
        seen_quote = seen_quote or bool(base[i]["quote"])
        seen_ed = seen_ed or base[i]["lex"] == "ED"
        closes = len(tok) > 1 and tok.rstrip(".,;:!?)]")[-1:] in _CLOSE_QUOTES
        if opens and not closes:
            in_quote = True
        elif closes:
            in_quote = False
        depth = max(0, depth + tok.count("(") + tok.count("[") - tok.count(")") - tok.count("]"))
        parts += _boundary(tok)
        for off in range(-WINDOW, WINDOW + 1):
            j = i + off
            if off == 0:
                continue
            if 0 <= j < n:
                b = base[j]
                keys = ("w", "shape", "year", "last", "lex", "initial", "cap", "quote", "month") if abs(off) <= 2 \
                    else ("w", "last", "lex")
                for key in keys:
                    f[f"{off}:{key}"] = b[key]
                if abs(off) == 1:
                    f[f"{off}:city"] = city[j]
            else:
                f[f"{off}:edge"] = True
        out.append(f)
    return out


#: Prefix of the label of a field's first token (refcrf/2.2): the CRF learns field starts apart from
#: field continuations, as GROBID's CRFs do with their "I-" start labels (Lopez 2009).
FIELD_START = "B-"


def mark_starts(labels: list[str]) -> list[str]:
    """The training labels with each field's first token marked (``title title`` -> ``B-title title``).

    With one label per field the chain has a single transition title -> container-title and must let the
    token's own features say where the container begins; a start label gives the field's first token its
    own weights (a capital after a full stop, "Journal", an "In:" before it) and its own transitions (a
    container starts after a title ends, rarely inside one). The labels given out are the fields again
    (:func:`field_labels`), so the output contract and the scoring are unchanged.
    """
    return [FIELD_START + lab if i == 0 or labels[i - 1] != lab else lab for i, lab in enumerate(labels)]


def field_labels(labels) -> list[str]:
    """The CRF's labels with the start marks of :func:`mark_starts` removed."""
    return [lab[len(FIELD_START):] if lab.startswith(FIELD_START) else lab for lab in labels]


def new_crf(max_iterations: int = CRF_ITERATIONS, c1: float = CRF_C1, c2: float = CRF_C2):
    import sklearn_crfsuite

    return sklearn_crfsuite.CRF(algorithm="lbfgs", c1=c1, c2=c2, max_iterations=max_iterations,
                                all_possible_transitions=True)


def _fit(seqs: list[Sequence], c1: float = CRF_C1, c2: float = CRF_C2, max_iterations: int = CRF_ITERATIONS):
    crf = new_crf(max_iterations, c1, c2)
    crf.fit([sequence_features([t for t, _ in s]) for s in seqs], [mark_starts([lab for _, lab in s]) for s in seqs])
    return crf


def _report(gold: list[str], pred: list[str]) -> dict:
    from sklearn.metrics import classification_report

    report = classification_report(gold, pred, output_dict=True, zero_division=0)
    return {
        "tokens": len(gold),
        "token_accuracy": round(report["accuracy"], 4),
        "micro_f1": round(report["accuracy"], 4),  # every token has one label: micro F1 equals accuracy
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "per_label": {k: {m: round(v[m], 4) for m in ("precision", "recall", "f1-score", "support")}
                      for k, v in sorted(report.items())
                      if isinstance(v, dict) and "support" in v and k not in ("macro avg", "weighted avg")},
    }


def label_confusion(gold: list[str], pred: list[str], top: int = 20) -> list[dict]:
    """The most frequent (gold, predicted) label pairs among wrong tokens: the model card's error kinds
    (title <-> container-title, editor -> author, ...) are read from this table, not from examples."""
    from collections import Counter

    pairs = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    return [{"gold": g, "predicted": p, "tokens": n} for (g, p), n in pairs.most_common(top)]


def corpus_files(corpus: Path | None) -> list[tuple[str, Path]]:
    """(paper id, segmented.xml) of an EXCITE corpus folder (its ``manifest.csv``, else every file below it)."""
    import csv

    if corpus is None:
        return []
    manifest = corpus / "manifest.csv"
    if manifest.exists():
        with manifest.open(newline="", encoding="utf-8") as fh:
            return [(row["id"], corpus / row["segmented"]) for row in csv.DictReader(fh) if row.get("segmented")]
    return [(f.name.split(".")[0], f) for f in sorted(corpus.rglob("*.segmented.xml"))]


def train(anystyle: Path | None, corpus: Path | None = None, out_dir: Path = MODEL_DIR) -> dict:
    """Train the CRF on the training split of both data sets, evaluate on the fixed held-out split.

    The held-out split (:mod:`pipeline.references.data`: a fifth of core.xml by seed, a fifth of the
    corpus papers by a hash of their id) is never trained on, so the model card's figures are what the
    shipped model does on strings it has not seen. The EXCITE strings are labelled by
    :func:`pipeline.references.parser_data.excite_sequence` (data.py's mapping with its ``other`` guesses
    corrected); ``by_mapping.old`` scores the same predictions against data.py's labels, so that a gain
    that only comes from easier test labels shows. Writes ``crf.crfsuite`` and ``metrics.json``.
    """
    import shutil

    files = corpus_files(corpus)
    ds, _ = parser_dataset(anystyle, files)
    old, _ = parser_dataset(anystyle, files, old_mapping=True)
    crf = _fit(ds.train)
    pred = [field_labels(p) for p in crf.predict([sequence_features([t for t, _ in s]) for s in ds.test])]
    gold = [lab for s in ds.test for _, lab in s]
    old_gold = [lab for s in old.test for _, lab in s]
    flat = [lab for p in pred for lab in p]
    core_n = ds.counts["core.xml"]["test"]
    core_tokens = sum(len(s) for s in ds.test[:core_n])
    metrics = {
        "model_version": MODEL_VERSION,
        "data": {"core.xml": ds.counts["core.xml"], "excite": ds.counts["excite"]},
        "sequences": len(ds.train) + len(ds.test),
        "train_sequences": len(ds.train),
        "test_sequences": len(ds.test),
        "train_tokens": sum(len(s) for s in ds.train),
        "split": {"held_out_share": HELD_OUT_SHARE, "seed": SPLIT_SEED, "test_papers": ds.test_papers},
        "crf": {"c1": CRF_C1, "c2": CRF_C2, "max_iterations": CRF_ITERATIONS},
        **_report(gold, flat),
        "confusion": label_confusion(gold, flat),
        "by_source": {
            "core.xml": _report(gold[:core_tokens], flat[:core_tokens]),
            "excite": _report(gold[core_tokens:], flat[core_tokens:]),
        },
        "by_mapping": {
            "old": {"relabelled_test_tokens": sum(a != b for a, b in zip(gold, old_gold)),
                    **_report(old_gold, flat),
                    "excite": _report(old_gold[core_tokens:], flat[core_tokens:])},
        },
    }
    for part in [*metrics["by_source"].values(), metrics["by_mapping"]["old"]["excite"]]:
        part.pop("per_label")
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(crf.modelfile.name, out_dir / MODEL_FILE.name)
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    _tagger.cache_clear()
    _labels.cache_clear()
    return metrics


@lru_cache(maxsize=2)
def _tagger(model_file: str):
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(model_file)
    return tagger


def label_tokens(text: str, model_file: Path = MODEL_FILE) -> list[tuple[str, str]]:
    """(token, label) of every whitespace token of ``text``."""
    return [(t, lab) for t, lab, _ in label_tokens_with_marginals(text, model_file)]


def label_tokens_with_marginals(text: str, model_file: Path = MODEL_FILE) -> list[tuple[str, str, float]]:
    """(token, label, marginal probability of that label) of every whitespace token of ``text``."""
    tokens = tokenize(text)
    if not tokens:
        return []
    tagger = _tagger(str(model_file))
    tagger.set(sequence_features(tokens))  # the same dict features sklearn-crfsuite trains on
    known = _labels(str(model_file))
    labels = field_labels(tagger.tag())
    # a field's probability is its start label's and its continuation label's together
    return [(t, lab, sum(tagger.marginal(x, i) for x in (lab, FIELD_START + lab) if x in known))
            for i, (t, lab) in enumerate(zip(tokens, labels))]


@lru_cache(maxsize=2)
def _labels(model_file: str) -> frozenset[str]:
    return frozenset(_tagger(model_file).labels())


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


def _strip_in(text: str | None) -> str | None:
    return re.sub(r"^(?:in|IN)\b:?\s*", "", text, flags=re.I) or None if text else text


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
        # AnyStyle's and EXCITE's annotators put the lead "In:" in the container ("In: Kölner Zeitschrift ...")
        "container_title": _strip_in(first.get("journal") or first.get("container-title")),
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
    """One reference string -> CSL-like fields (see the module docstring), with the parser's confidence.

    ``confidence`` is the mean marginal probability of the labels chosen (forward-backward over the
    CRF; Culotta and McCallum 2004 use such marginals to flag fields for review): low on strings that
    read like no reference the model has seen.
    """
    text = " ".join(text.split())
    labelled = label_tokens_with_marginals(text, model_file)
    out = ParsedReference.model_validate(to_csl([(t, lab) for t, lab, _ in labelled], text))
    if labelled:
        out.confidence = round(sum(p for *_, p in labelled) / len(labelled), 4)
    return out
