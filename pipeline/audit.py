"""The citation audit: what a careful reader of the reference apparatus would flag.

Findings of the citations stage that do not depend on resolving citations: references never
cited, duplicate references, garbled and duplicate footnotes, footnote numbering that restarts
or skips. Each finding names its passage and quotes the text.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from pipeline.model import AuditFinding, Document, Reference
from pipeline.text.normalise import title_key

# Two listed references with titles this similar (0-100) and over 15 characters are duplicates.
DUPLICATE_TITLE_SCORE = 92
DUPLICATE_TITLE_MIN_CHARS = 15
# Each title is compared with this many neighbours in each sort order (see duplicate_pairs): on
# 20,000 titles with injected near-copies (bench/audit_benchmark.py) 10 finds 99.6% of the pairs
# that comparing every pair finds (20: 99.7%, at twice the time).
NEIGHBOURS = 10


def quote_at(doc: Document, offset: int, width: int = 60) -> str:
    return doc.text[max(0, offset - width) : offset].split("\n")[-1]


def finding(kind: str, passage, quote: str, message: str, **extra) -> AuditFinding:
    return AuditFinding(id="", kind=kind, passage_id=passage.id, quote=quote[:160], message=message, **extra)


def reference_label(r: Reference) -> str:
    a = r.authors[0] if r.authors else None
    name = (a.family or a.literal or "") if a else ""
    if len(name.strip(".")) <= 2:  # no author, or a parse that kept only an initial
        name = " ".join(r.text.split()[:3]).rstrip(",.")
    return f"{name} {r.year or 'n.d.'}"


def _sort_orders(key: str) -> tuple[str, str, str, str]:
    """Four orders that bring near-copies together wherever they differ: from the start; from the end
    (a difference in the first words); by sorted words (a word added, dropped or moved); by words
    longest first (long words are the distinctive ones, and differences at both ends move them least)."""
    words = key.split()
    return key, key[::-1], " ".join(sorted(words)), " ".join(sorted(words, key=lambda w: (-len(w), w)))


def duplicate_pairs(keys: list[str], neighbours: int = NEIGHBOURS) -> list[tuple[int, int]]:
    """Index pairs (i < j) of titles that duplicate each other: ``len(keys[i])`` over
    ``DUPLICATE_TITLE_MIN_CHARS`` and ``fuzz.ratio >= DUPLICATE_TITLE_SCORE``, sorted.

    Comparing every pair is quadratic (8,000 references took over 100 s). This is the multi-pass
    sorted-neighbourhood method of record linkage (Hernandez and Stolfo, "The merge/purge problem
    for large databases", SIGMOD 1995): the titles are sorted in each of four orders
    (:func:`_sort_orders`) and each is compared, in C++ (``rapidfuzz.process.cpdist``), with its
    ``neighbours`` next ones; a pair is found when the two are that close in any order. Near-copies
    differ in a few characters, so at least one order keeps them side by side; two titles that
    pass the score but sit far apart in all four orders are missed (0.4% of the pairs in the
    benchmark, none on the reference article or the dev PDFs). Time: four sorts and
    ``4 * neighbours`` comparisons per title. Identical titles sort side by side, so each copy is
    reported; with more than ``neighbours + 1`` copies of one title, a copy is paired with its
    nearest ``neighbours`` copies rather than with all of them (at most ``8 * neighbours`` pairs
    per title), which keeps a hostile list of thousands of copies linear.
    """
    n = len(keys)
    sort_keys = [_sort_orders(k) for k in keys]
    found: set[tuple[int, int]] = set()
    for k in range(4):
        order = sorted(range(n), key=lambda i: (sort_keys[i][k], i))
        ranked = [keys[i] for i in order]
        for step in range(1, min(neighbours, n - 1) + 1):
            scores = process.cpdist(ranked[:-step], ranked[step:], scorer=fuzz.ratio,
                                    score_cutoff=DUPLICATE_TITLE_SCORE)
            for pos in scores.nonzero()[0]:
                a, b = order[pos], order[pos + step]
                i, j = min(a, b), max(a, b)
                if len(keys[i]) > DUPLICATE_TITLE_MIN_CHARS:
                    found.add((i, j))
    return sorted(found)


def audit_references(ref_list: list[Reference], passages) -> list[AuditFinding]:
    out = []
    for r in ref_list:
        if not r.cited_by:
            out.append(finding("uncited_reference", passages[r.passage_id], r.text[:80],
                                f"{reference_label(r)} is never cited in the body or the footnotes", reference_id=r.id))
    keys = [title_key(r.title) for r in ref_list]
    for i, j in duplicate_pairs(keys):
        a, b = ref_list[i], ref_list[j]
        out.append(finding("duplicate_reference", passages[b.passage_id], b.text[:80],
                            f"{reference_label(b)} repeats the title of {reference_label(a)} ({a.id})",
                            reference_id=b.id, duplicate_of=a.id))
    return out


def audit_footnotes(doc: Document, passages) -> list[AuditFinding]:
    out = []
    for fn in doc.footnotes:
        p = passages[fn.passage_id]
        if "garbled" in fn.flags:
            out.append(finding("garbled_footnote", p, p.text[:80], f"footnote {fn.number} (block {fn.block}) looks garbled",
                                footnote_id=fn.id))
        if fn.duplicate_of or fn.duplicates:
            what = f"duplicates {fn.duplicate_of}" if fn.duplicate_of else f"printed {fn.duplicates + 1} times"
            out.append(finding("duplicate_footnote", p, p.text[:80], f"footnote {fn.number} {what}", footnote_id=fn.id))
    by_block: dict[int, list] = {}
    for fn in doc.footnotes:
        if fn.duplicate_of is None and fn.number is not None:
            by_block.setdefault(fn.block, []).append(fn)
    prev_last = None
    for block in sorted(by_block):
        nums = [fn.number for fn in by_block[block]]
        first = by_block[block][0]
        if prev_last is not None and nums[0] <= prev_last:
            out.append(finding("footnote_numbering", passages[first.passage_id], passages[first.passage_id].text[:60],
                                f"numbering restarts at {nums[0]} in block {block} after {prev_last}", footnote_id=first.id))
        for a, b in zip(by_block[block], by_block[block][1:]):
            if b.number > a.number + 1:
                out.append(finding("footnote_numbering", passages[b.passage_id], passages[b.passage_id].text[:60],
                                    f"numbering skips from {a.number} to {b.number}", footnote_id=b.id))
        prev_last = nums[-1]
    return out
