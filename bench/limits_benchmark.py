"""PDF limits: what the bounded decoders cost on the dev PDFs, and what they save on a bomb.

* the six dev PDFs read by the PDF reader with the limits (``open_pdf`` as decorated) and without
  (``open_pdf.__wrapped__``), alternately, best of 3 each in CPU time (``time.process_time``, less
  disturbed by other work on a shared machine than wall time): the ratio with / without (goal: at
  most 1.05);
* a 1 MB PDF whose page stream inflates to 1 GiB, read in a fresh process with and without the
  limits: peak RSS above the baseline after imports, and the outcome.

Run: ``.venv/bin/python bench/limits_benchmark.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOMB_RUN = r"""
import json, sys
import pdfplumber
import pipeline.ingest.pdf as pdf
from pipeline.ingest import read_bytes
from pipeline.settings import Settings
if sys.argv[2] == "off":
    pdf.open_pdf = pdf.open_pdf.__wrapped__

def status_kb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as fh:  # peak RSS from here (exec keeps the parent's ru_maxrss)
    fh.write("5")
before = status_kb("VmRSS")
try:
    read_bytes(data, sys.argv[1], Settings())
    outcome = "read"
except Exception as exc:
    outcome = f"{getattr(exc, 'code', type(exc).__name__)}"
print(json.dumps({"outcome": outcome, "extra_mb": (status_kb("VmHWM") - before) / 1024}))
"""


def main() -> None:
    import pipeline.ingest.pdf as pdf
    from pipeline.settings import Settings
    from tests.test_limits import TEXT, flate_bomb, pdf_with_content

    settings = Settings()
    guarded = pdf.open_pdf
    rows, total = [], {"on": 0.0, "off": 0.0}
    for path in sorted((ROOT / "tests" / "data").glob("*.pdf")):
        data = path.read_bytes()
        best = {}
        for mode in ("off", "on", "off", "on", "off", "on"):
            pdf.open_pdf = guarded if mode == "on" else guarded.__wrapped__
            t = time.process_time()
            pdf.read_pdf(data, path, settings)
            best[mode] = min(best.get(mode, 1e9), time.process_time() - t)
        pdf.open_pdf = guarded
        total["on"] += best["on"]
        total["off"] += best["off"]
        rows.append(f"| {path.stem} | {best['off']:.2f} | {best['on']:.2f} | {best['on'] / best['off']:.2f} |")
    print("| PDF | without limits CPU s | with limits CPU s | ratio |\n|---|---|---|---|")
    print("\n".join(rows))
    print(f"| all six | {total['off']:.2f} | {total['on']:.2f} | {total['on'] / total['off']:.2f} |")

    bomb = Path(tempfile.mkdtemp()) / "bomb.pdf"
    bomb.write_bytes(pdf_with_content(flate_bomb(1 << 30, TEXT)))
    for mode in ("on", "off"):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", BOMB_RUN, str(bomb), mode], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=900)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"bomb ({bomb.stat().st_size / 1e6:.2f} MB -> 1 GiB), limits {mode}: {result['outcome']}, "
              f"+{result['extra_mb']:.0f} MB peak RSS, {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
