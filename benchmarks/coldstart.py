"""Cold start: ``python -m benchmarks.coldstart`` times a fresh server.

From launching ``python -m advlab.serve`` (what ``make run`` serves) to the
Playground's first run finished for a visitor who opens the link the moment
the server answers, over Streamlit's websocket protocol (the client of
``benchmarks.loadtest``, no browser, so the numbers are the server's: a real
browser adds its own loading of the page's scripts, partly in parallel). Each
round starts a new server process; the table gives every round and the
median::

    python -m benchmarks.coldstart --rounds 3
    python -m benchmarks.coldstart --env ADVLAB_WARMUP=0   # without the warm-up

Columns: launch → health endpoint answers, health → first run finished,
launch → first run finished (the total), and the server's CPU seconds by then.
``benchmarks/browser.py`` measures the same in headless Chromium.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from benchmarks.loadtest import ROOT, ServerProbe, Session, free_port, markdown, run_sync, wait_healthy

TARGET_S = 8.0


def one_round(env: dict[str, str], timeout_s: float = 180.0) -> dict[str, float | str]:
    """Launch a server, open the Playground as soon as it answers, stop the server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "advlab.serve", "--server.port", str(port), "--server.headless", "true",
           "--server.address", "127.0.0.1"]
    full_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONDONTWRITEBYTECODE": "1", **env}
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            wait_healthy(url, timeout_s, proc)
            t_health = time.perf_counter()

            async def visit():
                async with Session(url, timeout_s=timeout_s) as tab:
                    return await tab.load("")

            res = run_sync(visit())
            t_done = time.perf_counter()
            cpu = ServerProbe(proc.pid).cpu_seconds()
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)
    return {"health": t_health - t0, "page": t_done - t_health, "total": t_done - t0, "cpu": cpu,
            "errors": "; ".join(res.errors)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.coldstart", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="fresh servers to time (default 3)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the server (repeatable), e.g. ADVLAB_WARMUP=0")
    args = ap.parse_args(argv)
    env = dict(e.split("=", 1) for e in args.env)
    rows, totals = [], []
    for i in range(args.rounds):
        r = one_round(env)
        totals.append(r["total"])
        rows.append([str(i + 1), f"{r['health']:.1f}", f"{r['page']:.1f}", f"{r['total']:.1f}", f"{r['cpu']:.1f}",
                     r["errors"] or "none"])
        print(f"round {i + 1}: {r['total']:.1f} s", flush=True)
    med = statistics.median(totals)
    rows.append(["median", "", "", f"{med:.1f}", "", f"target ≤ {TARGET_S:g} s: {'yes' if med <= TARGET_S else 'no'}"])
    print(markdown(["round", "launch → health s", "health → Playground run finished s", "total s",
                    "server CPU s", "errors"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
