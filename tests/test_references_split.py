"""The reference-list splitter (pipeline/references/split.py): lists of sources that open with no author, the
headings of a list's parts, and lists headed by the kind of their sources.

Lines are given with the geometry the PDF reader measured on the EXCITE corpus (paper ids in the comments).
"""

from __future__ import annotations

from pipeline.ingest.types import Block, Line
from pipeline.references.split import (is_source_list_heading, is_table_row, mark_reference_sections, resplit_merged,
                                       split_references)


def _line(text: str, x0: float, x1: float, top: float, page: int = 1, size: float = 12.0) -> Line:
    return Line(text=text, x0=x0, x1=x1, top=top, page=page, size=size)


# EXCITE 11653, pages 46-47: the last entries of a hanging-indent list, the heading of its second part ("Sonstige
# Quellen"), then newspapers and broadcasts, one per line, flush, none with an author or a year at its start.
_PAGE_46 = [
    ("Weller, Christoph: Sind Soldaten Mörder? Analysen und Dokumente zum", 113.5, 464.7, 398.4),
    ("„Soldatenurteil„. Tübingen 1990", 127.7, 282.6, 412.6),
    ("Wissenschaftliche Dienste des Deutschen Bundestages: Der aktuelle Begriff. Der", 113.5, 498.1, 483.4),
    ("Große Zapfenstreich. Nr. 33/94 (30.11.1994)", 127.7, 343.9, 497.6),
    ("Wolbert, Barbara: Jugendweihe. Zur Transformation einer rituellen Praxis. In:", 113.5, 484.6, 525.9),
    ("„Kuckuck„ – Notizen zu Alltagskultur und Volkskunde. Heft 2 (1995), S. 23 –", 127.7, 503.8, 540.0),
    ("Sonstige Quellen", 113.5, 199.0, 597.0),
    ("Berliner Morgenpost (BP)", 113.5, 239.1, 639.4),
    ("Bonner Rundschau (BR)", 113.5, 231.4, 660.8),
    ("Bremer Nachrichten (BN)", 113.5, 237.7, 682.1),
    ("Der Spiegel, Hamburg (Spiegel)", 113.5, 267.0, 703.5),
    ("Die Tageszeitung, Berlin (taz)", 113.5, 257.4, 724.8),
    ("Die Welt (WELT)", 113.5, 200.7, 746.2),
]
_PAGE_47 = [
    ("Die Zeit, Hamburg (ZEIT)", 113.5, 240.8, 72.8),
    ("Express (Köln/Bonn)", 113.5, 214.9, 94.1),
    ("Frankfurter Allgemeine Zeitung (FAZ)", 113.5, 297.7, 115.5),
    ("Westdeutsche Allgemeine Zeitung (WAZ)", 113.5, 314.3, 286.4),
    ("ZDF: Übertragung des des Großen Zapfenstreichs vom 26. 10. 1995", 113.5, 440.0, 329.1),
    ("ARD: Sendung „Monitor„ vom 26. 10. 1995", 113.5, 326.7, 350.4),
    ("Dokumentation des Bonner Friedensbüro: Kein Zapfenstreich – auch nicht in", 113.5, 479.6, 371.8),
    ("Bonn. Teile I-III. Bonn 1995", 113.5, 251.8, 393.2),
]
# Earlier entries of the same list (page 45), so that the list's text measure is known from full lines.
_PAGE_45 = [
    ("Soeffner, Hans-Georg: Die Ordnung der Rituale. Die Auslegung des Alltags 2.", 113.5, 488.0, 671.8),
    ("Frankfurt/Main 1995a", 127.7, 232.9, 686.0),
    ("Soeffner, Hans-Georg: Zum Nutzen und zur Zweifelhaftigkeit fragloser ritueller", 113.5, 493.5, 715.7),
    ("Ordnung. In: Kuckuck„ – Notizen zu Alltagskultur und Volkskunde. Heft 2", 127.7, 488.0, 729.9),
    ("(1995b), S. 4 – 10", 127.7, 215.0, 744.0),
]


def _sources_list() -> list[Line]:
    return ([_line(t, a, b, top, page=45) for t, a, b, top in _PAGE_45]
            + [_line(t, a, b, top, page=46) for t, a, b, top in _PAGE_46]
            + [_line(t, a, b, top, page=47) for t, a, b, top in _PAGE_47])


def test_sources_one_per_line_are_one_entry_each():
    out = [t for t, _ in split_references(_sources_list())]
    for name in ("Berliner Morgenpost (BP)", "Die Welt (WELT)", "Die Zeit, Hamburg (ZEIT)", "Express (Köln/Bonn)",
                 "ZDF: Übertragung des des Großen Zapfenstreichs vom 26. 10. 1995",
                 "ARD: Sendung „Monitor„ vom 26. 10. 1995"):
        assert name in out, out
    # a broken entry stays whole: its first line was full to the measure
    assert "Dokumentation des Bonner Friedensbüro: Kein Zapfenstreich – auch nicht in Bonn. Teile I-III. Bonn 1995" in out


def test_part_heading_is_no_reference_and_not_glued():
    out = [t for t, _ in split_references(_sources_list())]
    assert not any("Sonstige Quellen" in t for t in out), out
    assert any(t.startswith("Wolbert, Barbara") and t.endswith("S. 23 –") for t in out), out


def test_hanging_entries_stay_whole():
    out = [t for t, _ in split_references(_sources_list())]
    assert "Weller, Christoph: Sind Soldaten Mörder? Analysen und Dokumente zum „Soldatenurteil„. Tübingen 1990" in out
    assert "Soeffner, Hans-Georg: Die Ordnung der Rituale. Die Auslegung des Alltags 2. Frankfurt/Main 1995a" in out


def test_flush_lines_that_run_to_the_measure_are_not_cut():
    # one flush entry over three full lines and a short last one, then the next entry: two entries, not four
    rows = [("Bundesministerium für Familie, Senioren, Frauen und Jugend (Hrsg.) (2004): Lebenssituation,", 72, 505),
            ("Sicherheit und Gesundheit von Frauen in Deutschland. Eine repräsentative Untersuchung zu", 72, 503),
            ("Gewalt gegen Frauen in Deutschland. Berlin.", 72, 300),
            ("Hellmann, Deborah F. (2014): Repräsentativbefragung zu Viktimisierungserfahrungen in", 72, 500),
            ("Deutschland. Hannover: KFN.", 72, 230)]
    lines = [_line(t, a, b, 100 + 14 * i, size=10.0) for i, (t, a, b) in enumerate(rows)]
    out = [t for t, _ in split_references(lines)]
    assert len(out) == 2, out
    assert out[1].startswith("Hellmann")


def test_source_list_headings_by_kind():
    for heading in ("Sonstige Quellen", "Literatur und Studien", "Vorgestellte Aufsätze", "GIGA-Publikationen zum Thema",
                    "Zeitungen und Zeitschriften", "Rechtsprechung", "Primary sources", "Newspapers and periodicals",
                    "3. Quellen- und Literaturverzeichnis", "Internet sources", "Games", "Videos", "Ludographie"):
        assert is_source_list_heading(heading), heading
    for text in ("1. Einleitung", "Data and methods", "Results", "Die Welt (WELT)", "Bonner Rundschau (BR)",
                 "Studien zeigen, dass die Zahl der Anzeigen sinkt", "Journal of Peace Research 2001"):
        assert not is_source_list_heading(text), text


def _block(kind: str, text: str, page: int = 8, top: float = 100.0) -> Block:
    lines = [_line(part, 72.0, 72.0 + 5.5 * len(part), top + 12 * n, page=page) for n, part in enumerate(text.split("\n"))]
    return Block(kind=kind, text=" ".join(text.split("\n")), page=page, lines=lines)


# EXCITE 28878 (a GIGA Focus): its only list, under "GIGA-Publikationen zum Thema", after the notes on the author.
_GIGA = [
    ("heading", "GIGA-Forschung zum Thema"),
    ("body", "Parteien und Parteiensysteme in Afrika, Asien, Lateinamerika und Nahost sind Gegenstand von Arbeiten"),
    ("heading", "GIGA-Publikationen zum Thema"),
    ("body", "Bowen, James David (2011), The Right in “New Left” Latin America, in: Journal of Politics in Latin America, 3,\n"
             "1, 99-124, online: <www.jpla.org>."),
    ("body", "Erdmann, Gero (2010), Political party assistance and political party research: towards a closer encounter?,\n"
             "in: Democratization, 17, 6, 1275-1296."),
    ("body", "Lucas, Kevin, und David Samuels (2010), The Ideological “Coherence” of the Brazilian Party System, 1990-\n"
             "2009, in: Journal of Politics in Latin America, 2, 3, 39-69, online: <www.jpla.org>."),
    ("body", "Nolte, Detlef, und Christina Stolte (2010), Selbstbewusst in die Zukunft: Lateinamerikas neue Unabhängigkeit,\n"
             "GIGA Focus Lateinamerika, 2, online: <www.giga-hamburg.de/giga-focus/lateinamerika>."),
    ("body", "Der GIGA Focus ist eine Open-Access-Publikation. Sie kann kostenfrei im Netz gelesen und heruntergeladen\n"
             "werden unter www.giga-hamburg.de/giga-focus und darf gemäß den Bedingungen der Creative-Commons-Lizenz"),
    ("body", "Redaktion: Michael Radseck; Gesamtverantwortliche der Reihe: André Bank und Hanspeter Mattes Lektorat:\n"
             "Vera Rathje; Kontakt: giga-focus@giga-hamburg.de; GIGA, Neuer Jungfernstieg 21, 20354 Hamburg"),
]


def test_list_headed_by_its_kind_of_source_is_found():
    blocks = [_block(k, t, top=100 + 40 * n) for n, (k, t) in enumerate(_GIGA)]
    out = mark_reference_sections(blocks)
    assert [b.kind for b in out] == ["heading", "body", "heading", "reference", "reference", "reference", "reference",
                                     "body", "body"]


def test_body_section_headed_by_a_source_word_is_not_a_list():
    prose = ("Unterschiedliche Studien kommen zu dem Ergebnis, dass nur ein kleiner Teil der Taten angezeigt wird. "
             "Die Gründe dafür sind vielfältig und werden im Folgenden dargestellt.")
    blocks = [_block("heading", "Empirische Studien"), *[_block("body", prose, top=140 + 40 * n) for n in range(4)]]
    assert [b.kind for b in mark_reference_sections(blocks)] == ["heading", "body", "body", "body", "body"]


def test_short_continuation_in_a_hanging_column_is_not_an_entry():
    # EXCITE 45152: a hanging-indent column whose entries' last lines come back to the left edge; the indented
    # second line ends short, yet the flush line after it goes on with the same entry
    rows = [("Australian Sports Commission. (2006). The case for", 54.0, 279.9, 451.2),
            ("sport in Australia. Canberra: Australian", 68.2, 225.7, 463.5),
            ("Sports Commission.", 54.0, 134.0, 475.7),
            ("Black, D. (2010). The ambiguities of development: Im-", 54.0, 279.6, 487.8),
            ("plications for “development through", 68.2, 216.4, 500.1),
            ("Sport”. Sport in Society, 13(1), 121-129.", 54.0, 213.9, 512.3),
            ("Coakley, J. (1998). Sport in society: Issues and contro-", 54.0, 279.8, 573.3),
            ("versies (6th ed.). Boston, MA: McGraw Hill.", 68.2, 242.2, 585.5)]
    out = [t for t, _ in split_references([_line(t, a, b, top, size=10.0) for t, a, b, top in rows])]
    assert "Black, D. (2010). The ambiguities of development: Implications for “development through Sport”. " \
           "Sport in Society, 13(1), 121-129." in out, out


def test_a_series_list_after_the_references_is_cut():
    # EXCITE 11018: a discussion-paper series announces its own list after the last reference
    rows = [("Abel, Anna (2001). A first book about the state. Berlin: Verlag.", 72, 400),
            ("Berg, Bert (2002). A second book about the market. Bonn: Verlag.", 72, 405),
            ("Cohn, Carl (2003). A third book about the firm. Köln: Verlag.", 72, 395),
            ("Die meisten der nachfolgenden discussion papers sind im Internet zu finden; http://www.wz-berlin.de", 72, 505),
            ("Abteilung:", 72, 120),
            ("Organisation und Beschäftigung", 72, 230),
            ("Dieter Plehwe (Hg.) Transformation der Logistik Bestell Nr.: FS I 98 - 103", 72, 460)]
    lines = [_line(t, a, b, 100 + 14 * i, size=10.0) for i, (t, a, b) in enumerate(rows)]
    out = [t for t, _ in split_references(lines)]
    assert out == [rows[0][0], rows[1][0], rows[2][0]]


def test_one_line_entry_in_a_hanging_column():
    # EXCITE 31474: an institution's entry of one line without a full stop, then the next institution's; both flush
    rows = [("Bonß, Wolfgang 1997: Die gesellschaftliche Konstruktion von Sicherheit, in: E. Lippert et al.", 107.8, 481.5, 501.3),
            ("(Hg.): a.a.O., S. 21-41.", 136.1, 227.6, 513.1),
            ("Bundeskriminalamt 2005: Netzwerke des Terrors – Netzwerke gegen den Terror, München", 107.8, 472.0, 538.0),
            ("Bundesministerium des Innern 2006: 2. Periodischer Sicherheitsbericht (Kurzfassung),", 107.8, 481.8, 550.3),
            ("Berlin.", 136.1, 163.5, 562.0),
            ("Dreher, Gunter/Feltes, Thomas (Hg.) 1997: Das Modell New York: Kriminalprävention", 107.8, 481.6, 609.8),
            ("durch Zero Tolerance, Holzkirchen.", 136.1, 279.5, 621.6)]
    out = [t for t, _ in split_references([_line(t, a, b, top, size=9.8) for t, a, b, top in rows])]
    assert out[1:3] == ["Bundeskriminalamt 2005: Netzwerke des Terrors – Netzwerke gegen den Terror, München",
                        "Bundesministerium des Innern 2006: 2. Periodischer Sicherheitsbericht (Kurzfassung), Berlin."], out


def test_a_publishers_book_list_on_its_own_page_is_cut():
    # EXCITE 11190: the department's books after the list, headed "Bücher" / "Der Abteilung" on a page of their own
    refs = [("Vitols, Katrin (2003): Steuerung und Regulierung der beruflichen Bildung in Großbanken. Berlin: WZB.", 72, 500),
            ("Womack, James; Jones, Daniel; Roos, Daniel (1990): The Machine that Changed the World. New York.", 72, 505),
            ("Zühlke, Sylvia (2000): Beschäftigungschancen durch berufliche Mobilität? Berlin: edition sigma.", 72, 498)]
    books = ["Bücher", "Der Abteilung", "„Arbeitsmarktpolitik und", "Beschäftigung“", "(nur im Buchhandel erhältlich)",
             "Dietmar Dathe, Günther Schmid", "Urbane Beschäftigungsdynamik. Berlin im", "Standortvergleich mit Ballungsregionen",
             "Berlin, edition sigma", "175 S."]
    lines = [_line(t, a, b, 100 + 14 * i, page=31, size=10.0) for i, (t, a, b) in enumerate(refs)]
    lines += [_line(t, 72, 72 + 5 * len(t), 100 + 14 * i, page=32, size=10.0) for i, t in enumerate(books)]
    assert [t for t, _ in split_references(lines)] == [t for t, _, _ in refs]


def test_a_later_run_that_opens_with_a_series_list_is_cut():
    # EXCITE 11018: the series' order list comes as a run of its own after the list (under a heading of its own)
    series = ["Bestell Nr.: FS I 00 – 206", "Heidi Gottfried / Jacqueline O’Reilly",
              "Der Geschlechtervertrag in Deutschland und Japan: Die Schwäche eines starken Versorgermodells",
              "Bestell Nr.: FS I 00 - 207"]
    lines = [_line(t, 72, 72 + 5 * len(t), 100 + 14 * i, page=27, size=10.0) for i, t in enumerate(series)]
    assert split_references(lines, after_references=True) == []
    assert split_references(lines)  # alone (no list before it), the run is left to the splitter


def test_a_flush_line_in_a_hanging_column_without_a_year_goes_on():
    # EXCITE 10939: a column with a few indented lines, whose entries still run on flush ("... University" / "Press.")
    rows = [("Esping-Andersen, Gøsta, 1990: Three Worlds of Capitalism. Princeton, NJ: Princeton University", 71.0, 507.9, 74.4),
            ("Press.", 71.0, 97.9, 90.0),
            ("Nordic Social-Statistical Committee, 2004: http://www.nom-nos.dk/nososco.htm (Stand Januar", 71.0, 499.9, 113.6),
            ("2004).", 85.2, 114.3, 129.2),
            ("Sainsbury, Diane, 1996: Gender, Equality and Welfare States. Cambridge: Cambridge University", 71.0, 512.2, 152.8),
            ("Press.", 71.0, 97.9, 168.4),
            ("Währungsrechner unter: http://www.economist.com/markets/Currency/Index.cfm (Stand Januar", 71.0, 502.3, 192.0),
            ("2004).", 85.2, 114.3, 207.6)]
    out = [t for t, _ in split_references([_line(t, a, b, top, size=10.0) for t, a, b, top in rows])]
    assert "Press." not in out and len(out) == 4, out


def test_structure_passes_the_earlier_list_on_to_a_later_run():
    from pipeline.structure import _resplit_references

    refs = ["Abel, Anna (2001). A first book about the state. Berlin: Verlag.",
            "Berg, Bert (2002). A second book about the market. Bonn: Verlag."]
    series = ["Bestell Nr.: FS I 00 – 206", "Heidi Gottfried / Jacqueline O’Reilly", "Bestell Nr.: FS I 00 - 207"]
    first = Block(kind="reference", text=" ".join(refs), page=26,
                  lines=[_line(t, 72, 400, 100 + 14 * i, page=26, size=10.0) for i, t in enumerate(refs)])
    second = Block(kind="reference", text=" ".join(series), page=27,
                   lines=[_line(t, 72, 72 + 5 * len(t), 100 + 14 * i, page=27, size=10.0) for i, t in enumerate(series)])
    out = _resplit_references([first, Block(kind="heading", text="Abteilung: Organisation", page=27), second])
    assert [b.text for b in out if b.kind == "reference"] == refs


def test_same_author_again_opens_with_its_year():
    # EXCITE 27640 (page 8, right column): the ditto dash is lost, the entry opens with "(2004):" where the dash was
    rows = [("(Stand 14.2.2006).", 316.8, 395.6, 418.3),
            ("PNUD (2002): Informe chileno de desarrollo hu", 308.3, 532.9, 431.9),
            ("mano. Nosotros los chilenos: un desafío cul", 316.8, 532.9, 445.6),
            ("tural. Programa de las Naciones Unidas para el", 316.8, 532.9, 459.2),
            ("Desarrollo, Santiago de Chile.", 316.8, 451.3, 472.8),
            ("(2004): Informe chileno de desarrollo humano.", 321.6, 532.9, 486.5),
            ("Poder: ¿para qué y para quién? Programa de las", 316.8, 532.9, 500.1),
            ("Naciones Unidas para el Desarrollo, Santiago de", 316.8, 532.9, 513.7),
            ("Chile.", 316.8, 343.3, 527.4)]
    out = [t for t, _ in split_references([_line(t, a, b, top, size=9.0) for t, a, b, top in rows])]
    assert out[-1] == ("(2004): Informe chileno de desarrollo humano. Poder: ¿para qué y para quién? Programa de las "
                       "Naciones Unidas para el Desarrollo, Santiago de Chile."), out


def test_author_list_broken_before_its_year_is_one_entry():
    # EXCITE 22780 (APA): the authors fill the line, the year opens the next one; no room was left for it
    rows = [("Brown, R. (2000). Social identity theory: Past achievements. European Journal of Social Psychology, 30,", 106.1, 290.0, 457.9),
            ("3–26.", 114.1, 132.7, 467.9),
            ("Bourhis, R., Giles, H., Leyens, J. P., & Tajfel, H.", 106.1, 270.1, 477.9),
            ("(1979). Psycholinguistic distinctiveness: Language", 114.1, 288.5, 487.9),
            ("divergence in Belgium. In H. Giles & R. St Clair", 114.1, 281.7, 497.9),
            ("(Eds.), Language and social psychology (pp. 158–185). Oxford: Blackwell.", 114.1, 289.0, 507.9)]
    out = [t for t, _ in split_references([_line(t, a, b, top, size=9.0) for t, a, b, top in rows])]
    assert len(out) == 2 and out[1].startswith("Bourhis, R., Giles, H., Leyens, J. P., & Tajfel, H. (1979). Psycho"), out


def test_notes_on_the_author_end_a_short_list():
    # EXCITE 27640 (a GIGA Focus): a list of four, then the notes on the author under a bulleted heading
    rows = [("Sanfuentes, Andrés (2006): Perspectivas económicas favorables. Informe No. 522.", 308.3, 450.0, 100.0, 8),
            ("Vargas Llosa, Mario (2006): Bostezos chilenos. El País, 1.2.2006.", 308.3, 500.0, 114.0, 8),
            ("\uf06e Der Autor", 62.4, 126.5, 75.8, 9),
            ("Cristóbal Rovira Kaltwasser wurde im 1978 in Punta Arenas (Chile) geboren. Er studierte Soziologie und", 62.4, 532.9, 104.7, 9),
            ("Politikwissenschaft an der Universidad de Chile und der Universität Heidelberg.", 62.4, 400.0, 118.3, 9)]
    out = [t for t, _ in split_references([_line(t, a, b, top, page=p, size=9.0) for t, a, b, top, p in rows])]
    assert out == [rows[0][0], rows[1][0]], out


# A list whose line rules missed an entry's start: two entries joined after a full stop (EXCITE en 11611, 11218).
_MERGED = [
    "Besanko, D. and D. Spulber, 1993, Contested mergers and equilibrium antitrust policy, The Journal of Law, "
    "Economics and Organisation,9 (1),1-29.",
    "Bernheim, D. and M. Whinston, 1986, Common agency, Econometrica, 54 (4), 923- 942.",
    "Wagener, H. W. (2000), ‘Indiens Aderlaß in Wissenschaft und Technik’, Frankfurter Allgemeine Zeitung, 67 "
    "(20 March 2000), p. 10.",
    "Wimmex AG (2001), 6 Monate Greencard in Deutschland – Eine Zwischenbilanz, in collaboration with the "
    "Bundesanstalt für Arbeit, Munich.",
]


def test_two_entries_joined_after_a_full_stop_are_cut_apart():
    refs = [(" ".join(_MERGED[:2]), 1), (" ".join(_MERGED[2:]), 2)]
    assert resplit_merged(refs) == [(_MERGED[0], 1), (_MERGED[1], 1), (_MERGED[2], 2), (_MERGED[3], 2)]


def test_one_long_entry_is_not_cut():
    """A long entry with an editor, a series and its number, or a second sentence stays whole (de-end 32965)."""
    long_ones = [
        "Kümmerling, Angelika / Schietinger, Marc / Worthmann, Georg (2009): Das Saison- Kurzarbeitergeld: ein "
        "erfolgreiches Instrument zur Vermeidung von Entlassungen. Gelsenkirchen: Institut Arbeit und Qualifikation. "
        "IAQ-Report, Nr. 2009-02. URL: http://www.iaq.uni-due.de/iaq-report/2009/report2009-02.pdf",
        "Riemann, Gerhard & Schütze, Fritz (1991). Trajectory As a Basic Theoretical Concept for Analysing Suffering "
        "and Disorderly Social Processes. In David R. Maines (Ed.), Social Organization and Social Processes. Essays "
        "in Honor of Anselm Strauss (pp.333-356). New York: Adeline de Gruyter.",
        "Mayer, Karl-Ulrich, Hans-Peter Blossfeld 1990, Die gesellschaftliche Konstruktion sozialer Ungleichheit im "
        "Lebensverlauf, in: Peter A. Berger, Stefan Hradil (Hrsg.), Lebenslagen, Lebensläufe, Lebensstile. Soziale "
        "Welt Sonderband 7, Göttingen: Schwartz, S. 297-318.",
    ]
    refs = [(t, 1) for t in long_ones] + [("Roth, H. (1990). Die Nation. Berlin: Dietz.", 1)] * 5
    assert resplit_merged(refs) == refs


def test_rows_of_a_table_of_years_are_no_references():
    """A table after the list (EXCITE en 48498) reads as rows of years; references with several years do not."""
    rows = ["Australia 1997 No Canada 1997 (1984) 1998 (1991) 1998 1999 1999 2000 No 2000 2001 2001 2002 2002",
            "2003 No 1996 1996"]
    refs = ["Krebs/Schmidt 1993, Schwarz/Sudman 1994, Kopp 1997, Presser et al. 2004).",
            "Kluck, M.: The GIRT Data in the Evaluation of CLIR Systems – from 1997 Until 2003. In: Peters, C. (eds.), "
            "Results of the CLEF 2004 Workshop, Berlin 2005.",
            "Gimpel, Ulrich 1991, 1993, 1995: Die Wahlen der Jahre 1990 bis 1994. Berlin: Dietz."]
    assert [is_table_row(r) for r in rows] == [True, True]
    assert [is_table_row(r) for r in refs] == [False, False, False]


def test_a_rule_of_underscores_in_a_list_is_no_reference():
    """A separator the reader keeps as a line of its own after the list (EXCITE de-end 10454) is no entry."""
    rows = [("Abbink, Jon (2003): Badme and the Ethio-Eritrean border. Northeast African Studies 10, 2: 219-231.", 70, 520),
            ("Bereketeab, Redie (2009): The Eritrea-Ethiopia conflict. Uppsala: Nordiska Afrikainstitutet.", 70, 500),
            ("_____________________________________________________________________", 70, 520)]
    lines = [_line(t, a, b, 100 + 30 * i, size=10.0) for i, (t, a, b) in enumerate(rows)]
    out = [t for t, _ in split_references(lines)]
    assert out == [rows[0][0], rows[1][0]]
