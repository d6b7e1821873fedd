"""Evaluation: how accuracy falls as an attack's budget grows, and how far the
boundary is.

The unit of work is one *cell*: one attack at one epsilon on one set of
points (:func:`attack_cell`), summarized as accuracy, success rate and
perturbation sizes. :func:`robustness_curves` runs a grid of cells for
several attacks and reports progress after each (a page can cache cell by
cell); :func:`accuracy_curve` is one attack's accuracy along a list of
budgets, also for the attacks without an epsilon (DeepFool, C&W) through the
sizes of the perturbations they found (:func:`accuracy_within`).
:func:`minimal_distances` measures, per point, the smallest perturbation that
flips the answer, and :func:`flip_fraction` turns those sizes into a curve.

Nothing here imports streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .attacks import ATTACKS, NORMS, AttackResult, check_params, norms, predict, run_attack
from .attacks.gradient import SWEPT, sweep_eps

__all__ = ["CURVE_ATTACKS", "Cell", "CurveSet", "EpsSweep", "accuracy", "accuracy_curve", "accuracy_within",
           "attack_cell", "check_eps_values", "eps_block", "eps_blocks", "eps_grid", "eps_steps", "eps_sweep", "flip_fraction",
           "fooled_indices", "hits", "minimal_distances",
           "minimal_perturbations", "moved_sizes", "robustness_curves"]

# The attacks with an epsilon budget, weakest idea first: a curve each.
CURVE_ATTACKS: tuple[str, ...] = tuple(k for k in ("noise", "fgsm", "bim", "pgd", "mim") if k in ATTACKS)
# every attack with an epsilon budget can be one cell of a curve
EPS_ATTACKS: tuple[str, ...] = tuple(k for k, spec in ATTACKS.items() if spec.uses_eps)


def check_eps_values(eps_values) -> np.ndarray:
    """``eps_values`` as a float64 array, or a ValueError unless it is a
    non-empty 1-D list of finite epsilons >= 0."""
    eps = np.asarray(eps_values, np.float64)
    if eps.ndim != 1 or eps.size == 0 or np.any(eps < 0) or not np.all(np.isfinite(eps)):
        raise ValueError("eps_values must be a non-empty 1-D list of finite epsilons >= 0")
    return eps


def accuracy(model, x, y) -> float:
    """Share of the points ``model`` classifies as ``y``."""
    return float(np.mean(predict(model, x) == np.asarray(y)))


def hits(result: AttackResult) -> np.ndarray:
    """Per point, whether the attack did what it was asked: a wrong answer
    (untargeted), or the target when that is not the point's own class."""
    if result.target is None:
        return np.asarray(result.success, bool)
    return np.asarray(result.success, bool) & (result.y != result.target)


def fooled_indices(result: AttackResult, *, newly: bool = False) -> np.ndarray:
    """Indices of the points misclassified after the attack; with ``newly``,
    only the points the model got right that the attack fooled (or sent to
    its target)."""
    if newly:
        return np.nonzero(result.success & (result.pred_clean == result.y))[0]
    return np.nonzero(result.pred_adv != result.y)[0]


def moved_sizes(result: AttackResult, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """L-inf and L2 sizes of the perturbations that moved a point (of every
    point when none moved): a histogram of sizes is not one bar at zero."""
    moved = result.l2 > tol
    if not moved.any():
        return result.linf, result.l2
    return result.linf[moved], result.l2[moved]


def eps_grid(eps_max: float, n: int = 20, *, decimals: int | None = 6) -> np.ndarray:
    """``n`` evenly spaced epsilons from 0 to ``eps_max`` (both included),
    rounded to ``decimals`` places (``None``: not rounded)."""
    eps_max = v.number("eps_max", eps_max, lo=0.0, hi=100.0, lo_open=True)
    n = v.number("n", n, lo=2, hi=401, integer=True)
    grid = np.linspace(0.0, eps_max, n)
    return grid if decimals is None else np.round(grid, decimals)


@dataclass(frozen=True)
class Cell:
    """One attack at one epsilon: accuracy, success and mean perturbation sizes."""

    attack: str
    eps: float
    accuracy: float
    success_rate: float
    linf: float  # mean over the points
    l2: float
    l0: float
    n_features: int
    seconds: float = 0.0
    # of the points classified correctly before the attack: the share left exactly
    # where they were (a gradient of exactly zero gives a sign attack no direction)
    unmoved: float = 0.0
    # of the points that moved: the share moved by clearly less than eps in the
    # attack's norm (stopped at the first fooling step, or clipped to the input box)
    under: float = 0.0


def _check_params(attack: str, params) -> dict:
    return check_params(attack, params, where=f"params[{attack!r}]: ")


def attack_cell(model, x, y, *, attack: str, eps: float, norm: str = "linf", clip=None, seed: int = 0,
                params: Mapping | None = None, targeted: bool = False, target=None) -> Cell:
    """Run ``attack`` at ``eps`` on (x, y) and summarize it.

    ``attack`` is any attack with a budget (:data:`EPS_ATTACKS`); ``params`` its own parameters
    (e.g. ``{"steps": 40}`` for PGD). At ``eps = 0`` nothing moves and the
    cell holds the clean accuracy without running the attack. ``targeted``
    attacks aim at ``target`` (the success rate then counts arrivals there).
    """
    v.choice("attack", attack, EPS_ATTACKS)
    eps = v.number("eps", eps, lo=0.0, hi=100.0)
    v.choice("norm", norm, NORMS)
    params = _check_params(attack, params)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    t0 = time.perf_counter()
    if eps == 0:
        return Cell(attack, 0.0, accuracy(model, x, y), 0.0, 0.0, 0.0, 0.0, x.shape[1], time.perf_counter() - t0)
    r = run_attack(attack, model, x, y, eps=float(eps), norm=norm, clip=clip, seed=seed, targeted=targeted,
                   target=target if targeted else None, **params)
    return _cell_of(r, attack=attack, eps=float(eps), norm=norm, seconds=time.perf_counter() - t0)


def _cell_of(r: AttackResult, *, attack: str, eps: float, norm: str, seconds: float) -> Cell:
    """The summary of one attack's result at ``eps`` (see :class:`Cell`)."""
    moved = r.linf > 1e-7
    ok = r.pred_clean == r.y
    unmoved = float(np.mean(~moved[ok])) if ok.any() else 0.0
    size = r.linf if norm == "linf" else r.l2
    under = float(np.mean(size[moved] < 0.97 * eps)) if moved.any() else 0.0
    return Cell(attack, float(eps), r.adv_accuracy, r.success_rate, float(np.mean(r.linf)),
                float(np.mean(r.l2)), float(np.mean(r.l0)), r.x.shape[1], seconds, unmoved=unmoved, under=under)


def eps_steps(lo: float, hi: float, step: float) -> tuple[float, ...]:
    """A slider's values from ``lo`` to ``hi`` by ``step`` (rounded to 6
    places) as a tuple: the budgets of an :func:`eps_sweep` and part of its key."""
    lo = v.number("lo", lo, lo=0.0, hi=100.0)
    hi = v.number("hi", hi, lo=lo, hi=100.0)
    step = v.number("step", step, lo=1e-4, hi=100.0)
    n = round((hi - lo) / step) + 1
    if n > 2001:
        raise ValueError(f"step must split [{lo:g}, {hi:g}] into at most 2001 values, got {n}")
    return tuple(np.round(lo + step * np.arange(n), 6).tolist())


SWEEP_POINTS = 12_288  # tiled points per batched sweep: a 2-D set's 120 test points cover 101 budgets


def eps_block(grid: Sequence[float], eps: float, *, n_points: int, n_features: int = 2) -> tuple[float, ...]:
    """The budgets to sweep at once for ``eps``: the block of ``grid`` (a
    slider's values, :func:`eps_steps`) that holds it, as many as fit
    :data:`SWEEP_POINTS` tiled copies of ``n_points`` points of ``n_features``
    (a point of 16 features and more counts as ``n_features // 8``: a wide
    input costs more per point, and batching it saves less). The whole slider
    for a 2-D set's 120 test points; 3 budgets of the digits' 450. ``(eps,)``
    alone when it is not on the grid (a hand-edited link)."""
    grid = tuple(float(g) for g in grid)
    size = _block_size(n_points, n_features)
    j = int(np.argmin(np.abs(np.asarray(grid) - float(eps)))) if grid else 0
    if not grid or abs(grid[j] - float(eps)) > 1e-6 * max(1.0, abs(float(eps))):
        return (float(eps),)
    start = j // size * size
    return grid[start:start + size]


def _block_size(n_points: int, n_features: int) -> int:
    n_points = v.number("n_points", n_points, lo=1, hi=10**7, integer=True)
    n_features = v.number("n_features", n_features, lo=1, hi=10**6, integer=True)
    return max(1, SWEEP_POINTS // (n_points * max(1, n_features // 8)))


def eps_blocks(grid: Sequence[float], eps: float, *, n_points: int, n_features: int = 2) -> list[tuple[float, ...]]:
    """Every :func:`eps_block` of ``grid``: the one holding ``eps`` first, then the others
    by their distance from it (the order to compute them in ahead of the slider). Called on
    every move of a slider, so the blocks are cut from the grid once, not looked up per value."""
    grid = tuple(float(g) for g in grid)
    first = eps_block(grid, eps, n_points=n_points, n_features=n_features)
    size = _block_size(n_points, n_features)
    rest = [b for b in (grid[s:s + size] for s in range(0, len(grid), size)) if b != first]
    return [first, *sorted(rest, key=lambda b: min(abs(e - float(eps)) for e in b))]


@dataclass(frozen=True)
class EpsSweep:
    """One attack at every budget of a grid, from one batched run (:func:`eps_sweep`).

    ``pred_adv[j]`` are the predictions at ``eps[j]``; ``x`` and ``x_adv``
    (``(E, N, D)``) are kept when asked for (decision maps), ``cells`` (one
    :class:`Cell` per budget) when asked for (tables)."""

    attack: str
    eps: np.ndarray  # (E,)
    norm: str
    y: np.ndarray  # (N,)
    pred_clean: np.ndarray  # (N,)
    pred_adv: np.ndarray  # (E, N)
    x: np.ndarray | None = None
    x_adv: np.ndarray | None = None
    cells: tuple[Cell, ...] = ()
    seconds: float = 0.0

    @property
    def clean_accuracy(self) -> float:
        return float(np.mean(self.pred_clean == self.y))

    @property
    def accuracy(self) -> np.ndarray:
        """Accuracy under the attack at every budget, ``(E,)``."""
        return np.mean(self.pred_adv == self.y[None, :], axis=1)

    def index(self, eps: float) -> int:
        """The position of ``eps`` in the grid, or a ValueError naming the grid's range."""
        j = int(np.argmin(np.abs(self.eps - float(eps))))
        if abs(self.eps[j] - float(eps)) > 1e-6 * max(1.0, abs(float(eps))):
            raise ValueError(f"eps must be one of the sweep's {len(self.eps)} budgets from {self.eps[0]:g} to "
                             f"{self.eps[-1]:g}, got {eps!r}")
        return j

    def accuracy_at(self, eps: float) -> float:
        return float(np.mean(self.pred_adv[self.index(eps)] == self.y))

    def cell_at(self, eps: float) -> Cell:
        if not self.cells:
            raise ValueError("cell_at needs a sweep made with cells=True")
        return self.cells[self.index(eps)]

    def at(self, eps: float) -> AttackResult:
        """The result at ``eps`` as :func:`~advlab.attacks.run_attack` gives it (a sweep made with keep_x=True)."""
        if self.x_adv is None:
            raise ValueError("at needs a sweep made with keep_x=True")
        j = self.index(eps)
        return _result(self.attack, self.x, self.x_adv[j], self.y, self.pred_clean, self.pred_adv[j],
                       eps=float(self.eps[j]), norm=self.norm)


def _result(attack: str, x, x_adv, y, pred_clean, pred_adv, *, eps: float, norm: str) -> AttackResult:
    linf, l2, l0 = norms(x_adv - x)
    return AttackResult(attack=attack, x=x, x_adv=x_adv, y=y, pred_clean=pred_clean, pred_adv=pred_adv,
                        success=pred_adv != y, linf=linf, l2=l2, l0=l0, params={"eps": eps, "norm": norm})


def eps_sweep(model, x, y, *, attack: str, eps_values, norm: str = "linf", clip=None, seed: int = 0,
              params: Mapping | None = None, judge=None, keep_x: bool = False, cells: bool = False) -> EpsSweep:
    """The untargeted ``attack`` (noise, FGSM, BIM, PGD or MI-FGSM; ``params``
    its own parameters) at every budget of ``eps_values`` in one batched run
    (:func:`advlab.attacks.gradient.sweep_eps`): the same numbers as one
    :func:`attack_cell` per budget, up to float rounding, for far less than
    their cost. ``judge`` (default ``model``) is the model scored on the
    examples made on ``model`` (a transfer attack)."""
    v.choice("attack", attack, SWEPT)
    params = _check_params(attack, params)
    eps = check_eps_values(eps_values)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0]).astype(np.int64)
    judge = model if judge is None else judge
    t0 = time.perf_counter()
    xa = sweep_eps(model, x, y, attack=attack, eps_values=eps, norm=norm, clip=clip, seed=seed, **params)
    n_eps, n, d = xa.shape
    pred = predict(judge, xa.reshape(n_eps * n, d)).reshape(n_eps, n)
    pred = pred.astype(np.int8) if pred.max(initial=0) < 127 else pred  # kept for every session: an eighth
    pred_clean = predict(judge, x)
    pred[eps == 0] = pred_clean  # no budget, no attack: the clean answers (as attack_cell gives)
    seconds = time.perf_counter() - t0
    for arr in (xa, pred, pred_clean):  # a sweep is shared by every session: read-only
        arr.setflags(write=False)
    out = []
    if cells:
        for j, e in enumerate(eps):
            r = _result(attack, x, x if e == 0 else xa[j], y, pred_clean, pred[j], eps=float(e), norm=norm)
            out.append(Cell(attack, 0.0, r.clean_accuracy, 0.0, 0.0, 0.0, 0.0, d, seconds / n_eps) if e == 0 else
                       _cell_of(r, attack=attack, eps=float(e), norm=norm, seconds=seconds / n_eps))
    return EpsSweep(attack, eps, norm, y, pred_clean, pred, x if keep_x else None, xa if keep_x else None,
                    tuple(out), seconds)


@dataclass(frozen=True)
class CurveSet:
    """Accuracy and success rate of several attacks over one epsilon grid."""

    eps: np.ndarray  # (E,)
    attacks: tuple[str, ...]
    accuracy: np.ndarray  # (A, E)
    success: np.ndarray  # (A, E)
    linf: np.ndarray  # (A, E) mean sizes
    l2: np.ndarray
    l0: np.ndarray
    norm: str = "linf"
    n_points: int = 0
    n_classes: int = 2
    seconds: float = 0.0
    info: dict = field(default_factory=dict)

    @property
    def clean_accuracy(self) -> float:
        return float(self.accuracy[0, 0]) if self.eps[0] == 0 else float("nan")

    def curve(self, attack: str, what: str = "accuracy") -> np.ndarray:
        v.choice("attack", attack, self.attacks)
        v.choice("what", what, ("accuracy", "success", "linf", "l2", "l0"))
        return getattr(self, what)[self.attacks.index(attack)]

    def rows(self) -> list[dict]:
        """One row per (epsilon, attack), for a CSV file."""
        out = []
        for i, a in enumerate(self.attacks):
            for j, e in enumerate(self.eps):
                out.append({"eps": float(e), "attack": a, "norm": self.norm,
                            "accuracy": float(self.accuracy[i, j]), "success_rate": float(self.success[i, j]),
                            "mean_linf": float(self.linf[i, j]), "mean_l2": float(self.l2[i, j]),
                            "mean_l0": float(self.l0[i, j])})
        return out

    @classmethod
    def from_cells(cls, eps, attacks: Sequence[str], cells: Mapping[tuple[str, int], Cell], *,
                   norm: str = "linf", n_points: int = 0, n_classes: int = 2) -> CurveSet:
        """Assemble from ``cells[(attack, j)]`` (j indexes ``eps``)."""
        eps = np.asarray(eps, np.float64)
        a_n, e_n = len(attacks), len(eps)
        arrs = {k: np.empty((a_n, e_n)) for k in ("accuracy", "success_rate", "linf", "l2", "l0")}
        secs = 0.0
        for i, a in enumerate(attacks):
            for j in range(e_n):
                c = cells[(a, j)]
                secs += c.seconds
                for k, arr in arrs.items():
                    arr[i, j] = getattr(c, k)
        return cls(eps=eps, attacks=tuple(attacks), accuracy=arrs["accuracy"], success=arrs["success_rate"],
                   linf=arrs["linf"], l2=arrs["l2"], l0=arrs["l0"], norm=norm, n_points=n_points,
                   n_classes=n_classes, seconds=secs)


def robustness_curves(model, x, y, *, attacks: Sequence[str] = CURVE_ATTACKS, eps_values, norm: str = "linf",
                      clip=None, seed: int = 0, params: Mapping[str, Mapping] | None = None,
                      on_step: Callable[[int, int, str, float], None] | None = None) -> CurveSet:
    """Accuracy vs epsilon for several attacks on the same points.

    ``eps_values`` must start at 0 (so every curve starts at the clean
    accuracy) and increase. ``params`` maps an attack to its own parameters.
    ``on_step(done, total, attack, eps)`` is called after every cell.
    """
    eps = np.asarray(eps_values, np.float64)
    if eps.ndim != 1 or eps.size < 2:
        raise ValueError("eps_values must be a list of at least 2 epsilons")
    if not np.all(np.isfinite(eps)) or eps[0] != 0 or np.any(np.diff(eps) <= 0):
        raise ValueError("eps_values must start at 0 and increase strictly, e.g. eps_grid(1.0)")
    attacks = tuple(attacks)
    if not attacks:
        raise ValueError(f"attacks must name at least one of {', '.join(CURVE_ATTACKS)}")
    for a in attacks:
        v.choice("attacks", a, CURVE_ATTACKS)
    if len(set(attacks)) != len(attacks):
        raise ValueError("attacks must not repeat an attack")
    params = dict(params or {})
    for a in params:
        v.choice("params key", a, CURVE_ATTACKS)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    total = len(attacks) * len(eps)
    cells = {}
    done = 0
    clean = None
    for a in attacks:
        p = _check_params(a, params.get(a))
        for j, e in enumerate(eps):
            if e == 0 and clean is not None:
                cells[(a, j)] = Cell(a, 0.0, clean.accuracy, 0.0, 0.0, 0.0, 0.0, x.shape[1])
            else:
                cells[(a, j)] = attack_cell(model, x, y, attack=a, eps=float(e), norm=norm, clip=clip, seed=seed,
                                            params=p)
                if e == 0:
                    clean = cells[(a, j)]
            done += 1
            if on_step is not None:
                on_step(done, total, a, float(e))
    k = int(np.max(y)) + 1
    return CurveSet.from_cells(eps, attacks, cells, norm=norm, n_points=x.shape[0], n_classes=max(k, 2))


def accuracy_curve(model, x, y, *, attack: str, eps_values, norm: str = "linf", targeted: bool = False,
                   target: int | None = None, clip=None, seed: int = 0, **params) -> np.ndarray:
    """Accuracy on ``(x, y)`` under ``attack`` at every budget in ``eps_values``.

    Attacks with an epsilon run once per value (:func:`attack_cell`; 0 gives
    the clean accuracy). DeepFool and C&W run once; see
    :func:`accuracy_within` (their sizes are measured in ``norm``, L2 for both
    unless ``norm="linf"``). ``params`` are the attack's own parameters.
    """
    spec = ATTACKS[v.choice("attack", attack, ATTACKS)]
    eps_values = check_eps_values(eps_values)
    if not spec.uses_eps:
        r = run_attack(attack, model, x, np.asarray(y), norm=norm, targeted=targeted,
                       target=target if targeted else None, clip=clip, seed=seed, **params)
        return accuracy_within(r, eps_values, norm=norm)
    return np.array([attack_cell(model, x, y, attack=attack, eps=float(e), norm=norm, clip=clip, seed=seed,
                                 params=params, targeted=targeted, target=target).accuracy for e in eps_values])


def accuracy_within(result: AttackResult, budgets, *, norm: str = "l2") -> np.ndarray:
    """Accuracy when the adversary may only use the perturbations ``result``
    found that fit within each budget (measured in ``norm``).

    For attacks without an epsilon (DeepFool, C&W) this turns their smallest
    perturbations into an accuracy-versus-budget curve: a point counts as lost
    at budget ``d`` when its adversarial copy is misclassified and no larger
    than ``d``. Points the model already gets wrong count as lost everywhere.
    ``norm="l0"`` measures in features changed (JSMA's budget).
    """
    v.choice("norm", norm, ("linf", "l2", "l0"))
    b = np.asarray(budgets, np.float64)
    if b.ndim != 1 or b.size == 0 or np.any(b < 0) or not np.all(np.isfinite(b)):
        raise ValueError("budgets must be a non-empty 1-D list of finite values >= 0")
    size = {"linf": result.linf, "l2": result.l2, "l0": result.l0}[norm]
    right = result.pred_clean == result.y
    lost = result.pred_adv != result.y
    n = len(result.y)
    # a relative tolerance: float32 rounding puts sizes a hair above the budget they used
    fits = size[None, :] <= b[:, None] * (1 + 1e-5) + 1e-7
    return (right[None, :] & ~(lost[None, :] & fits)).sum(1) / n


def minimal_distances(model, x, y, *, method: str = "deepfool", clip=None, params: Mapping | None = None) -> np.ndarray:
    """Per point, the L2 size of the smallest change ``method`` found that
    flips the model's answer: one value per row of ``x`` (unlike
    :func:`minimal_perturbations`, which keeps only the
    correctly classified points), ``nan`` where the model is already wrong
    and ``inf`` where the method found nothing. ``method``: ``"deepfool"`` or
    ``"cw"``; ``params`` its own parameters.
    """
    v.choice("method", method, ("deepfool", "cw"))
    params = _check_params(method, params)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    r = run_attack(method, model, x, y, clip=clip, **params)
    d = np.where(r.success, r.l2, np.inf)
    return np.where(r.pred_clean == y, d, np.nan)


def minimal_perturbations(model, x, y, *, method: str = "deepfool", clip=None, **params) -> np.ndarray:
    """L2 size of the smallest perturbation found per correctly classified point
    (``inf`` where the method failed): :func:`minimal_distances` without the
    points the model already gets wrong. ``method``: ``"deepfool"`` or ``"cw"``."""
    d = minimal_distances(model, x, y, method=method, clip=clip, params=params)
    return d[~np.isnan(d)]


def flip_fraction(distances: np.ndarray, d_values) -> np.ndarray:
    """The share of points that flip within each distance (a cumulative curve)."""
    d = np.sort(np.asarray(distances, np.float64))
    if d.size == 0:
        return np.zeros(len(np.atleast_1d(d_values)))
    return np.searchsorted(d, np.asarray(d_values, np.float64), side="right") / d.size
