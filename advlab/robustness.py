"""How much it takes, read off the curves: the epsilon ranges worth showing
per dataset, the network of the lesson, and the shapes of the curves a
learner should have explained.

The curves are built from :mod:`advlab.evaluation`'s cells: one setting
(:class:`~advlab.config.AttackConfig`) per attack and epsilon
(:func:`cell_configs`), each run on its own
(:func:`~advlab.evaluation.attack_cell`, so cells can be shared and reused)
and assembled with :func:`curve_set`.
:func:`find_shapes` reads the finished curves and names the shapes a learner
would find surprising, so an explanation is shown only where it applies;
:func:`budget_notes` does the same for one budget's cells, and
:func:`summarize_distances` reads the minimal perturbations.

Attackers without gradients join the curves too (:data:`BLACK_BOX`): the
score-based Square attack as cells like the others, the decision-based
HopSkipJump through the sizes of the changes it found (:func:`within_cells`);
:func:`query_curves` follows how their success grew with the questions they
asked the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from . import _validate as v
from .attacks import ATTACKS, NORMS, AttackResult
from .attacks.gradient import SWEPT
from .config import AttackConfig
from .evaluation import Cell, CurveSet, accuracy_within, eps_block, eps_blocks, eps_steps, eps_sweep, flip_fraction

__all__ = ["BLACK_BOX", "MIN_METHODS", "PAGE_QUERIES", "BudgetNote", "Distances", "QueryCurves", "Shape",
           "black_box_configs", "budget_notes", "cell_configs", "curve_set", "distance_metrics", "distance_rows",
           "eps_limit", "find_shapes", "fit_eps", "hidden_layers", "lesson_defaults", "lesson_epochs", "lesson_lr",
           "query_curves", "shape_text", "suggested_eps_max", "summarize_distances", "table_block", "table_blocks", "table_cells", "table_items", "table_row",
           "table_step", "within_cells"]

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


# Per family: epochs that fit the data, and the optimizer's step. The blog
# settings are the Seed Lab post's (64-32, 10 epochs, Adam 1e-3).
_EPOCHS = {"2d": 100, "blog": 10, "digits": 20}
_LR = {"2d": 0.01, "blog": 1e-3, "digits": 1e-3}

# The methods that search for the smallest change that flips a point.
MIN_METHODS = ("deepfool", "cw")
# The attackers without gradients: scores only (Square), labels only (HopSkipJump). Their budgets on
# the page are far below the papers' 10,000 queries, so a class waits seconds, not minutes.
BLACK_BOX = ("square", "hopskipjump")
PAGE_QUERIES = {"square": 300, "hopskipjump": 300}


def _white_box(attack: str) -> bool:
    return ATTACKS[attack].knows == "gradients"


def _family(dataset: str) -> str:
    return dataset if dataset in ("blog", "digits") else "2d"


def lesson_epochs(dataset: str) -> int:
    """The epochs the lesson trains ``dataset``'s network for by default."""
    return _EPOCHS[_family(dataset)]


def lesson_lr(dataset: str) -> float:
    """The learning rate of the lesson's network on ``dataset``."""
    return _LR[_family(dataset)]


def lesson_defaults(*, dataset: str, norm: str = "linf", eps_max: float | None = None) -> dict:
    """The settings that fit ``dataset``: the lesson's epochs, the epsilon
    range that shows the whole drop in ``norm`` and, at 30% of that range
    (of ``eps_max`` if given), the budget to read off in detail."""
    top = suggested_eps_max(dataset=dataset, norm=norm)
    eps = round((top if eps_max is None else eps_max) * 0.3, 3)
    return {"epochs": lesson_epochs(dataset), "eps_max": top, "eps": eps}


def suggested_eps_max(*, dataset: str, norm: str = "linf") -> float:
    """The epsilon range that shows the whole drop for ``dataset`` under ``norm``."""
    v.choice("norm", norm, NORMS)
    return _SUGGESTED[(_family(dataset), norm)]


def eps_limit(*, dataset: str, norm: str = "linf") -> float:
    """The largest sensible epsilon for ``dataset`` under ``norm`` (digits in
    L-inf: 1, a pixel cannot move further than from black to white)."""
    v.choice("norm", norm, NORMS)
    return _LIMIT[(_family(dataset), norm)]


def fit_eps(*, dataset: str, norm: str, eps_max: float, eps: float) -> tuple[float, float]:
    """``(eps_max, eps)`` pulled into ``dataset``'s range: the curves' range at
    most :func:`eps_limit`, the budget read off at most the range."""
    top = min(float(eps_max), eps_limit(dataset=dataset, norm=norm))
    return top, min(float(eps), top)


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


def shape_text(s: Shape, curves: CurveSet, *, d: int, tr: Callable[..., str]) -> str:
    """The explanation of ``s`` (found in ``curves``, data of ``d`` features)
    in the language of ``tr`` (``tr(key, **fmt)``, e.g. a page's translator)."""
    key = "rb_shape_rebound_fgsm" if (s.kind, s.attack) == ("rebound", "fgsm") else f"rb_shape_{s.kind}"
    named = s.other if s.kind == "noise_flat" else s.attack  # flat noise names the attack it is compared with
    return tr(key, attack=tr(f"attack_{named}"), other=tr(f"attack_{s.other}") if s.other else "", eps=s.eps,
              v=s.value, v2=s.value_from, e0=s.eps_from, v0=s.value_from, e1=s.eps, v1=s.value,
              clean=curves.clean_accuracy, noise=s.value, best=s.value_from, d=d, sqrt=math.sqrt(d))


def _attack_curves(curves: CurveSet) -> list[tuple[str, np.ndarray]]:
    """(attack, accuracy curve) for every gradient attack (the shapes' explanations speak of gradient steps)."""
    return [(a, curves.curve(a)) for a in curves.attacks if _white_box(a)]


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


# ------------------------------------------------------------------ cells ---

def cell_configs(values: Mapping, attacks: Sequence[str], *, eps_values, norm: str = "linf") -> list[AttackConfig]:
    """One setting per (attack, epsilon), attack by attack: the cells of a
    sweep. Each attack's own parameters are read from ``values`` under
    ``<attack>_<name>`` (a page's URL names, e.g. ``pgd_steps``)."""
    out = []
    for a in attacks:
        params = tuple(sorted((p.name, values[f"{a}_{p.name}"]) for p in ATTACKS[a].params))
        out += [AttackConfig(a, None if e is None else float(e), norm, params=params) for e in eps_values]
    return out


def curve_set(cells: Sequence[Cell], *, eps_values, norm: str = "linf", n_points: int = 0,
              n_classes: int = 2) -> CurveSet:
    """The curves of ``cells`` in :func:`cell_configs`' order (attack by attack, every epsilon)."""
    eps = np.asarray(eps_values, np.float64)
    attacks = tuple(dict.fromkeys(c.attack for c in cells))
    if len(cells) != len(attacks) * len(eps):
        raise ValueError(f"cells must hold one cell per attack and epsilon: {len(attacks)} x {len(eps)}, "
                         f"got {len(cells)}")
    grid = {(c.attack, i % len(eps)): c for i, c in enumerate(cells)}
    return CurveSet.from_cells(eps, attacks, grid, norm=norm, n_points=n_points, n_classes=n_classes)


# ------------------------------------------------------- the table's ε ---
# Moving the table's epsilon reads each attack's cell off one batched run over
# the slider's values (:func:`~advlab.evaluation.eps_sweep`), not one run per move.

def table_step(eps_max: float) -> float:
    """The step of the table's epsilon slider, which runs from 0 to ``eps_max``."""
    return 0.005 if eps_max <= 0.5 else 0.01


def table_block(eps: float, *, eps_max: float, n_points: int, n_features: int = 2) -> tuple[float, ...]:
    """The budgets swept at once for the table at ``eps``: the block of the
    slider's values (0 to ``eps_max`` by :func:`table_step`, through ``eps``
    when a link put it between two steps) that holds it
    (:func:`~advlab.evaluation.eps_block`)."""
    step = table_step(eps_max)
    phase = round(math.fmod(float(eps), step), 6)
    phase = 0.0 if phase >= step - 1e-6 else phase
    grid = eps_steps(phase, max(phase, float(eps_max)), step)
    return eps_block(grid, eps, n_points=n_points, n_features=n_features)


def table_blocks(eps: float, *, eps_max: float, n_points: int, n_features: int = 2) -> list[tuple[float, ...]]:
    """Every :func:`table_block` of the table slider's values: the one holding ``eps``
    first, then the others by their distance from it (what to prefetch first)."""
    step = table_step(eps_max)
    phase = round(math.fmod(float(eps), step), 6)
    phase = 0.0 if phase >= step - 1e-6 else phase
    grid = eps_steps(phase, max(phase, float(eps_max)), step)
    return eps_blocks(grid, eps, n_points=n_points, n_features=n_features)


def table_items(model, key, x, y, cfgs: Sequence[AttackConfig], *, eps: float, eps_max: float, clip=None,
                seed: int = 0, tr: Callable[..., str]) -> tuple[list[tuple], list[AttackConfig], Callable]:
    """``(items, others, text)`` for the table at ``eps``: a ``(key, compute)``
    sweep of every budget of its :func:`table_block` (cells kept) for each
    setting in ``cfgs`` whose attack can be swept
    (:data:`~advlab.attacks.gradient.SWEPT`), keyed by ``key`` (the model and
    points), the setting without its epsilon, the block, ``clip`` and
    ``seed``; the settings that run one budget at a time; and the progress
    label ``text(done, total, i)`` of the sweeps (messages from ``tr``)."""
    clip = None if clip is None else tuple(clip)
    block = table_block(eps, eps_max=eps_max, n_points=len(x), n_features=np.shape(x)[1])
    swept = [c for c in cfgs if c.attack in SWEPT]
    items = [(("rb-sweep", key, c.attack, c.norm, c.params, block, clip, int(seed)), partial(
        eps_sweep, model, x, y, attack=c.attack, eps_values=block, norm=c.norm, clip=clip, seed=seed,
        params=dict(c.params), cells=True)) for c in swept]

    def text(done: int, total: int, i: int | None) -> str:
        return tr("rb_sweep_now", attack=tr(f"attack_{swept[i or 0].attack}"), lo=f"{block[0]:g}",
                  hi=f"{block[-1]:g}", done=done, total=total)

    return items, [c for c in cfgs if c.attack not in SWEPT], text


def table_cells(cfgs: Sequence[AttackConfig], eps: float, sweeps: Sequence, others: Sequence[Cell]) -> list[Cell]:
    """The table's cells in the order of ``cfgs``: read off ``sweeps`` (one
    per swept setting, in order) at ``eps``, or taken from ``others``."""
    sweeps, others = iter(sweeps), iter(others)
    return [next(sweeps).cell_at(eps) if c.attack in SWEPT else next(others) for c in cfgs]


@dataclass(frozen=True)
class BudgetNote:
    """Why attacks spent less than their budget: ``"saturated"`` (``attacks[0]``
    left a share ``value`` of the points it should move exactly where they
    were: no gradient), ``"under_budget"`` (iterative ``attacks`` stopped
    early, a share up to ``value`` of the points below the budget) or
    ``"clipped"`` (the input box kept ``attacks[0]`` to ``value`` changed
    features on average)."""

    kind: str
    attacks: tuple[str, ...]
    value: float


def table_row(cell: Cell) -> dict[str, float]:
    """A cell as a table row: accuracy and success rate in percent, then the
    mean L-inf, L2 and L0 sizes of the perturbations."""
    return {"acc": 100 * cell.accuracy, "success": 100 * cell.success_rate, "linf": cell.linf, "l2": cell.l2,
            "l0": cell.l0}


def budget_notes(cells: Sequence[Cell], *, clipped: bool = False) -> list[BudgetNote]:
    """The notes one budget's ``cells`` call for (see :class:`BudgetNote`);
    ``clipped``: the data live in a box (pixels)."""
    grad = [c for c in cells if _white_box(c.attack)]
    out = []
    stuck = [c for c in grad if c.unmoved > 0]
    if stuck:
        # FGSM shows it purest: it moves every point it has a direction for
        c = next((c for c in stuck if c.attack == "fgsm"), max(stuck, key=lambda c: c.unmoved))
        out.append(BudgetNote("saturated", (c.attack,), c.unmoved))
    early = [c for c in grad if c.attack in _ITERATIVE and c.under >= 0.05]
    if early:
        out.append(BudgetNote("under_budget", tuple(c.attack for c in early), max(c.under for c in early)))
    boxed = [c for c in grad if clipped and c.l0 < 0.9 * c.n_features]
    if boxed:
        # FGSM again: a full step on every pixel, so only the box keeps a pixel still
        c = next((c for c in boxed if c.attack == "fgsm"), min(boxed, key=lambda c: c.l0))
        out.append(BudgetNote("clipped", (c.attack,), c.l0))
    return out


# ---------------------------------------------------- minimal perturbations ---
# Per point, the L2 size of the smallest flipping change DeepFool and C&W find
# (:func:`advlab.evaluation.minimal_distances`; nan where the model is wrong).

@dataclass(frozen=True)
class Distances:
    """The minimal perturbations of the points the model classifies correctly.

    ``distances``: per method, those points' sizes (``inf``: nothing found);
    ``correct``: which of all the points they are; ``median``: per method,
    over the points it flipped (nan: none); ``ratio``: the median of C&W's
    size over DeepFool's where both flipped; ``within``: the share C&W flips
    within the marked budget (None without one); ``failed``: per method, the
    points it could not flip."""

    distances: dict[str, np.ndarray]
    correct: np.ndarray
    median: dict[str, float]
    ratio: float
    within: float | None
    failed: dict[str, int]


def summarize_distances(distances: Mapping[str, np.ndarray], *, mark: float | None = None) -> Distances:
    """Read the minimal perturbations ``distances`` (one array per method of
    :data:`MIN_METHODS`, nan where the model is already wrong)."""
    correct = ~np.isnan(distances["deepfool"])
    ok = {a: np.asarray(d)[correct] for a, d in distances.items()}
    median = {}
    for a, d in ok.items():
        fin = d[np.isfinite(d)]
        median[a] = float(np.median(fin)) if fin.size else float("nan")
    df, cw = ok["deepfool"], ok["cw"]
    both = np.isfinite(cw) & np.isfinite(df) & (df > 0)
    ratio = float(np.median(cw[both] / df[both])) if both.any() else float("nan")
    within = float(flip_fraction(cw, [mark])[0]) if mark is not None else None
    failed = {a: int(np.sum(~np.isfinite(d))) for a, d in ok.items()}
    return Distances(ok, correct, median, ratio, within, failed)


def distance_metrics(s: Distances, *, mark: float | None, tr: Callable[..., str]) -> list[tuple[str, str, str]]:
    """``(label, value, help)`` of the four numbers that sum up ``s`` in the
    language of ``tr``: each method's median, C&W's size over DeepFool's, and
    the share C&W flips within the marked budget (without one: how many
    points were measured)."""
    def size(x: float, fmt: str) -> str:
        return f"{x:{fmt}}" if math.isfinite(x) else "—"

    out = [(tr("rb_min_median", method=tr(f"attack_{a}")), size(s.median[a], ".3f"), tr("rb_min_median_help"))
           for a in MIN_METHODS]
    out.append((tr("rb_min_ratio"), size(s.ratio, ".2f") + "×" * math.isfinite(s.ratio), tr("rb_min_ratio_help")))
    if mark is not None:
        out.append((tr("rb_min_within", eps=mark), f"{s.within:.0%}", tr("rb_min_within_help")))
    else:
        out.append((tr("rb_min_correct"), f"{s.correct.sum()} / {len(s.correct)}", tr("rb_min_correct_help")))
    return out


def distance_rows(y, distances: Mapping[str, np.ndarray]) -> list[dict]:
    """One CSV row per point: its class, whether the model got it right, and
    each method's size (empty where the model was already wrong)."""
    def num(d):
        return "" if np.isnan(d) else float(d)

    df, cw = distances["deepfool"], distances["cw"]
    return [{"point": i, "true_class": int(y[i]), "correct": bool(not np.isnan(df[i])), "deepfool_l2": num(df[i]),
             "cw_l2": num(cw[i])} for i in range(len(y))]


# ------------------------------------------------------------- black box ---

def within_cells(result: AttackResult, eps_values, *, norm: str = "l2") -> list[Cell]:
    """The cells of an attack without an epsilon (HopSkipJump) along
    ``eps_values``: at each budget the adversary keeps only the changes it
    found that fit, measured in ``norm`` (see
    :func:`~advlab.evaluation.accuracy_within`); the sizes are the means of
    the changes kept (0 where none fits)."""
    eps = np.asarray(eps_values, np.float64)
    acc = accuracy_within(result, eps, norm=norm)
    size = result.linf if norm == "linf" else result.l2
    ok = result.pred_clean == result.y
    out = []
    for e, a in zip(eps, acc, strict=True):
        kept = result.success & (size <= e * (1 + 1e-5) + 1e-7)
        out.append(Cell(result.attack, float(e), float(a), float(np.mean(kept[ok])) if ok.any() else 0.0,
                        float(np.mean(result.linf * kept)), float(np.mean(result.l2 * kept)),
                        float(np.mean(result.l0 * kept)), int(result.x.shape[1])))
    return out


def black_box_configs(values: Mapping, *, eps: float, norm: str = "linf") -> list[AttackConfig]:
    """The runs behind the questions asked at the budget ``eps``: Square and
    PGD (the white-box reference) at ``eps`` in ``norm``, and HopSkipJump,
    which has no budget (L2); parameters read from ``values`` as in
    :func:`cell_configs`."""
    return (cell_configs(values, ("square", "pgd"), eps_values=[eps], norm=norm)
            + cell_configs(values, ("hopskipjump",), eps_values=[None], norm="l2"))


@dataclass(frozen=True)
class QueryCurves:
    """How success grew with the questions asked, at one budget ``eps`` in ``norm``.

    ``success``: per attack with a query trace, (mean queries per point, share
    of the correctly classified points fooled within ``eps``) as it went on;
    ``reference``: per attack without one (a white-box attack), its (mean
    queries, success rate); ``distance``: HopSkipJump's (mean queries, median
    L2 of its fooling points), which shrinks as it asks; ``minimal``: the
    median smallest L2 change a white-box method (DeepFool) found on the same
    points, for comparison (None: not known)."""

    eps: float
    norm: str
    success: dict[str, tuple[np.ndarray, np.ndarray]]
    reference: dict[str, tuple[float, float]]
    distance: tuple[np.ndarray, np.ndarray] | None = None
    minimal: float | None = None


def query_curves(results: Mapping[str, AttackResult], *, eps: float, norm: str = "linf",
                 minimal=None) -> QueryCurves:
    """:class:`QueryCurves` of ``results`` (attack -> its result on the same
    points); ``minimal``: per point, the smallest L2 change a white-box
    method found (:func:`~advlab.evaluation.minimal_distances`; nan and inf
    left out). An attack traced in another norm than ``norm`` (HopSkipJump in
    L2 on an L-inf page) has no success curve at ``eps``: its size says
    nothing about that budget; its distance curve is kept."""
    v.choice("norm", norm, NORMS)
    found = np.asarray([] if minimal is None else minimal, np.float64)
    found = found[np.isfinite(found)]
    success, reference, distance = {}, {}, None
    for name, r in results.items():
        ok = r.pred_clean == r.y
        if r.trace is None:
            reference[name] = (r.mean_queries, r.success_rate)
            continue
        q = r.trace.mean_queries()
        if r.trace.norm == norm:
            success[name] = (q, r.trace.success_within(eps, ok))
        if ATTACKS[name].knows == "labels":
            distance = (q, r.trace.median_distance(ok))
    return QueryCurves(float(eps), norm, success, reference, distance,
                       float(np.median(found)) if found.size else None)
