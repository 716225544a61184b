"""HTML report: one self-contained file per document (or for the corpus), no CDN, no network.

Sections: metadata; the text with entities highlighted by spaCy's displaCy (manual
spans) and passages tinted by theory label; an event timeline and an actor network
drawn as inline SVG (edges green for cooperation, red for conflict); the citation audit;
the cited sources with their fetch status.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from datetime import date
from pathlib import Path

from pipeline.model import Document, Event
from pipeline.tables import iso_to_date

# "uncertain": the model abstained (a theory score near 0.5); such passages are never tinted as "neither".
THEORY_COLOURS = {"new_world_order": "#e3ecfb", "complex_interdependence": "#e6f6e6", "both": "#f3e8fb",
                  "neither": "#ffffff", "uncertain": "#fcf3d9"}
QUAD_COLOURS = {"verbal_cooperation": "#6cbf6c", "material_cooperation": "#2e8b57",
                "verbal_conflict": "#f08a5d", "material_conflict": "#c0392b"}
ENT_COLOURS = {"STATE": "#aed6f1", "IGO": "#f9e79f", "PERSON": "#f5b7b1", "ORG": "#d2b4de", "AGREEMENT": "#a9dfbf",
               "WEAPON": "#f0b27a", "FIN_SYSTEM": "#a3e4d7", "GROUP": "#e6b0aa", "LOC": "#d5dbdb"}
CSS = """
body{font-family:Georgia,serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.5}
h1{font-size:1.6em} h2{border-bottom:1px solid #ccc;margin-top:2em} .meta td{padding:2px 8px;vertical-align:top}
.passage{padding:6px 10px;margin:6px 0;border-radius:4px} .legend span{display:inline-block;padding:2px 8px;margin:2px;border-radius:3px}
table.grid{border-collapse:collapse;font-size:.9em;width:100%} table.grid td,table.grid th{border:1px solid #ddd;padding:3px 6px;text-align:left}
.small{font-size:.85em;color:#555} svg text{font-family:sans-serif}
"""
JS = """
window.irpipeErrors=[];window.addEventListener('error',function(e){window.irpipeErrors.push(String(e.message));});
document.addEventListener('DOMContentLoaded',function(){
  var boxes=document.querySelectorAll('input[data-theory]');
  boxes.forEach(function(box){box.addEventListener('change',function(){
    document.querySelectorAll('.passage[data-theory="'+box.dataset.theory+'"]').forEach(function(p){
      p.style.display=box.checked?'':'none';});});});
  document.body.setAttribute('data-ready','1');
});
"""


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text))


def _passage_html(doc: Document, passage) -> str:
    from spacy import displacy

    ents = []
    for e in doc.entities:
        for m in e.mentions:
            if m.passage_id == passage.id:
                ents.append({"start": m.start - passage.start, "end": m.end - passage.start,
                             "label": e.type if not e.code else f"{e.type} {e.code}"})
    ents.sort(key=lambda x: x["start"])
    kept, last = [], -1
    for x in ents:
        if x["start"] >= last:
            kept.append(x)
            last = x["end"]
    colours = {lab: ENT_COLOURS.get(lab.split()[0], "#ddd") for lab in {x["label"] for x in kept}}
    return displacy.render({"text": passage.text, "ents": kept, "title": None}, style="ent", manual=True,
                           page=False, jupyter=False, options={"colors": colours})


def _parse_day(s: str | None) -> date | None:
    try:
        return iso_to_date(s)
    except ValueError:
        return None


def chronological(events: list[Event]) -> list[Event]:
    """Events in chronological order (undated ones last, in text order)."""
    return sorted(events, key=lambda e: ((e.date.start if e.date else None) or "9999", e.start))


def timeline_svg(events: list[Event], width: int = 1000, height: int = 220) -> str:
    dated = [(e, _parse_day(e.date.start if e.date else None)) for e in events]
    dated = [(e, d) for e, d in dated if d is not None]
    if not dated:
        return '<svg id="timeline" width="1000" height="40"><text x="10" y="25">No dated events.</text></svg>'
    lo = min(d for _, d in dated).toordinal()
    hi = max(d for _, d in dated).toordinal()
    span = max(hi - lo, 1)
    pad = 40
    rows: Counter[int] = Counter()
    parts = [f'<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="event timeline">', f'<line x1="{pad}" y1="{height - 30}" x2="{width - pad}" '
             f'y2="{height - 30}" stroke="#555"/>']
    for year in range(date.fromordinal(lo).year, date.fromordinal(hi).year + 1):
        x = pad + (date(year, 1, 1).toordinal() - lo) / span * (width - 2 * pad)
        if pad <= x <= width - pad:
            parts.append(f'<line x1="{x:.1f}" y1="{height - 34}" x2="{x:.1f}" y2="{height - 26}" stroke="#555"/>'
                         f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{year}</text>')
    for e, d in sorted(dated, key=lambda t: t[1]):
        x = pad + (d.toordinal() - lo) / span * (width - 2 * pad)
        slot = int(x // 14)
        rows[slot] += 1
        y = height - 42 - 14 * (rows[slot] - 1)
        colour = QUAD_COLOURS.get(e.quad_class, "#888")
        label = f"{d.isoformat()} {e.type}: {', '.join(a.code or a.name for a in e.actors)} -> " \
                f"{', '.join(t.code or t.name for t in e.targets)}"
        parts.append(f'<circle cx="{x:.1f}" cy="{max(y, 8)}" r="6" fill="{colour}" stroke="#333" stroke-width=".5">'
                     f'<title>{_esc(label)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def network_svg(events: list[Event], size: int = 520) -> str:
    edges: Counter[tuple[str, str, str]] = Counter()
    nodes: Counter[str] = Counter()
    for e in events:
        coop = "cooperation" in (e.quad_class or "")
        for a in e.actors:
            for t in e.targets:
                ka, kt = a.code or a.name, t.code or t.name
                if ka != kt:
                    edges[(ka, kt, "coop" if coop else "conf")] += 1
                    nodes[ka] += 1
                    nodes[kt] += 1
    if not nodes:
        return f'<svg id="network" width="{size}" height="40"><text x="10" y="25">No actor-target events.</text></svg>'
    names = [n for n, _ in nodes.most_common(24)]
    cx = cy = size / 2
    r = size / 2 - 60
    pos = {n: (cx + r * math.cos(2 * math.pi * i / len(names) - math.pi / 2),
               cy + r * math.sin(2 * math.pi * i / len(names) - math.pi / 2)) for i, n in enumerate(names)}
    parts = [f'<svg id="network" xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" role="img" '
             f'aria-label="actor network">']
    for (a, t, kind), w in edges.items():
        if a in pos and t in pos:
            (x1, y1), (x2, y2) = pos[a], pos[t]
            colour = "#2e8b57" if kind == "coop" else "#c0392b"
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                         f'stroke-width="{1 + 1.5 * w:.1f}" opacity=".7"><title>{_esc(f"{a} -> {t}: {w} {kind}")}</title></line>')
    for n in names:
        x, y = pos[n]
        rad = 10 + 3 * math.sqrt(nodes[n])
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{rad:.1f}" fill="#aed6f1" stroke="#1f618d"/>'
                     f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="11" text-anchor="middle">{_esc(n)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _doc_section(doc: Document, *, full_text: bool = True) -> str:
    m = doc.metadata
    out = [f'<section class="document" id="doc-{doc.doc_id}"><h1>{_esc(m.title or doc.source.path or doc.doc_id)}</h1>',
           '<table class="meta">']
    for k, v in [("Authors", "; ".join(a.name for a in m.authors)), ("Journal", m.journal), ("Year", m.year),
                 ("DOI", m.doi), ("Keywords", ", ".join(m.keywords)), ("Document id", doc.doc_id),
                 ("Source", doc.source.path or doc.source.url)]:
        if v:
            out.append(f"<tr><td><b>{k}</b></td><td>{_esc(v)}</td></tr>")
    out.append("</table>")
    if m.abstract:
        out.append(f'<p class="small"><b>Abstract.</b> {_esc(m.abstract)}</p>')
    out.append("<h2>Event timeline</h2>" + timeline_svg(doc.events))
    out.append('<p class="legend small">' + "".join(f'<span style="background:{c}">{q.replace("_", " ")}</span>'
                                                   for q, c in QUAD_COLOURS.items()) + "</p>")
    out.append("<h2>Actor network</h2>" + network_svg(doc.events))
    if full_text:
        out.append("<h2>Text</h2><p class='legend small'>Theory: " + "".join(
            f'<label><input type="checkbox" checked data-theory="{k}"> <span style="background:{c}">{k.replace("_", " ")}</span></label>'
            for k, c in THEORY_COLOURS.items()) + "</p>")
        sections = {s.id: s for s in doc.sections}
        for p in doc.passages:
            if p.kind == "heading":
                sec = sections.get(p.section_id or "")
                level = min(6, 2 + (sec.level if sec else 1))
                out.append(f"<h{level}>{_esc(p.text)}</h{level}>")
            elif p.kind == "body":
                th = p.theory
                label = ("uncertain" if th.abstained else th.label) if th else "neither"
                tip = ""
                if th:
                    sc = th.scores
                    tip = f'NWO {sc["new_world_order"]:.2f} / CI {sc["complex_interdependence"]:.2f}' + (
                        f" (uncertain; best guess {th.label.replace('_', ' ')})" if th.abstained else "") + (
                        " (your label)" if th.labelled_by == "researcher" else "")
                out.append(f'<div class="passage" data-theory="{label}" style="background:{THEORY_COLOURS[label]}" '
                           f'title="{_esc(tip)}">{_passage_html(doc, p)}</div>')
    findings = doc.audit.findings
    out.append(f"<h2>Citation audit ({len(findings)} findings)</h2>")
    if findings:
        out.append('<table class="grid"><tr><th>kind</th><th>where</th><th>quote</th><th>finding</th></tr>' + "".join(
            f"<tr><td>{_esc(f.kind)}</td><td>{_esc(f.passage_id)}</td><td>{_esc(f.quote[:90])}</td>"
            f"<td>{_esc(f.message)}</td></tr>" for f in findings) + "</table>")
    out.append(claim_support_html(doc, source_link=(lambda d: f"#doc-{d}") if not full_text else None))
    out.append(f"<h2>Cited sources ({len(doc.sources)})</h2>")
    if doc.sources:
        out.append('<table class="grid"><tr><th>status</th><th>url</th><th>references</th></tr>' + "".join(
            f"<tr><td>{_esc(s.status)}</td><td>{_esc(s.url)}</td><td>{_esc(', '.join(s.reference_ids))}</td></tr>"
            for s in doc.sources) + "</table>")
    out.append("</section>")
    return "".join(out)


SUPPORT_COLOURS = {"supported": "#d5f5e3", "partial": "#fdebd0", "not_found": "#fadbd8", "unverifiable": "#eeeeee"}


def claim_support_html(doc: Document, source_link=None) -> str:
    """The claims beside their best evidence: one row per checked citation, the claim, its status and
    reason, and the best passage of the cited source, linked to that source's own report
    (``../<source doc_id>/report.html``, where ``irpipe report`` writes it; an anchor in the corpus
    report). Unverifiable citations are counted, not listed."""
    link = source_link or (lambda d: f"../{d}/report.html")
    cits = [c for c in doc.citations if c.support is not None]
    if not cits:
        return ""
    counts = Counter(c.support.status for c in cits)
    head = ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in SUPPORT_COLOURS if counts[s])
    out = [f'<h2 id="claim-support">Does the source say so? ({head})</h2>']
    rows = [c for c in cits if c.support.status != "unverifiable"]
    if rows:
        out.append('<table class="grid"><tr><th>citation</th><th>claim</th><th>verdict</th><th>best evidence</th></tr>')
        for c in rows:
            s = c.support
            ev = s.evidence[0] if s.evidence else None
            evidence = (f'<a href="{_esc(link(ev.source_doc_id))}">{_esc(ev.source_doc_id)}</a> '
                        f'<span class="small">({ev.score:.2f})</span><br>{_esc(ev.quote[:400])}') if ev else ""
            out.append(f'<tr data-support="{_esc(s.status)}"><td>{_esc(c.text)}</td><td>{_esc(s.claim)}</td>'
                       f'<td style="background:{SUPPORT_COLOURS[s.status]}"><b>{_esc(s.status.replace("_", " "))}</b>'
                       f'<br><span class="small">{_esc(s.reason)}</span></td><td>{evidence}</td></tr>')
        out.append("</table>")
    if counts["unverifiable"]:
        reasons = Counter(c.support.reason for c in cits if c.support.status == "unverifiable")
        out.append('<p class="small">Not checked: ' + "; ".join(f"{n} &times; {_esc(r)}" for r, n in reasons.most_common())
                   + "</p>")
    return "".join(out)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
            f"<style>{CSS}</style><script>{JS}</script></head><body>{body}"
            f'<p class="small">Generated by irpipe. Entities highlighted with spaCy displaCy.</p></body></html>')


def render_document(doc: Document) -> str:
    return _page(doc.metadata.title or doc.doc_id, _doc_section(doc))


def render_corpus(docs: list[Document]) -> str:
    events = [e for d in docs for e in d.events]
    body = [f"<h1>Corpus report: {len(docs)} documents, {len(events)} events</h1>",
            "<h2>Event timeline (all documents)</h2>", timeline_svg(events),
            "<h2>Actor network (all documents)</h2>", network_svg(events),
            '<h2>Documents</h2><ul>' + "".join(f'<li><a href="#doc-{d.doc_id}">{_esc(d.metadata.title or d.doc_id)}</a></li>'
                                              for d in docs) + "</ul>"]
    body += [_doc_section(d, full_text=False) for d in docs]
    return _page("irpipe corpus report", "".join(body))


def write_report(html_text: str, path: Path) -> Path:
    from pipeline.export import atomic_write_text

    atomic_write_text(path, html_text)
    return path
