"""The claims the lessons make about their formulas hold: checked numerically on
the formula as written, and where the app implements it, on the app's code."""

from __future__ import annotations

import math

import numpy as np
import pytest

from advlab.i18n import TABLES

EN, ZH = TABLES["en"], TABLES["zh"]
rng = np.random.default_rng(0)


def cw_g(z: np.ndarray, t: int, kappa: float) -> np.ndarray:
    """The Learn page's C&W term: g = max(max_{i != t} Z_i - Z_t, -kappa), per row of logits ``z``."""
    others = np.delete(z, t, axis=1).max(axis=1)
    return np.maximum(others - z[:, t], -kappa)


@pytest.mark.parametrize("kappa", [0.0, 0.5, 2.0])
def test_cw_term_is_at_most_zero_exactly_when_the_target_has_the_top_logit(kappa):
    z = rng.normal(size=(5000, 4)) * 3
    t = 2
    g = cw_g(z, t, kappa)
    wins = z.argmax(axis=1) == t
    assert np.array_equal(g <= 0, wins)
    # below zero it keeps falling with the target's lead, and stops at -kappa
    lead = z[:, t] - np.delete(z, t, axis=1).max(axis=1)
    assert np.allclose(g[wins], -np.minimum(lead[wins], kappa))
    assert g.min() >= -kappa
    # the page says so
    assert "g ≤ 0 exactly when class t has the largest logit" in EN["ln_cw_lead2"]
    assert "only once" not in EN["ln_cw_lead2"]


def test_fgsm_maximum_is_epsilon_times_the_dual_norm():
    """Over the L-inf ball the largest g.delta is eps * ||g||_1, at a corner; over the L2 ball eps * ||g||_2."""
    d, eps = 6, 0.3
    g = rng.normal(size=d)
    corners = np.array(np.meshgrid(*[[-eps, eps]] * d)).reshape(d, -1).T
    assert math.isclose((corners @ g).max(), eps * np.abs(g).sum())
    assert math.isclose(g @ (eps * np.sign(g)), eps * np.abs(g).sum())
    sphere = rng.normal(size=(20000, d))
    sphere *= eps / np.linalg.norm(sphere, axis=1, keepdims=True)
    assert (sphere @ g).max() <= eps * np.linalg.norm(g) + 1e-12
    assert math.isclose(g @ (eps * g / np.linalg.norm(g)), eps * np.linalg.norm(g))
    assert "ε times the dual norm of g" in EN["ln_fgsm_more2"]


def test_projection_formulas_return_points_of_the_ball():
    x = rng.normal(size=(200, 5))
    moved = x + rng.normal(size=x.shape) * 2
    eps = 0.5
    p_inf = np.clip(moved, x - eps, x + eps)
    d = moved - x
    p_2 = x + d * np.minimum(1, eps / np.linalg.norm(d, axis=1, keepdims=True))
    assert np.abs(p_inf - x).max() <= eps + 1e-12
    assert np.linalg.norm(p_2 - x, axis=1).max() <= eps + 1e-12
    # points already inside stay where they are
    inside = x + d / np.linalg.norm(d, axis=1, keepdims=True) * eps / 2
    assert np.allclose(x + (inside - x) * np.minimum(1, eps / np.linalg.norm(inside - x, axis=1, keepdims=True)),
                       inside)


@pytest.fixture(scope="module")
def linear_model():
    from advlab._tf import keras

    d = 64
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(1)])
    model.layers[-1].set_weights([rng.normal(size=(d, 1)).astype(np.float32), np.zeros(1, np.float32)])
    return model


def test_linf_noise_baseline_stays_in_the_budget_with_the_stated_length(linear_model):
    """Uniform L-inf noise: inside the eps-box, L2 length about eps * sqrt(d / 3), while an FGSM step has
    eps * sqrt(d) (rb_read_curves says both)."""
    from advlab.attacks import fgsm, noise

    d, eps = 64, 0.2
    x = rng.normal(size=(2000, d)).astype(np.float32)
    y = np.zeros(len(x), np.int64)
    delta = noise(linear_model, x, y, eps=eps, norm="linf", seed=1) - x
    assert np.abs(delta).max() <= eps + 1e-6
    l2 = np.linalg.norm(delta, axis=1)
    assert abs(l2.mean() / (eps * math.sqrt(d / 3)) - 1) < 0.02
    step = fgsm(linear_model, x, y, eps=eps, norm="linf") - x
    assert np.allclose(np.linalg.norm(step, axis=1), eps * math.sqrt(d), rtol=1e-4)
    assert "ε·√(d/3)" in EN["rb_read_curves"] and "ε·√(d/3)" in ZH["rb_read_curves"]
    # L2 noise has exactly the budget's length
    delta2 = noise(linear_model, x, y, eps=eps, norm="l2", seed=1) - x
    assert np.allclose(np.linalg.norm(delta2, axis=1), eps, rtol=1e-4)


@pytest.mark.parametrize("d", [2, 20, 64])
def test_noise_part_along_the_attack_direction_is_as_the_robustness_page_says(d):
    """rb_shape_noise_flat: along a fixed unit direction, L2 noise of length eps has a part of typical size
    eps / sqrt(d) and uniform L-inf noise one of eps / sqrt(3), in any dimension; symmetric noise points away
    half of the time."""
    eps, n = 1.0, 200_000
    u = rng.normal(size=d)
    u /= np.linalg.norm(u)
    g = rng.normal(size=(n, d))
    l2 = eps * g / np.linalg.norm(g, axis=1, keepdims=True) @ u
    linf = rng.uniform(-eps, eps, size=(n, d)) @ u
    assert abs(np.sqrt(np.mean(l2**2)) * math.sqrt(d) / eps - 1) < 0.02
    assert abs(np.sqrt(np.mean(linf**2)) * math.sqrt(3) / eps - 1) < 0.02
    assert abs(np.mean(l2 > 0) - 0.5) < 0.01 and abs(np.mean(linf > 0) - 0.5) < 0.01
