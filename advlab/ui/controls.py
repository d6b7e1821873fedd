"""Helpers pages share: registry-driven attack controls, the data and network
controls of the MLP lessons, and presenter-aware layout.
Imports streamlit (through :mod:`advlab.ui`)."""

from __future__ import annotations

import functools
import logging

import numpy as np
import streamlit as st

from .. import config, export, ui
from ..attacks import ATTACKS
from ..data import TWO_D
from ..state import Field

_log = logging.getLogger("advlab.pages")


def attack_fields(default_attack: str = "pgd", eps: float = 0.25, eps_hi: float = 1.0) -> list[Field]:
    """URL/state fields for an attack chooser built from the registry: the
    attack, epsilon, norm, targeting, and every registered parameter."""
    fields = [
        Field("attack", default_attack, "choice", choices=tuple(ATTACKS)),
        Field("eps", eps, "float", 0.0, eps_hi),
        Field("norm", "linf", "choice", choices=("linf", "l2")),
        Field("targeted", False, "bool"),
        Field("target", 0, "int", 0, 9),
    ]
    for key, spec in ATTACKS.items():
        for p in spec.params:
            kind = "int" if p.integer else "float"
            default = int(p.default) if p.integer else float(p.default)
            fields.append(Field(f"{key}_{p.name}", default, kind, p.lo, p.hi))
    return fields


def attack_controls(state, *, n_classes: int, eps_step: float = 0.01, where=None, show_eps_help=True) -> dict:
    """Draw the attack chooser and the chosen attack's own parameters.

    Returns the settings as a dict ready for :func:`advlab.attacks.run_attack`.
    """
    where = where or st
    page = state.page
    c1, c2, c3 = where.columns([1.2, 1.6, 1.0])
    attack = ui.select(state, "attack", ui.tr("attack_label"), fmt=lambda k: ui.tr(f"attack_{k}"), where=c1)
    spec = ATTACKS[attack]
    if spec.uses_eps:
        eps_f = state.fields["eps"]
        ui.slider(state, "eps", ui.tr("fig_eps"), step=eps_step, where=c2,
                  help=ui.tr("eps_help") if show_eps_help else None)
        _ = eps_f
    else:
        c2.caption(ui.tr("no_eps_note"))
    if len(spec.norms) > 1:
        ui.select(state, "norm", ui.tr("norm_label"), fmt=lambda k: ui.tr(f"norm_{k}"), where=c3)
    else:
        c3.caption(ui.tr("norm_label") + ": " + ui.tr(f"norm_{spec.norms[0]}"))
    params = {}
    if spec.params or spec.targeted:
        # one horizontal container (one block) rather than a row of columns (a block per column): this row
        # is drawn again on every epsilon move
        cols = [where.container(horizontal=True, gap="medium", vertical_alignment="center")] * (
            len(spec.params) + (2 if spec.targeted else 0))
        for i, p in enumerate(spec.params):
            name = f"{attack}_{p.name}"
            f = state.fields[name]
            if p.log:
                opts = sorted({float(f"{v:.3g}") for v in (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
                               if f.lo <= v <= f.hi} | {float(st.session_state.get(ui.wkey(page, name), f.default))})
                cols[i].select_slider(ui.tr(f"param_{p.name}"), opts, key=ui.wkey(page, name))
            else:
                ui.slider(state, name, ui.tr(f"param_{p.name}"), step=int(p.step) if p.integer else p.step,
                          where=cols[i])
            params[p.name] = st.session_state[ui.wkey(page, name)]
        if spec.targeted:
            ui.toggle(state, "targeted", ui.tr("targeted_label"), where=cols[len(spec.params)],
                      help=ui.tr("targeted_help"))
            if st.session_state[ui.wkey(page, "targeted")]:
                k = ui.wkey(page, "target")
                if st.session_state.get(k, 0) >= n_classes:
                    st.session_state[k] = 0
                cols[len(spec.params) + 1].selectbox(ui.tr("target_label"), list(range(n_classes)), key=k,
                                                     format_func=lambda c: ui.tr("class_n", k=c))
    vals = {k: st.session_state[ui.wkey(page, k)] for k in ("attack", "eps", "norm", "targeted", "target")}
    norm = vals["norm"] if vals["norm"] in spec.norms else spec.norms[0]
    return {"attack": attack, "eps": float(vals["eps"]) if spec.uses_eps else None, "norm": norm,
            "targeted": bool(vals["targeted"]) and spec.targeted, "target": int(vals["target"]),
            "params": tuple(sorted(params.items()))}


def active_fields(state, vals: dict) -> set[str]:
    """Field names worth writing to the URL: all but other attacks' parameters."""
    attack = vals.get("attack")
    skip = set()
    for key, spec in ATTACKS.items():
        if key != attack:
            skip |= {f"{key}_{p.name}" for p in spec.params}
    return {n for n in state.fields if n not in skip}


def queries_metric(res, *, where=None) -> None:
    """The questions the attack of ``res`` asked the model: model calls per
    point on average and, under the number, the share that were gradients
    (only a white-box attacker may ask for them)."""
    where = where or st
    q = res.mean_queries
    grads = float(np.mean(res.grad_queries)) if res.grad_queries is not None and len(res.grad_queries) else 0.0
    delta = ui.tr("queries_grad", share=grads / q) if grads > 0 and q > 0 else None
    where.metric(ui.tr("queries_label"), f"{q:,.0f}", delta=delta, delta_color="off", delta_arrow="off",
                 help=ui.tr("queries_help"))


def next_after(key: str, items, also: dict | None = None) -> None:
    """An ``on_click``: move the widget ``key`` to the first of ``items`` (in
    order) after its current value, wrapping round, and set the keys of
    ``also`` to their values (a path's step back to "all")."""
    if len(items):
        cur = st.session_state.get(key, 0)
        st.session_state[key] = next((j for j in items if j > cur), items[0])
        for k, val in (also or {}).items():
            st.session_state[k] = val


def note(text: str) -> None:
    """A note on what the numbers show; on a projector framed text, which
    (unlike an alert) takes its large type."""
    if ui.presenter():
        st.container(border=True).markdown(":material/search: " + text)
    else:
        st.info(text, icon=":material/search:")


def reading_row(title: str, reading: str, *, label: str, rows: list[dict], file_name: str, key: str) -> None:
    """How to read a chart (Markdown ``reading`` in a folded ``title``) and,
    beside it, the download of its numbers as CSV (button ``label``, ``key``)."""
    c1, c2 = st.columns([3, 1])
    c1.expander(title).markdown(reading)
    c2.download_button(label, export.csv_text(rows), mime="text/csv", key=key, file_name=file_name,
                       on_click="ignore", width="stretch")


# ------------------------------------------------------------------ layout ---

def columns(spec=2, **kw):
    """Side-by-side columns, or one block per row on a projector (charts need the width)."""
    if ui.presenter():
        n = spec if isinstance(spec, int) else len(spec)
        return [st.container() for _ in range(n)]
    return st.columns(spec, **kw)


def metric_row(n: int) -> list:
    """``n`` metric slots: one row on a laptop; on a projector, where big numbers and
    full labels need the width, rows of two.

    On a laptop the row is one horizontal container that the metrics share in equal
    parts (``n`` times the same slot): the same row as ``st.columns(n)``, with one
    block where columns send a row block and one block per column, on every
    epsilon move that redraws it."""
    if not ui.presenter():
        row = st.container(horizontal=True, gap="medium", wrap=False)
        return [row] * n
    out = []
    while len(out) < n:
        out += st.columns(2)
    return out[:n]


def guarded_fragment(fn):
    """``st.fragment(fn)`` that shows an error as a message: a fragment's own
    rerun is not covered by the page's guard."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
            _log.exception("fragment %s failed", fn.__name__)  # the traceback goes to the server's log
            st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
    return st.fragment(run)


def pixel_eps_swap(page: str, plain: dict, pixel: dict):
    """The ``on_change`` of a page's dataset chooser: moving to or from pixel
    data (digits, in [0, 1]) swaps the epsilon fields from ``plain`` (in
    standard deviations) to ``pixel`` and back, unless the learner chose their
    own. The values set wait in ``<page>_eps_note`` for the page to mention."""
    def swap() -> None:
        new = st.session_state[ui.wkey(page, "dataset")]
        src, dst = (plain, pixel) if new == "digits" else (pixel, plain)
        if all(abs(float(st.session_state.get(ui.wkey(page, k), -1)) - val) < 1e-9 for k, val in src.items()):
            for k, val in dst.items():
                st.session_state[ui.wkey(page, k)] = val
            st.session_state[f"{page}_eps_note"] = dst
    return swap


def eps_note(page: str, msg_key: str, **fields: str) -> None:
    """Say once which epsilons :func:`pixel_eps_swap` set: ``fields`` maps
    each placeholder of the message ``msg_key`` to the field it shows."""
    note = st.session_state.pop(f"{page}_eps_note", None)
    if note:
        st.info(ui.tr(msg_key, **{k: f"{note[f]:g}" for k, f in fields.items()}), icon=":material/tune:")


def chart_beside(fig, *, key: str, filename: str, reading: str, csv: tuple[str, list[dict], str] | None = None,
                 title: str | None = None, caption: str | None = None, spec=(2.2, 1)) -> None:
    """A chart (under its bold ``title``) and beside it, or under it on a
    projector, what to read in it (Markdown), a ``caption`` and a download of
    its numbers: ``csv`` is (label key, rows, file name); the label key is the
    button's key too."""
    left, right = columns(list(spec), gap="large")
    if title:
        left.markdown(f"**{title}**")
    with left:
        ui.chart(fig, key=key, filename=filename)
    right.markdown(reading)
    if caption:
        right.caption(caption)
    if csv is not None:
        label, rows, name = csv
        right.download_button(ui.tr(label), export.csv_text(rows), file_name=name, mime="text/csv", key=label,
                              width="stretch")


# --------------------------------------------- data and network controls ---
# The Defenses and Transferability pages offer the same DataConfig and
# NetConfig settings in their sidebars, labelled by their own message keys
# (``<prefix>_dataset``, ``<prefix>_layers``, ...).

def data_controls(state, *, prefix: str, on_change=None, where=None) -> None:
    """The dataset chooser, then the settings the chosen dataset reads: blob
    count, noise and size for the 2-D sets, the split seed for all but the blog's."""
    where = where or st.sidebar
    where.subheader(ui.tr(f"{prefix}_data"))
    where.selectbox(ui.tr(f"{prefix}_dataset"), state.fields["dataset"].choices, format_func=lambda k: ui.tr(f"ds_{k}"),
                    key=ui.wkey(state.page, "dataset"), on_change=on_change)
    name = st.session_state[ui.wkey(state.page, "dataset")]
    if name == "blobs":
        ui.slider(state, "classes", ui.tr(f"{prefix}_classes"), where=where)
    if name in TWO_D:
        ui.slider(state, "noise", ui.tr(f"{prefix}_noise"), step=0.01, where=where)
        ui.slider(state, "n", ui.tr(f"{prefix}_samples"), step=50, where=where)
    if name != "blog":
        ui.number(state, "dseed", ui.tr(f"{prefix}_dseed"), step=1, where=where)


def net_controls(state, *, prefix: str, heading: str, lr_help: str | None = None, where=None) -> None:
    """The network and its training under the heading ``heading`` (a message
    key): layers, width, activation, epochs, learning rate, batch size, seed."""
    where = where or st.sidebar
    where.subheader(ui.tr(heading))
    ui.slider(state, "layers", ui.tr(f"{prefix}_layers"), where=where)
    ui.slider(state, "width", ui.tr(f"{prefix}_width"), where=where)
    ui.select(state, "act", ui.tr(f"{prefix}_activation"), where=where, radio=True, horizontal=True)
    ui.slider(state, "epochs", ui.tr(f"{prefix}_epochs"), step=1, where=where)
    where.select_slider(ui.tr(f"{prefix}_lr"), config.LRS, key=ui.wkey(state.page, "lr"),
                        help=ui.tr(lr_help) if lr_help else None)
    where.select_slider(ui.tr(f"{prefix}_batch"), config.BATCHES, key=ui.wkey(state.page, "batch"))
    ui.number(state, "seed", ui.tr(f"{prefix}_seed"), step=1, where=where, help=ui.tr(f"{prefix}_seed_help"))


LOG_LADDER = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)  # the steps of a log-scaled parameter


def param_slider(state, attack: str, p, *, where=None):
    """The slider of ``attack``'s own parameter ``p`` (a registry parameter,
    under the field ``<attack>_<name>``): log-scaled ones move along
    :data:`LOG_LADDER`, keeping a value a link set between its steps."""
    where = where or st
    name = f"{attack}_{p.name}"
    f, key = state.fields[name], ui.wkey(state.page, name)
    if p.log:
        opts = {float(f"{v:.3g}") for v in LOG_LADDER if f.lo <= v <= f.hi}
        opts.add(float(st.session_state.get(key, f.default)))
        return where.select_slider(ui.tr(f"param_{p.name}"), sorted(opts), key=key)
    return ui.slider(state, name, ui.tr(f"param_{p.name}"), step=int(p.step) if p.integer else p.step, where=where)


def param_rows(state, attacks, *, where=None) -> None:
    """A row per attack in ``attacks``: its name, then a :func:`param_slider`
    for each of its own parameters (a page that runs several attacks at once)."""
    where = where or st
    for a in attacks:
        cols = where.columns([1.2] + [2] * len(ATTACKS[a].params))
        cols[0].markdown(f"**{ui.tr(f'attack_{a}')}**")
        for p, col in zip(ATTACKS[a].params, cols[1:]):
            param_slider(state, a, p, where=col)
