"""What a learner takes away: CSV files of the results and Python that
reproduces a page's view ("show the code", for notebooks).

Every CSV goes through :func:`csv_text` (the ``csv`` module, so a comma or a
quote inside a value is escaped). Every generated script writes the attack's
arguments through :func:`attack_kwargs`, so the Playground's and the Seed
Lab's code name the same settings the same way.

Nothing here imports streamlit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from . import __version__
from . import _validate as v
from .attacks import ATTACKS, AttackResult, check_params
from .config import AttackConfig, DataConfig, NetConfig, SeedNetConfig
from .i18n import LANGS, t
from .seedlab import BLOG_EPOCHS, BLOG_HIDDEN, BLOG_SEED

__all__ = ["attack_kwargs", "csv_text", "curve_csv", "playground_code", "playground_points_csv",
           "playground_snippet", "results_csv", "seed_lab_code", "seed_lab_snippet"]

# ------------------------------------------------------------------- CSV ---


def _cell(value, float_format: str):
    if isinstance(value, float | np.floating):
        return format(float(value), float_format)
    if isinstance(value, np.generic):
        return value.item()
    return value


def csv_text(rows: Iterable[Mapping], *, columns: Sequence[str] | None = None, float_format: str = ".6g") -> str:
    """CSV text: a header, then one line per row (a mapping column -> value).

    ``columns`` default to the first row's keys; floats are written with
    ``float_format`` (a ``format()`` spec). No rows and no columns give an
    empty string.
    """
    rows = list(rows)
    if columns is None:
        if not rows:
            return ""
        columns = list(rows[0])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows([_cell(r[c], float_format) for c in columns] for r in rows)
    return buf.getvalue()


def results_csv(result: AttackResult, *, feature_names=None, with_points: bool = True) -> str:
    """One row per attacked point: index, true class, prediction before and
    after, whether it was fooled, L-inf and L2 sizes, and (``with_points``)
    the adversarial features."""
    n, d = result.x_adv.shape
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d)]
    if len(names) != d:
        raise ValueError(f"feature_names must list {d} names, got {len(names)}")
    rows = []
    for i in range(n):
        row = {"index": i, "true": result.y[i], "pred_clean": result.pred_clean[i], "pred_adv": result.pred_adv[i],
               "fooled": bool(result.pred_adv[i] != result.y[i]), "linf": result.linf[i], "l2": result.l2[i]}
        if with_points:
            row.update({f"adv_{c}": result.x_adv[i, j] for j, c in enumerate(names)})
        rows.append(row)
    return csv_text(rows, float_format=".6f")


def playground_points_csv(result: AttackResult) -> str:
    """The Playground's table of 2-D points: clean and adversarial position,
    label, predictions, fooled (0/1) and the perturbation's sizes."""
    x, xa = result.x, result.x_adv
    rows = [{"index": i, "x1": x[i, 0], "x2": x[i, 1], "label": result.y[i], "pred_clean": result.pred_clean[i],
             "x1_adv": xa[i, 0], "x2_adv": xa[i, 1], "pred_adv": result.pred_adv[i],
             "fooled": int(result.pred_adv[i] != result.y[i]), "linf": result.linf[i], "l2": result.l2[i]}
            for i in range(len(x))]
    return csv_text(rows, columns=["index", "x1", "x2", "label", "pred_clean", "x1_adv", "x2_adv", "pred_adv",
                                   "fooled", "linf", "l2"], float_format=".6f")


def curve_csv(eps_values, accuracy_attack, accuracy_noise=None) -> str:
    """An accuracy-versus-budget curve and its random-noise baseline (if any), one row per budget."""
    if accuracy_noise is None:
        return csv_text({"eps": e, "accuracy_attack": a} for e, a in zip(eps_values, accuracy_attack, strict=True))
    return csv_text({"eps": e, "accuracy_attack": a, "accuracy_noise": b}
                    for e, a, b in zip(eps_values, accuracy_attack, accuracy_noise, strict=True))


# -------------------------------------------------------------- snippets ---


def _py(value) -> str:
    """A Python literal for a setting (floats to 6 significant digits, without float noise)."""
    if isinstance(value, bool | np.bool_):
        return repr(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(f"{float(value):.6g}"))
    if isinstance(value, tuple):
        inner = ", ".join(_py(x) for x in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def attack_kwargs(attack: str, *, eps, norm: str, targeted: bool, target: int, params, seed: int) -> list[str]:
    """The keyword arguments of ``run_attack`` for these settings, as Python
    source: the epsilon (for attacks that take one), the norm the attack runs
    in, the target (targeted attacks), the attack's own parameters and the
    seed (seeded attacks)."""
    spec = ATTACKS[attack]
    kw = [f"eps={_py(float(eps))}"] if spec.uses_eps else []
    kw.append(f"norm={_py(norm if norm in spec.norms else spec.norms[0])}")
    if targeted and spec.targeted:
        kw += ["targeted=True", f"target={int(target)}"]
    kw += [f"{k}={_py(val)}" for k, val in sorted(dict(params).items())]
    if spec.seeded:
        kw.append(f"seed={int(seed)}")
    return kw


def playground_code(*, dataset: str, n_samples: int, noise: float, data_seed: int, n_classes: int,
                    hidden: tuple[int, ...], activation: str, epochs: int, batch_size: int, lr: float, l2: float,
                    seed: int, attack: str, eps, norm: str, targeted: bool, target: int, params: dict) -> str:
    """A self-contained script printing the Playground's four numbers."""
    data_args = f"{dataset!r}, n_samples={int(n_samples)}, noise={_py(float(noise))}, seed={int(data_seed)}"
    if dataset == "blobs":
        data_args += f", n_classes={int(n_classes)}"
    akw = attack_kwargs(attack, eps=eps, norm=norm, targeted=targeted, target=target, params=params, seed=seed)
    return "\n".join([
        "from advlab import attacks, data, models",
        "",
        f"ds = data.load({data_args})",
        (f"model = models.train_mlp(ds.x_train, ds.y_train, hidden={_py(tuple(int(h) for h in hidden))}, "
         f"activation={activation!r},"),
        (f"                         epochs={int(epochs)}, batch_size={int(batch_size)}, lr={_py(float(lr))}, "
         f"l2={_py(float(l2))}, seed={int(seed)})"),
        f"res = attacks.run_attack({attack!r}, model, ds.x_test, ds.y_test, {', '.join(akw)})",
        'print(f"clean accuracy       {res.clean_accuracy:.1%}")',
        'print(f"adversarial accuracy {res.adv_accuracy:.1%}")',
        'print(f"attack success rate  {res.success_rate:.1%}")',
        'print(f"mean L-inf / L2      {res.linf.mean():.3f} / {res.l2.mean():.3f}")',
        "",
    ])


def playground_snippet(data: DataConfig, net: NetConfig, attack: AttackConfig) -> str:
    """:func:`playground_code` for the Playground's settings."""
    return playground_code(
        dataset=data.dataset, n_samples=data.n, noise=data.noise, data_seed=data.dseed, n_classes=data.classes,
        hidden=net.hidden, activation=net.act, epochs=net.epochs, batch_size=net.batch, lr=net.lr, l2=net.l2,
        seed=net.seed, attack=attack.attack, eps=attack.eps, norm=attack.norm, targeted=attack.targeted,
        target=attack.target, params=dict(attack.params))


_SEED_LAB_TEMPLATE = '''\
# {c_head} (advlab {version})
import numpy as np
from advlab import attacks, data, models, seedlab
from advlab.figures import lab as figs

lang = {lang}
ds = data.blog_data()

# {c_model}
model = models.train_mlp(ds.x_train, ds.y_train, hidden={hidden}, activation='relu',
                         epochs={epochs}, batch_size=32, lr=0.001, seed={seed})

# {c_attack}
res = attacks.run_attack({attack}, model, ds.x_test, ds.y_test, {akw})
print(f"clean {{res.clean_accuracy:.3f}} -> attacked {{res.adv_accuracy:.3f}}")

# {c_curve}
eps_values = seedlab.eps_grid({eps_hi})
curve = seedlab.accuracy_curve(model, ds.x_test, ds.y_test, attack={attack}, eps_values=eps_values,
                               {ckw})
noise = seedlab.accuracy_curve(model, ds.x_test, ds.y_test, attack='noise', eps_values=eps_values, norm={norm},
                               seed={seed})
fig_curve = figs.accuracy_vs_eps(eps_values, curve, baseline=noise, attack={attack}, norm={norm}{eps_arg},
                                 now=res.adv_accuracy, lang=lang)

# {c_point}
i = {point}
grad = attacks.loss_gradient(model, res.x[i], res.y[i])
fig_bars = figs.feature_bars(res.x_adv[i] - res.x[i], ds.info['roles'], grad=grad, eps={eps},
                             norm={norm}, lang=lang)

# {c_slice}
direction, from_gradient = seedlab.slice_direction(model, res.x[i], res.x_adv[i], res.y[i])
sl = seedlab.decision_slice(model, res.x[i], direction, seed={seed})
fig_slice = figs.slice_map(sl, res.x_adv[i], y_true=int(res.y[i]), eps={eps},
                           norm={norm}, from_gradient=from_gradient, lang=lang)

# {c_pca}
proj = seedlab.pca_projection(ds.x_train, res.x, res.x_adv)
fig_pca = figs.pca_scatter(proj, res.y, res.pred_adv, chosen=i, lang=lang)

# {c_show}
for fig in (fig_curve, fig_bars, fig_slice, fig_pca):
    fig.show()
'''


def seed_lab_code(*, attack: str, eps: float | None, norm: str = "linf", targeted: bool = False, target: int = 0,
                  params: tuple | dict = (), hidden: tuple[int, ...] = BLOG_HIDDEN, epochs: int = BLOG_EPOCHS,
                  seed: int = BLOG_SEED, point: int = 0, eps_hi: float = 1.0, lang: str = "en") -> str:
    """Python that rebuilds the Seed Lab view with these settings: the model,
    the attack on every test point, the accuracy-versus-epsilon chart, the
    chosen point's feature changes and decision slice, and the PCA picture.
    Paste it into a notebook (each figure's ``show()`` draws it)."""
    spec = ATTACKS[v.choice("attack", attack, ATTACKS)]
    v.choice("norm", norm, ("linf", "l2", "l0"))
    lang = v.choice("lang", lang, LANGS)
    hidden = tuple(v.number("hidden width", h, lo=1, hi=1024, integer=True) for h in hidden)
    epochs = v.number("epochs", epochs, lo=1, hi=2000, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    point = v.number("point", point, lo=0, hi=199, integer=True)
    eps_hi = v.number("eps_hi", eps_hi, lo=0.0, hi=100.0, lo_open=True)
    params = check_params(attack, params, where="params: ")
    if spec.uses_eps:
        eps = v.number("eps", eps, lo=0.0, hi=eps_hi)
    norm = norm if norm in spec.norms else spec.norms[0]
    target = v.number("target", target, lo=0, hi=1, integer=True)
    kw = attack_kwargs(attack, eps=eps, norm=norm, targeted=targeted, target=target, params=params, seed=seed)
    eps_py = _py(float(eps)) if spec.uses_eps else "None"
    comments = {f"c_{k}": t(f"sl_view_{k}", lang)
                for k in ("head", "model", "attack", "curve", "point", "slice", "pca", "show")}
    return _SEED_LAB_TEMPLATE.format(
        version=__version__, lang=_py(lang), hidden=_py(hidden), epochs=epochs, seed=seed, attack=_py(attack),
        akw=", ".join(kw), ckw=", ".join(k for k in kw if not k.startswith("eps=")),  # the curve's: all but the budget
        eps_hi=_py(float(eps_hi)), norm=_py(norm), eps=eps_py, eps_arg=f", eps={eps_py}" if spec.uses_eps else "",
        point=point, **comments)


def seed_lab_snippet(net: SeedNetConfig, attack: AttackConfig, *, point: int, eps_hi: float, lang: str = "en") -> str:
    """:func:`seed_lab_code` for the Seed Lab's settings (the network, the attack, the chosen point)."""
    return seed_lab_code(attack=attack.attack, eps=attack.eps, norm=attack.norm, targeted=attack.targeted,
                         target=attack.target, params=attack.params, hidden=net.hidden, epochs=net.epochs,
                         seed=net.seed, point=point, eps_hi=eps_hi, lang=lang)
