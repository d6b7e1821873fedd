"""advlab entry point: page config, TensorFlow set-up, navigation, shared sidebar."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import streamlit as st

from advlab import startup

startup.wait_for_preload()  # a fresh server's own imports first: a run importing beside them may find a module half made

# TensorFlow is not imported here: every import of it goes through advlab._tf
# (which configures it first), and only the pages that need it import it.
from advlab import ui
from advlab.presets import PRESETS
from advlab.state import shown
from advlab.ui import livechart

# (file, title key, icon, url path, state name)
PAGES = [
    ("pages/playground.py", "nav_playground", ":material/tune:", "playground", "pg"),
    ("pages/seed_lab.py", "nav_seed_lab", ":material/science:", "seed-lab", "sl"),
    ("pages/digits.py", "nav_digits", ":material/pin:", "digits", "dg"),
    ("pages/robustness.py", "nav_robustness", ":material/trending_down:", "robustness", "rb"),
    ("pages/defenses.py", "nav_defenses", ":material/shield:", "defenses", "df"),
    ("pages/transfer.py", "nav_transfer", ":material/swap_horiz:", "transfer", "tf"),
    ("pages/text_lab.py", "nav_text_lab", ":material/translate:", "text-lab", "tx"),
    ("pages/learn.py", "nav_learn", ":material/school:", "learn", "ln"),
    ("pages/class_room.py", "nav_class", ":material/groups:", "class", "cl"),
    ("pages/class_teacher.py", "nav_class_teacher", ":material/co_present:", "class-teacher", "ct"),
]


def open_preset(key: str) -> None:
    """Go to a preset's page with its settings (replacing that page's current ones)."""
    p = PRESETS[key]
    path, short = next((f, s) for f, _, _, u, s in PAGES if u == p.page)
    ui.reset_page(short)
    params = dict(p.params)
    params.update(ui.GLOBAL_FIELDS.to_query({"lang": ui.lang(), "present": ui.presenter()}))
    st.switch_page(path, query_params=params)


def _preset_chosen() -> None:
    st.session_state["_goto_preset"] = st.session_state.pop("_preset_menu", None)


ui.init_globals()
# a projector gets the whole width: the controls start tucked into the collapsed sidebar;
# elsewhere "auto" opens it beside the page on a laptop and keeps it closed on a phone,
# where it would cover the lesson
st.set_page_config(page_title="advlab", page_icon=":material/my_location:", layout="wide",
                   initial_sidebar_state="collapsed" if ui.presenter() else "auto")
first_preset = st.session_state.pop("_url_preset", None)
if "_seen_preset_param" not in st.session_state:
    st.session_state["_seen_preset_param"] = True
    try:
        first_preset = st.query_params.get("preset")
    except Exception:  # noqa: BLE001
        first_preset = None

# Streamlit serves the default page only at "/" (its own url_path is reserved
# but never answers), so the Playground gets a hidden twin at /playground:
# links written with the page's name keep working.
pages = [st.Page(path, title=ui.tr(key), icon=icon, url_path="home" if i == 0 else url, default=i == 0)
         for i, (path, key, icon, url, _) in enumerate(PAGES)]
pages.append(st.Page(PAGES[0][0], title=ui.tr(PAGES[0][1]), icon=PAGES[0][2], url_path=PAGES[0][3],
                     visibility="hidden"))
nav = st.navigation(pages)
ui.global_controls()
st.sidebar.selectbox(ui.tr("presets_label"), list(PRESETS), index=None, key="_preset_menu",
                     placeholder=ui.tr("presets_placeholder"), format_func=lambda k: ui.tr(f"preset_{k}"),
                     on_change=_preset_chosen)
with st.sidebar:
    ui.share_link()
    ui.watch_screen()
    if nav.url_path != "learn":  # every other page draws charts: its browser loads Plotly meanwhile
        livechart.preload()
ui.phone_css()
if ui.presenter():
    ui.presenter_css()

goto = st.session_state.pop("_goto_preset", None) or first_preset
if goto is not None:
    # like any other link value: spaces around it are forgiven; anything else
    # that names no preset (an empty one too) gets a note, its text quoted safely
    if goto.strip() in PRESETS:
        open_preset(goto.strip())
    else:
        st.warning(ui.tr("preset_unknown", key=shown(goto), allowed=", ".join(PRESETS)), icon=":material/warning:")
nav.run()
