"""The corpus store: concurrent recording, and ``is_up_to_date`` from the store vs parsing document.json.

* two processes record 200 results each into one output folder (one transaction and one index.json
  rewrite per result, as ``process-corpus`` does): wall time and entries kept (before the store, 202
  of 400 survived);
* ``is_up_to_date`` for the reference article's document.json: the store's row vs the old way
  (parsing the document's JSON for its provenance), best of 200 calls each; the ratio is old / new.

Run: ``.venv/bin/python bench/store_benchmark.py``.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import best  # noqa: E402  (after the sys.path line)


def _writer(out: str, name: str, n: int) -> None:
    from pipeline.export import now_iso, record_result
    from pipeline.model import ManifestEntry

    for i in range(n):
        record_result(out, ManifestEntry(path=f"/in/{name}{i}", doc_id=f"{name}{i}", status="ok",
                                         output=f"/o/{name}{i}", processed_at=now_iso()))


#: calls per timing: each is a fraction of a millisecond, so the best of many is the undisturbed one
REPEAT = 200


def main() -> None:
    from pipeline import storage
    from pipeline.export import read_manifest, write_document
    from pipeline.process import is_up_to_date, process_file, stage_keys
    from pipeline.settings import get_settings

    work = Path(tempfile.mkdtemp(prefix="irpipe-store-bench-"))
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(work / "rec"), name, 200)) for name in ("a", "b")]
    t = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    wall = time.perf_counter() - t
    print(f"2 processes x 200 results: {wall:.1f} s wall ({wall / 400 * 1000:.0f} ms per result, including "
          f"process start), {len(read_manifest(work / 'rec').documents)} of 400 entries kept")

    settings = get_settings()
    doc = process_file(ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md", settings)
    path = write_document(doc, work / "out")
    sha = doc.source.sha256

    def old_way() -> bool:  # what is_up_to_date did before the store
        if not storage.exists(path):
            return False
        prov = json.loads(storage.read_text(path)).get("provenance", {})
        return prov.get("stage_keys") == stage_keys(sha, settings)

    assert old_way() and is_up_to_date(path, sha, settings)
    old = best(old_way, REPEAT)
    new = best(lambda: is_up_to_date(path, sha, settings), REPEAT)
    keys = best(lambda: stage_keys(sha, settings), REPEAT)
    print(f"is_up_to_date on a {path.stat().st_size / 1e6:.2f} MB document.json: parse {old * 1000:.2f} ms, "
          f"store {new * 1000:.2f} ms (of which {keys * 1000:.2f} ms computing the expected keys): ratio {old / new:.1f}")


if __name__ == "__main__":
    main()
