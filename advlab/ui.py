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
from collections import OrderedDict
from collections.abc import Callable

import streamlit as st

from . import data as data_mod
from .i18n import LANG_NAMES, LANGS, t
from .state import Field, PageState


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

def lang() -> str:
    return st.session_state.get("lang", "en")


def presenter() -> bool:
    return bool(st.session_state.get("present", False))


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
    """``st.plotly_chart`` with a PNG download button named after the chart."""
    scale = 3 if presenter() else 2
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": scale},
              "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
    return st.plotly_chart(fig, width="stretch", key=key, config=config, **kw)


# ----------------------------------------------------------------- caches ---

@st.cache_resource(show_spinner=False)
def dataset(name: str, n_samples: int = 400, noise: float | None = None, seed: int = 0,
            n_classes: int = 3) -> data_mod.Dataset:
    return data_mod.load(name, n_samples=n_samples, noise=noise, seed=seed, n_classes=n_classes)


@st.cache_resource(show_spinner=False)
def _model_store() -> dict:
    return {"models": OrderedDict(), "lock": threading.Lock()}


MAX_MODELS = 64


def stored_model(key: tuple):
    """A trained model (or other read-only resource) stored under ``key``, or None."""
    store = _model_store()
    with store["lock"]:
        item = store["models"].get(key)
        if item is not None:
            store["models"].move_to_end(key)
        return item


def store_model(key: tuple, item) -> None:
    store = _model_store()
    with store["lock"]:
        store["models"][key] = item
        store["models"].move_to_end(key)
        while len(store["models"]) > MAX_MODELS:
            store["models"].popitem(last=False)


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
