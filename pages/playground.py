"""Playground: train a small network on a 2-D dataset, attack it, watch the points move."""

from __future__ import annotations

import time
from functools import partial

import numpy as np
import streamlit as st

from advlab import export, figures, models, numerics, projections, ui
from advlab.attacks import ATTACKS
from advlab.data import TWO_D
from advlab.state import Field, PageState
from advlab.ui.controls import BATCHES, LRS, active_fields, attack_controls, attack_fields, cached_attack

L2S = ("0", "0.0001", "0.001", "0.01", "0.1")

STATE = PageState("pg", [
    Field("dataset", "moons", "choice", choices=TWO_D),
    Field("noise", 0.2, "float", 0.0, 1.0),
    Field("n", 400, "int", 50, 2000),
    Field("classes", 3, "int", 2, 5),
    Field("dseed", 0, "int", 0, 9999),
    Field("layers", 2, "int", 1, 4),
    Field("width", 32, "int", 2, 128),
    Field("act", "relu", "choice", choices=models.ACTIVATIONS),
    Field("epochs", 100, "int", 1, 500),
    Field("lr", "0.01", "choice", choices=LRS),
    Field("batch", "32", "choice", choices=BATCHES),
    Field("l2", "0", "choice", choices=L2S),
    Field("seed", 0, "int", 0, 9999),
    Field("watch", False, "bool"),
    *attack_fields("pgd", eps=0.2),
    Field("point", 0, "int", 0, 1999),
    Field("step", -1, "int", -1, 500),
])
GRID_RES = 150
# under the map, so the square plot gets the column's whole width
MAP_LEGEND = dict(orientation="h", yanchor="top", y=-0.16, xanchor="center", x=0.5)


def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(ui.tr("pg_data"))
    ui.select(STATE, "dataset", ui.tr("pg_dataset"), fmt=lambda k: ui.tr(f"ds_{k}"), where=sb)
    if st.session_state[ui.wkey("pg", "dataset")] == "blobs":
        ui.slider(STATE, "classes", ui.tr("pg_classes"), where=sb)
    ui.slider(STATE, "noise", ui.tr("pg_noise"), step=0.01, where=sb)
    ui.slider(STATE, "n", ui.tr("pg_samples"), step=50, where=sb)
    ui.number(STATE, "dseed", ui.tr("pg_dseed"), step=1, where=sb)
    sb.subheader(ui.tr("pg_network"))
    ui.slider(STATE, "layers", ui.tr("pg_layers"), where=sb)
    ui.slider(STATE, "width", ui.tr("pg_width"), where=sb)
    ui.select(STATE, "act", ui.tr("pg_activation"), where=sb, radio=True, horizontal=True)
    sb.subheader(ui.tr("pg_training"))
    ui.slider(STATE, "epochs", ui.tr("pg_epochs"), step=1, where=sb)
    sb.select_slider(ui.tr("pg_lr"), LRS, key=ui.wkey("pg", "lr"), help=ui.tr("pg_lr_help"))
    sb.select_slider(ui.tr("pg_batch"), BATCHES, key=ui.wkey("pg", "batch"))
    sb.select_slider(ui.tr("pg_l2"), L2S, key=ui.wkey("pg", "l2"), help=ui.tr("pg_l2_help"))
    ui.number(STATE, "seed", ui.tr("pg_seed"), step=1, where=sb, help=ui.tr("pg_seed_help"))
    ui.toggle(STATE, "watch", ui.tr("pg_watch"), where=sb, help=ui.tr("pg_watch_help"))


def data_key(v: dict) -> tuple:
    k = v["classes"] if v["dataset"] == "blobs" else 2
    return (v["dataset"], int(v["n"]), round(float(v["noise"]), 4), int(v["dseed"]), int(k))


def train_key(v: dict) -> tuple:
    return ("mlp", data_key(v), tuple([int(v["width"])] * int(v["layers"])), v["act"], int(v["epochs"]),
            int(v["batch"]), float(v["lr"]), float(v["l2"]), int(v["seed"]))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_grid(_model, model_key, lim: tuple, res: int):
    g = projections.boundary_grid(_model, lim, res)
    return g.xs, g.ys, g.proba


def train(ds, v: dict, key: tuple, lim: tuple):
    """The model for these settings: stored, joined while another session trains it, or trained now
    (with progress and, if asked, a live boundary)."""
    epochs = int(v["epochs"])
    spec = models.MLPSpec(2, key[2], v["act"], models.n_outputs(ds.n_classes))
    xs, ys, pts = projections.grid_points(lim, 60)

    def live(job) -> None:
        ep, w = job.info.get("epoch", 0), job.info.get("weights")
        if w is None:
            return
        p = numerics.probs_from_logits(models.numpy_logits(spec, w, pts)).reshape(60, 60, -1)
        fig = figures.decision_map(xs, ys, p, lang=ui.lang(), presenter=ui.presenter(),
                                   title=ui.tr("pg_watch_title", ep=ep, n=epochs))
        figures.add_points(fig, ds.x_train, ds.y_train, split="train", lang=ui.lang())
        fig.update_layout(height=420, showlegend=False)
        st.plotly_chart(fig, width="stretch", key=f"live-{ep}")

    fit = partial(models.fit_mlp, ds.x_train, ds.y_train, hidden=key[2], activation=v["act"], epochs=epochs,
                  batch_size=int(v["batch"]), lr=float(v["lr"]), l2=float(v["l2"]), seed=int(v["seed"]))
    return ui.shared(key, ui.train_job(fit, epochs, frames=25 if v["watch"] else 0), text=ui.train_text("pg_training_now", acc=True),
                     live=live if v["watch"] else None)


def model_for(ds, v: dict, lim: tuple):
    """The model for the current settings, or the last good one if training diverged."""
    key = train_key(v)
    try:
        trained = train(ds, v, key, lim)
    except models.TrainingDiverged as e:
        last = st.session_state.get("pg_last_good")
        st.warning(ui.tr("pg_diverged", lr=v["lr"], epoch=e.epoch), icon=":material/warning:")
        if last is None or last[0][1] != key[1]:
            safe = dict(v, lr="0.01")
            key = train_key(safe)
            return key, train(ds, safe, key, lim), True
        return last[0], last[1], True
    st.session_state["pg_last_good"] = (key, trained)
    return key, trained, False


def main() -> None:
    ui.bind(STATE)
    st.title(ui.tr("pg_title"))
    st.caption(ui.tr("pg_intro"))
    ui.show_notes()
    sidebar_controls()
    v = ui.values(STATE)
    ds = ui.dataset(v["dataset"], int(v["n"]), float(v["noise"]), int(v["dseed"]), int(data_key(v)[4]))
    lim = projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
    model_key, trained, _ = model_for(ds, v, lim)
    xs, ys, p = cached_grid(trained.model, model_key, lim, GRID_RES)
    names = [ui.tr("class_n", k=i) for i in range(ds.n_classes)]

    left, right = columns()
    with left:
        st.subheader(ui.tr("pg_map_title"))
        fig = figures.decision_map(xs, ys, p, lang=ui.lang(), presenter=ui.presenter())
        figures.add_points(fig, ds.x_train, ds.y_train, split="train", lang=ui.lang(), presenter=ui.presenter(),
                           class_names=names)
        figures.add_points(fig, ds.x_test, ds.y_test, split="test", lang=ui.lang(), presenter=ui.presenter(),
                           class_names=names)
        # the map keeps a 1:1 aspect, so on a projector (one chart per row) only height makes it bigger
        fig.update_layout(height=720 if ui.presenter() else 520, legend=MAP_LEGEND)
        ui.chart(fig, key="pg_map", filename="advlab-decision-boundary")
    with right:
        st.subheader(ui.tr("pg_training_title"))
        h = trained.history
        acc_tr = float(np.mean(models_predict(trained.model, ds.x_train) == ds.y_train))
        st.caption(ui.tr("pg_training_summary", epochs=len(h), loss=h[-1]["loss"], acc=acc_tr,
                         ms=trained.seconds * 1000))
        ui.chart(figures.training_curve(h, lang=ui.lang(), presenter=ui.presenter()), key="pg_curve",
                 filename="advlab-training-curve")
        with st.expander(ui.tr("pg_what_title"), expanded=not ui.presenter()):
            st.markdown(ui.tr("pg_what_map"))
    attack_section(ds, trained, model_key, xs, ys, p, names)


def models_predict(model, x):
    from advlab.attacks import predict
    return predict(model, x)


@st.fragment
def attack_section(ds, trained, model_key, xs, ys, p, names) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    t0 = time.perf_counter()
    try:
        _attack_section(ds, trained, model_key, xs, ys, p, names)
        # how long an epsilon move costs the server (read by `make bench`)
        st.session_state["_pg_fragment_seconds"] = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is not covered by the page's guard
        st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")


def _attack_section(ds, trained, model_key, xs, ys, p, names) -> None:
    st.divider()
    st.subheader(ui.tr("pg_attack_title"))
    cfg = attack_controls(STATE, n_classes=ds.n_classes)
    spec = ATTACKS[cfg["attack"]]
    v = ui.values(STATE)
    try:
        res = cached_attack(trained.model, model_key, ds.x_test, ds.y_test, data_key(v), cfg["attack"], cfg["eps"],
                            cfg["norm"], cfg["targeted"], cfg["target"], cfg["params"], None, int(v["seed"]),
                            True)
    except ValueError as e:
        st.error(ui.tr("pg_attack_error", msg=str(e)), icon=":material/error:")
        ui.sync_url(STATE, v, active_fields(STATE, v))
        return
    m = st.columns(5)
    m[0].metric(ui.tr("pg_clean_acc"), f"{res.clean_accuracy:.1%}", help=ui.tr("pg_clean_acc_help"))
    m[1].metric(ui.tr("pg_adv_acc"), f"{res.adv_accuracy:.1%}",
                delta=f"{(res.adv_accuracy - res.clean_accuracy) * 100:+.1f} pt", delta_color="normal",
                help=ui.tr("pg_adv_acc_help"))
    m[2].metric(ui.tr("pg_success"), f"{res.success_rate:.1%}", help=ui.tr("pg_success_help"))
    moved = res.l2 > 1e-9
    m[3].metric(ui.tr("pg_mean_linf"), f"{np.mean(res.linf):.3f}", help=ui.tr("pg_mean_size_help"))
    m[4].metric(ui.tr("pg_mean_l2"), f"{np.mean(res.l2):.3f}", help=ui.tr("pg_mean_size_help"))

    left, right = columns()
    n_test = len(ds.x_test)
    with right:
        st.markdown(ui.tr("pg_point_intro"))
        kp = ui.wkey("pg", "point")
        if st.session_state.get(kp, 0) >= n_test:
            st.warning(ui.tr("pg_point_range", i=st.session_state[kp], n=n_test - 1), icon=":material/warning:")
            st.session_state[kp] = 0
        c_in, c_next = st.columns([2, 1], vertical_alignment="bottom")
        c_in.number_input(ui.tr("pg_point"), 0, n_test - 1, step=1, key=kp)
        fooled_idx = [int(j) for j in np.nonzero(res.pred_adv != res.y)[0]]
        c_next.button(ui.tr("pg_next_fooled"), key="pg_next_fooled", width="stretch", disabled=not fooled_idx,
                      on_click=_next_fooled, args=(fooled_idx,))
        i = int(st.session_state[kp])
        steps_avail = 0 if res.path is None else res.path.shape[0] - 1
        step = None
        if res.path is not None:
            ks = ui.wkey("pg", "step")
            if st.session_state.get(ks, -1) > steps_avail:
                st.session_state[ks] = -1
            b1, b2, b3 = st.columns([1, 1, 1.2])
            b1.button(ui.tr("pg_prev"), on_click=_step_by, args=(-1, steps_avail), key="pg_prev", width="stretch")
            b2.button(ui.tr("pg_next"), on_click=_step_by, args=(1, steps_avail), key="pg_next", width="stretch")
            step = st.slider(ui.tr("pg_step"), -1, steps_avail, key=ks, help=ui.tr("pg_step_help"))
            shown = steps_avail if step < 0 else step
            b3.markdown(f"**{ui.tr('pg_step_of', k=shown, n=steps_avail)}**")
            step = None if step < 0 else step
        verdict = ui.tr("pg_point_fooled") if res.pred_adv[i] != res.y[i] else ui.tr("pg_point_resisted")
        st.markdown(ui.tr("pg_point_status", i=i, true=names[res.y[i]], before=names[res.pred_clean[i]],
                          after=names[res.pred_adv[i]], linf=res.linf[i], l2=res.l2[i], verdict=verdict))
        view = (model_key, tuple(sorted(cfg.items())), ui.lang(), ui.presenter())
        hist = ui.figure(("pg-hist", *view), lambda: figures.perturbation_histogram(
            res.linf[moved] if moved.any() else res.linf, res.l2[moved] if moved.any() else res.l2,
            eps=cfg["eps"] if cfg["norm"] == "linf" else None, lang=ui.lang(), presenter=ui.presenter()))
        ui.chart(hist, key="pg_hist", filename="advlab-perturbation-sizes")
    with left:
        fig = ui.figure(("pg-map", *view, i, step), lambda: attack_map(xs, ys, p, res, cfg, spec, names, i, step))
        st.caption(ui.tr("pg_attack_map_caption", attack=ui.tr(f"attack_{cfg['attack']}"), paper=spec.paper,
                         url=spec.url))
        ui.chart(fig, key="pg_attack_map", filename="advlab-attack-map", on_select=_pick_point,
                 selection_mode="points")
    extras(ds, res, cfg, v)
    ui.sync_url(STATE, v, active_fields(STATE, v))


def attack_map(xs, ys, p, res, cfg, spec, names, i: int, step):
    """The decision map with every point's move, and point ``i``'s path in its budget."""
    fig = figures.decision_map(xs, ys, p, lang=ui.lang(), presenter=ui.presenter())
    figures.add_adversarial(fig, res.x, res.x_adv, res.y, res.pred_adv, lang=ui.lang(),
                            presenter=ui.presenter(), class_names=names)
    path = res.path[:, i, :] if res.path is not None else np.stack([res.x[i], res.x_adv[i]])
    eps_draw = cfg["eps"] if spec.uses_eps else float(res.l2[i])
    norm_draw = cfg["norm"] if spec.uses_eps else "l2"
    figures.add_path(fig, path, res.x[i], eps=eps_draw, norm=norm_draw, lang=ui.lang(), presenter=ui.presenter(),
                     upto=step)
    fig.update_layout(height=760 if ui.presenter() else 580, legend=MAP_LEGEND)
    return fig


def extras(ds, res, cfg, v) -> None:
    """Show the code that reproduces this view, and the adversarial points as CSV."""
    c1, c2 = st.columns([3, 1])
    with c1.expander(ui.tr("pg_code_title")):
        st.caption(ui.tr("pg_code_help"))
        st.code(export.playground_code(
            dataset=v["dataset"], n_samples=v["n"], noise=v["noise"], data_seed=v["dseed"], n_classes=v["classes"],
            hidden=tuple([int(v["width"])] * int(v["layers"])), activation=v["act"], epochs=v["epochs"],
            batch_size=int(v["batch"]), lr=float(v["lr"]), l2=float(v["l2"]), seed=v["seed"], attack=cfg["attack"],
            eps=cfg["eps"], norm=cfg["norm"], targeted=cfg["targeted"], target=cfg["target"],
            params=dict(cfg["params"])), language="python")
    c2.download_button(ui.tr("pg_csv"), export.playground_points_csv(res), file_name=f"advlab-{cfg['attack']}-points.csv",
                       mime="text/csv", key="pg_csv_button", width="stretch")


def _next_fooled(fooled: list[int]) -> None:
    """Jump to the next test point the attack fools (wrapping around)."""
    k = ui.wkey("pg", "point")
    cur = st.session_state.get(k, 0)
    st.session_state[k] = next((j for j in fooled if j > cur), fooled[0])
    st.session_state[ui.wkey("pg", "step")] = -1


def _step_by(delta: int, n: int) -> None:
    """Previous/next step of the attack path (from "all steps", next starts at 0)."""
    k = ui.wkey("pg", "step")
    cur = st.session_state.get(k, -1)
    if cur < 0:
        cur = -1 if delta > 0 else n + 1
    st.session_state[k] = int(min(max(cur + delta, 0), n))


def columns():
    """Two columns side by side, or one chart per row on a projector."""
    if ui.presenter():
        return st.container(), st.container()
    return st.columns([1.15, 1], gap="large")


def _pick_point() -> None:
    """Clicking an adversarial point on the map selects it."""
    sel = st.session_state.get("pg_attack_map")
    try:
        pts = sel["selection"]["points"]
    except (KeyError, TypeError):
        return
    for pt in pts:
        cd = pt.get("customdata")
        if isinstance(cd, list) and len(cd) == 2 and cd[1] == "adv":
            idx = cd[0]
            try:
                st.session_state[ui.wkey("pg", "point")] = int(idx)
                st.session_state[ui.wkey("pg", "step")] = -1
            except (TypeError, ValueError):
                pass
            return


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
