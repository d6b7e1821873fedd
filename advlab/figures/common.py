"""Palette and layout shared by every figure.

Colours are the Okabe-Ito palette, chosen to stay distinguishable for the
common forms of colour blindness and on a washed-out projector.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design"
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#6b7280"
CLASS_COLORS = (BLUE, ORANGE, GREEN, PURPLE, VERMILLION, SKY, YELLOW, "#7f5539", "#4b5563", "#9d4edd")
# for curves of several attacks (noise grey, the stronger the darker)
SERIES = (GREY, SKY, GREEN, BLUE, PURPLE, VERMILLION, ORANGE, BLACK)
MARKERS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "hexagon", "pentagon", "x", "triangle-down")


def class_color(k: int) -> str:
    return CLASS_COLORS[k % len(CLASS_COLORS)]


def hex_to_rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


# A small template of our own: plotly's built-in ones carry styles for every
# trace type and are deep-copied into each figure (tens of ms per chart).
_AXIS = dict(gridcolor="#e5e7eb", linecolor="#9ca3af", zerolinecolor="#d1d5db", ticks="outside",
             tickcolor="#9ca3af", title=dict(standoff=8))
pio.templates["advlab"] = go.layout.Template(layout=dict(
    paper_bgcolor="white", plot_bgcolor="white", colorway=list(CLASS_COLORS), xaxis=_AXIS, yaxis=_AXIS,
    font=dict(color="#1b1f24")))


def style(fig: go.Figure, *, title: str | None = None, presenter: bool = False, height: int | None = None,
          legend: bool = True) -> go.Figure:
    """Common look: readable fonts (larger in presenter mode), tight margins."""
    base = 20 if presenter else 13
    fig.update_layout(
        template="advlab",
        font=dict(size=base, family="Inter, 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"),
        title=dict(text=title, font=dict(size=base + 3)) if title else None,
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0, font=dict(size=base - 1)),
        hoverlabel=dict(font_size=base),
    )
    if height:
        fig.update_layout(height=height)
    return fig
