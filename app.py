"""advlab entry point: page config, TensorFlow set-up, navigation, shared sidebar."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import streamlit as st  # noqa: E402

import advlab._tf  # noqa: E402,F401 - configure TensorFlow before any page touches it
from advlab import ui  # noqa: E402

st.set_page_config(page_title="advlab", page_icon="🎯", layout="wide", initial_sidebar_state="expanded")
ui.init_globals()

PAGES = [
    ("pages/playground.py", "nav_playground", "🎛️", "playground"),
    ("pages/seed_lab.py", "nav_seed_lab", "🌱", "seed-lab"),
    ("pages/digits.py", "nav_digits", "🔢", "digits"),
    ("pages/robustness.py", "nav_robustness", "📉", "robustness"),
    ("pages/defenses.py", "nav_defenses", "🛡️", "defenses"),
    ("pages/transfer.py", "nav_transfer", "🔀", "transfer"),
    ("pages/learn.py", "nav_learn", "📖", "learn"),
]

nav = st.navigation([st.Page(path, title=ui.tr(key), icon=icon, url_path=url, default=i == 0)
                     for i, (path, key, icon, url) in enumerate(PAGES)])
ui.global_controls()
if ui.presenter():
    ui.presenter_css()
nav.run()
