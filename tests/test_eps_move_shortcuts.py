"""Shortcuts that keep an ε move cheap give what the slower way gave: the PCA
picture from a basis fitted once, and one point's probabilities computed in
NumPy instead of the compiled graph."""

from __future__ import annotations

import numpy as np
import pytest

from advlab import models, projections, seedlab
from advlab.attacks import fgsm, proba
from advlab.config import DataConfig


@pytest.fixture(scope="module")
def blog():
    ds = DataConfig(dataset="blog").load()
    trained = models.fit_mlp(ds.x_train, ds.y_train, hidden=(16, 8), epochs=2, seed=1)
    return ds, trained


def test_pca_from_a_fitted_basis_is_the_pca_picture(blog):
    ds, trained = blog
    x = ds.x_test[:50]
    basis = seedlab.pca_basis(ds.x_train)
    for eps in (0.0, 0.1, 0.5):
        x_adv = fgsm(trained.model, x, ds.y_test[:50], eps=eps) if eps else x.copy()
        want = projections.pca_projection(ds.x_train, x, x_adv)
        got = seedlab.pca_view(basis, x, x_adv)
        np.testing.assert_allclose(got.clean, want.clean, atol=1e-9)
        np.testing.assert_allclose(got.adv, want.adv, atol=1e-9)
        np.testing.assert_allclose(got.explained, want.explained)
        assert got.in_plane == pytest.approx(want.in_plane)


def test_pca_view_names_what_is_wrong(blog):
    ds, _ = blog
    basis = seedlab.pca_basis(ds.x_train)
    with pytest.raises(ValueError, match="x_adv"):
        seedlab.pca_view(basis, ds.x_test[:5], ds.x_test[:4])
    with pytest.raises(ValueError, match="features"):
        seedlab.pca_view(basis, ds.x_test[:5, :3], ds.x_test[:5, :3])


def test_point_probabilities_in_numpy_match_the_model(blog):
    ds, trained = blog
    x = ds.x_test[:7]
    got = seedlab.point_proba(trained.spec, trained.model.get_weights(), x)
    np.testing.assert_allclose(got, proba(trained.model, x), atol=1e-5)
    assert got.shape == (7, 2) and np.allclose(got.sum(1), 1)


def test_a_few_points_probabilities_match_the_model_for_ten_classes_too():
    from advlab.ui import lessons

    ds = DataConfig(dataset="digits").load()
    trained = models.fit_mlp(ds.x_train, ds.y_train, hidden=(32,), epochs=2, seed=2)
    x = ds.x_test[:16]
    want = proba(trained.model, x)
    stored = lessons.Stored(("test-digits", 2), trained)
    got = lessons.few_proba(stored, x)
    np.testing.assert_allclose(got, want, atol=1e-5)
    assert (got.argmax(1) == want.argmax(1)).all()
    # a model stored without its spec is asked through the compiled graph
    np.testing.assert_allclose(lessons.few_proba(lessons.Stored(("test-plain", 2), trained.model), x), want)
