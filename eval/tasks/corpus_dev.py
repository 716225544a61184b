"""Task ``corpus_dev``: the ``corpus`` task on the six development PDFs of ``tests/data`` (a sanity check).

Their reference lists are what the splitter was tuned on; ``tests/test_citations.py`` asserts its own,
more lenient rule on them (recall >= 0.95, precision >= 0.90 over reference-list strings, known to give
about 96.6% and 90.8%), so the section says how the two rules relate on these papers.
"""

from __future__ import annotations

from dataclasses import replace

from eval.registry import ROOT, Options, Outcome, register
from eval.report import pct
from eval.tasks.corpus import run_corpus

DEV_DATA = ROOT / "tests" / "data"


def comparison(metrics: dict) -> str:
    """A paragraph relating the harness's figures to the figures of the unit test's rule."""
    m = metrics["all"]
    lenient = m["lenient_reference_list"]
    listed = m["by_origin"].get("reference_list", {"extracted": 0, "matched": 0, "precision": None})
    notes = m["by_origin"].get("footnote", {"extracted": 0, "matched": 0})
    return (
        f"Against the unit test's figures (about 96.6% recall and 90.8% precision): its lenient rule gives "
        f"{pct(lenient['recall'])} and {pct(lenient['precision'])} here, and this harness's one-to-one rule over "
        f"reference-list strings alone gives {pct(listed['matched'] / m['gold'] if m['gold'] else None)} recall and {pct(listed['precision'])} precision "
        f"({listed['matched']} of {listed['extracted']}). The all-origin precision ({pct(m['precision'])}) is lower "
        f"because the citations stage also turns every footnote that holds a year, a URL or a quotation mark into "
        f"a reference: {notes['extracted']} footnote strings here, {notes['matched']} of them in the gold, which lists "
        f"the end-of-paper references only."
    )


@register("corpus_dev", title="Sanity check: the six development PDFs", order=11)
def run(opts: Options) -> Outcome:
    # always the six papers, as one group "dev": --group and --data are meant for the corpus
    out = run_corpus(replace(opts, group=None, data=None), name="corpus_dev", default_data=DEV_DATA, folder_group="dev")
    out.markdown = out.markdown + "\n\n" + comparison(out.metrics)
    return out
