"""Benchmarks: PDF ingestion against pdfplumber's extract_text, per-stage times, reference parsing speed.

Run: ``make bench`` (or ``.venv/bin/python bench/run_benchmarks.py``). Prints a markdown table;
the figures in BENCHMARKS.md come from this script. Each timing is the best of ``REPEAT`` runs.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPEAT = 3
SHARED = ROOT.parent / "shared" / "data" / "excite-dev"
PDFS = sorted(SHARED.glob("*.pdf")) if SHARED.exists() else sorted((ROOT / "tests" / "data").glob("*.pdf"))
ARTICLE = ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md"


from bench.timing import best  # noqa: E402  (after the sys.path line)


def bare_pdfplumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main() -> None:
    import pdfplumber

    from pipeline.ingest.pdf import read_pdf
    from pipeline import registry
    from pipeline.process import assemble, ingest, run_stage
    from pipeline.references.parser import parse_reference
    from pipeline.settings import get_settings

    settings = get_settings()
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}\n")
    print("| PDF | pages | pdfplumber extract_text s | irpipe ingest s | irpipe pages/s | ratio |")
    print("|---|---|---|---|---|---|")
    tot_bare = tot_ours = tot_pages = 0.0
    for pdf_path in PDFS:
        with pdfplumber.open(pdf_path) as pdf:
            pages = len(pdf.pages)
        t_bare = best(lambda: bare_pdfplumber(pdf_path))
        data = pdf_path.read_bytes()
        t_ours = best(lambda: read_pdf(data, pdf_path, settings))
        tot_bare += t_bare
        tot_ours += t_ours
        tot_pages += pages
        print(f"| {pdf_path.stem} | {pages} | {t_bare:.2f} | {t_ours:.2f} | {pages / t_ours:.1f} | {t_ours / t_bare:.2f} |")
    print(f"| all | {int(tot_pages)} | {tot_bare:.2f} | {tot_ours:.2f} | {tot_pages / tot_ours:.1f} | {tot_ours / tot_bare:.2f} |\n")

    print("Reference article, per stage (no Prefect), best of 3:\n")
    print("| stage | seconds |")
    print("|---|---|")
    t = time.perf_counter()
    ing = ingest(ARTICLE, settings)
    print(f"| ingest | {time.perf_counter() - t:.3f} |")
    t = time.perf_counter()
    doc = assemble(ing, settings)
    print(f"| structure (first call, loads the sentencizer) | {time.perf_counter() - t:.3f} |")
    print(f"| structure (warm) | {best(lambda: assemble(ing, settings)):.3f} |")
    from pipeline import nlp as nlp_mod

    for spec in registry.stages(settings):
        name = spec.name
        t = time.perf_counter()
        before = doc.model_copy(deep=True)
        doc = run_stage(doc, spec, settings)
        print(f"| {name} (first call, loads models) | {time.perf_counter() - t:.3f} |")

        def warm(before=before, spec=spec):
            if spec.name == "entities":
                nlp_mod._CACHE.clear()  # entities parses; events reuses that parse
            run_stage(before.model_copy(deep=True), spec, settings)

        print(f"| {name} (warm) | {best(warm):.3f} |")

    # entity stage against spaCy's bare nlp.pipe on the same passages (both warm, same text x5)
    import spacy

    from pipeline.entities import annotate_entities

    texts = [p.text for p in doc.passages if p.text.strip()] * 5
    words = sum(len(t.split()) for t in texts)
    bare = spacy.load(settings.spacy_model)
    list(bare.pipe(texts[:20]))
    t_bare = best(lambda: list(bare.pipe(texts, batch_size=64)), repeat=2)

    def stage():
        nlp_mod._CACHE.clear()
        d = doc.model_copy(deep=True)
        d.passages = [p for p in d.passages if p.text.strip()] * 5
        annotate_entities(d, settings)

    t_stage = best(stage, repeat=2)
    print(f"\nEntities: {words} words; bare nlp.pipe {words / t_bare:.0f} words/s; entity stage {words / t_stage:.0f} words/s; "
          f"ratio {t_stage / t_bare:.2f}")

    # events: sentences per second (body sentences, parse excluded: it is shared with entities)
    from pipeline.events import annotate_events

    n_sent = sum(len(p.sentences) for p in doc.passages if p.kind == "body")
    t_ev = best(lambda: annotate_events(doc.model_copy(deep=True), settings))
    print(f"\nEvents: {n_sent} body sentences in {t_ev:.3f} s = {n_sent / t_ev:.0f} sentences/s (on the shared parse)")

    # theory: the stage against bare encoding of the same passages (bench/theory_benchmark.py)
    sys.path.insert(0, str(ROOT / "bench"))
    from theory_benchmark import theory_vs_bare

    r = theory_vs_bare(doc, settings, repeat=2)
    print(f"Theory: {r['passages']} passages ({r['sentences']} sentences, pooling {r['pooling']}): bare encoding "
          f"{r['bare_s']:.2f} s, theory stage {r['stage_s']:.2f} s ({r['passages'] / r['stage_s']:.1f} passages/s), "
          f"ratio {r['ratio']:.2f}")

    refs = [p.text for p in doc.passages if p.kind == "reference"] * 10
    t = best(lambda: [parse_reference(r) for r in refs], repeat=2)
    print(f"\nReference parsing: {len(refs)} strings in {t:.2f} s = {len(refs) / t:.0f} references/s")


if __name__ == "__main__":
    main()
