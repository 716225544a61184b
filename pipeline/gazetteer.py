"""The versioned actor gazetteer: states (ISO 3166-1 via pycountry), IGOs, NGOs, agreements, groups,
companies, state bodies, weapon systems, payment systems and people, with their affiliations.

``pipeline/resources/gazetteer.json`` holds the curated part: name variants, demonyms and the
capitals and seats used as metonyms ("Moscow", "the Kremlin" for Russia), after the
actor-coding practice of event datasets (CAMEO/PLOVER actor dictionaries; the PLOVER gold
standard codes "Hungarian officials" as HUN and "Burmese troops" as MMR).
``pipeline/resources/places.json`` adds places below the state (cities other than capitals, first-level
regions, disputed areas) and regional demonyms ("Tigrayan"), each with its state's ISO3 (provenance in the
file): they are places (type ``LOC``, no code of their own) whose ``country`` is their state, so the events
stage codes "shelled Kharkiv" as aimed at Ukraine, as PLOVER and CAMEO coders do.

Two kinds of alias do not resolve on their own (the entities stage decides, in context):

* **generic** names ("the nuclear deal", "the strategic partnership agreement") name one
  agreement only in a document that has named it in full before, or in a sentence that names
  its parties or its year ("the 2025 strategic partnership agreement between Russia and Iran");
  elsewhere they stay a generic agreement;
* **ambiguous** short names ("Wagner": the composer or the group; "Mir": a space station or the
  payment system) resolve only when their sentence has one of the entry's context words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.text.normalise import name_key

RESOURCE = Path(__file__).resolve().parent / "resources" / "gazetteer.json"
#: Places below the state (cities, first-level regions, disputed areas) and regional demonyms, each with its
#: state's ISO3 (provenance in the file): event coders code "Kharkiv" or "Tigrayan rebels" by their state.
PLACES = Path(__file__).resolve().parent / "resources" / "places.json"
#: People (heads of state and government, ministers, party and rebel leaders) and state bodies and armed groups named
#: without their state in news text, each with the state (or organisation) CAMEO/PLOVER coders give them (provenance in
#: the file): "Khawaja Asif rejected ..." is Pakistan's act, "the Tatmadaw" Myanmar's army.
ACTORS = Path(__file__).resolve().parent / "resources" / "actors.json"
#: ``how`` of a place below the state (its ``country`` is the state's ISO3; it names no actor of its own).
PLACE = "place"

#: ``how`` of an alias that needs the document's context (see the module docstring).
GENERIC = "generic"
AMBIGUOUS = "ambiguous"


@dataclass
class Actor:
    id: str
    name: str
    type: str
    code: str | None
    country: str | None
    aliases: list[str] = field(default_factory=list)
    parties: tuple[str, ...] = ()  # an agreement's parties (ISO3): a sentence naming them all qualifies a generic name
    year: int | None = None  # an agreement's year: a generic name next to it is a full mention


@dataclass
class Gazetteer:
    version: str
    actors: dict[str, Actor]
    surface: dict[str, tuple[str, str]]  # normalised alias -> (actor id, how: name/demonym/metonym/generic/ambiguous)
    not_entities: set[str]
    context_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # normalised ambiguous alias -> words

    def lookup(self, text: str) -> tuple[Actor, str] | None:
        hit = self.surface.get(name_key(text))
        return (self.actors[hit[0]], hit[1]) if hit else None

    def ruler_patterns(self) -> list[dict]:
        """EntityRuler phrase patterns; the pattern id carries 'actor id|how'."""
        pats = []
        for alias, (actor_id, how) in self._raw_aliases:
            actor = self.actors[actor_id]
            pats.append({"label": actor.type, "pattern": alias, "id": f"{actor_id}|{how}"})
        return pats

    def needs_context(self, alias: str) -> tuple[str, ...]:
        """The context words an ambiguous alias needs in its sentence (empty for other aliases)."""
        return self.context_words.get(name_key(alias), ())

    _raw_aliases: list[tuple[str, tuple[str, str]]] = field(default_factory=list)


def _alias(entry: str | dict) -> tuple[str, str, tuple[str, ...]]:
    """(alias, how, context words) of one alias entry of the file."""
    if isinstance(entry, str):
        return entry, "name", ()
    if entry.get("generic"):
        return entry["alias"], GENERIC, ()
    if entry.get("context"):
        return entry["alias"], AMBIGUOUS, tuple(entry["context"])
    return entry["alias"], "name", ()


def _add_places(path: Path, actors: dict[str, Actor], add, surface: dict) -> str:
    """The places file: one ``LOC`` actor per place (``country`` = its state), one per regional demonym.

    A name the curated gazetteer already has (a capital's metonym, a group's alias) keeps that entry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for section, how in (("places", PLACE), ("regional_demonyms", "demonym")):
        for code, names in data.get(section, {}).items():
            for name in names:
                if name_key(name) in surface:
                    continue
                actor_id = f"LOC:{code}:{name_key(name)}"
                actors[actor_id] = Actor(id=actor_id, name=name, type="LOC", code=None, country=code, aliases=[name])
                add(name, actor_id, how)
    return data["version"]


def _add_actors(path: Path, actors: dict[str, Actor], add, surface: dict, context: dict[str, tuple[str, ...]]) -> str:
    """The actors file: one ``PERSON`` per person, one actor per body (``ORG`` or ``GROUP``), each with its
    ``country``. A name the curated gazetteer already has keeps that entry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for section, default_type in (("people", "PERSON"), ("bodies", "ORG")):
        for e in data.get(section, []):
            etype = e.get("type", default_type)
            slug = re.sub(r"\W+", "-", e["name"]).strip("-").upper()
            actor_id = f"{etype}:{slug}"
            if actor_id in actors:
                continue
            aliases = [a for a in (_alias(x) for x in e["aliases"]) if name_key(a[0]) not in surface]
            if not aliases:
                continue
            actors[actor_id] = Actor(id=actor_id, name=e["name"], type=etype, code=None, country=e["country"],
                                     aliases=[a for a, _h, _c in aliases])
            for alias, how, words in aliases:
                add(alias, actor_id, how)
                if words:
                    context.setdefault(name_key(alias), words)
    return data["version"]


#: British and American spellings of the words in the names of organisations: wire copy writes "Organisation of
#: American States" and "Defence Ministry" as often as the US forms, and the file lists each name once.
SPELLINGS = (("Organization", "Organisation"), ("Defense", "Defence"), ("Center", "Centre"), ("Program", "Programme"),
             ("Labor", "Labour"))


def spelling_variants(alias: str) -> list[str]:
    """The alias, and the alias with each word of :data:`SPELLINGS` in its other spelling."""
    out = [alias]
    for us, gb in SPELLINGS:
        for a in list(out):
            for x, y in ((us, gb), (gb, us)):
                if re.search(rf"\b{x}\b", a):
                    out.append(re.sub(rf"\b{x}\b", y, a))
    return list(dict.fromkeys(out))


@lru_cache(maxsize=1)
def load_gazetteer(path: Path = RESOURCE, places: Path = PLACES, people: Path = ACTORS) -> Gazetteer:
    import pycountry

    data = json.loads(path.read_text(encoding="utf-8"))
    actors: dict[str, Actor] = {}
    surface: dict[str, tuple[str, str]] = {}
    raw: list[tuple[str, tuple[str, str]]] = []
    context: dict[str, tuple[str, ...]] = {}

    def add(alias: str, actor_id: str, how: str) -> None:
        key = name_key(alias)
        if key and key not in surface:
            surface[key] = (actor_id, how)
        raw.append((alias, (actor_id, how)))

    curated = data["states"]
    for c in pycountry.countries:
        code = c.alpha_3
        name = getattr(c, "common_name", None) or c.name
        extra = curated.get(code, {})
        canonical = extra.get("aliases", [name])[0]
        actors[code] = Actor(id=code, name=canonical, type="STATE", code=code, country=code)
        names = [*extra.get("aliases", []), name, c.name, getattr(c, "official_name", None) or ""]
        for alias in dict.fromkeys(a for a in names if a and "," not in a):
            add(alias, code, "name")
        for d in extra.get("demonyms", []):
            add(d, code, "demonym")
        for m in extra.get("metonyms", []):
            add(m, code, "metonym")
    for e in data["entities"]:
        actor_id = e.get("code") or re.sub(r"\W+", "-", e["name"]).strip("-").upper()
        actor_id = f"{e['type']}:{actor_id}"
        aliases = [_alias(a) for a in e["aliases"]]
        actors[actor_id] = Actor(id=actor_id, name=e["name"], type=e["type"], code=e.get("code"),
                                 country=e.get("country"), aliases=[a for a, _h, _c in aliases],
                                 parties=tuple(e.get("parties", ())), year=e.get("year"))
        for alias, how, words in aliases:
            for variant in spelling_variants(alias):
                add(variant, actor_id, how)
                if words:
                    context[name_key(variant)] = words
    version = data["version"]
    if people is not None and people.is_file():
        version += "+" + _add_actors(people, actors, add, surface, context)
    if places is not None and places.is_file():
        version += "+" + _add_places(places, actors, add, surface)
    gaz = Gazetteer(version=version, actors=actors, surface=surface,
                    not_entities={name_key(x) for x in data["not_entities"]}, context_words=context)
    gaz._raw_aliases = raw
    return gaz
