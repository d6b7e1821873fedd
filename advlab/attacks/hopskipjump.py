"""HopSkipJump: a decision-based attack that sees only the predicted label."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import _validate as v
from . import _engine as E

_INIT_TRIES = 50
_MAX_HALVINGS = 12


class _Asker:
    """The label oracle with a budget: every question about a point is counted
    against it, and a point out of budget is asked nothing more."""

    def __init__(self, model, y, t, targeted: bool, budget: int):
        self.oracle = E.Oracle(model, len(y))
        self.goal = t if targeted else y
        self.targeted = targeted
        self.budget = budget
        self.used = np.zeros(len(y), np.int64)

    def left(self, rows) -> np.ndarray:
        return self.budget - self.used[rows]

    def adversarial(self, xq, rows) -> np.ndarray:
        """For each query row: does the model's label there make point ``rows[i]`` adversarial?"""
        rows = np.asarray(rows)
        if rows.size == 0:
            return np.zeros(0, bool)
        labels = self.oracle.labels(xq.astype(np.float32), rows=rows)
        np.add.at(self.used, rows, 1)
        return labels == self.goal[rows] if self.targeted else labels != self.goal[rows]


def _binary_search(ask: _Asker, x, x_adv, rows, threshold: float) -> np.ndarray:
    """Points on the segment from ``x[rows]`` (not adversarial) to ``x_adv``
    (adversarial) within ``threshold`` of the boundary, on its adversarial side;
    a point whose budget runs out keeps the best it has."""
    low = np.zeros(len(rows))
    high = np.ones(len(rows))
    while True:
        go = (high - low > threshold) & (ask.left(rows) > 0)
        if not go.any():
            break
        idx = np.nonzero(go)[0]
        mid = (low[idx] + high[idx]) / 2
        xm = x[rows[idx]] + mid[:, None] * (x_adv[idx] - x[rows[idx]])
        is_adv = ask.adversarial(xm, rows[idx])
        high[idx] = np.where(is_adv, mid, high[idx])
        low[idx] = np.where(is_adv, low[idx], mid)
    return x[rows] + high[:, None] * (x_adv - x[rows])


class _Search:
    """What every step of one run works with: the label oracle, the random
    draws, the clean points and input box in float64, and the binary search's
    precision ``theta``."""

    def __init__(self, ask: _Asker, rng: np.random.Generator, x, lo, hi):
        self.ask = ask
        self.rng = rng
        self.x = x.astype(np.float64)
        self.lo, self.hi = lo.astype(np.float64), hi.astype(np.float64)
        self.theta = min(x.shape[1] ** -1.5, 0.01)

    def to_boundary(self, x_adv, rows) -> np.ndarray:
        return _binary_search(self.ask, self.x, x_adv, rows, self.theta)


def _starts(s: _Search, x, y, t, targeted: bool):
    """``(start, found, done)``: each point's adversarial start, whether it has
    one, and whether the point is adversarial already (then it stays put)."""
    n = len(x)
    x64 = s.x
    # the label of every point: the ones already adversarial are done
    labels0 = s.ask.oracle.labels(x, rows=np.arange(n))
    s.ask.used += 1
    done = labels0 == t if targeted else labels0 != y
    start = x64.copy()
    found = done.copy()
    # the nearest point of the batch that the model labels adversarially for each point
    goal = t if targeted else y
    ok_pair = (labels0[None, :] == goal[:, None]) if targeted else (labels0[None, :] != goal[:, None])
    sq = (x64 ** 2).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * x64 @ x64.T, 0.0)
    d2 = np.where(ok_pair, d2, np.inf)
    near = np.argmin(d2, axis=1)
    has = np.isfinite(d2[np.arange(n), near]) & ~done
    start[has] = x64[near[has]]
    found |= has
    _random_starts(s, start, found)
    return start, found, done


def _random_starts(s: _Search, start, found) -> None:
    """Uniform noise in the input domain for the points still without a start
    (``start`` and ``found`` change in place)."""
    x64, lo64, hi64 = s.x, s.lo, s.hi
    n, d = x64.shape
    box_lo = np.where(np.isfinite(lo64), lo64, x64.min(0) - 0.5 * np.maximum(np.ptp(x64, 0), 1.0))
    box_hi = np.where(np.isfinite(hi64), hi64, x64.max(0) + 0.5 * np.maximum(np.ptp(x64, 0), 1.0))
    for _ in range(_INIT_TRIES):
        need = np.nonzero(~found & (s.ask.left(np.arange(n)) > 0))[0]
        if need.size == 0:
            break
        cand = s.rng.uniform(box_lo, box_hi, size=(need.size, d))
        hit = s.ask.adversarial(cand, need)
        start[need[hit]] = cand[hit]
        found[need[hit]] = True


def _boundary_normal(s: _Search, base, rows, b, delta) -> np.ndarray:
    """The unit normal of the boundary at the points ``base`` (of ``rows``),
    estimated from the labels of ``b`` random probes each at radius ``delta``:
    the mean probe direction weighted by +-1 labels, baseline subtracted."""
    d = base.shape[1]
    # probes around each boundary point: +1 where the label is adversarial
    owner = np.repeat(np.arange(rows.size), b)
    u = s.rng.normal(size=(owner.size, d))
    u /= np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
    probe = np.clip(base[owner] + delta[owner, None] * u, s.lo, s.hi)
    u = (probe - base[owner]) / np.maximum(delta[owner, None], 1e-12)
    phi = np.where(s.ask.adversarial(probe, rows[owner]), 1.0, -1.0)
    mean = np.bincount(owner, weights=phi, minlength=rows.size) / b
    pure = np.abs(mean) == 1.0
    weight = np.where(pure[owner], phi, phi - mean[owner])
    grad = np.zeros((rows.size, d))
    np.add.at(grad, owner, weight[:, None] * u)
    return grad / np.maximum(np.linalg.norm(grad, axis=1, keepdims=True), 1e-12)


def _geometric_step(s: _Search, base, rows, step, direction):
    """From ``base`` along ``direction``, halve ``step`` until it lands on the
    adversarial side: ``(landing points, which of rows landed)``."""
    moved = np.zeros(rows.size, bool)
    target_pt = base.copy()
    for _ in range(_MAX_HALVINGS):
        idx = np.nonzero(~moved & (s.ask.left(rows) > 0))[0]
        if idx.size == 0:
            break
        cand = np.clip(base[idx] + step[idx, None] * direction[idx], s.lo, s.hi)
        hit = s.ask.adversarial(cand, rows[idx])
        target_pt[idx[hit]] = cand[hit]
        moved[idx[hit]] = True
        step[idx[~hit]] /= 2
    return target_pt, moved


def _iteration(s: _Search, it: int, cur, work, init_evals: int, reserve: int) -> np.ndarray | None:
    """Iteration ``it`` of Algorithm 2 for the points of ``work`` whose budget
    still affords one: estimate the normal, step, back to the boundary
    (``cur`` changes in place). The points moved; None when none could afford it."""
    b_t = int(init_evals * np.sqrt(it))
    room = s.ask.left(work) - reserve
    rows = work[room >= 2]
    if rows.size == 0:
        return None
    b = np.minimum(b_t, s.ask.left(rows) - reserve)
    base = cur[rows]
    dist = np.linalg.norm(base - s.x[rows], axis=1)
    delta = np.sqrt(s.x.shape[1]) * s.theta * dist
    direction = _boundary_normal(s, base, rows, b, delta)
    target_pt, moved = _geometric_step(s, base, rows, dist / np.sqrt(it), direction)
    go = rows[moved]
    if go.size:
        cur[go] = s.to_boundary(target_pt[moved], go)
    return go


class _Best:
    """The closest adversarial point found for each point so far, the query
    trace of its distance, and the progress reports."""

    def __init__(self, s: _Search, cur, found, on_progress, budget: int):
        self.s = s
        self.x = cur.copy()
        self.dist = np.linalg.norm(self.x - s.x, axis=1)
        self.found = found
        self.rec = E.TraceRecorder("l2")
        self.on_progress = on_progress
        self.budget = budget

    def update(self, cur, go) -> None:
        nd = np.linalg.norm(cur[go] - self.s.x[go], axis=1)
        better = nd < self.dist[go]
        self.x[go[better]] = cur[go[better]]
        self.dist[go[better]] = nd[better]

    def report(self) -> None:
        used = self.s.ask.used
        self.rec.add(used, self.x - self.s.x, self.found)
        if self.on_progress is not None:
            med = float(np.median(self.dist[self.found])) if self.found.any() else float("nan")
            self.on_progress(int(used.sum()), {"mean_queries": float(used.mean()), "median_l2": med,
                                               "budget": self.budget})


def _iterate(s: _Search, cur, work, best: _Best, init_evals: int, path: list | None) -> None:
    """Algorithm 2's iterations until no point's budget affords another."""
    reserve = int(np.ceil(np.log2(1.0 / s.theta))) + 3  # a binary search and a few step halvings
    it = 0
    while True:
        it += 1
        go = _iteration(s, it, cur, work, init_evals, reserve)
        if go is None:
            break
        if go.size:
            best.update(cur, go)
        if path is not None:
            path.append(cur.astype(np.float32))
        best.report()


def hopskipjump(model, x, y, *, queries: int = 1000, init_evals: int = 100, seed: int = 0, targeted: bool = False,
                target=None, clip=None, on_progress: Callable[[int, dict], None] | None = None,
                return_path: bool = False):
    """HopSkipJump (L2): decision-based, it sees only the predicted label.

    Chen, Jordan & Wainwright, "HopSkipJumpAttack: A Query-Efficient
    Decision-Based Attack", IEEE S&P 2020 (https://arxiv.org/abs/1904.02144).

    Start from an adversarial point, then repeat (Algorithm 2 of the paper):
    binary-search the segment to x for the boundary; estimate the boundary's
    normal there from the labels of ``B_t = init_evals * sqrt(t)`` random
    probes at radius ``delta_t = sqrt(d) * theta * dist`` (the mean of the
    probe directions weighted by +-1 labels, baseline subtracted); step along
    it by ``dist / sqrt(t)``, halving until the label is adversarial again.
    ``queries`` is the budget per point, every label counted; the result is
    the closest adversarial point found (there is no epsilon). Points the
    model already gets wrong (targeted: already in the target class) cost one
    query and stay where they are.

    Deviations: the start is the nearest point of the batch the model labels
    adversarially (an attacker holding examples of other classes, as the
    paper's targeted start holds an image of the target class), and only
    where there is none uniform noise in the input domain (the paper's
    untargeted start; without ``clip`` the box spanned by the batch, half
    again wider). The binary search stops at a precision ``theta =
    min(d^-1.5, 0.01)`` of the distance, not ``d^-1.5``: in two dimensions
    the paper's value would leave points a third of their distance off the
    boundary. Only the L2 version.

    ``on_progress(total, logs)`` is called after the start and after each
    iteration: ``total`` questions asked so far, ``logs`` with
    ``mean_queries`` per point, the ``median_l2`` of the points fooled and
    the ``budget`` (a live query counter).

    With ``return_path`` returns ``(x_adv, path)``, path ``(T + 3, N, D)``:
    x, the start, the start moved to the boundary, then each iteration's
    boundary point. The trace of distance against queries goes to the active
    query log (see :func:`run_attack`).
    """
    init_evals = v.number("init_evals", init_evals, lo=2, hi=100_000, integer=True)
    queries, seed, x, y, t, lo, hi = E.check_query_attack(model, x, y, queries=queries, max_queries=1_000_000,
                                                          seed=seed, clip=clip, target=target, targeted=targeted)
    s = _Search(_Asker(model, y, t, targeted, queries), np.random.default_rng(seed), x, lo, hi)
    start, found, done = _starts(s, x, y, t, targeted)
    work = np.nonzero(found & ~done)[0]
    path = [x.copy(), start.astype(np.float32)] if return_path else None
    cur = s.x.copy()
    cur[work] = s.to_boundary(start[work], work)
    if return_path:
        path.append(cur.astype(np.float32))
    best = _Best(s, cur, found, on_progress, queries)
    best.report()
    _iterate(s, cur, work, best, init_evals, path)
    E.record(trace=best.rec.trace())
    out = best.x.astype(np.float32)
    return (out, np.stack(path)) if return_path else out
