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


# Issue 16, sixth round: sentences written for this test after the CAMEO 1.1b3 event codes (one or two per code of the
# 20 root codes; in the 1990s wire style of the PLOVER gold standard records, never the manual's own examples), coded
# with PLOVER's mapping of CAMEO as the gold standard records use it (02 and 10 REQUEST, 03 AGREE, 04 CONSULT, 05 SUPPORT
# or AGREE, 06 COOPERATE, 07 AID, 08 CONCEDE or RETREAT, 09 and 11 ACCUSE, 12 REJECT, 13 THREATEN, 14 PROTEST, 15
# MOBILIZE, 16 SANCTION, 17 COERCE, 18-20 ASSAULT). A pair of actors with no target is a joint record (co-actors);
# IGO and NGO stand for any actor that is not a state. (code, sentence, type, actors, targets). Each block was written
# before the rules were changed for it and scored first (EVALUATION.md, events notes), then its misses fixed by kind.
CAMEO_CODES = [
    ('020', 'Jordan appealed to Syria on Monday to help end the crisis in Lebanon.', 'REQUEST', ['JOR'], ['SYR']),
    ('021', 'Zambia appealed to Western donors for help in rebuilding its railway.', 'REQUEST', ['ZMB'], []),
    ('0211', 'Bulgaria asked the European Community for emergency economic assistance.', 'REQUEST', ['BGR'], ['IGO']),
    ('0212', 'Kuwait asked Washington to station more warplanes in the Gulf.', 'REQUEST', ['KWT'], ['USA']),
    ('022', 'Poland urged Germany to share intelligence on arms smuggling.', 'REQUEST', ['POL'], ['DEU']),
    ('023', 'Sudan appealed for international food aid for millions facing famine.', 'REQUEST', ['SDN'], []),
    ('0231', 'Armenia requested economic aid from Russia on Thursday.', 'REQUEST', ['ARM'], ['RUS']),
    ('0233', 'Rwanda appealed to the United Nations for humanitarian assistance for refugees.', 'REQUEST', ['RWA'], ['IGO']),
    ('0234', 'Kuwait asked the United States for military protection.', 'REQUEST', ['KWT'], ['USA']),
    ('024', 'The United States called on Burma to release political prisoners.', 'REQUEST', ['USA'], ['MMR']),
    ('0241', 'Britain urged Kenya to allow opposition parties to register.', 'REQUEST', ['GBR'], ['KEN']),
    ('025', 'France urged Iraq to ease its restrictions on foreign journalists.', 'REQUEST', ['FRA'], ['IRQ']),
    ('026', 'Egypt called on Israel to return to the negotiating table.', 'REQUEST', ['EGY'], ['ISR']),
    ('027', 'Pakistan urged India to settle the Kashmir dispute through negotiations.', 'REQUEST', ['PAK'], ['IND']),
    ('028', 'Chad asked France to mediate in its border dispute with Libya.', 'REQUEST', ['TCD'], ['FRA']),
    ('030', 'Greece said it would cooperate with Albania in fighting organised crime.', 'AGREE', ['GRC'], ['ALB']),
    ('031', 'Japan pledged to expand trade with Vietnam.', 'AGREE', ['JPN'], ['VNM']),
    ('032', 'Turkey promised to provide military training to Azerbaijan.', 'AGREE', ['TUR'], ['AZE']),
    ('033', 'Norway pledged $10 million in aid to Mozambique.', 'AGREE', ['NOR'], ['MOZ']),
    ('034', 'Tunisia promised to hold free elections next year.', 'AGREE', ['TUN'], []),
    ('035', 'Israel offered to withdraw its troops from southern Lebanon.', 'AGREE', ['ISR'], ['LBN']),
    ('036', 'Syria said it was ready to meet Israel at the negotiating table.', 'AGREE', ['SYR'], ['ISR']),
    ('037', 'Kenya offered to mediate between the warring factions in Somalia.', 'AGREE', ['KEN'], ['SOM']),
    ('038', 'Iraq agreed to allow United Nations weapons inspectors to return.', 'AGREE', ['IRQ'], ['IGO']),
    ('039', 'Rebels in Angola said they would accept international mediation.', 'AGREE', ['AGO'], []),
    ('040', 'Chinese and Russian officials held consultations in Beijing on Friday.', 'CONSULT', ['CHN', 'RUS'], []),
    ('041', 'President Clinton telephoned Russian President Boris Yeltsin on Saturday.', 'CONSULT', ['USA'], ['RUS']),
    ('042', 'The Egyptian foreign minister flew to Damascus for talks with Syrian leaders.', 'CONSULT', ['EGY'], ['SYR']),
    ('043', 'Jordan hosted a visit by the Turkish prime minister on Monday.', 'CONSULT', ['JOR'], ['TUR']),
    ('044', 'The Chinese and Japanese foreign ministers met in Tokyo on Thursday.', 'CONSULT', ['CHN', 'JPN'], []),
    ('045', 'Norway mediated talks between the Sri Lankan government and Tamil rebels.', 'CONSULT', ['NOR'], ['LKA']),
    ('046', 'Negotiators from North Korea and South Korea held talks at the border village of Panmunjom.', 'CONSULT', ['PRK', 'KOR'], []),
    ('051', "Germany praised Poland's economic reforms.", 'SUPPORT', ['DEU'], ['POL']),
    ('052', 'China defended Pakistan against criticism of its nuclear programme.', 'SUPPORT', ['CHN'], ['PAK']),
    ('053', 'Iran rallied support for the Palestinians at the Islamic summit.', 'SUPPORT', ['IRN'], ['PSE']),
    ('054', 'Israel and Jordan established full diplomatic relations on Thursday.', 'SUPPORT', ['ISR', 'JOR'], []),
    ('055', 'Japan apologised to South Korea for its colonial rule.', 'SUPPORT', ['JPN'], ['KOR']),
    ('056', 'Vietnam said it had forgiven the United States for the war.', 'SUPPORT', ['VNM'], ['USA']),
    ('057', 'Israel and the Palestine Liberation Organisation signed a peace accord in Washington.', 'AGREE', ['ISR', 'PSE'], []),
    ('061', 'Brazil and Argentina launched a joint venture to build a hydroelectric dam.', 'COOPERATE', ['BRA', 'ARG'], []),
    ('062', 'American and Egyptian troops held joint military exercises in the desert.', 'COOPERATE', ['USA', 'EGY'], []),
    ('063', 'Colombia extradited a drug trafficker to the United States.', 'COOPERATE', ['COL'], ['USA']),
    ('064', 'Britain shared intelligence on the bombing with Irish police.', 'COOPERATE', ['GBR'], ['IRL']),
    ('070', 'Saudi Arabia sent aid to earthquake victims in Iran.', 'AID', ['SAU'], ['IRN']),
    ('071', 'Japan granted Indonesia a loan of $500 million.', 'AID', ['JPN'], ['IDN']),
    ('072', 'The United States supplied weapons to the Afghan rebels.', 'AID', ['USA'], ['AFG']),
    ('073', 'The Red Cross delivered food and medicine to refugees in Goma.', 'AID', ['NGO'], ['COD']),
    ('074', 'The United Nations sent peacekeepers to Angola.', 'AID', ['IGO'], ['AGO']),
    ('075', 'Sweden granted asylum to a Kurdish leader from Turkey.', 'AID', ['SWE'], ['TUR']),
    ('0811', 'Kenya lifted a ban on opposition rallies.', 'CONCEDE', ['KEN'], ['KEN']),
    ('0812', 'Algeria legalised several opposition parties on Monday.', 'CONCEDE', ['DZA'], ['DZA']),
    ('0813', 'Israel lifted the curfew on Hebron after three days.', 'CONCEDE', ['ISR'], ['PSE']),
    ('0814', 'Peru lifted the state of emergency in Lima.', 'CONCEDE', ['PER'], ['PER']),
    ('082', "Nigeria's military rulers eased restrictions on the press.", 'CONCEDE', ['NGA'], ['NGA']),
    ('083', 'Iraq gave in to demands by United Nations inspectors for access to the sites.', 'CONCEDE', ['IRQ'], ['IGO']),
    ('084', 'Iraq freed 20 Kuwaiti prisoners on Sunday.', 'RETREAT', ['IRQ'], ['KWT']),
    ('0842', 'Libya returned the seized oil tanker to Malta.', 'RETREAT', ['LBY'], ['MLT']),
    ('085', 'The European Union lifted its sanctions against South Africa.', 'CONCEDE', ['IGO'], ['ZAF']),
    ('086', 'Indonesia allowed foreign observers into East Timor.', 'CONCEDE', ['IDN'], []),
    ('0871', 'Tamil rebels declared a ceasefire on Sunday.', 'RETREAT', ['LKA'], []),
    ('0872', 'Israel eased its blockade of the Gaza Strip.', 'RETREAT', ['ISR'], ['PSE']),
    ('0873', 'Rebels in Mozambique began demobilising their fighters.', 'RETREAT', ['MOZ'], []),
    ('0874', 'Iraqi troops withdrew from Kuwait.', 'RETREAT', ['IRQ'], ['KWT']),
    ('091', 'Italian prosecutors opened an investigation into corruption at the defence ministry.', 'ACCUSE', ['ITA'], ['ITA']),
    ('092', 'Amnesty International investigated reports of torture in Turkish prisons.', 'ACCUSE', ['NGO'], ['TUR']),
    ('093', 'The United Nations launched an inquiry into the shooting down of the plane over Sudan.', 'ACCUSE', ['IGO'], []),
    ('094', 'The war crimes tribunal investigated massacres by Serb forces in Bosnia.', 'ACCUSE', ['IGO'], ['SRB']),
    ('100', 'Iran demanded that Iraq return its prisoners of war.', 'REQUEST', ['IRN'], ['IRQ']),
    ('101', 'Ukraine demanded economic aid from Russia.', 'REQUEST', ['UKR'], ['RUS']),
    ('104', 'Opposition leaders demanded that President Moi allow multiparty elections.', 'REQUEST', ['KEN'], ['KEN']),
    ('105', 'Britain demanded that Argentina lift its trade restrictions on the Falklands.', 'REQUEST', ['GBR'], ['ARG']),
    ('106', 'Washington demanded that Iraq withdraw its troops from Kuwait.', 'REQUEST', ['USA'], ['IRQ']),
    ('108', "Greece demanded a change in Macedonia's name.", 'REQUEST', ['GRC'], ['MKD']),
    ('111', 'China condemned the United States over its arms sales to Taiwan.', 'ACCUSE', ['CHN'], ['USA']),
    ('112', 'Iraq accused Kuwait of stealing its oil.', 'ACCUSE', ['IRQ'], ['KWT']),
    ('1121', 'Russia accused Georgian officials of corruption.', 'ACCUSE', ['RUS'], ['GEO']),
    ('1122', 'Human Rights Watch accused the Indonesian army of abuses in Aceh.', 'ACCUSE', ['NGO'], ['IDN']),
    ('1123', 'Azerbaijan accused Armenia of launching a new offensive.', 'ACCUSE', ['AZE'], ['ARM']),
    ('1125', 'Russia accused the American diplomat of spying.', 'ACCUSE', ['RUS'], ['USA']),
    ('113', "Arab states rallied opposition to Israel's plans at the United Nations.", 'ACCUSE', ['IGO'], ['ISR']),
    ('114', 'Japan lodged an official complaint with China over the incident.', 'ACCUSE', ['JPN'], ['CHN']),
    ('115', 'Nicaragua sued the United States at the World Court.', 'ACCUSE', ['NIC'], ['USA']),
    ('116', 'A Rwandan court convicted four former officers of genocide.', 'ACCUSE', ['RWA'], ['RWA']),
    ('120', 'Syria rejected the Israeli proposal on Sunday.', 'REJECT', ['SYR'], ['ISR']),
    ('121', 'Hungary refused to sign the trade accord with Slovakia.', 'REJECT', ['HUN'], ['SVK']),
    ('122', 'Burma refused foreign aid for the cyclone victims.', 'REJECT', ['MMR'], []),
    ('123', 'The Chinese government rejected calls for political reform.', 'REJECT', ['CHN'], ['CHN']),
    ('124', 'Iraq refused to comply with the United Nations resolutions.', 'REJECT', ['IRQ'], ['IGO']),
    ('125', 'North Korea turned down an invitation to talks with South Korea.', 'REJECT', ['PRK'], ['KOR']),
    ('126', 'Ethiopia rejected Italian mediation in its border dispute with Eritrea.', 'REJECT', ['ETH'], ['ITA']),
    ('127', 'The Bosnian Serbs rejected the international peace plan.', 'REJECT', ['BIH'], []),
    ('128', 'Iraq defied the United Nations ban on flights in the southern zone.', 'REJECT', ['IRQ'], ['IGO']),
    ('129', 'China vetoed a Security Council resolution on Guatemala.', 'REJECT', ['CHN'], ['IGO']),
    ('130', 'Iran threatened Iraq with retaliation on Tuesday.', 'THREATEN', ['IRN'], ['IRQ']),
    ('131', 'The United States threatened to cut off aid to Pakistan.', 'THREATEN', ['USA'], ['PAK']),
    ('132', 'Washington threatened sanctions against China over its trade practices.', 'THREATEN', ['USA'], ['CHN']),
    ('133', 'The Serbian government threatened to ban opposition protests.', 'THREATEN', ['SRB'], ['SRB']),
    ('134', 'The Palestinians threatened to break off peace talks with Israel.', 'THREATEN', ['PSE'], ['ISR']),
    ('136', 'Iraq threatened to expel United Nations inspectors.', 'THREATEN', ['IRQ'], ['IGO']),
    ('137', 'The army threatened to crush the protests in Rangoon.', 'THREATEN', ['MMR'], ['MMR']),
    ('138', 'North Korea threatened to attack South Korea.', 'THREATEN', ['PRK'], ['KOR']),
    ('1382', 'Turkey threatened to occupy northern Iraq.', 'THREATEN', ['TUR'], ['IRQ']),
    ('139', 'NATO gave the Bosnian Serbs an ultimatum to withdraw their heavy weapons from Sarajevo.', 'THREATEN', ['IGO'], ['BIH']),
    ('141', 'Thousands of students demonstrated in Seoul against the government.', 'PROTEST', ['KOR'], ['KOR']),
    ('142', 'Kurdish prisoners in Turkey went on hunger strike.', 'PROTEST', ['TUR'], ['TUR']),
    ('143', 'Polish miners went on strike on Monday.', 'PROTEST', ['POL'], ['POL']),
    ('144', 'Farmers blocked roads in France to protest against cheap imports.', 'PROTEST', ['FRA'], ['FRA']),
    ('145', 'Rioters set fire to shops in Jakarta.', 'PROTEST', ['IDN'], ['IDN']),
    ('151', 'Egyptian police were put on alert in Cairo ahead of the trial.', 'MOBILIZE', ['EGY'], []),
    ('152', 'Greece put its armed forces on alert after the incident.', 'MOBILIZE', ['GRC'], []),
    ('154', 'Turkey massed troops on its border with Syria.', 'MOBILIZE', ['TUR'], ['SYR']),
    ('154b', 'Iraq mobilised its reserves on Friday.', 'MOBILIZE', ['IRQ'], []),
    ('161', 'Iran broke off diplomatic relations with Britain.', 'SANCTION', ['IRN'], ['GBR']),
    ('162', 'The United States suspended military aid to Guatemala.', 'SANCTION', ['USA'], ['GTM']),
    ('163', 'The United Nations imposed an arms embargo on Liberia.', 'SANCTION', ['IGO'], ['LBR']),
    ('164', 'Israel broke off negotiations with Syria.', 'SANCTION', ['ISR'], ['SYR']),
    ('166', 'Russia expelled five American diplomats.', 'SANCTION', ['RUS'], ['USA']),
    ('1661', 'Croatia ordered the United Nations peacekeepers to leave.', 'SANCTION', ['HRV'], ['IGO']),
    ('1663', 'Sudan expelled foreign aid agencies from the south.', 'SANCTION', ['SDN'], []),
    ('171', 'Kuwaiti authorities seized an Iraqi fishing boat.', 'COERCE', ['KWT'], ['IRQ']),
    ('1712', 'Israeli troops demolished the homes of two Palestinians in the West Bank.', 'COERCE', ['ISR'], ['PSE']),
    ('1721', 'The army imposed a curfew in Dhaka.', 'COERCE', ['BGD'], ['BGD']),
    ('1722', 'Egypt banned all public demonstrations.', 'COERCE', ['EGY'], ['EGY']),
    ('1723', 'Algeria declared martial law on Thursday.', 'COERCE', ['DZA'], ['DZA']),
    ('1724', 'Sri Lanka declared a state of emergency.', 'COERCE', ['LKA'], ['LKA']),
    ('173', 'Chinese police arrested dozens of dissidents in Beijing.', 'COERCE', ['CHN'], ['CHN']),
    ('174', 'Germany deported hundreds of Romanian asylum seekers.', 'COERCE', ['DEU'], ['ROU']),
    ('175', 'Police in Nairobi beat demonstrators with clubs.', 'COERCE', ['KEN'], ['KEN']),
    ('181', 'Gunmen kidnapped two German engineers in Yemen.', 'COERCE', ['YEM'], ['DEU']),
    ('1822', 'Turkish police tortured Kurdish detainees, the report said.', 'ASSAULT', ['TUR'], ['TUR']),
    ('183', 'A bomb exploded in a market in Algiers, killing 12 people.', 'ASSAULT', ['DZA'], ['DZA']),
    ('1831', 'A suicide bomber blew himself up on a bus in Jerusalem.', 'ASSAULT', ['ISR'], ['ISR']),
    ('1832', 'A car bomb exploded outside the Israeli embassy in Buenos Aires.', 'ASSAULT', ['ARG'], ['ISR']),
    ('185', 'Gunmen tried to assassinate the Egyptian president in Addis Ababa.', 'ASSAULT', ['ETH'], ['EGY']),
    ('186', 'Gunmen assassinated the Rwandan interior minister.', 'ASSAULT', [], ['RWA']),
    ('190', 'Armenian and Azerbaijani forces fought along the border.', 'ASSAULT', ['ARM', 'AZE'], []),
    ('191', 'Serb forces blockaded the Muslim enclave of Srebrenica.', 'ASSAULT', ['SRB'], ['BIH']),
    ('192', 'Iraq occupied Kuwait in August.', 'ASSAULT', ['IRQ'], ['KWT']),
    ('193', 'Rebels opened fire on government troops near Kabul.', 'ASSAULT', ['AFG'], ['AFG']),
    ('194', 'Serb artillery shelled Sarajevo on Sunday.', 'ASSAULT', ['SRB'], ['BIH']),
    ('195', 'American warplanes bombed Iraqi air defence sites.', 'ASSAULT', ['USA'], ['IRQ']),
    ('196', 'India accused Pakistan of violating the ceasefire in Kashmir.', 'ACCUSE', ['IND'], ['PAK']),
    ('196b', 'Pakistani troops violated the ceasefire along the line of control.', 'ASSAULT', ['PAK'], []),
    ('201', 'Iraq expelled thousands of Kurds from Kirkuk.', 'ASSAULT', ['IRQ'], ['IRQ']),
    ('202', 'Hutu militias massacred hundreds of Tutsis in Rwanda.', 'ASSAULT', ['RWA'], ['RWA']),
    ('203', 'Serb forces carried out ethnic cleansing in eastern Bosnia.', 'ASSAULT', ['SRB'], ['BIH']),
    ('204', 'Iraq used chemical weapons against Kurdish villagers.', 'ASSAULT', ['IRQ'], ['IRQ']),
    # the second block
    ('020', 'The Lebanese government appealed to France on Wednesday to press Syria to withdraw its troops.', 'REQUEST', ['LBN'], ['FRA']),
    ('021', 'Mongolia appealed to Japan for urgent economic help.', 'REQUEST', ['MNG'], ['JPN']),
    ('0214', 'Taiwan asked the United States to sell it more advanced fighter jets.', 'REQUEST', ['TWN'], ['USA']),
    ('024', 'Western governments urged Nigeria to restore civilian rule.', 'REQUEST', ['NGA'], ['NGA']),
    ('0243', 'Amnesty International called on Peru to free jailed journalists.', 'REQUEST', ['NGO'], ['PER']),
    ('026', 'Russia urged Georgia to resume talks with the Abkhaz leadership.', 'REQUEST', ['RUS'], ['GEO']),
    ('027', 'The Vatican appealed to both sides in Northern Ireland to settle their differences peacefully.', 'REQUEST', ['VAT'], ['GBR']),
    ('0256', 'The Arab League called on Israel to lift its siege of Palestinian towns.', 'REQUEST', ['IGO'], ['ISR']),
    ('031', "Beijing said it would boost investment in Zambia's copper mines.", 'AGREE', ['CHN'], ['ZMB']),
    ('032', 'Russia pledged to supply Syria with air defence systems.', 'AGREE', ['RUS'], ['SYR']),
    ('033', 'The European Union promised to send emergency food aid to North Korea.', 'AGREE', ['IGO'], ['PRK']),
    ('036', 'The Iranian president said he was willing to meet the American president.', 'AGREE', ['IRN'], ['USA']),
    ('037', 'Algeria offered to mediate in the crisis between Mali and the Tuareg rebels.', 'AGREE', ['DZA'], ['MLI']),
    ('038', 'Turkey agreed to let American planes use its air bases.', 'AGREE', ['TUR'], ['USA']),
    ('040', 'Indian and Pakistani officials met in Islamabad on Monday.', 'CONSULT', ['IND', 'PAK'], []),
    ('042', 'Egyptian President Hosni Mubarak arrived in Amman on Sunday for a two-day visit.', 'CONSULT', ['EGY'], ['JOR']),
    ('043', 'Syria received the Iranian foreign minister in Damascus.', 'CONSULT', ['SYR'], ['IRN']),
    ('046', 'Sudanese and rebel negotiators resumed peace talks in Nairobi.', 'CONSULT', ['SDN'], []),
    ('051', 'The United States commended Ghana for its peaceful elections.', 'SUPPORT', ['USA'], ['GHA']),
    ('054', 'Germany recognised Slovenia and Croatia as independent states.', 'SUPPORT', ['DEU'], ['SVN', 'HRV']),
    ('055', 'Germany apologised to Poland for the wartime atrocities.', 'SUPPORT', ['DEU'], ['POL']),
    ('057', 'Russia and Ukraine signed a treaty of friendship on Friday.', 'AGREE', ['RUS', 'UKR'], []),
    ('0571', 'Peru and Ecuador signed a border agreement in Brasilia.', 'AGREE', ['PER', 'ECU'], []),
    ('061', 'Japan and Australia agreed to cooperate on energy projects.', 'AGREE', ['JPN', 'AUS'], []),
    ('062', 'French and British warships took part in joint naval exercises.', 'COOPERATE', ['FRA', 'GBR'], []),
    ('063', 'Thailand handed over three suspected drug lords to the United States.', 'COOPERATE', ['THA'], ['USA']),
    ('071', 'The World Bank lent $300 million to Bangladesh.', 'AID', ['IGO'], ['BGD']),
    ('072', 'Russia delivered fighter jets to India.', 'AID', ['RUS'], ['IND']),
    ('073', 'Italy flew medical supplies to Albania.', 'AID', ['ITA'], ['ALB']),
    ('075', 'Austria gave asylum to 200 Bosnian refugees.', 'AID', ['AUT'], ['BIH']),
    ('081', 'Serbia lifted restrictions on the independent media.', 'CONCEDE', ['SRB'], ['SRB']),
    ('0813', 'Authorities in Kashmir relaxed the curfew on Friday.', 'CONCEDE', ['IND'], ['IND']),
    ('083', 'The government of Zaire yielded to opposition demands for a national conference.', 'CONCEDE', ['COD'], ['COD']),
    ('084', 'Rebels in Chechnya released three Russian soldiers.', 'RETREAT', ['RUS'], ['RUS']),
    ('085', 'The United States eased its trade embargo against Vietnam.', 'CONCEDE', ['USA'], ['VNM']),
    ('0871', 'The two sides agreed on a truce in Tajikistan.', 'AGREE', ['TJK'], []),
    ('0874', 'Russian troops pulled out of Chechnya on Tuesday.', 'RETREAT', ['RUS'], ['RUS']),
    ('0874b', 'The Ugandan rebels laid down their weapons.', 'RETREAT', ['UGA'], []),
    ('091', 'The Brazilian Senate opened an inquiry into bribery charges against the president.', 'ACCUSE', ['BRA'], ['BRA']),
    ('092', 'United Nations investigators probed allegations of abuse by Burundian soldiers.', 'ACCUSE', ['IGO'], ['BDI']),
    ('100', 'Croatia demanded the withdrawal of Serbian troops from its territory.', 'REQUEST', ['HRV'], ['SRB']),
    ('102', 'Greek farmers demanded more subsidies from the government.', 'REQUEST', ['GRC'], ['GRC']),
    ('106', 'China demanded an apology from Japan for the textbook.', 'REQUEST', ['CHN'], ['JPN']),
    ('111', 'France criticised Algeria for the executions.', 'ACCUSE', ['FRA'], ['DZA']),
    ('111b', 'The Vatican denounced the bombing of the mosque in Bosnia.', 'ACCUSE', ['VAT'], []),
    ('112', 'Pakistan blamed India for the bomb attack in Lahore.', 'ACCUSE', ['PAK'], ['IND']),
    ('1125', 'Moscow charged two Estonian diplomats with espionage.', 'ACCUSE', ['RUS'], ['EST']),
    ('114', 'Greece lodged a formal protest with Turkey over the violation of its airspace.', 'ACCUSE', ['GRC'], ['TUR']),
    ('116', 'A Belgian court sentenced two Rwandan nuns for their role in the genocide.', 'ACCUSE', ['BEL'], ['RWA']),
    ('121', 'Lithuania refused to sign the economic pact with Russia.', 'REJECT', ['LTU'], ['RUS']),
    ('124', 'The junta refused to step down in Haiti.', 'REJECT', ['HTI'], []),
    ('125', 'Iraq rejected an offer of talks from Iran.', 'REJECT', ['IRQ'], ['IRN']),
    ('127', 'Eritrea rejected the peace proposal put forward by the African Union.', 'REJECT', ['ERI'], ['IGO']),
    ('129', 'Russia vetoed the draft resolution on Cyprus.', 'REJECT', ['RUS'], []),
    ('1242', 'The government of Bahrain refused to release the opposition leaders.', 'REJECT', ['BHR'], ['BHR']),
    ('131', 'Washington warned Israel that it would withhold loan guarantees.', 'THREATEN', ['USA'], ['ISR']),
    ('138', 'Iran warned that it would close the Strait of Hormuz if attacked.', 'THREATEN', ['IRN'], []),
    ('1384', 'China warned Taiwan that it would use force to prevent independence.', 'THREATEN', ['CHN'], ['TWN']),
    ('139', 'The Security Council gave Iraq a deadline to destroy its missiles.', 'THREATEN', ['IGO'], ['IRQ']),
    ('141', 'Tens of thousands of Serbs marched through Belgrade to protest against the election fraud.', 'PROTEST', ['SRB'], ['SRB']),
    ('141b', 'Palestinians protested outside the American consulate in Jerusalem.', 'PROTEST', ['PSE'], ['USA']),
    ('143', 'Bangladeshi opposition parties called a general strike on Sunday.', 'PROTEST', ['BGD'], ['BGD']),
    ('144', 'Truck drivers blockaded the main border crossing between Spain and France.', 'PROTEST', ['ESP'], ['ESP', 'FRA']),
    ('145', 'Students rioted in Jakarta on Tuesday.', 'PROTEST', ['IDN'], ['IDN']),
    ('152', 'Taiwan put its military on high alert.', 'MOBILIZE', ['TWN'], []),
    ('154', 'Russia deployed thousands of troops along its border with Georgia.', 'MOBILIZE', ['RUS'], ['GEO']),
    ('161', 'Libya closed its embassy in London.', 'SANCTION', ['LBY'], ['GBR']),
    ('161b', 'Morocco recalled its ambassador from Algeria.', 'SANCTION', ['MAR'], ['DZA']),
    ('162', 'Japan froze its economic aid to China after the nuclear test.', 'SANCTION', ['JPN'], ['CHN']),
    ('163', 'The United States imposed trade sanctions on Burma.', 'SANCTION', ['USA'], ['MMR']),
    ('164', 'The Palestinians suspended peace talks with Israel.', 'SANCTION', ['PSE'], ['ISR']),
    ('166', 'Britain expelled three Iraqi diplomats.', 'SANCTION', ['GBR'], ['IRQ']),
    ('171', 'Iranian forces seized a British patrol boat in the Gulf.', 'COERCE', ['IRN'], ['GBR']),
    ('1711', 'Zimbabwe confiscated white-owned farms.', 'COERCE', ['ZWE'], ['ZWE']),
    ('1722', 'The Nigerian government banned all political activity.', 'COERCE', ['NGA'], ['NGA']),
    ('173', 'Israeli soldiers detained 20 Palestinians in Hebron.', 'COERCE', ['ISR'], ['PSE']),
    ('174', 'Malaysia deported thousands of Indonesian workers.', 'COERCE', ['MYS'], ['IDN']),
    ('175', 'Riot police fired tear gas at demonstrators in Lagos.', 'COERCE', ['NGA'], ['NGA']),
    ('181', 'Chechen rebels took hostages in a hospital in southern Russia.', 'COERCE', ['RUS'], ['RUS']),
    ('182', 'Serbian police beat an Albanian journalist in Pristina.', 'COERCE', ['SRB'], ['SRB']),
    ('183', 'A bomb blast killed 15 people in Karachi on Friday.', 'ASSAULT', ['PAK'], ['PAK']),
    ('186', 'Sikh militants assassinated the chief minister of Punjab.', 'ASSAULT', ['IND'], ['IND']),
    ('190', 'Indian and Pakistani troops exchanged fire in Kashmir.', 'ASSAULT', ['IND', 'PAK'], []),
    ('192', 'Armenian forces captured the Azerbaijani town of Kelbajar.', 'ASSAULT', ['ARM'], ['AZE']),
    ('193', 'Gunmen opened fire on a bus carrying tourists in Egypt.', 'ASSAULT', ['EGY'], ['EGY']),
    ('194', 'Croatian artillery pounded Serb positions in Krajina.', 'ASSAULT', ['HRV'], ['SRB']),
    ('195', 'Israeli jets bombed guerrilla bases in southern Lebanon.', 'ASSAULT', ['ISR'], ['LBN']),
    ('196', 'Azerbaijan said Armenian forces had broken the ceasefire.', 'ACCUSE', ['AZE'], ['ARM']),
    ('202', 'Government troops massacred villagers in East Timor.', 'ASSAULT', ['IDN'], ['IDN']),
    # the third block, written after the fixes of the first two and scored before its own misses were studied
    ('022', 'Hungary asked Austria to help train its border police.', 'REQUEST', ['HUN'], ['AUT']),
    ('023', 'Haiti appealed for emergency food aid after the hurricane.', 'REQUEST', ['HTI'], []),
    ('028', 'Lebanon asked the Vatican to mediate between its Christian factions.', 'REQUEST', ['LBN'], ['VAT']),
    ('032', 'Britain promised military training to the Ugandan army.', 'AGREE', ['GBR'], ['UGA']),
    ('034', 'Kenyan President Daniel arap Moi promised to hold multiparty elections.', 'AGREE', ['KEN'], []),
    ('035', 'Syria offered to pull its troops back from the Lebanese capital.', 'AGREE', ['SYR'], ['LBN']),
    ('036', "Jordan's King Hussein said he was ready to meet Israeli leaders.", 'AGREE', ['JOR'], ['ISR']),
    ('041', 'The Turkish prime minister discussed the crisis by telephone with the Greek prime minister.', 'CONSULT', ['TUR'], ['GRC']),
    ('042', 'French President Jacques Chirac visited Moscow on Monday.', 'CONSULT', ['FRA'], ['RUS']),
    ('044', 'Leaders of Chile and Argentina met on the border to discuss the dispute.', 'CONSULT', ['CHL', 'ARG'], []),
    ('045', 'Egypt brokered talks between Fatah and Hamas in Cairo.', 'CONSULT', ['EGY'], ['PSE']),
    ('051', 'The Indian prime minister hailed the Sri Lankan peace accord.', 'SUPPORT', ['IND'], ['LKA']),
    ('052', 'Russia defended Serbia against Western criticism.', 'SUPPORT', ['RUS'], ['SRB']),
    ('054', 'China and South Korea established diplomatic ties in August.', 'SUPPORT', ['CHN', 'KOR'], []),
    ('057', 'Jordan and Israel signed a peace treaty on Wednesday.', 'AGREE', ['JOR', 'ISR'], []),
    ('061', 'Germany and Poland agreed to build a new bridge over the Oder.', 'AGREE', ['DEU', 'POL'], []),
    ('063', 'Panama extradited two Colombian drug smugglers to the United States.', 'COOPERATE', ['PAN'], ['USA']),
    ('064', 'Jordan shared intelligence about the plot with Washington.', 'COOPERATE', ['JOR'], ['USA']),
    ('071', 'The International Monetary Fund approved a loan of $1.2 billion for Pakistan.', 'AID', ['IGO'], ['PAK']),
    ('072', 'China sold fighter aircraft to Pakistan.', 'AID', ['CHN'], ['PAK']),
    ('073', 'Greece sent tents and blankets to earthquake victims in Turkey.', 'AID', ['GRC'], ['TUR']),
    ('074', 'Fiji sent peacekeepers to Lebanon.', 'AID', ['FJI'], ['LBN']),
    ('0812', "Kenya's government lifted the ban on opposition parties.", 'CONCEDE', ['KEN'], ['KEN']),
    ('0813', 'Israel lifted a curfew in the West Bank town of Nablus.', 'CONCEDE', ['ISR'], ['PSE']),
    ('083', 'Iraq bowed to United Nations demands and allowed the inspectors into the site.', 'CONCEDE', ['IRQ'], ['IGO']),
    ('084', 'Iran released a British sailor on Friday.', 'RETREAT', ['IRN'], ['GBR']),
    ('085', 'Washington lifted sanctions on Pakistan.', 'CONCEDE', ['USA'], ['PAK']),
    ('0871', 'Armenia and Azerbaijan agreed to a ceasefire in Nagorno-Karabakh.', 'AGREE', ['ARM', 'AZE'], []),
    ('0874', 'Israeli forces withdrew from the town of Jenin.', 'RETREAT', ['ISR'], ['PSE']),
    ('091', "Colombian prosecutors launched an investigation into the president's campaign finances.", 'ACCUSE', ['COL'], ['COL']),
    ('101', 'Egypt demanded compensation from Libya for the expelled workers.', 'REQUEST', ['EGY'], ['LBY']),
    ('111', 'Turkey denounced the Greek Cypriot arms purchase.', 'ACCUSE', ['TUR'], ['CYP']),
    ('112', 'Burundi accused Rwanda of arming the rebels.', 'ACCUSE', ['BDI'], ['RWA']),
    ('114', 'China lodged a strong protest with India over the border incident.', 'ACCUSE', ['CHN'], ['IND']),
    ('115', 'Iran filed a complaint against the United States at the International Court of Justice.', 'ACCUSE', ['IRN'], ['USA']),
    ('121', 'Japan refused to resume aid to North Korea.', 'REJECT', ['JPN'], ['PRK']),
    ('125', "Taiwan rejected Beijing's offer of talks.", 'REJECT', ['TWN'], ['CHN']),
    ('128', 'North Korea defied international pressure and tested a missile.', 'REJECT', ['PRK'], []),
    ('129', 'The United States vetoed the resolution on Jerusalem.', 'REJECT', ['USA'], []),
    ('131', 'Washington threatened to withdraw its ambassador from Belgrade.', 'THREATEN', ['USA'], ['SRB']),
    ('138', 'Iraq threatened to shoot down American planes over the no-fly zone.', 'THREATEN', ['IRQ'], ['USA']),
    ('141', 'Thousands of Kurds demonstrated outside the Turkish embassy in Bonn.', 'PROTEST', ['TUR'], ['TUR']),
    ('142', 'Palestinian prisoners in Israeli jails began a hunger strike.', 'PROTEST', ['PSE'], ['ISR']),
    ('143', 'Dock workers in Chile went on strike on Monday.', 'PROTEST', ['CHL'], ['CHL']),
    ('145', 'Youths rioted in the streets of Algiers.', 'PROTEST', ['DZA'], ['DZA']),
    ('152', 'Pakistan placed its forces on high alert along the border with India.', 'MOBILIZE', ['PAK'], ['IND']),
    ('154', 'Syria moved troops towards the Turkish border.', 'MOBILIZE', ['SYR'], ['TUR']),
    ('161', 'Sudan severed diplomatic ties with Uganda.', 'SANCTION', ['SDN'], ['UGA']),
    ('163', 'The European Union imposed an arms embargo on China.', 'SANCTION', ['IGO'], ['CHN']),
    ('166', 'Kenya expelled two British diplomats on Wednesday.', 'SANCTION', ['KEN'], ['GBR']),
    ('1663', 'Rwanda expelled 38 foreign aid agencies.', 'SANCTION', ['RWA'], []),
    ('171', 'Argentine coast guard vessels seized a Spanish fishing boat.', 'COERCE', ['ARG'], ['ESP']),
    ('1721', 'Indian authorities imposed a curfew in Srinagar.', 'COERCE', ['IND'], ['IND']),
    ('173', 'Turkish police detained 40 Kurdish activists in Istanbul.', 'COERCE', ['TUR'], ['TUR']),
    ('174', 'France expelled an Algerian imam.', 'COERCE', ['FRA'], ['DZA']),
    ('181', 'Rebels abducted three aid workers in Somalia.', 'COERCE', ['SOM'], ['SOM']),
    ('1823', 'Soldiers beat a prisoner to death in Burma.', 'ASSAULT', ['MMR'], ['MMR']),
    ('183', 'A car bomb killed 20 people in Baghdad on Sunday.', 'ASSAULT', ['IRQ'], ['IRQ']),
    ('190', 'Government troops and Tamil rebels clashed in northern Sri Lanka.', 'ASSAULT', ['LKA'], ['LKA']),
    ('192', 'Indonesian troops occupied the town of Dili.', 'ASSAULT', ['IDN'], ['TLS']),
    ('194', 'Russian artillery pounded rebel positions in Grozny.', 'ASSAULT', ['RUS'], ['RUS']),
    ('195', 'NATO aircraft bombed Serb ammunition depots near Pale.', 'ASSAULT', ['IGO'], ['SRB']),
    ('202', 'Rebels massacred 50 villagers in Algeria.', 'ASSAULT', ['DZA'], ['DZA']),
    # the fourth block, written after all the changes of the round and only measured (no rule was changed for it)
    ('021', 'Albania appealed to Italy for economic help to stem the exodus.', 'REQUEST', ['ALB'], ['ITA']),
    ('024', 'Norway urged Sri Lanka to hold talks with the Tamil rebels.', 'REQUEST', ['NOR'], ['LKA']),
    ('027', 'The Pope appealed to Israelis and Palestinians to end the violence.', 'REQUEST', ['VAT'], ['ISR', 'PSE']),
    ('031', 'South Korea promised to increase rice shipments to North Korea.', 'AGREE', ['KOR'], ['PRK']),
    ('036', 'Libya said it was prepared to hand over the two suspects for trial in the Netherlands.', 'AGREE', ['LBY'], []),
    ('040', 'The Chinese premier held talks with the visiting Pakistani prime minister in Beijing.', 'CONSULT', ['CHN'], ['PAK']),
    ('042', 'The Iranian foreign minister arrived in Riyadh on Saturday.', 'CONSULT', ['IRN'], ['SAU']),
    ('046', 'Israeli and Syrian negotiators met in Washington on Tuesday.', 'CONSULT', ['ISR', 'SYR'], []),
    ('051', "Britain praised the Irish government's role in the peace process.", 'SUPPORT', ['GBR'], ['IRL']),
    ('054', 'Israel and the Vatican established diplomatic relations.', 'SUPPORT', ['ISR', 'VAT'], []),
    ('057', 'Egypt and Sudan signed a security agreement in Cairo.', 'AGREE', ['EGY', 'SDN'], []),
    ('062', 'Russian and Indian navies held joint exercises in the Indian Ocean.', 'COOPERATE', ['RUS', 'IND'], []),
    ('063', 'Mexico extradited a former governor to the United States.', 'COOPERATE', ['MEX'], ['USA']),
    ('071', 'Kuwait granted Jordan a $200 million loan.', 'AID', ['KWT'], ['JOR']),
    ('072', 'France supplied Mirage jets to Taiwan.', 'AID', ['FRA'], ['TWN']),
    ('073', 'Britain airlifted food to refugees in Albania.', 'AID', ['GBR'], ['ALB']),
    ('081', "Myanmar's junta eased restrictions on opposition leader Aung San Suu Kyi.", 'CONCEDE', ['MMR'], ['MMR']),
    ('084', 'Hezbollah freed two Israeli soldiers.', 'RETREAT', ['LBN'], ['ISR']),
    ('0874', 'Ethiopian troops pulled out of the Somali capital.', 'RETREAT', ['ETH'], ['SOM']),
    ('085', 'Canada lifted its economic sanctions against Libya.', 'CONCEDE', ['CAN'], ['LBY']),
    ('092', 'The United Nations opened an inquiry into human rights abuses in Chechnya.', 'ACCUSE', ['IGO'], ['RUS']),
    ('106', 'Turkey demanded that Syria expel the Kurdish rebel leader.', 'REQUEST', ['TUR'], ['SYR']),
    ('111', 'Moscow condemned the NATO air strikes on Serbia.', 'ACCUSE', ['RUS'], ['IGO']),
    ('112', 'Uganda accused Sudan of backing the rebels.', 'ACCUSE', ['UGA'], ['SDN']),
    ('115', 'Bosnia sued Serbia for genocide at the World Court.', 'ACCUSE', ['BIH'], ['SRB']),
    ('121', 'Russia refused to supply gas to Ukraine.', 'REJECT', ['RUS'], ['UKR']),
    ('125', "Seoul turned down Pyongyang's proposal for a summit.", 'REJECT', ['KOR'], ['PRK']),
    ('127', 'The Sudanese government rejected the peace plan drafted by Kenya.', 'REJECT', ['SDN'], ['KEN']),
    ('131', 'Indonesia threatened to cut diplomatic ties with Australia.', 'THREATEN', ['IDN'], ['AUS']),
    ('138', 'Pakistan warned India that it would retaliate against any attack.', 'THREATEN', ['PAK'], ['IND']),
    ('141', 'Thousands of Albanians protested in Tirana against the government.', 'PROTEST', ['ALB'], ['ALB']),
    ('143', 'Nigerian oil workers went on strike on Monday.', 'PROTEST', ['NGA'], ['NGA']),
    ('152', 'South Korea put its troops on alert after the shooting.', 'MOBILIZE', ['KOR'], []),
    ('161', 'Venezuela broke diplomatic relations with Panama.', 'SANCTION', ['VEN'], ['PAN']),
    ('163', 'Washington imposed sanctions on Iranian oil companies.', 'SANCTION', ['USA'], ['IRN']),
    ('166', 'Poland expelled four Russian diplomats.', 'SANCTION', ['POL'], ['RUS']),
    ('171', 'Iranian guards seized a Kuwaiti oil tanker.', 'COERCE', ['IRN'], ['KWT']),
    ('173', 'Egyptian police arrested 50 members of the Muslim Brotherhood.', 'COERCE', ['EGY'], ['EGY']),
    ('174', 'Saudi Arabia deported hundreds of Yemeni workers.', 'COERCE', ['SAU'], ['YEM']),
    ('183', 'A suicide bomber killed nine people in Tel Aviv.', 'ASSAULT', ['ISR'], ['ISR']),
    ('193', 'Rebels ambushed a government convoy in Burundi.', 'ASSAULT', ['BDI'], ['BDI']),
    ('195', 'Turkish warplanes bombed Kurdish rebel camps in northern Iraq.', 'ASSAULT', ['TUR'], ['IRQ']),
]
#: Shares of the table the rules must get right (measured 318/341 type, 285/341 type+actors+targets at lexicon 2.4;
#: 286/341 and 248/341 before this round): a floor a little below, so that a rule change that loses codes fails.
CAMEO_TYPE_FLOOR = 0.90
CAMEO_FULL_FLOOR = 0.79


def _cameo_codes_match(want: list[str], got: list[str]) -> bool:
    import pycountry

    states = {c.alpha_3 for c in pycountry.countries}
    norm = lambda codes: {c if c in states else "NONSTATE" for c in codes if c}  # noqa: E731
    return norm(["NONSTATE" if c in ("IGO", "NGO") else c for c in want]) == norm(got)


def test_cameo_codes_table():
    """The CAMEO codes table: right type, and right type with actors and targets (a joint pair as co-actors)."""
    from pipeline.events.text import events_for_text

    typed, full, misses = 0, 0, []
    for code, text, etype, actors, targets in CAMEO_CODES:
        got = [(e.type, [a.code for a in e.actors], [a.code for a in e.targets]) for e in events_for_text(text)]
        cands = [g for g in got if g[0] == etype]
        joint = len(actors) > 1 and not targets
        ok = any(_cameo_codes_match(actors + targets, g[1] + g[2]) if joint else
                 (_cameo_codes_match(actors, g[1]) and _cameo_codes_match(targets, g[2])) for g in cands)
        typed += bool(cands)
        full += ok
        if not ok:
            misses.append(f"{code} {text} -> {got}")
    n = len(CAMEO_CODES)
    assert typed / n >= CAMEO_TYPE_FLOOR, f"type {typed}/{n}; misses:\n" + "\n".join(misses)
    assert full / n >= CAMEO_FULL_FLOOR, f"full {full}/{n}; misses:\n" + "\n".join(misses)


# Issue 16, sixth round: sentences written for this test (not external records), one or more per kind of error counted
# on the external development half after the CAMEO pass, coded as CAMEO/PLOVER would code them.
KINDS_6 = [
    # people and bodies named without their state (pipeline/resources/actors.json); heads of organisations by the organisation
    ("Hakan Fidan condemned Greece over the incident.", ("ACCUSE", ["TUR"], ["GRC"])),
    ("Jaishankar rejected the proposal from Pakistan.", ("REJECT", ["IND"], ["PAK"])),
    ("Kofi Annan urged Iraq to comply with the resolutions.", ("REQUEST", ["UN"], ["IRQ"])),
    # "for X to": the one asked is the target, an unnamed government one's own state
    ("The opposition leader in Kenya called for the government to resign.", ("REQUEST", ["KEN"], ["KEN"])),
    ("Britain stressed the need for Iran to release the tanker.", ("REQUEST", ["GBR"], ["IRN"])),
    # the purpose of a promised act names whom it is for
    ("Norway pledged to give $5 million to help the victims of the earthquake in Nepal.", ("AGREE", ["NOR"], ["NPL"])),
    # a planned mobilisation is a mobilisation; a threat to mobilise stays a threat
    ("The Turkish army plans to call up 10,000 reservists.", ("MOBILIZE", ["TUR"], [])),
    ("Serbia threatened to call up its reservists.", ("THREATEN", ["SRB"], [])),
    # the neighbour across a border named as the place of a deployment is its target (CAMEO 15)
    ("Syria massed troops along the border with Jordan.", ("MOBILIZE", ["SYR"], ["JOR"])),
]


@pytest.mark.parametrize("text,want", KINDS_6, ids=[k[0][:40] for k in KINDS_6])
def test_kinds_of_errors_fixed_round6(text, want):
    from pipeline.events.text import events_for_text

    got = [(e.type, _codes(e.actors), _codes(e.targets)) for e in events_for_text(text)]
    assert (want[0], sorted(want[1]), sorted(want[2])) in got, got


# Issue 16, seventh round: sentences written for this test (not external records, never copies of the blind CAMEO
# set), one or more per kind of error counted on eval/data/cameo_written_events.jsonl (EVALUATION.md, "Events").
KINDS_7 = [
    # no trigger: words and frames the lexicon lacked (lexicon 2.5)
    ("Moscow denied any involvement in the assassination of the opposition journalist.", ("REJECT", ["RUS"], [])),
    ("The Serbian government acknowledged responsibility for the massacre.", ("CONCEDE", ["SRB"], [])),
    ("The Sudanese government acknowledged that its militias had burned villages in Darfur.", ("CONCEDE", ["SDN"], [])),
    ("Iran freed two British sailors on Sunday.", ("RETREAT", ["IRN"], ["GBR"])),
    ("Japan released a second aid tranche to Indonesia.", ("AID", ["JPN"], ["IDN"])),
    ("France gave Chad 10 million francs to pay its soldiers.", ("AID", ["FRA"], ["TCD"])),
    ("Indian and Pakistani soldiers traded gunfire across the line of control.", ("ASSAULT", ["IND", "PAK"], [])),
    ("Croatian forces drove thousands of Serb civilians out of the Krajina region.", ("ASSAULT", ["HRV"], ["SRB"])),
    ("Liberian rebels cut the main road into Monrovia on Tuesday.", ("COERCE", ["LBR"], [])),
    ("Egypt ended the state of emergency on Monday.", ("CONCEDE", ["EGY"], [])),
    ("Kenya and Uganda launched a joint venture to build a railway.", ("COOPERATE", ["KEN", "UGA"], [])),
    # trigger found, no actor: a participle is the act when the main verb is none; forces loyal to someone, a bomb
    # planted by someone; crowds that gather or march through a place
    ("Turkish troops crossed into northern Iraq, killing dozens of Kurdish fighters.", ("ASSAULT", ["TUR"], ["IRQ"])),
    ("Fighters loyal to President Bashar al-Assad shelled the town of Daraa.", ("ASSAULT", ["SYR"], ["SYR"])),
    ("A bomb planted by ETA rebels damaged a police barracks in Bilbao, injuring three officers.", ("ASSAULT", ["ESP"], ["ESP"])),
    ("Several hundred farmers gathered outside the parliament in Nairobi to protest against rising fuel prices.",
     ("PROTEST", ["KEN"], ["KEN"])),
    ("Thousands of workers marched through the streets of Lagos on Monday.", ("PROTEST", ["NGA"], ["NGA"])),
    # target missing: one's own people as the target of demands, allegations, refusals and seizures
    ("Kenyan police accused a former minister of stealing public funds.", ("ACCUSE", ["KEN"], ["KEN"])),
    ("Thai prosecutors launched an inquiry into claims that the former prime minister took bribes.", ("ACCUSE", ["THA"], ["THA"])),
    ("The opposition leader in Zambia demanded that the government hold early elections.", ("REQUEST", ["ZMB"], ["ZMB"])),
    ("The ruling party in Uganda rejected opposition calls for new elections.", ("REJECT", ["UGA"], ["UGA"])),
    ("Venezuelan authorities seized dozens of private farms.", ("COERCE", ["VEN"], ["VEN"])),
    # an aspectual verb leaves the act to its participle; a sentence whose only verb the parser hung on its subject
    ("Kenya and Tanzania began cooperating on policing their shared border.", ("COOPERATE", ["KEN", "TZA"], [])),
    ("The leader of Zambia's largest opposition party called on the government to resign before the vote.",
     ("REQUEST", ["ZMB"], ["ZMB"])),
    # an organisation named in the other spelling
    ("The Organisation of American States sent observers to Haiti.", ("ACCUSE", ["OAS"], ["HTI"])),
    # a bearing from a named place places the target
    ("Israeli jets struck targets east of Beirut.", ("ASSAULT", ["ISR"], ["LBN"])),
    # wrong type: an abduction is coded both as a coercion and as an assault (PLOVER 2021 abduct mode)
    ("Somali pirates hijacked a Greek tanker off the coast of Kenya.", ("ASSAULT", ["SOM"], ["GRC"])),
    ("Somali pirates hijacked a Greek tanker off the coast of Kenya.", ("COERCE", ["SOM"], ["GRC"])),
]

# ... and the same words where they report no event (no actor, no responsibility, no restriction, no crowd)
NOT_7 = [
    "The committee acknowledged the contribution of the authors.",
    "The authors acknowledge that the model has limitations.",
    "The storm forced thousands of residents out of their homes.",
    "The museum will release a new catalogue next year.",
    "Students gathered in the library to study for exams.",
    "The minister denied that the economy was in recession.",
    "Prices ended the year higher.",
    "The chairman of the committee, appointed last year, spoke on the matter.",
    "Police seized two tonnes of cocaine south of the city.",
]

# a state's leader acknowledging a fact, not a wrong, is the verb's reporting use (scholarly prose is full of it):
# no admission (CAMEO 015), whatever else the sentence reports
NOT_ADMISSIONS = [
    "President Lula acknowledged that Brazil had offered to host the talks, which Caracas turned down.",
    "The Kremlin acknowledged that trade with Iran had doubled since 2015.",
]
ADMISSIONS = [
    "The Sudanese government acknowledged that its militias had burned villages in Darfur.",
    "Belgrade acknowledged that its police had been involved in the killings.",
]


def test_acknowledging_a_fact_is_no_admission():
    from pipeline.events.text import events_for_text

    for text in NOT_ADMISSIONS:
        assert "CONCEDE" not in {e.type for e in events_for_text(text)}, text
    for text in ADMISSIONS:
        assert "CONCEDE" in {e.type for e in events_for_text(text)}, text


@pytest.mark.parametrize("text,want", KINDS_7, ids=[k[0][:40] for k in KINDS_7])
def test_kinds_of_errors_fixed_round7(text, want):
    from pipeline.events.text import events_for_text

    got = [(e.type, _codes(e.actors), _codes(e.targets)) for e in events_for_text(text)]
    assert (want[0], sorted(want[1]), sorted(want[2])) in got, got


@pytest.mark.parametrize("text", NOT_7, ids=[k[:40] for k in NOT_7])
def test_kinds_not_coded_round7(text):
    from pipeline.events.text import events_for_text

    assert events_for_text(text) == []
