"""Universal adversarial perturbations: one perturbation for every input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .._lazytf import tf
from . import _engine as E
from .deepfool import linearized_step

_TINY = 1e-12


def _pass_builder(l2: bool):
    def build(e):
        def f(w, xs, orig, vec, eps, overshoot, df_steps, lo, hi):
            n = tf.shape(xs)[0]

            def project(u):
                if l2:
                    norm = tf.sqrt(tf.reduce_sum(u * u))
                    return u * tf.minimum(1.0, eps / tf.maximum(norm, _TINY))
                return tf.clip_by_value(u, -eps, eps)

            evals = tf.zeros([n], tf.int32)  # linearizations (forward + Jacobian) per point
            for i in tf.range(n):
                xi = xs[i:i + 1]
                oi = orig[i:i + 1]
                xv = tf.clip_by_value(xi + vec, lo, hi)
                fooled = tf.not_equal(E.predict_from_logits(e.logits_fn(w, xv))[0], oi[0])
                if not fooled:
                    # DeepFool from x_i + v: the smallest step that leaves x_i's class
                    r_tot = tf.zeros_like(xi)
                    count = tf.constant(0)
                    for _ in tf.range(df_steps):
                        xa = tf.clip_by_value(xv + (1.0 + overshoot) * r_tot, lo, hi)
                        pred, r = linearized_step(e, w, xa, oi, "l2" if l2 else "linf", lo, hi)
                        count += 1
                        if tf.not_equal(pred[0], oi[0]):
                            break
                        r_tot = r_tot + r
                    vec = project(vec + (1.0 + overshoot) * r_tot[0])
                    evals = tf.tensor_scatter_nd_add(evals, [[i]], [count])
            return vec, evals
        return f
    return build


@dataclass(frozen=True)
class UniversalPerturbation:
    """One perturbation fitted to a model: it fools many inputs it never saw.

    ``vector`` ``(D,)`` has size at most ``eps`` in ``norm``; ``model`` is the
    fingerprint of the model it was fitted to; ``fooling_rate`` is the share
    of the fitting points whose label it changes; ``passes`` how many passes
    over them it took.
    """

    vector: np.ndarray
    eps: float
    norm: str
    model: str
    fooling_rate: float
    passes: int

    def apply(self, x, clip=None) -> np.ndarray:
        """``x + vector``, clipped to ``clip``: no question to the model."""
        x = v.features("x", x)
        if x.shape[1] != self.vector.shape[0]:
            raise ValueError(f"x must have {self.vector.shape[0]} features for this perturbation, got {x.shape[1]}")
        lo, hi = E.clip_bounds(clip, x.shape[1])
        return np.clip(x + self.vector[None, :], lo, hi).astype(np.float32)

    def fooling_rate_on(self, model, x, clip=None) -> float:
        """The paper's fooling rate on ``x``: the share of points whose predicted label changes."""
        self.check(model, eps=self.eps, norm=self.norm)
        x = v.features("x", x)
        return float(np.mean(E.predict(model, self.apply(x, clip)) != E.predict(model, x)))

    def check(self, model, *, eps, norm) -> None:
        """ValueError unless this perturbation was fitted to ``model`` with ``eps`` and ``norm``."""
        if self.model != E.fingerprint(model):
            raise ValueError("perturbation was fitted to another model: fit a new one for this model")
        if not np.isclose(self.eps, eps) or self.norm != norm:
            raise ValueError(f"perturbation was fitted for eps={self.eps:g} ({self.norm}); got eps={eps:g} ({norm}): "
                             "fit a new one for this budget")


def fit_universal(model, x, *, eps: float, norm: str = "linf", passes: int = 5, fooling_target: float = 0.8,
                  overshoot: float = 0.02, df_steps: int = 50, clip=None,
                  on_pass: Callable[[int, dict], None] | None = None) -> UniversalPerturbation:
    """Fit one universal perturbation to the points ``x`` (Algorithm 1 of
    Moosavi-Dezfooli et al. 2017; see :func:`universal`).

    Passes over ``x`` in order; every point the current perturbation ``v``
    does not fool adds DeepFool's smallest step from ``x_i + v``, and ``v`` is
    projected back onto the ``eps``-ball. Stops after ``passes`` passes or
    once ``v`` fools ``fooling_target`` of the points (the paper's ``1 -
    delta``), keeping the ``v`` that fooled the most points after a pass.
    ``on_pass(k, logs)`` reports each pass (``logs["fooling_rate"]``,
    ``logs["size"]``).
    """
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    passes = v.number("passes", passes, lo=1, hi=1000, integer=True)
    fooling_target = v.number("fooling_target", fooling_target, lo=0.0, hi=1.0)
    overshoot = v.number("overshoot", overshoot, lo=0.0, hi=10.0)
    df_steps = v.number("df_steps", df_steps, lo=1, hi=10_000, integer=True)
    eng, w = E.engine_for(model)
    x = v.features("x", x)
    x, _, _, lo, hi = E.check_inputs(eng, x, np.zeros(len(x), np.int64), clip=clip)
    vec, rate, done, _ = _fit(eng, w, model, x, eps=eps, norm=norm, passes=passes, fooling_target=fooling_target,
                              overshoot=overshoot, df_steps=df_steps, lo=lo, hi=hi, on_pass=on_pass)
    return UniversalPerturbation(vec, float(eps), norm, E.fingerprint(model), rate, done)


def _fit(eng, w, model, x, *, eps, norm, passes, fooling_target, overshoot, df_steps, lo, hi, on_pass=None,
         rows=None, n_all=None):
    """The fitting loop; counts its model calls against ``rows`` of ``n_all`` points."""
    n = len(x)
    rows = np.arange(n) if rows is None else rows
    n_all = n if n_all is None else n_all
    orig = E.predict(model, x).astype(np.int32)
    E.tally(n_all, forward=1, rows=rows)
    f32 = tf.TensorSpec((), tf.float32)
    fvec = tf.TensorSpec((None,), tf.float32)
    fn = eng.fn(f"universal-{norm}", _pass_builder(norm == "l2"), eng.x_sig, tf.TensorSpec((None,), tf.int32), fvec,
                f32, f32, tf.TensorSpec((), tf.int32), fvec, fvec)
    vec = np.zeros(x.shape[1], np.float32)
    history = [vec.copy()]
    best, best_rate = vec, 0.0
    done = 0
    for k in range(1, passes + 1):
        vec, evals = fn(w, x, orig, vec, np.float32(eps), np.float32(overshoot), np.int32(df_steps), lo, hi)
        vec, evals = vec.numpy(), evals.numpy()
        # per point: the check at x_i + v, then each linearization (forward + one backward per logit)
        E.tally(n_all, forward=1 + evals, backward=evals * eng.n_out, rows=rows)
        rate = float(np.mean(E.predict(model, np.clip(x + vec, lo, hi)) != orig))
        E.tally(n_all, forward=1, rows=rows)
        history.append(vec.copy())
        done = k
        if rate > best_rate:
            best, best_rate = vec.copy(), rate
        if on_pass is not None:
            on_pass(k, {"fooling_rate": rate, "size": float(np.abs(vec).max() if norm == "linf"
                                                              else np.linalg.norm(vec))})
        if rate >= fooling_target:
            break
    return best, best_rate, done, history


def _apply_fitted(perturbation, model, x, *, eps, norm, clip, return_path: bool):
    """A perturbation fitted beforehand, applied as it is: no question to the
    model, and every point of ``x`` is held out."""
    if not isinstance(perturbation, UniversalPerturbation):
        # ValueError like every other bad argument: pages catch one exception type
        raise ValueError("perturbation must be a UniversalPerturbation from fit_universal, got "  # noqa: TRY004
                         f"{type(perturbation).__name__}")
    perturbation.check(model, eps=eps, norm=norm)
    out = perturbation.apply(x, clip)
    E.record(perturbation=perturbation.vector.copy(), heldout=np.ones(len(x), bool),
             fooling_rate_heldout=float(np.mean(E.predict(model, out) != E.predict(model, x))))
    return (out, np.stack([x, out])) if return_path else out


def _heldout(n: int) -> np.ndarray:
    """The held-out points: the odd-indexed ones (none of a single point)."""
    heldout = np.zeros(n, bool)
    if n > 1:
        heldout[1::2] = True
    return heldout


def universal(model, x, y, *, eps: float, norm: str = "linf", passes: int = 5, perturbation=None, clip=None,
              return_path: bool = False):
    """Universal adversarial perturbation: one vector added to every input.

    Moosavi-Dezfooli, Fawzi, Fawzi & Frossard, "Universal adversarial
    perturbations", CVPR 2017 (https://arxiv.org/abs/1610.08401).

    Algorithm 1 of the paper (see :func:`fit_universal`): pass over the
    fitting points, and for every point ``v`` does not yet fool add
    DeepFool's smallest step from ``x_i + v``, projecting ``v`` onto the
    ``eps``-ball (L-inf or L2) after each; stop after ``passes`` passes or
    when ``v`` fools 80% of the fitting points (``delta = 0.2``). Every point
    of ``x`` then gets the same ``v``, clipped to ``clip``.

    Given a ``perturbation`` (a :class:`UniversalPerturbation` from
    :func:`fit_universal`, e.g. on training data) it is applied as it is:
    no question to the model at all. One fitted to another model or another
    ``eps``/``norm`` raises ValueError. Without one, ``v`` is fitted to the
    even-indexed points of ``x`` and the odd-indexed ones are held out: the
    active query log (see :func:`run_attack`) gets ``perturbation`` (the
    vector), ``fooling_rate_fit`` and ``fooling_rate_heldout`` (the paper's
    fooling rate, the share of points whose label changes) and ``heldout``
    (the mask). DeepFool runs in the perturbation's norm (the paper's l_p
    version: L-inf steps along the sign of the boundary's normal).

    Deviations: the paper fits on a separate training set (the held-out half
    plays its test set here) and passes over it in a random order; here the
    order is the data's, so the result is deterministic. The returned ``v``
    is the one that fooled the most fitting points at the end of a pass, not
    the last (the greedy updates can swing the rate from pass to pass). With
    ``clip``, DeepFool leaves out the features pinned at an edge that its
    step would push further out (on digits the black background, which a
    universal step could otherwise fill with wasted budget).
    With ``return_path`` returns ``(x_adv, path)``, path ``(passes + 1, N,
    D)``: every point plus ``v`` after each pass.
    """
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    passes = v.number("passes", passes, lo=1, hi=1000, integer=True)
    eng, w = E.engine_for(model)
    x, y, _, lo, hi = E.check_inputs(eng, x, y, clip=clip)
    if perturbation is not None:
        return _apply_fitted(perturbation, model, x, eps=eps, norm=norm, clip=clip, return_path=return_path)
    if eps == 0:
        return (x.copy(), np.repeat(x[None], passes + 1, 0)) if return_path else x.copy()
    heldout = _heldout(len(x))
    fit_rows = np.nonzero(~heldout)[0]
    vec, rate, _, history = _fit(eng, w, model, x[fit_rows], eps=eps, norm=norm, passes=passes, fooling_target=0.8,
                                 overshoot=0.02, df_steps=50, lo=lo, hi=hi, rows=fit_rows, n_all=len(x))
    out = np.clip(x + vec[None, :], lo, hi).astype(np.float32)
    held_rate = float("nan")
    if heldout.any():
        held_rate = float(np.mean(E.predict(model, out[heldout]) != E.predict(model, x[heldout])))
    E.record(perturbation=vec.copy(), heldout=heldout, fooling_rate_fit=rate, fooling_rate_heldout=held_rate)
    if not return_path:
        return out
    history += [history[-1]] * (passes + 1 - len(history))
    return out, np.stack([np.clip(x + h[None, :], lo, hi) for h in history]).astype(np.float32)
