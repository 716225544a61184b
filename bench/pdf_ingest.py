"""PDF ingestion speed: irpipe's reader against pdfplumber's own ``extract_text`` on the same pages.

Goal (issue 15): the reader stays within 1.5x of ``extract_text``. Both sides parse every page of the
same file; the reader then does its own layout (words, columns, lines, running heads, footnotes,
blocks). The two are timed alternately, best of ``--repeat`` runs each, so that a machine shared with
other work slows both sides alike and the ratio stays meaningful where the absolute times do not.

Run: ``python bench/pdf_ingest.py [--sample N] [--repeat R]``: the six development PDFs of ``tests/data``
plus ``N`` papers of the EXCITE corpus (``../shared/data/excite-corpus``, every k-th of the ids sorted,
so the sample is the same on every run). Prints a markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent.parent / "shared" / "data" / "excite-corpus"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/data/excite-corpus")
DEV = ROOT / "tests" / "data"


def bare(path: Path) -> None:
    """pdfplumber's own text extraction of every page (the yardstick)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def pick(sample: int) -> list[Path]:
    paths = sorted(DEV.glob("*.pdf"))
    corpus = sorted(CORPUS.rglob("*.pdf"), key=lambda p: p.stem)  # en/, de-end/, ... folders
    if sample and corpus:
        step = max(1, len(corpus) // sample)
        paths += corpus[::step][:sample]
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=10, help="EXCITE papers besides the six development PDFs")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import pdfplumber

    from pipeline.ingest.pdf import read_pdf
    from pipeline.settings import Settings

    settings = Settings()
    print("| PDF | pages | pdfplumber extract_text s | irpipe ingest s | ratio |")
    print("|---|---|---|---|---|")
    total_bare = total_ours = 0.0
    total_pages = 0
    for path in pick(args.sample):
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        data = path.read_bytes()
        t_bare, t_ours = [], []
        for _ in range(args.repeat):
            t_bare.append(timed(lambda: bare(path)))
            t_ours.append(timed(lambda: read_pdf(data, path, settings)))
        b, o = min(t_bare), min(t_ours)
        total_bare += b
        total_ours += o
        total_pages += pages
        print(f"| {path.stem} | {pages} | {b:.2f} | {o:.2f} | {o / b:.2f} |", flush=True)
    print(f"| **all** | {total_pages} | {total_bare:.2f} | {total_ours:.2f} | **{total_ours / total_bare:.2f}** |")


if __name__ == "__main__":
    main()
