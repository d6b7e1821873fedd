"""Deployment beyond one process: the Docker image, the Kubernetes manifest, and
N replicas behind nginx (``deploy/``).

The Dockerfile and the manifest are read, not run (no Docker engine or cluster is
needed). The replica tests start two real replicas behind Debian's nginx on free
ports of 127.0.0.1; without nginx they skip with a message, except under CI
(``CI=true``), where a missing nginx is a failure.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from advlab.ui.probe import COOKIE, http_status, visit
from benchmarks.loadtest import ServerProbe, listening_pid
from deploy import replicas as rep
from deploy import run as launcher

ROOT = Path(__file__).resolve().parents[1]
HEALTH = "/_stcore/health"
STREAM = "/_stcore/stream"
DAY_S = 86400
STAGGER_S = 2.0  # the test cluster's second replica starts this long after the first answers


def _missing(what: str, how: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing: CI must run the deployment tests; {how}")
    pytest.skip(f"{what} is missing: {how}")


# ------------------------------------------------------------- Kubernetes ---

@pytest.fixture(scope="module")
def k8s() -> dict[str, dict]:
    try:
        import yaml
    except ImportError:
        _missing("PyYAML", "pip install -r requirements-dev.txt")
    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "kubernetes.yaml").read_text(encoding="utf-8")) if d]
    kinds = [d["kind"] for d in docs]
    assert len(kinds) == len(set(kinds)), f"one object of each kind expected, got {kinds}"
    return {d["kind"]: d for d in docs}


def _container(k8s) -> dict:
    (c,) = k8s["Deployment"]["spec"]["template"]["spec"]["containers"]
    return c


def _cpu(v) -> float:
    v = str(v)
    return float(v[:-1]) / 1000 if v.endswith("m") else float(v)


def test_k8s_has_deployment_service_ingress(k8s):
    assert set(k8s) == {"Deployment", "Service", "Ingress"}
    assert k8s["Deployment"]["spec"]["replicas"] >= 2


def test_k8s_probes_use_streamlit_health(k8s):
    c = _container(k8s)
    ports = {p.get("name"): p["containerPort"] for p in c["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        get = c[probe]["httpGet"]
        assert get["path"] == HEALTH, probe
        assert get["port"] in ports or get["port"] in ports.values(), probe
    if "startupProbe" in c:
        assert c["startupProbe"]["httpGet"]["path"] == HEALTH
        # TensorFlow's import must fit in the start-up allowance
        assert c["startupProbe"]["periodSeconds"] * c["startupProbe"]["failureThreshold"] >= 60


def test_k8s_one_core_per_replica(k8s):
    c = _container(k8s)
    res = c["resources"]
    assert 0.5 <= _cpu(res["requests"]["cpu"]) <= 2
    assert 0.5 <= _cpu(res["limits"]["cpu"]) <= 2
    assert "memory" in res["requests"] and "memory" in res["limits"]
    env = {e["name"]: e.get("value") for e in c["env"]}
    assert env["ADVLAB_TF_THREADS"] == "1"


def test_k8s_runs_as_the_images_user(k8s):
    pod = k8s["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    docker_uid = re.search(r"--uid (\d+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert docker_uid and pod["securityContext"]["runAsUser"] == int(docker_uid.group(1))


def test_k8s_service_reaches_the_container_port(k8s):
    c = _container(k8s)
    svc = k8s["Service"]["spec"]
    dep_labels = k8s["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert svc["selector"].items() <= dep_labels.items()
    (port,) = svc["ports"]
    target = port["targetPort"]
    by_name = {p.get("name"): p["containerPort"] for p in c["ports"]}
    assert (by_name[target] if isinstance(target, str) else target) == 8501
    assert svc["sessionAffinity"] == "ClientIP"
    # the Ingress sends to this Service's port
    backend = k8s["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == k8s["Service"]["metadata"]["name"]
    assert backend["port"].get("name") == port.get("name") or backend["port"].get("number") == port["port"]


def test_k8s_ingress_sticky_cookie_and_long_timeouts(k8s):
    ann = k8s["Ingress"]["metadata"]["annotations"]
    p = "nginx.ingress.kubernetes.io/"
    assert ann[p + "affinity"] == "cookie"
    assert ann[p + "session-cookie-name"] == COOKIE
    assert ann.get(p + "affinity-mode", "balanced") == "persistent"  # scaling up keeps sessions where they are
    for t in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(ann[p + t]) >= 3600, t
    assert k8s["Ingress"]["spec"].get("ingressClassName") == "nginx"


# ---------------------------------------------------------------- Docker ---

def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    out, buf = [], ""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if not buf and (not s or s.startswith("#")):
            continue
        if s.startswith("#"):  # a comment inside a continued instruction
            continue
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        full = buf + s
        buf = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    assert not buf, "the Dockerfile ends inside a continued line"
    return out


def _args(rest: str) -> list[str]:
    return json.loads(rest) if rest.startswith("[") else shlex.split(rest)


def test_dockerfile_base_and_requirements():
    ins = dockerfile()
    (base,) = [r for i, r in ins if i == "FROM"]
    assert re.match(r"python:3\.11[.\d]*-slim", base), base
    copies = [r for i, r in ins if i == "COPY"]
    runs = " ".join(r for i, r in ins if i == "RUN")
    assert any("requirements.txt" in c for c in copies)
    assert re.search(r"pip install .*-r requirements\.txt", runs)
    # CPU TensorFlow comes from requirements.txt: it must choose tensorflow-cpu on linux x86_64
    req = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r'^tensorflow-cpu==[\d.]+; sys_platform == "linux" and platform_machine == "x86_64"', req,
                     re.MULTILINE)
    assert "tensorflow" not in runs.replace("requirements.txt", "")  # no second TensorFlow install
    for needed in ("app.py", "advlab", "pages", ".streamlit"):
        assert any(needed in c for c in copies), needed


def test_dockerfile_runs_the_app_as_a_user_with_a_health_check():
    ins = dockerfile()
    users = [r for i, r in ins if i == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    # the last USER comes after every RUN (nothing runs as root once it is set)
    last_user = max(k for k, (i, _) in enumerate(ins) if i == "USER")
    assert all(i != "RUN" for i, _ in ins[last_user:])
    (hc,) = [r for i, r in ins if i == "HEALTHCHECK"]
    assert HEALTH in hc and "8501" in hc
    assert "8501" in next(r for i, r in ins if i == "EXPOSE").split()
    (cmd,) = [_args(r) for i, r in ins if i == "CMD"]
    assert cmd[:3] == ["python", "-m", "advlab.serve"]
    assert cmd[cmd.index("--server.port") + 1] == "8501"
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    env = " ".join(r for i, r in ins if i == "ENV")
    assert re.search(r"TF_CPP_MIN_LOG_LEVEL=2", env)


def test_dockerignore_keeps_the_context_small():
    lines = {x.strip().rstrip("/") for x in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
             if x.strip() and not x.startswith("#")}
    for big in (".venv", ".git", "artifacts", ".pytest_cache"):
        assert big in lines, big
    for needed in ("app.py", "advlab", "pages", "requirements.txt", ".streamlit"):
        assert needed not in lines, needed


# ---------------------------------------------------------- nginx config ---

def test_nginx_config_pins_by_cookie_and_passes_websockets(tmp_path):
    conf = rep.render_nginx_conf([8601, 8602, 8603], listen="127.0.0.1:8080", prefix=tmp_path)
    assert "listen 127.0.0.1:8080;" in conf
    for i, port in enumerate((8601, 8602, 8603)):
        group = re.search(rf"upstream advlab_r{i} \{{(.*?)\}}", conf, re.DOTALL).group(1)
        servers = re.findall(r"server (\S+?)( backup)?[ ;]", group)
        assert servers[0] == (f"127.0.0.1:{port}", "")  # its own replica first
        assert sorted(a for a, b in servers[1:] if b) == sorted(f"127.0.0.1:{p}" for p in (8601, 8602, 8603)
                                                                 if p != port)
    stream = re.search(r"location /_stcore/stream \{(.*?)\}", conf, re.DOTALL).group(1)
    assert f"proxy_read_timeout {DAY_S}s" in stream and f"proxy_send_timeout {DAY_S}s" in stream
    assert "proxy_http_version 1.1;" in conf and "Upgrade" in conf and "$connection_upgrade" in conf
    assert "$upstream_addr" in re.search(r"log_format advlab (.*?);", conf, re.DOTALL).group(1)
    # nothing written outside the prefix
    for path in re.findall(r"(?:_temp_path|error_log|access_log)\s+(\S+)", conf):
        assert path.startswith(str(tmp_path)), path


class HeldStreams:
    """A stand-in replica: it answers ``/_stcore/stream`` with a status and headers and then holds the
    connection open until closed, as a session's websocket holds its replica; it counts the sessions."""

    def __init__(self, port: int):
        import http.server

        self.sessions, self.release, self.lock = 0, threading.Event(), threading.Lock()
        held = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                stream = self.path.startswith(STREAM)
                if stream:  # counted before the answer, so a client that has its answer finds it counted
                    with held.lock:
                        held.sessions += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.flush()
                if stream:
                    held.release.wait(30)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _open_stream(port: int) -> socket.socket:
    """A session's websocket as nginx sees it: a request to the stream that stays open; returns once
    the replica's headers have come back."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(f"GET {STREAM} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(4096)
        assert chunk, "nginx closed the stream"
        got += chunk
    assert got.startswith(b"HTTP/1.1 200"), got[:200]
    return s


def test_a_replica_refused_once_still_gets_its_share_of_new_sessions(tmp_path):
    """A replica that refused a connection once (it was still starting) takes new sessions again as
    soon as it answers, although every session holds its replica for as long as it lasts."""
    nginx = rep.find_nginx()
    if nginx is None:
        _missing("nginx", "install Debian's nginx (apt-get install nginx), e.g. via `make nginx` as root")
    a_port, b_port, port = rep.free_port(), rep.free_port(), rep.free_port()
    (tmp_path / "tmp").mkdir()
    if os.geteuid() == 0:
        tmp_path.chmod(0o711)
        (tmp_path / "tmp").chmod(0o711)
    conf = tmp_path / "nginx.conf"
    conf.write_text(rep.render_nginx_conf([a_port, b_port], listen=f"127.0.0.1:{port}", prefix=tmp_path))
    a = HeldStreams(a_port)
    proc = subprocess.Popen([nginx, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf),
                             "-g", f"daemon off; pid {tmp_path / 'nginx.pid'};"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    b, streams = None, []
    try:
        deadline = time.monotonic() + 20
        while _status(f"http://127.0.0.1:{port}{HEALTH}", timeout=2) != 200:
            assert time.monotonic() < deadline and proc.poll() is None, "nginx did not start"
            time.sleep(0.1)
        # the second replica is not up yet: first visits go to the first one, one of them after a refusal
        streams += [_open_stream(port) for _ in range(3)]
        assert a.sessions == 3
        assert "refused" in (tmp_path / "error.log").read_text()
        b = HeldStreams(b_port)
        # now a class arrives, everyone at once, while the first sessions are still open
        streams += [_open_stream(port) for _ in range(8)]
        assert b.sessions == 4 and a.sessions == 7, (a.sessions, b.sessions)
    finally:
        for s in streams:
            s.close()
        proc.terminate()
        proc.wait(10)
        a.close()
        if b is not None:
            b.close()


# ------------------------------------------------- make run's launcher ---

NGINX = "/usr/sbin/nginx"
QUICK = {"ADVLAB_PRELOAD": "0", "ADVLAB_WARMUP": "0"}  # a server that starts fast and stays idle


def test_make_run_serves_one_replica_per_core_behind_nginx():
    assert launcher.choose(replicas=None, nginx=NGINX, cores=4) == launcher.Choice(4, nginx=NGINX)
    assert launcher.choose(replicas=3, nginx=NGINX, cores=2) == launcher.Choice(3, nginx=NGINX)
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:(.*)\n\t(.*)$", make, re.MULTILINE)
    assert "nginx" in recipe.group(1).split(), "make run installs nginx first where it can"
    assert "-m deploy.run" in recipe.group(2) and "--replicas $(N)" in recipe.group(2)
    assert re.search(r"^N\s+\?= auto$", make, re.MULTILINE)


@pytest.mark.parametrize(("replicas", "nginx", "cores", "says"), [
    (1, NGINX, 2, ["N=1", "one replica per core"]),
    (None, None, 2, ["nginx is not installed", "make nginx"]),
    (4, None, 8, ["nginx is not installed", "make nginx"]),
    (None, NGINX, 1, ["one usable core", "N=2"]),
])
def test_launcher_serves_one_process_and_says_why(replicas, nginx, cores, says):
    choice = launcher.choose(replicas=replicas, nginx=nginx, cores=cores)
    assert choice.replicas == 1 and choice.nginx is None
    for part in says:
        assert part in choice.reason, (part, choice.reason)


def _launch(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "deploy.run", *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})})


def test_launcher_without_nginx_says_how_to_get_replicas():
    out = subprocess.run([sys.executable, "-m", "deploy.run", "--replicas", "2", "--nginx", "/nonexistent/nginx",
                          "--dry-run"], check=False, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    (line,) = out.stdout.splitlines()
    assert "serving one process" in line and "nginx is not installed" in line and "make nginx" in line


@pytest.mark.parametrize("replicas", ["1", "2"])
def test_launcher_on_a_port_in_use_says_so_without_a_traceback(replicas):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _launch("--replicas", replicas, "--port", str(port), "--host", "127.0.0.1")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"cannot serve on 127.0.0.1:{port}" in err and "in use" in err and "PORT=" in err, err
    assert "Traceback" not in err + out


def _wait_answering(url: str, proc: subprocess.Popen, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while _status(url + HEALTH) != 200:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{url} did not answer"
        time.sleep(0.1)


def _kill_family(proc: subprocess.Popen, probe: ServerProbe) -> None:
    """After a failed test: kill the launcher and whatever it started (they are in sessions of their own)."""
    if proc.poll() is None:
        for pid in probe.pids():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(10)


def test_launcher_with_n1_is_one_streamlit_process():
    """make run N=1: the launcher becomes the Streamlit server itself (the same process, no nginx)."""
    port = rep.free_port()
    proc = _launch("--replicas", "1", "--port", str(port), "--host", "127.0.0.1", env=QUICK)
    try:
        _wait_answering(f"http://127.0.0.1:{port}", proc)
        assert listening_pid(port) == proc.pid
        family = ServerProbe(proc.pid).pids()
        assert len(family) == 1, family
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert out.splitlines()[0].startswith("serving one process, as asked (N=1)")


def _gone(pids: list[int], timeout_s: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while True:
        left = [p for p in pids if os.path.exists(f"/proc/{p}") and _stat_state(p) != "Z"]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def _stat_state(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return raw[raw.rfind(")") + 2]


@pytest.mark.parametrize("when", ["starting", "serving"])
def test_launcher_stopped_leaves_no_process_behind(when):
    """Ctrl-C while the replicas start, SIGTERM once it serves: nginx and every replica are gone."""
    if rep.find_nginx() is None:
        _missing("nginx", "install Debian's nginx (apt-get install nginx), e.g. via `make nginx` as root")
    port = rep.free_port()
    proc = _launch("--replicas", "2", "--port", str(port), "--host", "127.0.0.1", "--stagger",
                   "0" if when == "starting" else "0.5", env=QUICK)
    probe = ServerProbe(proc.pid)
    deadline = time.monotonic() + 120

    def names(pids: list[int]) -> str:
        out = []
        for pid in pids:
            with contextlib.suppress(OSError):
                out.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        return " ".join(out)

    try:
        if when == "starting":
            sig = signal.SIGINT
        else:
            _wait_answering(f"http://127.0.0.1:{port}", proc)
            sig = signal.SIGTERM
        while names(probe.pids()).count("advlab.serve") < 2:  # both replicas started
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.02)
        family = probe.pids()
        if when == "serving":
            assert "nginx" in names(family)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
    finally:
        _kill_family(proc, probe)
    assert proc.returncode == 0 and "Stopped." in out, (out, err)
    assert "Traceback" not in err, err
    assert _gone(family) == [], "left running after the stop"
    assert _status(f"http://127.0.0.1:{port}" + HEALTH) is None


# ------------------------------------------------------ replicas + nginx ---

def _status(url: str, timeout: float = 30.0) -> int | None:
    """The HTTP status of a GET, None when nothing answers (connection refused)."""
    try:
        return http_status(url, timeout=timeout)
    except (urllib.error.URLError, OSError):
        return None


class StartWatch:
    """Opens the address over and over from before the start until stopped, as a
    visitor reloading the link while `make run` starts would: (seconds, path, status)."""

    def __init__(self, url: str):
        self.url, self.seen, self.t0 = url, [], time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for path in ("/", HEALTH):
                self.seen.append((time.monotonic() - self.t0, path, _status(self.url + path)))
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def cluster():
    """Two replicas behind nginx, started as `make run` starts them (nginx as soon as the first
    replica answers, the second a little later), watched from before the start; then every
    replica runs the app once."""
    if rep.find_nginx() is None:
        _missing("nginx", "install Debian's nginx (apt-get install nginx), e.g. via `make nginx` as root")
    port = rep.free_port()
    watch = StartWatch(f"http://127.0.0.1:{port}")
    try:
        with rep.replicas(2, port, early=True, stagger_s=STAGGER_S) as c:
            c.second_started = len(c.replicas) == 2
            # a visitor who opens the app the moment the address answers
            with visit(c.url, timeout_s=180.0) as first:
                c.first_visit = (first.status, first.errors, time.monotonic() - c.started_at)
            c.all_healthy_s = c.wait_all_healthy()
            c.warm_up()
            watch.stop()
            c.start_watch = watch
            # nginx sends first visits to the second replica again (it was skipped while it did not answer)
            deadline = time.monotonic() + 30
            while {_get(c.url + HEALTH)[1] for _ in range(4)} != {"r0", "r1"} and time.monotonic() < deadline:
                time.sleep(0.5)
            yield c
    finally:
        watch.stop()


def _get(url: str, cookie: str | None = None) -> tuple[int, str | None]:
    """(status, the advlab_replica value of a Set-Cookie or None) of a GET."""
    req = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            status, headers = r.status, r.headers
    except urllib.error.HTTPError as e:
        status, headers = e.code, e.headers
    for h in headers.get_all("Set-Cookie") or []:
        m = re.match(rf"\s*{COOKIE}=([^;]*)", h)
        if m:
            return status, m.group(1)
    return status, None


def _marked(cluster, tokens: list[str], timeout_s: float = 15.0) -> dict[str, dict]:
    """The access log entry of each request sent with ``?probe=<token>``. nginx writes an entry
    once the request is over, which can be after the client has read the answer, so the
    entries are waited for and found by their token rather than by their position."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = {}
        for e in cluster.access_log():
            m = re.search(r"[?&]probe=(\w+)", e["path"])
            if m and m.group(1) in tokens:
                found[m.group(1)] = e
        if len(found) == len(tokens) or time.monotonic() > deadline:
            assert len(found) == len(tokens), f"not logged: {set(tokens) - set(found)}"
            return found
        time.sleep(0.1)


def _settled_log_length(cluster, quiet_s: float = 1.0, timeout_s: float = 15.0) -> int:
    """Length of the access log once earlier requests have all been logged (no new line for ``quiet_s``)."""
    deadline = time.monotonic() + timeout_s
    n, since = len(cluster.access_log()), time.monotonic()
    while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
        time.sleep(0.1)
        m = len(cluster.access_log())
        if m != n:
            n, since = m, time.monotonic()
    return n


def _streams_after(cluster, since: int, count: int, timeout_s: float = 15.0) -> list[dict]:
    """The websocket entries after the first ``since``, once there are ``count`` (logged when they close)."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = [e for e in cluster.access_log()[since:] if e["path"].startswith(STREAM)]
        if len(got) >= count or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def test_replicas_healthy_through_nginx(cluster):
    assert len(cluster.replica_urls) == 2
    for url in [cluster.url, *cluster.replica_urls]:
        assert _get(url + HEALTH)[0] == 200, url
    # every replica ran the app once without an error
    assert cluster.warm_s is not None
    assert cluster.warm_problems == [], cluster.warm_problems


def test_the_address_answers_as_soon_as_one_replica_does_and_never_with_an_error(cluster):
    """`make run` with replicas: nginx answers once the first replica does (not after all of them
    have started or warmed up), and a visitor reloading the link all through the start-up gets
    either no answer yet or the replica's own answer: never a 502 or another nginx error page."""
    seen = cluster.start_watch.seen
    answered = [(t, path, status) for t, path, status in seen if status is not None]
    assert answered, "the address never answered during the start-up"
    wrong = [(round(t, 1), path, status) for t, path, status in answered if status != 200]
    assert wrong == [], f"answers other than the app's own during the start-up: {wrong[:10]}"
    refused = [t for t, _, status in seen if status is None]
    assert refused and max(refused) < answered[0][0], "refused connections come only before the first answer"
    assert cluster.serving_at - cluster.first_healthy_at < 3.0, "nginx waited after the first replica answered"
    # the second replica started after the address answered; requests nginx first sent to it
    # while it did not answer yet were answered by the first one
    assert not cluster.second_started
    r0, r1 = (r.addr for r in cluster.replicas)
    assert any(e["upstream"] == f"{r1}, {r0}" and e["status"] == "200" for e in cluster.access_log())
    # it kept answering while the other replica started and every replica ran the app
    assert answered[-1][0] - answered[0][0] > cluster.warm_s
    # the visitor who opened the app the moment it answered got the page's first run, no error
    status, errors, _ = cluster.first_visit
    assert status == "FINISHED_SUCCESSFULLY" and errors == [], cluster.first_visit


def test_first_visits_spread_and_the_cookie_pins(cluster):
    tokens = [uuid.uuid4().hex for _ in range(4)]
    given = [_get(f"{cluster.url}/?probe={t}")[1] for t in tokens]
    assert set(given) == {"r0", "r1"}, f"first visits should spread over both replicas: {given}"
    log = _marked(cluster, tokens)
    for t, name in zip(tokens, given, strict=True):
        # the cookie names the replica that answered
        assert cluster.replica_for(log[t]["upstream"]).name == name
    # a browser that sends its cookie back stays on its replica and gets no new cookie
    for name in ("r0", "r1"):
        tokens = [uuid.uuid4().hex for _ in range(6)]
        for path, t in zip(("/", HEALTH) * 3, tokens, strict=True):
            assert _get(f"{cluster.url}{path}?probe={t}", cookie=name) == (200, None)
        served = {cluster.replica_for(e["upstream"]).name for e in _marked(cluster, tokens).values()}
        assert served == {name}


def test_unknown_cookie_counts_as_a_first_visit(cluster):
    for bogus in ("r9", "127.0.0.1:22", "advlab_r0", ""):
        status, name = _get(cluster.url + "/", cookie=bogus)
        assert status == 200 and name in ("r0", "r1"), bogus


def test_sessions_land_on_both_replicas_and_stay(cluster):
    """Several students open the app at once through nginx: both replicas serve sessions,
    every session's websocket reaches the replica its cookie names, none fails."""
    since = _settled_log_length(cluster)
    students = 4
    if importlib.util.find_spec("benchmarks.loadtest") is not None:
        from benchmarks import loadtest

        report = loadtest.run(cluster.url, students=students, scenario="same-link", actions=2, think_s=0.5,
                              timeout_s=180.0)
        assert report.errors == [] and report.timeouts == 0, (report.errors, report.timeouts)
        assert report.finished == students
    else:  # the same check with one plain visit per student
        for _ in range(students):
            with visit(cluster.url, timeout_s=180.0) as v:
                assert v.replica in ("r0", "r1") and v.errors == []
    streams = _streams_after(cluster, since, students)
    assert len(streams) == students, streams
    assert all(e["status"] == "101" for e in streams), streams
    served = [cluster.replica_for(e["upstream"]).name for e in streams]
    assert set(served) == {"r0", "r1"}, f"sessions should spread over both replicas: {served}"
    for e, name in zip(streams, served, strict=True):
        # a websocket that came with a cookie went to the replica it names
        assert e["cookie"] in ("-", "", name), e


def test_a_download_is_served_by_the_sessions_replica(cluster):
    """Why the cookie matters: a page's download file lives in the replica that ran the page."""
    # the Seed Lab's accuracy curve is written into its first run (the larger downloads are written on
    # click); a network seed of its own makes the CSV (and its /media URL) unique to this session
    with visit(cluster.url, page="seed-lab", query=f"seed={int(time.time()) % 9000 + 1000}", timeout_s=180.0) as v:
        assert v.download_urls, "the Seed Lab's first run shows no download written with the page"
        other = "r1" if v.replica == "r0" else "r0"
        url = v.download_urls[0]
        assert v.get(url) == 200
        assert v.get(url, cookies={**v.cookies, COOKIE: other}) == 404


def test_a_stopped_replica_hands_its_browsers_to_another(cluster):
    """Runs last: stops replica r1. Its browsers are served by r0 and re-pinned there."""
    cluster.stop_replica(1)
    status, name = _get(cluster.url + HEALTH, cookie="r1")
    assert (status, name) == (200, "r0")
    assert _get(cluster.url + "/", cookie="r0") == (200, None)
    for _ in range(3):  # first visits only go to the replica that is up
        assert _get(cluster.url + "/") == (200, "r0")
    with visit(cluster.url, cookies={COOKIE: "r1"}, timeout_s=180.0) as v:
        assert v.replica == "r0" and v.status == "FINISHED_SUCCESSFULLY"
