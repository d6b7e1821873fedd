"""The seed blog post's experiment, finished, and the tools to look inside it.

The blog trains a small MLP on 20-feature ``make_classification`` data and
leaves ``attack()`` as ``pass``. This module holds the blog's setting
(``BLOG_*``, the default :class:`~advlab.config.SeedNetConfig`), what its text
states (:data:`BLOG_FACTS`) and its mathematics (:data:`MATH`, as LaTeX),
:func:`blog_snippet` (the blog's code with ``attack()`` written: FGSM, epsilon
0.1, running against advlab), :func:`run_blog` to run it and read back what
it built, and :func:`run_snippet` to execute it or the code
:func:`advlab.export.seed_lab_code` generates; then the Seed Lab's epsilon
grid (:func:`eps_grid`), its curve of one attack config
(:func:`attack_curve`), the budget axis of an attack without an epsilon
(:func:`budget_range`), the gradient's share on the informative features
(:func:`informative_share`) and the gallery order (:func:`gallery_indices`).

The Seed Lab's views are defined by idea elsewhere and gathered here, so the
generated code and a notebook reach them in one place:
:func:`~advlab.evaluation.accuracy_curve` and
:func:`~advlab.evaluation.accuracy_within` (accuracy against the attack
budget, also for DeepFool and C&W), :func:`~advlab.projections.attack_slice`
(:func:`~advlab.projections.decision_slice` along
:func:`~advlab.projections.slice_direction`: the model on a plane along the
attack) and :func:`~advlab.projections.pca_projection`.

Nothing here imports streamlit.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from . import evaluation
from .config import AttackConfig, SeedNetConfig
from .evaluation import accuracy_curve, accuracy_within
from .i18n import LANGS, t
from .projections import (
    DecisionSlice,
    PCAProjection,
    attack_slice,
    decision_slice,
    pca_projection,
    project_pca,
    slice_direction,
    slice_plan,
)

__all__ = [
    "BLOG_BATCH",
    "BLOG_EPOCHS",
    "BLOG_EPS",
    "BLOG_FACTS",
    "BLOG_HIDDEN",
    "BLOG_LR",
    "BLOG_NET",
    "BLOG_SEED",
    "MATH",
    "BlogRun",
    "DecisionSlice",
    "PCAProjection",
    "SnippetRun",
    "accuracy_curve",
    "accuracy_within",
    "attack_curve",
    "attack_slice",
    "blog_snippet",
    "budget_range",
    "decision_slice",
    "eps_grid",
    "gallery_indices",
    "informative_share",
    "pca_basis",
    "pca_projection",
    "pca_view",
    "point_proba",
    "run_blog",
    "run_snippet",
    "slice_direction",
    "slice_plan",
]

# The blog's setting: Dense 64 relu, Dense 32 relu, one output; Adam (Keras'
# default learning rate), binary cross-entropy, 10 epochs of batches of 32. It
# is the default of the Seed Lab's network config, so a link and this module
# cannot disagree about it.
BLOG_NET = SeedNetConfig()
BLOG_HIDDEN = BLOG_NET.hidden
BLOG_EPOCHS = BLOG_NET.epochs
BLOG_BATCH = SeedNetConfig.batch
BLOG_LR = SeedNetConfig.lr
BLOG_SEED = BLOG_NET.seed
BLOG_EPS = 0.1

# ------------------------------------------------------------- snippets ---

_BLOG_TEMPLATE = '''\
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from advlab import attacks, models

# {c_data}
X, y = make_classification(n_samples=1000, n_features=20, n_informative=10,
                           n_redundant=10, random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    random_state=42)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_test = scaler.transform(X_test)

# {c_train}
# {c_logit}
model = models.train_mlp(X_train, y_train, hidden=(64, 32), activation="relu",
                         epochs=10, batch_size=32, lr=0.001, seed=0)

# {c_attack}
def attack(model, X, y, epsilon=0.1):
    # {c_grad}
    grad = attacks.loss_gradient(model, X, y)
    # {c_step}
    return X + epsilon * np.sign(grad)

# {c_adv}
X_adv = attack(model, X_test, y_test)

clean_acc = np.mean(attacks.predict(model, X_test) == y_test)
adv_acc = np.mean(attacks.predict(model, X_adv) == y_test)
print(f"{p_clean} {{clean_acc:.3f}}")
print(f"{p_adv} {{adv_acc:.3f}}")
'''


def _check_lang(lang: str) -> str:
    return v.choice("lang", lang, LANGS)


def blog_snippet(lang: str = "en") -> str:
    """The blog's code with ``attack()`` filled in (FGSM, epsilon 0.1), as shown
    on the Seed Lab page. Only the comments depend on ``lang``; it runs as is
    (see :func:`run_snippet`) and defines ``model``, ``X_adv``, ``clean_acc``
    and ``adv_acc``."""
    lang = _check_lang(lang)
    keys = ("c_data", "c_train", "c_logit", "c_attack", "c_grad", "c_step", "c_adv", "p_clean", "p_adv")
    return _BLOG_TEMPLATE.format(**{k: t(f"sl_snip_{k}", lang) for k in keys})


@dataclass
class SnippetRun:
    """What running a snippet left behind: its variables and printed output."""

    namespace: dict
    stdout: str
    seconds: float


def run_snippet(code: str) -> SnippetRun:
    """Execute one of this module's snippets in a fresh namespace.

    Only meant for the code :func:`blog_snippet` and :func:`advlab.export.seed_lab_code`
    produce (it runs whatever it is given); figures' ``show`` calls are the
    caller's business.
    """
    if not isinstance(code, str) or not code.strip():
        raise ValueError("code must be a non-empty string of Python")
    ns: dict = {"__name__": "__advlab_snippet__"}
    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<advlab snippet>", "exec"), ns)  # noqa: S102 - our own generated code
    return SnippetRun(namespace=ns, stdout=out.getvalue(), seconds=time.perf_counter() - t0)


# What the blog's text says its experiment is, to check against what its code builds.
BLOG_FACTS = (("data", "1000 × 20"), ("split", "800 / 200"), ("arch", "20-64-32-1"))

# The experiment's mathematics: the loss, training, the attacker's problem, FGSM and PGD.
MATH = (
    ("loss", (r"L(\theta; x, y) = -\Big[\,y \log \sigma\big(f_\theta(x)\big) + "
             r"(1-y)\log\Big(1-\sigma\big(f_\theta(x)\big)\Big)\Big]")),
    ("train", r"\min_\theta \;\; \frac{1}{n}\sum_{i=1}^{n} L(\theta; x_i, y_i)"),
    ("attack", r"\max_{\|\delta\|_\infty \le \varepsilon} \;\; L(\theta;\, x+\delta,\, y)"),
    ("fgsm", r"x_{\mathrm{adv}} = x + \varepsilon \cdot \operatorname{sign}\big(\nabla_x L(\theta; x, y)\big)"),
    ("pgd", (r"x^{t+1} = \Pi_{\|x' - x\|_\infty \le \varepsilon}\Big(x^{t} + \alpha \cdot "
            r"\operatorname{sign}\big(\nabla_x L(\theta; x^{t}, y)\big)\Big)")),
)


@dataclass(frozen=True)
class BlogRun:
    """What the blog's code printed and built: its two accuracies, its output,
    and the shapes the Seed Lab checks against the blog's text."""

    clean_acc: float
    adv_acc: float
    stdout: str
    seconds: float
    x_shape: tuple[int, ...]
    train_shape: tuple[int, ...]
    test_shape: tuple[int, ...]
    sizes: tuple[int, ...]  # layer widths, from the inputs to the logit

    @property
    def arch(self) -> str:
        return "-".join(str(s) for s in self.sizes)

    def checks(self) -> list[tuple[str, str, str]]:
        """``(what, the blog says, this run built)`` for each of :data:`BLOG_FACTS`."""
        built = {"data": "{} × {}".format(*self.x_shape), "split": f"{self.train_shape[0]} / {self.test_shape[0]}",
                 "arch": self.arch}
        return [(what, said, built[what]) for what, said in BLOG_FACTS]


def run_blog(code: str) -> BlogRun:
    """Run :func:`blog_snippet`'s code and read back what it built."""
    run = run_snippet(code)
    ns = run.namespace
    m = ns["model"]
    sizes = (int(m.inputs[0].shape[-1]), *(int(layer.units) for layer in m.layers))
    return BlogRun(clean_acc=float(ns["clean_acc"]), adv_acc=float(ns["adv_acc"]), stdout=run.stdout,
                   seconds=run.seconds, x_shape=tuple(ns["X"].shape), train_shape=tuple(ns["X_train"].shape),
                   test_shape=tuple(ns["X_test"].shape), sizes=sizes)


# ------------------------------------------------------------- curves ---

def eps_grid(eps_hi: float = 1.0, n: int = 21) -> np.ndarray:
    """The Seed Lab's budgets: ``n`` evenly spaced from 0 to ``eps_hi`` (both
    included), not rounded (see :func:`advlab.evaluation.eps_grid`)."""
    eps_hi = v.number("eps_hi", eps_hi, lo=0.0, hi=100.0, lo_open=True)
    return evaluation.eps_grid(eps_hi, n, decimals=None)


def attack_curve(model, x, y, cfg: AttackConfig, *, eps_hi: float = 1.0, seed: int = 0) -> np.ndarray:
    """Accuracy under the attack ``cfg`` (its norm, target and own parameters;
    not its epsilon) at every budget of :func:`eps_grid` up to ``eps_hi``."""
    kw = {k: val for k, val in cfg.run_kwargs().items() if k != "eps"}
    return accuracy_curve(model, x, y, attack=cfg.attack, eps_values=eps_grid(eps_hi), seed=seed, **kw)


def budget_range(result, *, norm: str = "linf", floor: float = 1.0, cap: float = 20.0) -> float:
    """The budget axis for an attack without an epsilon (DeepFool, C&W): long
    enough to show nearly every perturbation it found (98%, rounded up to a
    half unit), at least ``floor`` and at most ``cap``; for an L0 attack
    (JSMA) the axis counts features changed."""
    v.choice("norm", norm, ("linf", "l2", "l0"))
    size = {"linf": result.linf, "l2": result.l2, "l0": result.l0}[norm]
    found = size[result.success]
    top = float(np.quantile(found, 0.98)) if found.size else floor
    return float(min(max(floor, np.ceil(top * 1.05 * 2) / 2), cap))


def informative_share(grad, roles) -> float:
    """The share of the loss gradient's absolute size that falls on the
    informative features (``roles``, as in ``blog_data().info["roles"]``)."""
    g = np.abs(np.asarray(grad, np.float64)).ravel()
    if len(roles) != g.size:
        raise ValueError(f"roles must name the {g.size} features, got {len(roles)}")
    total = g.sum()
    return float(g[[r == "informative" for r in roles]].sum() / total) if total > 0 else 0.0


# -------------------------------------------------------------------- PCA ---

def pca_basis(x_train, *, n_components: int = 2):
    """The PCA :func:`~advlab.projections.pca_projection` fits on the clean
    training points, fitted once: it does not depend on the attack, so an
    epsilon move only projects (:func:`pca_view`)."""
    from sklearn.decomposition import PCA

    x_train = v.features("x_train", x_train)
    n_components = v.number("n_components", n_components, lo=2, hi=min(x_train.shape), integer=True)
    return PCA(n_components=n_components, svd_solver="full").fit(x_train.astype(np.float64))


def pca_view(basis, x, x_adv) -> PCAProjection:
    """What :func:`~advlab.projections.pca_projection` gives, with the PCA
    ``basis`` of :func:`pca_basis` instead of a new fit."""
    x = v.features("x", x)
    x_adv = v.features("x_adv", x_adv)
    if x.shape != x_adv.shape:
        raise ValueError(f"x_adv must have the shape of x {x.shape}, got {x_adv.shape}")
    if x.shape[1] != basis.n_features_in_:
        raise ValueError(f"x must have the {basis.n_features_in_} features of the PCA basis, got {x.shape[1]}")
    return project_pca(basis, x, x_adv)


def point_proba(spec, weights, x) -> np.ndarray:
    """Class probabilities ``(N, 2)`` of the network ``spec`` with ``weights``
    (Keras' order, as ``model.get_weights()`` gives them) on a few points, in
    NumPy: for one point's story a compiled-graph call costs more than the maths."""
    from .models import NumpyMLP
    from .numerics import probs_from_logits

    x = v.features("x", x)
    return probs_from_logits(NumpyMLP(spec, weights=weights).logits(x))


# ---------------------------------------------------------------- gallery ---

def gallery_indices(n: int, *, start: int = 0, count: int = 16, only=None) -> np.ndarray:
    """``count`` consecutive indices from ``start``, wrapping around ``n``;
    with ``only`` (a boolean mask of the ``n`` items), the first ``count`` in
    that order where the mask holds (fewer if there are not so many)."""
    n = v.number("n", n, lo=1, hi=10**9, integer=True)
    start = v.number("start", start, lo=0, hi=n - 1, integer=True)
    count = v.number("count", count, lo=1, hi=n, integer=True)
    if only is None:
        return (start + np.arange(count)) % n
    only = np.asarray(only, bool)
    if only.shape != (n,):
        raise ValueError(f"only must be a mask of the {n} items, got shape {only.shape}")
    order = (start + np.arange(n)) % n
    return order[only[order]][:count]
