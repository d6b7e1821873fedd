"""Adversarial training against standard training of the same network, and
the other heavy steps of the Defenses and Transferability pages.

The budget of adversarial training is 10 times standard training of the same
model on the same data, both measured here (``budget_seconds`` is 10 x the
measured standard time). Both run with a one-thread BLAS, as adversarial
training does, so the ratio compares the training loops and not thread
scheduling on a busy machine.
"""

from __future__ import annotations

import time

import numpy as np

from advlab import data, defenses, evaluation, models, transfer
from benchmarks.bench import median_seconds

REPEATS = 5
BUDGET_RATIO = 10.0
# the evaluation-ε slider swept at once must cost at most this share of one PGD run per slider value
SWEEP_SHARE = 0.25


def _median_time(fn, repeats: int = REPEATS) -> float:
    return median_seconds(fn, repeats)  # one warm-up: first Keras model of the process, NumPy caches


def rows(ref_seconds: float) -> list[dict]:
    ds = data.load("moons", n_samples=400, noise=0.1, seed=0)
    kw = dict(defenses.DEFAULT_MLP, seed=0)
    setting = (f"moons, {len(ds.x_train)} training points, MLP {kw['hidden']} {kw['activation']}, "
               f"{kw['epochs']} epochs, batch {kw['batch_size']}")
    with models.single_thread_blas():
        std = _median_time(lambda: models.fit_mlp(ds.x_train, ds.y_train, **kw))
        pgd = _median_time(lambda: defenses.adversarial_train(ds.x_train, ds.y_train, method="pgd", eps=0.4,
                                                              ratio=0.5, steps=7, **kw))
        pgd_all = _median_time(lambda: defenses.adversarial_train(ds.x_train, ds.y_train, method="pgd", eps=0.4,
                                                                  ratio=1.0, steps=7, **kw), repeats=3)
        fgsm = _median_time(lambda: defenses.adversarial_train(ds.x_train, ds.y_train, method="fgsm", eps=0.4,
                                                               ratio=0.5, **kw))
    budget = BUDGET_RATIO * std
    out = [
        {"case": "Standard training (fit_mlp), default 2-D MLP", "seconds": std, "budget_seconds": None,
         "note": setting + "; the reference of the rows below"},
        {"case": "Adversarial training, PGD-7, half of each batch (Defenses default)", "seconds": pgd,
         "budget_seconds": budget, "note": f"{pgd / std:.1f}x standard training (budget {BUDGET_RATIO:g}x)"},
        {"case": "Adversarial training, PGD-7, whole batch (Madry et al.)", "seconds": pgd_all,
         "budget_seconds": budget, "note": f"{pgd_all / std:.1f}x standard training (budget {BUDGET_RATIO:g}x)"},
        {"case": "Adversarial training, FGSM, half of each batch", "seconds": fgsm, "budget_seconds": budget,
         "note": f"{fgsm / std:.1f}x standard training (budget {BUDGET_RATIO:g}x)"},
    ]

    # the trade-off sweep as the page runs it the first time: 6 adversarial models, then scoring
    t0 = time.perf_counter()
    defenses.tradeoff_sweep(ds.x_train, ds.y_train, ds.x_test, ds.y_test,
                            train_eps=tuple(np.round(np.linspace(0.0, 0.6, 7), 4)), eval_eps=0.4, **kw)
    out.append({"case": "Defenses: trade-off sweep, 7 models trained and scored (first visit)",
                "seconds": time.perf_counter() - t0, "budget_seconds": None,
                "note": "cached afterwards: later visits and other sessions get it at once"})

    out += _eval_slider_rows(ds, kw)

    # Transferability's first visit on the blog data: six targets, then the curve over 11 epsilons
    blog = data.load("blog")
    net = dict(hidden=(32, 32), activation="relu", epochs=100, batch_size=32, lr=0.01, seed=0)
    t0 = time.perf_counter()
    sur = models.fit_mlp(blog.x_train, blog.y_train, **net).model
    targets = {n: transfer.train_target(n, blog.x_train, blog.y_train, **net) for n in transfer.TARGETS}
    t_train = time.perf_counter() - t0
    t0 = time.perf_counter()
    transfer.transfer_curve(sur, targets, blog.x_test, blog.y_test, eps_values=np.linspace(0, 0.5, 11),
                            attack="pgd")
    t_curve = time.perf_counter() - t0
    out += [
        {"case": "Transferability: surrogate and six targets trained (blog data)", "seconds": t_train,
         "budget_seconds": None, "note": "first visit only; every model is cached"},
        {"case": "Transferability: PGD-40 transfer curve, 11 ε x 7 models", "seconds": t_curve,
         "budget_seconds": None, "note": "all ε in one batch through the surrogate; cached per setting"},
    ]
    return out


def _eval_slider_rows(ds, kw: dict) -> list[dict]:
    """What a move of the Defenses evaluation ε cost per model (one PGD-40 run), and the batched run over
    the slider's values that replaces it (the first move into a block; every later move reads it)."""
    model = models.fit_mlp(ds.x_train, ds.y_train, **kw).mlp
    block = evaluation.eps_block(evaluation.eps_steps(0.0, 1.0, 0.01), 0.4, n_points=len(ds.x_test))
    one = _median_time(lambda: evaluation.attack_cell(model, ds.x_test, ds.y_test, attack="pgd", eps=0.4,
                                                      clip=ds.clip, params={"steps": 40}))
    swept = _median_time(lambda: evaluation.eps_sweep(model, ds.x_test, ds.y_test, attack="pgd", eps_values=block,
                                                      clip=ds.clip, params={"steps": 40}, keep_x=True), repeats=3)
    return [
        {"case": f"Defenses: PGD-40 at one ε, {len(ds.x_test)} test points (what each ε move ran per model)",
         "seconds": one, "budget_seconds": None, "note": "about a dozen of these per move before the sweep"},
        {"case": f"Defenses: PGD-40 at all {len(block)} ε of the evaluation slider, one batched run",
         "seconds": swept, "budget_seconds": SWEEP_SHARE * len(block) * one,
         "note": f"{swept / one:.1f}x one ε for {len(block)} ε ({len(block) * one / swept:.0f}x cheaper than a run "
                 f"per value); paid once per model on the first move, shared by every session"},
    ]

