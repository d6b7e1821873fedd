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
from .common import GREEN, VERMILLION
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


def mark_pixels(fig: go.Figure, x, x_adv, *, shape=(8, 8), presenter: bool = False) -> go.Figure:
    """Frame every pixel the attack changed in each panel of an image gallery
    (:func:`advlab.figures.lab.digit_gallery` of ``x_adv``, panel ``j`` showing
    image ``j``): JSMA's few pixels, found at a glance. Returns ``fig``."""
    changed = changed_pixels(x, x_adv)
    width = 4 if presenter else 3
    frames = []
    for j, row in enumerate(changed):
        sfx = "" if j == 0 else str(j + 1)
        for p in np.flatnonzero(row):
            r, c = divmod(int(p), shape[1])
            frames.append(dict(type="rect", xref=f"x{sfx}", yref=f"y{sfx}", x0=c - 0.42, x1=c + 0.42, y0=r - 0.42,
                               y1=r + 0.42, line=dict(color=GREEN, width=width)))
    fig.layout.shapes = (*fig.layout.shapes, *frames)
    return fig
