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


class _Run:
    """One run's state, per point: the best candidate ``x_best``, its
    perturbation ``delta`` and margin ``loss`` (< 0: fooled), and the
    questions ``used``."""

    def __init__(self, model, x, labels, lo, hi, *, eps: float, norm: str, win: _Windows, rng, targeted: bool):
        n, d = x.shape
        self.eps, self.norm, self.win, self.rng = eps, norm, win, rng
        self.oracle = E.Oracle(model, n)
        self.labels, self.targeted = labels, targeted
        self.x = x.astype(np.float64)
        self.lo, self.hi = lo.astype(np.float64), hi.astype(np.float64)
        if norm == "linf":
            delta = eps * win.stripes(rng, n)
        else:
            g = rng.normal(size=(n, d))
            delta = eps * g / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-12)
        self.x_best = self.candidate(delta)
        self.delta = self.x_best - self.x
        self.loss = E.margin(self.oracle.scores(self.x_best.astype(np.float32)), labels, targeted=targeted)
        self.used = np.ones(n, np.int64)

    def candidate(self, delta, rows=slice(None)):
        return np.clip(self.x[rows] + delta, self.lo, self.hi)

    def step(self, i: int, p_init: float, budget: int) -> bool:
        """Iteration ``i``: one new window per point not yet fooled, kept where
        the loss goes down. False when every point is fooled (nothing asked)."""
        active = np.nonzero(self.loss >= 0)[0]
        if active.size == 0:
            return False
        side = self.win.size(window_share(p_init, i, budget))
        w1 = self.win.sample(self.rng, active.size, side)
        d_old = self.delta[active]
        new = self._linf_window(active, w1, d_old) if self.norm == "linf" else self._l2_window(w1, d_old, side)
        xc = self.candidate(new, active)
        new_loss = E.margin(self.oracle.scores(xc.astype(np.float32), rows=active), self.labels[active],
                            targeted=self.targeted)
        self.used[active] += 1
        better = new_loss < self.loss[active]
        take = active[better]
        self.x_best[take] = xc[better]
        self.delta[take] = xc[better] - self.x[take]
        self.loss[take] = new_loss[better]
        return True

    def _linf_window(self, active, w1, d_old) -> np.ndarray:
        """The window ``w1`` set to ``+-eps``, one random sign per channel."""
        eps = self.eps
        s = self.win.signs(self.rng, active.size)
        new = np.where(w1, eps * s, d_old)
        # a window already at the drawn corner would waste the query: take the other sign
        same = np.all(np.abs(self.candidate(new, active) - self.candidate(d_old, active)) < 1e-9, axis=1)
        if same.any():
            new[same] = np.where(w1[same], -eps * s[same], d_old[same])
        return new

    def _l2_window(self, w1, d_old, side: int) -> np.ndarray:
        """The window ``w1`` receives the mass of itself, of a second window and
        any budget left unused, in a new random direction: length stays ``eps``."""
        m = len(d_old)
        w2 = self.win.sample(self.rng, m, side)
        both = w1 | w2
        spare = np.maximum(self.eps ** 2 - np.sum(d_old ** 2, 1), 0.0)
        mass = np.sqrt(np.sum(np.where(both, d_old, 0.0) ** 2, 1) + spare)
        s = self.win.signs(self.rng, m)
        size_w1 = w1.sum(1)
        u = np.where(w1, d_old + s * (mass / np.sqrt(size_w1))[:, None], 0.0)
        u *= (mass / np.maximum(np.linalg.norm(u, axis=1), 1e-12))[:, None]
        return np.where(w1, u, np.where(both, 0.0, d_old))


class _Snapshots:
    """The query trace, the path and the progress reports of one run."""

    def __init__(self, run: _Run, on_progress, budget: int, return_path: bool):
        self.run = run
        self.on_progress = on_progress
        self.budget = budget
        self.rec = E.TraceRecorder(run.norm)
        self.path = [] if return_path else None

    def take(self) -> None:
        run = self.run
        self.rec.add(run.used, run.delta, run.loss < 0)
        if self.path is not None:
            self.path.append(run.x_best.astype(np.float32))
        if self.on_progress is not None:
            self.on_progress(int(run.used.sum()), {"mean_queries": float(run.used.mean()),
                                                   "fooled": float(np.mean(run.loss < 0)), "budget": self.budget})

    def recorded_last(self) -> bool:
        """Whether the last snapshot already holds the run's current query count."""
        return self.rec.rows[-1][0].sum() == self.run.used.sum()


def _search(run: _Run, snaps: _Snapshots, p_init: float, budget: int) -> None:
    """The random search until the budget is spent or every point is fooled,
    with a snapshot every ``budget // _TRACE_ROWS`` iterations and at the end."""
    every = max(1, budget // _TRACE_ROWS)
    snaps.take()
    for i in range(1, budget):
        if not run.step(i, p_init, budget):
            break
        if i % every == 0:
            snaps.take()
    if not snaps.recorded_last():
        snaps.take()


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
    p_init = v.number("p_init", p_init, lo=0.0, hi=1.0, lo_open=True)
    queries, seed, x, y, t, lo, hi = E.check_query_attack(model, x, y, queries=queries, max_queries=100_000,
                                                          seed=seed, clip=clip, target=target, targeted=targeted)
    win = _Windows(x.shape[1], image_shape)
    if eps == 0:
        return (x.copy(), x[None].copy()) if return_path else x.copy()
    run = _Run(model, x, t if targeted else y, lo, hi, eps=eps, norm=norm, win=win,
               rng=np.random.default_rng(seed), targeted=targeted)
    snaps = _Snapshots(run, on_progress, queries, return_path)
    _search(run, snaps, p_init, queries)
    E.record(trace=snaps.rec.trace())
    out = run.x_best.astype(np.float32)
    return (out, np.stack(snaps.path)) if return_path else out
