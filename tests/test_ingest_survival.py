"""The kinds of input the survival probe set (tests/test_survival_probes.py) found coming out badly, one
test per kind, on the ingest functions alone (fast: no models, no Prefect)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import decode, detect_media_type, read_bytes
from pipeline.settings import Settings

PROBES = Path(__file__).parent / "data" / "survival"
PROSE = ("The strategic partnership between Russia and Iran was signed in Moscow in January 2025. "
         "Observers in Washington read it as a response to sanctions.")


def _probes():
    sys.path.insert(0, str(PROBES))
    try:
        import make_probes
    finally:
        sys.path.remove(str(PROBES))
    return make_probes


@pytest.mark.parametrize("sep", ["\r", "\r\n"])
def test_old_mac_and_windows_line_ends_cut_paragraphs(sep):
    data = f"Introduction{sep}{sep}{PROSE}{sep}{sep}{PROSE}{sep}".encode()
    raw = read_bytes(data, "a.txt", Settings())
    assert [b.kind for b in raw.blocks] == ["heading", "body", "body"]
    assert not any("\r" in b.text for b in raw.blocks)


def test_control_and_invisible_characters_are_removed_with_a_warning():
    text = PROSE.replace(" ", " \u200b", 2).replace(".", ".\x0b", 1) + "\x1a inter\u00adnational"
    dec = decode(text.encode(), "a.txt", Settings())
    assert "\u200b" not in dec.text and "\x0b" not in dec.text and "\x1a" not in dec.text
    assert "international" in dec.text and "Russia" in dec.text
    assert dec.note and "removed or made spaces" in dec.note
    # joiners that shape Persian and emoji stay
    assert decode("می\u200cخواهم".encode(), "a.txt", Settings()).text == "می\u200cخواهم"


def test_a_stray_nul_byte_is_not_binary_but_many_are():
    one = (PROSE + "\n\n" + PROSE).replace("Moscow", "Mos\x00cow").encode()
    assert detect_media_type(one, "a.txt") == "text/plain"
    raw = read_bytes(one, "a.txt", Settings())
    assert "Moscow" in raw.blocks[0].text and any("NUL" in w for w in raw.warnings)
    binary = bytes(range(256)) * 8
    assert detect_media_type(binary, "a.txt") == "application/octet-stream"
    assert detect_media_type(b"\x00\x01\x02\x03binary", "a.txt") == "application/octet-stream"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark(codec):
    data = (PROSE + "\n\n" + PROSE).encode(codec)
    raw = read_bytes(data, "a.txt", Settings())
    assert raw.encoding == codec and raw.blocks[0].text.startswith("The strategic partnership")


def test_a_web_page_in_its_declared_legacy_charset_is_read_without_the_setting():
    page = f"<html><head><meta charset='windows-1252'><title>Politique</title></head><body><p>{PROSE} « Café »</p></body></html>"
    raw = read_bytes(page.encode("cp1252"), "a.html", Settings(accept_legacy_encodings=False))
    assert raw.encoding == "cp1252" and any("« Café »" in b.text for b in raw.blocks)
    # iso-8859-1 means windows-1252 (WHATWG): its curly quotes come out right
    page = page.replace("windows-1252", "iso-8859-1").replace("« Café »", "“Café”")
    raw = read_bytes(page.encode("cp1252"), "a.html", Settings())
    assert any("“Café”" in b.text for b in raw.blocks)
    # a UTF-8 page whose <meta> names another charset is UTF-8: the bytes are the evidence
    lying = page.replace("“Café”", "Außenpolitik")
    assert any("Außenpolitik" in b.text for b in read_bytes(lying.encode(), "a.html", Settings()).blocks)


@pytest.mark.parametrize("head", ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html>', "\ufeff<!DOCTYPE html><html>"])
def test_xhtml_prolog_and_byte_order_mark_are_still_html(head):
    page = f"{head}<head><title>Sanctions</title></head><body><p>{PROSE}</p></body></html>"
    assert detect_media_type(page.encode(), "page") == "text/html"
    raw = read_bytes(page.encode(), "page", Settings())
    assert not any("<" in b.text for b in raw.blocks)


def test_a_pipe_table_is_markdown():
    table = "| Country | Year |\n|---|---|\n| Russia | 2014 |\n| Iran | 2012 |\n"
    assert detect_media_type(table.encode(), "data.txt") == "text/markdown"
    raw = read_bytes(table.encode(), "data.txt", Settings())
    assert not any("---" in b.text for b in raw.blocks)


def test_javascript_shell_fails_with_its_own_code_but_a_short_page_with_scripts_is_read():
    shell = _probes().JS_SHELL
    with pytest.raises(IngestError) as info:
        read_bytes(shell.encode(), "app.html", Settings())
    assert info.value.code == "E018" and "app.html" in str(info.value) and "browser" in str(info.value)
    page = f"<html><head><script src='a.js'></script></head><body><article><p>{PROSE} {PROSE}</p></article></body></html>"
    assert read_bytes(page.encode(), "short.html", Settings()).blocks


def test_yaml_front_matter_and_pandoc_footnotes():
    from pipeline.process import assemble, ingest

    doc = assemble(ingest(PROBES / "md_pandoc_front_matter_footnotes.md"))
    assert doc.metadata.title == "Interdependence after 2022"
    assert "title:" not in doc.text and "[^" not in doc.text and ":::" not in doc.text
    assert [f.number for f in doc.footnotes] == [1, 2]
    first = next(p for p in doc.passages if p.id == doc.footnotes[0].passage_id)
    assert first.kind == "footnote" and first.text.startswith("See Keohane and Nye 1977")
    assert {m.footnote_id for m in doc.footnote_markers} == {f.id for f in doc.footnotes}


def test_converter_leftovers_are_dropped():
    text = ("# Title\n\n<!-- image -->\n\n![](_page_0_Picture_2.jpeg)\n\n" + PROSE + "\n\n```python\nimport os\n```\n\n"
            "- a list item that is prose\n")
    raw = read_bytes(text.encode(), "a.md", Settings())
    joined = " ".join(b.text for b in raw.blocks)
    assert "<!--" not in joined and "![" not in joined and "import os" not in joined
    assert "a list item that is prose" in joined and "- a list" not in joined
    assert any("fenced code" in w for w in raw.warnings)


def test_rotated_pdf_pages_are_read_upright():
    data = _probes().pdf_rotated()
    raw = read_bytes(data, "rotated.pdf", Settings())
    body = " ".join(b.text for b in raw.blocks)
    assert "strategic partnership between Russia and Iran" in body
    assert raw.pages == 2


def test_a_page_set_with_br_only_keeps_all_its_text_and_a_frameset_fails_clearly():
    probes = _probes()
    raw = read_bytes(probes.BR_ONLY.encode(), "old.html", Settings())
    body = [b.text for b in raw.blocks if b.kind == "body"]
    assert body[0].startswith("The strategic partnership") and any(w.startswith("html: no main text") for w in raw.warnings)
    assert len(body) >= 5
    with pytest.raises(IngestError) as info:
        read_bytes(probes.FRAMESET.encode(), "frames.html", Settings())
    assert info.value.code == "E009"
    # a page with paragraph markup is left to trafilatura (navigation dropped)
    news = read_bytes(probes.NEWS.encode(), "news.html", Settings())
    assert not news.warnings and not any("Ten things about cats" in b.text for b in news.blocks)


def test_setext_headings_thematic_breaks_and_page_separators():
    raw = read_bytes(_probes().SETEXT.encode(), "a.md", Settings())
    assert [(b.kind, b.level) for b in raw.blocks if b.kind == "heading"] == [("heading", 1), ("heading", 2), ("heading", 2)]
    assert not any(set(b.text) <= set("-=*_ {}0123456789") for b in raw.blocks)


@pytest.mark.parametrize("name, said", [("bad_wordpad.rtf", "RTF"), ("bad_postscript.ps", "PostScript"), ("bad_tei.xml", "XML"),
                                        ("bad_word97.doc", "Word 97-2003"), ("bad_word.docx", "ZIP/Office")])
def test_formats_no_reader_reads_fail_naming_what_they_are(name, said):
    """RTF, PostScript and XML are text bytes: read as text, their control words or tags would become the document."""
    with pytest.raises(IngestError) as info:
        read_bytes((PROBES / name).read_bytes(), name, Settings())
    assert info.value.code == "E002" and said in str(info.value) and name in str(info.value)


def test_plain_text_underlined_headings_rules_and_form_feeds():
    raw = read_bytes((PROBES / "odd_setext_plain.txt").read_bytes(), "notes.txt", Settings())
    assert [b.text for b in raw.blocks if b.kind == "heading"] == ["Sanctions and alliances", "Introduction", "Method"]
    assert not any("\f" in b.text or "===" in b.text or "* *" in b.text for b in raw.blocks)
    assert len([b for b in raw.blocks if b.kind == "body"]) == 3
