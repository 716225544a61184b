"""Long texts: does every stage scale linearly? Seconds per MB on a long one-line text vs the reference article.

Run: ``.venv/bin/python bench/bench_long_text.py [MB]`` (default 1). The long text is the reference
article's body paragraphs repeated and joined on one line (no paragraph breaks, as a broken converter
writes it), so the words are real prose and only the length differs. Each stage is timed once (warm
models, spaCy's parse cache emptied) on both; the ratio is (long s/MB) / (article s/MB): about 1.0 means
linear, the goal is at most 1.5 (cutting long blocks into passages must not make any stage superlinear).
Also prints peak RSS.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTICLE = ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md"


# Stages that read body passages only: their seconds are per MB of body text (the article's text
# is 58% body; the rest, references and notes, these stages skip). The others: per MB of all text.
BODY_ONLY = ("events", "theory")


def stage_times(path: Path, settings) -> tuple[dict[str, float], int, int]:
    from pipeline import nlp, registry
    from pipeline.process import assemble, ingest, run_stage

    nlp._CACHE.clear()  # the warm-up parsed the article: time the parse, not a cache hit
    times: dict[str, float] = {}
    t = time.perf_counter()
    ing = ingest(path, settings)
    times["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    doc = assemble(ing, settings)
    times["structure"] = time.perf_counter() - t
    for spec in registry.stages(settings):
        t = time.perf_counter()
        doc = run_stage(doc, spec, settings)
        times[spec.name] = time.perf_counter() - t
        if doc.stage_errors:
            raise SystemExit(f"{spec.name} failed: {doc.stage_errors}")
    return times, len(doc.text), sum(len(p.text) for p in doc.passages if p.kind == "body")


def main() -> None:
    from pipeline.process import process_file
    from pipeline.settings import Settings

    mb = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    settings = Settings()
    process_file(ARTICLE, settings)  # load the models once
    body = [p.text for p in process_file(ARTICLE, settings).passages if p.kind == "body"]
    line = " ".join(body)
    long_text = (line + " ") * (int(mb * 1_000_000) // (len(line) + 1) + 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(long_text[: int(mb * 1_000_000)].strip())
        art, art_chars, art_body = stage_times(ARTICLE, settings)
        big, big_chars, big_body = stage_times(path, settings)
    print(f"article: {art_chars:,} characters ({art_body:,} body); long text: {big_chars:,} ({big_body:,} body)")
    print("| stage | article s | long s | article s/MB | long s/MB | ratio |")
    print("|---|---|---|---|---|---|")
    for name in art:
        na, nb = (art_body, big_body) if name in BODY_ONLY else (art_chars, big_chars)
        a, b = art[name] / na * 1e6, big[name] / nb * 1e6
        print(f"| {name} | {art[name]:.2f} | {big[name]:.2f} | {a:.2f} | {b:.2f} | {b / a if a else float('nan'):.2f} |")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
