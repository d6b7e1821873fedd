"""Cold start: ``python -m benchmarks.coldstart`` times a fresh server.

From launching what ``make run`` starts (``python -m deploy.run``: one replica
per core behind nginx, or one process with ``--replicas 1``) to the
Playground's first run finished for a visitor who opens the link the moment
the server answers, over Streamlit's websocket protocol (the client of
``benchmarks.loadtest``, no browser, so the numbers are the server's: a real
browser adds its own loading of the page's scripts, partly in parallel). Each
round starts a new server process; the table gives every round, the median
and the spread (min-max), and each round's load average is printed: the
machine should be quiet, other work on its cores shows up in every column::

    python -m benchmarks.coldstart --rounds 5
    python -m benchmarks.coldstart --rounds 3 --replicas 2,1   # both ways, rounds alternating
    python -m benchmarks.coldstart --env ADVLAB_WARMUP=0   # no warm-up, no graphs traced ahead
    python -m benchmarks.coldstart --env ADVLAB_PRELOAD=0  # nothing imported ahead either

Columns, timed from launch: the address answers (its health endpoint), the first element
is drawn (the navigation and sidebar: what a learner sees first), the
Playground's decision map is drawn; then health → first run finished, launch
→ first run finished (the total, the goal's measure) and the server's CPU
seconds by then, summed over every replica and nginx (less sensitive to other
load than the wall-clock columns).
``benchmarks/browser.py`` measures the same in headless Chromium.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from benchmarks.loadtest import (
    ROOT,
    ServerProbe,
    Session,
    free_port,
    launcher_command,
    markdown,
    replica_counts,
    run_sync,
    served_by,
    stop_server,
    wait_healthy,
)

TARGET_S = 8.0
MAP_KEY = b"pg_map"  # the Playground's decision map (its chart's key)


class TimedTab(Session):
    """A tab that notes when the first element and the decision map arrive."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.first_at: float | None = None
        self.map_at: float | None = None

    def _delta(self, fm, errors) -> None:
        super()._delta(fm, errors)
        if fm.delta.WhichOneof("type") != "new_element":
            return
        now = time.perf_counter()
        if self.first_at is None:
            self.first_at = now
        if self.map_at is None and MAP_KEY in fm.delta.new_element.SerializeToString():
            self.map_at = now


def one_round(env: dict[str, str], replicas: int | None = None, timeout_s: float = 180.0) -> dict[str, float | str]:
    """Launch a server as ``make run`` does, open the Playground as soon as it answers, stop the server."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = launcher_command(replicas, port)
    full_env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONDONTWRITEBYTECODE": "1", **env}
    with tempfile.TemporaryFile() as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            wait_healthy(url, timeout_s, proc)
            t_health = time.perf_counter()

            async def visit():
                async with TimedTab(url, timeout_s=timeout_s) as tab:
                    return tab, await tab.load("")

            tab, res = run_sync(visit())
            t_done = time.perf_counter()
            cpu = ServerProbe(proc.pid).cpu_seconds()
        finally:
            stop_server(proc)
    def since_launch(t: float | None) -> float:
        return float("nan") if t is None else t - t0

    return {"health": t_health - t0, "first": since_launch(tab.first_at), "map": since_launch(tab.map_at),
            "page": t_done - t_health, "total": t_done - t0, "cpu": cpu, "errors": "; ".join(res.errors)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.coldstart", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="fresh servers to time (default 3)")
    ap.add_argument("--replicas", type=replica_counts, default=[None], metavar="N[,N...]",
                    help="Streamlit processes ('auto': one per core behind nginx, as `make run`; 1: one process); "
                         "several, e.g. 2,1: each round times each of them, one table each")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the server (repeatable), e.g. ADVLAB_WARMUP=0")
    args = ap.parse_args(argv)
    env = dict(e.split("=", 1) for e in args.env)
    runs: dict[int | None, list[dict]] = {n: [] for n in args.replicas}
    for i in range(args.rounds):
        for n in args.replicas:
            r = one_round(env, n)
            runs[n].append(r)
            print(f"round {i + 1} ({served_by(n)}): {r['total']:.1f} s (load {os.getloadavg()[0]:.1f})", flush=True)
    for n, done in runs.items():
        if len(runs) > 1:
            print(f"\n{served_by(n)}:")
        print(table(done))
    return 0


def table(runs: list[dict]) -> str:
    cols = ("health", "first", "map", "page", "total", "cpu")
    rows = [[str(i + 1), *(f"{r[c]:.1f}" for c in cols), r["errors"] or "none"] for i, r in enumerate(runs)]
    med = {c: statistics.median(r[c] for r in runs) for c in cols}
    spread = {c: f"{min(r[c] for r in runs):.1f}-{max(r[c] for r in runs):.1f}" for c in cols}
    rows.append(["median", *(f"{med[c]:.1f}" for c in cols),
                 f"target ≤ {TARGET_S:g} s: {'yes' if med['total'] <= TARGET_S else 'no'}"])
    rows.append(["min-max", *(spread[c] for c in cols), ""])
    return markdown(["round", "launch → address answers s", "launch → first element s", "launch → map drawn s",
                     "answers → Playground run finished s", "total s", "server CPU s", "errors"], rows)

if __name__ == "__main__":
    sys.exit(main())
