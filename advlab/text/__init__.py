"""The Text lab's core: a sentiment corpus in English and Chinese, a small classifier
trained live, word-level and character-level attacks, and two defenses."""

from .attacks import TEXT_ATTACKS, TextAttackResult, importance, run
from .corpus import LANGS, Corpus, Vocab, detokenize, load, tokenize
from .model import TextClassifier, train

__all__ = ["LANGS", "TEXT_ATTACKS", "Corpus", "TextAttackResult", "TextClassifier", "Vocab", "detokenize",
           "importance", "load", "run", "tokenize", "train"]
