"""Figures of the threat models on digits: a trained generator's perturbations
beside PGD's, one universal perturbation with the images it fools, and the
few pixels JSMA changed framed in a gallery.

Images are drawn as in :mod:`advlab.figures.lab` (ink dark on white, a
perturbation in a diverging scale centred on zero, every pixel a crisp
square); a fooled image's title is red and bold."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .common import BLUE, GREY, ORANGE, VERMILLION, hline, merge, style
from .lab import DIVERGING, INK, _image_grid

DARK = "#1b1f24"


def _delta_panel(d, eps: float, hover: str) -> dict:
    return dict(z=d, zmin=-eps, zmax=eps, zmid=0, colorscale=DIVERGING, showscale=False, hovertemplate=hover)


def _ink_panel(x, hover: str) -> dict:
    return dict(z=x, zmin=0, zmax=1, colorscale=INK, showscale=False, hovertemplate=hover)


def _title(text: str, fooled: bool) -> str:
    return f"<b>{text}</b>" if fooled else text


def _row_labels(labels, nrows: int, vspace: float, size: int) -> list[dict]:
    """A label left of each row of panels (row 0 on top)."""
    h = (1.0 - vspace * (nrows - 1)) / nrows
    return [dict(text=f"<b>{s}</b>", x=-0.008, y=1.0 - r * (h + vspace) - h / 2, xref="paper", yref="paper",
                 xanchor="right", yanchor="middle", showarrow=False, font=dict(size=size, color=DARK))
            for r, s in enumerate(labels)]


def perturbation_rows(x, rows, *, indices, y, eps: float, shape=(8, 8), lang: str = "en",
                      presenter: bool = False) -> go.Figure:
    """The clean images ``x`` (one column each, titled with their index and
    class) over one row of perturbations per attack: ``rows`` holds
    ``(name, x_adv, pred_adv)`` for the same images. Each perturbation is
    titled with the class the network now reads (red when fooled), all on
    one diverging scale of half-range ``eps``."""
    x = np.asarray(x, np.float64)
    n = len(indices)
    hov = t("dg_fig_pixel_hover", lang)
    images, titles, colors = [], [], []
    for j in range(n):
        images.append(_ink_panel(x[j].reshape(shape), hov))
        titles.append(t("th_fig_clean_title", lang, i=int(indices[j]), c=int(y[j])))
        colors.append(DARK)
    for _, x_adv, pred in rows:
        for j in range(n):
            fooled = int(pred[j]) != int(y[j])
            d = (np.asarray(x_adv[j], np.float64) - x[j]).reshape(shape)
            images.append(_delta_panel(d, eps, hov))
            titles.append(_title(t("th_fig_now", lang, c=int(pred[j])), fooled))
            colors.append(VERMILLION if fooled else DARK)
    nrows, vspace = 1 + len(rows), 0.1
    size = 17 if presenter else 12
    fig = _image_grid(images, nrows=nrows, ncols=n, titles=titles, title_colors=colors, title_size=size,
                      hspace=0.012, vspace=vspace, presenter=presenter, height=(210 if presenter else 150) * nrows + 10,
                      margin=dict(l=150 if presenter else 110, r=5, t=30, b=5, pad=0))
    labels = [t("th_fig_row_image", lang)] + [t("th_fig_row_delta", lang, a=name) for name, _, _ in rows]
    fig.layout.annotations = (*fig.layout.annotations, *_row_labels(labels, nrows, vspace, size + 1))
    return fig


def universal_panel(vector, x_adv, *, y, pred_adv, eps: float, shape=(8, 8), ncols: int = 4, lang: str = "en",
                    presenter: bool = False) -> go.Figure:
    """One universal perturbation ``vector``, large on the left on a
    diverging scale of half-range ``eps``, and on the right images with it
    added (``x_adv``) in rows of ``ncols``, each titled with its class before
    and after (orange-red when it changed)."""
    hov = t("dg_fig_pixel_hover", lang)
    n = len(x_adv)
    nrows = max(1, int(np.ceil(n / ncols)))
    images, titles, colors = [], [], []
    for j in range(n):
        fooled = int(pred_adv[j]) != int(y[j])
        images.append(_ink_panel(np.asarray(x_adv[j], np.float64).reshape(shape), hov))
        titles.append(_title(t("th_fig_changed", lang, a=int(y[j]), b=int(pred_adv[j])), fooled))
        colors.append(VERMILLION if fooled else DARK)
    size = 17 if presenter else 12
    fig = _image_grid(images, nrows=nrows, ncols=ncols, titles=titles, title_colors=colors, title_size=size,
                      hspace=0.03, vspace=0.16, presenter=presenter, height=(230 if presenter else 170) * nrows + 10,
                      margin=dict(l=5, r=5, t=34, b=5, pad=0))
    left = 0.36  # the perturbation's share of the width; the examples share the rest
    lay = fig.to_plotly_json()["layout"]
    for j in range(n):
        ax = f"xaxis{'' if j == 0 else j + 1}"
        lo, hi = lay[ax]["domain"]
        fig.layout[ax].domain = [left + 0.02 + lo * (1 - left - 0.02), left + 0.02 + hi * (1 - left - 0.02)]
    for a in fig.layout.annotations:
        a.x = left + 0.02 + a.x * (1 - left - 0.02)
    k = n + 1
    fig.add_trace(go.Heatmap(_delta_panel(np.asarray(vector, np.float64).reshape(shape), eps, hov),
                             xaxis=f"x{k}", yaxis=f"y{k}"))
    axis = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain", mirror=True,
                showline=True, linecolor="#9ca3af")
    fig.layout[f"xaxis{k}"] = dict(axis, domain=[0.0, left], anchor=f"y{k}")
    fig.layout[f"yaxis{k}"] = dict(axis, domain=[0.0, 0.92], anchor=f"x{k}", scaleanchor=f"x{k}", scaleratio=1,
                                   autorange="reversed")
    fig.add_annotation(text=f"<b>{t('th_fig_universal', lang, eps=eps)}</b>", x=left / 2, y=0.93, xref="paper",
                       yref="paper", xanchor="center", yanchor="bottom", showarrow=False,
                       font=dict(size=size + 1, color=DARK))
    return fig


def changed_pixels(x, x_adv, tol: float = 1e-6) -> np.ndarray:
    """``(N, D)``: which features the attack changed (JSMA's budget counts them)."""
    return np.abs(np.asarray(x_adv, np.float64) - np.asarray(x, np.float64)) > tol


# -------------------------------------------------- questions asked (Robustness) ---

QUERY_STYLE = {"square": dict(color=ORANGE, dash="solid", symbol="square"),
               "hopskipjump": dict(color=BLUE, dash="dash", symbol="diamond")}
NORM_SHORT = {"linf": "L∞", "l2": "L2"}
LOG_TICKS = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000]  # a log axis labelled in round numbers only


def _line(name: str, q, ys, hover: str, lang: str, presenter: bool, axes: tuple[str, str] = ("x", "y")) -> dict:
    st_ = QUERY_STYLE.get(name, dict(color=GREY, dash="solid", symbol="circle"))
    return dict(type="scatter", x=np.maximum(np.asarray(q, np.float64), 1.0), y=np.asarray(ys, np.float64),
                mode="lines+markers", name=t(f"attack_{name}", lang), xaxis=axes[0], yaxis=axes[1],
                line=dict(color=st_["color"], dash=st_["dash"], width=4 if presenter else 2.4),
                marker=dict(symbol=st_["symbol"], size=8 if presenter else 5, color=st_["color"]),
                hovertemplate=hover + "<extra>%{fullData.name}</extra>")


def query_figure(success, *, reference=None, distance=None, minimal: float | None = None, eps: float,
                 norm: str = "linf", lang: str = "en", presenter: bool = False) -> go.Figure:
    """Success against the questions asked, at the budget ``eps`` in ``norm``:
    ``success`` maps an attack to (mean queries per point, success rate) as
    it went on, ``reference`` an attack that asked all at once (white-box)
    to its one (queries, success) point, drawn as a star. With ``distance``
    (mean queries, median L2 of a decision-based attack's fooling points) a
    second panel shows that distance shrinking, beside ``minimal`` (the
    median smallest change a white-box method found) as a dotted line.
    Queries run on a log axis."""
    two = distance is not None
    size = 20 if presenter else 13
    left, right = ([0.0, 0.46], [0.56, 1.0]) if two else ([0.0, 1.0], None)
    data = [_line(a, q, s, t("th_fig_q_hover_success", lang), lang, presenter) for a, (q, s) in success.items()]
    for a, (q, s) in (reference or {}).items():
        data.append(dict(type="scatter", x=[max(q, 1.0)], y=[s], mode="markers+text", name=t(f"attack_{a}", lang),
                         text=[t("th_fig_q_reference", lang, a=t(f"attack_{a}", lang))], textposition="top center",
                         marker=dict(symbol="star", size=18 if presenter else 13, color=VERMILLION),
                         hovertemplate=t("th_fig_q_hover_success", lang) + "<extra>%{fullData.name}</extra>"))
    q_title = dict(text=t("th_fig_q_axis", lang))
    layout: dict = {
        "xaxis": dict(type="log", domain=left, title=q_title, anchor="y"),
        "yaxis": dict(domain=[0, 1], range=[-0.02, 1.05], tickformat=".0%", anchor="x",
                      title=dict(text=t("th_fig_q_success", lang, eps=eps, norm=NORM_SHORT.get(norm, norm)))),
    }
    if two:
        q, d = distance
        data.append(_line("hopskipjump", q, d, t("th_fig_q_hover_distance", lang), lang, presenter, ("x2", "y2")))
        data[-1]["showlegend"] = "hopskipjump" not in success  # one legend entry per attacker
        layout["xaxis2"] = dict(type="log", domain=right, title=q_title, anchor="y2")
        layout["yaxis2"] = dict(domain=[0, 1], anchor="x2", rangemode="tozero",
                                title=dict(text=t("th_fig_q_distance", lang)))
        if minimal is not None and np.isfinite(minimal):
            hline(layout, minimal, line=dict(color=GREY, dash="dot", width=2), xref="x2 domain", yref="y2",
                  text=t("th_fig_q_minimal", lang, d=minimal), position="bottom left")
    tick = size - 2
    for ax in [k for k in layout if k.startswith(("xaxis", "yaxis"))]:
        merge(layout[ax], {"tickfont": {"size": tick}, "title": {"font": {"size": size}}})
        if ax.startswith("xaxis"):
            layout[ax].update(tickvals=LOG_TICKS, ticktext=[f"{q:,}" for q in LOG_TICKS])
    merge(layout, style(presenter=presenter, height=520 if presenter else 400),
          dict(legend=dict(y=-0.2, yanchor="top", x=0.5, xanchor="center"), margin=dict(t=30, b=20)))
    return go.Figure(data=data, layout=layout)
