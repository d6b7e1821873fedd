"""Figures of the Seed Lab and Digits pages: accuracy against the budget,
one point's feature changes, a 2-D slice of the decision function, a PCA
picture of clean and adversarial points, and digit images with their
class probabilities.

Each figure is built from plain dicts and one ``go.Figure(data=..., layout=...)``
(see :mod:`advlab.figures.playground`)."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go

from ..attacks import ATTACKS
from ..contours import level_lines
from ..i18n import t
from .common import (
    BLACK,
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    VERMILLION,
    class_color,
    hline,
    merge,
    style,
    unchecked_figure,
    vline,
)
from .playground import boundary_lines

# ink dark on light paper: 0 (background) is white, 1 (full ink) is black
INK = [[0.0, "#ffffff"], [1.0, "#000000"]]
# perturbation: blue removes ink, vermillion adds it, white is no change
DIVERGING = [[0.0, BLUE], [0.5, "#ffffff"], [1.0, VERMILLION]]
# probability of class 1 on the slice: class 0 blue, class 1 orange, unsure white
_P1 = [[0.0, "#3f8fc9"], [0.5, "#ffffff"], [1.0, "#f0b540"]]
ROLE_COLORS = {"informative": BLUE, "redundant": ORANGE, "unknown": GREY}


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


def _look(data: list[dict], layout: dict, *, presenter: bool, after: dict | None = None, **kw) -> go.Figure:
    """The figure of ``data`` and ``layout`` in the shared style, plus explicit axis and
    colour-bar font sizes: Streamlit's chart theme would otherwise shrink ticks and axis
    titles back to its own size on a projector. ``after`` is merged in last (it may
    override the style, e.g. a margin)."""
    tick, title = (17, 19) if presenter else (12, 13)
    merge(layout, style(presenter=presenter, **kw),
          {"xaxis": {"tickfont": {"size": tick}, "title": {"font": {"size": title}}},
           "yaxis": {"tickfont": {"size": tick}, "title": {"font": {"size": title}}}}, after or {})
    for tr_ in data:
        if tr_["type"] in ("heatmap", "contour"):
            tr_["colorbar"] = merge(dict(tr_.get("colorbar") or {}),
                                    {"tickfont": {"size": tick}, "title": {"font": {"size": title}}})
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


# ------------------------------------------------------------ Seed Lab ---

def accuracy_vs_eps(eps_values, acc, *, attack: str, norm: str = "linf", eps: float | None = None,
                    now: float | None = None, baseline=None, chance: float | None = 0.5, lang: str = "en",
                    presenter: bool = False) -> go.Figure:
    """Test accuracy against the budget for one attack, with random noise of
    the same size as a baseline and the current budget marked."""
    eps_values = np.asarray(eps_values, np.float64)
    acc = np.asarray(acc, np.float64)
    spec = ATTACKS[attack]
    lw = 4 if presenter else 2.5
    data: list[dict] = []
    layout: dict = {}
    if baseline is not None:
        data.append(dict(type="scatter", x=eps_values, y=np.asarray(baseline), mode="lines",
                         name=t("sl_fig_noise", lang), line=dict(color=GREY, width=lw, dash="dash"),
                         hovertemplate="ε %{x:.2f}: %{y:.1%}<extra></extra>"))
    data.append(dict(type="scatter", x=eps_values, y=acc, mode="lines+markers", name=t(f"attack_{attack}", lang),
                     line=dict(color=VERMILLION, width=lw), marker=dict(size=9 if presenter else 6),
                     hovertemplate="ε %{x:.2f}: %{y:.1%}<extra></extra>"))
    if chance is not None:
        hline(layout, chance, line=dict(color=GREY, width=1, dash="dot"), text=t("sl_fig_chance", lang),
              position="bottom right", font=dict(color=GREY))
    if eps is not None and now is not None:
        vline(layout, eps, line=dict(color=BLACK, width=1.5, dash="dot"))
        # the marker is a shape sized in screen pixels, not a trace: an ε move then changes only the
        # layout's shapes and notes, which the browser redraws without redrawing the curves; the
        # legend's entry is a trace with no point, the same on every move
        r = 10 if presenter else 8
        data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=t("sl_fig_now", lang),
                         marker=dict(size=16 if presenter else 12, color=BLACK, symbol="diamond",
                                     line=dict(color="white", width=1.5)), hoverinfo="skip"))
        layout["shapes"] = [*layout.get("shapes", []), dict(
            type="path", name="now", xref="x", yref="y", xsizemode="pixel", ysizemode="pixel", xanchor=eps,
            yanchor=now, path=f"M0,{r} L{r},0 L0,-{r} L-{r},0 Z", fillcolor=BLACK,
            line=dict(color="white", width=1.5), layer="above")]
        # the label sits below-right of the marker, clear of both curves near the top
        layout.setdefault("annotations", []).append(dict(
            x=eps, y=now, text=f"<b>ε = {eps:g}: {100 * now:.1f}%</b>", showarrow=False, xanchor="left",
            yanchor="top", xshift=10, yshift=-8, bgcolor="rgba(255,255,255,0.85)",
            font=dict(size=18 if presenter else 13, color=BLACK)))
    if spec.uses_eps:
        xt = t("fig_eps", lang) + " · " + t(f"norm_{norm}", lang)
    else:
        xt = t("sl_fig_budget", lang, norm="L∞" if norm == "linf" else "L2")
    layout["xaxis"] = dict(title=dict(text=xt), range=[0, float(eps_values.max()) * 1.02], rangemode="tozero")
    layout["yaxis"] = dict(title=dict(text=t("sl_fig_test_acc", lang)), range=[0, 1.03], tickformat=".0%",
                           dtick=0.25)
    return _look(data, layout, presenter=presenter, height=480 if presenter else 380, after={"margin": {"t": 60}})


def feature_bars(delta, roles, *, grad=None, eps: float | None = None, norm: str = "linf", feature_names=None,
                 lang: str = "en", presenter: bool = False) -> go.Figure:
    """One point's perturbation, feature by feature, informative features
    first and redundant ones after, coloured by role. ``grad`` (optional)
    adds the loss gradient rescaled to the bars' height: the direction the
    attack follows."""
    delta = np.asarray(delta, np.float64).ravel()
    d = delta.size
    roles = list(roles) if roles is not None else ["unknown"] * d
    if len(roles) != d:
        raise ValueError(f"roles must give one role per feature ({d}), got {len(roles)}")
    names = list(feature_names) if feature_names is not None else [f"f{j}" for j in range(d)]
    rank = {"informative": 0, "redundant": 1}
    order = sorted(range(d), key=lambda j: (rank.get(roles[j], 2), j))
    data: list[dict] = []
    layout: dict = {}
    for role in ("informative", "redundant", "unknown"):
        idx = [j for j in order if roles[j] == role]
        if not idx:
            continue
        label = t(f"sl_fig_role_{role}", lang)
        data.append(dict(type="bar", x=[names[j] for j in idx], y=delta[idx], name=label,
                         marker=dict(color=ROLE_COLORS[role]),
                         hovertemplate="%{x} (" + label + "): %{y:+.4f}<extra></extra>"))
    if grad is not None:
        g = np.asarray(grad, np.float64).ravel()
        top = np.abs(g).max()
        scale = (np.abs(delta).max() or (eps or 1.0)) / top if top > 0 else 0.0
        data.append(dict(type="scatter", x=[names[j] for j in order], y=g[order] * scale, mode="markers",
                         name=t("sl_fig_grad", lang),
                         marker=dict(symbol="diamond", size=11 if presenter else 8, color=BLACK,
                                     line=dict(color="white", width=1)),
                         customdata=g[order],
                         hovertemplate="%{x}: ∂L/∂x = %{customdata:+.4f}<extra></extra>"))
    if eps is not None and norm == "linf":
        for s in (1, -1):
            hline(layout, s * eps, line=dict(color=VERMILLION, width=1.5, dash="dash"),
                  text=("+ε" if s > 0 else "−ε"), position="top left" if s > 0 else "bottom left",
                  font=dict(color=VERMILLION, size=16 if presenter else 13))
    layout["xaxis"] = dict(title=dict(text=t("sl_fig_feature", lang)), categoryorder="array",
                           categoryarray=[names[j] for j in order], tickangle=-60)
    layout["yaxis"] = dict(title=dict(text=t("sl_fig_change", lang)), zeroline=True, zerolinecolor=BLACK,
                           zerolinewidth=1)
    layout["bargap"] = 0.2
    return _look(data, layout, presenter=presenter, height=500 if presenter else 400, after={"margin": {"t": 60}})


def slice_map(sl, x_adv, *, y_true: int | None = None, eps: float | None = None, norm: str = "linf",
              from_gradient: bool = False, class_names=None, lang: str = "en",
              presenter: bool = False) -> go.Figure:
    """The model's probability of class 1 on a 2-D slice (see
    :func:`advlab.seedlab.decision_slice`), the decision boundary, the
    epsilon-ball's cross-section, and the clean and adversarial points."""
    if sl.proba.shape[-1] != 2:
        raise ValueError("slice_map draws two-class models; got "
                         f"{sl.proba.shape[-1]} classes")
    names = class_names or [t("class_n", lang, k=i) for i in range(2)]
    a, b = sl.a, sl.b
    # single precision: the same colours, line and hover text (to 0.1%) at half the payload of every ε move
    p1 = np.asarray(sl.proba[..., 1], np.float32)
    data: list[dict] = [dict(
        type="heatmap", x=a, y=b, z=p1, zmin=0, zmax=1, colorscale=_P1, name=t("fig_probability", lang),
        # under the plot, not beside it: the square plot is centred in wide
        # containers and a side bar would float far away from it
        colorbar=dict(title=dict(text=t("sl_fig_p1", lang, c=names[1]), side="top"),
                      tickformat=".0%", orientation="h", lenmode="pixels",
                      len=360 if presenter else 260, thickness=16 if presenter else 12,
                      x=0.5, xanchor="center", y=-0.2 if presenter else -0.22,
                      yanchor="top"),
        hovertemplate=t("sl_fig_slice_hover", lang) + "<extra></extra>")]
    lw = 3.5 if presenter else 2.5
    # lines computed here, not contour traces: the browser would compute them again on every redraw
    bx, by = boundary_lines(a, b, np.asarray(sl.proba))
    data.append(dict(type="scatter", x=bx, y=by, mode="lines", name=t("fig_boundary", lang), hoverinfo="skip",
                     line=dict(color=BLACK, width=lw)))
    # What an ε move changes (the ball, the adversarial point and its arrow) is drawn as layout shapes and a
    # note, not traces: while the slice stays the same, the browser then redraws only those marks and not the
    # heatmap. Their legend entries are traces with no point, the same on every move.
    shapes: list[dict] = []
    layout: dict = {}
    if eps is not None and eps > 0:
        ball = np.asarray(sl.linf if norm == "linf" else np.hypot(*np.meshgrid(a, b)), float)
        lx, ly = level_lines(a, b, ball, float(eps)) if np.all(np.isfinite(ball)) else ([], [])
        ball_line = dict(color=VERMILLION, width=lw - 0.5, dash="dash")
        data.append(dict(type="scatter", x=[None], y=[None], mode="lines", name=t("sl_fig_ball", lang, norm=(
            "L∞" if norm == "linf" else "L2")), hoverinfo="skip", showlegend=True, line=ball_line))
        if lx:
            shapes.append(dict(type="path", name="ball", xref="x", yref="y", path=_polyline_path(lx, ly),
                               line=ball_line, layer="above"))
    ca = sl.coords(x_adv)[0]
    size = 18 if presenter else 13
    c0 = class_color(int(y_true)) if y_true is not None else BLACK
    data.append(dict(type="scatter", x=[0.0], y=[0.0], mode="markers", name=t("sl_fig_clean_point", lang),
                     marker=dict(size=size, color="white", line=dict(color=c0, width=4), symbol="circle"),
                     hovertemplate=t("sl_fig_clean_point", lang) + "<extra></extra>"))
    if not from_gradient and np.hypot(*ca) > 1e-9:
        layout["annotations"] = [dict(x=float(ca[0]), y=float(ca[1]), ax=0, ay=0, xref="x", yref="y", axref="x",
                                      ayref="y", showarrow=True, arrowhead=2, arrowsize=1.3, arrowwidth=lw - 0.5,
                                      arrowcolor=BLACK, standoff=size / 2, startstandoff=size / 2, text="")]
        data.append(dict(type="scatter", x=[None], y=[None], mode="markers", name=t("sl_fig_adv_point", lang),
                         marker=dict(size=size + 2, color=VERMILLION, symbol="x", line=dict(color="white", width=1.5)),
                         hoverinfo="skip"))
        r = (size + 2) / 2 - 1.5  # a cross as wide as the legend's symbol: a white outline under a red cross
        cross = f"M{-r},{-r} L{r},{r} M{-r},{r} L{r},{-r}"
        for name, colour, width in (("adversarial outline", "white", size / 2.2 + 3), ("adversarial", VERMILLION,
                                                                                       size / 2.2)):
            shapes.append(dict(type="path", name=name, xref="x", yref="y", xsizemode="pixel", ysizemode="pixel",
                               xanchor=float(ca[0]), yanchor=float(ca[1]), path=cross,
                               line=dict(color=colour, width=width), layer="above"))
    if shapes:
        layout["shapes"] = shapes
    ext = float(a[-1])
    layout["xaxis"] = dict(title=dict(text=t("sl_fig_axis_attack", lang) if not from_gradient
                                      else t("sl_fig_axis_grad", lang)),
                           range=[-ext, ext], constrain="domain", zeroline=False, showgrid=False)
    layout["yaxis"] = dict(title=dict(text=t("sl_fig_axis_random", lang)), range=[-ext, ext], scaleanchor="x",
                           scaleratio=1, constrain="domain", zeroline=False, showgrid=False)
    return _look(data, layout, presenter=presenter, height=680 if presenter else 540,
                 after={"margin": {"t": 70, "b": 120 if presenter else 100}})


def _polyline_path(xs, ys) -> str:
    """An SVG path (data coordinates) through lines given as ``x``/``y`` lists
    with ``None`` between separate lines, as :func:`level_lines` returns them."""
    parts, pen = [], "M"
    for x, y in zip(xs, ys):
        if x is None or y is None:
            pen = "M"
            continue
        parts.append(f"{pen}{x:.5g},{y:.5g}")
        pen = "L"
    return " ".join(parts)


def pca_scatter(proj, y, pred_adv, *, chosen: int | None = None, class_names=None, lang: str = "en",
                presenter: bool = False) -> go.Figure:
    """Clean test points (by true class) and their adversarial copies (red ×
    when fooled) in the plane of the training data's two main principal
    directions, each pair joined by a thin line."""
    y = np.asarray(y)
    pred_adv = np.asarray(pred_adv)
    c, a = np.asarray(proj.clean), np.asarray(proj.adv)
    n = len(y)
    k = int(max(y.max(), pred_adv.max())) + 1
    names = class_names or [t("class_n", lang, k=i) for i in range(k)]
    xs = np.full(3 * n, np.nan)
    ys = np.full(3 * n, np.nan)
    xs[0::3], xs[1::3] = c[:, 0], a[:, 0]
    ys[0::3], ys[1::3] = c[:, 1], a[:, 1]
    data: list[dict] = [dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color="rgba(40,40,40,0.35)", width=1),
                             name=t("fig_perturbation", lang), hoverinfo="skip")]
    size = 11 if presenter else 7
    idx = np.arange(n)
    for cls in range(k):
        m = y == cls
        if not m.any():
            continue
        data.append(dict(type="scatter", x=c[m, 0], y=c[m, 1], mode="markers",
                         name=t("sl_fig_clean_class", lang, c=names[cls]), customdata=idx[m],
                         marker=dict(size=size, color=class_color(cls), line=dict(color="white", width=0.8)),
                         hovertemplate=t("sl_fig_pca_hover", lang, c=names[cls]) + "<extra></extra>"))
    fooled = pred_adv != y
    for flag, label, mk, sz in ((False, t("fig_adv_resisted", lang), dict(symbol="circle-open", color=GREY), size - 1),
                                (True, t("fig_adv_fooled", lang), dict(symbol="x", color=VERMILLION), size + 4)):
        m = fooled == flag
        data.append(dict(type="scatter", x=a[m, 0], y=a[m, 1], mode="markers", name=label, customdata=idx[m],
                         marker=dict(size=sz, line=dict(width=1.2, color=mk["color"]), **mk),
                         hovertemplate=label + " · #%{customdata}<extra></extra>"))
    if chosen is not None and 0 <= chosen < n:
        data.append(dict(type="scatter", x=[c[chosen, 0], a[chosen, 0]], y=[c[chosen, 1], a[chosen, 1]],
                         mode="lines+markers", name=t("sl_fig_chosen", lang, i=chosen),
                         line=dict(color=BLACK, width=2.5),
                         marker=dict(size=size + 10, symbol="circle-open", color=BLACK, line=dict(width=3)),
                         hoverinfo="skip"))
    ev = np.asarray(proj.explained)
    layout = {"xaxis": dict(title=dict(text=t("sl_fig_pc", lang, k=1, share=_pct(ev[0]))), zeroline=False),
              "yaxis": dict(title=dict(text=t("sl_fig_pc", lang, k=2, share=_pct(ev[1]))), scaleanchor="x",
                            scaleratio=1, zeroline=False)}
    return _look(data, layout, presenter=presenter, height=600 if presenter else 480, after={"margin": {"t": 80}})


# -------------------------------------------------------------- Digits ---

_IMAGE_AXIS = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False, constrain="domain", mirror=True,
                   showline=True, linecolor="#9ca3af")


def _image_grid(images: list[dict], *, nrows: int, ncols: int, titles: list[str], title_colors: list[str],
                title_size: int, hspace: float, vspace: float, presenter: bool, height: int, margin: dict,
                yshift: int = 0, shapes: list[dict] | None = None) -> go.Figure:
    """Heatmaps in a grid of square-pixel subplots (row 0 on top, no ticks, a
    thin frame), titled above each panel. The layout is written as one dict:
    building it with ``make_subplots`` and per-axis updates cost hundreds of
    milliseconds for a gallery, on every epsilon move."""
    w = (1.0 - hspace * (ncols - 1)) / ncols
    h = (1.0 - vspace * (nrows - 1)) / nrows
    layout: dict = {"annotations": []}
    data = []
    tick, title = (17, 19) if presenter else (12, 13)
    for j, img in enumerate(images):
        r, c = divmod(j, ncols)
        x0 = c * (w + hspace)
        y1 = 1.0 - r * (h + vspace)
        sfx = "" if j == 0 else str(j + 1)
        layout[f"xaxis{sfx}"] = dict(_IMAGE_AXIS, domain=[max(x0, 0.0), min(x0 + w, 1.0)], anchor=f"y{sfx}")
        layout[f"yaxis{sfx}"] = dict(_IMAGE_AXIS, domain=[max(y1 - h, 0.0), min(y1, 1.0)], anchor=f"x{sfx}",
                                     scaleanchor=f"x{sfx}",
                                     scaleratio=1, autorange="reversed")
        trace = dict(img, type="heatmap", xaxis=f"x{sfx}", yaxis=f"y{sfx}")
        if trace.get("showscale") is not False:
            trace["colorbar"] = merge(dict(trace.get("colorbar") or {}),
                                      {"tickfont": {"size": tick}, "title": {"font": {"size": title}}})
        data.append(trace)
        if j < len(titles):
            layout["annotations"].append(dict(text=titles[j], x=x0 + w / 2, y=y1, xref="paper", yref="paper",
                                              xanchor="center", yanchor="bottom", showarrow=False, yshift=yshift,
                                              font=dict(size=title_size, color=title_colors[j])))
    if shapes is not None:
        layout["shapes"] = shapes
    merge(layout, style(presenter=presenter, legend=False, height=height), {"margin": margin})
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def digit_views(x, x_adv, *, shape=(8, 8), titles: tuple[str, str, str], scale: float | None = None,
                lang: str = "en", presenter: bool = False) -> go.Figure:
    """Original, perturbation and adversarial image side by side. Images are
    drawn ink-dark on white from 0 to 1, the perturbation in a diverging
    scale centred on zero (``scale``: its half-range; default the largest
    change), every pixel a crisp square."""
    x = np.asarray(x, np.float64).reshape(shape)
    xa = np.asarray(x_adv, np.float64).reshape(shape)
    d = xa - x
    m = float(scale) if scale else float(np.abs(d).max())
    m = max(m, 1e-3)
    hov = t("dg_fig_pixel_hover", lang)
    images = [
        dict(z=x, zmin=0, zmax=1, colorscale=INK, showscale=False, hovertemplate=hov),
        # the colour bar under the middle panel: beside it, the labels would run into the third image
        dict(z=d, zmin=-m, zmax=m, zmid=0, colorscale=DIVERGING, hovertemplate=hov,
             colorbar=dict(orientation="h", x=0.5, xanchor="center", y=-0.04, yanchor="top", len=0.26,
                           thickness=10 if not presenter else 16, tickformat="+.2f", tickvals=[-m, 0.0, m])),
        dict(z=xa, zmin=0, zmax=1, colorscale=INK, showscale=False, hovertemplate=hov),
    ]
    return _image_grid(images, nrows=1, ncols=3, titles=list(titles), title_colors=["#1b1f24"] * 3,
                       title_size=22 if presenter else 15, hspace=0.07, vspace=0.0, presenter=presenter,
                       height=470 if presenter else 360, margin=dict(t=60, b=60 if presenter else 50), yshift=8)


def class_bars(p_before, p_after, *, true: int, target: int | None = None, lang: str = "en",
               presenter: bool = False) -> go.Figure:
    """Class probabilities before and after the attack, side by side; the true
    class (and the target, if any) named on the axis."""
    pb = np.asarray(p_before, np.float64).ravel()
    pa = np.asarray(p_after, np.float64).ravel()
    k = pb.size
    labels = [str(c) for c in range(k)]
    data = [dict(type="bar", x=labels, y=pb, name=t("dg_fig_before", lang), marker=dict(color=BLUE),
                 hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
            dict(type="bar", x=labels, y=pa, name=t("dg_fig_after", lang), marker=dict(color=VERMILLION),
                 hovertemplate="%{x}: %{y:.1%}<extra></extra>")]
    tags = [(true, t("dg_fig_true_tag", lang))]
    if target is not None and target != true:
        tags.append((target, t("dg_fig_target_tag", lang)))
    layout = {
        "annotations": [dict(x=str(c), y=max(pb[c], pa[c]), text=f"<b>{text}</b>", showarrow=False,
                             yanchor="bottom", yshift=2, font=dict(size=16 if presenter else 12, color=BLACK))
                        for c, text in tags],
        "xaxis": dict(title=dict(text=t("dg_fig_class", lang)), type="category"),
        "yaxis": dict(title=dict(text=t("dg_fig_prob", lang)), range=[0, 1.12], tickformat=".0%",
                      tickvals=[0, 0.25, 0.5, 0.75, 1]),
        "barmode": "group", "bargap": 0.25, "bargroupgap": 0.05,
    }
    return _look(data, layout, presenter=presenter, height=380 if presenter else 280)


GALLERY_GAP = 1  # empty pixels between two images of a gallery row
GALLERY_TITLE_ROWS = 3  # empty pixel rows above each row of images, where their titles go
GALLERY_HOVER_PX = 240  # an image's hover marker: larger than any image is drawn


def digit_gallery(x_adv, *, indices, y, pred_adv, conf_adv, shape=(8, 8), ncols: int = 8,
                  target: int | None = None, marked=None, lang: str = "en", presenter: bool = False) -> go.Figure:
    """Adversarial images in a grid, each titled ``#index: true → now``;
    fooled ones (or, for a targeted attack, those sent to the target) framed
    and titled in red. ``marked``: pixels to frame in green, ``shape`` of them
    per image (JSMA's few changed pixels).

    The images are tiles of ONE heatmap on one pair of axes, :data:`GALLERY_GAP`
    empty pixels apart, with :data:`GALLERY_TITLE_ROWS` empty rows above each
    row of images for the titles: the browser redraws the gallery on every ε
    move, and one heatmap costs it a fraction of what a grid of subplots, each
    with its own axes, does. ``layout.meta`` says where each image is
    (:func:`gallery_images` reads it)."""
    x_adv = np.asarray(x_adv, np.float64)
    n = len(indices)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    h, w = int(shape[0]), int(shape[1])
    row_step, col_step = h + GALLERY_TITLE_ROWS, w + GALLERY_GAP
    z = np.full((nrows * row_step, ncols * col_step - GALLERY_GAP), np.nan, np.float32)
    hover = []
    y = np.asarray(y)
    pred_adv = np.asarray(pred_adv)
    hit = (pred_adv == target) & (y != target) if target is not None else pred_adv != y
    marked = None if marked is None else np.asarray(marked, bool).reshape(n, h, w)
    lw_hit, lw_px = (5, 4) if presenter else (4, 3)
    tiles, anns, frames, fooled, pixels = [], [], [], [], []
    for j in range(n):
        r0, c0 = (j // ncols) * row_step + GALLERY_TITLE_ROWS, (j % ncols) * col_step
        tiles.append([r0, c0])
        z[r0:r0 + h, c0:c0 + w] = x_adv[j].reshape(h, w)
        hover.append(t("dg_fig_gallery_hover", lang, i=int(indices[j]), true=int(y[j]), now=int(pred_adv[j]),
                       conf=_pct(float(conf_adv[j]))))
        s = t("dg_fig_gallery_title", lang, i=int(indices[j]), true=int(y[j]), now=int(pred_adv[j]))
        anns.append(dict(text=f"<b>{s}</b>" if hit[j] else s, x=c0 + (w - 1) / 2, y=r0 - 0.5, xref="x", yref="y",
                         xanchor="center", yanchor="bottom", showarrow=False, yshift=3,
                         font=dict(size=17 if presenter else 12, color=VERMILLION if hit[j] else "#1b1f24")))
        box = dict(xref="x", yref="y", x0=c0 - 0.5, x1=c0 + w - 0.5, y0=r0 - 0.5, y1=r0 + h - 0.5)
        frames.append(dict(type="rect", name="frame", **box, line=dict(color="#9ca3af", width=1)))
        if hit[j]:
            fooled.append(dict(type="rect", name="fooled", xref="x", yref="y", x0=box["x0"] - 0.25,
                               x1=box["x1"] + 0.25, y0=box["y0"] - 0.25, y1=box["y1"] + 0.25,
                               line=dict(color=VERMILLION, width=lw_hit)))
        if marked is not None:
            for r, c in zip(*np.nonzero(marked[j]), strict=True):
                pixels.append(dict(type="rect", name="pixel", xref="x", yref="y", x0=c0 + c - 0.42,
                                   x1=c0 + c + 0.42, y0=r0 + r - 0.42, y1=r0 + r + 0.42,
                                   line=dict(color=GREEN, width=lw_px)))
    centres = np.array(tiles, np.float64) + [(h - 1) / 2, (w - 1) / 2]
    data = [dict(type="heatmap", z=z, zmin=0, zmax=1, colorscale=INK, showscale=False, hoverinfo="skip"),
            # each image's hover label: an unseen marker at its centre, larger than the image, so the
            # pointer anywhere on an image is nearest to that image's marker (one label per image,
            # not one per pixel: the gallery goes to the browser on every ε move)
            dict(type="scatter", x=centres[:, 1], y=centres[:, 0], mode="markers", text=hover,
                 hovertemplate="%{text}<extra></extra>", showlegend=False,
                 marker=dict(size=GALLERY_HOVER_PX, symbol="square", opacity=0))]
    axis = dict(showticklabels=False, ticks="", showgrid=False, zeroline=False, showline=False, constrain="domain")
    layout = {
        "xaxis": dict(axis, range=[-0.8, z.shape[1] - 0.2]),
        # row 0 on top, every pixel a square
        "yaxis": dict(axis, range=[z.shape[0] - 0.2, -0.8], scaleanchor="x", scaleratio=1),
        "annotations": anns, "shapes": frames + fooled + pixels, "plot_bgcolor": "#ffffff", "hovermode": "closest",
        "meta": {"tiles": tiles, "tile": [h, w]},
    }
    row_h = 210 if presenter else 150
    merge(layout, style(presenter=presenter, legend=False, height=row_h * nrows + 30),
          {"margin": dict(l=5, r=5, t=5, b=5)})
    return unchecked_figure(data, layout)  # drawn again on every epsilon move


def gallery_images(fig) -> list[np.ndarray]:
    """The images of a :func:`digit_gallery` figure (or of its JSON as a dict), in order."""
    if not isinstance(fig, dict):
        fig = fig.to_plotly_json()
    z = fig["data"][0]["z"]
    if isinstance(z, dict) and "bdata" in z:  # plotly's typed-array form
        shape = [int(k) for k in str(z["shape"]).split(",")]
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"])).reshape(shape)
    z = np.asarray(z, np.float64)
    h, w = fig["layout"]["meta"]["tile"]
    return [z[r:r + h, c:c + w] for r, c in fig["layout"]["meta"]["tiles"]]
