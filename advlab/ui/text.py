"""Streamlit side of the Text lab: the shared classifiers, the cached sweeps, and the
session's last good sentence."""

from __future__ import annotations

from functools import partial

import streamlit as st

from .. import export
from ..text import corpus, defenses, evaluation
from ..text.attacks import TEXT_ATTACKS
from ..text.config import TextAttackConfig, TextNetConfig
from . import shared, shared_all, tr, train_job, train_text
from .lessons import result

__all__ = ["augmented", "classifier", "curves", "defense_rows", "last_good", "remember", "rows_csv"]

CURVE_N = 100
DEFENSE_N = 40
CURVE_BUDGET = 6


def classifier(net: TextNetConfig):
    """The classifier of ``net``, trained once for every session (progress bar while it trains)."""
    c = corpus.load(net.corpus)
    from ..text.model import train
    fit = partial(train, c.train_texts, c.y_train, **net.fit_kwargs())
    return shared(("tx-model", net), train_job(fit, net.epochs), text=train_text("tx_training", acc=True))


def augmented(net: TextNetConfig):
    """The same classifier trained with one perturbed copy of every training sentence."""
    fit = partial(defenses.train_augmented, net.corpus, epochs=net.epochs, seed=net.seed)
    return shared(("tx-model-aug", net), train_job(fit, net.epochs), text=train_text("tx_training_aug", acc=True))


def _curve(clf, lang: str, attack: str, cfg: TextAttackConfig, n: int, budget_max: int):
    c = corpus.load(lang)
    return lambda job: evaluation.success_curve(
        clf, c.test_texts, c.y_test, attack=attack, budget_max=budget_max, n=n, protect_stop=cfg.protect,
        source=cfg.source, max_chars=cfg.chars, on_progress=lambda i, k: job.report(i / k))


def curves(key: tuple, clf, lang: str, cfg: TextAttackConfig, *, variants=("plain",)) -> dict:
    """``{(variant, attack): SuccessCurve}`` for every registered attack, computed once for
    every session on the shared pool with one progress bar; ``variants`` may add
    "normalize" (spelling normalized before the model) or "augment" (``clf`` is then the
    augmented model's key/classifier pair in ``key``)."""
    items, names = [], []
    for variant, model_key, model in variants:
        for a in TEXT_ATTACKS:
            n, b = (CURVE_N, CURVE_BUDGET) if variant == "plain" else (DEFENSE_N, cfg.budget)
            target = defenses.Normalized(model) if variant.endswith("normalize") else model
            items.append((("tx-curve", model_key, variant, a, cfg.source, cfg.protect, cfg.chars, n, b),
                          _curve(target, lang, a, cfg, n, b)))
            names.append((variant, a))
    out = shared_all(items, text=lambda d, n, job: tr("tx_curve_running", done=d, n=n))
    return dict(zip(names, out, strict=True))


def defense_rows(found: dict, budget: int) -> list[dict]:
    """One table row per attack: its success at ``budget`` under each defense."""
    rows = []
    for a in TEXT_ATTACKS:
        row = {tr("tx_def_col_attack"): tr(f"tx_attack_{a}")}
        for variant in ("plain", "normalize", "augment", "augment+normalize"):
            c = found.get((variant, a))
            if c is None or isinstance(c, Exception):
                continue
            k = min(budget, len(c.rates)) - 1
            row[tr(f"tx_def_{variant}")] = f"{c.rates[k]:.0%}"
        rows.append(row)
    return rows


def remember(slot: str, value) -> None:
    st.session_state[f"_tx_last.{slot}"] = value


def last_good(slot: str):
    return st.session_state.get(f"_tx_last.{slot}")


def _safe_cell(text: str) -> str:
    """A spreadsheet reads a cell starting with = + - @ as a formula: quote it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def rows_csv(rows: list[dict]) -> str:
    return export.csv_text([{k: _safe_cell(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows])


def cached(key, compute):
    return result(key, compute)
