"""The Text lab in a real browser, in English and Chinese: type a sentence, the attack
runs, the changed words show boxed as old → new, and the model's mind changes.

Served through app.py when its navigation lists the page, else as a server of its own
whose entry is the page. Screenshots: artifacts/screenshots/text-lab-attack[-zh].png."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from .conftest import LOGS, ROOT, SERVER_TIMEOUT_S, _free_port, _healthy, app_pages

IN_APP = any(p[0] == "pages/text_lab.py" for p in app_pages())
CASES = [
    # (language, sentence typed, a word the attack changes, "fooled" text)
    ("en", "A clever and touching movie about a small family.", "touching →", "Fooled: the label flipped"),
    ("zh", "房间很大很干净，服务好。", "好 →", "骗过了"),
]


@pytest.fixture(scope="module")
def text_lab_url(chromium_path, request) -> str:
    if IN_APP:
        yield request.getfixturevalue("app_url") + "/text-lab"
        return
    port = _free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / "streamlit-e2e-text-lab.log"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "pages/text_lab.py", "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://localhost:{port}"
        try:
            deadline = time.monotonic() + SERVER_TIMEOUT_S
            while not _healthy(f"{base}/_stcore/health"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Text lab server did not start; log: {log_path}")
                time.sleep(0.5)
            yield base + "/"
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.parametrize(("lang", "sentence", "changed", "fooled"), CASES, ids=[c[0] for c in CASES])
def test_type_a_sentence_and_watch_it_fooled(page, text_lab_url, shots, lang, sentence, changed, fooled):
    page.goto(text_lab_url + "?" + urlencode({"lang": lang}))
    box = page.get_by_role("textbox").first
    box.wait_for()
    # the page's own example first (an attack that works on the first view)
    page.get_by_text(fooled).first.wait_for()
    box.fill(sentence)
    box.press("Enter")
    page.locator("svg text", has_text=changed).first.wait_for()
    page.get_by_text(fooled).first.wait_for()
    assert page.get_by_text(sentence).count() == 0 or box.input_value() == sentence
    # the curve on test sentences comes after the attack; wait for it before the picture
    page.locator('[data-testid="stDataFrame"]').nth(1).wait_for()
    time.sleep(1.0)
    page.screenshot(path=str(shots / f"text-lab-attack{'' if lang == 'en' else '-zh'}.png"), full_page=True)


def test_markup_is_text_and_keeps_the_previous_result(page, text_lab_url):
    page.goto(text_lab_url)
    box = page.get_by_role("textbox").first
    box.wait_for()
    page.get_by_text("Fooled: the label flipped").first.wait_for()
    box.fill("<img src=x onerror=alert(1)> great film")
    box.press("Enter")
    page.get_by_text("looks like markup").first.wait_for()
    assert page.locator("img[src='x']").count() == 0
    page.get_by_text("Still showing your previous sentence").first.wait_for()
