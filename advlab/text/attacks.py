"""Adversarial attacks on the text classifier, built TextAttack's way: a transformation
(how one word may change), constraints (a budget of words changed, stop words
protected), a goal (the predicted label flips) and a search (greedy, most important
word first).

Every attack has the same contract::

    attack(clf, tokens, *, budget=3, protect_stop=True, label=None, ...) -> TextAttackResult

``tokens`` is a tokenized sentence (:func:`advlab.text.corpus.tokenize`), ``budget`` the
most words (Chinese: characters) it may change, ``max_chars`` (0: no limit) the most
characters (summed edit distance), ``label`` the class to move away from
(default: the model's prediction). Each result counts the sentences the attack scored
(``queries``). :data:`TEXT_ATTACKS` registers them for the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from .corpus import OOV, PAD, stop_words, synonyms

__all__ = ["SOURCES", "TEXT_ATTACKS", "TextAttackResult", "TextAttackSpec", "embedding_neighbours", "greedy",
           "homophones", "hotflip", "importance", "run", "typo_variants", "typos"]

SOURCES = ("synonyms", "embedding")
BUDGET_MAX = 10
CHARS_MAX = 60


@dataclass(frozen=True)
class TextAttackResult:
    tokens: tuple[str, ...]
    adv_tokens: tuple[str, ...]
    label: int                 # the class the attack moved away from
    p_before: np.ndarray       # (2,) probabilities (negative, positive)
    p_after: np.ndarray
    queries: int               # sentences the model scored (a gradient counts as one)
    changed: tuple[int, ...]   # positions changed, in the order they were changed
    flipped_at: int | None     # how many changes it took to flip the label (None: not flipped)

    @property
    def success(self) -> bool:
        return self.flipped_at is not None

    @property
    def chars_changed(self) -> int:
        return sum(_char_distance(self.tokens[i], self.adv_tokens[i]) for i in self.changed)


def _char_distance(a: str, b: str) -> int:
    """Levenshtein distance (words are short)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class _Oracle:
    """The classifier with a query counter."""

    def __init__(self, clf):
        self.clf, self.queries = clf, 0

    def proba(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        self.queries += len(token_lists)
        return self.clf.proba(token_lists)


def _check(clf, tokens: Sequence[str], budget: int, label: int | None, max_chars: int = 0) -> tuple[str, ...]:
    tokens = tuple(tokens)
    if not isinstance(max_chars, int | np.integer) or not 0 <= max_chars <= CHARS_MAX:
        raise ValueError(f"max_chars must be a whole number from 0 (no limit) to {CHARS_MAX}, got {max_chars!r}")
    if not tokens:
        raise ValueError("tokens must hold at least one word, got none")
    if len(tokens) > clf.maxlen:
        raise ValueError(f"tokens must be at most {clf.maxlen} words long, got {len(tokens)}")
    if not isinstance(budget, int | np.integer) or not 1 <= budget <= BUDGET_MAX:
        raise ValueError(f"budget must be a whole number from 1 to {BUDGET_MAX}, got {budget!r}")
    if label is not None and label not in (0, 1):
        raise ValueError(f"label must be 0 or 1, got {label!r}")
    return tokens


def _eligible(tokens: Sequence[str], lang: str, protect_stop: bool) -> list[int]:
    stops = stop_words(lang) if protect_stop else frozenset()
    return [i for i, t in enumerate(tokens) if t not in stops]


def importance(clf, tokens: Sequence[str], *, label: int | None = None, mode: str = "delete",
               oracle: _Oracle | None = None) -> np.ndarray:
    """Leave-one-out word importance: how much the probability of ``label`` (default: the
    prediction) falls when word i is deleted (``mode="delete"``) or replaced by the
    unknown-word token (``"mask"``). One query per word plus the sentence itself."""
    if mode not in ("delete", "mask"):
        raise ValueError(f"mode must be 'delete' or 'mask', got {mode!r}")
    tokens = list(tokens)
    if not tokens:
        raise ValueError("tokens must hold at least one word, got none")
    oracle = oracle or _Oracle(clf)
    if mode == "delete":
        variants = [tokens[:i] + tokens[i + 1:] for i in range(len(tokens))]
    else:
        variants = [tokens[:i] + [clf.vocab.words[OOV]] + tokens[i + 1:] for i in range(len(tokens))]
    p = oracle.proba([tokens, *variants])
    label = int(p[0].argmax()) if label is None else label
    return p[0, label] - p[1:, label]


def _search(clf, tokens, *, budget: int, protect_stop: bool, label: int | None, max_chars: int,
            candidates: Callable[[str], Sequence[str]]) -> TextAttackResult:
    """Greedy search by importance: change the most important eligible word to the
    candidate that lowers the label's probability most; stop when the label flips.
    ``max_chars > 0`` also caps the characters changed (edit distance, summed)."""
    oracle = _Oracle(clf)
    p0 = oracle.proba([tokens])[0]
    label = int(p0.argmax()) if label is None else label
    scores = importance(clf, tokens, label=label, oracle=oracle)
    order = sorted(_eligible(tokens, clf.lang, protect_stop), key=lambda i: (-scores[i], i))
    cur, p_cur, changed, used = list(tokens), p0, [], 0
    for pos in order:
        if len(changed) >= budget or p_cur.argmax() != label:
            break
        cands = [c for c in candidates(tokens[pos]) if c != tokens[pos]
                 and (not max_chars or used + _char_distance(tokens[pos], c) <= max_chars)]
        if not cands:
            continue
        trials = [cur[:pos] + [c] + cur[pos + 1:] for c in cands]
        p = oracle.proba(trials)
        best = int(p[:, label].argmin())
        if p[best, label] < p_cur[label]:
            cur, p_cur = trials[best], p[best]
            changed.append(pos)
            used += _char_distance(tokens[pos], cur[pos])
    flipped = len(changed) if p_cur.argmax() != label else None
    return TextAttackResult(tokens, tuple(cur), label, p0, p_cur, oracle.queries, tuple(changed), flipped)


def embedding_neighbours(clf, word: str, *, k: int = 8) -> tuple[str, ...]:
    """The ``k`` words nearest to ``word`` in the model's own embedding space (cosine).
    They are words the model treats alike, not words that mean the same: near "good"
    may sit "bad" (both appear in the same places)."""
    idx = clf.vocab.index.get(word)
    if idx is None or idx < 2:
        return ()
    unit = _unit_embeddings(clf)
    sims = unit @ unit[idx]
    sims[:2] = -np.inf
    sims[idx] = -np.inf
    stops = stop_words(clf.lang)
    best = [int(i) for i in np.argsort(-sims)[:k + len(stops)] if clf.vocab.words[i] not in stops]
    return tuple(clf.vocab.words[i] for i in best[:k])


def _unit_embeddings(clf) -> np.ndarray:
    cached = getattr(clf, "_unit_emb", None)
    if cached is None:
        e = clf.weights["emb"]
        cached = e / np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-8)
        clf._unit_emb = cached  # computed the same by any thread: a race only repeats the work
    return cached


def greedy(clf, tokens: Sequence[str], *, budget: int = 3, protect_stop: bool = True, label: int | None = None,
           source: str = "synonyms", k: int = 100, max_chars: int = 0) -> TextAttackResult:
    """Greedy word substitution, TextFooler-style (Jin et al., AAAI 2020,
    https://arxiv.org/abs/1907.11932): words in order of leave-one-out importance,
    each replaced by the candidate that lowers the label's probability most.

    ``source="synonyms"``: the shipped synonym groups (``data/synonyms_<lang>.txt``), only
    words the model knows; ``"embedding"``: the model's own nearest neighbours.
    Deviation: no sentence-encoder similarity check or part-of-speech filter (the paper
    uses USE and counter-fitted vectors); a change is kept whenever it lowers the label's
    probability."""
    tokens = _check(clf, tokens, budget, label, max_chars)
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source == "synonyms":
        table = synonyms(clf.lang)

        def cands(w: str) -> Sequence[str]:
            return [s for s in table.get(w, ()) if clf.vocab.known(s)]
    else:
        def cands(w: str) -> Sequence[str]:
            return embedding_neighbours(clf, w, k=k)
    return _search(clf, tokens, budget=budget, protect_stop=protect_stop, label=label, max_chars=max_chars,
                   candidates=cands)


@cache
def _pinyin_groups() -> tuple[dict[str, str], dict[str, tuple[str, ...]]] | None:
    try:
        from pypinyin import pinyin_dict
    except ImportError:  # pragma: no cover - requirements.txt installs it
        return None
    reading, groups = {}, {}
    for code, readings in pinyin_dict.pinyin_dict.items():
        first = readings.split(",")[0]
        reading[chr(code)] = first
        groups.setdefault(first, []).append(chr(code))
    return reading, {r: tuple(cs) for r, cs in groups.items()}


def homophones_available() -> bool:
    """Whether a homophone source (pypinyin's readings) is installed."""
    return _pinyin_groups() is not None


def homophones(char: str, *, known: Callable[[str], bool] | None = None, k: int = 12) -> tuple[str, ...]:
    """Characters read exactly like ``char`` (same pinyin and tone, first reading), the
    ones ``known`` accepts first; empty when no source is installed."""
    table = _pinyin_groups()
    if table is None or char not in table[0]:
        return ()
    same = [c for c in table[1][table[0][char]] if c != char]
    if known is not None:
        same = [c for c in same if known(c)] + [c for c in same if not known(c)]
    return tuple(same[:k])


def typo_variants(word: str) -> tuple[str, ...]:
    """DeepWordBug's edits of one word: swap two neighbouring letters, drop one,
    duplicate one (Gao et al. 2018, https://arxiv.org/abs/1801.04354)."""
    out: list[str] = []
    for i in range(len(word)):
        if i + 1 < len(word) and word[i] != word[i + 1]:
            out.append(word[:i] + word[i + 1] + word[i] + word[i + 2:])
        out.append(word[:i] + word[i + 1:])
        out.append(word[:i] + word[i] + word[i:])
    return tuple(dict.fromkeys(v for v in out if v and v != word))


def typos(clf, tokens: Sequence[str], *, budget: int = 3, protect_stop: bool = True,
          label: int | None = None, max_chars: int = 0) -> TextAttackResult:
    """Character typos, DeepWordBug-style (Gao et al. 2018): in order of importance, each
    word gets the one-letter edit (swap, drop, duplicate) that lowers the label's
    probability most; words of one letter are left alone. Chinese, whose tokens are
    characters: a homophone (same pinyin, pypinyin's readings) instead.
    Deviation: importance is leave-one-out, not the paper's temporal scores."""
    tokens = _check(clf, tokens, budget, label, max_chars)
    if clf.lang == "zh":
        def cands(w: str) -> Sequence[str]:
            return homophones(w, known=clf.vocab.known)
    else:
        def cands(w: str) -> Sequence[str]:
            return typo_variants(w) if len(w) > 1 else ()
    return _search(clf, tokens, budget=budget, protect_stop=protect_stop, label=label, max_chars=max_chars,
                   candidates=cands)


def _embedding_gradient(clf, ids: np.ndarray, label: int) -> np.ndarray:
    """d loss(label) / d embedding of each position, through the Keras model."""
    from .._tf import tf

    model = clf.model
    emb = model.get_layer("tx_embed").embeddings
    x = tf.gather(emb, ids)
    mask = tf.cast(ids != PAD, x.dtype)[..., None]
    with tf.GradientTape() as tape:
        tape.watch(x)
        mean = tf.reduce_sum(x * mask, axis=1) / tf.maximum(tf.reduce_sum(mask, axis=1), 1.0)
        z = model.get_layer("tx_logits")(model.get_layer("tx_hidden")(mean))
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[label], logits=z)
    return tape.gradient(loss, x).numpy()[0]


def hotflip(clf, tokens: Sequence[str], *, budget: int = 3, protect_stop: bool = True, label: int | None = None,
            top_words: int = 3000, beam: int = 4, max_chars: int = 0) -> TextAttackResult:
    """Gradient-guided token flips, HotFlip (Ebrahimi et al., ACL 2018,
    https://arxiv.org/abs/1712.06751): the flip of position i to word w is scored by the
    first-order change of the loss, ``(e_w - e_i) . dL/de_i``; the best flips are made one
    at a time until the label changes. Candidates: the ``top_words`` most frequent words,
    stop words left out.
    Deviation: the paper flips characters with a beam search; this flips words and checks
    the ``beam`` best-scored flips with real queries, keeping the best."""
    tokens = _check(clf, tokens, budget, label, max_chars)
    oracle = _Oracle(clf)
    p0 = oracle.proba([tokens])[0]
    label = int(p0.argmax()) if label is None else label
    emb = clf.weights["emb"]
    used = 0
    stops = stop_words(clf.lang)
    pool = np.array([i for i in range(2, min(top_words, len(clf.vocab))) if clf.vocab.words[i] not in stops])
    eligible = _eligible(tokens, clf.lang, protect_stop)
    cur, p_cur, changed = list(tokens), p0, []
    while len(changed) < budget and p_cur.argmax() == label:
        free = [i for i in eligible if i not in changed]
        if not free:
            break
        ids = clf.encode([cur])
        grad = _embedding_gradient(clf, ids, label)
        oracle.queries += 1
        gain = (emb[pool] @ grad[free].T) - np.einsum("ij,ij->i", emb[ids[0, free]], grad[free])[None, :]
        trials, where = [], []
        for f in np.argsort(-gain, axis=None)[:beam * 50]:
            w, j = np.unravel_index(f, gain.shape)
            pos, word = free[j], clf.vocab.words[pool[w]]
            if max_chars and used + _char_distance(tokens[pos], word) > max_chars:
                continue
            trials.append(cur[:pos] + [word] + cur[pos + 1:])
            where.append(pos)
            if len(trials) == beam:
                break
        if not trials:
            break
        p = oracle.proba(trials)
        best = int(p[:, label].argmin())
        if p[best, label] >= p_cur[label]:
            break
        cur, p_cur = trials[best], p[best]
        changed.append(where[best])
        used += _char_distance(tokens[where[best]], cur[where[best]])
    flipped = len(changed) if p_cur.argmax() != label else None
    return TextAttackResult(tokens, tuple(cur), label, p0, p_cur, oracle.queries, tuple(changed), flipped)


@dataclass(frozen=True)
class TextAttackSpec:
    fn: Callable[..., TextAttackResult]
    sources: tuple[str, ...]  # candidate sources the learner may choose between (empty: none)
    paper: str


TEXT_ATTACKS: dict[str, TextAttackSpec] = {
    "greedy": TextAttackSpec(greedy, SOURCES, "Jin et al. 2020, TextFooler"),
    "hotflip": TextAttackSpec(hotflip, (), "Ebrahimi et al. 2018, HotFlip"),
    "typo": TextAttackSpec(typos, (), "Gao et al. 2018, DeepWordBug"),
}


def run(name: str, clf, tokens: Sequence[str], *, budget: int = 3, protect_stop: bool = True,
        source: str = "synonyms", label: int | None = None, max_chars: int = 0) -> TextAttackResult:
    """The registered attack ``name`` (a key of :data:`TEXT_ATTACKS`); ``max_chars > 0``
    caps the characters changed as well as the words."""
    if name not in TEXT_ATTACKS:
        raise ValueError(f"attack must be one of {', '.join(TEXT_ATTACKS)}, got {name!r}")
    spec = TEXT_ATTACKS[name]
    extra = {"source": source} if spec.sources else {}
    return spec.fn(clf, tokens, budget=budget, protect_stop=protect_stop, label=label, max_chars=max_chars, **extra)
