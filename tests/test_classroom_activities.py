"""The activities' scores are computed on the server from what the student changed: the painted
digit and the moved point are rebuilt and measured here, and bad submissions get a named refusal."""

from __future__ import annotations

import numpy as np
import pytest

from advlab.attacks import predict
from advlab.classroom import activities
from advlab.classroom.errors import ClassError
from advlab.config import DataConfig, DigitsNetConfig, NetConfig
from advlab.models import fit_mlp


@pytest.fixture(scope="module")
def digits():
    ds = DataConfig(dataset="digits").load()
    return ds, fit_mlp(ds.x_train, ds.y_train, **DigitsNetConfig().fit_kwargs()).model


@pytest.fixture(scope="module")
def moons():
    ds = DataConfig().load()
    return ds, fit_mlp(ds.x_train, ds.y_train, **NetConfig().fit_kwargs()).model


def test_painting_inks_blank_pixels_and_clears_inked_ones():
    x0 = np.zeros(64, np.float32)
    x0[[3, 4]] = [0.8, 0.3]
    x = activities.painted(x0, [3, 4, 10, 10])  # a pixel named twice is toggled once
    assert x[3] == 0.0 and x[4] == 1.0 and x[10] == 1.0
    assert np.count_nonzero(x != x0) == 3
    assert x0[3] == pytest.approx(0.8), "the original is not changed"


@pytest.mark.parametrize("bad", [[64], [-1], [1.5], ["3"], [True], [None]])
def test_pixels_outside_the_grid_are_refused(bad):
    with pytest.raises(ClassError) as e:
        activities.toggled_pixels(bad)
    assert e.value.key == "cl_err_pixels" and "0 to 63" in str(e.value)


def test_digit_score_is_the_change_the_server_measures(digits):
    ds, model = digits
    i = activities.pick(model, ds.x_test, ds.y_test, seed=3)
    x0, label = ds.x_test[i], int(ds.y_test[i])
    toggles = [0, 9, 27]
    s = activities.score_digit(model, original=x0, label=label, toggled=toggles)
    x = activities.painted(x0, toggles)
    assert s.l2 == pytest.approx(float(np.linalg.norm(x - x0)))
    assert s.pixels == 3 and s.pred == int(predict(model, x[None])[0])
    assert s.fooled == (s.pred != label)
    none = activities.score_digit(model, original=x0, label=label, toggled=[])
    assert (none.l2, none.pixels, none.fooled) == (0.0, 0, False)


def test_the_same_seed_picks_the_same_confident_image(digits):
    ds, model = digits
    a = activities.pick(model, ds.x_test, ds.y_test, seed=11)
    assert a == activities.pick(model, ds.x_test, ds.y_test, seed=11)
    assert len({activities.pick(model, ds.x_test, ds.y_test, seed=s) for s in range(8)}) > 1
    p = activities.proba(model, ds.x_test[a:a + 1])[0]
    assert p.argmax() == ds.y_test[a] and p.max() >= 0.9


def test_point_score_and_deepfools_answer(moons):
    ds, model = moons
    i = activities.pick(model, ds.x_test, ds.y_test, seed=0, min_conf=0.8, lim=2.5)
    x0, label = ds.x_test[i], int(ds.y_test[i])
    assert np.all(np.abs(x0) <= 2.5)
    stay = activities.score_point(model, original=x0, label=label, point=x0)
    assert (stay.l2, stay.fooled) == (0.0, False)
    atk = activities.attack_answer(model, original=x0, label=label)
    assert atk.fooled and atk.pixels is None
    past = activities.score_point(model, original=x0, label=label, point=x0 + 1.2 * (atk.x - x0))
    assert past.fooled and past.l2 == pytest.approx(1.2 * atk.l2, rel=1e-4)
    # DeepFool's move is about the shortest: the same length in other directions rarely crosses
    rng = np.random.default_rng(0)
    dirs = rng.normal(size=(200, 2))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    crossed = predict(model, (x0 + 0.9 * atk.l2 * dirs).astype(np.float32)) != label
    assert crossed.mean() < 0.2


@pytest.mark.parametrize("bad", [(0.0,), (0.0, 1.0, 2.0), ("a", 1), (float("nan"), 0), (0, 3.5), (-9, 0), None])
def test_points_off_the_map_are_refused(moons, bad):
    ds, model = moons
    with pytest.raises(ClassError) as e:
        activities.score_point(model, original=ds.x_test[0], label=int(ds.y_test[0]), point=bad)
    assert e.value.key == "cl_err_point"


def test_attack_answer_on_a_digit_stays_in_pixel_range(digits):
    ds, model = digits
    i = activities.pick(model, ds.x_test, ds.y_test, seed=5)
    atk = activities.attack_answer(model, original=ds.x_test[i], label=int(ds.y_test[i]), clip=(0.0, 1.0))
    assert atk.fooled and 0.0 <= atk.x.min() and atk.x.max() <= 1.0
    assert atk.pixels >= 1 and atk.l2 > 0
