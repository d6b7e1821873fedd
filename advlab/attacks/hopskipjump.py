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
    queries = v.number("queries", queries, lo=1, hi=1_000_000, integer=True)
    init_evals = v.number("init_evals", init_evals, lo=2, hi=100_000, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    eng, _ = E.engine_for(model)
    x, y, t, lo, hi = E.check_inputs(eng, x, y, clip=clip, target=target, targeted=targeted)
    n, d = x.shape
    rng = np.random.default_rng(seed)
    ask = _Asker(model, y, t, targeted, queries)
    x64 = x.astype(np.float64)
    lo64, hi64 = lo.astype(np.float64), hi.astype(np.float64)
    theta = min(d ** -1.5, 0.01)
    rec = E.TraceRecorder("l2")

    # the label of every point: the ones already adversarial are done
    labels0 = ask.oracle.labels(x, rows=np.arange(n))
    ask.used += 1
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
    # elsewhere, uniform noise in the input domain
    box_lo = np.where(np.isfinite(lo64), lo64, x64.min(0) - 0.5 * np.maximum(np.ptp(x64, 0), 1.0))
    box_hi = np.where(np.isfinite(hi64), hi64, x64.max(0) + 0.5 * np.maximum(np.ptp(x64, 0), 1.0))
    for _ in range(_INIT_TRIES):
        need = np.nonzero(~found & (ask.left(np.arange(n)) > 0))[0]
        if need.size == 0:
            break
        cand = rng.uniform(box_lo, box_hi, size=(need.size, d))
        hit = ask.adversarial(cand, need)
        start[need[hit]] = cand[hit]
        found[need[hit]] = True
    work = np.nonzero(found & ~done)[0]
    path = [x.copy(), start.astype(np.float32)] if return_path else None
    cur = x64.copy()
    cur[work] = _binary_search(ask, x64, start[work], work, theta)
    best = cur.copy()
    best_d = np.linalg.norm(best - x64, axis=1)
    if return_path:
        path.append(cur.astype(np.float32))

    def report():
        rec.add(ask.used, best - x64, found)
        if on_progress is not None:
            med = float(np.median(best_d[found])) if found.any() else float("nan")
            on_progress(int(ask.used.sum()), {"mean_queries": float(ask.used.mean()), "median_l2": med,
                                              "budget": queries})

    report()

    reserve = int(np.ceil(np.log2(1.0 / theta))) + 3  # a binary search and a few step halvings
    it = 0
    while True:
        it += 1
        b_t = int(init_evals * np.sqrt(it))
        room = ask.left(work) - reserve
        rows = work[room >= 2]
        if rows.size == 0:
            break
        b = np.minimum(b_t, ask.left(rows) - reserve)
        dist = np.linalg.norm(cur[rows] - x64[rows], axis=1)
        delta = np.sqrt(d) * theta * dist
        # probes around each boundary point: +1 where the label is adversarial
        owner = np.repeat(np.arange(rows.size), b)
        u = rng.normal(size=(owner.size, d))
        u /= np.maximum(np.linalg.norm(u, axis=1, keepdims=True), 1e-12)
        probe = np.clip(cur[rows][owner] + delta[owner, None] * u, lo64, hi64)
        u = (probe - cur[rows][owner]) / np.maximum(delta[owner, None], 1e-12)
        phi = np.where(ask.adversarial(probe, rows[owner]), 1.0, -1.0)
        mean = np.bincount(owner, weights=phi, minlength=rows.size) / b
        pure = np.abs(mean) == 1.0
        weight = np.where(pure[owner], phi, phi - mean[owner])
        grad = np.zeros((rows.size, d))
        np.add.at(grad, owner, weight[:, None] * u)
        direction = grad / np.maximum(np.linalg.norm(grad, axis=1, keepdims=True), 1e-12)
        # geometric step search: halve until the step lands on the adversarial side
        step = dist / np.sqrt(it)
        moved = np.zeros(rows.size, bool)
        target_pt = cur[rows].copy()
        for _ in range(_MAX_HALVINGS):
            idx = np.nonzero(~moved & (ask.left(rows) > 0))[0]
            if idx.size == 0:
                break
            cand = np.clip(cur[rows[idx]] + step[idx, None] * direction[idx], lo64, hi64)
            hit = ask.adversarial(cand, rows[idx])
            target_pt[idx[hit]] = cand[hit]
            moved[idx[hit]] = True
            step[idx[~hit]] /= 2
        go = rows[moved]
        if go.size:
            cur[go] = _binary_search(ask, x64, target_pt[moved], go, theta)
            nd = np.linalg.norm(cur[go] - x64[go], axis=1)
            better = nd < best_d[go]
            best[go[better]] = cur[go[better]]
            best_d[go[better]] = nd[better]
        if return_path:
            path.append(cur.astype(np.float32))
        report()
    E.record(trace=rec.trace())
    out = best.astype(np.float32)
    return (out, np.stack(path)) if return_path else out
