"""Quantities of an event: money (normalised to USD units), volumes, percentages, counts.

Regular expressions over the sentence, most specific first, each span taken once: "$30-50
billion" is one amount with ``value_max``, "up to 55 billion cubic meters of gas per year" a
volume with its unit, "about 6,000 Shahed drones" a count with its noun (and ``approximate``).
"""

from __future__ import annotations

import re

_MULT = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12}
_MONEY_RE = re.compile(r"(?:US)?\$\s?(\d[\d,]*(?:\.\d+)?)(?:\s*[-–]\s*\$?(\d[\d,]*(?:\.\d+)?))?\s*(thousand|million|billion|trillion|bn|mn)?\b", re.I)
_MONEY_WORDS_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|trillion)?\s+(?:US\s+)?dollars\b", re.I)
_PCT_RE = re.compile(r"(\d+(?:\.\d+)?)\s?(%|percent\b|per cent\b)")
_VOLUME_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|trillion)?\s+(cubic met(?:er|re)s|barrels|tonnes|tons|kg|bcm|megawatts|MW)"
                        r"((?:\s+of\s+[a-z]+)?(?:\s+(?:per|a)\s+(?:year|day|month))?)", re.I)
_COUNT_RE = re.compile(r"(?<![\w-])(?:(about|around|some|nearly|over|up to|more than|at least|reportedly)\s+)?(\d[\d,]*)\s+((?:[A-Z][a-z]+\s+|[a-z\-]+\s+){0,2}"
                       r"(?:missiles|drones|troops|soldiers|aircraft|jets|tanks|articles|members|days|batteries|systems|oilfields|fields|"
                       r"people|vessels|ships|civilians|refugees|prisoners|settlements|personnel|peacekeepers|advisers|nationals|rockets))")


def parse_money(raw_num: str, mult: str | None) -> float:
    return float(raw_num.replace(",", "")) * _MULT.get((mult or "").lower(), 1.0)


def extract_quantities(text: str) -> list[dict]:
    """Money (USD), volumes, percentages and counts in a sentence."""
    out: list[dict] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    for m in _MONEY_RE.finditer(text):
        mult = m.group(3)
        q = {"value": parse_money(m.group(1), mult), "unit": "USD", "raw": m.group(0).strip()}
        if m.group(2):
            q["value_max"] = parse_money(m.group(2), mult)
        out.append(q)
        taken.append(m.span())
    for m in _MONEY_WORDS_RE.finditer(text):
        if free(*m.span()):
            out.append({"value": parse_money(m.group(1), m.group(2)), "unit": "USD", "raw": m.group(0).strip()})
            taken.append(m.span())
    for m in _VOLUME_RE.finditer(text):
        if free(*m.span()):
            unit = (m.group(3) + (m.group(4) or "")).strip()
            out.append({"value": parse_money(m.group(1), m.group(2)), "unit": unit, "raw": m.group(0).strip()})
            taken.append(m.span())
    for m in _PCT_RE.finditer(text):
        if free(*m.span()):
            out.append({"value": float(m.group(1)), "unit": "percent", "raw": m.group(0)})
            taken.append(m.span())
    for m in _COUNT_RE.finditer(text):
        if free(*m.span()):
            q = {"value": float(m.group(2).replace(",", "")), "unit": m.group(3).strip(), "raw": m.group(0).strip()}
            if m.group(1):
                q["approximate"] = True
            out.append(q)
            taken.append(m.span())
    return out
