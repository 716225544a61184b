"""Readers and bad input: every failure is one clear line naming the file and the reason."""

from __future__ import annotations

import io

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import detect_media_type
from pipeline.process import ingest
from pipeline.settings import Settings

from .conftest import ARTICLE, DATA


def _pdf_bytes_blank(pages: int) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,name,expected",
    [
        (b"%PDF-1.7\n...", "x.bin", "application/pdf"),
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "page", "text/html"),
        (b"# Title\n\nSome text with <sup>1</sup> a note.\n", "a.txt", "text/markdown"),
        (b"Just some words.\n\nAnother paragraph.", "a.md", "text/plain"),
        (b"\x00\x01\x02\x03binary", "a.txt", "application/octet-stream"),
    ],
)
def test_detect_media_type_by_content(data, name, expected):
    assert detect_media_type(data, name) == expected


def test_reference_article_is_markdown():
    assert ingest(ARTICLE).raw.media_type == "text/markdown"


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(DATA / "34237.pdf")
    w = PdfWriter()
    w.add_page(reader.pages[0])
    w.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def _scanned_pdf() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buf, format="PDF")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,make,code,words",
    [
        ("empty.txt", lambda: b"", "E001", "empty"),
        ("blank.md", lambda: b"  \n\n \n", "E001", "empty"),
        ("garbage.bin", lambda: bytes(range(256)) * 40, "E002", "not a document"),
        ("image.png", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "E002", "an image"),
        ("truncated.pdf", lambda: (DATA / "34237.pdf").read_bytes()[:4000], "E003", "damaged or truncated"),
        ("encrypted.pdf", _encrypted_pdf, "E004", "encrypted"),
        ("scan.pdf", _scanned_pdf, "E005", "no text layer"),
        ("latin1.txt", lambda: "Les relations franco-russes, été 1990 à Genève.".encode("latin-1"), "E007", "UTF-8"),
        ("book.pdf", lambda: _pdf_bytes_blank(300), "E006", "300 pages"),
    ],
)
def test_bad_input_gives_one_clear_error(tmp_path, name, make, code, words):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(IngestError) as info:
        ingest(path, Settings())
    message = str(info.value)
    assert info.value.code == code
    assert str(path) in message and words in message
    assert "\n" not in message


def test_legacy_encoding_accepted_when_asked(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Les relations franco-russes à Genève.\n\nUn autre paragraphe.".encode("latin-1"))
    ing = ingest(path, Settings(accept_legacy_encodings=True))
    assert "Genève" in ing.raw.blocks[0].text


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match="does not exist"):
        ingest(tmp_path / "nope.pdf")


def test_html_main_text_without_boilerplate(tmp_path):
    nav = "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(30))
    body = " ".join(["Russia and Iran signed a comprehensive strategic partnership treaty in Moscow."] * 6)
    page = f"""<!DOCTYPE html><html><head><title>Treaty signed</title></head><body>
    <nav><ul>{nav}</ul></nav><header>Subscribe to our newsletter</header>
    <article><h1>Treaty signed</h1><p>{body}</p><h2>Reactions</h2>
    <p>{body.replace('signed', 'welcomed')}</p></article>
    <footer>Copyright 2025 Example News. All rights reserved. Cookie settings.</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page)
    raw = ingest(path).raw
    text = " ".join(b.text for b in raw.blocks)
    assert raw.media_type == "text/html"
    assert "strategic partnership treaty" in text
    assert "Section 12" not in text and "Cookie settings" not in text
    assert any(b.kind == "heading" and b.text == "Reactions" for b in raw.blocks)


def test_plain_text_paragraphs_and_headings(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(
        "1. Introduction\n\nIran and Russia deepened ties after 2015. The partner-\nship grew.\n\n"
        "References\n\nKeohane, R. and Nye, J. (1977) Power and Interdependence.\n"
    )
    raw = ingest(path).raw
    kinds = [(b.kind, b.text) for b in raw.blocks]
    assert kinds[0] == ("heading", "1. Introduction")
    assert ("body", "Iran and Russia deepened ties after 2015. The partnership grew.") in kinds
    assert kinds[-1][0] == "reference"
