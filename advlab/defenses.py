"""Defenses: adversarial training, its price, and a defense that only looks like one.

* :func:`adversarial_train` trains an MLP on FGSM or PGD examples made on the fly
  (Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards Deep Learning Models
  Resistant to Adversarial Attacks", ICLR 2018, https://arxiv.org/abs/1706.06083;
  the 50/50 clean/adversarial mix is Goodfellow, Shlens & Szegedy 2015,
  https://arxiv.org/abs/1412.6572). The attack runs inside the NumPy training
  loop of :func:`advlab.models.fit_mlp`, so a PGD-7 epoch costs a few times a
  plain one instead of a TensorFlow call per mini-batch.
* :func:`tradeoff_sweep` trains one model per training epsilon and measures
  clean and robust accuracy: robustness is bought with clean accuracy
  (Tsipras et al., "Robustness May Be at Odds with Accuracy", ICLR 2019,
  https://arxiv.org/abs/1805.12152).
* :func:`loop_timed` times a training by its loop alone, so the price of
  adversarial training reads as a ratio of two loops.
* :func:`saturate` and :func:`reported_vs_real` show gradient masking: scaling
  the logits by a large temperature leaves every prediction unchanged but makes
  the float32 cross-entropy gradient exactly zero, so gradient attacks report a
  robustness the model does not have, while examples transferred from an
  ordinary model fool it as before (Athalye, Carlini & Wagner, "Obfuscated
  Gradients Give a False Sense of Security", ICML 2018,
  https://arxiv.org/abs/1802.00420; Carlini & Wagner, "Defensive Distillation
  is Not Robust to Adversarial Examples", 2016, https://arxiv.org/abs/1607.04311).

Nothing here imports streamlit.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from . import _validate as v
from .attacks import loss_gradient
from .attacks._engine import clip_bounds, random_delta
from .config import AdvTrainConfig, NetConfig
from .evaluation import accuracy, attack_cell, check_eps_values, eps_grid, eps_sweep
from .models import Trained, fit_mlp, single_thread_blas, to_keras

__all__ = [
    "DEFAULT_MLP",
    "METHODS",
    "MaskingReport",
    "Tradeoff",
    "adversarial_train",
    "curve_rows",
    "eval_items",
    "evaluate_tradeoff",
    "loop_timed",
    "make_perturb",
    "masking_verdict",
    "pgd_curve",
    "reported_vs_real",
    "saturate",
    "single_thread_blas",
    "tradeoff_at",
    "tradeoff_sweep",
    "trainer",
]

METHODS = ("fgsm", "pgd")

# The Playground's default network; the pages and the benchmark train this one.
DEFAULT_MLP = dict(hidden=(32, 32), activation="relu", epochs=100, batch_size=32, lr=0.01, l2=0.0)


def make_perturb(*, method: str = "pgd", eps: float, ratio: float = 0.5, steps: int = 7,
                 step_size: float | None = None, clip=None, seed: int = 0) -> Callable:
    """The ``perturb(net, xb, yb, rng) -> xb`` hook of :func:`advlab.models.fit_mlp`
    that replaces a share ``ratio`` of every mini-batch by adversarial examples
    against the network as it is at that step.

    ``method="fgsm"``: ``x + eps * sign(grad)``. ``method="pgd"``: a uniform
    random start in the L-inf ball, then ``steps`` signed steps of
    ``step_size`` (default ``2.5 * eps / steps``, the paper's rule), each
    projected onto the ball and into ``clip``. The random starts use their own
    generator (from ``seed``), so the batch order is that of standard training:
    ``eps=0`` or ``ratio=0`` gives exactly the standard model.
    """
    method = v.choice("method", method, METHODS)
    eps = v.number("eps", eps, lo=0.0, hi=10.0)
    ratio = v.number("ratio", ratio, lo=0.0, hi=1.0)
    steps = v.number("steps", steps, lo=1, hi=100, integer=True)
    if step_size is None:
        step_size = 2.5 * eps / steps
    step_size = v.number("step_size", step_size, lo=0.0, hi=10.0)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    rng = np.random.default_rng([seed, 1_000_003])
    eps32, alpha = np.float32(eps), np.float32(step_size)
    bounds = {}  # per-feature clip bounds, made once the width of x is known

    def perturb(net, xb, yb, _rng):
        m = round(ratio * len(xb))
        if m == 0 or eps == 0:
            return xb
        xs, ys = xb[:m], yb[:m]
        lo_b = xs - eps32
        hi_b = xs + eps32
        if clip is not None:
            if "lo" not in bounds:
                bounds["lo"], bounds["hi"] = clip_bounds(clip, xb.shape[1])
            np.maximum(lo_b, bounds["lo"], out=lo_b)
            np.minimum(hi_b, bounds["hi"], out=hi_b)
        # attacks.iterate's L-inf steps (keep="last"), on the NumPy network as it is mid-training: it has
        # no Keras graph yet, and a TensorFlow call per mini-batch would cost more than the whole PGD
        if method == "fgsm":
            xa = xs + eps32 * np.sign(net.input_grad(xs, ys))
            np.clip(xa, lo_b, hi_b, out=xa)
        else:
            xa = xs + random_delta(rng, xs.shape, eps=eps, norm="linf").astype(np.float32)
            np.clip(xa, lo_b, hi_b, out=xa)
            for _ in range(steps):
                xa += alpha * np.sign(net.input_grad(xa, ys))
                np.clip(xa, lo_b, hi_b, out=xa)
        out = xb.copy()
        out[:m] = xa
        return out

    return perturb


def adversarial_train(x, y, *, method: str = "pgd", eps: float = 0.3, ratio: float = 0.5, steps: int = 7,
                      step_size: float | None = None, clip=None, hidden=(64, 32), activation: str = "relu",
                      epochs: int = 10, batch_size: int = 32, lr: float = 1e-3, l2: float = 0.0, seed: int = 0,
                      on_epoch: Callable[[int, dict], None] | None = None) -> Trained:
    """Adversarial training of an MLP (Madry et al. 2018).

    Every mini-batch, a share ``ratio`` (0 to 1) of its points is replaced by
    FGSM (``method="fgsm"``) or PGD-``steps`` (``method="pgd"``) examples of
    L-inf size ``eps`` made against the current network; then the usual Adam
    step runs on the mixed batch. ``ratio=1`` is Madry et al.'s recipe,
    ``ratio=0.5`` Goodfellow et al.'s 50/50 mix. ``clip=(lo, hi)`` keeps the
    examples in the input domain (e.g. ``(0, 1)`` for pixels). The network
    arguments are those of :func:`advlab.models.train_mlp`, and so is the
    result (a :class:`~advlab.models.Trained`; ``history`` reports loss and
    accuracy on the mixed batches). The same arguments give the same model;
    ``eps=0`` gives the standard one.
    """
    xa = v.features("x", x)
    if clip is not None:
        lo, hi = clip_bounds(clip, xa.shape[1])
        if np.any(xa < lo - 1e-6) or np.any(xa > hi + 1e-6):
            raise ValueError("x must lie inside clip=(lo, hi); got values outside it")
    perturb = make_perturb(method=method, eps=eps, ratio=ratio, steps=steps, step_size=step_size, clip=clip,
                           seed=seed)
    return fit_mlp(xa, y, hidden=hidden, activation=activation, epochs=epochs, batch_size=batch_size, lr=lr, l2=l2,
                   seed=seed, on_epoch=on_epoch, perturb=perturb)


def loop_timed(fit: Callable[..., Trained]) -> Callable[..., Trained]:
    """``fit(on_epoch=...)`` (:func:`advlab.models.fit_mlp` or
    :func:`adversarial_train` with their data and settings bound) whose result's
    ``seconds`` is the training loop alone, up to the last epoch. Building the
    Keras model afterwards costs the same for both kinds of training, and far
    more on a process's first model: counted in, it would blur the ratio that
    is the price of adversarial training."""
    def run(*, on_epoch: Callable[[int, dict], None] | None = None) -> Trained:
        last = 0.0

        def hook(ep, logs):
            nonlocal last
            last = time.perf_counter()
            if on_epoch is not None:
                on_epoch(ep, logs)

        t0 = time.perf_counter()
        trained = fit(on_epoch=hook)
        return dataclasses.replace(trained, seconds=last - t0 if last else trained.seconds)
    return run


def trainer(x, y, *, net: NetConfig, adv: AdvTrainConfig, clip=None) -> Callable[..., Trained]:
    """``fit(on_epoch=...)``: adversarial training ``adv`` of the network ``net``
    on ``(x, y)`` (standard training when ``adv`` trains on nothing
    adversarial), timed by its loop alone (:func:`loop_timed`)."""
    return loop_timed(partial(adversarial_train, x, y, clip=clip, **adv.canonical().train_kwargs(),
                              **net.fit_kwargs()))


def curve_rows(eps, standard, adversarial) -> list[dict]:
    """Accuracy under PGD per epsilon of the standard and the adversarially
    trained model, one row per epsilon (for a table or a CSV file)."""
    return [{"eps": float(e), "standard_pgd_accuracy": float(a), "adversarial_pgd_accuracy": float(b)}
            for e, a, b in zip(eps, standard, adversarial, strict=True)]


def saturate(trained: Trained, *, temperature: float = 1e4):
    """A copy of ``trained``'s network whose logits are ``temperature`` times larger.

    Every prediction stays the same (a positive factor changes no sign and no
    argmax), but for ``temperature`` around 1e3 and up the sigmoid/softmax
    saturates in float32: the cross-entropy gradient is exactly zero at every
    confidently classified point, so FGSM (``sign(0) = 0``) and PGD have nothing
    to follow. This is how defensive distillation at a high temperature
    "worked" (Carlini & Wagner 2016). ``temperature`` is 1 to 1e6.
    """
    temperature = v.number("temperature", temperature, lo=1.0, hi=1e6)
    if not isinstance(trained, Trained):
        raise TypeError(f"trained must be an advlab.models.Trained (from fit_mlp or adversarial_train), "
                         f"got {type(trained).__name__}")
    w = [np.array(a, np.float32) for a in trained.model.get_weights()]
    w[-2] *= np.float32(temperature)
    w[-1] *= np.float32(temperature)
    return to_keras(trained.spec, w)


@dataclass(frozen=True)
class Tradeoff:
    """Clean and robust (PGD at ``eval_eps``) test accuracy per training epsilon."""

    train_eps: np.ndarray
    clean: np.ndarray
    robust: np.ndarray
    eval_eps: float
    seconds: np.ndarray

    def rows(self) -> list[dict]:
        """One row per training epsilon (for a table or a CSV file)."""
        return [{"train_eps": float(e), "clean_accuracy": float(c), "robust_accuracy": float(r),
                 "eval_eps": self.eval_eps, "train_seconds": float(s)}
                for e, c, r, s in zip(self.train_eps, self.clean, self.robust, self.seconds)]


def eps_points(emax: float, n: int) -> tuple[float, ...]:
    """``n`` budgets from 0 to ``emax`` (4 decimals) as a tuple: a key of the results kept for them."""
    return tuple(eps_grid(emax, n, decimals=4).tolist())


def evaluate_tradeoff(models: Sequence, x, y, *, train_eps, eval_eps: float, clip=None, steps: int = 40,
                      seed: int = 0, seconds=None) -> Tradeoff:
    """Score already-trained models (one per value of ``train_eps``): clean
    accuracy and accuracy under PGD-``steps`` at ``eval_eps``."""
    train_eps = np.asarray(train_eps, np.float64)
    if train_eps.ndim != 1 or len(train_eps) != len(models) or len(models) == 0:
        raise ValueError(f"train_eps must list one epsilon per model ({len(models)} models), "
                         f"got shape {train_eps.shape}")
    eval_eps = v.number("eval_eps", eval_eps, lo=0.0, hi=10.0)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    clean = np.array([accuracy(m, x, y) for m in models])
    robust = np.array([attack_cell(m, x, y, attack="pgd", eps=eval_eps, clip=clip, seed=seed,
                                   params={"steps": steps}).accuracy for m in models])
    secs = np.zeros(len(models)) if seconds is None else np.asarray(seconds, np.float64)
    return Tradeoff(train_eps, clean, robust, float(eval_eps), secs)


def pgd_curve(model, x, y, *, eps_values, clip=None, seed: int = 0, steps: int = 40) -> np.ndarray:
    """Accuracy under PGD-``steps`` at every budget of ``eps_values``, in one
    batched run: the numbers of :func:`~advlab.evaluation.accuracy_curve`."""
    return eps_sweep(model, x, y, attack="pgd", eps_values=check_eps_values(eps_values), clip=clip, seed=seed,
                     params={"steps": steps}).accuracy


def eval_items(runs: Sequence[tuple], x, y, *, block: tuple, clip=None, seed: int = 0, steps: int = 40,
               keep_x: bool = False) -> list[tuple]:
    """``(key, compute)`` for each run ``(key, model, attack, judge)``: the
    evaluation (``"pgd"`` with ``steps``, or ``"fgsm"``) of ``model`` on
    ``(x, y)`` at every budget of ``block`` in one batched call
    (:func:`~advlab.evaluation.eps_sweep`; ``judge``, if not None, is scored
    on the examples), keyed by the run's key, the attack, the block and ``seed``."""
    return [(("df-eval", key, attack, tuple(block), int(seed)), partial(
        eps_sweep, model, x, y, attack=attack, eps_values=block, clip=clip, seed=seed,
        params={"steps": steps} if attack == "pgd" else {}, judge=judge, keep_x=keep_x))
        for key, model, attack, judge in runs]


def tradeoff_at(sweeps: Sequence, *, train_eps, eval_eps: float, seconds=None) -> Tradeoff:
    """The trade-off read off one :class:`~advlab.evaluation.EpsSweep` per
    model (PGD over budgets that include ``eval_eps``): what
    :func:`evaluate_tradeoff` computes, without attacking again."""
    train_eps = np.asarray(train_eps, np.float64)
    if train_eps.ndim != 1 or len(train_eps) != len(sweeps) or len(sweeps) == 0:
        raise ValueError(f"train_eps must list one epsilon per sweep ({len(sweeps)} sweeps), "
                         f"got shape {train_eps.shape}")
    eval_eps = v.number("eval_eps", eval_eps, lo=0.0, hi=10.0)
    clean = np.array([s.clean_accuracy for s in sweeps])
    robust = np.array([s.accuracy_at(eval_eps) for s in sweeps])
    secs = np.zeros(len(sweeps)) if seconds is None else np.round(np.asarray(seconds, np.float64), 4)
    return Tradeoff(train_eps, clean, robust, float(eval_eps), secs)


def tradeoff_sweep(x, y, x_test, y_test, *, train_eps=(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6), eval_eps: float = 0.3,
                   method: str = "pgd", ratio: float = 0.5, steps: int = 7, clip=None, eval_steps: int = 40,
                   on_model: Callable[[int, int, float], None] | None = None, **fit_kw) -> Tradeoff:
    """Adversarially train one model per training epsilon (``0`` is standard
    training) and score each on the test set, clean and under PGD at
    ``eval_eps``. ``on_model(i, n, eps)`` is called before each model trains;
    ``fit_kw`` are the network arguments of :func:`adversarial_train`."""
    train_eps = [v.number("train_eps", e, lo=0.0, hi=10.0) for e in np.atleast_1d(train_eps)]
    if not train_eps:
        raise ValueError("train_eps must list at least one epsilon")
    trained, secs = [], []
    for i, e in enumerate(train_eps):
        if on_model is not None:
            on_model(i, len(train_eps), e)
        t = adversarial_train(x, y, method=method, eps=e, ratio=ratio, steps=steps, clip=clip, **fit_kw)
        trained.append(t.model)
        secs.append(t.seconds)
    return evaluate_tradeoff(trained, x_test, y_test, train_eps=train_eps, eval_eps=eval_eps, clip=clip,
                             steps=eval_steps, seed=int(fit_kw.get("seed", 0)), seconds=secs)


@dataclass(frozen=True)
class MaskingReport:
    """Accuracy of a gradient-masked model per epsilon, three ways.

    ``fgsm`` and ``pgd``: white-box attacks on the masked model itself (what a
    careless evaluation reports). ``transfer``: PGD examples made on an ordinary
    model (the ``source``) and shown to the masked one (closer to the truth).
    """

    eps: np.ndarray
    fgsm: np.ndarray
    pgd: np.ndarray
    transfer: np.ndarray
    clean: float
    zero_gradient_share: float  # test points where the masked model's loss gradient is exactly 0

    def rows(self) -> list[dict]:
        return [{"eps": float(e), "fgsm_accuracy": float(a), "pgd_accuracy": float(b),
                 "transfer_accuracy": float(c)} for e, a, b, c in zip(self.eps, self.fgsm, self.pgd, self.transfer)]


def masking_verdict(temperature: float, reported: float, transferred: float) -> str:
    """What a masking report at one epsilon says: ``"lie"`` when the logits are
    scaled enough to zero the float32 gradient (``temperature`` 1,000 and up)
    and the reported accuracy (FGSM) beats the transferred attack's by more
    than 5 points; ``"low_temp"`` below that scale (the gradients still work);
    else ``"no_gap"`` (no gap to see at this epsilon)."""
    if temperature >= 1000 and reported - transferred > 0.05:
        return "lie"
    return "low_temp" if temperature < 1000 else "no_gap"


def reported_vs_real(masked, source, x, y, *, eps_values, clip=None, steps: int = 40, seed: int = 0) -> MaskingReport:
    """Evaluate ``masked`` (e.g. from :func:`saturate`) with FGSM and PGD on
    itself and with PGD examples transferred from ``source`` (an ordinary model
    trained on the same data), at every epsilon in ``eps_values``."""
    eps_values = check_eps_values(eps_values)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    steps = v.number("steps", steps, lo=1, hi=1000, integer=True)
    clean = accuracy(masked, x, y)
    # every budget in one batched run each (the numbers of one run per budget)
    reported_fgsm = eps_sweep(masked, x, y, attack="fgsm", eps_values=eps_values, clip=clip).accuracy
    reported_pgd = pgd_curve(masked, x, y, eps_values=eps_values, clip=clip, seed=seed, steps=steps)
    # the attack runs on the ordinary model; the masked one only sees its examples
    real = eps_sweep(source, x, y, attack="pgd", eps_values=eps_values, clip=clip, seed=seed,
                     params={"steps": steps}, judge=masked).accuracy
    zero = float(np.mean(np.all(loss_gradient(masked, x, y) == 0, axis=1)))
    return MaskingReport(eps_values, reported_fgsm, reported_pgd, real, clean, zero)
