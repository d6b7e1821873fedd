"""The seed blog post's experiment, finished, and the tools to look inside it.

The blog trains a small MLP on 20-feature ``make_classification`` data and
leaves ``attack()`` as ``pass``. This module holds the blog's setting
(``BLOG_*``), :func:`blog_snippet` (the blog's code with ``attack()`` written:
FGSM, epsilon 0.1, running against advlab) and :func:`run_snippet` to execute
it or the code :func:`advlab.export.seed_lab_code` generates, and the Seed
Lab's epsilon grid (:func:`eps_grid`) and gallery order
(:func:`gallery_indices`).

The Seed Lab's views are defined by idea elsewhere and gathered here, so the
generated code and a notebook reach them in one place:
:func:`~advlab.evaluation.accuracy_curve` and
:func:`~advlab.evaluation.accuracy_within` (accuracy against the attack
budget, also for DeepFool and C&W), :func:`~advlab.projections.decision_slice`
with :func:`~advlab.projections.slice_direction` (the model on a plane along
the attack) and :func:`~advlab.projections.pca_projection`.

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
from .evaluation import accuracy_curve, accuracy_within
from .i18n import LANGS, t
from .projections import DecisionSlice, PCAProjection, decision_slice, pca_projection, slice_direction

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
    "pca_projection",
    "run_snippet",
    "slice_direction",
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


# ------------------------------------------------------------- curves ---

def eps_grid(eps_hi: float = 1.0, n: int = 21) -> np.ndarray:
    """The Seed Lab's budgets: ``n`` evenly spaced from 0 to ``eps_hi`` (both
    included), not rounded (see :func:`advlab.evaluation.eps_grid`)."""
    eps_hi = v.number("eps_hi", eps_hi, lo=0.0, hi=100.0, lo_open=True)
    return evaluation.eps_grid(eps_hi, n, decimals=None)


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
