"""Figures of the Defenses and Transferability pages: a decision map with the
attack's wins, accuracy-vs-epsilon curves, the robustness/accuracy trade-off,
reported vs real robustness, transfer success per target, and a gallery of
decision boundaries.

Each figure is built from plain dicts and one ``go.Figure(data=..., layout=...)``
(see :mod:`advlab.figures.playground`)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .common import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    MARKERS,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    ContentMemo,
    class_color,
    grid_domains,
    hex_to_rgb,
    merge,
    style,
    subplot_title,
    unchecked_figure,
    vline,
)
from .playground import _adversarial_traces, _decision_parts, add_points, boundary_lines, png_data_uri

STANDARD_COLOR = ORANGE
ROBUST_COLOR = BLUE
# transfer targets, in the order of advlab.transfer.TARGETS
TARGET_COLORS = (BLUE, SKY, GREEN, PURPLE, ORANGE, GREY, "#7f5539", "#9d4edd")


def _line(width: float, presenter: bool) -> float:
    return width * (1.6 if presenter else 1.0)


def _accuracy_axes(*, lang: str, x_title: str) -> dict:
    return {"xaxis": dict(title=dict(text=x_title), rangemode="tozero", zeroline=False),
            "yaxis": dict(title=dict(text=t("fig_accuracy", lang)), range=[0, 1.03], tickformat=".0%", dtick=0.2)}


def _vline(layout: dict, x: float | None, text: str, *, color: str, presenter: bool,
           position: str = "bottom right") -> None:
    if x is None:
        return
    vline(layout, float(x), line=dict(color=color, dash="dot", width=_line(1.5, presenter)), text=text,
          position=position, font=dict(color=color, size=18 if presenter else 12))


def defense_map(xs, ys, proba, x, y, x_adv, pred_adv, *, class_names=None, lang: str = "en",
                presenter: bool = False) -> go.Figure:
    """A model's decision map over the test points ``x, y``, with an arrow to
    the adversarial example only where the attack wins (``pred_adv != y``):
    two maps side by side differ in how many arrows they have."""
    data, layout = _decision_parts(xs, ys, proba, lang=lang, presenter=presenter)
    data += add_points(_Traces(), np.asarray(x), y, split="test", lang=lang, class_names=class_names)
    y, pred_adv = np.asarray(y), np.asarray(pred_adv)
    won = pred_adv != y
    if won.any():
        data += _adversarial_traces(np.asarray(x)[won], np.asarray(x_adv)[won], y[won], pred_adv[won], lang=lang,
                                    presenter=presenter, class_names=class_names, span=float(xs[-1] - xs[0]))
    merge(layout, {"height": 560 if presenter else 440, "showlegend": False})
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


class _Traces(list):
    """Collects the plain-dict traces an ``add_*`` helper of
    :mod:`advlab.figures.playground` adds, for a figure built unchecked."""

    def add_traces(self, traces) -> None:
        self.extend(traces)


def adv_training_curves(eps, standard, robust, *, train_eps: float | None = None, eval_eps: float | None = None,
                        lang: str = "en", presenter: bool = False) -> go.Figure:
    """Accuracy under PGD against epsilon: the standard model and the
    adversarially trained one, with the training and evaluation epsilons marked."""
    eps = np.asarray(eps, float)
    data = []
    for vals, name, color, dash in ((standard, t("df_fig_standard", lang), STANDARD_COLOR, "dash"),
                                    (robust, t("df_fig_robust", lang), ROBUST_COLOR, "solid")):
        data.append(dict(type="scatter", x=eps, y=np.asarray(vals, float), mode="lines+markers", name=name,
                         line=dict(color=color, width=_line(3, presenter), dash=dash),
                         marker=dict(size=9 if presenter else 6),
                         hovertemplate=f"{name}<br>ε = %{{x:.3g}}<br>%{{y:.1%}}<extra></extra>"))
    layout = _accuracy_axes(lang=lang, x_title=t("fig_eps", lang))
    _vline(layout, train_eps, t("df_fig_train_eps_mark", lang), color=ROBUST_COLOR, presenter=presenter)
    if eval_eps is not None and (train_eps is None or abs(eval_eps - train_eps) > 1e-9):
        _vline(layout, eval_eps, t("df_fig_eval_eps_mark", lang), color=GREY, presenter=presenter,
               position="bottom left" if train_eps is not None and eval_eps < train_eps else "bottom right")
    merge(layout, style(presenter=presenter, height=440 if presenter else 360))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def tradeoff_chart(train_eps, clean, robust, *, eval_eps: float, current: float | None = None, lang: str = "en",
                   presenter: bool = False) -> go.Figure:
    """Clean and robust accuracy against the training epsilon: the chart a
    teacher draws on the board (clean falls, robust rises, then both fall)."""
    x = np.asarray(train_eps, float)
    robust_name = t("df_fig_robust_at", lang, eps=f"{eval_eps:g}")
    data = [dict(type="scatter", x=x, y=np.asarray(clean, float), mode="lines+markers", name=t("df_fig_clean", lang),
                 line=dict(color=BLUE, width=_line(3, presenter)),
                 marker=dict(size=10 if presenter else 7, symbol="circle"),
                 hovertemplate=t("df_fig_tradeoff_hover", lang, what=t("df_fig_clean", lang)) + "<extra></extra>"),
            dict(type="scatter", x=x, y=np.asarray(robust, float), mode="lines+markers", name=robust_name,
                 line=dict(color=VERMILLION, width=_line(3, presenter), dash="dash"),
                 marker=dict(size=10 if presenter else 7, symbol="diamond"),
                 hovertemplate=t("df_fig_tradeoff_hover", lang, what=robust_name) + "<extra></extra>")]
    layout = _accuracy_axes(lang=lang, x_title=t("df_fig_train_eps", lang))
    _vline(layout, current, t("df_fig_current_mark", lang), color=GREY, presenter=presenter)
    # zoomed to the data: the trade-off is a few points of accuracy, invisible on a 0-100% axis
    lo = float(np.nanmin(np.r_[np.asarray(clean, float), np.asarray(robust, float)]))
    layout["yaxis"]["range"] = [max(0.0, math.floor((lo - 0.05) * 20) / 20), 1.01]
    del layout["yaxis"]["dtick"]
    merge(layout, style(presenter=presenter, height=440 if presenter else 360))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def masking_chart(eps, fgsm, pgd, transfer, *, eval_eps: float | None = None, lang: str = "en",
                  presenter: bool = False) -> go.Figure:
    """Accuracy of the gradient-masked model: reported by FGSM and PGD on the
    model itself, and measured with examples transferred from a standard model."""
    eps = np.asarray(eps, float)
    series = ((fgsm, t("df_fig_mask_fgsm", lang), GREEN, "dot", 3, "circle"),
              (pgd, t("df_fig_mask_pgd", lang), SKY, "dash", 3, "square"),
              (transfer, t("df_fig_mask_transfer", lang), VERMILLION, "solid", 4, "diamond"))
    data = [dict(type="scatter", x=eps, y=np.asarray(vals, float), mode="lines+markers", name=name,
                 line=dict(color=color, width=_line(width, presenter), dash=dash),
                 marker=dict(size=9 if presenter else 6, symbol=symbol),
                 hovertemplate=f"{name}<br>ε = %{{x:.3g}}<br>%{{y:.1%}}<extra></extra>")
            for vals, name, color, dash, width, symbol in series]
    layout = _accuracy_axes(lang=lang, x_title=t("fig_eps", lang))
    _vline(layout, eval_eps, t("df_fig_eval_eps_mark", lang), color=GREY, presenter=presenter)
    merge(layout, style(presenter=presenter, height=440 if presenter else 360),
          # inside, bottom left: the curves start high, so that corner stays empty
          dict(legend=dict(orientation="v", yanchor="bottom", y=0.03, xanchor="left", x=0.01,
                           bgcolor="rgba(255,255,255,0.85)")))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def transfer_chart(eps, success, labels, *, eps_mark: float | None = None, lang: str = "en",
                   presenter: bool = False, colors=None) -> go.Figure:
    """Attack success rate against epsilon: row 0 of ``success`` is the
    surrogate (white-box, drawn black and dashed), the other rows the targets."""
    eps = np.asarray(eps, float)
    success = np.asarray(success, float)
    colors = list(colors or TARGET_COLORS)
    data = []
    for i, label in enumerate(labels):
        white = i == 0
        color = BLACK if white else colors[(i - 1) % len(colors)]
        data.append(dict(
            type="scatter", x=eps, y=success[i], mode="lines+markers", name=label,
            line=dict(color=color, width=_line(4 if white else 2.5, presenter), dash="dash" if white else "solid"),
            # a fine ε grid keeps about a dozen markers per line: enough to tell the lines apart
            marker=dict(size=(10 if presenter else 7) if white else (8 if presenter else 5),
                        symbol=MARKERS[i % len(MARKERS)], maxdisplayed=12 if len(eps) > 12 else 0),
            hovertemplate=f"{label}<br>ε = %{{x:.3g}}<br>" + t("tf_fig_success_hover", lang) + "<extra></extra>"))
    layout: dict = {"xaxis": dict(title=dict(text=t("fig_eps", lang)), rangemode="tozero", zeroline=False),
                    "yaxis": dict(title=dict(text=t("tf_fig_success", lang)), range=[0, 1.03], tickformat=".0%",
                                  dtick=0.2)}
    _vline(layout, eps_mark, t("tf_fig_eps_mark", lang), color=GREY, presenter=presenter)
    merge(layout, style(presenter=presenter, height=560 if presenter else 460),
          # below the plot: seven long names on the right would squeeze the curves
          dict(legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0.0), margin=dict(b=10)))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def _blend(proba: np.ndarray) -> np.ndarray:
    """Class colours mixed by probability, fading to white where the model is unsure."""
    k = proba.shape[-1]
    cols = np.array([hex_to_rgb(class_color(i)) for i in range(k)], float)
    conf = proba.max(-1, keepdims=True)
    w = 0.5 * (conf - 1.0 / k) / (1 - 1.0 / k)
    return (255 * (1 - w) + (proba @ cols) * w).clip(0, 255).astype(np.uint8)


# A gallery panel's map (its image and boundary lines) does not change with epsilon: made once
# per grid of probabilities, for every session, the last _MAPS_KEPT kept (about 40 kB each).
_MAPS = ContentMemo(64)


def _panel_map(proba: np.ndarray) -> str:
    """The PNG of ``proba``'s blended class colours, remembered by the grid's content. Its rows are
    stored bottom-up, as the decision maps' (:func:`~advlab.figures.playground.decision_image`):
    Plotly draws an image trace's first row at the bottom of an ascending axis."""
    return _MAPS.get(proba, lambda p: png_data_uri(_blend(p)))


def boundary_gallery(panels, x_adv, y, *, lang: str = "en", presenter: bool = False, cols: int = 4) -> go.Figure:
    """Small decision maps side by side, the same adversarial points on each.

    ``panels``: a list of dicts with ``xs``, ``ys``, ``proba`` (res, res, K),
    ``title`` and ``fooled`` (bool per point: this model was fooled).
    Points keep their true class colour; a red cross marks a fooled point.
    """
    n = len(panels)
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    # the grid make_subplots(rows, cols, subplot_titles=...) would build, written out: every cell
    # gets its axes, the panels' titles are annotations above them
    cells = grid_domains(rows, cols, hspace=0.015, vspace=0.07 if rows > 1 else 0.02)
    title_size = 18 if presenter else 12
    layout: dict = {"annotations": [subplot_title(p["title"], cells[i], size=title_size)
                                    for i, p in enumerate(panels) if p["title"]]}
    for i, (dx, dy) in enumerate(cells):
        sfx = "" if i == 0 else str(i + 1)
        layout[f"xaxis{sfx}"] = dict(anchor=f"y{sfx}", domain=dx)
        layout[f"yaxis{sfx}"] = dict(anchor=f"x{sfx}", domain=dy)
    x_adv = np.asarray(x_adv)
    y = np.asarray(y)
    size = 8 if presenter else 5
    classes = np.unique(y)
    data = []
    for i, p in enumerate(panels):
        sfx = "" if i == 0 else str(i + 1)
        on = dict(xaxis=f"x{sfx}", yaxis=f"y{sfx}")
        xs, ys, proba = np.asarray(p["xs"]), np.asarray(p["ys"]), np.asarray(p["proba"])
        dx, dy = float(xs[1] - xs[0]), float(ys[1] - ys[0])
        # a PNG instead of raw numbers: a fraction of the payload per panel
        data.append(dict(type="image", source=_panel_map(proba), x0=float(xs[0]) - dx / 2, dx=dx,
                         y0=float(ys[-1]) + dy / 2, dy=-dy, hoverinfo="skip", **on))
        bx, by = boundary_lines(xs, ys, proba)  # computed once per map, not by the browser on each redraw
        data.append(dict(type="scatter", x=bx, y=by, mode="lines", hoverinfo="skip", showlegend=False,
                         line=dict(color=BLACK, width=_line(1.2, presenter)), **on))
        fooled = np.asarray(p["fooled"], bool)
        for cls in classes:
            m = (y == cls) & ~fooled
            data.append(dict(type="scatter", x=x_adv[m, 0], y=x_adv[m, 1], mode="markers", showlegend=False,
                             marker=dict(size=size, color="white", symbol=MARKERS[int(cls) % len(MARKERS)],
                                         line=dict(color=class_color(int(cls)), width=1.5)),
                             hoverinfo="skip", **on))
        data.append(dict(type="scatter", x=x_adv[fooled, 0], y=x_adv[fooled, 1], mode="markers", showlegend=False,
                         name=t("tf_fig_fooled", lang),
                         marker=dict(size=size + 3, color=VERMILLION, symbol="x", line=dict(width=1, color=VERMILLION)),
                         hoverinfo="skip", **on))
        layout[f"xaxis{sfx}"].update(range=[float(xs[0]), float(xs[-1])], showticklabels=False, showgrid=False,
                                     zeroline=False)
        layout[f"yaxis{sfx}"].update(range=[float(ys[0]), float(ys[-1])], showticklabels=False, showgrid=False,
                                     zeroline=False, scaleanchor=f"x{sfx}", scaleratio=1)
    merge(layout, style(presenter=presenter, height=(380 if presenter else 290) * rows + 30, legend=False))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move
