"""Playground: train a small network on a 2-D dataset, attack it, watch the points move."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from advlab import evaluation, export, figures, models, projections, ui
from advlab.attacks import ATTACKS
from advlab.config import AttackConfig, DataConfig, NetConfig
from advlab.state import Field, PageState
from advlab.ui import controls, lessons, owndata
from advlab.ui.controls import active_fields, attack_controls, attack_fields, columns, data_controls, guarded_fragment

STATE = PageState("pg", [
    *DataConfig.fields(),
    *NetConfig.fields(),
    Field("watch", False, "bool"),
    *attack_fields("pgd", eps=0.2),
    Field("point", 0, "int", 0, 1999),
    Field("step", -1, "int", -1, 500),
    *owndata.fields(draw=True),
])
GRID_RES = 150
SIDE_BY_SIDE = [1.15, 1]  # the map's column and the other
LIVE_RES = 60  # "watch it learn" frames: a coarser grid, drawn many times


def sidebar_controls() -> None:
    sb = st.sidebar
    if owndata.choose(STATE) == "builtin":
        data_controls(STATE, prefix="pg", where=sb)
    sb.subheader(ui.tr("pg_network"))
    ui.slider(STATE, "layers", ui.tr("pg_layers"), where=sb)
    ui.slider(STATE, "width", ui.tr("pg_width"), where=sb)
    ui.select(STATE, "act", ui.tr("pg_activation"), where=sb, radio=True, horizontal=True)
    sb.subheader(ui.tr("pg_training"))
    ui.slider(STATE, "epochs", ui.tr("pg_epochs"), step=1, where=sb)
    for name, help_key in (("lr", "pg_lr_help"), ("batch", None), ("l2", "pg_l2_help")):
        sb.select_slider(ui.tr(f"pg_{name}"), STATE.fields[name].choices, key=ui.wkey("pg", name),
                         help=ui.tr(help_key) if help_key else None)
    ui.number(STATE, "seed", ui.tr("pg_seed"), step=1, where=sb, help=ui.tr("pg_seed_help"))
    ui.toggle(STATE, "watch", ui.tr("pg_watch"), where=sb, help=ui.tr("pg_watch_help"))


def train(data: DataConfig, net: NetConfig, ds, lim: tuple, watch: bool) -> lessons.Stored:
    """The shared model of these settings, with "watch it learn" frames if asked."""
    spec = models.MLPSpec(2, net.hidden, net.act, models.n_outputs(ds.n_classes))

    def live(job) -> None:
        ep, w = job.info.get("epoch", 0), job.info.get("weights")
        if w is not None:
            g = projections.weights_grid(spec, w, lim, LIVE_RES)
            st.plotly_chart(figures.live_map(g.xs, g.ys, g.proba, ds.x_train, ds.y_train, lang=ui.lang(),
                                             presenter=ui.presenter(),
                                             title=ui.tr("pg_watch_title", ep=ep, n=net.epochs)),
                            width="stretch", key=f"live-{ep}")

    return lessons.Stored(lessons.model_key(data, net), lessons.trained(
        data, net, progress="pg_training_now", acc=True, live=live if watch else None, frames=25 if watch else 0))


def main() -> None:
    ui.bind(STATE)
    st.title(ui.tr("pg_title"))
    st.caption(ui.tr("pg_intro"))
    ui.show_notes()
    sidebar_controls()
    src = owndata.source(STATE)  # built-in data, the learner's table or a drawing
    v = ui.values(STATE)
    data, net = src.cfg or DataConfig.from_values(v), NetConfig.from_values(v)
    if src.waiting:  # a file to upload, or points of two classes to draw
        if src.mode == "draw":
            owndata.canvas(STATE, None, class_names=[ui.tr("class_n", k=i) for i in range(5)])
        return
    ds = src.ds or lessons.dataset(data)
    lim = src.lim or projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
    watch = v["watch"] and ds.n_features == 2
    # a diverged training keeps the last good model (or retrains the lesson at a safe rate)
    m = lessons.last_good("pg", data, net, lambda n: train(data, n, ds, lim, watch), warning="pg_diverged")
    grid = None if ds.n_features != 2 else lessons.result(
        ("pg-grid", m.key, lim, GRID_RES), partial(projections.boundary_grid, m.model, lim, GRID_RES))
    names = [owndata.shown(c) for c in ds.class_names] if src.mode == "upload" else [
        ui.tr("class_n", k=i) for i in range(ds.n_classes)]

    left, right = columns(SIDE_BY_SIDE, gap="large")
    with left:
        st.subheader(ui.tr("pg_map_title"))
        if src.mode == "draw":
            owndata.canvas(STATE, grid, class_names=names)
        elif grid is None:  # more than two features: the plane of the two main principal directions
            ui.chart(owndata.wide_map(ds), key="pg_map", filename="advlab-data-pca")
        else:
                ui.chart(owndata.axes(figures.points_map(grid.xs, grid.ys, grid.proba, ds.x_train, ds.y_train, ds.x_test,
                                                     ds.y_test, class_names=names, lang=ui.lang(),
                                                     presenter=ui.presenter()), ds),
                     key="pg_map", filename="advlab-decision-boundary")
    with right:
        st.subheader(ui.tr("pg_training_title"))
        h = m.trained.history
        st.caption(ui.tr("pg_training_summary", epochs=len(h), loss=h[-1]["loss"], ms=m.trained.seconds * 1000,
                         acc=lessons.result(("pg-acc", m.key), partial(  # once per model, not per visit
                             evaluation.accuracy, m.model, ds.x_train, ds.y_train))))
        ui.chart(figures.training_curve(h, lang=ui.lang(), presenter=ui.presenter()), key="pg_curve",
                 filename="advlab-training-curve")
        with st.expander(ui.tr("pg_what_title"), expanded=not ui.presenter()):
            st.markdown(ui.tr("pg_what_map"))
    st.divider()
    st.subheader(ui.tr("pg_attack_title"))
    attack_section(ds, m, grid, names)


@guarded_fragment
def attack_section(ds, m: lessons.Stored, grid, names) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    cfg = AttackConfig(**attack_controls(STATE, n_classes=ds.n_classes))
    spec = ATTACKS[cfg.attack]
    st.caption(ui.tr(f"knows_{spec.knows}"))
    v = ui.values(STATE)
    net = NetConfig.from_values(v)
    try:
        res = lessons.attacked(m.model, m.key, ds.x_test, ds.y_test, cfg, seed=net.seed, return_path=True)
    except ValueError as e:
        st.error(ui.tr("pg_attack_error", msg=str(e)), icon=":material/error:")
        ui.sync_url(STATE, v, active_fields(STATE, v))
        return
    show_metrics(res)
    if "fooling_rate_heldout" in res.info:  # the universal shift: fitted on half the points, judged on the rest
        st.caption(ui.tr("pg_universal_note", held=res.info["fooling_rate_heldout"]))
    left, right = columns(SIDE_BY_SIDE, gap="large")
    view = (m.key, cfg, ui.lang(), ui.presenter())
    with right:
        i, step = point_controls(res, names)
        linf, l2 = evaluation.moved_sizes(res)
        hist = ui.figure(("pg-hist", *view), lambda: figures.perturbation_histogram(
            linf, l2, eps=cfg.eps if cfg.norm == "linf" else None, lang=ui.lang(), presenter=ui.presenter()))
        ui.chart(hist, key="pg_hist", filename="advlab-perturbation-sizes")
    with left:
        fig = ui.figure(("pg-map", *view, i, step), lambda: owndata.wide_map(ds, res=res, chosen=i) if grid is None
                        else owndata.axes(figures.attack_map(
                            grid.xs, grid.ys, grid.proba, res, i, eps=cfg.eps, norm=cfg.norm, upto=step,
                            class_names=names, lang=ui.lang(), presenter=ui.presenter()), ds))
        st.caption(ui.tr("pg_attack_map_caption", attack=ui.tr(f"attack_{cfg.attack}"), paper=spec.paper,
                         url=spec.url))
        ui.chart(fig, key="pg_attack_map", filename="advlab-attack-map", on_select=_pick_point,
                 selection_mode="points")
    if ds.name not in ("upload", "drawn"):  # the code snippet rebuilds built-in data only
        extras(res, cfg, DataConfig.from_values(v), net)
    ui.sync_url(STATE, v, active_fields(STATE, v))


def show_metrics(res) -> None:
    m = controls.metric_row(6)
    m[0].metric(ui.tr("pg_clean_acc"), f"{res.clean_accuracy:.1%}", help=ui.tr("pg_clean_acc_help"))
    m[1].metric(ui.tr("pg_adv_acc"), f"{res.adv_accuracy:.1%}",
                delta=f"{(res.adv_accuracy - res.clean_accuracy) * 100:+.1f} pt", delta_color="normal",
                help=ui.tr("pg_adv_acc_help"))
    m[2].metric(ui.tr("pg_success"), f"{res.success_rate:.1%}", help=ui.tr("pg_success_help"))
    m[3].metric(ui.tr("pg_mean_linf"), f"{np.mean(res.linf):.3f}", help=ui.tr("pg_mean_size_help"))
    m[4].metric(ui.tr("pg_mean_l2"), f"{np.mean(res.l2):.3f}", help=ui.tr("pg_mean_size_help"))
    controls.queries_metric(res, where=m[5])


def point_controls(res, names) -> tuple[int, int | None]:
    """The chosen test point, the step of its path to show (None: all), and its story."""
    # on a phone the map does not pick points (see ui.chart): the text says how to
    st.markdown(ui.tr("pg_point_intro_phone") if ui.narrow() else ui.tr("pg_point_intro"))
    n_test = len(res.y)
    kp = ui.wkey("pg", "point")
    if st.session_state.get(kp, 0) >= n_test:
        st.warning(ui.tr("pg_point_range", i=st.session_state[kp], n=n_test - 1), icon=":material/warning:")
        st.session_state[kp] = 0
    # rows of controls are horizontal containers: one block each, where columns send one more per column
    row = st.container(horizontal=True, vertical_alignment="bottom")
    row.number_input(ui.tr("pg_point"), 0, n_test - 1, step=1, key=kp)
    fooled = [int(j) for j in evaluation.fooled_indices(res)]
    row.button(ui.tr("pg_next_fooled"), key="pg_next_fooled", width="content", disabled=not fooled,
                  on_click=controls.next_after, args=(kp, fooled, {ui.wkey("pg", "step"): -1}))
    i = int(st.session_state[kp])
    step = None
    if res.path is not None:
        n_steps = res.path.shape[0] - 1
        ks = ui.wkey("pg", "step")
        if st.session_state.get(ks, -1) > n_steps:
            st.session_state[ks] = -1
        steps = st.container(horizontal=True, vertical_alignment="center")
        steps.button(ui.tr("pg_prev"), on_click=_step_by, args=(-1, n_steps), key="pg_prev", width="content")
        steps.button(ui.tr("pg_next"), on_click=_step_by, args=(1, n_steps), key="pg_next", width="content")
        chosen = st.slider(ui.tr("pg_step"), -1, n_steps, key=ks, help=ui.tr("pg_step_help"))
        steps.markdown(f"**{ui.tr('pg_step_of', k=n_steps if chosen < 0 else chosen, n=n_steps)}**")
        step = None if chosen < 0 else chosen
    verdict = ui.tr("pg_point_fooled") if res.pred_adv[i] != res.y[i] else ui.tr("pg_point_resisted")
    st.markdown(ui.tr("pg_point_status", i=i, true=names[res.y[i]], before=names[res.pred_clean[i]],
                      after=names[res.pred_adv[i]], linf=res.linf[i], l2=res.l2[i], verdict=verdict))
    return i, step


def extras(res, cfg: AttackConfig, data: DataConfig, net: NetConfig) -> None:
    """Show the code that reproduces this view, and the adversarial points as CSV."""
    row = st.container(horizontal=True)
    # filled only while open: a code block costs the browser its syntax highlighting on every
    # epsilon move (the code shows the epsilon), and a fresh page's first draw about 0.4 s
    code = row.expander(ui.tr("pg_code_title"), key="pg_code_open", on_change="rerun")
    if code.open:
        code.caption(ui.tr("pg_code_help"))
        code.code(export.playground_snippet(data, net, cfg), language="python")
    row.download_button(ui.tr("pg_csv"), partial(export.playground_points_csv, res),  # written on click
                       file_name=f"advlab-{cfg.attack}-points.csv", mime="text/csv", key="pg_csv_button",
                       width="content")


def _step_by(delta: int, n: int) -> None:
    """Previous/next step of the attack path (from "all steps", next starts at 0)."""
    k = ui.wkey("pg", "step")
    cur = st.session_state.get(k, -1)
    if cur < 0:
        cur = -1 if delta > 0 else n + 1
    st.session_state[k] = int(min(max(cur + delta, 0), n))


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
            try:
                st.session_state[ui.wkey("pg", "point")] = int(cd[0])
                st.session_state[ui.wkey("pg", "step")] = -1
            except (TypeError, ValueError):
                pass
            return


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
