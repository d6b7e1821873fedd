"""The decision maps' boundary line, computed on the server (advlab.contours)."""

from __future__ import annotations

import numpy as np
import pytest

from advlab.contours import level_lines
from advlab.figures import decision_map
from advlab.figures.playground import boundary_lines


def _points(lx, ly) -> np.ndarray:
    return np.array([(a, b) for a, b in zip(lx, ly, strict=True) if a is not None])


def _grid(n: int = 81, lim: float = 2.0):
    xs = np.linspace(-lim, lim, n)
    ys = np.linspace(-lim, lim, n + 10)  # not square: rows and columns are not mixed up
    return xs, ys, *np.meshgrid(xs, ys)


def test_a_circle_is_one_closed_line_on_the_circle():
    xs, ys, x, y = _grid()
    lx, ly = level_lines(xs, ys, x**2 + y**2 - 1.0, 0.0)
    assert None not in lx  # one line
    assert (lx[0], ly[0]) == (lx[-1], ly[-1])  # closed
    p = _points(lx, ly)
    assert np.abs(np.hypot(p[:, 0], p[:, 1]) - 1).max() < 2e-3
    # it goes all the way round
    angles = np.sort(np.arctan2(p[:, 1], p[:, 0]))
    assert np.diff(angles).max() < 0.2


def test_a_line_across_the_grid_ends_at_its_edges():
    xs, ys, x, y = _grid()
    lx, ly = level_lines(xs, ys, y - 0.3 * x - 0.1, 0.0)
    p = _points(lx, ly)
    assert None not in lx
    assert np.abs(p[:, 1] - (0.3 * p[:, 0] + 0.1)).max() < 1e-3
    assert {round(p[0, 0], 6), round(p[-1, 0], 6)} == {-2.0, 2.0}  # from one side of the grid to the other


def test_two_circles_are_two_lines_and_no_crossing_is_no_line():
    xs, ys, x, y = _grid()
    z = np.minimum((x + 1) ** 2 + y**2, (x - 1) ** 2 + y**2) - 0.25
    lx, _ = level_lines(xs, ys, z, 0.0)
    assert lx.count(None) == 1
    assert level_lines(xs, ys, x**2 + y**2 + 1.0, 0.0) == ([], [])


def test_a_grid_of_the_wrong_shape_is_refused():
    xs, ys, x, _ = _grid()
    with pytest.raises(ValueError, match=r"z must be \(len\(ys\), len\(xs\)\)"):
        level_lines(xs, ys, x.T, 0.0)
    with pytest.raises(ValueError, match="finite"):
        level_lines(xs, ys, np.where(x > 0, np.nan, x), 0.0)


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_the_map_draws_its_boundary_where_the_prediction_changes():
    xs, ys, x, y = _grid()
    # three classes around the origin: each point of the line has two classes tied for first
    centres = np.array([[1.0, 0.0], [-0.5, 0.9], [-0.5, -0.9]])

    def proba_at(x, y):
        return _softmax(-3 * ((x[..., None] - centres[:, 0]) ** 2 + (y[..., None] - centres[:, 1]) ** 2))

    proba = proba_at(x, y)
    fig = decision_map(xs, ys, proba)
    assert not any(tr.type == "contour" for tr in fig.data)  # nothing for the browser to compute
    line = next(tr for tr in fig.data if tr.name == "decision boundary")
    assert line.type == "scatter" and line.mode == "lines"
    p = _points(line.x, line.y)
    assert len(p) > 100
    # at each point of the line the two most likely classes are tied (to the grid's resolution)
    top2 = np.sort(proba_at(p[:, 0], p[:, 1]), -1)[:, -2:]
    assert np.abs(top2[:, 1] - top2[:, 0]).max() < 0.02
    # and every class region is bounded by it: the three rays meet near the origin
    assert np.hypot(p[:, 0], p[:, 1]).min() < 0.05


def test_two_classes_draw_the_half_probability_line_once_and_it_is_remembered():
    xs, ys, x, y = _grid()
    p1 = 1 / (1 + np.exp(-(x + y)))
    proba = np.stack([1 - p1, p1], -1)
    first = boundary_lines(xs, ys, proba)
    p = _points(*first)
    assert None not in first[0]
    assert np.abs(p[:, 0] + p[:, 1]).max() < 1e-3  # the line x + y = 0, where p1 = 0.5
    assert boundary_lines(xs, ys, proba.copy()) is first  # by content: computed once for every session


def _png_rows(uri: str) -> np.ndarray:
    import base64
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"), float)


def test_the_transfer_gallery_draws_its_map_the_way_up_of_its_boundary_and_points():
    """Each gallery panel's picture is stored as the decision maps' are (first row at the bottom
    of the axis, the way Plotly draws it): class 1 above the line y = 0.5 here, class 0 below."""
    from advlab.figures import defense as dfig
    from advlab.figures import playground as pfig
    from advlab.figures.common import class_color, hex_to_rgb

    xs, ys, _, y = _grid(41)
    p1 = 1 / (1 + np.exp(-6 * (y - 0.5)))
    proba = np.stack([1 - p1, p1], -1)
    fig = dfig.boundary_gallery([dict(xs=xs, ys=ys, proba=proba, fooled=np.zeros(2, bool), title="m")],
                                np.zeros((2, 2)), np.array([0, 1]))
    image, line = fig.data[0], fig.data[1]
    rows = _png_rows(image.source)
    assert rows.shape[:2] == (len(ys), len(xs))
    first, last = rows[0].mean(0), rows[-1].mean(0)  # the row drawn at ys[0] (bottom), at ys[-1] (top)
    c0, c1 = (np.array(hex_to_rgb(class_color(k)), float) for k in (0, 1))

    def nearer(rgb, a, b) -> bool:  # hue, not lightness: the colours are faded toward white
        return np.dot(rgb - 255, a - 255) / np.linalg.norm(a - 255) > np.dot(rgb - 255, b - 255) / np.linalg.norm(b - 255)

    assert nearer(first, c0, c1) and nearer(last, c1, c0)
    assert np.allclose(_points(line.x, line.y)[:, 1], 0.5, atol=1e-3)
    # the same rows, the same way up, as the attack maps' picture
    assert np.array_equal(rows, _png_rows(pfig.png_data_uri(dfig._blend(proba))))
    assert np.array_equal(_png_rows(pfig.decision_image(proba)) > 250, rows > 250)  # white where unsure, at the same rows
