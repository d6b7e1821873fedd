"""Drawn points: clicks snap to the canvas grid, a link carries up to a few
hundred points compactly and back exactly, and a broken or oversized link is
refused with a message (the page falls back to the example with a note)."""

from __future__ import annotations

import numpy as np
import pytest

from advlab import drawn
from advlab.tabular import TableError


def test_a_drawing_round_trips_through_its_link_text():
    rng = np.random.default_rng(1)
    pts = [(int(a), int(b), int(k)) for a, b, k in zip(rng.integers(0, 121, 300), rng.integers(0, 121, 300),
                                                     rng.integers(0, 5, 300))]
    text = drawn.encode(pts)
    assert drawn.decode(text) == pts
    assert len(text) == 1 + 4 * 300  # four characters a point
    assert all(c.isalnum() or c in "-_" for c in text)  # nothing a URL must escape
    assert drawn.decode("") == [] and drawn.encode([]) == "1"


def test_clicks_add_snap_replace_and_remove():
    pts = drawn.add([], 0.512, -1.02, 1)
    x, y = drawn.coords(pts)
    np.testing.assert_allclose(x, [[0.5, -1.0]], atol=1e-6)
    assert y.tolist() == [1]
    pts = drawn.add(pts, 0.49, -0.99, 0)  # the same cell: the point takes the new class
    assert len(pts) == 1 and pts[0][2] == 0
    pts = drawn.add(pts, 9.0, -9.0, 2)  # outside the canvas: clamped onto its edge
    assert drawn.coords(pts)[0][-1].tolist() == [3.0, -3.0]
    assert drawn.remove(pts, 0) == pts[1:] and drawn.remove(pts, 7) == pts
    with pytest.raises(ValueError, match="k must be a class in \\[0, 4\\]"):
        drawn.add(pts, 0, 0, 5)


def test_a_drawing_is_capped():
    pts = [(i % 121, i // 121, 0) for i in range(drawn.MAX_POINTS)]
    with pytest.raises(TableError, match="At most 400 points"):
        drawn.add(pts, 2.9, 2.9, 1)


@pytest.mark.parametrize("text", ["2AAAA", "1AAA", "1!!!!", "1////", "1" + "_" * 8, "1中文中文"])
def test_a_broken_link_is_refused_with_a_message(text):
    with pytest.raises(TableError) as e:
        drawn.decode(text)
    assert e.value.key == "own_err_link" and "example drawing" in str(e.value)


def test_an_oversized_link_is_refused_with_its_size():
    text = "1" + "AAAA" * 500
    with pytest.raises(TableError) as e:
        drawn.decode(text)
    assert e.value.key == "own_err_link_size" and "500 drawn points" in str(e.value) and "at most 400" in str(e.value)


def test_the_dataset_trains_and_attacks_every_drawn_point_where_it_was_drawn():
    ds = drawn.DrawnConfig(drawn.encode(drawn.EXAMPLE)).load()
    assert ds.n_features == 2 and ds.n_classes == 2 and len(ds.x_train) == len(drawn.EXAMPLE)
    np.testing.assert_array_equal(ds.x_train, ds.x_test)
    x, _ = drawn.coords(drawn.EXAMPLE)
    np.testing.assert_array_equal(ds.x_train, x)  # not standardized: a point stays where it was clicked
    assert drawn.ready(drawn.EXAMPLE) and not drawn.ready([(1, 1, 0), (2, 2, 0)])
    three = drawn.dataset([(1, 1, 0), (5, 5, 2)])
    assert three.n_classes == 3


def test_a_burst_of_edits_settles_after_a_quiet_spell():
    assert drawn.settled(None, 5.0)
    assert not drawn.settled(10.0, 10.3)
    assert drawn.settled(10.0, 10.0 + drawn.QUIET_SECONDS)


def test_equal_drawings_are_one_cache_key():
    a = drawn.DrawnConfig(drawn.encode(drawn.EXAMPLE))
    b = drawn.DrawnConfig(drawn.encode(list(drawn.EXAMPLE)))
    assert a == b and hash(a) == hash(b) and a.canonical() is a
    assert a != drawn.DrawnConfig(drawn.encode(drawn.EXAMPLE[:-1]))
