"""Figures drawn again on every ε move skip Plotly's validation to stay cheap.
Plotly, checking each of them, must accept every property and produce the
same figure: nothing a learner sees changes."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from advlab.figures import lab
from advlab.projections import DecisionSlice, PCAProjection


def same_as_checked(fig: go.Figure) -> None:
    checked = go.Figure(fig.to_dict())  # raises on any property Plotly does not know
    assert json.loads(fig.to_json()) == json.loads(checked.to_json())
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
