"""The attack registry: one line per attack, and one function that runs any of them.

Pages build their controls from :data:`ATTACKS` (each parameter's range and
default become a slider), so adding an attack is one module and one entry here.
Each entry also says what the attacker needs to know about the model
(:data:`KNOWS`), so a page can put the threat models side by side, and
:func:`run_attack` reports how many questions each attack asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import _validate as v
from ..numerics import norms
from . import _engine as E
from .advgan import advgan
from .cw import cw_l2
from .deepfool import deepfool
from .gradient import bim, fgsm, mim, pgd
from .hopskipjump import hopskipjump
from .jsma import jsma
from .noise import noise
from .square import square
from .universal import universal


@dataclass(frozen=True)
class Param:
    """One tunable parameter: a slider's range, default and step."""

    name: str
    lo: float
    hi: float
    default: float
    step: float
    integer: bool = False
    log: bool = False


# What an attacker needs from the model (the threat model), for "what the attacker knows":
#   nothing   - never asks the model (random noise)
#   gradients - white-box: the loss gradient or the Jacobian (backward passes)
#   scores    - black-box with the model's output scores (logits), no gradients
#   labels    - black-box with the predicted label only (decision-based)
#   generator - a generator trained once against the model; attacking asks the model nothing
KNOWS = ("nothing", "gradients", "scores", "labels", "generator")


@dataclass(frozen=True)
class AttackSpec:
    """One registered attack.

    ``norms``: the sizes it bounds or minimizes (``"l0"``: features changed).
    ``uses_eps``: it takes an epsilon budget. ``targeted``: it has a targeted
    version. ``iterative``: it can return its path (``return_path``).
    ``seeded``: its result depends on ``seed``. ``knows``: one of
    :data:`KNOWS`. ``trains``: it first trains something against the model
    (AdvGAN's generator), with a per-epoch progress callback ``on_epoch``.
    ``options``: keyword arguments beyond the sliders that :func:`run_attack`
    passes through (a trained generator, a fitted perturbation, a callback).
    """

    key: str
    fn: Callable
    display: str
    norms: tuple[str, ...]
    params: tuple[Param, ...]
    paper: str
    url: str
    uses_eps: bool = True
    targeted: bool = False
    iterative: bool = False
    seeded: bool = False
    knows: str = "gradients"
    trains: bool = False
    options: tuple[str, ...] = ()


EPS = Param("eps", 0.0, 1.0, 0.25, 0.01)
# every size an attack may be measured in: the epsilon norms and L0 (features changed)
ALL_NORMS = (*E.NORMS, "l0")

ATTACKS: dict[str, AttackSpec] = {
    "noise": AttackSpec("noise", noise, "Random noise", ("linf", "l2"), (), "Baseline (no gradient)",
                        "https://arxiv.org/abs/1608.08967", seeded=True, knows="nothing"),
    "fgsm": AttackSpec("fgsm", fgsm, "FGSM / FGM", ("linf", "l2"), (), "Goodfellow et al. 2015",
                       "https://arxiv.org/abs/1412.6572", targeted=True),
    "bim": AttackSpec("bim", bim, "BIM (I-FGSM)", ("linf", "l2"),
                      (Param("steps", 1, 100, 10, 1, integer=True),), "Kurakin et al. 2017",
                      "https://arxiv.org/abs/1607.02533", targeted=True, iterative=True),
    "pgd": AttackSpec("pgd", pgd, "PGD", ("linf", "l2"),
                      (Param("steps", 1, 200, 40, 1, integer=True),
                       Param("restarts", 1, 10, 1, 1, integer=True)),
                      "Madry et al. 2018", "https://arxiv.org/abs/1706.06083",
                      targeted=True, iterative=True, seeded=True),
    "mim": AttackSpec("mim", mim, "MI-FGSM (momentum)", ("linf", "l2"),
                      (Param("steps", 1, 100, 10, 1, integer=True), Param("decay", 0.0, 2.0, 1.0, 0.1)),
                      "Dong et al. 2018", "https://arxiv.org/abs/1710.06081", targeted=True, iterative=True),
    "deepfool": AttackSpec("deepfool", deepfool, "DeepFool", ("l2",),
                           (Param("steps", 1, 100, 50, 1, integer=True),
                            Param("overshoot", 0.0, 0.5, 0.02, 0.01)),
                           "Moosavi-Dezfooli et al. 2016", "https://arxiv.org/abs/1511.04599", uses_eps=False),
    "cw": AttackSpec("cw", cw_l2, "Carlini-Wagner L2", ("l2",),
                     (Param("c", 0.01, 100.0, 1.0, 0.01, log=True), Param("kappa", 0.0, 5.0, 0.0, 0.1),
                      Param("steps", 10, 500, 100, 10, integer=True),
                      Param("binary_steps", 1, 12, 8, 1, integer=True)),
                     "Carlini & Wagner 2017", "https://arxiv.org/abs/1608.04644", uses_eps=False, targeted=True),
    "advgan": AttackSpec("advgan", advgan, "AdvGAN", ("linf", "l2"),
                         (Param("epochs", 5, 300, 40, 5, integer=True),),
                         "Xiao et al. 2018", "https://arxiv.org/abs/1801.02610", targeted=True, iterative=True,
                         seeded=True, knows="generator", trains=True, options=("generator", "on_epoch")),
    "universal": AttackSpec("universal", universal, "Universal perturbation", ("linf", "l2"),
                            (Param("passes", 1, 20, 5, 1, integer=True),),
                            "Moosavi-Dezfooli et al. 2017", "https://arxiv.org/abs/1610.08401", iterative=True,
                            options=("perturbation",)),
    "jsma": AttackSpec("jsma", jsma, "JSMA", ("l0",),
                       (Param("features", 1, 64, 10, 1, integer=True), Param("theta", 0.1, 2.0, 1.0, 0.1)),
                       "Papernot et al. 2016", "https://arxiv.org/abs/1511.07528", uses_eps=False, targeted=True,
                       iterative=True),
    "square": AttackSpec("square", square, "Square attack", ("linf", "l2"),
                         (Param("queries", 10, 5000, 1000, 10, integer=True),
                          Param("p_init", 0.01, 1.0, 0.3, 0.01)),
                         "Andriushchenko et al. 2020", "https://arxiv.org/abs/1912.00049",
                         targeted=True, iterative=True, seeded=True, knows="scores",
                         options=("image_shape", "on_progress")),
    "hopskipjump": AttackSpec("hopskipjump", hopskipjump, "HopSkipJump", ("l2",),
                              (Param("queries", 50, 5000, 1000, 50, integer=True),),
                              "Chen, Jordan & Wainwright 2020", "https://arxiv.org/abs/1904.02144", uses_eps=False,
                              targeted=True, iterative=True, seeded=True, knows="labels", options=("on_progress",)),
}


@dataclass
class AttackResult:
    """Adversarial points with their bookkeeping."""

    attack: str
    x: np.ndarray
    x_adv: np.ndarray
    y: np.ndarray
    pred_clean: np.ndarray
    pred_adv: np.ndarray
    success: np.ndarray  # per point: fooled (untargeted) or reached the target (targeted)
    linf: np.ndarray
    l2: np.ndarray
    l0: np.ndarray
    path: np.ndarray | None = None  # (steps + 1, N, D) for iterative attacks
    target: np.ndarray | None = None
    params: dict = field(default_factory=dict)
    seconds: float = 0.0
    # per point: model calls the attack made (forward + backward passes), and of
    # those the gradients (backward passes; 0 for score- and decision-based attacks)
    queries: np.ndarray | None = None
    grad_queries: np.ndarray | None = None
    trace: E.QueryTrace | None = None  # score/decision attacks: how the result improved with queries
    info: dict = field(default_factory=dict)  # attack-specific extras (e.g. the universal perturbation)

    @property
    def clean_accuracy(self) -> float:
        return float(np.mean(self.pred_clean == self.y))

    @property
    def adv_accuracy(self) -> float:
        return float(np.mean(self.pred_adv == self.y))

    @property
    def success_rate(self) -> float:
        """Share of correctly classified points the attack fooled (or sent to the target)."""
        ok = self.pred_clean == self.y
        return float(np.mean(self.success[ok])) if ok.any() else 0.0

    @property
    def mean_queries(self) -> float:
        """Model calls per point, on average."""
        return float(np.mean(self.queries)) if self.queries is not None and len(self.queries) else 0.0

    def query_curve(self) -> dict | None:
        """For attacks that record a :attr:`trace`: arrays of equal length for a
        chart against queries: ``queries`` (mean per point), ``accuracy`` (of
        all points), ``success`` (share of the correctly classified points
        fooled) and ``distance`` (median size of the fooling candidates, in
        ``trace.norm``). None for the others."""
        if self.trace is None:
            return None
        ok = self.pred_clean == self.y
        fooled = self.trace.fooled
        return {"queries": self.trace.mean_queries(), "accuracy": np.mean(ok[None, :] & ~fooled, axis=1),
                "success": self.trace.success_rate(ok), "distance": self.trace.median_distance(ok)}


def check_params(attack: str, params, *, where: str = "") -> dict:
    """``params`` as a dict, or a ValueError naming the first one ``attack``
    does not take (``where`` says how the caller names them, e.g. ``"params: "``)."""
    spec = ATTACKS[attack]
    params = dict(params or {})
    allowed = {p.name for p in spec.params}
    for k in params:
        if k not in allowed:
            raise ValueError(f"{where}{k!r} is not a parameter of {spec.display}; allowed: "
                             f"{', '.join(sorted(allowed)) or 'none'}")
    return params


def run_attack(name: str, model, x, y, *, eps: float | None = None, norm: str = "linf",
               targeted: bool = False, target=None, clip=None, seed: int = 0,
               return_path: bool = False, **params) -> AttackResult:
    """Run any registered attack by name and score it.

    ``params`` are the attack's own parameters (see ``ATTACKS[name].params``)
    and its ``options`` (objects such as a trained AdvGAN generator); unknown
    names raise ``ValueError``. A norm outside :data:`ALL_NORMS` raises; the
    attacks without an epsilon that measure one norm (DeepFool, C&W and
    HopSkipJump in L2, JSMA in L0) run in it whatever known norm is passed,
    and any other norm an attack lacks raises. For attacks without an epsilon
    ``eps`` is ignored. The result counts the model calls per point
    (``queries``, ``grad_queries``) and, for score- and decision-based
    attacks, how the result improved with them (``trace``).
    """
    v.choice("attack", name, ATTACKS)
    spec = ATTACKS[name]
    norm = _run_norm(spec, norm)
    params, kw = _call_arguments(spec, name, params, eps=eps, norm=norm, targeted=targeted, target=target,
                                 seed=seed, return_path=return_path)
    x = v.features("x", x)
    t0 = time.perf_counter()
    with E.count_queries() as log:
        out = spec.fn(model, x, y, clip=clip, **kw)
    seconds = time.perf_counter() - t0
    path = None
    if isinstance(out, tuple):
        out, path = out
    return _scored(name, model, x, y, out, path, log, targeted=targeted, target=target,
                   params={"eps": eps, "norm": norm, **params}, seconds=seconds)


def _run_norm(spec: AttackSpec, norm: str) -> str:
    """The norm ``spec``'s attack runs in when asked for ``norm``, or a ValueError."""
    # a known norm a single-norm attack without epsilon lacks falls back to its own
    # (pages pass one norm to every attack); a misspelt norm is an error for every attack
    v.choice("norm", norm, ALL_NORMS)
    if norm not in spec.norms:
        if len(spec.norms) == 1 and not spec.uses_eps:
            norm = spec.norms[0]
        else:
            raise ValueError(f"norm must be one of {', '.join(spec.norms)} for {spec.display}; got {norm!r}")
    return norm


def _call_arguments(spec: AttackSpec, name: str, params: dict, *, eps, norm, targeted, target, seed,
                    return_path) -> tuple[dict, dict]:
    """``(params, kw)``: the attack's own parameters (its options taken out),
    checked, and the keyword arguments of the call to ``spec.fn``."""
    params = dict(params)
    options = {k: params.pop(k) for k in spec.options if k in params}
    check_params(name, params)
    if targeted and not spec.targeted:
        raise ValueError(f"{spec.display} has no targeted version; targeted attacks: "
                         f"{', '.join(k for k, s in ATTACKS.items() if s.targeted)}")
    kw = dict(params, **options)
    if spec.uses_eps:
        if eps is None:
            raise ValueError(f"eps must be given for {spec.display}")
        kw["eps"] = eps
        kw["norm"] = norm
    if spec.targeted:
        kw["targeted"] = targeted
        kw["target"] = target
    if spec.seeded:
        kw["seed"] = seed
    if spec.iterative and return_path:
        kw["return_path"] = True
    return params, kw


def _scored(name: str, model, x, y, out, path, log: E.QueryLog, *, targeted, target, params: dict,
            seconds: float) -> AttackResult:
    """The adversarial points ``out`` with their predictions, success, sizes and query counts."""
    y = np.asarray(y).astype(np.int64)
    pred_clean = E.predict(model, x)
    pred_adv = E.predict(model, out)
    tgt = None
    if targeted:
        tgt = np.broadcast_to(np.asarray(target), y.shape).astype(np.int64)
        success = pred_adv == tgt
    else:
        success = pred_adv != y
    linf, l2, l0 = norms(out - x)
    zeros = np.zeros(len(x), np.int64)
    return AttackResult(attack=name, x=x, x_adv=out, y=y, pred_clean=pred_clean, pred_adv=pred_adv,
                        success=success, linf=linf, l2=l2, l0=l0, path=path, target=tgt,
                        params=params, seconds=seconds,
                        queries=zeros if log.queries is None else log.queries,
                        grad_queries=zeros if log.backward is None else log.backward.copy(),
                        trace=log.trace, info=dict(log.info))
