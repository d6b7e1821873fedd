"""Placeholder until the page lands."""

import streamlit as st

from advlab import ui

st.title(ui.tr("nav_defenses"))
