"""The Square attack: random search on the model's scores, no gradients."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import _validate as v
from . import _engine as E

# the paper halves the window share p at these iterations of a 10,000-query run
_HALVINGS = (10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000)
_TRACE_ROWS = 200


def window_share(p_init: float, i: int, budget: int) -> float:
    """The share of the features one window covers at iteration ``i`` of ``budget``:
    the paper's schedule, rescaled from 10,000 iterations to ``budget``."""
    it = int(i / budget * 10_000)
    return p_init / 2 ** sum(it > b for b in _HALVINGS)


class _Windows:
    """Random windows over the features: squares of an image, or runs of
    neighbouring features of a flat vector."""

    def __init__(self, d: int, image_shape):
        self.d = d
        if image_shape is None:
            self.shape = None
            return
        shape = tuple(int(s) for s in image_shape)
        if len(shape) == 2:
            shape = (*shape, 1)
        if len(shape) != 3 or min(shape) < 1 or int(np.prod(shape)) != d:
            raise ValueError(f"image_shape must be (height, width) or (height, width, channels) with {d} values "
                             f"in all, got {image_shape!r}")
        self.shape = shape

    def size(self, p: float) -> int:
        """Side of a square (images) or length of a run covering about ``p`` of the features."""
        if self.shape is None:
            return int(min(max(round(p * self.d), 1), self.d))
        h, w, _ = self.shape
        return int(min(max(round(np.sqrt(p * h * w)), 1), h, w))

    def sample(self, rng, n: int, side: int) -> np.ndarray:
        """``(n, D)`` bool masks, one random window per point."""
        if self.shape is None:
            start = rng.integers(0, self.d - side + 1, size=n)
            idx = np.arange(self.d)
            return (idx[None, :] >= start[:, None]) & (idx[None, :] < start[:, None] + side)
        h, w, c = self.shape
        r0 = rng.integers(0, h - side + 1, size=n)
        c0 = rng.integers(0, w - side + 1, size=n)
        rows, cols = np.arange(h), np.arange(w)
        in_r = (rows[None, :] >= r0[:, None]) & (rows[None, :] < r0[:, None] + side)
        in_c = (cols[None, :] >= c0[:, None]) & (cols[None, :] < c0[:, None] + side)
        m = in_r[:, :, None, None] & in_c[:, None, :, None] & np.ones((1, 1, 1, c), bool)
        return m.reshape(n, self.d)

    def signs(self, rng, n: int) -> np.ndarray:
        """``(n, D)`` random signs, one per channel of each point (constant over a window)."""
        c = 1 if self.shape is None else self.shape[2]
        s = rng.choice(np.array([-1.0, 1.0]), size=(n, c))
        return np.tile(s, self.d // c)

    def stripes(self, rng, n: int) -> np.ndarray:
        """``(n, D)`` random signs: vertical stripes for images (the paper's start),
        one per feature for flat vectors."""
        if self.shape is None:
            return rng.choice(np.array([-1.0, 1.0]), size=(n, self.d))
        h, w, c = self.shape
        s = rng.choice(np.array([-1.0, 1.0]), size=(n, 1, w, c))
        return np.broadcast_to(s, (n, h, w, c)).reshape(n, self.d)


def square(model, x, y, *, eps: float, norm: str = "linf", queries: int = 1000, p_init: float = 0.3,
           image_shape=None, seed: int = 0, targeted: bool = False, target=None, clip=None,
           on_progress: Callable[[int, dict], None] | None = None, return_path: bool = False):
    """The Square attack, L-inf and L2: score-based, it never sees a gradient.

    Andriushchenko, Croce, Flammarion & Hein, "Square Attack: a
    query-efficient black-box adversarial attack via random search", ECCV 2020
    (https://arxiv.org/abs/1912.00049).

    The attacker asks for the model's scores (logits) only. It starts at a
    corner of the epsilon-box (random +-eps in vertical stripes for images,
    per feature for flat vectors), then repeatedly redraws one random window
    (a square of an image, a run of neighbouring features of a flat vector)
    and keeps the change when the margin loss ``Z_y - max_{j != y} Z_j``
    (targeted: ``max_{j != t} Z_j - Z_t``) goes down. The window covers a
    share ``p`` of the features that starts at ``p_init`` and halves on the
    paper's schedule (iterations 10, 50, 200, ... of 10,000), rescaled to the
    budget. ``queries`` is the budget per point, the first evaluation
    included; a point stops asking once it is fooled. L-inf: the window is
    set to ``+-eps`` (one random sign per channel). L2: the window receives
    the mass of a second window plus any budget left unused, in a new random
    direction, so the perturbation keeps length ``eps``.

    Deviations: the margin loss also for targeted attacks (the paper uses the
    cross-entropy there); the L2 step spreads the moved mass evenly over the
    window, not in the paper's centred profile, and starts from a random
    direction rather than the paper's stripes; ``p_init`` defaults to 0.3 (the
    paper uses 0.05 on ImageNet and larger shares on MNIST and CIFAR-10); for
    flat vectors a "square" is a run of neighbouring features. ``image_shape``
    ``(H, W)`` or ``(H, W, C)`` makes the windows squares of the image.

    ``on_progress(total, logs)`` is called at each moment the trace records
    (about 200 times): ``total`` questions asked so far, ``logs`` with
    ``mean_queries`` per point, the share ``fooled`` and the ``budget`` (a
    live query counter).

    With ``return_path`` returns ``(x_adv, path)``, path ``(T, N, D)``: each
    point's best candidate at the moments the query trace records (after the
    first query, then every ``queries // 200`` iterations, and at the end;
    ``T`` is at most about 200). The trace of success against queries goes to
    the active query log (see :func:`run_attack`).
    """
    eps = E.check_eps(eps)
    norm = E.check_norm(norm)
    queries = v.number("queries", queries, lo=1, hi=100_000, integer=True)
    p_init = v.number("p_init", p_init, lo=0.0, hi=1.0, lo_open=True)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    eng, _ = E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    n, d = x.shape
    win = _Windows(d, image_shape)
    if eps == 0:
        return (x.copy(), x[None].copy()) if return_path else x.copy()
    rng = np.random.default_rng(seed)
    oracle = E.Oracle(model, n)
    labels = t if targeted else y
    x64 = x.astype(np.float64)
    lo64, hi64 = lo.astype(np.float64), hi.astype(np.float64)

    def candidate(delta, rows=slice(None)):
        return np.clip(x64[rows] + delta, lo64, hi64)

    if norm == "linf":
        delta = eps * win.stripes(rng, n)
    else:
        g = rng.normal(size=(n, d))
        delta = eps * g / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-12)
    x_best = candidate(delta)
    delta = x_best - x64
    loss = E.margin(oracle.scores(x_best.astype(np.float32)), labels, targeted=targeted)
    used = np.ones(n, np.int64)
    path = []
    rec = E.TraceRecorder(norm)
    every = max(1, queries // _TRACE_ROWS)

    def snapshot():
        rec.add(used, delta, loss < 0)
        if return_path:
            path.append(x_best.astype(np.float32))
        if on_progress is not None:
            on_progress(int(used.sum()), {"mean_queries": float(used.mean()), "fooled": float(np.mean(loss < 0)),
                                          "budget": queries})

    snapshot()
    for i in range(1, queries):
        active = np.nonzero(loss >= 0)[0]
        if active.size == 0:
            break
        m = active.size
        side = win.size(window_share(p_init, i, queries))
        w1 = win.sample(rng, m, side)
        d_old = delta[active]
        if norm == "linf":
            s = win.signs(rng, m)
            new = np.where(w1, eps * s, d_old)
            # a window already at the drawn corner would waste the query: take the other sign
            same = np.all(np.abs(candidate(new, active) - candidate(d_old, active)) < 1e-9, axis=1)
            if same.any():
                new[same] = np.where(w1[same], -eps * s[same], d_old[same])
        else:
            w2 = win.sample(rng, m, side)
            both = w1 | w2
            spare = np.maximum(eps ** 2 - np.sum(d_old ** 2, 1), 0.0)
            mass = np.sqrt(np.sum(np.where(both, d_old, 0.0) ** 2, 1) + spare)
            s = win.signs(rng, m)
            size_w1 = w1.sum(1)
            u = np.where(w1, d_old + s * (mass / np.sqrt(size_w1))[:, None], 0.0)
            u *= (mass / np.maximum(np.linalg.norm(u, axis=1), 1e-12))[:, None]
            new = np.where(w1, u, np.where(both, 0.0, d_old))
        xc = candidate(new, active)
        new_loss = E.margin(oracle.scores(xc.astype(np.float32), rows=active), labels[active], targeted=targeted)
        used[active] += 1
        better = new_loss < loss[active]
        take = active[better]
        x_best[take] = xc[better]
        delta[take] = xc[better] - x64[take]
        loss[take] = new_loss[better]
        if i % every == 0:
            snapshot()
    if rec.rows[-1][0].sum() != used.sum():
        snapshot()
    E.record(trace=rec.trace())
    out = x_best.astype(np.float32)
    return (out, np.stack(path)) if return_path else out
