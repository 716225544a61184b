"""HTML report: one self-contained file per document (or for the corpus), no CDN, no network.

Why it looks the way it does (issue 18, "a report to read and navigate"): a researcher reads the
article and checks the pipeline's claims against it, so every record the pipeline writes has an
anchor and a link to where it came from:

- ``p-<passage>`` every passage (text, reference list, footnotes, anything else under "Other
  passages"), ``s-<passage>-<n>`` every sentence, ``ev-<event>``, ``ref-<reference>``,
  ``fn-<footnote>``, ``fnm-<marker>``, ``cit-<citation>`` (a row of the citations table),
  ``ct-<citation>`` (the citation in the text), ``src-<source>``, ``audit-<finding>``;
- an audit row links to its passage, citation, reference and footnote; a timeline point and an
  event row to their sentence; a citation to its reference (or footnote); a reference to its
  fetched source; a source to its references, citing passages and the source's own report.

Entities are underlined in their type's colour with the type and actor code on hover (a ``title``),
so the prose keeps its line height (displaCy's chips doubled it). The timeline is a year axis over
the document's own date range, plus a month axis for every year where events cluster, with the
undated events listed beside it. The actor network is laid out by force (networkx's
Fruchterman-Reingold ``spring_layout``, fixed seed), one curved arrow per direction and kind. Every
text colour pair passes WCAG 2.1 AA (4.5:1, https://www.w3.org/TR/WCAG21/#contrast-minimum) and every
graphical mark 3:1 against its background (https://www.w3.org/TR/WCAG21/#non-text-contrast);
``tests/test_report.py`` computes them from ``CSS``.

Everything from the article (text, names, reference strings, URLs) goes through :func:`_esc`; only
``http``/``https`` URLs become links.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Iterable

from pipeline.model import Document, Event, ManifestEntry, Passage
from pipeline.tables import iso_to_date

# ---------------------------------------------------------------- colours (checked in tests/test_report.py)

TEXT = "#1f1f1f"
MUTED = "#575757"
LINK = "#0b57a4"
PAGE = "#ffffff"
RULE = "#c8c8c8"
HEAD_BG = "#eef1f4"
# "uncertain": the model abstained (a theory score near its threshold); such passages are never tinted as "neither".
THEORY_COLOURS = {"new_world_order": "#e8effb", "complex_interdependence": "#e7f4e7", "both": "#f2eafa",
                  "neither": "#ffffff", "uncertain": "#fcf3d9"}
# marks on the timeline and edges of the network: cooperation / conflict / other (3:1 on white)
KIND_COLOURS = {"cooperation": "#1b7a3a", "conflict": "#c0272d", "other": "#5f6368"}
QUAD_KIND = {"verbal_cooperation": "cooperation", "material_cooperation": "cooperation",
             "verbal_conflict": "conflict", "material_conflict": "conflict"}
# entity underlines (3:1 on every passage tint)
ENT_COLOURS = {"STATE": "#1565c0", "IGO": "#8a5a00", "PERSON": "#b0306a", "ORG": "#6a3fa0", "AGREEMENT": "#1b7a3a",
               "WEAPON": "#b34700", "FIN_SYSTEM": "#00717a", "GROUP": "#a0302a", "LOC": "#5f6368"}
ENT_OTHER = "#5f6368"
# network node fills are light (labels sit beside them on a white halo); the stroke carries the contrast
NODE_FILL = "#d6e6f7"
NODE_STROKE = "#1f4e79"
STATUS_COLOURS = {"ok": ("#14532d", "#dcfce7"), "partial": ("#713f12", "#fef3c7"), "failed": ("#7f1d1d", "#fee2e2")}

CSS = f"""
body{{font-family:Georgia,serif;max-width:1150px;margin:2em auto;padding:0 1em;color:{TEXT};background:{PAGE};line-height:1.55}}
h1{{font-size:1.6em}} h2{{border-bottom:1px solid {RULE};margin-top:2em}}
a{{color:{LINK}}} .small{{font-size:.85em;color:{MUTED}}}
nav.toc a{{margin-right:.9em}} .meta td{{padding:2px 8px;vertical-align:top}}
.passage{{padding:6px 10px;margin:6px 0;border-radius:4px;color:{TEXT}}}
.front{{font-size:.9em;color:{MUTED}}}
.ent{{border-bottom:2px solid {ENT_OTHER};cursor:help}}
{''.join(f'.ent.t-{k}{{border-bottom-color:{v}}}' for k, v in ENT_COLOURS.items())}
.cit{{color:{LINK};font-weight:bold}} .cit.unresolved{{color:{KIND_COLOURS['conflict']};font-weight:normal;text-decoration:underline wavy}}
sup.fnm{{font-size:.75em}} a.flag{{font-size:.8em;font-family:sans-serif;margin-left:.3em}} :target{{outline:3px solid {LINK};outline-offset:2px}}
.legend .sw{{display:inline-block;width:.9em;height:.9em;border:1px solid {MUTED};vertical-align:middle;margin:0 .3em 0 .8em}}
.legend .line{{display:inline-block;width:1.6em;border-top:3px solid;vertical-align:middle;margin:0 .3em 0 .8em}}
.legend .line.dashed{{border-top-style:dashed}}
table.grid{{border-collapse:collapse;font-size:.9em;width:100%}} table.grid td,table.grid th{{border:1px solid {RULE};padding:3px 6px;text-align:left;vertical-align:top}}
table.grid th{{background:{HEAD_BG};color:{TEXT}}} td.num,th.num{{text-align:right}}
{''.join(f'.status-{k}{{color:{fg};background:{bg};font-weight:bold}}' for k, (fg, bg) in STATUS_COLOURS.items())}
.problems{{border-left:4px solid {KIND_COLOURS['conflict']};padding:.3em 1em}}
.timeline-wrap{{display:flex;gap:1.2em;align-items:flex-start}} .timeline-wrap .charts{{flex:1 1 auto;min-width:0}}
.timeline-wrap aside{{flex:0 0 300px;max-height:520px;overflow:auto;font-size:.85em;border-left:1px solid {RULE};padding-left:.8em}}
ol.refs li,ol.notes li{{margin:.3em 0}} ol.notes{{list-style:none;padding-left:1em}} svg text{{font-family:sans-serif}} svg{{max-width:100%;height:auto}}
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

DENSE_YEAR_EVENTS = 5  # a year with this many month- or day-dated events gets its own month axis (12 columns read well)
MAX_YEAR_COLUMNS = 40  # beyond this, empty years are folded into a break so a 1945 outlier does not squeeze 2025
NETWORK_MAX_NODES = 30  # labels stay legible in the 900x620 box up to about this many actors
DOT = 11  # px between timeline marks (radius 4.5 plus a gap)
URL_RE = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:)]}'\""


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _cls(text: str) -> str:
    """A CSS class fragment from a label (entity types come from the gazetteer and plugins)."""
    return re.sub(r"[^A-Za-z0-9_-]", "", text)


def _is_web_url(url: str | None) -> bool:
    return bool(url) and re.match(r"(?i)https?://", url or "") is not None


def _ext_link(url: str | None, label: str | None = None) -> str:
    """An outgoing link for http(s) URLs only (``javascript:`` and other schemes stay text)."""
    if not _is_web_url(url):
        return _esc(label if label is not None else url)
    return f'<a class="ext" href="{_esc(url)}" rel="noopener noreferrer">{_esc(label if label is not None else url)}</a>'


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in URL_RE.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((m.start(), end))
    return spans


def _linkify(text: str) -> str:
    """Escape ``text`` and turn its http(s) URLs into links."""
    out, pos = [], 0
    for a, b in _url_spans(text):
        out.append(_esc(text[pos:a]))
        out.append(_ext_link(text[a:b]))
        pos = b
    out.append(_esc(text[pos:]))
    return "".join(out)


def _parse_day(s: str | None) -> date | None:
    try:
        return iso_to_date(s)
    except ValueError:
        return None


def chronological(events: list[Event]) -> list[Event]:
    """Events in chronological order (undated ones last, in text order)."""
    return sorted(events, key=lambda e: ((e.date.start if e.date else None) or "9999", e.start))


def _actors(xs) -> str:
    return ", ".join(a.name or a.code or "?" for a in xs)


def _event_label(e: Event) -> str:
    when = (e.date.raw if e.date else "undated") or "undated"
    who = _actors(e.actors) or "?"
    tgt = f" -> {_actors(e.targets)}" if e.targets else ""
    flags = "".join(f" ({f})" for f, on in (("negated", e.negated), ("hedged", e.hedged)) if on)
    return f"{when}: {e.type}{flags} {who}{tgt}. {e.evidence[:160]}"


# ---------------------------------------------------------------- anchors of one document


class Anchors:
    """Where each record of a document is shown: the hrefs the sections link to."""

    def __init__(self, doc: Document, idx: dict):
        self.doc = doc
        self.idx = idx
        self.passages = {p.id: p for p in doc.passages}
        self.inline_citations: set[str] = set()
        # a footnote citation is the zero-width point of its marker: it is shown as the marker
        at = {(m.passage_id, m.offset, m.footnote_id): m.id for m in doc.footnote_markers}
        self.marker_of = {c.id: at[(c.passage_id, c.start, c.footnote_id)] for c in doc.citations
                          if c.footnote_id and (c.passage_id, c.start, c.footnote_id) in at}

    def sentences(self, p: Passage) -> list[tuple[int, int]]:
        whole = [(c.start, c.end) for c in self.idx["citations"].get(p.id, [])]
        whole += [(p.start + a, p.start + b) for a, b in _url_spans(p.text)]
        return _sentences(p, whole)

    def sentence(self, passage_id: str, offset: int) -> str:
        p = self.passages.get(passage_id)
        if p is None:
            return ""
        for i, s in enumerate(self.sentences(p)):
            if s[0] <= offset < s[1]:
                return f"#s-{p.id}-{i}"
        return f"#p-{p.id}"

    def passage(self, passage_id: str | None) -> str:
        return f"#p-{passage_id}" if passage_id in self.passages else ""

    def citation(self, cid: str) -> str:
        """Where the citation is in the text, else its row in the citations table."""
        if cid in self.inline_citations:
            return f"#ct-{cid}"
        return f"#fnm-{self.marker_of[cid]}" if cid in self.marker_of else f"#cit-{cid}"


def _sentences(p: Passage, keep_whole: Iterable[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """The passage's sentences clipped to it, sorted and without overlaps (one span if it has none).
    Two sentences are joined when a span of ``keep_whole`` (a citation, a URL) crosses their border:
    the sentence splitter cuts "Souleimanov et al., 2017" after "al.", and the citation must stay one link."""
    out: list[tuple[int, int]] = []
    last = p.start
    for s in sorted(p.sentences, key=lambda s: s.start):
        a, b = max(s.start, last, p.start), min(s.end, p.end)
        if b > a:
            out.append((a, b))
            last = b
    out = out or [(p.start, p.end)]
    spans = [(a, b) for a, b in keep_whole if b > a]
    merged = [out[0]]
    for a, b in out[1:]:
        pa, pb = merged[-1]
        if any(x < a < y or (x < pb < y) for x, y in spans if x < b and pa < y):
            merged[-1] = (pa, b)
        else:
            merged.append((a, b))
    return merged


def _passage_inline(doc: Document, p: Passage, anchors: Anchors, idx: dict) -> str:
    """The passage's text with sentence anchors, URL links, citations linked to their references,
    footnote markers linked to their notes, and entity mentions (type on hover)."""
    text = p.text
    sents = anchors.sentences(p)
    # spans: (start, end, open, close), absolute offsets; first come first kept
    cand: list[tuple[int, int, str, str, str | None]] = []
    for a, b in _url_spans(text):
        url = text[a:b]
        cand.append((p.start + a, p.start + b, f'<a class="ext" href="{_esc(url)}" rel="noopener noreferrer">', "</a>", None))
    for c in idx["citations"].get(p.id, []):
        if c.end <= c.start:
            continue
        target = f"#ref-{c.reference_id}" if c.reference_id else (f"#fn-{c.footnote_id}" if c.footnote_id else "")
        if target:
            cand.append((c.start, c.end, f'<a class="cit" id="ct-{_esc(c.id)}" href="{_esc(target)}" '
                                         f'title="{_esc(c.status)}">', "</a>", c.id))
        else:
            cand.append((c.start, c.end, f'<span class="cit unresolved" id="ct-{_esc(c.id)}" title="{_esc(c.status)} '
                                         f'citation: no reference matches">', "</span>", c.id))
    # names in reference entries are authors and publishers, not actors: underlining them is noise
    for e, m in ([] if p.kind == "reference" else idx["mentions"].get(p.id, [])):
        tip = " · ".join(x for x in (e.type, e.code, e.name if e.name != m.text else None, m.how) if x)
        cand.append((m.start, m.end, f'<span class="ent t-{_cls(e.type)}" title="{_esc(tip)}">', "</span>", None))
    segments = []  # sentences and the gaps between them, each (start, end, sentence index or None)
    pos = p.start
    for i, (a, b) in enumerate(sents):
        if a > pos:
            segments.append((pos, a, None))
        segments.append((a, b, i))
        pos = b
    if p.end > pos:
        segments.append((pos, p.end, None))
    spans: list[tuple[int, int, str, str]] = []
    for a, b, op, cl, cid in cand:
        if not (p.start <= a < b <= p.end):
            continue
        if not any(sa <= a and b <= sb for sa, sb, _ in segments):
            continue  # crosses a sentence end
        if any(a < kb and ka < b for ka, kb, _, _ in spans):
            continue
        spans.append((a, b, op, cl))
        if cid:
            anchors.inline_citations.add(cid)
    spans.sort()
    points = sorted(idx["markers"].get(p.id, []), key=lambda m: m.offset)

    def marker(m) -> str:
        num = _esc(m.number)
        if m.footnote_id:
            return f'<sup class="fnm" id="fnm-{_esc(m.id)}"><a href="#fn-{_esc(m.footnote_id)}">{num}</a></sup>'
        return f'<sup class="fnm" id="fnm-{_esc(m.id)}" title="no footnote found for this marker">{num}</sup>'

    def render(a: int, b: int, last: bool) -> str:
        out, pos = [], a
        inner = [s for s in spans if a <= s[0] and s[1] <= b]
        pts = [m for m in points if a <= m.offset < b or (last and m.offset == b)]
        cuts = sorted([(s[0], 1, s) for s in inner] + [(m.offset, 0, m) for m in pts], key=lambda t: (t[0], t[1]))
        for off, kind, obj in cuts:
            if off < pos:
                if kind == 0:
                    out.append(marker(obj))
                continue
            out.append(_esc(text[pos - p.start:off - p.start]))
            if kind == 0:
                out.append(marker(obj))
                pos = off
            else:
                sa, sb, op, cl = obj
                out.append(op + _esc(text[sa - p.start:sb - p.start]) + cl)
                pos = sb
        out.append(_esc(text[pos - p.start:b - p.start]))
        return "".join(out)

    html_parts = []
    for n, (a, b, si) in enumerate(segments):
        body = render(a, b, n == len(segments) - 1)
        html_parts.append(f'<span class="s" id="s-{_esc(p.id)}-{si}">{body}</span>' if si is not None else body)
    for m in points:  # a marker beyond the text (at its end) is still shown
        if m.offset > p.end or m.offset < p.start:
            html_parts.append(marker(m))
    for f in idx["audit"].get(p.id, []):  # the way back from the passage to its audit rows
        html_parts.append(f' <a class="flag" href="#audit-{_esc(f.id)}" title="{_esc(f.kind)}: {_esc(f.message)}">'
                          f'&#9873;&#xFE0E;{_esc(f.kind.replace("_", " "))}</a>')
    return "".join(html_parts)


def _index(doc: Document) -> dict:
    idx: dict = {"citations": defaultdict(list), "mentions": defaultdict(list), "markers": defaultdict(list),
                 "audit": defaultdict(list)}
    for f in doc.audit.findings:
        idx["audit"][f.passage_id].append(f)
    for c in doc.citations:
        idx["citations"][c.passage_id].append(c)
    for e in doc.entities:
        for m in e.mentions:
            idx["mentions"][m.passage_id].append((e, m))
    for m in doc.footnote_markers:
        idx["markers"][m.passage_id].append(m)
    return idx


# ---------------------------------------------------------------- timeline


def _mark(e: Event, x: float, y: float, href: str) -> str:
    kind = QUAD_KIND.get(e.quad_class or "", "other")
    colour = KIND_COLOURS[kind]
    verbal = (e.quad_class or "").startswith("verbal")
    fill = PAGE if verbal else colour
    return (f'<a href="{_esc(href)}" class="tl-mark" data-event="{_esc(e.id)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" '
            f'fill="{fill}" stroke="{colour}" stroke-width="{2 if verbal else 1}"><title>{_esc(_event_label(e))}</title>'
            f'</circle></a>')


def _column_chart(columns: list[tuple[str, list[Event]]], hrefs: dict[str, str], *, svg_id: str, title: str,
                  width: int = 820) -> str:
    """Marks stacked in a small grid per column (a year or a month), so a busy period grows upward
    instead of drawing its events over each other."""
    n = max(len(columns), 1)
    colw = (width - 20) / n
    per_row = max(1, int((colw - 4) // DOT))
    rows = max((math.ceil(len(evs) / per_row) for _, evs in columns), default=1) or 1
    axis_y = 24 + rows * DOT + 6
    height = axis_y + 30
    step = max(1, math.ceil(n / 24))  # at most about 24 tick labels
    parts = [f'<svg id="{_esc(svg_id)}" class="timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">',
             f'<text x="10" y="14" font-size="12" fill="{TEXT}">{_esc(title)}</text>',
             f'<line x1="10" y1="{axis_y}" x2="{width - 10}" y2="{axis_y}" stroke="{MUTED}"/>']
    for i, (label, evs) in enumerate(columns):
        x0 = 10 + i * colw
        if i % step == 0 or evs:
            parts.append(f'<line x1="{x0 + colw / 2:.1f}" y1="{axis_y}" x2="{x0 + colw / 2:.1f}" y2="{axis_y + 4}" '
                         f'stroke="{MUTED}"/>')
        if i % step == 0:
            parts.append(f'<text x="{x0 + colw / 2:.1f}" y="{axis_y + 17}" font-size="11" text-anchor="middle" '
                         f'fill="{TEXT}">{_esc(label)}</text>')
        for j, e in enumerate(evs):
            r, c = divmod(j, per_row)
            used = min(per_row, len(evs))
            x = x0 + colw / 2 - (used - 1) * DOT / 2 + c * DOT
            parts.append(_mark(e, x, axis_y - 8 - r * DOT, hrefs.get(e.id, "")))
        if evs:
            parts.append(f'<text x="{x0 + colw / 2:.1f}" y="{axis_y + 28}" font-size="10" text-anchor="middle" '
                         f'fill="{MUTED}">{len(evs)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(events: list[Event], hrefs: dict[str, str] | None = None, *, prefix: str = "") -> str:
    """The dated events: one year axis over the document's own range (empty years folded when the
    range is long), then a month axis for each year holding ``DENSE_YEAR_EVENTS`` or more events
    dated to the month or day. ``hrefs`` maps an event id to the anchor its mark links to."""
    hrefs = hrefs or {}
    dated = sorted(((e, _parse_day(e.date.start if e.date else None)) for e in events), key=lambda t: (t[1] or date.max, t[0].start))
    dated = [(e, d) for e, d in dated if d is not None]
    if not dated:
        return f'<p class="small" id="{prefix}timeline">No dated events.</p>'
    by_year: dict[int, list[Event]] = defaultdict(list)
    for e, d in dated:
        by_year[d.year].append(e)
    lo, hi = min(by_year), max(by_year)
    if hi - lo + 1 <= MAX_YEAR_COLUMNS:
        years: list[int | None] = list(range(lo, hi + 1))
    else:
        years = []
        for y in sorted(by_year):
            if years and years[-1] is not None and y - years[-1] > 1:
                years.append(None)  # a fold: years without events
            years.append(y)
    cols = [(str(y) if y is not None else "…", by_year.get(y, []) if y is not None else []) for y in years]
    parts = [f'<div id="{prefix}timeline">',
             _column_chart(cols, hrefs, svg_id=f"{prefix}timeline-years", title=f"Dated events by year, {lo}-{hi}")]
    for y in sorted(by_year):
        fine = [(e, d) for e, d in dated if d.year == y and e.date and e.date.precision in ("day", "month", None)
                and len((e.date.start or "").split("-")) > 1]
        if len(fine) < DENSE_YEAR_EVENTS:
            continue
        months = [(date(y, m, 1).strftime("%b"), [e for e, d in fine if d.month == m]) for m in range(1, 13)]
        rest = len(by_year[y]) - len(fine)
        title = f"{y} by month ({len(fine)} events" + (f"; {rest} dated less precisely are on the year axis only)" if rest else ")")
        parts.append(_column_chart(months, hrefs, svg_id=f"{prefix}timeline-{y}", title=title))
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------- actor network


def _edge_kind(e: Event) -> str:
    return QUAD_KIND.get(e.quad_class or "", "other")


def network_svg(events: list[Event], *, types: dict[str, str] | None = None, prefix: str = "",
                width: int = 900, height: int = 620) -> str:
    """Actors (sources and targets of events) laid out by force; one curved arrow per direction and
    kind (cooperation, conflict, other), its width the number of events. ``types`` maps an actor key
    to its entity type (node colour)."""
    import networkx as nx

    edges: Counter[tuple[str, str, str]] = Counter()
    weight: Counter[str] = Counter()
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for e in events:
        for a in e.actors:
            for t in e.targets:
                ka, kt = a.code or a.name, t.code or t.name
                names[ka][a.name] += 1
                names[kt][t.name] += 1
                if ka != kt:
                    edges[(ka, kt, _edge_kind(e))] += 1
                    weight[ka] += 1
                    weight[kt] += 1
    if not weight:
        return f'<p class="small" id="{prefix}network">No events with both an actor and a target.</p>'
    keep = [n for n, _ in sorted(weight.items(), key=lambda t: (-t[1], t[0]))[:NETWORK_MAX_NODES]]
    g = nx.Graph()
    g.add_nodes_from(keep)
    for (a, t, _), w in edges.items():
        if a in g and t in g:
            g.add_edge(a, t, weight=g.get_edge_data(a, t, {}).get("weight", 0) + w)
    pos = nx.spring_layout(g, seed=7, k=1.6 / math.sqrt(max(len(keep), 1)), iterations=200) if len(keep) > 1 else {keep[0]: (0.0, 0.0)}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    mx, my = 90, 50

    def scale(v, lo, hi, size, m):
        return size / 2 if hi - lo < 1e-9 else m + (v - lo) / (hi - lo) * (size - 2 * m)

    xy = {n: (scale(pos[n][0], min(xs), max(xs), width, mx), scale(pos[n][1], min(ys), max(ys), height, my)) for n in keep}
    radius = {n: 7 + 2.5 * math.sqrt(weight[n]) for n in keep}
    parts = [f'<svg id="{prefix}network" class="network" xmlns="http://www.w3.org/2000/svg" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="actor network">', "<defs>"]
    for kind, colour in KIND_COLOURS.items():
        parts.append(f'<marker id="{prefix}arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                     f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    parts.append("</defs>")
    # curved edges: the pair's edges are spread on both sides of the straight line, a->b on one side
    # and b->a on the other, so opposite directions never coincide
    pair_slots: dict[frozenset, list[tuple[str, str, str]]] = defaultdict(list)
    for key in sorted(edges):
        a, t, _ = key
        if a in xy and t in xy:
            pair_slots[frozenset((a, t))].append(key)
    for pair, keys in pair_slots.items():
        lo_n = min(pair)
        fwd = [k for k in keys if k[0] == lo_n]
        back = [k for k in keys if k[0] != lo_n]
        for side, group in ((1, fwd), (-1, back)):
            for j, (a, t, kind) in enumerate(group):
                (x1, y1), (x2, y2) = xy[a], xy[t]
                # the normal is taken from the pair's canonical order, so the sign separates directions
                (cx1, cy1), (cx2, cy2) = xy[lo_n], xy[max(pair)]
                dx, dy = cx2 - cx1, cy2 - cy1
                d = math.hypot(dx, dy) or 1.0
                nx_, ny_ = -dy / d, dx / d
                off = side * (18 + 16 * j)
                qx, qy = (x1 + x2) / 2 + nx_ * off * 2, (y1 + y2) / 2 + ny_ * off * 2

                def trim(px, py, r):
                    vx, vy = qx - px, qy - py
                    n = math.hypot(vx, vy) or 1.0
                    return px + vx / n * r, py + vy / n * r

                sx, sy = trim(x1, y1, radius[a] + 1)
                ex, ey = trim(x2, y2, radius[t] + 3)
                w = edges[(a, t, kind)]
                tip = f"{_label(names, a)} -> {_label(names, t)}: {w} {kind} event{'s' if w > 1 else ''}"
                parts.append(f'<path class="edge edge-{kind}" d="M{sx:.1f},{sy:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}" '
                             f'fill="none" stroke="{KIND_COLOURS[kind]}" stroke-width="{1.2 + 1.2 * math.sqrt(w):.1f}" '
                             f'marker-end="url(#{prefix}arrow-{kind})"><title>{_esc(tip)}</title></path>')
    types = types or {}
    for n in keep:
        x, y = xy[n]
        typ = types.get(n)
        stroke = ENT_COLOURS.get(typ or "", NODE_STROKE)
        label = _label(names, n)
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(f'<g class="node"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[n]:.1f}" fill="{NODE_FILL}" '
                     f'stroke="{stroke}" stroke-width="2.5"><title>{_esc(label)} ({_esc(n)}{", " + _esc(typ) if typ else ""}): '
                     f'{weight[n]} events</title></circle>'
                     f'<text x="{x:.1f}" y="{y + radius[n] + 13:.1f}" font-size="12" text-anchor="middle" fill="{TEXT}" '
                     f'stroke="{PAGE}" stroke-width="3.5" paint-order="stroke">{_esc(short)}</text></g>')
    parts.append("</svg>")
    hidden = len(weight) - len(keep)
    legend = ['<p class="legend small">Arrows go from actor to target; width = number of events; circle size = events of '
              'the actor. Edges: ']
    for kind, colour in KIND_COLOURS.items():
        legend.append(f'<span class="line" style="border-top-color:{colour}"></span>{kind}')
    used_types = sorted({types[n] for n in keep if types.get(n)})
    if used_types:
        legend.append(". Circle outline: ")
        for t in used_types:
            legend.append(f'<span class="sw" style="background:{NODE_FILL};border:2px solid {ENT_COLOURS.get(t, NODE_STROKE)}">'
                          f'</span>{_esc(t)}')
    if hidden:
        legend.append(f". {hidden} less active actors not shown.")
    legend.append("</p>")
    return "".join(parts) + "".join(legend)


def _label(names: dict[str, Counter[str]], key: str) -> str:
    c = names.get(key)
    return c.most_common(1)[0][0] if c else key


def _actor_types(docs: Iterable[Document]) -> dict[str, str]:
    types: dict[str, str] = {}
    for d in docs:
        for e in d.entities:
            types.setdefault(e.code or e.name, e.type)
    return types


# ---------------------------------------------------------------- one document


def _links(items: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f'<a href="{_esc(h)}">{_esc(t)}</a>' if h else _esc(t) for h, t in items)


def _doc_section(doc: Document) -> str:
    idx = _index(doc)
    anchors = Anchors(doc, idx)
    m = doc.metadata
    sections = {s.id: s for s in doc.sections}
    rendered: set[str] = set()

    # text first: it decides which citations are linked inline
    text_parts = ["<p class='legend small'>Theory (passage background; uncheck to hide): " + "".join(
        f'<label><input type="checkbox" checked data-theory="{k}"><span class="sw" style="background:{c}"></span>'
        f'{k.replace("_", " ")}</label> ' for k, c in THEORY_COLOURS.items()) + "<br>Entities (underline; type on hover): "
        + "".join(f'<span class="ent t-{k}">{k}</span> ' for k in ENT_COLOURS) + "</p>"]
    for p in doc.passages:
        if p.kind == "heading":
            sec = sections.get(p.section_id or "")
            level = min(6, 2 + (sec.level if sec else 1))
            text_parts.append(f'<h{level} id="p-{_esc(p.id)}">{_passage_inline(doc, p, anchors, idx)}</h{level}>')
        elif p.kind == "front_matter":
            text_parts.append(f'<p class="front" id="p-{_esc(p.id)}">{_passage_inline(doc, p, anchors, idx)}</p>')
        elif p.kind == "body":
            label = ("uncertain" if p.theory.abstained else p.theory.label) if p.theory else "neither"
            tip = ""
            if p.theory:
                sc = p.theory.scores
                tip = (f'theory: {label.replace("_", " ")} (NWO {sc.get("new_world_order", 0):.2f} / '
                       f'CI {sc.get("complex_interdependence", 0):.2f})'
                       + (f" (the model abstained; best guess {p.theory.label.replace('_', ' ')})" if p.theory.abstained else ""))
            text_parts.append(f'<div class="passage" id="p-{_esc(p.id)}" data-theory="{label}" '
                              f'style="background:{THEORY_COLOURS.get(label, PAGE)}" title="{_esc(tip)}">'
                              f'{_passage_inline(doc, p, anchors, idx)}</div>')
        else:
            continue
        rendered.add(p.id)

    # reference list (reference passages) and footnotes
    sources_of: dict[str, list] = defaultdict(list)
    for s in doc.sources:
        for rid in s.reference_ids:
            sources_of[rid].append(s)
    refs_by_passage: dict[str, list] = defaultdict(list)
    for r in doc.references:
        refs_by_passage[r.passage_id].append(r)

    def ref_extra(r) -> str:
        bits = []
        if r.doi and f"doi.org/{r.doi}".lower() not in r.text.lower():
            bits.append("DOI " + _ext_link(f"https://doi.org/{r.doi}", r.doi))
        if r.url and r.url not in r.text:
            bits.append(_ext_link(r.url))
        for s in sources_of.get(r.id, []):
            bits.append(f'source: <a href="#src-{_esc(s.id)}">{_esc(s.status)}</a>')
            if s.doc_id:
                bits.append(f'<a href="../{_esc(s.doc_id)}/report.html">fetched copy</a>')
        if r.cited_by:
            bits.append("cited by " + _links((anchors.citation(c), c) if not c.startswith("footnote:")
                                            else (f"#fn-{c.split(':', 1)[1]}", c.split(":", 1)[1]) for c in r.cited_by))
        elif r.origin == "reference_list":
            bits.append("not cited in the text")
        return f' <span class="small">[{"; ".join(bits)}]</span>' if bits else ""

    ref_parts = []
    for p in doc.passages:
        if p.kind != "reference":
            continue
        refs = refs_by_passage.get(p.id, [])
        ids = "".join(f'<span id="ref-{_esc(r.id)}"></span>' for r in refs[1:])
        first = f' id="ref-{_esc(refs[0].id)}"' if refs else ""
        extra = "".join(ref_extra(r) for r in refs)
        ref_parts.append(f'<li{first}><span id="p-{_esc(p.id)}"></span>{ids}{_passage_inline(doc, p, anchors, idx)}{extra}</li>')
        rendered.add(p.id)
    # references that live elsewhere (footnote references) get their anchor in their footnote
    fn_by_passage = {f.passage_id: f for f in doc.footnotes}
    note_parts = []
    for p in doc.passages:
        if p.kind != "footnote":
            continue
        f = fn_by_passage.get(p.id)
        fid = f' id="fn-{_esc(f.id)}"' if f else ""
        num = f"{f.number}. " if f and f.number is not None else ""
        back = _links((f"#fnm-{mk}", "back") for mk in f.markers) if f else ""
        flags = f' <span class="small">({", ".join(f.flags)})</span>' if f and f.flags else ""
        refs = refs_by_passage.get(p.id, [])
        ids = "".join(f'<span id="ref-{_esc(r.id)}"></span>' for r in refs if r.origin == "footnote")
        extra = "".join(ref_extra(r) for r in refs if r.origin == "footnote")
        note_parts.append(f'<li{fid}><span id="p-{_esc(p.id)}"></span>{ids}<b>{_esc(num)}</b>'
                          f'{_passage_inline(doc, p, anchors, idx)}{flags}{extra} {back}</li>')
        rendered.add(p.id)
    # footnotes and references not placed above (their passage is missing or of another kind) still get an anchor
    placed_fn = {f.id for f in doc.footnotes if f.passage_id in rendered}
    placed_ref = {r.id for p in doc.passages if p.kind == "reference" for r in refs_by_passage.get(p.id, [])}
    placed_ref |= {r.id for p in doc.passages if p.kind == "footnote" for r in refs_by_passage.get(p.id, [])
                   if r.origin == "footnote"}
    other_parts = []
    for p in doc.passages:
        if p.id not in rendered:
            other_parts.append(f'<p id="p-{_esc(p.id)}"><span class="small">{_esc(p.kind)}</span> '
                               f'{_passage_inline(doc, p, anchors, idx)}</p>')
            rendered.add(p.id)
    for f in doc.footnotes:
        if f.id not in placed_fn:
            other_parts.append(f'<p id="fn-{_esc(f.id)}" class="small">footnote {_esc(f.number)} (passage {_esc(f.passage_id)})</p>')
    for r in doc.references:
        if r.id not in placed_ref:
            other_parts.append(f'<p id="ref-{_esc(r.id)}">{_linkify(r.text)}{ref_extra(r)}</p>')

    # events: the table and the timeline link to the event's sentence
    hrefs = {e.id: anchors.sentence(e.passage_id, e.start) or f"#ev-{e.id}" for e in doc.events}
    ev_rows = []
    for e in chronological(doc.events):
        q = "; ".join(x.raw for x in e.quantities)
        flags = ", ".join(f for f, on in (("negated", e.negated), ("hedged", e.hedged)) if on)
        ev_rows.append(f'<tr id="ev-{_esc(e.id)}"><td>{_esc(e.date.start if e.date and e.date.start else "undated")}</td>'
                       f'<td>{_esc(e.type)}</td><td>{_esc(_actors(e.actors))}</td><td>{_esc(_actors(e.targets))}</td>'
                       f'<td>{_esc(q)}</td><td>{_esc(flags)}</td>'
                       f'<td><a href="{_esc(hrefs[e.id])}">{_esc(e.evidence[:140])}</a></td></tr>')
    undated = [e for e in doc.events if not (e.date and _parse_day(e.date.start))]
    undated_html = (f'<aside><h3>Undated events ({len(undated)})</h3><ol>' + "".join(
        f'<li><a href="{_esc(hrefs[e.id])}">{_esc(e.type)}</a> {_esc(_actors(e.actors))}'
        f'{" → " + _esc(_actors(e.targets)) if e.targets else ""}: <span class="small">{_esc(e.evidence[:90])}</span></li>'
        for e in undated) + "</ol></aside>") if undated else "<aside><h3>Undated events</h3><p>None.</p></aside>"

    # citations (the place for claim support: a ``support`` field on Citation is shown when present)
    has_support = any(getattr(c, "support", None) is not None for c in doc.citations)
    cit_rows = []
    for c in doc.citations:
        target = (_links([(f"#ref-{c.reference_id}", c.reference_id)]) if c.reference_id else "") + (
            (" " + _links([(f"#fn-{c.footnote_id}", c.footnote_id)])) if c.footnote_id else "")
        here = anchors.citation(c.id)
        where = _links([(here if not here.startswith("#cit-") else anchors.passage(c.passage_id), c.passage_id)])
        support = ""
        if has_support:
            support = _support_cell(getattr(c, "support", None))
        cit_rows.append(f'<tr id="cit-{_esc(c.id)}"><td>{_esc(c.text or c.kind)}</td><td>{_esc(c.kind)}</td>'
                        f'<td>{_esc(c.status)}</td><td>{target}</td><td>{where}</td>{support}</tr>')

    # audit rows link to their passage and records
    audit_rows = []
    for f in doc.audit.findings:
        links = [(anchors.passage(f.passage_id), f.passage_id)]
        if f.citation_id:
            links.append((anchors.citation(f.citation_id), f.citation_id))
        for rid in (f.reference_id, f.duplicate_of if (f.duplicate_of or "").startswith("r") else None):
            if rid and any(r.id == rid for r in doc.references):
                links.append((f"#ref-{rid}", rid))
        if f.footnote_id and any(x.id == f.footnote_id for x in doc.footnotes):
            links.append((f"#fn-{f.footnote_id}", f.footnote_id))
        audit_rows.append(f'<tr id="audit-{_esc(f.id)}"><td>{_esc(f.kind)}</td><td>{_links(links)}</td>'
                          f'<td>{_esc(f.quote[:120])}</td><td>{_esc(f.message)}</td></tr>')

    src_rows = []
    for s in doc.sources:
        why = " ".join(x for x in (s.reason, s.detail, f"HTTP {s.http_status}" if s.http_status else None) if x)
        report = (f'<a href="../{_esc(s.doc_id)}/report.html">{_esc(s.doc_id)}</a>' if s.doc_id else "")
        src_rows.append(f'<tr id="src-{_esc(s.id)}"><td>{_ext_link(s.url)}'
                        f'{("<br><span class=small>final: " + _ext_link(s.final_url) + "</span>") if s.final_url and s.final_url != s.url else ""}</td>'
                        f'<td class="status-{_cls(s.status)}">{_esc(s.status)}</td><td>{_esc(why)}</td>'
                        f'<td>{_links((f"#ref-{r}", r) for r in s.reference_ids)}</td>'
                        f'<td>{_links((anchors.passage(p), p) for p in s.citing_passage_ids)}</td><td>{report}</td></tr>')

    # assemble
    title = m.title or doc.source.path or doc.doc_id
    out = [f'<section class="document" id="doc-{_esc(doc.doc_id)}"><h1>{_esc(title)}</h1>',
           '<nav class="toc small">' + "".join(f'<a href="#{a}">{t}</a>' for a, t in (
               ("timeline", "Timeline"), ("events", "Events"), ("network", "Actor network"), ("text", "Text"),
               ("references", "References"), ("footnotes", "Footnotes"), ("citations", "Citations"),
               ("audit", "Citation audit"), ("sources", "Cited sources"))) + "</nav>", '<table class="meta">']
    doi = _ext_link(f"https://doi.org/{m.doi}", m.doi) if m.doi else ""
    src = _ext_link(doc.source.url) if doc.source.url else _esc(doc.source.path)
    for k, v in [("Authors", _esc("; ".join(a.name for a in m.authors))), ("Journal", _esc(m.journal)),
                 ("Year", _esc(m.year)), ("DOI", doi), ("Keywords", _esc(", ".join(m.keywords))),
                 ("Document id", _esc(doc.doc_id)), ("Source", src)]:
        if v:
            out.append(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>")
    out.append("</table>")
    if m.abstract:
        out.append(f'<p class="small"><b>Abstract.</b> {_esc(m.abstract)}</p>')
    if doc.stage_errors or doc.warnings:
        out.append('<div class="problems"><b>Problems</b><ul>' + "".join(
            f"<li>stage {_esc(e.stage)} failed ({_esc(e.code)}): {_esc(e.message)}</li>" for e in doc.stage_errors)
            + "".join(f"<li>{_esc(w)}</li>" for w in doc.warnings) + "</ul></div>")
    out.append('<h2 id="timeline">Event timeline</h2><div class="timeline-wrap"><div class="charts">'
               + timeline_svg(doc.events, hrefs, prefix="tl-") + _kind_legend() + "</div>" + undated_html + "</div>")
    out.append(f'<h2 id="events">Events ({len(doc.events)})</h2>')
    if ev_rows:
        out.append('<table class="grid"><tr><th>date</th><th>type</th><th>actors</th><th>targets</th><th>quantities</th>'
                   '<th>flags</th><th>evidence (to the sentence)</th></tr>' + "".join(ev_rows) + "</table>")
    out.append('<h2 id="network">Actor network</h2>' + network_svg(doc.events, types=_actor_types([doc]), prefix="net-"))
    out.append('<h2 id="text">Text</h2>' + "".join(text_parts))
    out.append(f'<h2 id="references">References ({len(ref_parts)})</h2>')
    out.append('<ol class="refs">' + "".join(ref_parts) + "</ol>" if ref_parts else "<p>No reference list.</p>")
    out.append(f'<h2 id="footnotes">Footnotes ({len(note_parts)})</h2>')
    out.append('<ol class="notes">' + "".join(note_parts) + "</ol>" if note_parts else "<p>No footnotes.</p>")
    if other_parts:
        out.append('<h2 id="other">Other passages</h2>' + "".join(other_parts))
    resolved = sum(c.status == "resolved" for c in doc.citations)
    out.append(f'<h2 id="citations">Citations ({len(doc.citations)}, {resolved} resolved)</h2>')
    if cit_rows:
        out.append('<table class="grid"><tr><th>citation</th><th>kind</th><th>status</th><th>cites</th><th>where</th>'
                   + ("<th>support</th>" if has_support else "") + "</tr>" + "".join(cit_rows) + "</table>")
    out.append(claim_support_html(doc))  # claims beside their best evidence (support stage)
    out.append(f'<h2 id="audit">Citation audit ({len(doc.audit.findings)} findings)</h2>')
    if audit_rows:
        out.append('<table class="grid"><tr><th>kind</th><th>where</th><th>quote</th><th>finding</th></tr>'
                   + "".join(audit_rows) + "</table>")
    out.append(f'<h2 id="sources">Cited sources ({len(doc.sources)})</h2>')
    if src_rows:
        out.append('<table class="grid"><tr><th>url</th><th>status</th><th>reason</th><th>references</th>'
                   '<th>citing passages</th><th>report</th></tr>' + "".join(src_rows) + "</table>")
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




SUPPORT_STATUS = {"supported": "ok", "partial": "partial", "not_found": "failed"}  # status colours reused


def _support_cell(support) -> str:
    """A citation's claim support (``Citation.support``, the support stage of issue 20), read by
    attribute so the report works with and without that field: the verdict, its reason, the claim, and
    the best evidence linked to its passage in the source's own report."""
    if support is None:
        return "<td></td>"
    status = str(getattr(support, "status", ""))
    out = [f'<td><span class="status-{SUPPORT_STATUS.get(status, "none")}">{_esc(status.replace("_", " "))}</span> '
           f'<span class="small">{_esc(getattr(support, "reason", "") or "")}</span>']
    claim = getattr(support, "claim", "")
    if claim:
        out.append(f'<br><span class="small">claim: {_esc(claim[:300])}</span>')
    evidence = list(getattr(support, "evidence", []) or [])
    if evidence:
        ev = evidence[0]
        href = f"../{ev.source_doc_id}/report.html#p-{ev.passage_id}"
        out.append(f'<br><a href="{_esc(href)}">evidence</a> <span class="small">({float(ev.score):.2f}) '
                   f'{_esc(ev.quote[:300])}</span>')
    out.append("</td>")
    return "".join(out)


def _kind_legend() -> str:
    return ('<p class="legend small">Marks: filled = material, ring = verbal; a mark links to its sentence.'
            + "".join(f'<span class="sw" style="background:{c};border-color:{c}"></span>{k}' for k, c in KIND_COLOURS.items())
            + "</p>")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<style>{CSS}</style><script>{JS}</script></head><body>{body}"
            f'<p class="small">Generated by irpipe. Self-contained: no file or script is loaded from elsewhere.</p>'
            f"</body></html>")


def render_document(doc: Document) -> str:
    return _page(doc.metadata.title or doc.doc_id, _doc_section(doc))


# ---------------------------------------------------------------- corpus


CORPUS_DOC_LINKS = 8  # an actor's row names this many documents, then counts the rest (a row stays one or two lines)


def _doc_list(doc_ids: list[str]) -> str:
    more = len(doc_ids) - CORPUS_DOC_LINKS
    return _links((f"#doc-{x}", x) for x in doc_ids[:CORPUS_DOC_LINKS]) + (f" and {more} more" if more > 0 else "")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def render_corpus(docs: list[Document], entries: list[ManifestEntry] | None = None,
                  doc_href=lambda doc_id: f"{doc_id}/report.html") -> str:
    """Corpus-level tables, not the per-document views again: documents with their status (failed
    ones from the manifest ``entries``), actors, event types per year, theory shares per document,
    sources by status and reason, and one actor network over all documents. Each document row links
    to the document's own report, ``doc_href(doc_id)`` (by default ``<doc_id>/report.html``, where
    ``irpipe report DOC`` writes it)."""
    entries = entries or []
    events = [e for d in docs for e in d.events]
    by_id = {d.doc_id: d for d in docs}
    status = {e.doc_id: e for e in entries if e.doc_id}
    counts = Counter(e.status for e in entries) if entries else Counter({"ok": len(docs)})
    body = [f'<h1>Corpus report: {len(docs)} document{"s" if len(docs) != 1 else ""}, {len(events)} events</h1>',
            '<nav class="toc small">' + "".join(f'<a href="#{a}">{t}</a>' for a, t in (
                ("documents", "Documents"), ("actors", "Actors"), ("event-types", "Event types by year"),
                ("theory", "Theory shares"), ("sources", "Sources"), ("network", "Actor network"))) + "</nav>",
            '<p>' + ", ".join(f'<span class="status-{k}">{counts[k]} {k}</span>' for k in ("ok", "partial", "failed")
                              if counts[k]) + "</p>"]
    # documents
    rows = []
    listed = set()
    for d in docs:
        e = status.get(d.doc_id)
        st = e.status if e else ("partial" if d.stage_errors else "ok")
        why = (e.error if e and e.error else "") or "; ".join(f"{x.stage}: {x.code}" for x in d.stage_errors)
        cit = len(d.citations)
        res = sum(c.status == "resolved" for c in d.citations)
        fetched = sum(s.status in ("fetched", "not_modified", "cached", "manual") for s in d.sources)
        failed = sum(s.status == "failed" for s in d.sources)
        rows.append(f'<tr id="doc-{_esc(d.doc_id)}"><td><a href="{_esc(doc_href(d.doc_id))}">{_esc(d.metadata.title or d.source.path or d.doc_id)}</a></td>'
                    f'<td class="status-{_cls(st)}">{_esc(st)}</td><td>{_esc(why)}</td><td class="num">{_esc(d.metadata.year or "")}</td>'
                    f'<td class="num">{len(d.body_passages())}</td><td class="num">{len(d.references)}</td>'
                    f'<td class="num">{cit} ({_pct(res / cit) if cit else "-"})</td><td class="num">{len(d.events)}</td>'
                    f'<td class="num">{len(d.sources)} ({fetched} fetched, {failed} failed)</td></tr>')
        listed.add(d.doc_id)
    for e in entries:
        if e.status == "failed" or (e.doc_id not in by_id and e.doc_id not in listed):
            anchor = f' id="doc-{_esc(e.doc_id)}"' if e.doc_id and e.doc_id not in listed else ""
            listed.add(e.doc_id)
            rows.append(f'<tr{anchor}><td>{_esc(Path(e.path).name)}</td><td class="status-{_cls(e.status)}">{_esc(e.status)}</td>'
                        f'<td>{_esc(" ".join(x for x in (e.error_code, e.error) if x))}</td>' + '<td></td>' * 6 + "</tr>")
    body.append('<h2 id="documents">Documents</h2><table class="grid"><tr><th>document</th><th>status</th><th>reason</th>'
                '<th class="num">year</th><th class="num">body passages</th><th class="num">references</th>'
                '<th class="num">citations (resolved)</th><th class="num">events</th><th class="num">sources</th></tr>'
                + "".join(rows) + "</table>")
    # actors
    act: dict[str, dict] = {}
    for d in docs:
        for en in d.entities:
            if en.type not in ("STATE", "IGO", "GROUP", "ORG", "PERSON"):
                continue
            k = en.code or en.name
            a = act.setdefault(k, {"name": en.name, "code": en.code or "", "type": en.type, "docs": set(), "mentions": 0,
                                   "actor": 0, "target": 0})
            a["docs"].add(d.doc_id)
            a["mentions"] += en.body_mentions
        for ev in d.events:
            for role, xs in (("actor", ev.actors), ("target", ev.targets)):
                for x in xs:
                    k = x.code or x.name
                    a = act.setdefault(k, {"name": x.name, "code": x.code or "", "type": "", "docs": set(), "mentions": 0,
                                           "actor": 0, "target": 0})
                    a["docs"].add(d.doc_id)
                    a[role] += 1
    # names met only in references or citations (authors, publishers) are not actors of the corpus
    act = {k: a for k, a in act.items() if a["mentions"] or a["actor"] or a["target"]}
    top = sorted(act.items(), key=lambda t: (-(t[1]["actor"] + t[1]["target"]), -t[1]["mentions"], t[0]))[:40]
    body.append(f'<h2 id="actors">Actors (top {len(top)} of {len(act)})</h2><table class="grid"><tr><th>actor</th><th>code</th>'
                '<th>type</th><th class="num">documents</th><th class="num">body mentions</th><th class="num">events as actor</th>'
                '<th class="num">as target</th><th>in</th></tr>' + "".join(
                    f'<tr><td>{_esc(a["name"])}</td><td>{_esc(a["code"])}</td><td>{_esc(a["type"])}</td><td class="num">{len(a["docs"])}</td>'
                    f'<td class="num">{a["mentions"]}</td><td class="num">{a["actor"]}</td><td class="num">{a["target"]}</td>'
                    f'<td>{_doc_list(sorted(a["docs"]))}</td></tr>' for k, a in top) + "</table>")
    # event types by year
    grid: dict[str, Counter] = defaultdict(Counter)
    years: set = set()
    for ev in events:
        d = _parse_day(ev.date.start if ev.date else None)
        y = str(d.year) if d else "undated"
        grid[ev.type][y] += 1
        if d:
            years.add(d.year)
    cols = [str(y) for y in sorted(years)] + (["undated"] if any(g["undated"] for g in grid.values()) else [])
    body.append('<h2 id="event-types">Event types by year</h2>')
    if grid:
        body.append('<table class="grid"><tr><th>type</th>' + "".join(f'<th class="num">{c}</th>' for c in cols)
                    + '<th class="num">total</th></tr>' + "".join(
                        f'<tr><td>{_esc(t)}</td>' + "".join(f'<td class="num">{g[c] or ""}</td>' for c in cols)
                        + f'<td class="num">{sum(g.values())}</td></tr>'
                        for t, g in sorted(grid.items(), key=lambda t: -sum(t[1].values()))) + "</table>")
    else:
        body.append("<p>No events.</p>")
    # theory shares
    labels = list(THEORY_COLOURS)
    trows = []
    for d in docs:
        ps = [p for p in d.body_passages() if p.theory]
        if not ps:
            trows.append(f'<tr><td><a href="#doc-{_esc(d.doc_id)}">{_esc(d.metadata.title or d.doc_id)}</a></td>'
                         f'<td class="num">0</td>' + '<td class="num">-</td>' * len(labels) + "</tr>")
            continue
        c = Counter(("uncertain" if p.theory.abstained else p.theory.label) for p in ps)
        trows.append(f'<tr><td><a href="#doc-{_esc(d.doc_id)}">{_esc(d.metadata.title or d.doc_id)}</a></td>'
                     f'<td class="num">{len(ps)}</td>' + "".join(f'<td class="num">{_pct(c[k] / len(ps))}</td>' for k in labels)
                     + "</tr>")
    body.append('<h2 id="theory">Theory shares per document (body passages)</h2><table class="grid"><tr><th>document</th>'
                '<th class="num">passages</th>' + "".join(f'<th class="num">{k.replace("_", " ")}</th>' for k in labels)
                + "</tr>" + "".join(trows) + "</table>")
    # sources
    srcs = Counter((s.status, s.reason or "") for d in docs for s in d.sources)
    body.append('<h2 id="sources">Cited sources by status and reason</h2>')
    body.append('<table class="grid"><tr><th>status</th><th>reason</th><th class="num">sources</th></tr>' + "".join(
        f'<tr><td class="status-{_cls(st)}">{_esc(st)}</td><td>{_esc(r)}</td><td class="num">{n}</td></tr>'
        for (st, r), n in srcs.most_common()) + "</table>" if srcs else "<p>No cited sources.</p>")
    body.append('<h2 id="network">Actor network (all documents)</h2>'
                + network_svg(events, types=_actor_types(docs), prefix="net-"))
    return _page("irpipe corpus report", "".join(body))


def write_report(html_text: str, path: Path) -> Path:
    from pipeline.export import atomic_write_text

    atomic_write_text(path, html_text)
    return path
