"""Accuracy, attack success, robustness curves, minimal perturbations, grids."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .attacks import ATTACKS, predict, proba, run_attack


def accuracy(model, x, y) -> float:
    return float(np.mean(predict(model, x) == np.asarray(y)))


def probs_from_logits(z: np.ndarray) -> np.ndarray:
    """Class probabilities (N, K) from logits (N, 1) or (N, K)."""
    z = np.asarray(z, np.float64)
    if z.shape[1] == 1:
        p1 = 1 / (1 + np.exp(-z[:, 0]))
        return np.stack([1 - p1, p1], 1)
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


@dataclass(frozen=True)
class Grid:
    xs: np.ndarray  # (res,)
    ys: np.ndarray  # (res,)
    proba: np.ndarray  # (res, res, K): proba[i, j] at (xs[j], ys[i])


def grid_points(lim: tuple[float, float, float, float], res: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x0, x1, y0, y1 = lim
    xs = np.linspace(x0, x1, res, dtype=np.float32)
    ys = np.linspace(y0, y1, res, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], 1)


def boundary_grid(model, lim=(-3.0, 3.0, -3.0, 3.0), res: int = 200) -> Grid:
    """Class probabilities of a 2-D model on a ``res`` x ``res`` grid over ``lim``
    (x_min, x_max, y_min, y_max)."""
    res = v.number("res", res, lo=2, hi=1000, integer=True)
    xs, ys, pts = grid_points(lim, res)
    p = proba(model, pts)
    return Grid(xs, ys, p.reshape(res, res, -1))


def plot_limits(*arrays, pad: float = 0.5) -> tuple[float, float, float, float]:
    """Square-ish limits covering all 2-D points given, with a margin."""
    pts = np.concatenate([np.asarray(a)[:, :2] for a in arrays], 0)
    lo = pts.min(0) - pad
    hi = pts.max(0) + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def robustness_curve(model, x, y, *, attack: str, eps_values, clip=None, norm: str = "linf", seed: int = 0,
                     **params) -> np.ndarray:
    """Accuracy under ``attack`` at each epsilon (eps = 0 gives clean accuracy)."""
    eps_values = np.asarray(eps_values, np.float64)
    if eps_values.ndim != 1 or eps_values.size == 0 or np.any(eps_values < 0):
        raise ValueError("eps_values must be a non-empty list of epsilons >= 0")
    if not ATTACKS[v.choice("attack", attack, ATTACKS)].uses_eps:
        raise ValueError(f"attack must take an epsilon for a robustness curve; {attack!r} does not")
    y = np.asarray(y)
    out = np.empty(len(eps_values))
    for i, e in enumerate(eps_values):
        r = run_attack(attack, model, x, y, eps=float(e), norm=norm, clip=clip, seed=seed, **params)
        out[i] = r.adv_accuracy
    return out


def minimal_perturbations(model, x, y, *, method: str = "deepfool", clip=None, **params) -> np.ndarray:
    """L2 size of the smallest perturbation found per correctly classified point
    (``inf`` where the method failed). ``method``: ``"deepfool"`` or ``"cw"``."""
    v.choice("method", method, ("deepfool", "cw"))
    y = np.asarray(y)
    r = run_attack(method, model, x, y, clip=clip, **params)
    ok = r.pred_clean == y
    d = np.where(r.success, r.l2, np.inf)
    return d[ok]


def flip_fraction(distances: np.ndarray, d_values) -> np.ndarray:
    """The share of points that flip within each distance (a cumulative curve)."""
    d = np.sort(np.asarray(distances, np.float64))
    if d.size == 0:
        return np.zeros(len(np.atleast_1d(d_values)))
    return np.searchsorted(d, np.asarray(d_values, np.float64), side="right") / d.size
