"""One attack over a slider's whole epsilon grid in one batched run: the same
numbers as one run per epsilon (random starts included), the blocks a page
sweeps at once, transfer scoring, the trade-off read off sweeps, and clear
errors for budgets off the grid."""

from __future__ import annotations

import re

import numpy as np
import pytest

from advlab import data, defenses, evaluation, models
from advlab.attacks import _engine as E
from advlab.attacks import pgd, predict
from advlab.evaluation import attack_cell, eps_block, eps_steps, eps_sweep

GRID = eps_steps(0.0, 1.0, 0.05)  # 21 budgets
PICKS = (0.0, 0.05, 0.3, 0.65, 1.0)
CELL_FIELDS = ("accuracy", "success_rate", "linf", "l2", "l0", "unmoved", "under")


def naming(param: str) -> str:
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


# Each batched row does the single run's arithmetic: the same unit draws of the
# seed scaled by its budget (bit for bit), the same per-row step size, and the
# same compiled loop over a taller batch. The answers agree exactly on these
# models (the test allows the sizes float rounding, never a different answer).
@pytest.mark.parametrize(("attack", "params", "norm"), [
    ("pgd", {"steps": 40}, "linf"), ("pgd", {"steps": 20, "restarts": 2}, "l2"), ("fgsm", {}, "linf"),
    ("bim", {"steps": 10}, "l2"), ("mim", {"steps": 10, "decay": 1.0}, "linf"), ("noise", {}, "l2")])
def test_a_sweep_gives_the_cells_of_one_run_per_epsilon(case, attack, params, norm):
    sweep = eps_sweep(case.model, case.x, case.y, attack=attack, eps_values=GRID, norm=norm, clip=case.clip, seed=5,
                      params=params, cells=True)
    assert sweep.pred_adv.shape == (len(GRID), len(case.y))
    for e in PICKS:
        one = attack_cell(case.model, case.x, case.y, attack=attack, eps=e, norm=norm, clip=case.clip, seed=5,
                          params=params)
        got = sweep.cell_at(e)
        assert got.accuracy == one.accuracy, (attack, e)  # identical: not one test point apart
        assert sweep.accuracy_at(e) == one.accuracy
        for f in CELL_FIELDS:
            assert getattr(got, f) == pytest.approx(getattr(one, f), abs=1e-6), (attack, e, f)
    # the attack bites: accuracy falls from clean at 0 to below it at the top
    assert sweep.accuracy[0] == pytest.approx(case.accuracy())
    if attack != "noise":
        assert sweep.accuracy[-1] < sweep.accuracy[0]


def test_a_pixel_sweep_in_blocks_matches_single_runs_and_stays_in_the_box(digits_case):
    c = digits_case
    block = eps_block(eps_steps(0.0, 1.0, 0.01), 0.1, n_points=len(c.y), n_features=64)
    assert 0.1 in block and len(block) == 3  # 450 points of 64 pixels count as 3,600: three budgets at once
    sweep = eps_sweep(c.model, c.x, c.y, attack="pgd", eps_values=block, clip=c.clip, seed=0,
                      params={"steps": 10}, keep_x=True)
    assert sweep.x_adv.min() >= 0.0 and sweep.x_adv.max() <= 1.0
    for e in (block[0], 0.1, block[-1]):
        r = sweep.at(e)
        assert np.abs(r.x_adv - c.x).max() <= e + 1e-6
        single = pgd(c.model, c.x, c.y, eps=e, steps=10, clip=c.clip, seed=0)
        assert np.array_equal(r.pred_adv, predict(c.model, single))


def test_blocks_cover_a_small_test_set_in_one_run_and_a_large_one_in_pieces():
    grid = eps_steps(0.0, 1.0, 0.01)
    assert len(grid) == 101 and grid[41] == 0.41
    assert eps_block(grid, 0.41, n_points=120) == grid  # 120 points x 101 budgets: one batched run
    big = eps_block(grid, 0.41, n_points=450)
    assert 0.41 in big and len(big) == 27 and big == eps_block(grid, big[0], n_points=450)
    assert eps_block(grid, 0.413, n_points=120) == (0.413,)  # off the slider's steps: that budget alone


def test_masking_sweeps_match_fgsm_pgd_and_transferred_pgd_run_one_epsilon_at_a_time(binary_case):
    source = binary_case.model  # an ordinary model of the same task, trained on other moons
    ds = data.load("moons", n_samples=400, noise=0.1, seed=0)
    std = models.fit_mlp(ds.x_train, ds.y_train, seed=0, **defenses.DEFAULT_MLP)
    masked = defenses.saturate(std, temperature=1e4)
    x, y, grid = ds.x_test, ds.y_test, (0.0, 0.2, 0.4)
    runs = [("m", masked, "fgsm", None), ("m", masked, "pgd", None), ("s", source, "pgd", masked)]
    f, p, t = (compute() for _, compute in defenses.eval_items(runs, x, y, block=grid, steps=10, seed=2))
    for j, e in enumerate(grid):
        assert f.accuracy[j] == attack_cell(masked, x, y, attack="fgsm", eps=e).accuracy
        assert p.accuracy[j] == attack_cell(masked, x, y, attack="pgd", eps=e, seed=2, params={"steps": 10}).accuracy
        moved = x if e == 0 else pgd(source, x, y, eps=e, steps=10, seed=2)
        assert t.accuracy[j] == np.mean(predict(masked, moved) == y)
    assert t.accuracy[-1] < p.accuracy[-1]  # transferred examples fool the masked model; its own gradient cannot


def test_the_tradeoff_read_off_sweeps_is_the_evaluated_one(binary_case, multi_case):
    ms = [binary_case.model, binary_case.model]
    x, y = binary_case.x, binary_case.y
    sweeps = [eps_sweep(m, x, y, attack="pgd", eps_values=GRID, seed=3, params={"steps": 40}) for m in ms]
    got = defenses.tradeoff_at(sweeps, train_eps=[0.0, 0.2], eval_eps=0.3)
    want = defenses.evaluate_tradeoff(ms, x, y, train_eps=[0.0, 0.2], eval_eps=0.3, steps=40, seed=3)
    assert np.array_equal(got.clean, want.clean) and np.array_equal(got.robust, want.robust)
    with pytest.raises(ValueError, match=naming("train_eps")):
        defenses.tradeoff_at(sweeps, train_eps=[0.0], eval_eps=0.3)


def test_budgets_off_the_grid_and_bad_arguments_say_what_is_allowed(binary_case):
    c = binary_case
    sweep = eps_sweep(c.model, c.x, c.y, attack="fgsm", eps_values=GRID)
    with pytest.raises(ValueError, match=naming("eps")) as e:
        sweep.accuracy_at(0.33)
    assert "0 to 1" in str(e.value)
    with pytest.raises(ValueError, match=naming("keep_x")):
        sweep.at(0.3)
    with pytest.raises(ValueError, match=naming("attack")):
        eps_sweep(c.model, c.x, c.y, attack="deepfool", eps_values=GRID)
    with pytest.raises(ValueError, match=naming("eps_values")):
        eps_sweep(c.model, c.x, c.y, attack="pgd", eps_values=[-0.1, 0.2])
    with pytest.raises(ValueError, match=naming("step")):
        eps_steps(0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match=naming("x")):  # one feature for a model of two
        eps_sweep(c.model, c.x[:, :1], c.y, attack="pgd", eps_values=(0.3,))


def test_new_budgets_and_grid_sizes_trace_no_new_graph(binary_case):
    c = binary_case
    eps_sweep(c.model, c.x, c.y, attack="bim", eps_values=(0.1, 0.2), seed=0)
    eng, _ = E.engine_for(c.model)
    fns = dict(eng._fns)
    before = {k: f.experimental_get_tracing_count() for k, f in fns.items()}
    eps_sweep(c.model, c.x, c.y, attack="bim", eps_values=eps_steps(0.0, 0.9, 0.03), seed=0)
    eps_sweep(c.model, c.x[:50], c.y[:50], attack="bim", eps_values=(0.37,), seed=0)
    assert {k: f.experimental_get_tracing_count() for k, f in fns.items()} == before


def test_eps_blocks_cover_the_slider_once_nearest_first():
    grid = evaluation.eps_steps(0.0, 1.0, 0.01)
    blocks = evaluation.eps_blocks(grid, 0.42, n_points=450, n_features=64)  # the digits: a few values a block
    assert 0.42 in blocks[0] and blocks[0] == evaluation.eps_block(grid, 0.42, n_points=450, n_features=64)
    assert sorted(e for b in blocks for e in b) == sorted(grid)  # every value, once
    dist = [min(abs(e - 0.42) for e in b) for b in blocks[1:]]
    assert dist == sorted(dist) and len(blocks) > 10
    assert evaluation.eps_blocks(grid, 0.42, n_points=120, n_features=2) == [tuple(grid)]  # 2-D: one block
