"""Digits: adversarial images of handwritten digits, one up close and a gallery (JSMA's few changed pixels framed),
then two more threat models: a trained generator (AdvGAN) beside PGD, and one universal perturbation."""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np
import streamlit as st

from advlab import evaluation, export, seedlab, ui
from advlab.attacks import ATTACKS
from advlab.config import AttackConfig, DataConfig, DigitsNetConfig
from advlab.figures import lab as figs
from advlab.figures import threats as tfigs
from advlab.state import Field, PageState
from advlab.ui import controls, lessons
from advlab.ui.controls import active_fields, attack_controls, attack_fields, columns, guarded_fragment

EPS_HI = 0.5
GALLERY = 16
N_TEST = 450  # load_digits' 1,797 images with a 25% test split
CLIP = (0.0, 1.0)
DATA = DataConfig(dataset="digits")
STATE = PageState("dg", [
    *DigitsNetConfig.fields(),
    *attack_fields("fgsm", eps=0.1, eps_hi=EPS_HI),
    Field("image", 0, "int", 0, N_TEST - 1),
    Field("gstart", 0, "int", 0, N_TEST - 1),
    Field("gfooled", False, "bool"),
    Field("threat", "off", "choice", choices=("off", "advgan", "universal")),
    Field("geps", 0.3, "float", 0.05, EPS_HI),  # the budget of AdvGAN (and PGD beside it) and the universal one
])
ACC_GOAL = 0.95
tr = ui.tr


def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(tr("dg_net_title"))
    sb.select_slider(tr("dg_hidden"), STATE.fields["hidden"].choices, key=ui.wkey("dg", "hidden"))
    ui.slider(STATE, "epochs", tr("dg_epochs"), step=1, where=sb)
    ui.number(STATE, "seed", tr("dg_seed"), step=1, where=sb, help=tr("dg_seed_help"))
    sb.caption(tr("dg_net_caption"))


def main() -> None:
    ui.bind(STATE)
    st.title(tr("dg_title"))
    st.caption(tr("dg_intro"))
    ui.show_notes()
    sidebar_controls()
    net = DigitsNetConfig.from_values(ui.values(STATE))
    ds = lessons.dataset(DATA)
    m = lessons.Stored(lessons.model_key(DATA, net), lessons.trained(DATA, net, progress="dg_training_now", acc=True))
    acc = lessons.result(("dg-acc", m.key), partial(evaluation.accuracy, m.model, ds.x_test, ds.y_test))
    line = tr("dg_model_line", h=net.hidden, epochs=net.epochs, seed=net.seed, acc=acc, n=len(ds.y_test),
              ms=m.trained.seconds * 1000)
    if acc < ACC_GOAL:
        st.warning(line + " " + tr("dg_low_acc", goal=ACC_GOAL), icon=":material/warning:")
    else:
        st.success(line, icon=":material/check_circle:")
    attack_section(ds, m)
    threat_section(ds, m)


def _set_image(i: int) -> None:
    st.session_state[ui.wkey("dg", "image")] = int(i)


def _pick_from_gallery() -> None:
    picked = st.session_state.get("dg_pick")
    if picked is not None:
        _set_image(picked)
    st.session_state["dg_pick"] = None


def _valid_index(name: str, n: int) -> int:
    """The image number in range (a link may carry any number), with a message if not."""
    k = ui.wkey("dg", name)
    cur = st.session_state.get(k, 0)
    if not isinstance(cur, int | np.integer) or not 0 <= cur < n:
        st.warning(tr("dg_image_range", i=cur, n=n - 1), icon=":material/warning:")
        st.session_state[k] = 0
        cur = 0
    return int(cur)


@guarded_fragment
def attack_section(ds, m: lessons.Stored) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    st.header(tr("dg_attack_title"))
    cfg = AttackConfig(**attack_controls(STATE, n_classes=10, show_eps_help=False))
    v = ui.values(STATE)
    seed = DigitsNetConfig.from_values(v).seed

    def attacked(c: AttackConfig):
        return lessons.attacked(m.model, m.key, ds.x_test, ds.y_test, c, clip=CLIP, seed=seed)

    n = len(ds.y_test)
    try:
        with st.spinner(tr("dg_attacking", n=n)):
            res = attacked(cfg)
    except ValueError as e:
        st.error(tr("dg_attack_error", msg=str(e)), icon=":material/error:")
        ui.sync_url(STATE, v, active_fields(STATE, v))
        return
    tgt = cfg.target if cfg.targeted else None
    cols = controls.metric_row(4)
    cols[0].metric(tr("dg_m_clean"), f"{res.clean_accuracy:.1%}", help=tr("dg_m_clean_help", n=n))
    cols[1].metric(tr("dg_m_adv"), f"{res.adv_accuracy:.1%}",
                delta=f"{(res.adv_accuracy - res.clean_accuracy) * 100:+.1f} pt", help=tr("dg_m_adv_help", n=n))
    cols[2].metric(tr("dg_m_target") if cfg.targeted else tr("dg_m_success"), f"{res.success_rate:.1%}",
                help=tr("dg_m_target_help", t=tgt) if cfg.targeted else tr("dg_m_success_help"))
    px = f"{np.median(res.l0[res.success]):.0f} / {ds.n_features}" if res.success.any() else "—"
    size = ("dg_jsma_median", px) if cfg.attack == "jsma" else ("dg_m_l2", f"{np.mean(res.l2):.2f}")  # L0: how many
    cols[3].metric(tr(size[0]), size[1], help=tr(f"{size[0]}_help"))
    close_up(ds, m, res, cfg, attacked)
    gallery(ds, m, res, tgt)
    st.download_button(tr("dg_csv"), partial(export.results_csv, res, feature_names=ds.feature_names),  # on click
                       file_name="advlab-digits-adversarial.csv", mime="text/csv", key="dg_csv_dl")
    ui.sync_url(STATE, v, active_fields(STATE, v))


def close_up(ds, m: lessons.Stored, res, cfg: AttackConfig, attacked) -> None:
    """One image, its perturbation and its adversarial copy, with the probabilities before and after."""
    st.subheader(tr("dg_one_title"))
    n = len(res.y)
    _valid_index("image", n)
    fooled_idx = tuple(int(j) for j in evaluation.fooled_indices(res, newly=True))
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    c1.number_input(tr("dg_image"), 0, n - 1, step=1, key=ui.wkey("dg", "image"), help=tr("dg_image_help", n=n - 1))
    c2.button(tr("dg_random"), on_click=_set_image, args=(np.random.default_rng().integers(0, n),),
              key="dg_random_btn", width="stretch", icon=":material/casino:")
    c3.button(tr("dg_next_fooled"), on_click=controls.next_after, args=(ui.wkey("dg", "image"), fooled_idx),
              disabled=not fooled_idx, key="dg_next_btn", width="stretch")
    i = int(st.session_state[ui.wkey("dg", "image")])
    true, tgt = int(res.y[i]), cfg.target if cfg.targeted else None
    one = res
    if cfg.targeted and true == tgt:
        st.warning(tr("dg_target_same", i=i, t=tgt), icon=":material/warning:")
        one = attacked(dataclasses.replace(cfg, targeted=False))
    x0, xa = one.x[i], one.x_adv[i]
    pb, pa = lessons.few_proba(m, np.stack([x0, xa]))
    before, after = int(np.argmax(pb)), int(np.argmax(pa))
    linf = float(np.abs(xa - x0).max())
    scale = cfg.eps if ATTACKS[cfg.attack].uses_eps and cfg.norm == "linf" and cfg.eps else None
    titles = (tr("dg_view_original", c=before, p=f"{pb[before]:.0%}"), tr("dg_view_delta", m=linf),
              tr("dg_view_adv", c=after, p=f"{pa[after]:.0%}"))
    left, right = columns([1.6, 1], gap="large")
    with left:
        ui.chart(figs.digit_views(x0, xa, shape=ds.image_shape, titles=titles, scale=scale, lang=ui.lang(),
                                  presenter=ui.presenter()), key="dg_views", filename=f"advlab-digit-{i}")
        st.caption(tr("dg_view_caption"))
    with right:
        ui.chart(figs.class_bars(pb, pa, true=true, target=tgt if (cfg.targeted and true != tgt) else None,
                                 lang=ui.lang(), presenter=ui.presenter()), key="dg_bars",
                 filename=f"advlab-digit-{i}-probabilities")
    if before != true:
        st.info(tr("dg_verdict_wrong", i=i, before=before, true=true), icon=":material/info:")
    elif cfg.targeted and true != tgt and after == tgt:
        st.markdown(tr("dg_verdict_target", i=i, true=true, t=tgt, linf=linf))
    elif after != true:
        st.markdown(tr("dg_verdict_fooled", i=i, true=true, after=after, linf=linf))
    else:
        st.markdown(tr("dg_verdict_held", i=i, true=true))


def gallery(ds, m: lessons.Stored, res, tgt: int | None) -> None:
    """Sixteen adversarial images from a chosen start (or only the fooled ones), each one a click away."""
    st.subheader(tr("dg_gallery_title", n=GALLERY))
    n = len(res.y)
    g1, g2, _ = st.columns([1, 1.3, 1.7], vertical_alignment="bottom")
    g1.number_input(tr("dg_gallery_start"), 0, n - 1, step=GALLERY, key=ui.wkey("dg", "gstart"),
                    help=tr("dg_gallery_start_help"))
    ui.toggle(STATE, "gfooled", tr("dg_gallery_fooled"), where=g2, help=tr("dg_gallery_fooled_help"))
    start = _valid_index("gstart", n)
    only = res.success & (res.pred_clean == res.y) if st.session_state[ui.wkey("dg", "gfooled")] else None
    idx = seedlab.gallery_indices(n, start=start, count=GALLERY, only=only)
    if idx.size == 0:
        st.info(tr("dg_gallery_none"), icon=":material/info:")
        return
    # a phone's column holds four images a row at a size a digit can be read at
    fig = figs.digit_gallery(res.x_adv[idx], indices=idx, y=res.y[idx], pred_adv=res.pred_adv[idx],
                             conf_adv=lessons.few_proba(m, res.x_adv[idx]).max(1), shape=ds.image_shape,
                             ncols=4 if ui.narrow() and not ui.presenter() else 8, target=tgt,
                             # JSMA's few changed pixels, framed
                             marked=tfigs.changed_pixels(res.x[idx], res.x_adv[idx]) if res.attack == "jsma" else None,
                             lang=ui.lang(), presenter=ui.presenter())
    ui.chart(fig, key="dg_gallery", filename="advlab-digits-gallery")
    n_hit = int(evaluation.hits(res)[idx].sum())
    st.caption((tr("dg_gallery_caption_t", k=n_hit, n=len(idx), t=tgt) if tgt is not None else
                tr("dg_gallery_caption", k=n_hit, n=len(idx))) + (tr("dg_jsma_frames") if res.attack == "jsma" else ""))
    st.pills(tr("dg_gallery_pick"), [int(j) for j in idx], format_func=lambda j: f"#{j}", key="dg_pick",
             on_change=_pick_from_gallery)


@guarded_fragment
def threat_section(ds, m: lessons.Stored) -> None:
    """Other attackers, one at a time (each computed once for the class, when first chosen)."""
    st.header(tr("dg_th_title"))
    c1, c2 = st.columns([2.2, 1], vertical_alignment="bottom")
    threat = ui.select(STATE, "threat", tr("dg_th_pick"), fmt=lambda k: tr(f"dg_th_{k}"), where=c1, radio=True,
                       horizontal=True)
    st.caption(tr("dg_th_intro") if threat == "off" else tr(f"knows_{ATTACKS[threat].knows}"))
    if threat != "off":
        ui.slider(STATE, "geps", tr("dg_th_eps"), step=0.05, where=c2, help=tr("dg_th_eps_help"))
        (advgan_part if threat == "advgan" else universal_part)(ds, m, ui.values(STATE))
    ui.sync_url(STATE, ui.values(STATE), active_fields(STATE, ui.values(STATE)))


def advgan_part(ds, m: lessons.Stored, v: dict) -> None:
    """A generator trained once, beside PGD at the same epsilon: success, size, time, and the perturbations."""
    eps, epochs, n = v["geps"], v["advgan_epochs"], len(ds.y_test)
    gen, gan = lessons.generator(m, ds, eps=eps, epochs=epochs, clip=CLIP)
    pgd_cfg = AttackConfig("pgd", eps, params=(("restarts", v["pgd_restarts"]), ("steps", v["pgd_steps"])))
    pgd = lessons.attacked(m.model, m.key, ds.x_test, ds.y_test, pgd_cfg, clip=CLIP, seed=v["seed"])
    timed = (("AdvGAN", gan, gan.info["attack_seconds"]), (f"PGD-{v['pgd_steps']}", pgd, pgd.seconds))
    for name, res, secs in timed:
        c = st.columns(3)  # one attacker a row, on a projector too: the rows compare
        c[0].metric(tr("dg_vs_fooled", a=name), f"{res.success_rate:.1%}", help=tr("dg_m_success_help"))
        c[1].metric(tr("dg_vs_l2", a=name), f"{np.mean(res.l2):.2f}", help=tr("dg_m_l2_help"))
        c[2].metric(tr("dg_vs_time", a=name, n=n), f"{secs * 1000:.1f} ms", help=tr("dg_vs_time_help"))
    st.markdown(tr("dg_gan_summary", s=gen.seconds, epochs=epochs, m=len(ds.y_train), n=n, q=pgd.mean_queries,
                   ratio=pgd.seconds / max(timed[0][2], 1e-9), steps=v["pgd_steps"], eps=eps))
    idx = np.flatnonzero(gan.pred_clean == gan.y)[:GALLERY // 2]
    rows = [(name, r.x_adv[idx], r.pred_adv[idx]) for name, r, _ in timed]
    ui.chart(tfigs.perturbation_rows(ds.x_test[idx], rows, indices=idx, y=ds.y_test[idx], eps=eps,
                                     shape=ds.image_shape, lang=ui.lang(), presenter=ui.presenter()),
             key="dg_gan_rows", filename="advlab-advgan-vs-pgd")


def universal_part(ds, m: lessons.Stored, v: dict) -> None:
    """One perturbation fitted to the training images, drawn as one image, and how often it fools test images."""
    eps, passes = v["geps"], v["universal_passes"]
    up, res = lessons.universal(m, ds, eps=eps, passes=passes, clip=CLIP)
    c = controls.metric_row(2)
    c[0].metric(tr("dg_uni_test", n=len(res.y)), f"{res.info['fooling_rate_heldout']:.1%}", help=tr("dg_uni_rate_help"))
    c[1].metric(tr("dg_uni_train", n=len(ds.y_train)), f"{up.fooling_rate:.1%}", help=tr("dg_uni_rate_help"))
    idx = np.flatnonzero(res.pred_clean == res.y)[:GALLERY // 2]
    ui.chart(tfigs.universal_panel(up.vector, res.x_adv[idx], y=res.y[idx], pred_adv=res.pred_adv[idx],
                                   eps=eps, shape=ds.image_shape, lang=ui.lang(), presenter=ui.presenter()),
             key="dg_universal", filename="advlab-universal-perturbation")
    st.caption(tr("dg_uni_caption", passes=up.passes, eps=eps))


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
