"""A fresh server prepares the default page before its first visitor: a first
run that imports no TensorFlow, and a warm-up that does not run the default
page a second time beside a visitor who is already on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from advlab.ui import warmup

ROOT = Path(__file__).resolve().parents[1]
PLAYGROUND = ROOT / "pages" / "playground.py"


def test_the_default_pages_first_run_needs_neither_tensorflow_nor_scikit_learn():
    """A fresh server's first visitor waits for whatever the default page's first
    run imports: TensorFlow and scikit-learn took seconds of it. The Playground's
    default lesson (moons, PGD with its path, the decision map) runs in NumPy: in a
    fresh interpreter its whole first run, through Streamlit, imports neither, nor
    SciPy, and draws its charts and scores without an error."""
    script = textwrap.dedent(f"""
        import json, sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(PLAYGROUND)!r}, default_timeout=120)
        at.run()
        print(json.dumps({{"errors": [e.value for e in at.error] + [e.value for e in at.exception],
                          "metrics": len(at.metric), "charts": len(livechart.figures(at)),
                          "imported": [m for m in ("tensorflow", "keras", "sklearn", "scipy") if m in sys.modules]}}))
    """).replace("from streamlit.testing.v1 import AppTest",
                 "from streamlit.testing.v1 import AppTest\nfrom advlab.ui import livechart")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["errors"] == []
    assert got["metrics"] >= 6 and got["charts"] >= 4  # scores, map, curve, sizes, attack map
    assert got["imported"] == []


def _refused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


def test_the_warm_up_lets_a_visitor_already_on_the_default_page_do_its_work():
    """A visitor's script is running when the warm-up would open the default
    page: the warm-up waits until the visitors have been quiet first."""
    busy = iter([1, 1, 1, 1, 1])
    polls = []

    def running() -> int:
        polls.append(1)
        return next(busy, 0)

    warmup.warm_pages(_refused_port(), ("",), running=running, quiet_s=0.05)
    assert len(polls) >= 6  # it polled through the busy run and a quiet stretch before visiting


def test_the_warm_up_opens_the_default_page_at_once_when_nobody_is_there():
    polls = []

    def running() -> int:
        polls.append(1)
        return 0

    warmup.warm_pages(_refused_port(), ("",), running=running, quiet_s=30.0)
    assert len(polls) == 1  # asked once, then opened the page without waiting for a quiet stretch


def test_the_first_later_page_waits_until_a_visitors_browser_has_had_time_to_draw(monkeypatch):
    """After the default page, the next page's warm-up (the first to import the heavy
    libraries) waits for a longer quiet stretch than the pages after it."""
    import contextlib
    import time

    from advlab.ui import probe

    opened = []

    @contextlib.contextmanager
    def visit(url, *, page, timeout_s):
        opened.append((page, time.monotonic()))
        yield type("Visit", (), {"errors": []})()

    monkeypatch.setattr(probe, "visit", visit)
    took = warmup.warm_pages(_refused_port(), ("", "a", "b"), running=lambda: 0, quiet_s=0.01, settle_s=0.4)
    assert [p for p, _ in opened] == ["", "a", "b"] and set(took) == {"", "a", "b"}
    assert opened[1][1] - opened[0][1] >= 0.4
