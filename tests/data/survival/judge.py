"""Judge every probe on ingest + structure alone (no models, no Prefect): the criteria of
tests/test_survival_probes.py that do not need the stages, for a before/after table in a minute.

    PYTHONPATH=<a checkout of irpipe> python tests/data/survival/judge.py > verdicts.json

Run it with the code to judge on PYTHONPATH (an older commit: ``git archive <commit> | tar -x -C DIR``).
Prints file -> ``pass`` or ``fail: why`` as JSON.
"""
import json, re, sys
from pathlib import Path
from pipeline.process import ingest, assemble
from pipeline.settings import Settings
from pipeline.errors import IngestError
PROBES = Path(__file__).resolve().parent
EXP = json.loads((PROBES / "expected.json").read_text())
LEFT = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\u200b\ufeff]|<!doctype|<html|<\?xml|<!--|^---$|\[\^\w+\]|!\[[^\]]*\]\(|={3,}|-{4,}|\{\d+\}-", re.I | re.M)
sys.path.insert(0, str(PROBES)); import make_probes
SRC = {"russian": make_probes.RU, "polish": make_probes.PL, "chinese": make_probes.ZH, "western": make_probes.FR}
st = Settings()
res = {}
for name, e in sorted(EXP.items()):
    want = e["expect"]
    try:
        d = assemble(ingest(PROBES / name, st), st)
    except IngestError as err:
        ok = (err.code == want) or (want == "legacy" and err.code == "E007")
        if want == "legacy" and ok:
            raw = ingest(PROBES / name, Settings(accept_legacy_encodings=True)).raw
            text = " ".join(b.text for b in raw.blocks)
            orig = next(v for k, v in SRC.items() if k in name)
            if orig[:60] not in text:
                res[name] = f"fail: accepted legacy decoded as {raw.encoding}"; continue
        res[name] = ("pass" if ok else f"fail: {err.code}")
        continue
    except Exception as exc:
        res[name] = f"fail: crash {type(exc).__name__}"; continue
    if want not in ("readable",):
        res[name] = f"fail: read, expected {want}"; continue
    why = []
    if not d.passages: why.append("no passages")
    m = LEFT.search(d.text)
    if m: why.append(f"leftover {m.group(0)!r}")
    if e.get("language") and d.metadata.language != e["language"]: why.append(f"language {d.metadata.language}")
    if d.stage_errors: why.append("stage error")
    body = [p for p in d.passages if p.kind == "body"]
    if e.get("language") and not body: why.append("no body")
    if e.get("contains") and e["contains"] not in d.text: why.append("text lost")
    res[name] = "pass" if not why else "fail: " + "; ".join(why)
print(json.dumps(res, indent=0))
