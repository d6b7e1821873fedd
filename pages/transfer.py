"""Transferability: craft adversarial examples on a surrogate MLP and show them
to other models the learner picks."""

from __future__ import annotations

import numpy as np
import streamlit as st

from advlab import export, models, projections, transfer, ui
from advlab.attacks import ATTACKS
from advlab.data import TWO_D
from advlab.figures import defense as dfig
from advlab.state import Field, PageState
from advlab.ui.controls import (
    BATCHES,
    LRS,
    active_fields,
    attack_controls,
    attack_fields,
    data_key,
    load_data,
    mlp_fields,
    net_kw,
)

DATASETS = (*TWO_D, "blog", "digits")
CURVE_POINTS = 11
GALLERY_RES = 90
K = "tf"

_fields = attack_fields("pgd", eps=0.3)
# only attacks with an epsilon budget can be swept over epsilon and crafted at full budget
_fields[0] = Field("attack", "pgd", "choice", choices=transfer.CRAFT_ATTACKS)
STATE = PageState(K, [
    *mlp_fields(datasets=DATASETS, dataset="blog", noise=0.2),
    Field("targets", tuple(range(len(transfer.TARGETS))), "ints", 0, len(transfer.TARGETS) - 1),
    Field("tseed", 1, "int", 0, 9999),
    Field("twidth", 128, "int", 2, 256),
    Field("knn_k", 5, "int", 1, 50),
    *_fields,
    Field("stop", False, "bool"),
    Field("emax", 0.5, "float", 0.1, 1.0),
])


# ------------------------------------------------------------- controls ---

def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(ui.tr("tf_data"))
    sb.selectbox(ui.tr("tf_dataset"), DATASETS, format_func=lambda k: ui.tr(f"ds_{k}"), key=ui.wkey(K, "dataset"),
                 on_change=_dataset_changed)
    name = st.session_state[ui.wkey(K, "dataset")]
    if name == "blobs":
        ui.slider(STATE, "classes", ui.tr("tf_classes"), where=sb)
    if name in TWO_D:
        ui.slider(STATE, "noise", ui.tr("tf_noise"), step=0.01, where=sb)
        ui.slider(STATE, "n", ui.tr("tf_samples"), step=50, where=sb)
    if name != "blog":
        ui.number(STATE, "dseed", ui.tr("tf_dseed"), step=1, where=sb)
    sb.subheader(ui.tr("tf_surrogate"))
    ui.slider(STATE, "layers", ui.tr("tf_layers"), where=sb)
    ui.slider(STATE, "width", ui.tr("tf_width"), where=sb)
    ui.select(STATE, "act", ui.tr("tf_activation"), where=sb, radio=True, horizontal=True)
    ui.slider(STATE, "epochs", ui.tr("tf_epochs"), step=1, where=sb)
    sb.select_slider(ui.tr("tf_lr"), LRS, key=ui.wkey(K, "lr"))
    sb.select_slider(ui.tr("tf_batch"), BATCHES, key=ui.wkey(K, "batch"))
    ui.number(STATE, "seed", ui.tr("tf_seed"), step=1, where=sb, help=ui.tr("tf_seed_help"))
    sb.subheader(ui.tr("tf_target_settings"))
    ui.number(STATE, "tseed", ui.tr("tf_tseed"), step=1, where=sb, help=ui.tr("tf_tseed_help"))
    ui.slider(STATE, "twidth", ui.tr("tf_twidth"), where=sb, help=ui.tr("tf_twidth_help"))
    ui.slider(STATE, "knn_k", ui.tr("tf_knn_k"), where=sb, help=ui.tr("tf_knn_k_help"))
    sb.subheader(ui.tr("tf_charts"))
    ui.slider(STATE, "emax", ui.tr("tf_emax"), step=0.05, where=sb, help=ui.tr("tf_emax_help"))


# ε in standard deviations (2-D sets, blog) and in pixel units (digits, [0, 1])
PLAIN_EPS = {"eps": 0.3, "emax": 0.5}
PIXEL_EPS = {"eps": 0.1, "emax": 0.25}


def _dataset_changed() -> None:
    """Moving to or from pixel data swaps the epsilons, unless the learner chose their own."""
    new = st.session_state[ui.wkey(K, "dataset")]
    src, dst = (PLAIN_EPS, PIXEL_EPS) if new == "digits" else (PIXEL_EPS, PLAIN_EPS)
    if all(abs(float(st.session_state.get(ui.wkey(K, k), -1)) - val) < 1e-9 for k, val in src.items()):
        for k, val in dst.items():
            st.session_state[ui.wkey(K, k)] = val
        st.session_state["tf_eps_note"] = dst


def target_picker() -> None:
    k = ui.wkey(K, "targets")
    cur = st.session_state.get(k)
    if isinstance(cur, tuple):  # the URL gives a tuple; the widget keeps a list
        st.session_state[k] = list(cur)
    st.pills(ui.tr("tf_targets"), list(range(len(transfer.TARGETS))), selection_mode="multi", key=k,
             format_func=lambda i: ui.tr(f"tf_target_{transfer.TARGETS[i]}_short"), help=ui.tr("tf_targets_help"))


# ---------------------------------------------------------- data, models ---

def surrogate_key(v: dict) -> tuple:
    return ("tf-surrogate", data_key(v), tuple(sorted(net_kw(v).items())))


def target_key(v: dict, name: str) -> tuple:
    own = {"mlp_seed": int(v["tseed"]), "mlp_width": int(v["twidth"]), "knn": int(v["knn_k"])}.get(name)
    base = tuple(sorted(net_kw(v).items())) if name.startswith("mlp") else int(v["seed"])
    return ("tf-target", name, data_key(v), base, own)


def target_label(v: dict, name: str, short: bool = False) -> str:
    return ui.tr(f"tf_target_{name}" + ("_short" if short else ""), seed=int(v["tseed"]), w=int(v["twidth"]),
                 k=int(v["knn_k"]))


def train_all(ds, v: dict, names: list[str]):
    """The surrogate and the chosen targets: stored ones at once, the rest trained
    together on the shared pool under one progress bar. A target that cannot be
    trained is reported and skipped."""
    skey = surrogate_key(v)
    epochs = int(v["epochs"])
    wanted = [("surrogate", skey)] + [(n, target_key(v, n)) for n in names]
    labels = {key: ui.tr("tf_surrogate_label") if n == "surrogate" else target_label(v, n) for n, key in wanted}

    def job_for(name):
        def compute(job):
            def on_epoch(ep, logs):
                job.report(ep / epochs, epoch=ep, epochs=epochs)
            if name == "surrogate":
                return models.fit_mlp(ds.x_train, ds.y_train, on_epoch=on_epoch, **net_kw(v)).model
            return transfer.train_target(name, ds.x_train, ds.y_train, other_seed=int(v["tseed"]),
                                         other_width=int(v["twidth"]), knn_k=int(v["knn_k"]), on_epoch=on_epoch,
                                         **net_kw(v))
        return compute

    def text(done, n, job) -> str:
        return (ui.tr("tf_training_now", i=done + 1, n=n, what=labels.get(job.key, ""))
                + f" · {job.info.get('epoch', 0)}/{epochs}")

    results = ui.shared_all([(key, job_for(n)) for n, key in wanted], text=text)
    sur, targets = None, {}
    for (name, key), item in zip(wanted, results):
        if isinstance(item, models.TrainingDiverged):
            if name == "surrogate":
                raise item
            st.warning(ui.tr("tf_target_diverged", what=labels[key], lr=v["lr"], epoch=item.epoch),
                       icon=":material/warning:")
        elif isinstance(item, ValueError):
            if name == "surrogate":
                raise item
            st.warning(ui.tr("tf_target_failed", what=labels[key], msg=str(item)), icon=":material/warning:")
        elif isinstance(item, BaseException):
            raise item
        elif name == "surrogate":
            sur = item
        else:
            targets[name] = item
    return skey, sur, targets


def surrogate_or_last_good(ds, v: dict, names: list[str]):
    try:
        out = train_all(ds, v, names)
    except models.TrainingDiverged as e:
        st.warning(ui.tr("tf_diverged", lr=v["lr"], epoch=e.epoch), icon=":material/warning:")
        last = st.session_state.get("tf_last_good")
        if last is not None and last[0][1] == data_key(v):
            return last
        if v["lr"] == "0.01":
            raise
        return surrogate_or_last_good(ds, dict(v, lr="0.01"), names)
    st.session_state["tf_last_good"] = out
    return out


# ----------------------------------------------------------------- caches ---

@st.cache_data(show_spinner=False, max_entries=64)
def cached_curve(_surrogate, skey, _targets: tuple, tkeys: tuple, _ds, grid: tuple, attack: str, norm: str,
                 targeted: bool, target: int, params: tuple, stop: bool, seed: int):
    return transfer.transfer_curve(_surrogate, dict(zip([k[1] for k in tkeys], _targets)), _ds.x_test, _ds.y_test,
                                   eps_values=grid, attack=attack, norm=norm, targeted=targeted,
                                   target=target if targeted else None, clip=_ds.clip, seed=seed, stop_early=stop,
                                   **dict(params))


@st.cache_data(show_spinner=False, max_entries=128)
def cached_craft(_surrogate, skey, _ds, eps: float, attack: str, norm: str, targeted: bool, target: int,
                 params: tuple, stop: bool, seed: int) -> np.ndarray:
    return transfer.craft(_surrogate, _ds.x_test, _ds.y_test, attack=attack, eps=eps, norm=norm, targeted=targeted,
                          target=target if targeted else None, clip=_ds.clip, seed=seed, stop_early=stop,
                          **dict(params))


@st.cache_data(show_spinner=False, max_entries=128)
def cached_grid(_model, key, lim: tuple, res: int, n_classes: int):
    xs, ys, pts = projections.grid_points(lim, res)
    return xs, ys, transfer.predict_proba(_model, pts, n_classes).reshape(res, res, -1)


def columns(spec, **kw):
    """Side by side on a laptop; one under the other on a projector."""
    if ui.presenter():
        return [st.container() for _ in (spec if isinstance(spec, list | tuple) else range(spec))]
    return st.columns(spec, **kw)


# --------------------------------------------------------------- sections ---

@st.fragment
def attack_section(ds, skey, surrogate, targets: dict, names: list[str]) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    try:
        _attack_section(ds, skey, surrogate, targets, names)
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is not covered by the page's guard
        st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")


def _attack_section(ds, skey, surrogate, targets: dict, names: list[str]) -> None:
    st.subheader(ui.tr("tf_attack_title"))
    cfg = attack_controls(STATE, n_classes=ds.n_classes)
    ui.toggle(STATE, "stop", ui.tr("tf_stop"), help=ui.tr("tf_stop_help"))
    v = ui.values(STATE)
    keep = active_fields(STATE, v)
    spec = ATTACKS[cfg["attack"]]
    stop = bool(v["stop"]) and spec.iterative
    seed = int(v["seed"])
    eps = float(cfg["eps"])
    tkeys = tuple(target_key(v, n) for n in targets)
    labels = {"surrogate": ui.tr("tf_surrogate_whitebox"), **{n: target_label(v, n) for n in targets}}
    # the chart reaches the table's ε, so its marker is always on it
    grid = tuple(float(e) for e in np.round(np.linspace(0.0, max(float(v["emax"]), eps), CURVE_POINTS), 4))
    slot = st.empty()
    slot.progress(0.0, text=ui.tr("tf_crafting", n=len(grid)))
    try:
        curve = cached_curve(surrogate, skey, tuple(targets.values()), tkeys, ds, grid, cfg["attack"], cfg["norm"],
                             cfg["targeted"], cfg["target"], cfg["params"], stop, seed)
        x_adv = cached_craft(surrogate, skey, ds, eps, cfg["attack"], cfg["norm"], cfg["targeted"], cfg["target"],
                             cfg["params"], stop, seed)
    except ValueError as e:
        slot.empty()
        st.warning(ui.tr("tf_attack_error", msg=str(e)), icon=":material/warning:")
        ui.sync_url(STATE, v, keep)
        return
    slot.empty()
    tgt = cfg["target"] if cfg["targeted"] else None
    scores = {"surrogate": transfer.score(surrogate, ds.x_test, x_adv, ds.y_test, targeted=cfg["targeted"], target=tgt)}
    scores.update({n: transfer.score(m, ds.x_test, x_adv, ds.y_test, targeted=cfg["targeted"], target=tgt)
                   for n, m in targets.items()})

    white = scores["surrogate"].success
    m = st.columns(4)
    m[0].metric(ui.tr("tf_m_white", eps=f"{eps:g}"), f"{white:.1%}", help=ui.tr("tf_m_white_help"))
    if targets:
        best = max(targets, key=lambda n: scores[n].success)
        worst = min(targets, key=lambda n: scores[n].success)
        mean = float(np.mean([scores[n].success for n in targets]))
        m[1].metric(ui.tr("tf_m_best", eps=f"{eps:g}"), f"{scores[best].success:.1%}",
                    delta=target_label(v, best, short=True), delta_color="off", delta_arrow="off",
                    help=ui.tr("tf_m_best_help"))
        m[2].metric(ui.tr("tf_m_mean", eps=f"{eps:g}"), f"{mean:.1%}",
                    delta=f"{(mean - white) * 100:+.1f} pt", help=ui.tr("tf_m_mean_help"))
        m[3].metric(ui.tr("tf_m_worst", eps=f"{eps:g}"), f"{scores[worst].success:.1%}",
                    delta=target_label(v, worst, short=True), delta_color="off", delta_arrow="off",
                    help=ui.tr("tf_m_worst_help"))
    else:
        st.info(ui.tr("tf_no_targets"), icon=":material/info:")
    if cfg["targeted"]:
        st.caption(ui.tr("tf_targeted_note", k=cfg["target"]))

    left, right = columns([1.7, 1], gap="large")
    colors = [dfig.TARGET_COLORS[transfer.TARGETS.index(n) % len(dfig.TARGET_COLORS)] for n in targets]
    with left:
        st.markdown(f"**{ui.tr('tf_chart_title', attack=ui.tr('attack_' + cfg['attack']))}**")
        ui.chart(dfig.transfer_chart(curve.eps, curve.success, [labels[n] for n in curve.names], eps_mark=eps,
                                     lang=ui.lang(), presenter=ui.presenter(), colors=colors),
                 key="tf_chart", filename="advlab-transfer-success")
    with right:
        reading(v, curve, scores, targets, white, eps, stop, spec)
        with st.expander(ui.tr("tf_why_title"), expanded=False):
            st.markdown(ui.tr("tf_why"))
    st.markdown(f"**{ui.tr('tf_table_title', eps=f'{eps:g}')}**")
    rows = []
    for n in ("surrogate", *targets):
        s = scores[n]
        rows.append({ui.tr("tf_col_model"): labels[n], ui.tr("tf_col_clean"): 100 * s.clean_accuracy,
                     ui.tr("tf_col_adv"): 100 * s.adv_accuracy, ui.tr("tf_col_success"): 100 * s.success,
                     ui.tr("tf_col_vs_white"): (s.success / white) if white > 0 else float("nan")})
    pct = st.column_config.NumberColumn(format="%.1f%%")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={ui.tr("tf_col_clean"): pct, ui.tr("tf_col_adv"): pct, ui.tr("tf_col_success"): pct,
                                ui.tr("tf_col_vs_white"): st.column_config.NumberColumn(format="%.2f×")})
    c1, c2 = st.columns([3, 1])
    c1.caption(ui.tr("tf_table_caption"))
    table = [dict(r, attack=cfg["attack"], norm=cfg["norm"], stop_early=stop, model_label=labels[r["model"]])
             for r in curve.rows()]
    c2.download_button(ui.tr("tf_csv"), export.csv_text(table), file_name=f"advlab-transfer-{cfg['attack']}.csv",
                       mime="text/csv", key="tf_csv", width="stretch")
    if ds.n_features == 2:
        gallery(ds, v, skey, surrogate, targets, scores, x_adv, labels)
    ui.sync_url(STATE, v, keep)


def reading(v, curve, scores, targets, white, eps, stop, spec) -> None:
    """What the numbers say, in a sentence or two."""
    if not targets:
        return
    means = curve.mean_success()
    over = [n for n in targets if means[n] > means["surrogate"] + 1e-9]
    best = max(targets, key=lambda n: scores[n].success)
    text = ui.tr("tf_read", best=target_label(v, best), rate=f"{scores[best].success:.0%}", white=f"{white:.0%}",
                 eps=f"{eps:g}")
    if over:
        text += " " + ui.tr("tf_read_over", names=", ".join(target_label(v, n) for n in over))
    if stop:
        text += " " + ui.tr("tf_read_stop")
    elif spec.iterative:
        text += " " + ui.tr("tf_read_full")
    st.markdown(text)


def gallery(ds, v, skey, surrogate, targets, scores, x_adv, labels) -> None:
    st.markdown(f"**{ui.tr('tf_gallery_title')}**")
    lim = projections.plot_limits(ds.x_train, ds.x_test, pad=0.6)
    panels = []
    for n, model, key in (("surrogate", surrogate, skey),
                          *((n, m, target_key(v, n)) for n, m in targets.items())):
        xs, ys, p = cached_grid(model, key, lim, GALLERY_RES, ds.n_classes)
        s = scores[n]
        panels.append({"xs": xs, "ys": ys, "proba": p, "fooled": s.fooled,
                       "title": ui.tr("tf_gallery_panel", what=labels[n], rate=f"{s.success:.0%}")})
    cols = 2 if ui.presenter() else 4
    ui.chart(dfig.boundary_gallery(panels, x_adv, ds.y_test, lang=ui.lang(), presenter=ui.presenter(), cols=cols),
             key="tf_gallery", filename="advlab-transfer-boundaries")
    st.caption(ui.tr("tf_gallery_caption"))


def main() -> None:
    ui.bind(STATE)
    st.title(ui.tr("tf_title"))
    st.caption(ui.tr("tf_intro"))
    ui.show_notes()
    sidebar_controls()
    target_picker()
    v = ui.values(STATE)
    note = st.session_state.pop("tf_eps_note", None)
    if note:
        st.info(ui.tr("tf_eps_adjusted", eps=f"{note['eps']:g}", emax=f"{note['emax']:g}"), icon=":material/tune:")
    names = [transfer.TARGETS[i] for i in sorted(set(v["targets"] or ())) if 0 <= i < len(transfer.TARGETS)]
    if not names:
        st.warning(ui.tr("tf_pick_one"), icon=":material/warning:")
    ds = load_data(v)
    skey, surrogate, targets = surrogate_or_last_good(ds, v, names)
    attack_section(ds, skey, surrogate, targets, names)
    ui.sync_url(STATE, v, active_fields(STATE, v))


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
