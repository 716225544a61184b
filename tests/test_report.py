"""The HTML report: self-contained, every internal link has a target (in Python and in headless
Chromium), article text escaped, a timeline that spreads dense periods, a force-laid network with one
curved edge per direction, WCAG AA colours, a corpus report of corpus-level tables, and `irpipe report`
with `-o/--output` and `--output-dir`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import report
from pipeline.model import Document, Event, ManifestEntry, StageError
from pipeline.report import network_svg, render_corpus, render_document, timeline_svg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync"]


class _Parsed(HTMLParser):
    """Every tag with its attributes, the ids, and the internal link targets of a page."""

    def __init__(self, page: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.ids: list[str] = []
        self.internal: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.append(a["id"])
        if (a.get("href") or "").startswith("#"):
            self.internal.append(a["href"][1:])

    handle_startendtag = handle_starttag

    def missing(self) -> list[str]:
        ids = set(self.ids)
        return sorted({h for h in self.internal if h not in ids})

    def duplicates(self) -> list[str]:
        return [k for k, n in Counter(self.ids).items() if n > 1]

    def href(self, element_id: str) -> list[str]:
        """The internal links inside the element with this id (rows, list items)."""
        return re.findall(r'href="#([^"]+)"', _element(self.page_text, element_id))


def _element(page: str, element_id: str) -> str:
    m = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"', page)
    assert m, element_id
    tag = m.group(1)
    end = page.find(f"</{tag}>", m.end())
    return page[m.start():end]


def _section(page: str, heading_id: str) -> str:
    """From the heading with this id to the next heading of its level."""
    start = page.index(f'<h2 id="{heading_id}"')
    end = page.find("<h2", start + 4)
    return page[start:end if end > 0 else len(page)]


def _parse(page: str) -> _Parsed:
    p = _Parsed(page)
    p.page_text = page
    return p


def _event(eid: str, start: str | None, *, actors=(("IRN", "Iran"),), targets=(("RUS", "Russia"),),
           quad="verbal_cooperation", precision="day", passage="p0002", offset=0) -> Event:
    return Event.model_validate({
        "id": eid, "type": "AGREE", "quad_class": quad, "trigger": "signed", "trigger_lemma": "sign",
        "date": {"raw": start or "", "start": start, "precision": precision if start else None} if start else None,
        "evidence": "x", "start": offset, "end": offset + 1, "confidence": 0.8, "passage_id": passage,
        "actors": [{"code": c, "name": n} for c, n in actors], "targets": [{"code": c, "name": n} for c, n in targets]})


# ---------------------------------------------------------------- the article's report


@pytest.fixture(scope="module")
def page(article_doc):
    return render_document(article_doc)


def test_self_contained(page):
    parsed = _parse(page)
    assert not [a for t, a in parsed.tags if a.get("src")]  # no image, script or frame from anywhere
    assert not [t for t, _ in parsed.tags if t in ("link", "iframe", "img", "object", "embed")]
    assert "@import" not in page and not re.search(r"url\((?!#)", page)  # CSS loads nothing (marker url(#id) only)
    outgoing = [(t, a) for t, a in parsed.tags if re.match(r"https?://", a.get("href") or "")]
    assert outgoing, "the article's URLs and DOIs are links"
    assert all(t == "a" and a.get("rel") == "noopener noreferrer" for t, a in outgoing)
    for anchor in ("timeline", "events", "network", "text", "references", "footnotes", "citations", "audit", "sources"):
        assert f'id="{anchor}"' in page, anchor


def test_every_record_has_an_anchor_and_every_link_a_target(article_doc, page):
    doc = article_doc
    parsed = _parse(page)
    assert parsed.duplicates() == []
    assert parsed.missing() == []
    ids = set(parsed.ids)
    assert {f"p-{p.id}" for p in doc.passages} <= ids
    assert {f"ev-{e.id}" for e in doc.events} <= ids
    assert {f"ref-{r.id}" for r in doc.references} <= ids
    assert {f"fn-{f.id}" for f in doc.footnotes} <= ids
    assert {f"cit-{c.id}" for c in doc.citations} <= ids
    assert {f"src-{s.id}" for s in doc.sources} <= ids
    assert {f"audit-{f.id}" for f in doc.audit.findings} <= ids
    assert len(parsed.internal) > 300


def test_links_between_records(article_doc, page):
    doc = article_doc
    parsed = _parse(page)
    # an audit row jumps to its passage
    assert doc.audit.findings
    for f in doc.audit.findings:
        assert f"p-{f.passage_id}" in parsed.href(f"audit-{f.id}")
        # and back: the flag sits in the passage (after its anchor, before the next passage's)
        at = page.index(f'id="p-{f.passage_id}"')
        nxt = page.find('id="p-', at + 5)
        assert f'<a class="flag" href="#audit-{f.id}"' in page[at:nxt if nxt > 0 else len(page)]
    # a timeline mark links to the sentence holding its event
    marks = [a for t, a in parsed.tags if t == "a" and a.get("class") == "tl-mark"]
    dated = [e for e in doc.events if e.date and e.date.start]
    assert len({a["data-event"] for a in marks}) == len(dated) > 10
    for a in marks:
        e = next(x for x in doc.events if x.id == a["data-event"])
        m = re.fullmatch(r"#s-(p\d+)-(\d+)", a["href"])
        assert m and m.group(1) == e.passage_id, a
        p = doc.passage(e.passage_id)
        sentence = re.search(rf'<span class="s" id="s-{p.id}-{m.group(2)}">(.*?)</span>(?=<span class="s"|</div>)',
                             page, re.S).group(1)
        shown = html_unescape(re.sub(r"<[^>]+>", "", sentence))
        assert shown[:20] in e.evidence or e.evidence[:20] in shown  # the sentence is the event's evidence
    # a resolved citation links to its reference, in the text and in the citations table
    resolved = [c for c in doc.citations if c.reference_id]
    assert resolved
    for c in resolved:
        assert f"ref-{c.reference_id}" in parsed.href(f"cit-{c.id}")
    inline = [c for c in resolved if c.end > c.start]
    assert inline and all(f'id="ct-{c.id}" href="#ref-{c.reference_id}"' in page for c in inline)
    # a reference links to its source, the source back to the reference
    for s in doc.sources:
        for rid in s.reference_ids:
            assert f"src-{s.id}" in parsed.href(f"ref-{rid}") or rid in [r.id for r in doc.references if r.origin == "footnote"]
            assert f"ref-{rid}" in parsed.href(f"src-{s.id}")
    # footnote markers link to their notes, the notes back
    linked = [m for m in doc.footnote_markers if m.footnote_id]
    assert linked and all(f'<sup class="fnm" id="fnm-{m.id}"><a href="#fn-{m.footnote_id}">' in page for m in linked)


def test_reference_list_footnotes_and_urls_shown(article_doc, page):
    assert page.count('<ol class="refs">') == 1
    shown = re.search(r'<ol class="refs">(.*?)</ol>', page, re.S).group(1)
    assert shown.count("<li") == sum(p.kind == "reference" for p in article_doc.passages) > 30
    notes = re.search(r'<ol class="notes">(.*?)</ol>', page, re.S).group(1)
    assert notes.count("<li") == len(article_doc.footnotes) > 20
    # every source URL is a link
    for s in article_doc.sources:
        assert f'href="{s.url}"' in _element(page, f"src-{s.id}")
    # entities: a type on hover, no chip (no displaCy mark with padding)
    assert '<span class="ent t-STATE" title="STATE · IRN' in page
    assert not re.search(r"<mark[\s>]", page)  # displaCy drew entities as padded <mark> chips


def test_failure_reasons_and_problems_shown(article_doc):
    doc = article_doc.model_copy(deep=True)
    doc.sources[0].status = "failed"
    doc.sources[0].reason = "http_error"
    doc.sources[0].detail = "server answered 404"
    doc.sources[0].http_status = 404
    doc.stage_errors = [StageError(stage="events", code="E101", message="boom in events")]
    row = _element(render_document(doc), f"src-{doc.sources[0].id}")
    assert "failed" in row and "http_error server answered 404 HTTP 404" in row
    assert "stage events failed (E101): boom in events" in render_document(doc)


def test_real_pdf_footnotes_link_both_ways():
    """A dev PDF (EXCITE 34237, footnote-cited) through ingest and structure only: its notes are shown,
    each marker links to its note and the note back to the marker; no events is said, not drawn."""
    from pipeline.process import assemble, ingest

    from .conftest import DATA

    doc = assemble(ingest(DATA / "34237.pdf"))
    page = render_document(doc)
    parsed = _parse(page)
    assert parsed.missing() == [] and parsed.duplicates() == []
    linked = [m for m in doc.footnote_markers if m.footnote_id]
    assert len(linked) >= 5
    for m in linked:
        assert f'<sup class="fnm" id="fnm-{m.id}"><a href="#fn-{m.footnote_id}">' in page
        assert f"fnm-{m.id}" in parsed.href(f"fn-{m.footnote_id}")
    assert re.search(r'<ol class="notes">(.*?)</ol>', page, re.S).group(1).count("<li") == len(doc.footnotes)
    assert "No dated events." in page and "No events with both an actor and a target." in page


# ---------------------------------------------------------------- escaping


def _hostile_doc() -> Document:
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)> "q" \' & <b>bold</b>'
    text = f"{evil} Iran signed a deal with Russia. See https://example.org/a?b=1&c=<x> now."
    body = text
    return Document.model_validate({
        "doc_id": "0123456789abcdef",
        "source": {"path": f"/tmp/{evil}.md", "sha256": "0" * 64, "media_type": "text/markdown"},
        "metadata": {"title": f"</title>{evil}", "authors": [{"name": evil}], "doi": '10.1/x"><script>alert(3)</script>'},
        "text": body,
        "passages": [{"id": "p0001", "kind": "body", "text": body, "start": 0, "end": len(body),
                      "sentences": [{"start": 0, "end": len(body)}]},
                     {"id": "p0002", "kind": "reference", "text": f"Evil, A. (2020). {evil} javascript:alert(4)",
                      "start": len(body) + 2, "end": len(body) + 2 + len(f"Evil, A. (2020). {evil} javascript:alert(4)")}],
        "references": [{"id": "r001", "passage_id": "p0002", "origin": "reference_list", "text": evil,
                        "url": "javascript:alert(5)", "doi": '"><script>alert(6)</script>'}],
        "citations": [{"id": "c001", "kind": "author_year", "text": evil, "passage_id": "p0001", "start": 0, "end": 8,
                       "status": "resolved", "reference_id": "r001"}],
        "entities": [{"id": "e001", "name": evil, "type": '"><script>', "code": evil,
                      "mentions": [{"passage_id": "p0001", "start": text.index("Iran"), "end": text.index("Iran") + 4,
                                    "text": "Iran", "context": "body", "how": evil}]}],
        "events": [_event("ev001", "2025-01-17", actors=((evil, evil),), targets=(("RUS", evil),), passage="p0001",
                          offset=text.index("Iran")).model_dump()
                   | {"evidence": evil, "type": evil}],
        "sources": [{"id": "src001", "url": "javascript:alert(7)", "reference_ids": ["r001"], "status": "failed",
                     "reason": evil, "detail": evil}],
        "audit": {"findings": [{"id": "a001", "kind": evil, "passage_id": "p0001", "quote": evil, "message": evil}]},
        "warnings": [evil],
        "provenance": {"pipeline_version": "0", "settings_hash": "x", "created_at": "2025-01-01T00:00:00Z"},
    })


@pytest.mark.parametrize("render", [render_document, lambda d: render_corpus([d])], ids=["document", "corpus"])
def test_article_text_is_escaped(render):
    page = render(_hostile_doc())
    parsed = _parse(page)
    scripts = [t for t, _ in parsed.tags if t == "script"]
    assert len(scripts) == 1  # the report's own
    assert not [t for t, _ in parsed.tags if t in ("img", "iframe")]
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert not [k for _, a in parsed.tags for k in a if k.startswith("on")]
    hrefs = [a["href"] for _, a in parsed.tags if a.get("href")]
    assert hrefs and all(re.match(r"(#|https?://|\.\./|[0-9a-f]{16}/report\.html$)", h) for h in hrefs), hrefs
    assert "javascript:" not in "".join(hrefs)
    assert parsed.missing() == [] and parsed.duplicates() == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------- timeline and network


def _marks(svg: str) -> list[tuple[str, str]]:
    return re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="4.5"', svg)


def test_timeline_spreads_a_dense_year_on_a_month_axis():
    days = ["2025-01-17", "2025-01-17", "2025-01-20", "2025-03-02", "2025-05-01", "2025-06-11", "2025-06-13",
            "2025-06-13", "2025-06-13", "2025-06-13", "2025-06-22", "2025-12-08"]
    evs = [_event(f"ev{i:03d}", d) for i, d in enumerate(days)]
    evs += [_event("ev100", "2015", precision="year"), _event("ev101", "2025", precision="year"), _event("ev102", None)]
    svg = timeline_svg(evs, {e.id: f"#x-{e.id}" for e in evs})
    years = _element(svg, "timeline-years")
    months = _element(svg, "timeline-2025")
    assert len(_marks(years)) == 14  # every dated event on the year axis, the undated one not
    assert len(_marks(months)) == 12  # the month- and day-dated events of 2025, spread over months
    for part in (years, months):
        assert len(set(_marks(part))) == len(_marks(part))  # no mark drawn over another
    assert [m for m in re.findall(r">(\w{3})</text>", months)] == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                                                   "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert "timeline-2015" not in svg  # one event is no cluster
    assert svg.count('href="#x-') == 26


def test_timeline_folds_empty_years_of_a_long_range():
    evs = [_event("ev001", "1945-05-08"), _event("ev002", "2024-02-01"), _event("ev003", "2025-02-01")]
    svg = timeline_svg(evs)
    labels = re.findall(r'font-size="11" text-anchor="middle" fill="[^"]+">([^<]+)</text>', svg)
    assert labels == ["1945", "…", "2024", "2025"]


def test_network_separate_curved_edges_per_direction():
    evs = [_event("ev001", None), _event("ev002", None, actors=(("RUS", "Russia"),), targets=(("IRN", "Iran"),)),
           _event("ev003", None, quad="material_conflict")]
    svg = network_svg(evs, types={"IRN": "STATE", "RUS": "STATE"})
    paths = re.findall(r'<path class="edge edge-(\w+)" d="M([\d.]+),([\d.]+) Q([\d.]+),([\d.]+) ([\d.]+),([\d.]+)"', svg)
    assert sorted(p[0] for p in paths) == ["conflict", "cooperation", "cooperation"]

    coop = [tuple(map(float, p[1:])) for p in paths if p[0] == "cooperation"]
    assert len({p[1:] for p in paths}) == 3  # three distinct curves
    # opposite directions bend to opposite sides of the straight line between the two actors
    (x1, y1, qax, qay, x2, y2), (_, _, qbx, qby, _, _) = coop

    def side(qx: float, qy: float) -> float:
        return (x2 - x1) * (qy - y1) - (y2 - y1) * (qx - x1)

    assert side(qax, qay) * side(qbx, qby) < 0
    assert ">Iran</text>" in svg and ">Russia</text>" in svg  # readable names, not codes
    assert "cooperation" in svg and "conflict" in svg and "Circle outline" in svg  # the legend
    assert 'marker-end="url(#arrow-cooperation)"' in svg


def test_network_layout_is_deterministic_and_inside_the_box():
    evs = [_event(f"ev{i}", None, actors=((f"A{i % 7}", f"Actor {i % 7}"),), targets=((f"B{i % 5}", f"Other {i % 5}"),))
           for i in range(40)]
    svg = network_svg(evs)
    assert svg == network_svg(evs)
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    ys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert len(xs) == 12 and all(0 < x < 900 for x in xs) and all(0 < y < 620 for y in ys)
    assert len({(round(x), round(y)) for x, y in zip(xs, ys)}) == 12


# ---------------------------------------------------------------- colours


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance)."""
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    chans = []
    for i in (0, 2, 4):
        c = int(h[i:i + 2], 16) / 255
        chans.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * chans[0] + 0.7152 * chans[1] + 0.0722 * chans[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula():
    assert round(_contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(_contrast("#777777", "#ffffff"), 2) == 4.48  # the classic just-failing grey


def test_text_colours_pass_wcag_aa():
    """Every CSS rule that sets a text colour, against its own background or, when it has none, every
    background text sits on (the page, the theory tints, table headers, status cells)."""
    backgrounds = {report.PAGE, report.HEAD_BG, *report.THEORY_COLOURS.values()}
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", report.CSS)
    checked = 0
    for selector, decls in rules:
        fg = re.search(r"(?:^|;)color:(#[0-9a-fA-F]{3,6})", decls)
        if not fg:
            continue
        bg = re.search(r"background:(#[0-9a-fA-F]{3,6})", decls)
        for b in ([bg.group(1)] if bg else backgrounds):
            ratio = _contrast(fg.group(1), b)
            assert ratio >= 4.5, f"{selector.strip()}: {fg.group(1)} on {b} is {ratio:.2f}:1"
            checked += 1
    assert checked >= 20
    # SVG text is the body colour on the page (labels have a halo in the page colour)
    assert _contrast(report.TEXT, report.PAGE) >= 4.5


def test_marks_and_underlines_pass_non_text_contrast():
    """Timeline marks, network edges and entity underlines: 3:1 against what they are drawn on."""
    for c in report.KIND_COLOURS.values():
        assert _contrast(c, report.PAGE) >= 3.0, c
    for c in [*report.ENT_COLOURS.values(), report.ENT_OTHER]:
        for b in report.THEORY_COLOURS.values():
            assert _contrast(c, b) >= 3.0, (c, b)
    assert _contrast(report.NODE_STROKE, report.PAGE) >= 3.0


# ---------------------------------------------------------------- corpus


def test_corpus_report_is_corpus_tables(article_doc):
    failed = ManifestEntry(path="/data/broken.pdf", status="failed", error="the PDF is damaged", error_code="E003",
                           processed_at="2025-01-01T00:00:00Z")
    ok = ManifestEntry(path="/data/a.md", doc_id=article_doc.doc_id, status="ok", processed_at="2025-01-01T00:00:00Z")
    page = render_corpus([article_doc], [ok, failed])
    parsed = _parse(page)
    assert parsed.missing() == [] and parsed.duplicates() == []
    for anchor in ("documents", "actors", "event-types", "theory", "sources", "network"):
        assert f'id="{anchor}"' in page
    assert 'id="p-' not in page and 'class="passage"' not in page  # no per-document views repeated
    docs = _section(page, "documents")
    assert f'href="{article_doc.doc_id}/report.html"' in docs
    assert "broken.pdf" in docs and "E003 the PDF is damaged" in docs and 'class="status-failed"' in docs
    assert ">Iran</td><td>IRN</td><td>STATE</td>" in page
    types = _section(page, "event-types")
    assert "<th class=\"num\">2025</th>" in types and "undated" in types
    assert '<th class="num">uncertain</th>' in page  # abstained passages are a column of their own


# ---------------------------------------------------------------- in the browser


LINK_CHECK = """<script>document.addEventListener('DOMContentLoaded',function(){
var links=document.querySelectorAll('a[href^="#"]'),missing=[];
links.forEach(function(a){var id=decodeURIComponent(a.getAttribute('href').slice(1));
  if(!document.getElementById(id))missing.push(id);});
var ent=document.querySelector('.passage .ent');
document.body.setAttribute('data-links',String(links.length));
document.body.setAttribute('data-missing',JSON.stringify(missing));
if(ent){var lh=parseFloat(getComputedStyle(ent.closest('.passage')).lineHeight);
  document.body.setAttribute('data-ent-fits',String(ent.getBoundingClientRect().height<=lh));}
});</script>"""


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)")
@pytest.mark.parametrize("kind", ["document", "corpus"])
def test_report_in_headless_chromium(article_doc, page, kind, tmp_path):
    assert CHROMIUM, "chromium must be installed in CI (.ci/run installs Debian's chromium)"
    html_path = tmp_path / "report.html"
    shown = page if kind == "document" else render_corpus([article_doc])
    html_path.write_text(shown.replace("</body>", LINK_CHECK + "</body>"))
    profile = tempfile.mkdtemp()
    shot = tmp_path / "shot.png"
    run = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,2600",
                          f"--screenshot={shot}", "--enable-logging=stderr", "--v=0", html_path.as_uri()],
                         capture_output=True, text=True, timeout=120)
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    assert shot.exists() and shot.stat().st_size > 10_000
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", html_path.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert 'data-ready="1"' in dom  # the page's script ran
    body = re.search(r"<body([^>]*)>", dom).group(1)
    assert json.loads(html_unescape(re.search(r'data-missing="([^"]*)"', body).group(1))) == []
    links = int(re.search(r'data-links="(\d+)"', body).group(1))
    assert links > (300 if kind == "document" else 5)  # and every one of them resolved in Chromium
    if kind == "document":
        assert 'data-ent-fits="true"' in body  # an entity does not make its line taller
    if kind == "corpus":
        return
    # the screenshot shows the timeline marks (cooperation green, conflict red)
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    colours = {c for _, c in img.getcolors(maxcolors=1 << 22)}
    rgb = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in report.KIND_COLOURS.values()]
    assert rgb[0] in colours and rgb[1] in colours


def html_unescape(s: str) -> str:
    import html

    return html.unescape(s)


# ---------------------------------------------------------------- the command


def test_report_command_output_and_output_dir(article_doc, tmp_path):
    from pipeline.export import record_result, write_document

    out = tmp_path / "runs"
    written = write_document(article_doc, out)
    record_result(out, ManifestEntry(path="a.md", doc_id=article_doc.doc_id, status="ok", output=str(written),
                                     processed_at="2025-01-01T00:00:00Z"))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}

    def irpipe(*args):
        r = subprocess.run([sys.executable, "-m", "irpipe", "report", *args], capture_output=True, text=True,
                           timeout=300, env=env)
        assert r.returncode == 0, r.stderr
        return Path(r.stdout.strip().splitlines()[-1])

    file = tmp_path / "r.html"
    assert irpipe(str(written), "-o", str(file)) == file and file.stat().st_size > 50_000
    assert irpipe(str(written), "--output-dir", str(out)) == out / article_doc.doc_id / "report.html"
    # with no option, beside the document it was made from (never in a ./outputs of the working folder)
    (written.parent / "report.html").unlink()
    assert irpipe(str(written.parent)) == written.parent / "report.html"
    corpus = irpipe("--corpus", "--output-dir", str(out))
    assert corpus == out / "report.html" and 'id="event-types"' in corpus.read_text()
    assert f'href="{article_doc.doc_id}/report.html"' in corpus.read_text()  # written beside document.json
    assert (out / article_doc.doc_id / "report.html").stat().st_size > 50_000
    elsewhere = irpipe("--corpus", "--output-dir", str(out), "--output", str(tmp_path / "c.html"))
    assert elsewhere == tmp_path / "c.html"
    assert f'href="runs/{article_doc.doc_id}/report.html"' in elsewhere.read_text()  # relative to the file


def test_claim_support_shown_when_the_citation_has_it(article_doc):
    """The support stage (issue 20, another branch) adds ``Citation.support``; the citations table shows it."""
    from types import SimpleNamespace

    doc = article_doc.model_copy(deep=True)
    c = next(c for c in doc.citations if c.reference_id)
    ev = SimpleNamespace(source_doc_id="fedcba9876543210", passage_id="p0007", score=0.81, quote="Iran <and> Russia")
    object.__setattr__(c, "support", SimpleNamespace(status="not_found", reason="no passage says so",
                                                     claim="a claim", evidence=[ev]))
    row = _element(render_document(doc), f"cit-{c.id}")
    assert '<span class="status-failed">not found</span>' in row and "no passage says so" in row
    assert 'href="../fedcba9876543210/report.html#p-p0007"' in row and "Iran &lt;and&gt; Russia" in row
    bare = article_doc.model_copy(deep=True)
    for c in bare.citations:
        c.support = None
    assert "<th>support</th>" in render_document(doc) and "<th>support</th>" not in render_document(bare)
