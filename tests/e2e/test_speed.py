"""The browser benchmark's measuring (``benchmarks.browser``): a real ε step is timed
and taken apart, a press that starts no rerun is a failed step, and the report's
arithmetic. Speed budgets are not asserted here: ``make bench-browser`` reports them.
"""

from __future__ import annotations

import pytest

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
    assert 0 <= step.chart_ids_changed <= step.chart_deltas
    assert all(0 <= n <= step.charts for n in step.charts_new)
    assert sum(step.profile.values()) == pytest.approx(step.seconds, rel=0.25)


def test_a_press_that_starts_no_rerun_is_a_failed_step(digits):
    thumb, value = bench.slider_thumb(DIGITS.key), bench.slider_value_js(DIGITS.key)
    st = digits.press(thumb, "Shift", value)
    assert not st.ok
    assert "no rerun" in st.note
