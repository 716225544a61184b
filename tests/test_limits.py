"""Hostile files: PDF stream bombs and character floods stay within limits; sizes checked before reading."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import read_bytes, read_file_bytes
from pipeline.settings import Settings

from .conftest import DEV_PDFS, ROOT
from .pdfbytes import pdf_bytes


def pdf_with_content(stream: bytes, filters: str = "/FlateDecode", resources: bytes = b"",
                     more_pages: tuple[bytes, ...] = ()) -> bytes:
    """A PDF whose first page's content is ``stream`` (already encoded with ``filters``), by hand;
    ``more_pages``: the (uncompressed) content streams of further pages."""
    n = 1 + len(more_pages)
    kids = b" ".join([b"3 0 R"] + [b"%d 0 R" % (6 + 2 * k) for k in range(len(more_pages))])
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> " + resources + b">> >>",
            b"<< /Length %d " % len(stream) + (b"/Filter %s " % filters.encode() if filters else b"") +
            b">>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for k, content in enumerate(more_pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 5 0 R >> >> >>" % (7 + 2 * k))
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return pdf_bytes(objs)


def flate_bomb(n_bytes: int, head: bytes = b"") -> bytes:
    """A valid zlib stream of ``head`` then ``n_bytes`` spaces, about n_bytes / 1000 long: one compressed
    1 MiB block, byte-aligned by a sync flush, repeated (the window is all spaces in each), then the
    checksum of the whole."""
    block = b" " * (1 << 20)
    c = zlib.compressobj(9)
    first = c.compress(head + block) + c.flush(zlib.Z_SYNC_FLUSH)
    steady = c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH)
    body = first + steady * (n_bytes // len(block) - 1) + c.flush()
    adler = zlib.adler32(head)
    for _ in range(n_bytes // len(block)):
        adler = zlib.adler32(block, adler)
    return body[:-4] + adler.to_bytes(4, "big")


TEXT = b"BT /F1 12 Tf 72 720 Td (The treaty was signed in Moscow on 17 January 2025.) Tj ET\n"

# Peak memory of this process image: VmHWM of /proc/self/status, reset to the current RSS once the
# imports are done (clear_refs 5). getrusage's ru_maxrss would not do: exec keeps the peak of the
# process that forked it (here pytest, with the models loaded), which can hide the bomb's.
MEASURE = r"""
import json, sys
from pipeline.ingest import read_bytes
from pipeline.settings import Settings
import pdfplumber  # imported before the baseline: only the bomb's cost is measured

def status_kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = status_kb("VmRSS")
try:
    read_bytes(data, sys.argv[1], Settings())
    result = {"code": None}
except Exception as exc:
    result = {"code": getattr(exc, "code", type(exc).__name__), "message": str(exc)}
result["extra_mb"] = (status_kb("VmHWM") - before) / 1024
print(json.dumps(result))
"""


@pytest.mark.slow
def test_flate_bomb_stays_under_300_mb(tmp_path):
    """1 MB of PDF that inflates to 1 GiB: refused with its own code, in bounded memory (own process, peak RSS).
    Without the limits the same file takes about 1.8 GB (bench/limits_benchmark.py)."""
    bomb = flate_bomb(1 << 30, TEXT)
    assert zlib.decompressobj().decompress(bomb, 1 << 20)[: len(TEXT)] == TEXT  # really a bomb of text
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_with_content(bomb))
    assert path.stat().st_size < 1_200_000
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == "E015", result
    assert "bomb.pdf" in result["message"] and "pdf_max_stream_bytes" in result["message"]
    assert result["extra_mb"] < 300, result


def test_stream_and_document_limits(tmp_path):
    stream = zlib.compress(TEXT + b" " * 200_000)
    small = Settings(pdf_max_stream_bytes=100_000)
    with pytest.raises(IngestError) as err:
        read_bytes(pdf_with_content(stream), "s.pdf", small)
    assert err.value.code == "E015" and "pdf_max_stream_bytes" in err.value.reason
    with pytest.raises(IngestError) as err:
        read_bytes(pdf_with_content(stream), "t.pdf", Settings(pdf_max_decoded_bytes=150_000))
    assert err.value.code == "E015" and "pdf_max_decoded_bytes" in err.value.reason
    # under the limits the same PDF is read (its text, not "no text layer")
    raw = read_bytes(pdf_with_content(zlib.compress(TEXT)), "ok.pdf", Settings(min_text_chars_per_page=10))
    assert "signed in Moscow" in " ".join(b.text for b in raw.blocks)


def test_run_length_and_lzw_are_bounded_and_unchanged():
    import pdfminer.pdftypes as pt

    from pipeline.ingest import limits

    limits.install()
    rl = bytes([0x81, ord(" ")]) * 20_000 + bytes([5]) + b"abcdef" + bytes([128])  # 128 x 20,000 + 6 bytes
    assert pt.rldecode(rl) == limits._orig["rldecode"](rl)  # no guard active: pdfminer's own result
    guard = limits._Guard("x.pdf", Settings(pdf_max_stream_bytes=1_000_000))
    limits._local.guard = guard
    try:
        with pytest.raises(limits.PdfLimitExceeded):
            pt.rldecode(rl)
        assert guard.error is not None and guard.error.code == "E015"
        with pytest.raises(limits.PdfLimitExceeded):  # once hit, every later decode stops at once
            pt.rldecode(b"\x00a\x80")
        limits._local.guard = limits._Guard("y.pdf", Settings())
        assert pt.rldecode(rl) == limits._orig["rldecode"](rl)
        # a bad checksum: pdfminer's recovery path gives the same bytes, without its quadratic copies
        damaged = zlib.compress(b"some text " * 1000)[:-2] + b"\x00\x00"
        assert pt.decompress_corrupted(damaged) == limits._orig["decompress_corrupted"](damaged)
    finally:
        limits._local.guard = None


def test_characters_per_page(tmp_path):
    flood = b"BT /F1 1 Tf " + b"(" + b"x" * 3000 + b") Tj ET\n"
    with pytest.raises(IngestError) as err:
        read_bytes(pdf_with_content(zlib.compress(flood)), "flood.pdf", Settings(pdf_max_page_chars=2000))
    assert err.value.code == "E016" and "page 1" in err.value.reason and err.value.path == "flood.pdf"


def test_a_flooded_page_is_skipped_and_the_others_kept():
    """One runaway page costs that page, not the document: the others are read, the warning names it."""
    text = b"BT /F1 12 Tf 72 700 Td (" + b"Readable words on the first page of the paper. " * 4 + b") Tj ET"
    flood = b"BT /F1 1 Tf " + b"(" + b"x" * 3000 + b") Tj ET\n"
    raw = read_bytes(pdf_with_content(zlib.compress(text), more_pages=(flood,)), "mixed.pdf",
                     Settings(pdf_max_page_chars=2000))
    body = " ".join(b.text for b in raw.blocks)
    assert "Readable words on the first page" in body and "xxxx" not in body
    assert raw.pages == 2
    assert any("page(s) 2 skipped" in w and "pdf_max_page_chars" in w for w in raw.warnings)


def test_unmapped_glyphs_carry_no_text():
    """pdfminer's "(cid:N)" placeholders (glyphs a font does not map) never reach the text."""
    from pipeline.ingest.pdf import _UNMAPPED

    assert _UNMAPPED.match("(cid:12)") and not _UNMAPPED.match("(cid:12) text") and not _UNMAPPED.match("c")


def test_dev_pdfs_read_the_same_under_the_guard():
    """The bounded decoders change nothing below the limits: page text equals pdfplumber's without them."""
    import io

    import pdfplumber

    from pipeline.ingest.pdf import open_pdf

    for path in DEV_PDFS[:2]:
        data = path.read_bytes()
        with pdfplumber.open(io.BytesIO(data)) as plain:
            expected = [p.extract_text() for p in plain.pages[:3]]
        pdf = open_pdf(data, path, Settings())
        try:
            got = [p.extract_text() for p in pdf.pages[:3]]
        finally:
            pdf.close()
        assert got == expected and any(expected)


def test_size_checked_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(3 * 1024 * 1024 * 1024)  # sparse: 3 GiB by stat, nothing on disk
    with pytest.raises(IngestError) as err:
        read_file_bytes(big, 1024)
    assert err.value.code == "E008"
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(IngestError) as err:
        read_file_bytes(fifo)  # would block for ever if opened
    assert err.value.code == "E017" and "FIFO" in err.value.reason
    with pytest.raises(IngestError) as err:
        read_file_bytes(tmp_path)
    assert err.value.code == "E017"
    with pytest.raises(IngestError) as err:
        read_file_bytes(Path("/dev/zero"))
    assert err.value.code == "E017" and "device" in err.value.reason
    with pytest.raises(IngestError) as err:
        read_file_bytes(tmp_path / "missing.txt")
    assert err.value.code == "E010"
    ok = tmp_path / "ok.txt"
    ok.write_bytes(b"x" * 1024)
    assert read_file_bytes(ok, 1024) == b"x" * 1024
