"""The live chart's server side: what it sends, that a shared figure is serialized
once, how tests read its figures back, and when ui.chart uses it.
(The drawing itself is checked in a browser: tests/e2e/test_speed.py.)"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from advlab.ui import livechart


def _fig(n: int = 3) -> go.Figure:
    return go.Figure(go.Scatter(x=list(range(n)), y=[v * v for v in range(n)], name="squares"),
                     layout={"title": {"text": "squares"}, "height": 300})


def test_payload_carries_the_figure_and_its_config():
    fig = _fig()
    config = {"toImageButtonOptions": {"format": "png", "filename": "advlab-squares"}}
    got = json.loads(livechart.payload(fig, key="sq", config=config, select=True))
    assert got["key"] == "sq" and got["config"] == config and got["select"] is True
    assert got["bundle"] == livechart.BUNDLE and got["bundle"].startswith("PlotlyChart.")
    assert got["figure"]["data"][0]["name"] == "squares"
    assert got["figure"]["layout"]["title"]["text"] == "squares"
    assert got["figure"] == json.loads(fig.to_json())


def test_a_figure_is_serialized_once_and_a_new_one_again():
    fig = _fig()
    first = livechart._figure_json(fig)
    assert livechart._figure_json(fig) is first, "the same figure object is not serialized again"
    other = livechart._figure_json(_fig(4))
    assert json.loads(other)["data"][0]["x"] != json.loads(first)["data"][0]["x"]


def test_the_app_s_figures_go_out_exactly_as_plotly_writes_them():
    """Every chart the browser draws carries the same JSON text Plotly's own writer makes:
    arrays as base64 (ranges as lists), tuples, uids dropped, the theme template kept,
    and the figure left as it was."""
    import numpy as np
    import plotly.io as pio

    from advlab.figures.common import unchecked_figure

    rng = np.random.default_rng(0)
    checked = _fig(5)
    checked.add_trace(go.Heatmap(z=rng.random((6, 4)), x=np.arange(4), customdata=rng.random((6, 4))))
    checked.update_layout(xaxis_range=np.array([0.0, 3.0]), shapes=[{"type": "line", "x0": 0, "x1": 1, "y0": 0,
                                                                     "y1": 1}])
    plain = unchecked_figure(
        [{"type": "scatter", "x": rng.random(40).astype(np.float32), "y": rng.random(40), "uid": "u1",
          "customdata": [[i, "adv"] for i in range(40)], "marker": {"color": np.arange(40), "size": (3, 4)},
          "text": ["a", "b"] * 20},
         {"type": "image", "source": "data:image/png;base64,AAAA", "x0": 0.0, "dx": 0.1}],
        {"template": "advlab", "xaxis": {"range": np.array([-1.0, 1.0])}, "height": 500})
    for fig in (checked, plain):
        before = pio.to_json(fig, validate=False)
        assert livechart.figure_json(fig) == before
        assert pio.to_json(fig, validate=False) == before  # nothing in the figure was changed


def test_a_forgotten_figure_leaves_the_cache():
    import gc

    fig = _fig()
    livechart._figure_json(fig)
    key = id(fig)
    assert key in livechart._JSON
    del fig
    gc.collect()
    assert key not in livechart._JSON


def test_bad_selection_arguments_are_named():
    with pytest.raises(ValueError, match="on_select"):
        livechart.show(_fig(), key="x", config={}, on_select="sometimes")
    with pytest.raises(ValueError, match="selection_mode"):
        livechart.show(_fig(), key="x", config={}, on_select="rerun", selection_mode="lasso")


APP = '''
import plotly.graph_objects as go
import streamlit as st
from advlab import ui

fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "bars"}})
ui.chart(fig, key="bars", filename="advlab-bars")
ui.chart(go.Figure(go.Scatter(x=[0, 1], y=[1, 0])), filename="advlab-line")  # no key: st.plotly_chart
ui.chart(fig, key="picked", on_select=lambda: None, selection_mode="points")
'''


def test_ui_chart_draws_keyed_figures_live_and_tests_read_them_in_page_order(tmp_path):
    script = tmp_path / "charts.py"
    script.write_text(APP, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.run()
    assert not at.exception
    figs = livechart.figures(at)
    assert [f["layout"].get("title", {}).get("text") for f in figs] == ["bars", None, "bars"]
    assert len(at.get("plotly_chart")) == 1  # the one without a key
    live = [e for e in at.get("bidi_component") if e.proto.component_name == livechart.COMPONENT]
    assert len(live) == 2
    sent = json.loads(live[0].proto.bytes)
    assert sent["config"]["toImageButtonOptions"]["filename"] == "advlab-bars"
    assert json.loads(live[1].proto.bytes)["select"] is True
    assert at.session_state["picked"] == {"selection": None}  # nothing picked yet

