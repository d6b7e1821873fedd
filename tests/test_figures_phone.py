"""Charts refitted for a phone (advlab.figures.phone.for_phone): what a student
holding one would notice. A swipe scrolls instead of zooming, the legend sits
under the plot, a square map gets a height that fits the narrow column, a
gallery of four columns shows readable images, and labels too long for the column
wrap instead of running off the chart. The laptop figure is left as it was."""

from __future__ import annotations

import numpy as np

from advlab import figures
from advlab.figures import defense, lab
from advlab.figures.phone import PHONE_WIDTH, for_phone, text_px, wrap


def _map(seed: int = 0):
    rng = np.random.default_rng(seed)
    xs = ys = np.linspace(-3, 3, 40)
    proba = rng.random((40, 40, 2))
    proba /= proba.sum(-1, keepdims=True)
    x = rng.normal(size=(120, 2))
    y = (x[:, 0] > 0).astype(int)
    return figures.points_map(xs, ys, proba, x, y, x[:30], y[:30])


def _gallery(n: int = 16, ncols: int = 8):
    rng = np.random.default_rng(0)
    idx = np.arange(n)
    return lab.digit_gallery(rng.random((n, 64)), indices=idx, y=idx % 10, pred_adv=(idx + 1) % 10,
                             conf_adv=np.full(n, 0.5), ncols=ncols)


def test_a_swipe_scrolls_the_page_instead_of_zooming():
    phone = for_phone(_map())
    assert phone.layout.dragmode is False
    assert phone.layout.xaxis.fixedrange and phone.layout.yaxis.fixedrange


def test_the_legend_goes_under_the_plot_and_the_chart_grows_for_it():
    laptop = defense.tradeoff_chart([0, 0.1, 0.2], [0.99, 0.97, 0.95], [0.6, 0.7, 0.8], eval_eps=0.4, current=0.1)
    assert laptop.layout.legend.yanchor == "bottom"  # the laptop's legend sits over the plot
    phone = for_phone(laptop)
    legend = phone.layout.legend
    assert (legend.yref, legend.yanchor, legend.xanchor) == ("container", "top", "center")
    assert legend.orientation == "v"  # two long entries: one a row
    short = for_phone(figures.training_curve([{"epoch": 1, "loss": 0.5, "accuracy": 0.8},
                                              {"epoch": 2, "loss": 0.3, "accuracy": 0.9}]))
    assert short.layout.legend.orientation == "h"  # "loss" and "accuracy" share a row
    # its top is under the x axis: the bottom margin holds the tick labels, the title and the legend
    legend_px = legend.y * phone.layout.height
    assert phone.layout.margin.b >= legend_px + 30
    assert phone.layout.height > laptop.layout.height


def test_a_square_map_gets_the_height_the_column_needs():
    laptop = _map()
    phone = for_phone(laptop)
    m = phone.layout.margin
    plot_h = phone.layout.height - m.t - m.b
    plot_w = PHONE_WIDTH - m.l - m.r - 66  # the y axis's labels and title
    assert abs(plot_h - plot_w) < 20, (plot_h, plot_w)  # square, within the estimate's slack
    assert phone.layout.height < laptop.layout.height


def test_the_laptop_figure_and_the_data_are_left_alone():
    laptop = _map()
    before = laptop.to_plotly_json()
    phone = for_phone(laptop)
    assert laptop.to_plotly_json() == before
    assert len(phone.data) == len(laptop.data)
    for a, b in zip(phone.data, laptop.data):
        assert a.type == b.type
        if getattr(b, "x", None) is not None:
            assert np.array_equal(np.asarray(a.x), np.asarray(b.x))


def test_a_phone_gallery_of_four_columns_shows_readable_images_each_titled_over_itself():
    laptop = _gallery()
    phone = for_phone(_gallery(ncols=4))  # what the Digits page draws on a phone
    lay = phone.layout
    tiles = lay.meta["tiles"]
    assert len({c for _, c in tiles}) == 4 and len({r for r, _ in tiles}) == 4
    # the pixels stay square and the chart is as tall as its rows need: an image as wide as drawn
    plot_w = PHONE_WIDTH - lay.margin.l - lay.margin.r
    px = plot_w / abs(lay.xaxis.range[1] - lay.xaxis.range[0])  # screen pixels per image pixel
    plot_h = lay.height - lay.margin.t - lay.margin.b
    assert abs(plot_h - px * abs(lay.yaxis.range[0] - lay.yaxis.range[1])) < 24
    assert 8 * px >= 72  # big enough to read an 8x8 digit
    assert lay.height > laptop.layout.height  # four rows instead of two
    for (r, c), ann in zip(tiles, lay.annotations):  # image j's title, centred over it, on its top edge
        assert abs(ann.x - (c + 3.5)) < 1e-6 and abs(ann.y - (r - 0.5)) < 1e-6 and ann.yanchor == "bottom"
    # reading order kept: image 4 starts the second row
    assert tiles[4][1] == 0 and tiles[4][0] > tiles[3][0]


def test_three_panels_are_not_wrapped_but_their_titles_are():
    views = lab.digit_views(np.zeros(64), np.full(64, 0.1),
                            titles=("original: 2 (77%)", "perturbation (largest 0.10)", "adversarial: 3 (86%)"))
    phone = for_phone(views)
    assert len({tuple(phone.layout[f"xaxis{s}"].domain) for s in ("", "2", "3")}) == 3
    panel_px = (phone.layout.xaxis.domain[1] - phone.layout.xaxis.domain[0]) * PHONE_WIDTH
    for ann in phone.layout.annotations:
        assert text_px(ann.text, ann.font.size) <= panel_px + 10, ann.text
    assert "<br>" in phone.layout.annotations[1].text


def test_long_labels_wrap_to_the_column():
    chart = defense.tradeoff_chart([0, 0.1, 0.2], [0.99, 0.97, 0.95], [0.6, 0.7, 0.8], eval_eps=0.4, current=0.1)
    title = for_phone(chart).layout.xaxis.title.text
    assert "<br>" in title and title.replace("<br>", " ") == chart.layout.xaxis.title.text
    masking = defense.masking_chart([0, 0.2, 0.4], [1, 1, 1], [1, 0.9, 0.8], [1, 0.7, 0.4], eval_eps=0.4)
    long_name = max(masking.data, key=lambda tr: len(tr.name)).name
    phone = for_phone(masking)
    wrapped = next(tr.name for tr in phone.data if tr.name.replace("<br>", " ") == long_name)
    room = PHONE_WIDTH - phone.layout.margin.l - phone.layout.margin.r - 42  # less the entry's symbol
    assert "<br>" in wrapped
    assert all(text_px(line, phone.layout.legend.font.size) <= room for line in wrapped.split("<br>"))


def test_wrap_breaks_at_spaces_and_between_chinese_characters():
    assert wrap("short", 13, 200) == "short"
    lines = wrap("training ε (size of the adversarial examples trained on)", 13, 150).split("<br>")
    assert len(lines) > 1 and all(text_px(line, 13) <= 150 for line in lines)
    text = "训练时的 ε（用来训练的对抗样本的大小）"
    zh = wrap(text, 13, 120)
    assert "<br>" in zh and zh.replace("<br>", "").replace(" ", "") == text.replace(" ", "")
    assert all(text_px(line, 13) <= 120 for line in zh.split("<br>"))
    assert wrap("<b>#10: 9 → 3 and more words here</b>", 12, 60).startswith("<b>")


def test_a_colour_bar_under_the_plot_sits_between_the_axis_and_the_legend():
    from advlab.projections import DecisionSlice

    a = b = np.linspace(-0.6, 0.6, 21)
    aa, bb = np.meshgrid(a, b)
    p1 = 1 / (1 + np.exp(-8 * (aa - 0.2)))
    sl = DecisionSlice(a=a, b=b, proba=np.stack([1 - p1, p1], -1), u=np.array([1.0, 0.0]), v=np.array([0.0, 1.0]),
                       origin=np.zeros(2), linf=np.maximum(abs(aa), abs(bb)))
    laptop = lab.slice_map(sl, np.array([0.3, 0.0]), y_true=0, eps=0.3)
    phone = for_phone(laptop)
    # the boundary and the ball are contour lines, listed in the legend with the two points
    assert phone.layout.legend.orientation == "v" and phone.layout.legend.yref == "container"
    bar = phone.data[0].colorbar
    plot_h = phone.layout.height - phone.layout.margin.t - phone.layout.margin.b
    below_axis_px = -bar.y * plot_h
    legend_top_px = phone.layout.legend.y * phone.layout.height  # from the chart's bottom edge
    assert 50 <= below_axis_px <= 80  # under the x axis's labels and title
    assert phone.layout.margin.b - below_axis_px >= legend_top_px + 40  # the bar's height above the legend
