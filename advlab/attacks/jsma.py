"""JSMA: change a few features by a lot, chosen by a saliency map of the Jacobian."""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .._lazytf import tf
from . import _engine as E

_TINY = 1e-6


def _builder(path: bool):
    return lambda e: _graph(e, path)


def _graph(e, path: bool):
    def f(w, x, goal, targeted, budget, step, iters, lo, hi):
        k = 2 if e.n_out == 1 else e.n_out
        d = tf.shape(x)[1]
        eye = tf.eye(2 * d, dtype=tf.bool)
        feat = tf.concat([tf.range(d), tf.range(d)], 0)  # the feature of each signed move
        same_feature = tf.equal(feat[:, None], feat[None, :])
        xa = x
        changed = tf.zeros_like(x, tf.bool)
        moved = tf.zeros_like(x)  # the direction each feature has moved so far (0: not yet)
        active = tf.ones(tf.shape(goal), tf.bool)
        evals = tf.zeros(tf.shape(goal), tf.int32)
        # every point after each iteration (a one-slot array when no path is asked for)
        frames = tf.TensorArray(tf.float32, size=iters + 1 if path else 1, element_shape=x.shape)
        frames = frames.write(0, x)
        for i in tf.range(iters + 1):
            z, jac = _logits_and_jacobian(e, w, xa)
            pred = tf.cast(tf.argmax(z, 1), tf.int32)
            done = tf.where(targeted, tf.equal(pred, goal), tf.not_equal(pred, goal))
            evals = evals + tf.cast(active, tf.int32)
            active = active & ~done
            if i == iters or (not path and not tf.reduce_any(active)):
                break
            a1, b1 = _signed_saliency(jac, goal, targeted, k)
            best, top = _best_pair(a1, b1, xa, changed, moved, budget, lo, hi, eye, same_feature)
            go = active & (top > 0)
            active = go
            xa, changed, moved = _move(xa, best, go, d, step, lo, hi, changed, moved)
            if path:
                frames = frames.write(i + 1, xa)
        return xa, evals, frames.stack()
    return f


def _logits_and_jacobian(e, w, xa):
    """The logits ``(N, K)`` at ``xa`` and their Jacobian ``(N, K, D)``."""
    with tf.GradientTape() as tape:
        tape.watch(xa)
        z = e.logits_fn(w, xa)
        if e.n_out == 1:  # softmax over (-z/2, z/2) is the model's sigmoid
            z = tf.concat([-z / 2, z / 2], axis=1)
    return z, tape.batch_jacobian(z, xa)


def _signed_saliency(jac, goal, targeted, k: int):
    """``(alpha, beta)`` of each signed move, ``(N, 2D)``: feature j up (index
    j) or down (index D + j); alpha is the move's effect on the goal's logit,
    beta on the sum of the others (signs turned round when untargeted)."""
    own = tf.one_hot(goal, k)[:, :, None]
    alpha = tf.reduce_sum(own * jac, 1)  # d Z_goal / dx
    beta = tf.reduce_sum(jac, 1) - alpha  # d (sum of the other logits) / dx
    # untargeted: the same map with the roles turned round (push the true class down)
    sgn = tf.where(targeted, 1.0, -1.0)
    alpha, beta = sgn * alpha, sgn * beta
    return tf.concat([alpha, -alpha], 1), tf.concat([beta, -beta], 1)


def _best_pair(a1, b1, xa, changed, moved, budget, lo, hi, eye, same_feature):
    """Per point, the index ``p * 2D + q`` of the best pair of signed moves
    ``(p, q)`` that fits the budget, and its saliency score (<= 0: none helps)."""
    can = tf.concat([(xa < hi - _TINY) & (moved >= 0), (xa > lo + _TINY) & (moved <= 0)], 1)
    fresh = tf.cast(tf.concat([~changed, ~changed], 1), tf.int32)
    used = tf.reduce_sum(tf.cast(changed, tf.int32), 1)
    # pairs of moves (the paper's search), and single moves on the diagonal
    a = tf.where(eye, a1[:, :, None], a1[:, :, None] + a1[:, None, :])
    b = tf.where(eye, b1[:, :, None], b1[:, :, None] + b1[:, None, :])
    cost = tf.where(eye, fresh[:, :, None], fresh[:, :, None] + fresh[:, None, :])
    ok = (can[:, :, None] & can[:, None, :] & (eye | ~same_feature) & (a > 0) & (b < 0)
          & (used[:, None, None] + cost <= budget))
    score = tf.where(ok, a * -b, -tf.ones_like(a))
    flat = tf.reshape(score, [tf.shape(xa)[0], -1])
    return tf.cast(tf.argmax(flat, 1), tf.int32), tf.reduce_max(flat, 1)


def _move(xa, best, go, d, step, lo, hi, changed, moved):
    """Make the chosen pair of moves ``best`` for the points ``go``: the new
    points, which features have changed, and the direction each moved."""
    p, q = best // (2 * d), best % (2 * d)
    sp = tf.where(p < d, 1.0, -1.0)
    sq = tf.where(q < d, 1.0, -1.0)
    fp, fq = p % d, q % d
    hot_p = tf.one_hot(fp, d) * tf.cast(go, tf.float32)[:, None]
    hot_q = tf.one_hot(fq, d) * tf.cast(go & (fq != fp), tf.float32)[:, None]
    change = (sp[:, None] * hot_p + sq[:, None] * hot_q) * step
    xa = tf.clip_by_value(xa + change, lo, hi)
    touched = (hot_p + hot_q) > 0
    return xa, changed | touched, tf.where(touched, tf.sign(change), moved)


def jsma(model, x, y, *, features: int = 10, theta: float = 1.0, targeted: bool = False, target=None, clip=None,
         return_path: bool = False):
    """Jacobian-based Saliency Map Attack (L0): change at most ``features`` features.

    Papernot, McDaniel, Jha, Fredrikson, Celik & Swami, "The Limitations of
    Deep Learning in Adversarial Settings", IEEE EuroS&P 2016
    (https://arxiv.org/abs/1511.07528).

    Each iteration takes the Jacobian of the logits and scores pairs of
    features by the saliency map: a pair whose joint change raises the target
    class (``alpha > 0``) and lowers the others (``beta < 0``) scores
    ``alpha * |beta|``; the best pair moves by ``theta`` (with ``clip``: a
    share of the range, so 1 sets a pixel to black or white; without it, in
    input units). It stops when the point reaches the target (untargeted:
    leaves its class), when no pair helps, or when no move fits the budget:
    at most ``features`` different features changed (the L0 norm), at most
    ``features`` iterations. There is no epsilon.

    Deviations: the Jacobian of the logits, not of the softmax (the variant
    Carlini & Wagner found stronger); each feature may rise or fall (the
    paper runs an increasing and a decreasing version), and a pair may be a
    single feature, so an odd budget or a single feature can be spent; a
    changed feature may be pushed again in the same direction until it
    reaches the edge of ``clip``; untargeted runs the same map with the true
    class in the target's place and the signs turned round. A one-logit
    model's logits count as ``(-z/2, z/2)`` (the same probabilities).

    With ``return_path`` returns ``(x_adv, path)``, path ``(features + 1, N,
    D)``: every point before and after each iteration (a point stops moving
    when done).
    """
    features = v.number("features", features, lo=1, hi=100_000, integer=True)
    theta = v.number("theta", theta, lo=0.0, hi=100.0, lo_open=True)
    eng, w = E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    n = x.shape[0]
    span = np.where(np.isfinite(hi - lo), hi - lo, 1.0).astype(np.float32)
    step = (theta * span).astype(np.float32)
    goal = t if targeted else y
    sig = [eng.x_sig, tf.TensorSpec((None,), tf.int32), tf.TensorSpec((), tf.bool), tf.TensorSpec((), tf.int32),
           tf.TensorSpec((None,), tf.float32), tf.TensorSpec((), tf.int32), tf.TensorSpec((None,), tf.float32),
           tf.TensorSpec((None,), tf.float32)]
    fn = eng.fn(f"jsma-{return_path}", _builder(return_path), *sig)
    out, evals, frames = fn(w, x, goal, np.bool_(targeted), np.int32(features), step, np.int32(features), lo, hi)
    evals = evals.numpy()
    E.tally(n, forward=evals, backward=evals * eng.n_out)
    return (out.numpy(), frames.numpy()) if return_path else out.numpy()
