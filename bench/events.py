"""Benchmark: the events stage against the parse it reads (goal: a small fraction of it).

Run: ``.venv/bin/python bench/events.py``. The article (``/work/shared/corpus/akhlaghi-2025-russia-iran.md``,
or ``corpus/articles/``) goes through ingest, structure, citations and entities once; then, each the best of
``REPEAT`` runs: the bare spaCy parse of its passages (``nlp.pipe``, what the entities stage pays and the
events stage re-uses through the in-process parse cache), and the events stage on that cached parse.
The ratio events / parse is what BENCHMARKS.md reports: it does not depend on the machine's speed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REPEAT = 3
ARTICLE = next((p for p in (ROOT.parent.parent / "shared" / "corpus" / "akhlaghi-2025-russia-iran.md",
                            ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md") if p.is_file()), None)


from bench.timing import best  # noqa: E402  (after the sys.path line)


def main() -> None:
    import spacy

    from pipeline.citations import annotate_citations
    from pipeline.entities import annotate_entities
    from pipeline.events import annotate_events
    from pipeline.process import assemble, ingest
    from pipeline.settings import get_settings

    settings = get_settings()
    doc = assemble(ingest(ARTICLE, settings), settings)
    doc = annotate_entities(annotate_citations(doc, settings), settings)
    texts = [p.text for p in doc.passages if p.text.strip()]
    bare = spacy.load(settings.spacy_model)
    list(bare.pipe(texts[:5]))
    t_parse = best(lambda: list(bare.pipe(texts, batch_size=64)))
    annotate_events(doc.model_copy(deep=True), settings)  # fills the parse cache, loads lexicon and dateparser
    t_events = best(lambda: annotate_events(doc.model_copy(deep=True), settings))
    n_sent = sum(len(p.sentences) for p in doc.passages if p.kind == "body")
    n_ev = len(annotate_events(doc.model_copy(deep=True), settings).events)
    print(f"events: {n_sent} body sentences, {n_ev} events; bare parse of the passages {t_parse:.3f} s; "
          f"events stage on the cached parse {t_events:.3f} s ({n_sent / t_events:.0f} sentences/s); "
          f"ratio events/parse {t_events / t_parse:.3f}")


if __name__ == "__main__":
    main()
