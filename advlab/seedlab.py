"""The seed blog post's experiment, finished, and the tools to look inside it.

The blog trains a small MLP on 20-feature ``make_classification`` data and
leaves ``attack()`` as ``pass``. This module holds

* :func:`blog_snippet`: the blog's code with ``attack()`` written (FGSM,
  epsilon 0.1), running against advlab, and :func:`run_snippet` to execute it;
* :func:`view_snippet`: code that rebuilds the Seed Lab view for any settings;
* :func:`accuracy_curve`: accuracy against the attack budget, also for the
  attacks that have no epsilon (DeepFool, C&W) through their perturbation sizes;
* :func:`decision_slice`: the model's output on a 2-D plane through one point,
  spanned by the attack direction and a random orthogonal direction;
* :func:`pca_projection`: clean and adversarial points in the plane of the two
  main principal directions of the clean training data;
* :func:`results_csv` and :func:`gallery_indices` for the pages' tables and
  image galleries.

Nothing here imports streamlit.
"""

from __future__ import annotations

import contextlib
import io
import time
from dataclasses import dataclass

import numpy as np

from . import __version__
from . import _validate as v
from .attacks import ATTACKS, AttackResult, loss_gradient, proba, run_attack
from .i18n import LANGS, t

__all__ = [
    "BLOG_BATCH",
    "BLOG_EPOCHS",
    "BLOG_EPS",
    "BLOG_HIDDEN",
    "BLOG_LR",
    "BLOG_SEED",
    "DecisionSlice",
    "PCAProjection",
    "SnippetRun",
    "accuracy_curve",
    "accuracy_within",
    "blog_snippet",
    "decision_slice",
    "eps_grid",
    "gallery_indices",
    "input_gradient",
    "pca_projection",
    "results_csv",
    "run_snippet",
    "slice_direction",
    "view_snippet",
]

# The blog's setting: Dense 64 relu, Dense 32 relu, one output; Adam (Keras'
# default learning rate), binary cross-entropy, 10 epochs of batches of 32.
BLOG_HIDDEN = (64, 32)
BLOG_EPOCHS = 10
BLOG_BATCH = 32
BLOG_LR = 1e-3
BLOG_SEED = 0
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

    Only meant for the code :func:`blog_snippet` and :func:`view_snippet`
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


def _py(value) -> str:
    """A Python literal for a setting (floats without float noise)."""
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):g}" if float(value) != int(value) else f"{float(value):.1f}"
    if isinstance(value, tuple):
        inner = ", ".join(_py(x) for x in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def view_snippet(*, attack: str, eps: float | None, norm: str = "linf", targeted: bool = False, target: int = 0,
                 params: tuple | dict = (), hidden: tuple[int, ...] = BLOG_HIDDEN, epochs: int = BLOG_EPOCHS,
                 seed: int = BLOG_SEED, point: int = 0, eps_hi: float = 1.0, lang: str = "en") -> str:
    """Python that rebuilds the Seed Lab view with these settings: the model,
    the attack on every test point, the accuracy-versus-epsilon chart, the
    chosen point's feature changes and decision slice, and the PCA picture.
    Paste it into a notebook (each figure's ``show()`` draws it)."""
    v.choice("attack", attack, ATTACKS)
    spec = ATTACKS[attack]
    v.choice("norm", norm, ("linf", "l2"))
    lang = _check_lang(lang)
    hidden = tuple(v.number("hidden width", h, lo=1, hi=1024, integer=True) for h in hidden)
    epochs = v.number("epochs", epochs, lo=1, hi=2000, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    point = v.number("point", point, lo=0, hi=199, integer=True)
    eps_hi = v.number("eps_hi", eps_hi, lo=0.0, hi=100.0, lo_open=True)
    params = dict(params)
    allowed = {p.name for p in spec.params}
    for k in params:
        if k not in allowed:
            raise ValueError(f"params: {k!r} is not a parameter of {spec.display}; allowed: "
                             f"{', '.join(sorted(allowed)) or 'none'}")
    if spec.uses_eps:
        eps = v.number("eps", eps, lo=0.0, hi=eps_hi)
    if norm not in spec.norms:
        norm = spec.norms[0]
    targeted = bool(targeted) and spec.targeted
    target = v.number("target", target, lo=0, hi=1, integer=True)

    kw = []
    if spec.uses_eps:
        kw.append(f"eps={_py(float(eps))}")
    kw.append(f'norm="{norm}"')
    if targeted:
        kw += ["targeted=True", f"target={target}"]
    kw += [f"{k}={_py(val)}" for k, val in sorted(params.items())]
    if spec.seeded:
        kw.append(f"seed={seed}")
    akw = ", ".join(kw)
    # the curve reuses the attack's settings except the budget
    ckw = ", ".join(k for k in kw if not k.startswith("eps="))
    c = {k: t(f"sl_view_{k}", lang) for k in ("head", "model", "attack", "curve", "point", "slice", "pca", "show")}
    eps_line = f", eps={_py(float(eps))}" if spec.uses_eps else ""
    return f'''\
# {c["head"]} (advlab {__version__})
import numpy as np
from advlab import data, models, seedlab
from advlab.attacks import run_attack
from advlab.figures import lab as figs

lang = "{lang}"
ds = data.blog_data()

# {c["model"]}
model = models.train_mlp(ds.x_train, ds.y_train, hidden={_py(hidden)}, activation="relu",
                         epochs={epochs}, batch_size=32, lr=0.001, seed={seed})

# {c["attack"]}
res = run_attack("{attack}", model, ds.x_test, ds.y_test, {akw})
print(f"clean {{res.clean_accuracy:.3f}} -> attacked {{res.adv_accuracy:.3f}}")

# {c["curve"]}
eps_values = seedlab.eps_grid({_py(float(eps_hi))})
curve = seedlab.accuracy_curve(model, ds.x_test, ds.y_test, attack="{attack}", eps_values=eps_values,
                               {ckw})
noise = seedlab.accuracy_curve(model, ds.x_test, ds.y_test, attack="noise", eps_values=eps_values, norm="{norm}",
                               seed={seed})
fig_curve = figs.accuracy_vs_eps(eps_values, curve, baseline=noise, attack="{attack}", norm="{norm}"{eps_line},
                                 now=res.adv_accuracy, lang=lang)

# {c["point"]}
i = {point}
grad = seedlab.input_gradient(model, res.x[i], res.y[i])
fig_bars = figs.feature_bars(res.x_adv[i] - res.x[i], ds.info["roles"], grad=grad, eps={_py(float(eps)) if spec.uses_eps else "None"},
                             norm="{norm}", lang=lang)

# {c["slice"]}
direction, from_gradient = seedlab.slice_direction(model, res.x[i], res.x_adv[i], res.y[i])
sl = seedlab.decision_slice(model, res.x[i], direction, seed={seed})
fig_slice = figs.slice_map(sl, res.x_adv[i], y_true=int(res.y[i]), eps={_py(float(eps)) if spec.uses_eps else "None"},
                           norm="{norm}", from_gradient=from_gradient, lang=lang)

# {c["pca"]}
proj = seedlab.pca_projection(ds.x_train, res.x, res.x_adv)
fig_pca = figs.pca_scatter(proj, res.y, res.pred_adv, chosen=i, lang=lang)

# {c["show"]}
for fig in (fig_curve, fig_bars, fig_slice, fig_pca):
    fig.show()
'''


# ------------------------------------------------------------- curves ---

def eps_grid(eps_hi: float = 1.0, n: int = 21) -> np.ndarray:
    """``n`` evenly spaced budgets from 0 to ``eps_hi`` (both included)."""
    eps_hi = v.number("eps_hi", eps_hi, lo=0.0, hi=100.0, lo_open=True)
    n = v.number("n", n, lo=2, hi=401, integer=True)
    return np.linspace(0.0, eps_hi, n)


def accuracy_within(result: AttackResult, budgets, *, norm: str = "l2") -> np.ndarray:
    """Accuracy when the adversary may only use the perturbations ``result``
    found that fit within each budget (measured in ``norm``).

    For attacks without an epsilon (DeepFool, C&W) this turns their smallest
    perturbations into an accuracy-versus-budget curve: a point counts as lost
    at budget ``d`` when its adversarial copy is misclassified and no larger
    than ``d``. Points the model already gets wrong count as lost everywhere.
    """
    v.choice("norm", norm, ("linf", "l2"))
    b = np.asarray(budgets, np.float64)
    if b.ndim != 1 or b.size == 0 or np.any(b < 0) or not np.all(np.isfinite(b)):
        raise ValueError("budgets must be a non-empty 1-D list of finite values >= 0")
    size = result.linf if norm == "linf" else result.l2
    right = result.pred_clean == result.y
    lost = result.pred_adv != result.y
    n = len(result.y)
    # a relative tolerance: float32 rounding puts sizes a hair above the budget they used
    fits = size[None, :] <= b[:, None] * (1 + 1e-5) + 1e-7
    return (right[None, :] & ~(lost[None, :] & fits)).sum(1) / n


def accuracy_curve(model, x, y, *, attack: str, eps_values, norm: str = "linf", targeted: bool = False,
                   target: int | None = None, clip=None, seed: int = 0, **params) -> np.ndarray:
    """Accuracy on ``(x, y)`` under ``attack`` at every budget in ``eps_values``.

    Attacks with an epsilon run once per value (0 gives the clean accuracy).
    DeepFool and C&W run once; see :func:`accuracy_within` (their sizes are
    measured in ``norm``, L2 for both unless ``norm="linf"``).
    """
    spec = ATTACKS[v.choice("attack", attack, ATTACKS)]
    eps_values = np.asarray(eps_values, np.float64)
    if eps_values.ndim != 1 or eps_values.size == 0 or np.any(eps_values < 0) or not np.all(np.isfinite(eps_values)):
        raise ValueError("eps_values must be a non-empty 1-D list of finite epsilons >= 0")
    y = np.asarray(y)
    kw = dict(norm=norm, targeted=targeted, target=target if targeted else None, clip=clip, seed=seed, **params)
    if not spec.uses_eps:
        r = run_attack(attack, model, x, y, **kw)
        return accuracy_within(r, eps_values, norm=norm)
    out = np.empty(len(eps_values))
    for i, e in enumerate(eps_values):
        out[i] = run_attack(attack, model, x, y, eps=float(e), **kw).adv_accuracy
    return out


# ------------------------------------------------------ decision slice ---

def input_gradient(model, x, y) -> np.ndarray:
    """Gradient of the cross-entropy at one point ``x`` (``(D,)``) with label ``y``, as ``(D,)``."""
    x = v.features("x", np.atleast_2d(x))
    if x.shape[0] != 1:
        raise ValueError(f"x must be one point (D,), got shape {x.shape}")
    return loss_gradient(model, x, np.array([int(y)]))[0]


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
    g = input_gradient(model, x, y).astype(np.float64)
    n = np.linalg.norm(g)
    if n < 1e-12:
        raise ValueError("no direction to slice along: the attack did not move the point and the loss "
                         "gradient there is zero")
    return g / n, True


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


def _first_flip(model, x, u, reach: float, n: int = 241) -> float | None:
    """Distance along ``u`` from ``x`` where the predicted class first changes, if within ``reach``."""
    s = np.linspace(0.0, reach, n)
    pred = proba(model, (x[None, :] + s[:, None] * u[None, :]).astype(np.float32)).argmax(1)
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
        flip = _first_flip(model, x, u, reach=max(8.0, 2 * dn))
        extent = max(1.6 * dn, 1.35 * flip if flip is not None else 0.0, 0.5)
        extent = float(min(extent, max(8.0, 1.6 * dn)))
    extent = v.number("extent", extent, lo=0.0, hi=1000.0, lo_open=True)
    a = np.linspace(-extent, extent, res)
    b = np.linspace(-extent, extent, res)
    ga, gb = np.meshgrid(a, b)
    offs = ga.ravel()[:, None] * u[None, :] + gb.ravel()[:, None] * vv[None, :]
    p = proba(model, (x[None, :] + offs).astype(np.float32))
    linf = np.abs(offs).max(1).reshape(res, res)
    return DecisionSlice(a=a, b=b, proba=p.reshape(res, res, -1), u=u, v=vv, origin=x, linf=linf)


# ------------------------------------------------------------------ PCA ---

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
    c = pca.transform(x.astype(np.float64))[:, :2]
    a = pca.transform(x_adv.astype(np.float64))[:, :2]
    delta = (x_adv - x).astype(np.float64)
    full = np.linalg.norm(delta, axis=1)
    shown = np.linalg.norm(delta @ pca.components_[:2].T, axis=1)
    moved = full > 1e-9
    in_plane = float(np.median(shown[moved] / full[moved])) if moved.any() else 0.0
    return PCAProjection(clean=c, adv=a, explained=pca.explained_variance_ratio_[:2].copy(), in_plane=in_plane)


# --------------------------------------------------------------- tables ---

def results_csv(result: AttackResult, *, feature_names=None, with_points: bool = True) -> str:
    """One row per attacked point: index, true class, prediction before and
    after, whether it was fooled, L-inf and L2 sizes, and (``with_points``)
    the adversarial features."""
    import pandas as pd

    n, d = result.x_adv.shape
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d)]
    if len(names) != d:
        raise ValueError(f"feature_names must list {d} names, got {len(names)}")
    df = pd.DataFrame({"index": np.arange(n), "true": result.y, "pred_clean": result.pred_clean,
                       "pred_adv": result.pred_adv, "fooled": result.pred_adv != result.y,
                       "linf": np.round(result.linf, 6), "l2": np.round(result.l2, 6)})
    if with_points:
        adv = pd.DataFrame(np.round(result.x_adv, 6), columns=[f"adv_{c}" for c in names])
        df = pd.concat([df, adv], axis=1)
    return df.to_csv(index=False)


def gallery_indices(n: int, *, start: int = 0, count: int = 16) -> np.ndarray:
    """``count`` consecutive indices from ``start``, wrapping around ``n``."""
    n = v.number("n", n, lo=1, hi=10**9, integer=True)
    start = v.number("start", start, lo=0, hi=n - 1, integer=True)
    count = v.number("count", count, lo=1, hi=n, integer=True)
    return (start + np.arange(count)) % n
