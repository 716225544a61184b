"""Event dates: spaCy's DATE entities as candidates, normalised with ``dateparser``.

The statistical NER finds the date expressions of a sentence ("12 March 2024", "May 2025",
"June 13-24, 2025", "last week", "the summer of 2024"); a regular expression adds the numeric
forms it may miss ("12.03.2024", "2024-03-12"). Each candidate is normalised by ``dateparser``
(Scrapinghub's parser: day-first and numeric formats, abbreviations such as "Jan. 17", weekday
and relative expressions against a base date, and impossible dates such as "June 31" rejected),
with the date order of the setting ``event_date_order`` (``DMY``: "12.03.2024" is 12 March).
Our own code handles only what ``dateparser`` does not: ranges ("June 13-24, 2025", "from March
2023 to January 2024", "between 1991 and 1995"), open starts ("since 2015"), seasons, quarters,
decades, "early/mid/late 2002", and the year of a date written without one.

Rules, each for a kind of error seen on real text:

* **precision as written**: "2015" starts "2015", "May 2025" starts "2025-05", "12 May 2025"
  starts "2025-05-12"; ``precision`` says which (``year``, ``month``, ``day``, ``season``,
  ``quarter``, ``decade``), and the corpus tables pad the start to a DATE beside it;
* **not event dates**: deadlines and bounds ("by 2030", "until 2023", "before 2020"),
  comparisons ("its largest energy bet since 1979"), durations ("a 12-day war", "four years"),
  counts that the NER takes for years ("deployed 2000 soldiers"), and years inside citations
  ("(Parker, 2017)", "Maleki (2018)");
* **the context year** of a date written without one ("on June 11") comes only from dates: an
  earlier date of the same sentence, else of the paragraph, else of the section
  (``resolved_from`` quotes it); never from a bare number or a citation year. Without a context
  year such a date is not guessed, unless a publication date (``anchor``) is known, which also
  anchors relative dates ("last week", "on Tuesday", "yesterday").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

#: The date orders ``dateparser`` accepts for numeric dates ("12.03.2024").
DATE_ORDERS = ("DMY", "MDY", "YMD")

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
YEAR_RE = re.compile(r"(?<!\d)" + _YEAR + r"(?![\d])")
_MONTH_RE = re.compile(r"\b" + _MONTH + r"(?!\w)", re.I)
NUMERIC_DATE_RE = re.compile(r"(?<![\d.])(?:\d{1,2}[./]\d{1,2}[./]" + _YEAR + r"|" + _YEAR + r"-\d{2}-\d{2})(?![\d])")

# words before a date that make it a bound or a deadline, not the time of the event
BOUND_WORDS = frozenset({"by", "until", "till", "before", "prior", "ahead", "within", "through"})
OPEN_WORDS = frozenset({"since"})
# "its largest energy bet since 1979": a superlative before "since" compares, it does not date
_COMPARISON = re.compile(r"\b(largest|first|biggest|highest|lowest|most|least|best|worst|greatest|strongest|"
                         r"weakest|deepest|longest|\w+est)\b", re.I)
# "a 12-day war", "four years", "an 18-year break": durations
_DURATION = re.compile(r"^(?:the\s+)?(?:past\s+|last\s+|next\s+|first\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                       r"eleven|twelve|several|few|many|some|\d+-)[\s-]*(?:day|week|month|year|decade|hour)s?(?:-long|-old)?$", re.I)
_AGO = re.compile(r"\bago\b", re.I)
# an author-year citation around a year: "(Parker, 2017)", "(Rumer and Sokolsky, 2019)", "Maleki (2018)"
_CITATION_AROUND = re.compile(r"(?:\(\s*[A-Z][^()]{0,80}?,?\s*$)|(?:[A-Z][\w'’-]+(?:\s+et al\.?)?\s*\(\s*$)")
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_PART = {"early": "early", "mid": "mid", "middle": "mid", "late": "late", "end": "late"}


@dataclass
class DateMention:
    """One date expression of a sentence, normalised."""

    raw: str
    start: str  # "2025", "2025-05" or "2025-05-12": as precise as written
    end: str | None
    precision: str
    char: int  # offset of the expression in the parsed text
    root: int  # token index of the expression's syntactic root
    resolved_from: str | None = None
    open: bool = False  # "since 2015": the start of something still going on
    explicit_year: bool = True  # the year is written in the expression itself

    def record(self) -> dict:
        return {"raw": self.raw, "start": self.start, "end": self.end, "precision": self.precision,
                "resolved_from": self.resolved_from}


@dataclass
class DateContext:
    """What a date without a year may take its year from."""

    year: int | None = None
    source: str | None = None  # the words it came from, quoted in ``resolved_from``
    anchor: dt.date | None = None  # the publication date (relative dates)
    date_order: str = "DMY"


def _iso(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


@lru_cache(maxsize=1)
def _parser(order: str, anchor: dt.date | None):
    from dateparser.date import DateDataParser

    settings = {"DATE_ORDER": order, "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DATES_FROM": "past", "STRICT_PARSING": False}
    if anchor is not None:
        settings["RELATIVE_BASE"] = dt.datetime(anchor.year, anchor.month, anchor.day)
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def parse_one(text: str, order: str = "DMY", anchor: dt.date | None = None) -> tuple[str, str, str] | None:
    """(ISO start as precise as written, ISO end, precision) of one date expression, by ``dateparser``;
    None when it is no valid date ("June 31, 2025"). A week ("last week") is the range of its days."""
    data = _parser(order, anchor).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    d, period = data.date_obj, data.period
    if period == "year":
        return _iso(d.year), _iso(d.year), "year"
    if period == "month":
        return _iso(d.year, d.month), _iso(d.year, d.month), "month"
    if period == "week":
        monday = d.date() - dt.timedelta(days=d.weekday())
        sunday = monday + dt.timedelta(days=6)
        return monday.isoformat(), sunday.isoformat(), "day"
    return _iso(d.year, d.month, d.day), _iso(d.year, d.month, d.day), "day"


def _has_year(text: str) -> bool:
    return bool(YEAR_RE.search(text)) or bool(re.search(r"['’]\d\d\b", text))


def _is_relative(text: str) -> bool:
    return not re.search(r"\d", text) and not _MONTH_RE.search(text)


def _clean(text: str) -> str:
    t = re.sub(r"^(?:the|on|in|at|of|during)\s+", "", text.strip(), flags=re.I)
    return t.strip(" ,;:.()[]").replace("–", "-").replace("—", "-")


def _month_end(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def normalise(text: str, ctx: DateContext) -> dict | None:
    """start, end, precision (and ``resolved_from``, ``open``) of one date expression; None when it is no date.

    Ranges, seasons, quarters, decades and year parts are read here; single dates by ``dateparser``.
    """
    t = _clean(text)
    if not t or _DURATION.match(t):
        return None
    if _AGO.search(t) and ctx.anchor is None:
        return None
    m = re.fullmatch(r"(early|mid|middle|late|end)[\s-]+(?:of\s+)?(.+)", t, re.I)
    if m:  # "late 2002", "mid-August": the part does not make the date more precise
        return normalise(m.group(2), ctx)
    m = _DAY_RANGE.fullmatch(t) or _DAY_RANGE_DMY.fullmatch(t)
    if m:  # "June 13-24, 2025", "13-24 June 2025"
        return _day_range(m, ctx)
    m = re.fullmatch(r"(?:from\s+|between\s+)?(.+?)\s*(?:\s-\s|-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b)\s*(.+)", t, re.I)
    if m and not NUMERIC_DATE_RE.fullmatch(t):
        rng = _range(m.group(1), m.group(2), ctx)
        if rng:
            return rng
    m = re.fullmatch(r"(?:the\s+)?(\d{3}0)['’]?s", t, re.I)
    if m:  # "the 1990s"
        y = int(m.group(1))
        return {"start": _iso(y), "end": _iso(y + 9), "precision": "decade"}
    m = re.fullmatch(r"(?:the\s+)?(spring|summer|autumn|fall|winter)(?:\s+of)?\s+(" + _YEAR + ")", t, re.I)
    if m:
        y, (a, b) = int(m.group(2)), _SEASONS[m.group(1).lower()]
        return {"start": _iso(y, a), "end": _iso(y + (b < a), b), "precision": "season"}
    m = re.fullmatch(r"(?:Q([1-4])|(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)(?:\s+of)?\s+(" + _YEAR + ")", t, re.I)
    if m:
        q = int(m.group(1)) if m.group(1) else _QUARTER_WORDS[m.group(2).lower()]
        y = int(m.group(3))
        return {"start": _iso(y, 3 * q - 2), "end": _iso(y, 3 * q), "precision": "quarter"}
    if not _has_year(t):
        if _MONTH_RE.search(t) and ctx.year is not None:
            got = parse_one(f"{t} {ctx.year}", ctx.date_order, None)
            if got:
                return {"start": got[0], "end": got[1], "precision": got[2], "resolved_from": ctx.source,
                        "explicit_year": False}
            return None
        if ctx.anchor is None or not (_is_relative(t) or _MONTH_RE.search(t)):
            return None
        got = parse_one(t, ctx.date_order, ctx.anchor)
        if not got:
            return None
        return {"start": got[0], "end": got[1], "precision": got[2], "explicit_year": False,
                "resolved_from": f"relative to the publication date {ctx.anchor.isoformat()}"}
    if re.fullmatch(_YEAR, t):
        return {"start": t, "end": t, "precision": "year"}
    got = parse_one(t, ctx.date_order, ctx.anchor)
    if not got:
        return None
    return {"start": got[0], "end": got[1], "precision": got[2]}


_DAY_RANGE = re.compile(r"(?P<mon>" + _MONTH + r")\s+(?P<d1>\d{1,2})\s*-\s*(?P<d2>\d{1,2}),?(?:\s+(?P<y>" + _YEAR + r"))?", re.I)
_DAY_RANGE_DMY = re.compile(r"(?P<d1>\d{1,2})\s*-\s*(?P<d2>\d{1,2})\s+(?P<mon>" + _MONTH + r"),?(?:\s+(?P<y>" + _YEAR + r"))?", re.I)


def _day_range(m: re.Match, ctx: DateContext) -> dict | None:
    mo = MONTHS.get(m.group("mon").lower().rstrip("."))
    year, resolved = (int(m.group("y")), None) if m.group("y") else (ctx.year, ctx.source)
    if mo is None or year is None:
        return None
    d1, d2 = int(m.group("d1")), int(m.group("d2"))
    if not (1 <= d1 <= d2 <= _month_end(year, mo)):
        return None
    out = {"start": _iso(year, mo, d1), "end": _iso(year, mo, d2), "precision": "day"}
    if resolved:
        out.update(resolved_from=resolved, explicit_year=False)
    return out


def _range(left: str, right: str, ctx: DateContext) -> dict | None:
    """A range: the right end is read first, and lends its year (and month) to the left one."""
    if not (re.search(r"\d", left) or _MONTH_RE.search(left)):
        return None
    right_d = normalise(right, ctx)
    if right_d is None:
        return None
    ry = right_d["start"][:4]
    lt = left.strip()
    if re.fullmatch(r"\d{1,2}", lt) and right_d["precision"] == "day":  # "June 13-24, 2025", "13-24 June 2025"
        y, mo = int(ry), int(right_d["start"][5:7])
        day = int(lt)
        if not 1 <= day <= _month_end(y, mo):
            return None
        start = {"start": _iso(y, mo, day), "precision": "day"}
    elif re.fullmatch(r"\d{1,2}", lt):
        return None
    else:
        if not _has_year(lt):
            lt = f"{lt} {ry}"
        start = normalise(lt, DateContext(None, None, ctx.anchor, ctx.date_order))
        if start is None:
            return None
    if start["start"] > right_d["end"]:
        return None
    precision = start["precision"] if start["precision"] == right_d["precision"] else \
        min(start["precision"], right_d["precision"], key=["day", "month", "season", "quarter", "year", "decade"].index)
    out = {"start": start["start"], "end": right_d["end"], "precision": precision}
    if right_d.get("resolved_from"):
        out["resolved_from"] = right_d["resolved_from"]
        out["explicit_year"] = False
    return out


def _root(span):
    """The token of a span whose head lies outside it."""
    for tok in span:
        if tok.head.i < span.start or tok.head.i >= span.end or tok.head.i == tok.i:
            return tok
    return span[0]


def _before(doc, i: int, n: int = 2) -> list[str]:
    return [t.lower_ for t in doc[max(0, i - n): i]]


def _is_count(span) -> bool:
    """"deployed 2000 soldiers": a bare number the NER took for a year, counting a noun."""
    if len(span) != 1 or not re.fullmatch(r"\d{4}", span.text):
        return False
    tok = span[0]
    return tok.dep_ in ("nummod", "amod", "compound") and tok.head.pos_ in ("NOUN", "PROPN") and \
        tok.head.lemma_.lower() not in ("year", "election", "budget", "census", "war", "summit", "agreement", "treaty", "deal")


def _negated_governor(span) -> bool:
    """Whether the verb an "until" phrase attaches to is negated ("not ... until X" dates the act to X)."""
    tok = _root(span)
    for _ in range(3):
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            return any(c.dep_ == "neg" for c in tok.children)
    return False


def sentence_dates(sent, ctx: DateContext, *, masked: list[tuple[int, int]] = ()) -> list[DateMention]:
    """The event-date candidates of a parsed sentence (a spaCy ``Span``), in order.

    ``masked`` are character spans of the parsed text (in-text citations) whose years are not dates.
    A date without a year takes the year of an earlier date of the same sentence first.
    """
    doc = sent.doc
    spans = [e for e in doc.ents if e.label_ == "DATE" and sent.start <= e.start and e.end <= sent.end]
    taken = [(e.start_char, e.end_char) for e in spans]
    for m in NUMERIC_DATE_RE.finditer(sent.text):
        s, e = sent.start_char + m.start(), sent.start_char + m.end()
        if not any(a < e and s < b for a, b in taken):
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    spans.sort(key=lambda e: e.start_char)
    out: list[DateMention] = []
    local = DateContext(ctx.year, ctx.source, ctx.anchor, ctx.date_order)
    for span in spans:
        if any(a <= span.start_char < b for a, b in masked):
            continue
        text = span.text
        head_words = _before(doc, span.start)
        first = span[0].lower_
        bound = first if first in BOUND_WORDS else (head_words[-1] if head_words and head_words[-1] in BOUND_WORDS else None)
        if bound in ("until", "till") and _negated_governor(span):
            bound = None  # "did not sign until January 2023": the act happened then
        if bound or (len(head_words) == 2 and head_words == ["prior", "to"]):
            continue
        is_open = first in OPEN_WORDS or (head_words and head_words[-1] in OPEN_WORDS)
        if is_open and _COMPARISON.search(doc[max(sent.start, span.start - 8): span.start].text):
            continue
        if _is_count(span):
            continue
        left = doc.text[max(sent.start_char, span.start_char - 90): span.start_char]
        if re.fullmatch(_YEAR + r"[a-z]?", text.strip()) and _CITATION_AROUND.search(left):
            continue
        if first == "from" and not re.search(r"\b(to|until|-)\b|-", text):
            is_open = True
        norm = normalise(re.sub(r"^(since|from)\s+", "", text, flags=re.I) if is_open else text, local)
        if norm is None:
            continue
        explicit = norm.pop("explicit_year", True)
        dm = DateMention(raw=text.strip(), start=norm["start"], end=None if is_open else norm["end"],
                         precision=norm["precision"], char=span.start_char, root=_root(span).i,
                         resolved_from=norm.get("resolved_from"), open=is_open, explicit_year=explicit)
        out.append(dm)
        got = context_from([dm]) if explicit else None
        if got:
            local = DateContext(got[0], got[1], ctx.anchor, ctx.date_order)
    return out


def context_from(dates: list[DateMention]) -> tuple[int, str] | None:
    """The year a later date without one takes from these dates (the last one that states a year)."""
    for d in reversed(dates):
        if d.explicit_year and d.precision != "decade":
            year = (d.end or d.start)[:4]
            return int(year), f"year {year} from context: \"{d.raw}\""
    return None


def find_dates(text: str, context_year: int | None = None, context_source: str | None = None, *,
               model: str | None = None, anchor: dt.date | None = None, date_order: str = "DMY") -> list[dict]:
    """The dates of a piece of text (parsed here), as records: a convenience for tests and scripts."""
    from pipeline.nlp import load_nlp
    from pipeline.settings import get_settings

    nlp = load_nlp(model or get_settings().spacy_model)
    doc = nlp(text)
    ctx = DateContext(context_year, context_source, anchor, date_order)
    out = []
    for sent in doc.sents:
        for d in sentence_dates(sent, ctx):
            out.append(d.record())
    return out
