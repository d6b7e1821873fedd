"""The training loop's buffered step is the plain NumPy network's arithmetic, and
a trained MLP is attacked, drawn and scored from its NumPy weights, its Keras
model built only when something asks for it."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from advlab import data, models, projections, transfer
from advlab._tf import keras
from advlab.attacks import _engine, deepfool, run_attack
from advlab.ui import lessons


def plain_adam(x, y, *, hidden, activation, epochs, batch_size, lr, l2, seed):
    """Keras' Adam written the obvious way on NumpyMLP's own forward and backward
    (new arrays at every step, the batch indexed at every step)."""
    k = int(y.max()) + 1
    spec = models.MLPSpec(x.shape[1], hidden, activation, models.n_outputs(k))
    rng = np.random.default_rng(seed)
    net = models.NumpyMLP(spec, rng)
    m, s = np.zeros_like(net.flat), np.zeros_like(net.flat)
    step = 0
    for _ in range(epochs):
        perm = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            idx = perm[start:start + batch_size]
            acts = net.forward(x[idx])
            net.backward(acts, net.loss_and_dlogits(acts[-1], y[idx])[1])
            if l2 > 0:
                net.grad[net.kernel_mask] += 2 * l2 * net.flat[net.kernel_mask]
            step += 1
            m = 0.9 * m + (1 - 0.9) * net.grad
            s = 0.999 * s + (1 - 0.999) * (net.grad * net.grad)
            alpha = lr * math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step)
            net.flat -= alpha * (m / (np.sqrt(s) + 1e-7))
    return net.weights()


@pytest.mark.parametrize(("activation", "k", "batch", "l2"), [
    ("relu", 2, 32, 0.0), ("tanh", 3, 7, 0.01), ("sigmoid", 4, 500, 0.001)])
def test_the_training_step_is_the_plain_networks_arithmetic(activation, k, batch, l2):
    # a last mini-batch smaller than the others (7 and 32 do not divide 210), one batch
    # bigger than the data, L2 on: the buffered loop gives the weights the plain one gives
    ds = data.load("blobs", n_samples=300, noise=0.4, seed=2, n_classes=k) if k > 2 else data.load("moons", seed=2)
    x, y = ds.x_train[:210], ds.y_train[:210]
    kw = dict(hidden=(12, 6), activation=activation, epochs=6, batch_size=batch, lr=0.01, l2=l2, seed=5)
    fast = models.fit_mlp(x, y, **kw).mlp.weights
    for a, b in zip(fast, plain_adam(x, y, **kw), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def moons_fit():
    ds = data.load("moons", n_samples=200, seed=3)
    return ds, models.fit_mlp(ds.x_train, ds.y_train, hidden=(16, 16), epochs=20, lr=0.01, seed=3)


def keras_built(trained: models.Trained) -> bool:
    return trained.mlp._keras is not None


def test_a_page_attacks_and_draws_a_new_model_without_building_its_keras_model(moons_fit):
    ds, _ = moons_fit
    t = models.fit_mlp(ds.x_train, ds.y_train, hidden=(16, 16), epochs=20, lr=0.01, seed=3)
    stored = lessons.Stored(("mlp", "test"), t)
    res = run_attack("pgd", stored.model, ds.x_test, ds.y_test, eps=0.2, seed=0, return_path=True)
    grid = projections.boundary_grid(stored.model, (-2, 3, -2, 2), 30)
    assert not keras_built(t)
    # the same numbers as the Keras model it builds when asked (NumPy against a TensorFlow graph:
    # the same points, probabilities equal to float32 rounding)
    assert isinstance(t.model, keras.Model) and t.model is t.model
    again = run_attack("pgd", t.model, ds.x_test, ds.y_test, eps=0.2, seed=0, return_path=True)
    np.testing.assert_array_equal(res.x_adv, again.x_adv)
    np.testing.assert_allclose(grid.proba, projections.boundary_grid(t.model, (-2, 3, -2, 2), 30).proba,
                               rtol=1e-5, atol=1e-6)
    assert _engine.fingerprint(t.mlp) == _engine.fingerprint(t.model)


def test_eight_threads_asking_for_the_keras_model_get_one_model(moons_fit):
    ds, _ = moons_fit
    t = models.fit_mlp(ds.x_train, ds.y_train, hidden=(8,), epochs=3, seed=4)
    start = threading.Barrier(8)

    def ask(_):
        start.wait()
        return t.model

    with ThreadPoolExecutor(8) as pool:
        built = list(pool.map(ask, range(8)))
    assert all(m is built[0] for m in built)
    np.testing.assert_array_equal(built[0](ds.x_test, training=False).numpy(), t.mlp.keras()(ds.x_test).numpy())


def test_a_shared_models_weights_cannot_be_changed_in_place(moons_fit):
    _, t = moons_fit
    with pytest.raises(ValueError, match="read-only"):
        t.mlp.weights[0][0, 0] = 1.0
    w = t.mlp.get_weights()
    w[0][0, 0] += 1.0  # a copy
    assert t.mlp.weights[0][0, 0] != w[0][0, 0]


def test_the_transfer_lesson_scores_the_numpy_model_as_its_keras_model(moons_fit):
    ds, t = moons_fit
    np.testing.assert_array_equal(transfer.predict(t.mlp, ds.x_test), transfer.predict(t.model, ds.x_test))
    np.testing.assert_allclose(transfer.predict_proba(t.mlp, ds.x_test, 2),
                               transfer.predict_proba(t.model, ds.x_test, 2), rtol=1e-6)


def test_an_architecture_whose_graphs_were_dropped_is_rebuilt(moons_fit, monkeypatch):
    ds, t = moons_fit
    monkeypatch.setattr(_engine, "MAX_ENGINES", 1)
    other = models.fit_mlp(ds.x_train, ds.y_train, hidden=(5,), epochs=2, seed=1)
    # DeepFool runs in a graph (the gradient attacks run an MLP in NumPy)
    first = deepfool(t.mlp, ds.x_test, ds.y_test)
    deepfool(other.mlp, ds.x_test, ds.y_test)  # drops the first architecture's graphs
    np.testing.assert_array_equal(deepfool(t.mlp, ds.x_test, ds.y_test), first)
    assert len(_engine._engines) == 1


def test_eight_threads_attacking_one_new_model_in_numpy_get_what_one_thread_gets(moons_fit):
    """Sessions on one lesson link share its model: their first attacks, maps and
    black-box queries run at once on a model whose NumPy network is made on first
    use. No errors, and every thread gets exactly what a thread alone gets."""
    ds, _ = moons_fit
    fresh = models.fit_mlp(ds.x_train, ds.y_train, hidden=(16, 16), epochs=5, seed=11).mlp
    alone = models.fit_mlp(ds.x_train, ds.y_train, hidden=(16, 16), epochs=5, seed=11).mlp
    jobs = [("pgd", dict(eps=0.3, seed=0, return_path=True)), ("fgsm", dict(eps=0.3)),
            ("mim", dict(eps=0.3, norm="l2")), ("square", dict(eps=0.3, seed=0, queries=50))] * 2

    def run(job, model):
        name, kw = job
        res = run_attack(name, model, ds.x_test, ds.y_test, **kw)
        return res.x_adv, res.path, projections.boundary_grid(model, (-2, 3, -2, 2), 20).proba

    expected = [run(job, alone) for job in jobs]
    start = threading.Barrier(len(jobs))

    def together(job):
        start.wait()
        return run(job, fresh)

    with ThreadPoolExecutor(len(jobs)) as pool:
        got = list(pool.map(together, jobs))  # re-raises any thread's error
    for (xa, pa, ga), (xb, pb, gb) in zip(expected, got, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ga, gb)
        assert (pa is None) == (pb is None) and (pa is None or np.array_equal(pa, pb))
