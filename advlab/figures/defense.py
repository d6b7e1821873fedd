"""Figures of the Defenses and Transferability pages: accuracy-vs-epsilon
curves, the robustness/accuracy trade-off, reported vs real robustness,
transfer success per target, and a gallery of decision boundaries."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from .common import BLACK, BLUE, GREEN, GREY, MARKERS, ORANGE, PURPLE, SKY, VERMILLION, class_color, hex_to_rgb, style
from .playground import png_data_uri

STANDARD_COLOR = ORANGE
ROBUST_COLOR = BLUE
# transfer targets, in the order of advlab.transfer.TARGETS
TARGET_COLORS = (BLUE, SKY, GREEN, PURPLE, ORANGE, GREY, "#7f5539", "#9d4edd")


def _line(width: float, presenter: bool) -> float:
    return width * (1.6 if presenter else 1.0)


def _accuracy_axes(fig: go.Figure, *, lang: str, x_title: str) -> None:
    fig.update_xaxes(title_text=x_title, rangemode="tozero", zeroline=False)
    fig.update_yaxes(title_text=t("fig_accuracy", lang), range=[0, 1.03], tickformat=".0%", dtick=0.2)


def _vline(fig: go.Figure, x: float | None, text: str, *, color: str, presenter: bool,
           position: str = "bottom right") -> None:
    if x is None:
        return
    fig.add_vline(x=float(x), line=dict(color=color, dash="dot", width=_line(1.5, presenter)),
                  annotation_text=text, annotation_position=position,
                  annotation_font=dict(color=color, size=18 if presenter else 12))


def adv_training_curves(eps, standard, robust, *, train_eps: float | None = None, eval_eps: float | None = None,
                        lang: str = "en", presenter: bool = False) -> go.Figure:
    """Accuracy under PGD against epsilon: the standard model and the
    adversarially trained one, with the training and evaluation epsilons marked."""
    eps = np.asarray(eps, float)
    fig = go.Figure()
    for vals, name, color, dash in ((standard, t("df_fig_standard", lang), STANDARD_COLOR, "dash"),
                                    (robust, t("df_fig_robust", lang), ROBUST_COLOR, "solid")):
        fig.add_trace(go.Scatter(x=eps, y=np.asarray(vals, float), mode="lines+markers", name=name,
                                 line=dict(color=color, width=_line(3, presenter), dash=dash),
                                 marker=dict(size=9 if presenter else 6),
                                 hovertemplate=f"{name}<br>ε = %{{x:.3g}}<br>%{{y:.1%}}<extra></extra>"))
    _vline(fig, train_eps, t("df_fig_train_eps_mark", lang), color=ROBUST_COLOR, presenter=presenter)
    if eval_eps is not None and (train_eps is None or abs(eval_eps - train_eps) > 1e-9):
        _vline(fig, eval_eps, t("df_fig_eval_eps_mark", lang), color=GREY, presenter=presenter,
               position="bottom left" if train_eps is not None and eval_eps < train_eps else "bottom right")
    _accuracy_axes(fig, lang=lang, x_title=t("fig_eps", lang))
    return style(fig, presenter=presenter, height=440 if presenter else 360)


def tradeoff_chart(train_eps, clean, robust, *, eval_eps: float, current: float | None = None, lang: str = "en",
                   presenter: bool = False) -> go.Figure:
    """Clean and robust accuracy against the training epsilon: the chart a
    teacher draws on the board (clean falls, robust rises, then both fall)."""
    x = np.asarray(train_eps, float)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=np.asarray(clean, float), mode="lines+markers", name=t("df_fig_clean", lang),
                             line=dict(color=BLUE, width=_line(3, presenter)),
                             marker=dict(size=10 if presenter else 7, symbol="circle"),
                             hovertemplate=t("df_fig_tradeoff_hover", lang, what=t("df_fig_clean", lang))
                             + "<extra></extra>"))
    robust_name = t("df_fig_robust_at", lang, eps=f"{eval_eps:g}")
    fig.add_trace(go.Scatter(x=x, y=np.asarray(robust, float), mode="lines+markers", name=robust_name,
                             line=dict(color=VERMILLION, width=_line(3, presenter), dash="dash"),
                             marker=dict(size=10 if presenter else 7, symbol="diamond"),
                             hovertemplate=t("df_fig_tradeoff_hover", lang, what=robust_name) + "<extra></extra>"))
    _vline(fig, current, t("df_fig_current_mark", lang), color=GREY, presenter=presenter)
    _accuracy_axes(fig, lang=lang, x_title=t("df_fig_train_eps", lang))
    # zoomed to the data: the trade-off is a few points of accuracy, invisible on a 0-100% axis
    lo = float(np.nanmin(np.r_[np.asarray(clean, float), np.asarray(robust, float)]))
    fig.update_yaxes(range=[max(0.0, math.floor((lo - 0.05) * 20) / 20), 1.01], dtick=None)
    return style(fig, presenter=presenter, height=440 if presenter else 360)


def masking_chart(eps, fgsm, pgd, transfer, *, eval_eps: float | None = None, lang: str = "en",
                  presenter: bool = False) -> go.Figure:
    """Accuracy of the gradient-masked model: reported by FGSM and PGD on the
    model itself, and measured with examples transferred from a standard model."""
    eps = np.asarray(eps, float)
    fig = go.Figure()
    series = ((fgsm, t("df_fig_mask_fgsm", lang), GREEN, "dot", 3, "circle"),
              (pgd, t("df_fig_mask_pgd", lang), SKY, "dash", 3, "square"),
              (transfer, t("df_fig_mask_transfer", lang), VERMILLION, "solid", 4, "diamond"))
    for vals, name, color, dash, width, symbol in series:
        fig.add_trace(go.Scatter(x=eps, y=np.asarray(vals, float), mode="lines+markers", name=name,
                                 line=dict(color=color, width=_line(width, presenter), dash=dash),
                                 marker=dict(size=9 if presenter else 6, symbol=symbol),
                                 hovertemplate=f"{name}<br>ε = %{{x:.3g}}<br>%{{y:.1%}}<extra></extra>"))
    _vline(fig, eval_eps, t("df_fig_eval_eps_mark", lang), color=GREY, presenter=presenter)
    _accuracy_axes(fig, lang=lang, x_title=t("fig_eps", lang))
    style(fig, presenter=presenter, height=440 if presenter else 360)
    # inside, bottom left: the curves start high, so that corner stays empty
    fig.update_layout(legend=dict(orientation="v", yanchor="bottom", y=0.03, xanchor="left", x=0.01,
                                  bgcolor="rgba(255,255,255,0.85)"))
    return fig


def transfer_chart(eps, success, labels, *, eps_mark: float | None = None, lang: str = "en",
                   presenter: bool = False, colors=None) -> go.Figure:
    """Attack success rate against epsilon: row 0 of ``success`` is the
    surrogate (white-box, drawn black and dashed), the other rows the targets."""
    eps = np.asarray(eps, float)
    success = np.asarray(success, float)
    colors = list(colors or TARGET_COLORS)
    fig = go.Figure()
    for i, label in enumerate(labels):
        white = i == 0
        color = BLACK if white else colors[(i - 1) % len(colors)]
        fig.add_trace(go.Scatter(
            x=eps, y=success[i], mode="lines+markers", name=label,
            line=dict(color=color, width=_line(4 if white else 2.5, presenter), dash="dash" if white else "solid"),
            marker=dict(size=(10 if presenter else 7) if white else (8 if presenter else 5),
                        symbol=MARKERS[i % len(MARKERS)]),
            hovertemplate=f"{label}<br>ε = %{{x:.3g}}<br>" + t("tf_fig_success_hover", lang) + "<extra></extra>"))
    _vline(fig, eps_mark, t("tf_fig_eps_mark", lang), color=GREY, presenter=presenter)
    fig.update_xaxes(title_text=t("fig_eps", lang), rangemode="tozero", zeroline=False)
    fig.update_yaxes(title_text=t("tf_fig_success", lang), range=[0, 1.03], tickformat=".0%", dtick=0.2)
    style(fig, presenter=presenter, height=560 if presenter else 460)
    # below the plot: seven long names on the right would squeeze the curves
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0.0),
                      margin=dict(b=10))
    return fig


def _blend(proba: np.ndarray) -> np.ndarray:
    """Class colours mixed by probability, fading to white where the model is unsure."""
    k = proba.shape[-1]
    cols = np.array([hex_to_rgb(class_color(i)) for i in range(k)], float)
    conf = proba.max(-1, keepdims=True)
    w = 0.5 * (conf - 1.0 / k) / (1 - 1.0 / k)
    return (255 * (1 - w) + (proba @ cols) * w).clip(0, 255).astype(np.uint8)


def boundary_gallery(panels, x_adv, y, *, lang: str = "en", presenter: bool = False, cols: int = 4) -> go.Figure:
    """Small decision maps side by side, the same adversarial points on each.

    ``panels``: a list of dicts with ``xs``, ``ys``, ``proba`` (res, res, K),
    ``title`` and ``fooled`` (bool per point: this model was fooled).
    Points keep their true class colour; a red cross marks a fooled point.
    """
    n = len(panels)
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[p["title"] for p in panels],
                        horizontal_spacing=0.015, vertical_spacing=0.07 if rows > 1 else 0.02)
    x_adv = np.asarray(x_adv)
    y = np.asarray(y)
    size = 8 if presenter else 5
    for i, p in enumerate(panels):
        r, c = divmod(i, cols)
        r += 1
        c += 1
        xs, ys, proba = np.asarray(p["xs"]), np.asarray(p["ys"]), np.asarray(p["proba"])
        dx, dy = float(xs[1] - xs[0]), float(ys[1] - ys[0])
        # a PNG (rows top-down) instead of raw numbers: a fraction of the payload per panel
        fig.add_trace(go.Image(source=png_data_uri(_blend(proba)[::-1]), x0=float(xs[0]) - dx / 2, dx=dx,
                               y0=float(ys[-1]) + dy / 2, dy=-dy, hoverinfo="skip"), r, c)
        k = proba.shape[-1]
        pred = proba.argmax(-1)
        for cls in range(k if k > 2 else 1):
            z = (pred == cls).astype(float) if k > 2 else proba[..., 1]
            fig.add_trace(go.Contour(x=xs, y=ys, z=z, showscale=False, hoverinfo="skip", showlegend=False,
                                     contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                                     line=dict(color=BLACK, width=_line(1.2, presenter))), r, c)
        fooled = np.asarray(p["fooled"], bool)
        for cls in np.unique(y):
            m = (y == cls) & ~fooled
            fig.add_trace(go.Scatter(x=x_adv[m, 0], y=x_adv[m, 1], mode="markers", showlegend=False,
                                     marker=dict(size=size, color="white", symbol=MARKERS[int(cls) % len(MARKERS)],
                                                 line=dict(color=class_color(int(cls)), width=1.5)),
                                     hoverinfo="skip"), r, c)
        fig.add_trace(go.Scatter(x=x_adv[fooled, 0], y=x_adv[fooled, 1], mode="markers", showlegend=False,
                                 name=t("tf_fig_fooled", lang),
                                 marker=dict(size=size + 3, color=VERMILLION, symbol="x",
                                             line=dict(width=1, color=VERMILLION)), hoverinfo="skip"), r, c)
        axis = "" if i == 0 else str(i + 1)
        fig.update_xaxes(range=[float(xs[0]), float(xs[-1])], showticklabels=False, showgrid=False, zeroline=False,
                         row=r, col=c)
        fig.update_yaxes(range=[float(ys[0]), float(ys[-1])], showticklabels=False, showgrid=False, zeroline=False,
                         scaleanchor=f"x{axis}", scaleratio=1, row=r, col=c)
    style(fig, presenter=presenter, height=(380 if presenter else 290) * rows + 30, legend=False)
    fig.update_annotations(font_size=18 if presenter else 12)
    return fig
