"""The only module of ``eval/`` that touches the pipeline's API.

Everything the evaluation tasks need from ``pipeline`` goes through these functions, so a change of the
library (a stage registry, typed records instead of dicts) is absorbed here:

* :func:`load_models` — load every model once in this process (a worker's initializer).
* :func:`process_document` — the whole pipeline on one file, stage by stage, recording stage errors.
* :func:`extract_references` — only what the reference list needs (ingest, structure, citations).
* :func:`extract_front_matter` — only what the metadata needs (ingest, structure).
* :func:`reference_strings`, :func:`front_matter` — read a processed document into plain values.
* :func:`load_document` — a saved ``document.json``.
* :func:`current_step` — what this process is working on (for time-out messages).

Pipeline imports stay inside the functions: the runner and its tests import this module without loading
spaCy or torch.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The enrichment stage that adds ``doc.references`` (the stages up to it are all the references need).
REFERENCE_STAGE = "citations"

_WARM_UP_TEXT = (
    "# Warm-up\n\n## Introduction\n\nRussia and Iran signed a treaty in Moscow in January 2025 (Waltz, 1979). "
    "Keohane and Nye (1977) would read the agreement as a sign of complex interdependence.\n\n"
    "## Analysis\n\nThe United States imposed sanctions on Iran in 2018, and China expanded its trade with both.\n\n"
    "## References\n\n"
    "Keohane, R. O., & Nye, J. S. (1977). Power and Interdependence. Boston: Little, Brown.\n\n"
    "Waltz, K. N. (1979). Theory of International Politics. Reading, MA: Addison-Wesley.\n"
)


@dataclass
class StageError:
    stage: str
    error_type: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"stage": self.stage, "error_type": self.error_type, "message": self.message}


@dataclass
class Processed:
    """The outcome of one file: ``status`` is ``ok``, ``partial`` (written, some stage raised) or ``failed``."""

    path: str
    status: str
    seconds: float
    doc: Any = None  # the pipeline's document object, or None when failed
    pages: int | None = None
    error_code: str | None = None  # the pipeline's ingestion error code (E001-E011)
    error_type: str | None = None
    error: str | None = None
    failed_stage: str | None = None
    stage_errors: list[StageError] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    output: str | None = None


#: What this process is doing now: read by :func:`current_step` when a time limit stops a document.
_CURRENT: dict[str, Any] = {}


def current_step() -> str:
    """The file and stage this process is working on, and for how long (for time-out messages)."""
    if not _CURRENT:
        return "no document in progress"
    done = ", ".join(f"{k} {v:.0f} s" for k, v in _CURRENT.get("done", {}).items())
    return (f"stuck in stage {_CURRENT['stage']} for {time.perf_counter() - _CURRENT['since']:.0f} s"
            + (f" after {done}" if done else ""))


def _enter(stage: str, done: dict[str, float]) -> None:
    _CURRENT.update(stage=stage, since=time.perf_counter(), done=dict(done))


def load_models(*, threads: int | None = None) -> None:
    """Load the models of every stage once in this process, by running the pipeline on a short text.

    Args:
        threads: limit torch's intra-op threads (workers sharing few CPUs); None leaves the default.
    """
    if threads is not None:
        try:
            import torch

            torch.set_num_threads(threads)
        except ImportError:
            pass
    from pipeline.process import process_file

    process_file("warm-up.md", data=_WARM_UP_TEXT.encode())


def _run(path: str | Path, *, last_stage: str | None, with_enrichment: bool, output_dir: str | Path | None) -> Processed:
    from pipeline.errors import IngestError
    from pipeline.export import write_document
    from pipeline import registry
    from pipeline.process import assemble, ingest, run_stage
    from pipeline.settings import get_settings

    settings = get_settings()
    t0 = time.perf_counter()
    out = Processed(path=str(path), status="failed", seconds=0.0)
    step = "ingest"
    _CURRENT.clear()
    _enter(step, out.stage_seconds)
    try:
        t = time.perf_counter()
        ing = ingest(path, settings)
        out.pages = ing.raw.pages
        out.stage_seconds["ingest"] = round(time.perf_counter() - t, 3)
        step = "structure"
        _enter(step, out.stage_seconds)
        t = time.perf_counter()
        doc = assemble(ing, settings)
        out.stage_seconds["structure"] = round(time.perf_counter() - t, 3)
    except IngestError as exc:
        out.error_code, out.error_type, out.error, out.failed_stage = exc.code, "IngestError", exc.reason, step
        out.seconds = round(time.perf_counter() - t0, 3)
        return out
    except Exception as exc:
        out.error_type, out.error, out.failed_stage = type(exc).__name__, str(exc)[:500], step
        out.seconds = round(time.perf_counter() - t0, 3)
        return out
    if with_enrichment:
        for spec in registry.stages(settings):
            name = spec.name
            _enter(name, out.stage_seconds)
            t = time.perf_counter()
            doc = run_stage(doc, spec, settings)  # records a stage's exception on the document
            out.stage_seconds[name] = round(time.perf_counter() - t, 3)
            if name == last_stage:
                break
    out.stage_errors = [StageError(e.stage, e.code, e.message[:500]) for e in doc.stage_errors]
    out.doc = doc
    out.status = "partial" if out.stage_errors else "ok"
    if output_dir is not None:
        try:
            out.output = str(write_document(doc, output_dir))
        except Exception as exc:
            out.status, out.failed_stage = "failed", "export"
            out.error_type, out.error = type(exc).__name__, str(exc)[:500]
    out.seconds = round(time.perf_counter() - t0, 3)
    _CURRENT.clear()
    return out


def process_document(path: str | Path, *, output_dir: str | Path | None = None) -> Processed:
    """The whole pipeline on one file, as ``process_path`` runs it, but one stage at a time.

    An ingestion error makes the document ``failed`` (with the pipeline's error code); an exception in
    an enrichment stage is recorded and the later stages still run (``partial``). With ``output_dir``
    the document is written there as ``document.json``; a failed write makes it ``failed``.
    """
    return _run(path, last_stage=None, with_enrichment=True, output_dir=output_dir)


def extract_references(path: str | Path) -> Processed:
    """Ingest, structure and the stages up to the one that adds the references (no entity/theory models)."""
    return _run(path, last_stage=REFERENCE_STAGE, with_enrichment=True, output_dir=None)


def extract_front_matter(path: str | Path) -> Processed:
    """Ingest and structure only: the metadata is filled by the structure step."""
    return _run(path, last_stage=None, with_enrichment=False, output_dir=None)


@dataclass
class Reference:
    text: str
    origin: str  # "reference_list" or "footnote"


def reference_strings(doc: Any) -> list[Reference]:
    """The document's extracted references, all origins, in document order."""
    if doc is None:
        return []
    return [Reference(text=r.text or "", origin=r.origin) for r in doc.references]


def front_matter(doc: Any) -> dict[str, Any]:
    """title, authors (list of names), doi, abstract, journal, year from the document's metadata."""
    if doc is None:
        return {"title": None, "authors": [], "doi": None, "abstract": None, "journal": None, "year": None}
    m = doc.metadata
    return {
        "title": m.title,
        "authors": [a.name for a in m.authors],
        "doi": m.doi,
        "abstract": m.abstract,
        "journal": m.journal,
        "year": m.year,
    }


def load_document(path: str | Path) -> Any:
    """A ``document.json`` written by :func:`process_document`."""
    from pipeline.export import load_document as _load

    return _load(path)


def pipeline_revision() -> str:
    """The pipeline's version string (the git commit is added by the runner)."""
    from pipeline import __version__

    return __version__


def _ingest_digest() -> str:
    """Digest of what a reading depends on: the readers (``pipeline/ingest/``), the shared patterns they use
    (``pipeline/text/``: reference headings, numbering) and the values of the settings those files name; a
    cached reading is reused while all are unchanged. Settings are read by value, not as a file, so adding an
    unrelated setting does not force a re-reading of the whole corpus."""
    import hashlib
    import re

    from pipeline.settings import get_settings

    pipe = Path(__file__).resolve().parent.parent / "pipeline"
    h = hashlib.sha256()
    words: set[str] = set()
    for f in [*sorted((pipe / "ingest").rglob("*.py")), *sorted((pipe / "text").rglob("*.py"))]:
        src = f.read_bytes()
        h.update(str(f.relative_to(pipe)).encode())
        h.update(src)
        words.update(re.findall(r"[a-z][a-z0-9_]+", src.decode("utf-8", "replace")))
    values = get_settings().model_dump(mode="json")
    h.update(json.dumps({k: v for k, v in sorted(values.items()) if k in words}, sort_keys=True).encode())
    return h.hexdigest()[:12]


def ingest_cached(path: str | Path, cache_dir: str | Path) -> Any:
    """The reader's output for ``path``, kept as a pickle in ``cache_dir`` (keyed by content and reader code)."""
    import hashlib
    import pickle

    from pipeline.process import ingest
    from pipeline.settings import get_settings

    data = Path(path).read_bytes()
    key = f"{hashlib.sha256(data).hexdigest()[:16]}-{_ingest_digest()}.pkl"
    cache = Path(cache_dir) / key
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    ing = ingest(path, get_settings(), data=data)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{time.time_ns()}.tmp")
    tmp.write_bytes(pickle.dumps(ing))
    tmp.replace(cache)
    return ing


def extract_references_cached(path: str | Path, cache_dir: str | Path) -> Processed:
    """Like :func:`extract_references`, on a cached reading of the file (:func:`ingest_cached`)."""
    from pipeline import registry
    from pipeline.errors import IngestError
    from pipeline.process import assemble, run_stage
    from pipeline.settings import get_settings

    settings = get_settings()
    t0 = time.perf_counter()
    out = Processed(path=str(path), status="failed", seconds=0.0)
    try:
        t = time.perf_counter()
        ing = ingest_cached(path, cache_dir)
        out.pages = ing.raw.pages
        out.stage_seconds["ingest"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        doc = assemble(ing, settings)
        out.stage_seconds["structure"] = round(time.perf_counter() - t, 3)
    except IngestError as exc:
        out.error_code, out.error_type, out.error, out.failed_stage = exc.code, "IngestError", exc.reason, "ingest"
        out.seconds = round(time.perf_counter() - t0, 3)
        return out
    for spec in registry.stages(settings):
        t = time.perf_counter()
        doc = run_stage(doc, spec, settings)
        out.stage_seconds[spec.name] = round(time.perf_counter() - t, 3)
        if spec.name == REFERENCE_STAGE:
            break
    out.stage_errors = [StageError(e.stage, e.code, e.message[:500]) for e in doc.stage_errors]
    out.doc = doc
    out.status = "partial" if out.stage_errors else "ok"
    out.seconds = round(time.perf_counter() - t0, 3)
    return out


def citation_counts(doc: Any) -> dict[str, dict[str, int]]:
    """Citation kind -> status -> count."""
    out: dict[str, dict[str, int]] = {}
    for c in (doc.citations if doc is not None else []):
        d = out.setdefault(c.kind, {})
        d[c.status] = d.get(c.status, 0) + 1
    return out

# ---------------------------------------------------------------- claim support (task ``claims``)


def support_settings(**overrides: Any) -> Any:
    """A ``Settings`` object with ``overrides`` (the claims task serves its sources on 127.0.0.1)."""
    from pipeline.settings import Settings

    return Settings(**overrides)


def process_and_fetch(article_paths: list[str | Path], output_dir: str | Path, settings: Any) -> dict:
    """Each article through the whole pipeline (no Prefect), then the real ``fetch-sources`` flow over them
    (fetch, process the sources, check every citation's claim). Needs a Prefect API (the caller's harness)."""
    from flows.fetch_sources import fetch_sources
    from pipeline.process import process_path

    paths = [str(process_path(p, output_dir, settings)[1]) for p in article_paths]
    summary = fetch_sources(paths, str(output_dir), settings=settings)
    return {"documents": paths, "summary": summary}


def citation_support(doc: Any) -> list[dict[str, Any]]:
    """One plain record per citation of a processed document: where it is and its support verdict."""
    out = []
    for c in doc.citations:
        s = c.support
        out.append({"citation_id": c.id, "kind": c.kind, "start": c.start, "end": c.end, "text": c.text,
                    "status": s.status if s else None, "score": s.score if s else None,
                    "reason": s.reason if s else None, "claim": s.claim if s else None,
                    "checks": [x.model_dump() for x in s.checks] if s else [],
                    "evidence": [e.quote for e in s.evidence] if s else []})
    return out


def recheck_support(doc_json: str | Path, output_dir: str | Path, settings: Any) -> tuple[str, list[dict[str, Any]]]:
    """The support stage again on a written article with other settings (threshold sweeps); nothing is
    written. Returns the document's text and :func:`citation_support` of the result."""
    from pipeline.support import check_article

    doc = check_article(load_document(doc_json), output_dir, settings)
    return doc.text, citation_support(doc)


def check_records(checks: list[Any]) -> list[Any]:
    """Recorded checks (dicts) as the pipeline's ``SupportCheck`` records (others passed through)."""
    from pipeline.model import SupportCheck

    return [SupportCheck(**c) if isinstance(c, dict) else c for c in checks]


def replay_status(score: float | None, checks: list[Any], settings: Any) -> str:
    """The support stage's verdict rule (``pipeline.support.decide``) on a recorded best score and checks:
    the score and the checks do not depend on the verdict's thresholds, so a threshold sweep needs no
    re-run of the retrieval. ``settings``: anything with the ``support_*`` threshold attributes."""
    from types import SimpleNamespace

    from pipeline.support import decide

    best = None if score is None else SimpleNamespace(score=score)
    return decide(best, check_records(checks), settings)[0]
