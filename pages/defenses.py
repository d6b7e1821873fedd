"""Defenses: adversarial training side by side with standard training, the
robustness/accuracy trade-off, and a "defense" whose robustness is only reported."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from advlab import defenses, evaluation, models, projections, ui
from advlab.config import TEMPERATURES, AdvTrainConfig, DataConfig, DefenseViewConfig, NetConfig
from advlab.data import TWO_D
from advlab.figures import defense as dfig
from advlab.state import PageState
from advlab.ui import controls, lessons, owndata

DATASETS = (*TWO_D, "blog", "digits")
EVAL_STEPS = 40  # PGD steps of every evaluation on this page
EVAL_GRID = evaluation.eps_steps(0.0, 1.0, 0.01)  # the evaluation ε slider's values (its range, by its step)
CURVE_POINTS = 13
SWEEP_POINTS = 7
GRID_RES = 120
K = "df"
LESSON = (DataConfig, NetConfig, AdvTrainConfig, DefenseViewConfig)
STATE = PageState(K, [
    *DataConfig.fields(dataset="moons", noise=0.1, dataset_choices=DATASETS),
    *(f for f in NetConfig.fields() if f.name != "l2"),  # no weight decay on this page
    *AdvTrainConfig.fields(),
    *DefenseViewConfig.fields(),
    *owndata.fields(),  # built-in data or the learner's table
])
STANDARD = AdvTrainConfig(teps=0.0)
# ε in standard deviations (2-D sets, blog) and in pixel units (digits, [0, 1]): a
# 0.4 that suits the first wipes out the second
PLAIN_EPS = {"teps": 0.4, "eval_eps": 0.4, "emax": 0.6}
PIXEL_EPS = {"teps": 0.1, "eval_eps": 0.1, "emax": 0.3}


def sidebar_controls() -> None:
    owndata.data_controls(STATE, prefix=K, on_change=controls.pixel_eps_swap(K, PLAIN_EPS, PIXEL_EPS))
    controls.net_controls(STATE, prefix=K, heading="df_network", lr_help="df_lr_help")
    st.sidebar.subheader(ui.tr("df_charts"))
    ui.slider(STATE, "emax", ui.tr("df_emax"), step=0.05, where=st.sidebar, help=ui.tr("df_emax_help"))
    ui.toggle(STATE, "sweep", ui.tr("df_sweep"), where=st.sidebar, help=ui.tr("df_sweep_help"))


def training_controls() -> None:
    box = st.container(border=True)
    box.markdown(ui.tr("df_controls_intro"))
    c = box.columns([1.0, 1.3, 1.3, 1.1, 1.3], gap="medium")
    ui.select(STATE, "method", ui.tr("df_method"), fmt=lambda k: ui.tr(f"attack_{k}"), where=c[0], radio=True,
              horizontal=True, help=ui.tr("df_method_help"))
    ui.slider(STATE, "teps", ui.tr("df_teps"), step=0.01, where=c[1], help=ui.tr("df_teps_help"))
    ui.slider(STATE, "ratio", ui.tr("df_ratio"), step=0.05, fmt="%.2f", where=c[2], help=ui.tr("df_ratio_help"))
    c[3].slider(ui.tr("df_steps"), 1, 20, step=1, key=ui.wkey(K, "steps"), help=ui.tr("df_steps_help"),
                disabled=st.session_state[ui.wkey(K, "method")] != "pgd")
    ui.slider(STATE, "eval_eps", ui.tr("df_eval_eps"), step=0.01, where=c[4], help=ui.tr("df_eval_eps_help"))


def training(ds, data: DataConfig, net: NetConfig, adv: AdvTrainConfig) -> tuple:
    """The key and the shared job of ``adv`` (standard training at ε = 0)."""
    fit = defenses.trainer(ds.x_train, ds.y_train, net=net, adv=adv, clip=ds.clip)
    return (*lessons.model_key(data, net, "df"), adv.canonical()), ui.train_job(fit, net.epochs)


def train(ds, data: DataConfig, net: NetConfig, adv: AdvTrainConfig, label: str) -> lessons.Stored:
    """The model for these settings: stored, joined, or trained now with a progress bar."""
    key, job = training(ds, data, net, adv)
    return lessons.Stored(key, ui.shared(key, job, text=lambda job: ui.tr(
        "df_training_now", what=label, ep=job.info.get("epoch", 0), n=net.epochs, acc=job.info.get("accuracy", 0.0))))


def main_models(ds, data: DataConfig, net: NetConfig, adv: AdvTrainConfig) -> tuple[lessons.Stored, lessons.Stored]:
    """The standard and the adversarially trained model; after a blow-up, the last good pair."""
    def both(net: NetConfig) -> tuple[lessons.Stored, lessons.Stored]:
        return (train(ds, data, net, STANDARD, ui.tr("df_std_label")),
                train(ds, data, net, adv, method_label(adv)))
    return lessons.last_good(K, data, net, both, warning="df_diverged")


def method_label(adv: AdvTrainConfig) -> str:
    fmt = dict(steps=adv.steps, eps=f"{adv.teps:g}", pct=f"{adv.ratio:.0%}")
    return ui.tr("df_adv_label_pgd" if adv.method == "pgd" else "df_adv_label_fgsm", **fmt)


def at_eval_eps(ds, ev: float, seed: int, runs: list[tuple]) -> list[evaluation.EpsSweep]:
    """Each run (key, model, attack, judge) at every ε of the slider's block holding ``ev``, shared (a bar if new)."""
    block, *rest = evaluation.eps_blocks(EVAL_GRID, ev, n_points=len(ds.x_test), n_features=ds.n_features)
    items = partial(defenses.eval_items, runs, ds.x_test, ds.y_test, clip=ds.clip, seed=seed, steps=EVAL_STEPS,
                    keep_x=ds.n_features == 2)
    out = lessons.swept(items(block=block), text=lambda done, n, i: ui.tr(
        "df_eval_sweep_now", i=done + 1, n=n, steps=EVAL_STEPS, lo=f"{block[0]:g}", hi=f"{block[-1]:g}"))
    for other in rest:  # wide data: the rest of the slider's range, nearest first, while the server is idle
        lessons.prefetch(items(block=other))
    return out


# --------------------------------------------------------------- sections ---

def compare_section(ds, net: NetConfig, adv: AdvTrainConfig, view: DefenseViewConfig, std, robust) -> None:
    st.subheader(ui.tr("df_compare_title"))
    ev = view.eval_eps
    r_std, r_adv = at_eval_eps(ds, ev, net.seed, [(m.key, m.model, "pgd", None) for m in (std, robust)])
    m = controls.metric_row(5)
    m[0].metric(ui.tr("df_m_std_clean"), f"{r_std.clean_accuracy:.1%}", help=ui.tr("df_m_clean_help"))
    m[1].metric(ui.tr("df_m_adv_clean"), f"{r_adv.clean_accuracy:.1%}",
                delta=f"{(r_adv.clean_accuracy - r_std.clean_accuracy) * 100:+.1f} pt", help=ui.tr("df_m_clean_help"))
    m[2].metric(ui.tr("df_m_std_pgd", eps=f"{ev:g}"), f"{r_std.accuracy_at(ev):.1%}", help=ui.tr("df_m_pgd_help"))
    m[3].metric(ui.tr("df_m_adv_pgd", eps=f"{ev:g}"), f"{r_adv.accuracy_at(ev):.1%}",
                delta=f"{(r_adv.accuracy_at(ev) - r_std.accuracy_at(ev)) * 100:+.1f} pt", help=ui.tr("df_m_pgd_help"))
    std_s, adv_s = std.trained.seconds, robust.trained.seconds
    m[4].metric(ui.tr("df_m_time"), f"{adv_s / std_s if std_s > 0 else float('nan'):.1f}×",
                help=ui.tr("df_m_time_help", adv=f"{adv_s:.2f}", std=f"{std_s:.2f}"))
    if adv.teps == 0 or adv.ratio == 0:
        st.info(ui.tr("df_same_as_standard"), icon=":material/info:")
    if ds.n_features == 2:
        maps(ds, adv, ev, (std, robust), (r_std.at(ev), r_adv.at(ev)))
    else:
        st.caption(ui.tr("df_no_map", d=ds.n_features))
    grid = defenses.eps_points(view.curve_max(adv.teps), CURVE_POINTS)
    c_std, c_adv = (lessons.result(("df-curve", m.key, grid, net.seed), partial(
        defenses.pgd_curve, m.model, ds.x_test, ds.y_test, eps_values=grid, clip=ds.clip, seed=net.seed,
        steps=EVAL_STEPS)) for m in (std, robust))
    controls.chart_beside(
        dfig.adv_training_curves(grid, c_std, c_adv, train_eps=adv.teps, eval_eps=ev, lang=ui.lang(),
                                 presenter=ui.presenter()),
        key="df_curves", filename="advlab-adversarial-training-curves", title=ui.tr("df_curve_title"),
        reading=ui.tr("df_curve_explain"),
        csv=("df_csv_curves", defenses.curve_rows(grid, c_std, c_adv), "advlab-adversarial-training-curves.csv"))


def maps(ds, adv: AdvTrainConfig, ev: float, shown, results) -> None:
    """Both decision maps, each with arrows where PGD at ``ev`` wins."""
    lim = projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
    names = [ui.tr("class_n", k=i) for i in range(ds.n_classes)]
    for col, (short, kind), title, m, res in zip(
            controls.columns(2, gap="medium"), (("std", "standard"), ("adv", "adversarial")),
            (ui.tr("df_map_std"), method_label(adv)), shown, results):
        g = lessons.result(("df-grid", m.key, lim), partial(projections.boundary_grid, m.model, lim, GRID_RES))
        col.markdown(f"**{title}**")
        with col:
            ui.chart(dfig.defense_map(g.xs, g.ys, g.proba, res.x, res.y, res.x_adv, res.pred_adv, class_names=names,
                                      lang=ui.lang(), presenter=ui.presenter()),
                     key=f"df_map_{short}", filename=f"advlab-defense-map-{kind}")
    st.caption(ui.tr("df_map_caption", eps=f"{ev:g}"))


def tradeoff_section(ds, data: DataConfig, net: NetConfig, adv: AdvTrainConfig, view: DefenseViewConfig) -> None:
    st.divider()
    st.subheader(ui.tr("df_tradeoff_title"))
    st.caption(ui.tr("df_tradeoff_intro"))
    if not view.sweep:
        st.info(ui.tr("df_sweep_off"), icon=":material/info:")
        return
    runs = [replace(adv, teps=e) for e in defenses.eps_points(view.emax, SWEEP_POINTS)]
    jobs = [training(ds, data, net, a) for a in runs]
    eps_of = {key: a.teps for (key, _), a in zip(jobs, runs)}
    trained = ui.shared_all(jobs, text=lambda done, n, job: ui.tr("df_sweep_now", i=done + 1, n=n,
                                                                  eps=f"{eps_of.get(job.key, 0):g}"))
    for a, item in zip(runs, trained):
        if isinstance(item, models.TrainingDiverged):
            st.warning(ui.tr("df_sweep_diverged", eps=f"{a.teps:g}", epoch=item.epoch), icon=":material/warning:")
            return
        if isinstance(item, BaseException):
            raise item
    ev, stored = view.eval_eps, [lessons.Stored(k, t) for (k, _), t in zip(jobs, trained, strict=True)]
    res = defenses.tradeoff_at(at_eval_eps(ds, ev, net.seed, [(m.key, m.model, "pgd", None) for m in stored]),
                               train_eps=[a.teps for a in runs], eval_eps=ev, seconds=[t.seconds for t in trained])
    best = int(res.robust.argmax())
    controls.chart_beside(
        dfig.tradeoff_chart(res.train_eps, res.clean, res.robust, eval_eps=ev, current=adv.teps, lang=ui.lang(),
                            presenter=ui.presenter()),
        key="df_tradeoff", filename="advlab-robustness-accuracy-tradeoff",
        reading=ui.tr("df_tradeoff_read", clean0=f"{res.clean[0]:.0%}", clean1=f"{res.clean[-1]:.0%}",
                      emax=f"{res.train_eps[-1]:g}", rob0=f"{res.robust[0]:.0%}", robbest=f"{res.robust[best]:.0%}",
                      ebest=f"{res.train_eps[best]:g}", ev=f"{ev:g}"),
        csv=("df_csv_tradeoff", res.rows(), "advlab-tradeoff-sweep.csv"))


@controls.guarded_fragment
def masking_section(ds, std: lessons.Stored) -> None:
    """Reported vs real robustness; its controls rerun only this part."""
    st.divider()
    st.subheader(ui.tr("df_mask_title"))
    st.markdown(ui.tr("df_mask_intro"))
    c1, c2 = st.columns([1.3, 2])
    c1.select_slider(ui.tr("df_temp"), TEMPERATURES, key=ui.wkey(K, "temp"), help=ui.tr("df_temp_help"),
                     format_func=lambda s: f"{int(s):,}")
    ui.select(STATE, "source", ui.tr("df_source"), fmt=lambda k: ui.tr(f"df_source_{k}"), where=c2, radio=True,
              horizontal=True, help=ui.tr("df_source_help"))
    v = ui.values(STATE)
    data, net, adv, view = (c.from_values(v) for c in LESSON)
    mkey = ("df-masked", std.key, view.temp)
    masked = ui.shared(mkey, lambda job: defenses.saturate(std.trained, temperature=view.temp), text=lambda job: "")
    source = std  # the attacker's examples come from this network, or their own (the same settings, another seed)
    if view.source == "other":
        source = train(ds, data, replace(net, seed=net.seed + 1), STANDARD, ui.tr("df_source_training"))
    grid = defenses.eps_points(view.curve_max(adv.teps), CURVE_POINTS)
    rep = lessons.result(("df-masking", mkey, source.key, grid, net.seed), partial(
        defenses.reported_vs_real, masked, source.model, ds.x_test, ds.y_test, eps_values=grid, clip=ds.clip,
        steps=EVAL_STEPS, seed=net.seed))
    ev, temp = view.eval_eps, view.temp
    f, p, tr_ = (s.accuracy_at(ev) for s in at_eval_eps(ds, ev, net.seed, [
        (mkey, masked, "fgsm", None), (mkey, masked, "pgd", None), ((source.key, mkey), source.model, "pgd", masked)]))
    m = controls.metric_row(4)
    m[0].metric(ui.tr("df_m_mask_fgsm", eps=f"{ev:g}"), f"{f:.1%}", help=ui.tr("df_m_mask_fgsm_help"))
    m[1].metric(ui.tr("df_m_mask_pgd", eps=f"{ev:g}"), f"{p:.1%}", help=ui.tr("df_m_mask_pgd_help"))
    m[2].metric(ui.tr("df_m_mask_transfer", eps=f"{ev:g}"), f"{tr_:.1%}", delta=f"{(tr_ - f) * 100:+.1f} pt",
                help=ui.tr("df_m_mask_transfer_help"))
    m[3].metric(ui.tr("df_m_zero_grad"), f"{rep.zero_gradient_share:.0%}", help=ui.tr("df_m_zero_grad_help"))
    controls.chart_beside(
        dfig.masking_chart(rep.eps, rep.fgsm, rep.pgd, rep.transfer, eval_eps=ev, lang=ui.lang(),
                           presenter=ui.presenter()),
        key="df_masking", filename="advlab-reported-vs-real-robustness", caption=ui.tr("df_mask_refs"),
        reading=ui.tr(f"df_mask_{defenses.masking_verdict(temp, f, tr_)}", t=f"{temp:,.0f}", f=f"{f:.0%}",
                      p=f"{p:.0%}", tr=f"{tr_:.0%}", z=f"{rep.zero_gradient_share:.0%}", ev=f"{ev:g}"),
        csv=("df_csv_masking", rep.rows(), "advlab-reported-vs-real.csv"))
    ui.sync_url(STATE, v)


def main() -> None:
    ui.bind(STATE)
    st.title(ui.tr("df_title"))
    st.caption(ui.tr("df_intro"))
    ui.show_notes()
    sidebar_controls()
    controls.eps_note(K, "df_eps_adjusted", teps="teps", ev="eval_eps", emax="emax")
    if (got := owndata.use(STATE, DataConfig.from_values(ui.values(STATE)))) is None:  # no file uploaded yet
        training_controls()
        return ui.sync_url(STATE, ui.values(STATE))
    lesson(*got)
    with st.expander(ui.tr("df_try_title"), expanded=False):
        st.markdown(ui.tr("df_try"))


@controls.guarded_fragment
def lesson(data: DataConfig, ds) -> None:
    """The training controls and all after them: moving one (the evaluation ε) reruns only this."""
    training_controls()
    v = ui.values(STATE)
    net, adv, view = (c.from_values(v) for c in LESSON[1:])
    std, robust = main_models(ds, data, net, adv)
    compare_section(ds, net, adv, view, std, robust)
    tradeoff_section(ds, data, net, adv, view)
    masking_section(ds, std)
    ui.sync_url(STATE, v)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
