"""Success of an attack against its budget on a sample of test sentences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .attacks import TextAttackResult, run
from .corpus import tokenize

__all__ = ["SuccessCurve", "correct_sample", "success_curve"]


@dataclass(frozen=True)
class SuccessCurve:
    budgets: np.ndarray      # 1..budget_max
    rates: np.ndarray        # share of the sample flipped within each budget
    results: tuple[TextAttackResult, ...]
    texts: tuple[str, ...]   # the sample (correctly classified test sentences)

    @property
    def mean_queries(self) -> float:
        return float(np.mean([r.queries for r in self.results])) if self.results else 0.0


def correct_sample(clf, texts: Sequence[str], y: np.ndarray, *, n: int = 100) -> list[int]:
    """Indices of the first ``n`` test sentences the model reads whole and classifies right."""
    if not 1 <= n <= 1000:
        raise ValueError(f"n must be between 1 and 1000, got {n}")
    toks = [tokenize(t, clf.lang) for t in texts]
    ok = [i for i, t in enumerate(toks) if 0 < len(t) <= clf.maxlen]
    pred = clf.proba([toks[i] for i in ok]).argmax(axis=1)
    return [i for i, p in zip(ok, pred, strict=True) if p == y[i]][:n]


def success_curve(clf, texts: Sequence[str], y: np.ndarray, *, attack: str, budget_max: int = 6, n: int = 100,
                  protect_stop: bool = True, source: str = "synonyms", max_chars: int = 0,
                  on_progress: Callable[[int, int], None] | None = None) -> SuccessCurve:
    """Run ``attack`` once per sentence at ``budget_max``: the search changes one word at a
    time, so a run that flipped the label after k changes succeeds at every budget >= k."""
    idx = correct_sample(clf, texts, y, n=n)
    results = []
    for j, i in enumerate(idx):
        results.append(run(attack, clf, tokenize(texts[i], clf.lang), budget=budget_max,
                           protect_stop=protect_stop, source=source, label=int(y[i]), max_chars=max_chars))
        if on_progress is not None:
            on_progress(j + 1, len(idx))
    budgets = np.arange(1, budget_max + 1)
    at = np.array([r.flipped_at if r.success else budget_max + 1 for r in results])
    rates = np.array([float(np.mean(at <= b)) if len(at) else 0.0 for b in budgets])
    return SuccessCurve(budgets, rates, tuple(results), tuple(texts[i] for i in idx))
