"""Robustness: how much budget each attack needs, and how far the boundary is."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from functools import partial

import numpy as np
import streamlit as st

from advlab import evaluation, export, models, robustness, ui
from advlab.attacks import ATTACKS, predict
from advlab.data import TWO_D
from advlab.figures import robustness as rfig
from advlab.state import Field, PageState
from advlab.ui.controls import attack_fields

PAGE = "rb"
DATASETS = TWO_D + ("blog", "digits")
CURVES = evaluation.CURVE_ATTACKS
MIN_METHODS = ("deepfool", "cw")
# the attacks whose own parameters this page exposes (curves and minimal perturbations)
_PARAM_FIELDS = [f for f in attack_fields() if any(f.name.startswith(f"{k}_") for k in CURVES + MIN_METHODS)]

# Per family: epochs that fit the data, and the optimizer's step. The blog
# settings are the Seed Lab post's (64-32, 10 epochs, Adam 1e-3).
EPOCHS = {"2d": 100, "blog": 10, "digits": 20}
LR = {"2d": 0.01, "blog": 1e-3, "digits": 1e-3}

STATE = PageState(PAGE, [
    Field("dataset", "blog", "choice", choices=DATASETS),
    Field("n", 1000, "int", 100, 3000),
    Field("layers", 2, "int", 1, 4),
    Field("width", 64, "int", 4, 256),
    Field("epochs", EPOCHS["blog"], "int", 1, 500),
    Field("seed", 0, "int", 0, 9999),
    Field("points", 200, "int", 20, 500),
    Field("norm", "linf", "choice", choices=("linf", "l2")),
    Field("eps_max", 1.0, "float", 0.05, 10.0),
    Field("n_eps", 20, "int", 5, 40),
    Field("eps", 0.3, "float", 0.0, 10.0),
    Field("show", "accuracy", "choice", choices=("accuracy", "success")),
    *[Field(f"a_{a}", True, "bool") for a in CURVES],
    *_PARAM_FIELDS,
])


def family(dataset: str) -> str:
    return dataset if dataset in ("blog", "digits") else "2d"


def _k(name: str) -> str:
    return ui.wkey(PAGE, name)


def _suggest_eps() -> None:
    """A new dataset or norm gets an epsilon range that shows its whole drop."""
    ds = st.session_state[_k("dataset")]
    norm = st.session_state[_k("norm")]
    top = robustness.suggested_eps_max(dataset=ds, norm=norm)
    st.session_state[_k("eps_max")] = top
    st.session_state[_k("eps")] = round(top * 0.3, 3)


def _on_dataset() -> None:
    st.session_state[_k("epochs")] = EPOCHS[family(st.session_state[_k("dataset")])]
    _suggest_eps()


# ------------------------------------------------------------------ model ---

def data_key(v: dict) -> tuple:
    return (v["dataset"], int(v["n"]) if v["dataset"] in TWO_D else 0)


def train_key(v: dict) -> tuple:
    fam = family(v["dataset"])
    return ("rb-mlp", data_key(v), robustness.hidden_layers(width=int(v["width"]), layers=int(v["layers"])),
            int(v["epochs"]), LR[fam], int(v["seed"]))


def load_data(v: dict):
    if v["dataset"] in TWO_D:
        return ui.dataset(v["dataset"], int(v["n"]), None, 0, 3)
    return ui.dataset(v["dataset"])


def train(ds, key: tuple):
    """Train with a progress bar, or fetch the model trained earlier with these settings."""
    _, _, hidden, epochs, lr, seed = key
    fit = partial(models.fit_mlp, ds.x_train, ds.y_train, hidden=hidden, epochs=epochs, lr=lr, seed=seed)
    return ui.shared(key, ui.train_job(fit, epochs), text=ui.train_text("rb_training_now", loss=False))


# ---------------------------------------------------------------- caches ---

@st.cache_data(show_spinner=False, max_entries=6000)
def cached_cell(_model, model_key, _x, _y, data_key, n_points, attack, eps, norm, params: tuple, clip, seed):
    """One attack at one epsilon; cell by cell so adding an attack or an epsilon reuses the rest."""
    return evaluation.attack_cell(_model, _x, _y, attack=attack, eps=eps, norm=norm, clip=clip, seed=seed,
                                  params=dict(params))


@st.cache_resource(show_spinner=False)
def _finished() -> dict:
    """Finished curve sets and distance lists by their full settings, shared by
    all sessions and read-only: returning to a view is one dictionary lookup
    instead of a hundred cache hits that each copy their cell."""
    return {"items": OrderedDict(), "lock": threading.Lock()}


_MAX_FINISHED = 256


def finished(key: tuple):
    store = _finished()
    with store["lock"]:
        item = store["items"].get(key)
        if item is not None:
            store["items"].move_to_end(key)
        return item


def keep(key: tuple, item) -> None:
    store = _finished()
    with store["lock"]:
        store["items"][key] = item
        while len(store["items"]) > _MAX_FINISHED:
            store["items"].popitem(last=False)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_min(_model, model_key, _x, _y, data_key, n_points, method, params: tuple, clip):
    return evaluation.minimal_distances(_model, _x, _y, method=method, clip=clip, params=dict(params))


# --------------------------------------------------------------- controls ---

def sidebar_controls(v_dataset: str) -> None:
    sb = st.sidebar
    sb.subheader(ui.tr("rb_data"))
    sb.selectbox(ui.tr("rb_dataset"), DATASETS, key=_k("dataset"), format_func=dataset_name, on_change=_on_dataset)
    if v_dataset in TWO_D:
        ui.slider(STATE, "n", ui.tr("rb_samples"), step=100, where=sb)
    sb.subheader(ui.tr("rb_network"))
    ui.slider(STATE, "layers", ui.tr("rb_layers"), where=sb)
    ui.slider(STATE, "width", ui.tr("rb_width"), step=4, where=sb, help=ui.tr("rb_width_help"))
    sb.subheader(ui.tr("rb_training"))
    ui.slider(STATE, "epochs", ui.tr("rb_epochs"), where=sb)
    ui.number(STATE, "seed", ui.tr("rb_seed"), step=1, where=sb, help=ui.tr("rb_seed_help"))
    sb.subheader(ui.tr("rb_evaluation"))
    ui.slider(STATE, "points", ui.tr("rb_points"), step=10, where=sb, help=ui.tr("rb_points_help"))


def dataset_name(k: str) -> str:
    # this page draws blobs with 3 classes only
    return ui.tr("rb_ds_blobs") if k == "blobs" else ui.tr(f"ds_{k}")


def _param_control(attack: str, p, where) -> None:
    name = f"{attack}_{p.name}"
    f = STATE.fields[name]
    label = ui.tr(f"param_{p.name}")
    if p.log:
        cur = float(st.session_state.get(_k(name), f.default))
        opts = sorted({float(f"{x:.3g}") for x in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
                       if f.lo <= x <= f.hi} | {cur})
        where.select_slider(label, opts, key=_k(name))
    else:
        ui.slider(STATE, name, label, step=int(p.step) if p.integer else p.step, where=where)


def attack_params(attack: str) -> tuple:
    return tuple(sorted((p.name, st.session_state[_k(f"{attack}_{p.name}")]) for p in ATTACKS[attack].params))


def first_visit_defaults() -> None:
    """A link that names a dataset but not its epsilons or epochs gets the
    ones that fit that dataset, not the blog's."""
    try:
        given = set(st.query_params)
    except Exception:  # noqa: BLE001 - no URL outside a browser session
        given = set()
    ds = st.session_state[_k("dataset")]
    if "epochs" not in given:
        st.session_state[_k("epochs")] = EPOCHS[family(ds)]
    if "eps_max" not in given:
        st.session_state[_k("eps_max")] = robustness.suggested_eps_max(dataset=ds, norm=st.session_state[_k("norm")])
    if "eps" not in given:
        st.session_state[_k("eps")] = round(float(st.session_state[_k("eps_max")]) * 0.3, 3)


def check_ranges(dataset: str, norm: str) -> None:
    """Epsilons that do not fit this dataset (say, from a shared link) are
    pulled back into range, with a message saying what is allowed. Lowering
    the range below the table's epsilon just takes that epsilon along."""
    first = not st.session_state.get("_rb_ranges_checked")
    st.session_state["_rb_ranges_checked"] = True
    limit = robustness.eps_limit(dataset=dataset, norm=norm)
    k_max, k_eps = _k("eps_max"), _k("eps")
    if float(st.session_state[k_max]) > limit:
        st.warning(ui.tr("rb_eps_max_range", got=float(st.session_state[k_max]), hi=limit,
                         ds=dataset_name(dataset), norm=ui.tr(f"rb_norm_{norm}")), icon=":material/warning:")
        st.session_state[k_max] = limit
    top = float(st.session_state[k_max])
    if float(st.session_state[k_eps]) > top:
        if first:
                st.warning(ui.tr("rb_eps_range", got=float(st.session_state[k_eps]), hi=top), icon=":material/warning:")
        st.session_state[k_eps] = top


# ------------------------------------------------------------------- page ---

def main() -> None:
    first = f"_init_{PAGE}" not in st.session_state
    ui.bind(STATE)
    if first:
        first_visit_defaults()
    st.title(ui.tr("rb_title"))
    st.caption(ui.tr("rb_intro"))
    ui.show_notes()
    sidebar_controls(st.session_state[_k("dataset")])
    v = ui.values(STATE)
    ds = load_data(v)
    key = train_key(v)
    trained = train(ds, key)
    n_all = len(ds.x_test)
    n = min(int(v["points"]), n_all)
    if int(v["points"]) > n_all:
        st.info(ui.tr("rb_points_capped", want=int(v["points"]), n=n_all), icon=":material/info:")
    acc = float(np.mean(predict(trained.model, ds.x_test) == ds.y_test))
    m = st.columns(4)
    m[0].metric(ui.tr("rb_clean_acc"), f"{acc:.1%}", help=ui.tr("rb_clean_acc_help", n=n_all))
    arch = " → ".join(str(s) for s in trained.spec.sizes)
    m[1].metric(ui.tr("rb_arch"), "-".join(str(h) for h in trained.spec.hidden), help=ui.tr("rb_arch_help", arch=arch))
    m[2].metric(ui.tr("rb_trained", ep=len(trained.history)), ui.tr("rb_trained_value", ms=trained.seconds * 1000),
                help=ui.tr("rb_trained_help", lr=key[4]))
    m[3].metric(ui.tr("rb_points_used"), f"{n} / {n_all}", help=ui.tr("rb_points_help"))
    analysis(ds, trained, key, n)
    ui.sync_url(STATE, ui.values(STATE))


@st.fragment
def analysis(ds, trained, model_key, n) -> None:
    """Everything after training: changing epsilons or attacks reruns only this."""
    try:
        _analysis(ds, trained, model_key, n)
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is not covered by the page's guard
        st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")


def _analysis(ds, trained, model_key, n) -> None:
    lang, pres = ui.lang(), ui.presenter()
    dataset = st.session_state[_k("dataset")]
    x, y = ds.x_test[:n], ds.y_test[:n]
    dkey = (model_key[1], n)
    clip = tuple(ds.clip) if ds.clip is not None else None

    st.subheader(ui.tr("rb_curves_title"))
    check_ranges(dataset, st.session_state[_k("norm")])
    box = st.expander(ui.tr("rb_settings"), expanded=False) if pres else st.container()
    with box:
        cols = st.columns(len(CURVES))
        for c, a in zip(cols, CURVES):
            c.checkbox(ui.tr(f"attack_{a}"), key=_k(f"a_{a}"))
        c1, c2, c3 = st.columns([1.3, 1.5, 1.0])
        c1.selectbox(ui.tr("norm_label"), ("linf", "l2"), key=_k("norm"), format_func=lambda k: ui.tr(f"norm_{k}"),
                     on_change=_suggest_eps)
        norm = st.session_state[_k("norm")]
        limit = robustness.eps_limit(dataset=dataset, norm=norm)
        step = 0.01 if limit <= 1 else 0.05
        c2.slider(ui.tr("rb_eps_max"), 0.05, float(limit), step=step, key=_k("eps_max"),
                  help=ui.tr("rb_eps_max_help"))
        ui.slider(STATE, "n_eps", ui.tr("rb_n_eps"), where=c3, help=ui.tr("rb_n_eps_help"))
        attacks = tuple(a for a in CURVES if st.session_state[_k(f"a_{a}")])
        with st.expander(ui.tr("rb_attack_settings")):
            with_params = [a for a in attacks if ATTACKS[a].params]
            if not with_params:
                st.caption(ui.tr("rb_no_params"))
            for a in with_params:
                pc = st.columns([1.2] + [2] * len(ATTACKS[a].params))
                pc[0].markdown(f"**{ui.tr(f'attack_{a}')}**")
                for i, p in enumerate(ATTACKS[a].params):
                    _param_control(a, p, pc[i + 1])
    v = ui.values(STATE)
    norm = v["norm"]
    eps_grid = evaluation.eps_grid(eps_max=float(v["eps_max"]), n=int(v["n_eps"]))
    seed = int(v["seed"])

    curves = None
    if not attacks:
        st.warning(ui.tr("rb_no_attack"), icon=":material/warning:")
    else:
        curves = compute_curves(trained.model, model_key, x, y, dkey, attacks, eps_grid, norm, clip, seed,
                                ds.n_classes)
        show_curves(curves, float(v["eps"]), ds, lang, pres)

    st.divider()
    minimal_section(trained.model, model_key, x, y, dkey, clip, norm, float(v["eps"]), ds, lang, pres)

    st.divider()
    table_section(trained.model, model_key, x, y, dkey, attacks, norm, clip, seed, ds)
    ui.sync_url(STATE, ui.values(STATE))


def compute_curves(model, model_key, x, y, dkey, attacks, eps_grid, norm, clip, seed, n_classes):
    """Every (attack, epsilon) cell, with a progress bar when anything has to be computed."""
    params_all = tuple((a, attack_params(a)) for a in attacks)
    key = ("curves", model_key, dkey, params_all, tuple(float(e) for e in eps_grid), norm, clip, seed)
    done_set = finished(key)
    if done_set is not None:
        return done_set
    total = len(attacks) * len(eps_grid)
    slot = st.empty()
    bar = None
    cells = {}
    done = 0
    for a in attacks:
        params = attack_params(a)
        for j, e in enumerate(eps_grid):
            t0 = time.perf_counter()
            cells[(a, j)] = cached_cell(model, model_key, x, y, dkey, len(x), a, float(e), norm, params, clip, seed)
            done += 1
            # cache hits take microseconds: only real work earns a progress bar
            if bar is None and time.perf_counter() - t0 > 0.02 and done < total:
                bar = slot.progress(0.0)
            if bar is not None:
                bar.progress(done / total, text=ui.tr("rb_computing", attack=ui.tr(f"attack_{a}"), eps=e,
                                                      done=done, total=total))
    slot.empty()
    out = evaluation.CurveSet.from_cells(eps_grid, attacks, cells, norm=norm, n_points=len(x), n_classes=n_classes)
    for arr in (out.eps, out.accuracy, out.success, out.linf, out.l2, out.l0):
        arr.flags.writeable = False  # shared by every session that asks for these settings
    keep(key, out)
    return out


def show_curves(curves, mark_eps: float, ds, lang: str, pres: bool) -> None:
    acc = {a: curves.curve(a) for a in curves.attacks}
    succ = {a: curves.curve(a, "success") for a in curves.attacks}
    chance = 1.0 / ds.n_classes
    # one chart at a time (a radio, not tabs): a chart in a hidden tab has no size to draw at
    show = ui.select(STATE, "show", ui.tr("rb_show"), fmt=lambda k: ui.tr(f"rb_show_{k}"), radio=True,
                     horizontal=True)
    if show == "success":
        fig = rfig.robustness_curves(curves.eps, succ, metric="success", norm=curves.norm, mark_eps=mark_eps,
                                     lang=lang, presenter=pres)
        ui.chart(fig, key="rb_curves_success", filename="advlab-robustness-success-rate")
        st.caption(ui.tr("rb_success_caption"))
    else:
        fig = rfig.robustness_curves(curves.eps, acc, metric="accuracy", norm=curves.norm,
                                     clean=curves.clean_accuracy, chance=chance, mark_eps=mark_eps, lang=lang,
                                     presenter=pres)
        ui.chart(fig, key="rb_curves_acc", filename="advlab-robustness-accuracy")
    if not ("noise" in curves.attacks and "pgd" in curves.attacks):
        st.caption(ui.tr("rb_band_hint"))
    for s in robustness.find_shapes(curves):
        explain(shape_text(s, curves, ds))
    c1, c2 = st.columns([3, 1])
    with c1.expander(ui.tr("rb_read_title"), expanded=False):
        st.markdown(ui.tr("rb_read_curves", n=curves.n_points, norm=ui.tr(f"rb_norm_{curves.norm}")))
    c2.download_button(ui.tr("rb_csv_curves"), export.csv_text(curves.rows()), file_name=f"advlab-robustness-{ds.name}.csv",
                       mime="text/csv", key="rb_dl_curves", on_click="ignore", width="stretch")


def explain(text: str) -> None:
    """A note on what the numbers show. On a projector it is content, not an
    aside: plain markdown in a frame takes the presenter's large text, which
    an alert box does not."""
    if ui.presenter():
        st.container(border=True).markdown(":material/search: " + text)
    else:
        st.info(text, icon=":material/search:")


def shape_text(s, curves, ds) -> str:
    name = ui.tr(f"attack_{s.attack}")
    if s.kind == "rebound":
        key = "rb_shape_rebound_fgsm" if s.attack == "fgsm" else "rb_shape_rebound"
        return ui.tr(key, attack=name, e0=s.eps_from, v0=s.value_from, e1=s.eps, v1=s.value)
    if s.kind == "zero":
        return ui.tr("rb_shape_zero", attack=name, eps=s.eps)
    if s.kind == "noise_flat":
        d = ds.n_features
        return ui.tr("rb_shape_noise_flat", clean=curves.clean_accuracy, noise=s.value, eps=s.eps,
                     attack=ui.tr(f"attack_{s.other}"), best=s.value_from, d=d, sqrt=math.sqrt(d))
    return ui.tr("rb_shape_weaker", attack=name, other=ui.tr(f"attack_{s.other}"), eps=s.eps, v=s.value,
                 v2=s.value_from)


def minimal_section(model, model_key, x, y, dkey, clip, norm, eps, ds, lang, pres) -> None:
    st.subheader(ui.tr("rb_min_title"))
    st.caption(ui.tr("rb_min_intro"))
    with st.expander(ui.tr("rb_min_settings")):
        for a in MIN_METHODS:
            pc = st.columns([1.2] + [2] * len(ATTACKS[a].params))
            pc[0].markdown(f"**{ui.tr(f'attack_{a}')}**")
            for i, p in enumerate(ATTACKS[a].params):
                _param_control(a, p, pc[i + 1])
    key = ("min", model_key, dkey, tuple((a, attack_params(a)) for a in MIN_METHODS), clip)
    dist = finished(key)
    if dist is None:
        dist = {}
        with st.spinner(ui.tr("rb_min_computing")):
            for a in MIN_METHODS:
                dist[a] = cached_min(model, model_key, x, y, dkey, len(x), a, attack_params(a), clip)
                dist[a].flags.writeable = False
        keep(key, dist)
    correct = ~np.isnan(dist["deepfool"])
    d_ok = {a: d[correct] for a, d in dist.items()}
    if not correct.any():
        st.warning(ui.tr("rb_min_none"), icon=":material/warning:")
        return
    mark = eps if norm == "l2" else None
    m = st.columns(4)
    for i, a in enumerate(MIN_METHODS):
        fin = d_ok[a][np.isfinite(d_ok[a])]
        m[i].metric(ui.tr("rb_min_median", method=ui.tr(f"attack_{a}")),
                    f"{np.median(fin):.3f}" if fin.size else "—", help=ui.tr("rb_min_median_help"))
    both = np.isfinite(d_ok["cw"]) & np.isfinite(d_ok["deepfool"]) & (d_ok["deepfool"] > 0)
    ratio = float(np.median(d_ok["cw"][both] / d_ok["deepfool"][both])) if both.any() else float("nan")
    m[2].metric(ui.tr("rb_min_ratio"), f"{ratio:.2f}×" if np.isfinite(ratio) else "—",
                help=ui.tr("rb_min_ratio_help"))
    if mark is not None:
        within = float(evaluation.flip_fraction(d_ok["cw"], [mark])[0])
        m[3].metric(ui.tr("rb_min_within", eps=mark), f"{within:.0%}", help=ui.tr("rb_min_within_help"))
    else:
        m[3].metric(ui.tr("rb_min_correct"), f"{int(correct.sum())} / {len(correct)}",
                    help=ui.tr("rb_min_correct_help"))
    left, right = st.columns(2, gap="large")
    with left:
        ui.chart(rfig.distance_histogram(d_ok, mark_eps=mark, lang=lang, presenter=pres), key="rb_min_hist",
                 filename="advlab-minimal-perturbations-histogram")
    with right:
        ui.chart(rfig.flip_curve(d_ok, mark_eps=mark, lang=lang, presenter=pres), key="rb_min_flip",
                 filename="advlab-minimal-perturbations-cumulative")
    failed = {a: int(np.sum(~np.isfinite(d))) for a, d in d_ok.items()}
    if any(failed.values()):
        st.caption(ui.tr("rb_min_failed", df=failed["deepfool"], cw=failed["cw"]))
    c1, c2 = st.columns([3, 1])
    with c1.expander(ui.tr("rb_read_title"), expanded=False):
        st.markdown(ui.tr("rb_read_min"))
        if norm != "l2":
            st.markdown(ui.tr("rb_read_min_linf", d=ds.n_features, sqrt=math.sqrt(ds.n_features)))
    rows = []
    for i in range(len(y)):
        rows.append({"point": i, "true_class": int(y[i]), "correct": bool(correct[i]),
                     "deepfool_l2": _num(dist["deepfool"][i]), "cw_l2": _num(dist["cw"][i])})
    c2.download_button(ui.tr("rb_csv_min"), export.csv_text(rows), file_name=f"advlab-minimal-perturbations-{ds.name}.csv",
                       mime="text/csv", key="rb_dl_min", on_click="ignore", width="stretch")


def table_section(model, model_key, x, y, dkey, attacks, norm, clip, seed, ds) -> None:
    st.subheader(ui.tr("rb_table_title"))
    top = float(st.session_state[_k("eps_max")])
    c1, c2 = st.columns([1.2, 2])
    c1.slider(ui.tr("rb_table_eps"), 0.0, top, step=0.005 if top <= 0.5 else 0.01, key=_k("eps"),
              help=ui.tr("rb_table_eps_help"))
    eps = float(st.session_state[_k("eps")])
    d = ds.n_features
    if norm == "linf":
        c2.caption(ui.tr("rb_budget_linf", eps=eps, d=d, l2=eps * math.sqrt(d)))
    else:
        c2.caption(ui.tr("rb_budget_l2", eps=eps, d=d))
    if not attacks:
        return
    rows = []
    cells = []
    for a in attacks:
        c = cached_cell(model, model_key, x, y, dkey, len(x), a, eps, norm, attack_params(a), clip, seed)
        cells.append(c)
        rows.append({ui.tr("rb_col_attack"): ui.tr(f"attack_{a}"), ui.tr("rb_col_acc"): 100 * c.accuracy,
                     ui.tr("rb_col_success"): 100 * c.success_rate, ui.tr("rb_col_linf"): c.linf,
                     ui.tr("rb_col_l2"): c.l2, ui.tr("rb_col_l0"): c.l0})
    import pandas as pd

    df = pd.DataFrame(rows)
    cfg = {ui.tr("rb_col_acc"): st.column_config.ProgressColumn(format="%.1f%%", min_value=0.0, max_value=100.0,
                                                                help=ui.tr("rb_col_acc_help")),
           ui.tr("rb_col_success"): st.column_config.NumberColumn(format="%.1f%%", help=ui.tr("rb_col_success_help")),
           ui.tr("rb_col_linf"): st.column_config.NumberColumn(format="%.3f", help=ui.tr("rb_col_linf_help")),
           ui.tr("rb_col_l2"): st.column_config.NumberColumn(format="%.3f", help=ui.tr("rb_col_l2_help")),
           ui.tr("rb_col_l0"): st.column_config.NumberColumn(format="%.1f", help=ui.tr("rb_col_l0_help", d=d))}
    st.dataframe(df, hide_index=True, column_config=cfg, width="stretch", key="rb_table")
    if d >= 10:
        st.caption(ui.tr("rb_table_caption", d=d))
    if eps > 0:
        table_notes(cells, norm, eps, d, clip)


def table_notes(cells, norm: str, eps: float, d: int, clip) -> None:
    """Say why an attack spent less than its budget, when one did."""
    grad = [c for c in cells if c.attack != "noise"]
    stuck = [c for c in grad if c.unmoved > 0]
    if stuck:
        # FGSM shows it purest: it moves every point it has a direction for
        c = next((c for c in stuck if c.attack == "fgsm"), max(stuck, key=lambda c: c.unmoved))
        explain(ui.tr("rb_saturated", attack=ui.tr(f"attack_{c.attack}"), share=c.unmoved))
    early = [c for c in grad if c.attack in ("bim", "pgd", "mim") and c.under >= 0.05]
    if early:
        names = ui.tr("rb_list_sep").join(ui.tr(f"attack_{c.attack}") for c in early)
        explain(ui.tr("rb_under_budget", attacks=names, norm=ui.tr(f"rb_norm_{norm}"), eps=eps,
                      share=max(c.under for c in early)))
    clipped = [c for c in grad if clip is not None and c.l0 < 0.9 * d]
    if clipped:
        # FGSM again: a full step on every pixel, so only the box keeps a pixel still
        c = next((c for c in clipped if c.attack == "fgsm"), min(clipped, key=lambda c: c.l0))
        explain(ui.tr("rb_clip_note", attack=ui.tr(f"attack_{c.attack}"), l0=c.l0, d=d))


def _num(x) -> str:
    if np.isnan(x):
        return ""
    return "inf" if np.isinf(x) else f"{float(x):.6g}"


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
