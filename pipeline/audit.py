"""The citation audit: what a careful reader of the reference apparatus would flag.

Findings of the citations stage that do not depend on resolving citations: references never
cited, duplicate references, garbled and duplicate footnotes, footnote numbering that restarts
or skips. Each finding names its passage and quotes the text.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from pipeline.model import AuditFinding, Document, Reference
from pipeline.text.normalise import title_key

# Two listed references with titles this similar (0-100) and over 15 characters are duplicates.
DUPLICATE_TITLE_SCORE = 92
DUPLICATE_TITLE_MIN_CHARS = 15


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


def audit_references(ref_list: list[Reference], passages) -> list[AuditFinding]:
    out = []
    for r in ref_list:
        if not r.cited_by:
            out.append(finding("uncited_reference", passages[r.passage_id], r.text[:80],
                                f"{reference_label(r)} is never cited in the body or the footnotes", reference_id=r.id))
    for i, a in enumerate(ref_list):
        for b in ref_list[i + 1 :]:
            ta, tb = title_key(a.title), title_key(b.title)
            if len(ta) > DUPLICATE_TITLE_MIN_CHARS and fuzz.ratio(ta, tb) >= DUPLICATE_TITLE_SCORE:
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
