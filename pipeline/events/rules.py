"""Who did what to whom: PLOVER events from the dependency parse of one sentence.

The approach of event coders such as PETRARCH (Schrodt et al.; CAMEO verb dictionaries over a
parse), with the PLOVER ontology (PLOVER manual, 2021) and its gold standard's conventions:

1. **Triggers with senses** (:mod:`pipeline.events.lexicon`): a verb's sense is chosen by its
   argument structure (object, subject, particle, preposition, instrument): "struck a deal" is
   AGREE, "struck a balance" no event, "strikes on Iran" ASSAULT; "responded with missiles" is
   ASSAULT, "responded to the proposal" nothing. Light verbs are read through their object
   ("launched an attack", "held talks", "took steps"). A noun is an event only as the head of an
   event predicate: the object of a light verb, or a phrase with an actor of its own ("Israel's
   strikes on Iran"), never the object of another verb ("condemned the agreement").
2. **Complements**: "threatened to cut off electricity to X", "refused to deploy troops in Y",
   "demanded that Z withdraw": the governing verb is the event, its complement gives the target,
   and what happens inside the complement is not a separate event (it has not happened).
3. **Modality** (CAMEO 03 and 13, "express intent"): a cooperative act that is announced
   ("will support", "plans to send", "is willing to host") is an AGREE, a conflictual one a
   THREATEN; "X said Y must withdraw" is X's REQUEST to Y; a negated "accept" or "allow" is a
   REJECT; conditionals and counterfactuals ("if it is attacked", "would have signed") are not events.
4. **Arguments from the trigger's own clause**: actors from its subject (or the by-agent of a
   passive, the antecedent of a relative clause, the controller of an infinitive, the first
   conjunct of a shared subject, the reporter for a pronoun under a reporting verb); targets from
   its objects and its to/with/against/on/at/into/from phrases. Purpose clauses, "after ..."
   clauses and appositions add no target. In a noun phrase, a named head wins over its
   modifiers ("NATO-member Norway" is Norway); a common head ("Hungarian officials") takes its
   modifiers' actors. A domestic object ("arrested demonstrators") is the actor's own country,
   as the PLOVER gold standard codes it.
5. **Flags in the trigger's clause only**: ``negated`` by a negation of the trigger or its
   clause ("did not ... until January 2023" is not negated), ``hedged`` by a hedge adverb,
   modal or reporting verb of that clause, not by any "report" in the sentence.
6. **Dates by clause**: a date belongs to the clause (or event noun) it attaches to; a
   conjoined verb without a subject of its own shares its first conjunct's date, a clause with a
   subject of its own does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.events.dates import DateMention
from pipeline.events.lexicon import LIGHT, NONE, Lexicon, Sense, load_lexicon

# prepositions whose object is a target of the event ("attacked positions on the border" is not one:
# only children of the trigger count)
TARGET_PREPS = frozenset({"to", "with", "against", "on", "upon", "at", "into", "toward", "towards", "from", "onto", "between"})
NOUN_TARGET_PREPS = frozenset({"to", "with", "against", "on", "upon", "at", "into", "toward", "towards", "from", "between",
                               "over", "onto"})
LOCATION_PREPS = frozenset({"in", "inside", "near", "at", "across", "throughout", "outside", "around", "along"})
# dependency labels inside a noun phrase whose words describe its head (not clauses, not appositions)
CORE_DEPS = frozenset({"compound", "amod", "poss", "nmod", "npadvmod", "nummod", "flat", "nn", "quantmod"})
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "parataxis", "csubj", "pcomp"})
PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "his", "her", "our", "them", "him", "i"})
RELATIVE = frozenset({"which", "that", "who", "whom", "whose"})
# actors of one's own state that can be the target of its act (a weapon or a company of that state cannot)
DOMESTIC_TARGET_TYPES = frozenset({"STATE", "GROUP", "PERSON"})
# "before allowing", "without consulting", "instead of signing": the act in the phrase has not happened
NOT_YET_PREPS = frozenset({"before", "without", "instead"})
# a gerund in these relations to the main verb describes the main act ("rejected X, urging Y to ...")
PARTICIPLE_DEPS = frozenset({"advcl", "xcomp", "conj", "acl", "pcomp"})
# "pro-Iranian Hizbollah", "the Syrian-backed Amal militia": a patron named in a modifier is not the actor
PATRON_PREFIXES = frozenset({"pro", "anti"})
PATRON_LEMMAS = frozenset({"back", "sponsor", "support", "arm", "fund", "ally", "align", "allied", "aligned", "backed",
                           "sponsored", "supported", "armed", "funded", "finance", "financed", "inspire", "inspired"})
# an "after"/"following" phrase: its words add no target
#: Nouns whose "of" phrase is the event they report the phase of ("the start of talks", "a wave of strikes"); any
#: other noun's "of"/"for" phrase names a topic or a category ("the costs of sanctions"), not an act reported.
PHASE_NOUNS = frozenset({"start", "beginning", "resumption", "launch", "outbreak", "onset", "end", "wave", "round", "series",
                         "spate", "string", "flurry", "escalation", "intensification", "renewal", "continuation", "day",
                         "week", "month", "year", "night", "hour", "first", "second", "last", "latest", "new"})
TEMPORAL_PREPS = frozenset({"after", "following", "before", "since", "during", "until", "amid", "despite", "as"})
ACTOR_TYPES = frozenset({"STATE", "IGO", "NGO", "GROUP", "PERSON", "ORG", "WEAPON", "FIN_SYSTEM", "AGREEMENT"})
_ANAPHOR = re.compile(r"\b(during|at the start of|in the course of|after|since|throughout)\s+(the|this|that)\s+"
                      r"(conflict|war|crisis|visit|summit|talks|negotiations|fighting|campaign)\b", re.I)


@dataclass
class Trigger:
    """One event trigger: the word that gives the type and the verb that holds its arguments."""

    word: object  # the spaCy token giving the type (the noun of a light-verb construction)
    clause: object  # the token whose arguments are read (the verb, the light verb, or the noun itself)
    sense: Sense
    kind: str  # verb | light | noun | obligation
    etype: str
    mode: str | None
    context: tuple[str, ...] = ()
    inner: list["Trigger"] = field(default_factory=list)  # triggers absorbed from its complement
    path: list[str] = field(default_factory=list)  # the rules that shaped it (for the confidence table)


# ---------------------------------------------------------------- actors of tokens


class Actors:
    """Actor records per token of a parsed text, from the entities stage's mentions."""

    def __init__(self, doc, mentions: list[tuple[int, int, dict]]):
        self.at: dict[int, list[dict]] = {}
        self.span: dict[int, tuple[int, int]] = {}
        for s, e, actor in mentions:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None:
                continue
            for tok in span:
                lst = self.at.setdefault(tok.i, [])
                if actor not in lst:
                    lst.append(actor)
                self.span[tok.i] = (span.start, span.end)

    def of(self, tok) -> list[dict]:
        return self.at.get(tok.i, [])


def _dedupe(actors: list[dict]) -> list[dict]:
    out, seen = [], set()
    for a in actors:
        key = a.get("code") or a["name"]
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


#: Prepositions of a noun's place: "the government in Kabul" is Afghanistan's, "an agreement in Algiers" only happened there.
PLACE_PREPS = frozenset({"in", "within", "inside"})
#: Adjectives whose "to" phrase names whom a force serves (CAMEO codes "forces loyal to X" as X's side).
LOYALTY_ADJECTIVES = frozenset({"loyal", "faithful", "answerable", "subordinate"})


def _event_noun(tok) -> bool:
    """An act or a text (a trigger noun of the lexicon, an agreement or a proposal), whose "in" phrase is a place."""
    lex = load_lexicon()
    lemma = _lemma(tok)
    return (lemma in lex.nouns or lemma in lex.classes.get("agreement", frozenset())
            or lemma in lex.classes.get("proposal", frozenset()))


def np_actors(tok, acts: Actors, *, appos: bool = False, depth: int = 0) -> list[dict]:
    """The actors a noun phrase names: a named head (with its conjuncts) wins over its modifiers;
    a common head takes the actors of its modifiers, else of its of/in/from phrases, else (for
    actors, ``appos``) of an apposition."""
    if tok is None or depth > 4:
        return []
    found: list[dict] = []
    head_named = [a for a in acts.of(tok) if a["type"] in ACTOR_TYPES]
    if head_named and tok.tag_ in ("NNPS", "NNS"):
        home = _residence_phrase(tok, head_named, acts, depth)
        if home:
            return home
    if head_named:
        found.extend(head_named)
    else:
        found.extend(_core_actors(tok, acts))
    if not [a for a in found if a["type"] != "LOC"] and not acts.of(tok) and depth < 3:
        # "the foreign ministers of Brazil and Argentina" (the parser may hang "Argentina" on "ministers")
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        found.extend(np_actors(p, acts, depth=depth + 1))
    for c in tok.children:
        if c.dep_ == "conj":
            found.extend(np_actors(c, acts, appos=appos, depth=depth + 1))
    if not found and tok.pos_ in ("VERB", "AUX") and _child(tok, "nsubj") is not None:
        found.extend(np_actors(_child(tok, "nsubj"), acts, appos=appos, depth=depth + 1))  # "The Red Cross operating in Iraq said"
    if not found:
        found.extend(a for a in acts.of(tok) if a["type"] == "LOC")  # an unresolved place: kept, but its phrases are read too
    if not [a for a in found if a["type"] != "LOC"] and depth < 3:
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "in", "from", "within", "inside", "for"):
                if c.lower_ in PLACE_PREPS and _event_noun(tok):
                    continue  # "a peace agreement in Algiers": where it happened, not who
                for p in c.children:
                    if p.dep_ == "pobj":
                        found.extend(np_actors(p, acts, depth=depth + 1))
    if not [a for a in found if a["type"] != "LOC"] and depth < 3:
        for c in tok.children:
            if c.dep_ == "amod" and _lemma(c) in LOYALTY_ADJECTIVES:  # "forces loyal to Charles Taylor": whom they serve
                found = [a for p in c.children if p.dep_ == "prep" and p.lower_ == "to"
                         for o in p.children if o.dep_ == "pobj" for a in np_actors(o, acts, depth=depth + 1)] or found
            elif c.dep_ == "acl" and c.tag_ == "VBN":  # "a roadside bomb planted by IRA guerrillas": whose weapon it is
                found = [a for ag in c.children if ag.dep_ == "agent"
                         for o in ag.children if o.dep_ == "pobj" for a in np_actors(o, acts, depth=depth + 1)] or found
    if not found and appos:
        for c in tok.children:
            if c.dep_ == "appos":
                found.extend(np_actors(c, acts, depth=depth + 1))
    return _dedupe(found)


def _residence_phrase(tok, named: list[dict], acts: Actors, depth: int) -> list[dict]:
    """A people named by nationality with the state they live in ("the Albanians of southern Serbia", "Turks in
    Bulgaria"): coded by that state, as CAMEO codes a group by the country where it acts."""
    codes = {a.get("code") for a in named}
    if not all(a["type"] == "STATE" for a in named):
        return []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "in", "inside", "within"):
            for p in c.children:
                if p.dep_ == "pobj":
                    got = [a for a in np_actors(p, acts, depth=depth + 1) if a["type"] == "STATE" and a.get("code")
                           and a["code"] not in codes]
                    if got:  # a group of that state (not the state itself: "... from Serbian authorities" is SRB -> SRB)
                        return [dict(a, type="GROUP", name=f"{tok.text} {c.lower_} {a['name']}") for a in got[:1]]
    return []


def _patron(tok) -> bool:
    """A modifier that names a patron, not the actor: "pro-Iranian", "anti-Western", "Syrian-backed"."""
    doc = tok.doc
    if tok.i >= 2 and doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ in PATRON_PREFIXES:
        return True
    if tok.lower_ in PATRON_PREFIXES:
        return True
    return tok.lower_ in PATRON_LEMMAS or tok.lemma_.lower() in PATRON_LEMMAS and tok.tag_ == "VBN"


# ---------------------------------------------------------------- the parse


def _child(tok, *deps):
    return next((c for c in tok.children if c.dep_ in deps), None)


def _mark(tok) -> str | None:
    """The subordinating word that opens a clause ("for" in "for the government to resign"), lower-cased."""
    m = _child(tok, "mark")
    return m.lower_ if m is not None else None


def _children(tok, *deps):
    return [c for c in tok.children if c.dep_ in deps]


def _lemma(tok) -> str:
    return (tok.lemma_ or tok.text).lower()


def lemma_candidates(tok) -> list[str]:
    """The tagger's lemma, then forms guessed from the word itself: the small model's lemmatizer
    errs on rarer inflections ("staged" -> "stag"), so a trigger is looked up under both."""
    t = tok.lower_
    out = [_lemma(tok), t]
    if t.endswith("ied") or t.endswith("ies"):
        out.append(t[:-3] + "y")
    if t.endswith("ed"):
        out += [t[:-1], t[:-2]] + ([t[:-3]] if len(t) > 4 and t[-3] == t[-4] else [])
    if t.endswith("ing"):
        out += [t[:-3], t[:-3] + "e"] + ([t[:-4]] if len(t) > 5 and t[-4] == t[-5] else [])
    if t.endswith("es"):
        out.append(t[:-2])
    if t.endswith("s"):
        out.append(t[:-1])
    return list(dict.fromkeys(out))


def _lookup(tok, table: dict):
    """(lemma, entry) of a token in a lexicon table, by its lemma candidates."""
    for lemma in lemma_candidates(tok):
        if lemma in table:
            return lemma, table[lemma]
    return None, None


def _objects(verb) -> list:
    """The direct objects of a verb (and of a passive verb, its subject), conjuncts included."""
    objs = _children(verb, "dobj", "obj")
    if not objs and _child(verb, "nsubjpass") is not None:
        objs = [_child(verb, "nsubjpass")]
    out = []
    for o in objs:
        out.append(o)
        out.extend(c for c in o.conjuncts)
    return out


# heads that measure or group what their "of" phrase names: "700 kg of medicine", "a series of bombs"
MEASURE_NOUNS = frozenset({"ton", "tonne", "kg", "kilogram", "worth", "amount", "number", "quantity", "series", "batch",
                           "shipment", "consignment", "package", "lot", "million", "billion", "thousand", "hundred",
                           "dozen", "barrel", "cargo", "load", "supply", "wave", "round", "volley", "string", "set",
                           "pair", "couple", "variety", "range", "host", "kind", "type", "form", "total", "part",
                           "state", "planeload", "shipload", "truckload", "boatload", "tranche"})  # "lifted the state of emergency" (CAMEO 0814): the state is the emergency


def _head_lemmas(toks) -> set[str]:
    """Lemmas of object heads and of their compound modifiers ("air links", "mediation effort"); for a
    measure ("700 kg of medicine", "a series of bombs") those of what it measures."""
    out = set()
    for t in toks:
        if t is None:
            continue
        out.update(lemma_candidates(t)[:1])
        out.add(t.lower_)  # "evacuated the wounded": the tagger may lemmatise a nominalised participle as a verb
        out.update(_lemma(c) for c in t.children if c.dep_ in ("compound", "amod"))
        if _lemma(t) in MEASURE_NOUNS or t.pos_ == "NUM" or t.tag_ == "$":
            for c in t.children:  # "a total of $1bn in financing": a sum's "in" phrase says what it is
                if c.dep_ == "prep" and (c.lower_ == "of" or (c.lower_ == "in" and (t.pos_ == "NUM" or t.tag_ == "$"))):
                    out |= _head_lemmas([p for p in c.children if p.dep_ == "pobj"])
    return out


def _preps(tok) -> dict[str, list]:
    """Preposition -> its objects, for the prepositional children of a token."""
    out: dict[str, list] = {}
    kids = list(tok.children)
    kids += [g for c in kids if c.dep_ == "prt" for g in c.children]  # "kidnapped up to 16 advisers"
    for c in kids:
        if c.dep_ in ("prep", "agent", "dative") and c.pos_ == "ADP":
            objs = [p for p in c.children if p.dep_ in ("pobj", "pcomp")]
            for o in list(objs):
                objs.extend(o.conjuncts)
            out.setdefault(c.lower_, []).extend(objs)
    return out


#: Particles the parser may tag as a preposition when a phrase follows them ("pulling out of the CSTO").
PARTICLE_PREPS = frozenset({"out", "back", "down", "off", "up", "away"})


def _particle(verb) -> str:
    p = _child(verb, "prt")
    if p is None:
        p = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in PARTICLE_PREPS
                  and any(g.dep_ == "prep" for g in c.children)), None)
    return p.lower_ if p is not None else ""


def _subject_token(verb):
    return _child(verb, "nsubj", "csubj")


# ---------------------------------------------------------------- senses


def _clause_words(clause) -> set[str]:
    """Lemmas of a that-clause's verb, its objects and its complements ("had burned villages", "was responsible")."""
    words = [clause] + _objects(clause) + [c for c in clause.children if c.dep_ in ("acomp", "attr", "oprd", "xcomp")]
    return {w.lemma_.lower() for w in words}


def _matches(sense: Sense, verb, lex: Lexicon) -> bool:
    objs = _objects(verb) if verb.pos_ in ("VERB", "AUX") else []
    lemmas = _head_lemmas(objs)
    if sense.clause:
        clauses = [c for c in verb.children if c.dep_ == "ccomp"]
        if not clauses:
            return False
        # with an object set, the that-clause says what is admitted: a statement of fact is no admission
        if sense.object is not None and not any(_clause_words(c) & sense.object for c in clauses):
            return False
    elif sense.object is not None and not (lemmas & sense.object):
        preps = _preps(verb)
        # "engaged in ethnic cleansing", "resorted to violence", "provided Russia with missiles"
        if not any(_head_lemmas(v) & sense.object for k, v in preps.items() if k in ("in", "to", "with")):
            return False
    if sense.not_object and lemmas & sense.not_object:
        return False
    if sense.subject is not None:
        subj = _subject_token(verb) or _agent(verb)
        if subj is None or not (_head_lemmas([subj]) & sense.subject):
            return False
    if sense.particle is not None and _particle(verb) not in sense.particle:
        return False
    if sense.prep is not None:
        preps = set(_preps(verb))
        # "called for the government to resign": the parser may make "for" the mark of a clause
        preps |= {m.lower_ for c in verb.children if c.dep_ in ("advcl", "ccomp") for m in c.children if m.dep_ == "mark"}
        if not preps & sense.prep and not any(_lemma(c) in sense.prep for c in verb.children if c.dep_ == "advmod"):
            return False
    if sense.modifier is not None and verb.pos_ in ("VERB", "AUX"):
        # (verbs) a modifier word of the verb itself: "test-fired a missile"
        mods = {_lemma(c) for c in verb.children if c.dep_ in ("compound", "npadvmod", "advmod", "amod", "nmod")}
        mods |= {c.lower_ for c in verb.children if c.dep_ in ("compound", "npadvmod", "advmod", "amod", "nmod")}
        if not mods & sense.modifier:
            return False
    if sense.instrument is not None:
        inst = _preps(verb).get("with", [])
        if not _head_lemmas(inst) & sense.instrument:
            return False
    return True


def _agent(verb):
    a = _child(verb, "agent")
    if a is None:
        return None
    return _child(a, "pobj")


def _noun_sense(noun, lex: Lexicon) -> Sense | None:
    _l, senses = _lookup(noun, lex.nouns)
    for s in senses or ():
        if s.prep is not None and not (noun.dep_ == "pobj" and noun.head.lower_ in s.prep):
            continue  # (nouns) the preposition that governs it: "went on strike"
        if s.modifier is not None:
            near = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod")]
            for of in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
                for obj in (p for p in of.children if p.dep_ == "pobj"):  # "the deployment of peacekeeping troops"
                    near += [obj] + [c for c in obj.children if c.dep_ in ("compound", "amod", "nmod")]
            if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
                near.append(noun.head.head)  # "a state of emergency": the head the "of" phrase hangs on
            mods = {_lemma(c) for c in near} | {c.lower_ for c in near}
            if not mods & s.modifier:
                continue
        return s if s.type != NONE else None
    return None


def _is_trigger(tok, lex: Lexicon) -> bool:
    """Whether a token is an event word of its own (a verb with a sense, or a light verb): a participle beside it
    says how that act was done, beside any other verb ("pushed", "released") it is the act."""
    if tok.pos_ not in ("VERB", "AUX") or _lemma(tok) in ASPECTUAL:  # "began cooperating": the act is the participle
        return False
    sense = _verb_sense(tok, lex)
    if sense is not None and sense.type == LIGHT:
        return any(_noun_sense(n, lex) is not None for n in _light_noun(tok))
    return sense is not None


def _verb_sense(verb, lex: Lexicon) -> Sense | None:
    _l, senses = _lookup(verb, lex.verbs)
    for s in senses or ():
        if _matches(s, verb, lex):
            return s if s.type != NONE else None
    return None


#: Heads that name an act only through their compound ("a mediation effort", "a peace mission", "a relief operation").
GENERIC_ACT_NOUNS = frozenset({"effort", "process", "initiative", "mission", "operation", "campaign", "programme",
                               "program", "plan", "move", "action", "measure", "bid", "drive", "session", "round",
                               "step", "activity", "exercise", "attempt", "work", "project", "deal", "package"})


#: Objects of a light verb that name one's share in an act named by their "in" phrase ("took part in", "played a role in").
PART_NOUNS = frozenset({"part", "role"})


def _light_noun(verb):
    """The event noun a light verb takes: its object, or the object of its "in"/"to" phrase."""
    cands = _children(verb, "dobj", "attr", "oprd")
    if not cands and _child(verb, "nsubjpass") is not None:
        cands = [_child(verb, "nsubjpass")]
    if not _children(verb, "dobj", "attr", "oprd"):  # "the army was placed on high alert"
        for k, v in _preps(verb).items():
            if k in ("in", "to", "into", "on", "under"):  # "engaged in", "resorted to", "remained on alert", "put under investigation"
                cands.extend(v)
    else:  # "put its forces on alert", "placed the leaders under arrest" (CAMEO 152, 173): the state the object is put in
        for k, v in _preps(verb).items():
            if k in ("on", "under"):
                cands.extend(v)
    out = []
    for c in cands:
        out.append(c)
        if _lemma(c) in GENERIC_ACT_NOUNS:  # "a mediation effort", not "truce monitors" (people, not an act)
            out.extend(cc for cc in c.children if cc.dep_ == "compound")
        if _lemma(c) in PART_NOUNS:  # "took part in joint exercises" (CAMEO 062): the act one takes part in
            out.extend(p for pr in c.children if pr.dep_ == "prep" and pr.lower_ == "in" for p in pr.children if p.dep_ == "pobj")
            out.extend(v for k, v in _preps(verb).items() if k == "in" for v in v)
        if _lemma(c) in MEASURE_NOUNS or _lemma(c) in PHASE_NOUNS:  # "carried out a series of strikes", "a round of talks"
            out.extend(p for of in c.children if of.dep_ == "prep" and of.lower_ == "of"
                       for p in of.children if p.dep_ == "pobj")
    return out


def find_triggers(sent, lex: Lexicon) -> list[Trigger]:
    """Every trigger of a sentence with its sense, before complements are absorbed."""
    triggers: list[Trigger] = []
    used_nouns: set[int] = set()
    for tok in sent:
        lemma, _senses = _lookup(tok, lex.verbs)
        if lemma is None:
            continue
        if tok.pos_ == "VERB" or (tok.pos_ == "AUX" and tok.dep_ not in ("aux", "auxpass")):
            sense = _verb_sense(tok, lex)
            if sense is None:
                continue
            if sense.type == LIGHT:
                for noun in _light_noun(tok):
                    ns = _noun_sense(noun, lex)
                    if ns is not None:
                        triggers.append(Trigger(noun, tok, ns, "light", ns.type, ns.mode, ns.context, path=["light"]))
                        used_nouns.add(noun.i)
                        break
                continue
            triggers.append(Trigger(tok, tok, sense, "verb", sense.type, sense.mode, sense.context, path=["verb"]))
            for o in _objects(tok):  # "imposed sanctions": the noun is the verb's object, not an event of its own
                used_nouns.add(o.i)
    verb_tokens = {t.clause.i for t in triggers}
    for tok in sent:
        if tok.pos_ not in ("NOUN", "PROPN") or tok.i in used_nouns or _lookup(tok, lex.nouns)[0] is None:
            continue
        if tok.dep_ in ("dobj", "attr", "oprd", "dative", "nsubjpass") and tok.head.pos_ in ("VERB", "AUX"):
            continue  # the object of another verb
        if tok.dep_ == "pobj" and tok.head.head.i in verb_tokens and tok.head.lower_ in TARGET_PREPS | {"for", "of", "over"}:
            continue  # an argument of another event ("withdrew from the agreement")
        if tok.dep_ == "compound":
            continue
        if (tok.dep_ == "pobj" and tok.head.lower_ in ("of", "for") and tok.head.head.pos_ in ("NOUN", "PROPN")
                and _lemma(tok.head.head) not in PHASE_NOUNS and _lookup(tok.head.head, lex.nouns)[0] is None):
            continue  # a modifier of another noun ("the case of German investment in Hungary"): a topic, not a report
        sense = _noun_sense(tok, lex)
        if sense is None or sense.light_only or negated_noun(tok):
            continue  # a relation ("the partnership illustrates"), or an event said not to exist
        triggers.append(Trigger(tok, tok, sense, "noun", sense.type, sense.mode, sense.context, path=["noun"]))
    return triggers


# ---------------------------------------------------------------- arguments


def _is_pronoun(tok) -> bool:
    return tok.pos_ == "PRON" or tok.lower_ in PRONOUNS


def _governor_chain(tok):
    """The heads above a token, nearest first."""
    t = tok
    while t.head.i != t.i:
        t = t.head
        yield t


def _reporter_actors(verb, acts: Actors, lex: Lexicon) -> list[dict]:
    """For a clause under a reporting verb ("Hungary said it will ..."), the reporter's actors."""
    t = verb
    for head in _governor_chain(verb):
        if t.dep_ not in ("ccomp", "xcomp", "conj", "advcl", "parataxis", "pcomp", "prep", "acomp"):
            return []
        if _lemma(head) in lex.words("report") or _lemma(head) in lex.verbs:
            subj = _subject_token(head) or _child(head, "nsubjpass")  # "King Hassan was quoted as saying"
            if subj is not None and not _is_pronoun(subj):
                got = np_actors(subj, acts, appos=True)
                if got:
                    return got
        t = head
    return []


def _resolve_pronoun(pron, verb, acts: Actors, lex: Lexicon, prev: list[dict]) -> list[dict]:
    got = _reporter_actors(verb, acts, lex)
    if got:
        return got
    sent = pron.sent
    for t in reversed(list(sent[: pron.i - sent.start])):  # the nearest earlier subject with an actor
        if t.dep_ in ("nsubj", "nsubjpass") and not _is_pronoun(t):
            got = np_actors(t, acts, appos=True)
            if got:
                return got
    return list(prev) if pron.lower_ in ("it", "they", "its", "their") else []


def subject_actors(verb, acts: Actors, lex: Lexicon, prev: list[dict], depth: int = 0) -> tuple[list[dict], str]:
    """The actors of a verb's subject, and how they were found (for the confidence path)."""
    if depth > 4:
        return [], "none"
    subj = _subject_token(verb)
    if subj is not None:
        if subj.lower_ in RELATIVE and verb.dep_ == "relcl":
            return np_actors(verb.head, acts, appos=True), "relative"
        if _is_pronoun(subj):
            return _resolve_pronoun(subj, verb, acts, lex, prev), "pronoun"
        got = np_actors(subj, acts, appos=True)
        poss = _child(subj, "poss")
        if not got and poss is not None and _is_pronoun(poss):  # "their forces had completed their withdrawal"
            return _resolve_pronoun(poss, verb, acts, lex, prev), "pronoun"
        return got, "subject"
    agent = _agent(verb)
    if agent is not None:
        return np_actors(agent, acts, appos=True), "agent"
    lead = next((c for c in verb.children if c.dep_ == "npadvmod" and c.i < verb.i and c.i == verb.sent.start
                 and c.pos_ == "PROPN"), None)
    if lead is not None and verb.dep_ == "ROOT":  # "Turkey massed troops": the small model may tag the subject npadvmod
        got = np_actors(lead, acts, appos=True)
        if got:
            return got, "subject"
    if _child(verb, "nsubjpass") is not None:
        if _stative_passive(verb):
            return np_actors(_child(verb, "nsubjpass"), acts, appos=True), "subject"
        return [], "passive"
    head = verb.head
    if head.i == verb.i:
        return [], "none"
    if verb.dep_ == "relcl":
        return np_actors(head, acts, appos=True), "relative"
    if verb.dep_ == "acl":  # "forces attacking the town": an active participle's noun acts
        if verb.tag_ == "VB" and "to" in _aux_words(verb) and _lemma(head) in DECISION_NOUNS:
            # "Saudi Arabia's decision to expel the ambassador": the decision's owner acts
            return np_actors(head, acts), "decision"
        if (verb.tag_ == "VBN" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN") and head.i < verb.i
                and _child(verb, "agent") is None and any(c.dep_ in ("dobj", "prep", "xcomp", "ccomp") for c in verb.children)):
            # "The leader of Kenya's opposition party called on President Moi to ...": a sentence whose only verb the
            # parser hung on its subject as a participle; a real participle phrase would leave the sentence no verb
            return np_actors(head, acts, appos=True), "subject"
        if verb.tag_ != "VBG":
            return [], "passive"
        got = np_actors(head, acts, appos=True)
        people = lex.classes.get("people", frozenset())
        if not got and head.dep_ in ("dobj", "pobj") and _lemma(head) not in people and head.head.pos_ in ("VERB", "AUX"):
            # "issued a declaration demanding ...": the declaration speaks for whoever issued it
            got, how = subject_actors(head.head, acts, lex, prev, depth + 1)
            return got, "shared:" + how
        return got, "participle"
    if verb.dep_ == "acomp":  # "Norway is willing to send": the adjective's subject is the copula's
        got, how = subject_actors(head, acts, lex, prev, depth + 1)
        return got, how
    if verb.dep_ == "xcomp" or (verb.dep_ == "advcl" and not _child(verb, "mark")) or verb.dep_ in ("conj", "pcomp", "advcl"):
        gov = head
        if verb.dep_ == "pcomp":
            gov = head.head
        if verb.dep_ == "xcomp" and _lemma(gov) in lex.words("object_control"):
            obj = _child(gov, "dobj")
            if obj is None:
                for k, v in _preps(gov).items():
                    if k in ("on", "upon") and v:
                        obj = v[0]
            if obj is not None:
                return np_actors(obj, acts, appos=True), "control"
        if gov.pos_ in ("NOUN", "PROPN") and verb.dep_ == "xcomp":
            return [], "none"
        if verb.dep_ == "conj":  # a shared subject is the first conjunct's surface subject, not its by-agent
            surface = _child(gov, "nsubjpass")
            if surface is not None and _subject_token(gov) is None:
                return np_actors(surface, acts, appos=True), "shared:subject"
        got, how = subject_actors(gov, acts, lex, prev, depth + 1)
        return got, ("shared:" + how) if got else how
    return [], "none"


# prepositions inside an object phrase that name whom the act is aimed at ("action against Russia",
# "contact with the United States", "a visit to Haiti")
# "rejected calls by Belarus's rulers": the author of the rejected act is the target
OBJECT_TARGET_PREPS = frozenset({"against", "on", "upon", "with", "to", "toward", "towards", "into", "at", "from", "between", "by"})


def target_np(tok, acts: Actors, depth: int = 0) -> list[dict]:
    """The actors of an object phrase: its own (:func:`np_actors`), else those of its target phrases."""
    got = np_actors(tok, acts)
    if got or depth > 1:
        return got
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in OBJECT_TARGET_PREPS:
            for p in c.children:
                if p.dep_ == "pobj":
                    got.extend(target_np(p, acts, depth + 1))
    if not got:  # "an investigation into crimes committed by Croat forces": the doers of what the act is about
        for c in tok.children:
            if c.dep_ == "acl" and c.tag_ == "VBN" and _agent(c) is not None:
                got.extend(np_actors(_agent(c), acts, appos=True))
    return _dedupe(got)


def _np_targets(toks, acts: Actors) -> list[dict]:
    out = []
    for t in toks:
        out.extend(target_np(t, acts))
    return _dedupe(out)


def _complement(verb):
    """The complement clauses of a verb: its infinitive or that-clause (also under "call on X to")."""
    comps = _children(verb, "xcomp", "ccomp")
    comps += [c for c in verb.children if c.dep_ == "advcl" and _mark(c) == "for"]  # "called for the government to resign"
    doc = verb.doc
    for c in verb.children:  # "ruled out sending weapons": the parser may hang the gerund as an adverbial clause
        if (c.dep_ == "advcl" and c.tag_ == "VBG" and c.i > verb.i and _child(c, "mark", "nsubj") is None
                and not any(doc[k].is_punct for k in range(verb.i + 1, c.i))):
            comps.append(c)
    for c in verb.children:
        if c.dep_ == "prep":
            for p in c.children:
                comps.extend(_children(p, "acl", "relcl", "xcomp"))
                if p.dep_ == "pcomp" and p.pos_ in ("VERB", "AUX"):  # "warned NATO against sending troops"
                    comps.append(p)
        if c.dep_ in ("dobj",):
            comps.extend(cc for cc in c.children if cc.dep_ in ("acl", "xcomp") and _child(cc, "aux") is not None)
    if not comps:  # "demanded the removal of X", "refused admittance to Y", "called for sanctions against Z"
        comps = [o for o in _children(verb, "dobj")] + _preps(verb).get("for", [])
    return comps


def complement_targets(verb, acts: Actors, depth: int = 0) -> list[dict]:
    """Targets found inside a verb's complement: its subject, objects and target phrases."""
    if depth > 2:
        return []
    out: list[dict] = []
    for c in _complement(verb):
        if c.pos_ in ("VERB", "AUX"):
            subj = _subject_token(c)
            if subj is not None and not _is_pronoun(subj) and (c.dep_ == "ccomp" or _child(c, "mark") is not None):
                got = np_actors(subj, acts)
                if got:  # "demanded that Hamas renounce ...": the one asked is the target
                    out.extend(got)
                    continue
            out.extend(_np_targets(_objects(c), acts))
            out.extend(_np_targets(_children(c, "dative"), acts))
            for k, v in _preps(c).items():
                if k in TARGET_PREPS or k in LOCATION_PREPS:
                    out.extend(_np_targets(v, acts))
            if not out:
                out.extend(complement_targets(c, acts, depth + 1))
        else:
            out.extend(np_actors(c, acts))
            for k, v in _preps(c).items():
                if k in NOUN_TARGET_PREPS or k in ("of", "for", "in"):
                    out.extend(_np_targets(v, acts))
    return _dedupe(out)


def condition_targets(verb, acts: Actors) -> list[dict]:
    """The subject of a threat's condition ("... unless Baghdad accepted its conditions"): whom it is aimed at."""
    out: list[dict] = []
    for t in verb.subtree:
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            subj = _subject_token(t)
            if subj is not None and not _is_pronoun(subj):
                out.extend(np_actors(subj, acts))
    return _dedupe(out)


#: Nouns whose "with" phrase names the state on the other side ("troops along the border with India", CAMEO 15).
BORDER_NOUNS = frozenset({"border", "frontier", "boundary"})


#: Bearings that, with an "of" phrase, place an act near a named place ("south of Baghdad").
COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
                           "north-east", "north-west", "south-east", "south-west", "outside"})


def _location(tok, acts: Actors) -> tuple[list[dict], str | None]:
    """Actors of the places in the "in/near/at" phrases of a token, and the first place's name."""
    found: list[dict] = []
    name = None
    preps = dict(_preps(tok))
    for c in tok.children:  # "bombed sites south of Baghdad", "a base 30 km north of Kabul": a bearing from a place
        if c.dep_ in ("advmod", "npadvmod", "amod") and _lemma(c) in COMPASS_WORDS:
            preps.setdefault("near", []).extend(p for of in c.children if of.dep_ == "prep" and of.lower_ == "of"
                                                for p in of.children if p.dep_ == "pobj")
    for k, v in preps.items():
        if k in LOCATION_PREPS:
            for o in v:
                got = np_actors(o, acts, appos=True)  # "in the capital Kabul"
                if not got and _lemma(o) in BORDER_NOUNS:  # "along the border with India": the neighbour across it
                    got = [a for a in target_np(o, acts) if a["type"] == "STATE"]
                places = [a for a in got if a["type"] in ("STATE", "LOC")]
                for p in places:
                    name = name or p["name"]
                found.extend(a for a in places if a["type"] == "STATE")
    return _dedupe(found), name


#: Words that make a nationality an ethnicity: "ethnic Albanians demonstrated in Serbia" are Serbia's people.
ETHNIC_WORDS = frozenset({"ethnic"})


def _residence(actors: list[dict], verb, targets: list[dict], acts: Actors) -> tuple[list[dict], bool]:
    """An ethnic group acts for the state it lives in, not for its kin state (CAMEO manual, 2012, on domestic
    actors: a group is coded by the country where it acts): the state of the place named in the clause, else
    that of the state its act is aimed at; kept as it is when the sentence names neither."""
    sent = verb.sent
    ethnic = {id(a) for tok in sent if any(c.lower_ in ETHNIC_WORDS for c in tok.children if c.dep_ in ("amod", "compound"))
              for a in acts.of(tok)}
    if not ethnic or not any(id(a) in ethnic for a in actors):
        return actors, False
    places = [a for a in _location(verb, acts)[0] if id(a) not in ethnic]
    home = places or [x for x in targets if x.get("type") == "STATE" and id(x) not in ethnic][:1]
    if not home:
        return actors, False
    kept = [a for a in actors if id(a) not in ethnic]
    return _dedupe(kept + [dict(h, type="STATE") for h in home]), True


def _target_residence(targets: list[dict], verb, actors: list[dict], acts: Actors) -> list[dict]:
    """An ethnic group aimed at is coded, like an acting one, by the state it lives in ("Serb forces killed three
    ethnic Albanians in a gunbattle in southeastern Serbia" is SRB -> SRB): the clause's place, else the state of
    the place its object phrase names, else the actor's own state."""
    sent = verb.sent
    ethnic = {id(a) for tok in sent if any(c.lower_ in ETHNIC_WORDS for c in tok.children if c.dep_ in ("amod", "compound"))
              for a in acts.of(tok)}
    if not ethnic or not any(id(x) in ethnic for x in targets):
        return targets
    home = [a for a in _location(verb, acts)[0] if id(a) not in ethnic]
    for o in _objects(verb) if not home else ():
        home = [a for a in _location(o, acts)[0] if id(a) not in ethnic]
        if home:
            break
    home = home or [a for a in actors if a["type"] == "STATE" and a.get("code")][:1]
    if not home:
        return targets
    return _dedupe([x for x in targets if id(x) not in ethnic] + [dict(h, type="STATE") for h in home])


#: Types whose unnamed people object ("accused Darfur rebels", "ordered the opposition newspaper to ...") is the
#: actor's own state, as CAMEO and PLOVER code a domestic target, whatever the verb's own sense says.
DOMESTIC_OBJECT_TYPES = frozenset({"PROTEST", "ACCUSE", "COERCE", "ASSAULT", "SANCTION", "THREATEN", "REQUEST"})


#: Types of an exchange with a counterpart (a deal, a demand, a concession, a refusal, talks).
OTHER_PARTY_TYPES = frozenset({"AGREE", "CONCEDE", "REJECT", "REQUEST", "CONSULT"})


def _domestic_party(t: Trigger, lex: Lexicon) -> bool:
    """Whether the counterpart of an exchange is an unnamed group of people or fighters ("accepted demands from
    Shona rebels", "demanded a truce with Moslem forces"): PLOVER, like CAMEO, codes such a domestic counterpart
    by the actor's own state."""
    groups = lex.classes.get("people", frozenset()) | lex.classes.get("military", frozenset())
    heads = _objects(t.clause) + ([t.word] if t.kind == "light" else []) + [t.clause]
    heads += [p for k, v in _preps(t.clause).items() if k in ("to", "with") for p in v]
    for h in heads:
        if h is not t.clause and _lemma(h) in CONTENT_NOUNS and any(  # "rejected opposition calls for X to resign"
                c.dep_ in ("compound", "amod") and _lemma(c) in groups and not acts_named(c) for c in h.children):
            return True
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in (("from", "with") if h is t.clause else ("from", "with", "by")):
                for p in c.children:
                    if p.dep_ == "pobj" and _lemma(p) in groups and not acts_named(p):
                        return True
    return False


def _people_object(verb, lex: Lexicon, *, persons_only: bool = False, complement: bool = False, noun=None) -> bool:
    """An object (or target phrase) headed by a word of people or of their institutions, without an actor;
    ``persons_only``: people and institutions, not places ("shelled the city of Kharkiv" is no domestic act)."""
    people = lex.classes.get("people", frozenset())
    if persons_only:
        people = people - lex.classes.get("places", frozenset()) - lex.classes.get("collective_acts", frozenset())
    toks = list(_objects(verb))
    for k, v in _preps(verb).items():
        if k in TARGET_PREPS:
            toks.extend(v)
    if not persons_only:  # "lifted restrictions on the press", "a ban on opposition rallies": whom the object weighs on
        toks.extend(p for o in _objects(verb) if not acts_named(o) for k, v in _preps(o).items()
                    if k in ("on", "against") for p in v if not acts_named(p))
    if persons_only and complement:  # "called for the release of political prisoners": the people a demand is about
        for c in _complement(verb):
            if ((c.pos_ in ("VERB", "AUX") and _child(c, "mark") is not None or c.dep_ == "ccomp")
                    and _subject_token(c) is not None):  # (the tagger may take "open" in "that the government open" for an adjective)
                toks.append(_subject_token(c))  # "called for the government to resign", "demanded that the government open talks"
            if c.pos_ in ("NOUN", "PROPN") and not acts_named(c):
                toks.append(c)
                toks.extend(p for of in c.children if of.dep_ == "prep" and of.lower_ == "of"
                            for p in of.children if p.dep_ == "pobj" and not acts_named(p))
    if noun is not None:  # "opened an investigation into allegations that former Prime Minister X received ..."
        toks.extend(p for k, v in _preps(noun).items() if k in TARGET_PREPS for p in v)
    about = []  # a person named by title in what is alleged is of one's own people unless a state is named with him
    for t in list(toks):  # "rejected opposition calls", "allegations that the president took kickbacks": whom it is about
        if t is not None and _lemma(t) in CONTENT_NOUNS:
            toks.extend(c for c in t.children if c.dep_ in ("compound", "amod") and not acts_named(c))
            about.extend(_subject_token(c) for c in t.children if c.dep_ in ("acl", "ccomp", "relcl")
                         and c.pos_ in ("VERB", "AUX") and _subject_token(c) is not None)
    about = [t for t in about if t.ent_type_ in ("", "PERSON") and not any(c.ent_type_ in ("GPE", "NORP") for c in t.subtree)]
    return bool(_head_lemmas([t for t in toks if t is not None and not acts_named(t)] + about) & people)


#: Nouns of what someone said or asked, whose that-clause or modifier names whom it is about ("allegations that the
#: president took kickbacks", "opposition calls for ...").
CONTENT_NOUNS = frozenset({"allegation", "claim", "report", "charge", "accusation", "suspicion", "call", "demand", "request",
                           "appeal", "complaint", "rumour", "rumor"})


# ---------------------------------------------------------------- modality, negation, hedges


def _aux_words(verb) -> list[str]:
    return [c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")]


ASPECTUAL = frozenset({"continue", "begin", "start", "keep", "resume", "go", "try", "attempt", "seek", "need"})


def intent_of(verb, lex: Lexicon) -> bool:
    """Announced, not done: "will support", "plans to send", "is willing to host", "will continue to collaborate"."""
    if verb.dep_ == "xcomp" and _lemma(verb.head) in ASPECTUAL and verb.head.i != verb.i:
        if intent_of(verb.head, lex):
            return True
    aux = _aux_words(verb)
    if any(a in lex.words("intent_aux") for a in aux) and "have" not in aux:
        return True
    if "to" in aux and verb.dep_ in ("xcomp", "acl", "advcl"):
        head = verb.head
        if _lemma(head) in lex.words("intent_verbs") or head.lower_ in lex.words("intent_adjectives"):
            return True
        if head.pos_ == "ADJ" and _lemma(head) in lex.words("intent_adjectives"):
            return True
        if head.dep_ == "acomp" and _lemma(head) in lex.words("intent_adjectives"):
            return True
    return False


def counterfactual(verb, lex: Lexicon) -> bool:
    """"would have signed", "if it is attacked", "whether to join", "expected Russia to support": no event."""
    if verb.dep_ == "xcomp" and _child(verb.head, "dobj") is not None and \
            _lemma(verb.head) in lex.words("intent_verbs") | {"want", "expect", "need", "like", "prefer"}:
        return True  # someone else's act that is only hoped for
    aux = _aux_words(verb)
    if any(a in ("would", "could", "might", "should") for a in aux) and "have" in aux:
        return True
    t = verb
    for _ in range(3):
        mark = _child(t, "mark")
        if mark is not None and mark.lower_ in lex.words("counterfactual"):
            return True
        if t.dep_ not in ("conj", "xcomp", "aux") or t.head.i == t.i:
            break
        t = t.head
    return False


def negated_clause(verb) -> bool:
    """A negation of the verb itself, or of the verb that governs its infinitive; "did not sign until
    2023" is not a negation (it says when)."""
    neg = any(c.dep_ == "neg" for c in verb.children)
    if not neg and verb.dep_ in ("xcomp",) and any(c.dep_ == "neg" for c in verb.head.children):
        neg = True
    if neg and any(c.lower_ in ("until", "till") for c in verb.children if c.dep_ in ("prep", "mark", "advcl")):
        return False
    if neg:
        for c in verb.children:
            if c.dep_ in ("advcl",) and _mark(c) in ("until", "till"):
                return False
    return neg


NOUN_NEGATORS = frozenset({"lack", "absence", "failure", "refusal", "denial"})


def negated_noun(noun) -> bool:
    """"no agreement", "without a deal", "the lack of evidence of an agreement": an event said not to be."""
    t = noun
    for _ in range(4):
        if any(c.lower_ in ("no",) and c.dep_ == "det" for c in t.children):
            return True
        h = t.head
        if t.dep_ != "pobj" or h.i == t.i:
            return False
        if h.lower_ == "without":
            return True
        if h.lower_ != "of":
            return False
        if _lemma(h.head) in NOUN_NEGATORS:
            return True
        t = h.head
    return False


def clause_tokens(verb) -> list:
    """The tokens of a verb's own clause: its subtree without the clauses nested in it."""
    out = []
    stack = [verb]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ in CLAUSE_DEPS and c.pos_ in ("VERB", "AUX"):
                continue
            if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and _subject_token(c) is not None:
                continue
            stack.append(c)
    return out


def hedged_clause(verb, lex: Lexicon) -> bool:
    """A hedge in the event's own clause: an adverb ("reportedly"), a modal (may, might, could), or a
    reporting verb of uncertainty that governs the clause ("reported that", "is alleged to")."""
    toks = clause_tokens(verb)
    if any(t.lower_ in lex.words("hedge_adverbs") for t in toks):
        return True
    if any(a in lex.words("hedge_modals") for a in _aux_words(verb)):
        return True
    t = verb
    for head in _governor_chain(verb):
        if t.dep_ not in ("ccomp", "xcomp", "conj", "acl", "relcl", "appos"):
            break
        if t.dep_ in ("acl", "relcl", "appos") and head.pos_ not in ("NOUN", "PROPN"):
            break
        if _lemma(head) in lex.words("hedge_verbs") or any(c.lower_ in lex.words("hedge_adverbs") for c in head.children):
            return True  # "reported that", "is alleged to", "reports that China sent"
        t = head
    for k, v in _preps(verb).items():
        if k == "according" or (k == "to" and verb.lower_ == "according"):
            if any(_lemma(o) in ("report", "rumor", "rumour") for o in v):
                return True
    return False


# ---------------------------------------------------------------- dates


def _date_owner(d: DateMention, doc, owners: set[int]) -> int:
    t = doc[d.root]
    for _ in range(12):
        if t.head.i == t.i:
            return t.i
        t = t.head
        if t.i in owners or t.pos_ in ("VERB", "AUX"):
            return t.i
    return t.i


def event_date(trig: Trigger, dates: list[DateMention], owner_of: list[int]) -> DateMention | None:
    """The date of an event: its own clause's, else its first conjunct's (for a verb without a subject
    of its own), else its governing verb's for an infinitive, else one inside its clause."""
    own = [d for d, o in zip(dates, owner_of) if o in (trig.word.i, trig.clause.i)]
    if own:
        return min(own, key=lambda d: (d.precision != "day", abs(d.root - trig.word.i)))
    c = trig.clause
    for _ in range(4):
        shares = c.dep_ in ("conj", "xcomp") or (c.dep_ == "advcl" and c.tag_ in ("VBG", "VBN") and _child(c, "mark") is None)
        if shares and _subject_token(c) is None and _child(c, "nsubjpass") is None and c.head.i != c.i:
            c = c.head
            own = [d for d, o in zip(dates, owner_of) if o == c.i]
            if own:
                return own[0]
        else:
            break
    inside = [d for d in dates if trig.clause.left_edge.i <= d.root <= trig.clause.right_edge.i]
    if inside and trig.kind != "noun":
        return min(inside, key=lambda d: abs(d.root - trig.word.i))
    return None


# ---------------------------------------------------------------- the sentence


@dataclass
class SentenceContext:
    """What a sentence's events may take from outside it."""

    prev_actors: list[dict] = field(default_factory=list)  # the subject of the sentence before (pronouns)
    inherited_date: DateMention | None = None  # the last date of the sentence before ("during the war")
    prev_event_actors: list[dict] = field(default_factory=list)  # who acted last in the sentence before (responses)


def _violent(trig: Trigger, lex: Lexicon) -> bool:
    verb = trig.clause
    military = lex.classes.get("military", frozenset())
    violent = lex.classes.get("violent", frozenset())
    mtarget = lex.classes.get("military_target", frozenset())
    subj = _subject_token(verb) or _agent(verb)
    if subj is not None and _head_lemmas([subj]) & military:
        return True
    if subj is not None and subj.dep_ == "nsubj" and _lemma(subj) in RELATIVE and _head_lemmas([verb.head]) & military:
        return True
    preps = _preps(verb)
    if _head_lemmas(preps.get("with", [])) & violent:
        return True
    if _head_lemmas(_objects(verb)) & (violent | mtarget):
        return True
    if verb.dep_ in ("conj", "xcomp", "advcl"):
        s = _subject_token(verb.head)
        if s is not None and _head_lemmas([s]) & military:
            return True
    return False


def _actor_out(a: dict) -> dict:
    return {"code": a.get("code"), "name": a["name"]}


def sentence_events(sent, acts: Actors, dates: list[DateMention], lex: Lexicon,
                    ctx: SentenceContext | None = None) -> tuple[list[dict], list[dict]]:
    """The events of one parsed sentence, and the actors of its main subject (for the next sentence).

    Each event is a dict with the fields of :class:`pipeline.model.Event` except the ids and
    offsets (``type``, ``mode``, ``context``, ``actors``, ``targets``, ``date``, ``negated``,
    ``hedged``, ``location``, ``trigger``, ``trigger_lemma``) and ``path``, the rules it came by.
    """
    ctx = ctx or SentenceContext()
    triggers = find_triggers(sent, lex)
    # complements: the governing verb is the event; what is inside its complement is not
    absorbed: set[int] = set()
    for t in triggers:
        if t.kind == "verb" and t.sense.complement:
            comp_tokens = set()
            for c in _complement(t.clause):
                comp_tokens.update(x.i for x in c.subtree)
                if c.pos_ not in ("VERB", "AUX"):  # "offered projects, which Tehran declined": a relative clause
                    for r in c.children:           # of the object is an act of its own
                        if r.dep_ == "relcl":
                            comp_tokens.difference_update(x.i for x in r.subtree)
            t.inner = [u for u in triggers if u is not t and u.clause.i in comp_tokens]
            absorbed.update(id(u) for u in t.inner)
    for t in triggers:  # "accused Beijing of supplying weapons": the act alleged is no event of its own
        if t.etype == "ACCUSE" and t.kind == "verb":
            alleged = {x.i for c in t.clause.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "over")
                       for p in c.children if p.dep_ == "pcomp" for x in p.subtree}
            inner = [u for u in triggers if u is not t and u.clause.i in alleged]
            t.inner.extend(inner)
            absorbed.update(id(u) for u in inner)
    triggers = [t for t in triggers if id(t) not in absorbed]
    doc = sent.doc
    owners = {t.word.i for t in triggers} | {t.clause.i for t in triggers}
    owner_of = [_date_owner(d, doc, owners) for d in dates]
    main_subject: list[dict] = []
    root = sent.root
    if _subject_token(root) is not None and not _is_pronoun(_subject_token(root)):
        main_subject = np_actors(_subject_token(root), acts, appos=True)
    events: list[dict] = []
    obligations = _obligations(sent, lex, set())
    ob_clauses = {o.clause.i for o in obligations}
    triggers = [t for t in triggers if t.clause.i not in ob_clauses]
    for t in triggers + obligations:
        ev = _read(t, acts, lex, ctx)
        if ev is None:
            continue
        d = event_date(t, dates, owner_of)
        if d is None and ctx.inherited_date is not None and _ANAPHOR.search(sent.text):
            d = DateMention(**{**ctx.inherited_date.__dict__})
            d.resolved_from = f"date of the preceding sentence: \"{ctx.inherited_date.raw}\""
        ev["date"] = d.record() if d else None
        if t.sense.target_previous and not ev["targets"]:
            # a response ("Iran responded with missiles") is aimed at whoever acted before it: the last
            # event of this sentence, else of the sentence before
            own = {a["code"] for a in ev["actors"]}
            before = [a for _k, e in events for a in e["actors"]][-1:] if events else ctx.prev_event_actors[-1:]
            prev = [_actor_out(a) for a in before if a.get("code") and a["code"] not in own]
            if prev:
                ev["targets"] = prev
                ev["rule"] = ev["rule"].rsplit("/", 1)[0] + "/previous"
        key = (ev["type"], tuple(a["code"] or a["name"] for a in ev["actors"]),
               tuple(a["code"] or a["name"] for a in ev["targets"]))
        if any(k == key for k, _e in events):
            continue
        events.append((key, ev))
        if ev["type"] == t.sense.type and not ev["negated"]:
            for extra in t.sense.also:  # "kidnapped two engineers": PLOVER codes an abduction as an assault and a coercion
                parts = ev["rule"].split("/")
                twin = dict(ev, type=extra, rule="/".join([parts[0], extra, *parts[2:]]))
                events.append(((extra, *key[1:]), twin))
    return _merge([e for _k, e in events]), main_subject


def _merge(events: list[dict]) -> list[dict]:
    """One act told twice in a sentence ("joined the conflict on June 22, striking Iranian facilities"):
    events of one type and the same actors, one's targets among the other's, become one, with the
    date and the targets of both."""
    out: list[dict] = []
    for ev in events:
        codes = sorted(a["code"] or a["name"] for a in ev["actors"])
        tcodes = {a["code"] or a["name"] for a in ev["targets"]}
        soft = ev["rule"].endswith("/domestic")
        for o in out:
            if o["type"] != ev["type"] or sorted(a["code"] or a["name"] for a in o["actors"]) != codes:
                continue
            ocodes = {a["code"] or a["name"] for a in o["targets"]}
            o_soft = o["rule"].endswith("/domestic")
            # a default domestic target ("..., killing 156 people") yields to a target the sentence names
            if tcodes <= ocodes or ocodes <= tcodes or (soft and ocodes) or (o_soft and tcodes):
                if (o_soft and not soft and tcodes) or (not (soft and ocodes) and len(ev["targets"]) > len(o["targets"])):
                    o["targets"] = ev["targets"]
                    o["rule"] = ev["rule"]
                o["date"] = o["date"] or ev["date"]
                o["negated"] = o["negated"] and ev["negated"]
                break
        else:
            out.append(ev)
    return out


def _obligations(sent, lex: Lexicon, taken: set[int]) -> list[Trigger]:
    """"X said Y must withdraw": X's REQUEST to Y (a demand stated as an obligation)."""
    out = []
    for tok in sent:
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ != "ccomp":
            continue
        if not any(a in lex.words("obligation_aux") for a in _aux_words(tok)):
            continue
        if _lemma(tok.head) not in lex.words("report"):
            continue
        sense = Sense(type="REQUEST")
        out.append(Trigger(tok, tok, sense, "obligation", "REQUEST", None, path=["obligation"]))
    return out


def _read(t: Trigger, acts: Actors, lex: Lexicon, ctx: SentenceContext) -> dict | None:
    """Actors, targets, type after modality, and flags of one trigger; None when it is no event."""
    verb, word, sense = t.clause, t.word, t.sense
    etype, mode = t.etype, t.mode
    path = list(t.path)
    negated = False
    if t.kind == "obligation":
        actors = _reporter_actors(verb, acts, lex)
        subj = _subject_token(verb)
        targets = np_actors(subj, acts) if subj is not None and not _is_pronoun(subj) else []
        codes = {a.get("code") for a in actors}
        if not [x for x in targets if x.get("code") not in codes]:
            return None  # "officials contend that Iran must ...": a view of one's own course, not a demand
        how = "reporter"
    elif t.kind == "noun":
        actors, targets, how = _noun_args(word, sense, acts)
        negated = negated_noun(word)
        if not [a for a in actors if a["type"] != "LOC"]:
            got = _participant_actors(word, acts, lex, ctx)
            if got:  # "negotiators return to Geneva for talks": who came for them
                actors, how = got, "participant"
    else:
        if counterfactual(verb, lex):
            return None
        if t.kind == "verb" and _inanimate_subject(verb, sense, lex):
            return None
        actors, how = subject_actors(verb, acts, lex, ctx.prev_actors)
        targets = _verb_targets(t, acts, lex)
        passive = _child(verb, "nsubjpass") is not None
        if passive and not actors and (lex.polarity(etype) == "cooperation" or etype == "MOBILIZE") and t.kind in ("verb", "light"):
            actors = np_actors(_child(verb, "nsubjpass"), acts)  # "Russia's S-400 batteries were not delivered"
            targets = [x for x in targets if x not in actors]
            how = "owner"
        if t.kind == "light":
            extra = _noun_args(word, sense, acts)[1]
            if etype == "REQUEST":  # "reiterated the need for Russia to fulfil ...": whom the demand is for
                asked = [o for k, v in _preps(word).items() if k == "for" for o in v]
                asked += [_subject_token(c) for c in word.children if c.dep_ in ("acl", "relcl", "advcl")
                          and _mark(c) == "for" and _subject_token(c) is not None]
                extra += [a for o in asked for a in np_actors(o, acts)]
            if word.dep_ == "compound":  # "a mediation effort between X and Y"
                extra += _noun_args(word.head, sense, acts)[1]
            targets = _dedupe(targets + extra)
        negated = negated_clause(verb)
        if negated and sense.negated:
            etype, negated = sense.negated, False
            path.append("negated-type")
        if intent_of(verb, lex) and etype not in ("AGREE", "THREATEN", "REQUEST", "ACCUSE", "REJECT"):
            pol = lex.polarity(etype)
            if negated and pol == "cooperation":
                etype, negated = "REJECT", False
            elif etype == "MOBILIZE" and not negated:
                pass  # "plans to call up reservists": a mobilisation under way is coded as one (PLOVER GSR: "prepared to resume shelling")
            else:
                etype = "AGREE" if pol == "cooperation" else "THREATEN"
            path.append("intent")
        if t.sense.complement_type is not None:
            if not any(u.etype in t.sense.complement_type for u in t.inner):
                return None
        if t.sense.complement and etype == "AGREE" and any(
                negated_clause(c) for c in _complement(verb) if c.pos_ in ("VERB", "AUX")):
            etype = "REJECT"  # "vowed not to return the Golan Heights": a promise not to is a refusal
            path.append("negated-complement")
    if (t.kind in ("verb", "light") and etype in PLACE_ACTOR_TYPES and not [a for a in actors if a["type"] != "LOC"]
            and _unnamed_agent(verb, lex)):
        got = place_actor(verb, acts, word if t.kind == "light" else None)
        if got:  # "a roadside bombing near Samarra killed ...", "was put under investigation in Italy"
            actors, how = got, "place"
            if t.kind == "light" and _child(verb, "nsubjpass") is not None:
                targets = _dedupe(targets + np_actors(_child(verb, "nsubjpass"), acts))
    if t.kind in ("verb", "light") and actors:
        actors, moved = _residence(actors, verb, targets, acts)
        if moved:
            how += "+residence"
        targets = _target_residence(targets, verb, actors, acts)
    tgt = "target" if targets else "none"
    # what the sense needs
    actors = [a for a in actors if a["type"] != "LOC"]
    own_codes = {a.get("code") for a in actors if a.get("code")}
    # one's own state is no target, but another actor of that state is (PLOVER codes domestic targets by their
    # state: "the Kurdistan Workers' Party demanded that the Turkish government ..." is TUR -> TUR) ...
    own_names = {a["name"] for a in actors}
    targets = [x for x in targets if not x.get("code") or x["code"] not in own_codes
               or (x["name"] not in own_names and x["type"] in DOMESTIC_TARGET_TYPES and not (x["type"] == "STATE" and any(
                   a["type"] == "STATE" and a.get("code") == x["code"] for a in actors)))]
    if any(x.get("code") and x["code"] not in own_codes for x in targets):
        # "Aliyev hailed the cooperation between Azerbaijan and Bosnia": beside a foreign target, one's own state is none
        targets = [x for x in targets if not (x.get("code") in own_codes and x["type"] == "STATE")]
    if t.kind != "obligation":
        if not targets and t.kind in ("verb", "light", "noun") and (sense.location_target or lex.types[etype].get("location_target")):
            if t.kind == "noun":  # "Israeli strikes in Gaza"; "the deployment of NATO troops has arrived in Bosnia"
                loc, _n = _location(word, acts)
                if not loc and word.dep_ in ("nsubj", "nsubjpass") and word.head.pos_ in ("VERB", "AUX"):
                    loc, _n = _location(word.head, acts)
            else:
                loc, _n = _location(verb, acts)
                if not loc and t.kind == "light":  # "carried out a series of strikes in Lebanon": the noun's place
                    loc, _n = _location(word, acts)
                texts = lex.classes.get("agreement", frozenset()) | lex.classes.get("proposal", frozenset())
                objs = _objects(verb) + [p for k, v in _preps(verb).items() if k == "in" for p in v]  # "engaged in fighting in X"
                for o in objs if not loc else ():  # "reimposed blockades in the West Bank": the object's place
                    if _lemma(o) not in texts:  # "signed an agreement in Algiers" names where, not whom
                        loc, _n = _location(o, acts)
                        if loc:
                            break
            # a violent act at home is aimed at one's own state ("Afghan rebels exploded bombs in Kabul": AFG -> AFG)
            targets = [x for x in loc if x not in actors or lex.polarity(etype) == "conflict"]
            if targets:
                tgt = "location"
        if (not [x for x in targets if x["type"] != "LOC"] and t.kind == "verb" and verb.tag_ == "VBG"
                and verb.dep_ in ("advcl", "conj") and verb.head.pos_ in ("VERB", "AUX")
                and (sense.location_target or lex.types[etype].get("location_target"))):
            # "troops pushed into Eritrea, capturing the town of Barentu": the participle's act is aimed where its clause went
            loc = [a for o in _preps(verb.head).get("into", []) + _preps(verb.head).get("in", [])
                   for a in np_actors(o, acts, appos=True) if a["type"] == "STATE" and a.get("code")
                   and a["code"] not in {x.get("code") for x in actors}]
            if loc:
                targets, tgt = _dedupe(loc), "location"
        if (not [x for x in targets if x["type"] != "LOC"] and (sense.domestic or etype in DOMESTIC_OBJECT_TYPES)
                and actors and t.kind in ("verb", "light")):
            # ... unless the act is aimed at its own people (CAMEO and PLOVER code a domestic target by its state)
            if (_people_object(verb, lex, persons_only=not sense.domestic, complement=sense.complement,
                               noun=word if t.kind == "light" else None) or etype == "PROTEST"
                    or (t.kind == "light" and sense.domestic)):
                state = next((a for a in actors if a.get("code") and a["type"] in ("STATE", "GROUP", "PERSON", "ORG")), None)
                if state is not None:
                    targets = [{"code": state["code"], "name": state["name"], "type": "STATE"}]
                    tgt = "domestic"
    if (not [x for x in targets if x["type"] != "LOC"] and actors and t.kind == "verb" and etype in OTHER_PARTY_TYPES
            and verb.dep_ == "relcl" and verb.head.dep_ == "dobj" and verb.head.head.pos_ in ("VERB", "AUX")):
        # "Moscow offered projects, which Tehran declined": an answer to an offer is aimed at whoever made it
        got = [x for x in subject_actors(verb.head.head, acts, lex, ctx.prev_actors)[0] if x.get("code") not in own_codes]
        if got:
            targets, tgt = got, "offerer"
    if (not [x for x in targets if x["type"] != "LOC"] and actors and t.kind in ("verb", "light")
            and etype in OTHER_PARTY_TYPES and _domestic_party(t, lex)):
        state = next((a for a in actors if a.get("code") and a["type"] in ("STATE", "GROUP", "PERSON", "ORG")), None)
        if state is not None:
            targets, tgt = [{"code": state["code"], "name": state["name"], "type": "STATE"}], "domestic-party"
    if not targets and t.kind in ("verb", "light") and lex.polarity(etype) == "cooperation":
        got = beneficiary(verb, acts)
        if got:
            targets, tgt = [x for x in got if x.get("code") not in own_codes], "beneficiary"
    if "target" in sense.needs and not targets:
        return None
    if "actor" in sense.needs and not actors:
        return None
    if "violence" in sense.needs and not _violent(t, lex):
        return None
    if "counterpart" in sense.needs and not targets and len({a.get("code") or a["name"] for a in actors}) < 2:
        return None  # "the Arab League, which met in Cairo": a body's own session, no one consulted
    if "violence_or_target" in sense.needs and not (targets or _violent(t, lex)):
        return None
    actors = [a for a in actors if a["type"] != "AGREEMENT"]
    if not actors:
        return None
    mention_ids = {id(a) for a in actors}
    targets = [x for x in targets if id(x) not in mention_ids]
    if etype not in ("RETREAT", "REJECT", "ACCUSE", "PROTEST", "SANCTION"):
        targets = [x for x in targets if x["type"] != "AGREEMENT"]  # an agreement is signed, not targeted
    targets = [x for x in targets if x["type"] != "LOC"]
    if t.kind in ("verb", "light") and verb.dep_ == "pcomp" and verb.head.lower_ in NOT_YET_PREPS:
        return None  # "demanded a truce before allowing aid convoys": not (yet) done
    if (t.kind == "verb" and how.startswith("shared") and not targets and verb.tag_ == "VBG"
            and verb.dep_ in PARTICIPLE_DEPS and _is_trigger(verb.head, lex)):
        return None  # "..., urging the counterpart to sign", "demonstrated, calling for ...": how the main act was done
        # (when the main verb is no event, "troops pushed into Eritrea, capturing the town", the participle is the act)
    _loc_actors, location = _location(verb if t.kind != "noun" else word, acts)
    if location and any(a["name"] == location for a in actors + targets):
        location = None
    hedged = hedged_clause(verb, lex) if t.kind != "noun" else any(
        x.lower_ in lex.words("hedge_adverbs") for x in word.subtree)
    trigger_text = word.text if t.kind != "light" else f"{verb.text} {word.text}"
    return {
        "type": etype, "mode": mode, "context": list(t.context),
        "actors": [_actor_out(a) for a in _dedupe(actors)], "targets": [_actor_out(a) for a in _dedupe(targets)],
        "negated": negated, "hedged": hedged, "location": location,
        "trigger": trigger_text, "trigger_lemma": _lookup(word, lex.verbs if t.kind in ("verb", "obligation") else lex.nouns)[0] or _lemma(word),
        "owners": (word.i, verb.i),
        "rule": f"{t.kind}/{etype}/{how}/{tgt if targets else 'none'}", "steps": path, "span": (verb.left_edge.idx if t.kind != "noun" else word.left_edge.idx,
                               (verb if t.kind != "noun" else word).right_edge.idx + len((verb if t.kind != "noun" else word).right_edge)),
    }


#: Verbs of a purpose clause whose object is the one a cooperative act is for ("sent missiles to help
#: replenish Iran's air defences", "willing to send material to help defend Saudi Arabia").
BENEFIT_VERBS = frozenset({"help", "assist", "aid", "support", "defend", "protect", "bolster", "strengthen",
                           "replenish", "rebuild", "reinforce", "shore", "stabilize", "stabilise", "secure", "arm", "equip"})


def beneficiary(verb, acts: Actors, depth: int = 0) -> list[dict]:
    """The actors a cooperative act is for, named in its purpose clause ("to help X", "to help defend X").

    Only verbs of helping count: other purpose clauses ("to counter the US", "to pressure Iran") name no
    target of the act itself, and "after ..." phrases are never read.
    """
    if depth > 2:
        return []
    out: list[dict] = []
    for c in verb.children:
        if c.dep_ not in ("advcl", "xcomp") or c.pos_ not in ("VERB", "AUX"):
            continue
        if depth == 0 and "to" not in _aux_words(c) and _child(c, "mark") is None:
            continue
        if _lemma(c) not in BENEFIT_VERBS:
            if c.dep_ == "xcomp":  # "pledged to donate 20 million yen to help the victims in Japan": the promised act's purpose
                out.extend(beneficiary(c, acts, depth + 1))
            continue
        for o in _children(c, "dobj", "dative"):
            out.extend(target_np(o, acts))
        if not out:
            out.extend(beneficiary(c, acts, depth + 1))
    return _dedupe(out)


#: Types whose unattributed acts PLOVER's gold standard codes to the state where they happen: violence, coercion,
#: protest and investigations by unnamed authorities or perpetrators ("a roadside bombing near the town of Samarra
#: killed one U.S. soldier" is IRQ -> USA; "a US national has been put under investigation in Italy" is ITA -> USA).
#: Place phrases that say where an act without a named doer happened: the location prepositions, and "through" for
#: a march or a convoy ("marched through the streets of Seoul").
PLACE_ACTOR_PREPS = LOCATION_PREPS | {"through"}
PLACE_ACTOR_TYPES = frozenset({"ASSAULT", "COERCE", "PROTEST", "ACCUSE", "MOBILIZE"})


def _unnamed_agent(verb, lex: Lexicon) -> bool:
    """Whether the doer of a verb is left unnamed: an agentless passive, or a subject (by-agent, or the noun of
    an active participle) that is a common noun with no actor of its own ("a bombing", "gunmen", "demonstrators")."""
    subj = _subject_token(verb) or _agent(verb)
    gov = verb
    for _ in range(3):  # "police used teargas to break up the rally": the shared subject of an infinitive or conjunct
        if subj is not None or _child(gov, "nsubjpass") is not None or gov.dep_ not in ("xcomp", "advcl", "conj"):
            break
        gov = gov.head
        subj = _subject_token(gov) or _agent(gov)
    if subj is None and verb.dep_ == "acl" and verb.tag_ == "VBG":
        subj = verb.head  # "demonstrators protesting election results"
    if subj is None:
        return _child(gov, "nsubjpass") is not None and not _stative_passive(gov)
    if _is_pronoun(subj) or subj.lower_ in RELATIVE or acts_named(subj):
        return False
    # a doer: people, forces or a weapon ("gunmen", "police", "a roadside bombing"), not a storm or an earthquake
    doers = lex.classes.get("people", frozenset()) | lex.classes.get("military", frozenset()) | lex.classes.get("explosive", frozenset())
    return subj.pos_ == "NOUN" and bool(_head_lemmas([subj]) & doers)


#: Participles that, passive in form, describe what their subject does: "Serb forces were engaged in ethnic cleansing".
STATIVE_PARTICIPLES = frozenset({"engage", "involve", "embroil", "locked", "lock", "mire", "bog"})


def _stative_passive(verb) -> bool:
    """A passive in form whose subject is the doer ("were engaged in fighting", "are involved in attacks")."""
    return _lemma(verb) in STATIVE_PARTICIPLES and "in" in _preps(verb)


def _places(tok, acts: Actors) -> list[dict]:
    """The states named by the place phrases of a token ("near the town of X", "outside of the Iraqi city of Basra")."""
    found: list[dict] = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in PLACE_ACTOR_PREPS:
            objs = [p for p in c.children if p.dep_ == "pobj"]
            objs += [p for of in c.children if of.dep_ == "prep" and of.lower_ == "of" for p in of.children if p.dep_ == "pobj"]
            for o in objs:
                found.extend(a for a in np_actors(o, acts, appos=True) if a["type"] == "STATE" and a.get("code"))
    return _dedupe(found)


def place_actor(verb, acts: Actors, noun=None) -> list[dict]:
    """The state where an act without a named doer happens: the place phrase of the verb, else of its subject or
    by-agent, else of its objects (CAMEO and PLOVER code an unattributed act by the state it happens in)."""
    toks = [verb] + ([noun] if noun is not None else [])  # a light verb's noun: "put under investigation in Italy"
    subj = _subject_token(verb) or _agent(verb)
    if subj is None and verb.dep_ == "acl":
        subj = verb.head
    if subj is not None:
        toks.append(subj)
    toks += _objects(verb)
    for tok in toks:
        got = _places(tok, acts)
        if got:
            return [dict(a, type="STATE") for a in got[:1]]
    for tok in _place_walk(verb, set(toks)):  # "were arrested by police during a march in the centre of Minsk"
        got = _places(tok, acts)
        if got:
            return [dict(a, type="STATE") for a in got[:1]]
    return []


#: How many dependency steps below the verb a place phrase may sit and still say where an act without a named
#: doer happened ("were killed after a shell landed on a crowd of people in Sagaing Region": six steps).
PLACE_WALK_DEPTH = 6
#: Dependents the walk goes through: phrases, their objects, and the clauses that describe them (a relative
#: clause "which was held in Santiago", a time clause "after a shell landed on a crowd in Sagaing Region").
PLACE_WALK_DEPS = frozenset({"prep", "pobj", "pcomp", "relcl", "acl", "advcl", "dobj", "nsubjpass", "agent", "npadvmod"})


def _place_walk(verb, seen: set) -> list:
    """The tokens below a verb, breadth first through its phrases and describing clauses (not its conjuncts,
    which are acts of their own), whose place phrases :func:`place_actor` reads when its own phrases name none."""
    out, frontier = [], [verb]
    for _ in range(PLACE_WALK_DEPTH):
        nxt = [c for t in frontier for c in t.children if c.dep_ in PLACE_WALK_DEPS]
        out.extend(t for t in nxt if t not in seen)
        frontier = nxt
    return out


#: Nouns whose to-infinitive is an act their owner carries out ("Saudi Arabia's decision to expel the envoy").
DECISION_NOUNS = frozenset({"decision", "move", "vote", "order"})


#: Prepositions of a gathering the subject of a verb takes part in: "returned to Geneva for talks", "spoke at a rally".
PARTICIPATION_PREPS = frozenset({"for", "at"})
#: Types of gatherings and exchanges one joins by coming to them.
PARTICIPATION_TYPES = frozenset({"CONSULT", "PROTEST"})


def _participant_actors(noun, acts: Actors, lex: Lexicon, ctx) -> list[dict]:
    """The actors of an event noun without its own: the subject of the verb whose for/at phrase it is, when
    that verb is no event of its own ("negotiators return to Geneva for talks" is their CONSULT)."""
    if noun.dep_ != "pobj" or noun.head.lower_ not in PARTICIPATION_PREPS:
        return []
    verb = noun.head.head
    sense = _noun_sense(noun, lex)
    if sense is None or sense.type not in PARTICIPATION_TYPES or verb.pos_ not in ("VERB", "AUX"):
        return []
    vs = _verb_sense(verb, lex)
    if vs is not None and vs.type != LIGHT:
        return []
    if _child(verb, "nsubjpass") is not None:
        return []
    got, _how = subject_actors(verb, acts, lex, ctx.prev_actors)
    return [a for a in got if a["type"] != "LOC"]


def _inanimate_subject(verb, sense: Sense, lex: Lexicon) -> bool:
    """An event noun or an abstraction as the subject: "the deal promises tariff cuts", "the collapse of the
    regime dealt a blow to X": the verb is figurative, its subject's modifiers are no actors."""
    subj = _subject_token(verb)
    if subj is not None and subj.lower_ in RELATIVE and verb.dep_ == "relcl":
        subj = verb.head
    gov = verb
    for _ in range(3):  # "a resolution that aims to tighten sanctions and impose a blockade": the shared subject
        if subj is not None or gov.dep_ not in ("xcomp", "conj") or gov.head.pos_ not in ("VERB", "AUX"):
            break
        gov = gov.head
        subj = _subject_token(gov)
        if subj is not None and subj.lower_ in RELATIVE and gov.dep_ == "relcl":
            subj = gov.head
    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or acts_named(subj):
        return False
    lemma = _lemma(subj)
    if sense.subject is not None and lemma in sense.subject:
        return False
    if sense.type == "ASSAULT" and _head_lemmas([subj]) & lex.classes.get("explosive", frozenset()):
        return False  # "a roadside bombing killed one soldier": the weapon is the agent, not a figure of speech
    # a text speaks through its authors, not as one ("the resolution aims to ...", "the plan calls for ...")
    texts = lex.classes.get("proposal", frozenset()) | lex.classes.get("agreement", frozenset())
    return lemma in lex.nouns or lemma in lex.classes.get("abstract", frozenset()) or lemma in texts


def acts_named(tok) -> bool:
    """Whether a token is part of a named entity (a proper name is an agent, whatever its head word)."""
    return bool(tok.ent_type_) and tok.ent_type_ not in ("DATE", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME")


def _verb_targets(t: Trigger, acts: Actors, lex: Lexicon) -> list[dict]:
    verb = t.clause
    passive = _child(verb, "nsubjpass") is not None and not _stative_passive(verb)
    targets: list[dict] = []
    if t.kind == "verb":
        objs = _children(verb, "dobj", "obj", "dative", "iobj")
        if passive:
            objs.append(_child(verb, "nsubjpass"))
        for o in objs:
            targets.extend(target_np(o, acts))
            for oc in o.conjuncts:
                targets.extend(target_np(oc, acts))
    else:
        for o in _children(verb, "dative", "iobj"):
            targets.extend(np_actors(o, acts))
    for k, v in _preps(verb).items():
        if k in TARGET_PREPS:  # a clause after the preposition ("warned X against sending troops to Y") is no target,
            # nor a venue ("met Y on the sidelines of the G20 meeting")
            targets.extend(_np_targets([o for o in v if o.pos_ not in ("VERB", "AUX") and _lemma(o) not in VENUE_NOUNS], acts))
    if not targets and t.etype == "AID":  # "approved a $3 billion loan for Nigeria": the recipient
        for o in _objects(verb) + [verb]:
            targets.extend(_np_targets([p for k, v in _preps(o).items() if k == "for" for p in v
                                        if p.pos_ in ("NOUN", "PROPN")], acts))
        for o in _objects(verb) if not targets else ():  # "assistance worth $7 million to Nepal": the sum's "to"
            for d in [c for c in o.children if c.dep_ in ("amod", "nummod", "npadvmod", "quantmod")]:
                targets.extend(_np_targets([p for k, v in _preps(d).items() if k == "to" for p in v
                                            if p.pos_ in ("NOUN", "PROPN")], acts))
        for c in verb.children:  # "a loan for Nigeria to expand its network" (a for-to clause)
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children):
                subj = _subject_token(c)
                if subj is not None and not _is_pronoun(subj):
                    targets.extend(np_actors(subj, acts))
    if not targets and t.kind == "verb" and t.etype == "THREATEN":
        targets = condition_targets(verb, acts)
    if not targets and t.kind == "verb" and t.sense.complement:
        targets = complement_targets(verb, acts)
        if t.inner and not targets:
            for u in t.inner:
                targets.extend(_verb_targets(u, acts, lex) if u.kind != "noun" else _noun_args(u.word, u.sense, acts)[1])
    return _dedupe(targets)


#: Nouns of the occasion of an act, whose phrase names no target ("on the sidelines of the G20 summit").
VENUE_NOUNS = frozenset({"sideline", "sidelines", "margin", "margins", "occasion", "eve", "framework", "auspices"})


def _core_actors(tok, acts: Actors) -> list[dict]:
    """The actors found in ``tok``'s core dependents (compounds, modifiers, appositions, breadth first, with
    their conjuncts), leaving out patronage phrases: the actors a noun phrase names around its head."""
    found: list[dict] = []
    stack = [c for c in tok.children if c.dep_ in CORE_DEPS and not _patron(c)]
    while stack:
        c = stack.pop(0)
        found.extend(acts.of(c))
        if not acts.of(c) and c.pos_ == "PROPN":  # "a Republic of Congo opposition party": a name's own "of" phrase
            stack.extend(p for of in c.children if of.dep_ == "prep" and of.lower_ == "of"
                         for p in of.children if p.dep_ == "pobj")
        stack.extend(cc for cc in c.children if (cc.dep_ in CORE_DEPS or (cc.dep_ == "conj" and c.dep_ in CORE_DEPS))
                     and not _patron(cc))
    return found


def _noun_args(noun, sense: Sense, acts: Actors) -> tuple[list[dict], list[dict], str]:
    """Actors and targets of an event noun from its own phrase."""
    actors: list[dict] = []
    targets: list[dict] = []
    own = [a for a in acts.of(noun) if a["type"] in ACTOR_TYPES]
    actors.extend(_core_actors(noun, acts))
    actors = [a for a in actors if a not in own]
    preps = _preps(noun)
    for o in preps.get("by", []):
        actors.extend(np_actors(o, acts))
    for o in preps.get("of", []):
        if sense.of == "actor":
            actors.extend(np_actors(o, acts))
        else:  # "a suspension of air links with Serbia": whom the suspended links are with
            targets.extend(target_np(o, acts))
    for k, v in preps.items():
        if k == "between" and sense.of == "actor" and not actors:
            actors.extend(_np_targets(v, acts))
        elif k in NOUN_TARGET_PREPS or (sense.location_target and k in LOCATION_PREPS):
            targets.extend(_np_targets(v, acts))  # "Gazprom's investment in Iran"
    for c in noun.children:  # "the sanctions imposed by Washington on Caracas": the participle's agent and targets
        if c.dep_ == "acl" and c.tag_ == "VBN":
            if _agent(c) is not None:
                actors.extend(np_actors(_agent(c), acts, appos=True))
            for k, v in _preps(c).items():
                if k in TARGET_PREPS:
                    targets.extend(_np_targets(v, acts))
    return _dedupe(actors), _dedupe(targets), "noun-phrase"
