"""Load test: many students on one advlab server, over Streamlit's own websocket protocol.

``python -m benchmarks.loadtest`` (``make loadtest``) simulates a class. Each
student is one websocket connection speaking the protocol a browser tab speaks
(no browser, so a laptop can play thirty students): it opens a page, then
moves the ε slider about once a second and times every step from sending the
request to the server's "script finished". Without ``--url`` the test starts
its own server on a free port of 127.0.0.1, the way ``make run`` does
(``python -m deploy.run``: one replica per core behind nginx, or one process),
and stops it afterwards; ``--replicas 2,1`` measures two replicas, then one
process, into one set of tables. With ``--url`` it measures a server that is
already running, e.g. the one a teacher will use in class::

    python -m benchmarks.loadtest --scenario same-link --students 30
    python -m benchmarks.loadtest --scenario same-link,seeds --replicas 2,1
    python -m benchmarks.loadtest --url http://127.0.0.1:8501 --ramp 5,10,20,30

Scenarios:

``same-link``  everyone opens the Playground (``/``), the link on the board.
``seeds``      everyone opens the Playground with their own ``?seed=``, so each
               needs a model of their own trained.
``pages``      students spread round-robin over every page; pages with an ε
               slider get ε moves, the others a plain rerun.
``soak``       one student (by default) trains with a new seed and moves ε, many
               times over, while the server's memory is watched.
``all``        the four above with their default class sizes.

The output is a markdown table per action (first load, ε move, ...) with its
p50/p95/max latency, count, errors and timeouts (an ``exception`` element or an
``st.error`` alert counts as an error), then the server's CPU seconds per
request (first loads and actions) and its memory (RSS) when its process is
known (own server, ``--pid``, or a local ``--url`` whose listening process can
be found).

From Python, ``run(url, students=10, scenario="same-link")`` returns a
:class:`Report` (``latencies``, ``errors``, ``timeouts``, ``finished``,
``table()``); :class:`Session` is one tab, for tests that look at what a page
shows after a request.

Protocol, as the server (Streamlit 1.67) reads it:

* websocket ``/_stcore/stream``, subprotocol ``streamlit``; every frame is a
  binary protobuf, ``BackMsg`` up and ``ForwardMsg`` down;
* nothing runs until the client sends ``BackMsg.rerun_script`` (a
  ``ClientState``): the first one names the page by its URL path
  (``page_name``, "" for the default page) and carries the query string; later
  ones name it by the ``page_script_hash`` of the ``navigation`` message (the
  ``new_session`` message carries the entry script's hash, not the page's);
* a widget change is a rerun carrying ``widget_states`` (a slider's value is a
  ``double_array_value``, a number input's a ``double_value``) under the
  widget's element id, which ends with the widget's key (``...-pg.eps``); a
  widget drawn inside ``@st.fragment`` is rerun with that fragment's id (the
  ``fragment_id`` of the delta that drew it), so only the fragment runs;
* the server does not echo a value the user set: the redrawn slider carries
  ``value`` only when the app itself set it (``set_value``), so the tab keeps
  the states it sent and sends all of them with every rerun, as a browser does;
* a run ends with ``script_finished``; ``FINISHED_EARLY_FOR_RERUN`` means
  another run follows (``st.rerun``, ``st.switch_page``), so the client waits on;
* ``page_info_changed`` rewrites the browser's query string (the app writes
  its state into the URL), which the next rerun sends back;
* large elements are sent once: the client lists the hashes it holds in
  ``cached_message_hashes`` and the server then sends only a ``ref_hash``
  message. This client keeps a cache the way the browser does (entries unused
  for ``max_cached_message_age`` full runs are dropped), so the server does
  the same work as for a browser.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

ROOT = Path(__file__).resolve().parents[1]

# URL paths of the app's pages ("" is the Playground, the default page)
PAGES = ("", "seed-lab", "digits", "robustness", "defenses", "transfer", "text-lab", "learn")
SCENARIOS = ("same-link", "seeds", "pages", "soak")
# (students, actions) of each scenario in ``--scenario all``
SCENARIO_DEFAULTS = {"same-link": (30, 10), "seeds": (30, 10), "pages": (32, 10), "soak": (1, 200)}

# Widget keys of the attack budget, in order of preference: every attack's ε
# (``<page>.eps``), then the Defenses page's evaluation ε (its training ε is
# left alone: moving it retrains), then the Text lab's budget of words changed.
EPS_KEYS = (".eps", ".eval_eps", ".budget")
SEED_KEY = ".seed"
SOAK_SEEDS = (5000, 10000)  # the soak trains with seeds from this range (the seeds scenario's start at 1)

# Targets a class should get (``--ramp`` reports the largest class meeting them)
TARGET_EPS_P95_S = 1.0
TARGET_LOAD_P95_S = 5.0
# Each scenario's own (ε move p95, first load p95) in seconds, None where it has none: students
# with a model each to train wait longer than on a shared link; spread over every page, only the
# first loads count (and no errors or timeouts)
SCENARIO_TARGETS = {"same-link": (TARGET_EPS_P95_S, TARGET_LOAD_P95_S), "seeds": (1.5, 10.0),
                    "pages": (None, 15.0), "soak": (TARGET_EPS_P95_S, None)}


def targets(scenario: str) -> tuple[float | None, float | None]:
    """``(ε move p95, first load p95)`` a ``scenario`` should meet (seconds, None: no target)."""
    return SCENARIO_TARGETS.get(scenario, (TARGET_EPS_P95_S, TARGET_LOAD_P95_S))

WARM_RETRAINS, TARGET_SOAK_GROWTH_MB = 20, 50
FIRST_LOAD, EPS_MOVE, RERUN, NEW_SEED, CONNECT = "first load", "ε move", "rerun", "new seed", "connect"
ACTION_ORDER = (CONNECT, FIRST_LOAD, EPS_MOVE, NEW_SEED, RERUN)


# ------------------------------------------------------------ the protocol ---

class ProtocolError(Exception):
    """The server sent something a browser could not have used."""


@dataclass
class Drawn:
    """An element on the page and the fragment that drew it ("" outside fragments)."""

    element: Element
    fragment_id: str


@dataclass
class RunResult:
    """One request: how long it took and what went wrong in it."""

    seconds: float
    status: int  # the last ForwardMsg.script_finished status
    errors: list[str]
    bytes: int
    messages: int

    @property
    def fragment_run(self) -> bool:
        return self.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


class Session:
    """One browser tab: a websocket session with the page it shows.

    ``elements`` maps delta paths to what is drawn there; :meth:`widget` and
    :meth:`metric` read it, :meth:`load`, :meth:`set_value` and :meth:`rerun`
    send requests and return once the server has finished the run.
    """

    def __init__(self, base_url: str, *, timeout_s: float = 60.0):
        parts = urlsplit(base_url if "//" in base_url else f"http://{base_url}")
        self.origin = f"{parts.scheme or 'http'}://{parts.netloc}"
        self.base_path = parts.path.rstrip("/")
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{ws_scheme}://{parts.netloc}{self.base_path}/_stcore/stream"
        self.timeout_s = timeout_s
        self.ws: ClientConnection | None = None
        self.page_name = ""
        self.page_hash = ""
        self.query = ""
        self.elements: dict[tuple[int, ...], Drawn] = {}
        self._states: dict[str, WidgetState] = {}  # widgets this tab has set, sent with every rerun
        self._cache: dict[str, tuple[ForwardMsg, int]] = {}  # hash -> (message, run count when last used)
        self._runs = 0
        self._max_age = 2

    async def connect(self) -> None:
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], origin=self.origin, max_size=None,
                                open_timeout=self.timeout_s, close_timeout=2, ping_interval=None,
                                user_agent_header="advlab-loadtest")

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # --------------------------------------------------------- requests ---

    async def load(self, path: str = "", query: str | dict = "") -> RunResult:
        """Open ``/<path>?<query>`` as a first visit does (the page named by its URL path)."""
        self.page_name = path.strip("/")
        self.query = query if isinstance(query, str) else urlencode(query)
        self.page_hash = ""
        self._states.clear()
        return await self._rerun(page_name=self.page_name)

    async def rerun(self) -> RunResult:
        """Run the page again with nothing changed (Streamlit's "Rerun")."""
        return await self._rerun()

    async def set_value(self, widget: Drawn, value: float) -> RunResult:
        """Set a slider or number input as a user would, and wait for the resulting run."""
        kind = widget.element.WhichOneof("type")
        proto = getattr(widget.element, kind)
        state = WidgetState(id=proto.id)
        if kind == "slider":
            state.double_array_value.data.append(float(value))
        elif kind == "number_input":
            state.double_value = float(value)
        else:
            raise ValueError(f"setting a {kind} is not supported")
        self._states[proto.id] = state
        return await self._rerun(fragment_id=widget.fragment_id)

    async def _rerun(self, *, page_name: str = "", fragment_id: str = "") -> RunResult:
        if self.ws is None:
            raise ProtocolError("not connected")
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        if self.page_hash and not page_name:
            cs.page_script_hash = self.page_hash
        else:
            cs.page_name = page_name
        cs.fragment_id = fragment_id
        cs.widget_states.widgets.extend(self._states.values())
        cs.cached_message_hashes.extend(self._cache)
        cs.context_info.timezone = "UTC"
        cs.context_info.locale = "en-US"
        path = f"{self.base_path}/{self.page_name}" if self.page_name else self.base_path or "/"
        cs.context_info.url = f"{self.origin}{path}" + (f"?{self.query}" if self.query else "")
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        errors: list[str] = []
        nbytes = nmsgs = 0
        deadline = t0 + self.timeout_s
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            raw = await asyncio.wait_for(self.ws.recv(decode=False), left)
            nbytes += len(raw)
            nmsgs += 1
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            status = self._handle(fm, errors)
            if status is not None and status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    errors.append("script did not compile")
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    self._end_of_run()
                return RunResult(time.perf_counter() - t0, status, errors, nbytes, nmsgs)

    # --------------------------------------------------------- messages ---

    def _handle(self, fm: ForwardMsg, errors: list[str]) -> int | None:
        """Apply one message to the page; the script_finished status if it is one."""
        if fm.HasField("ref_hash"):
            cached = self._cache.get(fm.ref_hash)
            if cached is None:
                raise ProtocolError(f"the server referred to message {fm.ref_hash}, which this tab never had")
            full = ForwardMsg()
            full.CopyFrom(cached[0])
            full.metadata.CopyFrom(fm.metadata)
            self._cache[fm.ref_hash] = (cached[0], self._runs)
            fm = full
        elif fm.metadata.cacheable and fm.hash:
            self._cache[fm.hash] = (fm, self._runs)
        kind = fm.WhichOneof("type")
        if kind == "delta":
            self._delta(fm, errors)
        elif kind == "new_session":
            self._max_age = fm.new_session.config.max_cached_message_age or self._max_age
            if not self.page_hash:
                self.page_hash = fm.new_session.page_script_hash
            frags = set(fm.metadata.run.fragment_ids)
            if frags:  # a fragment run redraws only its own elements
                self.elements = {p: d for p, d in self.elements.items() if d.fragment_id not in frags}
            else:
                self.elements = {}
        elif kind == "navigation":
            self.page_hash = fm.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = fm.page_info_changed.query_string
        elif kind == "page_not_found":
            errors.append(f"page not found: {fm.page_not_found.page_name or self.page_name!r}")
        elif kind == "session_event":
            ev = fm.session_event
            if ev.WhichOneof("type") == "script_compilation_exception":
                exc = ev.script_compilation_exception
                errors.append(f"compile error: {exc.type}: {exc.message}")
        elif kind == "script_finished":
            return fm.script_finished
        return None

    def _delta(self, fm: ForwardMsg, errors: list[str]) -> None:
        delta = fm.delta
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind == "exception":
            errors.append(f"exception: {el.exception.type}: {el.exception.message}"[:300])
        elif kind == "alert" and el.alert.format == el.alert.ERROR:
            errors.append(f"st.error: {el.alert.body}"[:300])
        self.elements[tuple(fm.metadata.delta_path)] = Drawn(el, delta.fragment_id)
        if kind in ("slider", "number_input"):
            proto = getattr(el, kind)
            state = self._states.get(proto.id)
            if state is not None and proto.set_value:  # the app moved a widget this tab had set
                if kind == "slider":
                    del state.double_array_value.data[:]
                    state.double_array_value.data.extend(proto.value)
                else:
                    state.double_value = proto.value

    def _end_of_run(self) -> None:
        """Forget cached messages unused for the server's maximum age, as the browser does."""
        self._runs += 1
        self._cache = {h: (m, r) for h, (m, r) in self._cache.items() if self._runs - r <= self._max_age}

    # --------------------------------------------------------- the page ---

    def widget(self, key_suffix: str | Sequence[str], kind: str = "slider") -> Drawn | None:
        """The enabled widget of ``kind`` whose key ends with ``key_suffix``
        (the first suffix that matches, when given several)."""
        suffixes = (key_suffix,) if isinstance(key_suffix, str) else tuple(key_suffix)
        found = [d for d in self.elements.values() if d.element.WhichOneof("type") == kind
                 and not getattr(d.element, kind).disabled]
        for suffix in suffixes:
            for d in found:
                if getattr(d.element, kind).id.endswith(suffix):
                    return d
        return None

    def eps_slider(self) -> Drawn | None:
        """The attack budget slider, found by its key, else by an ε at the start of its label."""
        found = self.widget(EPS_KEYS)
        if found is None:
            found = next((d for d in self.elements.values() if d.element.WhichOneof("type") == "slider"
                          and d.element.slider.label.lower().startswith(("ε", "epsilon"))
                          and not d.element.slider.disabled), None)
        return found

    def slider_value(self, widget: Drawn) -> float:
        """What the slider shows: the value this tab set, unless the app has set one since."""
        s = widget.element.slider
        state = self._states.get(s.id)
        if state is not None:
            vals = list(state.double_array_value.data)
        else:
            vals = list(s.value) if s.set_value else list(s.default)
        return float(vals[0]) if vals else float(s.min)

    def metric(self, label_part: str) -> str | None:
        """The value shown by the first metric whose label contains ``label_part``."""
        for path in sorted(self.elements):
            el = self.elements[path].element
            if el.WhichOneof("type") == "metric" and label_part.lower() in el.metric.label.lower():
                return el.metric.body
        return None


def other_slider_value(widget: Drawn, current: float, rng: random.Random) -> float:
    """A value on the slider's grid that differs from ``current``."""
    s = widget.element.slider
    step = s.step or (s.max - s.min) / 100 or 1.0
    n = max(1, round((s.max - s.min) / step))
    cur = round((current - s.min) / step)
    k = rng.randrange(n)  # 0..n-1, shifted past the current position
    if k >= cur:
        k += 1
    return round(min(s.max, s.min + k * step), 10)


# ---------------------------------------------------------------- the report ---

def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Report:
    """What a load run measured. Latencies are seconds per action name."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    timeouts: int = 0
    finished: int = 0  # students that completed all their actions
    scenario: str = ""
    students: int = 0
    actions: int = 0  # actions each student was asked for
    action_errors: dict[str, int] = field(default_factory=dict)
    action_timeouts: dict[str, int] = field(default_factory=dict)
    # the same per page ("ε move · /digits"), for the pages scenario
    by_page: dict[str, list[float]] = field(default_factory=dict)
    by_page_errors: dict[str, int] = field(default_factory=dict)
    by_page_timeouts: dict[str, int] = field(default_factory=dict)
    fragment_runs: int = 0  # ε moves the server ran as fragment reruns
    wall_s: float = 0.0
    bytes_received: int = 0
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    rss_start_mb: float | None = None
    rss_peak_mb: float | None = None
    rss_end_mb: float | None = None
    # the soak's memory once the first WARM_RETRAINS models are trained (caches filling up is expected)
    rss_warm_mb: float | None = None

    def record(self, action: str, seconds: float, page: str | None = None) -> None:
        self.latencies.setdefault(action, []).append(seconds)
        if page is not None:
            self.by_page.setdefault(f"{action} · /{page}", []).append(seconds)

    def error(self, action: str, student: int, message: str, page: str | None = None) -> None:
        self.action_errors[action] = self.action_errors.get(action, 0) + 1
        if page is not None:
            key = f"{action} · /{page}"
            self.by_page_errors[key] = self.by_page_errors.get(key, 0) + 1
        where = f"student {student}" + (f" on /{page}" if page is not None else "")
        self.errors.append(f"{where}, {action}: {message}")

    def timeout(self, action: str, page: str | None = None) -> None:
        self.action_timeouts[action] = self.action_timeouts.get(action, 0) + 1
        if page is not None:
            key = f"{action} · /{page}"
            self.by_page_timeouts[key] = self.by_page_timeouts.get(key, 0) + 1
        self.timeouts += 1

    def p95(self, action: str) -> float:
        return percentile(self.latencies.get(action, []), 95)

    @property
    def requests(self) -> int:
        """Timed requests that reached the server (connections not counted)."""
        return sum(len(v) for k, v in self.latencies.items() if k != CONNECT)

    def meets_targets(self) -> bool:
        """No errors, no timeouts, everyone finished, and the scenario's :func:`targets` (on a shared
        link: ε move p95 ≤ 1 s, first load p95 ≤ 5 s)."""
        ok = not self.errors and not self.timeouts and self.finished == self.students
        eps_s, load_s = targets(self.scenario)
        if self.latencies.get(EPS_MOVE) and eps_s is not None:
            ok = ok and self.p95(EPS_MOVE) <= eps_s
        if self.latencies.get(FIRST_LOAD) and load_s is not None:
            ok = ok and self.p95(FIRST_LOAD) <= load_s
        return ok

    def rows(self) -> list[list[str]]:
        out = []
        for lat, errs, tos in ((self.latencies, self.action_errors, self.action_timeouts),
                               (self.by_page, self.by_page_errors, self.by_page_timeouts)):
            for name in sorted(set(lat) | set(errs) | set(tos), key=_row_rank):
                v = lat.get(name, [])
                out.append([self.scenario, str(self.students), name, str(len(v)),
                            _s(percentile(v, 50)), _s(percentile(v, 95)), _s(max(v) if v else math.nan),
                            str(errs.get(name, 0)), str(tos.get(name, 0))])
        return out

    def summary_row(self) -> list[str]:
        per = self.server_cpu_s / self.requests if self.server_cpu_s is not None and self.requests else None
        rss = ("n/a" if self.rss_end_mb is None else
               f"{self.rss_start_mb:.0f} → {self.rss_peak_mb:.0f} → {self.rss_end_mb:.0f}")
        return [self.scenario, str(self.students), f"{self.finished}/{self.students}", str(self.requests),
                str(len(self.errors)), str(self.timeouts), f"{self.wall_s:.0f}",
                "n/a" if per is None else f"{per:.3f}", rss, f"{self.bytes_received / 1e6:.1f}",
                f"{self.client_cpu_s:.1f}", "yes" if self.meets_targets() else "no"]

    def table(self) -> str:
        return tables([self])


ACTION_HEADER = ["scenario", "students", "action", "count", "p50 s", "p95 s", "max s", "errors", "timeouts"]
SUMMARY_HEADER = ["scenario", "students", "finished", "requests", "errors", "timeouts", "wall s",
                  "server CPU s / request", "server RSS MB start → peak → end", "MB received", "client CPU s",
                  ("targets (p95 of ε move / first load: same link 1 / 5 s, seeds 1.5 / 10 s, pages load 15 s; "
                   "no errors)")]


def _row_rank(key: str) -> tuple:
    """Rows in page order, then action order ("ε move · /digits" is on page "digits")."""
    action, _, page = key.partition(" · /")
    pages = {p: i for i, p in enumerate(PAGES)}
    actions = {a: i for i, a in enumerate(ACTION_ORDER)}
    return pages.get(page, len(pages)), page, actions.get(action, len(actions)), action


def _students(n: int) -> str:
    return f"{n} student" + ("" if n == 1 else "s")


def _s(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:.2f}"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def tables(reports: Sequence[Report], max_errors: int = 8) -> str:
    """Markdown: latencies per action, a summary per run, and the first distinct errors."""
    text = markdown(ACTION_HEADER, [r for rep in reports for r in rep.rows()])
    text += "\n\n" + markdown(SUMMARY_HEADER, [rep.summary_row() for rep in reports])
    seen: dict[str, int] = {}
    for rep in reports:
        for e in rep.errors:
            key = e.split(": ", 1)[-1]
            if key not in seen:
                seen[key] = len(seen)
                if len(seen) <= max_errors:
                    text += f"\n\n- error ({rep.scenario}) {e}"
    if len(seen) > max_errors:
        text += f"\n- ... and {len(seen) - max_errors} more distinct errors"
    for rep in reports:
        if rep.rss_warm_mb is not None and rep.rss_end_mb is not None:
            n = len(rep.latencies.get(NEW_SEED, []))
            growth = rep.rss_end_mb - rep.rss_warm_mb
            text += (f"\n\nmemory ({rep.scenario}): {rep.rss_warm_mb:.0f} MB after the first {WARM_RETRAINS} retrains, "
                     f"{rep.rss_end_mb:.0f} MB after {n}: growth {growth:+.0f} MB "
                     f"(target ≤ {TARGET_SOAK_GROWTH_MB} MB: {'yes' if growth <= TARGET_SOAK_GROWTH_MB else 'no'})")
    return text


# --------------------------------------------------------- the server side ---

def wait_settled(probe, *, idle_cpu_s: float = 0.1, quiet_s: int | None = None, timeout_s: float = 300.0) -> float:
    """Wait until the server used under ``idle_cpu_s`` of CPU in each of ``quiet_s`` seconds in a
    row (its background warm-up is over); returns the seconds waited."""
    if quiet_s is None:  # longer than the warm-up's own wait for quiet before its first later page
        from advlab.ui.warmup import SETTLE_S

        quiet_s = math.ceil(SETTLE_S) + 3
    t0 = time.monotonic()
    last, quiet = probe.cpu_seconds(), 0
    while quiet < quiet_s and time.monotonic() - t0 < timeout_s:
        time.sleep(1.0)
        now = probe.cpu_seconds()
        quiet = quiet + 1 if now - last < idle_cpu_s else 0
        last = now
    return time.monotonic() - t0


class ServerProbe:
    """CPU time and memory of a server process and its descendants, from /proc (Linux)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_rss = 0

    def pids(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _stat_fields(int(entry))
                if stat:
                    children.setdefault(int(stat[1]), []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo += children.get(p, [])
        return out

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for p in self.pids():
            stat = _stat_fields(p)
            if stat:  # utime and stime, fields 14 and 15 of /proc/<pid>/stat
                total += int(stat[11]) + int(stat[12])
        return total / ticks

    def rss_bytes(self) -> int:
        total = 0
        for p in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{p}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        self.peak_rss = max(self.peak_rss, total)
        return total

    def alive(self) -> bool:
        return Path(f"/proc/{self.pid}").exists()


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (index 0 is the state)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2:].split()


def listening_pid(port: int) -> int | None:
    """The local process listening on TCP ``port``, if this user can see it."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                cols = line.split()
                if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                    inodes.add(cols[9])
    if not inodes:
        return None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{entry}/fd"):
                link = os.readlink(f"/proc/{entry}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(entry)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout_s: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    health = url.rstrip("/") + "/_stcore/health"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as r:
            if r.status == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{health} did not answer within {timeout_s:.0f} s")


def launcher_command(replicas: int | None, port: int) -> list[str]:
    """``python -m deploy.run`` (what ``make run`` starts) on 127.0.0.1:``port``: ``replicas``
    Streamlit processes behind nginx (None: one per core; 1: one process, no nginx)."""
    return [sys.executable, "-m", "deploy.run", "--replicas", "auto" if replicas is None else str(replicas),
            "--port", str(port), "--host", "127.0.0.1", "--server.headless", "true"]


def stop_server(proc: subprocess.Popen, timeout_s: float = 40.0) -> None:
    """SIGTERM to the server (the launcher stops its replicas and nginx itself); whatever of it
    is still running after ``timeout_s`` is killed."""
    if proc.poll() is not None:
        return
    family = ServerProbe(proc.pid).pids()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout_s)
    except subprocess.TimeoutExpired:
        for pid in family:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.wait(5)


@contextlib.contextmanager
def serve(command: Sequence[str] | None = None, *, port: int | None = None, timeout_s: float = 90.0,
          replicas: int | None = None):
    """Start a server on 127.0.0.1; yields ``(url, pid)``, stops it after.

    By default what ``make run`` starts (``python -m deploy.run``): ``replicas`` Streamlit
    processes behind nginx, one per core when None, one process when 1 (or when nginx is
    missing); the pid is the launcher's, whose descendants are every replica and nginx,
    so :class:`ServerProbe` sums them all. ``command`` names another ``streamlit
    run``-style command line instead (one process)."""
    port = port or free_port()
    if command is None:
        cmd = launcher_command(replicas, port)
    else:
        cmd = [*command, "--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1"]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_healthy(url, timeout_s, proc)
            except Exception as e:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"{e}; server output:\n{tail}") from e
            yield url, proc.pid
        finally:
            stop_server(proc)


# ------------------------------------------------------------ the students ---

@dataclass
class Plan:
    """What one student does: the page to open and the actions after it."""

    path: str = ""
    query: str = ""
    actions: int = 3
    soak: bool = False  # each action: a new seed (a model trained), then an ε move
    seed_base: int = 0
    by_page: bool = False  # also report this student's timings under its page


def plans(scenario: str, students: int, actions: int, first_seed: int = 1) -> list[Plan]:
    if scenario == "same-link":
        return [Plan(actions=actions) for _ in range(students)]
    if scenario == "seeds":
        return [Plan(query=urlencode({"seed": first_seed + i}), actions=actions) for i in range(students)]
    if scenario == "pages":
        return [Plan(path=PAGES[i % len(PAGES)], actions=actions, by_page=True) for i in range(students)]
    if scenario == "soak":
        # the soak's seeds come from the upper half of the field's range (0-9999), apart from the seeds scenario's
        return [Plan(actions=actions, soak=True, seed_base=SOAK_SEEDS[0] + i * actions) for i in range(students)]
    raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")


async def student(i: int, url: str, plan: Plan, report: Report, *, think_s: float, timeout_s: float,
                  start_delay_s: float, stats: dict[str, int], rng: random.Random) -> None:
    await asyncio.sleep(start_delay_s)
    action = CONNECT
    page = plan.path if plan.by_page else None
    tab = Session(url, timeout_s=timeout_s)
    try:
        t0 = time.perf_counter()
        await asyncio.wait_for(tab.connect(), timeout_s)
        report.record(CONNECT, time.perf_counter() - t0)

        async def timed(name: str, request: Callable) -> RunResult:
            nonlocal action
            action = name
            res = await request()
            report.record(name, res.seconds, page)
            stats["bytes"] += res.bytes
            for e in res.errors:
                report.error(name, i, e, page)
            return res

        await timed(FIRST_LOAD, lambda: tab.load(plan.path, plan.query))
        for k in range(plan.actions):
            await asyncio.sleep(think_s * rng.uniform(0.5, 1.5))
            if plan.soak:
                seed = tab.widget(SEED_KEY, "number_input")
                if seed is None:
                    raise ProtocolError("no seed input on the page")
                value = SOAK_SEEDS[0] + (plan.seed_base - SOAK_SEEDS[0] + k + 1) % (SOAK_SEEDS[1] - SOAK_SEEDS[0])
                await timed(NEW_SEED, lambda s=seed, v=value: tab.set_value(s, v))
            eps = tab.eps_slider()
            if eps is not None:
                value = other_slider_value(eps, tab.slider_value(eps), rng)
                res = await timed(EPS_MOVE, lambda e=eps, v=value: tab.set_value(e, v))
                stats["fragment_runs"] += res.fragment_run
            elif not plan.soak:
                await timed(RERUN, tab.rerun)
        report.finished += 1
    except TimeoutError:
        report.timeout(action, None if action == CONNECT else page)
    except (OSError, WebSocketException, ProtocolError) as e:
        report.error(action, i, f"{type(e).__name__}: {e}", None if action == CONNECT else page)
    except Exception as e:  # noqa: BLE001 - a failure of this client ends the student, not the whole run
        report.error(action, i, f"load test client failed: {type(e).__name__}: {e}", None if action == CONNECT else page)
    finally:
        await tab.close()


async def run_async(url: str, *, students: int, scenario: str = "same-link", actions: int = 3,
                    think_s: float = 1.0, timeout_s: float = 60.0, pid: int | None = None,
                    spread_s: float = 0.0, first_seed: int = 1, seed: int = 0) -> Report:
    """:func:`run` inside a running event loop."""
    report = Report(scenario=scenario, students=students, actions=actions)
    todo = plans(scenario, students, actions, first_seed)
    probe = ServerProbe(pid) if pid and Path(f"/proc/{pid}").exists() else None
    stats = {"bytes": 0, "fragment_runs": 0}
    cpu0, wall0, client0 = (probe.cpu_seconds() if probe else None), time.perf_counter(), time.process_time()
    sampler = None
    if probe:
        report.rss_start_mb = probe.rss_bytes() / 2**20

        async def sample() -> None:
            while True:
                await asyncio.sleep(0.5)
                now = probe.rss_bytes()
                if report.rss_warm_mb is None and len(report.latencies.get(NEW_SEED, [])) >= WARM_RETRAINS:
                    report.rss_warm_mb = now / 2**20

        sampler = asyncio.create_task(sample())
    rngs = [random.Random(seed * 100_003 + i) for i in range(students)]
    try:
        await asyncio.gather(*(student(i, url, p, report, think_s=think_s, timeout_s=timeout_s,
                                       start_delay_s=rngs[i].uniform(0, spread_s) if spread_s else 0.0,
                                       stats=stats, rng=rngs[i])
                               for i, p in enumerate(todo)))
    finally:
        if sampler:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
    report.wall_s = time.perf_counter() - wall0
    report.client_cpu_s = time.process_time() - client0
    report.bytes_received = stats["bytes"]
    report.fragment_runs = stats["fragment_runs"]
    if probe and probe.alive():
        report.server_cpu_s = probe.cpu_seconds() - cpu0
        report.rss_end_mb = probe.rss_bytes() / 2**20
        report.rss_peak_mb = probe.peak_rss / 2**20
    return report


def run(url: str, *, students: int, scenario: str = "same-link", actions: int = 3, think_s: float = 1.0,
        timeout_s: float = 60.0, pid: int | None = None, spread_s: float = 0.0, first_seed: int = 1,
        seed: int = 0) -> Report:
    """Simulate ``students`` on the server at ``url`` and return what was measured.

    Each student opens the scenario's page, then does ``actions`` actions
    (ε moves, or reruns on a page without ε) ``think_s`` apart (±50 %); one
    request may take ``timeout_s`` before it counts as a timeout and ends that
    student. ``pid`` (the server's process) adds its CPU time and memory;
    ``spread_s`` spreads the arrivals over that many seconds (0: all at once);
    ``first_seed`` is the first ``?seed=`` of the ``seeds`` scenario.
    """
    return run_sync(run_async(url, students=students, scenario=scenario, actions=actions, think_s=think_s,
                              timeout_s=timeout_s, pid=pid, spread_s=spread_s, first_seed=first_seed, seed=seed))


def run_sync(coro):
    """``asyncio.run(coro)``, also from a thread whose event loop is already running
    (a caller inside another framework's loop): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        return ex.submit(asyncio.run, coro).result()


# ----------------------------------------------------------------- the CLI ---

async def warm_up(url: str, timeout_s: float, pages: Sequence[str] = ("",)) -> list[RunResult]:
    """One visit to each of ``pages`` (URL paths), untimed by the report: the
    teacher opening the lesson's pages before the class arrives."""
    out = []
    for page in pages:
        async with Session(url, timeout_s=timeout_s) as tab:
            out.append(await tab.load(page))
    return out


def ramp(url: str, counts: Sequence[int], *, scenario: str, actions: int, think_s: float, timeout_s: float,
         pid: int | None, spread_s: float, out=print) -> tuple[list[Report], int | None]:
    """Run the scenario for growing classes, stopping at the first one that misses the targets."""
    reports: list[Report] = []
    best = None
    first_seed = 1
    for n in counts:
        rep = run(url, students=n, scenario=scenario, actions=actions, think_s=think_s, timeout_s=timeout_s,
                  pid=pid, spread_s=spread_s, first_seed=first_seed)
        first_seed += n  # fresh seeds, so every step trains its own models
        reports.append(rep)
        out(f"{_students(n)}: {'meets' if rep.meets_targets() else 'misses'} the targets "
            f"(ε move p95 {_s(rep.p95(EPS_MOVE))} s, first load p95 {_s(rep.p95(FIRST_LOAD))} s, "
            f"{len(rep.errors)} errors, {rep.timeouts} timeouts)", flush=True)
        if not rep.meets_targets():
            break
        best = n
    return reports, best


def _scenarios(text: str) -> list[str]:
    if text == "all":
        return list(SCENARIOS)
    names = [t.strip() for t in text.split(",") if t.strip()]
    wrong = [t for t in names if t not in SCENARIOS]
    if wrong or not names:
        raise argparse.ArgumentTypeError(f"unknown scenario {', '.join(wrong) or repr(text)}; choose from "
                                         f"{', '.join(SCENARIOS)}, several comma-separated, or all")
    return names


def replica_counts(text: str) -> list[int | None]:
    out: list[int | None] = []
    for part in text.split(","):
        part = part.strip()
        if part == "auto":
            out.append(None)
        elif part.isdigit() and int(part) >= 1:
            out.append(int(part))
        else:
            raise argparse.ArgumentTypeError(f"--replicas takes 'auto' or numbers of at least 1, comma-separated; "
                                             f"not {part!r}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="server to measure (default: start what `make run` starts, on a free port of "
                                  "127.0.0.1)")
    ap.add_argument("--replicas", type=replica_counts, default=[None], metavar="N[,N...]",
                    help="without --url: Streamlit processes of the server started ('auto': one per core behind "
                         "nginx, as `make run`; 1: one process); several, e.g. 2,1, are measured one after the "
                         "other into one set of tables")
    ap.add_argument("--pid", type=int, help="the server's process id, for its CPU time and memory")
    ap.add_argument("--scenario", default="same-link", type=_scenarios, metavar="|".join((*SCENARIOS, "all")),
                    help="a scenario, several comma-separated (same-link,seeds), or all (default same-link)")
    ap.add_argument("--students", type=int, help="class size (default: 30; 32 on pages: 4 per page; 1 for soak)")
    ap.add_argument("--actions", type=int, help="actions per student after the first load (default 10; soak 200)")
    ap.add_argument("--think", type=float, default=1.0, help="seconds between a student's actions (±50%%)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds one request may take")
    ap.add_argument("--spread", type=float, default=0.0, help="spread the arrivals over this many seconds")
    ap.add_argument("--ramp", help="comma-separated class sizes, e.g. 5,10,20,30: the largest meeting the targets")
    ap.add_argument("--no-warmup", action="store_true",
                    help="measure the server started here cold (by default the teacher's own visits go first, "
                         "untimed: / and, for the pages and soak scenarios, every page)")
    args = ap.parse_args(argv)

    scenarios = args.scenario
    counts = [int(c) for c in args.ramp.split(",") if c.strip()] if args.ramp else None
    servers: list[int | None] = [None] if args.url else args.replicas
    reports: list[Report] = []
    ok = True
    for n in servers:
        with contextlib.ExitStack() as stack:
            if args.url:
                url = args.url
                pid = args.pid
                parts = urlsplit(url if "//" in url else f"http://{url}")
                if pid is None and parts.hostname in ("127.0.0.1", "localhost", "::1"):
                    pid = listening_pid(parts.port or 80)
            else:
                print(f"starting the app server as `make run` does ({served_by(n)})...", flush=True)
                url, pid = stack.enter_context(serve(replicas=n))
            print(f"server {url}" + (f" (pid {pid}, with its replicas and nginx if any)" if pid
                                     else " (process unknown: no CPU or memory figures)"), flush=True)
            prepare(url, pid, own=not args.url, warm=not args.no_warmup, scenarios=scenarios,
                    timeout_s=args.timeout)
            label = f" · {served_by(n)}" if len(servers) > 1 else ""
            for sc in scenarios:
                n_default, a_default = SCENARIO_DEFAULTS[sc]
                actions = args.actions if args.actions is not None else a_default
                common = dict(scenario=sc, actions=actions, think_s=args.think, timeout_s=args.timeout, pid=pid,
                              spread_s=args.spread)
                if counts:
                    reps, best = ramp(url, counts, **common)
                    for r in reps:
                        r.scenario += label
                    reports += reps
                    print(f"{sc}{label}: the largest class meeting the targets is "
                          + (_students(best) if best else f"below {_students(counts[0])}"), flush=True)
                else:
                    students = args.students if args.students is not None else n_default
                    print(f"{sc}{label}: {_students(students)}, {actions} actions each...", flush=True)
                    rep = run(url, students=students, **common)
                    rep.scenario += label
                    reports.append(rep)
                    ok = ok and not rep.errors and not rep.timeouts
    print()
    print(tables(reports))
    return 0 if ok else 1


def served_by(n: int | None) -> str:
    return "one replica per core" if n is None else "one process" if n == 1 else f"{n} replicas"


def prepare(url: str, pid: int | None, *, own: bool, warm: bool, scenarios: Sequence[str], timeout_s: float) -> None:
    """The teacher's own visits first (untimed), then wait for the server's own warm-up to end."""
    if own and warm:
        # every page for the pages scenario, and before a soak (so what it measures is the
        # retraining, not the first visits of pages the server warms up on its own meanwhile)
        pages = PAGES if {"pages", "soak"} & set(scenarios) else ("",)
        for page, res in zip(pages, run_sync(warm_up(url, max(timeout_s, 600.0), pages)), strict=True):
            print(f"warm-up visit to /{page}: {res.seconds:.1f} s" + "".join(f"; {e}" for e in res.errors),
                  flush=True)
    if pid and Path(f"/proc/{pid}").exists() and warm:
        # a server just started warms its other pages on its own for a minute or so: the class
        # arrives once that is over, as it would in front of a teacher who opened the app first
        waited = wait_settled(ServerProbe(pid))
        print(f"waited {waited:.0f} s for the server's own warm-up to end", flush=True)

if __name__ == "__main__":
    sys.exit(main())
