"""Defenses: adversarial training makes a model more robust than standard
training, costs clean accuracy as its epsilon grows, reproduces exactly, keeps
its examples in the epsilon-ball and the input domain; a model with saturated
logits looks robust to gradient attacks but is fooled by transferred ones."""

from __future__ import annotations

import re

import numpy as np
import pytest

from advlab import data, defenses, models
from advlab.attacks import fgsm, pgd, predict
from advlab.models import MLPSpec, NumpyMLP

NET = dict(defenses.DEFAULT_MLP)


def naming(param: str) -> str:
    """``pytest.raises(match=...)`` pattern: the message names ``param`` as a word."""
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


def acc(model, x, y) -> float:
    return float(np.mean(predict(model, x) == y))


def pgd_acc(model, ds, eps, clip=None) -> float:
    return acc(model, pgd(model, ds.x_test, ds.y_test, eps=eps, clip=clip), ds.y_test)


@pytest.fixture(scope="module")
def moons():
    return data.load("moons", n_samples=400, noise=0.1, seed=0)


@pytest.fixture(scope="module")
def standard(moons):
    return models.fit_mlp(moons.x_train, moons.y_train, seed=0, **NET)


# ------------------------------------------------- adversarial training ---

@pytest.mark.parametrize("seed", [0, 1])
def test_adversarial_training_beats_standard_training_under_pgd_at_the_training_eps(seed):
    ds = data.load("moons", n_samples=400, noise=0.1, seed=seed)
    std = models.fit_mlp(ds.x_train, ds.y_train, seed=seed, **NET)
    adv = defenses.adversarial_train(ds.x_train, ds.y_train, method="pgd", eps=0.4, ratio=0.5, seed=seed, **NET)
    a_std, a_adv = pgd_acc(std.model, ds, 0.4), pgd_acc(adv.model, ds, 0.4)
    assert a_adv >= a_std + 0.08, (a_std, a_adv)
    # and it still classifies clean points
    assert acc(adv.model, ds.x_test, ds.y_test) >= 0.9


def test_fgsm_training_helps_too(moons, standard):
    adv = defenses.adversarial_train(moons.x_train, moons.y_train, method="fgsm", eps=0.4, ratio=1.0, **NET)
    assert pgd_acc(adv.model, moons, 0.4) >= pgd_acc(standard.model, moons, 0.4) + 0.08


def test_robustness_grows_on_64_dimensional_digits():
    ds = data.load("digits")
    kw = dict(NET, epochs=20)
    std = models.fit_mlp(ds.x_train, ds.y_train, **kw)
    adv = defenses.adversarial_train(ds.x_train, ds.y_train, eps=0.1, ratio=0.5, clip=ds.clip, **kw)
    assert pgd_acc(adv.model, ds, 0.1, ds.clip) >= pgd_acc(std.model, ds, 0.1, ds.clip) + 0.2


@pytest.mark.parametrize("kw", [dict(eps=0.0), dict(ratio=0.0)])
def test_no_adversarial_examples_is_exactly_standard_training(moons, standard, kw):
    args = dict(eps=0.4, ratio=0.5) | kw
    same = defenses.adversarial_train(moons.x_train, moons.y_train, **args, **NET)
    for a, b in zip(standard.model.get_weights(), same.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_same_arguments_give_the_same_model_and_another_seed_another(moons):
    kw = dict(NET, epochs=10, eps=0.3)
    a = defenses.adversarial_train(moons.x_train, moons.y_train, seed=3, **kw).model.get_weights()
    b = defenses.adversarial_train(moons.x_train, moons.y_train, seed=3, **kw).model.get_weights()
    c = defenses.adversarial_train(moons.x_train, moons.y_train, seed=4, **kw).model.get_weights()
    assert all(np.array_equal(u, w) for u, w in zip(a, b, strict=True))
    assert not all(np.array_equal(u, w) for u, w in zip(a, c, strict=True))


def test_progress_is_reported_every_epoch(moons):
    seen = []
    defenses.adversarial_train(moons.x_train, moons.y_train, epochs=5, on_epoch=lambda ep, logs: seen.append(ep))
    assert seen == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("method", defenses.METHODS)
def test_training_examples_stay_in_the_ball_and_the_domain_and_raise_the_loss(method):
    rng = np.random.default_rng(1)
    net = NumpyMLP(MLPSpec(4, (16,), "relu", 3), rng)
    x = rng.uniform(0, 1, size=(20, 4)).astype(np.float32)
    y = rng.integers(0, 3, size=20)
    perturb = defenses.make_perturb(method=method, eps=0.2, ratio=0.5, steps=5, clip=(0, 1), seed=0)
    xa = perturb(net, x, y, rng)
    changed = np.any(xa != x, axis=1)
    assert changed[:10].all() and not changed[10:].any()  # exactly half the batch
    assert np.abs(xa - x).max() <= 0.2 + 1e-6
    assert xa.min() >= 0 and xa.max() <= 1

    def loss(z):
        acts = net.forward(z[:10])
        return net.loss_and_dlogits(acts[-1], y[:10])[0]

    assert loss(xa) > loss(x)


def test_tradeoff_sweep_trades_clean_accuracy_for_robustness(moons):
    res = defenses.tradeoff_sweep(moons.x_train, moons.y_train, moons.x_test, moons.y_test,
                                  train_eps=(0.0, 0.4, 0.9), eval_eps=0.4, **NET)
    assert res.robust[1] >= res.robust[0] + 0.08
    assert res.clean[2] < res.clean[0]
    rows = res.rows()
    assert [r["train_eps"] for r in rows] == [0.0, 0.4, 0.9]
    assert set(rows[0]) == {"train_eps", "clean_accuracy", "robust_accuracy", "eval_eps", "train_seconds"}


def test_sweep_reports_progress_per_model(moons):
    seen = []
    defenses.tradeoff_sweep(moons.x_train, moons.y_train, moons.x_test, moons.y_test, train_eps=(0.0, 0.2),
                            epochs=2, on_model=lambda i, n, e: seen.append((i, n, e)))
    assert seen == [(0, 2, 0.0), (1, 2, 0.2)]


# ------------------------------------------------------ gradient masking ---

def test_saturating_the_logits_changes_no_prediction(moons, standard):
    masked = defenses.saturate(standard, temperature=1e4)
    np.testing.assert_array_equal(predict(masked, moons.x_test), predict(standard.model, moons.x_test))
    grid = np.random.default_rng(0).uniform(-3, 3, size=(500, 2)).astype(np.float32)
    np.testing.assert_array_equal(predict(masked, grid), predict(standard.model, grid))


def test_masked_model_looks_robust_to_fgsm_but_transferred_examples_fool_it(moons, standard):
    masked = defenses.saturate(standard, temperature=1e4)
    rep = defenses.reported_vs_real(masked, standard.model, moons.x_test, moons.y_test, eps_values=[0.0, 0.4, 0.5])
    assert rep.zero_gradient_share > 0.9
    # FGSM: sign(0) = 0, nothing moves, the reported accuracy is the clean one
    assert rep.fgsm[1] >= rep.clean - 0.02 and rep.fgsm[2] >= rep.clean - 0.02
    # the truth: examples from the standard model (same boundary) fool it
    assert rep.transfer[2] <= rep.fgsm[2] - 0.3
    assert rep.transfer[1] <= rep.fgsm[1] - 0.2
    # PGD on the masked model is also blinded, far above the transferred accuracy
    assert rep.pgd[2] >= rep.transfer[2] + 0.2
    assert [r["eps"] for r in rep.rows()] == [0.0, 0.4, 0.5]


def test_transfer_from_an_independently_trained_model_also_reveals_it(moons, standard):
    other = models.fit_mlp(moons.x_train, moons.y_train, seed=1, **NET)
    masked = defenses.saturate(standard, temperature=1e4)
    rep = defenses.reported_vs_real(masked, other.model, moons.x_test, moons.y_test, eps_values=[0.5])
    assert rep.transfer[0] <= rep.fgsm[0] - 0.2


def test_without_the_temperature_fgsm_works_again(moons, standard):
    plain = defenses.saturate(standard, temperature=1.0)
    x_adv = fgsm(plain, moons.x_test, moons.y_test, eps=0.5)
    assert acc(plain, x_adv, moons.y_test) <= acc(plain, moons.x_test, moons.y_test) - 0.3


def test_masking_works_for_softmax_models_too():
    ds = data.load("blobs", n_samples=400, noise=0.3, n_classes=3, seed=0)
    std = models.fit_mlp(ds.x_train, ds.y_train, **NET)
    rep = defenses.reported_vs_real(defenses.saturate(std), std.model, ds.x_test, ds.y_test, eps_values=[0.8])
    assert rep.zero_gradient_share > 0.9
    assert rep.transfer[0] <= rep.fgsm[0] - 0.1


# ------------------------------------------------------------- arguments ---

@pytest.mark.parametrize(("kw", "param"), [
    (dict(method="cw"), "method"),
    (dict(eps=-0.1), "eps"),
    (dict(eps=float("nan")), "eps"),
    (dict(ratio=1.5), "ratio"),
    (dict(steps=0), "steps"),
    (dict(steps=2.5), "steps"),
    (dict(step_size=-1.0), "step_size"),
    (dict(lr=0.0), "lr"),
    (dict(epochs=0), "epochs"),
])
def test_bad_training_arguments_raise_a_message_naming_them(moons, kw, param):
    with pytest.raises(ValueError, match=naming(param)):
        defenses.adversarial_train(moons.x_train, moons.y_train, **kw)


def test_points_outside_the_clip_range_are_refused(moons):
    with pytest.raises(ValueError, match=naming("clip")):
        defenses.adversarial_train(moons.x_train, moons.y_train, clip=(0, 1))


def test_bad_masking_arguments_raise_a_message_naming_them(moons, standard):
    with pytest.raises(ValueError, match=naming("temperature")):
        defenses.saturate(standard, temperature=0.5)
    with pytest.raises(TypeError, match=naming("trained")):
        defenses.saturate(standard.model)
    with pytest.raises(ValueError, match=naming("eps_values")):
        defenses.reported_vs_real(standard.model, standard.model, moons.x_test, moons.y_test, eps_values=[-1])
    with pytest.raises(ValueError, match=naming("eval_eps")):
        defenses.evaluate_tradeoff([standard.model], moons.x_test, moons.y_test, train_eps=[0], eval_eps=-1)
    with pytest.raises(ValueError, match=naming("train_eps")):
        defenses.evaluate_tradeoff([standard.model], moons.x_test, moons.y_test, train_eps=[0, 1], eval_eps=0.1)


@pytest.mark.parametrize(("lang", "presenter"), [("en", False), ("zh", True)])
def test_the_defense_figures_drawn_on_every_eps_move_are_what_plotly_checks(lang, presenter):
    """The maps and charts redrawn on every evaluation-ε move skip Plotly's
    validation: Plotly, checking them, accepts every property and draws the same."""
    import json

    import plotly.graph_objects as go

    from advlab.figures import defense as dfig

    rng = np.random.default_rng(4)
    xs = np.linspace(-2, 2, 30)
    p1 = rng.random((30, 30))
    x, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    x_adv, pred = x + rng.uniform(-0.3, 0.3, x.shape), rng.integers(0, 2, 40)
    figs = [dfig.defense_map(xs, xs, np.stack([1 - p1, p1], -1), x, y, x_adv, pred, lang=lang, presenter=presenter),
            dfig.adv_training_curves([0, 0.1, 0.2], [1, 0.5, 0.2], [1, 0.8, 0.6], train_eps=0.1, eval_eps=0.15,
                                     lang=lang, presenter=presenter),
            dfig.tradeoff_chart([0, 0.1], [0.9, 0.8], [0.2, 0.5], eval_eps=0.3, current=0.1, lang=lang,
                                presenter=presenter),
            dfig.masking_chart([0, 0.1], [1, 0.9], [1, 0.9], [1, 0.4], eval_eps=0.1, lang=lang, presenter=presenter)]
    for fig in figs:
        checked = go.Figure(fig.to_dict())  # raises on any property Plotly does not know
        assert json.loads(fig.to_json()) == json.loads(checked.to_json())
    arrows = [tr for tr in figs[0].data if tr.name == dfig.t("fig_adv_fooled", lang)]
    assert len(arrows[0].x) == int(np.sum(pred != y))  # an arrow only where the attack wins


def test_the_curves_reach_the_largest_eps_chosen_past_emax_rounded_up_to_a_tenth():
    from advlab.config import DefenseViewConfig

    v = DefenseViewConfig(eval_eps=0.4, emax=0.6)
    assert v.curve_max(0.3) == 0.6
    assert v.curve_max(0.65) == pytest.approx(0.7)
    assert DefenseViewConfig(eval_eps=0.61, emax=0.6).curve_max(0.3) == pytest.approx(0.7)
    assert DefenseViewConfig(eval_eps=0.7, emax=0.6).curve_max(0.3) == pytest.approx(0.7)
    assert DefenseViewConfig(eval_eps=0.95, emax=0.35).curve_max(0.2) == pytest.approx(1.0)
    assert DefenseViewConfig(eval_eps=0.3, emax=0.35).curve_max(0.2) == 0.35
