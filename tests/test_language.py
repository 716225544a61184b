"""Language detection (pipeline/language.py) and the stages it turns off for other languages.

The German, Portuguese and English texts below were written for these tests.
"""

from __future__ import annotations

import pytest

from pipeline.language import MIN_BODY_CHARS, detect_language
from pipeline.settings import Settings

GERMAN = """# Die Partnerschaft zwischen Russland und Iran

## Einleitung

Die Beziehungen zwischen Russland und Iran haben sich seit dem Beginn des Krieges in der Ukraine deutlich verändert. Beide Staaten stehen unter westlichen Sanktionen und suchen nach neuen Wegen für Handel und Zusammenarbeit (Keohane 1984).

Die Theorie der komplexen Interdependenz geht davon aus, dass wirtschaftliche Verflechtung die Anwendung militärischer Gewalt unwahrscheinlicher macht. Ambiente und Arbeitswelt der Diplomaten spielen dabei eine geringere Rolle, als oft vermutet wird.

Im Januar 2025 unterzeichneten die Präsidenten in Moskau einen Vertrag über eine umfassende strategische Partnerschaft, der allerdings keine gegenseitige Beistandspflicht enthält.

## Literatur

Keohane, Robert O. (1984): After Hegemony. Cooperation and Discord in the World Political Economy. Princeton: Princeton University Press.
"""

PORTUGUESE = """# A parceria entre a Rússia e o Irã

## Introdução

As relações entre a Rússia e o Irã mudaram de forma profunda depois do início da guerra na Ucrânia. Os dois países estão sob sanções ocidentais e procuram novas rotas para o comércio e para a cooperação energética.

A teoria da interdependência complexa sustenta que a integração econômica torna o uso da força militar menos provável. No entanto, o tratado assinado em Moscou em janeiro de 2025 não contém nenhuma cláusula de defesa mútua.

## References

Keohane, R. O.; Nye, J. S. (1977). Power and Interdependence. Boston: Little, Brown.
"""

ENGLISH = """# The partnership between Russia and Iran

## Introduction

Relations between Russia and Iran have changed deeply since the start of the war in Ukraine. Both states live under Western sanctions and look for new routes for trade and energy cooperation (Keohane 1984).

In January 2025 the two presidents signed a comprehensive strategic partnership treaty in Moscow, although the treaty contains no mutual defence clause. Washington condemned the agreement.

## References

Keohane, Robert O. (1984). After Hegemony. Princeton: Princeton University Press.
"""

# (the Portuguese text heads its list "References": "Referências" is not yet a reference heading, see
# pipeline/text/headings.py)
SKIPPED = ("entities", "events", "theory")


def _process(tmp_path, name: str, text: str):
    from pipeline.process import process_file

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return process_file(path, Settings())


@pytest.mark.parametrize("name,text,lang", [("de.md", GERMAN, "de"), ("pt.md", PORTUGUESE, "pt")])
def test_other_languages_skip_the_english_stages(tmp_path, name, text, lang):
    doc = _process(tmp_path, name, text)
    assert doc.metadata.language == lang
    for stage in SKIPPED:
        assert doc.provenance.stages[stage] == f"{stage}@skipped:{lang}"
        assert any(w.startswith(f"{stage}: skipped for a document in '{lang}'") for w in doc.warnings)
    # no English NER on German or Portuguese prose, no theory labels
    assert doc.entities == [] and doc.events == [] and doc.theory_summary is None
    # references and citations do not depend on the language
    assert doc.references and doc.references[0].year in (1977, 1984)
    assert doc.provenance.stages["citations"].startswith("citations@") and not doc.stage_errors


def test_german_citation_is_resolved(tmp_path):
    doc = _process(tmp_path, "de.md", GERMAN)
    cited = [c for c in doc.citations if c.kind == "author_year"]
    assert cited and cited[0].status == "resolved" and cited[0].reference_id == doc.references[0].id


def test_english_runs_every_stage(tmp_path):
    doc = _process(tmp_path, "en.md", ENGLISH)
    assert doc.metadata.language == "en"
    for stage in SKIPPED:
        assert "skipped" not in doc.provenance.stages[stage]
    assert {e.code for e in doc.entities} >= {"RUS", "IRN"}
    assert doc.theory_summary is not None and doc.theory_summary.passages >= 2


def test_english_paper_quoting_german_is_english():
    english = [ENGLISH.split("\n\n")[2], ENGLISH.split("\n\n")[3]] * 3
    quote = "„Die Theorie der komplexen Interdependenz geht davon aus, dass Verflechtung Gewalt unwahrscheinlicher macht.“"
    guess = detect_language([*english, quote], Settings().language_min_confidence)
    assert guess.language == "en" and guess.votes.get("de", 0) > 0


def test_short_text_has_no_language():
    guess = detect_language(["Russland und Iran."], 0.6)
    assert guess.language is None and "too few" in guess.reason
    assert len("Russland und Iran.") < MIN_BODY_CHARS


def test_half_and_half_has_no_language():
    german = GERMAN.split("\n\n")[2:5]
    english = ENGLISH.split("\n\n")[2:4]
    guess = detect_language([*german, *english], 0.95)
    assert guess.language is None and "language_min_confidence=0.95" in guess.reason
    assert set(guess.votes) >= {"de", "en"}


def test_unknown_language_runs_every_stage(tmp_path):
    from pipeline.process import assemble, ingest, run_stages

    path = tmp_path / "short.md"
    path.write_text("# Notiz\n\nRussland und Iran.\n", encoding="utf-8")
    doc = assemble(ingest(path))
    assert doc.metadata.language is None
    assert any(w.startswith("language: unknown") for w in doc.warnings)
    doc = run_stages(doc, Settings())
    assert not any("skipped" in v for v in doc.provenance.stages.values())


def test_front_matter_read_when_the_article_start_was_missed():
    # a heading-less PDF whose prose came out as front matter, with a short English summary as body
    german = GERMAN.split("\n\n")[2:5] * 4
    summary = ["This report examines the partnership between Russia and Iran after the war in Ukraine began. " * 2]
    assert detect_language(summary, 0.6, front_texts=german).language == "de"
    # an ordinary abstract in front matter does not outvote the body
    assert detect_language(german, 0.6, front_texts=summary).language == "de"
    assert detect_language(summary * 3, 0.6, front_texts=german[:1]).language == "en"
