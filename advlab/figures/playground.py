"""Figures of the Playground: decision map, adversarial arrows, PGD path,
perturbation sizes, training curves.

Each figure is built from plain dicts and one ``go.Figure(data=..., layout=...)``:
every ``update_layout``, ``add_trace`` or ``make_subplots`` on a built figure
costs milliseconds of validation, and these figures are rebuilt on every
epsilon move."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go

from ..contours import level_lines
from ..i18n import t
from .common import (
    BLACK,
    MARKERS,
    VERMILLION,
    ContentMemo,
    class_color,
    grid_domains,
    hex_to_rgb,
    merge,
    style,
    subplot_title,
    unchecked_figure,
    vline,
)


def png_data_uri(rgb: np.ndarray) -> str:
    """A PNG data URI of an RGB uint8 array: far lighter to send than the raw
    numbers of a heatmap."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _blend_image(proba: np.ndarray) -> np.ndarray:
    """RGB image: each cell is the class colours mixed by probability, faded
    toward white where the model is unsure."""
    k = proba.shape[-1]
    cols = np.array([hex_to_rgb(class_color(i)) for i in range(k)], np.float64)
    rgb = proba @ cols
    conf = proba.max(-1, keepdims=True)
    # fade: certain -> 55% colour, 1/K -> white
    w = 0.55 * (conf - 1.0 / k) / (1 - 1.0 / k)
    return (255 * (1 - w) + rgb * w).clip(0, 255).astype(np.uint8)


IMAGES_KEPT = 64  # a few classes' worth of models and grids (each image is tens of KB)
_IMAGES = ContentMemo(IMAGES_KEPT)  # the decision map's content -> its PNG data URI
_BOUNDARIES = ContentMemo(IMAGES_KEPT)  # the decision map's content and axes -> its boundary lines


def boundary_lines(xs, ys, proba: np.ndarray) -> tuple[list, list]:
    """The decision boundary of a map's class probabilities ``(len(ys), len(xs), K)``: the lines
    where class c's probability equals the highest of the others', for every c (two classes: one
    line, where p1 = 0.5). ``(x, y)`` with ``None`` between lines; made once per content."""
    xs, ys, proba = np.asarray(xs, float), np.asarray(ys, float), np.asarray(proba, float)

    def make(_) -> tuple[list, list]:
        k = proba.shape[-1]
        out_x: list = []
        out_y: list = []
        for c in range(k if k > 2 else 1):
            if k > 2:
                z = proba[..., c] - np.delete(proba, c, axis=-1).max(-1)
            else:
                z = proba[..., 1] - 0.5
            lx, ly = level_lines(xs, ys, z, 0.0)
            if lx and out_x:
                out_x.append(None)
                out_y.append(None)
            out_x += lx
            out_y += ly
        return out_x, out_y

    return _BOUNDARIES.get(np.concatenate([proba.ravel(), xs.ravel(), ys.ravel()]), make)


def decision_image(proba: np.ndarray) -> str:
    """The PNG data URI of :func:`_blend_image` of ``proba``, made once per content.

    The map under the points does not change when only the attack does (every
    epsilon move), and blending and compressing it is most of what building the
    attack map costs. Shared by every session: safe to call from many threads."""
    return _IMAGES.get(proba, lambda p: png_data_uri(_blend_image(p)))


def decision_map(xs, ys, proba, *, lang: str = "en", presenter: bool = False, title: str | None = None,
                 class_names=None) -> go.Figure:
    """The model's class probabilities over the plane, with the boundary line."""
    data, layout = _decision_parts(xs, ys, proba, lang=lang, presenter=presenter, title=title)
    return go.Figure(data=data, layout=layout)


def _decision_parts(xs, ys, proba, *, lang: str, presenter: bool, title: str | None = None) -> tuple[list, dict]:
    """The traces and layout of :func:`decision_map`, as plain dicts."""
    dx = float(xs[1] - xs[0])
    dy = float(ys[1] - ys[0])
    # rows are stored bottom-up (ys ascending) and plotly draws them that way on
    # this ascending axis; the browser test reads the pixels to keep it so
    data = [dict(type="image", source=decision_image(proba), x0=float(xs[0]) - dx / 2, dx=dx,
                 y0=float(ys[-1]) + dy / 2, dy=-dy, hoverinfo="skip", name=t("fig_probability", lang))]
    # the boundary, where the predicted class changes: a line computed here once per map, not a contour
    # trace the browser would compute again on every redraw (every ε move redraws the map's points)
    bx, by = boundary_lines(xs, ys, proba)
    data.append(dict(type="scatter", x=bx, y=by, mode="lines", line=dict(color=BLACK, width=2.5 if presenter else 1.5),
                     hoverinfo="skip", name=t("fig_boundary", lang)))
    layout = merge({
        "xaxis": dict(range=[float(xs[0]), float(xs[-1])], title=dict(text=t("fig_x1", lang)), constrain="domain",
                      showgrid=False, zeroline=False),
        "yaxis": dict(range=[float(ys[0]), float(ys[-1])], title=dict(text=t("fig_x2", lang)), scaleanchor="x",
                      scaleratio=1, showgrid=False, zeroline=False),
    }, style(title=title, presenter=presenter))
    return data, layout


def add_points(fig: go.Figure, x, y, *, split: str, lang: str = "en", presenter: bool = False,
               class_names=None, offset: int = 0) -> go.Figure:
    """Train points as filled markers, test points as hollow ones, one trace per class."""
    y = np.asarray(y)
    size = 11 if presenter else 7
    label = t("fig_train", lang) if split == "train" else t("fig_test", lang)
    traces = []
    for c in np.unique(y):
        m = y == c
        name = (class_names[c] if class_names else t("class_n", lang, k=int(c)))
        idx = np.nonzero(m)[0] + offset
        traces.append(dict(
            type="scatter", x=x[m, 0], y=x[m, 1], mode="markers", name=f"{name} · {label}",
            customdata=idx,
            marker=dict(color=class_color(int(c)) if split == "train" else "white", size=size,
                        symbol=MARKERS[int(c) % len(MARKERS)],
                        line=dict(color=class_color(int(c)) if split == "test" else "white",
                                  width=2 if split == "test" else 0.8)),
            hovertemplate=f"{label} #%{{customdata}}<br>{name}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
        ))
    fig.add_traces(traces)
    return fig


def add_adversarial(fig: go.Figure, x, x_adv, y, pred_adv, *, lang: str = "en", presenter: bool = False,
                    class_names=None) -> go.Figure:
    """Each adversarial point joined to its clean point by an arrow; fooled ones
    drawn as a red cross. The arrow heads are drawn for a map with equal axis
    scales (as :func:`decision_map` draws it)."""
    xr = fig.layout.xaxis.range
    span = float(xr[1] - xr[0]) if xr is not None else None
    fig.add_traces(_adversarial_traces(x, x_adv, y, pred_adv, lang=lang, presenter=presenter,
                                       class_names=class_names, span=span))
    return fig


HEAD = 0.02  # an arrow head's length, as a share of the map's width (presenter: a third more)
GAP = 0.009  # the tip stops this short of the adversarial point, whose marker it points at


def arrows(x, x_adv, *, span: float | None = None, presenter: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The x and y of one line drawing an arrow from each point of ``x`` to its point
    of ``x_adv`` (none for a point that did not move), NaN between the pieces:
    (clean, adversarial, gap, one barb, tip, other barb, gap) per arrow.

    The heads are part of the line rather than markers: a browser redraws the map
    on every epsilon move, and one line costs it far less than a marker per point.
    Their size is ``HEAD`` of ``span`` (the map's width; by default the points'
    extent) and their shape is right on a map with equal axis scales."""
    x, x_adv = np.asarray(x, float), np.asarray(x_adv, float)
    d = x_adv - x
    length = np.hypot(d[:, 0], d[:, 1])
    moved = length > 1e-6
    if span is None:
        both = np.concatenate([x, x_adv]) if len(x) else np.zeros((1, 2))
        span = float(np.ptp(both[:, 0])) or 1.0
    scale = (4 / 3 if presenter else 1) * span
    u = d[moved] / length[moved, None]
    # a short move gets a smaller head, so the head never reaches back past the clean point
    fit = np.minimum(1.0, length[moved] / (2.5 * (HEAD + GAP) * scale))[:, None]
    tip = x_adv[moved] - GAP * scale * fit * u
    h = HEAD * scale * fit
    back = tip - h * u
    side = np.stack([-u[:, 1], u[:, 0]], 1) * (h * 0.45)
    pts = np.full((int(moved.sum()), 7, 2), np.nan)
    pts[:, 0], pts[:, 1] = x[moved], tip
    pts[:, 3], pts[:, 4], pts[:, 5] = back + side, tip, back - side
    return pts[..., 0].ravel(), pts[..., 1].ravel()


def _adversarial_traces(x, x_adv, y, pred_adv, *, lang: str, presenter: bool, class_names=None,
                        span: float | None = None) -> list[dict]:
    """The traces :func:`add_adversarial` adds, as plain dicts; ``span``: the map's width."""
    x = np.asarray(x)
    x_adv = np.asarray(x_adv)
    n = len(x)
    fooled = np.asarray(pred_adv) != np.asarray(y)
    xs, ys = arrows(x, x_adv, span=span, presenter=presenter)
    traces = [dict(type="scatter", x=xs, y=ys, mode="lines", name=t("fig_perturbation", lang),
                   line=dict(color="rgba(30,30,30,0.6)", width=1.5 if presenter else 1.2), hoverinfo="skip")]
    size = 12 if presenter else 8
    idx = np.arange(n)
    names = class_names or [t("class_n", lang, k=i) for i in range(int(max(np.max(y), np.max(pred_adv))) + 1)]
    hover = [t("fig_adv_hover", lang, i=int(i), true=names[int(a)], pred=names[int(b)])
             for i, a, b in zip(idx, y, pred_adv)]
    for flag, label, marker in ((False, t("fig_adv_resisted", lang), dict(symbol="circle-open", color="#1b1f24")),
                                (True, t("fig_adv_fooled", lang), dict(symbol="x", color=VERMILLION))):
        m = fooled == flag
        # customdata marks these as clickable adversarial points: [test index, "adv"]
        traces.append(dict(type="scatter", x=x_adv[m, 0], y=x_adv[m, 1], mode="markers", name=label,
                           customdata=[[int(i), "adv"] for i in idx[m]],
                           text=[hover[i] for i in idx[m]], hovertemplate="%{text}<extra></extra>",
                           marker=dict(size=size, line=dict(width=1.5, color=marker["color"]), **marker)))
    return traces


def add_path(fig: go.Figure, path: np.ndarray, x0, *, eps: float, norm: str, lang: str = "en",
             presenter: bool = False, upto: int | None = None) -> go.Figure:
    """One point's attack path (steps + 1, 2), numbered, with its epsilon-ball."""
    ball, traces = _path_parts(path, x0, eps=eps, norm=norm, lang=lang, presenter=presenter, upto=upto)
    fig.add_shape(**ball)
    fig.add_traces(traces)
    return fig


def _path_parts(path, x0, *, eps: float, norm: str, lang: str, presenter: bool,
                upto: int | None = None) -> tuple[dict, list[dict]]:
    """The ball (a shape) and the traces :func:`add_path` adds, as plain dicts."""
    path = np.asarray(path)
    if upto is not None:
        path = path[: upto + 1]
    x0 = np.asarray(x0)
    ball = dict(type="rect" if norm == "linf" else "circle", x0=x0[0] - eps, x1=x0[0] + eps, y0=x0[1] - eps,
                y1=x0[1] + eps, line=dict(color=VERMILLION, width=2.5 if presenter else 2, dash="dash"))
    steps = np.arange(len(path))
    return ball, [
        dict(type="scatter", x=path[:, 0], y=path[:, 1], mode="lines+markers", name=t("fig_path", lang),
             line=dict(color=VERMILLION, width=3 if presenter else 2),
             marker=dict(size=(9 if presenter else 6), color=VERMILLION,
                         symbol=["circle"] * (len(path) - 1) + ["star"]),
             customdata=steps,
             hovertemplate=t("fig_path_hover", lang) + "<extra></extra>"),
        dict(type="scatter", x=[x0[0]], y=[x0[1]], mode="markers", name=t("fig_chosen", lang),
             # an open symbol is stroked with the marker colour, not the line colour
             marker=dict(size=18 if presenter else 14, symbol="circle-open", color=BLACK, line=dict(width=3)),
             hoverinfo="skip"),
    ]


def perturbation_histogram(linf, l2, *, eps: float | None = None, lang: str = "en",
                           presenter: bool = False) -> go.Figure:
    """Histograms of per-point L-inf and L2 perturbation sizes, side by side."""
    # the layout make_subplots(rows=1, cols=2, horizontal_spacing=0.12) would build, written out
    (dx1, dy1), (dx2, dy2) = grid_domains(1, 2, hspace=0.12, vspace=0.0)
    hover = t("fig_hist_hover", lang) + "<extra></extra>"
    data = [dict(type="histogram", x=np.asarray(linf), nbinsx=30, marker=dict(color=class_color(0)), name="L∞",
                 hovertemplate=hover, xaxis="x", yaxis="y"),
            dict(type="histogram", x=np.asarray(l2), nbinsx=30, marker=dict(color=class_color(1)), name="L2",
                 hovertemplate=hover, xaxis="x2", yaxis="y2")]
    size = t("fig_size", lang)
    layout = {
        "xaxis": dict(anchor="y", domain=dx1, title=dict(text=size)),
        "yaxis": dict(anchor="x", domain=dy1, title=dict(text=t("fig_count", lang))),
        "xaxis2": dict(anchor="y2", domain=dx2, title=dict(text=size)),
        "yaxis2": dict(anchor="x2", domain=dy2),
        "annotations": [subplot_title(t("fig_linf", lang), (dx1, dy1)), subplot_title(t("fig_l2", lang), (dx2, dy2))],
        "bargap": 0.05,
    }
    if eps is not None:
        vline(layout, eps, line=dict(color=VERMILLION, dash="dash"), text="ε", position="top right")
    merge(layout, style(presenter=presenter, legend=False, height=300 if not presenter else 420))
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def training_curve(history: list[dict], *, lang: str = "en", presenter: bool = False) -> go.Figure:
    """Loss (left axis) and accuracy (right axis) per epoch."""
    ep = [h["epoch"] for h in history]
    width = 3 if presenter else 2
    data = [dict(type="scatter", x=ep, y=[h["loss"] for h in history], name=t("fig_loss", lang),
                 line=dict(color=class_color(0), width=width), xaxis="x", yaxis="y"),
            dict(type="scatter", x=ep, y=[h["accuracy"] for h in history], name=t("fig_accuracy", lang),
                 line=dict(color=class_color(1), width=width, dash="dot"), xaxis="x", yaxis="y2")]
    # the layout of make_subplots(specs=[[{"secondary_y": True}]]), written out
    layout = merge({
        "xaxis": dict(anchor="y", domain=[0.0, 0.94], title=dict(text=t("fig_epoch", lang))),
        "yaxis": dict(anchor="x", domain=[0.0, 1.0], title=dict(text=t("fig_loss", lang)), rangemode="tozero"),
        "yaxis2": dict(anchor="x", overlaying="y", side="right", title=dict(text=t("fig_accuracy", lang)),
                       range=[0, 1.02], tickformat=".0%", dtick=0.25, showgrid=False),
    }, style(presenter=presenter, height=260 if not presenter else 380))
    return go.Figure(data=data, layout=layout)


# the Playground's maps: the legend under the map, so the square plot gets the column's whole width
MAP_LEGEND = dict(orientation="h", yanchor="top", y=-0.16, xanchor="center", x=0.5)


def live_map(xs, ys, proba, x, y, *, title: str, lang: str = "en", presenter: bool = False) -> go.Figure:
    """One frame of "watch it learn": the boundary mid-training over the training points."""
    fig = decision_map(xs, ys, proba, lang=lang, presenter=presenter, title=title)
    add_points(fig, x, y, split="train", lang=lang)
    fig.update_layout(height=420, showlegend=False)
    return fig


def points_map(xs, ys, proba, x_train, y_train, x_test, y_test, *, class_names=None, lang: str = "en",
               presenter: bool = False) -> go.Figure:
    """The decision map with the training (filled) and test (hollow) points."""
    fig = decision_map(xs, ys, proba, lang=lang, presenter=presenter)
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        add_points(fig, x, y, split=split, lang=lang, presenter=presenter, class_names=class_names)
    # the map keeps a 1:1 aspect, so on a projector (one chart per row) only height makes it bigger
    fig.update_layout(height=720 if presenter else 520, legend=MAP_LEGEND)
    return fig


def attack_map(xs, ys, proba, result, i: int, *, eps: float | None, norm: str, upto: int | None = None,
               class_names=None, lang: str = "en", presenter: bool = False) -> go.Figure:
    """The decision map with every point's move, and point ``i``'s path (up to
    step ``upto``) in its budget: the ``eps``-ball in ``norm``, or for an
    attack without an epsilon the L2 ball through the point it found."""
    data, layout = _decision_parts(xs, ys, proba, lang=lang, presenter=presenter)
    data += _adversarial_traces(result.x, result.x_adv, result.y, result.pred_adv, lang=lang, presenter=presenter,
                                class_names=class_names, span=float(xs[-1] - xs[0]))
    path = result.path[:, i, :] if result.path is not None else np.stack([result.x[i], result.x_adv[i]])
    if eps is None:
        eps, norm = float(result.l2[i]), "l2"
    ball, traces = _path_parts(path, result.x[i], eps=eps, norm=norm, lang=lang, presenter=presenter, upto=upto)
    data += traces
    layout["shapes"] = [*layout.get("shapes", []), ball]
    merge(layout, {"height": 760 if presenter else 580, "legend": MAP_LEGEND})
    return unchecked_figure(data, layout)  # drawn again on every epsilon move
