"""Theory stage: which passages argue from which IR theory, with dimensions and evidence.

Two lenses, defined in ``docs/theory-codebook.md`` from the literature:

* **Complex interdependence** (Keohane and Nye, *Power and Interdependence*, 1977): multiple
  channels connecting societies, no hierarchy among issues, a minor role of military force, and
  interdependence as sensitivity and vulnerability. Dimensions ``multiple_channels``,
  ``no_issue_hierarchy``, ``declining_military_force``, ``sensitivity``, ``vulnerability``.
* **New world order**: Slaughter's networked order of disaggregated states (*A New World
  Order*, 2004) and the debate on a plural, post-hegemonic order (Acharya 2014; Stuenkel 2016).
  Dimensions ``transgovernmental_networks``, ``multipolarity``, ``alternative_institutions``.

A passage gets ``new_world_order``, ``complex_interdependence``, ``both`` or ``neither`` from
two calibrated theory scores (Platt 1999), each compared with its theory's threshold (0.5, or the
per-theory threshold the model was trained with: round 5, chosen out of fold for F1); when either
lies within the setting ``theory_abstain_band`` of its threshold the passage is ``abstained`` and
shown as "uncertain". The
model, its training and its measured figures: ``pipeline.theory.train`` and
``models/theory/README.md``. The zero-shot descriptions come from the codebook
(``pipeline.theory.codebook``).
"""

from __future__ import annotations

from pipeline.model import Document, TheoryResult, TheorySummary
from pipeline.registry import DataFile, ModelPackage, stage
from pipeline.settings import Settings
from pipeline.theory.classify import MODEL_DIR, MODEL_FILE, classify_texts, load_bundle
from pipeline.theory.codebook import CODEBOOK, load_descriptions
from pipeline.theory.encoder import load_encoder, resolve_model_path, split_sentences
from pipeline.theory.labels import (ALL_DIMS, DIMENSIONS, LABELS, SHOWN_LABELS, THEORIES, UNCERTAIN, combine,
                                    shown_label)

ENCODER_DELTA = MODEL_DIR / "encoder-delta.safetensors"

__all__ = ["ALL_DIMS", "CODEBOOK", "DIMENSIONS", "LABELS", "MODEL_DIR", "MODEL_FILE", "SHOWN_LABELS", "THEORIES",
           "UNCERTAIN", "annotate_theory", "classify_texts", "combine", "load_bundle", "load_descriptions",
           "load_encoder", "resolve_model_path", "shown_label", "split_sentences", "summarise"]


def summarise(results: list[TheoryResult], sections: list[str], experimental: list[str]) -> TheorySummary:
    """Counts and shares per shown label (abstained passages as "uncertain"), overall and per section."""
    counts = {lab: 0 for lab in SHOWN_LABELS}
    per_section: dict[str, dict[str, int]] = {}
    for res, sec in zip(results, sections):
        lab = shown_label(res.label, res.abstained)
        counts[lab] += 1
        per_section.setdefault(sec, {k: 0 for k in SHOWN_LABELS})[lab] += 1
    n = len(results)
    return TheorySummary(
        passages=n,
        counts=counts,
        share={lab: round(c / n, 3) for lab, c in counts.items()} if n else {},
        abstained=counts[UNCERTAIN],
        uncertain_share=round(counts[UNCERTAIN] / n, 3) if n else 0.0,
        per_section={sec: {lab: round(c / max(sum(cs.values()), 1), 3) for lab, c in cs.items()}
                     for sec, cs in per_section.items()},
        experimental_dimensions=experimental,
    )


@stage(
    "theory",
    needs=("passages",),
    adds=("passages.theory", "theory_summary"),
    settings=("embedding_model", "embedding_batch_size", "theory_abstain_band"),
    resources=(ModelPackage("embedding_model", libraries=("sentence-transformers",)),
               DataFile("theory-model", MODEL_FILE), DataFile("theory-encoder", ENCODER_DELTA),
               DataFile("theory-codebook", CODEBOOK)),
    code=("pipeline.theory.labels", "pipeline.theory.codebook", "pipeline.theory.encoder",
          "pipeline.theory.calibration", "pipeline.theory.classify"),
    languages=("en",),
)
def annotate_theory(doc: Document, settings: Settings) -> Document:
    """The stage function: ``theory`` on every body passage, ``theory_summary`` on the document."""
    body = [p for p in doc.passages if p.kind == "body"]
    if not body:
        doc.warnings.append("theory: no body passages to classify")
        doc.theory_summary = TheorySummary()
        return doc
    bundle = load_bundle()
    from pipeline.theory.codebook import descriptions_digest

    if bundle["zero_shot"] and bundle["descriptions_digest"] != descriptions_digest(load_descriptions(CODEBOOK)):
        doc.warnings.append("theory: the codebook's descriptions changed after the model was trained; "
                            "retrain with `irpipe train-theory`")
    sentences = [[doc.text[s.start : s.end] for s in p.sentences] or [p.text] for p in body]
    results = classify_texts([p.text for p in body], settings, sentences=sentences)
    sections = {s.id: s.heading for s in doc.sections}
    for p, res in zip(body, results):
        p.theory = TheoryResult.model_validate(res)
    doc.theory_summary = summarise([p.theory for p in body], [sections.get(p.section_id or "", "(none)") for p in body],
                                   list(bundle.get("experimental_dimensions", [])))
    doc.provenance.models[settings.embedding_model] = _embedding_version(settings.embedding_model)
    return doc


def _embedding_version(name: str) -> str:
    return ModelPackage("embedding_model").version(Settings(embedding_model=name)).split(";")[0].split("==", 1)[-1]
