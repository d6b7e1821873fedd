"""The app in a real browser: every page draws, the ε slider changes the numbers,
a shared link reproduces them, Chinese and presenter mode render, and a bad link
is explained instead of breaking the page.

Screenshots of every page land in ``artifacts/screenshots/``.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
EPS_LABEL = "ε (attack budget)"
ADV_ACC = "adversarial accuracy"
IDLE_TIMEOUT_S = 90


def app_pages() -> list[tuple]:
    """``PAGES`` of app.py (file, title key, icon, url path, ...), read without running the app."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return [tuple(p) for p in ast.literal_eval(node.value)]
    raise AssertionError("app.py defines no PAGES list")


PAGES = app_pages()
URL_PATHS = [p[3] for p in PAGES]
DEFAULT = URL_PATHS[0]  # st.navigation serves the default page at "/"
FORMS = {"class", "class-teacher"}  # class mode opens on a form (join / start): no chart until a session runs


def url(base: str, path: str = "", **query) -> str:
    q = ("?" + urlencode(query)) if query else ""
    return f"{base}/{path}{q}"


def page_address(base: str, path: str, **query) -> str:
    """Where the app serves a page: Streamlit serves the default page at the root."""
    return url(base, "" if path == DEFAULT else path, **query)


def playground(base: str, **query) -> str:
    """The Playground's address (the app's default page, served at the root)."""
    return url(base, "", **query)


# ----------------------------------------------------------------- helpers ---

_STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const sw = document.querySelector('[data-testid="stStatusWidget"]');
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = boxes.filter(b => [...b.querySelectorAll('.main-svg')].some(shown)).length;
  return {
    state: app ? app.getAttribute('data-test-script-state') : null,
    connection: app ? app.getAttribute('data-test-connection-state') : null,
    running: !!(sw && /running/i.test(sw.innerText)),
    stale: document.querySelectorAll('[data-stale="true"]').length,
    charts: drawn,
    pending: boxes.length - drawn,
    katex: document.querySelectorAll('.katex').length,
  };
}"""


def wait_idle(page, *, charts: bool = True, latex: bool = False, timeout_s: float = IDLE_TIMEOUT_S,
              settle_s: float = 1.0) -> dict:
    """Wait until the script finished (no "Running" status, nothing stale, every Plotly
    chart drawn) for ``settle_s`` in a row, with at least one drawn chart (or KaTeX
    formula) on the page."""
    deadline = time.monotonic() + timeout_s
    since = None
    last = None
    while time.monotonic() < deadline:
        s = page.evaluate(_STATE_JS)
        ready = (s["state"] == "notRunning" and not s["running"] and s["stale"] == 0 and s["pending"] == 0
                 and (not charts or s["charts"] > 0) and (not latex or s["katex"] > 0))
        if ready and s == last:
            since = since or time.monotonic()
            if time.monotonic() - since >= settle_s:
                return s
        else:
            since = None
        last = s
        page.wait_for_timeout(150)
    raise AssertionError(f"page did not finish within {timeout_s:.0f} s: {last}; {body_text(page)[:1500]}")


def body_text(page) -> str:
    return page.locator("body").inner_text()


def assert_no_error(page) -> None:
    """No exception box, no traceback, no error message, no "page not found" dialog."""
    exc = page.locator('[data-testid="stException"]')
    assert exc.count() == 0, "exception shown: " + exc.first.inner_text()[:1500]
    text = body_text(page)
    assert "Traceback" not in text, text[:3000]
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, "error shown: " + " | ".join(errors.all_inner_texts())[:1500]
    dialogs = page.locator('[data-testid="stDialog"]')
    assert dialogs.count() == 0, "dialog shown: " + " | ".join(dialogs.all_inner_texts())[:500]


def metric_values(page) -> dict[str, str]:
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        out[label] = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return out


def metric(page, label: str, timeout_s: float = 30) -> str:
    """The value of the metric labelled ``label``. The page can look idle a moment before a
    fragment's elements are on it (seen once: charts drawn, no metric yet, all there in the
    screenshot taken right after), so the metric gets ``timeout_s`` to appear."""
    deadline = time.monotonic() + timeout_s
    while True:
        vals = metric_values(page)
        hits = [v for k, v in vals.items() if label in k]
        if hits or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    assert hits, f"no metric labelled {label!r}; metrics: {vals}"
    return hits[0]


def eps_slider(page):
    # Streamlit's slider thumb is a (visually hidden) <input type="range">: role "slider"
    return page.get_by_role("slider", name=EPS_LABEL)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_for_url_value(page, name: str, value: float, timeout_s: float = 60) -> None:
    """Wait until the app has written ``name=value`` into the address (it does so after each run)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        raw = query(page).get(name)
        if raw is not None and float(raw) == pytest.approx(value):
            return
        page.wait_for_timeout(150)
    raise AssertionError(f"the address never showed {name}={value:g}: {page.url}")


def open_idle(page, address: str, **kw) -> dict:
    page.goto(address, wait_until="domcontentloaded")
    return wait_idle(page, **kw)


_CONTENT_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')]
     .map(e => e.scrollHeight))"""


def shot(page, shots: Path, name: str) -> None:
    """A screenshot of the whole page. Streamlit scrolls inside its main block, which a
    full-page screenshot does not see, so the window is made as tall as the content first."""
    size = page.viewport_size
    height = min(int(page.evaluate(_CONTENT_HEIGHT_JS)) + 40, 12_000)
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(600)  # charts follow the resize
    try:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    finally:
        if height > size["height"]:
            page.set_viewport_size(size)


# ------------------------------------------------------------------- tests ---

def test_playground_draws_and_eps_slider_changes_accuracy(app_url, page, shots):
    open_idle(page, playground(app_url))
    assert_no_error(page)
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 3
    before = metric(page, ADV_ACC)
    assert before.endswith("%"), before
    clean = metric(page, "clean accuracy")
    s = eps_slider(page)
    eps0 = float(s.input_value())

    s.focus()
    for _ in range(10):  # ten steps of 0.01
        s.press("ArrowRight")
    eps1 = round(eps0 + 0.1, 2)
    # the app writes its state into the address after each run, so the link shows the new ε
    wait_for_url_value(page, "eps", eps1)
    wait_idle(page)
    assert_no_error(page)
    assert float(s.input_value()) == pytest.approx(eps1)
    after = metric(page, ADV_ACC)
    assert after != before, f"adversarial accuracy stayed {before} when ε went {eps0:g} -> {eps1:g}"
    assert float(after.rstrip("%")) < float(before.rstrip("%")), (before, after)
    assert metric(page, "clean accuracy") == clean
    shot(page, shots, "playground")


@pytest.mark.parametrize("path", URL_PATHS)
def test_every_page_renders(app_url, page, shots, path):
    latex, form = path == "learn", path in FORMS
    page.goto(page_address(app_url, path), wait_until="domcontentloaded")
    try:
        wait_idle(page, charts=not (latex or form), latex=latex)
    finally:
        # playground.png is the slider test's (after moving ε); keep both
        shot(page, shots, path if path != DEFAULT else f"{path}-default")
    assert_no_error(page)
    if latex:
        assert page.locator(".katex").count() > 0
    elif form:
        assert page.locator('[data-testid="stTextInput"] input, [data-testid="stFormSubmitButton"] button, '
                            '[data-testid="stButton"] button').count() >= 1, "the class page shows no form"
    else:
        assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 1


@pytest.mark.parametrize("path", URL_PATHS)
def test_every_page_in_chinese(app_url, page, shots, path):
    latex, form = path == "learn", path in FORMS
    page.goto(page_address(app_url, path, lang="zh"), wait_until="domcontentloaded")
    try:
        wait_idle(page, charts=not (latex or form), latex=latex)
    finally:
        shot(page, shots, f"{path}-zh")
    assert_no_error(page)
    title = page.locator("h1").first.inner_text()
    assert CJK.search(title), f"page title {title!r} has no Chinese characters"
    if path == DEFAULT:
        text = body_text(page)
        assert "实验场" in text and "对抗准确率" in text
        assert metric(page, "对抗准确率").endswith("%")
        assert query(page).get("lang") == "zh"


def test_default_page_answers_at_its_own_path(app_url, page):
    """``/playground`` (its url_path in app.py) shows the Playground, not "Page not found"."""
    open_idle(page, url(app_url, DEFAULT, eps="0.3"))
    assert_no_error(page)
    assert float(eps_slider(page).input_value()) == pytest.approx(0.3)


def test_digits_advgan_section_is_drawn(app_url, page, shots):
    """The generator trains on the server (with its progress bar), then its comparison with PGD is drawn."""
    open_idle(page, page_address(app_url, "digits", threat="advgan"), timeout_s=180)
    try:
        assert_no_error(page)
        chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="AdvGAN δ")
        assert chart.count() == 1, "no chart of AdvGAN's perturbations"
        svg = chart.locator(".main-svg").first
        svg.scroll_into_view_if_needed()
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200, box
        assert chart.locator(".hm, image").count() >= 24, "the 8 images and 16 perturbations are drawn"
        assert float(metric(page, "AdvGAN: fooled").rstrip("%")) >= 85
        assert query(page).get("threat") == "advgan"
    finally:
        shot(page, shots, "digits-advgan")


def test_shared_link_reproduces_numbers(app_url, page, new_page):
    link = playground(app_url, dataset="circles", eps="0.35", attack="fgsm", seed="3")
    first = page
    open_idle(first, link)
    assert_no_error(first)
    assert float(eps_slider(first).input_value()) == pytest.approx(0.35)
    q = query(first)
    assert (q["dataset"], q["eps"], q["attack"], q["seed"]) == ("circles", "0.35", "fgsm", "3")
    numbers = metric_values(first)
    assert len(numbers) >= 4 and all(numbers.values()), numbers

    # the same link in a fresh browser context: a new session that shares nothing with the first
    second = new_page()
    open_idle(second, link)
    assert_no_error(second)
    assert metric_values(second) == numbers
    assert query(second) == q  # and the address both wrote is the same full link


def test_presenter_mode(app_url, page, shots):
    open_idle(page, playground(app_url, present="1"))
    assert_no_error(page)
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 3
    assert query(page).get("present") == "1"
    shot(page, shots, "playground-present")


def test_bad_link_values_are_explained(app_url, page, shots):
    open_idle(page, playground(app_url, eps="99", dataset="nope", seed="abc"))
    assert_no_error(page)
    warnings = " | ".join(page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
    for name in ("eps", "dataset", "seed"):
        assert name in warnings, f"no warning names {name!r}: {warnings}"
    assert "99" in warnings and "nope" in warnings and "abc" in warnings
    assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() >= 3
    # the defaults replaced the bad values, in the widgets and in the address
    assert float(eps_slider(page).input_value()) == pytest.approx(0.2)
    q = query(page)
    assert (q["eps"], q["dataset"], q["seed"]) == ("0.2", "moons", "0")
    shot(page, shots, "playground-bad-link")


def test_decision_map_background_matches_the_model(browser, tmp_path):
    """The map's colour under a spot is the class the model predicts there.

    Drawn by Plotly in the browser: whether the probability image comes out upside
    down depends on how Plotly places an image source, which only a real render shows.
    """
    import numpy as np
    from PIL import Image

    from advlab.figures import decision_map
    from advlab.figures.common import class_color, hex_to_rgb

    xs = ys = np.linspace(-2.0, 2.0, 60)
    _, yy = np.meshgrid(xs, ys)  # rows follow ys upward, as metrics.boundary_grid returns them
    p1 = np.where(yy > 0, 0.99, 0.01)  # class 1 above the x-axis, class 0 below
    fig = decision_map(xs, ys, np.stack([1 - p1, p1], -1))
    fig.update_layout(width=400, height=400, margin=dict(l=0, r=0, t=0, b=0), showlegend=False, title=None)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    html = tmp_path / "map.html"
    html.write_text(fig.to_html(include_plotlyjs=True, full_html=True), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 400, "height": 400})
    try:
        pg = ctx.new_page()
        pg.goto(html.as_uri())
        pg.wait_for_selector(".main-svg")
        pg.wait_for_timeout(500)
        pg.screenshot(path=str(tmp_path / "map.png"))
    finally:
        ctx.close()
    im = Image.open(tmp_path / "map.png").convert("RGB")

    def nearest_class(xy) -> int:
        px = np.array(im.getpixel(xy), float)
        return int(np.argmin([np.abs(px - np.array(hex_to_rgb(class_color(c)), float)).sum() for c in (0, 1)]))

    top, bottom = nearest_class((200, 80)), nearest_class((200, 320))
    assert (top, bottom) == (1, 0), (f"background upside down: class {top} drawn on top, class {bottom} below "
                                     f"(the model says 1 above, 0 below)")
