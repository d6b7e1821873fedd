"""Palette and layout shared by every figure, and the helpers that build a
figure's layout as one dict.

Colours are the Okabe-Ito palette, chosen to stay distinguishable for the
common forms of colour blindness and on a washed-out projector.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

# pandas before Plotly: Plotly's checks look pandas up in sys.modules, and while another thread is
# importing it (the server's preload does at start-up) they would find it half initialized and fail.
# An import statement instead waits for that thread to finish it.
import pandas  # noqa: F401
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec
from plotly.basedatatypes import BaseFigure
from plotly.io.json import to_json_plotly

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


def unchecked_figure(data: list[dict], layout: dict) -> PlainFigure:
    """``go.Figure(data=data, layout=layout)`` without Plotly's validation, which
    copies and checks every array (about 0.1 s for a gallery of decision maps,
    paid on every epsilon move). Only for figures built here from plain dicts
    of known properties; the template is expanded as validation would, so the
    JSON is the same as the checked figure's. The figure stays those dicts
    (:class:`PlainFigure`) until something asks for Plotly's object."""
    if isinstance(layout.get("template"), str):
        layout = {**layout, "template": _template(layout["template"])}
    return PlainFigure(data, layout)


_TEMPLATES: dict[str, dict] = {}


def _template(name: str) -> dict:
    """A named template as the dict a figure's layout holds (made once; never changed)."""
    hit = _TEMPLATES.get(name)
    if hit is None:
        hit = _TEMPLATES[name] = pio.templates[name].to_plotly_json()
    return hit


_BUILDING = threading.RLock()  # a PlainFigure becoming a go.Figure (rare: tests, phones, notebooks)
_OWN = frozenset({"__dict__", "__class__", "plain", "figure", "_plain_parts", "__reduce__", "__reduce_ex__"})


class PlainFigure(go.Figure):
    """A ``go.Figure`` built here from plain dicts and kept as those dicts until any of
    its Figure attributes is used: then Plotly's object is made (without validation),
    once, and it is an ordinary ``go.Figure`` from there on.

    Making the Figure object copied every trace and array, and writing its JSON
    copied them again; a figure drawn on every epsilon move, for each new epsilon,
    costs a fraction of that when :func:`figure_json` writes it from the dicts.
    Read-only once built, like every shared figure; safe from many threads."""

    def __init__(self, data: list[dict], layout: dict):
        object.__setattr__(self, "_plain_parts", (list(data), layout))

    def __getattribute__(self, name: str):
        d = object.__getattribute__(self, "__dict__")
        if name not in _OWN and not d.get("_plain_ready"):
            with _BUILDING:
                if not d.get("_plain_ready") and not d.get("_plain_building"):
                    d["_plain_building"] = True  # the init's own attribute reads pass through
                    data, layout = d["_plain_parts"]
                    go.Figure.__init__(self, data=data, layout=layout, _validate=False)
                    d["_plain_ready"] = True
        return object.__getattribute__(self, name)

    @property
    def plain(self) -> tuple[list[dict], dict] | None:
        """``(data, layout)`` as built, or None once the Figure was made (it may have changed since)."""
        d = object.__getattribute__(self, "__dict__")
        return None if d.get("_plain_building") else d["_plain_parts"]

    def figure(self) -> go.Figure:
        """This figure as Plotly's object (made on first use)."""
        self.layout  # noqa: B018 - any attribute makes it
        return self

    def __reduce__(self):
        plain = self.plain
        return (PlainFigure, plain) if plain is not None else (go.Figure, (self.to_dict(),))


_SKIPPED = frozenset(k for k in ("geojson", "layer", "layers", "range") if is_skipped_key(k))
_CONTAINERS = (dict, list, tuple)


_SHORT = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
          "float32": "f4", "float64": "f8"}  # the typed arrays plotly.js reads
_NARROWER = {"int64": (np.int8, np.int16, np.int32), "uint64": (np.uint8, np.uint16, np.uint32)}


def _array_spec(v):
    """``to_typed_array_spec(v)``: the same spec for a plain numeric array (the 64-bit
    integers narrowed as it narrows them), without its detour through a data-frame
    library for every array; any other value goes to it."""
    if type(v) is not np.ndarray or v.dtype.kind not in "uif" or v.size == 0:
        return to_typed_array_spec(v)
    dtype = str(v.dtype)
    if dtype in _NARROWER:
        lo, hi = v.min(), v.max()
        for t in _NARROWER[dtype]:
            info = np.iinfo(t)
            if info.min <= lo and hi <= info.max:
                v, dtype = v.astype(t), np.dtype(t).name
                break
        else:
            return to_typed_array_spec(v)
    if dtype not in _SHORT:
        return to_typed_array_spec(v)
    out = {"dtype": _SHORT[dtype], "bdata": base64.b64encode(np.ascontiguousarray(v)).decode("ascii")}
    if v.ndim > 1:
        out["shape"] = str(v.shape)[1:-1]
    return out


def _encoded(obj):
    """``obj`` with NumPy arrays in dict values as Plotly's base64 specs, new containers
    along the way and everything else shared: what ``convert_to_base64`` does to the deep
    copy ``Figure.to_dict`` makes, without copying the arrays first."""
    if isinstance(obj, dict):  # a property set to None is unset, as in Plotly's objects
        return {k: v if k in _SKIPPED else _array_spec(v) if type(v) is np.ndarray or is_homogeneous_array(v)
                else _encoded(v) if isinstance(v, _CONTAINERS) else v for k, v in obj.items() if v is not None}
    return [_encoded(v) if isinstance(v, _CONTAINERS) else v for v in obj]


def figure_json(fig) -> str:
    """The JSON Plotly writes for ``fig`` (``plotly.io.to_json(fig, validate=False)``).

    A :class:`PlainFigure` not yet made into a Figure is written from its dicts (the
    same figure when parsed; Plotly orders each trace's keys its own way). A Figure
    is written without the deep copy of every trace and array that ``to_dict`` takes
    first: the same text. Anything else goes to ``to_json`` as it is."""
    plain = fig.plain if isinstance(fig, PlainFigure) else None
    if plain is not None:
        data, layout = plain
    elif isinstance(fig, BaseFigure):
        if fig._frame_objs:
            return pio.to_json(fig, validate=False)
        data, layout = fig._data, fig._layout
    else:
        return pio.to_json(fig, validate=False)
    data = [{k: v for k, v in _encoded(trace).items() if k != "uid"} for trace in data]  # to_json drops uids
    return to_json_plotly({"data": data, "layout": _encoded(layout)})


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
