"""Pure functions that return Plotly figures. They take arrays and never call
streamlit; tests inspect ``fig.data``. Every text in a figure goes through
:func:`advlab.i18n.t` with the ``lang`` given."""

from .common import CLASS_COLORS, SERIES, class_color, style
from .playground import (
    add_adversarial,
    add_path,
    add_points,
    attack_map,
    decision_map,
    live_map,
    perturbation_histogram,
    points_map,
    training_curve,
)

__all__ = ["CLASS_COLORS", "SERIES", "add_adversarial", "add_path", "add_points", "attack_map", "class_color",
           "decision_map", "live_map", "perturbation_histogram", "points_map", "style", "training_curve"]
