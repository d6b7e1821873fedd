"""Your own data in a real browser: a CSV uploaded through the Playground's file
uploader is trained on and its decision map drawn; a point clicked onto the
drawing canvas is added, the network retrains once the clicks pause, and the
link opened in a second browser draws the same map.

Screenshots: ``artifacts/screenshots/owndata-upload.png`` and ``owndata-draw.png``.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from advlab import drawn

TIMEOUT_S = 120


def csv_bytes(n: int = 80) -> bytes:
    import numpy as np

    rng = np.random.default_rng(5)
    rows = ["weight,height,animal"]
    for i in range(n):
        k = i % 2
        a, b = rng.normal(k * 2.5, 0.8, 2)
        rows.append(f"{a:.2f},{b:.2f},{'dog' if k else 'cat'}")
    return ("\r\n".join(rows) + "\r\n").encode("utf-8-sig")  # as a spreadsheet saves it


def idle(page, *, text: str | None = None, timeout_s: float = TIMEOUT_S) -> None:
    """Wait until the script is done, ``text`` is on the page and a chart is drawn."""
    deadline = time.monotonic() + timeout_s
    calm = 0
    while time.monotonic() < deadline:
        state = page.evaluate("""() => {
          const app = document.querySelector('[data-testid="stApp"]');
          const sw = document.querySelector('[data-testid="stStatusWidget"]');
          return {state: app && app.getAttribute('data-test-script-state'),
                  running: !!(sw && /running/i.test(sw.innerText)),
                  charts: document.querySelectorAll('[data-testid="stMain"] .main-svg').length,
                  body: document.body.innerText};
        }""")
        ok = (state["state"] == "notRunning" and not state["running"] and state["charts"] > 0
              and (text is None or text in state["body"]))
        calm = calm + 1 if ok else 0
        if calm >= 4:
            return
        time.sleep(0.25)
    raise AssertionError(f"page not idle with {text!r} within {timeout_s} s")


def map_images(page) -> list[str]:
    """The decision maps' pictures (each map is one image in its plot)."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] svg image')]
        .map(i => i.getAttribute('href') || i.getAttribute('xlink:href')).filter(h => h && h.startsWith('data:'))""")


def test_an_uploaded_csv_is_trained_and_its_map_drawn(page, app_url, shots):
    page.goto(f"{app_url}/?src=upload")
    page.wait_for_selector("input[type=file]", state="attached")
    page.set_input_files("input[type=file]", files=[{"name": "pets.csv", "mimeType": "text/csv",
                                                       "buffer": csv_bytes()}])
    idle(page, text="clean accuracy")
    body = page.inner_text("body")
    assert "2 classes (cat, dog)" in body and "UTF-8 (BOM)" in body
    assert "never stored on the server's disk" in body
    assert len(map_images(page)) >= 2  # the map and the attack map
    assert "cat · train" in body or page.locator("text=cat · train").count() > 0
    assert "pets" not in page.url and "weight" not in page.url  # the data never goes into the link
    page.screenshot(path=str(shots / "owndata-upload.png"), full_page=True)


def _canvas_box(page) -> dict:
    """The drawing canvas' plot area (the first chart of the page's main part)."""
    box = page.locator('[data-testid="stMain"] .nsewdrag').first.bounding_box()
    assert box and box["width"] > 100, box
    return box


def test_a_clicked_point_retrains_and_the_link_draws_the_same_map(page, new_page, app_url, shots):
    page.goto(f"{app_url}/?src=draw")
    idle(page, text=f"{len(drawn.EXAMPLE)} of at most 400 points")
    before = map_images(page)[0]
    box = _canvas_box(page)
    lo, hi = drawn.CANVAS[0] - 0.05, drawn.CANVAS[1] + 0.05
    x, y = 2.0, 2.2  # an empty corner, far from the example's points
    page.mouse.click(box["x"] + box["width"] * (x - lo) / (hi - lo),
                     box["y"] + box["height"] * (1 - (y - lo) / (hi - lo)))
    n = len(drawn.EXAMPLE) + 1
    idle(page, text=f"{n} of at most 400 points")
    pts = drawn.decode(parse_qs(urlparse(page.url).query)["pts"][0])
    assert len(pts) == n
    added = drawn.coords(pts[-1:])[0][0]
    assert abs(added[0] - x) < 0.15 and abs(added[1] - y) < 0.15, added
    after = map_images(page)[0]
    assert after != before  # retrained on the new point
    page.screenshot(path=str(shots / "owndata-draw.png"), full_page=True)

    other = new_page()
    other.goto(page.url)
    idle(other, text=f"{n} of at most 400 points")
    assert map_images(other)[0] == after  # the same drawing, the same network, the same map


def test_a_chinese_spreadsheet_export_in_gbk(page, app_url, shots):
    page.goto(f"{app_url}/?src=upload&lang=zh")
    page.wait_for_selector("input[type=file]", state="attached")
    text = csv_bytes().decode("utf-8-sig").replace("weight,height,animal", "体重,身高,动物")
    text = text.replace(",cat", ",猫").replace(",dog", ",狗")
    page.set_input_files("input[type=file]", files=[{"name": "宠物.csv", "mimeType": "text/csv",
                                                       "buffer": text.encode("gbk")}])
    idle(page, text="准备就绪")
    body = page.inner_text("body")
    assert "宠物.csv" in body and "GBK" in body and "2 个类别（狗, 猫）" in body
    titles = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] .xtitle, '
        + '[data-testid="stMain"] .ytitle')].map(t => t.textContent)""")
    assert "体重（已标准化）" in titles and "身高（已标准化）" in titles, titles
    assert len(map_images(page)) >= 2
    page.screenshot(path=str(shots / "owndata-upload-zh.png"), full_page=True)
