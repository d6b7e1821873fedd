"""Seed Lab: the seed blog post's experiment, reproduced exactly and finished."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from advlab import export, models, seedlab, ui
from advlab.attacks import ATTACKS, loss_gradient, proba
from advlab.figures import lab as figs
from advlab.state import Field, PageState
from advlab.ui.controls import active_fields, attack_controls, attack_fields, cached_attack

WIDTHS = ("4", "8", "16", "32", "64", "128", "256")
EPS_HI = 1.0
N_TEST = 200
STATE = PageState("sl", [
    Field("epochs", seedlab.BLOG_EPOCHS, "int", 1, 200),
    Field("w1", str(seedlab.BLOG_HIDDEN[0]), "choice", choices=WIDTHS),
    Field("w2", str(seedlab.BLOG_HIDDEN[1]), "choice", choices=("0",) + WIDTHS),
    Field("seed", seedlab.BLOG_SEED, "int", 0, 9999),
    *attack_fields("fgsm", eps=seedlab.BLOG_EPS, eps_hi=EPS_HI),
    # test point 3 is one FGSM at the blog's epsilon fools: the first view shows an attack that works
    Field("point", 3, "int", 0, N_TEST - 1),
])
NET_FIELDS = ("epochs", "w1", "w2", "seed")
DATA_KEY = "blog"

LATEX_LOSS = r"L(\theta; x, y) = -\Big[\,y \log \sigma\big(f_\theta(x)\big) + (1-y)\log\Big(1-\sigma\big(f_\theta(x)\big)\Big)\Big]"
LATEX_TRAIN = r"\min_\theta \;\; \frac{1}{n}\sum_{i=1}^{n} L(\theta; x_i, y_i)"
LATEX_ATTACK = r"\max_{\|\delta\|_\infty \le \varepsilon} \;\; L(\theta;\, x+\delta,\, y)"
LATEX_FGSM = r"x_{\mathrm{adv}} = x + \varepsilon \cdot \operatorname{sign}\big(\nabla_x L(\theta; x, y)\big)"
LATEX_PGD = (r"x^{t+1} = \Pi_{\|x' - x\|_\infty \le \varepsilon}\Big(x^{t} + \alpha \cdot "
             r"\operatorname{sign}\big(\nabla_x L(\theta; x^{t}, y)\big)\Big)")


def tr(key: str, /, **fmt) -> str:
    return ui.tr(key, **fmt)


# ------------------------------------------------------------------ model ---

def hidden_of(v: dict) -> tuple[int, ...]:
    w1, w2 = int(v["w1"]), int(v["w2"])
    return (w1,) if w2 == 0 else (w1, w2)


def train_key(v: dict) -> tuple:
    return ("sl-mlp", DATA_KEY, hidden_of(v), int(v["epochs"]), seedlab.BLOG_BATCH, seedlab.BLOG_LR, int(v["seed"]))


def is_blog(v: dict) -> bool:
    return (hidden_of(v) == seedlab.BLOG_HIDDEN and int(v["epochs"]) == seedlab.BLOG_EPOCHS
            and int(v["seed"]) == seedlab.BLOG_SEED)


def train(ds, v: dict) -> tuple[tuple, models.Trained]:
    key = train_key(v)
    epochs = int(v["epochs"])
    fit = partial(models.fit_mlp, ds.x_train, ds.y_train, hidden=key[2], activation="relu", epochs=epochs,
                  batch_size=seedlab.BLOG_BATCH, lr=seedlab.BLOG_LR, seed=int(v["seed"]))
    return key, ui.shared(key, ui.train_job(fit, epochs), text=ui.train_text("sl_training_now"))


# ---------------------------------------------------------------- caches ---

@st.cache_resource(show_spinner=False, max_entries=4)
def run_blog(code: str) -> dict:
    """Run the displayed blog code once per server; its numbers are what the page shows."""
    run = seedlab.run_snippet(code)
    ns = run.namespace
    m = ns["model"]
    sizes = [int(m.inputs[0].shape[-1])] + [int(layer.units) for layer in m.layers]
    return {"clean_acc": float(ns["clean_acc"]), "adv_acc": float(ns["adv_acc"]), "stdout": run.stdout,
            "seconds": run.seconds, "x_shape": tuple(ns["X"].shape), "train_shape": tuple(ns["X_train"].shape),
            "test_shape": tuple(ns["X_test"].shape), "sizes": sizes}


@st.cache_data(show_spinner=False, max_entries=128)
def cached_curve(_model, model_key, _x, _y, attack: str, norm: str, targeted: bool, target: int, params: tuple,
                 seed: int, eps_hi: float):
    return seedlab.accuracy_curve(_model, _x, _y, attack=attack, eps_values=seedlab.eps_grid(eps_hi), norm=norm,
                                  targeted=targeted, target=target, seed=seed, **dict(params))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_slice(_model, model_key, _res, cfg_key: tuple, point: int, seed: int):
    direction, from_grad = seedlab.slice_direction(_model, _res.x[point], _res.x_adv[point], _res.y[point])
    sl = seedlab.decision_slice(_model, _res.x[point], direction, seed=seed)
    return sl, from_grad


@st.cache_data(show_spinner=False, max_entries=128)
def cached_pca(_x_train, _res, model_key, cfg_key: tuple):
    return seedlab.pca_projection(_x_train, _res.x, _res.x_adv)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_grad(_model, model_key, _x, y: int, point: int):
    return loss_gradient(_model, _x, y)


# ------------------------------------------------------------------ page ---

def reset_to_blog() -> None:
    for name in NET_FIELDS:
        st.session_state[ui.wkey("sl", name)] = STATE.fields[name].default


def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(tr("sl_net_title"))
    ui.slider(STATE, "epochs", tr("sl_epochs"), step=1, where=sb)
    sb.select_slider(tr("sl_w1"), WIDTHS, key=ui.wkey("sl", "w1"))
    sb.select_slider(tr("sl_w2"), ("0",) + WIDTHS, key=ui.wkey("sl", "w2"),
                     format_func=lambda w: tr("sl_w_none") if w == "0" else w)
    ui.number(STATE, "seed", tr("sl_seed"), step=1, where=sb, help=tr("sl_seed_help"))
    sb.caption(tr("sl_net_caption"))
    sb.button(tr("sl_reset"), on_click=reset_to_blog, width="stretch")


def columns(spec=2, **kw):
    """Side-by-side columns, or one block per row on a projector (charts need the width)."""
    if ui.presenter():
        n = spec if isinstance(spec, int) else len(spec)
        return [st.container() for _ in range(n)]
    return st.columns(spec, **kw)


def blog_section() -> dict:
    st.header(tr("sl_blog_title"))
    st.markdown(tr("sl_blog_caption"))
    code = seedlab.blog_snippet(ui.lang())
    with st.spinner(tr("sl_blog_running")):
        out = run_blog(code)
    left, right = columns([2.5, 1], gap="medium")
    with left:
        st.code(code, language="python", line_numbers=True, wrap_lines=True)
    with right:
        st.metric(tr("sl_blog_clean"), f"{out['clean_acc']:.3f}", help=tr("sl_blog_clean_help"))
        st.metric(tr("sl_blog_adv"), f"{out['adv_acc']:.3f}", delta=f"{out['adv_acc'] - out['clean_acc']:+.3f}",
                  help=tr("sl_blog_adv_help"))
        st.markdown(tr("sl_blog_output"))
        st.code(out["stdout"].rstrip(), language="text", wrap_lines=True)
        st.caption(tr("sl_blog_ran", s=out["seconds"]))
    left, right = columns([1.2, 1], gap="large")
    with left:
        st.markdown(tr("sl_check_title"))
        arch = "-".join(str(s) for s in out["sizes"])
        rows = [
            (tr("sl_check_data"), "1000 × 20", "{} × {}".format(*out["x_shape"])),
            (tr("sl_check_split"), "800 / 200", f"{out['train_shape'][0]} / {out['test_shape'][0]}"),
            (tr("sl_check_arch"), "20-64-32-1", arch),
            (tr("sl_check_training"), tr("sl_check_training_blog"), tr("sl_check_training_here")),
        ]
        st.table({tr("sl_check_what"): [r[0] for r in rows], tr("sl_check_blog"): [r[1] for r in rows],
                  tr("sl_check_here"): [r[2] for r in rows]})
    with right, st.expander(tr("sl_diff_title"), expanded=False):
        st.markdown(tr("sl_diff_body"))
    return out


def math_section() -> None:
    st.header(tr("sl_math_title"))
    st.markdown(tr("sl_math_intro"))
    for latex, key in ((LATEX_LOSS, "sl_math_loss"), (LATEX_TRAIN, "sl_math_train"),
                       (LATEX_ATTACK, "sl_math_attack"), (LATEX_FGSM, "sl_math_fgsm"), (LATEX_PGD, "sl_math_pgd")):
        c1, c2 = columns([1.1, 1], gap="large", vertical_alignment="center")
        c1.latex(latex)
        c2.markdown(tr(key))


def main() -> None:
    ui.bind(STATE)
    st.title(tr("sl_title"))
    st.caption(tr("sl_intro"))
    ui.show_notes()
    sidebar_controls()
    v = ui.values(STATE)
    ds = ui.dataset(DATA_KEY)
    blog = blog_section()
    math_section()
    st.header(tr("sl_explore_title"))
    st.caption(tr("sl_explore_caption"))
    model_key, trained = train(ds, v)
    acc = float(np.mean(trained_predict(trained.model, ds.x_test) == ds.y_test))
    arch = "-".join(str(s) for s in trained.spec.sizes)
    line = tr("sl_model_line", arch=arch, epochs=int(v["epochs"]), seed=int(v["seed"]), acc=acc)
    if is_blog(v):
        st.success(line + " — " + tr("sl_model_is_blog"), icon=":material/science:")
    else:
        diff = []
        if hidden_of(v) != seedlab.BLOG_HIDDEN:
            diff.append(tr("sl_diff_arch", arch=arch))
        if int(v["epochs"]) != seedlab.BLOG_EPOCHS:
            diff.append(tr("sl_diff_epochs", n=int(v["epochs"])))
        if int(v["seed"]) != seedlab.BLOG_SEED:
            diff.append(tr("sl_diff_seed", n=int(v["seed"])))
        st.info(line + " — " + tr("sl_model_differs", diff=", ".join(diff)), icon=":material/refresh:")
    _ = blog
    explore(ds, trained, model_key)


def trained_predict(model, x):
    from advlab.attacks import predict
    return predict(model, x)


@st.fragment
def explore(ds, trained, model_key) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    try:
        _explore(ds, trained, model_key)
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is not covered by the page's guard
        st.error(tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")


def _next_fooled(fooled_idx: tuple) -> None:
    k = ui.wkey("sl", "point")
    cur = int(st.session_state.get(k, 0))
    later = [i for i in fooled_idx if i > cur]
    if later or fooled_idx:
        st.session_state[k] = int((later or fooled_idx)[0])


def _explore(ds, trained, model_key) -> None:
    cfg = attack_controls(STATE, n_classes=2)
    v = ui.values(STATE)
    spec = ATTACKS[cfg["attack"]]
    seed = int(v["seed"])
    model = trained.model
    try:
        res = cached_attack(model, model_key, ds.x_test, ds.y_test, DATA_KEY, cfg["attack"], cfg["eps"], cfg["norm"],
                            cfg["targeted"], cfg["target"], cfg["params"], None, seed, False)
    except ValueError as e:
        st.error(tr("sl_attack_error", msg=str(e)), icon=":material/error:")
        ui.sync_url(STATE, v, active_fields(STATE, v))
        return
    cfg_key = (cfg["attack"], cfg["eps"], cfg["norm"], cfg["targeted"], cfg["target"], cfg["params"], seed)
    names = [ui.tr("class_n", k=i) for i in range(2)]

    point = _point_value(len(res.y))
    m = st.columns(4)
    m[0].metric(tr("sl_m_clean"), f"{res.clean_accuracy:.1%}", help=tr("sl_m_clean_help"))
    m[1].metric(tr("sl_m_adv"), f"{res.adv_accuracy:.1%}",
                delta=f"{(res.adv_accuracy - res.clean_accuracy) * 100:+.1f} pt", help=tr("sl_m_adv_help"))
    m[2].metric(tr("sl_m_success"), f"{res.success_rate:.1%}", help=tr("sl_m_success_help"))
    m[3].metric(tr("sl_m_l2"), f"{np.mean(res.l2):.3f}", help=tr("sl_m_l2_help"))

    # --- accuracy vs epsilon, PCA
    left, right = columns(2, gap="large")
    budget_hi = EPS_HI if spec.uses_eps else _budget_range(res, cfg["norm"])
    grid = seedlab.eps_grid(budget_hi)
    with left:
        st.subheader(tr("sl_curve_title"))
        if spec.uses_eps:
            with st.spinner(tr("sl_curve_running")):
                curve = cached_curve(model, model_key, ds.x_test, ds.y_test, cfg["attack"], cfg["norm"],
                                     cfg["targeted"], cfg["target"], cfg["params"], seed, EPS_HI)
        else:
            curve = seedlab.accuracy_within(res, grid, norm=cfg["norm"])
        noise = cached_curve(model, model_key, ds.x_test, ds.y_test, "noise", cfg["norm"], False, 0, (), seed,
                             budget_hi)
        fig = figs.accuracy_vs_eps(grid, curve, baseline=noise, attack=cfg["attack"], norm=cfg["norm"],
                                   eps=cfg["eps"], now=res.adv_accuracy if spec.uses_eps else None,
                                   lang=ui.lang(), presenter=ui.presenter())
        ui.chart(fig, key="sl_curve", filename="advlab-seedlab-accuracy-vs-eps")
        st.caption(tr("sl_curve_caption") if spec.uses_eps else
                   tr("sl_curve_caption_noeps", attack=tr(f"attack_{cfg['attack']}")))
        st.download_button(tr("sl_curve_csv"), _curve_csv(grid, curve, noise), file_name="advlab-seedlab-curve.csv",
                           mime="text/csv", key="sl_curve_dl")
    with right:
        st.subheader(tr("sl_pca_title"))
        proj = cached_pca(ds.x_train, res, model_key, cfg_key)
        ui.chart(figs.pca_scatter(proj, res.y, res.pred_adv, chosen=point, class_names=names, lang=ui.lang(),
                                  presenter=ui.presenter()), key="sl_pca", filename="advlab-seedlab-pca")
        st.caption(tr("sl_pca_caption", share=f"{proj.explained.sum():.0%}", inplane=f"{proj.in_plane:.0%}"))

    # --- one point
    st.subheader(tr("sl_point_title"))
    fooled_idx = tuple(int(i) for i in np.nonzero(res.pred_adv != res.y)[0])
    c1, c2, c3 = st.columns([1, 1, 2.4], vertical_alignment="bottom")
    kp = ui.wkey("sl", "point")
    c1.number_input(tr("sl_point"), 0, len(res.y) - 1, step=1, key=kp, help=tr("sl_point_help"))
    c2.button(tr("sl_next_fooled"), on_click=_next_fooled, args=(fooled_idx,), disabled=not fooled_idx,
              key="sl_next", width="stretch")
    i = point = int(st.session_state[kp])
    pb = proba(model, res.x[i:i + 1])[0]
    pa = proba(model, res.x_adv[i:i + 1])[0]
    if res.pred_clean[i] != res.y[i]:
        verdict = tr("sl_wrong_already")
    elif res.pred_adv[i] != res.y[i]:
        verdict = tr("sl_fooled")
    else:
        verdict = tr("sl_not_fooled")
    c3.markdown(tr("sl_point_status", i=i, true=names[res.y[i]], before=names[res.pred_clean[i]],
                   pb=f"{pb[res.pred_clean[i]]:.0%}", after=names[res.pred_adv[i]], pa=f"{pa[res.pred_adv[i]]:.0%}",
                   verdict=verdict, linf=float(res.linf[i]), l2=float(res.l2[i])))
    if not fooled_idx:
        st.info(tr("sl_no_fooled"), icon=":material/info:")
    roles = ds.info["roles"]
    grad = cached_grad(model, model_key, res.x[i], int(res.y[i]), i)
    eps_draw = cfg["eps"] if spec.uses_eps else None
    bars_box, slice_box = columns(2, gap="large")
    why_box = st.container()
    with bars_box:
        st.markdown("**" + tr("sl_bars_title") + "**")
        ui.chart(figs.feature_bars(res.x_adv[i] - res.x[i], roles, grad=grad, eps=eps_draw, norm=cfg["norm"],
                                   feature_names=ds.feature_names, lang=ui.lang(), presenter=ui.presenter()),
                 key="sl_bars", filename="advlab-seedlab-feature-changes")
        g = np.abs(grad)
        inf_share = float(g[[r == "informative" for r in roles]].sum() / g.sum()) if g.sum() > 0 else 0.0
        note = tr("sl_bars_caption", share=f"{inf_share:.0%}")
        if cfg["attack"] == "fgsm" and cfg["norm"] == "linf":
            note += " " + tr("sl_bars_fgsm")
        st.caption(note)
    with slice_box:
        st.markdown("**" + tr("sl_slice_title") + "**")
        sl, from_grad = cached_slice(model, model_key, res, cfg_key, i, seed)
        ui.chart(figs.slice_map(sl, res.x_adv[i], y_true=int(res.y[i]), eps=eps_draw, norm=cfg["norm"],
                                from_gradient=from_grad, class_names=names, lang=ui.lang(), presenter=ui.presenter()),
                 key="sl_slice", filename="advlab-seedlab-decision-slice")
        if from_grad:
            st.caption(tr("sl_slice_from_grad"))
    why_box.info(tr("sl_slice_why"), icon=":material/explore:")

    st.download_button(tr("sl_csv"), export.results_csv(res, feature_names=ds.feature_names),
                       file_name="advlab-seedlab-adversarial-points.csv", mime="text/csv", key="sl_points_dl")

    # --- the code for this view
    st.header(tr("sl_code_title"))
    st.caption(tr("sl_code_caption"))
    code = export.seed_lab_code(attack=cfg["attack"], eps=cfg["eps"], norm=cfg["norm"], targeted=cfg["targeted"],
                                target=cfg["target"], params=cfg["params"], hidden=hidden_of(v),
                                epochs=int(v["epochs"]), seed=seed, point=i, eps_hi=budget_hi, lang=ui.lang())
    with st.expander(tr("sl_code_expander"), expanded=not ui.presenter()):
        st.code(code, language="python")
    ui.sync_url(STATE, v, active_fields(STATE, v))


def _point_value(n: int) -> int:
    """The chosen point, kept in range (a link may carry any number)."""
    kp = ui.wkey("sl", "point")
    cur = st.session_state.get(kp, 0)
    if not isinstance(cur, int | np.integer) or not 0 <= cur < n:
        st.warning(tr("sl_point_range", i=cur, n=n - 1), icon=":material/warning:")
        st.session_state[kp] = 0
        cur = 0
    return int(cur)


def _budget_range(res, norm: str) -> float:
    """For attacks without an epsilon: a budget axis long enough to show nearly every
    perturbation they found (rounded up to a half unit)."""
    size = res.l2 if norm == "l2" else res.linf
    found = size[res.success]
    top = float(np.quantile(found, 0.98)) if found.size else EPS_HI
    return float(min(max(EPS_HI, np.ceil(top * 1.05 * 2) / 2), 20.0))


def _curve_csv(grid, curve, noise) -> str:
    return export.csv_text({"eps": e, "accuracy_attack": a, "accuracy_noise": b} for e, a, b in zip(grid, curve, noise))


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
