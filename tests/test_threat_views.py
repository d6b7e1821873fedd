"""What the pages read from the threat-model attacks: a decision-based attack's
curve along the budgets, success against the questions asked, and the figures
of generated, universal and sparse perturbations."""

from __future__ import annotations

import numpy as np
import pytest

from advlab import evaluation, robustness
from advlab.attacks import run_attack
from advlab.figures import lab, threats


@pytest.fixture(scope="module")
def runs(blog_case):
    x, y = blog_case.x[:60], blog_case.y[:60]
    return {"square": run_attack("square", blog_case.model, x, y, eps=0.3, norm="linf", queries=100),
            "pgd": run_attack("pgd", blog_case.model, x, y, eps=0.3, norm="linf", steps=10),
            "hopskipjump": run_attack("hopskipjump", blog_case.model, x, y, queries=150)}


def test_a_decision_based_attack_becomes_cells_along_the_budgets(runs):
    hsj = runs["hopskipjump"]
    eps = evaluation.eps_grid(eps_max=3.0, n=7)
    cells = robustness.within_cells(hsj, eps, norm="l2")
    assert [c.eps for c in cells] == pytest.approx(list(eps))
    assert [c.accuracy for c in cells] == pytest.approx(list(evaluation.accuracy_within(hsj, eps, norm="l2")))
    assert cells[0].accuracy == pytest.approx(hsj.clean_accuracy) and cells[0].success_rate == 0
    kept = np.array([c.success_rate for c in cells])
    assert np.all(np.diff(kept) >= 0) and kept[-1] > 0.9, "a larger budget keeps more of what it found"
    # the curves' shapes are explained for gradient attacks only
    curves = robustness.curve_set(cells, eps_values=eps, norm="l2", n_points=60)
    assert robustness.find_shapes(curves) == []


def test_success_against_questions_in_the_norm_of_each_trace(runs):
    qc = robustness.query_curves(runs, eps=0.3, norm="linf", minimal=[np.nan, np.inf, 1.0, 2.0, 3.0])
    assert set(qc.success) == {"square"}, "HopSkipJump's L2 sizes say nothing about an L-inf budget"
    q, ok = qc.success["square"]
    assert q[0] >= 1 and q[-1] <= 100 and np.all(np.diff(q) >= 0) and 0 <= ok.min() <= ok.max() <= 1
    assert ok[-1] == pytest.approx(runs["square"].success_rate)
    assert set(qc.reference) == {"pgd"} and qc.reference["pgd"][0] == pytest.approx(21)
    dq, dist = qc.distance
    assert len(dq) == len(dist)
    assert dist[-1] < dist[0]
    assert qc.minimal == 2.0  # the median of the finite sizes
    in_l2 = robustness.query_curves(runs, eps=1.0, norm="l2")
    assert set(in_l2.success) == {"hopskipjump"} and in_l2.minimal is None


def test_black_box_configs_read_the_page_values():
    values = {"square_queries": 300, "square_p_init": 0.3, "pgd_steps": 40, "pgd_restarts": 1,
              "hopskipjump_queries": 200}
    cfgs = robustness.black_box_configs(values, eps=0.3, norm="linf")
    assert [(c.attack, c.eps, c.norm) for c in cfgs] == [("square", 0.3, "linf"), ("pgd", 0.3, "linf"),
                                                          ("hopskipjump", None, "l2")]
    assert dict(cfgs[2].params) == {"queries": 200}


def test_figures_of_generated_universal_and_sparse_perturbations():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (4, 64))
    x_adv = np.clip(x + rng.uniform(-0.3, 0.3, x.shape), 0, 1)
    rows = [("AdvGAN", x_adv, np.array([1, 2, 3, 4])), ("PGD-40", x, np.array([0, 1, 2, 3]))]
    fig = threats.perturbation_rows(x, rows, indices=np.arange(4), y=np.arange(4), eps=0.3)
    assert len(fig.data) == 12 and all(abs(tr.zmid) < 1e-12 for tr in fig.data[4:])
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>AdvGAN δ</b>" in texts and texts.count("<b>→ 1</b>") == 1  # fooled: bold
    uni = threats.universal_panel(rng.uniform(-0.3, 0.3, 64), x_adv, y=np.arange(4), pred_adv=np.arange(4), eps=0.3)
    assert len(uni.data) == 5 and uni.data[-1].zmin == -0.3
    sparse = x.copy()
    sparse[0, [3, 10]] = 1.0
    sparse[2, 63] = 0.0
    gallery = lab.digit_gallery(sparse[:3], indices=np.arange(3), y=np.zeros(3), pred_adv=np.ones(3),
                                conf_adv=np.ones(3), marked=threats.changed_pixels(x[:3], sparse[:3]))
    frames = [s for s in gallery.layout.shapes if s.name == "pixel"]
    assert len(frames) == int(threats.changed_pixels(x[:3], sparse[:3]).sum()) == 3
    # pixel 63 of the third image (row 7, column 7) is framed on that image
    r0, c0 = gallery.layout.meta["tiles"][2]
    assert (frames[2].x0 + 0.42, frames[2].y0 + 0.42) == (c0 + 7, r0 + 7)
    assert lab.gallery_images(gallery)[2][7, 7] == 0.0
