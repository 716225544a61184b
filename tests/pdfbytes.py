"""PDF files written by hand for tests: the objects given, numbered from 1, with a cross-reference table.

Small enough to read, exact to the byte, and free of any PDF library: the reader's limits and its odd
cases (rotated pages, floods of characters, junk before the header) are tested on files whose every
object the test chose.
"""

from __future__ import annotations


def pdf_bytes(objs: list[bytes], head: bytes = b"") -> bytes:
    """A PDF of ``objs`` (object 1 the catalog), after ``head`` (bytes some producers put before the header)."""
    out = bytearray(head + b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)
