"""The event lexicon: trigger words and their senses, read from a versioned data file.

``pipeline/resources/events/lexicon.toml`` (documented in its header) lists, per verb and noun
lemma, the senses a trigger can have, tried in order: "strike" is AGREE with an agreement as
its object ("struck a deal"), no event with "a balance", ASSAULT otherwise only with a target or
a violent element. The types are PLOVER's 16 (Schrodt et al., PLOVER manual, 2021), the words
after the CAMEO verb dictionaries of PETRARCH. The file is the stage's ``DataFile`` resource, so
editing it re-keys the events stage; a malformed entry is one clear ``LexiconError``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).resolve().parent.parent / "resources" / "events" / "lexicon.toml"

#: Sense types that are not PLOVER types: no event ("strike a balance"), or read through the object noun.
NONE = "NONE"
LIGHT = "LIGHT"

_SENSE_KEYS = {"type", "mode", "context", "object", "not_object", "subject", "particle", "prep", "modifier",
               "instrument", "needs", "complement", "complement_type", "negated", "location_target", "domestic", "of",
               "light_only", "target_previous", "clause", "also"}
_NEEDS = {"target", "actor", "violence", "violence_or_target", "counterpart"}


class LexiconError(ValueError):
    """A malformed lexicon file: the message names the entry."""


@dataclass(frozen=True)
class Sense:
    type: str
    mode: str | None = None
    context: tuple[str, ...] = ()
    object: frozenset[str] | None = None
    not_object: frozenset[str] = frozenset()
    subject: frozenset[str] | None = None
    particle: frozenset[str] | None = None
    prep: frozenset[str] | None = None
    modifier: frozenset[str] | None = None
    instrument: frozenset[str] | None = None
    needs: frozenset[str] = frozenset()
    complement: bool = False
    complement_type: frozenset[str] | None = None
    negated: str | None = None
    location_target: bool = False
    domestic: bool = False
    of: str = "target"
    light_only: bool = False  # (nouns) an event only as the object of a light verb ("reached a compromise")
    target_previous: bool = False  # a response: aimed at whoever acted before
    clause: bool = False  # (verbs) the sense holds only with a that-clause ("acknowledged that its army had ..."); with
    # ``object``, the clause's verb, objects or complements must be in it
    also: tuple[str, ...] = ()  # further types the same act is coded as ("kidnapped": COERCE and ASSAULT)


@dataclass
class Lexicon:
    version: str
    types: dict[str, dict]
    classes: dict[str, frozenset[str]]
    verbs: dict[str, tuple[Sense, ...]]
    nouns: dict[str, tuple[Sense, ...]]
    lists: dict[str, frozenset[str]] = field(default_factory=dict)

    def quad(self, etype: str) -> str:
        return self.types[etype]["quad"]

    def polarity(self, etype: str) -> str:
        return self.types[etype]["polarity"]

    def words(self, name: str) -> frozenset[str]:
        """One of the word lists (``report``, ``intent_aux``, ...)."""
        return self.lists.get(name, frozenset())


def _expand(values, classes: dict[str, list[str]], where: str) -> frozenset[str]:
    out: set[str] = set()
    for v in values:
        if not isinstance(v, str):
            raise LexiconError(f"{where}: {v!r} is not a string")
        if v.startswith("@"):
            if v[1:] not in classes:
                raise LexiconError(f"{where}: unknown class {v}")
            out.update(w.lower() for w in classes[v[1:]])
        else:
            out.add(v.lower())
    return frozenset(out)


def _sense(raw: dict, classes: dict[str, list[str]], types: dict, where: str) -> Sense:
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: a sense must be a table, got {raw!r}")
    unknown = set(raw) - _SENSE_KEYS
    if unknown:
        raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
    etype = raw.get("type")
    if etype not in types and etype not in (NONE, LIGHT):
        raise LexiconError(f"{where}: unknown type {etype!r}")
    needs = frozenset(raw.get("needs", ()))
    if needs - _NEEDS:
        raise LexiconError(f"{where}: unknown needs {sorted(needs - _NEEDS)}")
    if set(raw.get("complement_type", ())) - set(types):
        raise LexiconError(f"{where}: unknown complement_type {sorted(set(raw['complement_type']) - set(types))}")
    if set(raw.get("also", ())) - set(types):
        raise LexiconError(f"{where}: unknown also types {sorted(set(raw['also']) - set(types))}")
    if raw.get("negated") is not None and raw["negated"] not in types:
        raise LexiconError(f"{where}: unknown negated type {raw['negated']!r}")
    if raw.get("of", "target") not in ("actor", "target"):
        raise LexiconError(f"{where}: 'of' must be actor or target")

    def opt(key: str) -> frozenset[str] | None:
        return _expand(raw[key], classes, f"{where}.{key}") if key in raw else None

    return Sense(
        type=etype, mode=raw.get("mode"), context=tuple(raw.get("context", ())), object=opt("object"),
        not_object=opt("not_object") or frozenset(), subject=opt("subject"), particle=opt("particle"), prep=opt("prep"),
        modifier=opt("modifier"), instrument=opt("instrument"), needs=needs, complement=bool(raw.get("complement")),
        complement_type=frozenset(raw["complement_type"]) if "complement_type" in raw else None, negated=raw.get("negated"),
        location_target=bool(raw.get("location_target")), domestic=bool(raw.get("domestic")), of=raw.get("of", "target"),
        light_only=bool(raw.get("light_only")), target_previous=bool(raw.get("target_previous")),
        clause=bool(raw.get("clause")), also=tuple(raw.get("also", ())),
    )


def parse_lexicon(data: dict) -> Lexicon:
    """A :class:`Lexicon` from the parsed TOML (raises :class:`LexiconError` on a malformed entry)."""
    try:
        types = data["types"]
        classes = data.get("classes", {})
        version = data["version"]
    except KeyError as exc:
        raise LexiconError(f"the lexicon has no {exc.args[0]!r} table") from None
    for name, t in types.items():
        if not {"quad", "polarity"} <= set(t):
            raise LexiconError(f"types.{name}: needs quad and polarity")

    def senses(section: str) -> dict[str, tuple[Sense, ...]]:
        out = {}
        for lemma, raw in data.get(section, {}).items():
            if not isinstance(raw, list) or not raw:
                raise LexiconError(f"{section}.{lemma}: a list of senses is expected")
            out[lemma.lower()] = tuple(_sense(s, classes, types, f"{section}.{lemma}[{i}]") for i, s in enumerate(raw))
        return out

    lists = {k: frozenset(w.lower() for w in v) for k, v in data.get("lists", {}).items()}
    return Lexicon(version=version, types=types,
                   classes={k: frozenset(w.lower() for w in v) for k, v in classes.items()},
                   verbs=senses("verb"), nouns=senses("noun"), lists=lists)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon of ``path`` (cached per path)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path.name}: {exc}") from None
    return parse_lexicon(data)


def quad_classes(lexicon: Lexicon | None = None) -> dict[str, str]:
    """PLOVER type -> quad class."""
    lex = lexicon or load_lexicon()
    return {t: v["quad"] for t, v in lex.types.items()}
