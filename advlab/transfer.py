"""Transferability: adversarial examples made on one model, shown to others.

An attacker who cannot see a model's gradients trains a *surrogate* on similar
data, attacks it, and sends the result to the real *target*. Szegedy et al.
(2014, https://arxiv.org/abs/1312.6199) found that such examples often fool
other networks; Papernot, McDaniel & Goodfellow ("Transferability in Machine
Learning", 2016, https://arxiv.org/abs/1605.07277) measured it across model
families (logistic regression, SVMs, trees, k-NN). Momentum makes examples
transfer better (Dong et al., CVPR 2018, https://arxiv.org/abs/1710.06081).

Here the surrogate is an advlab MLP; targets are another MLP (other seed or
other width) and scikit-learn models trained on the same training data. A
success rate is always "of the test points this model classified correctly,
the share the adversarial example fools" (targeted: sends to the target
class), so the surrogate's white-box rate and a target's transfer rate are
read the same way.

Nothing here imports streamlit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .attacks import ATTACKS, iterate
from .attacks import predict as _predict_keras
from .attacks._engine import check_eps, check_inputs, check_norm, random_delta, shape_of
from .evaluation import check_eps_values
from .models import fit_mlp, single_thread_blas
from .projections import Grid, grid_points

__all__ = [
    "CRAFT_ATTACKS",
    "TARGETS",
    "Scores",
    "TransferCurve",
    "boundary_grid",
    "craft",
    "predict",
    "predict_proba",
    "score",
    "score_all",
    "slider_sweep",
    "success_rate",
    "train_target",
    "transfer_curve",
]

TARGETS = ("mlp_seed", "mlp_width", "logreg", "svm", "forest", "knn")
# attacks with an epsilon budget the surrogate can be attacked with
CRAFT_ATTACKS = ("fgsm", "bim", "pgd", "mim", "noise")


def train_target(name: str, x, y, *, hidden=(32, 32), activation: str = "relu", epochs: int = 100,
                 batch_size: int = 32, lr: float = 0.01, l2: float = 0.0, seed: int = 0, other_seed: int = 1,
                 other_width: int = 128, knn_k: int = 5, n_trees: int = 100, svm_c: float = 1.0,
                 on_epoch: Callable[[int, dict], None] | None = None):
    """Train the target model ``name`` (one of :data:`TARGETS`) on ``x, y``.

    ``"mlp_seed"``: the surrogate's architecture and training settings
    (``hidden`` ... ``l2``) with seed ``other_seed``. ``"mlp_width"``: the same
    number of layers, each ``other_width`` wide, seed ``seed``.
    ``"logreg"``: logistic regression; ``"svm"``: an RBF-kernel SVM (``svm_c``);
    ``"forest"``: a random forest of ``n_trees`` trees; ``"knn"``: k-nearest
    neighbours with ``k = knn_k``. MLPs come back as Keras models (logits),
    the rest as fitted scikit-learn estimators; use :func:`predict` on either.
    """
    v.choice("name", name, TARGETS)
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    hidden = (int(hidden),) if isinstance(hidden, int | np.integer) else tuple(int(h) for h in hidden)
    with single_thread_blas():
        if name in ("mlp_seed", "mlp_width"):
            kw = dict(hidden=hidden, activation=activation, epochs=epochs, batch_size=batch_size, lr=lr, l2=l2,
                      seed=seed, on_epoch=on_epoch)
            if name == "mlp_seed":
                kw["seed"] = v.number("other_seed", other_seed, lo=0, hi=2**31 - 1, integer=True)
            else:
                w = v.number("other_width", other_width, lo=1, hi=1024, integer=True)
                kw["hidden"] = tuple(w for _ in hidden)
            return fit_mlp(x, y, **kw).model
        if name == "logreg":
            from sklearn.linear_model import LogisticRegression
            return LogisticRegression(max_iter=2000).fit(x, y)
        if name == "svm":
            from sklearn.svm import SVC
            svm_c = v.number("svm_c", svm_c, lo=0, hi=1e6, lo_open=True)
            return SVC(kernel="rbf", C=svm_c, gamma="scale").fit(x, y)
        if name == "forest":
            from sklearn.ensemble import RandomForestClassifier
            n_trees = v.number("n_trees", n_trees, lo=1, hi=2000, integer=True)
            return RandomForestClassifier(n_estimators=n_trees, random_state=seed, n_jobs=1).fit(x, y)
        from sklearn.neighbors import KNeighborsClassifier
        knn_k = v.number("knn_k", knn_k, lo=1, hi=x.shape[0], integer=True)
        return KNeighborsClassifier(n_neighbors=knn_k).fit(x, y)


def _is_keras(model) -> bool:
    from ._tf import keras
    return isinstance(model, keras.Model)


def predict(model, x) -> np.ndarray:
    """Predicted classes of a Keras logit model or a fitted scikit-learn classifier."""
    x = np.asarray(x, np.float32)
    if _is_keras(model):
        return _predict_keras(model, x)
    return np.asarray(model.predict(x)).astype(np.int64)


def predict_proba(model, x, n_classes: int) -> np.ndarray:
    """Class probabilities ``(N, n_classes)``; a classifier without probabilities
    (the SVM) gives one-hot rows of its predictions."""
    x = np.asarray(x, np.float32)
    if _is_keras(model):
        from .attacks import proba
        return proba(model, x)
    if hasattr(model, "predict_proba") and getattr(model, "probability", True):
        p = np.zeros((len(x), n_classes))
        p[:, np.asarray(model.classes_, int)] = model.predict_proba(x)
        return p
    return np.eye(n_classes)[predict(model, x)]


def boundary_grid(model, lim: tuple[float, float, float, float], res: int, n_classes: int) -> Grid:
    """Class probabilities of a 2-D model of any family (see :func:`predict_proba`)
    on a ``res`` x ``res`` grid over ``lim``, as :func:`advlab.projections.boundary_grid`."""
    res = v.number("res", res, lo=2, hi=1000, integer=True)
    xs, ys, pts = grid_points(lim, res)
    return Grid(xs, ys, predict_proba(model, pts, n_classes).reshape(res, res, -1))


def craft(surrogate, x, y, *, attack: str = "pgd", eps: float, norm: str = "linf", steps: int | None = None,
          step_size: float | None = None, restarts: int = 1, decay: float = 1.0, targeted: bool = False,
          target=None, clip=None, seed: int = 0, stop_early: bool = False) -> np.ndarray:
    """Adversarial examples of size ``eps`` made on ``surrogate`` (a Keras logit model).

    ``attack`` is one of :data:`CRAFT_ATTACKS`. With ``stop_early=False`` (the
    default) the iterative attacks spend their whole budget: every point takes
    all ``steps`` steps up the surrogate's loss (PGD keeps, per point, the
    restart with the highest final loss), because an attacker who cannot see
    the target has no reason to stop at the surrogate's boundary. With
    ``stop_early=True`` the registry's attacks run as they do elsewhere in
    advlab, returning the first iterate that fools the surrogate: the
    smallest-looking examples, which sit right at the surrogate's boundary and
    transfer poorly. Defaults: ``steps`` 40 (PGD) or 10 (BIM, MI-FGSM);
    ``step_size`` ``2.5 * eps / steps`` (PGD) or ``eps / steps``. FGSM and noise
    are single-shot and ignore ``stop_early``. Returns float32 ``x.shape``.
    """
    v.choice("attack", attack, CRAFT_ATTACKS)
    eps = check_eps(eps)
    norm = check_norm(norm)
    seed = v.number("seed", seed, lo=0, hi=2**63 - 1, integer=True)
    spec = ATTACKS[attack]
    if attack == "noise":
        if targeted:
            raise ValueError("targeted must be False for random noise: it has no direction to aim")
        return spec.fn(surrogate, x, y, eps=eps, norm=norm, seed=seed, clip=clip)
    if attack == "fgsm":
        return spec.fn(surrogate, x, y, eps=eps, norm=norm, targeted=targeted, target=target, clip=clip)
    steps, restarts, decay = _iter_params(attack, steps, restarts, decay)
    if stop_early:
        kw = dict(eps=eps, norm=norm, steps=steps, step_size=step_size, targeted=targeted, target=target, clip=clip)
        if attack == "pgd":
            kw.update(restarts=restarts, seed=seed)
        if attack == "mim":
            kw.update(decay=decay)
        return spec.fn(surrogate, x, y, **kw)
    return _full_budget(surrogate, x, y, np.full(len(np.asarray(x)), eps, np.float32), attack=attack, norm=norm,
                        steps=steps, step_size=step_size, restarts=restarts, decay=decay, targeted=targeted,
                        target=target, clip=clip, seed=seed)


def _full_budget(surrogate, x, y, eps, *, attack, norm, steps, step_size, restarts, decay, targeted, target, clip,
                 seed, blocks: int = 1):
    """The whole-budget iteration (:func:`advlab.attacks.iterate` with
    ``keep="last"``). ``eps`` is per point, so several budgets run as one
    batch: ``x`` may hold ``blocks`` stacked copies of the same points, and
    every copy then gets the same random start (scaled by its own epsilon),
    exactly as if it ran alone."""
    eps = eps.astype(np.float32)
    if step_size is None:
        alpha = (2.5 if attack == "pgd" else 1.0) * eps / steps
    else:
        alpha = np.full_like(eps, v.number("step_size", step_size, lo=0.0, hi=100.0))
    starts = [None]
    if attack == "pgd":
        shape = (len(x) // blocks, np.shape(x)[1])
        starts = (np.tile(random_delta(np.random.default_rng([seed, r]), shape, eps=1.0, norm=norm),
                          (blocks, 1)).astype(np.float32) * eps[:, None] for r in range(restarts))
    out, _, _ = iterate(surrogate, x, y, eps=eps, step_size=alpha, steps=steps, norm=norm,
                        decay=decay if attack == "mim" else 0.0, starts=starts, keep="last", targeted=targeted,
                        target=target, clip=clip)
    return out


def _iter_params(attack, steps, restarts, decay):
    steps = v.number("steps", (40 if attack == "pgd" else 10) if steps is None else steps, lo=1, hi=10_000,
                     integer=True)
    restarts = v.number("restarts", restarts, lo=1, hi=100, integer=True)
    decay = v.number("decay", decay, lo=0.0, hi=10.0)
    return steps, restarts, decay


def success_rate(y, pred_clean, pred_adv, *, targeted: bool = False, target=None) -> float:
    """Of the points classified correctly when clean, the share fooled
    (targeted: sent to ``target``; points already of the target class do not
    count). 0 when there is no such point."""
    y = np.asarray(y)
    pred_clean = np.asarray(pred_clean)
    pred_adv = np.asarray(pred_adv)
    ok = pred_clean == y
    if targeted:
        tgt = np.broadcast_to(np.asarray(target), y.shape)
        ok &= y != tgt
        hit = pred_adv == tgt
    else:
        hit = pred_adv != y
    return float(np.mean(hit[ok])) if ok.any() else 0.0


@dataclass(frozen=True)
class Scores:
    """One model on one set of adversarial examples."""

    clean_accuracy: float
    adv_accuracy: float
    success: float
    fooled: np.ndarray  # per point: the adversarial example changed a right answer into a wrong one


def score(model, x, x_adv, y, *, targeted: bool = False, target=None) -> Scores:
    """Clean accuracy, accuracy on ``x_adv`` and success rate of ``x_adv`` on ``model``."""
    y = np.asarray(y)
    pc = predict(model, x)
    pa = predict(model, x_adv)
    if targeted:
        fooled = (pc == y) & (pa == np.broadcast_to(np.asarray(target), y.shape)) & (y != target)
    else:
        fooled = (pc == y) & (pa != y)
    return Scores(float(np.mean(pc == y)), float(np.mean(pa == y)),
                  success_rate(y, pc, pa, targeted=targeted, target=target), fooled)


def score_all(models: Mapping[str, object], x, x_adv, y, *, targeted: bool = False, target=None) -> dict[str, Scores]:
    """:func:`score` of every model in ``models`` on the same examples, by name."""
    return {name: score(m, x, x_adv, y, targeted=targeted, target=target) for name, m in models.items()}


@dataclass(frozen=True)
class TransferCurve:
    """Success rate and accuracy of every model (the surrogate first) at every epsilon."""

    eps: np.ndarray  # (E,)
    names: tuple[str, ...]  # "surrogate", then the targets
    success: np.ndarray  # (M, E)
    accuracy: np.ndarray  # (M, E) accuracy on the adversarial examples
    clean: np.ndarray  # (M,) clean accuracy
    fooled: np.ndarray | None = None  # (M, E, N) per point, as :attr:`Scores.fooled`; with ``keep=True``
    x_adv: np.ndarray | None = None  # (E, N, D) the adversarial examples; with ``keep=True``

    def index(self, eps: float) -> int | None:
        """The position of ``eps`` in :attr:`eps` (to 1e-6), or None when it was not computed."""
        hit = np.flatnonzero(np.abs(self.eps - float(eps)) <= 1e-6)
        return int(hit[0]) if hit.size else None

    def scores_at(self, j: int) -> dict[str, Scores]:
        """Every model's :class:`Scores` at ``eps[j]`` (needs ``keep=True``), as
        :func:`score_all` on the examples crafted at that epsilon gives them."""
        if self.fooled is None:
            raise ValueError("scores_at needs a curve made with keep=True")
        return {n: Scores(float(self.clean[i]), float(self.accuracy[i, j]), float(self.success[i, j]),
                          self.fooled[i, j]) for i, n in enumerate(self.names)}

    def rows(self) -> list[dict]:
        """Long format: one row per model and epsilon."""
        out = []
        for i, name in enumerate(self.names):
            for j, e in enumerate(self.eps):
                out.append({"model": name, "whitebox": i == 0, "eps": float(e),
                            "clean_accuracy": float(self.clean[i]), "adversarial_accuracy": float(self.accuracy[i, j]),
                            "success_rate": float(self.success[i, j])})
        return out

    def labelled_rows(self, labels: Mapping[str, str], **settings) -> list[dict]:
        """:meth:`rows`, each with the ``settings`` it was made with and the
        model's label as a reader sees it (``model_label``)."""
        return [dict(r, **settings, model_label=labels[r["model"]]) for r in self.rows()]

    def mean_success(self) -> dict[str, float]:
        """Average success over the epsilons (the surrogate's is the white-box one)."""
        return {n: float(np.mean(self.success[i])) for i, n in enumerate(self.names)}


def transfer_curve(surrogate, targets: Mapping[str, object], x, y, *, eps_values, attack: str = "pgd",
                   norm: str = "linf", targeted: bool = False, target=None, clip=None, seed: int = 0,
                   stop_early: bool = False, on_step: Callable[[int, int], None] | None = None,
                   keep: bool = False, **params) -> TransferCurve:
    """Craft on ``surrogate`` at every epsilon in ``eps_values`` (see :func:`craft`;
    ``params`` are its ``steps``, ``restarts``, ``decay``) and score the examples on
    the surrogate (white-box) and on every model in ``targets``.
    ``on_step(i, n)`` reports progress over the epsilons. With ``keep=True`` the
    curve also holds, per epsilon, the examples and which points fooled each
    model (:meth:`TransferCurve.scores_at`): a fine grid of epsilons then answers
    every epsilon on it without crafting again."""
    eps_values = check_eps_values(eps_values)
    unknown = set(params) - {"steps", "restarts", "decay", "step_size"}
    if unknown:
        raise ValueError(f"{min(unknown)!r} is not a parameter of craft; allowed: decay, restarts, "
                         f"step_size, steps")
    if "surrogate" in targets:
        raise ValueError("targets must not use the name 'surrogate'; it labels the white-box row")
    models = {"surrogate": surrogate, **targets}
    x = v.features("x", x)
    y = v.labels("y", y, x.shape[0])
    clean_pred = {n: predict(m, x) for n, m in models.items()}
    n = len(x)
    if attack in ("bim", "pgd", "mim") and not stop_early:
        # every epsilon in one batch: one gradient call per step instead of one per step and epsilon
        v.choice("attack", attack, CRAFT_ATTACKS)
        check_eps(float(eps_values.max()))
        norm = check_norm(norm)
        steps, restarts, decay = _iter_params(attack, params.get("steps"), params.get("restarts", 1),
                                              params.get("decay", 1.0))
        x, y, t, _, _ = check_inputs(shape_of(surrogate), x, y, clip=clip, target=target, targeted=targeted)
        if on_step is not None:
            on_step(0, 1)
        k = len(eps_values)
        big = _full_budget(surrogate, np.tile(x, (k, 1)), np.tile(y, k), np.repeat(eps_values, n), attack=attack,
                           norm=norm, steps=steps, step_size=params.get("step_size"), restarts=restarts, decay=decay,
                           targeted=targeted, target=np.tile(t, k) if targeted else None, clip=clip, seed=int(seed),
                           blocks=k)
        advs = [big[j * n:(j + 1) * n] for j in range(len(eps_values))]
    else:
        advs = []
        for j, e in enumerate(eps_values):
            if on_step is not None:
                on_step(j, len(eps_values))
            advs.append(craft(surrogate, x, y, attack=attack, eps=float(e), norm=norm, targeted=targeted,
                              target=target, clip=clip, seed=seed, stop_early=stop_early, **params))
    return _score_curve(models, eps_values, np.stack(advs), y, clean_pred, targeted=targeted, target=target, keep=keep)


def slider_sweep(surrogate, targets: Mapping[str, object], x, y, *, eps_max: float, step: float = 0.01,
                 keep_examples: bool = True, **kwargs) -> TransferCurve:
    """:func:`transfer_curve` with ``keep=True`` at every multiple of ``step`` from
    0 to ``eps_max`` (an epsilon slider's values), in one batched call: every
    position of the slider is then answered by :meth:`TransferCurve.scores_at`.
    ``keep_examples=False`` drops the examples (keeps the per-point results)."""
    step = v.number("step", step, lo=0.0, hi=1.0, lo_open=True)
    eps_max = v.number("eps_max", eps_max, lo=0.0, hi=100.0, lo_open=True)
    if eps_max / step > 400:
        raise ValueError(f"eps_max / step must be at most 400 (one batch per epsilon), got {eps_max / step:g}")
    grid = np.round(np.arange(0.0, eps_max + step / 2, step), 6)
    curve = transfer_curve(surrogate, targets, x, y, eps_values=grid, keep=True, **kwargs)
    return curve if keep_examples else dataclasses.replace(curve, x_adv=None)


def _score_curve(models, eps_values, advs, y, clean_pred, *, targeted, target, keep) -> TransferCurve:
    """Each model predicts every epsilon's examples in one call (one call per
    model, not per model and epsilon: a forest or k-NN call has a high fixed cost)."""
    e, n = advs.shape[:2]
    succ = np.zeros((len(models), e))
    acc = np.zeros_like(succ)
    fooled = np.zeros((len(models), e, n), bool)
    tgt = np.broadcast_to(np.asarray(target), y.shape) if targeted else None
    for i, (name, m) in enumerate(models.items()):
        pa = predict(m, advs.reshape(e * n, -1)).reshape(e, n)
        pc = clean_pred[name]
        fooled[i] = (pc == y) & ((pa == tgt) & (y != tgt) if targeted else (pa != y))
        for j in range(e):
            acc[i, j] = float(np.mean(pa[j] == y))
            succ[i, j] = success_rate(y, pc, pa[j], targeted=targeted, target=target)
    clean = np.array([float(np.mean(clean_pred[n] == y)) for n in models])
    if not keep:
        return TransferCurve(eps_values, tuple(models), succ, acc, clean)
    return TransferCurve(eps_values, tuple(models), succ, acc, clean, fooled, advs.astype(np.float32))
