"""Incremental refresh benchmark: cold run of a 50-document corpus vs refresh of the unchanged corpus.

The corpus: the reference article, the six EXCITE dev PDFs and 43 text documents made from
the article's body paragraphs (each a different selection, so each has its own content hash).
Run: ``.venv/bin/python bench/refresh_benchmark.py``. The Prefect result store is a fresh temporary
folder, so the cold run starts with an empty cache.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="irpipe-bench-"))
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(WORK / "results")


def make_corpus() -> list[str]:
    from pipeline.process import assemble, ingest

    article = ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md"
    body = [p.text for p in assemble(ingest(article)).passages if p.kind == "body"]
    folder = WORK / "corpus"
    folder.mkdir()
    paths = [str(article)]
    shared = ROOT.parent / "shared" / "data" / "excite-dev"
    pdfs = sorted(shared.glob("*.pdf")) if shared.exists() else sorted((ROOT / "tests" / "data").glob("*.pdf"))
    paths += [str(p) for p in pdfs]
    i = 0
    while len(paths) < 50:
        chosen = [body[(i + k * 3) % len(body)] for k in range(4)]
        f = folder / f"note{i:02d}.txt"
        f.write_text(f"Note {i}\n\n" + "\n\n".join(chosen) + "\n")
        paths.append(str(f))
        i += 1
    return paths


def main() -> None:
    import flows  # noqa: F401
    from flows.process_document import EXECUTED, process_corpus
    from flows.refresh import refresh_corpus

    paths = make_corpus()
    out = str(WORK / "out")
    warm = WORK / "warm.txt"
    warm.write_text("Warm-up.\n")
    process_corpus([str(warm)], str(WORK / "warm-out"), offline=True)  # starts the ephemeral API, loads models
    t = time.perf_counter()
    process_corpus(paths, out, offline=True)
    cold = time.perf_counter() - t
    refresh_corpus(out, offline=True)
    before = dict(EXECUTED)
    t = time.perf_counter()
    summary = refresh_corpus(out, offline=True)
    refresh = time.perf_counter() - t
    ran = {k: EXECUTED[k] - before.get(k, 0) for k in EXECUTED if EXECUTED[k] - before.get(k, 0)}
    print(f"documents: {len(paths)}; cold run {cold:.1f} s; refresh of the unchanged corpus {refresh:.2f} s "
          f"({100 * refresh / cold:.1f}% of cold); stages executed in the refresh: {ran or 'none'}; "
          f"skipped {summary['skipped']}/{summary['documents']}")


if __name__ == "__main__":
    main()
