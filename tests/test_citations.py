"""References, in-text citations, the source registry and the audit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from pipeline.citations import find_author_year
from pipeline.text.identifiers import repair_url
from pipeline.references.parser import parse_reference, split_names

from .conftest import DATA


# Reference strings written for these tests (not copied from the article's list).
@pytest.mark.parametrize(
    "text,expected",
    [
        ("Waltz, K. N. (1979). Theory of International Politics. Reading, MA: Addison-Wesley.",
         {"year": 1979, "type": "book", "publisher": "Addison-Wesley", "first_family": "Waltz"}),
        ("Nye, J. S., & Keohane, R. O. (1971). Transnational relations and world politics: An introduction. International Organization, 25(3), 329-349.",
         {"year": 1971, "volume": "25", "issue": "3", "page": "329-349", "type": "article-journal", "first_family": "Nye",
          "container_title": "International Organization"}),
        ("Mearsheimer, John J. 2014. The Tragedy of Great Power Politics. New York: W. W. Norton.",
         {"year": 2014, "first_family": "Mearsheimer", "type": "book"}),
        ("Trenin, D. (2016). Russia's Middle East Policy. In A. Smith (Ed.), Handbook of Eurasian Security (pp. 101-120). London: Routledge.",
         {"year": 2016, "first_family": "Trenin", "type": "chapter"}),
        ("Krickovic, A. (2017). The symbiotic China-Russia partnership. Post-Soviet Affairs, 33(4), 299-317. https://doi.org/10.1080/1060586X.2017.1287143",
         {"doi": "10.1080/1060586X.2017.1287143", "year": 2017, "first_family": "Krickovic"}),
    ],
)
def test_parse_reference_fields(text, expected):
    out = parse_reference(text)
    for key, value in expected.items():
        if key == "first_family":
            assert out.authors[0].family == value, out.authors
        else:
            assert getattr(out, key) == value, (key, getattr(out, key))


@pytest.mark.parametrize(
    "names,expected",
    [
        ("Rumer, E., & Sokolsky, R.", [("Rumer", "E."), ("Sokolsky", "R.")]),
        ("Julian G. Waller, Elizabeth Wishnick", [("Waller", "Julian G."), ("Wishnick", "Elizabeth")]),
        ("Trezza MCAF, Santos RM", [("Trezza", "MCAF"), ("Santos", "RM")]),
    ],
)
def test_split_names(names, expected):
    assert [(p["family"], p.get("given")) for p in split_names(names)] == expected


def test_organisation_is_literal():
    assert split_names("Foundation for Defense of Democracies") == [{"literal": "Foundation for Defense of Democracies"}]


def test_parse_references_command():
    """Output line N answers input line N (blank lines kept), with the input string and a confidence."""
    lines = ("Waltz, K. N. (1979). Theory of International Politics. Reading, MA: Addison-Wesley.\n\n"
             "Карпов А. (2020). Россия и Иран. Москва: Наука.\n")
    out = subprocess.run([sys.executable, "-m", "irpipe", "parse-references"], input=lines,
                         capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[1] == {"line": 2, "input": "", "empty": True}
    assert rows[0]["input"].startswith("Waltz") and rows[2]["input"].startswith("Карпов")
    assert rows[0]["year"] == 1979 and rows[2]["year"] == 2020
    for row in (rows[0], rows[2]):
        assert set(row) >= {"authors", "year", "title", "container_title", "editors", "publisher", "publisher_place",
                            "volume", "issue", "page", "url", "doi", "accessed", "type", "confidence"}
        assert 0.0 < row["confidence"] <= 1.0


def test_parse_references_bad_line():
    """A line that is not UTF-8 gives one stderr line with its number; the lines after it are still parsed."""
    data = (b"Waltz, K. N. (1979). Theory of International Politics. Reading, MA: Addison-Wesley.\n"
            b"\xff\xfe broken\n"
            b"Pape, R. A. (1997). Why economic sanctions do not work. International Security, 22(2), 90-136.\n")
    out = subprocess.run([sys.executable, "-m", "irpipe", "parse-references"], input=data, capture_output=True)
    assert out.returncode == 1
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[1]["input"] is None and "UTF-8" in rows[1]["error"]
    assert rows[2]["year"] == 1997
    err = out.stderr.decode().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("stdin line 2:")


def test_confidence_is_lower_on_prose():
    ref = parse_reference("Pape, R. A. (1997). Why economic sanctions do not work. International Security, 22(2), 90-136.")
    prose = parse_reference("the talks went on until late and nobody expected that the sanctions would be lifted soon")
    assert ref.confidence > prose.confidence


def test_crf_card_meets_goal():
    """The model card reports a fixed held-out split of core.xml and of the corpus's segmented.xml."""
    metrics = json.loads((DATA.parent.parent / "models" / "references" / "metrics.json").read_text())
    assert metrics["data"]["core.xml"]["test"] > 200 and metrics["data"]["excite"]["test"] > 400
    assert metrics["split"]["test_papers"] and metrics["test_sequences"] < metrics["sequences"]
    # held-out token F1 (micro) of the shipped model; the goal is 0.92 (not reached: see the card)
    assert metrics["micro_f1"] >= 0.89
    assert metrics["per_label"]["author"]["f1-score"] >= 0.93 and metrics["per_label"]["title"]["f1-score"] >= 0.92


def test_many_references_and_scripts():
    refs = [f"Author{i}, A. ({1950 + i % 70}). Title number {i}. Journal of Tests, {i % 40}(2), 1-{i + 2}." for i in range(2000)]
    refs += ["Şahin, M. (2020). İran Dış Politikasında Kamu Diplomasisi. Ortadoğu Etütleri, 12(1), 154-180.",
             "李明 (2019). 中国外交政策研究. 北京: 人民出版社."]
    parsed = [parse_reference(r) for r in refs]
    assert sum(1 for r, p in zip(refs[:2000], parsed) if p.year == 1950 + refs.index(r) % 70) == 2000
    assert parsed[-2].year == 2020 and parsed[-1].year == 2019


# ---------------------------------------------------------------- PDF reference lists

def test_reference_lists_of_dev_pdfs(pdf_docs):
    gold_total = found = pred_total = correct = 0
    for stem, doc in pdf_docs.items():
        refs = [p.text for p in doc.passages if p.kind == "reference"]
        gold = [g for g in (DATA / f"{stem}.references.txt").read_text().splitlines() if g.strip()]
        gold_total += len(gold)
        pred_total += len(refs)
        found += sum(1 for g in gold if any(fuzz.ratio(g, r) >= 90 for r in refs))
        correct += sum(1 for r in refs if any(fuzz.ratio(g, r) >= 90 for g in gold))
    assert found / gold_total >= 0.95
    assert correct / pred_total >= 0.90


# ---------------------------------------------------------------- in-text citations

@pytest.mark.parametrize(
    "text,names,years",
    [
        ("as argued (Souleimanov et al., 2017).", ["souleimanov"], [2017]),
        ("(Rumer and Sokolsky, 2019)", ["rumer", "sokolsky"], [2019]),
        ("(Keohane & Nye, 1977)", ["keohane", "nye"], [1977]),
        ("(David Adesnik et al, 2019)", ["david", "adesnik"], [2019]),
        ("(Jalilvand et al, 2025)", ["jalilvand"], [2025]),
        ("as Slaughter (2004) shows", ["slaughter"], [2004]),
        ("(Rodrigues 2008, p. 1019)", ["rodrigues"], [2008]),
        ("(Sutton, 1991, 1998)", ["sutton"], [1991, 1998]),
        # narrative forms as footnotes print them: a comma before "et al.", a bracket glued to the name
        ("data of Becker, et al. (2003) show", ["becker"], [2003]),
        ("as in Lindqvist(2011).", ["lindqvist"], [2011]),
    ],
)
def test_author_year_forms(text, names, years):
    found = find_author_year(text)
    assert len(found) == 1
    _, _, _, got_names, got_years = found[0]
    assert got_names == names and got_years == years


def test_several_in_one_bracket():
    found = find_author_year("(Waltz, 1979; Keohane & Nye, 1977; Slaughter 2004)")
    assert [f[3][0] for f in found] == ["waltz", "keohane", "slaughter"]
    text = "(Waltz, 1979; Keohane & Nye, 1977; Slaughter 2004)"
    for s, e, marker, *_ in found:
        assert text[s:e] == marker


def test_article_citations_resolve(article_doc):
    author_year = [c for c in article_doc.citations if c.kind == "author_year"]
    assert len(author_year) >= 14
    status = {c.text: c.status for c in author_year}
    assert status["Parker, 2017"] == "unresolved"
    for marker in ("Souleimanov et al., 2017", "David Adesnik et al, 2019", "Jalilvand et al, 2025",
                   "Keohane & Nye, 1977", "Rumer and Sokolsky, 2019", "Giorgio Cafiero, 2025"):
        assert status[marker] == "resolved", marker
    refs = {r.id: r for r in article_doc.references}
    cafiero = next(c for c in author_year if c.text == "Giorgio Cafiero, 2025")
    assert refs[cafiero.reference_id].year == 2025
    footnote_cits = [c for c in article_doc.citations if c.kind == "footnote"]
    assert footnote_cits and all(c.footnote_id for c in footnote_cits)


def test_article_audit(article_doc):
    findings = article_doc.audit.findings
    kinds = {f.kind for f in findings}
    assert {"unmatched_citation", "uncited_reference", "year_mismatch", "duplicate_footnote",
            "garbled_footnote", "footnote_numbering"} <= kinds
    uncited = " ".join(f.message for f in findings if f.kind == "uncited_reference")
    assert "Afzali 2023" in uncited and "Karaoğlu 2024" in uncited
    assert any(f.kind == "year_mismatch" and "Haass" in f.quote for f in findings)
    for f in findings:
        assert f.passage_id.startswith("p") and f.quote


@pytest.mark.parametrize(
    "raw,following,expected",
    [
        ("https://en.wikipedia.org/wiki/HESA\\_Shahed\\_136#cite\\_note-75", "", "https://en.wikipedia.org/wiki/HESA_Shahed_136"),
        ("https://en.wikipedia.org/wiki/Iranian-Russian", " Treaty on Comprehensive Strategic Partnership.",
         "https://en.wikipedia.org/wiki/Iranian-Russian_Treaty_on_Comprehensive_Strategic_Partnership"),
        ("https://carnegieendowment.org/x?lang=en.", "", "https://carnegieendowment.org/x?lang=en"),
        ("https://Example.org/a?utm_source=t&id=3);", "", "https://example.org/a?id=3"),
    ],
)
def test_repair_url(raw, following, expected):
    assert repair_url(raw, following) == expected


def test_source_registry(article_doc):
    urls = [s.url for s in article_doc.sources]
    assert len(urls) == len(set(urls))
    assert "https://en.wikipedia.org/wiki/HESA_Shahed_136" in urls
    assert "https://en.wikipedia.org/wiki/Iranian-Russian_Treaty_on_Comprehensive_Strategic_Partnership" in urls
    assert not any("jssjournal.com" in u for u in urls)
    chain = [s for s in article_doc.sources if "chainalysis" in s.url]
    assert len(chain) == 1 and chain[0].citing_passage_ids
    assert all(s.status == "not_fetched" for s in article_doc.sources)
    assert any(s.doi == "10.4324/9781315121826" for s in article_doc.sources)


def test_empty_reference_section(tmp_path):
    from pipeline.process import process_path

    path = tmp_path / "a.md"
    path.write_text("# A Title\n\n# Introduction\n\nRussia and Iran (Waltz, 1979) met.\n\n# References\n\n")
    doc, _ = process_path(path, tmp_path / "out")
    assert doc.references == []
    assert doc.citations[0].status == "unresolved"


# ---------------------------------------------------------------- references in footnotes

from pipeline.citations import find_numbered  # noqa: E402
from pipeline.references.footnotes import footnote_parts  # noqa: E402

# Written for these tests: German humanities notes with leads, several works per note and back-references.
FOOTNOTE_MD = """# Nationalismus in Europa

# Einleitung

Die Nation ist eine moderne Erfindung.<sup>1</sup> Das wurde oft bestritten.<sup>2</sup> Manche sehen es anders.<sup>3</sup> Die Debatte geht weiter.<sup>4</sup> Und weiter.<sup>5</sup>

<sup>1</sup> Vgl. Ernest Gellner, Nationalismus und Moderne, Berlin: Rotbuch 1991, S. 12; Benedict Anderson, Die Erfindung der Nation. Zur Karriere eines folgenreichen Konzepts, Frankfurt/M.: Campus 1988.

<sup>2</sup> Ebd., S. 15.

<sup>3</sup> Dies ist nur eine Bemerkung, die hier nicht weiter ausgeführt wird.

<sup>4</sup> See Eric Hobsbawm, Nations and Nationalism since 1780, Cambridge: Cambridge University Press 1990.

<sup>5</sup> Gellner, a.a.O., S. 40.
"""


@pytest.mark.parametrize(
    "note,parts",
    [
        ("Vgl. Ernest Gellner, Nationalismus und Moderne, Berlin 1991, S. 12; Benedict Anderson, Die Erfindung der "
         "Nation, Frankfurt/M. 1988.",
         [("Ernest Gellner, Nationalismus und Moderne, Berlin 1991, S. 12", "text"),
          ("Benedict Anderson, Die Erfindung der Nation, Frankfurt/M. 1988.", "text")]),
        ("Ibid., p. 4.", [("Ibid., p. 4.", "backref")]),
        ("ebd., S. 5; vgl. auch Max Weber, Wirtschaft und Gesellschaft, Tübingen 1922.",
         [("ebd., S. 5", "backref"), ("Max Weber, Wirtschaft und Gesellschaft, Tübingen 1922.", "text")]),
        ("Cf. J. Smith, The Long Peace, Oxford 1990, pp. 3-5 (a page range; stays whole).",
         [("J. Smith, The Long Peace, Oxford 1990, pp. 3-5 (a page range; stays whole).", "text")]),
    ],
)
def test_footnote_parts(note, parts):
    """Cut at ';' outside brackets, leads (Vgl., See, Cf., vgl. auch) stripped, Ibid./ebd. marked as back-references."""
    got = footnote_parts(note)
    assert [(p.text, p.kind) for p in got] == parts
    for p in got:
        assert note[p.start:p.end] == p.text


def test_footnote_references_and_ibid(tmp_path):
    from pipeline.process import process_path

    path = tmp_path / "notes.md"
    path.write_text(FOOTNOTE_MD, encoding="utf-8")
    doc, _ = process_path(path, tmp_path / "out")
    refs = {r.id: r for r in doc.references}
    assert all(r.origin == "footnote" for r in refs.values())
    fams = {r.id: r.authors[0].family for r in refs.values()}
    # Ebd. is no new reference; "Gellner, a.a.O., S. 40." is a reference string (a short form, as EXCITE's gold counts
    # it where the notes cite) that names Gellner's work, no new work
    works = {i: f for i, f in fams.items() if not refs[i].same_as}
    assert sorted(works.values()) == ["Anderson", "Gellner", "Hobsbawm"]
    named = [r for r in refs.values() if r.same_as]
    assert [r.text for r in named] == ["Gellner, a.a.O., S. 40."] and fams[named[0].same_as] == "Gellner"
    notes = {fn.number: fn for fn in doc.footnotes}
    assert [fams[i] for i in notes[1].reference_ids] == ["Gellner", "Anderson"]
    assert [fams[i] for i in notes[2].reference_ids] == ["Gellner"]  # Ebd. -> the previous note's reference
    assert notes[3].reference_ids == []  # a comment is no reference
    assert [fams[i] for i in notes[4].reference_ids] == ["Hobsbawm"]
    assert [fams[i] for i in notes[5].reference_ids] == ["Gellner"]  # "Gellner, a.a.O." -> Gellner's work
    assert not any(r.text.lower().startswith(("vgl", "see", "ebd", "ibid")) for r in refs.values())
    cit = {c.text: c for c in doc.citations if c.kind == "footnote"}
    assert cit["2"].reference_id == notes[1].reference_ids[0]
    assert set(refs[notes[1].reference_ids[0]].cited_by) >= {cit["1"].id, cit["2"].id, cit["5"].id}


# ---------------------------------------------------------------- numbered citations

NUMBERED_MD = """# Sanctions and Their Limits

# Introduction

Sanctions rarely change a regime's course [1]. Others see more effect [2, 3], and the debate is summarised in [1-3]. The data are shown in Table [2] and in Figure (3). One study counted (2) cases in 2019 (2019); see also [7].

# References

[1] Drezner, D. W. The Sanctions Paradox. Cambridge: Cambridge University Press; 1999.

[2] Pape, R. A. Why economic sanctions do not work. International Security. 1997;22(2):90-136.

[3] Hufbauer, G. C., Schott, J. J., Elliott, K. A. Economic Sanctions Reconsidered. Washington: Peterson Institute; 2007.
"""


@pytest.mark.parametrize(
    "text,expected",
    [
        ("as shown [12].", [("[12]", [12])]),
        ("several [3-5] agree", [("[3-5]", [3, 4, 5])]),
        ("others [3, 7].", [("[3, 7]", [3, 7])]),
        ("in the survey (12).", [("(12)", [12])]),
        ("see Table [3] and Fig. (4), Section [2]", []),
        ("(2) cases were counted", []),  # an enumeration: a word follows
        ("in 2019 (2019).", []),  # beyond the list: a year
        ("pages [5-90].", []),  # a range longer than MAX_CITED_RANGE
    ],
)
def test_find_numbered(text, expected):
    assert [(m, nums) for _, _, m, nums in find_numbered(text, 40)] == expected


def test_numbered_citations_resolve(tmp_path):
    from pipeline.process import process_path

    path = tmp_path / "numbered.md"
    path.write_text(NUMBERED_MD, encoding="utf-8")
    doc, _ = process_path(path, tmp_path / "out")
    assert [r.number for r in doc.references] == [1, 2, 3]
    num = [c for c in doc.citations if c.kind == "numbered"]
    by_ref = {r.id: r.number for r in doc.references}
    assert [(c.text, by_ref[c.reference_id]) for c in num] == [
        ("[1]", 1), ("[2, 3]", 2), ("[2, 3]", 3), ("[1-3]", 1), ("[1-3]", 2), ("[1-3]", 3)]
    assert all(c.status == "resolved" for c in num)
    body = next(p for p in doc.passages if p.kind == "body")
    assert all(body.text[c.start - body.start:c.end - body.start] == c.text for c in num)


def test_numbered_citations_of_dev_pdfs(pdf_docs):
    """Vancouver-style PDFs (bracketed and raised numbers): nearly every numbered citation resolves."""
    from pipeline.citations import annotate_citations
    from pipeline.settings import get_settings

    resolved = total = 0
    for stem in ("54891", "51256"):
        doc = annotate_citations(pdf_docs[stem].model_copy(deep=True), get_settings())
        assert all(r.number is not None for r in doc.references if r.origin == "reference_list")
        num = [c for c in doc.citations if c.kind == "numbered"]
        total += len(num)
        resolved += sum(c.status == "resolved" for c in num)
    # 57 numbered citations with the layout-rewritten reader (at least 60 before it; not investigated)
    assert total >= 50 and resolved / total >= 0.85


# ---------------------------------------------------------------- reference sections the reader did not mark

def _blocks(items):
    from pipeline.ingest.types import Block, Line

    out = []
    for n, (kind, text) in enumerate(items):
        lines = [Line(text=text, x0=72.0, x1=520.0, top=100.0 + 14 * n, page=1 + n // 40, size=10.0)] if kind != "heading" else []
        out.append(Block(kind=kind, text=text, page=1 + n // 40, lines=lines))
    return out


# Written for these tests.
_PROSE = [("body", f"This paragraph number {i} discusses the argument of the paper at some length and with care.")
          for i in range(30)]
_LISTED = [("body", f"Author{c}, Anna ({1990 + i}). A book about topic {i}. Berlin: Verlag.")
           for i, c in enumerate("ABCDEFG")]


@pytest.mark.parametrize("heading", ["Bibliographical references", "8.1 Verzeichnis der verwendeten Literatur",
                                     "Literatur Allgemeine Literatur", "Referências bibliográficas", "Bibliografía"])
def test_reference_section_under_unknown_heading(heading):
    from pipeline.references.split import mark_reference_sections

    blocks = _blocks([("heading", "1 Introduction"), *_PROSE, ("heading", heading), *_LISTED,
                      ("heading", "8.2 Verzeichnis der Abbildungen"), ("body", "Abbildung 1: Entwicklung 1990 bis 2000")])
    out = mark_reference_sections(blocks)
    assert [b.text for b in out if b.kind == "reference"] == [t for _, t in _LISTED]
    assert all(b.kind != "reference" for b in blocks)  # the reader's blocks are not changed


def test_unheaded_reference_list_at_the_end():
    from pipeline.references.split import mark_reference_sections

    out = mark_reference_sections(_blocks([("heading", "1 Introduction"), *_PROSE, *_LISTED]))
    assert [b.text for b in out if b.kind == "reference"] == [t for _, t in _LISTED]
    # prose only, or a list the reader found already: nothing changes
    assert not any(b.kind == "reference" for b in mark_reference_sections(_blocks(_PROSE)))
    few = mark_reference_sections(_blocks([*_PROSE, *_LISTED[:3]]))
    assert not any(b.kind == "reference" for b in few)
    found = _blocks([*_PROSE, ("reference", "Smith, J. (2000). A title. Berlin."), *_LISTED])
    assert [b.kind for b in mark_reference_sections(found)] == [b.kind for b in found]


def test_long_joined_references_are_cut():
    """Entries the layout rules ran together are cut at the next list number or an author opening after a closed entry."""
    from pipeline.references.split import resplit_long

    # Written for this test.
    numbered = ("9. Lima SG, Rocha MM. Outpatients with vascular ulcers: a study of clinical variables. Rev Enferm. "
                "2012;46(2):302-10. 10.Alves LC, Borges EL. Pain in outpatients with chronic ulcers. Rev Estima. "
                "2011;9(1):14-23. 1.Lopes RS, Ferreira PS. Venous ulcers in primary care. Clin Dermatol. 2007;25(1):121-30 "
                "12. Moura CJ, Walters SJ, Dias S. Cost of community leg ulcer clinics: a randomised controlled trial in "
                "four districts of a large city. Br Med J. 1998;316:1487-91.")
    flush = ("Fischer, A. (1990b). A study of seven questionnaire measures of the work ethic. Human Relations, 43, "
             "383-399. Gold, B., & Eich, R. (1961). The changing work ethic: rural patterns in health, work and "
             "leisure. American Sociological Review, 26, 557-565. Green, J. (1977). The work ethic and reactions to "
             "negative performance evaluations on a laboratory task and in the field, with a replication in two "
             "samples of students and workers. Journal of Applied Psychology, 62, 682-690.")
    short = [("Short, A. (2000). A title. Berlin: Verlag.", 1)] * 4
    out = [t for t, _ in resplit_long([(numbered, 3), (flush, 3), *short])]
    # "1.Lopes" (a misread 11) is out of sequence: it stays with the entry before it
    assert [t[:8] for t in out[:6]] == ["9. Lima ", "10.Alves", "12. Mour", "Fischer,", "Gold, B.", "Green, J"]
    assert "1.Lopes" in out[1] and out[6:] == [t for t, _ in short]
    # an ordinary long entry with an author list is not cut
    one = ("Smith, J., Jones, K., Brown, L., White, M., Black, N., Green, O., Grey, P., Young, Q., Old, R., New, S. "
           "(2001). " + "A very long title about many things in international politics " * 6 + "London: Routledge.")
    assert resplit_long([(one, 1), *short])[0] == (one, 1)


def test_bullets_are_stripped():
    from pipeline.ingest.types import Line
    from pipeline.references.split import split_references

    lines = [Line(text=f"• Author{c}, Anna (199{i}). A book about topic {i}. Berlin: Verlag.", x0=72, x1=400,
                  top=100 + 14 * i, page=1, size=10) for i, c in enumerate("ABC")]
    assert [t for t, _ in split_references(lines)] == [ln.text[2:] for ln in lines]


@pytest.mark.parametrize(
    "part,is_reference",
    [
        # written for this test, in the shapes of German footnote references
        ("Hans-Jürgen Urban: Die neue Linke, in: Blätter für deutsche und internationale Politik 5 (2009), S. 71-78.", True),
        ("Biallas / Knauer (2006): Von Bandung zum Ölgeschäft: Indien in Afrika, Hamburg: Institut für Afrika-Kunde.", True),
        ("Ernest Gellner, Nationalismus und Moderne, Berlin 1991, S. 12.", True),
        ("Dies ist seit 1990 so, und die Forschung hat das in den letzten Jahren oft und deutlich gezeigt.", False),
        ("Die Zahlen für 2005 sind vorläufig und werden von dem Amt noch einmal überprüft.", False),
    ],
)
def test_footnote_part_rule(part, is_reference):
    from pipeline.references.footnotes import classify_parts

    parts = classify_parts(footnote_parts(part), has_list=False, list_scores=[0.0],
                           model_file=DATA / "no-such-model.json")
    assert (parts[0].kind == "reference") is is_reference


# ---------------------------------------------------------------- reference-list boundaries and entry openings

def _lines(rows, x0=72.0, pitch=12.0, page=1):
    """Line records for (indent, text, gap) rows; gap is extra vertical space before the row, in points."""
    from pipeline.ingest.types import Line

    out, top = [], 100.0
    for indent, text, gap in rows:
        top += gap
        width = min(6.0 * len(text), 450.0)
        out.append(Line(text=text, x0=x0 + indent, x1=x0 + indent + width, top=top, page=page, size=10.0))
        top += pitch
    return out


# Written for these tests, in the shapes the EXCITE corpus shows after its lists (notes on the authors, a
# citation box, submission dates, a publisher's list of other titles).
_ENTRIES = [(0, "Abel, Anna (2001). A first book about the state. Berlin: Verlag.", 0),
            (0, "Berg, Bernd (2002). A second book about power. London: Routledge.", 0),
            (0, "Cole, Carla (2003). A third book about war. Oxford: Clarendon.", 0),
            (0, "Dahl, Dora (2004). A fourth book about peace. Paris: Seuil.", 0)]


@pytest.mark.parametrize("trailer", [
    "Author Piet Example is associate professor in the Department of Communication Science.",
    "HEATHER EXAMPLE is an award-winning author and a professor at a university in Canada.",
    "Citation Example, Rosa (2007). A paper about work [56 paragraphs]. Forum Qualitative Social Research.",
    "( Received 18 May 2013; accepted 21 May 2013 )",
    "Paper received 30 January 2004; revised version accepted 28 January 2005.",
    "DISCUSSION PAPERS 2001",
    "Bücher des Forschungsschwerpunkts Markt und politische Ökonomie",
    "About the author: Julia Example is Professor of Adult Education.",
    "Contact: Kirsten Example, Professor, Roskilde University",
    "Wolbert Example ist wissenschaftlicher Mitarbeiter am Institut der Universität Hamburg.",
    "Prof. Dr. Anna Example, Wissenschaftszentrum Berlin, Reichpietschufer 50, 10785 Berlin",
    "Manuskriptendfassung eingegangen am 19. Januar 2003.",
])
def test_what_follows_the_list_is_cut(trailer):
    from pipeline.references.split import split_references

    more = [(0, trailer, 0), (0, "Ewald, Eva (2000). A book in the series. Berlin: Verlag. Bestell Nr.: FS I 00-101", 0)]
    out = [t for t, _ in split_references(_lines(_ENTRIES + more))]
    assert out == [t for _, t, _ in _ENTRIES]


def test_a_page_of_trailer_goes_whole():
    """A series' page after the list ("- HAFOS -", who edits it, then "Prof. Dr. ..."): the whole page is cut,
    but a last entry that runs on to the trailer's page keeps its continuation."""
    from pipeline.references.split import split_references

    series = _lines([(200, "- SERIES -", 0), (0, "Die Forschungsberichte werden herausgegeben von Anna Example", 0),
                     (180, "Prof. Dr. Anna Example", 0)], page=2)
    out = [t for t, _ in split_references(_lines(_ENTRIES) + series)]
    assert out == [t for _, t, _ in _ENTRIES]
    runs_on = _lines([*_ENTRIES[:-1], (0, "Dahl, Dora (2004). A fourth book about peace and about war and about", 0)])
    more = _lines([(20, "everything else. Paris: Seuil.", 0), (180, "Prof. Dr. Anna Example", 0)], page=2)
    assert split_references(runs_on + more)[-1][0].endswith("everything else. Paris: Seuil.")


def test_trailer_before_the_list_is_kept_out_of_the_cut():
    """A "Citation" box before any reference (a first page the reader ran into the list) does not end the list."""
    from pipeline.references.split import cut_trailer

    lines = _lines([(0, "Citation", 0), *_ENTRIES])
    assert cut_trailer(lines) == lines


def test_series_numbers_end_the_list_only_when_repeated():
    from pipeline.references.split import cut_trailer

    one = _lines([*_ENTRIES, (0, "UNDP Nr. 5 (1999). Human development report. New York.", 0)])
    assert cut_trailer(one) == one
    two = _lines([*_ENTRIES, (0, "HAFOS Nr. 56 Witte, Erich H.: Sozialisationstheorien.", 0),
                  (0, "HAFOS Nr. 57 Plum, Nina: Outside-In.", 0)])
    assert len(cut_trailer(two)) == len(_ENTRIES)


def test_entries_set_apart_by_space():
    """Flush entries of two lines, a gap between them (FQS style): the gap opens an entry."""
    from pipeline.references.split import split_references

    rows = []
    for i, name in enumerate(["Butler, Judith", "de Duve, Thierry", "Goethe, Johann W.", "Hagen, Wolf", "Mersch, Dieter"]):
        rows += [(0, f"{name} ({2000 + i}). A long title about art and politics that runs on to the next line of", 6 if i else 0),
                 (0, "the page. In Anna Editor (Ed.), A Book (pp.1-9). Berlin: Kadmos [Orig. 1930]", 0)]
    out = [t for t, _ in split_references(_lines(rows))]
    assert len(out) == 5 and out[1].startswith("de Duve")


def test_ditto_and_key_openings():
    """", 1984: ..." (the same author, its dash drawn as a line and indented) and "[BAUD93]" open entries."""
    from pipeline.references.split import split_references

    ditto = [(0, "Akerlof, George A., 1970: The Market for Lemons: Quality Uncertainty and the Market Mecha-", 0),
             (20, "nism. In: Quarterly Journal of Economics 84, 488-500.", 0),
             (18, ", 1984: Gift Exchange and Efficiency-Wage Theory. In: American Economic Review 74, 79-", 0),
             (20, "83.", 0),
             (0, "Arrow, Kenneth, 1973: Social Responsibility and Economic Efficiency. In: Public Policy 21,", 0),
             (20, "303-317.", 0)]
    assert [t[:6] for t, _ in split_references(_lines(ditto))] == ["Akerlo", ", 1984", "Arrow,"]
    keys = [(0, "[BAUD93] Baudel, T.: CHARADE - Remote Control of Objects using Free-Hand Gestures, Communica-", 0),
            (35, "tions of the ACM, Vol.36, No.7, July 1993", 0),
            (0, "[CARR91] Carr, R.: The Point of the Pen, Byte, Feb. 1991, S. 211-221", 11),
            (0, "[KIM88] Kim, J.: On-line Gesture Recognition by Feature Analysis, Proceedings of Vision Interface", 11),
            (35, "1988, pp. 51-55", 0)]
    assert [t[:7] for t, _ in split_references(_lines(keys))] == ["[BAUD93", "[CARR91", "[KIM88]"]


def test_one_line_entries_without_full_stop():
    from pipeline.references.split import split_references

    rows = [(0, "Assmann, Jan (1997): Das kulturelle Gedächtnis. München", 0),
            (0, "Grass, Günter (2006): Beim Häuten der Zwiebel. Göttingen", 0),
            (0, "Harig, Ludwig (1990): Weh dem, der aus der Reihe tanzt. München", 0),
            (0, "Kunert, Günter (2003): Erwachsenenspiele. Erinnerungen an eine Kindheit im Krieg. Frankfurt/M.", 0)]
    assert len(split_references(_lines(rows))) == 4


def test_numbered_list_read_as_notes_becomes_references():
    """Notes numbered from 1 under the last reference heading, nothing else there: a numbered reference list."""
    from pipeline.ingest.types import Block
    from pipeline.references.split import mark_reference_sections

    entries = ["Furnas, G.W., et al.: The Vocabulary Problem. Communications of the ACM 30(11), 964-971 (1987)",
               "Kluck, M.: The GIRT Data in the Evaluation of CLIR Systems. Springer, Heidelberg (2004)",
               "Xu, J., Croft, W.B.: Query expansion using local and global document analysis. SIGIR (1996)"]
    notes = [Block(kind="footnote", text=t, page=6, number=n) for n, t in enumerate(entries, 1)]
    body = [Block(kind="body", text="Some text with a note.", page=1), Block(kind="footnote", text="A real note.", page=1, number=1)]
    out = mark_reference_sections([*body, Block(kind="heading", text="References", page=6), *notes])
    assert [b.text for b in out if b.kind == "reference"] == [f"{n}. {t}" for n, t in enumerate(entries, 1)]
    assert out[1].kind == "footnote"  # the paper's own note stays a note
    # notes that continue the paper's numbering are the notes of that page
    cont = [Block(kind="footnote", text=t, page=6, number=n) for n, t in enumerate(entries, 7)]
    assert not any(b.kind == "reference" for b in mark_reference_sections([*body, Block(kind="heading", text="References", page=6), *cont]))


def test_unheaded_list_before_author_notes():
    """An unheaded list at the end, then notes on the authors and an imprint (EXCITE 44282, 6041)."""
    from pipeline.references.split import mark_reference_sections

    tail = [("body", "Autorennotiz: Anna Example, wissenschaftliche Mitarbeiterin am Institut."),
            ("body", "E-Mail: anna@example.org"),
            ("body", "Impressum: Der Brennpunkt erscheint zweimal im Monat."),
            ("body", "Redaktion: Bernd Example; Textverarbeitung: Carla Example"),
            ("body", "INSTITUT FÜR EXAMPLE-KUNDE Alsterglacis 8 Hamburg")]
    out = mark_reference_sections(_blocks([("heading", "1 Introduction"), *_PROSE, *_LISTED,
                                           ("body", "Stenographisches Protokoll, 21. Sitzung des Nationalrates, 21.11.1983."),
                                           *_LISTED[:2], *tail]))
    refs = [b.text for b in out if b.kind == "reference"]
    assert len(refs) == len(_LISTED) + 3 and refs[0] == _LISTED[0][1] and "Autorennotiz" not in " ".join(refs)


# The EXCITE corpus of the shared data (as eval/datasets.py finds it).
from eval.datasets import DEFAULT_CORPUS as _EXCITE  # noqa: E402


@pytest.mark.skipif(not (_EXCITE / "en" / "46479.pdf").exists(), reason="the EXCITE corpus is not here")
@pytest.mark.parametrize("paper", ["en/46479", "de-end/27055"])
def test_reference_lists_of_corpus_pdfs(paper):
    """Two real papers of the kinds fixed: a numbered list the reader reads as notes (46479) and one-line entries
    without a full stop (27055). Every gold string is found (normalised fuzz.ratio >= 90)."""
    from pipeline.citations import _list_references
    from pipeline.process import assemble, ingest

    doc = assemble(ingest(_EXCITE / f"{paper}.pdf"))
    got = [" ".join(r.text.split()).lower() for r in _list_references(doc)]
    gold = [" ".join(g.split()).lower() for g in (_EXCITE / f"{paper}.references.txt").read_text(encoding="utf-8").splitlines() if g.strip()]
    found = sum(1 for g in gold if max((fuzz.ratio(g, x) for x in got), default=0) >= 90)
    assert found == len(gold) and len(got) <= len(gold) + 1


def test_list_goes_on_past_an_entry_read_as_heading():
    """An entry the reader took for a heading inside the list: the list goes on past it, up to a real section."""
    from pipeline.references.split import mark_reference_sections

    after = [("heading", "Sachverständigenrat Example (2009): Ein Jahresgutachten über Wirtschaft und Staat."),
             ("body", "Wirtschaftsleistung, Lebensqualität und Nachhaltigkeit. Wiesbaden."),
             *_LISTED[:3], ("heading", "8.2 Verzeichnis der Abbildungen"), ("body", "Abb. 1 Systematik S. 4")]
    blocks = _blocks([("heading", "1 Introduction"), *_PROSE, ("heading", "8.1 Verzeichnis der verwendeten Literatur"),
                      *_LISTED, *after])
    for b in blocks:  # the entry read as heading keeps its line, as the PDF reader gives it
        if b.text.startswith("Sachverständigenrat"):
            from pipeline.ingest.types import Line
            b.lines = [Line(text=b.text, x0=72.0, x1=520.0, top=700.0, page=2, size=10.0)]
    refs = [b.text for b in mark_reference_sections(blocks) if b.kind == "reference"]
    assert len(refs) == len(_LISTED) + 5 and refs[len(_LISTED)].startswith("Sachverständigenrat")
    assert not any(r.startswith("Abb.") for r in refs)


def test_institution_entries_keep_the_last_page():
    """A last page of "Publisher: Title, year." entries (a ludography after the literature) is no trailer to drop."""
    from pipeline.references.split import split_references

    games = [(0, t, 4) for t in ["Capcom: Resident Evil, 1996.", "Konami: Silent Hill 2, 2001.", "Nintendo: Super Mario Land, 1989.",
                                 "Tecmo: Project Zero, 2001."]]
    out = [t for t, _ in split_references(_lines(_ENTRIES) + _lines(games, page=2))]
    assert out[-3:] == [t for _, t, _ in games[1:]]  # (the first joins the last entry of page 1: a layout question)


def test_gap_separated_entries_ignore_openings_inside():
    """Where every entry opens after a gap, "Cambridge, MA: ..." after a closed title line stays in its entry."""
    from pipeline.references.split import split_references

    rows = []
    for i, name in enumerate(["Abel, Anna", "Berg, Bernd", "Cole, Carla", "Dahl, Dora"]):
        rows += [(0, f"{name} ({1990 + i}). Voices of the mind: a sociocultural approach to action.", 6 if i else 0),
                 (0, "Cambridge, MA: Harvard University Press.", 0)]
    out = [t for t, _ in split_references(_lines(rows))]
    assert len(out) == 4 and all(t.endswith("Harvard University Press.") for t in out)


def test_trailer_heading_broken_after_its_first_word():
    from pipeline.references.split import cut_trailer

    lines = _lines([*_ENTRIES, (0, "Bücher", 0), (0, "des Forschungsschwerpunkts Arbeitsmarkt", 0),
                    (0, "Christoph Example Vom Hoflieferanten zum Global Player. 1999, Berlin", 0)])
    assert len(cut_trailer(lines)) == len(_ENTRIES)
