"""A page's dataset source: the built-in data, the learner's own table, or
(on the Playground) points drawn on the map.

:func:`fields` adds ``src`` (and on the Playground ``pts``, the drawn points'
link text) to a page's state; :func:`choose` draws the chooser; :func:`source`
returns a :class:`Source` whose ``cfg`` stands in for the page's data config
with every shared cache (it has ``canonical()`` and ``load()``) and whose
``ds`` is the dataset the page already uses.

An uploaded file is read in memory and kept in the learner's session, with its
prepared dataset registered in memory under a hash of its bytes and the
choices made on it (:func:`advlab.tabular.register`): nothing is written to
disk and no link ever carries it. A bad file or bad choice shows what is wrong
and what is allowed, and the data and model the learner had stay.

Drawing: a click on the map adds a point of the chosen class, a click on a
point removes it; undo and clear. The clicks edit a draft in the session
(a fragment rerun each, no training); once no click has come for
:data:`advlab.drawn.QUIET_SECONDS` the draft becomes the drawing (and the
link's ``pts``) and the page retrains, once for a burst.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from .. import drawn, figures, projections, tabular, ui
from ..data import Dataset
from ..figures import lab as lab_figures
from ..figures.common import class_color, style
from ..i18n import t
from ..state import Field
from ..tabular import MissingValues, TableError

__all__ = ["Source", "axes", "canvas", "canvas_figure", "choose", "data_controls", "fields", "handle_click", "shown", "source", "use", "wide_map"]

SOURCES = ("builtin", "upload", "draw")
UNDO_DEPTH = 50
CANVAS_LIM = (*drawn.CANVAS, *drawn.CANVAS)
CLICK_STEP = 0.1  # spacing of the invisible targets a click on the canvas lands on
CANVAS_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                 "toImageButtonOptions": {"format": "png", "filename": "advlab-drawing", "scale": 2}}


@dataclass(frozen=True)
class PointsField(Field):
    """The drawn points in a link (:func:`advlab.drawn.encode`; empty: the
    example drawing); a broken or oversized one is ignored with a note and the
    example drawing is used. Its kind is "choice" with no fixed choices: text
    that field tools treat as a word, never as a number."""

    def parse(self, raw: str):
        try:
            drawn.decode(raw)
        except TableError as e:
            raise ValueError(str(e)) from None
        return str(raw).strip()

    def dump(self, value) -> str:
        return str(value)


def fields(*, draw: bool = False) -> list[Field]:
    """The page-state fields of the source chooser (``draw``: the Playground's drawing too)."""
    out: list[Field] = [Field("src", "builtin", "choice", choices=SOURCES if draw else SOURCES[:2])]
    if draw:
        out.append(PointsField("pts", "", "choice"))
    return out


@dataclass(frozen=True)
class Source:
    """Where a page's data comes from now: ``mode`` (builtin, upload, draw),
    the config the caches key on and the dataset (both None for built-in data
    or while there is nothing to train on yet), and the map's limits."""

    mode: str
    cfg: object | None = None
    ds: Dataset | None = None
    lim: tuple | None = None

    @property
    def own(self) -> bool:
        return self.mode != "builtin"

    @property
    def waiting(self) -> bool:
        return self.own and self.ds is None


def _label(mode: str) -> str:
    return {"builtin": ui.tr("own_src_builtin"), "upload": ui.tr("own_src_upload"),
            "draw": ui.tr("own_src_draw")}[mode]


def choose(state, *, where=None) -> str:
    """The source chooser (sidebar); returns the chosen mode."""
    where = where or st.sidebar
    labels = {m: _label(m) for m in SOURCES}  # fixed now: a widget's labels must not read the session later
    ui.select(state, "src", ui.tr("own_src_label"), fmt=labels.get, where=where, radio=True,
              help=ui.tr("own_src_help"))
    return st.session_state[ui.wkey(state.page, "src")]


def source(state) -> Source:
    """The chosen source with its data (draws the upload panel, or settles the drawing)."""
    mode = st.session_state.get(ui.wkey(state.page, "src"), "builtin")
    if mode == "upload":
        return upload_panel(state.page)
    if mode == "draw":
        return draw_source(state)
    return Source("builtin")


def data_controls(state, *, prefix: str, on_change=None) -> None:
    """The source chooser, then (for built-in data) the page's usual data
    controls (:func:`advlab.ui.controls.data_controls`)."""
    from .controls import data_controls as builtin_controls

    if choose(state) == "builtin":
        builtin_controls(state, prefix=prefix, on_change=on_change)


def use(state, data) -> tuple | None:
    """``(config, dataset)`` of the page's data: the learner's table, or the
    built-in data of the config ``data``; None while no file is uploaded."""
    from . import lessons

    src = source(state)
    if src.waiting:
        return None
    return (src.cfg, src.ds) if src.own else (data, lessons.dataset(data))


# ------------------------------------------------------------------ upload ---

def _mem(page: str) -> dict:
    return st.session_state.setdefault(f"_own.{page}", {})


def _say(e: TableError) -> None:
    fmt = {k: shown(val) if isinstance(val, str) else val for k, val in e.fmt.items()}
    st.error(ui.tr(e.key, **fmt), icon=":material/error:")


def _read(page: str, up) -> None:
    """Read a newly uploaded file; a bad one leaves the previous table in place."""
    mem = _mem(page)
    raw = up.getvalue()
    try:
        table = tabular.read_table(raw)
    except TableError as e:
        mem["bad"] = (up.file_id, e)
        return
    mem.pop("bad", None)
    if mem.get("table") is None or mem["table"].digest != table.digest:
        mem.update(table=table, name=up.name)
        lab, feat = ui.wkey(page, "own_label"), ui.wkey(page, "own_features")
        num = table.numeric_columns()
        label = next((c for c in reversed(table.columns) if c not in num), table.columns[-1])
        st.session_state[lab] = label
        st.session_state[feat] = [c for c in num if c != label][: tabular.MAX_FEATURES]


def upload_panel(page: str) -> Source:
    """The upload panel (file, label and feature columns, missing rows, the
    prepared data's download) and the dataset it makes."""
    mem = _mem(page)
    box = st.container(border=True)
    with box:
        st.markdown(f"**{ui.tr('own_upload_title')}**")
        st.caption(ui.tr("own_upload_limits", **tabular.LIMITS))
        st.caption(":material/lock: " + ui.tr("own_privacy"))
        up = st.file_uploader(ui.tr("own_upload_label"), key=ui.wkey(page, "own_file"), help=ui.tr("own_upload_help"))
        if up is not None and mem.get("file_id") != up.file_id:
            mem["file_id"] = up.file_id
            _read(page, up)
        bad = mem.get("bad")
        if bad is not None and up is not None and bad[0] == up.file_id:
            _say(bad[1])
            if mem.get("ds") is not None:
                st.caption(ui.tr("own_kept"))
        table = mem.get("table")
        if table is None:
            st.info(ui.tr("own_upload_first"), icon=":material/upload_file:")
            return Source("upload")
        _prepare(page, table, mem)
    return Source("upload", mem.get("cfg"), mem.get("ds"))


def _prepare(page: str, table: tabular.Table, mem: dict) -> None:
    """The column pickers and the prepared dataset (kept only when it is good)."""
    st.caption(ui.tr("own_read_as", name=shown(mem.get("name", "")), rows=table.n_rows, cols=len(table.columns),
                     enc=table.encoding, sep=ui.tr("own_sep_tab" if table.delimiter == "\t" else "own_sep_comma")))
    c1, c2, c3 = st.columns([1, 2.4, 0.8])
    label = c1.selectbox(ui.tr("own_label_col"), table.columns, key=ui.wkey(page, "own_label"))
    feats = c2.multiselect(ui.tr("own_feature_cols"), table.columns, key=ui.wkey(page, "own_features"),
                           help=ui.tr("own_features_help"))
    seed = c3.number_input(ui.tr("own_seed"), 0, 9999, 0, step=1, key=ui.wkey(page, "own_seed"),
                           help=ui.tr("own_seed_help"))
    drop = bool(st.session_state.get(ui.wkey(page, "own_drop"), False))
    try:
        ds = tabular.prepare(table, label=label, features=feats, drop_missing=drop, seed=int(seed))
    except MissingValues as e:
        _say(e)
        st.checkbox(ui.tr("own_drop", n=e.rows), key=ui.wkey(page, "own_drop"))
        if mem.get("ds") is not None:
            st.caption(ui.tr("own_kept"))
        return
    except TableError as e:
        _say(e)
        if mem.get("ds") is not None:
            st.caption(ui.tr("own_kept"))
        return
    if ds.info["dropped"]:
        st.checkbox(ui.tr("own_drop", n=ds.info["dropped"]), key=ui.wkey(page, "own_drop"))
    mem["cfg"] = tabular.register(ds, label=label, features=feats, drop_missing=drop)
    mem["ds"] = ds
    c1, c2 = st.columns([3, 1], vertical_alignment="center")
    c1.caption(ui.tr("own_ready", train=len(ds.x_train), test=len(ds.x_test), k=ds.n_classes, d=ds.n_features,
                     names=", ".join(shown(n) for n in ds.class_names)))
    c2.download_button(ui.tr("own_download"), tabular.prepared_csv(ds), file_name="advlab-prepared-data.csv",
                       mime="text/csv", key=ui.wkey(page, "own_download"), on_click="ignore", width="stretch")


_LOOKALIKE = str.maketrans({"[": "(", "]": ")", "<": "‹", ">": "›", "*": "∗", "`": "ˋ", "$": "＄", "&": "＆",
                            "\\": "∖", "~": "∼", "|": "│", "#": "＃", "{": "(", "}": ")", "!": "！"})


def shown(text) -> str:
    """A learner's text (a file, column or class name, a cell) as the page
    shows it, in Markdown and in charts alike: never markup (no links,
    images, HTML, formulas or chart templates), one line, at most 60 characters."""
    one = " ".join(str(text).split())
    return (one[:60] + ("…" if len(one) > 60 else "")).translate(_LOOKALIKE)


# ----------------------------------------------------------------- drawing ---

def _k(page: str, what: str) -> str:
    return f"_own_{what}.{page}"


def draw_source(state) -> Source:
    """The drawing: the draft settles into the page's ``pts`` when no click
    has come for a while; the dataset is the settled drawing's."""
    page, ss = state.page, st.session_state
    committed = ss.get(ui.wkey(page, "pts")) or drawn.encode(drawn.EXAMPLE)  # nothing drawn yet: the example
    if ss.get(_k(page, "seen")) != committed:  # a new link or a settled draft
        ss[_k(page, "seen")] = committed
        ss[_k(page, "draft")] = drawn.decode(committed)
    draft = ss[_k(page, "draft")]
    if drawn.encode(draft) != committed and drawn.settled(ss.get(_k(page, "edit")), time.time()):
        committed = ss[_k(page, "seen")] = drawn.encode(draft)
    ss[ui.wkey(page, "pts")] = committed
    points = drawn.decode(committed)
    if not drawn.ready(points):
        return Source("draw", lim=CANVAS_LIM)
    cfg = drawn.DrawnConfig(committed)
    return Source("draw", cfg, cfg.load(), CANVAS_LIM)


def handle_click(points: list, selection, k: int) -> list | None:
    """The drawing after a click on the canvas (``selection``: the chart's
    selection state): a point removed, or one of class ``k`` added where the
    click landed; None if the click hit neither."""
    try:
        picked = selection["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for pt in picked:
        cd = pt.get("customdata")
        if isinstance(cd, list) and len(cd) == 2 and cd[0] == "pt":
            return drawn.remove(points, int(cd[1]))
        if isinstance(cd, list) and len(cd) == 3 and cd[0] == "at":
            return drawn.add(points, float(cd[1]), float(cd[2]), int(k))
    return None


def _edit(page: str, new: list | None) -> None:
    ss = st.session_state
    if new is None:
        return
    old = ss[_k(page, "draft")]
    ss.setdefault(_k(page, "undo"), []).append(old)
    del ss[_k(page, "undo")][:-UNDO_DEPTH]
    ss[_k(page, "draft")] = new
    ss[_k(page, "edit")] = time.time()
    ss[_k(page, "n")] = ss.get(_k(page, "n"), 0) + 1  # a new chart: its selection starts empty


def _on_click(page: str) -> None:
    ss = st.session_state
    key = f"own_canvas_{page}_{ss.get(_k(page, 'n'), 0)}"
    try:
        _edit(page, handle_click(ss[_k(page, "draft")], ss.get(key), int(ss.get(_k(page, "class")) or 0)))
    except TableError as e:
        ss[_k(page, "err")] = e


def _undo(page: str) -> None:
    stack = st.session_state.get(_k(page, "undo")) or []
    if stack:
        st.session_state[_k(page, "draft")] = stack.pop()
        st.session_state[_k(page, "edit")] = time.time()
        st.session_state[_k(page, "n")] = st.session_state.get(_k(page, "n"), 0) + 1


def _clear(page: str) -> None:
    _edit(page, [])


def canvas_figure(points, *, grid=None, lang: str = "en", presenter: bool = False, class_names=None) -> go.Figure:
    """The drawing canvas: the model's map (``grid``, if trained), the drawn
    points (customdata ``["pt", i]``: a click removes it) and invisible
    targets over the whole canvas (``["at", x, y]``: a click adds a point)."""
    lo, hi = drawn.CANVAS
    if grid is not None:
        fig = figures.decision_map(grid.xs, grid.ys, grid.proba, lang=lang, presenter=presenter)
    else:
        fig = go.Figure(layout={**style(presenter=presenter), "xaxis": dict(range=[lo, hi], zeroline=False),
                                "yaxis": dict(range=[lo, hi], scaleanchor="x", scaleratio=1, zeroline=False)})
    ticks = np.round(np.arange(lo, hi + 1e-9, CLICK_STEP), 2)
    gx, gy = np.meshgrid(ticks, ticks)
    fig.add_trace(go.Scatter(x=gx.ravel(), y=gy.ravel(), mode="markers", showlegend=False, hoverinfo="none",
                             marker=dict(size=6, opacity=0, color="#000"),
                             customdata=[["at", float(a), float(b)] for a, b in zip(gx.ravel(), gy.ravel())]))
    x, y = drawn.coords(points)
    size = 13 if presenter else 10
    for c in sorted(set(y.tolist())):
        idx = np.nonzero(y == c)[0]
        name = class_names[c] if class_names and c < len(class_names) else f"class {c}"
        fig.add_trace(go.Scatter(x=x[idx, 0], y=x[idx, 1], mode="markers", name=name,
                                 customdata=[["pt", int(i)] for i in idx],
                                 marker=dict(size=size, color=class_color(int(c)), line=dict(color="white", width=1.2)),
                                 hovertemplate=name + " (%{x:.2f}, %{y:.2f})<extra></extra>"))
    fig.update_layout(xaxis_title_text=t("own_axis_x1", lang), yaxis_title_text=t("own_axis_x2", lang))
    fig.update_layout(height=720 if presenter else 520, clickmode="event+select", dragmode=False,
                      xaxis_range=[lo - 0.05, hi + 0.05], yaxis_range=[lo - 0.05, hi + 0.05],
                      legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="center", x=0.5))
    return fig


def canvas(state, grid, *, class_names) -> None:
    """The drawing controls and canvas, then the quiet-spell watcher."""
    _canvas(state.page, grid, list(class_names))
    _settle(state.page)


@st.fragment
def _canvas(page: str, grid, class_names: list) -> None:
    ss = st.session_state
    draft = ss.get(_k(page, "draft"), [])
    names = [ui.tr("class_n", k=c) for c in range(drawn.MAX_CLASSES)]
    st.segmented_control(ui.tr("own_draw_class"), list(range(drawn.MAX_CLASSES)), key=_k(page, "class"),
                         default=0, format_func=names.__getitem__, required=True)
    err = ss.pop(_k(page, "err"), None)
    if err is not None:
        st.warning(err.message(ui.lang()), icon=":material/warning:")
    fig = canvas_figure(draft, grid=grid, lang=ui.lang(), presenter=ui.presenter(), class_names=class_names)
    # Streamlit's own chart, whose point selection is the click (on a phone too: drawing is tapping)
    st.plotly_chart(fig, width="stretch", key=f"own_canvas_{page}_{ss.get(_k(page, 'n'), 0)}", config=CANVAS_CONFIG,
                    on_select=lambda: _on_click(page), selection_mode="points")
    if not drawn.ready(draft):
        st.info(ui.tr("own_draw_two_classes"), icon=":material/draw:")
    pending = drawn.encode(draft) != ss.get(ui.wkey(page, "pts"))
    c1, c2, c3 = st.columns([2.4, 1, 1], vertical_alignment="center")
    c2.button(ui.tr("own_undo"), key=f"own_undo_{page}", on_click=_undo, args=(page,), width="stretch",
              disabled=not ss.get(_k(page, "undo")), icon=":material/undo:")
    c3.button(ui.tr("own_clear"), key=f"own_clear_{page}", on_click=_clear, args=(page,), width="stretch",
              disabled=not draft, icon=":material/delete:")
    c1.caption(ui.tr("own_draw_pending" if pending else "own_draw_help", n=len(draft), max=drawn.MAX_POINTS))


@st.fragment(run_every=0.5)
def _settle(page: str) -> None:
    """Retrain once a burst of clicks is over (the whole page reruns then)."""
    ss = st.session_state
    draft = ss.get(_k(page, "draft"))
    if draft is None or drawn.encode(draft) == ss.get(ui.wkey(page, "pts")):
        return
    if drawn.settled(ss.get(_k(page, "edit")), time.time()):
        st.rerun(scope="app")


def axes(fig: go.Figure, ds: Dataset) -> go.Figure:
    """A 2-D map of the learner's data with axes named after its columns (or
    the drawing's units); built-in data keeps the figure's own titles."""
    if ds.name == "upload" and ds.n_features == 2:
        titles = [ui.tr("own_axis_feature", name=shown(n)) for n in ds.feature_names]
    elif ds.name == "drawn":
        titles = [ui.tr("own_axis_x1"), ui.tr("own_axis_x2")]
    else:
        return fig
    return fig.update_layout(xaxis_title_text=titles[0], yaxis_title_text=titles[1])


# ------------------------------------------------------------ wide tables ---

def wide_map(ds: Dataset, *, res=None, chosen: int | None = None) -> go.Figure:
    """Data with more than two features, seen in the plane of its two main
    principal directions: the test points (and with an attack result ``res``,
    their adversarial copies)."""
    x_adv = ds.x_test if res is None else res.x_adv
    proj = projections.pca_projection(ds.x_train, ds.x_test, x_adv)
    pred = ds.y_test if res is None else res.pred_adv
    return lab_figures.pca_scatter(proj, ds.y_test, pred, chosen=chosen, class_names=list(ds.class_names),
                                   lang=ui.lang(), presenter=ui.presenter())
