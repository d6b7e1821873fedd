"""Charts on a phone: a built figure refitted to a narrow column.

Every figure is drawn for a laptop's column first. On a phone (about 360 px
for the chart) the same layout crams: a legend beside or above the plot runs
into the axis or the title, a square map sits in a tall box with empty bands
above and below, labels written for a wide panel overlap their neighbours, and
a swipe across a chart zooms it instead of scrolling the page. :func:`for_phone`
fixes those on a copy and leaves the data alone, so each figure function keeps
one shape (and its tests) for every screen.

Text widths are estimates (about 0.56 em for Latin letters and digits, 1 em
for CJK characters): good enough to decide where a label must wrap.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

PHONE_WIDTH = 358  # the chart's width on a 390-px phone: the screen less the page's side padding
_TAG = re.compile(r"<[^>]+>")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_AXIS_NAME = re.compile(r"^([xy])axis(\d*)$")
# room an axis's tick labels and title take beside (y) or under (x) the plot, as drawn at 13 px
TICKS_Y_PX, TICKS_Y_BARE_PX = 66, 42
TICKS_X_PX, TICKS_X_BARE_PX = 62, 34
LEGEND_SYMBOL_PX = 42  # a legend entry's symbol and gaps
PANEL_TITLE_PX = 13  # a panel's title on a phone: three panels share 360 px
MIN_CELL_PX = 72  # an image panel narrower than this wraps to the next row


def text_px(text: str, size: float) -> float:
    """Estimated width in pixels of the longest line of a Plotly label at font ``size``."""
    lines = re.split(r"<br\s*/?>", str(text or ""), flags=re.IGNORECASE)
    best = 0.0
    for line in lines:
        plain = _TAG.sub("", line)
        wide = len(_CJK.findall(plain))
        best = max(best, size * (wide + 0.56 * (len(plain) - wide)))
    return best


def wrap(text: str, size: float, max_px: float) -> str:
    """``text`` broken into lines (``<br>``) of at most ``max_px`` where it can break:
    at spaces, or between CJK characters. A bold label stays bold on every line."""
    if not text or text_px(text, size) <= max_px or re.search(r"<br\s*/?>", text, re.IGNORECASE):
        return text
    bold = text.startswith("<b>") and text.endswith("</b>") and text.count("<b>") == 1
    inner = text[3:-4] if bold else text
    if _TAG.search(inner):  # other markup: leave it whole rather than break a tag
        return text
    # break points: after a space, or before a CJK character
    tokens = re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef][，。、：；）]?|[^\s\u2e80-\u9fff]+\s*|\s+", inner)
    lines, cur = [], ""
    for tok in tokens:
        if cur and text_px((cur + tok).rstrip(), size) > max_px:
            lines.append(cur.rstrip())
            cur = tok.lstrip()
        else:
            cur += tok
    if cur.strip():
        lines.append(cur.rstrip())
    if bold:
        lines = [f"<b>{line}</b>" for line in lines]
    return "<br>".join(lines)


def _font_size(obj: dict | None, default: float) -> float:
    size = ((obj or {}).get("font") or {}).get("size")
    return float(size) if size else default


def _axes(layout: dict, letter: str) -> dict[str, dict]:
    return {k: v for k, v in layout.items() if _AXIS_NAME.match(k) and k[0] == letter and isinstance(v, dict)}


def _legend_traces(fig: go.Figure) -> list[int]:
    """Indices of the traces that have an entry in the legend (one per legend group)."""
    out, groups = [], set()
    for i, tr in enumerate(fig.data):
        shown, name, group = (getattr(tr, a, None) for a in ("showlegend", "name", "legendgroup"))
        surface = tr.type in ("image", "heatmap") or (
            tr.type == "contour" and (tr.contours.coloring or "fill") in ("fill", "heatmap"))
        if shown is False or not name or surface and shown is not True:
            continue  # plotly lists neither a trace marked so nor a filled surface unless asked (contour lines it does)
        if shown is None and len(fig.data) == 1:
            continue  # nor a lone trace
        if group and group in groups:
            continue
        groups.add(group)
        out.append(i)
    return out


def _legend_rows(names: list[str], size: float, width: float) -> int:
    """Rows of the phone legend: one, if the entries fit in a row with room to spare (plotly
    measures them itself and wraps sooner than this estimate would), else one per entry."""
    widths = [LEGEND_SYMBOL_PX + text_px(n, size) for n in names]
    return 1 if sum(widths) <= 0.8 * width else len(names)


def for_phone(fig: go.Figure, *, width: int = PHONE_WIDTH) -> go.Figure:
    """A copy of ``fig`` fitted to a phone column ``width`` pixels wide.

    - no drag-zoom and fixed axes, so a swipe over the chart scrolls the page
      and a tap shows a point's hover label (a chart that picks points, where
      Streamlit turns a drag into a pan, at least holds still: a second tap
      picks the point);
    - the legend goes under the plot, centred, in one row or one entry a row,
      and the chart grows by its height so the plot keeps its size;
    - a plot of square cells (a decision map, a grid of images) gets the
      height its width needs instead of a laptop's, so it is not boxed in by
      empty bands;
    - axis titles, panel titles, the chart title and notes too wide for their
      space wrap onto more lines.
    """
    layout = fig.layout.to_plotly_json()
    base = _font_size(layout, 13.0)
    margin = dict(layout.get("margin") or {})
    m_l, m_r = float(margin.get("l", 80)), float(margin.get("r", 80))
    m_t, m_b = float(margin.get("t", 100)), float(margin.get("b", 80))
    inner = max(width - m_l - m_r, 100.0)
    xaxes, yaxes = _axes(layout, "x"), _axes(layout, "y")
    plot_w = inner - _axis_room(yaxes, TICKS_Y_PX, TICKS_Y_BARE_PX)
    x_room = max(_axis_room(xaxes, TICKS_X_PX, TICKS_X_BARE_PX), 12)
    out: dict = {"dragmode": False}

    # the legend: under the plot, in rows as wide as the chart
    entries = _legend_traces(fig) if layout.get("showlegend", True) is not False else []
    names: list[str] = []
    renamed: dict[int, str] = {}
    legend_px = 0.0
    if entries:
        legend = layout.get("legend") or {}
        size = _font_size(legend, base)
        names = [wrap(fig.data[i].name, size, inner - LEGEND_SYMBOL_PX) for i in entries]
        renamed = {i: n for i, n in zip(entries, names) if n != fig.data[i].name}
        rows = _legend_rows(names, size, plot_w)
        legend_px = rows * (size + 6) + sum(_lines(n) - 1 for n in names) * (size + 2) + 4 * rows + 12
        if float(legend.get("y", 0.0)) >= 0.99 and legend.get("yanchor") == "bottom" and not _title_text(layout):
            # the room kept above the plot for the legend is free now (notes on the top
            # edge claim theirs back below)
            m_t = min(m_t, 20.0)
            out["margin"] = dict(margin, t=m_t)

    # a grid of small images (a gallery) wraps into fewer, larger columns
    _reflow_grid(layout, xaxes, yaxes, plot_w, base)
    out["annotations"] = layout.get("annotations") or []
    # fixed axes: a finger on a chart scrolls the page; it never zooms, pans or stretches an axis
    for name in (*xaxes, *yaxes):
        out[name] = {"fixedrange": True}
        if "domain" in layout[name]:
            out[name]["domain"] = layout[name]["domain"]

    # the height: square cells get their width; a legend underneath adds its rows
    height = float(layout.get("height") or 450)
    square = [a for a in yaxes.values() if a.get("scaleanchor")]
    if square and len(square) == len(yaxes):
        need = 0.0
        for ya in yaxes.values():
            xa = layout.get("xaxis" + str(ya.get("anchor", "x"))[1:], {})
            dx = xa.get("domain") or [0.0, 1.0]
            dy = ya.get("domain") or [0.0, 1.0]
            # a y unit is drawn scaleratio x units long: the cell's height follows the ranges
            ratio = float(ya.get("scaleratio") or 1.0) * _span_ratio(ya.get("range"), xa.get("range"))
            cell = (dx[1] - dx[0]) * plot_w * ratio
            need = max(need, cell / max(dy[1] - dy[0], 1e-3))
        height = m_t + max(m_b, x_room) + need
    bars = _bars_below(fig) if names else []
    if names:
        # a colour bar under the plot goes between the axis and the legend
        bars_px = max((px for _, px in bars), default=0.0)
        height += legend_px + bars_px
        # container coordinates: the legend (and the bar) keep their place at the bottom however
        # the plot area changes, and the margin above them holds the x axis's labels
        out["legend"] = dict(orientation="h" if rows == 1 else "v", xanchor="center", x=0.5, yref="container",
                             yanchor="top", y=legend_px / height)
        bottom = max(m_b if not bars else 0.0, x_room) + legend_px + bars_px
        out["margin"] = dict(out.get("margin", margin), b=bottom)
        # the bar's top just under the x axis's title, in the plot's own (paper) coordinates
        bar_y = -(x_room + 2) / max(height - m_t - bottom, 1.0)
    out["height"] = round(height)

    # texts too wide for their space
    for name, ax in {**xaxes, **yaxes}.items():
        title = ax.get("title") or {}
        text = title.get("text") if isinstance(title, dict) else None
        if text:
            size = _font_size(title, base)
            # a title may reach a little past its panel, never into the next one
            side = plot_w if name[0] == "x" else max(height - m_t - m_b - legend_px, 120.0)
            room = 1.15 * side * _span(ax)
            wrapped = wrap(text, size, room)
            if wrapped != text:
                out[name]["title"] = {"text": wrapped}
    title = layout.get("title") or {}
    if _title_text(layout):
        wrapped = wrap(title["text"], _font_size(title, base + 3), inner)
        if wrapped != title["text"]:
            out["title"] = {"text": wrapped}
    anns = out["annotations"]
    if anns:
        new, top = [], m_t
        for a in anns:
            a = dict(a)
            if a.get("text"):
                size = _font_size(a, base)
                if a.get("xref") == "paper" and a.get("yref") == "paper" and size > PANEL_TITLE_PX:
                    a["font"] = dict(a.get("font") or {}, size=PANEL_TITLE_PX)  # a panel's title
                    size = PANEL_TITLE_PX
                a["text"] = wrap(a["text"], size, _annotation_room(a, xaxes, plot_w))
                if _sits_on_top(a):  # a title over the plot: the top margin holds all its lines
                    top = max(top, _lines(a["text"]) * size * 1.3 + float(a.get("yshift") or 0) + 6)
            new.append(a)
        out["annotations"] = new
        if top > m_t:
            out.setdefault("margin", dict(margin))["t"] = top
            out["height"] += round(top - m_t)

    merged = _merge(layout, out)
    phone = go.Figure(data=fig.data, layout=merged)
    for i, name in renamed.items():
        phone.data[i].name = name
    for i, _ in bars:
        cb = phone.data[i].colorbar
        cb.update(y=bar_y, yanchor="top")
        if cb.lenmode == "pixels" and cb.len and cb.len > 0.8 * inner:
            cb.len = 0.8 * inner
    return phone


def _bars_below(fig: go.Figure) -> list[tuple[int, float]]:
    """(trace index, height in pixels) of each horizontal colour bar drawn under the plot."""
    out = []
    for i, tr in enumerate(fig.data):
        cb = getattr(tr, "colorbar", None)
        if cb is None or getattr(tr, "showscale", None) is False or cb.orientation != "h":
            continue
        if cb.y is None or cb.y >= 0 or (cb.yref or "paper") != "paper":
            continue
        title = cb.title.text if cb.title is not None else None
        tick = float(cb.tickfont.size or 12) if cb.tickfont is not None else 12.0
        head = float(cb.title.font.size or 13) * 1.4 if title else 0.0
        out.append((i, float(cb.thickness or 30) + head + tick * 1.4 + 12))
    return out


def _axis_room(axes: dict[str, dict], titled: int, bare: int) -> int:
    """Pixels the tick labels (and title) of the first of ``axes`` take outside the plot."""
    if not axes:
        return titled  # plotly draws default axes
    ax = axes.get("xaxis", axes.get("yaxis")) or next(iter(axes.values()))
    if ax.get("showticklabels", True) is False:
        return 0
    title = ax.get("title") or {}
    return titled if isinstance(title, dict) and title.get("text") else bare


def _span_ratio(y_range, x_range) -> float:
    """The y range's length over the x range's (1 when either is not set)."""
    try:
        return abs(float(y_range[1]) - float(y_range[0])) / abs(float(x_range[1]) - float(x_range[0]))
    except (TypeError, IndexError, ValueError, ZeroDivisionError):
        return 1.0


def _span(axis: dict) -> float:
    d = axis.get("domain") or [0.0, 1.0]
    return max(float(d[1]) - float(d[0]), 0.05)


def _reflow_grid(layout: dict, xaxes: dict, yaxes: dict, plot_w: float, base: float) -> None:
    """Rewrap, in ``layout``, a grid of image panels (square cells without tick labels)
    whose cells would be narrower than :data:`MIN_CELL_PX`: the same panels in
    reading order, as many to a row as fit, each title moved with its panel."""
    if len(yaxes) < 2 or any(not a.get("scaleanchor") for a in yaxes.values()) or \
            any(a.get("showticklabels", True) is not False for a in (*xaxes.values(), *yaxes.values())):
        return
    panels = []
    for yname, ya in yaxes.items():
        xname = "xaxis" + str(ya.get("anchor", "x"))[1:]
        if xname not in xaxes:
            return
        panels.append((xname, yname, list(xaxes[xname].get("domain") or [0, 1]), list(ya.get("domain") or [0, 1])))
    panels.sort(key=lambda p: (-round(p[3][1], 3), round(p[2][0], 3)))
    cols = len({round(p[2][0], 3) for p in panels})
    cell_w = min(p[2][1] - p[2][0] for p in panels)
    hgap = (1.0 - cols * cell_w) / max(cols - 1, 1) if cols > 1 else 0.0
    if cell_w * plot_w >= MIN_CELL_PX or cols < 2:
        return
    new_cols = max(1, int((1.0 + hgap) // (MIN_CELL_PX / plot_w + hgap)))
    rows = -(-len(panels) // new_cols)
    w = (1.0 - hgap * (new_cols - 1)) / new_cols
    anns = layout.get("annotations") or []
    titles = {}  # panel -> index of the note centred on its top edge
    for i, a in enumerate(anns):
        for j, (_, _, dx, dy) in enumerate(panels):
            if a.get("xref") == "paper" and abs(float(a.get("x", -1)) - (dx[0] + dx[1]) / 2) < 1e-3 \
                    and abs(float(a.get("y", -1)) - dy[1]) < 1e-3:
                titles[j] = i
    lines = max((_lines(anns[i].get("text") or "") for i in titles.values()), default=0)
    size = max((_font_size(anns[i], base) for i in titles.values()), default=base)
    title_px = lines * size * 1.3 + 8 if titles else 6
    cell_px = w * plot_w
    plot_h = rows * cell_px + (rows - 1) * title_px
    for j, (xname, yname, _, _) in enumerate(panels):
        r, c = divmod(j, new_cols)
        x0 = c * (w + hgap)
        y1 = 1.0 - r * (cell_px + title_px) / plot_h
        layout[xname]["domain"] = [max(x0, 0.0), min(x0 + w, 1.0)]
        layout[yname]["domain"] = [max(y1 - cell_px / plot_h, 0.0), min(y1, 1.0)]
        if j in titles:
            anns[titles[j]] = dict(anns[titles[j]], x=x0 + w / 2, y=y1)


def _title_text(layout: dict) -> str | None:
    title = layout.get("title")
    return title.get("text") if isinstance(title, dict) else None


def _lines(text: str) -> int:
    return len(re.split(r"<br\s*/?>", text, flags=re.IGNORECASE))


def _sits_on_top(a: dict) -> bool:
    """A note standing on the top edge of the plot area (a panel's or a marker's title)."""
    return (a.get("yref") == "paper" or str(a.get("yref", "")).endswith(" domain")) and \
        float(a.get("y", 0)) >= 0.999 and a.get("yanchor") == "bottom"


def _annotation_room(a: dict, xaxes: dict[str, dict], plot_w: float) -> float:
    """The width a note may take: a panel title its panel's width, a note in data
    coordinates (a label on a line) a little over half the plot."""
    if a.get("xref", "x") == "paper":
        x = float(a.get("x", 0.5))
        spans = [ax.get("domain") or [0.0, 1.0] for ax in xaxes.values()]
        inside = [d for d in spans if d[0] - 1e-6 <= x <= d[1] + 1e-6]
        width = min((d[1] - d[0] for d in inside), default=1.0)
        return max(width * plot_w, 60.0)
    if str(a.get("xref", "")).endswith(" domain"):
        return max(plot_w * 0.9, 60.0)
    return max(plot_w * 0.55, 60.0)


def _merge(base: dict, patch: dict) -> dict:
    out = dict(base)
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out
