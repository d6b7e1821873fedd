"""N advlab replicas behind nginx on one machine.

    python -m deploy.replicas --replicas 2 --port 8080      (make serve-replicas N=2 PORT=8080)

(``make run`` starts the same replicas through :mod:`deploy.run`, with ``early``: nginx
as soon as the first replica answers, the others a little later.)

Starts N Streamlit servers (``python -m advlab.serve``) on free ports of 127.0.0.1,
each with ``ADVLAB_TF_THREADS=1`` and ``ADVLAB_WORKERS=1`` so that the replicas share
the cores instead of fighting over them (run one replica per core). Once every one
answers ``/_stcore/health`` and has run the app once (TensorFlow loaded), Debian's
nginx goes in front of them with ``deploy/nginx.conf.template``: one session per
browser stays on one replica (an ``advlab_replica`` cookie set by nginx), websockets
are passed through with a day-long idle timeout, and the access log names the
replica behind every request. Ctrl-C or SIGTERM stops nginx and every replica.

Everything nginx and the replicas write (config, logs, temp files) goes to one
directory, removed on exit unless ``--dir`` names one to keep. It works the same
as root (nginx's workers then run as ``nobody``) and as an ordinary user.

Tests use the context manager::

    with replicas(2) as cluster:
        cluster.url, cluster.replica_urls, cluster.access_log_path
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
COOKIE = "advlab_replica"
REPLICA_HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 15.0

# one access log line, as written by the `advlab` log_format of the template
_LOG_LINE = re.compile(
    r'^(?P<client>\S+) \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" (?P<status>\d+) (?P<bytes>\d+) '
    r"upstream=(?P<upstream>.*?) replica=(?P<replica>\S*) cookie=(?P<cookie>\S*) "
    r"rt=(?P<rt>\S+) urt=(?P<urt>.*)$")


def find_nginx() -> str | None:
    """Path of the nginx binary (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port(host: str = REPLICA_HOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def replica_name(index: int) -> str:
    """The cookie value that pins a browser to replica ``index``."""
    return f"r{index}"


def _worker_user() -> str:
    """nginx's ``user`` line: as root the workers drop to nobody; otherwise there is nothing to drop."""
    if os.geteuid() != 0:
        return "# not started as root: the workers run as the current user"
    try:
        pw = pwd.getpwnam("nobody")
        group = grp.getgrgid(pw.pw_gid).gr_name
    except KeyError:
        return "user root;   # no 'nobody' account on this system"
    return f"user nobody {group};"


def render_nginx_conf(replica_ports: list[int], *, listen: str, prefix: Path,
                      replica_host: str = REPLICA_HOST) -> str:
    """The nginx config for replicas on ``replica_host:port`` for each port, nginx listening on ``listen``."""
    if not replica_ports:
        raise ValueError("at least one replica is needed")
    addrs = [f"{replica_host}:{p}" for p in replica_ports]
    names = [replica_name(i) for i in range(len(addrs))]
    # No failure accounting (max_fails=0): a refused connection still passes the request on to the
    # next replica (proxy_next_upstream), but the replica is not set aside. nginx clears a replica's
    # failure only when a request it then sends there ends, and a session's websocket lasts as long
    # as the session: with max_fails=1, a replica refused once (while it was still starting) got one
    # new session per fail_timeout for the rest of the class (32 of a class's 33 sessions went to
    # the other replica). On one machine a stopped replica refuses at once, so trying it costs nothing.
    server = "        server {} max_fails=0;"
    groups = []
    for i, (name, addr) in enumerate(zip(names, addrs, strict=True)):
        lines = [f"    upstream advlab_{name} {{", server.format(addr)]
        lines += [f"        server {other} backup;" for j, other in enumerate(addrs) if j != i]
        lines.append("    }")
        groups.append("\n".join(lines))
    values = {
        "PREFIX": str(prefix),
        "USER": _worker_user(),
        "LISTEN": listen,
        "GROUP_MAP": "\n".join(f"        {name} advlab_{name};" for name in names),
        # "a, b" after a failover: the last address is the one that answered
        "SERVED_MAP": "\n".join(f'        "~(^|, ){re.escape(addr)}$" {name};' for name, addr in zip(names, addrs,
                                                                                                    strict=True)),
        "NEW_SERVERS": "\n".join(server.format(addr) for addr in addrs),
        "REPLICA_GROUPS": "\n\n".join(groups),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise ValueError(f"unfilled markers in {TEMPLATE.name}: {left}")
    return text


def parse_access_log(path: Path) -> list[dict[str, str]]:
    """The access log's lines as dicts: method, path, status, upstream, replica, cookie, ..."""
    entries = []
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        m = _LOG_LINE.match(line)
        if not m:
            continue
        e = m.groupdict()
        parts = e["request"].split(" ")
        e["method"], e["path"] = (parts[0], parts[1]) if len(parts) >= 2 else ("", e["request"])
        entries.append(e)
    return entries


def _healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


def _stop(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a child started in its own process group, and everything it started."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=STOP_TIMEOUT_S)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT_S)


@dataclass
class Replica:
    index: int
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def name(self) -> str:
        return replica_name(self.index)

    @property
    def addr(self) -> str:
        return f"{REPLICA_HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.addr}"


@dataclass
class Cluster:
    """Running replicas and the nginx in front of them."""

    url: str
    directory: Path
    replicas: list[Replica]
    nginx: subprocess.Popen | None = None
    warm_s: float | None = None
    warm_problems: list[str] = field(default_factory=list)
    # time.monotonic() of the start, of the first replica answering, of nginx answering
    started_at: float = 0.0
    first_healthy_at: float | None = None
    serving_at: float | None = None
    # every replica's port, also of those not started yet (an early start starts the others later)
    ports: list[int] = field(default_factory=list)
    _open_logs: list = field(default_factory=list, repr=False)
    _spawning: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _closed: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def replica_urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    @property
    def access_log_path(self) -> Path:
        return self.directory / "access.log"

    @property
    def error_log_path(self) -> Path:
        return self.directory / "error.log"

    @property
    def conf_path(self) -> Path:
        return self.directory / "nginx.conf"

    def access_log(self) -> list[dict[str, str]]:
        return parse_access_log(self.access_log_path)

    def replica_for(self, upstream_addr: str) -> Replica | None:
        """The replica that answered a request logged with this $upstream_addr (its last address)."""
        last = upstream_addr.split(",")[-1].strip()
        return next((r for r in self.replicas if r.addr == last), None)

    def stop_replica(self, index: int) -> None:
        """Stop one replica (to watch nginx fail over to the others)."""
        _stop(self.replicas[index].process)

    def healthy(self) -> list[str]:
        """Names of the replicas whose health endpoint answers now."""
        return [r.name for r in self.replicas if _healthy(r.url, timeout=1.0)]

    def planned(self) -> list[tuple[str, str, Path]]:
        """(name, url, log path) of every replica, started or not yet."""
        return [(replica_name(i), f"http://{REPLICA_HOST}:{p}", self.directory / f"replica-{i}.log")
                for i, p in enumerate(self.ports)]

    def wait_all_healthy(self, timeout_s: float = STARTUP_TIMEOUT_S) -> float:
        """Wait until every replica answers (after an early start); returns the seconds since the start.
        Raises RuntimeError when a replica has exited, TimeoutError after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        _wait_until(lambda: len(self.replicas) >= len(self.ports), "the later replicas' start", deadline,
                    lambda: self._closed.is_set() and "the replicas were stopped")
        for r in self.replicas:
            _wait_until(lambda r=r: _healthy(r.url), f"replica {r.name} ({r.url})", deadline,
                        lambda r=r: _exited(r))
        return time.monotonic() - self.started_at

    def warm_up(self, timeout_s: float = STARTUP_TIMEOUT_S) -> float:
        """Run the app once in every replica at once (``warm_s``, ``warm_problems``); returns the seconds."""
        self.warm_s = _warm_up(self, time.monotonic() + timeout_s)
        return self.warm_s

    def dead(self) -> list[str]:
        """Names of the children that have exited."""
        out = [r.name for r in self.replicas if r.process.poll() is not None]
        if self.nginx is not None and self.nginx.poll() is not None:
            out.append("nginx")
        return out

    def close(self) -> None:
        self._closed.set()
        with self._spawning:  # a replica being started now is in the list after this
            pass
        # nginx first, so no request reaches a replica that is going away
        procs = ([self.nginx] if self.nginx is not None else []) + [r.process for r in self.replicas]
        for p in procs:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            _stop(p)
        for f in self._open_logs:
            f.close()
        self._open_logs.clear()


def _start_later(cluster: Cluster, first: int, env: dict[str, str], extra_args: Sequence[str],
                 delay_s: float) -> None:
    """Start replicas ``first``... of ``cluster.ports`` after ``delay_s`` (unless the cluster is closed by then)."""
    if cluster._closed.wait(delay_s):
        return
    for i in range(first, len(cluster.ports)):
        with cluster._spawning:
            if cluster._closed.is_set():
                return
            cluster.replicas.append(_start_replica(cluster, i, cluster.ports[i], env, extra_args))


def _start_replica(cluster: Cluster, index: int, port: int, env: dict[str, str],
                   extra_args: Sequence[str] = ()) -> Replica:
    log_path = cluster.directory / f"replica-{index}.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed by Cluster.close
    cluster._open_logs.append(log)
    proc = subprocess.Popen(
        [sys.executable, "-m", "advlab.serve", *extra_args, "--server.port", str(port),
         "--server.address", REPLICA_HOST, "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    return Replica(index, port, proc, log_path)


_held = {"depth": 0, "pending": False}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C or SIGTERM (as set up by :func:`stop_on_signals`) during the block takes effect after it,
    so a child started in it is always noted for the clean-up. (Not the signal mask: children inherit it.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run in the main thread only
        return
    _held["depth"] += 1
    try:
        yield
    finally:
        _held["depth"] -= 1
    if _held["depth"] == 0 and _held["pending"]:
        _held["pending"] = False
        raise KeyboardInterrupt


def _exited(r: Replica) -> str | bool:
    """The message for a replica that has exited, False while it runs."""
    return r.process.poll() is not None and (f"replica {r.name} exited with code {r.process.returncode}; "
                                             f"end of {r.log_path}:\n" + _tail(r.log_path))


def _wait_until(check, what: str, deadline: float, failed) -> None:
    while not check():
        problem = failed()
        if problem:
            raise RuntimeError(problem)
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not become healthy in time")
        time.sleep(0.25)


def _warm_up(cluster: Cluster, deadline: float) -> float:
    """One first run of the app in every replica at once; the seconds it took. A replica whose
    run fails still serves (other pages may work): the problem is kept in ``warm_problems``."""
    from concurrent.futures import ThreadPoolExecutor

    from advlab.ui.probe import visit

    def one(r: Replica) -> list[str]:
        try:
            with visit(r.url, timeout_s=max(1.0, deadline - time.monotonic())) as v:
                return [f"replica {r.name}'s first run showed an error: {e}" for e in v.errors]
        except Exception as e:  # noqa: BLE001 - any failure of the run is reported, serving goes on
            return [f"replica {r.name}'s first run failed: {type(e).__name__}: {e} (log {r.log_path})"]

    t0 = time.monotonic()
    with ThreadPoolExecutor(len(cluster.replicas)) as pool:
        for problems in pool.map(one, cluster.replicas):
            cluster.warm_problems += problems
    return time.monotonic() - t0


@contextlib.contextmanager
def replicas(n: int = 2, port: int | None = None, *, host: str = "127.0.0.1", tf_threads: int = 1,
             directory: str | Path | None = None, nginx: str | None = None, warm: bool = True,
             early: bool = False, stagger_s: float = 0.0, extra_args: Sequence[str] = (),
             startup_timeout_s: float = STARTUP_TIMEOUT_S) -> Iterator[Cluster]:
    """Start ``n`` replicas and nginx on ``host:port`` (a free port when None); stop them all on exit.

    With ``warm``, each replica runs the first page once before nginx starts, so the
    first students do not wait for TensorFlow to load (``Cluster.warm_s`` says how long
    that took).

    With ``early`` (what ``make run`` does), nginx starts as soon as ONE replica answers
    and the context is entered then: the address answers while the others are still
    starting (nginx passes every request on to a replica that answers, so a visitor
    never sees an error page of its own) and ``warm`` is ignored (every replica warms
    itself in the background). ``Cluster.wait_all_healthy()`` waits for the rest.
    With ``stagger_s`` too, the first replica starts alone and the others ``stagger_s``
    seconds after it answers, so they do not take the cores from the first visitors'
    runs (nginx sends every request to the replicas that answer).
    ``extra_args`` are passed on to every ``python -m advlab.serve``.

    Raises FileNotFoundError when nginx is not installed, RuntimeError when a child
    exits during start-up (with the end of its log), TimeoutError when one does not
    become healthy within ``startup_timeout_s``.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    nginx = nginx or find_nginx()
    if nginx is None:
        raise FileNotFoundError("nginx not found: install it (Debian: apt-get install nginx, or `make nginx` as root)")
    if port:
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx does
            try:
                s.bind((host or "0.0.0.0", port))
            except OSError as e:
                raise RuntimeError(f"nginx cannot listen on {host}:{port}: {e.strerror}") from e
    keep = directory is not None
    path = Path(directory) if keep else Path(tempfile.mkdtemp(prefix="advlab-replicas-"))
    path.mkdir(parents=True, exist_ok=True)
    path = path.resolve()
    (path / "tmp").mkdir(exist_ok=True)
    if os.geteuid() == 0:
        # nginx's workers (nobody) must reach their temp directories
        path.chmod(0o711)
        (path / "tmp").chmod(0o711)
    port = port or free_port(host)
    cluster = Cluster(url=f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}",
                      directory=path, replicas=[], started_at=time.monotonic())
    env = {**os.environ, "ADVLAB_TF_THREADS": str(tf_threads), "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONUNBUFFERED": "1",
           # one secret for all: Streamlit's XSRF cookie issued by one replica stays valid on the others
           "STREAMLIT_SERVER_COOKIE_SECRET": os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET",
                                                            secrets.token_hex(32))}
    # the cores are shared out between the replicas: each trains on one worker thread and
    # keeps its BLAS to as many threads as TensorFlow
    env.setdefault("ADVLAB_WORKERS", "1")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, str(tf_threads))
    try:
        ports = cluster.ports
        for i in range(n):
            p = free_port()
            while p in ports or p == port:
                p = free_port()
            ports.append(p)
            if early and stagger_s > 0 and i > 0:
                continue
            with _signals_held():  # a Ctrl-C between the start and the note would leave it running
                cluster.replicas.append(_start_replica(cluster, i, p, env, extra_args))
        deadline = time.monotonic() + startup_timeout_s
        if early:
            _wait_until(lambda: any(_healthy(r.url, timeout=0.5) for r in cluster.replicas),
                        "no replica", deadline, lambda: next(filter(None, map(_exited, cluster.replicas)), False))
        else:
            for r in cluster.replicas:
                _wait_until(lambda r=r: _healthy(r.url), f"replica {r.name} ({r.url})", deadline,
                            lambda r=r: _exited(r))
        cluster.first_healthy_at = time.monotonic()
        if warm and not early:
            cluster.warm_s = _warm_up(cluster, deadline)
        listen = f"{host}:{port}" if host not in ("", "0.0.0.0") else str(port)
        cluster.conf_path.write_text(render_nginx_conf(ports, listen=listen, prefix=path), encoding="utf-8")
        nginx_out = open(path / "nginx.out", "w", encoding="utf-8")  # noqa: SIM115 - closed by Cluster.close
        cluster._open_logs.append(nginx_out)
        with _signals_held():
            cluster.nginx = subprocess.Popen(
                [nginx, "-p", str(path), "-e", str(cluster.error_log_path), "-c", str(cluster.conf_path),
                 "-g", f"daemon off; pid {path / 'nginx.pid'};"],
                stdout=nginx_out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        _wait_until(lambda: _healthy(cluster.url), f"nginx ({cluster.url})", deadline,
                    lambda: cluster.nginx.poll() is not None and
                    f"nginx exited with code {cluster.nginx.returncode}:\n"
                    + (_tail(cluster.error_log_path) or _tail(path / "nginx.out")))
        cluster.serving_at = time.monotonic()
        if len(cluster.replicas) < n:
            threading.Thread(target=_start_later, args=(cluster, len(cluster.replicas), env, extra_args, stagger_s),
                             name="advlab-later-replicas", daemon=True).start()
        yield cluster
    finally:
        cluster.close()
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def watch(cluster: Cluster, *, announce_all: bool = False) -> int:
    """Watch the children until nginx or every replica has exited (returns 1) or Ctrl-C / SIGTERM
    (KeyboardInterrupt, see :func:`stop_on_signals`). With ``announce_all``, say when every
    replica answers (after an early start)."""
    reported: set[str] = set()
    waiting = announce_all
    while True:
        dead = cluster.dead()
        if "nginx" in dead:
            print(f"nginx exited; end of its error log:\n{_tail(cluster.error_log_path)}", file=sys.stderr)
            return 1
        for name in set(dead) - reported:
            print(f"replica {name} exited: nginx sends its students to the others", file=sys.stderr)
            reported.add(name)
        if len(reported) == len(cluster.ports):
            print("every replica has exited", file=sys.stderr)
            return 1
        if waiting and not dead and len(cluster.healthy()) == len(cluster.ports):
            waiting = False
            print(f"  all {len(cluster.ports)} replicas answer "
                  f"({time.monotonic() - cluster.started_at:.1f} s after the start)", flush=True)
        time.sleep(1.0)


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, once: a second one must not interrupt
    the clean-up that stops the children."""
    def _stop_signal(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if _held["depth"]:
            _held["pending"] = True
            return
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, _stop_signal)
    signal.signal(signal.SIGTERM, _stop_signal)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.replicas", description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", "-n", type=int, default=2, help="number of Streamlit servers (default 2; "
                        "one per core is the rule of thumb)")
    parser.add_argument("--port", type=int, default=8080, help="port nginx listens on (default 8080)")
    parser.add_argument("--host", default="0.0.0.0",
                        help="address nginx listens on (default 0.0.0.0, every interface, like `make run`; "
                             "127.0.0.1 for this machine only)")
    parser.add_argument("--tf-threads", type=int, default=1, help="ADVLAB_TF_THREADS of each replica (default 1)")
    parser.add_argument("--no-warm", dest="warm", action="store_false",
                        help="do not run the app once in each replica before serving")
    parser.add_argument("--dir", help="directory for the nginx config and the logs, kept on exit "
                        "(default: a temporary one, removed on exit)")
    args = parser.parse_args(argv)

    stop_on_signals()
    print(f"Starting {args.replicas} replica(s) and nginx...", flush=True)

    def announce(cluster: Cluster) -> None:
        print(f"advlab is served at {cluster.url} by {args.replicas} replica(s) behind nginx", flush=True)
        if cluster.warm_s is not None:
            print(f"  (each replica ran the app once to warm up: {cluster.warm_s:.1f} s)", flush=True)
        for problem in cluster.warm_problems:
            print(f"warning: {problem}", file=sys.stderr, flush=True)
        for r in cluster.replicas:
            print(f"  {r.name}: {r.url}  (log {r.log_path})", flush=True)

    return serve_until_stopped(lambda: replicas(args.replicas, args.port, host=args.host, tf_threads=args.tf_threads,
                                                directory=args.dir, warm=args.warm),
                               announce, host=args.host, port=args.port)


def serve_until_stopped(start, announce, *, host: str, port: int, announce_all: bool = False) -> int:
    """Bring up the cluster ``start()`` returns (a context manager), say where it is
    (``announce(cluster)``, then the lines every launcher prints) and serve until Ctrl-C
    or a signal; the exit status. Start-up failures are one line on stderr."""
    try:
        with start() as cluster:
            announce(cluster)
            if host in ("", "0.0.0.0"):
                print(f"  (on every interface: students open http://<this machine's name or address>:{port})",
                      flush=True)
            print(f"  nginx access log (which replica served what): {cluster.access_log_path}", flush=True)
            print("Ctrl-C stops everything.", flush=True)
            return watch(cluster, announce_all=announce_all)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
        return 0
    except (FileNotFoundError, RuntimeError, TimeoutError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
