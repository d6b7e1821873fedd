"""What ``make run`` starts: ``python -m deploy.run [--replicas N] [--port 8501] [--host 0.0.0.0]``.

One Streamlit process uses about one core (Python's GIL), so on a machine with
several cores the app is served by one replica per core behind nginx
(:mod:`deploy.replicas`: a browser stays on one replica, websockets pass through,
day-long timeouts). The first replica starts alone and nginx starts as soon as
it answers, so the address answers as early as one process would; the others
start a few seconds later (``--stagger``), so that their start-up does not take
the cores from the first visitors' runs, and join as they come up. Every replica
warms its pages in the background.

One process, exactly ``python -m advlab.serve``, is served instead when one is
asked for (``--replicas 1``, ``make run N=1``), when only one core is usable, or
when nginx is not installed; a line on the terminal says which, and how to get
replicas. The load test and the cold-start benchmarks start this same launcher,
so they measure what ``make run`` serves.

Options not listed here (``--server.*`` and the like) are passed on to every
Streamlit process. Ctrl-C or SIGTERM stops nginx and every replica.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from deploy import replicas as rep

ROOT = Path(__file__).resolve().parents[1]
STAGGER_S = 8.0  # the first replica's start-up and a first visitor's run, on a quiet machine
NGINX_HINT = "install nginx (Debian: `make nginx` as root, or apt-get install nginx) and run `make run` again"


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, e.g. a container's cpuset), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Choice:
    """How to serve: ``replicas`` processes (1: one process, no nginx) and the line saying why not more."""

    replicas: int
    nginx: str | None = None
    reason: str = ""


def choose(*, replicas: int | None, nginx: str | None, cores: int | None = None) -> Choice:
    """The launcher's decision. ``replicas`` None means one per usable core; ``nginx`` is the
    binary's path, None when it is not installed."""
    if replicas is not None and replicas < 1:
        raise ValueError(f"replicas must be at least 1 (or 'auto' for one per core), got {replicas}")
    cores = cores or usable_cores()
    if replicas == 1:
        return Choice(1, reason="serving one process, as asked (N=1); `make run` without N serves "
                                f"one replica per core ({cores} here) behind nginx")
    n = replicas or cores
    if n == 1:
        return Choice(1, reason="serving one process: this machine has one usable core, and replicas help "
                                "only with one core each (`make run N=2` serves two anyway)")
    if nginx is None:
        return Choice(1, reason=f"serving one process: nginx is not installed, so no {n} replicas behind it; "
                                f"for one replica per core, {NGINX_HINT}")
    return Choice(n, nginx=nginx)


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, not allowed), or None."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx and Streamlit do
        try:
            s.bind((host or "0.0.0.0", port))
        except OSError as e:
            hint = " (another `make run`? stop it, or choose another: make run PORT=8502)" \
                if e.errno == 98 else ""
            return f"cannot serve on {host or '0.0.0.0'}:{port}: {e.strerror}{hint}"
    return None


def single_command(*, port: int, host: str, extra: list[str]) -> list[str]:
    """``python -m advlab.serve`` as ``make run`` always started it (every interface unless ``host`` says)."""
    cmd = [sys.executable, "-m", "advlab.serve", *extra, "--server.port", str(port)]
    if host not in ("", "0.0.0.0"):
        cmd += ["--server.address", host]
    return cmd


def _replicas_arg(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--replicas takes a number of at least 1 or 'auto', not {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"--replicas takes a number of at least 1 or 'auto', not {n}")
    return n


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m deploy.run", description=__doc__.split("\n\n")[0],
                                 epilog="Other options (--server.* ...) go to every Streamlit process.")
    ap.add_argument("--replicas", "-n", type=_replicas_arg, default=None, metavar="N",
                    help="Streamlit processes behind nginx (default 'auto': one per usable core; 1: one "
                         "process, no nginx)")
    ap.add_argument("--port", type=int, default=8501, help="port the app is served on (default 8501)")
    ap.add_argument("--host", default="0.0.0.0",
                    help="address it listens on (default 0.0.0.0, every interface; 127.0.0.1: this machine only)")
    ap.add_argument("--nginx", metavar="PATH", help="the nginx binary (default: found on PATH or in /usr/sbin)")
    ap.add_argument("--tf-threads", type=int, default=1, help="ADVLAB_TF_THREADS of each replica (default 1)")
    ap.add_argument("--stagger", type=float, default=STAGGER_S, metavar="SECONDS",
                    help=f"start the other replicas this long after the first answers (default {STAGGER_S:g}; "
                         "0: all at once)")
    ap.add_argument("--dir", help="keep the replicas' logs and nginx's config and logs in this directory")
    ap.add_argument("--dry-run", action="store_true", help="say how the app would be served, start nothing")
    return ap


def main(argv: list[str] | None = None) -> int:
    args, extra = parser().parse_known_args(argv)
    nginx = args.nginx if args.nginx is not None else rep.find_nginx()
    if nginx is not None and not os.access(nginx, os.X_OK):
        nginx = None
    choice = choose(replicas=args.replicas, nginx=nginx)
    if args.dry_run:
        print(choice.reason or f"serving {choice.replicas} replicas behind nginx ({choice.nginx})")
        return 0
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if choice.replicas == 1:
        print(choice.reason, flush=True)
        cmd = single_command(port=args.port, host=args.host, extra=extra)
        os.chdir(ROOT)
        os.execv(cmd[0], cmd)  # the same process: signals, exit code and pid are Streamlit's own
    return serve_replicas(choice, args, extra)


def serve_replicas(choice: Choice, args: argparse.Namespace, extra: list[str]) -> int:
    n = choice.replicas
    rep.stop_on_signals()
    print(f"Starting {n} replicas of the app behind nginx; it answers as soon as the first is up...", flush=True)

    def announce(cluster: rep.Cluster) -> None:
        up = cluster.serving_at - cluster.started_at
        print(f"advlab is served at {cluster.url} ({up:.1f} s; {n} replicas behind nginx, "
              "the others join as they come up)", flush=True)
        for name, url, log in cluster.planned():
            print(f"  {name}: {url}  (log {log})", flush=True)

    return rep.serve_until_stopped(
        lambda: rep.replicas(n, args.port, host=args.host, tf_threads=args.tf_threads, directory=args.dir,
                             nginx=choice.nginx, early=True, stagger_s=args.stagger, extra_args=extra),
        announce, host=args.host, port=args.port, announce_all=True)


if __name__ == "__main__":
    sys.exit(main())
