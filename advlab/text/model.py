"""A small sentiment classifier: the mean of word embeddings, one hidden layer, two logits.

Trained with Adam in NumPy on a sparse bag of words (a second on two cores, the same
model bit for bit for the same seed), then written into a Keras model
(``Embedding(mask_zero) -> GlobalAveragePooling1D -> Dense(relu) -> Dense(2)``, logits
out) that gives the same numbers; attacks query the NumPy twin, which is faster for the
small batches they send and safe to call from many threads.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

from .corpus import PAD, Vocab, tokenize

__all__ = ["TextClassifier", "corpus_vocab", "train"]


@dataclass(eq=False)
class TextClassifier:
    vocab: Vocab
    maxlen: int
    weights: dict[str, np.ndarray]  # emb (V, d), w1 (d, h), b1 (h,), w2 (h, 2), b2 (2,)
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    _keras: object = None

    @property
    def lang(self) -> str:
        return self.vocab.lang

    def encode(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        return self.vocab.encode(token_lists, self.maxlen)

    def logits_ids(self, ids: np.ndarray) -> np.ndarray:
        w = self.weights
        mask = (ids != PAD).astype(np.float32)
        n = np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        mean = (w["emb"][ids] * mask[..., None]).sum(axis=1) / n
        hidden = np.maximum(mean @ w["w1"] + w["b1"], 0.0)
        return hidden @ w["w2"] + w["b2"]

    def proba_ids(self, ids: np.ndarray) -> np.ndarray:
        z = self.logits_ids(ids)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    def proba(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """``(N, 2)`` class probabilities (negative, positive) of tokenized sentences."""
        return self.proba_ids(self.encode(token_lists))

    def predict_texts(self, texts: Sequence[str]) -> np.ndarray:
        return self.proba([tokenize(t, self.lang) for t in texts]).argmax(axis=1)

    def accuracy(self, texts: Sequence[str], y: np.ndarray) -> float:
        return float(np.mean(self.predict_texts(texts) == np.asarray(y)))

    @property
    def model(self):
        """The Keras model with these weights (built on first use)."""
        if self._keras is None:
            self._keras = to_keras(self.weights)
        return self._keras


def to_keras(w: dict[str, np.ndarray]):
    from .._tf import keras

    v, d = w["emb"].shape
    ids = keras.Input(shape=(None,), dtype="int32", name="tx_ids")
    x = keras.layers.Embedding(v, d, mask_zero=True, name="tx_embed")(ids)
    x = keras.layers.GlobalAveragePooling1D(name="tx_mean")(x)
    x = keras.layers.Dense(w["w1"].shape[1], activation="relu", name="tx_hidden")(x)
    out = keras.layers.Dense(2, name="tx_logits")(x)
    model = keras.Model(ids, out, name="tx_classifier")
    model.get_layer("tx_embed").set_weights([w["emb"]])
    model.get_layer("tx_hidden").set_weights([w["w1"], w["b1"]])
    model.get_layer("tx_logits").set_weights([w["w2"], w["b2"]])
    return model


def _bags(ids: np.ndarray, vocab_size: int) -> sparse.csr_matrix:
    """Row i: each token's share of sentence i (the mean of embeddings is ``bags @ emb``)."""
    rows, cols = np.nonzero(ids != PAD)
    n = np.maximum((ids != PAD).sum(axis=1), 1)
    vals = (1.0 / n[rows]).astype(np.float32)
    return sparse.csr_matrix((vals, (rows, ids[rows, cols])), shape=(ids.shape[0], vocab_size))


@lru_cache(maxsize=4)
def _prepared(texts: tuple[str, ...], lang: str, max_vocab: int, maxlen: int) -> tuple[Vocab, sparse.csr_matrix]:
    """Vocabulary and bags of a training set, computed once per process (the page retrains
    the same corpus with other seeds and epochs); read-only afterwards."""
    tokens = [tokenize(t, lang) for t in texts]
    vocab = Vocab.build(tokens, lang, max_size=max_vocab)
    return vocab, _bags(vocab.encode(tokens, maxlen), len(vocab))


def corpus_vocab(lang: str, *, max_vocab: int = 6000, maxlen: int = 48) -> Vocab:
    """The vocabulary :func:`train` builds on ``lang``'s training sentences (any seed, any epochs)."""
    from .corpus import load
    return _prepared(load(lang).train_texts, lang, max_vocab, maxlen)[0]


def _init(rng: np.random.Generator, v: int, d: int, h: int) -> dict[str, np.ndarray]:
    f = np.float32
    return {"emb": rng.normal(0, 0.1, (v, d)).astype(f),
            "w1": (rng.normal(0, 1, (d, h)) * math.sqrt(2 / d)).astype(f), "b1": np.zeros(h, f),
            "w2": (rng.normal(0, 1, (h, 2)) * math.sqrt(1 / h)).astype(f), "b2": np.zeros(2, f)}


def _grads(w, bags, y, l2: float):
    mean = bags @ w["emb"]
    pre = mean @ w["w1"] + w["b1"]
    hidden = np.maximum(pre, 0.0)
    z = hidden @ w["w2"] + w["b2"]
    z = np.exp(z - z.max(axis=1, keepdims=True))
    p = z / z.sum(axis=1, keepdims=True)
    n = len(y)
    loss = float(-np.mean(np.log(p[np.arange(n), y] + 1e-12)))
    correct = int(np.sum(p.argmax(1) == y))
    dz = p
    dz[np.arange(n), y] -= 1.0
    dz /= n
    dh = (dz @ w["w2"].T) * (pre > 0)
    dmean = dh @ w["w1"].T
    g = {"w2": hidden.T @ dz, "b2": dz.sum(0), "w1": mean.T @ dh, "b1": dh.sum(0),
         "emb": np.asarray(bags.T @ dmean, dtype=np.float32) + l2 * w["emb"]}
    return loss, g, correct


def train(texts: Sequence[str], y: np.ndarray, *, lang: str, epochs: int = 5, dim: int = 32, hidden: int = 32,
          batch_size: int = 256, lr: float = 0.02, l2: float = 1e-4, max_vocab: int = 6000, maxlen: int = 48,
          seed: int = 0, on_epoch: Callable[[int, dict], None] | None = None) -> TextClassifier:
    """Train the classifier on ``texts`` with labels ``y`` (0 negative, 1 positive).

    ``on_epoch(epoch, {"loss", "accuracy"})`` is called after every epoch. The same
    arguments give the same weights."""
    if not 1 <= epochs <= 60:
        raise ValueError(f"epochs must be between 1 and 60, got {epochs}")
    if not 4 <= dim <= 256 or not 2 <= hidden <= 256:
        raise ValueError(f"dim must be 4..256 and hidden 2..256, got {dim} and {hidden}")
    if not 0 < lr <= 1:
        raise ValueError(f"lr must be in (0, 1], got {lr}")
    y = np.asarray(y, dtype=np.int64)
    if len(texts) != len(y) or len(y) < 2:
        raise ValueError(f"texts and y must have the same length (at least 2), got {len(texts)} and {len(y)}")
    t0 = time.perf_counter()
    vocab, bags = _prepared(tuple(texts), lang, max_vocab, maxlen)
    rng = np.random.default_rng(seed)
    w = _init(rng, len(vocab), dim, hidden)
    m = {k: np.zeros_like(v) for k, v in w.items()}
    s = {k: np.zeros_like(v) for k, v in w.items()}
    step, history = 0, []
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(len(y))
        tot, correct = 0.0, 0
        for start in range(0, len(y), batch_size):
            idx = perm[start:start + batch_size]
            loss, g, c = _grads(w, bags[idx], y[idx], l2)
            tot, correct, step = tot + loss * len(idx), correct + c, step + 1
            alpha = lr * math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
            for k in w:
                gk = g[k].astype(np.float32, copy=False)
                m[k] *= 0.9
                m[k] += 0.1 * gk
                s[k] *= 0.999
                s[k] += 0.001 * gk * gk
                w[k] -= np.float32(alpha) * m[k] / (np.sqrt(s[k]) + np.float32(1e-7))
        logs = {"loss": tot / len(y), "accuracy": correct / len(y)}
        history.append({"epoch": epoch, **logs})
        if on_epoch is not None:
            on_epoch(epoch, logs)
    return TextClassifier(vocab, maxlen, w, history, time.perf_counter() - t0)
