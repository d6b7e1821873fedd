"""How much it takes: accuracy under several attacks as epsilon grows, the
sizes of the perturbations, and the shapes of the curves worth explaining.

The unit of work is one *cell*: one attack at one epsilon on one set of
points (:func:`attack_cell`). :func:`robustness_curves` runs a grid of cells
and reports progress after each, so a page can show a progress bar and cache
cell by cell (adding an attack or a few epsilons then costs only the new
cells). :func:`find_shapes` reads the finished curves and names the shapes a
learner would find surprising, so an explanation is shown only where it
applies.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .attacks import ATTACKS, NORMS, predict, run_attack

__all__ = ["CURVE_ATTACKS", "Cell", "CurveSet", "Shape", "attack_cell", "eps_grid", "eps_limit",
           "find_shapes", "hidden_layers", "minimal_distances", "robustness_curves", "suggested_eps_max"]

# The attacks with an epsilon budget, weakest idea first: a curve each.
CURVE_ATTACKS: tuple[str, ...] = tuple(k for k in ("noise", "fgsm", "bim", "pgd", "mim") if k in ATTACKS)
_GRADIENT = ("fgsm", "bim", "pgd", "mim")
_ITERATIVE = ("bim", "pgd", "mim")

# Suggested upper ends of the epsilon axis. The 2-D sets and the blog data are
# standardized (epsilon in standard deviations); digits are pixels in [0, 1],
# where an L-inf change of 0.3 already turns a stroke grey. L2 ranges grow with
# the dimension because an L2 ball of radius r holds L-inf moves of r / sqrt(D).
_SUGGESTED = {("2d", "linf"): 1.0, ("2d", "l2"): 1.5, ("blog", "linf"): 1.0, ("blog", "l2"): 3.0,
              ("digits", "linf"): 0.3, ("digits", "l2"): 1.5}
# Largest epsilon that still means something: past these the ball covers the data.
_LIMIT = {("2d", "linf"): 3.0, ("2d", "l2"): 4.0, ("blog", "linf"): 3.0, ("blog", "l2"): 10.0,
          ("digits", "linf"): 1.0, ("digits", "l2"): 8.0}


def _family(dataset: str) -> str:
    return dataset if dataset in ("blog", "digits") else "2d"


def suggested_eps_max(*, dataset: str, norm: str = "linf") -> float:
    """The epsilon range that shows the whole drop for ``dataset`` under ``norm``."""
    v.choice("norm", norm, NORMS)
    return _SUGGESTED[(_family(dataset), norm)]


def eps_limit(*, dataset: str, norm: str = "linf") -> float:
    """The largest sensible epsilon for ``dataset`` under ``norm`` (digits in
    L-inf: 1, a pixel cannot move further than from black to white)."""
    v.choice("norm", norm, NORMS)
    return _LIMIT[(_family(dataset), norm)]


def eps_grid(*, eps_max: float, n: int = 20) -> np.ndarray:
    """``n`` evenly spaced epsilons from 0 to ``eps_max`` (both included)."""
    eps_max = v.number("eps_max", eps_max, lo=0.0, hi=100.0, lo_open=True)
    n = v.number("n", n, lo=2, hi=200, integer=True)
    return np.round(np.linspace(0.0, eps_max, n), 6)


def hidden_layers(*, width: int, layers: int) -> tuple[int, ...]:
    """A funnel: ``width`` neurons, then half as many per further layer
    (``width=64, layers=2`` is the blog's 64-32 network)."""
    width = v.number("width", width, lo=2, hi=1024, integer=True)
    layers = v.number("layers", layers, lo=1, hi=4, integer=True)
    return tuple(max(2, width >> i) for i in range(layers))


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
    params = dict(params or {})
    allowed = {p.name for p in ATTACKS[attack].params}
    for k in params:
        if k not in allowed:
            raise ValueError(f"params[{attack!r}] has {k!r}, which is not a parameter of "
                             f"{ATTACKS[attack].display}; allowed: {', '.join(sorted(allowed)) or 'none'}")
    return params


def attack_cell(model, x, y, *, attack: str, eps: float, norm: str = "linf", clip=None, seed: int = 0,
                params: Mapping | None = None) -> Cell:
    """Run ``attack`` at ``eps`` on (x, y) and summarize it.

    ``attack`` is one of :data:`CURVE_ATTACKS`; ``params`` its own parameters
    (e.g. ``{"steps": 40}`` for PGD). At ``eps = 0`` nothing moves and the
    cell holds the clean accuracy without running the attack.
    """
    v.choice("attack", attack, CURVE_ATTACKS)
    eps = v.number("eps", eps, lo=0.0, hi=100.0)
    v.choice("norm", norm, NORMS)
    params = _check_params(attack, params)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    t0 = time.perf_counter()
    if eps == 0:
        acc = float(np.mean(predict(model, x) == y))
        return Cell(attack, 0.0, acc, 0.0, 0.0, 0.0, 0.0, x.shape[1], time.perf_counter() - t0)
    r = run_attack(attack, model, x, y, eps=float(eps), norm=norm, clip=clip, seed=seed, **params)
    moved = r.linf > 1e-7
    ok = r.pred_clean == y
    unmoved = float(np.mean(~moved[ok])) if ok.any() else 0.0
    size = r.linf if norm == "linf" else r.l2
    under = float(np.mean(size[moved] < 0.97 * eps)) if moved.any() else 0.0
    return Cell(attack, float(eps), r.adv_accuracy, r.success_rate, float(np.mean(r.linf)),
                float(np.mean(r.l2)), float(np.mean(r.l0)), x.shape[1], time.perf_counter() - t0,
                unmoved=unmoved, under=under)


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
        raise ValueError("eps_values must start at 0 and increase strictly, e.g. eps_grid(eps_max=1.0)")
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


@dataclass(frozen=True)
class Shape:
    """A feature of the curves a learner should have explained.

    ``kind``: ``"rebound"`` (accuracy rises again as epsilon grows; for FGSM
    this is the one-step overshoot), ``"zero"`` (an attack reaches 0% before
    the end of the range), ``"noise_flat"`` (random noise of the same size
    barely changes accuracy while an attack wrecks it), ``"weaker"`` (an
    iterative attack ends clearly above a simpler one: it got stuck).
    """

    kind: str
    attack: str
    eps: float  # where it shows
    value: float  # the accuracy there
    other: str = ""  # the attack compared with, if any
    eps_from: float = 0.0  # start of the stretch, if any
    value_from: float = 0.0


def find_shapes(curves: CurveSet, *, tol: float | None = None) -> list[Shape]:
    """Name the surprising shapes in ``curves`` (see :class:`Shape`).

    ``tol`` is the accuracy change that counts as real; by default the larger
    of 3 points and two test points, so one point flipping back is not news.
    """
    n = max(curves.n_points, 1)
    tol = max(0.03, 2.0 / n) if tol is None else v.number("tol", tol, lo=0.0, hi=1.0)
    eps = curves.eps
    out: list[Shape] = []
    clean = curves.clean_accuracy
    for a in curves.attacks:
        if a == "noise":
            continue
        acc = curves.curve(a)
        run_min = np.minimum.accumulate(acc)
        rise = acc - run_min
        j = int(np.argmax(rise))
        if rise[j] >= tol:
            i = int(np.argmin(acc[: j + 1]))
            out.append(Shape("rebound", a, float(eps[j]), float(acc[j]), eps_from=float(eps[i]),
                             value_from=float(acc[i])))
    # the first epsilon at which the attacks reach zero, if before the last value
    zeros = []
    for a in curves.attacks:
        if a == "noise":
            continue
        acc = curves.curve(a)
        hit = np.nonzero(acc <= 1e-9)[0]
        if hit.size and hit[0] < len(eps) - 1 and np.all(acc[hit[0]:] <= tol):
            zeros.append((hit[0], a))
    if zeros:
        j, a = min(zeros)
        out.append(Shape("zero", a, float(eps[j]), 0.0))
    if "noise" in curves.attacks:
        noise_end = float(curves.curve("noise")[-1])
        grad = [a for a in curves.attacks if a in _GRADIENT]
        if grad:
            best = min(grad, key=lambda a: float(curves.curve(a)[-1]))
            best_end = float(curves.curve(best)[-1])
            noise_drop, best_drop = clean - noise_end, clean - best_end
            # "barely": at most 10 points, and a small fraction of what an attack of the same size does
            if best_drop >= 0.25 and noise_drop <= min(0.10, 0.2 * best_drop):
                out.append(Shape("noise_flat", "noise", float(eps[-1]), noise_end, other=best,
                                 value_from=best_end))
    # an iterative attack should do at least as well as one FGSM step or its siblings;
    # one note (the widest such gap) says what needs saying
    worst = None
    for a in curves.attacks:
        if a not in _ITERATIVE:
            continue
        acc = curves.curve(a)
        for b in curves.attacks:
            if b == a or b not in _GRADIENT:
                continue
            gap = acc - curves.curve(b)
            j = int(np.argmax(gap))
            if gap[j] >= max(tol, 0.05) and (worst is None or gap[j] > worst[0]):
                worst = (gap[j], a, b, j)
    if worst is not None:
        _, a, b, j = worst
        out.append(Shape("weaker", a, float(eps[j]), float(curves.curve(a)[j]), other=b,
                         value_from=float(curves.curve(b)[j])))
    return out


def minimal_distances(model, x, y, *, method: str = "deepfool", clip=None, params: Mapping | None = None) -> np.ndarray:
    """Per point, the L2 size of the smallest change ``method`` found that
    flips the model's answer: one value per row of ``x`` (unlike
    :func:`advlab.metrics.minimal_perturbations`, which keeps only the
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
