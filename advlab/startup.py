"""The server's start-up, as the app's script sees it.

``python -m advlab.serve`` imports the default page's modules on a thread of its
own while Streamlit starts (:func:`advlab.serve._preload`). A visitor's first run
that imports the same modules at the same moment can find one of them half made:
Python hands a thread a module still being imported by another when their
imports wait on each other ("partially initialized module ..."). The app's script
calls :func:`wait_for_preload` first, so a run never imports beside the preload;
the wait is the imports the run would otherwise do itself. Outside that server
(``streamlit run``, tests) nothing preloads and nothing waits.
"""

from __future__ import annotations

import threading

_started = False
_done = threading.Event()


def preload_started() -> None:
    """Called by the server when its preload thread starts."""
    global _started
    _started = True


def preload_done() -> None:
    """Called by the server when its preload has ended (done or failed)."""
    _done.set()


def wait_for_preload(timeout_s: float = 60.0) -> bool:
    """Block until the server's preload has ended (at most ``timeout_s``); True at once when none runs."""
    return _done.wait(timeout_s) if _started else True
