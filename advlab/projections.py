"""The model and the data seen in a plane.

* :func:`boundary_grid`: class probabilities of a 2-D model over a grid of
  its input plane (the decision maps), with :func:`grid_points` and
  :func:`plot_limits` to lay the grid out; :func:`weights_grid` does the same
  for a network's weights mid-training;
* :func:`decision_slice`: the model's output on a plane through one point of
  a higher-dimensional input, spanned by the attack direction
  (:func:`slice_direction`) and a random orthogonal direction
  (:func:`attack_slice` does both);
* :func:`pca_projection`: clean and adversarial points in the plane of the
  two main principal directions of the clean training data.

Nothing here imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .attacks import loss_gradient, proba
from .models import MLPModel, NumpyMLP
from .numerics import probs_from_logits

__all__ = ["DecisionSlice", "Grid", "PCAProjection", "SlicePlan", "attack_slice", "boundary_grid", "decision_slice",
           "grid_points", "pca_projection", "plot_limits", "project_pca", "slice_direction", "slice_plan",
           "weights_grid"]


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


def weights_grid(spec, weights, lim=(-3.0, 3.0, -3.0, 3.0), res: int = 60) -> Grid:
    """:func:`boundary_grid` of a network given as a :class:`~advlab.models.MLPSpec`
    and its weights (as training hands them out each epoch), in NumPy: the
    boundary mid-training ("watch it learn") without building a model."""
    from .models import numpy_logits
    from .numerics import probs_from_logits

    res = v.number("res", res, lo=2, hi=1000, integer=True)
    xs, ys, pts = grid_points(lim, res)
    p = probs_from_logits(numpy_logits(spec, weights, pts))
    return Grid(xs, ys, p.reshape(res, res, -1))


def plot_limits(*arrays, pad: float = 0.5) -> tuple[float, float, float, float]:
    """Square-ish limits covering all 2-D points given, with a margin."""
    pts = np.concatenate([np.asarray(a)[:, :2] for a in arrays], 0)
    lo = pts.min(0) - pad
    hi = pts.max(0) + pad
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def slice_direction(model, x, x_adv, y) -> tuple[np.ndarray, bool]:
    """The direction to slice along at ``x``: the attack's step ``x_adv - x``,
    or, when the attack did not move the point (epsilon 0, a failed attack),
    the loss gradient. Returns ``(direction, from_gradient)``; the direction
    keeps its length, so the adversarial point sits at ``|direction|`` along it.
    """
    x = np.asarray(x, np.float64).ravel()
    xa = np.asarray(x_adv, np.float64).ravel()
    if xa.shape != x.shape:
        raise ValueError(f"x_adv must have the shape of x {x.shape}, got {np.shape(x_adv)}")
    d = xa - x
    if np.linalg.norm(d) > 1e-9:
        return d, False
    g = loss_gradient(model, x, y).astype(np.float64)
    n = np.linalg.norm(g)
    if n < 1e-12:
        raise ValueError("no direction to slice along: the attack did not move the point and the loss "
                         "gradient there is zero")
    return g / n, True


def attack_slice(model, x, x_adv, y, *, seed: int = 0) -> tuple[DecisionSlice, bool]:
    """:func:`decision_slice` through ``x`` along the attack's step to
    ``x_adv`` (the loss gradient when it did not move, see
    :func:`slice_direction`); returns the slice and whether it follows the gradient."""
    direction, from_gradient = slice_direction(model, x, x_adv, y)
    return decision_slice(model, x, direction, seed=seed), from_gradient


EXTENT_STEPS = 3  # a slice's half-width is rounded up to a power of 2 ** (1 / EXTENT_STEPS)


@dataclass(frozen=True)
class SlicePlan:
    """Where :func:`attack_slice` would look, worked out without computing the slice:
    the unit ``direction`` (rounded to 6 decimals), the half-width ``extent`` (rounded
    up to a step of a ladder) and whether the direction is the loss gradient's.
    ``key`` names the slice: the attack's moves that share a direction (FGSM's at
    every epsilon) and a ladder step share one slice, so an epsilon move does not
    recompute the 6,561-point picture the move before it drew."""

    direction: np.ndarray
    extent: float
    from_gradient: bool

    @property
    def key(self) -> tuple:
        return self.direction.tobytes(), self.extent, self.from_gradient

    def slice(self, model, x, *, seed: int = 0, res: int = 81) -> DecisionSlice:
        return decision_slice(model, x, self.direction, extent=self.extent, res=res, seed=seed)


def slice_plan(model, x, x_adv, y) -> SlicePlan:
    """The :class:`SlicePlan` of the slice through ``x`` along the attack's step to ``x_adv``:
    the extent covers the adversarial point and the first class change along the
    direction, as :func:`decision_slice` fits it, rounded up to the ladder."""
    direction, from_gradient = slice_direction(model, x, x_adv, y)
    x = v.features("x", np.atleast_2d(x))[0].astype(np.float64)
    dn = float(np.linalg.norm(direction))
    u = np.round(direction / dn, 6)
    u /= np.linalg.norm(u)
    extent = _fit_extent(model, x, u, dn)
    extent = float(2.0 ** (np.ceil(np.log2(extent) * EXTENT_STEPS - 1e-9) / EXTENT_STEPS))
    return SlicePlan(direction=u, extent=extent, from_gradient=from_gradient)


def _fit_extent(model, x, u, dn: float) -> float:
    """Half-width of a slice along unit ``u`` whose adversarial point lies ``dn`` from ``x``."""
    flip = _first_flip(model, x, u, reach=max(8.0, 2 * dn))
    extent = max(1.6 * dn, 1.35 * flip if flip is not None else 0.0, 0.5)
    return float(min(extent, max(8.0, 1.6 * dn)))


@dataclass(frozen=True)
class DecisionSlice:
    """The model on the plane ``origin + a * u + b * v``.

    ``proba[i, j]`` holds the class probabilities at ``(a[j], b[i])``; ``u`` is
    the unit attack direction and ``v`` a random unit direction orthogonal to
    it. ``linf[i, j]`` is the L-inf length of ``a[j] u + b[i] v`` (the L2
    length is simply ``hypot(a, b)``), so the epsilon-ball's cross-section
    is a contour of it.
    """

    a: np.ndarray
    b: np.ndarray
    proba: np.ndarray
    u: np.ndarray
    v: np.ndarray
    origin: np.ndarray
    linf: np.ndarray

    def coords(self, points) -> np.ndarray:
        """In-plane coordinates ``(N, 2)`` of points ``(N, D)`` (their projection)."""
        p = np.atleast_2d(np.asarray(points, np.float64)) - self.origin
        return np.stack([p @ self.u, p @ self.v], 1)


def _plane_proba(model, pts: np.ndarray) -> np.ndarray:
    """Class probabilities of a few thousand points of a plane: for a trained MLP from its
    NumPy weights (a compiled-graph call costs more in overhead than these matmuls, on
    every epsilon move of the Seed Lab), for any other model through :func:`proba`."""
    if isinstance(model, MLPModel):
        return probs_from_logits(NumpyMLP(model.spec, weights=list(model.weights)).logits(pts))
    return proba(model, pts)


def _first_flip(model, x, u, reach: float, n: int = 241) -> float | None:
    """Distance along ``u`` from ``x`` where the predicted class first changes, if within ``reach``."""
    s = np.linspace(0.0, reach, n)
    pred = _plane_proba(model, (x[None, :] + s[:, None] * u[None, :]).astype(np.float32)).argmax(1)
    change = np.nonzero(pred != pred[0])[0]
    return float(s[change[0]]) if change.size else None


def decision_slice(model, x, direction, *, extent: float | None = None, res: int = 81,
                   seed: int = 0) -> DecisionSlice:
    """Class probabilities of ``model`` on a square of the plane through ``x``
    spanned by ``direction`` and a random direction orthogonal to it.

    A network on 20 features draws its boundary in 20 dimensions; a plane
    through the point, laid along the attack's direction, shows the part of it
    the attack crossed. ``extent`` is the half-width of the square (in input
    units); by default it fits both the adversarial point (at
    ``|direction|``) and the first class change along ``direction``.
    ``seed`` picks the orthogonal direction. ``res`` (11 to 301) points per side.
    """
    x = v.features("x", np.atleast_2d(x))[0].astype(np.float64)
    d = np.asarray(direction, np.float64).ravel()
    if d.shape != x.shape:
        raise ValueError(f"direction must have the shape of x {x.shape}, got {np.shape(direction)}")
    dn = float(np.linalg.norm(d))
    if not np.isfinite(dn) or dn < 1e-12:
        raise ValueError("direction must be a finite, non-zero vector")
    if x.size < 2:
        raise ValueError("x must have at least 2 features to span a plane")
    res = v.number("res", res, lo=11, hi=301, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    u = d / dn
    rng = np.random.default_rng(seed)
    r = rng.normal(size=x.size)
    r -= (r @ u) * u
    vv = r / np.linalg.norm(r)
    if extent is None:
        extent = _fit_extent(model, x, u, dn)
    extent = v.number("extent", extent, lo=0.0, hi=1000.0, lo_open=True)
    a = np.linspace(-extent, extent, res)
    b = np.linspace(-extent, extent, res)
    # |a u + b v| in L-inf, one feature at a time (no (res², D) array of the points)
    linf = np.zeros((res, res))
    for k in range(x.size):
        np.maximum(linf, np.abs(a[None, :] * u[k] + b[:, None] * vv[k]), out=linf)
    return DecisionSlice(a=a, b=b, proba=_grid_proba(model, x, u, vv, a, b).reshape(res, res, -1), u=u, v=vv,
                         origin=x, linf=linf)


def _grid_proba(model, x, u, vv, a, b) -> np.ndarray:
    """Class probabilities at ``x + a[j] u + b[i] v``, row ``i`` and column ``j`` of the grid,
    flattened row by row. For a trained MLP the first layer is linear in the plane: its
    pre-activation at every grid point is the sum of three vectors (at ``x``, along ``u``,
    along ``v``), so the points themselves are never built; a Seed Lab ε move draws one."""
    if not isinstance(model, MLPModel):
        ga, gb = np.meshgrid(a, b)
        offs = ga.ravel()[:, None] * u[None, :] + gb.ravel()[:, None] * vv[None, :]
        return _plane_proba(model, (x[None, :] + offs).astype(np.float32))
    net = NumpyMLP(model.spec, weights=list(model.weights))
    w, bias = net.params[0].astype(np.float64), net.params[1].astype(np.float64)
    z = (x @ w + bias)[None, None, :] + a[None, :, None] * (u @ w) + b[:, None, None] * (vv @ w)
    return probs_from_logits(net.logits_after_first(z.reshape(-1, z.shape[-1]).astype(np.float32)))


@dataclass(frozen=True)
class PCAProjection:
    """Clean and adversarial points in the plane of the training data's top
    two principal directions."""

    clean: np.ndarray  # (N, 2)
    adv: np.ndarray  # (N, 2)
    explained: np.ndarray  # (2,) share of the training variance along each axis
    in_plane: float  # median share of a perturbation's length that lies in this plane


def pca_projection(x_train, x, x_adv, *, n_components: int = 2) -> PCAProjection:
    """Fit a PCA on the clean training points and project clean test points
    ``x`` and their adversarial copies ``x_adv`` with it.

    ``in_plane`` says how much of each perturbation the picture can show: an
    attack in 20 dimensions mostly moves points off this plane.
    """
    from sklearn.decomposition import PCA

    x_train = v.features("x_train", x_train)
    x = v.features("x", x)
    x_adv = v.features("x_adv", x_adv)
    if x.shape != x_adv.shape:
        raise ValueError(f"x_adv must have the shape of x {x.shape}, got {x_adv.shape}")
    if x.shape[1] != x_train.shape[1]:
        raise ValueError(f"x must have the {x_train.shape[1]} features of x_train, got {x.shape[1]}")
    n_components = v.number("n_components", n_components, lo=2, hi=min(x_train.shape), integer=True)
    pca = PCA(n_components=n_components, svd_solver="full").fit(x_train.astype(np.float64))
    return project_pca(pca, x, x_adv)


def _first_two(pca, x: np.ndarray) -> np.ndarray:
    """``pca.transform(x)[:, :2]``; without whitening in NumPy (scikit-learn's checks of its
    input cost more than the product, on every epsilon move of the Seed Lab)."""
    if getattr(pca, "whiten", False):
        return pca.transform(x)[:, :2]
    return (x - pca.mean_) @ pca.components_[:2].T


def project_pca(pca, x: np.ndarray, x_adv: np.ndarray) -> PCAProjection:
    """Clean and adversarial points (checked by the caller) on the first two axes of a fitted
    scikit-learn ``pca``, with the share of each move that lies in that plane."""
    c, a = _first_two(pca, x.astype(np.float64)), _first_two(pca, x_adv.astype(np.float64))
    delta = (x_adv - x).astype(np.float64)
    full = np.linalg.norm(delta, axis=1)
    shown = np.linalg.norm(delta @ pca.components_[:2].T, axis=1)
    moved = full > 1e-9
    in_plane = float(np.median(shown[moved] / full[moved])) if moved.any() else 0.0
    return PCAProjection(clean=c, adv=a, explained=pca.explained_variance_ratio_[:2].copy(), in_plane=in_plane)
