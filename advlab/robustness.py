"""How much it takes, read off the curves: the epsilon ranges worth showing
per dataset, the network of the lesson, and the shapes of the curves a
learner should have explained.

The curves themselves come from :mod:`advlab.evaluation`
(:func:`~advlab.evaluation.robustness_curves`, cell by cell);
:func:`find_shapes` reads the finished curves and names the shapes a learner
would find surprising, so an explanation is shown only where it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .attacks import NORMS
from .evaluation import CurveSet

__all__ = ["Shape", "eps_limit", "find_shapes", "hidden_layers", "suggested_eps_max"]

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


def hidden_layers(*, width: int, layers: int) -> tuple[int, ...]:
    """A funnel: ``width`` neurons, then half as many per further layer
    (``width=64, layers=2`` is the blog's 64-32 network)."""
    width = v.number("width", width, lo=2, hi=1024, integer=True)
    layers = v.number("layers", layers, lo=1, hi=4, integer=True)
    return tuple(max(2, width >> i) for i in range(layers))


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
    return [*_rebounds(curves, tol), *_first_zero(curves, tol), *_noise_flat(curves), *_weaker(curves, tol)]


def _attack_curves(curves: CurveSet) -> list[tuple[str, np.ndarray]]:
    """(attack, accuracy curve) for every attack but the noise baseline."""
    return [(a, curves.curve(a)) for a in curves.attacks if a != "noise"]


def _rebounds(curves: CurveSet, tol: float) -> list[Shape]:
    out = []
    for a, acc in _attack_curves(curves):
        rise = acc - np.minimum.accumulate(acc)
        j = int(np.argmax(rise))
        if rise[j] >= tol:
            i = int(np.argmin(acc[: j + 1]))
            out.append(Shape("rebound", a, float(curves.eps[j]), float(acc[j]), eps_from=float(curves.eps[i]),
                             value_from=float(acc[i])))
    return out


def _first_zero(curves: CurveSet, tol: float) -> list[Shape]:
    """The first epsilon at which an attack reaches zero, if before the last value."""
    zeros = []
    for a, acc in _attack_curves(curves):
        hit = np.nonzero(acc <= 1e-9)[0]
        if hit.size and hit[0] < len(curves.eps) - 1 and np.all(acc[hit[0]:] <= tol):
            zeros.append((hit[0], a))
    if not zeros:
        return []
    j, a = min(zeros)
    return [Shape("zero", a, float(curves.eps[j]), 0.0)]


def _noise_flat(curves: CurveSet) -> list[Shape]:
    grad = [a for a in curves.attacks if a in _GRADIENT]
    if "noise" not in curves.attacks or not grad:
        return []
    noise_end = float(curves.curve("noise")[-1])
    best = min(grad, key=lambda a: float(curves.curve(a)[-1]))
    best_end = float(curves.curve(best)[-1])
    noise_drop, best_drop = curves.clean_accuracy - noise_end, curves.clean_accuracy - best_end
    # "barely": at most 10 points, and a small fraction of what an attack of the same size does
    if best_drop >= 0.25 and noise_drop <= min(0.10, 0.2 * best_drop):
        return [Shape("noise_flat", "noise", float(curves.eps[-1]), noise_end, other=best, value_from=best_end)]
    return []


def _weaker(curves: CurveSet, tol: float) -> list[Shape]:
    """An iterative attack should do at least as well as one FGSM step or its
    siblings; one note (the widest such gap) says what needs saying."""
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
    if worst is None:
        return []
    _, a, b, j = worst
    return [Shape("weaker", a, float(curves.eps[j]), float(curves.curve(a)[j]), other=b,
                  value_from=float(curves.curve(b)[j]))]
