"""Figures of the Robustness page: accuracy (or success) against epsilon for
several attacks with the noise-to-PGD gap shaded, and the distribution of
minimal perturbations as a histogram and as a cumulative "flipped within d"
curve.

Each figure is built from plain dicts and one ``go.Figure(data=..., layout=...)``
(see :mod:`advlab.figures.playground`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .common import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    hex_to_rgb,
    hline,
    merge,
    style,
    unchecked_figure,
    vline,
)

# Fixed per attack, so a curve keeps its colour when others are switched off.
# Dashes as well as colours: a black-and-white printout or a washed-out
# projector still tells them apart.
ATTACK_STYLE = {
    "noise": dict(color=GREY, dash="dot", symbol="circle-open"),
    "fgsm": dict(color=SKY, dash="dash", symbol="square"),
    "bim": dict(color=GREEN, dash="dashdot", symbol="diamond"),
    "mim": dict(color=PURPLE, dash="longdash", symbol="triangle-up"),
    "pgd": dict(color=VERMILLION, dash="solid", symbol="circle"),
    # the attackers without gradients: scores only, labels only
    "square": dict(color=ORANGE, dash="longdashdot", symbol="x"),
    "hopskipjump": dict(color=BLUE, dash="dot", symbol="star"),
}
METHOD_STYLE = {"deepfool": dict(color=BLUE, dash="solid"), "cw": dict(color=ORANGE, dash="dash")}
NORM_SHORT = {"linf": "L∞", "l2": "L2"}


def _axis_fonts(presenter: bool) -> dict:
    # explicit sizes: the app's chart theme replaces inherited axis fonts, and a
    # projector needs tick labels as large as the legend
    base = 20 if presenter else 13
    return {"xaxis": {"tickfont": {"size": base - 2}, "title": {"font": {"size": base}}},
            "yaxis": {"tickfont": {"size": base - 2}, "title": {"font": {"size": base}}}}


def _display_top(arrays) -> tuple[float, bool]:
    """Right end of a distance axis: the largest value, unless a few far outliers
    would squeeze the bulk into a corner; then the 98th percentile plus a margin."""
    allv = np.concatenate([a for a in arrays if a.size] or [np.ones(1)])
    top = float(np.max(allv))
    p98 = float(np.percentile(allv, 98))
    if p98 > 0 and top > 1.5 * p98:
        return p98 * 1.15, True
    return max(top, 1e-6), False


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = hex_to_rgb(hex_color)
    return f"rgba({r},{g},{b},{alpha})"


def robustness_curves(eps, curves: Mapping[str, np.ndarray], *, metric: str = "accuracy", norm: str = "linf",
                      band: tuple[str, str] = ("noise", "pgd"), clean: float | None = None,
                      chance: float | None = None, mark_eps: float | None = None, lang: str = "en",
                      presenter: bool = False) -> go.Figure:
    """One line per attack over ``eps``; ``metric`` is ``"accuracy"`` or
    ``"success"`` (attack success rate), values in [0, 1].

    When both attacks of ``band`` are present the area between them is
    shaded and its widest point labelled: what choosing the direction adds
    over a random push of the same size. ``clean`` and ``chance`` draw
    reference lines (accuracy only); ``mark_eps`` a vertical marker.
    """
    if metric not in ("accuracy", "success"):
        raise ValueError(f"metric must be 'accuracy' or 'success', got {metric!r}")
    eps = np.asarray(eps, np.float64)
    data: list[dict] = []
    layout: dict = {}
    lo, hi = band
    if lo in curves and hi in curves:
        _gap_band(data, layout, eps, np.asarray(curves[lo]), np.asarray(curves[hi]), lo, hi, lang, presenter)
    data += _curve_traces(eps, curves, metric, lang, presenter)
    if metric == "accuracy":
        if clean is not None:
            hline(layout, clean, line=dict(color=GREY, dash="dot", width=1),
                  text=t("rb_fig_clean", lang, acc=clean), position="top right")
        if chance is not None:
            hline(layout, chance, line=dict(color=GREY, dash="dot", width=1),
                  text=t("rb_fig_chance", lang, acc=chance), position="bottom right")
    if mark_eps is not None:
        vline(layout, mark_eps, line=dict(color="#111827", dash="dash", width=1.5),
              text=t("rb_fig_mark", lang, eps=mark_eps), position="top")
    layout["xaxis"] = dict(title=dict(text=t("rb_fig_eps_axis", lang, norm=NORM_SHORT.get(norm, norm))),
                           range=[float(eps[0]), float(eps[-1]) * 1.02], zeroline=False)
    layout["yaxis"] = dict(title=dict(text=t("rb_fig_accuracy" if metric == "accuracy" else "rb_fig_success", lang)),
                           range=[-0.02, 1.05], tickformat=".0%", zeroline=False)
    merge(layout, style(presenter=presenter, height=600 if presenter else 460), _axis_fonts(presenter),
          # legend under the axis: the top edge carries the epsilon marker's label
          dict(hovermode="x unified", legend=dict(y=-0.16, yanchor="top", x=0.5, xanchor="center"),
               margin=dict(t=40, b=20)))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def _gap_band(data: list, layout: dict, eps, a, b, lo: str, hi: str, lang: str, presenter: bool) -> None:
    """The area between the curves ``a`` (attack ``lo``) and ``b`` (``hi``),
    shaded, and a line with a label where the gap opens up (when it does)."""
    data.append(dict(
        type="scatter", x=np.r_[eps, eps[::-1]], y=np.r_[a, b[::-1]], fill="toself", mode="none",
        fillcolor=_rgba(ATTACK_STYLE[hi]["color"], 0.13), hoverinfo="skip",
        name=t("rb_fig_band", lang, a=t(f"rb_short_{lo}", lang), b=t(f"rb_short_{hi}", lang))))
    gap = np.abs(a - b)
    # the smallest budget that (almost) reaches the widest gap: that is where it opens up
    j = int(np.nonzero(gap >= gap.max() - 0.01)[0][0])
    if gap[j] >= 0.02:
        col = ATTACK_STYLE[hi]["color"]
        layout["shapes"] = [dict(type="line", x0=eps[j], x1=eps[j], y0=min(a[j], b[j]), y1=max(a[j], b[j]),
                                 line=dict(color=col, width=3 if presenter else 2))]
        right = j < len(eps) * 0.7
        layout["annotations"] = [dict(x=eps[j], y=(a[j] + b[j]) / 2,
                                      text=t("rb_fig_gap", lang, pts=gap[j] * 100, eps=eps[j]),
                                      showarrow=False, xanchor="left" if right else "right",
                                      xshift=8 if right else -8, bgcolor="rgba(255,255,255,0.85)",
                                      bordercolor=col, font=dict(size=15 if presenter else 12))]


def _curve_traces(eps, curves: Mapping[str, np.ndarray], metric: str, lang: str, presenter: bool) -> list[dict]:
    """One line per attack, in its fixed colour, dash and marker (PGD a little thicker)."""
    width = 4 if presenter else 2.4
    size = 9 if presenter else 6
    hover_key = "rb_fig_hover_acc" if metric == "accuracy" else "rb_fig_hover_success"
    data = []
    for name, ys in curves.items():
        st_ = ATTACK_STYLE.get(name, dict(color=GREY, dash="solid", symbol="circle"))
        data.append(dict(
            type="scatter", x=eps, y=np.asarray(ys, np.float64), mode="lines+markers", name=t(f"attack_{name}", lang),
            line=dict(color=st_["color"], dash=st_["dash"], width=width + (1 if name == "pgd" else 0)),
            marker=dict(symbol=st_["symbol"], size=size, color=st_["color"]),
            hovertemplate=t(hover_key, lang) + "<extra>%{fullData.name}</extra>"))
    return data


def distance_histogram(distances: Mapping[str, np.ndarray], *, mark_eps: float | None = None, lang: str = "en",
                       presenter: bool = False) -> go.Figure:
    """Overlaid histograms of minimal L2 perturbation sizes, one per method,
    with each method's median marked. Infinite distances (not found) are left out."""
    data: list[dict] = []
    layout: dict = {}
    finite = {k: np.asarray(d, np.float64)[np.isfinite(d)] for k, d in distances.items()}
    top, cut = _display_top(list(finite.values()))
    size = top / 30
    beyond = 0
    for name, d in finite.items():
        st_ = METHOD_STYLE.get(name, dict(color=GREY, dash="solid"))
        label = t(f"attack_{name}", lang)
        if d.size:
            label = t("rb_fig_with_median", lang, name=label, d=float(np.median(d)))
        # far outliers are drawn in the last bar (and said so) rather than stretching the axis
        shown = np.minimum(d, top - size / 2) if cut else d
        beyond = max(beyond, int(np.sum(d > top)))
        data.append(dict(type="histogram", x=shown, xbins=dict(start=0, end=top + size, size=size), name=label,
                         marker=dict(color=st_["color"]), opacity=0.55,
                         hovertemplate=t("rb_fig_hist_hover", lang) + "<extra>%{fullData.name}</extra>"))
        if d.size:
            med = float(np.median(d))
            # medians sit close together: the legend carries the numbers, the lines only the position
            vline(layout, med, line=dict(color=st_["color"], dash=st_["dash"], width=2.5 if presenter else 2))
    if cut and beyond:
        layout.setdefault("annotations", []).append(dict(
            x=top, y=1, xref="x", yref="paper", xanchor="right", yanchor="top", showarrow=False,
            text=t("rb_fig_beyond", lang, k=beyond, d=top), font=dict(size=14 if presenter else 11)))
    if mark_eps is not None:
        vline(layout, mark_eps, line=dict(color="#111827", dash="dot", width=1.5))
    layout["xaxis"] = dict(title=dict(text=t("rb_fig_distance", lang)), range=[0, top + size])
    layout["yaxis"] = dict(title=dict(text=t("fig_count", lang)))
    merge(layout, style(presenter=presenter, height=560 if presenter else 400), _axis_fonts(presenter),
          dict(barmode="overlay", bargap=0.05, margin=dict(t=60)))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def flip_curve(distances: Mapping[str, np.ndarray], *, mark_eps: float | None = None, lang: str = "en",
               presenter: bool = False) -> go.Figure:
    """The cumulative share of points flipped within distance d, per method: a
    step curve from 0 (nothing moves) to the share the method fooled at all."""
    data: list[dict] = []
    layout: dict = {}
    finite = [np.asarray(d, np.float64)[np.isfinite(d)] for d in distances.values()]
    top = max([float(np.max(d)) for d in finite if d.size] or [1.0])
    view, _ = _display_top(finite)
    width = 4 if presenter else 2.5
    for name, d in distances.items():
        d = np.asarray(d, np.float64)
        n = max(d.size, 1)
        s = np.sort(d[np.isfinite(d)])
        xs = np.r_[0.0, s, top * 1.05]
        ys = np.r_[0.0, np.arange(1, s.size + 1) / n, s.size / n]
        st_ = METHOD_STYLE.get(name, dict(color=GREY, dash="solid"))
        data.append(dict(type="scatter", x=xs, y=ys, mode="lines",
                         line=dict(shape="hv", color=st_["color"], dash=st_["dash"], width=width),
                         name=t(f"attack_{name}", lang),
                         hovertemplate=t("rb_fig_flip_hover", lang) + "<extra>%{fullData.name}</extra>"))
    hline(layout, 0.5, line=dict(color=GREY, dash="dot", width=1))
    if mark_eps is not None:
        vline(layout, mark_eps, line=dict(color="#111827", dash="dot", width=1.5),
              text=t("rb_fig_mark_l2", lang, eps=mark_eps), position="bottom right")
    layout["xaxis"] = dict(title=dict(text=t("rb_fig_distance_d", lang)), range=[0, view * 1.05])
    layout["yaxis"] = dict(title=dict(text=t("rb_fig_flip", lang)), range=[0, 1.03], tickformat=".0%")
    merge(layout, style(presenter=presenter, height=560 if presenter else 400), _axis_fonts(presenter),
          dict(margin=dict(t=60)))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def curve_set_figure(curves, *, metric: str = "accuracy", mark_eps: float | None = None, lang: str = "en",
                     presenter: bool = False) -> go.Figure:
    """:func:`robustness_curves` of a :class:`~advlab.evaluation.CurveSet`: its
    attacks' accuracy, with the clean accuracy and chance (one over its number
    of classes), or their success rate."""
    acc = metric == "accuracy"
    return robustness_curves(curves.eps, {a: curves.curve(a, metric) for a in curves.attacks}, metric=metric,
                             norm=curves.norm, clean=curves.clean_accuracy if acc else None,
                             chance=1.0 / curves.n_classes if acc else None, mark_eps=mark_eps, lang=lang,
                             presenter=presenter)
