"""The PDF reader's footnotes on real papers of the EXCITE corpus, one test per kind of lost note.

Each kind was found by comparing the corpus's gold reference strings with the notes the reader produced
(issue 15); each paper named here is one of several that show the kind.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from eval.datasets import DEFAULT_CORPUS as EXCITE
from pipeline.ingest.pdf import read_pdf
from pipeline.settings import Settings

pytestmark = pytest.mark.skipif(not (EXCITE / "manifest.csv").exists(), reason="the EXCITE corpus is not here")


@lru_cache(maxsize=None)
def _notes(rel: str) -> dict[int, str]:
    """number -> text of the notes the reader finds in one corpus PDF (the first note of each number)."""
    path = EXCITE / rel
    doc = read_pdf(path.read_bytes(), path, Settings())
    out: dict[int, str] = {}
    for b in doc.blocks:
        if b.kind == "footnote" and b.number is not None:
            out.setdefault(b.number, b.text)
    return out


def test_raised_note_number_reaching_into_the_line_above_opens_its_note():
    """11653: a note's 6.5 pt number at the left margin rises above the previous note's baseline; read into
    that line it became text ("Eine sehr ähnliche 12 Darstellung") and note 12 was lost."""
    notes = _notes("de-mixed/11653.pdf")
    assert notes[12].startswith("So z.B. in der Rheinischen Post")
    assert " 12 " not in notes[11]
    assert notes[36].startswith("Vgl.: DIE ZEIT") or "DIE ZEIT" in notes[36]


def test_note_called_at_the_foot_of_the_previous_page():
    """11653: notes 13 and 14 are called at the foot of page 11 and set on page 12, where nothing calls them;
    inside what the reader takes for a reference list a note must be called, so both were lost."""
    notes = _notes("de-mixed/11653.pdf")
    assert notes[13].startswith("Zit. nach")
    assert notes[14].startswith("Zit. nach")
    assert set(range(1, 94)) <= set(notes)  # all 93 notes of the paper


def test_note_column_beside_the_body_below_a_page_wide_abstract():
    """36025: page 1 has a page-wide abstract over two columns, the right one ending in the notes; the
    abstract's ragged right margin hid the gutter, and body and notes were read across as one line."""
    notes = _notes("de-footnote/36025.pdf")
    assert notes[1].startswith("Walther Müller-Jentsch: Auf dem Prüfstand")
    assert notes[2].startswith("vgl. Wolfgang Schroeder/Benjamin Erik Burau")
    assert notes[11].startswith("Bernhard Braun/Martin Buitkamp/Daniel Lüdecke")
    assert "Die sozialpolitische Praxis" not in " ".join(notes.values())


def test_number_at_the_start_of_a_continuation_line_does_not_skip_the_numbering():
    """41507: note 1's continuation line "14. und 15. November 2012" counted as note 14, so the side-strip
    notes 3-9 on page 2 were rejected as out of sequence."""
    notes = _notes("de-footnote/41507.pdf")
    assert notes[3].startswith("Bundesministerium für Familie, Senioren, Frauen und Jugend (2011)")
    assert notes[9].startswith("Vgl. unter anderem: Deutsches Zentrum für Altersfragen")
    assert "14. und 15. November 2012" in notes[1]


def test_short_notes_repeated_on_several_pages_are_not_running_feet():
    """36025: "4 ebenda" ... "7 ebenda" and "52 Hans-Jürgen Urban (2013), a.a.O., S. 391" come back on other
    pages with only their numbers changed; masked, they looked like a running foot and were dropped."""
    notes = _notes("de-footnote/36025.pdf")
    assert notes[4] == "ebenda" and notes[5] == "ebenda"
    assert notes[52] == "Hans-Jürgen Urban (2013), a.a.O., S. 391"
    assert notes[53] == "ebenda, S. 392" and notes[54] == "ebenda, S. 393"
