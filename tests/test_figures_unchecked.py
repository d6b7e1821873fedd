"""Figures drawn again on every ε move skip Plotly's validation to stay cheap.
Plotly, checking each of them, must accept every property and produce the
same figure: nothing a learner sees changes."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from advlab.figures import lab
from advlab.figures.common import PlainFigure, figure_json
from advlab.projections import DecisionSlice, PCAProjection


def same_as_checked(fig: go.Figure) -> None:
    assert isinstance(fig, PlainFigure) and fig.plain is not None
    sent = json.loads(figure_json(fig))  # what the browser gets, written from the figure's dicts
    checked = go.Figure(fig.to_dict())  # raises on any property Plotly does not know
    assert fig.plain is None  # now a Figure: written from that from here on
    assert json.loads(fig.to_json()) == json.loads(checked.to_json()) == sent
    assert json.loads(figure_json(fig)) == sent
    assert fig.layout.template.layout.paper_bgcolor == "white"  # the app's template, expanded


def _slice(rng) -> DecisionSlice:
    a = b = np.linspace(-0.6, 0.6, 21)
    aa, bb = np.meshgrid(a, b)
    p1 = 1 / (1 + np.exp(-8 * (aa - 0.2)))
    return DecisionSlice(a=a, b=b, proba=np.stack([1 - p1, p1], -1), u=np.array([1.0, 0.0]),
                         v=np.array([0.0, 1.0]), origin=rng.normal(size=2), linf=np.maximum(abs(aa), abs(bb)))


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_seed_lab_figures_are_what_plotly_would_validate(presenter, lang):
    rng = np.random.default_rng(3)
    grid = np.linspace(0, 1, 21)
    for attack, norm, eps, now in (("fgsm", "linf", 0.25, 0.4), ("deepfool", "l2", None, None)):
        same_as_checked(lab.accuracy_vs_eps(grid, rng.random(21), baseline=rng.random(21), attack=attack, norm=norm,
                                            eps=eps, now=now, lang=lang, presenter=presenter))
    roles = ["informative"] * 5 + ["redundant"] * 3 + ["unknown"] * 2
    same_as_checked(lab.feature_bars(rng.normal(size=10) * 0.1, roles, grad=rng.normal(size=10), eps=0.1,
                                     lang=lang, presenter=presenter))
    for eps, norm in ((0.3, "linf"), (0.5, "l2"), (None, "linf")):
        same_as_checked(lab.slice_map(_slice(rng), np.array([0.3, 0.1]), y_true=0, eps=eps, norm=norm,
                                      from_gradient=eps is None, lang=lang, presenter=presenter))
    n = 40
    proj = PCAProjection(clean=rng.normal(size=(n, 2)), adv=rng.normal(size=(n, 2)),
                         explained=np.array([0.3, 0.2]), in_plane=0.4)
    same_as_checked(lab.pca_scatter(proj, rng.integers(0, 2, n), rng.integers(0, 2, n), chosen=3, lang=lang,
                                    presenter=presenter))
    same_as_checked(lab.class_bars(rng.dirichlet(np.ones(10)), rng.dirichlet(np.ones(10)), true=3, target=5,
                                   lang=lang, presenter=presenter))


class _Result:
    """The fields of an attack result the Playground's map reads."""

    def __init__(self, rng, n: int, steps: int | None):
        self.x = rng.normal(size=(n, 2)).astype(np.float32)
        self.x_adv = self.x + rng.normal(scale=0.2, size=(n, 2)).astype(np.float32)
        self.y, self.pred_adv = rng.integers(0, 3, n), rng.integers(0, 3, n)
        self.path = None if steps is None else np.stack([self.x + k * 0.01 for k in range(steps + 1)])
        self.l2 = np.linalg.norm(self.x_adv - self.x, axis=1)


@pytest.mark.parametrize("presenter", [False, True])
def test_playground_figures_are_what_plotly_would_validate(presenter):
    """The attack map is the decision map with the moves and one path added, as
    building it figure method by figure method (checked by Plotly) gave."""
    from advlab.figures import playground as pg

    rng = np.random.default_rng(5)
    xs = ys = np.linspace(-3, 3, 40, dtype=np.float32)
    for k, steps, eps, norm, upto in ((2, 10, 0.3, "linf", None), (3, None, None, "l2", None), (3, 10, 0.5, "l2", 4)):
        proba = rng.dirichlet(np.ones(k), (40, 40))
        res = _Result(rng, 30, steps)
        fast = pg.attack_map(xs, ys, proba, res, 2, eps=eps, norm=norm, upto=upto, lang="zh", presenter=presenter)
        same_as_checked(fast)
        slow = pg.decision_map(xs, ys, proba, lang="zh", presenter=presenter)
        pg.add_adversarial(slow, res.x, res.x_adv, res.y, res.pred_adv, lang="zh", presenter=presenter)
        path = res.path[:, 2, :] if steps else np.stack([res.x[2], res.x_adv[2]])
        e, n = (eps, norm) if eps is not None else (float(res.l2[2]), "l2")
        pg.add_path(slow, path, res.x[2], eps=e, norm=n, lang="zh", presenter=presenter, upto=upto)
        slow.update_layout(height=760 if presenter else 580, legend=pg.MAP_LEGEND)
        assert json.loads(fast.to_json()) == json.loads(slow.to_json())
    for eps in (0.2, None):
        same_as_checked(pg.perturbation_histogram(rng.random(50), rng.random(50) * 2, eps=eps, presenter=presenter))


@pytest.mark.parametrize("presenter", [False, True])
def test_robustness_figures_are_what_plotly_would_validate(presenter):
    from advlab.figures import robustness as rfig

    rng = np.random.default_rng(7)
    eps = np.linspace(0, 0.5, 11)
    curves = {a: np.sort(rng.random(11))[::-1] for a in ("noise", "fgsm", "pgd")}
    for metric, mark in (("accuracy", 0.3), ("success", None)):
        same_as_checked(rfig.robustness_curves(eps, curves, metric=metric, clean=0.95, chance=0.5, mark_eps=mark,
                                               lang="zh", presenter=presenter))
    d = {"deepfool": rng.random(60), "cw": np.where(rng.random(60) < 0.1, np.nan, rng.random(60))}
    for mark in (0.4, None):
        same_as_checked(rfig.distance_histogram(d, mark_eps=mark, presenter=presenter))
        same_as_checked(rfig.flip_curve(d, mark_eps=mark, presenter=presenter))


def test_a_gallery_map_remembered_is_the_map_drawn_and_follows_its_grid():
    """The gallery's maps are made once per grid: the same grid gives the same
    figure again, another grid (another model) its own map."""
    from advlab.figures import defense as dfig

    rng = np.random.default_rng(11)
    xs = np.linspace(-2, 2, 30)
    proba = rng.dirichlet(np.ones(3), (30, 30))
    x_adv, y = rng.normal(size=(20, 2)), rng.integers(0, 3, 20)

    def gallery(p):
        return dfig.boundary_gallery([dict(xs=xs, ys=xs, proba=p, fooled=rng.random(20) < 0.5, title="m")], x_adv, y)

    first = json.loads(gallery(proba).to_json())
    again = json.loads(gallery(proba.copy()).to_json())  # equal content, another array: remembered
    other = json.loads(gallery(proba[:, ::-1].copy()).to_json())
    assert first["data"][:2] == again["data"][:2]  # the image and the boundary lines
    assert first["data"][1]["mode"] == "lines" and len(first["data"][1]["x"]) > 30
    assert first["data"][0]["source"] != other["data"][0]["source"]
    assert first["data"][1]["x"] != other["data"][1]["x"]


def test_the_attack_maps_image_is_made_once_per_model_and_shows_its_probabilities():
    """An epsilon move draws the same decision map under new points: its image is
    blended once per content (same picture, same pixels), and a changed map
    (another model) gets its own image."""
    import base64
    import io

    from PIL import Image

    from advlab.figures import playground as pfig

    rng = np.random.default_rng(5)
    xs = np.linspace(-1, 1, 40)
    proba = rng.dirichlet(np.ones(3), (40, 40)).astype(np.float32)
    calls = []
    real = pfig._blend_image

    def counted(p):
        calls.append(1)
        return real(p)

    pfig._blend_image, before = counted, len(pfig._IMAGES)
    try:
        first = pfig.decision_map(xs, xs, proba).data[0].source
        again = pfig.decision_map(xs, xs, proba.copy()).data[0].source  # equal content, another array
        other = pfig.decision_map(xs, xs, proba[::-1].copy()).data[0].source
    finally:
        pfig._blend_image = real
    assert len(calls) == 2 and first == again and first != other
    assert len(pfig._IMAGES) <= min(before + 2, pfig.IMAGES_KEPT)
    png = Image.open(io.BytesIO(base64.b64decode(first.split(",", 1)[1])))
    assert np.array_equal(np.asarray(png.convert("RGB")), real(proba))


def test_a_figure_written_from_its_dicts_is_the_figure_plotly_writes():
    """What the live chart sends for a figure kept as dicts: arrays of every shape as base64
    (axis ranges as lists), line breaks (None inside lists) kept, a property set to None
    left out as Plotly leaves it out, tuples as lists, uids dropped, the template expanded."""
    from advlab.figures.common import unchecked_figure

    rng = np.random.default_rng(11)
    data = [
        {"type": "scatter", "x": rng.random(30), "y": rng.random(30).astype(np.float32), "uid": "a",
         "mode": "markers", "marker": {"color": np.arange(30), "size": (4, 5, 6) * 10},
         "customdata": [[i, "adv"] for i in range(30)], "name": None, "showlegend": True},
        {"type": "scatter", "x": [0.0, 1.0, None, 2.0, 3.0], "y": [1, 0, None, 0, 1], "line": {"dash": "dot"}},
        {"type": "heatmap", "z": rng.random((8, 5)), "x": np.linspace(0, 1, 5), "colorscale": [[0, "#fff"],
                                                                                                 [1, "#000"]],
         "hoverinfo": "skip", "showscale": False},
        {"type": "bar", "x": ["a", "b", "c"], "y": np.array([1, 2, 3], dtype=np.int64), "text": ["1", "2", "3"]},
    ]
    layout = {"template": "advlab", "title": None, "height": 420,
              "xaxis": {"range": np.array([-1.0, 2.0]), "title": {"text": "x₁"}},
              "shapes": [{"type": "circle", "x0": 0, "x1": 1, "y0": 0, "y1": 1, "line": {"color": "#000"}}],
              "annotations": [{"text": "ε = 0.3", "x": 0.5, "y": 1, "xref": "paper", "yref": "paper",
                               "showarrow": False}]}
    same_as_checked(unchecked_figure(data, layout))


def test_arrays_go_out_as_plotly_encodes_them():
    """Every kind of array a chart carries reaches the browser as Plotly would send it:
    64-bit integers narrowed to the smallest type that holds them (or left as numbers),
    slices and transposes in their shown order, 2-D shapes, empty and boolean arrays."""
    from _plotly_utils.utils import to_typed_array_spec

    from advlab.figures.common import _array_spec

    rng = np.random.default_rng(0)
    cases = [rng.random(10), rng.random((4, 3)).astype(np.float32), np.arange(10), np.arange(10) * 1000,
             np.arange(10) * 100_000, np.arange(3) * 2**40, np.arange(5, dtype=np.uint64) * 300,
             np.arange(5, dtype=np.uint64) * 2**40, -np.arange(300), rng.random((6, 6))[::2, ::3],
             rng.random(10).astype(np.float16), np.array([], dtype=float), np.array([True, False]),
             rng.integers(0, 5, (3, 4)).astype(np.int32), rng.random(8)[::-1], np.arange(6).reshape(2, 3).T]

    def text(v) -> str:
        return json.dumps(v, default=lambda o: o.tolist())

    for arr in cases:
        assert text(_array_spec(arr)) == text(to_typed_array_spec(arr)), (arr.dtype, arr.shape)


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_lab_figures_are_what_plotly_would_validate(lang, presenter):
    from advlab.figures import text

    rng = np.random.default_rng(2)
    words = ["the", "<b>film</b>", "was", "精彩", "and", "moving"] * 3
    same_as_checked(text.importance_sentence(words, rng.normal(size=len(words)), lang=lang, presenter=presenter))
    adv = [*words[:3], "dull", *words[4:]]
    same_as_checked(text.changed_sentence(words, adv, [3], lang=lang, presenter=presenter))
    same_as_checked(text.probabilities(np.array([0.2, 0.8]), np.array([0.7, 0.3]), lang=lang, presenter=presenter))
    for now in (None, 3):
        same_as_checked(text.success_curves(np.arange(7), {"greedy": rng.random(7), "random": rng.random(7)},
                                            now=now, lang=lang, presenter=presenter))


def test_a_shared_figure_is_made_once_when_many_sessions_use_it_at_once():
    """A chart shared by a class: eight threads read it at once, some as JSON, some through
    Plotly's API (which makes the Figure); every one sees the same figure, and it stays a
    go.Figure for code, pickling and copies."""
    import copy
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    from advlab.figures import playground as pg

    rng = np.random.default_rng(9)
    xs = ys = np.linspace(-2, 2, 30, dtype=np.float32)
    fig = pg.attack_map(xs, ys, rng.dirichlet(np.ones(2), (30, 30)), _Result(rng, 20, 5), 1, eps=0.3, norm="linf")
    sent = json.loads(figure_json(fig))
    assert isinstance(fig, go.Figure) and fig.plain is not None

    def use(k: int):
        return json.loads(fig.to_json()) if k % 2 else json.loads(figure_json(fig))

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(use, range(32)))
    assert all(s == sent for s in seen)
    assert fig.plain is None  # made once, by whichever thread asked first
    again = pickle.loads(pickle.dumps(fig))
    assert json.loads(again.to_json()) == sent == json.loads(copy.deepcopy(fig).to_json())
    fresh = pg.perturbation_histogram(rng.random(20), rng.random(20), eps=0.2)
    assert json.loads(pickle.loads(pickle.dumps(fresh)).to_json()) == json.loads(figure_json(fresh))


def test_arrows_point_from_each_clean_point_at_its_adversarial_one():
    from advlab.figures.playground import GAP, HEAD, arrows

    x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0], [0.0, 2.0]])
    x_adv = np.array([[0.5, 0.0], [1.0, 1.0], [2.0, -0.5], [0.0, 2.001]])  # the second did not move
    xs, ys = arrows(x, x_adv, span=4.0)
    pts = np.stack([xs, ys], 1).reshape(-1, 7, 2)
    assert len(pts) == 3, "no arrow for a point that did not move"
    for (clean, adv), p in zip(((x[0], x_adv[0]), (x[2], x_adv[2]), (x[3], x_adv[3])), pts):
        u = (adv - clean) / np.linalg.norm(adv - clean)
        np.testing.assert_allclose(p[0], clean)
        tip = p[1]
        np.testing.assert_allclose(p[4], tip)
        assert np.isnan(p[2]).all() and np.isnan(p[6]).all(), "pieces are separate"
        # the tip lies on the segment, short of the adversarial point (its marker), never behind the clean one
        along = np.dot(tip - clean, u)
        assert 0 < along < np.linalg.norm(adv - clean)
        assert abs((tip - clean)[0] * u[1] - (tip - clean)[1] * u[0]) < 1e-9
        assert np.linalg.norm(adv - tip) <= GAP * 4.0 + 1e-9
        # the barbs mirror each other about the shaft and point back towards the clean point
        b1, b2 = p[3] - tip, p[5] - tip
        assert np.dot(b1, u) < 0 and np.dot(b2, u) < 0
        np.testing.assert_allclose(np.dot(b1, u), np.dot(b2, u))
        assert np.linalg.norm(b1 + b2 - 2 * np.dot(b1, u) * u) < 1e-9
        assert np.dot(tip - clean, u) + np.dot(b1, u) >= -1e-9, "a short move's head stays within its segment"
    head = np.linalg.norm(pts[0][1] - (pts[0][3] + pts[0][5]) / 2)
    np.testing.assert_allclose(head, HEAD * 4.0)  # a long move gets the full head
    big = np.stack(arrows(x, x_adv, span=4.0, presenter=True), 1).reshape(-1, 7, 2)
    assert np.linalg.norm(big[0][1] - (big[0][3] + big[0][5]) / 2) > head, "larger on a projector"
