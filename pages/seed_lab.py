"""Seed Lab: the seed blog post's experiment, reproduced exactly and finished."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import streamlit as st

from advlab import evaluation, export, seedlab, ui
from advlab.attacks import ATTACKS, loss_gradient
from advlab.config import AttackConfig, DataConfig, SeedNetConfig
from advlab.figures import lab as figs
from advlab.state import Field, PageState
from advlab.ui import controls, lessons
from advlab.ui.controls import active_fields, attack_controls, attack_fields, columns, guarded_fragment

EPS_HI = 1.0
N_TEST = 200
DATA = DataConfig(dataset="blog")
STATE = PageState("sl", [
    *SeedNetConfig.fields(),
    *attack_fields("fgsm", eps=seedlab.BLOG_EPS, eps_hi=EPS_HI),
    # test point 3 is one FGSM at the blog's epsilon fools: the first view shows an attack that works
    Field("point", 3, "int", 0, N_TEST - 1),
])
tr = ui.tr


# ------------------------------------------------------------------ page ---

def reset_to_blog() -> None:
    for name, val in seedlab.BLOG_NET.to_values().items():
        st.session_state[ui.wkey("sl", name)] = val


def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(tr("sl_net_title"))
    ui.slider(STATE, "epochs", tr("sl_epochs"), step=1, where=sb)
    sb.select_slider(tr("sl_w1"), STATE.fields["w1"].choices, key=ui.wkey("sl", "w1"))
    sb.select_slider(tr("sl_w2"), STATE.fields["w2"].choices, key=ui.wkey("sl", "w2"),
                     format_func=lambda w: tr("sl_w_none") if w == "0" else w)
    ui.number(STATE, "seed", tr("sl_seed"), step=1, where=sb, help=tr("sl_seed_help"))
    sb.caption(tr("sl_net_caption"))
    sb.button(tr("sl_reset"), on_click=reset_to_blog, width="stretch")


def blog_section() -> None:
    st.header(tr("sl_blog_title"))
    st.markdown(tr("sl_blog_caption"))
    code = seedlab.blog_snippet(ui.lang())
    with st.spinner(tr("sl_blog_running")):  # run once per server: its numbers are what the page shows
        out = lessons.result(("sl-blog", code), partial(seedlab.run_blog, code))
    left, right = columns([2.5, 1], gap="medium")
    with left:
        st.code(code, language="python", line_numbers=True, wrap_lines=True)
    with right:
        st.metric(tr("sl_blog_clean"), f"{out.clean_acc:.3f}", help=tr("sl_blog_clean_help"))
        st.metric(tr("sl_blog_adv"), f"{out.adv_acc:.3f}", delta=f"{out.adv_acc - out.clean_acc:+.3f}",
                  help=tr("sl_blog_adv_help"))
        st.markdown(tr("sl_blog_output"))
        st.code(out.stdout.rstrip(), language="text", wrap_lines=True)
        st.caption(tr("sl_blog_ran", s=out.seconds))
    left, right = columns([1.2, 1], gap="large")
    with left:
        st.markdown(tr("sl_check_title"))
        rows = [(tr(f"sl_check_{what}"), said, built) for what, said, built in out.checks()]
        rows.append((tr("sl_check_training"), tr("sl_check_training_blog"), tr("sl_check_training_here")))
        st.table({tr("sl_check_what"): [r[0] for r in rows], tr("sl_check_blog"): [r[1] for r in rows],
                  tr("sl_check_here"): [r[2] for r in rows]})
    with right, st.expander(tr("sl_diff_title"), expanded=False):
        st.markdown(tr("sl_diff_body"))


def math_section() -> None:
    st.header(tr("sl_math_title"))
    st.markdown(tr("sl_math_intro"))
    for name, latex in seedlab.MATH:
        c1, c2 = columns([1.1, 1], gap="large", vertical_alignment="center")
        c1.latex(latex)
        c2.markdown(tr(f"sl_math_{name}"))


def main() -> None:
    ui.bind(STATE)
    st.title(tr("sl_title"))
    st.caption(tr("sl_intro"))
    ui.show_notes()
    sidebar_controls()
    net = SeedNetConfig.from_values(ui.values(STATE))
    ds = lessons.dataset(DATA)
    blog_section()
    math_section()
    st.header(tr("sl_explore_title"))
    st.caption(tr("sl_explore_caption"))
    m = lessons.Stored(lessons.model_key(DATA, net), lessons.trained(DATA, net, progress="sl_training_now"))
    arch = "-".join(str(s) for s in m.trained.spec.sizes)
    line = tr("sl_model_line", arch=arch, epochs=net.epochs, seed=net.seed,
              acc=lessons.result(("sl-acc", m.key), partial(evaluation.accuracy, m.model, ds.x_test, ds.y_test)))
    if net.is_blog():
        st.success(line + " — " + tr("sl_model_is_blog"), icon=":material/science:")
    else:
        blog = seedlab.BLOG_NET
        diff = [text for differs, text in ((net.hidden != blog.hidden, tr("sl_diff_arch", arch=arch)),
                                           (net.epochs != blog.epochs, tr("sl_diff_epochs", n=net.epochs)),
                                           (net.seed != blog.seed, tr("sl_diff_seed", n=net.seed))) if differs]
        st.info(line + " — " + tr("sl_model_differs", diff=", ".join(diff)), icon=":material/refresh:")
    explore(ds, m)


def _next_fooled(fooled_idx: tuple) -> None:
    k = ui.wkey("sl", "point")
    cur = int(st.session_state.get(k, 0))
    if fooled_idx:  # the next fooled point after the current one, wrapping around
        st.session_state[k] = int(next((i for i in fooled_idx if i > cur), fooled_idx[0]))


@guarded_fragment
def explore(ds, m: lessons.Stored) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    cfg = AttackConfig(**attack_controls(STATE, n_classes=2))
    v = ui.values(STATE)
    net = SeedNetConfig.from_values(v)
    try:
        res = lessons.attacked(m.model, m.key, ds.x_test, ds.y_test, cfg, seed=net.seed)
    except ValueError as e:
        st.error(tr("sl_attack_error", msg=str(e)), icon=":material/error:")
        ui.sync_url(STATE, v, active_fields(STATE, v))
        return
    point = _point_value(len(res.y))
    cols = controls.metric_row(4)
    cols[0].metric(tr("sl_m_clean"), f"{res.clean_accuracy:.1%}", help=tr("sl_m_clean_help"))
    cols[1].metric(tr("sl_m_adv"), f"{res.adv_accuracy:.1%}",
                delta=f"{(res.adv_accuracy - res.clean_accuracy) * 100:+.1f} pt", help=tr("sl_m_adv_help"))
    cols[2].metric(tr("sl_m_success"), f"{res.success_rate:.1%}", help=tr("sl_m_success_help"))
    cols[3].metric(tr("sl_m_l2"), f"{np.mean(res.l2):.3f}", help=tr("sl_m_l2_help"))
    budget_hi = curve_and_pca(ds, m, res, cfg, net.seed, point)
    i = point_section(ds, m, res, cfg, net.seed)
    st.download_button(tr("sl_csv"), partial(export.results_csv, res, feature_names=ds.feature_names),  # on click
                       file_name="advlab-seedlab-adversarial-points.csv", mime="text/csv", key="sl_points_dl")
    st.header(tr("sl_code_title"))
    st.caption(tr("sl_code_caption"))
    # filled only while open: the code shows the epsilon, and a code block costs the browser its
    # syntax highlighting on every epsilon move (the blog's own code stays in view above)
    code = st.expander(tr("sl_code_expander"), key="sl_code_open", on_change="rerun")
    if code.open:
        code.code(export.seed_lab_snippet(net, cfg, point=i, eps_hi=budget_hi, lang=ui.lang()), language="python")
    ui.sync_url(STATE, v, active_fields(STATE, v))


def curve_and_pca(ds, m: lessons.Stored, res, cfg: AttackConfig, seed: int, point: int) -> float:
    """Accuracy against the budget beside the PCA picture; returns the budget axis' end."""
    uses_eps = ATTACKS[cfg.attack].uses_eps
    budget_hi = EPS_HI if uses_eps else seedlab.budget_range(res, norm=cfg.norm, floor=EPS_HI)
    grid = seedlab.eps_grid(budget_hi)
    noise_cfg = AttackConfig("noise", None, cfg.norm)

    def curve(c: AttackConfig, eps_hi: float):
        return lessons.result(("sl-curve", m.key, dataclasses.replace(c, eps=None), seed, eps_hi), partial(  # not ε
            seedlab.attack_curve, m.model, ds.x_test, ds.y_test, c, eps_hi=eps_hi, seed=seed))

    left, right = columns(2, gap="large")
    with left:
        st.subheader(tr("sl_curve_title"))
        if uses_eps:
            with st.spinner(tr("sl_curve_running")):
                acc = curve(cfg, EPS_HI)
        else:
            acc = seedlab.accuracy_within(res, grid, norm=cfg.norm)
        # random noise has no L0 form: an L0 attack (JSMA) is drawn without the baseline
        noise = curve(noise_cfg, budget_hi) if cfg.norm != "l0" else None
        ui.chart(figs.accuracy_vs_eps(grid, acc, baseline=noise, attack=cfg.attack, norm=cfg.norm, eps=cfg.eps,
                                      now=res.adv_accuracy if uses_eps else None, lang=ui.lang(),
                                      presenter=ui.presenter()), key="sl_curve",
                 filename="advlab-seedlab-accuracy-vs-eps")
        st.caption(tr("sl_curve_caption") if uses_eps else
                   tr("sl_curve_caption_noeps", attack=tr(f"attack_{cfg.attack}")))
        st.download_button(tr("sl_curve_csv"), export.curve_csv(grid, acc, noise),
                           file_name="advlab-seedlab-curve.csv", mime="text/csv", key="sl_curve_dl")
    with right:
        st.subheader(tr("sl_pca_title"))
        basis = lessons.result(("sl-pca", DATA), partial(seedlab.pca_basis, ds.x_train))  # fitted once, not per ε
        proj = seedlab.pca_view(basis, res.x, res.x_adv)
        ui.chart(figs.pca_scatter(proj, res.y, res.pred_adv, chosen=point, class_names=_names(), lang=ui.lang(),
                                  presenter=ui.presenter()), key="sl_pca", filename="advlab-seedlab-pca")
        st.caption(tr("sl_pca_caption", share=f"{proj.explained.sum():.0%}", inplane=f"{proj.in_plane:.0%}"))
    return budget_hi


def point_section(ds, m: lessons.Stored, res, cfg: AttackConfig, seed: int) -> int:
    """One test point: its story, its feature changes against the gradient, and a slice through it."""
    st.subheader(tr("sl_point_title"))
    names = _names()
    fooled_idx = tuple(int(i) for i in evaluation.fooled_indices(res))
    c1 = c2 = c3 = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")  # one block a move
    kp = ui.wkey("sl", "point")
    c1.number_input(tr("sl_point"), 0, len(res.y) - 1, step=1, key=kp, help=tr("sl_point_help"), width=190)
    c2.button(tr("sl_next_fooled"), on_click=_next_fooled, args=(fooled_idx,), disabled=not fooled_idx,
              key="sl_next", width="content")
    i = int(st.session_state[kp])
    pb, pa = lessons.few_proba(m, np.stack([res.x[i], res.x_adv[i]]))
    verdict = ("sl_wrong_already" if res.pred_clean[i] != res.y[i] else
               "sl_fooled" if res.pred_adv[i] != res.y[i] else "sl_not_fooled")
    c3.markdown(tr("sl_point_status", i=i, true=names[res.y[i]], before=names[res.pred_clean[i]],
                   pb=f"{pb[res.pred_clean[i]]:.0%}", after=names[res.pred_adv[i]], pa=f"{pa[res.pred_adv[i]]:.0%}",
                   verdict=tr(verdict), linf=float(res.linf[i]), l2=float(res.l2[i])))
    if not fooled_idx:
        st.info(tr("sl_no_fooled"), icon=":material/info:")
    grad = lessons.result(("sl-grad", m.key, i), partial(loss_gradient, m.model, res.x[i], int(res.y[i])))
    eps_draw = cfg.eps if ATTACKS[cfg.attack].uses_eps else None
    bars_box, slice_box = columns(2, gap="large")
    why_box = st.container()
    with bars_box:
        st.markdown("**" + tr("sl_bars_title") + "**")
        ui.chart(figs.feature_bars(res.x_adv[i] - res.x[i], ds.info["roles"], grad=grad, eps=eps_draw, norm=cfg.norm,
                                   feature_names=ds.feature_names, lang=ui.lang(), presenter=ui.presenter()),
                 key="sl_bars", filename="advlab-seedlab-feature-changes")
        note = tr("sl_bars_caption", share=f"{seedlab.informative_share(grad, ds.info['roles']):.0%}")
        st.caption(note + (" " + tr("sl_bars_fgsm") if (cfg.attack, cfg.norm) == ("fgsm", "linf") else ""))
    with slice_box:
        st.markdown("**" + tr("sl_slice_title") + "**")
        # the slice depends on the attack's direction and a rounded extent, not on ε itself: FGSM's moves
        # along one direction share a slice until the adversarial point needs a wider one
        plan = seedlab.slice_plan(m.model, res.x[i], res.x_adv[i], res.y[i])
        sl = lessons.result(("sl-slice", m.key, i, seed, plan.key), partial(plan.slice, m.model, res.x[i], seed=seed))
        from_grad = plan.from_gradient
        ui.chart(figs.slice_map(sl, res.x_adv[i], y_true=int(res.y[i]), eps=eps_draw, norm=cfg.norm,
                                from_gradient=from_grad, class_names=names, lang=ui.lang(), presenter=ui.presenter()),
                 key="sl_slice", filename="advlab-seedlab-decision-slice")
        if from_grad:
            st.caption(tr("sl_slice_from_grad"))
    why_box.info(tr("sl_slice_why"), icon=":material/explore:")
    return i


def _names() -> list[str]:
    return [tr("class_n", k=i) for i in range(2)]


def _point_value(n: int) -> int:
    """The chosen point, kept in range (a link may carry any number)."""
    kp = ui.wkey("sl", "point")
    cur = st.session_state.get(kp, 0)
    if not isinstance(cur, int | np.integer) or not 0 <= cur < n:
        st.warning(tr("sl_point_range", i=cur, n=n - 1), icon=":material/warning:")
        st.session_state[kp] = cur = 0
    return int(cur)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
