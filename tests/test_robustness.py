"""Robustness curves, minimal perturbations and the shapes worth explaining."""

from __future__ import annotations

import numpy as np
import pytest

from advlab import evaluation, models, robustness
from advlab.attacks import predict
from advlab.evaluation import CurveSet
from advlab.figures import robustness as rfig
from advlab.robustness import Shape

EPS = evaluation.eps_grid(eps_max=1.0, n=8)


@pytest.fixture(scope="module")
def blog_curves(blog_case):
    return evaluation.robustness_curves(blog_case.model, blog_case.x, blog_case.y, eps_values=EPS)


@pytest.fixture(scope="module")
def blog_distances(blog_case):
    x, y = blog_case.x[:120], blog_case.y[:120]
    return {m: evaluation.minimal_perturbations(blog_case.model, x, y, method=m) for m in ("deepfool", "cw")}


# ---------------------------------------------------------------- curves ---

def test_every_curve_starts_at_the_clean_accuracy(blog_case, blog_curves):
    clean = blog_case.accuracy()
    assert blog_curves.clean_accuracy == pytest.approx(clean)
    for a in evaluation.CURVE_ATTACKS:
        assert blog_curves.curve(a)[0] == pytest.approx(clean)
        assert blog_curves.curve(a, "success")[0] == 0.0
    # the one-attack accuracy curve agrees at epsilon = 0
    acc = evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack="pgd", eps_values=[0.0, 0.5])
    assert acc[0] == pytest.approx(clean)


def test_pgd_and_fgsm_never_beat_random_noise_and_leave_it_far_behind(blog_curves):
    noise = blog_curves.curve("noise")
    for a in ("pgd", "fgsm"):
        assert np.all(blog_curves.curve(a) <= noise + 1e-12), a
    # the point of the page: at eps = 1 noise barely hurts while PGD wrecks the model
    assert noise[-1] > 0.8
    assert blog_curves.curve("pgd")[-1] < 0.1


def test_accuracy_falls_as_the_budget_grows_for_pgd(blog_curves):
    pgd = blog_curves.curve("pgd")
    assert pgd[-1] < pgd[len(pgd) // 2] < pgd[0]
    succ = blog_curves.curve("pgd", "success")
    assert succ[-1] > 0.9


def test_curves_agree_with_the_one_attack_accuracy_curve(blog_case, blog_curves):
    for a in ("fgsm", "pgd"):
        ref = evaluation.accuracy_curve(blog_case.model, blog_case.x, blog_case.y, attack=a, eps_values=EPS)
        np.testing.assert_allclose(blog_curves.curve(a), ref)


def test_progress_is_reported_after_every_cell(binary_case):
    seen = []
    evaluation.robustness_curves(binary_case.model, binary_case.x, binary_case.y, attacks=("noise", "fgsm"),
                                 eps_values=[0.0, 0.2, 0.4], on_step=lambda *a: seen.append(a))
    assert [s[0] for s in seen] == list(range(1, 7))
    assert all(s[1] == 6 for s in seen)
    assert [s[2] for s in seen] == ["noise"] * 3 + ["fgsm"] * 3


def test_attack_parameters_reach_the_attack(blog_case):
    x, y = blog_case.x[:60], blog_case.y[:60]
    one = evaluation.attack_cell(blog_case.model, x, y, attack="bim", eps=0.4, params={"steps": 1})
    many = evaluation.attack_cell(blog_case.model, x, y, attack="bim", eps=0.4, params={"steps": 20})
    assert many.accuracy <= one.accuracy
    assert many.l2 != one.l2


def test_rows_hold_one_line_per_attack_and_epsilon(blog_curves):
    rows = blog_curves.rows()
    assert len(rows) == len(evaluation.CURVE_ATTACKS) * len(EPS)
    assert {"eps", "attack", "accuracy", "success_rate"} <= set(rows[0])
    assert rows[0]["eps"] == 0.0


def test_a_saturated_network_leaves_points_unmoved_for_gradient_attacks(binary_case):
    # weights scaled up: logits so large that the loss gradient is exactly 0 in float32
    m = binary_case.model
    spec = models.MLPSpec(2, tuple(w.shape[1] for w in m.get_weights()[0:-2:2]), "relu", 1)
    big = models.to_keras(spec, [w * 40 for w in m.get_weights()])
    fgsm = evaluation.attack_cell(big, binary_case.x, binary_case.y, attack="fgsm", eps=0.3)
    noise = evaluation.attack_cell(big, binary_case.x, binary_case.y, attack="noise", eps=0.3)
    assert fgsm.unmoved > 0.3
    assert noise.unmoved == 0.0


def test_iterative_attacks_that_stop_early_spend_less_than_the_budget(blog_case):
    c = evaluation.attack_cell(blog_case.model, blog_case.x, blog_case.y, attack="bim", eps=1.0)
    f = evaluation.attack_cell(blog_case.model, blog_case.x, blog_case.y, attack="fgsm", eps=1.0)
    assert c.under > 0.3
    assert f.under == 0.0  # one full step: every moved point uses the whole budget
    assert f.linf == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, name", [
    (dict(eps_values=[0.1, 0.2]), "eps_values"),
    (dict(eps_values=[0.0, 0.3, 0.2]), "eps_values"),
    (dict(eps_values=[0.0]), "eps_values"),
    (dict(eps_values=EPS, attacks=()), "attacks"),
    (dict(eps_values=EPS, attacks=("deepfool",)), "attacks"),
    (dict(eps_values=EPS, attacks=("pgd", "pgd")), "attacks"),
    (dict(eps_values=EPS, attacks=("pgd",), params={"pgd": {"stepz": 3}}), "stepz"),
    (dict(eps_values=EPS, norm="l1"), "norm"),
])
def test_bad_arguments_name_the_parameter(binary_case, kwargs, name):
    with pytest.raises(ValueError, match=name):
        evaluation.robustness_curves(binary_case.model, binary_case.x, binary_case.y, **kwargs)


def test_eps_grid_and_suggested_ranges():
    g = evaluation.eps_grid(eps_max=0.3)
    assert len(g) == 20 and g[0] == 0 and g[-1] == pytest.approx(0.3)
    assert robustness.suggested_eps_max(dataset="digits") == pytest.approx(0.3)
    assert robustness.suggested_eps_max(dataset="blog") == pytest.approx(1.0)
    assert robustness.suggested_eps_max(dataset="moons") == pytest.approx(1.0)
    for ds in ("moons", "blog", "digits"):
        for norm in ("linf", "l2"):
            assert robustness.suggested_eps_max(dataset=ds, norm=norm) <= robustness.eps_limit(dataset=ds, norm=norm)
    assert robustness.eps_limit(dataset="digits", norm="linf") == 1.0
    with pytest.raises(ValueError, match="eps_max"):
        evaluation.eps_grid(eps_max=0)
    with pytest.raises(ValueError, match="n must"):
        evaluation.eps_grid(eps_max=1, n=1)
    with pytest.raises(ValueError, match="norm"):
        robustness.suggested_eps_max(dataset="blog", norm="l3")


def test_hidden_layers_halve_like_the_blog_network():
    assert robustness.hidden_layers(width=64, layers=2) == (64, 32)
    assert robustness.hidden_layers(width=8, layers=4) == (8, 4, 2, 2)
    with pytest.raises(ValueError, match="layers"):
        robustness.hidden_layers(width=64, layers=5)


# ------------------------------------------------ minimal perturbations ---

def test_flip_fraction_climbs_from_zero_to_at_most_one(blog_distances):
    for d in blog_distances.values():
        finite = d[np.isfinite(d)]
        grid = np.linspace(0, finite.max() * 1.2, 50)
        f = evaluation.flip_fraction(d, grid)
        assert f[0] == 0.0
        assert np.all(np.diff(f) >= 0)
        assert f[-1] <= 1.0
        assert f[-1] == pytest.approx(finite.size / d.size)


def test_flip_fraction_stays_below_one_when_some_points_never_flip():
    f = evaluation.flip_fraction(np.array([0.5, 1.0, np.inf, np.inf]), [0.0, 0.7, 2.0, 1e9])
    np.testing.assert_allclose(f, [0.0, 0.25, 0.5, 0.5])


def test_cw_finds_smaller_perturbations_than_deepfool(blog_distances):
    df, cw = blog_distances["deepfool"], blog_distances["cw"]
    assert np.median(cw[np.isfinite(cw)]) <= np.median(df[np.isfinite(df)])


def test_minimal_distances_keep_one_value_per_point(blog_case, blog_distances):
    x, y = blog_case.x[:120], blog_case.y[:120]
    d = evaluation.minimal_distances(blog_case.model, x, y, method="deepfool")
    assert d.shape == (120,)
    # nan exactly where the model is already wrong; the rest as minimal_perturbations reports them
    np.testing.assert_array_equal(np.isnan(d), predict(blog_case.model, x) != y)
    np.testing.assert_allclose(d[~np.isnan(d)], blog_distances["deepfool"])
    with pytest.raises(ValueError, match="method"):
        evaluation.minimal_distances(blog_case.model, x, y, method="pgd")


def test_minimal_distances_on_digits_stay_inside_the_pixel_box(digits_case):
    x, y = digits_case.x[:40], digits_case.y[:40]
    d = evaluation.minimal_distances(digits_case.model, x, y, method="deepfool", clip=(0.0, 1.0))
    ok = np.isfinite(d)
    assert ok.sum() >= 30
    assert np.all(d[ok] > 0)


# --------------------------------------------------------------- shapes ---

def _curves(eps, **acc) -> CurveSet:
    a = tuple(acc)
    arr = np.array([acc[k] for k in a], np.float64)
    z = np.zeros_like(arr)
    return CurveSet(eps=np.asarray(eps, np.float64), attacks=a, accuracy=arr, success=z, linf=z, l2=z, l0=z,
                    n_points=200)


E5 = [0.0, 0.25, 0.5, 0.75, 1.0]


def test_fgsm_rising_again_is_found_and_only_then():
    c = _curves(E5, noise=[0.9, 0.9, 0.88, 0.87, 0.85], fgsm=[0.9, 0.5, 0.3, 0.35, 0.45],
                pgd=[0.9, 0.45, 0.2, 0.1, 0.05])
    kinds = [(s.kind, s.attack) for s in robustness.find_shapes(c)]
    assert ("rebound", "fgsm") in kinds
    s = next(s for s in robustness.find_shapes(c) if s.kind == "rebound")
    assert (s.eps_from, s.value_from, s.eps, s.value) == (0.5, 0.3, 1.0, 0.45)
    monotone = _curves(E5, noise=[0.9, 0.9, 0.88, 0.87, 0.85], fgsm=[0.9, 0.5, 0.3, 0.29, 0.28])
    assert not [s for s in robustness.find_shapes(monotone) if s.kind == "rebound"]
    # a wobble of one test point is not a shape
    wobble = _curves(E5, fgsm=[0.9, 0.5, 0.3, 0.305, 0.3])
    assert not robustness.find_shapes(wobble)


def test_reaching_zero_is_found_at_the_first_epsilon():
    c = _curves(E5, pgd=[0.9, 0.4, 0.0, 0.0, 0.0], bim=[0.9, 0.5, 0.1, 0.0, 0.0])
    zero = [s for s in robustness.find_shapes(c) if s.kind == "zero"]
    assert len(zero) == 1 and zero[0].attack == "pgd" and zero[0].eps == 0.5
    late = _curves(E5, pgd=[0.9, 0.6, 0.4, 0.2, 0.0])
    assert not [s for s in robustness.find_shapes(late) if s.kind == "zero"]


def test_flat_noise_is_named_only_when_it_barely_moves():
    flat = _curves(E5, noise=[0.95, 0.95, 0.94, 0.92, 0.9], pgd=[0.95, 0.5, 0.2, 0.05, 0.01])
    assert [s for s in robustness.find_shapes(flat) if s.kind == "noise_flat"]
    moving = _curves(E5, noise=[0.95, 0.9, 0.85, 0.8, 0.75], pgd=[0.95, 0.5, 0.2, 0.05, 0.01])
    assert not [s for s in robustness.find_shapes(moving) if s.kind == "noise_flat"]


def test_an_iterative_attack_above_a_simpler_one_is_named_once():
    c = _curves(E5, fgsm=[0.9, 0.5, 0.3, 0.2, 0.15], bim=[0.9, 0.45, 0.2, 0.05, 0.0],
                pgd=[0.9, 0.5, 0.35, 0.25, 0.2], mim=[0.9, 0.45, 0.25, 0.12, 0.05])
    weaker = [s for s in robustness.find_shapes(c) if s.kind == "weaker"]
    assert len(weaker) == 1
    assert (weaker[0].attack, weaker[0].other) == ("pgd", "bim")


def test_the_blog_model_shows_flat_noise(blog_curves):
    kinds = {s.kind for s in robustness.find_shapes(blog_curves)}
    assert "noise_flat" in kinds
    assert isinstance(robustness.find_shapes(blog_curves)[0], Shape)


# -------------------------------------------------------------- figures ---

def test_curve_figure_shades_the_noise_to_pgd_gap(blog_curves):
    curves = {a: blog_curves.curve(a) for a in blog_curves.attacks}
    fig = rfig.robustness_curves(blog_curves.eps, curves, clean=0.95, chance=0.5, mark_eps=0.3)
    fills = [tr for tr in fig.data if tr.fill == "toself"]
    lines = [tr for tr in fig.data if tr.mode == "lines+markers"]
    assert len(fills) == 1 and len(lines) == len(curves)
    no_band = rfig.robustness_curves(blog_curves.eps, {"fgsm": curves["fgsm"], "pgd": curves["pgd"]})
    assert not [tr for tr in no_band.data if tr.fill == "toself"]
    zh = rfig.robustness_curves(blog_curves.eps, curves, lang="zh")
    assert zh.layout.yaxis.title.text != fig.layout.yaxis.title.text
    with pytest.raises(ValueError, match="metric"):
        rfig.robustness_curves(blog_curves.eps, curves, metric="loss")


def test_distance_figures_leave_out_failures_and_end_at_the_fooled_share():
    d = {"deepfool": np.array([0.2, 0.4, 0.6, np.inf]), "cw": np.array([0.1, 0.3, 0.5, 0.7])}
    h = rfig.distance_histogram(d)
    assert len(h.data[0].x) == 3 and len(h.data[1].x) == 4
    f = rfig.flip_curve(d)
    assert f.data[0].y[-1] == pytest.approx(0.75)
    assert f.data[1].y[-1] == pytest.approx(1.0)
    assert f.data[0].y[0] == 0.0


def test_a_far_outlier_does_not_squeeze_the_histogram():
    rng = np.random.default_rng(0)
    d = {"deepfool": np.r_[rng.uniform(0.1, 1.0, 100), 12.0], "cw": rng.uniform(0.1, 0.9, 101)}
    h = rfig.distance_histogram(d)
    assert h.layout.xaxis.range[1] < 2.0
    assert max(h.data[0].x) < h.layout.xaxis.range[1]  # the outlier sits in the last bar
    assert any("beyond" in a.text for a in h.layout.annotations)
    f = rfig.flip_curve(d)
    assert f.layout.xaxis.range[1] < 2.0


# ------------------------------------------------------- the table's ε ---

def test_the_table_sweeps_the_sliders_values_around_its_eps():
    assert robustness.table_step(0.3) == 0.005 and robustness.table_step(1.0) == 0.01
    block = robustness.table_block(0.3, eps_max=1.0, n_points=200)
    assert block[0] == 0.0 and 0.3 in block and block[1] == 0.01 and len(block) == 61  # 200 x 61 points at once
    assert robustness.table_block(0.77, eps_max=1.0, n_points=200) == tuple(round(0.61 + 0.01 * i, 6)
                                                                            for i in range(40))
    # between two steps (a link's 0.225 on a 0.01 slider): the slider's values through it
    odd = robustness.table_block(0.225, eps_max=0.75, n_points=200)
    assert 0.225 in odd and 0.235 in odd and odd[0] == 0.005


def test_the_tables_cells_read_off_sweeps_are_the_cells_run_one_at_a_time(multi_case):
    c = multi_case
    x, y = c.x[:60], c.y[:60]
    values = {"pgd_steps": 20, "pgd_restarts": 1, "bim_steps": 10, "mim_steps": 10, "mim_decay": 1.0,
              "square_queries": 50, "square_p_init": 0.3}
    attacks = ("noise", "fgsm", "bim", "pgd", "mim", "square")
    for norm, eps in (("linf", 0.4), ("l2", 0.35)):
        cfgs = robustness.cell_configs(values, attacks, eps_values=[eps], norm=norm)
        items, others, text = robustness.table_items(c.model, ("m", 60), x, y, cfgs, eps=eps, eps_max=1.0,
                                                     clip=c.clip, seed=4, tr=lambda k, **kw: f"{k} {kw}")
        assert [o.attack for o in others] == ["square"] and len(items) == 5
        assert "pgd" in text(1, 5, 3) and "'lo': '0'" in text(1, 5, 3)
        run_one = [evaluation.attack_cell(c.model, x, y, attack=o.attack, eps=eps, norm=norm, clip=c.clip, seed=4,
                                          params=dict(o.params)) for o in others]
        cells = robustness.table_cells(cfgs, eps, [compute() for _, compute in items], run_one)
        assert [cell.attack for cell in cells] == list(attacks)
        for cfg, cell in zip(cfgs, cells, strict=True):
            want = evaluation.attack_cell(c.model, x, y, attack=cfg.attack, eps=eps, norm=norm, clip=c.clip, seed=4,
                                          params=dict(cfg.params))
            assert cell.accuracy == want.accuracy and cell.success_rate == want.success_rate, cfg.attack
            assert (cell.linf, cell.l2, cell.unmoved, cell.under) == pytest.approx(
                (want.linf, want.l2, want.unmoved, want.under), abs=1e-6)
