"""Datasets: every name loads, 2-D sets are standardized, seeds reproduce, bad
arguments get a message naming the argument, and the blog data is the blog's."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from advlab import data


def naming(param: str) -> str:
    """``pytest.raises(match=...)`` pattern: the message names ``param`` as a word."""
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


@pytest.mark.parametrize("name", data.ALL)
def test_every_dataset_loads_with_consistent_shapes(name):
    ds = data.load(name)
    assert ds.name == name
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert x.dtype == np.float32 and x.ndim == 2 and x.shape[1] == ds.n_features
        assert y.dtype == np.int64 and y.shape == (x.shape[0],)
        assert np.all(np.isfinite(x))
        assert set(np.unique(y)) <= set(range(ds.n_classes))
    assert len(ds.feature_names) == ds.n_features
    # every class shows up in training, or a model could never learn it
    assert set(np.unique(ds.y_train)) == set(range(ds.n_classes))


@pytest.mark.parametrize("name", data.TWO_D)
def test_2d_sets_are_standardized_on_the_training_split(name):
    ds = data.load(name, n_samples=300, seed=3)
    assert ds.n_features == 2 and ds.clip is None
    # epsilon is measured in standard deviations, so this is what gives it meaning
    np.testing.assert_allclose(ds.x_train.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(ds.x_train.std(0), 1, atol=1e-3)
    assert len(ds.x_train) + len(ds.x_test) == 300


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_blobs_has_the_requested_number_of_classes(k):
    ds = data.load("blobs", n_classes=k)
    assert ds.n_classes == k
    assert set(np.unique(ds.y_train)) == set(range(k))
    assert set(np.unique(ds.y_test)) == set(range(k))


@pytest.mark.parametrize("name", data.TWO_D)
def test_same_seed_same_points_other_seed_other_points(name):
    a = data.load(name, seed=7)
    b = data.load(name, seed=7)
    c = data.load(name, seed=8)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_noise_changes_the_points():
    assert not np.array_equal(data.load("moons", noise=0.0).x_train, data.load("moons", noise=0.5).x_train)


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"name": "mnist"}, "name"),
    ({"n_samples": 10}, "n_samples"),
    ({"noise": -1}, "noise"),
    ({"noise": float("nan")}, "noise"),
    ({"name": "blobs", "n_classes": 7}, "n_classes"),
    ({"name": "blobs", "n_classes": 1}, "n_classes"),
    ({"seed": -1}, "seed"),
    ({"n_samples": 100.5}, "n_samples"),
])
def test_bad_arguments_raise_a_message_naming_them(kwargs, param):
    with pytest.raises(ValueError, match=naming(param)):
        data.load(**kwargs)


def test_blog_data_is_the_blog_posts_setting():
    ds = data.blog_data()
    assert ds.x_train.shape == (800, 20) and ds.x_test.shape == (200, 20)
    assert ds.n_classes == 2
    # the blog's own pipeline, written out independently
    x, y = make_classification(n_samples=1000, n_features=20, n_informative=10, n_redundant=10, random_state=42)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=42)
    sc = StandardScaler().fit(x_tr)
    np.testing.assert_allclose(ds.x_train, sc.transform(x_tr), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ds.x_test, sc.transform(x_te), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(ds.y_train, y_tr)
    np.testing.assert_array_equal(ds.y_test, y_te)


def test_blog_feature_roles_are_ten_informative_and_ten_redundant():
    roles = data.blog_data().info["roles"]
    assert len(roles) == 20
    assert roles.count("informative") == 10 and roles.count("redundant") == 10


def test_digits_are_images_in_the_unit_box():
    ds = data.digits_data()
    assert ds.clip == (0.0, 1.0) and ds.image_shape == (8, 8) and ds.n_features == 64
    assert ds.n_classes == 10
    assert ds.x_train.min() >= 0 and ds.x_train.max() <= 1
    assert ds.x_train.max() == 1  # scaled from 0..16, not squashed further


@pytest.mark.parametrize("name", data.TWO_D)
def test_2d_sets_are_scikit_learns_value_for_value(name):
    """The 2-D sets are made, split and scaled in NumPy (a fresh server's first page
    imports no scikit-learn); a lesson link must still show the very points it
    showed when scikit-learn made them: make_moons / make_circles / make_blobs,
    then train_test_split(stratify=y) and a StandardScaler fit on the training part."""
    from sklearn import datasets as skd

    for n, noise, seed, test_size in ((400, 0.2, 0, 0.3), (121, 0.0, 7, 0.05), (777, 0.55, 9999, 0.9)):
        ds = data.load(name, n_samples=n, noise=noise, seed=seed, n_classes=4, test_size=test_size)
        gen = data.DATASETS[name][0]
        if name == "moons":
            x, y = skd.make_moons(n_samples=n, noise=noise, random_state=seed)
        elif name == "circles":
            x, y = skd.make_circles(n_samples=n, noise=noise, factor=0.5, random_state=seed)
        else:
            x, y = gen(n, noise, seed, 4)
        x_tr, x_te, y_tr, y_te = train_test_split(np.asarray(x, np.float64), np.asarray(y, np.int64),
                                                  test_size=test_size, random_state=seed, stratify=y)
        scaler = StandardScaler().fit(x_tr)
        np.testing.assert_array_equal(ds.x_train, scaler.transform(x_tr).astype(np.float32))
        np.testing.assert_array_equal(ds.x_test, scaler.transform(x_te).astype(np.float32))
        np.testing.assert_array_equal(ds.y_train, y_tr)
        np.testing.assert_array_equal(ds.y_test, y_te)
