"""The spaCy pipeline shared by the entity and event stages, loaded once per process.

The statistical model named in ``settings.spacy_model`` gets an ``entity_ruler``
*before* its ``ner``: gazetteer spans are fixed first and the statistical NER
fills the rest, so the ruler overrides the model's known mistakes on IR text
(BRICS labelled as a place, treaty names split). The lemmatizer stays: the events stage reads trigger lemmas.
Parses are cached by content: the events stage asks for the same passages the entity stage
parsed and gets the same ``Doc`` objects back, keyed by the digest of the texts and the model
name, so no stage can be handed another document's parse.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from functools import lru_cache

from pipeline.gazetteer import Gazetteer, load_gazetteer

DISABLED: tuple[str, ...] = ()
# The parses of the last two documents stay in memory: one being annotated, one for a
# stage retried or run in the other order. A parse of a long article is a few hundred MB.
PARSE_CACHE_DOCUMENTS = 2
_CACHE: "OrderedDict[tuple[str, str], list]" = OrderedDict()


@lru_cache(maxsize=2)
def load_nlp(model_name: str):
    """spaCy pipeline + gazetteer ruler (cached per model name)."""
    import spacy

    nlp = spacy.load(model_name, exclude=list(DISABLED))
    gaz = load_gazetteer()
    ruler = nlp.add_pipe("entity_ruler", before="ner" if "ner" in nlp.pipe_names else None,
                         config={"overwrite_ents": True, "validate": False})
    ruler.add_patterns(gaz.ruler_patterns())
    return nlp


def model_version(model_name: str) -> str:
    nlp = load_nlp(model_name)
    return f"{nlp.meta.get('name', model_name)}-{nlp.meta.get('version', '?')}"


def _texts_digest(texts: list[str]) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(len(t).to_bytes(8, "little"))
        h.update(t.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def parse_texts(texts: list[str], model_name: str, batch_size: int = 64) -> list:
    """spaCy Docs for ``texts``, shared by every stage that asks for the same texts and model."""
    key = (_texts_digest(texts), model_name)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    nlp = load_nlp(model_name)
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    _CACHE[key] = docs
    while len(_CACHE) > PARSE_CACHE_DOCUMENTS:
        _CACHE.popitem(last=False)
    return docs


def gazetteer() -> Gazetteer:
    return load_gazetteer()
