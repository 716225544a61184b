"""Writes the survival probe set (issue 13): small documents of the kinds researchers bring.

Run ``python tests/data/survival/make_probes.py`` to regenerate the files beside it; the
test (tests/test_survival_probes.py) reads them and ``expected.json`` (file -> ``readable``,
or the error code a clean failure must carry). Every file is written here, by hand, from
prose written for this set; nothing is copied from the web. PDFs are built byte by byte
(no reportlab), like ``tests/test_limits.py``'s ``pdf_with_content``.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root, for tests.pdfbytes
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.pdfbytes import pdf_bytes  # noqa: E402

HERE = Path(__file__).parent
STAMP = (2025, 1, 1, 0, 0, 0)  # archive members' date, so that the files come out the same every time

EN = [
    "The strategic partnership between Russia and Iran, signed in Moscow in January 2025, binds the two states "
    "to consult each other on security matters. Observers in Washington read it as a response to sanctions.",
    "Keohane and Nye (1977) argued that complex interdependence reduces the utility of military force. Trade "
    "between Germany and China grew by 12 percent in 2019, while NATO members met in Brussels to discuss Ukraine.",
    "In March 2022 the European Union imposed new sanctions on Russian banks. The United States and the United "
    "Kingdom followed within days, and Turkey offered to mediate talks between Kyiv and Moscow in Istanbul.",
    "The United Nations Security Council met on 5 April 2023 but failed to adopt a resolution. China and Russia "
    "vetoed the draft, while France and the United Kingdom voted in favour.",
    "Energy trade tells a different story. Gas deliveries from Russia to Europe fell by half after 2022, while "
    "exports to India and China rose, and Iran expanded its oil sales to Asian buyers despite American pressure.",
    "Realists expect states to balance against the strongest power. Yet the record since 1991 shows few "
    "alliances of that kind, and most governments hedged, keeping ties with Washington while trading with Beijing.",
    "The summit in Vilnius in July 2023 promised Ukraine future membership of NATO. Poland and the Baltic states "
    "asked for a firmer date, whereas Germany and the United States preferred to keep the timetable open.",
    "Sanctions seldom change the policy of their target. Studies of cases since 1945 find success in about a "
    "third of them, mostly where the target depended on trade with the sender and the demand was modest.",
]

DE = ("Die strategische Partnerschaft zwischen Russland und dem Iran wurde im Januar 2025 in Moskau unterzeichnet. "
      "Beobachter in Berlin sehen darin eine Antwort auf die Sanktionen der Europäischen Union. Die Bundesregierung "
      "äußerte sich zurückhaltend, während der Außenminister eine gründliche Prüfung der Folgen ankündigte. "
      "Nach Auffassung vieler Politikwissenschaftler verändert das Abkommen die Machtverhältnisse in der Region.")
FR = ("Le partenariat stratégique entre la Russie et l'Iran a été signé à Moscou en janvier 2025. Les observateurs à "
      "Paris y voient une réponse aux sanctions européennes. Le gouvernement français a réagi avec prudence, tandis "
      "que le ministre des Affaires étrangères annonçait un examen approfondi des conséquences pour la sécurité.")
PT = ("A parceria estratégica entre a Rússia e o Irã foi assinada em Moscou em janeiro de 2025. Os observadores em "
      "Brasília veem nela uma resposta às sanções europeias. O governo brasileiro reagiu com cautela, enquanto o "
      "ministro das Relações Exteriores anunciou uma análise aprofundada das consequências para a região.")
ES = ("La asociación estratégica entre Rusia e Irán se firmó en Moscú en enero de 2025. Los observadores en Madrid "
      "ven en ella una respuesta a las sanciones europeas. El Gobierno español reaccionó con cautela, mientras el "
      "ministro de Asuntos Exteriores anunciaba un análisis detallado de las consecuencias para la seguridad.")
RU = ("Стратегическое партнёрство между Россией и Ираном было подписано в Москве в январе 2025 года. Наблюдатели в "
      "Вашингтоне считают его ответом на санкции. Министерство иностранных дел заявило, что соглашение не "
      "направлено против третьих стран. Эксперты полагают, что договор изменит баланс сил в регионе.")
ZH = ("俄罗斯与伊朗于2025年1月在莫斯科签署了全面战略伙伴关系条约。华盛顿的观察人士认为这是对制裁的回应。"
      "外交部表示，该协议不针对任何第三国。专家认为，这一条约将改变该地区的力量平衡。中国呼吁各方保持克制。")
AR = ("وقعت روسيا وإيران معاهدة شراكة استراتيجية شاملة في موسكو في يناير 2025. ويرى المراقبون في واشنطن أنها رد "
      "على العقوبات. وقالت وزارة الخارجية إن الاتفاق لا يستهدف أي دولة ثالثة. ويعتقد الخبراء أن المعاهدة ستغير "
      "ميزان القوى في المنطقة.")
PL = ("Partnerstwo strategiczne między Rosją a Iranem zostało podpisane w Moskwie w styczniu 2025 roku. Obserwatorzy "
      "w Warszawie uważają je za odpowiedź na sankcje. Ministerstwo Spraw Zagranicznych oświadczyło, że porozumienie "
      "nie jest skierowane przeciwko państwom trzecim. Eksperci sądzą, że zmieni ono układ sił w regionie.")

REF = "Keohane, Robert O., and Joseph S. Nye. 1977. Power and Interdependence. Boston: Little, Brown."


def paras(n: int = 4) -> list[str]:
    return [EN[i % 4] for i in range(n)]


# ------------------------------------------------------------------ HTML

NEWS = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Russia and Iran sign partnership treaty | World News</title>
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2025-01-17">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/opinion">Opinion</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article><h1>Russia and Iran sign partnership treaty</h1>
<p class="byline">By Jane Doe, 17 January 2025</p>
{''.join(f'<p>{p}</p>' for p in paras(5))}
<figure><img src="treaty.jpg" alt="Leaders shake hands"><figcaption>The two presidents in Moscow.</figcaption></figure>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Ten things about cats</a></li><li><a href="/b">Weather</a></li></ul></aside>
<footer><p>&copy; 2025 World News. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a></footer>
</body></html>"""

REPORT = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Energy, Sanctions and Alliances - Policy Report</title></head>
<body><div class="site-header"><a href="/">Institute for Global Affairs</a> | <a href="/research">Research</a></div>
<div class="content"><h1>Energy, Sanctions and Alliances</h1><p class="authors">John Smith and Maria Rossi</p>
<h2>Executive summary</h2><p>{EN[0]}</p><ul><li>Sanctions shape alliances.</li><li>Energy trade persists.</li></ul>
<h2>1. Introduction</h2><p>{EN[1]}<sup><a href="#fn1" id="r1">1</a></sup></p><p>{EN[2]}<sup><a href="#fn2">2</a></sup></p>
<h3>1.1 Background</h3><p>{EN[3]}</p>
<h2>2. Recommendations</h2><ol><li>{EN[0]}</li><li>{EN[2]}</li></ol>
<h2>Notes</h2><ol class="footnotes"><li id="fn1">See Keohane and Nye 1977, 23.</li><li id="fn2">Council of the EU, press release, 2022.</li></ol>
<h2>References</h2><p>{REF}</p><p>Waltz, Kenneth N. 1979. Theory of International Politics. Reading, MA: Addison-Wesley.</p>
</div><div class="footer">Institute for Global Affairs, 2025. Subscribe to our newsletter.</div></body></html>"""

WIKI = f"""<!DOCTYPE html><html class="client-nojs" lang="en"><head><meta charset="UTF-8"><title>Russia–Iran relations - Wikipedia</title></head>
<body><div id="mw-navigation"><ul><li>Main page</li><li>Contents</li><li>Current events</li><li>Random article</li></ul></div>
<div id="content"><h1 id="firstHeading">Russia–Iran relations</h1>
<table class="infobox"><tr><th>Russia</th><th>Iran</th></tr><tr><td>Embassy of Russia, Tehran</td><td>Embassy of Iran, Moscow</td></tr></table>
<p><b>Russia–Iran relations</b> are the bilateral relations between Russia and Iran.<sup class="reference"><a href="#cite_note-1">[1]</a></sup> {EN[0]}</p>
<div id="toc"><h2>Contents</h2><ul><li>1 History</li><li>2 Trade</li><li>3 References</li></ul></div>
<h2><span class="mw-headline">History</span><span class="mw-editsection">[edit]</span></h2><p>{EN[2]}<sup class="reference"><a href="#cite_note-2">[2]</a></sup></p>
<h2><span class="mw-headline">Trade</span></h2>
<table class="wikitable"><caption>Trade volume</caption><tr><th>Year</th><th>Exports (US$ bn)</th><th>Imports (US$ bn)</th></tr>
<tr><td>2019</td><td>1.2</td><td>0.9</td></tr><tr><td>2020</td><td>1.4</td><td>1.1</td></tr><tr><td>2021</td><td>2.1</td><td>1.5</td></tr></table>
<p>{EN[1]}</p>
<h2><span class="mw-headline">References</span></h2><ol class="references"><li id="cite_note-1"><a href="#cite_ref-1">^</a> {REF}</li>
<li id="cite_note-2"><a href="#cite_ref-2">^</a> "Treaty signed". Reuters. 17 January 2025. Retrieved 20 January 2025.</li></ol>
<div class="catlinks">Categories: Bilateral relations of Russia | Bilateral relations of Iran</div></div>
<div id="footer">This page was last edited on 3 March 2025. Text is available under the Creative Commons Attribution-ShareAlike License.</div>
</body></html>"""

NAV_ONLY = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Research portal</title></head><body>
<nav><ul>""" + "".join(f'<li><a href="/topic/{i}">Topic {i}: regional security and trade</a></li>' for i in range(60)) + """</ul></nav>
<div class="promo">Sign up for our newsletter</div><p>Welcome to the portal. Choose a topic.</p>
<footer><a href="/about">About us</a> <a href="/contact">Contact</a></footer></body></html>"""

JS_SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Loading...</title><script src="/static/js/main.8f2a.js" defer></script><link href="/static/css/main.css" rel="stylesheet"></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script>window.__INITIAL_STATE__={"user":null,"articles":[]};</script></body></html>"""

LYING_META = f"""<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Außenpolitik nach der Zeitenwende</title></head><body><article><h1>Außenpolitik nach der Zeitenwende</h1>
<p>{DE}</p><p>{DE}</p><p>„Zeitenwende“ – so nannte der Bundeskanzler die Lage am 27. Februar 2022.</p></article></body></html>"""

LEGACY_META = f"""<html><head><meta charset="windows-1252"><title>La politique étrangère française</title></head><body>
<h1>La politique étrangère française</h1><p>{FR}</p><p>{FR}</p><p>« Une réponse prudente », a déclaré le ministère.</p></body></html>"""

XHTML = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>Working paper on sanctions</title></head>
<body><h1>Working paper on sanctions</h1>{''.join(f'<p>{p}</p>' for p in paras(4))}</body></html>"""

FRAGMENT = "".join(f"<p>{p}</p>\n" for p in paras(4)) + "<p>Posted by admin</p>"

HTML_TABLE_ONLY = """<html><head><title>Sanctions data</title></head><body><table>
<tr><th>Country</th><th>Year</th><th>Measure</th></tr>""" + "".join(
    f"<tr><td>{c}</td><td>{y}</td><td>asset freeze</td></tr>" for c, y in [("Russia", 2014), ("Iran", 2012), ("Belarus", 2021)] * 5
) + "</table></body></html>"

BR_ONLY = ("<html><head><title>Statement on the partnership treaty</title></head><body bgcolor=white>"
           + "<br><br>".join(p.replace(". ", ".<br>", 1) for p in EN[:5]) + "<br><hr>Back to the index</body></html>")

FRAMESET = """<html><head><title>Document archive</title></head><frameset cols="20%,80%">
<frame src="toc.html" name="toc"><frame src="doc0001.html" name="main"></frameset></html>"""

# ------------------------------------------------------------------ markdown

SETEXT = (f"Sanctions and alliances\n=======================\n\nIntroduction\n------------\n\n{EN[4]}\n\n* * *\n\n"
          f"{{1}}------------------------------------------------\n\n{EN[5]}\n\nMethod\n------\n\n{EN[6]}\n")

MARKER = f"""# Energy Security and Alliances

John Smith<sup>1</sup>, Maria Rossi<sup>2</sup>

<sup>1</sup>University of Example, <sup>2</sup>Institute of Studies

## Abstract

{EN[0]}

![](_page_0_Picture_2.jpeg)

## 1 Introduction

{EN[1]}<sup>1</sup> {EN[2]}

| Year | Exports | Imports |
|------|---------|---------|
| 2019 | 1.2     | 0.9     |
| 2020 | 1.4     | 1.1     |

Table 1: Trade between Russia and Iran (US$ bn).

The share is $$s = \\frac{{x_i}}{{\\sum_j x_j}}$$ for every state $i$.

<sup>1</sup> See Keohane and Nye (1977), p. 23.

## 2 Discussion

{EN[3]}

## References

- {REF}
- Waltz, Kenneth N. 1979. Theory of International Politics. Reading, MA: Addison-Wesley.
"""

DOCLING = f"""## Energy Security and Alliances

John Smith, Maria Rossi

<!-- image -->

## Abstract

{EN[0]}

## 1. Introduction

{EN[1]}

Table 1. Trade volume

| Year   |   Exports |   Imports |
|--------|-----------|-----------|
| 2019   |       1.2 |       0.9 |
| 2020   |       1.4 |       1.1 |

<!-- image -->

Figure 1. Exports over time.

## 2. Findings

{EN[2]}

- Sanctions did not stop trade.
- Energy deals continued.

## References

{REF}
"""

PANDOC = f"""---
title: "Interdependence after 2022"
author:
  - John Smith
  - Maria Rossi
date: 2024-05-01
abstract: |
  {EN[0]}
keywords: [sanctions, interdependence]
---

# Introduction

{EN[1]}[^1] {EN[2]}[^note2]

# Argument

{EN[3]} As Keohane and Nye [-@keohane1977, 23] put it, power is relational.

[^1]: See Keohane and Nye 1977, 23.
[^note2]: Council of the EU, press release, 15 March 2022.

# References

::: {{#refs}}
{REF}
:::
"""

HEADINGS_ONLY = "# A working paper\n\n## Introduction\n\n## Method\n\n### Data\n\n## Results\n\n## Conclusion\n"

LATEX_MD = r"""# A model of alliance formation

Let $u_i(a) = \alpha \log(1 + x_i) - c_i$ be the utility of state $i$.

$$
\max_{a \in A} \sum_{i=1}^{n} u_i(a) \quad \text{s.t.} \quad \sum_i c_i \leq B
$$

\begin{equation}
\frac{\partial u_i}{\partial x_i} = \frac{\alpha}{1+x_i}
\end{equation}

""" + "\n\n".join(paras(3)) + "\n"

CODE_MD = "# Replication notes\n\n" + EN[0] + "\n\n```python\nimport pandas as pd\ndf = pd.read_csv('events.csv')\nprint(df.groupby('year').size())\n```\n\n" + EN[1] + "\n\n<div class=\"note\">See appendix.</div>\n"

TABLE_ONLY_MD = "| Country | Year | Measure |\n|---|---|---|\n" + "".join(
    f"| {c} | {y} | asset freeze |\n" for c, y in [("Russia", 2014), ("Iran", 2012), ("Belarus", 2021)] * 6)

# ------------------------------------------------------------------ PDFs (by hand)


def _pdf(pages: list[bytes], *, rotate: int | None = None, junk: bytes = b"", compress: bool = True) -> bytes:
    """A PDF with one Helvetica font and one content stream per page."""
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for content in pages:
        page_no = len(objs) + 1
        kids.append(page_no)
        rot = b" /Rotate %d" % rotate if rotate else b""
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 3 0 R >> >>%s >>" % (page_no + 1, rot))
        data = zlib.compress(content) if compress else content
        filt = b"/Filter /FlateDecode " if compress else b""
        objs.append(b"<< /Length %d %s>>\nstream\n" % (len(data), filt) + data + b"\nendstream")
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    return pdf_bytes(objs, head=junk)


def _esc(s: str) -> bytes:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def _wrap(text: str, width: int = 90) -> list[str]:
    lines, cur = [], ""
    for w in text.split():
        if len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + [cur] if cur else lines


def _page(lines: list[tuple[str, float]], top: float = 740, lead: float = 14) -> bytes:
    """Lines of (text, font size) top down on a page."""
    ops = [b"BT"]
    y = top
    for text, size in lines:
        ops.append(b"/F1 %.1f Tf 1 0 0 1 72 %.1f Tm (%s) Tj" % (size, y, _esc(text)))
        y -= lead if text else lead / 2
    ops.append(b"ET")
    return b"\n".join(ops)


def _body_lines(texts: list[str]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for t in texts:
        out.extend((ln, 10) for ln in _wrap(t))
        out.append(("", 10))
    return out


def pdf_headingless() -> bytes:
    return _pdf([_page(_body_lines(EN[:4])), _page(_body_lines(EN[4:]))])


def pdf_one_page() -> bytes:
    return _pdf([_page([("Sanctions and Alliances", 16), ("", 10), ("John Smith, University of Example", 10), ("", 10),
                        ("1 Introduction", 12)] + _body_lines(paras(3)))])


def pdf_rotated() -> bytes:
    return _pdf([_page(_body_lines(EN[:4])), _page(_body_lines(EN[4:]))], rotate=90)


def pdf_tiny_pages(n: int = 120) -> bytes:
    lines = [ln for p in EN for ln in _wrap(p, 80)]
    return _pdf([_page([(lines[i % len(lines)], 8)], top=20) for i in range(n)])


def pdf_no_text() -> bytes:
    # vector drawings only: rectangles, no text operator (a scan has images; the result is the same)
    return _pdf([b"0 0 1 rg 72 72 200 300 re f 1 0 0 rg 300 400 100 100 re f"] * 2)


def pdf_leading_junk() -> bytes:
    return _pdf([_page(_body_lines(paras(3)))], junk=b"\r\n\r\n")


def pdf_german() -> bytes:
    return _pdf([_page([("Die Partnerschaft zwischen Russland und Iran", 14), ("", 10)] + _body_lines([DE, DE]))])


def pdf_broken_xref() -> bytes:
    data = bytearray(_pdf([_page(_body_lines(paras(3)))]))
    at = data.rindex(b"startxref\n") + len(b"startxref\n")
    data[at:at + 3] = b"999"  # wrong xref offset: readers must reconstruct
    return bytes(data)


def pdf_uncompressed_many_fonts() -> bytes:
    return _pdf([_page([("ABSTRACT", 12)] + _body_lines(EN[:2]) + [("KEYWORDS: sanctions; energy", 9)]),
                 _page(_body_lines(EN[2:6])), _page(_body_lines(EN[6:]))], compress=False)


# ------------------------------------------------------------------ the set


def files() -> dict[str, tuple[bytes, dict]]:
    """file name -> (bytes, expectation): ``expect`` is ``readable``, ``legacy`` (an undeclared legacy
    encoding: refused with E007 by default, readable with ``accept_legacy_encodings``) or the error
    code of a clean failure; ``language`` the language the document must be detected in, and
    ``contains`` text that must not be lost, if any."""
    t: dict[str, tuple[bytes, dict]] = {}

    def add(name: str, data: bytes | str, expected: str = "readable", language: str | None = None,
            contains: str | None = None) -> None:
        want = {"expect": expected, **({"language": language} if language else {}), **({"contains": contains} if contains else {})}
        t[name] = (data.encode("utf-8") if isinstance(data, str) else data, want)

    # HTML of several shapes
    add("html_news_article.html", NEWS, language="en")
    add("html_thinktank_report.html", REPORT, language="en")
    add("html_wiki_tables_footnotes.html", WIKI, language="en")
    add("html_mostly_navigation.html", NAV_ONLY)
    add("html_javascript_shell.html", JS_SHELL, "E018")
    add("html_meta_charset_lies.html", LYING_META, language="de")
    add("html_legacy_meta_charset.html", LEGACY_META.encode("cp1252"), language="fr")
    add("html_xhtml_xml_prolog.xhtml", XHTML, language="en")
    add("html_fragment_no_head.htm", FRAGMENT)
    add("html_table_only.html", HTML_TABLE_ONLY)
    add("html_utf16_bom.htm", NEWS.encode("utf-16"), language="en")
    add("html_saved_as_txt.txt", REPORT)
    add("html_br_only.html", BR_ONLY, language="en", contains=EN[0][:60])
    add("html_frameset.html", FRAMESET, "E009")
    add("html_bom_no_suffix", "\ufeff" + WIKI, language="en")
    # converter markdown
    add("md_marker_tables_images_latex.md", MARKER, language="en")
    add("md_docling.md", DOCLING, language="en")
    add("md_pandoc_front_matter_footnotes.md", PANDOC, language="en")
    add("md_headings_only.md", HEADINGS_ONLY)
    add("md_setext_headings_rules.md", SETEXT, language="en")
    add("md_latex_heavy.md", LATEX_MD)
    add("md_code_blocks.md", CODE_MD)
    add("md_table_only.md", TABLE_ONLY_MD)
    add("md_german_converter.md", f"# Die Partnerschaft\n\n## Einleitung\n\n{DE}<sup>1</sup>\n\n<sup>1</sup> Vgl. Keohane/Nye 1977, S. 23.\n\n## Fazit\n\n{DE}\n", language="de")
    # other languages and scripts
    add("lang_german.txt", f"Einleitung\n\n{DE}\n\n{DE}\n", language="de")
    add("lang_french.txt", f"{FR}\n\n{FR}\n", language="fr")
    add("lang_portuguese.md", f"# Introdução\n\n{PT}\n\n## Teoria\n\n{PT}\n", language="pt")
    add("lang_spanish.txt", f"{ES}\n\n{ES}\n", language="es")
    add("lang_russian_utf8.txt", f"Введение\n\n{RU}\n\n{RU}\n", language="ru")
    add("lang_russian_cp1251.txt", f"Введение\n\n{RU}\n\n{RU}\n".encode("cp1251"), "legacy")
    add("lang_polish_iso8859_2.txt", f"{PL}\n\n{PL}\n".encode("iso8859_2"), "legacy")
    add("lang_chinese.txt", f"{ZH}\n\n{ZH}\n")
    add("lang_chinese_gbk.txt", f"{ZH}\n\n{ZH}\n".encode("gbk"), "legacy")
    add("lang_arabic.txt", f"{AR}\n\n{AR}\n", language="ar")
    add("lang_mixed_en_de.txt", f"{EN[0]}\n\n{DE}\n\n{EN[1]}\n\n{DE}\n")
    add("lang_western_cp1252.txt", f"{FR}\n\n« {FR} »\n".encode("cp1252"), "legacy")
    # odd text
    add("odd_one_long_line.txt", " ".join(EN * 40).replace("\n", " "))
    add("odd_only_numbers.txt", "\n".join(f"{i}\t{i * 3.7:.2f}\t{2000 + i % 25}" for i in range(400)))
    add("odd_only_urls.txt", "\n".join(f"https://www.example.org/reports/{i}/sanctions-{i}.pdf" for i in range(80)))
    add("odd_crlf.txt", "Introduction\r\n\r\n" + "\r\n\r\n".join(p.replace(". ", ".\r\n") for p in paras(4)) + "\r\n", language="en")
    add("odd_cr_only.txt", "Introduction\r\r" + "\r\r".join(p.replace(". ", ".\r") for p in paras(4)) + "\r", language="en")
    add("odd_nul_bytes.txt", ("\n\n".join(paras(4)) + "\n").replace("Moscow", "Mos\x00cow", 1), language="en")
    add("odd_bom_utf8.txt", "\ufeff" + "\n\n".join(paras(3)))
    add("odd_tabs.txt", "\n".join("\t".join(p.split(". ")) for p in paras(4)))
    add("odd_utf16le_bom.txt", ("\n\n".join(paras(3))).encode("utf-16"), language="en")
    add("odd_utf16be_bom.txt", b"\xfe\xff" + ("\n\n".join(paras(3))).encode("utf-16-be"))
    add("odd_utf16le_no_bom.txt", ("\n\n".join(paras(3))).encode("utf-16-le"), language="en")
    add("odd_utf32_bom.txt", ("\n\n".join(paras(3))).encode("utf-32"))
    add("odd_setext_plain.txt", SETEXT.replace("{1}------------------------------------------------\n\n", "\f"), language="en")
    add("odd_form_feeds.txt", "\f".join("\n\n".join(paras(2)) for _ in range(3)), language="en")
    add("odd_zero_width_and_emoji.txt", "\n\n".join(p.replace(" ", " \u200b", 5) + " 🌍" for p in paras(3)))
    add("odd_base64_blob.txt", EN[0] + "\n\n" + "QUJD" * 5000 + "\n\n" + EN[1])
    add("odd_single_word.txt", "Sanctions")
    add("odd_control_chars.txt", "\n\n".join(paras(3)).replace(". ", ".\x0b ", 2) + "\x1a")
    # PDFs
    add("pdf_headingless.pdf", pdf_headingless(), language="en")
    add("pdf_one_page.pdf", pdf_one_page(), language="en")
    add("pdf_rotated_pages.pdf", pdf_rotated(), language="en")
    add("pdf_many_tiny_pages.pdf", pdf_tiny_pages())
    add("pdf_no_text_layer.pdf", pdf_no_text(), "E005")
    add("pdf_leading_junk.pdf", pdf_leading_junk(), language="en")
    add("pdf_german.pdf", pdf_german(), language="de")
    add("pdf_broken_xref.pdf", pdf_broken_xref(), language="en")
    add("pdf_uncompressed.pdf", pdf_uncompressed_many_fonts(), language="en")
    # must fail cleanly
    add("bad_empty.txt", b"", "E001")
    add("bad_whitespace_only.txt", b" \n\t\n  \r\n", "E001")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr(zipfile.ZipInfo("notes.txt", STAMP), "\n".join(paras(2)))
    add("bad_archive.zip", zbuf.getvalue(), "E002")
    dbuf = io.BytesIO()
    with zipfile.ZipFile(dbuf, "w") as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", STAMP), '<?xml version="1.0"?><Types/>')
        z.writestr(zipfile.ZipInfo("word/document.xml", STAMP), "<w:document><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>")
    add("bad_word.docx", dbuf.getvalue(), "E002")
    add("bad_truncated.pdf", pdf_headingless()[:700], "E003")
    add("bad_pdf_header_only.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "E003")
    add("bad_wordpad.rtf", "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times New Roman;}}\\f0\\fs24 " + EN[0] + "\\par }", "E002")
    add("bad_postscript.ps", "%!PS-Adobe-3.0\n%%Title: paper\n/Times-Roman findfont 12 scalefont setfont\n72 720 moveto\n("
        + EN[0][:60] + ") show\nshowpage\n", "E002")
    add("bad_word97.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + EN[0].encode("utf-16-le"), "E002")
    add("bad_tei.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader>'
        '<fileDesc><titleStmt><title>Sanctions</title></titleStmt></fileDesc></teiHeader><text><body><p>'
        + EN[0] + "</p></body></text></TEI>\n", "E002")
    add("bad_image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "E002")
    return t


def write(folder: Path = HERE) -> dict[str, dict]:
    expected = {}
    for name, (data, want) in files().items():
        (folder / name).write_bytes(data)
        expected[name] = want
    (folder / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    return expected


if __name__ == "__main__":
    print(f"{len(write())} probe files written to {HERE}")
