"""DeepFool: the smallest L2 step that crosses the (linearized) boundary."""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .._tf import tf
from . import _engine as E

_TINY = 1e-8


def linearized_step(e, w, xa, orig):
    """Inside a graph: the model's prediction at ``xa`` and DeepFool's step
    ``r``: the smallest L2 move that reaches the nearest boundary of the
    classifier linearized at ``xa`` (leaving class ``orig``)."""
    k_out = e.n_out
    with tf.GradientTape() as tape:
        tape.watch(xa)
        z = e.logits_fn(w, xa)
    jac = tape.batch_jacobian(z, xa)  # (N, K, D)
    if k_out == 1:
        f0 = z[:, 0]
        g = jac[:, 0, :]
        pred = tf.cast(f0 > 0, tf.int32)
        gn2 = tf.reduce_sum(g * g, axis=1)
        r = -((f0 + tf.sign(f0) * 1e-4) / tf.maximum(gn2, _TINY))[:, None] * g
        return pred, r
    pred = tf.cast(tf.argmax(z, 1), tf.int32)
    z0 = tf.gather(z, orig, batch_dims=1)
    j0 = tf.gather(jac, orig, batch_dims=1)
    wk = jac - j0[:, None, :]
    fk = z - z0[:, None]
    wn = tf.sqrt(tf.reduce_sum(wk * wk, axis=2))
    ratio = tf.abs(fk) / tf.maximum(wn, _TINY)
    ratio = tf.where(tf.one_hot(orig, k_out) > 0, tf.fill(tf.shape(ratio), np.float32(np.inf)), ratio)
    ell = tf.cast(tf.argmin(ratio, axis=1), tf.int32)
    f_l = tf.gather(fk, ell, batch_dims=1)
    w_l = tf.gather(wk, ell, batch_dims=1)
    wl2 = tf.reduce_sum(w_l * w_l, axis=1)
    r = ((tf.abs(f_l) + 1e-4) / tf.maximum(wl2, _TINY))[:, None] * w_l
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
