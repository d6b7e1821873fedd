"""A Plotly chart that stays mounted and is updated in place.

``st.plotly_chart`` gives every figure an element id hashed from its content,
and the front end keys the chart by that id: a figure that changed at all
(every epsilon move) is a new element, so the browser throws the old chart
away and draws the new one from nothing (new DOM, new SVG, every text measured
again). That redraw was most of what a learner waited for after moving a
slider.

This chart is a small component (``st.components.v2``) keyed by the page's
widget key, so it stays mounted across reruns. Its script keeps one plot div
per chart and hands each new figure to ``Plotly.react``, which updates that
div in place; a trace whose content did not change keeps its object, so
Plotly does not redo it either. Plotly itself is the bundle Streamlit ships
for ``st.plotly_chart`` (served by the app, nothing downloaded), and the
figure is themed as ``st.plotly_chart`` themes it (:data:`THEME`), so the
charts look as before. Point selection reports what ``st.plotly_chart``
reports (``{"selection": {"points": [...], "point_indices": [...]}}`` in
session state under the chart's key, and the ``on_select`` callback).
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from ..figures.common import figure_json

COMPONENT = "advlab_chart"
PRELOAD_KEY = "_advlab_plotly"  # the preloader's key: hidden by the app's stylesheet
DEFAULT_HEIGHT = 450  # what st.plotly_chart draws a figure without a height at


def plotly_bundle() -> str | None:
    """File name of the Plotly bundle in Streamlit's front end, or None."""
    js = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(js.glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


BUNDLE = plotly_bundle()


# What Streamlit's front end merges into a figure's template before it draws it
# (theme="streamlit", for this app's theme in .streamlit/config.toml); a browser
# test checks it against what st.plotly_chart draws.
_GRID, _TEXT, _FAINT = "#e6eaf1", "#1b1f24", "#808495"
_FONT = '"Source Sans", sans-serif'
_TICKS = {"color": _FAINT, "size": 12}
_AXIS_TITLE = {"font": {"color": _FAINT, "size": 14}}
THEME = {
    "font": {"color": _FAINT, "family": _FONT, "size": 12, "weight": 400},
    "title": {"color": _TEXT, "subtitleColor": _TEXT, "font": {"family": _FONT, "size": 16, "color": _TEXT},
              "pad": {"l": 4}, "xanchor": "left", "x": 0},
    "legend": {"title": {"font": {"size": 12, "color": _FAINT}, "side": "top"}, "valign": "top",
               "bordercolor": "transparent", "borderwidth": 0, "font": {"size": 12, "color": "#262730"}},
    "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
    "yaxis": {"ticklabelposition": "outside", "zerolinecolor": _GRID, "title": {**_AXIS_TITLE, "standoff": 24},
              "tickcolor": _GRID, "tickfont": _TICKS, "gridcolor": _GRID, "minor": {"gridcolor": _GRID},
              "automargin": True},
    "xaxis": {"zerolinecolor": _GRID, "gridcolor": _GRID, "showgrid": False, "tickfont": _TICKS, "tickcolor": _GRID,
              "title": {**_AXIS_TITLE, "standoff": 20}, "minor": {"gridcolor": _GRID}, "zeroline": False,
              "automargin": True, "rangeselector": {"bgcolor": "#ffffff", "bordercolor": _GRID, "borderwidth": 1,
                                                    "x": 0}},
    "margin": {"pad": 8, "r": 0, "l": 0},
    "hoverlabel": {"bgcolor": "#ffffff", "bordercolor": "rgba(27, 31, 36, 0.2)",
                   "font": {"color": _FAINT, "family": _FONT, "size": 12}},
    "coloraxis": {"colorbar": {"thickness": 16, "xpad": 24, "ticklabelposition": "outside",
                               "outlinecolor": "transparent", "outlinewidth": 8, "len": 0.75, "y": 0.5745,
                               "title": _AXIS_TITLE, "tickfont": _TICKS}},
    "ternary": {"gridcolor": _FAINT, "bgcolor": "#ffffff", "title": {"font": {"family": _FONT, "size": 14}},
                "color": _FAINT, **{f"{a}axis": {"gridcolor": _FAINT, "linecolor": _FAINT,
                                                 "tickfont": {"family": _FONT, "size": 12}} for a in "abc"}},
}

_JS = (Path(__file__).with_name("livechart.js")).read_text(encoding="utf-8").replace(
    "__THEME__", json.dumps(THEME)).replace("__HEIGHT__", str(DEFAULT_HEIGHT))
_chart = st.components.v2.component(COMPONENT, js=_JS, isolate_styles=False)


def payload(fig, *, key: str, config: dict, select: bool, bundle: str | None = BUNDLE) -> bytes:
    """What the chart's script receives: the figure as Plotly's JSON, with its config."""
    head = json.dumps({"key": key, "config": config, "select": select, "bundle": bundle})
    return head[:-1].encode("utf-8") + b',"figure":' + _figure_json(fig) + b"}"


_JSON: dict[int, tuple] = {}  # id(figure) -> (weak reference to it, its JSON)
_JSON_LOCK = threading.Lock()


def _figure_json(fig) -> bytes:
    """Plotly's JSON of ``fig``, made once per figure object: a figure shared by every session
    on a link (``ui.figure``) is serialized once for all of them (a map takes tens of ms).
    Figures are read-only once drawn."""
    with _JSON_LOCK:
        ref, hit = _JSON.get(id(fig), (None, None))
    if ref is not None and ref() is fig:
        return hit
    hit = figure_json(fig).encode("utf-8")
    try:
        ref = weakref.ref(fig)
    except TypeError:  # a plain dict: not kept
        return hit
    with _JSON_LOCK:
        _JSON[id(fig)] = (ref, hit)
    weakref.finalize(fig, _forget, id(fig))
    return hit


def _forget(key: int) -> None:
    with _JSON_LOCK:
        _JSON.pop(key, None)


def figure_of(proto) -> dict | None:
    """The figure (``{"data": ..., "layout": ...}``) a chart element carries, or None
    for another element (the preloader too); for tests and tools that read a page's charts."""
    if getattr(proto, "component_name", None) != COMPONENT or not proto.bytes:
        return None
    return json.loads(proto.bytes).get("figure")


def figures(nodes) -> list[dict]:
    """The Plotly figures among ``nodes`` in page order, drawn by this chart or by
    ``st.plotly_chart`` (for an AppTest run: ``figures(at)``)."""
    out = []
    for node in nodes:
        if node.type == "plotly_chart":
            out.append(json.loads(node.proto.spec))
        elif node.type == "bidi_component" and (fig := figure_of(node.proto)) is not None:
            out.append(fig)
    return out


def show(fig, *, key: str, config: dict, on_select: Callable[[], None] | str = "ignore",
         selection_mode: str | tuple = "points"):
    """Draw ``fig`` under ``key``; with ``on_select`` (a callback or ``"rerun"``)
    a click on a point selects it as ``st.plotly_chart`` would."""
    if on_select not in ("ignore", "rerun") and not callable(on_select):
        raise ValueError(f"on_select must be 'ignore', 'rerun' or a callable, not {on_select!r}")
    if selection_mode not in ("points", ("points",), ["points"]):
        raise ValueError(f"selection_mode: only 'points' is supported, not {selection_mode!r}")
    select = on_select != "ignore"
    data = payload(fig, key=key, config=config, select=select)
    if not select:
        return _chart(key=key, data=data)
    callback = on_select if callable(on_select) else _noop
    return _chart(key=key, data=data, default={"selection": None}, on_selection_change=callback)


def preload() -> None:
    """Start loading Plotly in the browser now, before the page's first chart arrives.

    Plotly's bundle is several megabytes of script: a browser that opens the app
    spends one to two seconds of its main thread loading it, and before this, it
    began only when the first chart arrived, after the server had computed it.
    This element draws nothing; its script loads the bundle once the page has
    painted what it has, while the server is still computing the page, so the
    charts are drawn as soon as they arrive. Call it early in a run, on pages
    with charts. A browser that has Plotly already does nothing."""
    if BUNDLE is None:
        return
    _chart(key=PRELOAD_KEY, data=json.dumps({"preload": True, "bundle": BUNDLE}).encode("utf-8"))


def _noop() -> None:
    pass
