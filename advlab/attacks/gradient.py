"""Gradient-sign and gradient-step attacks: FGSM/FGM, BIM, PGD, MI-FGSM.

One gradient (:func:`loss_gradient`, the model's own cross-entropy) and one
compiled loop (:func:`iterate`) serve them all, and the transfer and defense
lessons too: start (optionally at a random point of the ball), step along the
loss gradient (its sign for L-inf, its unit direction for L2; momentum for
MI-FGSM), project back onto the epsilon-ball, clip to the input domain. With
``keep="first"`` (the attacks here) the loop keeps, per point, the first
iterate that fools the model, so a late step that wanders back across the
boundary never undoes a success; with ``keep="last"`` every point spends the
whole budget (examples meant to transfer to another model).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .. import _validate as v
from .._lazytf import tf
from ..numerics import cross_entropy
from . import _engine as E

_TINY = 1e-12
KEEPS = ("first", "last")


def _loss_and_grad(e, w, x, labels):
    """Inside a graph: logits at x and the gradient w.r.t. x of the summed cross-entropy at ``labels``."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = e.logits_fn(w, x)
        loss = tf.reduce_sum(E.per_example_ce(z, labels))
    return z, tape.gradient(loss, x)


def _grad_builder(e):
    return lambda w, x, labels: _loss_and_grad(e, w, x, labels)[1]


def loss_gradient(model, x, labels) -> np.ndarray:
    """Per-example gradient of the model's cross-entropy w.r.t. x, at ``labels``.

    ``x`` is ``(N, D)`` with ``labels`` ``(N,)``, or one point ``(D,)`` with
    one label, which gives one gradient ``(D,)``.
    """
    x = np.asarray(x, np.float32)
    if x.ndim == 1:
        return loss_gradient(model, x[None, :], np.reshape(labels, (1,)))[0]
    if isinstance(model, E.MLPModel):
        return E.numpy_net(model).input_grad(x, np.asarray(labels, np.int64))
    eng, w = E.engine_for(model)
    f = eng.fn("grad", _grad_builder, eng.x_sig, tf.TensorSpec((None,), tf.int32), autograph=False)
    return f(w, x, np.asarray(labels, np.int32)).numpy()


def _unit_l2(g):
    n = tf.sqrt(tf.reduce_sum(g * g, axis=1, keepdims=True))
    return g / tf.maximum(n, _TINY)


def _iterate_builder(l2: bool, path: bool, keep_first: bool):
    def build(e):
        def f(w, x, y, t, sgn, delta0, eps, alpha, steps, mu, lo, hi):
            eps = eps[:, None]
            alpha = alpha[:, None]

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
            # a one-slot array when no path is asked for: loop variables cannot be None
            ta = tf.TensorArray(tf.float32, size=steps + 1 if path else 1, element_shape=x.shape)
            ta = ta.write(0, xa)

            def body(i, xa, g_acc, best, found, ta):
                z, g = _loss_and_grad(e, w, xa, t)
                if keep_first:
                    now = fooled(z) & ~found
                    best = tf.where(now[:, None], xa, best)
                    found = found | now
                # MI-FGSM: accumulate L1-normalized gradients (mu = 0 gives plain steps)
                g_acc = mu * g_acc + g / tf.maximum(tf.reduce_sum(tf.abs(g), axis=1, keepdims=True), _TINY)
                step = _unit_l2(g_acc) if l2 else tf.sign(g_acc)
                xa = project(xa + sgn * alpha * step)
                if path:
                    ta = ta.write(i + 1, xa)
                return i + 1, xa, g_acc, best, found, ta

            _, xa, _, best, found, ta = tf.while_loop(
                lambda i, *_: i < steps, body,
                (tf.constant(0), xa, tf.zeros_like(x), xa, tf.zeros(tf.shape(y), tf.bool), ta))
            if keep_first:
                z = e.logits_fn(w, xa)
                now = fooled(z) & ~found
                best = tf.where(now[:, None], xa, best)
                found = found | now
                out = tf.where(found[:, None], best, xa)
            else:
                out = xa
            return (out, found, ta.stack()) if path else (out, found, tf.zeros((0,), tf.float32))
        return f
    return build


def _iterate_numpy(net, x, y, t, sgn, delta0, eps, alpha, steps: int, mu, lo, hi, *, l2: bool, path: bool,
                   keep_first: bool):
    """The graph of :func:`_iterate_builder` in NumPy, step for step and in float32,
    for advlab's own networks: an MLP this small costs NumPy far less per step than
    a graph call, and a page that attacks only such networks never imports
    TensorFlow (a fresh server's first page is drawn seconds sooner)."""
    eps = eps[:, None]
    alpha = alpha[:, None]
    one = np.float32(1.0)

    boxed = bool(np.isfinite(lo).any() or np.isfinite(hi).any())  # without a domain the last clip changes nothing

    def project(xa):
        d = xa - x
        if l2:
            nrm = np.sqrt(np.sum(d * d, axis=1, keepdims=True))
            d = d * np.minimum(one, eps / np.maximum(nrm, np.float32(_TINY)))
        else:
            d = np.clip(d, -eps, eps)
        return np.clip(x + d, lo, hi) if boxed else x + d

    def fooled(z):
        p = (z[:, 0] > 0).astype(np.int32) if z.shape[1] == 1 else np.argmax(z, 1).astype(np.int32)
        return p != y if sgn > 0 else p == t

    labels = t.astype(np.int64)
    xa = project(x + delta0)
    trail = [xa] if path else None
    g_acc = np.zeros_like(x)
    best, found = xa, np.zeros(len(x), bool)
    for _ in range(steps):
        acts = net.forward(xa)
        z = acts[-1]
        g = net.backward(acts, net.dlogits(z, labels), weight_grads=False, want_input=True)
        if keep_first:
            now = fooled(z) & ~found
            if now.any():
                best = np.where(now[:, None], xa, best)
                found = found | now
        if mu == 0 and not l2:  # the sign of g over a positive norm is the sign of g
            step = np.sign(g)
        else:
            g_acc = mu * g_acc + g / np.maximum(np.sum(np.abs(g), axis=1, keepdims=True), np.float32(_TINY))
            if l2:
                step = g_acc / np.maximum(np.sqrt(np.sum(g_acc * g_acc, axis=1, keepdims=True)), np.float32(_TINY))
            else:
                step = np.sign(g_acc)
        xa = project(xa + sgn * alpha * step)
        if path:
            trail.append(xa)
    if keep_first:
        now = fooled(net.logits(xa)) & ~found
        best = np.where(now[:, None], xa, best)
        found = found | now
        out = np.where(found[:, None], best, xa)
    else:
        out = xa
    return out.astype(np.float32), found, (np.stack(trail).astype(np.float32) if path else None)


def iterate(model, x, y, *, eps, step_size, steps: int, norm: str = "linf", decay: float = 0.0,
            starts: Iterable = (None,), keep: str = "first", targeted: bool = False, target=None, clip=None,
            return_path: bool = False):
    """The iterative loop of BIM, PGD and MI-FGSM, once per start; returns
    ``(x_adv, fooled, path)``.

    ``eps`` and ``step_size`` are one value or one per point (several budgets
    then run as one batch). ``starts`` holds one start offset ``(N, D)`` per
    run (``None``: start at x); runs after the first are restarts. ``keep``:
    ``"first"`` returns, per point, the first iterate that fools the model and
    keeps a restart's point where an earlier run had failed; ``"last"`` spends
    the whole budget and keeps, per point, the run that ends with the highest
    loss (lowest for targeted). ``decay`` is MI-FGSM's momentum (0: plain
    steps). ``fooled`` is reported for ``keep="first"`` (all False otherwise);
    ``path`` ``(steps + 1, N, D)`` is the first run's, or None. Every point
    takes every step, and the model calls are counted that way (see
    :func:`~advlab.attacks.count_queries`).
    """
    keep = v.choice("keep", keep, KEEPS)
    mlp = isinstance(model, E.MLPModel)
    eng, w = (E.shape_of(model), None) if mlp else E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    n = x.shape[0]
    eps = np.broadcast_to(np.asarray(eps, np.float32), (n,))
    alpha = np.broadcast_to(np.asarray(step_size, np.float32), (n,))
    sgn = np.float32(-1.0 if targeted else 1.0)
    sig = None if mlp else [eng.x_sig, tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None,), tf.int32),
           tf.TensorSpec((), tf.float32), eng.x_sig, tf.TensorSpec((None,), tf.float32),
           tf.TensorSpec((None,), tf.float32), tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.float32),
           tf.TensorSpec((None,), tf.float32), tf.TensorSpec((None,), tf.float32)]
    best = found_all = first_path = best_loss = None
    for r, delta0 in enumerate(starts):
        path = return_path and r == 0
        delta0 = np.zeros_like(x) if delta0 is None else np.asarray(delta0, np.float32)
        if mlp:
            out, found, p = _iterate_numpy(E.numpy_net(model), x, y, t, sgn, delta0, eps, alpha, steps,
                                           np.float32(decay), lo, hi, l2=norm == "l2", path=path,
                                           keep_first=keep == "first")
        else:
            key = f"iterate-{norm}-{path}" + ("" if keep == "first" else "-last")
            f = eng.fn(key, _iterate_builder(norm == "l2", path, keep == "first"), *sig, autograph=False)
            out, found, p = f(w, x, y, t, sgn, delta0, eps, alpha, np.int32(steps), np.float32(decay), lo, hi)
            out, found, p = out.numpy(), found.numpy(), p.numpy()
        # every point takes every step: a gradient (forward + backward) per step, and
        # with keep="first" one last forward pass to check the final iterate
        E.tally(n, forward=steps + (keep == "first"), backward=steps)
        if best is None:
            best, found_all, first_path = out, found, (p if path else None)
        elif keep == "first":
            take = found & ~found_all
            best = np.where(take[:, None], out, best)
            found_all = found_all | found
        else:
            if best_loss is None:
                best_loss = sgn * cross_entropy(E.logits(model, best), t)
                E.tally(n, forward=1)
            loss = sgn * cross_entropy(E.logits(model, out), t)
            E.tally(n, forward=1)
            better = loss > best_loss
            best = np.where(better[:, None], out, best)
            best_loss = np.where(better, loss, best_loss)
    return np.where(eps[:, None] > 0, best, x), found_all, first_path


def _starts(x, *, eps, norm, random_start, seeds):
    """PGD's random starts, one per seed (none when not ``random_start`` or eps is 0)."""
    shape = np.shape(x)
    for s in seeds:
        if random_start and eps > 0:
            yield E.random_delta(np.random.default_rng(s), shape, eps=eps, norm=norm).astype(np.float32)
        else:
            yield None


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
    x, y, t, lo, hi = E.check_inputs(E.shape_of(model), x, y, clip=clip, target=target, targeted=targeted)
    g = loss_gradient(model, x, t)
    E.tally(len(x), forward=1, backward=1)
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
    out, _, path = iterate(model, x, y, eps=eps, step_size=step_size, steps=steps, norm=norm, clip=clip,
                           targeted=targeted, target=target, return_path=return_path)
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
    starts = _starts(x, eps=eps, norm=norm, random_start=random_start, seeds=[seed + r for r in range(restarts)])
    out, _, path = iterate(model, x, y, eps=eps, step_size=step_size, steps=steps, norm=norm, starts=starts,
                           clip=clip, targeted=targeted, target=target, return_path=return_path)
    return (out, path) if return_path else out


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
    out, _, path = iterate(model, x, y, eps=eps, step_size=step_size, steps=steps, norm=norm, decay=decay,
                           clip=clip, targeted=targeted, target=target, return_path=return_path)
    return (out, path) if return_path else out


# ------------------------------------------------------------ ε sweeps ---
# One attack at every budget of a grid (a slider's values) in one batched run:
# the points are tiled over the budgets, each copy with its own epsilon and step
# size, through the same compiled loop (one trace per architecture, whatever the
# budgets). Each row is computed as in the single-budget call, random starts
# included: the unit draws of ``seed`` are scaled by each budget, exactly as
# ``random_delta`` scales them, so a row differs from the single run by float
# rounding in the batched matrix products at most.

SWEPT = ("noise", "fgsm", "bim", "pgd", "mim")
SWEEP_ROWS = 16_384  # tiled rows per compiled call: bounds the memory of a large grid


def _unit_draws(rng: np.random.Generator, shape, *, norm: str, sphere: bool = False) -> np.ndarray:
    """``random_delta``'s draws before the budget scales them (L-inf: uniform in [0, 1); L2: the ball at 1)."""
    return rng.random(size=shape) if norm == "linf" else E.random_delta(rng, shape, eps=1.0, norm=norm, sphere=sphere)


def _scaled(unit: np.ndarray, eps: float, norm: str) -> np.ndarray:
    """``random_delta(rng, shape, eps=eps)`` from its unit draws, bit for bit (float32)."""
    return ((-eps + (eps - -eps) * unit) if norm == "linf" else unit * eps).astype(np.float32)


def _sweep_chunks(n: int, n_eps: int) -> list[slice]:
    per = max(1, SWEEP_ROWS // max(n, 1))
    return [slice(i, min(i + per, n_eps)) for i in range(0, n_eps, per)]


def sweep_eps(model, x, y, *, attack: str, eps_values, norm: str = "linf", clip=None, seed: int = 0,
              steps: int | None = None, restarts: int = 1, decay: float = 1.0) -> np.ndarray:
    """The untargeted ``attack`` (one of :data:`SWEPT`, default step sizes) at
    every budget of ``eps_values``: an ``(E, N, D)`` array whose row ``j`` is
    ``attack(model, x, y, eps=eps_values[j], ...)`` up to float rounding, made in
    as few compiled calls as :data:`SWEEP_ROWS` allows. ``steps`` defaults to the
    attack's own (PGD 40, BIM and MI-FGSM 10)."""
    v.choice("attack", attack, SWEPT)
    norm = E.check_norm(norm)
    eps = [E.check_eps(e) for e in np.atleast_1d(np.asarray(eps_values, np.float64))]
    if not eps:
        raise ValueError("eps_values must list at least one epsilon")
    if steps is None:
        steps = 40 if attack == "pgd" else 10
    steps = v.number("steps", steps, lo=1, hi=10_000, integer=True)
    restarts = v.number("restarts", restarts, lo=1, hi=100, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    x, y, _, lo, hi = E.check_inputs(E.shape_of(model), x, y, clip=clip)
    if attack == "noise":
        unit = _unit_draws(np.random.default_rng(seed), x.shape, norm=norm, sphere=True)
        return np.stack([np.clip(x + _scaled(unit, e, norm), lo, hi).astype(np.float32) for e in eps])
    if attack == "fgsm":
        g = loss_gradient(model, x, y)
        E.tally(len(x), forward=1, backward=1)
        step = np.sign(g) if norm == "linf" else g / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), _TINY)
        return np.stack([np.clip(x + 1.0 * np.float32(e) * step.astype(np.float32), lo, hi).astype(np.float32)
                         for e in eps])
    units = ([_unit_draws(np.random.default_rng(seed + r), x.shape, norm=norm) for r in range(restarts)]
             if attack == "pgd" else [None])
    ratio = 2.5 / steps if attack == "pgd" else 1.0 / steps
    out = np.empty((len(eps), *x.shape), np.float32)
    for part in _sweep_chunks(len(x), len(eps)):
        e = eps[part]
        starts = [None if u is None else np.concatenate([_scaled(u, b, norm) if b > 0 else np.zeros_like(x)
                                                         for b in e]) for u in units]
        got, _, _ = iterate(model, np.tile(x, (len(e), 1)), np.tile(y, len(e)), eps=np.repeat(e, len(x)),
                            step_size=np.repeat([ratio * b for b in e], len(x)), steps=steps, norm=norm,
                            decay=decay if attack == "mim" else 0.0, starts=starts, clip=clip)
        out[part] = got.reshape(len(e), *x.shape)
    return out
