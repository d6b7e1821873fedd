"""Digits: adversarial images of handwritten digits, one up close and a gallery."""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from advlab import export, models, seedlab, ui
from advlab.attacks import ATTACKS, proba
from advlab.figures import lab as figs
from advlab.state import Field, PageState
from advlab.ui.controls import active_fields, attack_controls, attack_fields, cached_attack

HIDDEN = ("32", "64", "128", "256")
EPS_HI = 0.5
GALLERY = 16
N_TEST = 450  # load_digits' 1,797 images with a 25% test split
CLIP = (0.0, 1.0)
DATA_KEY = "digits"
STATE = PageState("dg", [
    Field("hidden", "64", "choice", choices=HIDDEN),
    Field("epochs", 30, "int", 5, 200),
    Field("seed", 0, "int", 0, 9999),
    *attack_fields("fgsm", eps=0.1, eps_hi=EPS_HI),
    Field("image", 0, "int", 0, N_TEST - 1),
    Field("gstart", 0, "int", 0, N_TEST - 1),
    Field("gfooled", False, "bool"),
])
ACC_GOAL = 0.95


def tr(key: str, /, **fmt) -> str:
    return ui.tr(key, **fmt)


def columns(spec=2, **kw):
    """Side-by-side columns, or one block per row on a projector (charts need the width)."""
    if ui.presenter():
        n = spec if isinstance(spec, int) else len(spec)
        return [st.container() for _ in range(n)]
    return st.columns(spec, **kw)


def train_key(v: dict) -> tuple:
    return ("dg-mlp", DATA_KEY, (int(v["hidden"]),), int(v["epochs"]), 32, 1e-3, int(v["seed"]))


def train(ds, v: dict) -> tuple[tuple, models.Trained]:
    key = train_key(v)
    epochs = int(v["epochs"])
    fit = partial(models.fit_mlp, ds.x_train, ds.y_train, hidden=key[2], activation="relu", epochs=epochs,
                  batch_size=32, lr=1e-3, seed=int(v["seed"]))
    return key, ui.shared(key, ui.train_job(fit, epochs), text=ui.train_text("dg_training_now", acc=True))


@st.cache_data(show_spinner=False, max_entries=64)
def cached_accuracy(_model, model_key, _x, _y) -> float:
    from advlab.attacks import predict
    return float(np.mean(predict(_model, _x) == _y))


def sidebar_controls() -> None:
    sb = st.sidebar
    sb.subheader(tr("dg_net_title"))
    sb.select_slider(tr("dg_hidden"), HIDDEN, key=ui.wkey("dg", "hidden"))
    ui.slider(STATE, "epochs", tr("dg_epochs"), step=1, where=sb)
    ui.number(STATE, "seed", tr("dg_seed"), step=1, where=sb, help=tr("dg_seed_help"))
    sb.caption(tr("dg_net_caption"))


def main() -> None:
    ui.bind(STATE)
    st.title(tr("dg_title"))
    st.caption(tr("dg_intro"))
    ui.show_notes()
    sidebar_controls()
    v = ui.values(STATE)
    ds = ui.dataset(DATA_KEY)
    model_key, trained = train(ds, v)
    acc = cached_accuracy(trained.model, model_key, ds.x_test, ds.y_test)
    line = tr("dg_model_line", h=int(v["hidden"]), epochs=int(v["epochs"]), seed=int(v["seed"]), acc=acc,
              n=len(ds.y_test), ms=trained.seconds * 1000)
    if acc < ACC_GOAL:
        st.warning(line + " " + tr("dg_low_acc", goal=ACC_GOAL), icon=":material/warning:")
    else:
        st.success(line, icon=":material/check_circle:")
    attack_section(ds, trained, model_key)


@st.fragment
def attack_section(ds, trained, model_key) -> None:
    """Everything that depends on the attack: moving epsilon reruns only this."""
    try:
        _attack_section(ds, trained, model_key)
    except Exception as exc:  # noqa: BLE001 - a fragment rerun is not covered by the page's guard
        st.error(tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")


def _set_image(i: int) -> None:
    st.session_state[ui.wkey("dg", "image")] = int(i)


def _random_image(n: int) -> None:
    _set_image(np.random.default_rng().integers(0, n))


def _next_fooled(fooled_idx: tuple) -> None:
    cur = int(st.session_state.get(ui.wkey("dg", "image"), 0))
    later = [i for i in fooled_idx if i > cur]
    if fooled_idx:
        _set_image((later or fooled_idx)[0])


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


def _attack(model, model_key, ds, cfg, seed, *, targeted=None):
    targeted = cfg["targeted"] if targeted is None else targeted
    return cached_attack(model, model_key, ds.x_test, ds.y_test, DATA_KEY, cfg["attack"], cfg["eps"], cfg["norm"],
                         targeted, cfg["target"], cfg["params"], CLIP, seed, False)


def _attack_section(ds, trained, model_key) -> None:
    st.header(tr("dg_attack_title"))
    cfg = attack_controls(STATE, n_classes=10, show_eps_help=False)
    v = ui.values(STATE)
    spec = ATTACKS[cfg["attack"]]
    seed = int(v["seed"])
    model = trained.model
    n = len(ds.y_test)
    try:
        with st.spinner(tr("dg_attacking", n=n)):
            res = _attack(model, model_key, ds, cfg, seed)
    except ValueError as e:
        st.error(tr("dg_attack_error", msg=str(e)), icon=":material/error:")
        ui.sync_url(STATE, v, active_fields(STATE, v))
        return
    targeted = cfg["targeted"]
    tgt = cfg["target"] if targeted else None

    m = st.columns(4)
    m[0].metric(tr("dg_m_clean"), f"{res.clean_accuracy:.1%}", help=tr("dg_m_clean_help", n=n))
    m[1].metric(tr("dg_m_adv"), f"{res.adv_accuracy:.1%}",
                delta=f"{(res.adv_accuracy - res.clean_accuracy) * 100:+.1f} pt", help=tr("dg_m_adv_help", n=n))
    m[2].metric(tr("dg_m_target") if targeted else tr("dg_m_success"), f"{res.success_rate:.1%}",
                help=tr("dg_m_target_help", t=tgt) if targeted else tr("dg_m_success_help"))
    m[3].metric(tr("dg_m_l2"), f"{np.mean(res.l2):.2f}", help=tr("dg_m_l2_help"))

    # --- one image up close
    st.subheader(tr("dg_one_title"))
    i = _valid_index("image", n)
    fooled_idx = tuple(int(j) for j in np.nonzero(res.success & (res.pred_clean == res.y))[0])
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
    c1.number_input(tr("dg_image"), 0, n - 1, step=1, key=ui.wkey("dg", "image"), help=tr("dg_image_help", n=n - 1))
    c2.button(tr("dg_random"), on_click=_random_image, args=(n,), key="dg_random_btn", width="stretch",
              icon=":material/casino:")
    c3.button(tr("dg_next_fooled"), on_click=_next_fooled, args=(fooled_idx,), disabled=not fooled_idx,
              key="dg_next_btn", width="stretch")
    i = int(st.session_state[ui.wkey("dg", "image")])
    true = int(res.y[i])
    one = res
    if targeted and true == tgt:
        st.warning(tr("dg_target_same", i=i, t=tgt), icon=":material/warning:")
        one = _attack(model, model_key, ds, cfg, seed, targeted=False)
    x0, xa = one.x[i], one.x_adv[i]
    p = proba(model, np.stack([x0, xa]))
    pb, pa = p[0], p[1]
    before, after = int(np.argmax(pb)), int(np.argmax(pa))
    delta = xa - x0
    scale = cfg["eps"] if spec.uses_eps and cfg["norm"] == "linf" and cfg["eps"] else None
    titles = (tr("dg_view_original", c=before, p=f"{pb[before]:.0%}"),
              tr("dg_view_delta", m=float(np.abs(delta).max())),
              tr("dg_view_adv", c=after, p=f"{pa[after]:.0%}"))
    left, right = columns([1.6, 1], gap="large")
    with left:
        ui.chart(figs.digit_views(x0, xa, shape=ds.image_shape, titles=titles, scale=scale, lang=ui.lang(),
                                  presenter=ui.presenter()), key="dg_views", filename=f"advlab-digit-{i}")
        st.caption(tr("dg_view_caption"))
    with right:
        ui.chart(figs.class_bars(pb, pa, true=true, target=tgt if (targeted and true != tgt) else None,
                                 lang=ui.lang(), presenter=ui.presenter()), key="dg_bars",
                 filename=f"advlab-digit-{i}-probabilities")
    if before != true:
        st.info(tr("dg_verdict_wrong", i=i, before=before, true=true), icon=":material/info:")
    elif targeted and true != tgt and after == tgt:
        st.markdown(tr("dg_verdict_target", i=i, true=true, t=tgt, linf=float(np.abs(delta).max())))
    elif after != true:
        st.markdown(tr("dg_verdict_fooled", i=i, true=true, after=after, linf=float(np.abs(delta).max())))
    else:
        st.markdown(tr("dg_verdict_held", i=i, true=true))

    # --- gallery
    st.subheader(tr("dg_gallery_title", n=GALLERY))
    g1, g2, _ = st.columns([1, 1.3, 1.7], vertical_alignment="bottom")
    g1.number_input(tr("dg_gallery_start"), 0, n - 1, step=GALLERY, key=ui.wkey("dg", "gstart"),
                    help=tr("dg_gallery_start_help"))
    ui.toggle(STATE, "gfooled", tr("dg_gallery_fooled"), where=g2, help=tr("dg_gallery_fooled_help"))
    start = _valid_index("gstart", n)
    if st.session_state[ui.wkey("dg", "gfooled")]:
        order = seedlab.gallery_indices(n, start=start, count=n)
        hit = res.success & (res.pred_clean == res.y)
        idx = order[hit[order]][:GALLERY]
        if idx.size == 0:
            st.info(tr("dg_gallery_none"), icon=":material/info:")
    else:
        idx = seedlab.gallery_indices(n, start=start, count=GALLERY)
    if idx.size:
        conf = proba(model, res.x_adv[idx]).max(1)
        fig = figs.digit_gallery(res.x_adv[idx], indices=idx, y=res.y[idx], pred_adv=res.pred_adv[idx],
                                 conf_adv=conf, shape=ds.image_shape, ncols=8, target=tgt, lang=ui.lang(),
                                 presenter=ui.presenter())
        ui.chart(fig, key="dg_gallery", filename="advlab-digits-gallery")
        n_hit = int(np.sum((res.pred_adv[idx] == tgt) & (res.y[idx] != tgt)) if targeted
                    else np.sum(res.pred_adv[idx] != res.y[idx]))
        st.caption(tr("dg_gallery_caption_t", k=n_hit, n=len(idx), t=tgt) if targeted
                   else tr("dg_gallery_caption", k=n_hit, n=len(idx)))
        st.pills(tr("dg_gallery_pick"), [int(j) for j in idx], format_func=lambda j: f"#{j}", key="dg_pick",
                 on_change=_pick_from_gallery)
    st.download_button(tr("dg_csv"), export.results_csv(res, feature_names=ds.feature_names),
                       file_name="advlab-digits-adversarial.csv", mime="text/csv", key="dg_csv_dl")
    ui.sync_url(STATE, v, active_fields(STATE, v))


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
