"""DeepFool: the smallest L2 step that crosses the (linearized) boundary."""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .._lazytf import tf
from . import _engine as E

_TINY = 1e-8


def linearized_step(e, w, xa, orig, norm: str = "l2", lo=None, hi=None):
    """Inside a graph: the model's prediction at ``xa`` and DeepFool's step
    ``r``: the smallest move that reaches the nearest boundary of the
    classifier linearized at ``xa`` (leaving class ``orig``). In L2 (the
    attack here) or L-inf (the paper's l_p version for p = inf: distances
    ``|f| / ||w||_1``, steps along ``sign(w)``; the universal perturbation
    uses it). Given ``lo`` and ``hi``, features at an edge of the input
    domain do not count in directions that would push them further out: the
    step uses the features that can still move that way."""
    k_out = e.n_out
    linf = norm == "linf"

    def size(g):  # the dual norm of the step's norm: its squared L2, or L1
        return tf.reduce_sum(tf.abs(g), axis=-1) if linf else tf.reduce_sum(g * g, axis=-1)

    def direction(g):
        return tf.sign(g) if linf else g

    with tf.GradientTape() as tape:
        tape.watch(xa)
        z = e.logits_fn(w, xa)
    jac = tape.batch_jacobian(z, xa)  # (N, K, D)
    if lo is not None:
        at_lo = (xa <= lo)[:, None, :]
        at_hi = (xa >= hi)[:, None, :]
    if k_out == 1:
        f0 = z[:, 0]
        g = jac[:, 0, :]
        if lo is not None:  # the step moves along -sign(f0) * g
            out = -tf.sign(f0)[:, None] * g
            g = tf.where((at_lo[:, 0] & (out < 0)) | (at_hi[:, 0] & (out > 0)), tf.zeros_like(g), g)
        pred = tf.cast(f0 > 0, tf.int32)
        r = -((f0 + tf.sign(f0) * 1e-4) / tf.maximum(size(g), _TINY))[:, None] * direction(g)
        return pred, r
    pred = tf.cast(tf.argmax(z, 1), tf.int32)
    z0 = tf.gather(z, orig, batch_dims=1)
    j0 = tf.gather(jac, orig, batch_dims=1)
    wk = jac - j0[:, None, :]
    fk = z - z0[:, None]
    if lo is not None:  # towards boundary k the step moves along +w_k (f_k < 0 on the class being left)
        wk = tf.where((at_lo & (wk < 0)) | (at_hi & (wk > 0)), tf.zeros_like(wk), wk)
    wn = tf.reduce_sum(tf.abs(wk), axis=2) if linf else tf.sqrt(tf.reduce_sum(wk * wk, axis=2))
    ratio = tf.abs(fk) / tf.maximum(wn, _TINY)
    ratio = tf.where(tf.one_hot(orig, k_out) > 0, tf.fill(tf.shape(ratio), np.float32(np.inf)), ratio)
    ell = tf.cast(tf.argmin(ratio, axis=1), tf.int32)
    f_l = tf.gather(fk, ell, batch_dims=1)
    w_l = tf.gather(wk, ell, batch_dims=1)
    r = ((tf.abs(f_l) + 1e-4) / tf.maximum(size(w_l), _TINY))[:, None] * direction(w_l)
    return pred, r


def _builder(e):
    def f(w, x, orig, steps, overshoot, lo, hi):
        r_tot = tf.zeros_like(x)
        active = tf.ones(tf.shape(orig), tf.bool)
        evals = tf.zeros(tf.shape(orig), tf.int32)  # model evaluations each point needed
        for _ in tf.range(steps):
            xa = tf.clip_by_value(x + (1.0 + overshoot) * r_tot, lo, hi)
            evals = evals + tf.cast(active, tf.int32)
            pred, r = linearized_step(e, w, xa, orig)
            active = active & tf.equal(pred, orig)
            if not tf.reduce_any(active):  # every point has crossed: the remaining steps would add nothing
                break
            r_tot = r_tot + tf.where(active[:, None], r, tf.zeros_like(r))
        return tf.clip_by_value(x + (1.0 + overshoot) * r_tot, lo, hi), evals
    return f


def deepfool(model, x, y=None, *, steps: int = 50, overshoot: float = 0.02, clip=None) -> np.ndarray:
    """DeepFool, binary and multi-class (L2).

    Moosavi-Dezfooli, Fawzi & Frossard, "DeepFool: a simple and accurate
    method to fool deep neural networks", CVPR 2016
    (https://arxiv.org/abs/1511.04599).

    At each step the classifier is linearized at the current point and the
    point moves by the smallest L2 step that reaches the nearest linearized
    boundary (Algorithms 1 and 2 of the paper); the total step is scaled by
    ``1 + overshoot`` so it lands just across. As in the paper the class being
    left is the model's *prediction* on x, not ``y`` (``y`` is accepted for a
    uniform signature; for correctly classified points the two agree).
    There is no epsilon: the perturbation is as large as the point needs.
    Points stop moving once they cross and the loop ends when all have;
    ``steps`` caps the iterations. Queries per point: one prediction, then per
    linearization one forward pass and one backward pass per logit.
    """
    steps = v.number("steps", steps, lo=1, hi=10_000, integer=True)
    overshoot = v.number("overshoot", overshoot, lo=0.0, hi=10.0)
    eng, w = E.engine_for(model)
    yy = E.predict(model, v.features("x", x)) if y is None else y
    x, _, _, lo, hi = E.check_inputs(eng, x, yy, clip=clip)
    orig = E.predict(model, x).astype(np.int32)
    f = eng.fn("deepfool", _builder, eng.x_sig, tf.TensorSpec((None,), tf.int32), tf.TensorSpec((), tf.int32),
               tf.TensorSpec((), tf.float32), tf.TensorSpec((None,), tf.float32), tf.TensorSpec((None,), tf.float32))
    out, evals = f(w, x, orig, np.int32(steps), np.float32(overshoot), lo, hi)
    evals = evals.numpy()
    # one forward pass for the prediction to leave, then per evaluation a forward
    # pass and one backward pass per logit (the Jacobian)
    E.tally(len(x), forward=1 + evals, backward=evals * eng.n_out)
    return out.numpy()
