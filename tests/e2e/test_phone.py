"""Every page on a phone: a 390 x 844 touch screen, in English and in Chinese.

What a student holding the phone would notice: the page opens on its title
and its first chart, not under the sidebar; the lesson's epsilon is on the
page, not hidden in the sidebar; nothing is wider than the screen (no sideways
scrolling, no chart text cut off at the chart's edge); buttons are big enough
for a finger; and the charts are drawn in their phone form (no tool bar over
the legend).

Screenshots: ``artifacts/screenshots/phone-<page>[-zh]-top.png`` is the first
screen as the phone shows it (3x pixels); ``phone-<page>[-zh].png`` the whole
page, one pixel per CSS pixel.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import IDLE_TIMEOUT_MS, app_pages
from .test_browser import assert_no_error, page_address, wait_idle

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 3}
PAGES = app_pages()
CHARTLESS = {"learn"}  # formulas and a quiz: its "chart" is a typeset formula
FORMS = {"class", "class-teacher"}  # class mode opens on a form (join / start), with neither
TAP_PX = 43.5  # a finger needs about 44 CSS pixels
SLACK_PX = 2  # sub-pixel rounding at the screen's edges

CASES = [(p[3], lang) for p in PAGES for lang in ("en", "zh")]


@pytest.fixture(scope="module")
def phone(browser):
    """One phone context for the module (each tab is still a Streamlit session of its own)."""
    ctx = browser.new_context(**PHONE, locale="en-US")
    ctx.set_default_timeout(IDLE_TIMEOUT_MS)
    yield ctx
    ctx.close()


# Everything measured in one call, so a page costs one round trip.
_LAYOUT_JS = """(slack) => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const main = document.querySelector('[data-testid="stMain"]');
  const rect = e => e.getBoundingClientRect();
  const shown = e => { const r = rect(e); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const name = e => (e.dataset.testid || e.tagName.toLowerCase()) +
    (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') +
    ' "' + (e.innerText || e.textContent || '').trim().slice(0, 40) + '"';
  // the part of an element not clipped by an ancestor that hides or scrolls its overflow
  const visible = e => {
    const r = rect(e); let left = r.left, right = r.right;
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') {
        const q = rect(p); left = Math.max(left, q.left); right = Math.min(right, q.right);
      }
    }
    return [left, right];
  };
  const wide = [];
  for (const e of main.querySelectorAll('*')) {
    // Plotly's internals (hover layers, measuring nodes, clip paths) are checked below, chart by chart
    if (e.closest('.js-plotly-plot')) continue;
    if (!shown(e)) continue;
    const [left, right] = visible(e);
    if (right > left && (right > vw + slack || left < -slack)) wide.push(name(e) + ' ' + left.toFixed(0) + '..' + right.toFixed(0));
  }
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(shown);
  const cut = [], toolbars = [];
  for (const c of charts) {
    const box = rect(c);
    if (box.right > vw + slack || box.left < -slack) cut.push('chart ' + box.left.toFixed(0) + '..' + box.right.toFixed(0));
    // the texts a reader needs: legend, axis titles, tick labels, notes
    for (const t of c.querySelectorAll('.legend, .g-xtitle, .g-ytitle, .xtick text, .ytick text, .annotation-text')) {
      const r = rect(t);
      if (r.width === 0) continue;
      if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack ||
          r.bottom > box.bottom + slack)
        cut.push((t.closest('.legend') ? 'legend' : t.getAttribute('class')) + ' "' + t.textContent.slice(0, 40) +
                 '" ' + [r.left, r.right, r.top, r.bottom].map(v => v.toFixed(0)) + ' in ' +
                 [box.left, box.right, box.top, box.bottom].map(v => v.toFixed(0)));
    }
    if ([...c.querySelectorAll('.modebar')].some(shown)) toolbars.push(c.getAttribute('class'));
  }
  const small = [];
  const taps = main.querySelectorAll('[data-testid="stButton"] button, [data-testid="stDownloadButton"] button, ' +
    '[data-testid="stButtonGroup"] button[data-variant], [data-testid="stNumberInputStepUp"], [data-testid="stNumberInputStepDown"]');
  for (const b of taps) { if (!shown(b)) continue; const r = rect(b);
    if (r.height < %TAP% || r.width < %TAP%) small.push(name(b) + ' ' + r.width.toFixed(0) + 'x' + r.height.toFixed(0)); }
  const opener = document.querySelector('[data-testid="stExpandSidebarButton"]');
  if (opener && shown(opener)) { const r = rect(opener);
    if (r.height < %TAP% || r.width < %TAP%) small.push('open the sidebar ' + r.width.toFixed(0) + 'x' + r.height.toFixed(0)); }
  const sb = document.querySelector('[data-testid="stSidebar"]');
  const h1 = main.querySelector('h1');
  const eps = [...main.querySelectorAll('[data-testid="stSlider"]')].filter(s => shown(s) && /ε/.test(s.innerText));
  return {
    docWidth: document.documentElement.scrollWidth, mainWidth: main.scrollWidth, mainClient: main.clientWidth, vw, vh,
    sidebarRight: sb ? rect(sb).right : null, opener: !!(opener && shown(opener)),
    title: h1 ? [rect(h1).top, rect(h1).bottom] : null,
    charts: charts.length, wide: wide.slice(0, 12), cut: cut.slice(0, 12), toolbars, small: small.slice(0, 12),
    eps: eps.length, formulas: main.querySelectorAll('.katex').length,
  };
}""".replace("%TAP%", str(TAP_PX))

# Charts drawn in their phone form: the tool bar is left out.
_PHONE_CHARTS_JS = """() => { const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return c.length > 0 && c.every(e => e.querySelector('.main-svg') && !e.querySelector('.modebar')); }"""

# Scroll the first chart into view: it must come fully into the screen's width and into its height.
_REACH_CHART_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const c = main.querySelector('[data-testid="stPlotlyChart"]');
  c.scrollIntoView({block: 'start'});
  const r = c.getBoundingClientRect();
  const out = {top: r.top, bottom: r.bottom, left: r.left, right: r.right, drawn: !!c.querySelector('.main-svg')};
  main.scrollTop = 0;
  return out;
}"""


# the phone stylesheet is in effect: the sidebar's opener has its tap-sized box
_STYLED_JS = """() => { const o = document.querySelector('[data-testid="stExpandSidebarButton"]');
  return !o || o.getBoundingClientRect().width >= 44; }"""


def _screenshots(page, shots, name: str) -> None:
    page.screenshot(path=str(shots / f"{name}-top.png"))
    size = page.viewport_size
    height = int(page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight"))
    page.set_viewport_size({"width": size["width"], "height": min(height, 16_000)})
    try:
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"{name}.png"), scale="css")
    finally:
        page.set_viewport_size(size)


@pytest.mark.parametrize(("path", "lang"), CASES, ids=[f"{p}-{lang}" for p, lang in CASES])
def test_page_fits_a_phone(app_url, phone, shots, path, lang):
    page = phone.new_page()
    try:
        page.goto(page_address(app_url, path, **({"lang": lang} if lang != "en" else {})))
        has_chart, form = path not in CHARTLESS | FORMS, path in FORMS
        if has_chart:
            # the app hears from the browser that the screen is narrow, then draws its charts for it
            page.wait_for_function(_PHONE_CHARTS_JS, timeout=IDLE_TIMEOUT_MS)
        wait_idle(page, charts=has_chart, latex=not (has_chart or form), settle_s=0.5)
        assert_no_error(page)
        try:  # the page's phone stylesheet comes with its run; on a busy machine it may land a moment later
            page.wait_for_function(_STYLED_JS, timeout=10_000)
        except PlaywrightTimeout:
            pass  # measured as it is: the check below says what is too small
        m = page.evaluate(_LAYOUT_JS, SLACK_PX)

        # it opens on the lesson, with the controls' drawer closed but at hand
        assert m["sidebarRight"] is not None and m["sidebarRight"] <= 1, \
            f"the sidebar covers the page (its right edge at {m['sidebarRight']} px)"
        assert m["opener"], "no button to open the sidebar"
        assert m["title"] is not None, "no page title"
        top, bottom = m["title"]
        assert 0 <= top and bottom <= m["vh"], f"the title is not on the first screen ({top:.0f}..{bottom:.0f} px)"
        if has_chart:
            assert m["eps"] >= 1, "no ε slider on the page itself: the lesson's budget is only in the sidebar"
            chart = page.evaluate(_REACH_CHART_JS)
            assert chart["drawn"], "the first chart is not drawn"
            assert chart["left"] >= -SLACK_PX and chart["right"] <= m["vw"] + SLACK_PX, chart
            assert chart["top"] < m["vh"] and chart["bottom"] > 0, f"the first chart cannot be scrolled into view: {chart}"
            assert not m["toolbars"], "charts carry the desktop tool bar (the phone layout was not applied)"
        elif not form:
            assert m["formulas"] > 0, "no formula drawn"

        # nothing wider than the screen
        assert m["docWidth"] <= m["vw"], f"the page scrolls sideways ({m['docWidth']} px > {m['vw']} px)"
        assert m["mainWidth"] <= m["mainClient"], f"the content scrolls sideways ({m['mainWidth']} px)"
        assert not m["wide"], "elements wider than the screen: " + "; ".join(m["wide"])
        assert not m["cut"], "chart text cut off at the chart's edge: " + "; ".join(m["cut"])
        assert not m["small"], "tap targets under 44 px: " + "; ".join(m["small"])
        _screenshots(page, shots, f"phone-{path}" + ("" if lang == "en" else f"-{lang}"))
    except Exception:
        page.screenshot(path=str(shots / f"failed-phone-{path}-{lang}.png"))
        raise
    finally:
        page.close()


def test_a_swipe_across_a_chart_scrolls_the_page(app_url, phone):
    """A finger that lands on a chart while scrolling moves the page, not the chart: every
    chart of the Playground, the attack map (which picks points on a laptop) included."""
    page = phone.new_page()
    try:
        page.goto(page_address(app_url, PAGES[0][3]))
        page.wait_for_function(_PHONE_CHARTS_JS, timeout=IDLE_TIMEOUT_MS)
        wait_idle(page, settle_s=0.5)
        cdp = phone.new_cdp_session(page)
        n = page.locator('[data-testid="stPlotlyChart"]').count()
        assert n >= 3
        for i in range(n):
            plot = page.evaluate(_CENTRE_PLOT_JS, i)
            before = page.evaluate(_RANGES_JS, i)
            # the finger moves up (the page down), or near the page's end down (the page up)
            step = min(150, plot["h"] / 2)
            x, y, dy = plot["x"], plot["y"], step if plot["scroll"] > 2 * step else -step
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
            for k in range(1, 11):
                cdp.send("Input.dispatchTouchEvent",
                         {"type": "touchMove", "touchPoints": [{"x": x, "y": y + dy * k / 10}]})
                page.wait_for_timeout(16)
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            page.wait_for_timeout(400)
            moved = abs(page.evaluate(_MAIN_SCROLL_JS) - plot["scroll"])
            assert moved > 40, f"chart {i}: the page did not scroll ({moved} px)"
            assert page.evaluate(_RANGES_JS, i) == before, f"chart {i}: the swipe moved the chart"
    finally:
        page.close()


_MAIN_SCROLL_JS = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"
# Chart i's plot area brought to the middle of the screen: its centre and the page's scroll then.
_CENTRE_PLOT_JS = """(i) => {
  const drag = document.querySelectorAll('[data-testid="stPlotlyChart"]')[i].querySelector('.nsewdrag');
  drag.scrollIntoView({block: 'center'});
  const r = drag.getBoundingClientRect();
  return {x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height,
          scroll: document.querySelector('[data-testid="stMain"]').scrollTop};
}"""
_RANGES_JS = r"""(i) => {
  const gd = document.querySelectorAll('[data-testid="stPlotlyChart"]')[i].querySelector('.js-plotly-plot');
  const axes = Object.keys(gd._fullLayout).filter(k => /^[xy]axis\d*$/.test(k));
  return JSON.stringify(axes.map(k => gd._fullLayout[k].range));
}"""
