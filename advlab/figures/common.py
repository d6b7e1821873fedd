"""Palette and layout shared by every figure, and the helpers that build a
figure's layout as one dict.

Colours are the Okabe-Ito palette, chosen to stay distinguishable for the
common forms of colour blindness and on a washed-out projector.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design"
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#6b7280"
CLASS_COLORS = (BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY, YELLOW, "#7f5539", "#4b5563", "#9d4edd")
# for curves of several attacks (noise grey, the stronger the darker)
SERIES = (GREY, SKY, GREEN, BLUE, PURPLE, VERMILLION, ORANGE, BLACK)
MARKERS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "pentagon", "x", "triangle-down")


def class_color(k: int) -> str:
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def hex_to_rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


# A small template of our own: plotly's built-in ones carry styles for every
# trace type and are deep-copied into each figure (tens of ms per chart).
_AXIS = dict(gridcolor="#e5e7eb", linecolor="#9ca3af", zerolinecolor="#d1d5db", ticks="outside",
             tickcolor="#9ca3af", title=dict(standoff=8))
pio.templates["advlab"] = go.layout.Template(layout=dict(
    paper_bgcolor="white", plot_bgcolor="white", colorway=list(CLASS_COLORS), xaxis=_AXIS, yaxis=_AXIS,
    font=dict(color="#1b1f24")))


# Latin faces first: a browser draws Latin text in the first listed font it has, and a CJK face
# (tens of MB, thousands of glyphs) doing that made every chart redraw about 2.5x slower. Chinese
# characters are missing from the Latin faces, so they still fall through to the CJK ones.
FONT_FAMILY = ("Inter, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', 'Noto Sans CJK SC', "
               "'Source Han Sans SC', 'Microsoft YaHei', sans-serif")


def style(*, title: str | None = None, presenter: bool = False, height: int | None = None,
          legend: bool = True) -> dict:
    """Common look as a layout dict: readable fonts (larger in presenter mode), tight margins.

    Each figure merges it (see :func:`merge`) into the one layout dict it builds
    ``go.Figure`` from: every ``update_layout`` on a built figure costs
    milliseconds of validation, and a figure is rebuilt on every epsilon move."""
    base = 20 if presenter else 13
    out = {
        "template": "advlab",
        "font": {"size": base, "family": FONT_FAMILY},
        "title": {"text": title, "font": {"size": base + 3}} if title else None,
        "margin": {"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0,
                   "font": {"size": base - 1}},
        "hoverlabel": {"font": {"size": base}},
    }
    if height:
        out["height"] = height
    return out


def merge(base: dict, *updates: dict) -> dict:
    """``base`` updated in place as ``update_layout`` would: nested dicts are merged
    key by key, anything else (numbers, strings, lists) replaced. Nested dicts of
    ``base`` are copied before they change, so shared constants stay as they are."""
    for upd in updates:
        for k, v in upd.items():
            old = base.get(k)
            base[k] = merge(dict(old), v) if isinstance(v, dict) and isinstance(old, dict) else v
    return base


# where plotly's add_hline/add_vline put a line's label, by annotation_position:
# (xanchor, yanchor, position along the line in axis-domain units)
_VLINE_LABEL = {"top right": ("left", "top", 1), "top left": ("right", "top", 1), "top": ("center", "bottom", 1),
                "bottom right": ("left", "bottom", 0), "bottom left": ("right", "bottom", 0),
                "bottom": ("center", "top", 0)}
_HLINE_LABEL = {"top right": ("right", "bottom", 1), "top left": ("left", "bottom", 0),
                "bottom right": ("right", "top", 1), "bottom left": ("left", "top", 0)}


def vline(layout: dict, x, *, line: dict, text: str | None = None, position: str = "top right",
          font: dict | None = None, xref: str = "x", yref: str = "y domain") -> None:
    """A vertical line across the plot at ``x`` (and its label), appended to
    ``layout``'s shapes and annotations as ``fig.add_vline`` would draw them."""
    layout.setdefault("shapes", []).append(
        {"type": "line", "x0": x, "x1": x, "xref": xref, "y0": 0, "y1": 1, "yref": yref, "line": line})
    if text is not None:
        xanchor, yanchor, y = _VLINE_LABEL[position]
        ann = {"text": text, "showarrow": False, "x": x, "xanchor": xanchor, "xref": xref, "y": y,
               "yanchor": yanchor, "yref": yref}
        if font is not None:
            ann["font"] = font
        layout.setdefault("annotations", []).append(ann)


def hline(layout: dict, y, *, line: dict, text: str | None = None, position: str = "top right",
          font: dict | None = None, xref: str = "x domain", yref: str = "y") -> None:
    """A horizontal line across the plot at ``y`` (and its label), as ``fig.add_hline`` would draw them."""
    layout.setdefault("shapes", []).append(
        {"type": "line", "x0": 0, "x1": 1, "xref": xref, "y0": y, "y1": y, "yref": yref, "line": line})
    if text is not None:
        xanchor, yanchor, x = _HLINE_LABEL[position]
        ann = {"text": text, "showarrow": False, "x": x, "xanchor": xanchor, "xref": xref, "y": y,
               "yanchor": yanchor, "yref": yref}
        if font is not None:
            ann["font"] = font
        layout.setdefault("annotations", []).append(ann)


def grid_domains(rows: int, cols: int, *, hspace: float, vspace: float,
                 max_width: float = 1.0) -> list[tuple[list[float], list[float]]]:
    """(x domain, y domain) of each cell of a ``rows`` x ``cols`` grid, row by row
    from the top left, computed as ``make_subplots`` computes them."""
    widths = [(max_width - hspace * (cols - 1)) / cols] * cols
    heights = [(1.0 - vspace * (rows - 1)) / rows] * rows
    out = []
    for r in range(rows):
        rb = rows - 1 - r  # make_subplots counts rows from the bottom
        y0 = sum(heights[:rb]) + rb * vspace
        y1 = y0 + heights[-1 - r]
        y0 = min(max(y0, 0.0), 1.0)
        y1 = min(max(y1, 0.0), 1.0)
        for c in range(cols):
            x0 = sum(widths[:c]) + c * hspace
            out.append(([x0, x0 + widths[c]], [y0, y1]))
    return out


def subplot_title(text: str, domain: tuple[list[float], list[float]], *, size: int = 16) -> dict:
    """A panel's title above its domain, as ``make_subplots(subplot_titles=...)`` writes it."""
    (x0, x1), (_, y1) = domain
    return {"y": y1, "xref": "paper", "x": (x0 + x1) / 2.0, "yref": "paper", "text": text, "showarrow": False,
            "font": {"size": size}, "xanchor": "center", "yanchor": "bottom"}


def unchecked_figure(data: list[dict], layout: dict) -> go.Figure:
    """``go.Figure(data=data, layout=layout)`` without Plotly's validation, which
    copies and checks every array (about 0.1 s for a gallery of decision maps,
    paid on every epsilon move). Only for figures built here from plain dicts
    of known properties; the template is expanded as validation would, so the
    JSON is the same as the checked figure's."""
    if isinstance(layout.get("template"), str):
        layout = {**layout, "template": pio.templates[layout["template"]].to_plotly_json()}
    return go.Figure(data=data, layout=layout, _validate=False)


class ContentMemo:
    """What a function makes of an array, remembered by the array's content (its shape,
    dtype and a 128-bit hash of its bytes) for every session; the last ``kept`` are kept.
    For parts of a figure that do not change with epsilon (a decision map's image): the
    hash costs a small fraction of making them again. Safe from many threads."""

    def __init__(self, kept: int):
        self.kept = kept
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, arr: np.ndarray, make: Callable[[np.ndarray], object]):
        arr = np.ascontiguousarray(arr)
        key = (arr.shape, arr.dtype.str, hashlib.blake2b(arr.tobytes(), digest_size=16).digest())
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        value = make(arr)
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.kept:
                self._items.popitem(last=False)
        return value
