"""The service layer pages call: configs in, shared results out.

``dataset(cfg)``, ``trained(data_cfg, net_cfg)`` and ``attacked(...)`` are
keyed by the typed configs of :mod:`advlab.config`, shared by every session
(one training per lesson link, whoever asks first), bounded in number, and
safe to call from many script threads at once.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import TypeVar

import streamlit as st

from .. import evaluation, models, seedlab
from ..attacks import ATTACKS, fit_universal, proba, run_attack, train_advgan
from ..config import AttackConfig, DataConfig, NetConfig
from . import WORKSHOP, shared, tr, train_job, train_text
from .service import Job, ModelStore, Prefetcher, ValueStore

__all__ = ["RESULTS", "SAFE_LR", "VALUES", "Stored", "attacked", "cells", "dataset", "distances", "few_proba",
           "generator", "last_good", "model_key", "result", "swept", "trained", "universal"]

T = TypeVar("T")
SAFE_LR = 0.01  # the learning-rate ladder's default: every lesson's network trains at it


@st.cache_resource(show_spinner=False, max_entries=64)
def _dataset(cfg: DataConfig):
    return cfg.load()


def dataset(cfg: DataConfig):
    """The dataset of ``cfg`` (generated once per process, read-only)."""
    return _dataset(cfg.canonical())


@dataclasses.dataclass(frozen=True)
class Stored:
    """A trained model with the key it is stored under, which also keys the
    results computed from it (attacks, curves, grids)."""

    key: tuple
    trained: object  # a models.Trained, or a fitted model itself

    @property
    def model(self):
        """What attacks, grids and scores take: a trained MLP as its
        :class:`~advlab.models.MLPModel` (no Keras model is built for a page
        that only attacks and draws it), any other model as it is."""
        t = self.trained
        if isinstance(t, models.Trained):
            return t.mlp if t.mlp is not None else t.model
        return t


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


def generator(stored: Stored, ds, *, eps: float, epochs: int, clip=None):
    """``(generator, result)``: an AdvGAN generator trained against
    ``stored``'s model on ``ds``'s training data for L-inf ``eps``, and its
    attack on ``ds``'s test data. Trained once for every session on the
    shared pool, with a progress bar, and kept in the shared store (it holds
    a Keras model, which is never pickled); the attack is computed once too."""
    fit = partial(train_advgan, stored.model, ds.x_train, ds.y_train, eps=float(eps), epochs=int(epochs), clip=clip)
    gen = shared(("advgan", stored.key, float(eps), int(epochs), clip), train_job(fit, int(epochs)),
                 text=train_text("gan_training_now"))
    return gen, result(("advgan-test", stored.key, float(eps), int(epochs), clip), partial(
        run_attack, "advgan", stored.model, ds.x_test, ds.y_test, eps=float(eps), clip=clip, generator=gen))


def universal(stored: Stored, ds, *, eps: float, passes: int, clip=None):
    """``(perturbation, result)``: a universal perturbation of L-inf size
    ``eps`` fitted to ``stored``'s model on ``ds``'s training inputs in at
    most ``passes`` passes (once for every session, on the shared pool, a
    progress bar per pass), and the result of adding it to ``ds``'s test data."""
    def fit(job: Job):
        def on_pass(k: int, logs: dict) -> None:
            job.report(k / passes, k=k, **logs)
        return fit_universal(stored.model, ds.x_train, eps=float(eps), passes=int(passes), clip=clip,
                             on_pass=on_pass)

    up = shared(("universal", stored.key, float(eps), int(passes), clip), fit,
                text=lambda job: tr("uni_fitting_now", k=job.info.get("k", 0), n=passes,
                                    rate=job.info.get("fooling_rate", 0.0)))
    return up, result(("universal-test", stored.key, float(eps), int(passes), clip), partial(
        run_attack, "universal", stored.model, ds.x_test, ds.y_test, eps=float(eps), clip=clip, perturbation=up))


# Attack results, grids and curves: a copy for each session (as st.cache_data
# gives), bounded by count and by bytes (a 150 x 150 grid is about 0.4 MB).
VALUES = ValueStore(max_items=512, max_bytes=24 * 2**20)


def attacked(model, key, x, y, cfg: AttackConfig, *, clip=None, seed: int = 0, return_path: bool = False):
    """The attack ``cfg`` on ``(x, y)`` against the model stored under ``key``:
    computed once per model, data and settings, for every session."""
    path = bool(return_path) and ATTACKS[cfg.attack].iterative
    return VALUES.get(("attacked", key, cfg, clip, int(seed), path), partial(
        run_attack, cfg.attack, model, x, y, clip=clip, seed=int(seed), return_path=path, **cfg.run_kwargs()))


def few_proba(stored: Stored, x):
    """Class probabilities of a few points ``x`` (one image, a gallery) under
    ``stored``'s model. For a trained MLP they are computed in NumPy from its
    weights (kept once per model): for a handful of points a compiled-graph
    call costs more than the maths, on every epsilon move."""
    if not isinstance(stored.trained, models.Trained):
        return proba(stored.model, x)
    mlp = stored.trained.mlp
    weights = list(mlp.weights) if mlp is not None else result(("weights", stored.key), stored.model.get_weights)
    return seedlab.point_proba(stored.trained.spec, weights, x)


def result(key, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` for every session (a curve, a score, a
    grid): ``key`` names the computation and all it reads (configs, model
    keys, numbers); each session gets its own copy of the value."""
    return VALUES.get(("result", key), compute)


def last_good(slot: str, data_cfg: DataConfig, net_cfg: NetConfig, train: Callable[[NetConfig], T], *,
              warning: str) -> T:
    """``train(net_cfg)``, kept in the session as ``slot``'s last good result.

    When training diverges, a warning (the message ``warning``, with ``lr``
    and ``epoch``) and then the last good result of the same data, so the
    learner keeps the models they were looking at; without one, the same
    lesson at :data:`SAFE_LR` (if that diverges too, the error)."""
    try:
        out = train(net_cfg)
    except models.TrainingDiverged as e:
        st.warning(tr(warning, lr=f"{net_cfg.lr:g}", epoch=e.epoch), icon=":material/warning:")
        last = st.session_state.get(f"_last_good.{slot}")
        if last is not None and last["data"] == data_cfg.canonical():
            return last["result"]
        if net_cfg.lr == SAFE_LR:
            raise
        return last_good(slot, data_cfg, dataclasses.replace(net_cfg, lr=SAFE_LR), train, warning=warning)
    st.session_state[f"_last_good.{slot}"] = {"data": data_cfg.canonical(), "result": out}
    return out


# ------------------------------------------------------------------ sweeps ---

# Small results of sweeps (one cell of a curve: a few numbers; a list of
# distances), kept one by one for every session, bounded by count and bytes.
RESULTS = ModelStore(max_items=4096, max_bytes=16 * 2**20)


def _sweep_key(items) -> tuple:
    """The pool's job key of a sweep: a visitor's sweep and a prefetched one of the same items share it."""
    return "sweep", tuple(key for key, _ in items)


def _sweep_job(items: list, missing: list[int]) -> Callable[[Job], dict]:
    """The pool job computing the ``missing`` items of a sweep, each stored as it is done."""
    def run(job: Job) -> dict:
        out = {}
        for done, i in enumerate(missing):
            job.report(done / len(missing), done=done, total=len(missing), item=i)
            key, compute = items[i]
            out[key] = RESULTS.get(key)
            if out[key] is None:
                out[key] = compute()
                RESULTS.put(key, out[key])
        return out
    return run


def _server_idle(quiet_s: float = 1.5) -> None:
    """Block until no visitor's script has run for ``quiet_s`` seconds and the pool has no job."""
    from .warmup import wait_for_quiet

    while True:
        wait_for_quiet(quiet_s)
        if not WORKSHOP.busy():
            return
        time.sleep(quiet_s)


# ``ADVLAB_PREFETCH=0`` switches prefetching off (the test suite does, but for the tests of it)
PREFETCH = Prefetcher(_server_idle, enabled=os.environ.get("ADVLAB_PREFETCH", "1") != "0")


def prefetch(items: Sequence[tuple[Hashable, Callable[[], object]]]) -> None:
    """Compute a sweep (the ``(key, compute)`` items :func:`swept` takes) in the background
    once the server is idle, unless it is stored by then: the blocks of a slider's range a
    learner has not reached yet, so that moving there is a look-up. A visitor asking for the
    same sweep meanwhile joins the job (:data:`PREFETCH`)."""
    items = list(items)
    key = _sweep_key(items)

    def run() -> None:
        missing = [i for i, (k, _) in enumerate(items) if RESULTS.get(k) is None]
        if missing:
            WORKSHOP.run(key, _sweep_job(items, missing), store=False)

    PREFETCH.add(key, run)


def prefetch_result(key, compute: Callable[[], object]) -> None:
    """:func:`result` ahead of the visitor who will ask for it: computed in the background once
    the server is idle, unless stored by then (a visitor asking meanwhile waits for it)."""
    PREFETCH.add(("result", key), lambda: VALUES.get(("result", key), compute))


def swept(items: Sequence[tuple[Hashable, Callable[[], object]]], *,
          text: Callable[[int, int, int | None], str]) -> list:
    """The result of each ``(key, compute)`` of a sweep (an accuracy-vs-ε
    curve: one key per attack and ε), computed once for every session.

    Each result is stored under its own key, so a sweep that shares keys with
    an earlier one (one more attack ticked, a budget on the grid) computes
    only what is new. That runs as one job on the shared pool, joined by every
    session asking for the same sweep, while each shows a progress bar
    labelled ``text(done, total, i)``: ``done`` of the ``total`` missing
    results, ``i`` the index in ``items`` of the one being computed (None
    before the first). A sweep with nothing missing returns at once.
    """
    items = list(items)
    found = [RESULTS.get(key) for key, _ in items]
    missing = [i for i, hit in enumerate(found) if hit is None]
    if not missing:
        return found

    def label(job: Job) -> str:
        info = job.info
        return text(info.get("done", 0), info.get("total", len(missing)), info.get("item"))

    computed = shared(_sweep_key(items), _sweep_job(items, missing), text=label, store=False)
    for i in missing:
        key, compute = items[i]
        found[i] = computed.get(key)
        if found[i] is None:  # another session's sweep of the same keys, started when fewer were stored
            found[i] = RESULTS.get(key)
        if found[i] is None:
            found[i] = compute()
    return found


def cells(model, key, x, y, cfgs: Sequence[AttackConfig], *, clip=None, seed: int = 0,
          progress: str = "rb_computing") -> list:
    """The cell (:func:`advlab.evaluation.attack_cell`: accuracy, success
    rate, perturbation sizes) of every attack setting in ``cfgs`` on
    ``(x, y)``, which ``key`` names together with the model: one sweep
    (:func:`swept`), shared by every session. ``progress`` names the progress
    message (placeholders ``attack``, ``eps``, ``done`` and ``total``)."""
    clip = None if clip is None else tuple(clip)

    def cell(cfg: AttackConfig):
        return evaluation.attack_cell(model, x, y, attack=cfg.attack, eps=cfg.eps, norm=cfg.norm, clip=clip,
                                      seed=seed, params=dict(cfg.params))

    def text(done: int, total: int, i: int | None) -> str:
        cfg = cfgs[i or 0]
        return tr(progress, attack=tr(f"attack_{cfg.attack}"), eps=cfg.eps, done=done, total=total)

    return swept([(("cell", key, cfg, clip, int(seed)), partial(cell, cfg)) for cfg in cfgs], text=text)


def distances(model, key, x, y, cfgs: Sequence[AttackConfig], *, clip=None, progress: str) -> list:
    """Per point of ``(x, y)`` (named by ``key`` with the model), the L2 size of
    the smallest flipping change each method in ``cfgs`` (DeepFool, C&W) found
    (:func:`advlab.evaluation.minimal_distances`): one sweep, shared by every
    session, under the progress message ``progress``."""
    clip = None if clip is None else tuple(clip)

    def run(cfg: AttackConfig):
        return evaluation.minimal_distances(model, x, y, method=cfg.attack, clip=clip, params=dict(cfg.params))

    return swept([(("distances", key, cfg, clip), partial(run, cfg)) for cfg in cfgs],
                 text=lambda done, total, i: tr(progress))
