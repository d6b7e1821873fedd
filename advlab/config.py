"""Typed lesson settings: the spine every page, cache and core call shares.

Each config is a frozen dataclass, and one object is at once

* the **URL format**: its field names are the link's parameter names, and
  :meth:`Config.fields` gives the :class:`~advlab.state.Field` specs that
  parse them (a bad value falls back to the default with a note), so an old
  link keeps opening the same view;
* the **cache key**: hashable, compared by named fields, never by position;
  :meth:`canonical` folds settings that cannot change the result (the number
  of blobs of a two-class dataset) so equal lessons share one model;
* the **arguments** of the core: :meth:`DataConfig.load`,
  :meth:`NetConfig.fit_kwargs`, :meth:`AttackConfig.run_kwargs`.

A page composes the configs it needs (data, network, attack) with a few
view-only fields of its own (the chosen point, a toggle).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .state import Field

__all__ = ["AttackConfig", "Config", "DataConfig", "NetConfig", "spec"]

# learning rates and batch sizes are offered as a ladder of choices (the URL
# carries the choice's text, as links always have)
LRS = ("0.0001", "0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10")
BATCHES = ("8", "16", "32", "64", "128")
L2S = ("0", "0.0001", "0.001", "0.01", "0.1")


def spec(default, *, lo=None, hi=None, choices: tuple = (), ladder: tuple = ()):
    """A config field: default and allowed values. ``ladder`` is a tuple of
    number texts the URL (and a select slider) uses for a numeric value."""
    return field(default=default, metadata={"lo": lo, "hi": hi, "choices": choices, "ladder": ladder})


def _ladder_text(ladder: tuple, value) -> str:
    for text in ladder:
        if float(text) == float(value):
            return text
    raise ValueError(f"{value!r} is not one of {', '.join(ladder)}")


class Config:
    """Shared behaviour of the frozen config dataclasses."""

    url_names: ClassVar[tuple[str, ...]] = ()  # every field by default

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return cls.url_names or tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def fields(cls, **defaults) -> list[Field]:
        """The URL/state fields of this config (``defaults`` override a page's
        starting values; ``<name>_choices`` narrows a choice field)."""
        out = []
        for f in dataclasses.fields(cls):
            if f.name not in cls._names():
                continue
            m = f.metadata
            default = defaults.get(f.name, f.default)
            choices = defaults.get(f"{f.name}_choices", m.get("choices", ()))
            if m.get("ladder"):
                out.append(Field(f.name, _ladder_text(m["ladder"], default), "choice", choices=m["ladder"]))
            elif choices:
                out.append(Field(f.name, default, "choice", choices=tuple(choices)))
            elif isinstance(f.default, bool):
                out.append(Field(f.name, bool(default), "bool"))
            elif isinstance(f.default, int):
                out.append(Field(f.name, int(default), "int", m.get("lo"), m.get("hi")))
            else:
                out.append(Field(f.name, float(default), "float", m.get("lo"), m.get("hi")))
        return out

    @classmethod
    def from_values(cls, values: Mapping[str, Any], **fixed):
        """The config of a page's current values (widget or URL values: ladder
        texts become numbers); ``fixed`` sets fields the page does not expose."""
        kw = {}
        for f in dataclasses.fields(cls):
            if f.name in fixed:
                kw[f.name] = fixed[f.name]
            elif f.name in values and f.name in cls._names():
                kw[f.name] = _coerce(f, values[f.name])
        return cls(**kw)

    def to_values(self) -> dict[str, Any]:
        """The page values (URL texts for ladder fields) of this config."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name not in self._names():
                continue
            val = getattr(self, f.name)
            out[f.name] = _ladder_text(f.metadata["ladder"], val) if f.metadata.get("ladder") else val
        return out

    def canonical(self):
        return self


def _coerce(f: dataclasses.Field, raw):
    if isinstance(f.default, bool):
        return bool(raw)
    if isinstance(f.default, int):
        return int(raw)
    if isinstance(f.default, float):
        return round(float(raw), 6)
    if isinstance(f.default, tuple):
        return tuple(raw)
    return raw


# ------------------------------------------------------------------- data ---

@dataclass(frozen=True)
class DataConfig(Config):
    """A generated 2-D dataset (see :mod:`advlab.data`), or ``blog``/``digits``."""

    dataset: str = spec("moons", choices=("moons", "circles", "blobs", "xor", "spiral", "linear"))
    noise: float = spec(0.2, lo=0.0, hi=1.0)
    n: int = spec(400, lo=50, hi=2000)
    classes: int = spec(3, lo=2, hi=5)
    dseed: int = spec(0, lo=0, hi=9999)

    def canonical(self) -> DataConfig:
        """Equal data, equal config: only blobs read ``classes``; the fixed
        data sets read nothing but the digits' split seed."""
        if self.dataset == "blog":
            return DataConfig("blog", 0.0, 0, 2, 0)
        if self.dataset == "digits":
            return DataConfig("digits", 0.0, 0, 10, self.dseed)
        return dataclasses.replace(self, noise=round(float(self.noise), 4),
                                   classes=self.classes if self.dataset == "blobs" else 2)

    def load(self):
        from . import data

        c = self.canonical()
        if c.dataset == "blog":
            return data.blog_data()
        if c.dataset == "digits":
            return data.digits_data(seed=c.dseed)
        return data.load(c.dataset, n_samples=c.n, noise=c.noise, seed=c.dseed, n_classes=c.classes)


# ---------------------------------------------------------------- network ---

@dataclass(frozen=True)
class NetConfig(Config):
    """An MLP and its training: ``layers`` hidden layers of ``width`` units."""

    layers: int = spec(2, lo=1, hi=4)
    width: int = spec(32, lo=2, hi=128)
    act: str = spec("relu", choices=("relu", "tanh", "sigmoid"))
    epochs: int = spec(100, lo=1, hi=500)
    lr: float = spec(0.01, ladder=LRS)
    batch: int = spec(32, ladder=BATCHES)
    l2: float = spec(0.0, ladder=L2S)
    seed: int = spec(0, lo=0, hi=9999)

    @property
    def hidden(self) -> tuple[int, ...]:
        return (int(self.width),) * int(self.layers)

    def fit_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.models.fit_mlp`."""
        kw = dict(hidden=self.hidden, activation=self.act, epochs=int(self.epochs), batch_size=int(self.batch),
                  lr=float(self.lr), seed=int(self.seed))
        if self.l2:
            kw["l2"] = float(self.l2)
        return kw


# ----------------------------------------------------------------- attack ---

@dataclass(frozen=True)
class AttackConfig(Config):
    """One attack run: which attack, its budget and norm, targeting, and the
    attack's own parameters as sorted ``(name, value)`` pairs."""

    attack: str = "pgd"
    eps: float | None = 0.25
    norm: str = "linf"
    targeted: bool = False
    target: int = 0
    params: tuple = ()

    def run_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.attacks.run_attack` (after the model and data)."""
        return dict(eps=self.eps, norm=self.norm, targeted=self.targeted,
                    target=self.target if self.targeted else None, **dict(self.params))


# ------------------------------------------------- page-specific networks ---
# Two lessons name their network in their own words (the Digits page a single
# hidden width, the Seed Lab two widths). Their configs keep those URL names and
# stand in for NetConfig wherever a network is trained: ``epochs`` and
# ``fit_kwargs()`` are all :func:`advlab.ui.lessons.trained` reads.

DIGIT_WIDTHS = ("32", "64", "128", "256")
SEED_WIDTHS = ("4", "8", "16", "32", "64", "128", "256")


@dataclass(frozen=True)
class DigitsNetConfig(Config):
    """The Digits page's network: one hidden ReLU layer of ``hidden`` units,
    Adam at 0.001 in batches of 32."""

    hidden: int = spec(64, ladder=DIGIT_WIDTHS)
    epochs: int = spec(30, lo=5, hi=200)
    seed: int = spec(0, lo=0, hi=9999)

    def fit_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.models.fit_mlp`."""
        return dict(hidden=(int(self.hidden),), activation="relu", epochs=int(self.epochs), batch_size=32, lr=1e-3,
                    seed=int(self.seed))


@dataclass(frozen=True)
class SeedNetConfig(Config):
    """The Seed Lab's network, the seed blog's by default: ``w1`` then ``w2``
    ReLU units (``w2 = 0``: one hidden layer), one logit, Adam at Keras'
    default 0.001 in batches of 32, ``epochs`` epochs."""

    epochs: int = spec(10, lo=1, hi=200)
    w1: int = spec(64, ladder=SEED_WIDTHS)
    w2: int = spec(32, ladder=("0",) + SEED_WIDTHS)
    seed: int = spec(0, lo=0, hi=9999)
    batch: ClassVar[int] = 32
    lr: ClassVar[float] = 1e-3

    @property
    def hidden(self) -> tuple[int, ...]:
        return (int(self.w1),) if int(self.w2) == 0 else (int(self.w1), int(self.w2))

    def fit_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.models.fit_mlp`."""
        return dict(hidden=self.hidden, activation="relu", epochs=int(self.epochs), batch_size=self.batch,
                    lr=self.lr, seed=int(self.seed))

    def is_blog(self) -> bool:
        """Whether this is the blog's own network (architecture, epochs and seed)."""
        return self == SeedNetConfig()


# ------------------------------------------------------ defenses, transfer ---
# The Defenses and Transferability pages add their own settings to the data
# and network configs, under the URL names their links have always used.

DEFENSE_METHODS = ("fgsm", "pgd")  # advlab.defenses.METHODS
TEMPERATURES = ("1", "10", "100", "1000", "10000", "100000")


@dataclass(frozen=True)
class AdvTrainConfig(Config):
    """Adversarial training (:func:`advlab.defenses.adversarial_train`): FGSM or
    PGD-``steps`` examples of L-inf size ``teps`` replace a share ``ratio`` of
    every mini-batch."""

    method: str = spec("pgd", choices=DEFENSE_METHODS)
    teps: float = spec(0.4, lo=0.0, hi=1.0)
    ratio: float = spec(0.5, lo=0.0, hi=1.0)
    steps: int = spec(7, lo=1, hi=20)

    @property
    def standard(self) -> bool:
        """Nothing adversarial to train on: this is standard training."""
        return round(float(self.teps), 4) == 0 or round(float(self.ratio), 4) == 0

    def canonical(self) -> AdvTrainConfig:
        """Equal training, equal config: FGSM takes one step whatever ``steps``
        says, and every config that trains on nothing adversarial is standard
        training (``eps=0`` and ``ratio=0`` give exactly the standard model)."""
        if self.standard:
            return AdvTrainConfig("pgd", 0.0, 0.0, 1)
        return dataclasses.replace(self, teps=round(float(self.teps), 4), ratio=round(float(self.ratio), 4),
                                   steps=int(self.steps) if self.method == "pgd" else 1)

    def train_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.defenses.adversarial_train` (besides the network's and ``clip``)."""
        return dict(method=self.method, eps=float(self.teps), ratio=float(self.ratio), steps=int(self.steps))


@dataclass(frozen=True)
class DefenseViewConfig(Config):
    """What the Defenses page measures: PGD at ``eval_eps``, curves up to
    ``emax``, the trade-off ``sweep`` (on or off), and the masked model
    (logits times ``temp``) attacked through examples made on the ``source``
    (the ``same`` standard network, or an ``other`` one)."""

    eval_eps: float = spec(0.4, lo=0.0, hi=1.0)
    emax: float = spec(0.6, lo=0.1, hi=1.0)
    sweep: bool = True
    temp: float = spec(10000.0, ladder=TEMPERATURES)
    source: str = spec("same", choices=("same", "other"))

    def curve_max(self, teps: float) -> float:
        """The charts reach the largest ε chosen, so the marked training and
        evaluation ε are always on them. Past ``emax`` they reach the next tenth:
        the curves are computed anew for every reach, so moving the evaluation ε
        beyond ``emax`` step by step extends them once every ten steps."""
        hi = max(float(teps), float(self.eval_eps))
        if hi <= float(self.emax):
            return float(self.emax)
        return max(float(self.emax), math.ceil(round(hi * 10, 9)) / 10)


@dataclass(frozen=True)
class TargetConfig(Config):
    """The Transferability page's targets (:func:`advlab.transfer.train_target`):
    the surrogate's network with another seed (``tseed``) or width
    (``twidth``), and k-NN with ``knn_k`` neighbours."""

    tseed: int = spec(1, lo=0, hi=9999)
    twidth: int = spec(128, lo=2, hi=256)
    knn_k: int = spec(5, lo=1, hi=50)

    def own(self, name: str) -> int | None:
        """The one setting of this config target ``name`` reads (None: none)."""
        return {"mlp_seed": self.tseed, "mlp_width": self.twidth, "knn": self.knn_k}.get(name)

    def train_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.transfer.train_target` (besides the network's)."""
        return dict(other_seed=int(self.tseed), other_width=int(self.twidth), knn_k=int(self.knn_k))


# ------------------------------------------------------------- robustness ---
# The Robustness page's links name any dataset (the 2-D sets by their number
# of points), a funnel network, and what is measured, in words of their own.

ROBUST_DATASETS = ("moons", "circles", "blobs", "xor", "spiral", "linear", "blog", "digits")  # advlab.data.ALL


@dataclass(frozen=True)
class RobustDataConfig(Config):
    """The Robustness page's data: a 2-D set of ``n`` points at its own
    noise (blobs with 3 classes), or the fixed blog and digits data."""

    dataset: str = spec("blog", choices=ROBUST_DATASETS)
    n: int = spec(1000, lo=100, hi=3000)

    def data(self) -> DataConfig:
        """The :class:`DataConfig` these settings load."""
        from .data import DATASETS

        if self.dataset in DATASETS:
            return DataConfig(self.dataset, DATASETS[self.dataset][1], int(self.n), 3, 0).canonical()
        return DataConfig(self.dataset).canonical()


@dataclass(frozen=True)
class RobustNetConfig(Config):
    """The Robustness page's network: a ReLU funnel of ``layers`` layers,
    ``width`` units and half as many per further layer (64-32 is the blog's),
    Adam at ``lr`` (not in the link: it follows the dataset) in batches of 32."""

    url_names: ClassVar[tuple[str, ...]] = ("layers", "width", "epochs", "seed")

    layers: int = spec(2, lo=1, hi=4)
    width: int = spec(64, lo=4, hi=256)
    epochs: int = spec(10, lo=1, hi=500)
    seed: int = spec(0, lo=0, hi=9999)
    lr: float = 1e-3

    @property
    def hidden(self) -> tuple[int, ...]:
        from .robustness import hidden_layers

        return hidden_layers(width=int(self.width), layers=int(self.layers))

    def fit_kwargs(self) -> dict:
        """Keyword arguments of :func:`advlab.models.fit_mlp`."""
        return dict(hidden=self.hidden, epochs=int(self.epochs), lr=float(self.lr), seed=int(self.seed))


@dataclass(frozen=True)
class CurveConfig(Config):
    """What the Robustness page measures and shows: the first ``points`` test
    points, attacked in ``norm`` at ``n_eps`` budgets from 0 to ``eps_max`` by
    each ticked attack (``a_<attack>``); the curves show accuracy or success
    rate (``show``), the table reads off the budget ``eps``."""

    points: int = spec(200, lo=20, hi=500)
    norm: str = spec("linf", choices=("linf", "l2"))
    eps_max: float = spec(1.0, lo=0.05, hi=10.0)
    n_eps: int = spec(20, lo=5, hi=40)
    eps: float = spec(0.3, lo=0.0, hi=10.0)
    show: str = spec("accuracy", choices=("accuracy", "success"))
    # one per attack of advlab.evaluation.CURVE_ATTACKS, weakest idea first
    a_noise: bool = True
    a_fgsm: bool = True
    a_bim: bool = True
    a_pgd: bool = True
    a_mim: bool = True

    @property
    def attacks(self) -> tuple[str, ...]:
        """The ticked attacks, weakest idea first."""
        return tuple(f.name[2:] for f in dataclasses.fields(self) if f.name.startswith("a_") and getattr(self, f.name))

    def eps_values(self):
        """The budgets of the curves, 0 included (:func:`advlab.evaluation.eps_grid`)."""
        from .evaluation import eps_grid

        return eps_grid(eps_max=float(self.eps_max), n=int(self.n_eps))
