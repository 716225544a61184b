"""Training data of the reference parser: AnyStyle's ``core.xml`` and EXCITE's ``ID.segmented.xml`` files.

Both become token/label sequences over whitespace tokens with AnyStyle's labels (author, editor, title,
container-title, journal, date, volume, issue, pages, publisher, location, note, url, doi, ...), the
label set of :mod:`pipeline.references.parser`.

EXCITE's gold standard (the EXparser corpus: Körner et al. 2017, Hosseini et al. 2019) tags the fields of
each reference string inline, one reference per line, with JATS-like names (author with surname and
given-names inside, editor, year, title, source, volume, issue, fpage, lpage, publisher, url,
identifier, other). They are mapped to AnyStyle's labels so both sets train one model:

* ``author``/``editor``/``title``/``volume``/``issue``/``publisher``/``url`` keep their meaning;
  ``year`` -> date; ``fpage``/``lpage`` -> pages; ``identifier`` -> doi (a DOI) or note;
* ``source`` -> container-title (AnyStyle's journal and container-title are one label here, see
  :data:`MERGED_LABELS`);
* ``other`` is whatever the annotators did not type: "et al."/"u.a."/"ders." after a name -> that name's
  label, a date-like text -> date, a place (a few capitalised words, no digits: "Frankfurt a.M.",
  "Cambridge, MA") -> location, anything else (a thesis note, "forthcoming") -> note.

Text outside every tag ("In:", "pp.", "S.", "(Hrsg.)", punctuation) is labelled as AnyStyle's annotators
do: a token that is partly inside a field takes that field's label; a whole untagged token belongs to the
field before it, except the lead words that open the next field ("In:", "pp.", "S.", "Vol.", "Nr.").
"""

from __future__ import annotations

import hashlib
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

Sequence = list[tuple[str, str]]

_TAG_RE = re.compile(r"</?(author|surname|given-names|editor|year|title|source|volume|issue|fpage|lpage|publisher|"
                     r"url|identifier|other|ref)>")
_DIRECT = {"author": "author", "editor": "editor", "year": "date", "title": "title", "volume": "volume",
           "issue": "issue", "fpage": "pages", "lpage": "pages", "publisher": "publisher", "url": "url"}
# Untagged words that open the field after them (AnyStyle puts "In" with the editor, "pp." with the pages).
_LEAD_WORDS = re.compile(r"^[(\[]?(in|in:|pp\.?|p\.|s\.|S\.|vol\.?|volume|bd\.|band|no\.?|nr\.?|n°|heft|h\.|jg\.|"
                         r"issue|retrieved|available|online:?|url:?|doi:?|unter:?|zugriff)$", re.I)
_ETAL = re.compile(r"^\W*(et\.?\s*al\.?|u\.\s*a\.?|\[u\.\s*a\.\]|ders\.?|dies\.?|and others)\W*$", re.I)
_DATE_LIKE = re.compile(
    r"^\W*(\d{1,2}\.\s*\d{1,2}\.\s*\d{2,4}|\d{1,2}\.?\s+\w+\.?\s+\d{4}|\w+\.?\s+\d{1,2},?\s+\d{4}|"
    r"(january|february|march|april|may|june|july|august|september|october|november|december|januar|februar|"
    r"märz|mai|juni|juli|oktober|dezember|spring|summer|fall|autumn|winter|frühjahr|sommer|herbst)\b.*)\W*$",
    re.I)
_NOT_PLACE = re.compile(r"thesis|dissertation|diss\b|forthcoming|erscheinen|unpublished|mimeo|manuscript|paper|report|"
                        r"stand\b|edition|aufl|press|verlag|university|universität|institut|bericht|online|http|www",
                        re.I)
_PLACE_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w'’.\-]*|a\.\s?M\.?|am|an|der|bei|de|del|on|upon|la|le|\[u\.a\.\]|u\.a\.?|"
                         r"[/–\-,]|[A-Z]{2}\.?)$")


def _is_place(text: str) -> bool:
    t = text.strip(" ,.;:()")
    if not t or re.search(r"\d", t) or _NOT_PLACE.search(t):
        return False
    words = re.split(r"\s+|(?<=[/–])|(?=[/–])", t)
    words = [w for w in words if w]
    return len(words) <= 6 and all(_PLACE_WORD.match(w.strip(",")) or not w.strip(",") for w in words)


def _parse_tagged(line: str) -> tuple[str, list[str | None]]:
    """(plain text, tag label per character) of one inline-tagged line; nested tags take the outer one."""
    chars: list[str] = []
    labels: list[str | None] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG_RE.finditer(line):
        text = line[pos:m.start()]
        outer = next((t for t in stack if t != "ref"), None)
        chars.extend(text)
        labels.extend([outer] * len(text))
        name = m.group(1)
        if m.group(0).startswith("</"):
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name)]
        else:
            stack.append(name)
        pos = m.end()
    chars.extend(line[pos:])
    outer = next((t for t in stack if t != "ref"), None)
    labels.extend([outer] * (len(line) - pos))
    return "".join(chars), labels


def _field_spans(labels: list[str | None]) -> list[tuple[int, int, str]]:
    spans = []
    i = 0
    while i < len(labels):
        if labels[i] is None:
            i += 1
            continue
        j = i
        while j < len(labels) and labels[j] == labels[i]:
            j += 1
        spans.append((i, j, labels[i]))
        i = j
    return spans


def token_majority(text: str, labels: list[str | None]) -> list[tuple[str, str | None]]:
    """Whitespace tokens of ``text`` with the label most of their characters carry (None where none does)."""
    out: list[tuple[str, str | None]] = []
    for m in re.finditer(r"\S+", text):
        counts: dict[str, int] = {}
        for lab in labels[m.start():m.end()]:
            if lab is not None:
                counts[lab] = counts.get(lab, 0) + 1
        out.append((m.group(0), max(counts, key=lambda k: counts[k]) if counts else None))
    return out


def guess_other(field: str, prev_label: str | None, before: str, after: str) -> str:
    """The label of an EXCITE ``<other>`` span: et al. takes the name before it, date-like is a date,
    place-like a location, the rest a note (``before``/``after``: the string around the span, unused here;
    :func:`pipeline.references.parser_data.other_label` reads them)."""
    if _ETAL.match(field) and prev_label in ("author", "editor"):
        return prev_label
    if _DATE_LIKE.match(field):
        return "date"
    if _is_place(field):
        return "location"
    return "note"


def segmented_sequence(line: str, other=guess_other, number_lead: re.Pattern | None = None) -> Sequence:
    """One line of an EXCITE ``segmented.xml`` file -> (token, AnyStyle label) pairs.

    ``other`` labels the ``<other>`` spans (:func:`guess_other`'s signature); with ``number_lead``, untagged
    tokens before the first field that match it (a list number or key) are ``citation-number``.
    """
    text, tags = _parse_tagged(line)
    spans = _field_spans(tags)
    labels: list[str | None] = [None] * len(text)
    prev_label = None
    for s, e, tag in spans:
        field_text = text[s:e]
        if tag in _DIRECT:
            lab = _DIRECT[tag]
        elif tag == "source":
            lab = "container-title"
        elif tag == "identifier":
            lab = "doi" if re.search(r"\b10\.\d{4,}/", field_text) else "note"
        else:
            lab = other(field_text, prev_label, text[:s], text[e:])
        labels[s:e] = [lab] * (e - s)
        prev_label = lab
    out = token_majority(text, labels)
    # whole untagged tokens: lead words open the next field, the rest close the previous one
    resolved: list[str | None] = [lab for _, lab in out]
    for i, (tok, lab) in enumerate(out):
        if lab is not None:
            continue
        nxt = next((resolved[j] for j in range(i + 1, len(out)) if out[j][1] is not None), None)
        prv = next((resolved[j] for j in range(i - 1, -1, -1) if resolved[j] is not None), None)
        if _LEAD_WORDS.match(tok) and nxt is not None:
            resolved[i] = nxt
        else:
            resolved[i] = prv or nxt or "note"
    if number_lead is not None:
        for i, (tok, lab) in enumerate(out):
            if lab is not None or not number_lead.match(tok):
                break
            resolved[i] = "citation-number"
    # a lead word labelled forward carries the untagged words between it and the field ("In: ders. (Hrsg.):")
    return [(tok, MERGED_LABELS.get(lab or "note", lab or "note")) for (tok, _), lab in zip(out, resolved)]


def load_segmented(path: Path) -> list[Sequence]:
    """Every reference line of one ``segmented.xml`` file as a token/label sequence."""
    seqs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            seq = segmented_sequence(line.strip())
            if seq:
                seqs.append(seq)
    return seqs


#: Labels merged for training: the output has one container field (CSL ``container-title``) for a
#: journal and for the book or proceedings holding a chapter, so the parser need not tell them apart
#: (AnyStyle's annotators and EXCITE's often disagree on which a container is).
MERGED_LABELS = {"journal": "container-title"}


def load_anystyle(path: Path) -> list[Sequence]:
    """AnyStyle's XML dataset -> token/label sequences."""
    seqs = []
    for seq in ET.parse(path).getroot().iter("sequence"):
        pairs = []
        for field in seq:
            for tok in (field.text or "").split():
                pairs.append((tok, MERGED_LABELS.get(field.tag, field.tag)))
        if pairs:
            seqs.append(pairs)
    return seqs


# ---------------------------------------------------------------- the fixed evaluation split

#: Share of core.xml strings and of corpus papers held out for evaluation (never trained on).
HELD_OUT_SHARE = 0.2
#: The seed of core.xml's shuffle; the corpus is split by a hash of the paper id, so adding papers keeps it.
SPLIT_SEED = 13


def paper_held_out(paper_id: str) -> bool:
    """A corpus paper is in the evaluation split when its id's hash falls in the held-out share (stable)."""
    h = int(hashlib.sha256(f"refcrf-split:{paper_id}".encode()).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < HELD_OUT_SHARE


@dataclass
class Dataset:
    """Training and evaluation sequences, with where they came from (for the model card)."""

    train: list[Sequence]
    test: list[Sequence]
    counts: dict[str, dict[str, int]]
    test_papers: list[str]


def build_dataset(anystyle: Path | None, corpus_files: list[tuple[str, Path]]) -> Dataset:
    """core.xml split by :data:`SPLIT_SEED`, the corpus strings by paper (:func:`paper_held_out`).

    Args:
        anystyle: AnyStyle's ``core.xml`` (None: corpus only).
        corpus_files: (paper id, ``segmented.xml`` path) pairs.
    """
    train: list[Sequence] = []
    test: list[Sequence] = []
    counts = {"core.xml": {"train": 0, "test": 0}, "excite": {"train": 0, "test": 0}}
    if anystyle is not None:
        seqs = load_anystyle(anystyle)
        order = list(range(len(seqs)))
        random.Random(SPLIT_SEED).shuffle(order)
        n_test = round(HELD_OUT_SHARE * len(seqs))
        test_idx = set(order[:n_test])
        for i, s in enumerate(seqs):
            (test if i in test_idx else train).append(s)
        counts["core.xml"] = {"train": len(seqs) - n_test, "test": n_test}
    test_papers = []
    for pid, path in sorted(corpus_files):
        seqs = load_segmented(path)
        if paper_held_out(pid):
            test.extend(seqs)
            counts["excite"]["test"] += len(seqs)
            test_papers.append(pid)
        else:
            train.extend(seqs)
            counts["excite"]["train"] += len(seqs)
    return Dataset(train=train, test=test, counts=counts, test_papers=test_papers)
