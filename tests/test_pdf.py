"""PDF ingestion on real papers: running heads, page numbers, footnotes, reference section, hyphenation."""

from __future__ import annotations

import re

import pytest

from .conftest import DATA

RUNNING_HEADS = {
    "9543": ["FQS 3(3), Art. 13, Xavier Guillaume", "© 2002 FQS http://www.qualitative-research.net/fqs/"],
    "34237": ["Andrade e Barros, Legal framing of Paradiplomacy: The case of Brazil"],
    "54891": ["ISSN 2175-5361 DOI: 10.9789/2175-5361.2013v5n5esp155", "R. pesq.: cuid. fundam. online 2013"],
}


@pytest.mark.parametrize("stem,heads", RUNNING_HEADS.items())
def test_running_heads_removed(pdf_docs, stem, heads):
    doc = pdf_docs[stem]
    for head in heads:
        hits = [p.id for p in doc.passages if p.kind in ("body", "heading", "reference") and head in p.text]
        assert len(hits) <= 1, f"{head!r} left in {hits}"  # once on the title page is fine


@pytest.mark.parametrize("stem", ["19468", "34237", "9543", "53281"])
def test_no_bare_page_numbers(pdf_docs, stem):
    for p in pdf_docs[stem].passages:
        assert not re.fullmatch(r"\d{1,3}", p.text.strip()), p


def test_footnotes_separated_and_linked(pdf_docs):
    doc = pdf_docs["34237"]
    notes = [doc.passage(n.passage_id).text for n in doc.footnotes]
    assert any(t.startswith("On possible discussions about the nomenclature") for t in notes)
    assert not any("On possible discussions about the nomenclature" in p.text for p in doc.body_passages())
    assert sum(1 for m in doc.footnote_markers if m.footnote_id) >= 8
    # the marker glued to "sub-national" is removed from the word and linked
    assert any("so-called sub-national governments" in p.text for p in doc.body_passages())


def test_footnotes_of_a_long_paper(pdf_docs):
    doc = pdf_docs["19468"]
    assert len(doc.footnotes) >= 25
    linked = [m for m in doc.footnote_markers if m.footnote_id]
    assert len(linked) >= 20


@pytest.mark.parametrize("stem", ["9543", "19468", "34237", "51256", "53281"])
def test_reference_section_recognised(pdf_docs, stem):
    doc = pdf_docs[stem]
    assert any(s.kind == "references" for s in doc.sections)
    refs = [p for p in doc.passages if p.kind == "reference"]
    gold = (DATA / f"{stem}.references.txt").read_text().splitlines()
    first_gold_words = gold[0].split()[0].strip(",.")
    assert any(first_gold_words in r.text for r in refs[:3])


def test_hyphenation_undone_and_paragraphs_joined(pdf_docs):
    doc = pdf_docs["34237"]
    body = " ".join(p.text for p in doc.body_passages())
    assert "so- called" not in body and "sub-national governments" in body
    # paragraphs are paragraphs, not lines
    lengths = sorted(len(p.text) for p in doc.body_passages())
    assert lengths[len(lengths) // 2] > 300


def test_pages_recorded(pdf_docs):
    doc = pdf_docs["19468"]
    pages = [p.page for p in doc.passages if p.kind == "body"]
    assert pages == sorted(pages) and pages[-1] >= 20


def test_title_from_first_page(pdf_docs):
    assert pdf_docs["19468"].metadata.title.startswith("Market Integration and Market Structure")
    assert pdf_docs["34237"].metadata.title.startswith("OUTLOOKS FOR THE LEGAL FRAMING OF PARADIPLOMACY")


@pytest.mark.parametrize(
    "stem,title,author",
    [
        ("9543", "Reflexivity and Subjectivity: A Dialogical Perspective for and on International Relations Theory", "Xavier Guillaume"),
        ("51256", "Demographic Ranking of the Baltic Sea States", None),
        ("54891", "Nursing theories and models that enhance professional practice", "Adrize Rutz Porto"),
        ("34237", "OUTLOOKS FOR THE LEGAL FRAMING OF PARADIPLOMACY: THE CASE OF BRAZIL", "Marinana Andrade e Barros"),
    ],
)
def test_title_skips_banners_and_author_lines(pdf_docs, stem, title, author):
    meta = pdf_docs[stem].metadata
    assert meta.title == title
    if author:
        assert meta.authors and meta.authors[0].name == author


# ---- the reader's geometry on glyphs laid out by hand (``layout`` is everything after pdfplumber's parse) ----

from pipeline.ingest.pdf import layout  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

PAGE_W, PAGE_H = 595.0, 842.0
FILLER = ("Sentences of ordinary prose fill the column so that the page reads like an article and the "
          "body size is the size of this text.")


def glyphs(text: str, x: float, top: float, *, size: float = 10.0, font: str = "Times-Roman",
           word_gap: float = 2.5, space_glyphs: bool = False) -> list[tuple]:
    """One line of glyphs: letters 0.5 em wide and touching, words ``word_gap`` points apart."""
    out = []
    for word in text.split(" "):
        for ch in word:
            out.append((ch, font, size, x, x + 0.5 * size, top, top + size, True))
            x += 0.5 * size
        if space_glyphs:
            out.append((" ", font, size, x, x + word_gap, top, top + size, True))
        x += word_gap
    return out


def column(x: float, top: float, n: int, width_chars: int = 44, start: int = 0, **kw) -> list[tuple]:
    """``n`` lines of prose (from character ``start`` of the filler text, so pages differ)."""
    words = (FILLER + " ") * 40
    out, pos = [], start
    for i in range(n):
        line = words[pos:pos + width_chars].strip()
        pos += width_chars
        out += glyphs(line, x, top + i * 12, **kw)
    return out


def blocks_of(pages, **meta):
    return layout([(PAGE_W, PAGE_H, g) for g in pages], meta, Settings(), "test.pdf").blocks


def test_tight_kerning_keeps_word_spaces():
    """Word gaps of 2 pt at 10 pt (0.2 em) are spaces: pdfplumber's fixed 3 pt tolerance glues them."""
    page = column(60, 80, 30) + glyphs("Journal of Conflict Resolution (2019) Vol. 63", 60, 500, word_gap=2.0)
    text = " ".join(b.text for b in blocks_of([page]))
    assert "Journal of Conflict Resolution (2019) Vol. 63" in text


def test_heading_in_one_column_stays_its_own_line():
    """A bold "References" in the left column beside body text in the right column is a heading alone."""
    left = column(50, 80, 20, width_chars=40) + glyphs("References", 50, 330, font="Times-Bold")
    left += glyphs("Adler, E. (1997) Seizing the middle ground.", 50, 346, size=9, word_gap=2.2)
    right = column(320, 80, 40, width_chars=40)
    blocks = blocks_of([left + right])
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert "References" in headings
    refs = [b.text for b in blocks if b.kind == "reference"]
    assert refs and refs[0].startswith("Adler, E. (1997)")
    assert not any("References" in b.text for b in blocks if b.kind != "heading")


@pytest.mark.parametrize("heading", ["6. Bibliography", "Literaturverzeichnis", "Literatur", "Quellen"])
def test_numbered_and_german_reference_headings(heading):
    page = column(60, 80, 25) + glyphs(heading, 60, 420, font="Helvetica-Bold")
    page += glyphs("Huinink, Johannes (1991): Familienentwicklung. Frankfurt/M.: Campus.", 60, 436)
    blocks = blocks_of([page])
    assert any(b.kind == "heading" and b.text == heading for b in blocks)
    assert any(b.kind == "reference" and b.text.startswith("Huinink") for b in blocks)


def test_running_footer_removed_at_any_height():
    """A line repeated on every page at the same height, inside the text area, is furniture."""
    pages = [column(60, 80, 25, start=7 * p) + glyphs("Working Paper Series 12/2019", 60, 400, size=8)
             + column(60, 420, 20, start=500 + 7 * p) for p in range(4)]
    text = " ".join(b.text for b in blocks_of(pages) if b.kind != "front_matter")  # (pages 1-2's go to the front matter)
    assert "Working Paper Series" not in text
    assert text.count("ordinary prose") >= 8


def test_table_rows_and_captions_are_no_headings():
    page = column(60, 80, 25) + glyphs("Table 2: Results of the regression", 60, 400, font="Times-Bold")
    page += glyphs("12.4 13.1 0.05 0.01 17", 60, 416, font="Times-Bold") + column(60, 440, 10)
    headings = [b.text for b in blocks_of([page]) if b.kind == "heading"]
    assert not any("Table 2" in h or "12.4" in h for h in headings)


def test_letter_tripled_heading_collapsed():
    from pipeline.text.headings import collapse_tripled, is_reference_heading

    assert collapse_tripled("IIINNNTTTRRROOODDDUUUCCCTTTIIIOOONNN") == "INTRODUCTION"
    assert collapse_tripled("Introduction") == "Introduction"
    assert is_reference_heading("RRREEEFFFEEERRREEENNNCCCEEESSS")


def test_adobe_expert_small_capitals_read_as_letters():
    """Small capitals and old-style figures of Adobe expert fonts (U+F700 + ASCII) come out as ASCII."""
    from pipeline.ingest.pdf import _fix

    assert _fix("\uf765\uf775\uf772\uf76f\uf770\uf765\uf761\uf76e Vol \uf738") == "european Vol 8"
    assert _fix("plain \uf8ff text") == "plain \uf8ff text"  # other private-use code points are left alone
