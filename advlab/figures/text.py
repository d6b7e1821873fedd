"""Figures of the Text lab: a sentence drawn as coloured word boxes (importance, or the
words an attack changed), class probabilities before and after, success against budget.

Words are user text: every one is escaped before Plotly sees it (Plotly reads a little
HTML in its labels), so a typed ``<b>`` shows as those three characters."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from .common import BLUE, GREY, ORANGE, SERIES, VERMILLION, hex_to_rgb, merge, style, unchecked_figure

__all__ = ["changed_sentence", "importance_sentence", "probabilities", "success_curves"]


def _width(word: str) -> float:
    """Display width in units of a Latin letter (a CJK character is two)."""
    return sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in word)


def _layout_words(words: Sequence[str], line_units: float) -> list[tuple[float, int, float]]:
    """(x start, line, width) of each word box, wrapped at ``line_units``."""
    out, x, line = [], 0.0, 0
    for w in words:
        width = _width(w) + 1.6
        if x > 0 and x + width > line_units:
            x, line = 0.0, line + 1
        out.append((x, line, width))
        x += width + 0.6
    return out


def _mix(color: str, share: float) -> str:
    r, g, b = hex_to_rgb(color)
    s = float(np.clip(share, 0, 1))
    return f"rgb({round(255 + (r - 255) * s)},{round(255 + (g - 255) * s)},{round(255 + (b - 255) * s)})"


def _strip(words: Sequence[str], fills: Sequence[str], *, borders: Sequence[str] | None, title: str,
           note: str | None, presenter: bool, line_units: float) -> go.Figure:
    boxes = _layout_words(words, line_units)
    n_lines = boxes[-1][1] + 1 if boxes else 1
    size = 20 if presenter else 14
    shapes, anns = [], []
    for k, (w, (x, line, width)) in enumerate(zip(words, boxes, strict=True)):
        y = -line * 1.6
        border = borders[k] if borders else "#d1d5db"
        shapes.append({"type": "rect", "x0": x, "x1": x + width, "y0": y - 0.6, "y1": y + 0.6, "fillcolor": fills[k],
                       "line": {"color": border, "width": 2.5 if border != "#d1d5db" else 1}, "layer": "below"})
        anns.append({"x": x + width / 2, "y": y, "text": html.escape(w), "showarrow": False,
                     "font": {"size": size, "color": "#111827"}})
    if note:
        anns.append({"x": 0, "y": -n_lines * 1.6 + 0.4, "text": html.escape(note), "showarrow": False,
                     "xanchor": "left", "font": {"size": size - 2, "color": GREY}})
    height = 70 + (n_lines + (1 if note else 0)) * (44 if presenter else 34)
    layout = merge(style(title=title, presenter=presenter, height=height, legend=False), {
        "shapes": shapes, "annotations": anns,
        "xaxis": {"visible": False, "range": [-0.5, line_units + 0.5], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-(n_lines + (0.6 if note else 0)) * 1.6 + 0.6, 1.0],
                  "fixedrange": True},
    })
    # an invisible trace so plotly keeps the axes (shapes alone draw nothing on an empty figure)
    return unchecked_figure([{"type": "scatter", "x": [0, line_units], "y": [0, 0], "mode": "markers",
                              "marker": {"opacity": 0}, "hoverinfo": "skip"}], layout)


def importance_sentence(tokens: Sequence[str], scores: np.ndarray, *, lang: str = "en", presenter: bool = False,
                        line_units: float = 70) -> go.Figure:
    """The sentence as word boxes shaded by leave-one-out importance: orange words hold the
    prediction up (deleting them lowers it), blue words push against it."""
    scores = np.asarray(scores, dtype=float)
    top = max(float(np.abs(scores).max()) if len(scores) else 0.0, 1e-6)
    fills = [_mix(ORANGE if s > 0 else BLUE, abs(s) / top) for s in scores]
    return _strip(list(tokens), fills, borders=None, title=t("tx_fig_importance", lang), note=None,
                  presenter=presenter, line_units=line_units)


def changed_sentence(tokens: Sequence[str], adv_tokens: Sequence[str], changed: Sequence[int], *, lang: str = "en",
                     presenter: bool = False, line_units: float = 70) -> go.Figure:
    """The adversarial sentence with each changed word boxed in vermillion as ``old → new``."""
    changed = set(changed)
    words = [f"{tokens[i]} → {w}" if i in changed else w for i, w in enumerate(adv_tokens)]
    fills = [_mix(VERMILLION, 0.35) if i in changed else "white" for i in range(len(words))]
    borders = [VERMILLION if i in changed else "#d1d5db" for i in range(len(words))]
    return _strip(words, fills, borders=borders, title=t("tx_fig_changed", lang, n=len(changed)), note=None,
                  presenter=presenter, line_units=line_units)


def probabilities(p_before: np.ndarray, p_after: np.ndarray, *, lang: str = "en",
                  presenter: bool = False) -> go.Figure:
    """Class probabilities of the sentence before and after the attack."""
    names = [t("tx_class_0", lang), t("tx_class_1", lang)]
    traces = [{"type": "bar", "x": names, "y": np.asarray(p, dtype=float), "name": t(key, lang),
               "marker": {"color": color}, "text": [f"{v:.0%}" for v in p], "textposition": "outside",
               "cliponaxis": False}
              for p, key, color in ((p_before, "tx_fig_before", BLUE), (p_after, "tx_fig_after", VERMILLION))]
    layout = merge(style(title=t("tx_fig_proba", lang), presenter=presenter, height=320), {
        "barmode": "group",
        "yaxis": {"range": [0, 1.15], "tickformat": ".0%", "title": {"text": t("tx_fig_proba_y", lang)}},
    })
    return unchecked_figure(traces, layout)  # drawn again on every budget move


def success_curves(budgets: np.ndarray, rates: Mapping[str, np.ndarray], *, now: int | None = None,
                   lang: str = "en", presenter: bool = False) -> go.Figure:
    """Share of correctly classified test sentences each attack flips within a budget of
    changed words, one line per attack (keys of ``rates`` are already-translated names)."""
    traces = [{"type": "scatter", "x": np.asarray(budgets), "y": np.asarray(r, dtype=float), "name": name,
               "mode": "lines+markers", "line": {"color": SERIES[(k + 2) % len(SERIES)], "width": 3 if presenter else 2}}
              for k, (name, r) in enumerate(rates.items())]
    layout = merge(style(title=t("tx_fig_curve", lang), presenter=presenter, height=460), {
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0.0},
        "margin": {"b": 40},
        "xaxis": {"title": {"text": t("tx_fig_curve_x", lang)}, "dtick": 1},
        "yaxis": {"title": {"text": t("tx_fig_curve_y", lang)}, "range": [0, 1.02], "tickformat": ".0%"},
    })
    if now is not None:
        layout.setdefault("shapes", []).append({"type": "line", "x0": now, "x1": now, "y0": 0, "y1": 1,
                                                "yref": "y domain", "line": {"color": GREY, "dash": "dot"}})
    return unchecked_figure(traces, layout)  # drawn again on every budget move
