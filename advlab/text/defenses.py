"""Two defenses against the text attacks: spelling normalization in front of the model,
and training on perturbed copies of the training sentences (data augmentation)."""

from __future__ import annotations

import string
from collections.abc import Callable, Sequence

import numpy as np

from .attacks import homophones, typo_variants
from .corpus import load, stop_words, synonyms, tokenize
from .model import TextClassifier, train

__all__ = ["Normalized", "augment", "normalize", "train_augmented"]


def _edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = string.ascii_lowercase
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def normalize(tokens: Sequence[str], vocab) -> list[str]:
    """Each unknown English word replaced by the most frequent known word one edit away
    (Norvig's spelling corrector on the model's own vocabulary); known words, and every
    Chinese character, are left as they are: a homophone is a real character, which no
    spelling check can tell from a meant one."""
    if vocab.lang != "en":
        return list(tokens)
    out = []
    for t in tokens:
        if vocab.known(t) or not t.isalpha():
            out.append(t)
            continue
        near = [w for w in _edits1(t) if vocab.known(w)]
        out.append(min(near, key=lambda w: vocab.index[w]) if near else t)
    return out


class Normalized:
    """A classifier that normalizes spelling before it reads (same interface)."""

    def __init__(self, clf: TextClassifier):
        self.clf = clf

    def __getattr__(self, name):
        return getattr(self.clf, name)

    def proba(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        return self.clf.proba([normalize(t, self.clf.vocab) for t in token_lists])


def augment(tokens: Sequence[str], lang: str, rng: np.random.Generator, *, edits: int = 2) -> list[str]:
    """A perturbed copy: ``edits`` random non-stop words get a typo (Chinese: a homophone)
    or a synonym, the kinds of change the attacks make."""
    out = list(tokens)
    stops = stop_words(lang)
    table = synonyms(lang)
    spots = [i for i, t in enumerate(out) if t not in stops]
    for i in rng.permutation(spots)[:edits]:
        w = out[i]
        if table.get(w) and rng.random() < 0.5:
            out[i] = table[w][rng.integers(len(table[w]))]
            continue
        cands = homophones(w) if lang == "zh" else typo_variants(w) if len(w) > 1 else ()
        if cands:
            out[i] = cands[rng.integers(len(cands))]
    return out


def train_augmented(lang: str, *, seed: int = 0, copies: int = 1,
                    on_epoch: Callable[[int, dict], None] | None = None, **kw) -> TextClassifier:
    """The classifier trained on the corpus plus ``copies`` perturbed copies of every
    training sentence (same labels)."""
    if not 1 <= copies <= 3:
        raise ValueError(f"copies must be between 1 and 3, got {copies}")
    c = load(lang)
    rng = np.random.default_rng(seed + 7919)
    sep = " " if lang == "en" else ""
    extra = [sep.join(augment(tokenize(t, lang), lang, rng)) for _ in range(copies) for t in c.train_texts]
    texts = list(c.train_texts) + extra
    y = np.concatenate([c.y_train] * (copies + 1))
    return train(texts, y, lang=lang, seed=seed, on_epoch=on_epoch, **kw)
