"""Typed settings of the Text lab: URL format, cache key and core arguments at once
(the pattern of :mod:`advlab.config`), plus the URL field of the typed sentence."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..config import Config, spec
from ..state import Field
from .attacks import BUDGET_MAX, CHARS_MAX, SOURCES, TEXT_ATTACKS
from .corpus import LANGS, tokenize
from .model import corpus_vocab

__all__ = ["MAX_CHARS", "SentenceError", "TextAttackConfig", "TextField", "TextNetConfig", "check_sentence"]

MAX_CHARS = 240  # a typed sentence, and the URL that carries it
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&#?\w+;|\]\(|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class TextNetConfig(Config):
    """The classifier: corpus language (the page's language), epochs and seed."""

    corpus: str = spec("en", choices=("en", "zh"))
    epochs: int = spec(5, lo=1, hi=30)
    seed: int = spec(0, lo=0, hi=9999)

    url_names = ("epochs", "seed")

    def fit_kwargs(self) -> dict[str, Any]:
        return {"lang": self.corpus, "epochs": self.epochs, "seed": self.seed}


@dataclass(frozen=True)
class TextAttackConfig(Config):
    attack: str = spec("greedy", choices=tuple(TEXT_ATTACKS))
    source: str = spec("synonyms", choices=SOURCES)
    budget: int = spec(3, lo=1, hi=BUDGET_MAX)
    protect: bool = spec(True)
    chars: int = spec(0, lo=0, hi=CHARS_MAX)  # most characters changed; 0: no limit

    def run_kwargs(self) -> dict[str, Any]:
        return {"budget": self.budget, "protect_stop": self.protect, "source": self.source, "max_chars": self.chars}


class SentenceError(ValueError):
    """A typed sentence the page cannot use; ``code`` names why (a message key), ``info`` its numbers."""

    def __init__(self, code: str, message: str, **info):
        super().__init__(message)
        self.code, self.info = code, info


def check_sentence(text: str, lang: str, *, maxlen: int, known=None) -> list[str]:
    """The tokens of a typed sentence, or :class:`SentenceError`: empty, longer than
    :data:`MAX_CHARS` characters or ``maxlen`` words, control characters, markup, no
    words, or (with ``known``) only words the model has never seen."""
    text = text.strip()
    if not text:
        raise SentenceError("empty", "the sentence is empty")
    _check_form(text)
    tokens = tokenize(text, lang)
    if not tokens:
        raise SentenceError("no_words", "the sentence has no words, only punctuation or symbols")
    if len(tokens) > maxlen:
        raise SentenceError("too_many_words", f"the sentence has {len(tokens)} words; at most {maxlen} are read",
                            n=len(tokens), limit=maxlen)
    if known is not None and not any(known(t) for t in tokens):
        raise SentenceError("unknown", "the model knows none of the sentence's words")
    return tokens


def _check_form(text: str) -> None:
    """Length, control characters and markup: what a link may not carry either."""
    if len(text) > MAX_CHARS:
        raise SentenceError("too_long", f"the sentence has {len(text)} characters; at most {MAX_CHARS} are allowed",
                            n=len(text), limit=MAX_CHARS)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        raise SentenceError("control", "the sentence contains control or invisible characters")
    if _MARKUP.search(text):
        raise SentenceError("markup", "the sentence looks like markup (tags, entities or links)")


@dataclass(frozen=True)
class TextField(Field):
    """A URL field holding a short sentence: length-limited, no control characters, no markup."""

    kind: str = "text"

    def parse(self, raw: str):
        """The sentence, or ValueError (too long, control characters, markup, no known
        word): a link with such a sentence opens on the page's example with a note."""
        raw = str(raw)
        try:
            _check_form(raw)
        except SentenceError as e:
            raise ValueError(str(e)) from None
        if raw.strip() and not any(corpus_vocab(lang).known(t) for lang in LANGS for t in tokenize(raw, lang)):
            raise ValueError("no word that the model of either language knows")
        return raw.strip()

    def dump(self, value) -> str:
        return str(value)[:MAX_CHARS]
