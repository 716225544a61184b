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
    if all(len(t) <= nlp.max_length for t in texts):
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    else:
        docs = [_parse_long(nlp, t, batch_size) if len(t) > nlp.max_length else d
                for t, d in zip(texts, _pipe_short(nlp, texts, batch_size))]
    _CACHE[key] = docs
    while len(_CACHE) > PARSE_CACHE_DOCUMENTS:
        _CACHE.popitem(last=False)
    return docs


def _pipe_short(nlp, texts: list[str], batch_size: int) -> list:
    """Parses of the texts within ``nlp.max_length`` (None in the places of longer ones)."""
    short = [t for t in texts if len(t) <= nlp.max_length]
    parsed = iter(nlp.pipe(short, batch_size=batch_size))
    return [next(parsed) if len(t) <= nlp.max_length else None for t in texts]


def _parse_long(nlp, text: str, batch_size: int):
    """One ``Doc`` for a text longer than ``nlp.max_length``, parsed in pieces.

    spaCy refuses such a text (E088). The structure stage keeps passages far below the limit
    (``max_passage_chars``), so this is for other callers: the text is cut at sentence ends
    (:func:`pipeline.text.chunking.chunk_spans`), the pieces parsed, and the parses joined with
    ``Doc.from_docs`` without added whitespace, so the joined ``Doc``'s text, and every
    character offset into it, is the original's.
    """
    from spacy.tokens import Doc

    from pipeline.text.chunking import chunk_spans

    pieces = [text[s:e] for s, e in chunk_spans(text, nlp.max_length)]
    return Doc.from_docs(list(nlp.pipe(pieces, batch_size=batch_size)), ensure_whitespace=False)


def gazetteer() -> Gazetteer:
    return load_gazetteer()
