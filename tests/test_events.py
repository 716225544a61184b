"""Events: PLOVER types, actors, targets, dates, quantities, flags; gold sentences written for these tests."""

from __future__ import annotations

import json

import pytest

from pipeline.citations import annotate_citations
from pipeline.entities import annotate_entities
from pipeline.events import QUAD, annotate_events, extract_quantities, find_dates
from pipeline.process import assemble, ingest
from pipeline.settings import get_settings

from .conftest import DATA

GOLD = [json.loads(line) for line in (DATA / "events_gold.jsonl").read_text().splitlines() if line.strip()]


def _process_text(tmp_path, text: str, name: str):
    path = tmp_path / f"{name}.txt"
    path.write_text(text + "\n")
    settings = get_settings()
    doc = assemble(ingest(path, settings), settings)
    for fn in (annotate_citations, annotate_entities, annotate_events):
        doc = fn(doc, settings)
    return doc


def _codes(items):
    return sorted(a.code for a in items)


def test_gold_sentences(tmp_path):
    full = typed = expected = spurious = 0
    for i, case in enumerate(GOLD):
        doc = _process_text(tmp_path, case["text"], f"g{i}")
        for want in case["events"]:
            expected += 1
            match = [e for e in doc.events if _codes(e.actors) == sorted(want["actors"])
                     and set(want["targets"]) <= set(_codes(e.targets))
                     and e.date and e.date.start == want["date"]]
            if match:
                full += 1
                if any(e.type == want["type"] for e in match):
                    typed += 1
                ev = next((e for e in match if e.type == want["type"]), match[0])
                if "quantity" in want:
                    assert any(q.value == want["quantity"] for q in ev.quantities), ev.quantities
                if want.get("negated"):
                    assert ev.negated
        spurious += max(0, len(doc.events) - len(case["events"]))
    assert full / expected >= 0.85, f"{full}/{expected} with actors, targets and date"
    assert typed / expected >= 0.75, f"{typed}/{expected} also with the type"
    assert spurious <= 0.25 * expected


@pytest.mark.parametrize(
    "text,year,expected",
    [
        ("from June 13-24, 2025, the war", None, ("2025-06-13", "2025-06-24", "day", None)),
        ("the strike on June 22 hit", 2025, ("2025-06-22", "2025-06-22", "day", "ctx")),
        ("In 2022, a shift occurred", None, ("2022", "2022", "year", None)),
        ("since 2015 the ties grew", None, ("2015", None, "year", None)),
        ("from March 2023 to January 2024", None, ("2023-03", "2024-01", "month", None)),
        ("on December 8, 2024, the regime fell", None, ("2024-12-08", "2024-12-08", "day", None)),
    ],
)
def test_find_dates(text, year, expected):
    d = find_dates(text, year, "ctx" if year else None)[0]
    assert (d["start"], d["end"], d["precision"], d["resolved_from"]) == expected


def test_partial_date_without_context_is_not_guessed():
    assert find_dates("signed it on April 21", None, None) == []


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("Gazprom's $40 billion investment", 40e9, "USD"),
        ("up to 55 billion cubic meters of gas per year", 55e9, "cubic meters of gas per year"),
        ("about 6,000 Shahed drones", 6000, "Shahed drones"),
        ("increased by 5.5% to $37.1 billion", 5.5, "percent"),
        ("reportedly 400 ballistic missiles", 400, "ballistic missiles"),
    ],
)
def test_quantities(text, value, unit):
    qs = extract_quantities(text)
    assert any(q["value"] == value and q["unit"] == unit for q in qs), qs


def test_reference_article_events(article_doc):
    events = article_doc.events
    assert len(events) >= 20
    for e in events:
        assert e.type in QUAD and e.quad_class == QUAD[e.type]
        assert article_doc.text[e.start:e.end] == e.evidence
        assert article_doc.passage(e.passage_id).kind == "body"

    def find(typ, actors, date=None):
        return [e for e in events if e.type == typ and _codes(e.actors) == sorted(actors)
                and (date is None or (e.date and e.date.start == date))]

    assert find("AGREE", ["IRN", "RUS"], "2025-01-17")           # treaty signed
    assert find("CONSULT", ["IRN"], "2025-01-17")                 # Pezeshkian's visit to Moscow
    assert find("COOPERATE", ["IRN"], "2023-07-04")               # joined the SCO
    guardian = find("AGREE", ["IRN"], "2025-06-11")
    assert guardian and "2025" in guardian[0].date.resolved_from
    putin = find("AGREE", ["RUS"], "2025-04-21")
    assert putin and putin[0].date.resolved_from
    us = find("ASSAULT", ["USA"], "2025-06-22")
    assert us and _codes(us[0].targets) == ["IRN"]
    aid = find("AID", ["IRN"])
    assert aid and {q.unit for q in aid[0].quantities} >= {"ballistic missiles", "Shahed drones"}
    assert aid[0].hedged  # "reportedly"
    s400 = [e for e in events if "S-400" in e.evidence and e.type == "AID"]
    assert s400 and s400[0].negated
    # a response is aimed at whoever acted before; a relative clause takes its antecedent as subject
    response = find("ASSAULT", ["IRN"])
    assert any(_codes(e.targets) == ["ISR"] for e in response)
    sanction = find("SANCTION", ["USA"])
    assert sanction and _codes(sanction[0].targets) == ["IRN"]
    assert find("AGREE", ["EAEU"], "2025-05")                  # the EEU free-trade deal of May 2025
    signed = find("AGREE", ["IRN", "RUS"], "2025-01-17")
    assert all(e.targets == [] for e in signed)                # the treaty is signed, not targeted


def test_extract_events_streams_in_order_with_line_errors():
    """The real command over stdin: one output line per good input line, in order, with ids and line
    numbers; a malformed line is one stderr line naming its number; the publication date anchors "last week"."""
    import subprocess
    import sys

    lines = [
        json.dumps({"id": "a", "text": "Russia deployed troops to Syria in September 2015."}),
        "{not json",
        json.dumps({"id": "c", "text": "Iran attacked Israel last week.", "date": "2025-06-20"}),
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": "The study tests whether sharing the task has an impact."}),
    ]
    proc = subprocess.run([sys.executable, "-m", "irpipe", "extract-events"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=600)
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [(o["id"], o["line"]) for o in out] == [("a", 1), ("c", 3), ("e", 5)]
    assert out[0]["events"][0]["type"] == "MOBILIZE" and out[0]["events"][0]["date"]["start"] == "2015-09"
    assert out[1]["events"][0]["date"]["start"] == "2025-06-09"
    assert out[2]["events"] == []
    errors = proc.stderr.strip().splitlines()
    assert errors[0].startswith("line 2:") and "[E301]" in errors[0]
    assert errors[1].startswith("line 4:") and "[E302]" in errors[1]
    assert "Traceback" not in proc.stderr and proc.returncode == 1


def test_lexicon_is_a_data_file_of_the_stage(tmp_path):
    """Editing the lexicon re-keys the events stage; a malformed entry is one clear error naming it."""
    from pipeline import registry
    from pipeline.events.lexicon import LEXICON_FILE, LexiconError, load_lexicon

    stage = next(s for s in registry.stages(get_settings()) if s.name == "events")
    assert any(getattr(r, "path", None) == LEXICON_FILE for r in stage.resources)
    bad = tmp_path / "lexicon.toml"
    bad.write_text(LEXICON_FILE.read_text(encoding="utf-8") + '\n[verb]\nzap = [{ type = "ZAPP" }]\n')
    with pytest.raises(LexiconError):
        load_lexicon(bad)
    bad.write_text('version = "x"\n[types]\nAID = {quad = "mc", polarity = "cooperation"}\n[verb]\nzap = [{ type = "ZAPP" }]\n')
    with pytest.raises(LexiconError, match=r"verb\.zap\[0\]: unknown type 'ZAPP'"):
        load_lexicon(bad)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("On 12 March 2024 the talks ended.", "2024-03-12"),
        ("The ceasefire of 12.03.2024 held.", "2024-03-12"),
        ("It was signed on June 31, 2025.", None),
        ("Russia deployed 2000 soldiers there.", None),
        ("Both sides aim to double trade by 2030.", None),
    ],
)
def test_dates_by_dateparser(text, expected):
    """Day kept, numeric day-first dates, impossible dates rejected, counts and deadlines are no dates."""
    got = [d["start"] for d in find_dates(text)]
    assert (got[0] if got else None) == expected, got


# Sentences written for this test after the CAMEO manual's verb classes (not PLOVER records): one per kind of
# error fixed in lexicon 2.1, with the type, actors and targets CAMEO/PLOVER coding gives them (None: no event).
KINDS = [
    ("Qatar brokered a ceasefire between Israel and Hamas.", ("CONSULT", ["QAT"], ["ISR", "PSE"])),
    ("Iraq complied with the United Nations resolutions on weapons inspections.", ("CONCEDE", ["IRQ"], ["UN"])),
    ("Germany summoned the Russian ambassador over the poisoning.", ("ACCUSE", ["DEU"], ["RUS"])),
    ("Japan protested to China over the incursion of its coast guard vessels.", ("ACCUSE", ["JPN"], ["CHN"])),
    ("Pakistan closed its border with Afghanistan.", ("SANCTION", ["PAK"], ["AFG"])),
    ("India amassed troops on the border with Pakistan.", ("MOBILIZE", ["IND"], ["PAK"])),
    # peacekeepers are aid (CAMEO 0743), a weapons test a show of force (CAMEO 15)
    ("The United Nations deployed peacekeepers in Cyprus.", ("AID", ["UN"], ["CYP"])),
    ("North Korea test-fired two ballistic missiles into the sea off Japan.", ("MOBILIZE", ["PRK"], [])),
    # a passive deployment keeps the owner of the forces as its actor
    ("The Indonesian army was deployed to Aceh to quell the rebellion.", ("MOBILIZE", ["IDN"], [])),
    # an ethnic group acts for the state it lives in
    ("Thousands of ethnic Albanians demonstrated in Serbia on Tuesday.", ("PROTEST", ["SRB"], ["SRB"])),
    # an unnamed domestic counterpart is the actor's own state; the place of a signing is no target
    ("The Mozambique government accepted demands from rebels.", ("CONCEDE", ["MOZ"], ["MOZ"])),
    ("Ethiopia and Eritrea signed a peace agreement in Algiers.", ("AGREE", ["ERI", "ETH"], [])),
    ("Cuba released 52 political prisoners.", ("RETREAT", ["CUB"], ["CUB"])),  # PLOVER 2021: release is RETREAT
    # the doers of what an act is about are its target
    ("Serbia launched an investigation into crimes committed by Croat forces.", ("ACCUSE", ["SRB"], ["HRV"])),
    ("Russian President Vladimir Putin held a telephone conversation with Turkish President Erdogan.", ("CONSULT", ["RUS"], ["TUR"])),
    ("Uzbekistan said it was pulling out of the Collective Security Treaty Organization.", ("RETREAT", ["UZB"], [])),
    ("The Lebanese army has been placed on high alert.", ("MOBILIZE", ["LBN"], [])),
    # a relative clause of an offered object is an act of its own, aimed at the one who offered
    ("Moscow offered air-defence projects, which Tehran declined.", ("REJECT", ["IRN"], ["RUS"])),
    # a light verb's measure noun is read through its "of" phrase, the event noun's place is its target
    ("Israel carried out a series of strikes in Lebanon.", ("ASSAULT", ["ISR"], ["LBN"])),
    # a meeting needs a counterpart: a body's own session is no consultation
    ("The Arab League met in Cairo on Sunday.", None),
    # a text is no actor; a conflict or an investment named as a topic is no event
    ("Hungary read the Security Council resolution that aims to tighten sanctions against Serbia.", None),
    ("The 12-day Iran-Israel war exposed the limitations of the partnership.", None),
    ("Hungary is the most attractive host country for German investments.", None),
]


@pytest.mark.parametrize("text,want", KINDS, ids=[k[0][:40] for k in KINDS])
def test_kinds_of_errors_fixed(text, want):
    from pipeline.events.text import events_for_text

    got = [(e.type, _codes(e.actors), _codes(e.targets)) for e in events_for_text(text)]
    if want is None:
        assert got == []
    else:
        assert (want[0], sorted(want[1]), sorted(want[2])) in got, got


# Issue 16, third round: sentences written for this test (not PLOVER records), one or two per kind of error found
# on the PLOVER gold standard records, coded as CAMEO/PLOVER would code them (None in the type: no such event).
KINDS_3 = [
    # an act without a named doer is coded to the state where it happens
    ("A car bomb near the Iraqi city of Mosul killed four Iraqi civilians.", ("ASSAULT", ["IRQ"], ["IRQ"])),
    ("Two French journalists were detained in Iran.", ("COERCE", ["IRN"], ["FRA"])),
    # a passive in form whose subject is the doer; the place of the event noun it is engaged in is the target
    ("Turkish troops were engaged in heavy fighting in Syria.", ("ASSAULT", ["TUR"], ["SYR"])),
    # an unnamed domestic object is the actor's own state; a people is coded by the state it lives in
    ("The Nigerian government accused opposition activists of plotting a coup.", ("ACCUSE", ["NGA"], ["NGA"])),
    ("Turkish forces killed two ethnic Armenians in Turkey.", ("ASSAULT", ["TUR"], ["TUR"])),
    # a place is no domestic target, but a city below the state names its state (places.json, issue 16 round 5)
    ("Russian forces shelled the city of Kharkiv overnight.", ("ASSAULT", ["RUS"], ["UKR"])),
    ("The Russians of eastern Ukraine demanded autonomy from Ukrainian authorities.", ("REQUEST", ["UKR"], ["UKR"])),
    # targets inside the object phrase: the "with" of a suspended link, the place of an imposed restriction
    ("Canada announced a suspension of trade with Venezuela.", ("SANCTION", ["CAN"], ["VEN"])),
    ("Israel reimposed a curfew in the West Bank.", ("COERCE", ["ISR"], ["PSE"])),
    # an event noun in a "for" phrase is the act of the verb's subject
    ("Iranian and French diplomats returned to Geneva for talks.", ("CONSULT", ["FRA", "IRN"], [])),
    # triggers of CAMEO verb classes that had none (16/17 reduce relations, sanctions; 17 seize; 07 aid)
    ("The EU froze Russia's central bank reserves.", ("SANCTION", ["EU"], ["RUS"])),
    ("The United States barred Russian officials from entering the country.", ("SANCTION", ["USA"], ["RUS"])),
    ("China raised tariffs on Australian wine.", ("SANCTION", ["CHN"], ["AUS"])),
    ("Britain hit Iran with new sanctions.", ("SANCTION", ["GBR"], ["IRN"])),
    ("Iranian forces intercepted a British tanker in the Gulf.", ("COERCE", ["IRN"], ["GBR"])),
    ("Pakistan handed over two suspects to India.", ("COOPERATE", ["PAK"], ["IND"])),
    ("Germany said it would send 5,000 helmets to Ukraine.", ("AGREE", ["DEU"], ["UKR"])),
    ("Thailand and Cambodia traded accusations.", ("ACCUSE", ["KHM", "THA"], [])),
    ("Protesters in Tehran burned the US flag.", ("PROTEST", ["IRN"], ["USA"])),
    ("Chinese coast guard vessels rammed a Philippine supply boat.", ("ASSAULT", ["CHN"], ["PHL"])),
    ("South Africa filed a lawsuit against Israel.", ("ACCUSE", ["ZAF"], ["ISR"])),
    # a strike launched by unions is a labour strike; breaking up a rally is dispersing it
    ("Nigeria's main unions launched an indefinite nationwide strike on Thursday.", ("PROTEST", ["NGA"], ["NGA"])),
    ("Kenyan police used teargas to break up the rally.", ("COERCE", ["KEN"], ["KEN"])),
    # the recipient of aid in a "for" phrase; a venue is no target; one's own state beside a foreign one is none
    ("Japan approved a loan for Kenya.", ("AID", ["JPN"], ["KEN"])),
    # a demand about unnamed people of one's own state is aimed at it; a name's own "of" phrase gives its actor
    ("A Republic of Congo opposition party has called for the release of political prisoners.", ("REQUEST", ["COG"], ["COG"])),
    ("The Nigerian government urged all workers not to strike.", ("REQUEST", ["NGA"], ["NGA"])),
    ("The Turkish foreign minister met his Chinese counterpart on the sidelines of the G20 meeting.", ("CONSULT", ["TUR"], ["CHN"])),
    ("President Ilham Aliyev hailed the cooperation between Azerbaijan and Georgia.", ("SUPPORT", ["AZE"], ["GEO"])),
    # the act warned against is no event and names no target of the warning
    ("Russian President Vladimir Putin warned NATO against sending troops to Ukraine.", ("THREATEN", ["RUS"], ["NATO"])),
    ("Egypt and Qatar resumed diplomatic relations.", ("SUPPORT", ["EGY", "QAT"], [])),
    # "on strike" is a labour strike, not an air strike
    ("Thousands of Greek workers went on strike on Tuesday.", ("PROTEST", ["GRC"], ["GRC"])),
    # an event noun's participle gives its actor and target; a decision's owner carries out what it decides
    ("The sanctions imposed by Washington on Caracas have hurt the oil industry.", ("SANCTION", ["USA"], ["VEN"])),
    ("Saudi Arabia's decision to expel the Canadian ambassador angered Ottawa.", ("SANCTION", ["SAU"], ["CAN"])),
]
def test_quantity_belongs_to_its_clause():
    """A quantity of another clause is not the event's ("the US, which sent $2 billion in aid, imposed sanctions")."""
    from pipeline.events.text import events_for_text

    got = {e.type: [q.raw for q in e.quantities] for e in events_for_text(
        "The United States, which sent $2 billion in aid to Ukraine last year, imposed new sanctions on Russia on Friday.")}
    assert got.get("AID") == ["$2 billion"] and got.get("SANCTION") == [], got
    got = {e.type: [q.raw for q in e.quantities] for e in events_for_text(
        "Trade between the two countries grew by 60 percent in 2023, and Russia delivered 20 tanks to Syria.")}
    assert got.get("AID") == ["20 tanks"], got
    got = {e.type: [q.raw for q in e.quantities] for e in events_for_text("Russia threatened to fire 20 missiles at Kyiv.")}
    assert got.get("THREATEN") == ["20 missiles"], got  # an infinitive belongs to the clause above


#: Events that must not come out: a compound of a light verb's object names no act ("truce monitors").
NOT_3 = [
    ("The Serbian army shot down a helicopter carrying EU truce monitors.", "RETREAT"),
    ("Thousands of Greek workers went on strike on Tuesday.", "ASSAULT"),
    # the act an accusation alleges is no event of its own; a shelled city is no domestic target
    ("Washington accused Beijing of supplying weapons to Russia.", "AID"),
    ("Russian President Vladimir Putin warned NATO against sending troops to Ukraine.", "MOBILIZE"),
    # an earthquake is no doer: no attack is coded to the state where it struck
    ("An earthquake measuring 5.8 has struck off California.", "ASSAULT"),
    ("Syria says it will not accept any more refugees.", None),  # no domestic target for a refusal
    ("The Greek opposition leader demanded early elections.", None),  # elections are no people
]


@pytest.mark.parametrize("text,want", KINDS_3, ids=[k[0][:40] for k in KINDS_3])
def test_kinds_of_errors_fixed_round3(text, want):
    from pipeline.events.text import events_for_text

    got = [(e.type, _codes(e.actors), _codes(e.targets)) for e in events_for_text(text)]
    assert (want[0], sorted(want[1]), sorted(want[2])) in got, got


@pytest.mark.parametrize("text,etype", NOT_3, ids=[k[0][:40] for k in NOT_3])
def test_kinds_not_coded_round3(text, etype):
    from pipeline.events.text import events_for_text

    got = events_for_text(text)
    if etype is not None:
        assert etype not in {e.type for e in got}, got
    else:
        assert all(not e.targets for e in got), got


def test_no_event_set_yields_few_events():
    """The issue's figure on the hard no-event sentences (a state named, most beside an event word): at most 1 in 10."""
    from pipeline.events.text import events_for_text

    rows = [json.loads(x) for x in (DATA.parent.parent / "eval" / "data" / "no_event_sentences.jsonl").read_text().splitlines() if x.strip()]
    assert len(rows) >= 60
    fired = [r["id"] for r in rows if events_for_text(r["text"])]
    assert len(fired) <= 0.1 * len(rows), fired


# Issue 16, fifth round: sentences written for this test (not PLOVER or external records), one or more per kind of
# error counted on the external development half, coded as CAMEO/PLOVER would code them.
KINDS_5 = [
    # (1) places below the state and regional demonyms name their state (pipeline/resources/places.json)
    ("Russian drones struck an apartment block in Odesa on Monday.", ("ASSAULT", ["RUS"], ["UKR"])),
    ("Gunmen killed three policemen in Peshawar.", ("ASSAULT", ["PAK"], ["PAK"])),
    ("Tigrayan forces withdrew from the town of Alamata.", ("RETREAT", ["ETH"], [])),
    ("Syrian troops gunned down four protesters in Homs.", ("ASSAULT", ["SYR"], ["SYR"])),
    # (3) an act without a named doer takes the state of a place phrase further down its clause
    ("Police arrested dozens of activists during a march in the centre of Bulawayo.", ("COERCE", ["ZWE"], ["ZWE"])),
    ("Three villagers were killed when a mortar round landed on a market near Kidal.", ("ASSAULT", ["MLI"], ["MLI"])),
    # (2) CAMEO verb classes and PLOVER nouns the lexicon lacked, with their particles
    ("Japan and Vietnam clinched a trade deal on Friday.", ("AGREE", ["JPN", "VNM"], [])),
    ("Hungary ruled out sending weapons to Ukraine.", ("REJECT", ["HUN"], ["UKR"])),
    ("Armenia called up thousands of reservists.", ("MOBILIZE", ["ARM"], [])),
    ("North Korea moved tanks towards its border with South Korea.", ("MOBILIZE", ["PRK"], ["KOR"])),
    ("The Venezuelan president lashed out at Colombia over the border closure.", ("ACCUSE", ["VEN"], ["COL"])),
    ("The Sudanese army and the rebels fought a fierce firefight near Kassala.", ("ASSAULT", ["SDN"], ["SDN"])),
    ("The World Bank approved $500 million in financing for Kenya.", ("AID", ["WB"], ["KEN"])),
    ("Canada sent aid worth $20 million to Haiti after the earthquake.", ("AID", ["CAN"], ["HTI"])),
    # light verbs read through their object
    ("The Peruvian prime minister submitted his resignation on Friday.", ("RETREAT", ["PER"], [])),
    ("Kenya and Tanzania wrapped up two days of talks in Arusha.", ("CONSULT", ["KEN", "TZA"], [])),
]

#: Sentences with the new words in senses that report no event (type None: no event at all).
NOT_5 = [
    ("The clash of civilisations shaped American foreign policy debates.", None),
    ("The march of globalisation reached Brazil in the 1990s.", None),
    ("Ukraine moved to the next stage of its reform programme.", None),
    ("The army moved into politics after the coup.", None),
    ("Russia built up its economy after 2000.", None),
    ("Hungary ruled out sending weapons to Ukraine.", "AID"),  # the act ruled out is no event of its own
]


@pytest.mark.parametrize("text,want", KINDS_5, ids=[k[0][:40] for k in KINDS_5])
def test_kinds_of_errors_fixed_round5(text, want):
    from pipeline.events.text import events_for_text

    got = [(e.type, _codes(e.actors), _codes(e.targets)) for e in events_for_text(text)]
    assert (want[0], sorted(want[1]), sorted(want[2])) in got, got


@pytest.mark.parametrize("text,etype", NOT_5, ids=[k[0][:40] for k in NOT_5])
def test_kinds_not_coded_round5(text, etype):
    from pipeline.events.text import events_for_text

    got = events_for_text(text)
    if etype is None:
        assert got == [], got
    else:
        assert etype not in {e.type for e in got}, got
