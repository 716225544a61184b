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
