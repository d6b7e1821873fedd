"""Transferability: craft adversarial examples on a surrogate MLP, show them to other models the learner picks."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import streamlit as st

from advlab import export, models, projections, transfer, ui
from advlab.attacks import ATTACKS
from advlab.config import AttackConfig, DataConfig, NetConfig, TargetConfig
from advlab.data import TWO_D
from advlab.figures import defense as dfig
from advlab.state import Field, PageState
from advlab.ui import controls, lessons, owndata

DATASETS = (*TWO_D, "blog", "digits")
EPS_STEP = 0.01  # the ε slider's step
GALLERY_RES = 90
K = "tf"
LESSON = (DataConfig, NetConfig, TargetConfig)
# only attacks with an epsilon budget can be swept over epsilon and crafted at full budget
_fields = [Field("attack", "pgd", "choice", choices=transfer.CRAFT_ATTACKS), *controls.attack_fields(eps=0.3)[1:]]
STATE = PageState(K, [
    *DataConfig.fields(dataset="blog", noise=0.2, dataset_choices=DATASETS),
    *(f for f in NetConfig.fields() if f.name != "l2"),  # the surrogate's network; no weight decay here
    Field("targets", tuple(range(len(transfer.TARGETS))), "ints", 0, len(transfer.TARGETS) - 1),
    *TargetConfig.fields(),
    *_fields,
    Field("stop", False, "bool"),
    Field("emax", 0.5, "float", 0.1, 1.0),
    *owndata.fields(),  # built-in data or the learner's table
])
# ε in standard deviations (2-D sets, blog) and in pixel units (digits, [0, 1])
PLAIN_EPS = {"eps": 0.3, "emax": 0.5}
PIXEL_EPS = {"eps": 0.1, "emax": 0.25}


def sidebar_controls() -> None:
    sb = st.sidebar
    owndata.data_controls(STATE, prefix=K, on_change=controls.pixel_eps_swap(K, PLAIN_EPS, PIXEL_EPS))
    controls.net_controls(STATE, prefix=K, heading="tf_surrogate")
    sb.subheader(ui.tr("tf_target_settings"))
    ui.number(STATE, "tseed", ui.tr("tf_tseed"), step=1, where=sb, help=ui.tr("tf_tseed_help"))
    ui.slider(STATE, "twidth", ui.tr("tf_twidth"), where=sb, help=ui.tr("tf_twidth_help"))
    ui.slider(STATE, "knn_k", ui.tr("tf_knn_k"), where=sb, help=ui.tr("tf_knn_k_help"))
    sb.subheader(ui.tr("tf_charts"))
    ui.slider(STATE, "emax", ui.tr("tf_emax"), step=0.05, where=sb, help=ui.tr("tf_emax_help"))


def target_picker() -> None:
    k = ui.wkey(K, "targets")
    cur = st.session_state.get(k)
    if isinstance(cur, tuple):  # the URL gives a tuple; the widget keeps a list
        st.session_state[k] = list(cur)
    st.pills(ui.tr("tf_targets"), list(range(len(transfer.TARGETS))), selection_mode="multi", key=k,
             format_func=lambda i: ui.tr(f"tf_target_{transfer.TARGETS[i]}_short"), help=ui.tr("tf_targets_help"))


def target_label(tcfg: TargetConfig, name: str, short: bool = False) -> str:
    return ui.tr(f"tf_target_{name}" + ("_short" if short else ""), seed=tcfg.tseed, w=tcfg.twidth, k=tcfg.knn_k)


# ---------------------------------------------------------------- models ---

def target_key(data: DataConfig, net: NetConfig, tcfg: TargetConfig, name: str) -> tuple:
    """A target's key holds what it reads: the surrogate's network (the MLPs) or
    only its seed (the forest's), and its own setting."""
    reads = net if name.startswith("mlp") else NetConfig(seed=net.seed)
    return (*lessons.model_key(data, reads, f"tf-{name}"), tcfg.own(name))


def train_all(ds, data: DataConfig, net: NetConfig, tcfg: TargetConfig, names: list[str]):
    """The surrogate and the chosen targets: stored ones at once, the rest trained
    together on the shared pool under one progress bar. A target that cannot be
    trained is reported and left out."""
    x, y = ds.x_train, ds.y_train
    runs = {"surrogate": (lessons.model_key(data, net), partial(models.fit_mlp, x, y, **net.fit_kwargs()))}
    runs.update({n: (target_key(data, net, tcfg, n), partial(transfer.train_target, n, x, y, **tcfg.train_kwargs(),
                                                             **net.fit_kwargs())) for n in names})
    labels = {key: ui.tr("tf_surrogate_label") if n == "surrogate" else target_label(tcfg, n)
              for n, (key, _) in runs.items()}
    results = ui.shared_all([(key, ui.train_job(fit, net.epochs)) for key, fit in runs.values()],
                            text=lambda done, n, job: ui.tr("tf_training_now", i=done + 1, n=n,
                                                            what=labels.get(job.key, ""))
                            + f" · {job.info.get('epoch', 0)}/{net.epochs}")
    trained = {}
    for (name, (key, _)), item in zip(runs.items(), results):
        if isinstance(item, BaseException) and (name == "surrogate" or not isinstance(item, ValueError)):
            raise item
        if isinstance(item, BaseException):  # a diverged MLP, or a k larger than the training set
            msg = "tf_target_diverged" if isinstance(item, models.TrainingDiverged) else "tf_target_failed"
            st.warning(ui.tr(msg, what=labels[key], lr=f"{net.lr:g}", epoch=getattr(item, "epoch", 0), msg=str(item)),
                       icon=":material/warning:")
        else:
            trained[name] = lessons.Stored(key, item)
    return trained.pop("surrogate"), trained


# --------------------------------------------------------------- sections ---

def reach(eps: float, emax: float) -> float:
    """How far the chart and its sweep reach for ε ``eps``: ``emax``, or past it the next quarter (at most 1)."""
    return float(max(emax, min(1.0, np.ceil(eps * 4 - 1e-9) / 4)))


@controls.guarded_fragment
def attack_section(ds, surrogate: lessons.Stored, targets: dict[str, lessons.Stored]) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    st.subheader(ui.tr("tf_attack_title"))
    cfg = AttackConfig(**controls.attack_controls(STATE, n_classes=ds.n_classes))
    ui.toggle(STATE, "stop", ui.tr("tf_stop"), help=ui.tr("tf_stop_help"))
    v = ui.values(STATE)
    net, tcfg = NetConfig.from_values(v), TargetConfig.from_values(v)
    stop = v["stop"] and ATTACKS[cfg.attack].iterative
    # every slider ε up to the chart's end at once: a move is then a look-up, nothing is crafted again
    top = reach(cfg.eps, v["emax"])
    common, shown = dict(clip=ds.clip, seed=net.seed, stop_early=stop), {"surrogate": surrogate, **targets}
    keys, slot = tuple(m.key for m in shown.values()), st.empty()
    slot.progress(0.0, text=ui.tr("tf_crafting", n=round(top / EPS_STEP) + 1))
    try:
        def sweep(end: float) -> tuple[tuple, partial]:
            return ("tf-sweep", keys, end, dataclasses.replace(cfg, eps=None), stop, net.seed), partial(
                transfer.slider_sweep, surrogate.model, {n: t.model for n, t in targets.items()}, ds.x_test,
                ds.y_test, eps_max=end, step=EPS_STEP, keep_examples=ds.n_features == 2, attack=cfg.attack,
                **{k: a for k, a in cfg.run_kwargs().items() if k != "eps"}, **common)

        view, compute = sweep(top)
        curve = lessons.result(view, compute)
        # the chart's later reaches (past emax, a quarter at a time), while the server is idle
        for end in sorted({reach(e, v["emax"]) for e in np.arange(0.0, 1.0 + EPS_STEP / 2, EPS_STEP)} - {top}):
            if end > top:
                lessons.prefetch_result(*sweep(end))
        if (at := curve.index(cfg.eps)) is None:  # an ε off the slider's steps (from a link): crafted on its own
            x_adv = lessons.result(("tf-craft", surrogate.key, cfg, stop, net.seed), partial(transfer.craft,
                                   surrogate.model, ds.x_test, ds.y_test, attack=cfg.attack, **cfg.run_kwargs(), **common))
            scores = lessons.result(("tf-scores", keys, cfg, stop, net.seed), partial(
                transfer.score_all, {n: m.model for n, m in shown.items()}, ds.x_test, x_adv, ds.y_test,
                targeted=cfg.targeted, target=cfg.target if cfg.targeted else None))
        else:
            scores, x_adv = curve.scores_at(at), None if curve.x_adv is None else curve.x_adv[at]
    except ValueError as e:
        st.warning(ui.tr("tf_attack_error", msg=str(e)), icon=":material/warning:")
        return
    finally:
        slot.empty()
        ui.sync_url(STATE, v, controls.active_fields(STATE, v))
    labels = {"surrogate": ui.tr("tf_surrogate_whitebox"), **{n: target_label(tcfg, n) for n in targets}}
    show_numbers(cfg, tcfg, scores, list(targets))
    left, right = controls.columns([1.7, 1], gap="large")
    colors = [dfig.TARGET_COLORS[transfer.TARGETS.index(n) % len(dfig.TARGET_COLORS)] for n in targets]
    left.markdown(f"**{ui.tr('tf_chart_title', attack=ui.tr('attack_' + cfg.attack))}**")
    view = (*view, cfg.eps, tuple(labels.values()), ui.lang(), ui.presenter())  # all a figure shows
    with left:  # figures shared by every session on the same view: moving ε back reuses them
        ui.chart(ui.figure(("tf-chart", *view), lambda: dfig.transfer_chart(
            curve.eps, curve.success, [labels[n] for n in curve.names], eps_mark=cfg.eps, lang=ui.lang(),
            presenter=ui.presenter(), colors=colors)), key="tf_chart", filename="advlab-transfer-success")
    with right:
        reading(tcfg, curve, scores, list(targets), cfg.eps, stop, ATTACKS[cfg.attack].iterative)
        with st.expander(ui.tr("tf_why_title"), expanded=False):
            st.markdown(ui.tr("tf_why"))
    table(cfg, scores, labels, curve.labelled_rows(labels, attack=cfg.attack, norm=cfg.norm, stop_early=stop))
    if ds.n_features == 2:
        st.markdown(f"**{ui.tr('tf_gallery_title')}**")
        ui.chart(ui.figure(("tf-gallery", *view), lambda: gallery(ds, shown, scores, x_adv, labels)),
                 key="tf_gallery", filename="advlab-transfer-boundaries")
        st.caption(ui.tr("tf_gallery_caption"))


def show_numbers(cfg: AttackConfig, tcfg: TargetConfig, scores: dict, targets: list[str]) -> None:
    """White-box success, then the best, mean and worst transfer."""
    eps, white = f"{cfg.eps:g}", scores["surrogate"].success
    m = controls.metric_row(4)
    m[0].metric(ui.tr("tf_m_white", eps=eps), f"{white:.1%}", help=ui.tr("tf_m_white_help"))
    if targets:
        best = max(targets, key=lambda n: scores[n].success)
        worst = min(targets, key=lambda n: scores[n].success)
        mean = float(np.mean([scores[n].success for n in targets]))
        m[1].metric(ui.tr("tf_m_best", eps=eps), f"{scores[best].success:.1%}", delta_color="off", delta_arrow="off",
                    delta=target_label(tcfg, best, short=True), help=ui.tr("tf_m_best_help"))
        m[2].metric(ui.tr("tf_m_mean", eps=eps), f"{mean:.1%}", delta=f"{(mean - white) * 100:+.1f} pt",
                    help=ui.tr("tf_m_mean_help"))
        m[3].metric(ui.tr("tf_m_worst", eps=eps), f"{scores[worst].success:.1%}", delta_color="off",
                    delta_arrow="off", delta=target_label(tcfg, worst, short=True), help=ui.tr("tf_m_worst_help"))
    else:
        st.info(ui.tr("tf_no_targets"), icon=":material/info:")
    if cfg.targeted:
        st.caption(ui.tr("tf_targeted_note", k=cfg.target))


def reading(tcfg: TargetConfig, curve, scores: dict, targets: list[str], eps: float, stop: bool,
            iterative: bool) -> None:
    """What the numbers say, in a sentence or two."""
    if not targets:
        return
    means = curve.mean_success()
    over = [n for n in targets if means[n] > means["surrogate"] + 1e-9]
    best = max(targets, key=lambda n: scores[n].success)
    text = ui.tr("tf_read", best=target_label(tcfg, best), rate=f"{scores[best].success:.0%}",
                 white=f"{scores['surrogate'].success:.0%}", eps=f"{eps:g}")
    if over:
        text += " " + ui.tr("tf_read_over", names=", ".join(target_label(tcfg, n) for n in over))
    st.markdown(text + (" " + ui.tr("tf_read_stop") if stop else " " + ui.tr("tf_read_full") if iterative else ""))


def table(cfg: AttackConfig, scores: dict, labels: dict, csv_rows: list[dict]) -> None:
    """Every model's numbers at the chosen ε, and the whole curve as CSV."""
    st.markdown(f"**{ui.tr('tf_table_title', eps=f'{cfg.eps:g}')}**")
    white = scores["surrogate"].success
    cols = [ui.tr(k) for k in ("tf_col_model", "tf_col_clean", "tf_col_adv", "tf_col_success", "tf_col_vs_white")]
    rows = [dict(zip(cols, (labels[n], 100 * s.clean_accuracy, 100 * s.adv_accuracy, 100 * s.success,
                            s.success / white if white > 0 else float("nan")))) for n, s in scores.items()]
    pct = st.column_config.NumberColumn(format="%.1f%%")
    st.dataframe(rows, hide_index=True, width="stretch", column_config={
        cols[1]: pct, cols[2]: pct, cols[3]: pct, cols[4]: st.column_config.NumberColumn(format="%.2f×")})
    c1, c2 = st.columns([3, 1])
    c1.caption(ui.tr("tf_table_caption"))
    c2.download_button(ui.tr("tf_csv"), partial(export.csv_text, csv_rows), file_name=f"advlab-transfer-{cfg.attack}.csv",
                       mime="text/csv", key="tf_csv", width="stretch")


def gallery(ds, shown: dict[str, lessons.Stored], scores: dict, x_adv, labels: dict):
    """Every model's decision map with the same adversarial points on it."""
    lim = projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
    panels = []
    for n, m in shown.items():
        g = lessons.result(("tf-grid", m.key, lim), partial(transfer.boundary_grid, m.model, lim, GALLERY_RES,
                                                            ds.n_classes))
        panels.append({"xs": g.xs, "ys": g.ys, "proba": g.proba, "fooled": scores[n].fooled,
                       "title": ui.tr("tf_gallery_panel", what=labels[n], rate=f"{scores[n].success:.0%}")})
    return dfig.boundary_gallery(panels, x_adv, ds.y_test, lang=ui.lang(), presenter=ui.presenter(),
                                 cols=2 if ui.presenter() else 4)


def main() -> None:
    ui.bind(STATE)
    st.title(ui.tr("tf_title"))
    st.caption(ui.tr("tf_intro"))
    ui.show_notes()
    sidebar_controls()
    target_picker()
    v = ui.values(STATE)
    data, net, tcfg = (c.from_values(v) for c in LESSON)
    controls.eps_note(K, "tf_eps_adjusted", eps="eps", emax="emax")
    names = [transfer.TARGETS[i] for i in sorted(set(v["targets"] or ())) if 0 <= i < len(transfer.TARGETS)]
    if not names:
        st.warning(ui.tr("tf_pick_one"), icon=":material/warning:")
    if (got := owndata.use(STATE, data)) is None:  # no file uploaded yet
        return
    data, ds = got
    surrogate, targets = lessons.last_good(K, data, net, lambda net: train_all(ds, data, net, tcfg, names),
                                           warning="tf_diverged")
    attack_section(ds, surrogate, targets)
    ui.sync_url(STATE, v, controls.active_fields(STATE, v))


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
