"""Transferability: examples made on a surrogate MLP fool other models less
often than the surrogate itself (on average over epsilon), spending the whole
budget transfers better than stopping at the surrogate's boundary, every
target trains and predicts, budgets and pixel ranges hold, and the chart and
the table agree."""

from __future__ import annotations

import re

import numpy as np
import pytest

from advlab import data, models, transfer

NET = dict(hidden=(32, 32), activation="relu", epochs=100, batch_size=32, lr=0.01)
GRID = np.linspace(0.0, 0.5, 11)  # the page's default chart


def naming(param: str) -> str:
    """``pytest.raises(match=...)`` pattern: the message names ``param`` as a word."""
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


@pytest.fixture(scope="module")
def blog():
    """The page's defaults: the blog data, the surrogate, all six targets."""
    ds = data.load("blog")
    sur = models.fit_mlp(ds.x_train, ds.y_train, seed=0, **NET).model
    targets = {n: transfer.train_target(n, ds.x_train, ds.y_train, seed=0, **NET) for n in transfer.TARGETS}
    return ds, sur, targets


@pytest.fixture(scope="module")
def blog_curve(blog):
    ds, sur, targets = blog
    return transfer.transfer_curve(sur, targets, ds.x_test, ds.y_test, eps_values=GRID, attack="pgd")


def test_every_target_is_fooled_less_than_the_surrogate_on_average(blog_curve):
    mean = blog_curve.mean_success()
    assert blog_curve.names[0] == "surrogate"
    for name in transfer.TARGETS:
        assert mean[name] < mean["surrogate"], (name, mean)


def test_on_the_blog_data_this_holds_at_every_epsilon_too(blog_curve):
    # a tendency, not a law: on the 2-D sets another MLP can be fooled a little more
    white = blog_curve.success[0]
    for i, name in enumerate(blog_curve.names[1:], start=1):
        assert np.all(blog_curve.success[i] <= white + 0.02), (name, blog_curve.success[i], white)


def test_transfer_grows_with_epsilon_and_starts_at_zero(blog_curve):
    assert np.all(blog_curve.success[:, 0] == 0)
    assert np.all(blog_curve.success[:, -1] > blog_curve.success[:, 1])


def test_spending_the_whole_budget_transfers_better_than_stopping_at_the_boundary(blog, blog_curve):
    ds, sur, targets = blog
    stop = transfer.transfer_curve(sur, targets, ds.x_test, ds.y_test, eps_values=GRID, attack="pgd",
                                   stop_early=True)
    full, early = blog_curve.mean_success(), stop.mean_success()
    for name in transfer.TARGETS:
        assert full[name] > early[name], (name, full[name], early[name])
    for name in ("mlp_seed", "mlp_width"):  # the surrogate's own kind gains the most
        assert full[name] >= early[name] + 0.08, (name, full[name], early[name])


def test_the_table_at_one_epsilon_matches_the_chart(blog, blog_curve):
    ds, sur, targets = blog
    j = 6  # eps = 0.3
    x_adv = transfer.craft(sur, ds.x_test, ds.y_test, attack="pgd", eps=float(GRID[j]))
    for i, name in enumerate(blog_curve.names):
        model = sur if name == "surrogate" else targets[name]
        s = transfer.score(model, ds.x_test, x_adv, ds.y_test)
        assert s.success == pytest.approx(blog_curve.success[i, j], abs=0.011)
        assert s.adv_accuracy == pytest.approx(blog_curve.accuracy[i, j], abs=0.011)


@pytest.mark.parametrize("attack", ["fgsm", "bim", "mim", "noise"])
def test_other_attacks_craft_and_transfer(blog, attack):
    ds, sur, targets = blog
    c = transfer.transfer_curve(sur, {"logreg": targets["logreg"]}, ds.x_test, ds.y_test,
                                eps_values=[0.0, 0.5], attack=attack)
    assert c.success[0, 1] > 0
    if attack != "noise":  # noise is no attack: a few points at most
        assert c.success[0, 1] > c.success[1, 1] > 0


@pytest.mark.parametrize("norm", ["linf", "l2"])
@pytest.mark.parametrize("attack", ["pgd", "mim", "fgsm"])
def test_digits_examples_keep_their_budget_and_stay_images(norm, attack):
    ds = data.load("digits")
    sur = models.fit_mlp(ds.x_train, ds.y_train, **dict(NET, epochs=10)).model
    x = ds.x_test[:60]
    eps = 0.1 if norm == "linf" else 1.0
    x_adv = transfer.craft(sur, x, ds.y_test[:60], attack=attack, eps=eps, norm=norm, clip=ds.clip)
    d = x_adv - x
    size = np.abs(d).max(1) if norm == "linf" else np.linalg.norm(d, axis=1)
    assert np.all(size <= eps + 1e-5)
    assert x_adv.min() >= 0.0 and x_adv.max() <= 1.0
    assert np.mean(np.any(d != 0, axis=1)) > 0.9


def test_pgd_restarts_never_lower_the_surrogate_loss():
    ds = data.load("moons", n_samples=300, seed=0)
    sur = models.fit_mlp(ds.x_train, ds.y_train, **NET).model
    one = transfer.craft(sur, ds.x_test, ds.y_test, attack="pgd", eps=0.3, restarts=1)
    three = transfer.craft(sur, ds.x_test, ds.y_test, attack="pgd", eps=0.3, restarts=3)
    from advlab.attacks import logits
    from advlab.numerics import cross_entropy

    def _ce(model, x, labels):
        return cross_entropy(logits(model, x), labels)

    assert np.all(_ce(sur, three, ds.y_test) >= _ce(sur, one, ds.y_test) - 1e-5)


def test_targeted_examples_reach_the_target_on_the_surrogate():
    ds = data.load("blobs", n_samples=400, n_classes=3, seed=0)
    sur = models.fit_mlp(ds.x_train, ds.y_train, **NET).model
    x_adv = transfer.craft(sur, ds.x_test, ds.y_test, attack="pgd", eps=2.0, targeted=True, target=2)
    s = transfer.score(sur, ds.x_test, x_adv, ds.y_test, targeted=True, target=2)
    assert s.success > 0.8
    assert not s.fooled[ds.y_test == 2].any()


@pytest.mark.parametrize("name", transfer.TARGETS)
@pytest.mark.parametrize("dataset", ["moons", "blobs"])
def test_every_target_learns_the_data(name, dataset):
    ds = data.load(dataset, n_samples=300, n_classes=3, seed=0)
    m = transfer.train_target(name, ds.x_train, ds.y_train, **dict(NET, epochs=50))
    chance = np.bincount(ds.y_test).max() / len(ds.y_test)
    assert np.mean(transfer.predict(m, ds.x_test) == ds.y_test) > chance + 0.25
    p = transfer.predict_proba(m, ds.x_test, ds.n_classes)
    assert p.shape == (len(ds.x_test), ds.n_classes)
    np.testing.assert_allclose(p.sum(1), 1.0, atol=1e-6)


def test_target_settings_make_different_models():
    ds = data.load("moons", n_samples=300, seed=0)
    kw = dict(NET, epochs=20)
    a = transfer.train_target("mlp_seed", ds.x_train, ds.y_train, other_seed=1, **kw)
    b = transfer.train_target("mlp_seed", ds.x_train, ds.y_train, other_seed=2, **kw)
    assert not np.array_equal(a.get_weights()[0], b.get_weights()[0])
    w = transfer.train_target("mlp_width", ds.x_train, ds.y_train, other_width=48, **kw)
    assert [x.shape for x in w.get_weights()[::2]] == [(2, 48), (48, 48), (48, 1)]


def test_success_rate_counts_only_points_the_model_got_right():
    y = np.array([0, 0, 1, 1, 2])
    clean = np.array([0, 1, 1, 1, 2])  # point 1 was already wrong
    adv = np.array([1, 0, 1, 2, 0])
    assert transfer.success_rate(y, clean, adv) == pytest.approx(3 / 4)
    # targeted at class 0: class-0 points do not count; of points 2, 3 and 4 only 4 reached class 0
    assert transfer.success_rate(y, clean, adv, targeted=True, target=0) == pytest.approx(1 / 3)
    assert transfer.success_rate(y, np.array([1, 1, 0, 0, 0]), adv) == 0.0


def test_rows_are_one_per_model_and_epsilon(blog_curve):
    rows = blog_curve.rows()
    assert len(rows) == len(blog_curve.names) * len(GRID)
    assert rows[0]["model"] == "surrogate" and rows[0]["whitebox"] is True
    assert {"model", "whitebox", "eps", "clean_accuracy", "adversarial_accuracy", "success_rate"} == set(rows[0])


# ------------------------------------------------------------- arguments ---

def test_bad_arguments_raise_a_message_naming_them(blog):
    ds, sur, targets = blog
    x, y = ds.x_test, ds.y_test
    cases = [
        (lambda: transfer.train_target("tree", ds.x_train, ds.y_train), "name"),
        (lambda: transfer.train_target("knn", ds.x_train[:30], ds.y_train[:30], knn_k=31), "knn_k"),
        (lambda: transfer.train_target("mlp_width", ds.x_train, ds.y_train, other_width=0), "other_width"),
        (lambda: transfer.train_target("svm", ds.x_train, ds.y_train, svm_c=0), "svm_c"),
        (lambda: transfer.craft(sur, x, y, attack="deepfool", eps=0.1), "attack"),
        (lambda: transfer.craft(sur, x, y, eps=-1), "eps"),
        (lambda: transfer.craft(sur, x, y, eps=0.1, norm="l1"), "norm"),
        (lambda: transfer.craft(sur, x, y, eps=0.1, steps=0), "steps"),
        (lambda: transfer.craft(sur, x, y, eps=0.1, restarts=0), "restarts"),
        (lambda: transfer.craft(sur, x, y, attack="noise", eps=0.1, targeted=True, target=0), "targeted"),
        (lambda: transfer.craft(sur, x, y, eps=0.1, targeted=True), "target"),
        (lambda: transfer.transfer_curve(sur, targets, x, y, eps_values=[]), "eps_values"),
        (lambda: transfer.transfer_curve(sur, targets, x, y, eps_values=[0.1], kappa=1), "kappa"),
        (lambda: transfer.transfer_curve(sur, {"surrogate": sur}, x, y, eps_values=[0.1]), "targets"),
    ]
    for fn, param in cases:
        with pytest.raises(ValueError, match=naming(param)):
            fn()


def test_unchecked_transfer_figures_are_what_plotly_would_validate():
    """The gallery and the chart skip Plotly's checks to be cheap on every ε move:
    Plotly, checking them, accepts every property and draws the same figure."""
    import json

    import plotly.graph_objects as go

    from advlab.figures import defense as dfig

    rng = np.random.default_rng(0)
    xs = np.linspace(-2, 2, 30)
    x_adv, y = rng.normal(size=(40, 2)), rng.integers(0, 3, 40)
    for k in (2, 3):
        panels = [dict(xs=xs, ys=xs, proba=rng.dirichlet(np.ones(k), (30, 30)), fooled=rng.random(40) < 0.3,
                       title=f"model {i}") for i in range(3)]
        gallery = dfig.boundary_gallery(panels, x_adv, y, lang="zh", presenter=k == 3)
        checked = go.Figure(gallery.to_dict())  # raises on any property Plotly does not know
        assert json.loads(gallery.to_json()) == json.loads(checked.to_json())
        assert gallery.layout.template.layout.paper_bgcolor == "white"  # the template, not just its name
    chart = dfig.transfer_chart(np.linspace(0, 0.5, 51), rng.random((4, 51)), list("abcd"), eps_mark=0.3)
    assert json.loads(chart.to_json()) == json.loads(go.Figure(chart.to_dict()).to_json())


def test_unchecked_digit_figures_are_what_plotly_would_validate():
    """The Digits page's image grids are drawn again on every ε move, unchecked:
    Plotly, checking them, accepts them and draws the same figure."""
    import json

    import plotly.graph_objects as go

    from advlab.figures import lab

    rng = np.random.default_rng(1)
    x, xa = rng.random(64), rng.random(64)
    figs = [lab.digit_views(x, xa, titles=("a", "b", "c"), lang="zh"),
            lab.digit_gallery(rng.random((6, 64)), indices=list(range(6)), y=rng.integers(0, 10, 6),
                              pred_adv=rng.integers(0, 10, 6), conf_adv=rng.random(6), ncols=3, presenter=True)]
    for fig in figs:
        assert json.loads(fig.to_json()) == json.loads(go.Figure(fig.to_dict()).to_json())
