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


# Legacy 8-bit text in several languages and code pages (written for these tests): each must come
# back exactly when accept_legacy_encodings is on, with the code page recorded in source.encoding.
_LEGACY = [
    ("cp1251", "ru", "Российская Федерация и Исламская Республика Иран подписали договор о всеобъемлющем "
                     "стратегическом партнёрстве. Санкции Запада только ускорили сближение двух государств."),
    ("koi8_r", "ru", "Переговоры в Москве шли долго: стороны обсуждали поставки энергоносителей, транспортный "
                     "коридор Север-Юг и расчёты в национальных валютах."),
    ("iso8859_2", "pl", "Stosunki międzynarodowe Polski po 1989 roku opierały się na integracji z Unią Europejską. "
                        "Współpraca z sąsiadami, zwłaszcza z Litwą i Czechami, zależała od wspólnej oceny zagrożeń; "
                        "źródłem niepokoju była polityka Rosji, a żadna koalicja nie dawała pełnej gwarancji."),
    ("iso8859_2", "cs", "Česká zahraniční politika se po roce 1993 soustředila na vstup do Evropské unie. "
                        "Vláda zdůrazňovala význam transatlantických vztahů, ale veřejnost byla vůči NATO zdrženlivá; "
                        "šíře shody mezi stranami se ukázala až při sporech o ruský plyn."),
    ("cp1250", "hu", "A magyar külpolitika a rendszerváltás után az euroatlanti integrációt tűzte ki célul. "
                     "Az energiafüggőség miatt a kormány óvatos maradt, és a szankciókról hosszú viták folytak."),
    ("cp1252", "fr", "Les relations franco-russes, après l'été 1990, ont été marquées à Genève par une méfiance réciproque."),
    ("iso8859_9", "tr", "Türkiye'nin dış politikası 1990'lardan sonra değişti; Avrupa Birliği ile ilişkiler önemliydi."),
    ("cp1253", "el", "Η εξωτερική πολιτική της Ελλάδας μετά το 1990 επικεντρώθηκε στην Ευρωπαϊκή Ένωση και στα Βαλκάνια."),
]


@pytest.mark.parametrize("encoding,lang,text", _LEGACY, ids=[f"{lang}-{enc}" for enc, lang, _ in _LEGACY])
def test_legacy_text_decoded_as_its_code_page(tmp_path, encoding, lang, text):
    import codecs

    from pipeline.process import assemble

    path = tmp_path / f"{lang}.txt"
    path.write_bytes(text.encode(encoding))
    ing = ingest(path, Settings(accept_legacy_encodings=True))
    assert ing.raw.blocks[0].text == text
    doc = assemble(ing, Settings(accept_legacy_encodings=True))
    # the recorded code page decodes the bytes to the same text (cp1250 and ISO-8859-2 share most letters)
    assert path.read_bytes().decode(codecs.lookup(doc.source.encoding).name) == text
    assert any("decoded as" in w and doc.source.encoding in w for w in doc.warnings)


def test_legacy_text_refused_without_the_setting_names_the_guess(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes(_LEGACY[0][2].encode("cp1251"))
    with pytest.raises(IngestError) as info:
        ingest(path, Settings(accept_legacy_encodings=False))
    assert info.value.code == "E007"
    assert "looks like cp1251" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-32-le"])
def test_unicode_with_a_byte_order_mark_is_text(tmp_path, codec):
    from pipeline.process import assemble

    text = ("# Sanctions and partnership\n\nRussia and Iran signed a treaty in Moscow; "
            "Pezeshkian called it “a new chapter”.\n\n## Conclusion\n\nThe partnership will last.\n")
    bom = {"utf-16": b"", "utf-32": b"", "utf-16-be": codecs_bom("utf-16-be"), "utf-32-le": codecs_bom("utf-32-le")}[codec]
    path = tmp_path / "unicode.md"
    path.write_bytes(bom + text.encode(codec))
    assert detect_media_type(path.read_bytes(), path) == "text/markdown"
    doc = assemble(ingest(path, Settings()))
    assert doc.source.encoding in ("utf-16", "utf-32")
    assert "“a new chapter”" in doc.text and doc.passages[0].text == "Sanctions and partnership"


def codecs_bom(codec: str) -> bytes:
    import codecs

    return {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}[codec]


def test_utf8_is_recorded(tmp_path):
    from pipeline.process import assemble

    path = tmp_path / "a.txt"
    path.write_text("Genève and Kraków hosted the talks.\n\nA second paragraph.", encoding="utf-8")
    assert assemble(ingest(path)).source.encoding == "utf-8"


def test_utf16_bytes_that_do_not_decode_are_refused(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xff\xfe\x00\x00garbage\x00")  # a UTF-32 mark, then no UTF-32 at all
    with pytest.raises(IngestError) as info:
        ingest(path)
    assert info.value.code in ("E002", "E007") and str(path) in str(info.value)
