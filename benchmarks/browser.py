"""Browser benchmark: ``python -m benchmarks.browser`` (``make bench-browser``).

Measures what a user of the app feels, in real headless Chromium against a
server this module starts on a free port the way ``make run`` does
(``python -m deploy.run``: one replica per core behind nginx; ``--replicas 1``
for one process):

* **cold start**: from launching the server process to the Playground's first
  page drawn (its decision map visible and the app idle), in a browser with
  nothing cached;
* **ε step**: on every page with an ε slider, one keyboard step of the slider
  (one ``step`` of it) timed from the key press until the page is idle again;
* a **reference** in the same run: the same browser rerunning the Learn page
  after a quiz checkbox is toggled (a page with next to no computation), so the
  ε steps can be compared as ratios on a loaded machine.

"Idle" is Streamlit's run state as the page shows it: the app's script state
is ``notRunning``, the status widget shows no "Running", no element is stale
(``data-stale="true"``: about to be replaced), every Plotly chart has drawn
its SVG, and the DOM has been quiet for :data:`QUIET_MS`. The time reported
ends at the second ``requestAnimationFrame`` after the last DOM mutation (the
frame showing that change has been painted), so the quiet window is not part
of it. The run must also have ended: the server's ``script_finished`` message
has arrived (under load the page may handle a whole run's messages in one go,
so the script state shown need not change at all). A press counts only when
it led to a rerun and the widget's value text moved; otherwise the step is
reported as failed.

Each step is also taken apart. On the page's clock: key press to the rerun
request sent, request to the server's ``script_finished`` message received,
and from there to the last paint. The page receives a message only when its
main thread gets to it, so while the page is busy drawing, the middle part is
an upper bound on the server's time; hence the CPU times measured apart from
the page: the page's main thread busy (DevTools ``Performance`` domain,
``TaskDuration``), all of Chromium's processes (``SystemInfo``) and the server
process (``/proc``). One more step per page runs under V8's sampling profiler
and splits the page's main thread between the key press and the last paint by
the bundle running (Plotly's, React's, the rest), the renderer's work outside
JavaScript, garbage collection and idle; it is not among the timed steps.

The websocket frames (from the DevTools protocol) are decoded, so the report
counts the Plotly chart deltas of a step and how many carried an element id
other than the one that chart had on the step before. Every chart's DOM nodes
(element container, chart element, Plotly's plot div, its SVG) are tagged
before the press, so the report also says whether a step updated a chart in
place or replaced (remounted) it. The app's live charts (``advlab.ui.livechart``)
put each redraw on the page's performance timeline when asked
(``window.advlabChartTiming``), so the report also gives how many charts a step
redrew and the page's time in ``Plotly.react`` for them.

The ε steps move right from the page's default (left at the slider's end), so
each step asks for an ε the server has not computed yet, as dragging would.
The first step on each page (which may trace TensorFlow graphs) is reported
apart and left out of p50/p95; p95 is nearest-rank, so with 7 steps it is the
slowest. After it the page is scrolled so that the first chart that step
redrew is at the top of the screen, as a learner watching what the slider
moves would have it: a live chart out of view is redrawn only when it comes
into view (:mod:`advlab.ui.livechart`), so what is on the screen counts.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.loadtest import ServerProbe, replica_counts, stop_server

ROOT = Path(__file__).resolve().parents[1]
LOG_PATH = ROOT / "artifacts" / "logs" / "streamlit-bench-browser.log"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
VIEWPORT = {"width": 1500, "height": 2400}
DRAW_OFFSCREEN = False  # --draw-offscreen: live charts out of view are redrawn at once too (to compare)
SERVER_TIMEOUT_S = 90
PAGE_TIMEOUT_S = 180  # a page's first visit trains its models
STEP_TIMEOUT_S = 60
RUN_START_TIMEOUT_S = 5  # a press that starts no rerun within this is a failed step
QUIET_MS = 100
STEP_TARGET_S = 0.3
COLD_TARGET_S = 8.0
STEPS = 7


@dataclass(frozen=True)
class EpsPage:
    name: str
    path: str  # "" is the Playground: Streamlit serves the default page at the root
    key: str  # widget key of the page's ε slider


# Each page's ε slider. The Defenses page has two: the training ε retrains both
# models; the evaluation ε is the one that moves the numbers for a trained model.
EPS_PAGES = [
    EpsPage("Playground", "", "pg.eps"),
    EpsPage("Seed Lab", "seed-lab", "sl.eps"),
    EpsPage("Digits", "digits", "dg.eps"),
    EpsPage("Robustness", "robustness", "rb.eps"),
    EpsPage("Defenses", "defenses", "df.eval_eps"),
    EpsPage("Transferability", "transfer", "tf.eps"),
    EpsPage("Text lab", "text-lab", "tx.budget"),  # its budget is an ε in words
]
COLD_CHART_KEY = "pg_map"  # the Playground's decision map
LIVE_CHART = "advlab_chart"  # the app's chart component (advlab.ui.livechart), updated in place
REFERENCE_PATH = "learn"


def key_class(key: str) -> str:
    """The class Streamlit gives a keyed element's container: ``st-key-`` and the key
    with every character but letters, digits, ``-`` and ``_`` replaced by ``-``."""
    return "st-key-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in key)


def slider_thumb(key: str) -> str:
    # the thumb is a visually hidden <input type="range"> (role "slider")
    return f'.{key_class(key)} [data-testid="stSlider"] input[type="range"]'


CHECKBOX = '[data-testid="stMain"] [data-testid="stCheckbox"] input[type="checkbox"]:not([disabled])'


# ------------------------------------------------------------ in the page ---

# Installed before the app's own scripts: records the key press, the last DOM mutation
# and the paint after it, and when the page handled each websocket message while armed.
_INIT_JS = r"""
(() => {
  const B = window.__bench = {t0: null, armed: __ARMED__, ins: [], outs: [], seq: 0, lastMut: 0, lastPaint: 0};
  window.advlabChartTiming = true;  // the app's live charts put each drawing on the timeline
  const now = () => performance.now();
  const Orig = window.WebSocket;
  class BenchSocket extends Orig {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', () => { if (B.armed) B.ins.push(now()); });
    }
    send(d) {
      if (B.armed) B.outs.push(now());
      return super.send(d);
    }
  }
  window.WebSocket = BenchSocket;
  const watch = () => new MutationObserver(() => {
    B.lastMut = now();
    const seq = ++B.seq;
    // the second frame after a change begins once that change has been painted
    requestAnimationFrame(() => requestAnimationFrame(() => { if (seq === B.seq) B.lastPaint = now(); }));
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', watch); else watch();
  window.addEventListener('keydown', () => { if (B.armed && B.t0 === null) B.t0 = now(); }, true);
})();
"""


def init_js(armed: bool = False) -> str:
    return _INIT_JS.replace("__ARMED__", "true" if armed else "false")


STATE_JS = r"""() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const sw = document.querySelector('[data-testid="stStatusWidget"]');
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const drawn = boxes.filter(b => [...b.querySelectorAll('.main-svg')].some(shown)).length;
  const B = window.__bench;
  return {state: app ? app.getAttribute('data-test-script-state') : null,
          running: !!(sw && /running/i.test(sw.innerText)),
          stale: document.querySelectorAll('[data-stale="true"]').length, charts: drawn, pending: boxes.length - drawn,
          quiet_ms: B ? Math.round(performance.now() - B.lastMut) : null, painted: B ? B.lastPaint >= B.lastMut : null};
}"""

# true once the page is idle and its last change painted (cheap tests first: this polls)
IDLE_JS = r"""([quiet, needCharts, selector, minIn]) => {
  const B = window.__bench;
  if (B.ins.length < minIn) return false;
  if (performance.now() - B.lastMut < quiet || B.lastPaint < B.lastMut) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const sw = document.querySelector('[data-testid="stStatusWidget"]');
  if (sw && /running/i.test(sw.innerText)) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (selector && !document.querySelector(selector)) return false;
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const boxes = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (needCharts && boxes.length === 0) return false;
  return boxes.every(b => [...b.querySelectorAll('.main-svg')].some(shown));
}"""

_CHART_NODES = r"""box => [box.closest('[data-testid="stElementContainer"]'), box,
                              box.querySelector('.js-plotly-plot'), box.querySelector('.main-svg')]"""
CHART_LEVELS = ("container", "element", "plot", "svg")

# tag every chart's nodes, so a later look tells kept nodes from new ones
TAG_JS = r"""() => {
  const nodes = """ + _CHART_NODES + r""";
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach(box => nodes(box).forEach(e => {
    if (e) e.__benchTag = 1;
  }));
}"""

CHART_FATE_JS = r"""() => {
  const nodes = """ + _CHART_NODES + r""";
  const r = {charts: 0, new: [0, 0, 0, 0]};
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach(box => {
    r.charts++;
    nodes(box).forEach((e, i) => { if (e && !e.__benchTag) r.new[i]++; });
  });
  return r;
}"""

ARM_JS = r"""() => { const B = window.__bench; B.t0 = null; B.ins = []; B.outs = []; B.armed = true;
  performance.clearMeasures("advlab-chart"); }"""

# a message has come back since the key press
REPLY_JS = r"""() => { const B = window.__bench; return B.t0 !== null && B.ins.some(t => t >= B.t0); }"""

COLLECT_JS = r"""() => {
  const B = window.__bench; B.armed = false;
  const drawn = performance.getEntriesByName("advlab-chart").map(m => m.duration);
  return {t0: B.t0, ins: B.ins, outs: B.outs, lastMut: B.lastMut, lastPaint: B.lastPaint, now: performance.now(),
          drawn};
}"""


def slider_value_js(key: str) -> str:
    """JS returning the ε slider's shown value, position and range."""
    return r"""() => {
  const s = document.querySelector('.""" + key_class(key) + r""" [data-testid="stSlider"]');
  const i = s && s.querySelector('input[type="range"]');
  const v = s && s.querySelector('[data-testid="stSliderThumbValue"]');
  return {value: v ? v.innerText : null, num: i ? parseFloat(i.value) : null,
          max: i ? parseFloat(i.max) : null, step: i ? parseFloat(i.step) : null};
}"""


CHECKBOX_VALUE_JS = r"""() => {
  const i = document.querySelector('""" + CHECKBOX.replace("'", "\\'") + r"""');
  return {value: i ? String(i.checked) : null};
}"""


# ----------------------------------------------------------------- server ---

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Server:
    """What ``make run`` starts (``python -m deploy.run``: ``replicas`` Streamlit processes behind nginx,
    one per core when None, one process when 1) on a free port of 127.0.0.1, or another Streamlit
    ``script`` (one process); in its own process group."""

    def __init__(self, log_path: Path = LOG_PATH, script: Path | None = None, replicas: int | None = None):
        self.port = free_port()
        if script is None:
            self.command = ["-m", "deploy.run", "--replicas", "auto" if replicas is None else str(replicas),
                            "--port", str(self.port), "--host", "127.0.0.1"]
            self.base = f"http://127.0.0.1:{self.port}"
        else:
            self.command = ["-m", "streamlit", "run", str(script), "--server.port", str(self.port)]
            self.base = f"http://localhost:{self.port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.log = None

    def start(self) -> float:
        """Launch the server; returns when it was launched (``time.monotonic()``)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
        t = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, *self.command, "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        return t

    def wait_healthy(self) -> float:
        """Wait for the health endpoint; returns when it first answered."""
        deadline = time.monotonic() + SERVER_TIMEOUT_S
        while not healthy(f"{self.base}/_stcore/health"):
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.proc.returncode}; log: {self.log_path}\n"
                                   + self.log_path.read_text(encoding="utf-8")[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer within {SERVER_TIMEOUT_S} s; log: {self.log_path}")
            time.sleep(0.05)
        return time.monotonic()

    def cpu_seconds(self) -> float | None:
        """User and system CPU time of the server (every replica and nginx: all the launcher's
        descendants, all their threads), Linux only."""
        if self.proc is None or not Path(f"/proc/{self.proc.pid}").exists():
            return None
        return ServerProbe(self.proc.pid).cpu_seconds()

    def stop(self) -> None:
        if self.proc is not None:
            stop_server(self.proc)
        if self.log is not None:
            self.log.close()
            self.log = None


# ------------------------------------------------------------ measurement ---

@dataclass
class Step:
    ok: bool
    seconds: float | None = None  # key press to the paint after the last DOM change
    to_request: float | None = None  # key press to the rerun request leaving the page
    server: float | None = None  # rerun request to the page receiving script_finished
    browser: float | None = None  # script_finished received to the last paint (the rest of ``seconds``)
    busy: float | None = None  # the page's main thread busy over the step
    chromium_cpu: float | None = None  # CPU time of all Chromium's processes over the step
    server_cpu: float | None = None  # CPU time of the server process over the step
    msgs: int = 0
    bytes_in: int = 0
    charts: int = 0  # charts on the page after the step
    charts_new: tuple = (0, 0, 0, 0)  # of those, how many have a new node per CHART_LEVELS
    chart_deltas: int = 0  # chart elements the server sent (st.plotly_chart or the app's live chart)
    chart_keys: tuple = ()  # the widget keys of the live charts among them, in page order
    drawn: int = 0  # live charts the page redrew (Plotly.react on a mounted chart)
    draw_s: float | None = None  # the page's time in those redraws
    chart_ids_changed: int = 0  # of those, how many with an id other than that chart's previous one
    profile: dict = field(default_factory=dict)  # seconds of the page's main thread by PROFILE_GROUPS
    note: str = ""


PROFILE_GROUPS = ("Plotly", "React", "other JS", "(program)", "GC", "idle")


def profile_groups(profile: dict, *, ended: float, window: tuple[float, float]) -> dict[str, float]:
    """Seconds of a V8 CPU profile's samples within ``window`` (page clock, ms; the profile
    ended at ``ended``), by group: JavaScript by the bundle it runs in (a DOM call
    counts for the script that made it), V8's "(program)" (the renderer's work outside
    JavaScript: task and message handling, style, layout, paint), garbage collection, idle."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", ())}

    def group(nid: int) -> str | None:
        name = nodes[nid]["callFrame"]["functionName"]
        if name in ("(program)", "(garbage collector)", "(idle)"):
            return {"(program)": "(program)", "(garbage collector)": "GC", "(idle)": "idle"}[name]
        while nid is not None:
            url = nodes[nid]["callFrame"]["url"]
            if url:
                return "Plotly" if "PlotlyChart" in url or "plotly" in url.lower() else \
                    "React" if "react-dom" in url else "other JS"
            nid = parent.get(nid)
        return "other JS" if name not in ("(root)", "") else None

    out = dict.fromkeys(PROFILE_GROUPS, 0.0)
    tops: dict[str, float] = {}
    ticks = profile["startTime"]  # microseconds
    for nid, dt in zip(profile["samples"], profile["timeDeltas"], strict=False):
        ticks += dt
        t = ended + (ticks - profile["endTime"]) / 1000
        g = group(nid)
        # a sample stands for the time since the one before it
        if g and window[0] <= t and t - dt / 1000 <= window[1]:
            sec = (min(t, window[1]) - max(t - dt / 1000, window[0])) / 1000
            out[g] += sec
            if g not in ("idle", "GC"):
                tops[_where(nodes[nid]["callFrame"])] = tops.get(_where(nodes[nid]["callFrame"]), 0.0) + sec
    out["top"] = sorted(tops.items(), key=lambda kv: -kv[1])[:TOP_FUNCTIONS]
    return out


TOP_FUNCTIONS = 8


def _where(frame: dict) -> str:
    """A profile node's function as ``name (file:line)``, the file without its hash."""
    url = frame.get("url") or ""
    base = url.rsplit("/", 1)[-1].split("?")[0]
    name = frame.get("functionName") or "(anonymous)"
    return f"{name} ({base}:{frame.get('lineNumber', 0) + 1})" if base else name


@dataclass
class Frame:
    """A websocket frame as the network stack saw it (``t``: DevTools' monotonic clock, seconds)."""

    t: float
    out: bool
    size: int
    kind: str = ""  # the ForwardMsg's type for a received frame
    msg: object = None


def _frame(params: dict, out: bool) -> Frame:
    r = params["response"]
    # binary frames (opcode 2) come base64-encoded, text frames as text
    data = base64.b64decode(r["payloadData"]) if r.get("opcode") != 1 else r["payloadData"].encode()
    f = Frame(params["timestamp"], out, len(data))
    if not out:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            f.msg = ForwardMsg.FromString(data)
            f.kind = f.msg.WhichOneof("type") or ""
        except Exception:  # noqa: BLE001, S110 - an undecodable frame is only left out of the breakdown
            pass
    return f


def wait_idle(page, *, timeout_s: float, need_charts: bool = False, selector: str | None = None,
              min_in: int = 0) -> None:
    """Wait until the page is idle (see the module docstring), having handled at least
    ``min_in`` websocket messages since it was armed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(IDLE_JS, arg=[QUIET_MS, need_charts, selector, min_in], polling=50,
                               timeout=timeout_s * 1000)
    except PlaywrightTimeout:
        state = page.evaluate(STATE_JS)
        if selector:
            state["selector_found"] = page.locator(selector).count()
        raise TimeoutError(f"{page.url} not idle within {timeout_s:g} s: {state}") from None


class Meter:
    """Times reruns in one tab (a page of a browser context; one Streamlit session).

    Websocket frames come from the DevTools protocol, which the page's own clock
    stamps when it receives them: a busy page receives late, so the page-side
    split of a step into server and browser shares is paired with CPU times
    (the page's main thread, all of Chromium, the server process)."""

    def __init__(self, page, base: str, *, armed: bool = False, cpu: Callable[[], dict] | None = None):
        self.page = page
        self.base = base
        self.cpu = cpu  # CPU seconds by name ("chromium", "server") so far
        page.add_init_script(init_js(armed))
        if DRAW_OFFSCREEN:
            page.add_init_script("window.advlabDrawOffscreen = true;")
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.cdp.send("Network.enable")
        self.recording = armed
        self.frames: list[Frame] = []
        self.cdp.on("Network.webSocketFrameReceived", lambda p: self._record(p, out=False))
        self.cdp.on("Network.webSocketFrameSent", lambda p: self._record(p, out=True))
        self.chart_ids: dict[tuple, str] = {}  # delta path -> the id that chart had last
        self.last_rec: dict = {}

    def _record(self, params: dict, *, out: bool) -> None:
        if self.recording:
            self.frames.append(_frame(params, out))

    def received(self) -> list[Frame]:
        return [f for f in self.frames if not f.out]

    def busy_seconds(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next((m["value"] for m in metrics if m["name"] == "TaskDuration"), 0.0)

    def open(self, path: str, *, need_charts: bool, selector: str | None = None) -> float:
        """Visit ``path`` and wait until the page is idle; returns the seconds taken."""
        t = time.monotonic()
        self.page.goto(f"{self.base}/{path}", wait_until="domcontentloaded")
        wait_idle(self.page, timeout_s=PAGE_TIMEOUT_S, need_charts=need_charts, selector=selector)
        self.chart_ids.clear()
        return time.monotonic() - t

    def chart_fonts(self) -> list[str]:
        """The fonts Chromium really draws the first chart's text in (the family the
        chart asks for may be missing and fall back, or resolve to a heavy CJK font)."""
        try:
            self.cdp.send("DOM.enable")
            self.cdp.send("CSS.enable")
            root = self.cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
            node = self.cdp.send("DOM.querySelector", {"nodeId": root,
                                                        "selector": '[data-testid="stPlotlyChart"] .main-svg text'})
            fonts = self.cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
            self.cdp.send("CSS.disable")
            self.cdp.send("DOM.disable")
        except Exception:  # noqa: BLE001 - the font is a note in the report, not a measurement
            return []
        return [f["familyName"] for f in fonts]

    def wait_run_end(self, timeout_s: float, **idle) -> None:
        """Wait for a script_finished frame, then for the page to have handled it and be idle.
        (Under load the page may handle a whole run's messages in one go, so the script
        state it shows need not change at all: the frames say when the run ended.)"""
        deadline = time.monotonic() + timeout_s
        while True:
            got = self.received()
            done = [i for i, f in enumerate(got) if f.kind == "script_finished"]
            if done:
                wait_idle(self.page, timeout_s=max(0.1, deadline - time.monotonic()), min_in=done[-1] + 1, **idle)
                if len(self.received()) == len(got):  # nothing more came meanwhile
                    return
            elif time.monotonic() > deadline:
                raise TimeoutError(f"no script_finished within {timeout_s:g} s")
            else:
                self.page.wait_for_timeout(20)  # lets the DevTools events in

    def press(self, selector: str, key: str, value_js: str, *, profile: bool = False) -> Step:
        """Focus ``selector``, press ``key`` and time the rerun it causes; ``value_js``
        reads the widget's value, which must have changed for the step to count. With
        ``profile`` the page's main thread is sampled over the step (which slows it)."""
        if profile:
            self.cdp.send("Profiler.enable")
            self.cdp.send("Profiler.setSamplingInterval", {"interval": 500})
            self.cdp.send("Profiler.start")
            st = self.press(selector, key, value_js)
            # the profile ends about now on the page's clock (a round trip later)
            ended = self.page.evaluate("() => performance.now()")
            prof = self.cdp.send("Profiler.stop")["profile"]
            self.cdp.send("Profiler.disable")
            if st.ok:
                window = (self.last_rec["t0"], self.last_rec["lastPaint"])
                st.profile = profile_groups(prof, ended=ended, window=window)
            return st
        pg = self.page
        before = pg.evaluate(value_js)
        pg.evaluate(TAG_JS)
        busy0 = self.busy_seconds()
        cpu0 = self.cpu() if self.cpu else {}
        self.frames, self.recording = [], True
        pg.evaluate(ARM_JS)
        pg.locator(selector).first.evaluate("e => e.focus()")
        pg.keyboard.press(key)
        try:
            pg.wait_for_function(REPLY_JS, polling=20, timeout=RUN_START_TIMEOUT_S * 1000)
        except Exception:  # noqa: BLE001 - no rerun is a failed step
            rec = pg.evaluate(COLLECT_JS)
            self.recording = False
            after = pg.evaluate(value_js)
            return Step(ok=False, note=f"no rerun within {RUN_START_TIMEOUT_S} s (value {before['value']} -> "
                                       f"{after['value']}; key press seen: {rec['t0'] is not None}; "
                                       f"{len(rec['outs'])} message(s) sent)")
        try:
            self.wait_run_end(STEP_TIMEOUT_S)
        except TimeoutError as e:
            pg.evaluate(COLLECT_JS)
            self.recording = False
            return Step(ok=False, note=f"the run did not end, or the page not settle: {str(e)[:300]}")
        busy1 = self.busy_seconds()
        cpu1 = self.cpu() if self.cpu else {}
        rec = self.last_rec = pg.evaluate(COLLECT_JS)
        self.recording = False
        after = pg.evaluate(value_js)
        fate = pg.evaluate(CHART_FATE_JS)
        if after["value"] == before["value"]:
            return Step(ok=False, note=f"a rerun, but the value stayed {before['value']}")
        t0 = rec["t0"]
        st = Step(ok=True, seconds=(rec["lastPaint"] - t0) / 1000, busy=busy1 - busy0, charts=fate["charts"],
                  charts_new=tuple(fate["new"]))
        got = self.received()
        sent = [f.t for f in self.frames if f.out]
        finished = [f.t for f in got if f.kind == "script_finished"]
        st.msgs, st.bytes_in = len(got), sum(f.size for f in got)
        if rec["outs"]:
            st.to_request = (rec["outs"][0] - t0) / 1000
        if sent and finished:
            st.server = finished[-1] - sent[0]
            if st.to_request is not None:
                st.browser = st.seconds - st.to_request - st.server
        for name in ("chromium", "server"):
            if cpu0.get(name) is not None and cpu1.get(name) is not None:
                setattr(st, f"{name}_cpu", cpu1[name] - cpu0[name])
        st.drawn, st.draw_s = len(rec["drawn"]), sum(rec["drawn"]) / 1000
        for f in got:
            kind = f.msg.delta.new_element.WhichOneof("type") if f.kind == "delta" \
                and f.msg.delta.WhichOneof("type") == "new_element" else None
            el = getattr(f.msg.delta.new_element, kind) if kind in ("plotly_chart", "bidi_component") else None
            if el is not None and (kind == "plotly_chart" or el.component_name == LIVE_CHART):
                path, new_id = tuple(f.msg.metadata.delta_path), el.id
                st.chart_deltas += 1
                if kind == "bidi_component":
                    try:
                        st.chart_keys += (json.loads(el.bytes)["key"],)
                    except (ValueError, KeyError, TypeError):
                        pass
                st.chart_ids_changed += path in self.chart_ids and self.chart_ids[path] != new_id
                self.chart_ids[path] = new_id
        return st


# ---------------------------------------------------------------- running ---

def quantile(xs: list[float], q: float) -> float:
    """Nearest-rank quantile."""
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def med(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


@dataclass
class PageResult:
    name: str
    load_s: float | None = None
    first: Step | None = None
    steps: list[Step] = field(default_factory=list)
    profiled: Step | None = None
    error: str = ""
    fonts: list[str] = field(default_factory=list)  # what the page's chart text is drawn in

    @property
    def good(self) -> list[Step]:
        return [s for s in self.steps if s.ok]


def _steps(res: PageResult, n: int, one: Callable[..., Step], label: str, log) -> None:
    """A first step, ``n`` measured ones, and one more under the profiler."""
    for i in range(n + 1):
        st = one()
        log(f"  {label} step {i}: " + (f"{st.seconds:.3f} s" if st.ok else f"FAILED ({st.note})"))
        if i == 0:
            res.first = st
        else:
            res.steps.append(st)
    st = one(profile=True)
    log(f"  {label} profiled step: " + (f"{st.seconds:.3f} s" if st.ok else f"FAILED ({st.note})"))
    res.profiled = st


def measure_eps_page(meter: Meter, ep: EpsPage, n: int, log) -> PageResult:
    res = PageResult(ep.name)
    thumb, value_js = slider_thumb(ep.key), slider_value_js(ep.key)
    try:
        res.load_s = meter.open(ep.path, need_charts=True, selector=thumb)
    except Exception as e:  # noqa: BLE001 - one page's failure is reported, the others still run
        res.error = f"did not load: {type(e).__name__}: {str(e)[:300]}"
        return res
    res.fonts = meter.chart_fonts()

    looking = []

    def one(profile: bool = False) -> Step:
        v = meter.page.evaluate(value_js)
        at_end = v["num"] is not None and v["num"] + v["step"] > v["max"] + 1e-9
        st = meter.press(thumb, "ArrowLeft" if at_end else "ArrowRight", value_js, profile=profile)
        if not looking and st.ok and st.chart_keys:
            # the learner looks at what the slider moves: the first chart a step redraws, at the top of the
            # screen (a live chart out of view is redrawn only when it comes into view)
            looking.append(st.chart_keys[0])
            meter.page.locator(f".{key_class(st.chart_keys[0])}").first.evaluate(
                "e => e.scrollIntoView({block: 'start'})")
            meter.page.wait_for_timeout(300)
            wait_idle(meter.page, timeout_s=STEP_TIMEOUT_S, need_charts=True)
        return st

    _steps(res, n, one, ep.name, log)
    return res


def measure_reference(meter: Meter, n: int, log) -> PageResult:
    res = PageResult("Learn: quiz checkbox (reference)")
    try:
        res.load_s = meter.open(REFERENCE_PATH, need_charts=False, selector=CHECKBOX)
    except Exception as e:  # noqa: BLE001
        res.error = f"did not load: {type(e).__name__}: {str(e)[:300]}"
        return res
    _steps(res, n, lambda profile=False: meter.press(CHECKBOX, "Space", CHECKBOX_VALUE_JS, profile=profile),
           "reference", log)
    return res


def measure_cold_start(browser, server: Server, log) -> dict:
    """Server launch to the Playground drawn, in a fresh browser context."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        meter = Meter(ctx.new_page(), server.base, armed=True)
        t_launch = server.start()
        t_health = server.wait_healthy()
        meter.page.goto(server.base + "/", wait_until="domcontentloaded")
        meter.wait_run_end(PAGE_TIMEOUT_S, need_charts=True,
                           selector=f'.{key_class(COLD_CHART_KEY)} [data-testid="stPlotlyChart"] .main-svg')
        t_seen = time.monotonic()
        rec = meter.page.evaluate(COLLECT_JS)
        got = meter.received()
        server_cpu = server.cpu_seconds()
    finally:
        ctx.close()
    t_drawn = t_seen - max(0.0, rec["now"] - rec["lastPaint"]) / 1000
    cold = {"total": t_drawn - t_launch, "health": t_health - t_launch, "page": t_drawn - t_health,
            "server_cpu": server_cpu}
    finished = [i for i, f in enumerate(got) if f.kind == "script_finished"]
    if got and finished and len(rec["ins"]) == len(got):
        # the page's clock starts at its navigation
        cold.update(first_msg=rec["ins"][0] / 1000, runs=len(finished), finished=rec["ins"][finished[-1]] / 1000,
                    paint=rec["lastPaint"] / 1000, mb=sum(f.size for f in got) / 2**20)
    log(f"  {cold['total']:.1f} s")
    return cold


def fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def report(cold: dict, results: list[PageResult], ref: PageResult) -> str:
    ref_p50 = med([s.seconds for s in ref.good])
    rows = ["| page | ε step p50 (s) | p95 (s) | n (failed) | first step (s) | p50 × reference | target |",
            "|---|---|---|---|---|---|---|"]
    for r in [*results, ref]:
        if r.error:
            rows.append(f"| {r.name} | – | – | 0 | – | – | {r.error} |")
            continue
        xs = [s.seconds for s in r.good]
        p50, p95 = med(xs), (quantile(xs, 0.95) if xs else None)
        first = r.first.seconds if r.first and r.first.ok else None
        ratio = f"{p50 / ref_p50:.1f}" if p50 and ref_p50 else "–"
        if r is ref:
            target = "(reference)"
        else:
            target = f"{STEP_TARGET_S:g} s" + ("" if p50 is None else (" ok" if p50 <= STEP_TARGET_S else " over"))
        rows.append(f"| {r.name} | {fmt(p50)} | {fmt(p95)} | {len(xs)} ({len(r.steps) - len(xs)}) | {fmt(first)} | "
                    f"{ratio} | {target} |")
    total = cold.get("total")
    verdict = "" if total is None else (" ok" if total <= COLD_TARGET_S else " over")
    rows.append(f"| cold start: server launch → Playground drawn | {fmt(total, 1)} | | 1 | | | "
                f"{COLD_TARGET_S:g} s{verdict} |")

    cold_line = (f"Cold start {fmt(total, 1)} s: launch → health endpoint answers {fmt(cold.get('health'), 1)} s, "
                 f"then first visit → Playground drawn and idle {fmt(cold.get('page'), 1)} s")
    if cold.get("first_msg") is not None:
        cold_line += (f" (on the page's clock from its navigation: first message received {fmt(cold['first_msg'])} s, "
                      f"the last script_finished (of {cold['runs']} run{'s' if cold['runs'] > 1 else ''}) "
                      f"{fmt(cold['finished'])} s, last paint {fmt(cold['paint'])} s; "
                      f"{cold['mb']:.1f} MB of messages)")
    if cold.get("server_cpu") is not None:
        cold_line += f"; the server process used {fmt(cold['server_cpu'], 1)} s of CPU by then"
    cold_line += "."
    if cold.get("settled") is not None:
        cold_line += (f" The ε steps were measured after the server's warm-up of every page had ended "
                      f"({fmt(cold['settled'], 0)} s after the Playground was drawn).")

    parts = [("| page | total | key → request sent | request → script_finished received | "
              "script_finished → painted | page main thread busy | Chromium CPU | server CPU | messages / KB | "
              "charts with new nodes (container/element/plot/svg) of charts | chart deltas (new id) | "
              "charts redrawn in place: n / s |"),
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in [*results, ref]:
        g = r.good
        if not g:
            continue
        new = "/".join(f"{med([s.charts_new[i] for s in g]):g}" for i in range(len(CHART_LEVELS)))
        cols = [fmt(med([getattr(s, a) for s in g]), 3) for a in
                ("seconds", "to_request", "server", "browser", "busy", "chromium_cpu", "server_cpu")]
        parts.append(
            f"| {r.name} | {' | '.join(cols)} | "
            f"{med([s.msgs for s in g]):.0f} / {med([s.bytes_in for s in g]) / 1024:.0f} | "
            f"{new} of {med([s.charts for s in g]):g} | "
            f"{med([s.chart_deltas for s in g]):g} ({med([s.chart_ids_changed for s in g]):g}) | "
            f"{med([s.drawn for s in g]):g} / {fmt(med([s.draw_s for s in g]), 3)} |")
    prof = ["| page | profiled step (s) | " + " | ".join(PROFILE_GROUPS) + " |",
            "|---|---|" + "---|" * len(PROFILE_GROUPS)]
    for r in [*results, ref]:
        if r.profiled and r.profiled.ok and r.profiled.profile:
            prof.append(f"| {r.name} | {fmt(r.profiled.seconds, 3)} | "
                        + " | ".join(fmt(r.profiled.profile[g], 3) for g in PROFILE_GROUPS) + " |")
    tops = [f"- {r.name}: " + "; ".join(f"{w} {sec:.3f}" for w, sec in r.profiled.profile.get("top", ()))
            for r in [*results, ref] if r.profiled and r.profiled.ok and r.profiled.profile]
    loads = ", ".join(f"{r.name} {fmt(r.load_s, 1)} s" for r in [*results, ref] if r.load_s is not None)
    fonts = sorted({f for r in results for f in r.fonts})
    failed = [f"{r.name}: {s.note}" for r in [*results, ref] for s in ([r.first] if r.first else []) + r.steps
              if not s.ok]
    out = ["\n".join(rows), cold_line,
           ("Where a step's time goes (medians over the measured steps; seconds). The page receives a message "
           "only when its main thread gets to it, so request → script_finished received is an upper bound on the "
           "server's time; the CPU columns are measured apart from the page."),
           "\n".join(parts),
           ("The page's main thread over one more step, from the key press to the last paint, sampled by V8's "
            "profiler (seconds; a DOM call counts for the script that made it; (program) is the renderer's work "
            "outside JavaScript):"),
           "\n".join(prof),
           "The functions that took most of the profiled step's main thread (self time, seconds):\n" + "\n".join(tops),
           f"First visits (not timed as steps): {loads}.",
           "Chart text is drawn in: " + (", ".join(fonts) or "(not found)") + " (as Chromium resolves the charts' "
           "font family on this machine; text measuring is part of every chart drawn)."]
    if failed:
        out.append("Failed steps: " + "; ".join(failed))
    return "\n\n".join(out)


def wait_settled(server: Server, *, idle_cpu_s: float = 0.1, quiet_s: int | None = None, timeout_s: float = 300) -> float:
    """Wait until the server process has used under ``idle_cpu_s`` of CPU in each of
    ``quiet_s`` seconds in a row: the warm-up it runs after start (every page's default
    link, one after another) is over, so the ε steps measure a learner on a settled
    server, not one sharing it with the warm-up. Returns the seconds waited."""
    if quiet_s is None:  # longer than the warm-up's own wait for quiet before its first later page
        from advlab.ui.warmup import SETTLE_S

        quiet_s = math.ceil(SETTLE_S) + 3
    t0 = time.monotonic()
    last, quiet = server.cpu_seconds(), 0
    while quiet < quiet_s and time.monotonic() - t0 < timeout_s and last is not None:
        time.sleep(1.0)
        now = server.cpu_seconds()
        quiet = quiet + 1 if now is not None and now - last < idle_cpu_s else 0
        last = now
    return time.monotonic() - t0


def run(n: int, only: list[str] | None, log, replicas: int | None = None, viewport: dict | None = None) -> str:
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    pages = [ep for ep in EPS_PAGES if not only or ep.path in only or ep.name.lower() in only]
    server = Server(replicas=replicas)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            log("cold start ...")
            cold = measure_cold_start(browser, server, log)
            log("waiting for the server's warm-up of every page ...")
            cold["settled"] = wait_settled(server)
            system = browser.new_browser_cdp_session()

            def cpu() -> dict:
                procs = system.send("SystemInfo.getProcessInfo")["processInfo"]
                return {"chromium": sum(p["cpuTime"] for p in procs), "server": server.cpu_seconds()}

            # one context for the rest: its HTTP cache keeps the chart bundle from being
            # fetched again for each page; each tab is still its own Streamlit session
            ctx = browser.new_context(viewport=viewport or VIEWPORT, locale="en-US")
            ctx.set_default_timeout(STEP_TIMEOUT_S * 1000)
            results = []
            for ep in pages:
                log(f"{ep.name} ...")
                page = ctx.new_page()
                try:
                    results.append(measure_eps_page(Meter(page, server.base, cpu=cpu), ep, n, log))
                finally:
                    page.close()
            log("reference ...")
            page = ctx.new_page()
            try:
                ref = measure_reference(Meter(page, server.base, cpu=cpu), n, log)
            finally:
                page.close()
            ctx.close()
        finally:
            browser.close()
            server.stop()
    return report(cold, results, ref)


def revision() -> str:
    """The app's git revision, marked when the working tree differs from it."""
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                             check=False, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=STEPS, help=f"measured steps per page, after a first one "
                                                             f"(default {STEPS})")
    ap.add_argument("--pages", nargs="+", metavar="PAGE",
                    help="only these ε pages, by url path or name (e.g. digits transfer; '' is the Playground)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument("--draw-offscreen", action="store_true",
                    help="redraw live charts out of view at once too, as before they waited (to compare)")
    ap.add_argument("--viewport", default=None, metavar="WxH",
                    help=f"the browser window for the ε steps (default {VIEWPORT['width']}x{VIEWPORT['height']}: "
                         "every chart of a page in view; 1440x900 is a laptop's)")
    ap.add_argument("--replicas", default="auto", metavar="N",
                    help="Streamlit processes of the server ('auto': one per core behind nginx, as `make run`; "
                         "1: one process)")
    args = ap.parse_args(argv)
    # a stopped run still stops the server it started (the finally blocks run on SystemExit)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    t = time.monotonic()
    (replicas,) = replica_counts(args.replicas)
    global DRAW_OFFSCREEN
    DRAW_OFFSCREEN = args.draw_offscreen
    viewport = None
    if args.viewport:
        w, _, h = args.viewport.lower().partition("x")
        if not (w.isdigit() and h.isdigit()):
            ap.error(f"--viewport: WIDTHxHEIGHT in pixels, e.g. 1440x900, not {args.viewport!r}")
        viewport = {"width": int(w), "height": int(h)}
    out = run(args.steps, [p.lower() for p in args.pages] if args.pages else None, log, replicas, viewport)
    window = args.viewport or f"{VIEWPORT['width']}x{VIEWPORT['height']}"
    print(f"# advlab browser benchmark\n\nApp at {revision()}; headless Chromium, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, window {window}. An ε step is one slider step by keyboard, timed from the key press to the "
          f"paint after the last DOM change, once the app is idle ({QUIET_MS} ms of DOM quiet, not counted); "
          f"{args.steps} steps per page after a first one.\n")
    print(out)
    print(f"\nWhole run: {time.monotonic() - t:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
