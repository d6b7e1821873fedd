"""The service layer pages call: configs in, shared results out.

``dataset(cfg)``, ``trained(data_cfg, net_cfg)`` and ``attacked(...)`` are
keyed by the typed configs of :mod:`advlab.config`, shared by every session
(one training per lesson link, whoever asks first), bounded in number, and
safe to call from many script threads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from .. import models
from ..attacks import ATTACKS, run_attack
from ..config import AttackConfig, DataConfig, NetConfig
from . import shared, train_job, train_text

__all__ = ["attacked", "dataset", "model_key", "trained"]


@st.cache_resource(show_spinner=False, max_entries=64)
def _dataset(cfg: DataConfig):
    return cfg.load()


def dataset(cfg: DataConfig):
    """The dataset of ``cfg`` (generated once per process, read-only)."""
    return _dataset(cfg.canonical())


def model_key(data_cfg: DataConfig, net_cfg: NetConfig, kind: str = "mlp") -> tuple:
    return (kind, data_cfg.canonical(), net_cfg)


def trained(data_cfg: DataConfig, net_cfg: NetConfig, *, progress: str = "pg_training_now", acc: bool = False,
            loss: bool = True, live: Callable | None = None, frames: int = 0, fit: Callable | None = None):
    """The trained model of these settings: stored, joined while another session
    trains it, or trained now on the shared pool with a progress bar.

    ``progress`` names the progress message (placeholders ``ep`` and ``n``);
    ``live(job)`` draws on each progress report ("watch it learn", with
    ``frames`` paced steps); ``fit(on_epoch)`` replaces plain training (an
    adversarial trainer) and then ``kind`` of the key must differ.
    """
    ds = dataset(data_cfg)
    epochs = int(net_cfg.epochs)
    if fit is None:
        fit = partial(models.fit_mlp, ds.x_train, ds.y_train, **net_cfg.fit_kwargs())
    return shared(model_key(data_cfg, net_cfg), train_job(fit, epochs, frames=frames),
                  text=train_text(progress, loss=loss, acc=acc), live=live)


@st.cache_data(show_spinner=False, max_entries=256)
def _attacked(_model, key, _x, _y, cfg: AttackConfig, clip, seed: int, return_path: bool):
    return run_attack(cfg.attack, _model, _x, _y, clip=clip, seed=seed,
                      return_path=return_path and ATTACKS[cfg.attack].iterative, **cfg.run_kwargs())


def attacked(model, key, x, y, cfg: AttackConfig, *, clip=None, seed: int = 0, return_path: bool = False):
    """The attack ``cfg`` on ``(x, y)`` against the model stored under ``key``:
    computed once per model, data and settings, for every session."""
    return _attacked(model, key, x, y, cfg, clip, int(seed), bool(return_path))
