"""Gradient-sign and gradient-step attacks: FGSM/FGM, BIM, PGD, MI-FGSM.

All four share one compiled loop (:func:`_iterate`): start (optionally at a
random point of the ball), step along the loss gradient (its sign for L-inf,
its unit direction for L2; momentum for MI-FGSM), project back onto the
epsilon-ball, clip to the input domain. The loop keeps, per point, the first
iterate that fools the model, so a late step that wanders back across the
boundary never undoes a success.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .._tf import tf
from . import _engine as E

_TINY = 1e-12


def _grad_builder(e):
    def f(w, x, labels):
        with tf.GradientTape() as tape:
            tape.watch(x)
            z = e.logits_fn(w, x)
            loss = tf.reduce_sum(E.per_example_ce(z, labels))
        return tape.gradient(loss, x)
    return f


def loss_gradient(model, x, labels) -> np.ndarray:
    """Per-example gradient of the model's cross-entropy w.r.t. x, at ``labels``."""
    eng, w = E.engine_for(model)
    f = eng.fn("grad", _grad_builder, eng.x_sig, tf.TensorSpec((None,), tf.int32))
    return f(w, np.asarray(x, np.float32), np.asarray(labels, np.int32)).numpy()


def _unit_l2(g):
    n = tf.sqrt(tf.reduce_sum(g * g, axis=1, keepdims=True))
    return g / tf.maximum(n, _TINY)


def _iterate_builder(l2: bool, path: bool):
    def build(e):
        def f(w, x, y, t, sgn, delta0, eps, alpha, steps, mu, lo, hi):
            def project(xa):
                d = xa - x
                if l2:
                    n = tf.sqrt(tf.reduce_sum(d * d, axis=1, keepdims=True))
                    d = d * tf.minimum(1.0, eps / tf.maximum(n, _TINY))
                else:
                    d = tf.clip_by_value(d, -eps, eps)
                return tf.clip_by_value(x + d, lo, hi)

            def fooled(z):
                p = E.predict_from_logits(z)
                return tf.where(sgn > 0, tf.not_equal(p, y), tf.equal(p, t))

            xa = project(x + delta0)
            g_acc = tf.zeros_like(x)
            best = xa
            found = tf.zeros(tf.shape(y), tf.bool)
            # a one-slot array when no path is asked for: loop variables cannot be None
            ta = tf.TensorArray(tf.float32, size=steps + 1 if path else 1, element_shape=x.shape)
            ta = ta.write(0, xa)
            for i in tf.range(steps):
                with tf.GradientTape() as tape:
                    tape.watch(xa)
                    z = e.logits_fn(w, xa)
                    loss = tf.reduce_sum(E.per_example_ce(z, t))
                g = tape.gradient(loss, xa)
                now = fooled(z) & ~found
                best = tf.where(now[:, None], xa, best)
                found = found | now
                # MI-FGSM: accumulate L1-normalized gradients (mu = 0 gives plain steps)
                g_acc = mu * g_acc + g / tf.maximum(tf.reduce_sum(tf.abs(g), axis=1, keepdims=True), _TINY)
                dirn = g_acc
                step = _unit_l2(dirn) if l2 else tf.sign(dirn)
                xa = project(xa + sgn * alpha * step)
                if path:
                    ta = ta.write(i + 1, xa)
            z = e.logits_fn(w, xa)
            now = fooled(z) & ~found
            best = tf.where(now[:, None], xa, best)
            found = found | now
            out = tf.where(found[:, None], best, xa)
            return (out, found, ta.stack()) if path else (out, found, tf.zeros((0,), tf.float32))
        return f
    return build


def _iterate(model, x, y, *, eps, alpha, steps, norm, mu, random_start, seed, clip, targeted, target,
             return_path):
    eng, w = E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    rng = np.random.default_rng(seed)
    if random_start and eps > 0:
        if norm == "linf":
            delta0 = rng.uniform(-eps, eps, size=x.shape)
        else:
            g = rng.normal(size=x.shape)
            g /= np.maximum(np.linalg.norm(g, axis=1, keepdims=True), _TINY)
            r = rng.uniform(0, 1, size=(x.shape[0], 1)) ** (1.0 / x.shape[1])
            delta0 = g * r * eps
    else:
        delta0 = np.zeros_like(x)
    sig = [eng.x_sig, tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None,), tf.int32),
           tf.TensorSpec((), tf.float32), eng.x_sig, tf.TensorSpec((), tf.float32),
           tf.TensorSpec((), tf.float32), tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.float32),
           tf.TensorSpec((None,), tf.float32), tf.TensorSpec((None,), tf.float32)]
    f = eng.fn(f"iterate-{norm}-{return_path}", _iterate_builder(norm == "l2", return_path), *sig)
    out, found, path = f(w, x, y, t, np.float32(-1.0 if targeted else 1.0), delta0.astype(np.float32),
                         np.float32(eps), np.float32(alpha), np.int32(steps), np.float32(mu), lo, hi)
    out = out.numpy()
    if eps == 0:
        out = x.copy()
    return out, found.numpy(), (path.numpy() if return_path else None)


def _common(eps, steps, step_size, norm, default_ratio):
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    steps = v.number("steps", steps, lo=1, hi=10_000, integer=True)
    if step_size is None:
        step_size = default_ratio * eps
    step_size = v.number("step_size", step_size, lo=0.0, hi=100.0)
    return eps, steps, step_size, norm


def fgsm(model, x, y, *, eps: float, norm: str = "linf", targeted: bool = False, target=None,
         clip=None) -> np.ndarray:
    """Fast Gradient Sign Method (L-inf) and Fast Gradient Method (L2).

    Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial
    Examples", ICLR 2015 (https://arxiv.org/abs/1412.6572).

    ``norm="linf"``: exactly ``x + eps * sign(grad_x L(x, y))`` with ``L`` the
    model's own cross-entropy (sigmoid or softmax). ``norm="l2"`` (FGM):
    ``x + eps * g / ||g||_2``. Targeted: step *down* the loss of ``target``.
    ``clip=(lo, hi)`` then clips to the input domain. Returns float32 ``x.shape``.
    """
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    eng, _ = E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    g = loss_gradient(model, x, t)
    step = np.sign(g) if norm == "linf" else g / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), _TINY)
    x_adv = x + (-1.0 if targeted else 1.0) * np.float32(eps) * step.astype(np.float32)
    return np.clip(x_adv, lo, hi).astype(np.float32)


def bim(model, x, y, *, eps: float, steps: int = 10, step_size: float | None = None, norm: str = "linf",
        targeted: bool = False, target=None, clip=None, return_path: bool = False):
    """Basic Iterative Method (I-FGSM).

    Kurakin, Goodfellow & Bengio, "Adversarial Examples in the Physical World",
    ICLR workshop 2017 (https://arxiv.org/abs/1607.02533).

    ``steps`` FGSM steps of ``step_size`` (default ``eps / steps``, so the
    budget can just be reached), each clipped back into the epsilon-box
    around x. No random start (that is PGD). Deviation: the paper picks
    ``steps = min(eps + 4, 1.25 eps)`` for 0..255 pixels; here it is a
    parameter. With ``return_path`` returns ``(x_adv, path)``, path
    ``(steps + 1, N, D)``.
    """
    eps, steps, step_size, norm = _common(eps, steps, step_size, norm, 1.0 / max(steps, 1))
    out, _, path = _iterate(model, x, y, eps=eps, alpha=step_size, steps=steps, norm=norm, mu=0.0,
                            random_start=False, seed=0, clip=clip, targeted=targeted, target=target,
                            return_path=return_path)
    return (out, path) if return_path else out


def pgd(model, x, y, *, eps: float, steps: int = 40, step_size: float | None = None, norm: str = "linf",
        random_start: bool = True, restarts: int = 1, seed: int = 0, targeted: bool = False, target=None,
        clip=None, return_path: bool = False):
    """Projected Gradient Descent, L-inf or L2.

    Madry, Makelov, Schmidt, Tsipras & Vladu, "Towards Deep Learning Models
    Resistant to Adversarial Attacks", ICLR 2018 (https://arxiv.org/abs/1706.06083).

    Start uniformly in the epsilon-ball (``random_start``), take ``steps``
    steps of ``step_size`` along the gradient's sign (L-inf) or unit direction
    (L2), projecting onto the ball and into ``clip`` after every step.
    ``restarts`` > 1 runs again from new random starts and keeps, per point, a
    run that fooled the model.

    The default step size ``2.5 * eps / steps`` is not the paper's: Madry et
    al. set it per dataset (MNIST, eps = 0.3: 40 steps of 0.01; CIFAR-10
    training, eps = 8/255: 7 steps of 2/255; in total 4/3 and 7/4 of eps).
    It is the convention of the MadryLab ``robustness`` library (Engstrom et
    al. 2019, https://github.com/MadryLab/robustness), whose pretrained models
    are evaluated with PGD steps of ``2.5 * eps / steps``: together they reach
    2.5 eps, enough to cross the ball from any start and move along its edge.

    Deviation: each run returns the first iterate that fools the model rather
    than the last one (never weaker). The same ``seed`` gives the same result.
    With ``return_path`` returns ``(x_adv, path)``, path ``(steps + 1, N, D)``
    of the first restart.
    """
    eps, steps, step_size, norm = _common(eps, steps, step_size, norm, 2.5 / max(steps, 1))
    restarts = v.number("restarts", restarts, lo=1, hi=100, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    best, found_all, first_path = None, None, None
    for r in range(restarts):
        out, found, path = _iterate(model, x, y, eps=eps, alpha=step_size, steps=steps, norm=norm, mu=0.0,
                                    random_start=random_start, seed=seed + r, clip=clip, targeted=targeted,
                                    target=target, return_path=return_path and r == 0)
        if best is None:
            best, found_all, first_path = out, found, path
        else:
            take = found & ~found_all
            best = np.where(take[:, None], out, best)
            found_all = found_all | found
    return (best, first_path) if return_path else best


def mim(model, x, y, *, eps: float, steps: int = 10, step_size: float | None = None, decay: float = 1.0,
        norm: str = "linf", targeted: bool = False, target=None, clip=None, return_path: bool = False):
    """Momentum Iterative FGSM (MI-FGSM).

    Dong, Liao, Pang, Su, Zhu, Hu & Li, "Boosting Adversarial Attacks with
    Momentum", CVPR 2018 (https://arxiv.org/abs/1710.06081).

    ``g <- decay * g + grad / ||grad||_1``; step ``step_size * sign(g)``
    (default ``eps / steps``), then clip to the epsilon-box and ``clip``.
    ``decay = 0`` is BIM. The paper's L2 variant steps along ``g / ||g||_2``.
    """
    eps, steps, step_size, norm = _common(eps, steps, step_size, norm, 1.0 / max(steps, 1))
    decay = v.number("decay", decay, lo=0.0, hi=10.0)
    out, _, path = _iterate(model, x, y, eps=eps, alpha=step_size, steps=steps, norm=norm, mu=decay,
                            random_start=False, seed=0, clip=clip, targeted=targeted, target=target,
                            return_path=return_path)
    return (out, path) if return_path else out
