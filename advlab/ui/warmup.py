"""Warm a fresh server while its first visitors are still on the way.

The first run of a page in a process imports its libraries (TensorFlow for
the pages with Keras models), trains the page's default network and computes
its attacks and curves: seconds a
teacher's first click, or a class opening every page at once, would
otherwise wait. :func:`start` opens each page's default link once, as a
browser tab would (:mod:`advlab.ui.probe`), on a background thread as soon as
the server listens. Everything it computes lands in the stores every session
shares, under the very keys a student's visit asks for; a student who arrives
while a page is still warming joins the work under way instead of repeating it.

The warm-up yields to real visitors: the default page is warmed as soon as
the preload is done (a later first visitor then finds the model trained and
the results computed) unless a visitor is already running it, every later
page only once no visitor's script has run for a moment, so a teacher's first
click never waits behind the warming of pages nobody has opened yet.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger("advlab.warmup")

# URL paths of the pages with heavy first visits, the default page first
PAGES = ("", "seed-lab", "digits", "robustness", "defenses", "transfer", "text-lab", "learn")
QUIET_S = 1.5  # a later page is warmed once no visitor's script has run for this long
# ... and the first of them once none has run for this long: a visitor's browser is still
# drawing the page their run sent (seconds on a slow machine, more on the server's own), and
# the later pages' imports (scikit-learn, TensorFlow) would take the CPU it draws with
SETTLE_S = 6.0


def _wait_until_listening(port: int, timeout: float = 120.0) -> bool:
    """Imports compete with the server's own start-up for the interpreter, so the
    warm-up begins once the server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def visitors_running() -> int:
    """Sessions of this server whose script is running now (0 outside a server)."""
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.app_session import AppSessionState

        if not Runtime.exists():
            return 0
        infos = Runtime.instance()._session_mgr.list_active_sessions()
    except Exception:  # noqa: BLE001 - Streamlit's internals moved: then never wait
        return 0
    return sum(1 for info in infos if getattr(info.session, "_state", None) == AppSessionState.APP_IS_RUNNING)


def wait_for_quiet(quiet_s: float = QUIET_S, poll_s: float = 0.1, running: Callable[[], int] = visitors_running,
                   timeout_s: float | None = None) -> bool:
    """Return once no script has run for ``quiet_s`` seconds (True), or after
    ``timeout_s`` (False)."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    while True:
        now = time.monotonic()
        if running():
            quiet_since = now
        elif now - quiet_since >= quiet_s:
            return True
        if deadline is not None and now >= deadline:
            return False
        time.sleep(poll_s)


def warm_pages(port: int, pages: tuple[str, ...] = PAGES, *, yield_to_visitors: bool = True,
               running: Callable[[], int] = visitors_running, quiet_s: float = QUIET_S,
               settle_s: float = SETTLE_S) -> dict[str, float]:
    """Open each page's default link once; seconds per page (failures are logged).
    After the first page, each waits until visitors' scripts have been quiet
    for ``quiet_s`` seconds (``yield_to_visitors``), the second page for
    ``settle_s``; so does the first when a visitor's script is already
    running: that visitor is doing the first page's work, and a second run of
    it would only compete for the CPU."""
    from .probe import visit

    took = {}
    for i, page in enumerate(pages):
        if yield_to_visitors and (i or running()):
            wait_for_quiet(max(quiet_s, settle_s) if i == 1 else quiet_s, running=running)
        t0 = time.monotonic()
        try:
            with visit(f"http://127.0.0.1:{port}", page=page, timeout_s=600) as v:
                problems = v.errors
        except Exception:  # a failed warm-up only means the first visit does the work
            log.warning("warming /%s failed; its first visitor will do the work", page, exc_info=True)
            continue
        if problems:
            log.warning("warming /%s showed an error: %s", page, problems[0])
            continue
        took[page] = time.monotonic() - t0
    log.info("warm: %s", ", ".join(f"/{p} {s:.1f} s" for p, s in took.items()))
    return took


def start(port: int = 8501, *, after: threading.Event | None = None, after_timeout_s: float = 120.0) -> threading.Thread:
    """``ADVLAB_WARMUP``: ``all`` (default) every page, ``1`` the default page only, ``0`` none.
    With ``after`` (the server's preload of the default page's modules), the first
    visit waits for it too: a run started sooner would only wait for the same
    imports, and a visitor who came meanwhile is then let be."""
    mode = os.environ.get("ADVLAB_WARMUP", "all")
    pages = PAGES if mode == "all" else PAGES[:1]

    def run() -> None:
        if _wait_until_listening(port):
            if after is not None and not after.wait(after_timeout_s):
                log.warning("preloading took over %.0f s; warming up anyway", after_timeout_s)
            warm_pages(port, pages)

    t = threading.Thread(target=run, name="advlab-warmup", daemon=True)
    t.start()
    return t
