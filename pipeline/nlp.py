"""The spaCy pipeline shared by the entity and event stages, loaded once per process.

The statistical model named in ``settings.spacy_model`` gets an ``entity_ruler``
*before* its ``ner``: gazetteer spans are fixed first and the statistical NER
fills the rest, so the ruler overrides the model's known mistakes on IR text
(BRICS labelled as a place, treaty names split). The lemmatizer stays: the events stage reads trigger lemmas.
Parsed passages are cached per document so the events stage does not parse again.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from pipeline.gazetteer import Gazetteer, load_gazetteer

DISABLED: tuple[str, ...] = ()
_CACHE: "OrderedDict[tuple[str, str], list]" = OrderedDict()
_CACHE_SIZE = 2


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


def parse_passages(doc_id: str, texts: list[str], model_name: str, batch_size: int = 64) -> list:
    """spaCy Docs for ``texts``; the last two documents' parses are kept in memory."""
    key = (doc_id, model_name)
    if key in _CACHE and len(_CACHE[key]) == len(texts):
        _CACHE.move_to_end(key)
        return _CACHE[key]
    nlp = load_nlp(model_name)
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    _CACHE[key] = docs
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return docs


def gazetteer() -> Gazetteer:
    return load_gazetteer()
