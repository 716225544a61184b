"""Scale benchmark: corpora of 100, 300, 1,000 documents; cold run, unchanged re-run, 1% changed.

    python bench/scale.py --sizes 100 300 1000 [--pdfs 139] [--workers-ratio 40] [--inbox]

The corpus of each size is made from the development corpus (``/work/shared/data/excite-corpus``):
``--pdfs K`` of its PDFs as they are, and the rest text documents made from the paragraphs of its
English PDFs (each text document: 12 paragraphs drawn with a fixed seed, so the corpus is the same on
every machine; the paragraphs are extracted once and kept in ``.cache/bench/paragraphs.json``).

For each size, ``irpipe run DIR -o OUT --offline --no-sources`` (the real command, a subprocess, a fresh
task cache): the cold run, the unchanged re-run, and a refresh after 1% of the text documents changed
(a sentence appended). Wall time, time per document, and the peak RSS of the whole process tree
(``irpipe run`` and its worker processes, sampled every 0.2 s from /proc, summed).

``--workers-ratio N``: documents per second of a :class:`flows.workers.WarmPool` of 1 process against
one of 2 on the same N text documents, after each pool has loaded its models (the steady state that a
large batch sees; the model loading is reported apart).

``--inbox``: ``irpipe serve`` with one warm worker; a text page and a 10-page PDF dropped into the
inbox, the time from the drop to the ``ok`` line (and the ``seconds`` serve reports), against the bare
in-process pipeline time of the same document in this process with the models loaded.

Results go to stdout as JSON (one object per step) and to ``--json FILE``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXCITE = Path(os.environ.get("IRPIPE_EXCITE", "/work/shared/data/excite-corpus"))
CACHE = ROOT / ".cache" / "bench"
PARAGRAPHS_PER_DOC = 12  # the default of --paragraphs
SEED = 19
PY = sys.executable


def _env(**extra) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def paragraphs(max_pdfs: int = 12) -> list[str]:
    """Body paragraphs (300-2,500 characters) of the English dev PDFs, extracted once and cached."""
    cache = CACHE / "paragraphs.json"
    if cache.exists():
        return json.loads(cache.read_text())
    from pipeline.process import assemble, ingest

    out: list[str] = []
    for pdf in sorted((EXCITE / "en").glob("*.pdf"))[:max_pdfs]:
        try:
            doc = assemble(ingest(pdf))
        except Exception as exc:  # noqa: BLE001 - a bad PDF is left out of the benchmark corpus
            print(f"skipped {pdf.name}: {exc}", file=sys.stderr)
            continue
        out.extend(p.text for p in doc.passages if p.kind == "body" and 300 <= len(p.text) <= 2500)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out))
    return out


def make_corpus(folder: Path, size: int, n_pdfs: int, paras: list[str], per_doc: int = PARAGRAPHS_PER_DOC) -> list[Path]:
    """``size`` documents in ``folder``: ``n_pdfs`` dev PDFs, the rest text documents of paragraphs."""
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = sorted(EXCITE.glob("*/*.pdf"))[:n_pdfs]
    files = []
    for p in pdfs:
        files.append(folder / p.name)
        shutil.copy(p, files[-1])
    rng = random.Random(SEED)
    for i in range(size - len(pdfs)):
        text = "\n\n".join(rng.sample(paras, per_doc))
        files.append(folder / f"text-{i:05d}.txt")
        files[-1].write_text(f"Document {i}\n\n{text}\n")
    return files


class TreeRSS:
    """Peak of the summed RSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for e in Path("/proc").iterdir():
            if e.name.isdigit():
                try:
                    ppid = int((e / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(e.name))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in self._tree():
                try:
                    for line in Path(f"/proc/{p}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._t.join()
        return self.peak / 2**30


def irpipe_run(folder: Path, out: Path, env: dict) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "irpipe", "run", str(folder), "-o", str(out), "--offline", "--no-sources"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    rss = TreeRSS(proc.pid)
    text, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    last = text.strip().splitlines()[-1] if text.strip() else ""
    return {"seconds": round(seconds, 1), "peak_rss_gb": round(rss.stop(), 2), "rc": proc.returncode,
            "skipped": text.count("skipped (unchanged)"), "summary": last}


def scale(sizes: list[int], n_pdfs: int, workers: int, per_doc: int = PARAGRAPHS_PER_DOC) -> list[dict]:
    paras = paragraphs()
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"irpipe-scale-{size}-") as tmp:
            tmp = Path(tmp)
            files = make_corpus(tmp / "in", size, n_pdfs, paras, per_doc)
            env = _env(PREFECT_LOCAL_STORAGE_PATH=str(tmp / "results"), IRPIPE_WORKERS=str(workers))
            cold = irpipe_run(tmp / "in", tmp / "out", env)
            again = irpipe_run(tmp / "in", tmp / "out", env)
            texts = [f for f in files if f.suffix == ".txt"]
            changed = texts[: max(1, round(size / 100))]
            for f in changed:
                with open(f, "a") as fh:
                    fh.write("\nRussia and Iran signed a further agreement in Moscow in May 2025.\n")
            refresh = irpipe_run(tmp / "in", tmp / "out", env)
            row = {"step": "scale", "size": size, "pdfs": min(n_pdfs, size), "paragraphs_per_doc": per_doc,
                   "workers": workers, "cold": cold,
                   "unchanged": again, "changed_1pct": {**refresh, "changed": len(changed)},
                   "cold_s_per_doc": round(cold["seconds"] / size, 3),
                   "unchanged_pct_of_cold": round(100 * again["seconds"] / cold["seconds"], 1)}
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def workers_ratio(n_docs: int) -> dict:
    """Documents per second of a warm pool of 1 process against one of 2, on the same text documents."""
    from flows.workers import WarmPool
    from pipeline.settings import get_settings

    paras = paragraphs()
    settings = get_settings().model_copy(update={"offline": True})
    out = {"step": "workers_ratio", "documents": n_docs}
    with tempfile.TemporaryDirectory(prefix="irpipe-ratio-") as tmp:
        files = make_corpus(Path(tmp) / "in", n_docs, 0, paras)
        for n in (1, 2):
            with WarmPool(n, settings) as pool:
                t0 = time.perf_counter()
                futures = [pool.submit(str(f), str(Path(tmp) / f"out{n}"), settings) for f in files]
                results = pool.client.gather(futures)
                seconds = time.perf_counter() - t0
            out[f"workers_{n}"] = {"seconds": round(seconds, 1), "docs_per_s": round(n_docs / seconds, 3),
                                   "load_s": [round(s, 1) for s in pool.warm_seconds],
                                   "ok": sum(r["status"] == "ok" for r in results)}
    out["ratio"] = round(out["workers_2"]["docs_per_s"] / out["workers_1"]["docs_per_s"], 2)
    print(json.dumps(out), flush=True)
    return out


def inbox_latency(port: int = 4299) -> dict:
    """Drop-to-done latency of a warm serve against the bare in-process time of the same documents."""
    from flows.workers import warm_up
    from pipeline.process import process_path
    from pipeline.settings import get_settings

    paras = paragraphs()
    settings = get_settings().model_copy(update={"offline": True})
    pdf = next(p for p in sorted((EXCITE / "en").glob("*.pdf")) if _pages(p) == 10)
    rows = {"step": "inbox", "pdf": pdf.name}
    with tempfile.TemporaryDirectory(prefix="irpipe-inbox-") as tmp:
        tmp = Path(tmp)
        page = tmp / "page.txt"
        page.write_text("A text page\n\n" + "\n\n".join(random.Random(SEED).sample(paras, 4)) + "\n")
        warm_up(settings)
        bare = {}
        for f in (page, pdf):
            best = None
            for i in range(2):
                t0 = time.perf_counter()
                process_path(f, tmp / f"bare{i}", settings)
                best = min(best or 1e9, time.perf_counter() - t0)
            bare[f.name] = round(best, 2)
        env = _env(IRPIPE_CORPUS_DIR=str(tmp / "corpus"), PREFECT_HOME=str(tmp / "prefect-home"),
                   IRPIPE_SERVE_POLL_SECONDS="1", IRPIPE_OFFLINE="true")
        proc = subprocess.Popen([PY, "-m", "irpipe", "serve", "-o", str(tmp / "out"), "--port", str(port)], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        lines: list[tuple[float, str]] = []
        reader = threading.Thread(target=lambda: [lines.append((time.perf_counter(), ln)) for ln in proc.stdout],
                                  daemon=True)
        reader.start()
        try:
            _wait(lines, "ready", 900)
            inbox = tmp / "corpus" / "inbox"
            for f in (page, pdf):
                t0 = time.perf_counter()
                shutil.copy(f, inbox / f".{f.name}.partial")
                os.replace(inbox / f".{f.name}.partial", inbox / f.name)
                at, line = _wait(lines, f"{f.name} ", 900, after=t0, status=("ok", "partial", "failed"))
                served = float(line.split(" s")[0].split()[-1])
                pipeline = float(line.split("(pipeline ")[1].split()[0]) if "(pipeline " in line else None
                rows[f.name] = {"drop_to_line_s": round(at - t0, 2), "serve_reports_s": served, "bare_s": bare[f.name],
                                "worker_pipeline_s": pipeline, "ratio": round(served / bare[f.name], 2),
                                "line": line.strip()}
            # the bare time again, after serve, so that a change of the machine's load shows
            for f in (page, pdf):
                t0 = time.perf_counter()
                process_path(f, tmp / "bare-after", settings)
                rows[f.name]["bare_after_s"] = round(time.perf_counter() - t0, 2)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=120)
    print(json.dumps(rows), flush=True)
    return rows


def _pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


def _wait(lines, needle: str, timeout: float, after: float = 0.0, status: tuple[str, ...] = ()):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for at, line in list(lines):
            if at >= after and needle in line and (not status or line.split()[1:2] and line.split()[1] in status):
                return at, line
        time.sleep(0.1)
    raise TimeoutError(f"no line with {needle!r} within {timeout} s: {[ln for _, ln in lines][-5:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 300, 1000])
    ap.add_argument("--pdfs", type=int, default=0, help="dev PDFs in each corpus (the rest are text documents)")
    ap.add_argument("--paragraphs", type=int, default=PARAGRAPHS_PER_DOC, help="paragraphs per text document")
    ap.add_argument("--workers", type=int, default=2, help="worker processes of irpipe run (IRPIPE_WORKERS)")
    ap.add_argument("--workers-ratio", type=int, default=0, help="documents for the 1-vs-2 worker comparison")
    ap.add_argument("--inbox", action="store_true", help="measure the warm inbox latency")
    ap.add_argument("--json", type=Path, help="write every step's result here too")
    args = ap.parse_args()
    os.environ.setdefault("PYTHONPATH", str(ROOT))
    results = []
    if args.inbox:
        results.append(inbox_latency())
    if args.workers_ratio:
        results.append(workers_ratio(args.workers_ratio))
    if args.sizes:
        results.extend(scale(args.sizes, args.pdfs, args.workers, args.paragraphs))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
