"""Defenses: adversarial training side by side with standard training, the
robustness/accuracy trade-off, and a "defense" whose robustness is only reported."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import streamlit as st

from advlab import defenses, evaluation, export, figures, models, projections, ui
from advlab.data import TWO_D
from advlab.figures import defense as dfig
from advlab.state import Field, PageState
from advlab.ui.controls import BATCHES, LRS, cached_attack, data_key, load_data, mlp_fields, net_kw

DATASETS = (*TWO_D, "blog", "digits")
TEMPS = ("1", "10", "100", "1000", "10000", "100000")
SOURCES = ("same", "other")
EVAL_STEPS = 40  # PGD steps of every evaluation on this page
CURVE_POINTS = 13
SWEEP_POINTS = 7
GRID_RES = 120

STATE = PageState("df", [
    *mlp_fields(datasets=DATASETS, dataset="moons", noise=0.1),
    Field("method", "pgd", "choice", choices=defenses.METHODS),
    Field("teps", 0.4, "float", 0.0, 1.0),
    Field("ratio", 0.5, "float", 0.0, 1.0),
    Field("steps", 7, "int", 1, 20),
    Field("eval_eps", 0.4, "float", 0.0, 1.0),
    Field("emax", 0.6, "float", 0.1, 1.0),
    Field("sweep", True, "bool"),
    Field("temp", "10000", "choice", choices=TEMPS),
    Field("source", "same", "choice", choices=SOURCES),
])
K = "df"


# ------------------------------------------------------------- controls ---

def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(ui.tr("df_data"))
    sb.selectbox(ui.tr("df_dataset"), DATASETS, format_func=lambda k: ui.tr(f"ds_{k}"), key=ui.wkey(K, "dataset"),
                 on_change=_dataset_changed)
    name = st.session_state[ui.wkey(K, "dataset")]
    if name == "blobs":
        ui.slider(STATE, "classes", ui.tr("df_classes"), where=sb)
    if name in TWO_D:
        ui.slider(STATE, "noise", ui.tr("df_noise"), step=0.01, where=sb)
        ui.slider(STATE, "n", ui.tr("df_samples"), step=50, where=sb)
    if name != "blog":
        ui.number(STATE, "dseed", ui.tr("df_dseed"), step=1, where=sb)
    sb.subheader(ui.tr("df_network"))
    ui.slider(STATE, "layers", ui.tr("df_layers"), where=sb)
    ui.slider(STATE, "width", ui.tr("df_width"), where=sb)
    ui.select(STATE, "act", ui.tr("df_activation"), where=sb, radio=True, horizontal=True)
    ui.slider(STATE, "epochs", ui.tr("df_epochs"), step=1, where=sb)
    sb.select_slider(ui.tr("df_lr"), LRS, key=ui.wkey(K, "lr"), help=ui.tr("df_lr_help"))
    sb.select_slider(ui.tr("df_batch"), BATCHES, key=ui.wkey(K, "batch"))
    ui.number(STATE, "seed", ui.tr("df_seed"), step=1, where=sb, help=ui.tr("df_seed_help"))
    sb.subheader(ui.tr("df_charts"))
    ui.slider(STATE, "emax", ui.tr("df_emax"), step=0.05, where=sb, help=ui.tr("df_emax_help"))
    ui.toggle(STATE, "sweep", ui.tr("df_sweep"), where=sb, help=ui.tr("df_sweep_help"))


# ε in standard deviations (2-D sets, blog) and in pixel units (digits, [0, 1]): a
# 0.4 that suits the first wipes out the second
PLAIN_EPS = {"teps": 0.4, "eval_eps": 0.4, "emax": 0.6}
PIXEL_EPS = {"teps": 0.1, "eval_eps": 0.1, "emax": 0.3}


def _dataset_changed() -> None:
    """Moving to or from pixel data swaps the epsilons, unless the learner chose their own."""
    new = st.session_state[ui.wkey(K, "dataset")]
    src, dst = (PLAIN_EPS, PIXEL_EPS) if new == "digits" else (PIXEL_EPS, PLAIN_EPS)
    if all(abs(float(st.session_state.get(ui.wkey(K, k), -1)) - val) < 1e-9 for k, val in src.items()):
        for k, val in dst.items():
            st.session_state[ui.wkey(K, k)] = val
        st.session_state["df_eps_note"] = dst


def training_controls() -> None:
    box = st.container(border=True)
    box.markdown(ui.tr("df_controls_intro"))
    c = box.columns([1.0, 1.3, 1.3, 1.1, 1.3], gap="medium")
    ui.select(STATE, "method", ui.tr("df_method"), fmt=lambda k: ui.tr(f"attack_{k}"), where=c[0], radio=True,
              horizontal=True, help=ui.tr("df_method_help"))
    ui.slider(STATE, "teps", ui.tr("df_teps"), step=0.01, where=c[1], help=ui.tr("df_teps_help"))
    c[2].slider(ui.tr("df_ratio"), 0.0, 1.0, step=0.05, format="%.2f", key=ui.wkey(K, "ratio"),
                help=ui.tr("df_ratio_help"))
    c[3].slider(ui.tr("df_steps"), 1, 20, step=1, key=ui.wkey(K, "steps"), help=ui.tr("df_steps_help"),
                disabled=st.session_state[ui.wkey(K, "method")] != "pgd")
    ui.slider(STATE, "eval_eps", ui.tr("df_eval_eps"), step=0.01, where=c[4], help=ui.tr("df_eval_eps_help"))


# ---------------------------------------------------------- data, models ---

def std_key(v: dict, seed_offset: int = 0) -> tuple:
    kw = net_kw(v)
    kw["seed"] += seed_offset
    return ("df-std", data_key(v), tuple(sorted(kw.items())))


def adv_key(v: dict, eps: float) -> tuple:
    eps = round(float(eps), 4)
    ratio = round(float(v["ratio"]), 4)
    if eps == 0 or ratio == 0:
        return std_key(v)  # nothing adversarial to train on: the standard model
    steps = int(v["steps"]) if v["method"] == "pgd" else 0
    return ("df-adv", data_key(v), tuple(sorted(net_kw(v).items())), v["method"], eps, ratio, steps)


def _trainer(ds, v: dict, key: tuple, eps: float):
    kw = net_kw(v)
    if key[0] == "df-std":
        kw["seed"] = dict(key[2])["seed"]
        return lambda on_epoch: models.fit_mlp(ds.x_train, ds.y_train, on_epoch=on_epoch, **kw)
    return lambda on_epoch: defenses.adversarial_train(
        ds.x_train, ds.y_train, method=v["method"], eps=float(eps), ratio=float(v["ratio"]), steps=int(v["steps"]),
        clip=ds.clip, on_epoch=on_epoch, **kw)


def training(fit, epochs: int):
    """A shared job for ``fit``; its time is the training loop alone (building the
    Keras model afterwards costs the same for both kinds of training, and far
    more on a process's first model)."""
    def compute(job):
        last_epoch = [0.0]

        def on_epoch(ep, logs):
            last_epoch[0] = time.perf_counter()
            job.report(ep / epochs, epoch=ep, epochs=epochs, accuracy=logs["accuracy"])

        t0 = time.perf_counter()
        trained = fit(on_epoch)
        return dataclasses.replace(trained, seconds=last_epoch[0] - t0 if last_epoch[0] else trained.seconds)
    return compute


def train(key: tuple, fit, label: str, epochs: int):
    """The model for ``key``: stored, joined, or trained now with a progress bar."""
    def text(job) -> str:
        i = job.info
        return ui.tr("df_training_now", what=label, ep=i.get("epoch", 0), n=epochs, acc=i.get("accuracy", 0.0))
    return ui.shared(key, training(fit, epochs), text=text)


def method_label(v: dict, eps: float) -> str:
    if v["method"] == "pgd":
        return ui.tr("df_adv_label_pgd", steps=int(v["steps"]), eps=f"{eps:g}", pct=f"{float(v['ratio']):.0%}")
    return ui.tr("df_adv_label_fgsm", eps=f"{eps:g}", pct=f"{float(v['ratio']):.0%}")


def main_models(ds, v: dict):
    """The standard and the adversarially trained model; after a blow-up, the last good pair."""
    epochs = int(v["epochs"])
    try:
        k_std = std_key(v)
        std = train(k_std, _trainer(ds, v, k_std, 0.0), ui.tr("df_std_label"), epochs)
        k_adv = adv_key(v, v["teps"])
        adv = train(k_adv, _trainer(ds, v, k_adv, v["teps"]), method_label(v, float(v["teps"])), epochs)
    except models.TrainingDiverged as e:
        st.warning(ui.tr("df_diverged", lr=v["lr"], epoch=e.epoch), icon=":material/warning:")
        last = st.session_state.get("df_last_good")
        if last is not None and last[0][0][1] == data_key(v):
            return last
        if v["lr"] == "0.01":
            raise
        return main_models(ds, dict(v, lr="0.01"))
    out = ((k_std, k_adv), std, adv)
    st.session_state["df_last_good"] = out
    return out


# ----------------------------------------------------------------- caches ---

@st.cache_data(show_spinner=False, max_entries=64)
def cached_grid(_model, model_key, lim: tuple, res: int):
    g = projections.boundary_grid(_model, lim, res)
    return g.xs, g.ys, g.proba


@st.cache_data(show_spinner=False, max_entries=256)
def pgd_curve(_model, model_key, _ds, eps: tuple, seed: int) -> np.ndarray:
    return evaluation.accuracy_curve(_model, _ds.x_test, _ds.y_test, attack="pgd", eps_values=eps, clip=_ds.clip,
                                     seed=seed, steps=EVAL_STEPS)


def pgd_points(model, model_key, ds, dkey, eps: float, seed: int):
    return cached_attack(model, model_key, ds.x_test, ds.y_test, dkey, "pgd", float(eps), "linf", False, 0,
                         (("restarts", 1), ("steps", EVAL_STEPS)), ds.clip, seed, False)


@st.cache_data(show_spinner=False, max_entries=64)
def tradeoff_scores(_models, keys: tuple, _ds, train_eps: tuple, eval_eps: float, seed: int, seconds: tuple):
    return defenses.evaluate_tradeoff(list(_models), _ds.x_test, _ds.y_test, train_eps=train_eps, eval_eps=eval_eps,
                                      clip=_ds.clip, steps=EVAL_STEPS, seed=seed, seconds=seconds)


@st.cache_data(show_spinner=False, max_entries=64)
def masking_report(_masked, masked_key, _source, source_key, _ds, eps: tuple, seed: int):
    return defenses.reported_vs_real(_masked, _source, _ds.x_test, _ds.y_test, eps_values=eps, clip=_ds.clip,
                                     steps=EVAL_STEPS, seed=seed)


def eps_grid(emax: float, n: int) -> tuple:
    return tuple(float(e) for e in evaluation.eps_grid(emax, n, decimals=4))


def curve_max(v: dict) -> float:
    """The charts reach the largest ε chosen, so the marked training and evaluation ε are always on them."""
    return max(float(v["emax"]), float(v["teps"]), float(v["eval_eps"]))


def columns(spec, **kw):
    """Side by side on a laptop; one under the other on a projector."""
    if ui.presenter():
        return [st.container() for _ in (spec if isinstance(spec, list | tuple) else range(spec))]
    return st.columns(spec, **kw)


def metric_row(n: int) -> list:
    """``n`` metric slots: one row on a laptop; on a projector, where big numbers and
    full labels need the width, rows of two (standard and adversarial side by side)."""
    if not ui.presenter():
        return st.columns(n)
    out = []
    while len(out) < n:
        out += st.columns(2)
    return out[:n]


# --------------------------------------------------------------- sections ---

def compare_section(ds, v: dict, keys, std, adv) -> None:
    st.subheader(ui.tr("df_compare_title"))
    dkey = data_key(v)
    seed = int(v["seed"])
    ev = float(v["eval_eps"])
    r_std = pgd_points(std.model, keys[0], ds, dkey, ev, seed)
    r_adv = pgd_points(adv.model, keys[1], ds, dkey, ev, seed)
    m = metric_row(5)
    m[0].metric(ui.tr("df_m_std_clean"), f"{r_std.clean_accuracy:.1%}", help=ui.tr("df_m_clean_help"))
    m[1].metric(ui.tr("df_m_adv_clean"), f"{r_adv.clean_accuracy:.1%}",
                delta=f"{(r_adv.clean_accuracy - r_std.clean_accuracy) * 100:+.1f} pt", help=ui.tr("df_m_clean_help"))
    m[2].metric(ui.tr("df_m_std_pgd", eps=f"{ev:g}"), f"{r_std.adv_accuracy:.1%}", help=ui.tr("df_m_pgd_help"))
    m[3].metric(ui.tr("df_m_adv_pgd", eps=f"{ev:g}"), f"{r_adv.adv_accuracy:.1%}",
                delta=f"{(r_adv.adv_accuracy - r_std.adv_accuracy) * 100:+.1f} pt", help=ui.tr("df_m_pgd_help"))
    ratio = adv.seconds / std.seconds if std.seconds > 0 else float("nan")
    m[4].metric(ui.tr("df_m_time"), f"{ratio:.1f}×",
                help=ui.tr("df_m_time_help", adv=f"{adv.seconds:.2f}", std=f"{std.seconds:.2f}"))
    if float(v["teps"]) == 0 or float(v["ratio"]) == 0:
        st.info(ui.tr("df_same_as_standard"), icon=":material/info:")

    if ds.n_features == 2:
        lim = projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
        names = [ui.tr("class_n", k=i) for i in range(ds.n_classes)]
        cols = columns(2, gap="medium")
        for col, (title, trained, key, res) in zip(cols, (
                (ui.tr("df_map_std"), std, keys[0], r_std),
                (method_label(v, float(v["teps"])), adv, keys[1], r_adv))):
            with col:
                st.markdown(f"**{title}**")
                xs, ys, p = cached_grid(trained.model, key, lim, GRID_RES)
                fig = figures.decision_map(xs, ys, p, lang=ui.lang(), presenter=ui.presenter())
                figures.add_points(fig, ds.x_test, ds.y_test, split="test", lang=ui.lang(), class_names=names)
                # arrows only where the attack wins: the two maps differ in how many there are
                f = res.pred_adv != res.y
                if f.any():
                    figures.add_adversarial(fig, res.x[f], res.x_adv[f], res.y[f], res.pred_adv[f], lang=ui.lang(),
                                            presenter=ui.presenter(), class_names=names)
                fig.update_layout(height=560 if ui.presenter() else 440, showlegend=False)
                ui.chart(fig, key=f"df_map_{'adv' if trained is adv else 'std'}",
                         filename="advlab-defense-map-" + ("adversarial" if trained is adv else "standard"))
        st.caption(ui.tr("df_map_caption", eps=f"{ev:g}"))
    else:
        st.caption(ui.tr("df_no_map", d=ds.n_features))

    grid = eps_grid(curve_max(v), CURVE_POINTS)
    c_std = pgd_curve(std.model, keys[0], ds, grid, seed)
    c_adv = pgd_curve(adv.model, keys[1], ds, grid, seed)
    left, right = columns([2.2, 1], gap="large")
    with left:
        st.markdown(f"**{ui.tr('df_curve_title')}**")
        ui.chart(dfig.adv_training_curves(grid, c_std, c_adv, train_eps=float(v["teps"]), eval_eps=ev,
                                          lang=ui.lang(), presenter=ui.presenter()),
                 key="df_curves", filename="advlab-adversarial-training-curves")
    with right:
        st.markdown(ui.tr("df_curve_explain"))
        rows = [{"eps": e, "standard_pgd_accuracy": float(a), "adversarial_pgd_accuracy": float(b)}
                for e, a, b in zip(grid, c_std, c_adv)]
        st.download_button(ui.tr("df_csv_curves"), export.csv_text(rows), file_name="advlab-adversarial-training-curves.csv",
                           mime="text/csv", key="df_csv_curves", width="stretch")


def tradeoff_section(ds, v: dict, keys, std) -> None:
    st.subheader(ui.tr("df_tradeoff_title"))
    st.caption(ui.tr("df_tradeoff_intro"))
    if not v["sweep"]:
        st.info(ui.tr("df_sweep_off"), icon=":material/info:")
        return
    train_eps = eps_grid(v["emax"], SWEEP_POINTS)
    epochs = int(v["epochs"])
    sweep_keys = [adv_key(v, e) for e in train_eps]
    items = [(k, training(_trainer(ds, v, k, e), epochs)) for k, e in zip(sweep_keys, train_eps)]
    eps_of = dict(zip(sweep_keys, train_eps))

    def text(done, n, job) -> str:
        return ui.tr("df_sweep_now", i=done + 1, n=n, eps=f"{eps_of.get(job.key, 0):g}")

    trained = ui.shared_all(items, text=text)
    for e, item in zip(train_eps, trained):
        if isinstance(item, models.TrainingDiverged):
            st.warning(ui.tr("df_sweep_diverged", eps=f"{e:g}", epoch=item.epoch), icon=":material/warning:")
            return
        if isinstance(item, BaseException):
            raise item
    ev = float(v["eval_eps"])
    res = tradeoff_scores(tuple(t.model for t in trained), tuple(sweep_keys), ds, train_eps, ev, int(v["seed"]),
                          tuple(round(t.seconds, 4) for t in trained))
    left, right = columns([2.2, 1], gap="large")
    with left:
        ui.chart(dfig.tradeoff_chart(res.train_eps, res.clean, res.robust, eval_eps=ev, current=float(v["teps"]),
                                     lang=ui.lang(), presenter=ui.presenter()),
                 key="df_tradeoff", filename="advlab-robustness-accuracy-tradeoff")
    with right:
        best = int(np.argmax(res.robust))
        st.markdown(ui.tr("df_tradeoff_read", clean0=f"{res.clean[0]:.0%}", clean1=f"{res.clean[-1]:.0%}",
                          emax=f"{res.train_eps[-1]:g}", rob0=f"{res.robust[0]:.0%}", robbest=f"{res.robust[best]:.0%}",
                          ebest=f"{res.train_eps[best]:g}", ev=f"{ev:g}"))
        st.download_button(ui.tr("df_csv_tradeoff"), export.csv_text(res.rows()), file_name="advlab-tradeoff-sweep.csv",
                           mime="text/csv", key="df_csv_tradeoff", width="stretch")


@st.fragment
def masking_section(ds, keys, std) -> None:
    """Reported vs real robustness; its controls rerun only this part."""
    try:
        _masking_section(ds, keys, std)
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is not covered by the page's guard
        st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")


def _masking_section(ds, keys, std) -> None:
    st.subheader(ui.tr("df_mask_title"))
    st.markdown(ui.tr("df_mask_intro"))
    c1, c2 = st.columns([1.3, 2])
    c1.select_slider(ui.tr("df_temp"), TEMPS, key=ui.wkey(K, "temp"), help=ui.tr("df_temp_help"),
                     format_func=lambda s: f"{int(s):,}")
    ui.select(STATE, "source", ui.tr("df_source"), fmt=lambda k: ui.tr(f"df_source_{k}"), where=c2, radio=True,
              horizontal=True, help=ui.tr("df_source_help"))
    v = ui.values(STATE)
    temp = float(v["temp"])
    mkey = ("df-masked", keys[0], temp)
    masked = ui.stored_model(mkey)
    if masked is None:
        masked = defenses.saturate(std, temperature=temp)
        ui.store_model(mkey, masked)
    if v["source"] == "same":
        skey, source = keys[0], std.model
    else:
        skey = std_key(v, seed_offset=1)
        source = train(skey, _trainer(ds, v, skey, 0.0), ui.tr("df_source_training"), int(v["epochs"])).model
    seed = int(v["seed"])
    ev = float(v["eval_eps"])
    grid = eps_grid(curve_max(v), CURVE_POINTS)
    rep = masking_report(masked, mkey, source, skey, ds, grid, seed)
    at = masking_report(masked, mkey, source, skey, ds, (ev,), seed)
    f, p, tr_ = float(at.fgsm[0]), float(at.pgd[0]), float(at.transfer[0])
    m = metric_row(4)
    m[0].metric(ui.tr("df_m_mask_fgsm", eps=f"{ev:g}"), f"{f:.1%}", help=ui.tr("df_m_mask_fgsm_help"))
    m[1].metric(ui.tr("df_m_mask_pgd", eps=f"{ev:g}"), f"{p:.1%}", help=ui.tr("df_m_mask_pgd_help"))
    m[2].metric(ui.tr("df_m_mask_transfer", eps=f"{ev:g}"), f"{tr_:.1%}", delta=f"{(tr_ - f) * 100:+.1f} pt",
                help=ui.tr("df_m_mask_transfer_help"))
    m[3].metric(ui.tr("df_m_zero_grad"), f"{rep.zero_gradient_share:.0%}", help=ui.tr("df_m_zero_grad_help"))
    left, right = columns([2.2, 1], gap="large")
    with left:
        ui.chart(dfig.masking_chart(rep.eps, rep.fgsm, rep.pgd, rep.transfer, eval_eps=ev, lang=ui.lang(),
                                    presenter=ui.presenter()),
                 key="df_masking", filename="advlab-reported-vs-real-robustness")
    with right:
        if temp >= 1000 and f - tr_ > 0.05:
            st.markdown(ui.tr("df_mask_lie", t=f"{int(temp):,}", f=f"{f:.0%}", p=f"{p:.0%}", tr=f"{tr_:.0%}",
                              z=f"{rep.zero_gradient_share:.0%}", ev=f"{ev:g}"))
        elif temp < 1000:
            st.markdown(ui.tr("df_mask_low_temp", t=f"{int(temp):,}"))
        else:
            st.markdown(ui.tr("df_mask_no_gap", ev=f"{ev:g}"))
        st.caption(ui.tr("df_mask_refs"))
        st.download_button(ui.tr("df_csv_masking"), export.csv_text(rep.rows()), file_name="advlab-reported-vs-real.csv",
                           mime="text/csv", key="df_csv_masking", width="stretch")
    ui.sync_url(STATE, v)


def main() -> None:
    ui.bind(STATE)
    st.title(ui.tr("df_title"))
    st.caption(ui.tr("df_intro"))
    ui.show_notes()
    sidebar_controls()
    training_controls()
    v = ui.values(STATE)
    note = st.session_state.pop("df_eps_note", None)
    if note:
        st.info(ui.tr("df_eps_adjusted", teps=f"{note['teps']:g}", ev=f"{note['eval_eps']:g}",
                      emax=f"{note['emax']:g}"), icon=":material/tune:")
    ds = load_data(v)
    keys, std, adv = main_models(ds, v)
    compare_section(ds, v, keys, std, adv)
    st.divider()
    tradeoff_section(ds, v, keys, std)
    st.divider()
    masking_section(ds, keys, std)
    with st.expander(ui.tr("df_try_title"), expanded=False):
        st.markdown(ui.tr("df_try"))
    ui.sync_url(STATE, v)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
