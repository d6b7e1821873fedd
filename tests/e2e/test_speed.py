"""The browser benchmark's measuring (``benchmarks.browser``): a real ε step is timed
and taken apart, a press that starts no rerun is a failed step, and the report's
arithmetic. Speed budgets are not asserted here: ``make bench-browser`` reports them.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from advlab.ui import livechart
from benchmarks import browser as bench


def test_key_class_follows_streamlit():
    assert bench.key_class("pg.eps") == "st-key-pg-eps"
    assert bench.key_class("df.eval_eps") == "st-key-df-eval_eps"
    assert bench.key_class("a b/c") == "st-key-a-b-c"


def test_quantile_is_nearest_rank():
    xs = [0.5, 0.1, 0.3, 0.2, 0.4, 0.7, 0.6]
    assert bench.quantile(xs, 0.5) == 0.4
    assert bench.quantile(xs, 0.95) == 0.7
    assert bench.quantile([0.2], 0.95) == 0.2
    assert bench.med([None, 1.0, 3.0]) == 2.0
    assert bench.med([None]) is None


def test_profile_groups_keep_to_the_window_and_charge_dom_calls_to_their_caller():
    def node(i, name, url="", children=()):
        return {"id": i, "callFrame": {"functionName": name, "url": url}, "children": list(children)}

    profile = {
        "nodes": [node(1, "(root)", children=(2, 3, 4, 5)), node(2, "draw", "http://x/PlotlyChart.abc.js", (6,)),
                  node(3, "(program)"), node(4, "(idle)"), node(5, "render", "http://x/react-dom.abc.js"),
                  node(6, "setAttribute")],
        # samples every 10 ms from 0 to 60 ms on the profile's clock (µs)
        "startTime": 0, "endTime": 60_000,
        "samples": [6, 2, 3, 5, 4, 4], "timeDeltas": [10_000] * 6,
    }
    # the profile ended at 1060 ms on the page's clock: samples at 1010 ... 1060 ms
    got = bench.profile_groups(profile, ended=1060.0, window=(1000.0, 1045.0))
    assert got["Plotly"] == pytest.approx(0.020)  # the DOM call and its caller
    assert got["(program)"] == pytest.approx(0.010)
    assert got["React"] == pytest.approx(0.010)
    assert got["idle"] == pytest.approx(0.005)  # cut at the window's end
    top = dict(got["top"])  # self time by function, idle left out
    assert top["draw (PlotlyChart.abc.js:1)"] == pytest.approx(0.010)
    assert top["setAttribute"] == pytest.approx(0.010)  # a DOM call has no script of its own
    assert "(idle)" not in top


def test_report_rows_and_ratios():
    def steps(*xs):
        return [bench.Step(ok=True, seconds=x, to_request=0.01, server=0.1, browser=x - 0.11) for x in xs]

    fast = bench.PageResult("Fast", steps=steps(0.2, 0.25, 0.3), first=steps(0.5)[0])
    slow = bench.PageResult("Slow", steps=[*steps(0.6, 0.8), bench.Step(ok=False, note="no rerun")])
    ref = bench.PageResult("Reference", steps=steps(0.1, 0.1, 0.1))
    out = bench.report({"total": 7.5, "health": 1.0, "page": 6.5}, [fast, slow], ref)
    summary = out.split("\n\n")[0]  # the first table
    lines = {line.split(" | ")[0].strip("| "): line for line in summary.splitlines()}
    assert "| 0.25 | 0.30 | 3 (0) | 0.50 | 2.5 | 0.3 s ok |" in lines["Fast"]
    assert "| 0.70 | 0.80 | 2 (1) | – | 7.0 | 0.3 s over |" in lines["Slow"]
    assert "(reference)" in lines["Reference"]
    assert "8 s ok" in lines["cold start: server launch → Playground drawn"]
    assert "Failed steps: Slow: no rerun" in out


# ----------------------------------------------------------- in a browser ---

DIGITS = next(p for p in bench.EPS_PAGES if p.path == "digits")


@pytest.fixture
def digits(app_url, page):
    meter = bench.Meter(page, app_url)
    meter.open(DIGITS.path, need_charts=True, selector=bench.slider_thumb(DIGITS.key))
    return meter


def test_an_eps_step_is_timed_and_taken_apart(digits):
    thumb, value = bench.slider_thumb(DIGITS.key), bench.slider_value_js(DIGITS.key)
    before = digits.page.evaluate(value)
    first = digits.press(thumb, "ArrowRight", value)
    step = digits.press(thumb, "ArrowRight", value, profile=True)
    for st in (first, step):
        assert st.ok, st.note
        assert 0 < st.seconds < bench.STEP_TIMEOUT_S
        assert st.to_request is not None and st.server is not None and st.browser is not None
        assert st.to_request + st.server <= st.seconds
        assert st.msgs > 0 and st.bytes_in > 0
        assert st.busy is not None and st.busy > 0
    after = digits.page.evaluate(value)
    assert after["num"] == pytest.approx(before["num"] + 2 * before["step"])
    # the page's charts came back drawn, and each chart the server sent again is counted
    assert step.charts >= 1 and step.chart_deltas >= 1
    # the live charts a step sent are named by their keys, which the benchmark scrolls to
    assert step.chart_keys and all(k.startswith("dg_") for k in step.chart_keys), step.chart_keys
    assert digits.page.locator(f".{bench.key_class(step.chart_keys[0])}").count() == 1
    assert 0 <= step.chart_ids_changed <= step.chart_deltas
    assert all(0 <= n <= step.charts for n in step.charts_new)
    assert sum(step.profile[g] for g in bench.PROFILE_GROUPS) == pytest.approx(step.seconds, rel=0.25)


def test_a_press_that_starts_no_rerun_is_a_failed_step(digits):
    thumb, value = bench.slider_thumb(DIGITS.key), bench.slider_value_js(DIGITS.key)
    st = digits.press(thumb, "Shift", value)
    assert not st.ok
    assert "no rerun" in st.note


# ------------------------------------------------------- the live charts ---

PLAYGROUND = next(p for p in bench.EPS_PAGES if p.path == "")

# the ε line of the Playground's histogram of perturbation sizes, as drawn, and the slider
HIST_EPS_JS = r"""() => {
  const gd = document.querySelector('.st-key-pg_hist .js-plotly-plot');
  const i = document.querySelector('.st-key-pg-eps [data-testid="stSlider"] input[type="range"]');
  const line = gd && (gd.layout.shapes || []).find(s => s.type === 'line');
  return {drawn: line ? line.x0 : null, slider: i ? parseFloat(i.value) : null};
}"""


def test_eps_steps_update_the_playground_charts_in_place_and_in_step(app_url, page):
    meter = bench.Meter(page, app_url)
    thumb, value = bench.slider_thumb(PLAYGROUND.key), bench.slider_value_js(PLAYGROUND.key)
    meter.open(PLAYGROUND.path, need_charts=True, selector=thumb)
    for _ in range(2):
        st = meter.press(thumb, "ArrowRight", value)
        assert st.ok, st.note
        # the attack map and the histogram were sent again and redrawn in the charts already there
        assert st.chart_deltas >= 2 and st.drawn >= 2
        assert st.charts_new == (0, 0, 0, 0), f"a chart was mounted anew: {st.charts_new} of {st.charts}"
        now = page.evaluate(HIST_EPS_JS)
        assert now["drawn"] == pytest.approx(now["slider"]), "the histogram's ε line is the slider's ε"
    # three quick presses while the app is still busy: what is drawn at the end is the last ε
    page.locator(thumb).first.evaluate("e => e.focus()")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => {{ const v = ({HIST_EPS_JS})(); return v.drawn !== null && "
                           f"Math.abs(v.drawn - v.slider) < 1e-9; }}", timeout=bench.STEP_TIMEOUT_S * 1000)
    bench.wait_idle(page, timeout_s=bench.STEP_TIMEOUT_S, need_charts=True)
    now = page.evaluate(HIST_EPS_JS)
    assert now["drawn"] == pytest.approx(now["slider"])


# a page with the same figure drawn by st.plotly_chart and by the live chart; a slider changes it
SIDE_BY_SIDE_APP = '''
import plotly.graph_objects as go
import streamlit as st

from advlab.figures import common
from advlab.ui import livechart

n = st.slider("n", 1, 5, 1, key="n")
fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[n, 2 * n, 0], mode="markers", marker={"size": 30},
                           customdata=[[i, "adv"] for i in range(3)], name="points"),
                layout=common.style(title=f"n = {n}", height=400))
config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": "side-by-side"}}
left, right = st.columns(2)
with left:
    st.plotly_chart(fig, key="plain", config=config)
with right:
    livechart.show(fig, key="live", config=config, on_select="rerun")
sel = (st.session_state.get("live") or {}).get("selection")
st.write("picked: " + ",".join(str(p["customdata"][0]) for p in (sel or {}).get("points", [])))
'''

CHARTS_JS = r"""() => Object.fromEntries(['plain', 'live'].map(k => {
  const gd = document.querySelector(`.st-key-${k} .js-plotly-plot`);
  return [k, gd && {template: gd.layout.template.layout, title: gd.layout.title.text, width: gd.layout.width,
                    height: gd.layout.height, y: Array.from(gd.data[0].y),
                    buttons: [...gd.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title')),
                    image: gd._context.toImageButtonOptions}];
}))"""


@contextmanager
def small_app(tmp_path, source: str):
    """A Streamlit server of its own for the app ``source``, stopped after."""
    script = tmp_path / "small_app.py"
    script.write_text(source, encoding="utf-8")
    server = bench.Server(log_path=tmp_path / "server.log", script=script)
    server.start()
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture
def side_by_side(tmp_path, page):
    with small_app(tmp_path, SIDE_BY_SIDE_APP) as server:
        page.add_init_script(bench.init_js())
        page.goto(server.base)
        page.wait_for_selector(".st-key-plain .main-svg")
        page.wait_for_selector(".st-key-live .main-svg")
        bench.wait_idle(page, timeout_s=30, need_charts=True)
        yield page


def test_the_live_chart_draws_a_figure_as_st_plotly_chart_does(side_by_side):
    page = side_by_side
    charts = page.evaluate(CHARTS_JS)
    plain, live = charts["plain"], charts["live"]
    assert live["template"] == plain["template"], "the app's theme is applied as st.plotly_chart applies it"
    assert "n = 1" in live["title"] and "<b>" in live["title"] and "<b>" in plain["title"]
    assert (live["width"], live["height"]) == (plain["width"], plain["height"]) == (plain["width"], 400)
    assert live["image"] == plain["image"] == {"format": "png", "filename": "side-by-side"}
    for name in ("Download plot as a PNG", "Fullscreen"):
        assert any(name.lower() in (b or "").lower() for b in live["buttons"]), (name, live["buttons"])
    page.screenshot(path=str(bench.ROOT / "artifacts" / "screenshots" / "live-chart-side-by-side.png"))


def test_the_live_chart_updates_in_place_and_reports_a_picked_point(side_by_side):
    page = side_by_side
    page.evaluate(bench.TAG_JS)
    page.locator(bench.slider_thumb("n")).first.evaluate("e => e.focus()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => { const gd = document.querySelector('.st-key-live .js-plotly-plot'); "
                           "return gd && gd.data[0].y[0] === 2; }")
    bench.wait_idle(page, timeout_s=30, need_charts=True)
    charts = page.evaluate(CHARTS_JS)
    assert charts["live"]["y"] == charts["plain"]["y"] == [2, 4, 0]
    live_new = page.evaluate("() => !document.querySelector('.st-key-live .js-plotly-plot').__benchTag")
    plain_new = page.evaluate("() => !document.querySelector('.st-key-plain .js-plotly-plot').__benchTag")
    assert not live_new, "the live chart was redrawn in the plot it had"
    assert plain_new, "st.plotly_chart replaces its chart on every change (why the live chart exists)"
    # click the third point: the script sees it selected, with its customdata
    at = page.evaluate("""() => {
      const gd = document.querySelector('.st-key-live .js-plotly-plot'), fl = gd._fullLayout;
      const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
      return {x: r.left + fl.xaxis.l2p(3), y: r.top + fl.yaxis.l2p(0)};
    }""")
    page.mouse.click(at["x"], at["y"])
    page.get_by_text("picked: 2").wait_for(timeout=30_000)



PRELOAD_APP = '''
import time
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from advlab import ui
from advlab.ui import livechart

ui.phone_css()
with st.sidebar:
    livechart.preload()
st.write("computing the chart")
flag = Path(FLAG)
deadline = time.monotonic() + 60
while not flag.exists() and time.monotonic() < deadline:  # the server "computing" until the test says
    time.sleep(0.05)
livechart.show(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])), key="late", config={})
'''


def test_plotly_is_loaded_while_the_server_still_computes_the_first_chart(tmp_path, new_page):
    """A first visit's browser loads Plotly (seconds of script) while the page's run goes on,
    not after its first chart arrived; the preloader takes no room on the page."""
    flag = tmp_path / "go"
    with small_app(tmp_path, f"FLAG = {str(flag)!r}\n" + PRELOAD_APP) as server:
        page = new_page()
        page.goto(server.base)
        page.get_by_text("computing the chart").wait_for(timeout=60_000)
        page.wait_for_function("() => !!(window.Plotly && window.Plotly.react)", timeout=60_000)
        assert not flag.exists()
        assert page.locator(".js-plotly-plot").count() == 0, "no chart has arrived yet"
        box = page.evaluate(f"""() => {{ const e = document.querySelector('.st-key-{livechart.PRELOAD_KEY}');
                                  return e && [e.offsetWidth, e.offsetHeight, getComputedStyle(e).display]; }}""")
        assert box == [0, 0, "none"], box
        flag.write_text("go", encoding="utf-8")
        page.wait_for_selector(".st-key-late .main-svg", timeout=60_000)


OFF_SCREEN_APP = '''
import plotly.graph_objects as go
import streamlit as st

from advlab.ui import livechart

n = st.slider("n", 1, 5, 1, key="n")
livechart.show(go.Figure(go.Scatter(x=[1, 2, 3], y=[n, n, n])), key="top", config={})
st.markdown('<div style="height: 4000px"></div>', unsafe_allow_html=True)
livechart.show(go.Figure(go.Scatter(x=[1, 2, 3], y=[n, 2 * n, 3 * n])), key="below", config={})
st.write(f"n is {n}")
'''

DATA_JS = """(k) => { const gd = document.querySelector(`.st-key-${k} .js-plotly-plot`);
                     return gd && gd.data ? Array.from(gd.data[0].y) : null; }"""


def test_a_move_redraws_the_charts_in_view_and_the_others_as_they_come_into_view(tmp_path, new_page):
    """A slider move redraws what the learner sees at once; a chart further down the page is
    redrawn (with the latest figure) when it is scrolled to, so it never shows an old one."""
    with small_app(tmp_path, OFF_SCREEN_APP) as server:
        page = new_page()
        page.set_viewport_size({"width": 1200, "height": 800})
        page.goto(server.base)
        for k in ("top", "below"):  # a first figure is drawn wherever the chart is
            page.wait_for_selector(f".st-key-{k} .main-svg", state="attached")
        assert page.evaluate(DATA_JS, "below") == [1, 2, 3]
        for _ in range(2):
            page.locator(bench.slider_thumb("n")).first.evaluate("e => e.focus()")
            page.keyboard.press("ArrowRight")
        page.get_by_text("n is 3").wait_for()
        page.wait_for_function(f"() => ({DATA_JS})('top')[0] === 3")
        page.wait_for_timeout(500)
        assert page.evaluate(DATA_JS, "below") == [1, 2, 3], "a chart out of view waits"
        page.locator(".st-key-below").scroll_into_view_if_needed()
        page.wait_for_function(f"() => ({DATA_JS})('below')[2] === 9")
        assert page.evaluate(DATA_JS, "below") == [3, 6, 9]
