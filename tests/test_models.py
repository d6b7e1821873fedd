"""The MLP trainer: Keras models that output logits, reproducible training,
a progress callback, argument checks, and accuracy on par with Keras' own fit."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from advlab import data, models
from advlab._tf import keras, tf
from advlab.attacks import predict


def naming(param: str) -> str:
    """``pytest.raises(match=...)`` pattern: the message names ``param`` as a word."""
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


def weights_equal(a, b) -> bool:
    wa, wb = a.get_weights(), b.get_weights()
    return len(wa) == len(wb) and all(np.array_equal(u, v) for u, v in zip(wa, wb))


def test_binary_model_outputs_one_logit(binary_case):
    z = binary_case.model(binary_case.x, training=False).numpy()
    assert isinstance(binary_case.model, keras.Model)
    assert z.shape == (len(binary_case.x), 1)


@pytest.mark.parametrize(("fixture", "k"), [("multi_case", 3), ("digits_case", 10)])
def test_multiclass_model_outputs_one_logit_per_class(request, fixture, k):
    c = request.getfixturevalue(fixture)
    assert c.model(c.x, training=False).numpy().shape == (len(c.x), k)


def test_outputs_are_logits_not_probabilities(binary_case, multi_case):
    for c in (binary_case, multi_case):
        assert c.model.layers[-1].activation.__name__ == "linear"
        z = c.model(c.x, training=False).numpy()
        # a trained net is confident: logits leave [0, 1] on both sides
        assert z.min() < 0 and z.max() > 1
        if z.shape[1] > 1:
            assert not np.allclose(z.sum(1), 1)


def test_trained_models_learn_their_data(binary_case, multi_case, digits_case):
    for c in (binary_case, multi_case, digits_case):
        chance = np.bincount(c.y).max() / len(c.y)
        assert c.accuracy() > chance + 0.3


def test_blog_model_reaches_the_blog_accuracy(blog_case):
    assert blog_case.accuracy() >= 0.92


def test_same_arguments_and_seed_give_identical_weights():
    ds = data.load("moons", seed=1)
    kw = dict(hidden=(16, 8), epochs=5, seed=3)
    a = models.train_mlp(ds.x_train, ds.y_train, **kw)
    b = models.train_mlp(ds.x_train, ds.y_train, **kw)
    c = models.train_mlp(ds.x_train, ds.y_train, **{**kw, "seed": 4})
    assert weights_equal(a, b)
    assert not weights_equal(a, c)


def test_on_epoch_reports_every_epoch_with_loss_accuracy_and_weights():
    ds = data.load("moons", seed=0)
    seen = []
    tr = models.fit_mlp(ds.x_train, ds.y_train, hidden=(8,), epochs=7,
                        on_epoch=lambda epoch, logs: seen.append((epoch, logs)))
    assert [e for e, _ in seen] == list(range(1, 8))
    for _, logs in seen:
        assert np.isfinite(logs["loss"]) and 0 <= logs["accuracy"] <= 1
        assert [w.shape for w in logs["weights"]] == [w.shape for w in tr.model.get_weights()]
    # the last epoch's weights are the model's weights
    assert all(np.array_equal(u, v) for u, v in zip(seen[-1][1]["weights"], tr.model.get_weights()))
    assert [h["loss"] for h in tr.history] == [logs["loss"] for _, logs in seen]


def test_loss_decreases_and_accuracy_rises():
    ds = data.load("moons", seed=0)
    hist = models.fit_mlp(ds.x_train, ds.y_train, epochs=30).history
    loss = [h["loss"] for h in hist]
    assert loss[-1] < 0.5 * loss[0]
    assert hist[-1]["accuracy"] > hist[0]["accuracy"]


def test_l2_shrinks_the_weights():
    ds = data.load("moons", seed=0)
    plain = models.train_mlp(ds.x_train, ds.y_train, epochs=20)
    decayed = models.train_mlp(ds.x_train, ds.y_train, epochs=20, l2=0.05)
    def kernels(m):
        return sum(float(np.sum(w ** 2)) for w in m.get_weights() if w.ndim == 2)
    assert kernels(decayed) < 0.5 * kernels(plain)


@pytest.mark.parametrize("activation", models.ACTIVATIONS)
def test_every_activation_trains(activation):
    ds = data.load("linear", seed=0)
    m = models.train_mlp(ds.x_train, ds.y_train, hidden=(16,), activation=activation, epochs=20, lr=0.01)
    assert m.layers[0].activation.__name__ == activation
    assert np.mean(predict(m, ds.x_test) == ds.y_test) > 0.8


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"hidden": ()}, "hidden"),
    ({"hidden": (8, 8, 8, 8, 8)}, "hidden"),
    ({"hidden": (8, 0)}, "hidden width"),
    ({"activation": "elu"}, "activation"),
    ({"epochs": 0}, "epochs"),
    ({"lr": 0}, "lr"),
    ({"batch_size": 0}, "batch_size"),
    ({"l2": -1}, "l2"),
    ({"seed": -1}, "seed"),
])
def test_bad_arguments_raise_a_message_naming_them(kwargs, param):
    ds = data.load("moons")
    with pytest.raises(ValueError, match=naming(param)):
        models.train_mlp(ds.x_train, ds.y_train, **kwargs)


def test_bad_data_raises_a_message_naming_it():
    ds = data.load("moons")
    x = ds.x_train.copy()
    x[3, 1] = np.nan
    with pytest.raises(ValueError, match=naming("x")):
        models.train_mlp(x, ds.y_train)
    with pytest.raises(ValueError, match=naming("y")):
        models.train_mlp(ds.x_train, ds.y_train[:-1])
    with pytest.raises(ValueError, match=naming("y")):
        models.train_mlp(ds.x_train, np.zeros_like(ds.y_train))  # one class: nothing to learn


@pytest.mark.parametrize("seed", [0, 1])
def test_huge_learning_rate_is_reported_as_divergence(seed):
    ds = data.blog_data()
    with pytest.raises(models.TrainingDiverged, match="learning rate") as err:
        models.train_mlp(ds.x_train, ds.y_train, lr=10, seed=seed)
    assert isinstance(err.value, ValueError)  # pages catch ValueError for every bad setting
    assert err.value.epoch >= 1 and err.value.lr == 10


def test_a_sane_learning_rate_is_not_divergence():
    # the blow-up check must not fire on an ordinary, somewhat bumpy run
    ds = data.blog_data()
    models.train_mlp(ds.x_train, ds.y_train, lr=0.1, epochs=5)


def test_accuracy_matches_keras_fit_on_the_blog_data():
    # The NumPy loop claims to do Keras' mathematics; the blog's own Keras recipe is the reference.
    ds = data.blog_data()
    keras.utils.set_random_seed(0)
    ref = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                            keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
    ref.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    ref.fit(ds.x_train, ds.y_train, epochs=10, batch_size=32, verbose=0)
    keras_acc = np.mean((ref(ds.x_test, training=False).numpy()[:, 0] > 0.5) == ds.y_test)
    ours = models.train_mlp(ds.x_train, ds.y_train, hidden=(64, 32), epochs=10, batch_size=32, lr=1e-3)
    ours_acc = np.mean(predict(ours, ds.x_test) == ds.y_test)
    assert abs(ours_acc - keras_acc) <= 0.02, (ours_acc, keras_acc)


def test_layers_have_explicit_names():
    # Keras' automatic names come from a counter that Streamlit's clear_session() resets under the feet of
    # other sessions; a Sequential with two layers of one name cannot be built.
    ds = data.load("moons", seed=0)
    m = models.train_mlp(ds.x_train, ds.y_train, hidden=(8, 4, 4), epochs=1)
    assert [layer.name for layer in m.layers] == ["hidden_0", "hidden_1", "hidden_2", "logits"]
    assert m.name == "mlp"


def test_models_train_from_eight_threads_at_once_as_they_do_alone():
    ds = data.load("moons", seed=0)
    jobs = [dict(hidden=(8 + i % 3,) * (1 + i % 2), activation=models.ACTIVATIONS[i % 3], epochs=4, seed=i)
            for i in range(8)]
    jobs[7] = dict(jobs[0])  # two threads with the same architecture and seed at once
    alone = [models.fit_mlp(ds.x_train, ds.y_train, **kw) for kw in jobs]
    start = threading.Barrier(len(jobs))

    def train(kw):
        start.wait()
        return models.fit_mlp(ds.x_train, ds.y_train, **kw)

    with ThreadPoolExecutor(len(jobs)) as pool:
        together = list(pool.map(train, jobs))  # re-raises any thread's error
    for a, b in zip(alone, together, strict=True):
        assert weights_equal(a.model, b.model)
        assert a.history == b.history
        np.testing.assert_array_equal(a.model(ds.x_test, training=False).numpy(),
                                      b.model(ds.x_test, training=False).numpy())


@pytest.mark.parametrize(("activation", "k"), [("relu", 2), ("tanh", 3), ("sigmoid", 4)])
def test_the_numpy_mlp_is_the_keras_model(activation, k):
    # one NumPy model: the boundary drawn mid-training and the attacks inside adversarial training
    # use the network the trainer trains, which is the Keras model it returns
    rng = np.random.default_rng(0)
    spec = models.MLPSpec(3, (16, 8), activation, models.n_outputs(k))
    w = models.NumpyMLP(spec, rng).weights()
    keras_model = models.to_keras(spec, w)
    x = rng.normal(size=(50, 3)).astype(np.float32)
    y = rng.integers(0, k, size=50)
    z = keras_model(x, training=False)
    np.testing.assert_allclose(models.numpy_logits(spec, w, x), z.numpy(), rtol=1e-5, atol=1e-5)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        z = keras_model(xt, training=False)
        if k == 2:
            ce = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y, tf.float32), logits=z[:, 0])
        else:
            ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(y), logits=z)
        total = tf.reduce_sum(ce)  # rows are independent: its gradient is each point's own
    net = models.NumpyMLP(spec, weights=w)
    np.testing.assert_allclose(net.input_grad(x, y), tape.gradient(total, xt).numpy(), rtol=1e-4, atol=1e-6)


def test_numpy_mlp_checks_its_weights():
    spec = models.MLPSpec(2, (4,), "relu", 1)
    with pytest.raises(ValueError, match="shapes"):
        models.NumpyMLP(spec, weights=[np.zeros((2, 4)), np.zeros(4)])
    with pytest.raises(ValueError, match="either rng"):
        models.NumpyMLP(spec)


def test_the_benchmarked_keras_loop_trains_the_same_network():
    # make bench times this loop against fit_mlp to decide which one advlab trains with (README, Speed);
    # the comparison is fair only while the two compute the same network
    from benchmarks import keras_loop

    ds = data.load("blobs", n_samples=200, n_classes=3, seed=0)
    kw = dict(hidden=(8, 8), activation="tanh", epochs=4, batch_size=16, lr=0.01, l2=0.001, seed=2)
    seen = []
    ours = models.fit_mlp(ds.x_train, ds.y_train, **kw)
    theirs = keras_loop.fit(ds.x_train, ds.y_train, on_epoch=lambda ep, logs: seen.append(ep), **kw)
    assert seen == [1, 2, 3, 4]
    for u, w in zip(ours.model.get_weights(), theirs.model.get_weights(), strict=True):
        np.testing.assert_allclose(u, w, atol=1e-4)
    np.testing.assert_allclose([h["loss"] for h in ours.history], [h["loss"] for h in theirs.history], rtol=1e-4)
    blog = data.blog_data()
    with pytest.raises(models.TrainingDiverged):
        keras_loop.fit(blog.x_train, blog.y_train, lr=10)
