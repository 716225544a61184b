"""SetFit-style contrastive fine-tuning of the encoder's top layers (Tunstall et al. 2022).

SetFit fine-tunes a sentence encoder on pairs of labelled examples, pulling passages with the
same label together and pushing passages with different labels apart (cosine-similarity loss),
then fits a simple classifier head on the new embeddings. Here only the top ``layers`` of
MiniLM are trained: the states below them are computed once per passage and reused for every
pair, which makes CPU training a matter of minutes. The pairs follow SetFit's sampling: for each
passage and iteration one partner with its label and one with another label, from a seeded
generator, so a retrain gives the same weights.

The result is saved as a safetensors file with only the trained layers, in fp16, and applied
on top of the base model at load time (``pipeline.theory.encoder.apply_delta``).
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np

# SetFit's default body learning rate (Tunstall et al. 2022 use 2e-5 for full fine-tuning).
LEARNING_RATE = 2e-5
PAIR_BATCH = 16


class LowerStates:
    """The frozen part of the encoder, run once: each passage's states below the trained layers."""

    def __init__(self, model, texts: list[str], trained_layers: int, batch_size: int = 16):
        import torch

        self.model = model
        self.bert = model[0].auto_model
        self.n_layers = len(self.bert.encoder.layer)
        self.first_trained = self.n_layers - trained_layers
        tok = model.tokenizer
        self.states: list = []
        with torch.inference_mode():
            for s in range(0, len(texts), batch_size):
                b = tok(texts[s : s + batch_size], padding=True, truncation=True, max_length=model.max_seq_length,
                        return_tensors="pt")
                hidden = self.bert(**b, output_hidden_states=True).hidden_states[self.first_trained]
                for r in range(hidden.shape[0]):
                    n = int(b["attention_mask"][r].sum())
                    self.states.append(hidden[r, :n].clone())

    def top_layers(self):
        return copy.deepcopy(self.bert.encoder.layer[self.first_trained :])

    def run(self, layers, idx) -> "torch.Tensor":  # noqa: F821
        """Normalised mean-pooled output of ``layers`` for the passages ``idx``."""
        import torch
        from transformers.masking_utils import create_bidirectional_mask

        hs = [self.states[i] for i in idx]
        L = max(h.shape[0] for h in hs)
        x = torch.zeros(len(hs), L, hs[0].shape[1])
        m = torch.zeros(len(hs), L, dtype=torch.long)
        for r, h in enumerate(hs):
            x[r, : h.shape[0]] = h
            m[r, : h.shape[0]] = 1
        am = create_bidirectional_mask(config=self.bert.config, inputs_embeds=x, attention_mask=m)
        for layer in layers:
            x = layer(x, am)
            if isinstance(x, tuple):
                x = x[0]
        v = (x * m[..., None]).sum(1) / m.sum(1, keepdim=True)
        return torch.nn.functional.normalize(v, dim=-1)


def sample_pairs(labels: list[str], iterations: int, seed: int) -> list[tuple[int, int, float]]:
    """SetFit's pairs: per passage and iteration one same-label partner (1.0) and one other (0.0)."""
    rng = np.random.default_rng(seed)
    lab = np.asarray(labels)
    idx = np.arange(len(lab))
    out: list[tuple[int, int, float]] = []
    for _ in range(iterations):
        for a in range(len(lab)):
            same = idx[(lab == lab[a]) & (idx != a)]
            diff = idx[lab != lab[a]]
            if len(same):
                out.append((a, int(rng.choice(same)), 1.0))
            if len(diff):
                out.append((a, int(rng.choice(diff)), 0.0))
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def finetune(lower: LowerStates, train_idx: list[int], labels: list[str], *, iterations: int, seed: int,
             log=None):
    """Train the top layers on pairs among ``train_idx``; returns the trained layers (eval mode)."""
    import torch

    torch.manual_seed(seed)
    layers = lower.top_layers()
    pairs = sample_pairs([labels[i] for i in train_idx], iterations, seed)
    return _fit_pairs(layers, pairs, lambda ids: lower.run(layers, [train_idx[i] for i in ids]), LEARNING_RATE,
                      log, every=20)


def _fit_pairs(layers, pairs: list[tuple[int, int, float]], vectors, lr: float, log, every: int):
    """SetFit's body step (Tunstall et al. 2022): AdamW on the cosine of each pair's vectors against 1 (same label)
    or 0 (other label), in batches of ``PAIR_BATCH``; ``vectors(ids)`` gives normalised vectors of the pairs' items
    through ``layers``. Returns the layers in eval mode."""
    import torch

    layers.train()
    opt = torch.optim.AdamW(layers.parameters(), lr=lr)
    for s in range(0, len(pairs), PAIR_BATCH):
        batch = pairs[s : s + PAIR_BATCH]
        u = vectors([a for a, _, _ in batch])
        v = vectors([b for _, b, _ in batch])
        target = torch.tensor([t for _, _, t in batch])
        loss = torch.nn.functional.mse_loss((u * v).sum(-1), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if log and (s // PAIR_BATCH) % every == 0:
            log(f"    pairs {s + len(batch)}/{len(pairs)} loss {loss.item():.3f}")
    layers.eval()
    return layers


def layer_state(lower: LowerStates, layers) -> dict:
    """The trained layers' weights under the base model's names (``encoder.layer.N.*``)."""
    out = {}
    for k, layer in enumerate(layers):
        for name, value in layer.state_dict().items():
            out[f"encoder.layer.{lower.first_trained + k}.{name}"] = value.detach().clone()
    return out


def save_delta(state: dict, path: Path) -> None:
    """fp16 safetensors of the trained layers (about 3.5 MB per MiniLM layer)."""
    import torch
    from safetensors.torch import save_file

    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.to(torch.float16).contiguous() for k, v in sorted(state.items())}, str(path))


# ---------------------------------------------------------------- the sentence-mean path (round 7)
#
# Why a second path: the paragraph path above cost 26 minutes per fold on the project's shared 2-core machine
# (two layers, whole paragraphs of up to 256 word pieces, two iterations), so it was never measured. The shipped
# model embeds a passage as the normalised mean of its sentence vectors; fine-tuning on that path needs only the
# sentences' lower-layer states, computed once per distinct sentence (shared by every fold and pair), and short
# sequences through the trained layer. models/theory/README.md, "Fine-tuning figures", gives the settings and times.

# Round 7's learning rate for the sentence-mean path: one pass of about 26-34 steps (one pair per passage, batches of PAIR_BATCH); at SetFit's 2e-5 (meant for
# 20 iterations over the pairs) the layer hardly moves in so few steps.
SENTENCE_LEARNING_RATE = 1e-4
LENGTH_BUCKET = 64  # sentences per forward pass when they are sorted by length


def sample_pairs_one(labels: list[str], seed: int) -> list[tuple[int, int, float]]:
    """Half of SetFit's pairs: per passage one partner, with its label or another one at even odds (round 7's
    cheaper sampling; the two kinds stay balanced in expectation)."""
    rng = np.random.default_rng(seed)
    lab = np.asarray(labels)
    idx = np.arange(len(lab))
    out: list[tuple[int, int, float]] = []
    for a in range(len(lab)):
        same = idx[(lab == lab[a]) & (idx != a)]
        diff = idx[lab != lab[a]]
        want_same = bool(rng.random() < 0.5)
        pool, target = (same, 1.0) if (want_same and len(same)) or not len(diff) else (diff, 0.0)
        if len(pool):
            out.append((a, int(rng.choice(pool)), target))
    order = rng.permutation(len(out))
    return [out[i] for i in order]


def passage_vectors(lower: LowerStates, layers, passage_sentences: list[list[int]], idx) -> "torch.Tensor":  # noqa: F821
    """Normalised mean of the passages' sentence vectors (``lower`` holds one state per distinct sentence)."""
    import torch

    flat = [s for i in idx for s in passage_sentences[i]]
    # sentences of similar length run together, so that a short sentence is not padded to the longest one of a
    # random batch (its effect on speed was not measured apart from the other changes: README, "Fine-tuning figures")
    order = sorted(range(len(flat)), key=lambda j: lower.states[flat[j]].shape[0])
    v = torch.empty(len(flat), lower.states[0].shape[1])
    parts, pos = [], []
    for c in range(0, len(order), LENGTH_BUCKET):
        chunk = order[c : c + LENGTH_BUCKET]
        parts.append(lower.run(layers, [flat[j] for j in chunk]))
        pos += chunk
    v = torch.cat(parts)[torch.argsort(torch.tensor(pos))]
    out, k = [], 0
    for i in idx:
        n = len(passage_sentences[i])
        out.append(v[k : k + n].mean(0))
        k += n
    return torch.nn.functional.normalize(torch.stack(out), dim=-1)


def finetune_sentence_mean(lower: LowerStates, passage_sentences: list[list[int]], train_idx: list[int],
                           labels: list[str], *, iterations: int = 1, seed: int, lr: float = SENTENCE_LEARNING_RATE,
                           one_pair: bool = True, log=None):
    """SetFit's pairs over passages (``one_pair``: one partner per passage, else SetFit's two per iteration), each
    passage the sentence mean of the trained layers' output."""
    import torch

    torch.manual_seed(seed)
    layers = lower.top_layers()
    sub = [labels[i] for i in train_idx]
    pairs = sample_pairs_one(sub, seed) if one_pair else sample_pairs(sub, iterations, seed)
    return _fit_pairs(layers, pairs,
                      lambda ids: passage_vectors(lower, layers, passage_sentences, [train_idx[i] for i in ids]), lr,
                      log, every=10)


def sentence_outputs(lower: LowerStates, layers, batch: int = 256) -> np.ndarray:
    """Every cached sentence through ``layers`` (no gradient): normalised sentence vectors, in cache order."""
    import torch

    out = []
    with torch.inference_mode():
        for s in range(0, len(lower.states), batch):
            out.append(lower.run(layers, list(range(s, min(s + batch, len(lower.states))))).numpy())
    return np.vstack(out).astype(np.float32)
