"""Theory stage against bare encoding of the same passages (goal: at most 1.2x).

Run: ``.venv/bin/python bench/theory_benchmark.py [REPEATS]``. The bare side is the encoder alone
doing what the stage's passage vectors need, with the same batch size: ``model.encode`` of every
sentence for sentence-mean pooling, of every paragraph for paragraph pooling (with a fine-tuned
layer file applied when the model has one). The stage side is the whole stage function on the same
passages: encoding, zero-shot features, head, calibration, dimensions, evidence, neighbours and the
summary. Both warm (models loaded), best of ``REPEATS``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTICLE = ROOT / "corpus" / "articles" / "akhlaghi-2025-russia-iran.md"


from bench.timing import best  # noqa: E402  (after the sys.path line)


def theory_vs_bare(doc, settings, repeat: int = 3, copies: int = 3) -> dict:
    """Seconds for bare encoding and for the stage on the document's body passages ``copies`` times over."""
    from pipeline.theory import annotate_theory, load_bundle
    from pipeline.theory.classify import MODEL_DIR, encoder_for

    bundle = load_bundle()
    model = encoder_for(bundle, settings, MODEL_DIR)
    big = doc.model_copy(deep=True)
    big.passages = [p for p in big.passages if p.kind == "body"] * copies
    sents = [big.text[s.start:s.end] for p in big.passages for s in p.sentences]
    paras = [p.text for p in big.passages]
    inputs = sents if bundle["pooling"] == "sentence_mean" else paras

    def bare():
        model.encode(inputs, batch_size=settings.embedding_batch_size, normalize_embeddings=True,
                     show_progress_bar=False, convert_to_numpy=True)

    annotate_theory(big.model_copy(deep=True), settings)  # warm: model, descriptions
    t_bare = best(bare, repeat)
    t_stage = best(lambda: annotate_theory(big.model_copy(deep=True), settings), repeat)
    return {"passages": len(paras), "sentences": len(sents), "pooling": bundle["pooling"], "bare_s": t_bare,
            "stage_s": t_stage, "ratio": t_stage / t_bare}


def main() -> None:
    from pipeline.process import process_file
    from pipeline.settings import get_settings

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    settings = get_settings()
    doc = process_file(ARTICLE, settings)
    r = theory_vs_bare(doc, settings, repeat)
    print(f"Theory: {r['passages']} passages ({r['sentences']} sentences, pooling {r['pooling']}): bare encoding "
          f"{r['bare_s']:.2f} s, theory stage {r['stage_s']:.2f} s ({r['passages'] / r['stage_s']:.1f} passages/s), "
          f"ratio {r['ratio']:.2f}")


if __name__ == "__main__":
    main()
