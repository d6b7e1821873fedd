"""Warm a fresh server while its first visitors are still on the way.

The first run of a page in a process imports TensorFlow, trains the page's
default network, traces its attack graph and computes its curves: seconds a
teacher's first click, or a class opening every page at once, would
otherwise wait. :func:`start` opens each page's default link once, as a
browser tab would (:mod:`advlab.ui.probe`), on a background thread as soon as
the server listens. Everything it computes lands in the stores every session
shares, under the very keys a student's visit asks for; a student who arrives
while a page is still warming joins the work under way instead of repeating it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

log = logging.getLogger("advlab.warmup")

# URL paths of the pages with heavy first visits, the default page first
PAGES = ("", "seed-lab", "digits", "robustness", "defenses", "transfer", "learn")


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


def warm_pages(port: int, pages: tuple[str, ...] = PAGES) -> dict[str, float]:
    """Open each page's default link once; seconds per page (failures are logged)."""
    from .probe import visit

    took = {}
    for page in pages:
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


def start(port: int = 8501) -> threading.Thread:
    """``ADVLAB_WARMUP``: ``all`` (default) every page, ``1`` the default page only, ``0`` none."""
    mode = os.environ.get("ADVLAB_WARMUP", "all")
    pages = PAGES if mode == "all" else PAGES[:1]

    def run() -> None:
        if _wait_until_listening(port):
            warm_pages(port, pages)

    t = threading.Thread(target=run, name="advlab-warmup", daemon=True)
    t.start()
    return t
