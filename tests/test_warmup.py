"""A fresh server prepares the default page before its first visitor: a first
run that imports no TensorFlow, and a warm-up that does not run the default
page a second time beside a visitor who is already on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
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


def test_figures_wait_for_pandas_that_another_thread_is_importing():
    """A server imports pandas on a thread of its own at start-up (the preload) while its warm-up
    and its first visitors build figures on others. Plotly's checks look pandas up in sys.modules:
    found half imported, they failed ('partially initialized module pandas'), and the warm-up died
    of it. Each delay starts the figures' import at another point of pandas' own import."""
    probe = textwrap.dedent("""
        import sys, threading, time
        errors = []
        def figures():
            try:
                import advlab.figures.common  # noqa: F401
            except Exception as e:
                errors.append(repr(e))
        first = threading.Thread(target=lambda: __import__("pandas"))
        first.start()
        time.sleep(float(sys.argv[1]))
        second = threading.Thread(target=figures)
        second.start()
        first.join()
        second.join()
        print(errors)
    """)
    for delay in ("0.02", "0.05", "0.1", "0.15"):
        out = subprocess.run([sys.executable, "-c", probe, delay], check=False, cwd=ROOT, capture_output=True, text=True,
                             timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.strip() == "[]", f"after {delay} s: {out.stdout.strip()}"


def test_a_served_process_warms_up_and_says_so():
    """What `make run` starts warms the default page on its own once it listens, and writes
    what it warmed on the server's output, without a traceback."""
    from benchmarks.loadtest import free_port, stop_server, wait_healthy

    port = free_port()
    env = {**os.environ, "ADVLAB_WARMUP": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONDONTWRITEBYTECODE": "1"}
    with open(os.devnull, "w") as devnull, subprocess.Popen(
            [sys.executable, "-m", "advlab.serve", "--server.port", str(port), "--server.headless", "true",
             "--server.address", "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=devnull, text=True, start_new_session=True) as proc:
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        try:
            wait_healthy(f"http://127.0.0.1:{port}", 90.0, proc)
            deadline = time.monotonic() + 120
            while not any("advlab.warmup: warm: /" in line for line in lines) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            stop_server(proc)
        reader.join(10)
    out = "".join(lines)
    assert "advlab.warmup: warm: / " in out, out[-3000:]
    assert "Traceback" not in out and "Exception in thread" not in out, out[-3000:]
