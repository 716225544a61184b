"""The reference parser's EXCITE training strings, with data.py's label mapping corrected.

EXCITE's annotators leave some fields untyped (``<other>``); :mod:`pipeline.references.data` guesses
their label (et al. -> the name before, date-like -> date, place-like -> location, else note). This module
labels the corpus's ``segmented.xml`` strings as data.py does, with the corrections below, keeping data.py's
fixed split (:func:`parser_dataset`); :mod:`pipeline.references.parser` trains on it.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.references import data

#: Places of publication (English and German reference lists): a feature, and the place test of the EXCITE
#: mapping (this module's place test). Lowercase; several-word places by their words joined with a space.
CITIES = frozenset(c.strip() for c in """
london|new york|oxford|cambridge|chicago|boston|washington|princeton|ithaca|baltimore|berkeley|los angeles|
san francisco|thousand oaks|newbury park|beverly hills|basingstoke|houndmills|abingdon|milton park|cheltenham|
northampton|aldershot|farnham|boulder|lanham|lexington|stanford|new haven|philadelphia|amsterdam|leiden|dordrecht|
heidelberg|berlin|münchen|munich|frankfurt|köln|cologne|hamburg|stuttgart|opladen|wiesbaden|bonn|baden-baden|
tübingen|göttingen|münster|bielefeld|leipzig|weinheim|basel|wien|vienna|zürich|zurich|bern|paris|geneva|genf|
brussels|brüssel|luxembourg|rome|roma|madrid|barcelona|stockholm|oslo|copenhagen|helsinki|moscow|tokyo|beijing|
delhi|new delhi|singapore|sydney|toronto|montreal|ottawa|manchester|edinburgh|glasgow|bristol|brighton|chichester|
malden|hoboken|westport|armonk|englewood cliffs|upper saddle river|mannheim|konstanz|freiburg|marburg|darmstadt|
dresden|hannover|hanover|bremen|kiel|nürnberg|regensburg|bochum|duisburg|essen|düsseldorf|mainz|kassel|jena|
potsdam|bamberg|würzburg|augsburg|paderborn|lengerich|graz|innsbruck|salzburg|prague|prag|warsaw|warschau|
budapest|athens|lisbon|dublin|cardiff|sheffield|leeds|birmingham|nottingham|liverpool|newcastle|aberdeen|durham|
canberra|melbourne|wellington|cape town|johannesburg|nairobi|cairo|jerusalem|tel aviv|istanbul|ankara|tehran|
seoul|hong kong|kyoto|mexico|buenos aires|são paulo|rio de janeiro|santiago|lima|bogotá|evanston|urbana|ann arbor|
minneapolis|pittsburgh|austin|houston|atlanta|seattle|denver|santa monica|santa barbara|palo alto|madison|
bloomington|chapel hill|charlottesville|nashville|albany|syracuse|rochester|buffalo|amherst|sebastopol|
farmington hills|frankfurt/main|frankfurt/m|frankfurt am main|frankfurt a.m.|st. louis""".replace("\n", "").split("|"))

# EXCITE's annotators leave some fields untyped (``<other>``); :mod:`pipeline.references.data` guesses
# their label (et al. -> the name before, date-like -> date, place-like -> location, else note). Read on
# all 139 corpus papers (2,637 ``other`` spans), these guesses miss whole kinds that are fields with a
# label of their own, so the model was taught noise. The rules below move them; each is a kind seen in
# many papers, none a single example (the spans and counts are in models/references/README.md):
#
# * same-author words (``ders.``, ``dies.``, "derselbe") before "(Hrsg.)" or after "in:" are the editor,
#   at the start of a string the author (they stand for a name);
# * dates the old pattern does not know: day and month without a year ("<other>10.3.</other><year>1997"
#   made "10.3.1997." a note), "vom 26.08.2003", months glued to a year ("Oktober2003"), month ranges
#   ("Jun/jul", "21.-22. Mai"), and "o.J."/"n.d." (no date: AnyStyle labels "n.d." date);
# * page references the annotators left untyped ("hier S. 7", "pp"): AnyStyle's pages include the lead;
# * places joined by "and"/"und"/"&" or broken by a hyphen at a line end ("Baltimore and London",
#   "Tü- bingen und Basel"), which the place test refused for the lowercase joiner;
# * not an ``other`` span but the same kind of guess: a list number or key before the first field ("22.",
#   "[12]", "[EKMA79]"), untagged, took the next field's label (author); AnyStyle labels it citation-number.
#
# Accessed dates ("[Accessed: January 25, 2014]") stay notes, as AnyStyle's own annotators label them.

_MONTH = (r"(?:jan(?:uary|uar)?|jän(?:ner)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz?|apr(?:il)?|ma[iy]|jun[ei]?|"
          r"jul[iy]?|aug(?:ust)?|sep(?:t|tember)?|o[ck]t(?:ober)?|nov(?:ember)?|de[cz](?:ember)?|"
          r"spring|summer|fall|autumn|winter|frühjahr|frühling|sommer|herbst)")
#: One word of a date: a day or year number (with an ordinal dot or suffix), a month, a joiner.
_DATE_WORD = re.compile(rf"^[(\[]?(?:\d{{1,4}}(?:st|nd|rd|th)?\.?|{_MONTH}\.?|{_MONTH}\d{{4}}|\d{{1,2}}\.\d{{1,2}}\.?(?:\d{{2,4}})?"
                        rf"|vom|am|from|on|the|of|den|[-–/])[.,;:)\]]*$", re.I)
#: A date needs a month or a day-month ("10.3.") in it, so page and volume numbers ("34, 139") are not dates.
_DATE_ANCHOR = re.compile(rf"\b{_MONTH}\b|{_MONTH}\d{{4}}|\b\d{{1,2}}\.\s?\d{{1,2}}\.", re.I)
_NO_DATE = re.compile(r"^\W*(?:o\.\s?j\.?|n\.\s?d\.?|s\.\s?d\.?|o\.\s?d\.?|ohne jahr|no date)\W*$", re.I)
_SAME_AUTHOR = re.compile(r"^\W*(?:ders|dies|derselbe|dieselbe|dieselben)\.?\W*$", re.I)
_EDITOR_AFTER = re.compile(r"^\W*\((?:hrsg|hg|eds?)\b", re.I)
_PAGES_ONLY = re.compile(r"^\W*(?:hier\s+|here\s+)?(?:s|p|pp|ss|seite|seiten)\.?\s*(?:\d+\s*(?:[-–]\s*\d+|ff?\.?)?)?\W*$", re.I)


#: A reference's list number or citation key ("22.", "[12]", "(3)", "[EKMA79]"): AnyStyle's citation-number.
_CITATION_NUMBER = re.compile(r"^(?:[\[(]?\d{1,4}[.)\]]?|\[[A-Za-z][\w+.-]*\d*\])$")


def _is_date(text: str) -> bool:
    t = text.strip()
    if _NO_DATE.match(t):
        return True
    words = re.split(r"\s+|(?<=/)|(?=/)", t.strip(" ,.;:"))
    words = [w for w in words if w]
    return bool(words) and bool(_DATE_ANCHOR.search(t)) and all(_DATE_WORD.match(w) for w in words)


def _is_place(text: str) -> bool:
    """data's place test, or places joined by "and"/"und"/"&"/";" or hyphen-broken ("Tü- bingen und Basel")
    of which one is a known place of publication (:data:`CITIES`), so that
    "Committee on Payment and Settlement Systems" or "Revolution und Gegenbewegung" stay notes."""
    if data._is_place(text):
        return True
    t = re.sub(r"(\w)- (\w)", r"\1\2", text.strip(" ,.;:()"))
    if not t or re.search(r"\d", t) or data._NOT_PLACE.search(t):
        return False
    parts = [p.strip(" ,.:") for p in re.split(r"\s*(?:[;,&/]|\band\b|\bund\b)\s*", t)]
    parts = [p for p in parts if p]
    known = [p.lower() in CITIES or p.lower().replace("st ", "st. ") in CITIES for p in parts]
    short = [bool(re.fullmatch(r"[A-Z]{2,3}|Mass|Conn|Calif|UK|USA|West Sussex|New Jersey", p)) for p in parts]
    return any(known) and all(k or sh for k, sh in zip(known, short))


def other_label(field: str, prev_label: str | None, before: str, after: str) -> str:
    """The AnyStyle label of an EXCITE ``<other>`` span (see the section comment above).

    Args:
        field: the span's text; prev_label: the label of the field before it;
        before, after: the string's text before and after the span.
    """
    if _SAME_AUTHOR.match(field):
        if _EDITOR_AFTER.match(after) or re.search(r"\bin:?\s*$", before, re.I):
            return "editor"
        if not before.strip(" \t\"„“'[(0123456789.") or prev_label in (None, "citation-number"):
            return "author"
    if data._ETAL.match(field) and prev_label in ("author", "editor"):
        return prev_label
    if data._DATE_LIKE.match(field) or _is_date(field):
        return "date"
    if _PAGES_ONLY.match(field) and re.search(r"\d|pp", field, re.I):
        return "pages"
    if _is_place(field):
        return "location"
    return "note"


#: data.py's guess, kept to measure on the old mapping (README: figures on both mappings).
_old_other_label = data.guess_other


def excite_sequence(line: str, other=other_label) -> list[tuple[str, str]]:
    """One line of an EXCITE ``segmented.xml`` file -> (token, AnyStyle label) pairs: data.py's mapping
    (:func:`pipeline.references.data.segmented_sequence`) with ``other`` labelling the ``<other>`` spans and,
    under the corrected mapping, an untagged list number or key before the first field a citation number."""
    return data.segmented_sequence(line, other, _CITATION_NUMBER if other is other_label else None)


def load_excite(path: Path, other=other_label) -> list[list[tuple[str, str]]]:
    """Every reference line of one ``segmented.xml`` file as a token/label sequence."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [seq for seq in (excite_sequence(ln.strip(), other) for ln in lines if ln.strip()) if seq]


def parser_dataset(anystyle: Path | None, corpus_files: list[tuple[str, Path]], *, old_mapping: bool = False):
    """The parser's data on the fixed split of :func:`pipeline.references.data.build_dataset`, EXCITE strings
    labelled by :func:`excite_sequence` (``old_mapping``: by data.py's guesses, to compare figures).

    Returns:
        (dataset, group of each training sequence: the paper id, or ``core:N`` for a core.xml string),
        the groups for :func:`choose_regularisation`'s leave-papers-out folds.
    """
    ds = data.build_dataset(anystyle, [])  # core.xml's seeded split
    groups = [f"core:{i}" for i in range(len(ds.train))]
    other = _old_other_label if old_mapping else other_label
    for pid, path in sorted(corpus_files):
        seqs = load_excite(path, other)
        side = "test" if data.paper_held_out(pid) else "train"
        getattr(ds, side).extend(seqs)
        ds.counts["excite"][side] += len(seqs)
        if side == "test":
            ds.test_papers.append(pid)
        else:
            groups += [pid] * len(seqs)
    return ds, groups
