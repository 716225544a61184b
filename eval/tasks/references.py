"""Task ``references``: the reference figures of ``corpus`` without the entity, event and theory models.

Each PDF goes through ingest, structure and the citations stage only (:func:`eval.adapter.extract_references`)
and no document is written; the matching, the per-group figures, the per-document rows
(``eval/results/references_docs.jsonl``) and the extracted strings kept for ``eval.inspect_refs`` and
``reference_errors`` are those of the ``corpus`` task (:func:`eval.tasks.corpus.run_corpus`). It is the
fast loop for work on the reader, the structure and the splitter (the stages it skips take about three
quarters of the whole pipeline's time); ``corpus`` stays the full check.
"""

from __future__ import annotations

from eval.datasets import DEFAULT_CORPUS
from eval.registry import Options, Outcome, register
from eval.tasks.corpus import run_corpus


@register("references", title="References only (ingest, structure, citations), EXCITE corpus", order=13)
def run(opts: Options) -> Outcome:
    return run_corpus(opts, name="references", default_data=DEFAULT_CORPUS, extractor="references")
