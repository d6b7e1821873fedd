"""The only part of advlab that imports streamlit: language, presenter mode,
URL-bound page state, widgets built from field specs, and the caches that keep
trained models and results across reruns and sessions.

Caching rules: datasets and trained models are shared read-only across
sessions (``st.cache_resource``; a shared model is never fit again); results
of attacks and curves are cached by value (``st.cache_data``) keyed by the
model's key and the settings, so moving back to an earlier epsilon is instant.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from .. import data as data_mod
from ..figures.common import PlainFigure
from ..i18n import LANG_NAMES, LANGS, t
from ..state import Field, PageState
from . import livechart, service

service.keep_keras_state()


def _leave_pages_directory_mode() -> bool:
    """Streamlit treats an app with a ``pages/`` folder as an old-style
    multipage app until the entry script has called ``st.navigation`` once in
    the process; a first visit straight to ``/<page>`` would then run the page
    without app.py (no language, presets or navigation titles). Switch that
    mode off as soon as any advlab page is imported; :func:`bind` reruns the
    one run that started in the old mode."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without this relic
        return False
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False


_RERUN_AS_APP = _leave_pages_directory_mode()

GLOBAL_FIELDS = PageState("global", [
    Field("lang", "en", "choice", choices=LANGS),
    Field("present", False, "bool"),
])


# --------------------------------------------------------- language, mode ---

_RUN = threading.local()  # this script thread's run, and the settings read in it


def _this_run(name: str, default):
    """``st.session_state.get(name, default)``, read once per script run: a page asks for its
    language some hundred times a run (every translated label, every option of a select
    box), and each read of the session state takes its lock and presents the value. Both
    settings are widgets, set before a run starts, and :func:`init_globals` forgets what
    was read when it sets them from the link."""
    ctx = get_script_run_ctx(suppress_warning=True)
    run = getattr(ctx, "cursors", None)  # a new dict every run of a script
    if run is None:
        return st.session_state.get(name, default)
    memo = getattr(_RUN, "memo", None)
    if memo is None or memo[0] is not run:
        memo = _RUN.memo = (run, {})
    values = memo[1]
    if name not in values:
        values[name] = st.session_state.get(name, default)
    return values[name]


def lang() -> str:
    return _this_run("lang", "en")


def presenter() -> bool:
    return bool(_this_run("present", False))


def tr(key: str, /, **fmt) -> str:
    """``t(key)`` in the session's language (``key`` is positional-only, so a
    placeholder may be called ``key`` too)."""
    return t(key, lang(), **fmt)


def init_globals() -> None:
    """Read ``lang`` and ``present`` from the URL once per session."""
    if "_globals_init" in st.session_state:
        return
    st.session_state["_globals_init"] = True
    values, notes = GLOBAL_FIELDS.from_query(_query())
    st.session_state.setdefault("lang", values["lang"])
    st.session_state.setdefault("present", values["present"])
    _RUN.memo = None
    st.session_state.setdefault("_notes", []).extend(notes)


def global_controls() -> None:
    """Language switch and presenter toggle (sidebar)."""
    st.sidebar.selectbox(t("lang_label", lang()), LANGS, key="lang", format_func=lambda k: LANG_NAMES[k])
    st.sidebar.toggle(tr("presenter_label"), key="present", help=tr("presenter_help"))


def _query() -> dict[str, str]:
    try:
        return {k: st.query_params[k] for k in st.query_params}
    except Exception:  # noqa: BLE001 - no URL outside a browser session
        return {}


# ------------------------------------------------------------ page state ---

def bind(state: PageState) -> None:
    """Prepare the widget keys of ``state``'s page.

    On the page's first run in a session the URL's values are used (bad ones
    fall back with a note); afterwards the widgets own their values. Values are
    also kept outside the widgets, so leaving the page and coming back (which
    makes Streamlit forget widget state) restores them.
    """
    global _RERUN_AS_APP
    if _RERUN_AS_APP:
        _RERUN_AS_APP = False
        st.rerun()
    init_globals()  # a page run on its own (tests, embedding) still reads lang/present
    page = state.page
    shadow = st.session_state.setdefault("_shadow", {}).setdefault(page, {})
    first = f"_init_{page}" not in st.session_state
    if first:
        st.session_state[f"_init_{page}"] = True
        values, notes = state.from_query(_query())
        pending = st.session_state.pop("_preset", None)
        if pending and pending.get("page") == page:
            values.update(pending["values"])
        st.session_state.setdefault("_notes", []).extend(notes)
        shadow.update(values)
    for name, f in state.fields.items():
        k = wkey(page, name)
        if k not in st.session_state:
            st.session_state[k] = shadow.get(name, f.default)


def wkey(page: str, name: str) -> str:
    return f"{page}.{name}"


def values(state: PageState) -> dict:
    """Current values of the page's fields (after its widgets ran)."""
    out = {}
    shadow = st.session_state.setdefault("_shadow", {}).setdefault(state.page, {})
    for name, f in state.fields.items():
        val = st.session_state.get(wkey(state.page, name), f.default)
        if isinstance(val, list):
            val = tuple(val)
        out[name] = val
        shadow[name] = val
    return out


def sync_url(state: PageState, vals: dict, keep: set[str] | None = None) -> None:
    """Write the page's state (and language/presenter flags) into the URL;
    ``keep`` limits it to the fields that matter for the current view."""
    if keep is not None:
        vals = {k: val for k, val in vals.items() if k in keep}
    q = {**GLOBAL_FIELDS.to_query({"lang": lang(), "present": presenter()}), **state.to_query(vals)}
    # rewrite only on change: every write adds a browser history entry
    if {k: st.query_params.get(k) for k in q} != q or set(st.query_params) != set(q):
        st.query_params.from_dict(q)


def show_notes() -> None:
    """Show, once, which URL values were ignored and why."""
    for n in st.session_state.pop("_notes", []):
        st.warning(tr("url_note", field=n.field, raw=n.raw, reason=n.reason), icon=":material/warning:")


# ---------------------------------------------------------------- widgets ---

def slider(state: PageState, name: str, label: str, *, step=None, fmt=None, help=None, where=st):
    f = state.fields[name]
    lo, hi = (int(f.lo), int(f.hi)) if f.kind == "int" else (float(f.lo), float(f.hi))
    return where.slider(label, lo, hi, step=step, format=fmt, key=wkey(state.page, name), help=help)


def select(state: PageState, name: str, label: str, *, fmt: Callable | None = None, help=None, where=st,
           horizontal: bool = False, radio: bool = False):
    f = state.fields[name]
    if radio:
        return where.radio(label, f.choices, format_func=fmt or str, key=wkey(state.page, name), help=help,
                           horizontal=horizontal)
    return where.selectbox(label, f.choices, format_func=fmt or str, key=wkey(state.page, name), help=help)


def number(state: PageState, name: str, label: str, *, step=None, fmt=None, help=None, where=st):
    f = state.fields[name]
    lo, hi = (int(f.lo), int(f.hi)) if f.kind == "int" else (float(f.lo), float(f.hi))
    return where.number_input(label, lo, hi, step=step, format=fmt, key=wkey(state.page, name), help=help)


def toggle(state: PageState, name: str, label: str, *, help=None, where=st):
    return where.toggle(label, key=wkey(state.page, name), help=help)


def chart(fig, *, key: str | None = None, filename: str = "advlab", **kw):
    """A Plotly chart with a PNG download button named after the chart.

    A chart with a ``key`` stays mounted and is updated in place when its
    figure changes (:mod:`advlab.ui.livechart`): moving a slider redraws only
    what moved instead of a whole new chart. Without a key (or without
    Streamlit's Plotly bundle) it is ``st.plotly_chart``.

    On a phone (see :func:`narrow`) the figure is refitted to the narrow column
    (:func:`advlab.figures.phone.for_phone`); the tool bar, which would sit on
    the legend and the titles, and point picking are left out."""
    scale = 3 if presenter() else 2
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": scale},
              "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
    if narrow() and not presenter():
        fig = _phone_figure(fig)
        config["displayModeBar"] = False
        # picking points makes Streamlit turn every drag on the chart into a pan, which would
        # catch the swipes that scroll the page: on a phone a tap shows a point's label, and
        # the page's own pickers (a number, next/previous buttons) choose it
        kw.pop("on_select", None)
        kw.pop("selection_mode", None)
    if key is not None and livechart.BUNDLE is not None and set(kw) <= {"on_select", "selection_mode"}:
        return livechart.show(fig, key=key, config=config, **kw)
    if isinstance(fig, PlainFigure):
        fig = fig.figure()
    return st.plotly_chart(fig, width="stretch", key=key, config=config, **kw)


_PHONE_FIGURES: dict[int, tuple] = {}  # id(figure) -> (weak reference to it, its phone version)
_PHONE_LOCK = threading.Lock()


def _phone_figure(fig):
    """The phone version of ``fig``, made once per figure object (a figure shared by
    :func:`figure` is refitted once for every phone that shows it) and forgotten with it."""
    from ..figures.phone import for_phone

    with _PHONE_LOCK:
        ref, hit = _PHONE_FIGURES.get(id(fig), (None, None))
    if ref is not None and ref() is fig:
        return hit
    hit = for_phone(fig)
    with _PHONE_LOCK:
        _PHONE_FIGURES[id(fig)] = (weakref.ref(fig), hit)
    weakref.finalize(fig, _forget_phone_figure, id(fig))
    return hit


def _forget_phone_figure(key: int) -> None:
    with _PHONE_LOCK:
        _PHONE_FIGURES.pop(key, None)


# ----------------------------------------------------------------- caches ---

@st.cache_resource(show_spinner=False)
def dataset(name: str, n_samples: int = 400, noise: float | None = None, seed: int = 0,
            n_classes: int = 3) -> data_mod.Dataset:
    return data_mod.load(name, n_samples=n_samples, noise=noise, seed=seed, n_classes=n_classes)


WORKSHOP = service.Workshop()


def stored_model(key):
    """A trained model (or other read-only result) stored under ``key``, or None."""
    return WORKSHOP.store.get(key)


def store_model(key, item) -> None:
    WORKSHOP.store.put(key, item)


def shared(key, compute: Callable[[service.Job], object], *, text: Callable[[service.Job], str],
           live: Callable[[service.Job], None] | None = None, where=None, store: bool = True):
    """The result of ``compute`` for ``key``, computed once for every session.

    A stored result is returned at once. Otherwise the work runs on the shared
    pool (joining the same job if another session started it) while this
    session shows a progress bar: "waiting for the server (k ahead of you)"
    while queued, then ``text(job)`` as the job reports progress;
    ``live(job)`` may draw more (the live decision boundary) on each report.
    """
    hit = WORKSHOP.store.get(key) if store else None
    if hit is not None:
        return hit
    job = WORKSHOP.submit(key, compute, store=store)
    if job.done:
        return job.future.result()
    slot = (where or st).empty()
    box = slot.container()
    bar = box.progress(0.0, text=tr("queue_waiting_soon"))
    live_slot = box.empty() if live is not None else None
    seen = {"fraction": -1.0, "info": None}

    def show(j: service.Job, ahead: int) -> None:
        if ahead > 0:
            bar.progress(0.0, text=tr("queue_waiting", k=ahead))
            return
        if j.fraction != seen["fraction"]:
            seen["fraction"] = j.fraction
            bar.progress(j.fraction, text=text(j))
        if live is not None and j.info is not seen["info"] and j.info:
            seen["info"] = j.info
            with live_slot.container():
                live(j)

    try:
        return WORKSHOP.wait(job, show)
    finally:
        slot.empty()


def _figure_size(fig) -> int:
    """A stored figure's bytes, counted as its JSON: made once per figure for drawing it
    anyway (:mod:`livechart`), where walking a map's every trace and list took longer."""
    if isinstance(fig, PlainFigure | go.Figure):
        return 4_000 + len(livechart._figure_json(fig))
    return service.nbytes(fig)


FIGURES = service.ModelStore(max_items=48, max_bytes=16 * 2**20, size=_figure_size)


def figure(key, build: Callable[[], object]):
    """A figure built once for every session that shows the same view.

    A class on one link moves to the same epsilons: the first student's move
    builds the chart, the others reuse it. Figures are read-only once stored
    (``st.plotly_chart`` only reads them)."""
    fig = FIGURES.get(key)
    if fig is None:
        fig = build()
        FIGURES.put(key, fig)
    return fig


def shared_all(items: list[tuple], *, text: Callable[[int, int, service.Job], str]) -> list:
    """Several shared results at once (a sweep): every missing one is submitted
    to the pool together, one progress bar follows them all.

    ``items`` holds ``(key, compute)`` pairs; ``text(done, n, job)`` labels the
    bar by the first unfinished job. Returns each result, or the exception its
    job raised (a sweep reports a failed member and goes on with the rest).
    """
    jobs = [WORKSHOP.submit(key, compute) for key, compute in items]
    pending = [j for j in jobs if not j.done]
    if pending:
        slot = st.empty()
        bar = slot.progress(0.0, text=tr("queue_waiting_soon"))
        try:
            while True:
                left = [j for j in pending if not j.done]
                if not left:
                    break
                ahead = WORKSHOP.ahead(left[0])
                done = len(pending) - len(left)
                if ahead > 0 and not any(j.started for j in left):
                    bar.progress(done / len(pending), text=tr("queue_waiting", k=ahead))
                else:
                    frac = (done + sum(j.fraction for j in left)) / len(pending)
                    cur = next((j for j in left if j.started), left[0])
                    bar.progress(min(frac, 1.0), text=text(done, len(pending), cur))
                with service.waiting():  # the run's slot is free for other sessions meanwhile
                    time.sleep(0.12)
        finally:
            slot.empty()
    out = []
    for j in jobs:
        exc = j.future.exception()
        out.append(exc if exc is not None else j.future.result())
    return out


def train_job(fit: Callable, epochs: int, *, frames: int = 0) -> Callable[[service.Job], object]:
    """A job running ``fit(on_epoch=...)`` that reports each epoch's logs.

    ``frames > 0`` paces training to about that many visible steps (for
    "watch it learn"), so a learner sees the boundary move instead of a jump.
    """
    every = max(1, epochs // frames) if frames else 0

    def compute(job: service.Job):
        def on_epoch(ep, logs):
            info = dict(logs, epoch=ep, epochs=epochs)
            if "weights" in info:
                info["weights"] = [w.copy() for w in info["weights"]]
            job.report(ep / max(epochs, 1), **info)
            if every and ep % every == 0:
                time.sleep(0.06)
        return fit(on_epoch=on_epoch)
    return compute


def train_text(msg_key: str, *, loss: bool = True, acc: bool = False) -> Callable[[service.Job], str]:
    """Progress text of a training job: ``msg_key`` (with ``ep``, ``n``) then loss/accuracy."""
    def text(job: service.Job) -> str:
        i = job.info
        out = tr(msg_key, ep=i.get("epoch", 0), n=i.get("epochs", 0))
        if loss and "loss" in i:
            out += f" · loss {i['loss']:.3f}"
        if acc and "accuracy" in i:
            out += f" · acc {i['accuracy']:.2f}"
        return out
    return text


# ------------------------------------------------------------ phone screens ---

NARROW_PX = 640  # below this width Streamlit stacks columns: the phone layout starts here too

SCREEN_KEY = "_advlab_screen"
SCREEN_COOKIE = "advlab_narrow"

# Reports whether the window is phone-narrow, on load and when it turns, only when that
# differs from what the server believes: a laptop never reruns for it. The answer is also
# kept in a cookie, which the server reads when a session starts: a phone reruns once on
# its first visit, and every later page or tab it opens starts in its phone layout.
_SCREEN_JS = """export default function ({ setStateValue, data }) {
  const mq = window.matchMedia("(max-width: NARROW_PXpx)");
  let told = !!(data && data.narrow);
  const report = () => {
    document.cookie = "SCREEN_COOKIE=" + (mq.matches ? "1" : "0") + "; path=/; max-age=31536000; samesite=lax";
    if (mq.matches !== told) { told = mq.matches; setStateValue("narrow", told); }
  };
  report();
  mq.addEventListener("change", report);
  return () => mq.removeEventListener("change", report);
}""".replace("NARROW_PX", str(NARROW_PX)).replace("SCREEN_COOKIE", SCREEN_COOKIE)
_screen = st.components.v2.component("advlab_screen", js=_SCREEN_JS)


def watch_screen() -> None:
    """Mount the (invisible) screen watcher; :func:`narrow` reads what it reported."""
    _screen(key=SCREEN_KEY, data={"narrow": narrow()}, default={"narrow": _narrow_cookie()},
            on_narrow_change=_noop)


def _noop() -> None:
    pass


def _narrow_cookie() -> bool:
    try:
        return st.context.cookies.get(SCREEN_COOKIE) == "1"
    except Exception:  # noqa: BLE001 - no browser (tests, notebooks)
        return False


def narrow() -> bool:
    """Whether this session's browser window is phone-narrow (``NARROW_PX`` or less): what
    the screen watcher reported, or before it has, what the browser said last time."""
    try:
        state = st.session_state.get(SCREEN_KEY)
    except Exception:  # noqa: BLE001 - no session outside a script run
        return False
    if state is not None and "narrow" in state:
        return bool(state["narrow"])
    return _narrow_cookie()


# The phone stylesheet: everything under one media query, so a laptop or a projector never
# reads a rule of it. Streamlit already stacks columns below 640 px; these rules keep what
# reads better side by side (a pair of metrics, a row of step buttons), give fingers room
# (controls at least 44 px high) and let the title and the first chart into the first screen.
_COL = '[data-testid="stColumn"]'
_IN_COL = _COL + ' > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"] > '
_BOXES = "".join(f":has(> {_COL}:nth-child({i}) > [data-testid=\"stVerticalBlock\"] > "
                 f"[data-testid=\"stElementContainer\"] > [data-testid=\"stCheckbox\"])" for i in (1, 2, 3))
PHONE_CSS = f"""<style>
.st-key-{SCREEN_KEY}, .st-key-{livechart.PRELOAD_KEY} {{ display: none; }}
@media (max-width: {NARROW_PX}px) {{
  [data-testid="stMainBlockContainer"] {{ padding-top: 4rem; padding-bottom: 4rem; }}
  h1 {{ font-size: 2rem !important; }}
  h2 {{ font-size: 1.5rem !important; }}
  h3 {{ font-size: 1.25rem !important; }}
  /* metrics two to a row */
  [data-testid="stHorizontalBlock"]:has(> {_IN_COL}[data-testid="stMetric"]) > {_COL}
      {{ min-width: calc(50% - 0.5rem) !important; flex: 1 1 calc(50% - 0.5rem) !important; }}
  [data-testid="stMetricValue"] {{ font-size: 1.75rem !important; }}
  [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
  [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {{ white-space: normal; overflow: visible; }}
  /* stacked columns: a paragraph's gap, not a laptop's gutter */
  [data-testid="stHorizontalBlock"] {{ row-gap: 1rem !important; }}
  /* a row that opens with two buttons (previous / next step) keeps them side by side */
  [data-testid="stHorizontalBlock"]:has(> {_COL}:nth-child(1) > [data-testid="stVerticalBlock"]
      > [data-testid="stElementContainer"] > [data-testid="stButton"]):has(> {_COL}:nth-child(2)
      > [data-testid="stVerticalBlock"] > [data-testid="stElementContainer"] > [data-testid="stButton"])
      > {_COL}:nth-child(-n+2) {{ min-width: calc(50% - 0.5rem) !important; flex: 1 1 calc(50% - 0.5rem) !important; }}
  /* a row of check boxes (attacks to compare) wraps like words instead of one box a line */
  [data-testid="stHorizontalBlock"]{_BOXES} {{ column-gap: 1.25rem; row-gap: 0.25rem !important; }}
  [data-testid="stHorizontalBlock"]{_BOXES} > {_COL} {{ min-width: auto !important; flex: 0 0 auto !important;
      width: auto !important; }}
  /* tap targets */
  [data-testid="stButton"] button, [data-testid="stDownloadButton"] button, [data-testid="stButtonGroup"]
      button[data-variant], [data-testid="stLinkButton"] a, [data-testid="stPopover"] button
      {{ min-height: 44px; min-width: 44px; }}
  [data-testid="stNumberInputContainer"] {{ min-height: 44px; }}
  [data-testid="stNumberInputStepUp"], [data-testid="stNumberInputStepDown"] {{ min-width: 44px; min-height: 44px; }}
  [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button
      {{ min-width: 44px; min-height: 44px; justify-content: center; }}
  [data-testid="stExpander"] summary {{ min-height: 44px; }}
  [data-testid="stRadio"] [role="radiogroup"] > label {{ min-height: 36px; align-items: center; }}
  /* code and formulas wider than the screen scroll in their own box, in a smaller face */
  [data-testid="stCode"] code {{ font-size: 0.75rem !important; }}
  .katex-display {{ overflow-x: auto; overflow-y: hidden; font-size: 0.85em; }}
  [data-testid="stMarkdownContainer"] table {{ display: block; overflow-x: auto; font-size: 0.8rem; }}
  [data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td {{ padding: 0.3rem 0.4rem; }}
}}
</style>"""


def phone_css() -> None:
    """The phone stylesheet (:data:`PHONE_CSS`) on this page; it takes no room in the page."""
    st.html(PHONE_CSS)


def presenter_css() -> None:
    """Projector styling: bigger text, and charts that sit side by side on a
    laptop get a row each (one main chart per screen)."""
    st.markdown("""<style>
    .stMarkdown p, .stMarkdown li, .stCaption p, label p { font-size: 1.3rem !important; line-height: 1.5 !important; }
    h1 { font-size: 3rem !important; } h2, h3 { font-size: 2.1rem !important; }
    [data-testid="stMetricValue"] { font-size: 2.8rem !important; }
    [data-testid="stMetricLabel"] p { font-size: 1.25rem !important; }
    [data-testid="stAlert"] p, [data-testid="stExpander"] summary p { font-size: 1.3rem !important; }
    [data-testid="stDataFrame"], [data-testid="stTable"] { font-size: 1.2rem !important; }
    [data-testid="stDataFrame"] * { font-size: 1.1rem !important; }
    [data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) { flex-direction: column !important; }
    [data-testid="stHorizontalBlock"]:has([data-testid="stPlotlyChart"]) > [data-testid="stColumn"]
        { width: 100% !important; flex: 1 1 100% !important; }
    </style>""", unsafe_allow_html=True)


# ------------------------------------------------------ sharing, presets ---

def share_link() -> None:
    """A "copy link" button: copies the browser's current address, which
    always holds the page's full state (see :func:`sync_url`)."""
    label = tr("share_copy")
    done = tr("share_copied")
    st.html(f"""
<div style="display:flex;gap:.4rem;align-items:center;margin:.2rem 0 .4rem 0">
  <button id="advlab-copy" type="button" title="{tr('share_help')}"
    style="flex:1;padding:.45rem .6rem;border-radius:.5rem;border:1px solid #c9d2de;background:#fff;
           cursor:pointer;font:inherit;font-size:.9rem">{label}</button>
</div>
<script>
(function() {{
  const b = document.getElementById("advlab-copy");
  if (!b || b.dataset.bound) return;
  b.dataset.bound = "1";
  b.addEventListener("click", async () => {{
    const url = window.location.href;
    try {{ await navigator.clipboard.writeText(url); }}
    catch (e) {{
      const t = document.createElement("textarea"); t.value = url; document.body.appendChild(t);
      t.select(); document.execCommand("copy"); t.remove();
    }}
    b.textContent = "{done}";
    setTimeout(() => {{ b.textContent = "{label}"; }}, 1600);
  }});
}})();
</script>""", unsafe_allow_javascript=True)


def reset_page(short: str) -> None:
    """Forget a page's widget values so the next visit reads them from the URL."""
    for k in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{short}.")]:
        del st.session_state[k]
    st.session_state.pop(f"_init_{short}", None)
    st.session_state.get("_shadow", {}).pop(short, None)
