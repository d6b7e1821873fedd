"""Browser tests: one real ``streamlit run app.py`` server per session, driven by
Debian's Chromium through Playwright.

Playwright's own browser download is not used: the tests launch the system
``chromium``. Without it they skip with a message, except under CI (``CI=true``)
where a missing browser is a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import ast
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
LOGS = ROOT / "artifacts" / "logs"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
VIEWPORT = {"width": 1500, "height": 2400}
SERVER_TIMEOUT_S = 90
# the first run of a page imports TensorFlow and traces the attack graphs
IDLE_TIMEOUT_MS = 90_000


def app_pages() -> list[tuple[str, str, str, str]]:
    """``PAGES`` of app.py (path, title key, icon, url path), read without running the app."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in node.targets):
            return [tuple(p) for p in ast.literal_eval(node.value)]
    raise AssertionError("app.py defines no PAGES list")


def find_chromium() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium not found: CI must run the browser tests; install Debian's chromium "
                        "(apt-get install chromium), e.g. via `make browser` as root")
        pytest.skip("chromium not found: install Debian's chromium (apt-get install chromium) to run the "
                    "browser tests")
    return path


@pytest.fixture(scope="session")
def app_url(chromium_path) -> str:
    """Base URL of an app server (``streamlit run app.py``) started for this session."""
    port = _free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / "streamlit-e2e.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in the finally below
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
    # advlab.serve is `streamlit run app.py` as `make run` starts it (st.navigation from the
    # first request on); the plain command is the fallback
    launcher = ["-m", "advlab.serve"] if (ROOT / "advlab" / "serve.py").is_file() else \
        ["-m", "streamlit", "run", "app.py"]
    proc = subprocess.Popen(
        [sys.executable, *launcher, "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode}; log: {log_path}\n"
                            + log_path.read_text(encoding="utf-8")[-3000:])
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on {base}/_stcore/health within {SERVER_TIMEOUT_S} s; "
                            f"log: {log_path}")
            time.sleep(0.5)
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _context(browser):
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US")
    ctx.set_default_timeout(IDLE_TIMEOUT_MS)
    return ctx


@pytest.fixture(scope="session")
def shared_context(browser):
    """One browser context for the session: each page in it is still its own Streamlit
    session (sessions follow the tab's connection, not cookies), but the context's HTTP
    cache keeps the multi-megabyte chart bundle from being fetched and compiled per test."""
    ctx = _context(browser)
    yield ctx
    ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call = rep


def _keep_evidence(request, pages) -> None:
    """After a failed test, save what each of its pages showed."""
    rep = getattr(request.node, "rep_call", None)
    if rep is None or not rep.failed:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
    for i, pg in enumerate(pages):
        try:
            pg.screenshot(path=str(SHOTS / f"failed-{name}-{i}.png"), full_page=True)
        except Exception as e:  # noqa: BLE001 - evidence is best effort; the failure is already reported
            print(f"no screenshot of page {i} after the failure: {e}")


@pytest.fixture
def page(shared_context, request):
    """A new tab: a fresh Streamlit session."""
    pg = shared_context.new_page()
    yield pg
    _keep_evidence(request, [pg])
    pg.close()


@pytest.fixture
def new_page(browser, request):
    """Factory: a page in a brand-new browser context (nothing shared with other tests)."""
    contexts, pages = [], []

    def make():
        ctx = _context(browser)
        contexts.append(ctx)
        pages.append(ctx.new_page())
        return pages[-1]

    yield make
    _keep_evidence(request, pages)
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
