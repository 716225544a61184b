"""Events stage: who did what to whom, when, with how much (PLOVER event types).

Approach: dependency-parse rules over a trigger lexicon, the way event coders such as
PETRARCH work with CAMEO dictionaries, mapped to the PLOVER ontology (Schrodt et al.,
*PLOVER: Political Language Ontology for Verifiable Event Records*, 2018; the POLECAT
dataset uses it). Rules fit scholarly prose better than a classifier trained on news
wires: every event keeps the sentence, the trigger and the arguments it came from, so an
analyst can check it.

For each body sentence:

1. triggers: verbs (by lemma) and event nouns ("visit", "strikes", "agreement") from
   ``TRIGGERS``; a phrasal check refines some ("gave ... support" is SUPPORT, "joined the
   conflict" is ASSAULT, "joined the organisation" COOPERATE);
2. actors: entity mentions inside the trigger's subject (or the "by" agent of a passive,
   or the possessor of a noun trigger); targets: mentions inside its objects and its
   "to/with/on/against/from" phrases; people, companies and weapons resolve to their
   country (Putin -> RUS), metonyms to their state (Moscow -> RUS);
3. date: the sentence's date expressions (ranges, "since 2015", years); a day or month
   without a year takes the latest year stated before it in the paragraph, and says so in
   ``resolved_from``;
4. quantities: money normalised to USD units, counts with their noun, volumes,
   percentages;
5. flags: ``negated`` (a negation on the trigger), ``hedged`` (reported, planned,
   promised, denied, modal verbs), ``location`` (a place in an "in/at" phrase).
"""

from __future__ import annotations

import re

from pipeline.model import Document, Event
from pipeline.nlp import parse_texts
from pipeline.registry import ModelPackage, stage
from pipeline.settings import Settings
from pipeline.tables import EVENTS_TABLE

QUAD = {
    "AGREE": "verbal_cooperation", "CONSULT": "verbal_cooperation", "SUPPORT": "verbal_cooperation",
    "CONCEDE": "material_cooperation", "COOPERATE": "material_cooperation", "AID": "material_cooperation",
    "RETREAT": "material_cooperation", "REQUEST": "verbal_cooperation", "ACCUSE": "verbal_conflict",
    "REJECT": "verbal_conflict", "THREATEN": "verbal_conflict", "PROTEST": "verbal_conflict",
    "SANCTION": "material_conflict", "MOBILIZE": "material_conflict", "COERCE": "material_conflict",
    "ASSAULT": "material_conflict",
}

# lemma -> (PLOVER type, mode or None)
TRIGGERS: dict[str, tuple[str, str | None]] = {
    # AGREE
    "sign": ("AGREE", "sign"), "ratify": ("AGREE", "ratify"), "agree": ("AGREE", None), "conclude": ("AGREE", None),
    "pledge": ("AGREE", "pledge"), "agreement": ("AGREE", None), "deal": ("AGREE", None), "treaty": ("AGREE", None),
    "approve": ("AGREE", "ratify"),
    # CONSULT
    "visit": ("CONSULT", "visit"), "meet": ("CONSULT", "meet"), "host": ("CONSULT", "host"),
    "discuss": ("CONSULT", "discuss"), "talk": ("CONSULT", "discuss"), "negotiate": ("CONSULT", "negotiate"),
    "consult": ("CONSULT", None),
    # SUPPORT
    "support": ("SUPPORT", None), "back": ("SUPPORT", None), "praise": ("SUPPORT", "praise"),
    "endorse": ("SUPPORT", None), "welcome": ("SUPPORT", None),
    # CONCEDE
    "concede": ("CONCEDE", None), "ease": ("CONCEDE", "ease_sanctions"), "lift": ("CONCEDE", "ease_sanctions"),
    # COOPERATE
    "cooperate": ("COOPERATE", None), "collaborate": ("COOPERATE", None), "coordinate": ("COOPERATE", None),
    "cooperation": ("COOPERATE", None), "collaboration": ("COOPERATE", None), "partner": ("COOPERATE", None),
    "integrate": ("COOPERATE", "economic"), "link": ("COOPERATE", "economic"), "invest": ("COOPERATE", "economic"),
    "investment": ("COOPERATE", "economic"), "join": ("COOPERATE", None), "trade": ("COOPERATE", "economic"),
    "develop": ("COOPERATE", "economic"), "exercise": ("COOPERATE", "military"),
    # AID
    "supply": ("AID", None), "provide": ("AID", None), "deliver": ("AID", None), "send": ("AID", None),
    "transfer": ("AID", None), "sell": ("AID", None), "give": ("AID", None), "offer": ("AID", None),
    "aid": ("AID", None), "assist": ("AID", None), "spend": ("AID", "economic"), "delivery": ("AID", None),
    # RETREAT
    "withdraw": ("RETREAT", None), "withdrawal": ("RETREAT", None), "retreat": ("RETREAT", None),
    "evacuate": ("RETREAT", None), "redirect": ("RETREAT", None),
    # REQUEST
    "request": ("REQUEST", None), "ask": ("REQUEST", None), "urge": ("REQUEST", None), "appeal": ("REQUEST", None),
    "seek": ("REQUEST", None), "demand": ("REQUEST", None), "expect": ("REQUEST", None),
    # ACCUSE
    "accuse": ("ACCUSE", None), "blame": ("ACCUSE", None), "criticize": ("ACCUSE", None), "criticise": ("ACCUSE", None),
    # REJECT
    "reject": ("REJECT", None), "refuse": ("REJECT", None), "decline": ("REJECT", None), "deny": ("REJECT", None),
    "veto": ("REJECT", None),
    # THREATEN
    "threaten": ("THREATEN", None), "warn": ("THREATEN", None),
    # PROTEST
    "protest": ("PROTEST", None), "condemn": ("PROTEST", None), "denounce": ("PROTEST", None),
    # SANCTION
    "sanction": ("SANCTION", None), "reimpose": ("SANCTION", "sanctions"), "impose": ("SANCTION", "sanctions"),
    "embargo": ("SANCTION", "embargo"), "expel": ("SANCTION", "expel"), "suspend": ("SANCTION", None),
    "sanctions": ("SANCTION", "sanctions"),
    # MOBILIZE
    "mobilize": ("MOBILIZE", None), "mobilise": ("MOBILIZE", None), "deploy": ("MOBILIZE", "troops"),
    "deployment": ("MOBILIZE", "troops"),
    # COERCE
    "seize": ("COERCE", "seize"), "arrest": ("COERCE", "arrest"), "detain": ("COERCE", "arrest"),
    "blockade": ("COERCE", "blockade"), "spy": ("COERCE", "espionage"),
    # ASSAULT
    "strike": ("ASSAULT", "aerial"), "attack": ("ASSAULT", None), "bomb": ("ASSAULT", "aerial"),
    "target": ("ASSAULT", None), "invade": ("ASSAULT", "invasion"), "shell": ("ASSAULT", "artillery"),
    "airstrike": ("ASSAULT", "aerial"), "assault": ("ASSAULT", None), "respond": ("ASSAULT", None),
    "retaliate": ("ASSAULT", None),
    "war": ("ASSAULT", None), "intervention": ("ASSAULT", None), "intervene": ("ASSAULT", None),
}
NOUN_TRIGGERS = {"agreement", "deal", "treaty", "visit", "cooperation", "collaboration", "investment", "support",
                 "withdrawal", "sanctions", "airstrike", "strike", "war", "intervention", "delivery", "deployment",
                 "exercise", "talk"}
# nouns that are not triggers as verbs ("dealt a blow", "warring")
NOUN_ONLY = {"deal", "agreement", "treaty", "war", "cooperation", "collaboration", "investment", "withdrawal",
             "intervention", "delivery", "deployment", "sanctions", "airstrike"}
_NOUN_NEGATORS = {"lack", "absence", "no", "without", "not", "never"}
# verbs too vague to stand alone: they need a recognised actor and a target
WEAK = {"give", "offer", "develop", "expect", "seek", "target", "respond", "join", "back", "link", "trade", "support",
        "provide", "deliver", "spend", "redirect", "integrate", "decline", "deny", "welcome"}
HEDGES = re.compile(r"\b(reportedly|report(?:s|ed)?|allegedly|alleged|denied|promis(?:e|ed|es)|plan(?:s|ned)?|"
                    r"expected|could|may|might|would|likely|possible|possibly|intend(?:s|ed)?|rumou?r)\b", re.I)
MILITARY = re.compile(r"\b(military|arms|weapons?|missiles?|drones?|air[- ]defen[cs]e|jets?|fighters?|troops|defen[cs]e)\b", re.I)
ECONOMIC = re.compile(r"\b(econom\w*|trade|energy|gas|oil|invest\w*|financ\w*|payment|bank\w*|loan|tariff)\b", re.I)

MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"], start=1)}
_MON = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE_PATTERNS = [
    ("range_days", re.compile(_MON + r"\s+(\d{1,2})\s*[-–]\s*(\d{1,2}),?\s+((?:19|20)\d{2})")),
    ("day", re.compile(_MON + r"\s+(\d{1,2}),?\s+((?:19|20)\d{2})")),
    ("day_noyear", re.compile(_MON + r"\s+(\d{1,2})(?!\d)(?!,?\s*(?:19|20)\d{2})")),
    ("month_range", re.compile(r"from\s+" + _MON + r"\s+((?:19|20)\d{2})\s+to\s+" + _MON + r"\s+((?:19|20)\d{2})")),
    ("month", re.compile(_MON + r",?\s+((?:19|20)\d{2})")),
    ("since", re.compile(r"\b(?:since|from)\s+((?:19|20)\d{2})\b(?!\s*[-–]\s*\d)", re.I)),
    ("year", re.compile(r"\b(?:in|during|by|of|after|before)\s+((?:19|20)\d{2})\b", re.I)),
]
# a sentence that points back at the event of the one before ("During the conflict", "the treaty")
_ANAPHOR = re.compile(r"\b(during|at the start of|in the course of|after|since)\s+(the|this|that)\s+(conflict|war|crisis|visit|summit)\b|"
                      r"\bthe (treaty|agreement|conflict|war|visit)\b(?!\s+(in|of|between)\b)", re.I)
_MULT = {"thousand": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12}
_MONEY_RE = re.compile(r"(?:US)?\$\s?(\d[\d,]*(?:\.\d+)?)(?:\s*[-–]\s*\$?(\d[\d,]*(?:\.\d+)?))?\s*(thousand|million|billion|trillion|bn|mn)?\b", re.I)
_PCT_RE = re.compile(r"(\d+(?:\.\d+)?)\s?(%|percent\b|per cent\b)")
_VOLUME_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|million|billion|trillion)?\s+(cubic met(?:er|re)s|barrels|tonnes|tons|bcm|megawatts|MW)"
                        r"((?:\s+of\s+[a-z]+)?(?:\s+(?:per|a)\s+(?:year|day|month))?)", re.I)
_COUNT_RE = re.compile(r"(?<![\w-])(?:(about|around|some|nearly|over|up to|more than|reportedly)\s+)?(\d[\d,]*)\s+((?:[A-Z][a-z]+\s+|[a-z\-]+\s+){0,2}"
                       r"(?:missiles|drones|troops|soldiers|aircraft|jets|tanks|articles|members|days|batteries|systems|oilfields|fields|people|vessels|ships))")


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


def _iso(y: int, m: int = 1, d: int = 1) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _month_end(y: int, m: int) -> str:
    import calendar

    return _iso(y, m, calendar.monthrange(y, m)[1])


def find_dates(text: str, context_year: int | None, context_source: str | None) -> list[dict]:
    """Date expressions of a sentence, most specific first within each position."""
    out: list[dict] = []
    taken: list[tuple[int, int]] = []
    for kind, rx in _DATE_PATTERNS:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groups()
            rec: dict | None = None
            if kind == "range_days":
                y, mo = int(g[3]), MONTHS[g[0].lower()]
                rec = {"start": _iso(y, mo, int(g[1])), "end": _iso(y, mo, int(g[2])), "precision": "day"}
            elif kind == "day":
                y, mo = int(g[2]), MONTHS[g[0].lower()]
                rec = {"start": _iso(y, mo, int(g[1])), "end": _iso(y, mo, int(g[1])), "precision": "day"}
            elif kind == "day_noyear":
                if context_year is None:
                    continue
                mo = MONTHS[g[0].lower()]
                rec = {"start": _iso(context_year, mo, int(g[1])), "end": _iso(context_year, mo, int(g[1])),
                       "precision": "day", "resolved_from": context_source}
            elif kind == "month_range":
                rec = {"start": _iso(int(g[1]), MONTHS[g[0].lower()]), "end": _month_end(int(g[3]), MONTHS[g[2].lower()]),
                       "precision": "month"}
            elif kind == "month":
                y, mo = int(g[1]), MONTHS[g[0].lower()]
                rec = {"start": _iso(y, mo), "end": _month_end(y, mo), "precision": "month"}
            elif kind == "since":
                if re.search(r"\b(largest|first|biggest|highest|lowest|most|best|worst)\b", text[max(0, m.start() - 60) : m.start()], re.I):
                    continue  # "its largest energy bet since 1979" compares, it does not date
                rec = {"start": _iso(int(g[0])), "end": None, "precision": "year", "open": True}
            else:
                y = int(g[0])
                rec = {"start": _iso(y), "end": _iso(y, 12, 31), "precision": "year"}
            rec["raw"] = m.group(0)
            rec["offset"] = m.start()
            rec.setdefault("resolved_from", None)
            out.append(rec)
            taken.append(m.span())
    return sorted(out, key=lambda r: r["offset"])


def _last_year(text: str) -> tuple[int | None, str | None]:
    years = list(re.finditer(r"\b((?:19|20)\d{2})\b", text))
    if not years:
        return None, None
    m = years[-1]
    snippet = text[max(0, m.start() - 30) : m.end()].split("\n")[-1].strip()
    return int(m.group(1)), snippet


def _actor_of(ment: dict, entity: dict) -> dict | None:
    etype = entity["type"]
    if etype == "STATE":
        return {"code": entity["code"], "name": entity["name"]}
    if etype in ("IGO", "AGREEMENT"):
        return {"code": entity["code"], "name": entity["name"]}
    if etype in ("PERSON", "ORG", "WEAPON", "FIN_SYSTEM", "GROUP") and entity.get("country"):
        return {"code": entity["country"], "name": entity["name"]}
    if etype == "GROUP":
        return {"code": None, "name": entity["name"]}
    return None


def _span_actors(tokens, mentions: list[tuple[int, int, dict, dict]], base: int) -> list[dict]:
    """Actors whose mentions fall inside the character range of ``tokens`` (a subtree)."""
    if not tokens:
        return []
    s = base + min(t.idx for t in tokens)
    e = base + max(t.idx + len(t.text) for t in tokens)
    out: list[dict] = []
    for ms, me, ment, ent in mentions:
        if s <= ms and me <= e:
            a = _actor_of(ment, ent)
            if a and a not in out:
                out.append(a)
    return out


def _subtree(tok) -> list:
    return list(tok.subtree)


def extract_sentence_events(sent, mentions, passage_start: int, context_year, context_source, *, cite_spans=(), inherited: dict | None = None) -> list[dict]:
    """Events of one parsed sentence (``sent`` a spaCy Span)."""
    events = []
    text = sent.text
    dates = find_dates(_mask_citations(text, cite_spans), context_year, context_source)
    if not dates and inherited is not None and _ANAPHOR.search(text):
        dates = [{**inherited, "offset": 0, "resolved_from": f"date of the preceding sentence: \"{inherited['raw']}\""}]
    quantities = extract_quantities(text)
    hedged = bool(HEDGES.search(text))
    seen_triggers = set()
    for tok in sent:
        lemma = tok.lemma_.lower() or tok.text.lower()
        if lemma not in TRIGGERS:
            continue
        is_verb = (tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_ == "VBG")) and lemma not in NOUN_ONLY
        is_noun = tok.pos_ in ("NOUN", "PROPN") and lemma in NOUN_TRIGGERS
        if not (is_verb or is_noun):
            continue
        etype, mode = TRIGGERS[lemma]
        base = passage_start
        subj, objs, passive_theme, purpose = [], [], [], []
        if is_verb:
            for child in tok.children:
                if child.dep_ in ("nsubj", "csubj"):
                    if child.lower_ in ("which", "that", "who") and tok.dep_ == "relcl":
                        subj.extend(t for t in _subtree(tok.head) if t.i < tok.i)  # "the campaign, which reimposed"
                    else:
                        subj.extend(_subtree(child))
                elif child.dep_ == "agent":
                    subj.extend(_subtree(child))
                elif child.dep_ == "nsubjpass":
                    passive_theme.extend(_subtree(child))
                elif child.dep_ in ("dobj", "dative", "attr", "oprd"):
                    objs.extend(_subtree(child))
                elif child.dep_ == "prep" and child.lower_ in ("to", "with", "on", "against", "from", "into", "at"):
                    objs.extend(_subtree(child))
                elif etype == "AID" and child.dep_ in ("advcl", "xcomp") and any(
                        c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
                    purpose.extend(_subtree(child))  # "sent missiles to help replenish Iran's air defences"
            if not subj:  # "X and Y signed", participles, xcomp: borrow the governing verb's subject
                head = tok.head
                for _ in range(3):
                    cands = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
                    if cands and head is not tok:
                        subj.extend(_subtree(cands[0]))
                        break
                    if head.head is head:
                        break
                    head = head.head
        else:
            for child in tok.children:
                if child.dep_ in ("poss", "compound", "amod", "nmod"):
                    subj.extend(_subtree(child))
                elif child.dep_ == "prep" and child.lower_ in ("to", "with", "on", "against", "from", "in", "between", "into"):
                    objs.extend(_subtree(child))
            if tok.dep_ in ("dobj", "pobj") and tok.head.pos_ in ("VERB", "ADP"):
                gov = tok.head if tok.head.pos_ == "VERB" else tok.head.head
                for c in gov.children:
                    if c.dep_ in ("nsubj", "nsubjpass") and not subj:
                        subj.extend(_subtree(c))
        actors = _span_actors(subj, mentions, base)
        targets = _span_actors(objs, mentions, base)
        if passive_theme:
            theme = _span_actors(passive_theme, mentions, base)
            if actors or etype in ("ASSAULT", "SANCTION", "COERCE", "ACCUSE", "THREATEN", "PROTEST"):
                targets = theme + targets  # "Iran was targeted by Israel": the theme suffers the act
            else:
                actors = theme  # "Russia's S-400 batteries were not delivered": the owner acts
        if lemma == "give" and re.search(r"\bsupport\b", " ".join(t.text for t in objs), re.I):
            etype, mode = "SUPPORT", "rhetorical" if "rhetorical" in text.lower() else None
        if lemma == "join":
            obj_text = " ".join(t.text for t in objs).lower()
            if re.search(r"war|conflict|fight|strike|attack", obj_text):
                etype, mode = "ASSAULT", None
        if is_noun and lemma in ("agreement", "deal", "treaty", "cooperation") and not actors:
            actors = _span_actors(objs, mentions, base)
            targets = []
        if not targets and purpose:
            targets = _span_actors(purpose, mentions, base)
        if not targets and lemma in ("respond", "retaliate") and events:
            targets = list(events[-1]["actors"])  # a response is aimed at whoever acted just before
        actors = _dedupe(actors)
        targets = [t for t in _dedupe(targets) if t["code"] is None or t["code"] not in {a["code"] for a in actors}]
        if etype not in ("RETREAT", "REJECT", "PROTEST", "ACCUSE"):
            # an agreement is what is signed or joined, not a target; one withdraws from or rejects it
            agreements = {ent["code"] for _s, _e, _m, ent in mentions if ent["type"] == "AGREEMENT"}
            targets = [t for t in targets if t["code"] not in agreements]
        if not actors and not targets:
            continue
        clause_weapon = any(ent["type"] == "WEAPON" for ms, me, _m, ent in mentions
                            if base + sent.start_char <= ms and me <= base + sent.end_char)
        if lemma in WEAK and not (actors and targets) and not (etype == "AID" and actors and clause_weapon):
            continue
        if etype == "AID" and mode is None:
            mode = "military" if MILITARY.search(text) else "economic" if ECONOMIC.search(text) else None
        if etype == "COOPERATE" and mode is None:
            mode = "military" if MILITARY.search(text) else "economic" if ECONOMIC.search(text) else None
        negated = any(c.dep_ == "neg" for c in tok.children) or bool(
            re.search(r"\b(not|never|no longer)\b", " ".join(t.text for t in tok.head.children if t.dep_ in ("neg", "aux", "auxpass"))))
        if any(c.dep_ == "neg" for c in tok.head.children) and tok.dep_ in ("xcomp", "acomp"):
            negated = True
        if is_noun and any(t.lower_ in _NOUN_NEGATORS for t in sent.doc[max(sent.start, tok.i - 7) : tok.i]):
            negated = True
        key = (etype, tuple(a["code"] for a in actors), tuple(t["code"] for t in targets))
        if key in seen_triggers:
            continue
        seen_triggers.add(key)
        date = _nearest(dates, tok.idx - sent.start_char)
        location = None
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                for ms, me, ment, ent in mentions:
                    span_s = base + min(t.idx for t in child.subtree)
                    span_e = base + max(t.idx + len(t.text) for t in child.subtree)
                    if span_s <= ms and me <= span_e and ent["type"] in ("STATE", "LOC") and _actor_of(ment, ent) not in actors + targets:
                        location = ent["name"]
        conf = 0.4 + 0.2 * bool(actors) + 0.2 * bool(targets) + 0.1 * bool(date) + (0.1 if lemma not in WEAK else 0.0)
        events.append({
            "type": etype, "mode": mode, "quad_class": QUAD[etype], "trigger": tok.text, "trigger_lemma": lemma,
            "actors": actors, "targets": targets,
            "date": {k: date[k] for k in ("raw", "start", "end", "precision", "resolved_from")} if date else None,
            "quantities": quantities, "negated": negated, "hedged": hedged, "location": location,
            "evidence": text, "start": passage_start + sent.start_char, "end": passage_start + sent.end_char,
            "confidence": round(min(conf, 1.0), 2),
        })
    return events


def _dedupe(actors: list[dict]) -> list[dict]:
    out, seen = [], set()
    for a in actors:
        key = a["code"] or a["name"]
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _mask_citations(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out in-text citations so "(Parker, 2017)" is not read as the event's date."""
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


def _nearest(dates: list[dict], pos: int) -> dict | None:
    if not dates:
        return None
    return min(dates, key=lambda d: (abs(d["offset"] - pos), d["precision"] != "day"))


@stage(
    "events",
    needs=("passages", "citations", "entities"),
    adds=("events",),
    settings=("spacy_model",),
    resources=(ModelPackage("spacy_model", libraries=("spacy",)),),
    code=("pipeline.nlp",),
    languages=("en",),
    tables=(EVENTS_TABLE,),
)
def annotate_events(doc: Document, settings: Settings) -> Document:
    """The stage function: fills ``events`` from body sentences."""
    passages = [p for p in doc.passages if p.text.strip()]
    if not any(p.kind == "body" and p.sentences for p in passages):  # events come from body sentences only
        doc.warnings.append("events: no body sentences to read events from")
        doc.events = []
        return doc
    parsed = parse_texts([p.text for p in passages], settings.spacy_model)
    by_passage: dict[str, list[tuple[int, int, dict, dict]]] = {}
    for entity in doc.entities:
        ent = entity.model_dump()
        for m in ent["mentions"]:
            if m["context"] == "body":
                by_passage.setdefault(m["passage_id"], []).append((m["start"], m["end"], m, ent))
    events: list[dict] = []
    for p, sdoc in zip(passages, parsed):
        if p.kind != "body":
            continue
        mentions = by_passage.get(p.id, [])
        cites = [(c.start - p.start, c.end - p.start) for c in doc.citations
                 if c.kind == "author_year" and c.passage_id == p.id]
        inherited = None
        # the year of the section's previous body paragraph, for sentences that state none before them
        earlier = [q for q in passages if q.section_id == p.section_id and q.start < p.start and q.kind == "body"]
        section_year = _last_year(earlier[-1].text) if earlier else (None, None)
        for sent in sdoc.sents:
            local = [(a - sent.start_char, b - sent.start_char) for a, b in cites]
            year, source = _last_year(p.text[: sent.start_char])
            if year is None:
                year, source = section_year
            ctx = f"year {year} from context: \"{source}\"" if year else None
            sent_dates = [d for d in find_dates(_mask_citations(sent.text, local), year, ctx) if d["precision"] != "year"]
            for ev in extract_sentence_events(sent, mentions, p.start, year, ctx,
                                              cite_spans=local, inherited=inherited):
                ev["passage_id"] = p.id
                ev["section_id"] = p.section_id
                ev["in_footnote"] = False
                events.append(ev)
            if sent_dates:
                inherited = {k: sent_dates[-1][k] for k in ("raw", "start", "end", "precision")}
    doc.events = [Event(id=f"ev{i:03d}", **ev) for i, ev in enumerate(events, start=1)]
    if not events:
        doc.warnings.append("events: no events were found in the body sentences")
    return doc

