"""Warm worker processes: the models load once per long-lived process and stay loaded.

Why: loading spaCy and MiniLM costs about 13-15 s on this project's machines, several times the
work of one document, so a fresh process per document (a Prefect deployment run, a subprocess
per inbox file) spends most of its time loading. A :class:`WarmPool` is a local Dask cluster of
worker processes (one thread each, one copy of the models each); every worker loads the models
once, when the pool starts (:func:`warm_up`), and keeps them for every document it is given.

``irpipe serve`` keeps one pool for its whole life (the inbox); ``irpipe run`` starts one for a
batch large enough to pay for the extra model copies (:func:`worker_count`) and stops it at the
end. What crosses the process boundary is a path, an output folder, the settings (all pickle)
and a result dict: the worker writes ``document.json`` itself, so no document is pickled back.

The number of processes is capped three ways: the CPU cores, the documents to do, and the
memory budget (``Settings.memory_budget_mb``) divided by what one worker holds
(``WORKER_RSS_MB``).
"""

from __future__ import annotations

import logging
import os
import time

from pipeline.errors import E, IngestError
from pipeline.settings import Settings

log = logging.getLogger("irpipe")

# Peak RSS of one worker process with spaCy (parser, NER, gazetteer ruler) and MiniLM loaded, after the
# six dev PDFs and the reference article (measured: 0.95-1.1 GB); rounded up so a budget is not overrun.
WORKER_RSS_MB = 1200
# A text that goes through every stage in a few hundred ms, so processing it loads every model: over 300
# characters of body (the language model decides; shorter text leaves the language unknown), a citation
# and a reference list (the CRF reference parser), entities, an event and a date (spaCy, the gazetteer), and
# theory-bearing prose (MiniLM and the classifiers).
_WARM_TEXT = (b"Warm-up\n\n1. Introduction\n\nRussia and Iran signed a treaty in Moscow on January 17, 2025. The agreement, "
              b"according to Keohane and Nye (1977), deepens complex interdependence between the two states, "
              b"while Washington warned that the new order of great powers rests on military force.\n\n"
              b"Tehran offered Moscow a loan of $5 billion in March 2021 to build a railway to the Caspian Sea, "
              b"and the European Union imposed sanctions on both governments in response.\n\n"
              b"References\n\nKeohane, R. O., & Nye, J. S. (1977). Power and Interdependence: World Politics in "
              b"Transition. Boston: Little, Brown.\n")


def summarise(doc) -> dict:
    """What a document holds, in counts: the CLI's line for a processed document."""
    kinds: dict[str, int] = {}
    for p in doc.passages:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    return {
        "title": doc.metadata.title,
        "sections": len(doc.sections),
        "passages": kinds,
        "footnotes": len(doc.footnotes),
        "references": len(doc.references),
        "citations": len(doc.citations),
        "entities": len(doc.entities),
        "events": len(doc.events),
        "stage_errors": [e.model_dump() for e in doc.stage_errors],
    }


def outcome(path: str, doc, output: str) -> dict:
    """A run's record of one written document: ok, or partial when a stage failed."""
    status = "partial" if doc.stage_errors else "ok"
    first = doc.stage_errors[0] if doc.stage_errors else None
    return {"path": path, "status": status, "doc_id": doc.doc_id, "output": output, "summary": summarise(doc),
            "error": "; ".join(e.message for e in doc.stage_errors) or None,
            "error_code": first.code if first else None,
            "failed_stages": [e.stage for e in doc.stage_errors]}


def crashed(path: str, exc: BaseException | None, message: str | None = None) -> dict:
    """The record of a document whose processing crashed (not bad input): one line with code E013;
    the traceback goes to the log (``irpipe run`` writes it to ``<output-dir>/logs/irpipe.log``)."""
    if isinstance(exc, BaseException):
        log.error("processing %s failed", path, exc_info=exc)
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")[:300]
    else:
        log.error("processing %s failed: %s", path, message)
        detail = (message or "unknown error").splitlines()[0][:300]
    return {"path": path, "status": "failed", "error": f"{path}: {E.E013.value.format(detail=detail)} [E013]",
            "error_code": "E013"}


def worker_count(n_docs: int, settings: Settings) -> int:
    """How many worker processes a batch of ``n_docs`` documents gets (1: stay in-process)."""
    if n_docs < max(2, settings.parallel_min_documents):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    wanted = settings.workers or cores
    by_memory = max(1, settings.memory_budget_mb // WORKER_RSS_MB)
    return max(1, min(wanted, by_memory, n_docs))


def _one_thread_each() -> None:
    """One worker process per core: each keeps torch and BLAS to one thread, or two processes on two cores
    would each start two threads and fight over the cores."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch comes with sentence-transformers
        pass


def warm_up(settings: Settings) -> float:
    """Load every model in this process by processing a short text in memory; returns the seconds."""
    from pipeline.process import process_file

    t0 = time.perf_counter()
    _one_thread_each()
    process_file("warm-up.txt", settings, data=_WARM_TEXT)
    return time.perf_counter() - t0


def process_one(path: str, output_dir: str, settings: Settings) -> dict:
    """The whole pipeline on one file, written to ``output_dir``: the run's record of it (never raises)."""
    from pipeline.process import process_path

    t0 = time.perf_counter()
    try:
        doc, out = process_path(path, output_dir, settings)
        result = outcome(path, doc, str(out))
    except IngestError as err:
        result = {"path": path, "status": "failed", "error": str(err), "error_code": err.code}
    except Exception as exc:  # noqa: BLE001 - one document's crash must not end the run
        result = crashed(path, exc)
    result["seconds"] = round(time.perf_counter() - t0, 3)
    result["worker_pid"] = os.getpid()
    return result


class WarmPool:
    """A local Dask cluster of ``n`` worker processes with the models loaded in each.

    Used as a context manager; :meth:`submit` returns a Dask future of :func:`process_one`'s record.
    """

    def __init__(self, n: int, settings: Settings):
        self.n = n
        self.settings = settings
        self.cluster = None
        self.client = None
        self.warm_seconds: list[float] = []

    def start(self) -> "WarmPool":
        from distributed import Client, LocalCluster

        # threads_per_worker=1: the stages are CPU-bound Python; processes, not threads, use the cores.
        # No dashboard (no port to take, no bokeh import); Dask's own log only for errors.
        self.cluster = LocalCluster(n_workers=self.n, threads_per_worker=1, processes=True, dashboard_address=None,
                                    silence_logs=logging.ERROR)
        self.client = Client(self.cluster)
        futures = [self.client.submit(warm_up, self.settings, workers=[w], pure=False, allow_other_workers=False)
                   for w in self.client.scheduler_info()["workers"]]
        self.warm_seconds = self.client.gather(futures)
        return self

    def submit(self, path: str, output_dir: str, settings: Settings | None = None):
        return self.client.submit(process_one, path, output_dir, settings or self.settings, pure=False)

    def close(self) -> None:
        for obj in (self.client, self.cluster):
            if obj is not None:
                try:
                    obj.close()
                except Exception:  # noqa: BLE001 - closing must not hide the run's own outcome
                    log.warning("closing the worker pool failed", exc_info=True)
        self.client = self.cluster = None

    def __enter__(self) -> "WarmPool":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()


def lost_worker(path: str, exc: BaseException) -> dict:
    """The record of a document whose worker died under it (killed for memory, a crash in C code)."""
    return crashed(path, None, f"the worker process processing it died ({type(exc).__name__})")


__all__ = ["WORKER_RSS_MB", "WarmPool", "crashed", "lost_worker", "outcome", "process_one", "summarise", "warm_up",
           "worker_count"]
