"""The attack map draws the chosen point's budget around it: the square of side 2ε for
L∞, the circle of radius ε for L2 (as a trace, so a move of ε only moves traces)."""

from __future__ import annotations

import numpy as np
import pytest

from advlab.figures import playground as pg


class _Result:
    def __init__(self, rng, n: int):
        self.x = rng.uniform(-2, 2, (n, 2))
        self.x_adv = self.x + rng.normal(scale=0.2, size=(n, 2))
        self.y = rng.integers(0, 2, n)
        self.pred_adv = rng.integers(0, 2, n)
        self.path = None
        self.l2 = np.linalg.norm(self.x_adv - self.x, axis=1)


@pytest.mark.parametrize(("norm", "eps"), [("linf", 0.3), ("l2", 0.5), ("l2", None)])
def test_the_budget_outline_surrounds_the_chosen_point(norm, eps):
    rng = np.random.default_rng(1)
    res = _Result(rng, 20)
    xs = ys = np.linspace(-3, 3, 30)
    proba = rng.dirichlet(np.ones(2), (30, 30))
    fig = pg.attack_map(xs, ys, proba, res, 4, eps=eps, norm=norm)
    balls = [t for t in fig.data if t.name == "ε"]
    assert len(balls) == 1 and balls[0].mode == "lines" and balls[0].line.dash == "dash"
    assert not fig.layout.shapes, "the budget is a trace, not a layout shape"
    bx, by = np.asarray(balls[0].x) - res.x[4, 0], np.asarray(balls[0].y) - res.x[4, 1]
    r = eps if eps is not None else res.l2[4]  # without an ε: the L2 ball through the point found
    if norm == "linf":
        assert np.allclose(np.maximum(abs(bx), abs(by)), r), "every edge point is ε away in L∞"
        assert {(np.sign(a), np.sign(b)) for a, b in zip(bx, by)} == {(-1, -1), (1, -1), (1, 1), (-1, 1)}
    else:
        assert np.allclose(np.hypot(bx, by), r), "every outline point is ε away in L2"
    assert (bx[0], by[0]) == pytest.approx((bx[-1], by[-1])), "the outline is closed"
    # the same ball whatever ε is drawn by the same kind of trace: only its points differ
    other = pg.attack_map(xs, ys, proba, res, 4, eps=0.1, norm=norm)
    assert [t.type for t in other.data] == [t.type for t in fig.data]
