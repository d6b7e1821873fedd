"""Robustness: the budget each attack needs (with or without gradients), its questions, how far the boundary is."""

from __future__ import annotations

import dataclasses
import math
from functools import partial

import streamlit as st

from advlab import evaluation, robustness, ui
from advlab.attacks import ATTACKS
from advlab.config import CurveConfig, RobustDataConfig, RobustNetConfig
from advlab.data import TWO_D
from advlab.figures import robustness as rfig
from advlab.figures import threats as tfigs
from advlab.state import Field, PageState
from advlab.ui import controls, lessons, owndata
from advlab.ui.controls import attack_fields, param_rows

PAGE = "rb"
CURVES = evaluation.CURVE_ATTACKS
MIN_METHODS, BLACK_BOX = robustness.MIN_METHODS, robustness.BLACK_BOX
NOTES = {"saturated": "rb_saturated", "under_budget": "rb_under_budget", "clipped": "rb_clip_note"}
COLUMNS = {"success": "%.1f%%", "linf": "%.3f", "l2": "%.3f", "l0": "%.1f"}  # the table's, after accuracy

STATE = PageState(PAGE, [
    *RobustDataConfig.fields(), *RobustNetConfig.fields(), *CurveConfig.fields(), *owndata.fields(),
    Field("bb", False, "bool"),  # the attackers without gradients too
    # the parameters of the attacks this page runs (curves, minimal perturbations, black box: fewer queries)
    *[dataclasses.replace(f, default=robustness.PAGE_QUERIES.get(f.name.removesuffix("_queries"), f.default))
      for f in attack_fields() if any(f.name.startswith(f"{k}_") for k in CURVES + MIN_METHODS + BLACK_BOX)],
])

_k = partial(ui.wkey, PAGE)  # a widget's key


def _refit(*names: str, given: frozenset = frozenset()) -> None:
    """Set ``names`` (not those a link ``given``) to what fits the dataset and norm: its epochs, an ε range showing it all."""
    ss = st.session_state
    fit = robustness.lesson_defaults(dataset=ss[_k("dataset")], norm=ss[_k("norm")],
                                     eps_max=ss[_k("eps_max")] if "eps_max" in given else None)
    for name in set(names) - given:
        ss[_k(name)] = fit[name]


def dataset_name(k: str) -> str:
    return ui.tr("rb_ds_blobs") if k == "blobs" else ui.tr(f"ds_{k}")  # this page draws 3 blobs only


def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(ui.tr("rb_data"))
    if owndata.choose(STATE, where=sb) == "builtin":
        sb.selectbox(ui.tr("rb_dataset"), STATE.fields["dataset"].choices, key=_k("dataset"),
                     format_func=dataset_name, on_change=_refit, args=("epochs", "eps_max", "eps"))
        if st.session_state[_k("dataset")] in TWO_D:
            ui.slider(STATE, "n", ui.tr("rb_samples"), step=100, where=sb)
    sb.subheader(ui.tr("rb_network"))
    ui.slider(STATE, "layers", ui.tr("rb_layers"), where=sb)
    ui.slider(STATE, "width", ui.tr("rb_width"), step=4, where=sb, help=ui.tr("rb_width_help"))
    sb.subheader(ui.tr("rb_training"))
    ui.slider(STATE, "epochs", ui.tr("rb_epochs"), where=sb)
    ui.number(STATE, "seed", ui.tr("rb_seed"), step=1, where=sb, help=ui.tr("rb_seed_help"))
    sb.subheader(ui.tr("rb_evaluation"))
    ui.slider(STATE, "points", ui.tr("rb_points"), step=10, where=sb, help=ui.tr("rb_points_help"))


def curve_controls(dataset: str) -> None:
    """The curves' settings. Epsilons that do not fit the dataset (a shared link's) are pulled back into
    range with a message saying what is allowed; lowering the range takes the table's epsilon along."""
    ss, norm = st.session_state, st.session_state[_k("norm")]
    top, eps = robustness.fit_eps(dataset=dataset, norm=norm, eps_max=ss[_k("eps_max")], eps=ss[_k("eps")])
    if top < ss[_k("eps_max")]:
        st.warning(ui.tr("rb_eps_max_range", got=ss[_k("eps_max")], hi=top, ds=dataset_name(dataset),
                         norm=ui.tr(f"rb_norm_{norm}")), icon=":material/warning:")
    if eps < ss[_k("eps")] and not ss.get("_rb_ranges_checked"):
        st.warning(ui.tr("rb_eps_range", got=ss[_k("eps")], hi=top), icon=":material/warning:")
    ss[_k("eps_max")], ss[_k("eps")], ss["_rb_ranges_checked"] = top, eps, True
    with st.expander(ui.tr("rb_settings"), expanded=False) if ui.presenter() else st.container():
        ticks = st.container(horizontal=True, gap="large")  # one block, not one per column
        for a in CURVES:
            ticks.checkbox(ui.tr(f"attack_{a}"), key=_k(f"a_{a}"))
        ui.toggle(STATE, "bb", ui.tr("rb_bb"), help=ui.tr("rb_bb_help"))
        c1, c2, c3 = st.columns([1.3, 1.5, 1.0])
        c1.selectbox(ui.tr("norm_label"), ("linf", "l2"), key=_k("norm"), format_func=lambda k: ui.tr(f"norm_{k}"),
                     on_change=_refit, args=("eps_max", "eps"))
        limit = robustness.eps_limit(dataset=dataset, norm=ss[_k("norm")])
        c2.slider(ui.tr("rb_eps_max"), 0.05, float(limit), step=0.01 if limit <= 1 else 0.05, key=_k("eps_max"),
                  help=ui.tr("rb_eps_max_help"))
        ui.slider(STATE, "n_eps", ui.tr("rb_n_eps"), where=c3, help=ui.tr("rb_n_eps_help"))
        with st.expander(ui.tr("rb_attack_settings")):
            ticked = [a for a in CURVES if ss[_k(f"a_{a}")] and ATTACKS[a].params] + [*BLACK_BOX] * ss[_k("bb")]
            if not ticked:
                st.caption(ui.tr("rb_no_params"))
            param_rows(STATE, ticked)


def main() -> None:
    first = f"_init_{PAGE}" not in st.session_state
    ui.bind(STATE)
    if first:
        _refit("epochs", "eps_max", "eps", given=frozenset(st.query_params))
    st.title(ui.tr("rb_title"))
    st.caption(ui.tr("rb_intro"))
    ui.show_notes()
    sidebar_controls()
    v = ui.values(STATE)
    if (got := owndata.use(STATE, RobustDataConfig.from_values(v).data())) is None:  # no file uploaded yet
        return
    data, ds = got
    net = RobustNetConfig.from_values(v, lr=robustness.lesson_lr(data.dataset))
    trained = lessons.trained(data, net, progress="rb_training_now", loss=False)
    n_all, n = len(ds.x_test), min(v["points"], len(ds.x_test))
    if v["points"] > n_all:
        st.info(ui.tr("rb_points_capped", want=v["points"], n=n_all), icon=":material/info:")
    m = st.columns(4)
    acc = lessons.result(("rb-acc", lessons.model_key(data, net)), partial(  # once per model, not per visit
        evaluation.accuracy, trained.model, ds.x_test, ds.y_test))
    m[0].metric(ui.tr("rb_clean_acc"), f"{acc:.1%}", help=ui.tr("rb_clean_acc_help", n=n_all))
    m[1].metric(ui.tr("rb_arch"), "-".join(map(str, trained.spec.hidden)),
                help=ui.tr("rb_arch_help", arch=" → ".join(map(str, trained.spec.sizes))))
    m[2].metric(ui.tr("rb_trained", ep=len(trained.history)), ui.tr("rb_trained_value", ms=trained.seconds * 1000),
                help=ui.tr("rb_trained_help", lr=net.lr))
    m[3].metric(ui.tr("rb_points_used"), f"{n} / {n_all}", help=ui.tr("rb_points_help"))
    analysis(ds, trained, lessons.model_key(data, net), n)
    ui.sync_url(STATE, ui.values(STATE))


@controls.guarded_fragment
def analysis(ds, trained, model_key, n: int) -> None:
    """Everything after training: changing the curves' settings reruns only this."""
    st.subheader(ui.tr("rb_curves_title"))
    curve_controls(st.session_state[_k("dataset")])
    at_eps(ds, trained, model_key, n)
    if st.session_state[_k("norm")] != "l2":  # the minimal sizes are L2: an L∞ budget is not marked on them
        st.divider()
        minimal_section(ds, lessons_of(ds, trained, model_key, n)[1], ds.y_test[:n], None)
    ui.sync_url(STATE, ui.values(STATE))


def lessons_of(ds, trained, model_key, n: int) -> tuple:
    """The first ``n`` test points with the model and its key, and the minimal perturbations' look-up.
    Each cell and distance is named by the model's key and n: computed once for the class."""
    points = (trained.model, (model_key, n), ds.x_test[:n], ds.y_test[:n])
    return points, partial(lessons.distances, *points, clip=ds.clip, progress="rb_min_computing")


@controls.guarded_fragment
def at_eps(ds, trained, model_key, n: int) -> None:
    """The curves and the table at the table's ε, which the curves mark (and, under L2, the minimal sizes):
    moving that ε, the chart shown or an attacker's question budget reruns only this."""
    v = ui.values(STATE)
    cfg = CurveConfig.from_values(v)
    attacks = cfg.attacks + (("square",) * v["bb"])  # Square has a budget: cells like the others
    points, distances = lessons_of(ds, trained, model_key, n)
    measure = partial(lessons.cells, *points, clip=ds.clip, seed=v["seed"], progress="rb_computing")
    runs = {c.attack: lessons.attacked(*points, c, clip=ds.clip, seed=v["seed"])  # each once for the class
            for c in robustness.black_box_configs(v, eps=cfg.eps, norm=cfg.norm)} if v["bb"] else {}
    if not attacks:
        st.warning(ui.tr("rb_no_attack"), icon=":material/warning:")
    else:
        cells = measure(robustness.cell_configs(v, attacks, eps_values=cfg.eps_values(), norm=cfg.norm))
        if runs:  # HopSkipJump has no budget: the changes it found that fit each one
            cells += robustness.within_cells(runs["hopskipjump"], cfg.eps_values(), norm=cfg.norm)
        show_curves(robustness.curve_set(cells, eps_values=cfg.eps_values(), norm=cfg.norm, n_points=n,
                                         n_classes=ds.n_classes), cfg.eps, ds)
    st.divider()
    table_section(ds, measure, points, attacks, cfg, v)
    if runs:
        st.divider()
        questions_section(runs, distances, cfg, v)
    if cfg.norm == "l2":
        st.divider()
        minimal_section(ds, distances, ds.y_test[:n], cfg.eps)
    ui.sync_url(STATE, ui.values(STATE))


def questions_section(runs: dict, distances, cfg: CurveConfig, v: dict) -> None:
    """How each attacker's success grew with the questions it asked, at the table's epsilon."""
    st.subheader(ui.tr("rb_q_title"))
    df = distances(robustness.cell_configs(v, ("deepfool",), eps_values=[None], norm="l2"))[0]
    qc = robustness.query_curves(runs, eps=cfg.eps, norm=cfg.norm, minimal=df)
    ui.chart(tfigs.query_figure(qc.success, reference=qc.reference, distance=qc.distance, minimal=qc.minimal,
                                eps=qc.eps, norm=qc.norm, lang=ui.lang(), presenter=ui.presenter()),
             key="rb_queries", filename="advlab-success-vs-queries")
    st.caption(ui.tr("rb_q_caption", sq=v["square_queries"], hsj=v["hopskipjump_queries"],
                     pgd=runs["pgd"].mean_queries) + (" " + ui.tr("rb_q_linf") if cfg.norm == "linf" else ""))


def show_curves(curves, mark_eps: float, ds) -> None:
    # one chart at a time (a radio, not tabs): a chart in a hidden tab has no size to draw at
    show = ui.select(STATE, "show", ui.tr("rb_show"), fmt=lambda k: ui.tr(f"rb_show_{k}"), radio=True, horizontal=True)
    key, name = ("rb_curves_acc", "accuracy") if show == "accuracy" else ("rb_curves_success", "success-rate")
    ui.chart(rfig.curve_set_figure(curves, metric=show, mark_eps=mark_eps, lang=ui.lang(), presenter=ui.presenter()),
             key=key, filename=f"advlab-robustness-{name}")
    if show == "success":
        st.caption(ui.tr("rb_success_caption"))
    if not ("noise" in curves.attacks and "pgd" in curves.attacks):
        st.caption(ui.tr("rb_band_hint"))
    for s in robustness.find_shapes(curves):
        controls.note(robustness.shape_text(s, curves, d=ds.n_features, tr=ui.tr))
    controls.reading_row(ui.tr("rb_read_title"), ui.tr("rb_read_curves", n=curves.n_points,
                                                       norm=ui.tr(f"rb_norm_{curves.norm}")),
                         label=ui.tr("rb_csv_curves"), rows=curves.rows(), file_name=f"advlab-robustness-{ds.name}.csv",
                         key="rb_dl_curves")


def minimal_section(ds, distances, y, mark: float | None) -> None:
    """Each point's smallest L2 change that fools the model; ``mark``: an L2 budget to mark on them."""
    st.subheader(ui.tr("rb_min_title"))
    st.caption(ui.tr("rb_min_intro"))
    with st.expander(ui.tr("rb_min_settings")):
        param_rows(STATE, MIN_METHODS)
    cfgs = robustness.cell_configs(ui.values(STATE), MIN_METHODS, eps_values=[None], norm="l2")
    dist = dict(zip(MIN_METHODS, distances(cfgs), strict=True))
    s = robustness.summarize_distances(dist, mark=mark)
    if not s.correct.any():
        st.warning(ui.tr("rb_min_none"), icon=":material/warning:")
        return
    for col, (label, value, hint) in zip(controls.metric_row(4), robustness.distance_metrics(s, mark=mark, tr=ui.tr)):
        col.metric(label, value, help=hint)
    charts = ((rfig.distance_histogram, "rb_min_hist", "histogram"), (rfig.flip_curve, "rb_min_flip", "cumulative"))
    drawn = tuple((k, d.tobytes()) for k, d in s.distances.items())  # all the charts show but ε: built once
    for col, (build, key, name) in zip(st.columns(2, gap="large"), charts):
        with col:
            ui.chart(ui.figure((key, drawn, mark, ui.lang(), ui.presenter()), partial(
                build, s.distances, mark_eps=mark, lang=ui.lang(), presenter=ui.presenter())), key=key,
                filename=f"advlab-minimal-perturbations-{name}")
    if any(s.failed.values()):
        st.caption(ui.tr("rb_min_failed", df=s.failed["deepfool"], cw=s.failed["cw"]))
    linf = "" if mark is not None else "\n\n" + ui.tr("rb_read_min_linf", d=ds.n_features, sqrt=math.sqrt(ds.n_features))
    controls.reading_row(ui.tr("rb_read_title"), ui.tr("rb_read_min") + linf, label=ui.tr("rb_csv_min"),
                         rows=robustness.distance_rows(y, dist), key="rb_dl_min",
                         file_name=f"advlab-minimal-perturbations-{ds.name}.csv")


def table_section(ds, measure, points: tuple, attacks: tuple, cfg: CurveConfig, v: dict) -> None:
    st.subheader(ui.tr("rb_table_title"))
    d, (c1, c2) = ds.n_features, st.columns([1.2, 2])
    eps = c1.slider(ui.tr("rb_table_eps"), 0.0, cfg.eps_max, step=robustness.table_step(cfg.eps_max),
                    key=_k("eps"), help=ui.tr("rb_table_eps_help"))
    c2.caption(ui.tr(f"rb_budget_{cfg.norm}", eps=eps, d=d, l2=eps * math.sqrt(d)))
    if not attacks:
        return
    cfgs = robustness.cell_configs(v, attacks, eps_values=[eps], norm=cfg.norm)
    items, others, text = robustness.table_items(*points, cfgs, eps=eps, eps_max=cfg.eps_max, clip=ds.clip,
                                                 seed=v["seed"], tr=ui.tr)  # the gradient attacks: read off sweeps
    cells = robustness.table_cells(cfgs, eps, lessons.swept(items, text=text), measure(others))
    # the rest of the slider's range, nearest first, while the server is idle: a move there is then a look-up
    for block in robustness.table_blocks(eps, eps_max=cfg.eps_max, n_points=len(points[2]), n_features=d)[1:]:
        lessons.prefetch(robustness.table_items(*points, cfgs, eps=block[0], eps_max=cfg.eps_max, clip=ds.clip,
                                                seed=v["seed"], tr=ui.tr)[0])
    rows = [{ui.tr("rb_col_attack"): ui.tr(f"attack_{c.attack}"),
             **{ui.tr(f"rb_col_{k}"): x for k, x in robustness.table_row(c).items()}} for c in cells]
    config = {ui.tr(f"rb_col_{k}"): st.column_config.NumberColumn(format=f, help=ui.tr(f"rb_col_{k}_help", d=d))
              for k, f in COLUMNS.items()}
    config[ui.tr("rb_col_acc")] = st.column_config.ProgressColumn(format="%.1f%%", min_value=0.0, max_value=100.0,
                                                                  help=ui.tr("rb_col_acc_help"))
    st.dataframe(rows, hide_index=True, column_config=config, width="stretch", key="rb_table")
    if d >= 10:
        st.caption(ui.tr("rb_table_caption", d=d))
    for note in robustness.budget_notes(cells, clipped=ds.clip is not None) if eps > 0 else []:
        names = ui.tr("rb_list_sep").join(ui.tr(f"attack_{a}") for a in note.attacks)
        controls.note(ui.tr(NOTES[note.kind], attack=names, attacks=names, share=note.value, l0=note.value, d=d,
                      norm=ui.tr(f"rb_norm_{cfg.norm}"), eps=eps))


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
