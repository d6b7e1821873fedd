"""Every threat model: the query counts every attack reports, and the attacks
that need less than a gradient (scores, labels) or attack in another way (a
trained generator, one universal perturbation, a few features changed), each
held to the strength its paper promises on the lab's data."""

from __future__ import annotations

import re

import numpy as np
import pytest

from advlab import attacks
from advlab.attacks import ATTACKS, KNOWS, run_attack


def naming(param: str) -> str:
    """``pytest.raises(match=...)`` pattern: the message names ``param`` as a word."""
    return rf"(?<![\w.]){re.escape(param)}(?!\w)"


def accuracy(model, x, y) -> float:
    return float(np.mean(attacks.predict(model, x) == y))


# ---------------------------------------------------------------- queries ---

def test_every_attack_says_what_its_attacker_knows():
    for key, spec in ATTACKS.items():
        assert spec.knows in KNOWS, key
    assert ATTACKS["noise"].knows == "nothing"
    assert ATTACKS["pgd"].knows == "gradients"


def test_gradient_attacks_count_their_forward_and_backward_passes(case):
    c = case
    n = len(c.x)
    r = run_attack("fgsm", c.model, c.x, c.y, eps=0.1)
    np.testing.assert_array_equal(r.queries, np.full(n, 2))
    np.testing.assert_array_equal(r.grad_queries, np.ones(n))
    # PGD: a gradient per step and one last check, per restart
    r = run_attack("pgd", c.model, c.x, c.y, eps=0.1, steps=7, restarts=2)
    np.testing.assert_array_equal(r.grad_queries, np.full(n, 14))
    np.testing.assert_array_equal(r.queries, np.full(n, 14 + 16))
    assert r.mean_queries == 30
    assert r.trace is None and r.query_curve() is None
    # noise never asks the model
    r = run_attack("noise", c.model, c.x, c.y, eps=0.1)
    np.testing.assert_array_equal(r.queries, np.zeros(n))


def test_deepfool_counts_a_jacobian_per_linearization(multi_case):
    c = multi_case
    r = run_attack("deepfool", c.model, c.x, c.y)
    forward = r.queries - r.grad_queries
    assert forward.min() >= 2  # the prediction, then at least one linearization
    np.testing.assert_array_equal(r.grad_queries, 3 * (forward - 1))  # three logits: three backward passes each


def test_count_queries_works_outside_run_attack(binary_case):
    c = binary_case
    with attacks.count_queries() as log:
        attacks.bim(c.model, c.x, c.y, eps=0.2, steps=4)
    np.testing.assert_array_equal(log.backward, np.full(len(c.x), 4))
    # no log, no counting, no cost
    attacks.bim(c.model, c.x, c.y, eps=0.2, steps=4)
    assert log.queries.sum() == 9 * len(c.x)


def test_l0_is_a_norm_only_for_the_attacks_that_measure_it(binary_case):
    c = binary_case
    with pytest.raises(ValueError, match=naming("norm")):
        run_attack("fgsm", c.model, c.x, c.y, eps=0.1, norm="l0")
    # the L2-only attacks without epsilon still run in L2 whatever known norm comes in
    assert run_attack("deepfool", c.model, c.x, c.y, norm="l0").params["norm"] == "l2"


# ----------------------------------------------------------------- Square ---

@pytest.mark.parametrize("eps", [0.1, 0.25, 0.5])
def test_square_with_scores_only_comes_within_a_tenth_of_pgd(blog_case, eps):
    c = blog_case
    pgd = accuracy(c.model, attacks.pgd(c.model, c.x, c.y, eps=eps, steps=40), c.y)
    r = run_attack("square", c.model, c.x, c.y, eps=eps, queries=1000)
    assert r.adv_accuracy <= pgd + 0.10, (r.adv_accuracy, pgd)
    assert r.adv_accuracy < c.accuracy() - 0.05 or eps < 0.2
    # it never asked for a gradient, at most 1,000 questions per point, and a fooled point stops asking
    assert r.grad_queries.sum() == 0
    assert r.queries.max() <= 1000 and r.queries.min() >= 1
    assert np.all(r.queries[r.success] < 1000) or not r.success.any()


def test_square_l2_keeps_the_budget_and_is_strong(blog_case):
    c = blog_case
    r = run_attack("square", c.model, c.x, c.y, eps=1.0, norm="l2")
    pgd = accuracy(c.model, attacks.pgd(c.model, c.x, c.y, eps=1.0, norm="l2"), c.y)
    assert r.l2.max() <= 1.0 + 1e-5
    assert r.adv_accuracy <= pgd + 0.10


def test_square_on_image_squares(digits_case):
    c = digits_case
    r = run_attack("square", c.model, c.x, c.y, eps=0.2, clip=c.clip, image_shape=(8, 8), queries=500)
    assert r.x_adv.min() >= 0 and r.x_adv.max() <= 1 and r.linf.max() <= 0.2 + 1e-6
    assert r.success_rate > 0.9


def test_square_trace_and_path_show_the_blind_walk(binary_case):
    c = binary_case
    queries = 1000
    out, path = attacks.square(c.model, c.x, c.y, eps=0.3, queries=queries, return_path=True)
    assert 2 <= path.shape[0] <= 202 and path.shape[1:] == c.x.shape
    np.testing.assert_array_equal(path[-1], out)
    assert np.abs(path - c.x[None]).max() <= 0.3 + 1e-6
    r = run_attack("square", c.model, c.x, c.y, eps=0.3, queries=queries, return_path=True)
    np.testing.assert_array_equal(r.path, path)
    assert r.trace.queries.shape == (path.shape[0], len(c.x))  # a frame of the path per row of the trace
    curve = r.query_curve()
    assert set(curve) == {"queries", "accuracy", "success", "distance"}
    assert len({len(a) for a in curve.values()}) == 1
    assert np.all(np.diff(curve["success"]) >= 0) and np.all(np.diff(curve["queries"]) >= 0)
    assert curve["success"][-1] == pytest.approx(r.success_rate)
    assert curve["accuracy"][-1] == pytest.approx(r.adv_accuracy)


def test_square_bad_arguments(binary_case):
    c = binary_case
    for param, kw in [("queries", dict(queries=0)), ("p_init", dict(p_init=0.0)), ("p_init", dict(p_init=1.5)),
                      ("image_shape", dict(image_shape=(3, 3)))]:
        with pytest.raises(ValueError, match=naming(param)):
            attacks.square(c.model, c.x, c.y, eps=0.3, **kw)


# ------------------------------------------------------------ HopSkipJump ---

def correct(c, x=None, y=None):
    x = c.x if x is None else x
    y = c.y if y is None else y
    ok = attacks.predict(c.model, x) == y
    return x[ok], y[ok]


@pytest.mark.parametrize("which", ["binary_case", "multi_case", "blog_case", "digits_case"])
def test_hopskipjump_with_labels_only_always_fools_and_stays_near_deepfool(request, which):
    c = request.getfixturevalue(which)
    x, y = correct(c)
    r = run_attack("hopskipjump", c.model, x, y, clip=c.clip, queries=1000)
    assert r.success.all()
    assert r.grad_queries.sum() == 0 and r.queries.max() <= 1000
    df = np.linalg.norm(attacks.deepfool(c.model, x, y, clip=c.clip) - x, axis=1)
    assert np.median(r.l2) <= 1.5 * np.median(df), (np.median(r.l2), np.median(df))
    if c.clip:
        assert r.x_adv.min() >= 0 and r.x_adv.max() <= 1


def test_hopskipjump_distance_shrinks_with_queries(blog_case):
    c = blog_case
    x, y = correct(c)
    r = run_attack("hopskipjump", c.model, x, y, queries=2000)
    curve = r.query_curve()
    assert np.all(curve["success"] == 1.0)
    assert np.all(np.diff(curve["distance"]) <= 1e-9)
    assert curve["distance"][-1] < 0.8 * curve["distance"][0]
    assert curve["queries"][-1] <= 2000
    # and a larger budget never ends further away
    small = run_attack("hopskipjump", c.model, x, y, queries=300)
    assert np.median(r.l2) <= np.median(small.l2)


def test_hopskipjump_path_starts_at_x_and_holds_the_answer(binary_case):
    c = binary_case
    out, path = attacks.hopskipjump(c.model, c.x, c.y, queries=400, return_path=True)
    n, d = c.x.shape
    assert path.ndim == 3 and path.shape[1:] == (n, d) and path.shape[0] >= 4
    np.testing.assert_array_equal(path[0], c.x)
    assert np.all(np.any(np.all(np.abs(path - out[None]) < 1e-6, axis=2), axis=0))


def test_hopskipjump_leaves_misclassified_points_alone_and_keeps_a_tiny_budget(binary_case):
    c = binary_case
    pred = attacks.predict(c.model, c.x)
    r = run_attack("hopskipjump", c.model, c.x, c.y, queries=1)
    np.testing.assert_array_equal(r.queries, np.ones(len(c.x)))
    # one question per point: its own label; the only adversarial points it can offer
    # are other points of the batch, whose labels their own questions revealed
    from_batch = np.all(np.any(np.all(r.x_adv[:, None, :] == c.x[None, :, :], axis=2), axis=1))
    assert from_batch
    r = run_attack("hopskipjump", c.model, c.x, c.y)
    wrong = pred != c.y
    np.testing.assert_array_equal(r.x_adv[wrong], c.x[wrong])
    with pytest.raises(ValueError, match=naming("queries")):
        attacks.hopskipjump(c.model, c.x, c.y, queries=0)


# ------------------------------------------------------------------- JSMA ---

def test_jsma_fools_digits_changing_at_most_ten_pixels(digits_case):
    c = digits_case
    x, y = correct(c)
    r = run_attack("jsma", c.model, x, y, clip=c.clip, features=10, norm="linf")
    assert r.params["norm"] == "l0"
    assert r.l0.max() <= 10
    assert r.success_rate >= 0.8, r.success_rate
    assert np.median(r.l0) <= 6
    # few pixels, changed by a lot: with theta = 1 every changed pixel ends black or white
    changed = np.abs(r.x_adv - x) > 1e-6
    assert np.all((r.x_adv[changed] == 0) | (r.x_adv[changed] == 1))
    assert r.grad_queries.min() >= 10  # a Jacobian (ten logits) at least once


@pytest.mark.parametrize("budget", [1, 3])
def test_jsma_keeps_its_l0_budget(blog_case, budget):
    c = blog_case
    out = attacks.jsma(c.model, c.x, c.y, features=budget)
    assert (np.abs(out - c.x) > 1e-6).sum(1).max() <= budget
    assert accuracy(c.model, out, c.y) < c.accuracy()


def test_jsma_targeted_on_digits(digits_case):
    c = digits_case
    x, y = correct(c)
    tgt = (y + 1) % 10
    out = attacks.jsma(c.model, x, y, features=12, targeted=True, target=tgt, clip=c.clip)
    assert np.mean(attacks.predict(c.model, out) == tgt) > 0.6


def test_jsma_path_steps_through_the_changes(multi_case):
    c = multi_case
    out, path = attacks.jsma(c.model, c.x, c.y, features=4, return_path=True)
    assert path.shape == (5, *c.x.shape)
    np.testing.assert_array_equal(path[0], c.x)
    np.testing.assert_array_equal(path[-1], out)
    np.testing.assert_array_equal(out, attacks.jsma(c.model, c.x, c.y, features=4))
    # each step changes at most two features of a point
    assert ((np.abs(np.diff(path, axis=0)) > 1e-6).sum(2) <= 2).all()


def test_jsma_bad_arguments(binary_case):
    c = binary_case
    for param, kw in [("features", dict(features=0)), ("theta", dict(theta=0.0)), ("theta", dict(theta=-1))]:
        with pytest.raises(ValueError, match=naming(param)):
            attacks.jsma(c.model, c.x, c.y, **kw)


# -------------------------------------------------------------- universal ---

def test_one_universal_perturbation_fools_most_unseen_digits(digits_case):
    c = digits_case
    up = attacks.fit_universal(c.model, c.ds.x_train, eps=0.3, clip=c.clip)
    assert up.vector.shape == (64,) and np.abs(up.vector).max() <= 0.3 + 1e-6
    held_out = up.fooling_rate_on(c.model, c.x, clip=c.clip)
    assert held_out >= 0.7, held_out
    # applied as it is: the same vector for every image, and no question to the model
    r = run_attack("universal", c.model, c.x, c.y, eps=0.3, clip=c.clip, perturbation=up)
    np.testing.assert_array_equal(r.x_adv, np.clip(c.x + up.vector, 0, 1))
    assert r.queries.sum() == 0
    assert r.info["fooling_rate_heldout"] == pytest.approx(held_out)
    assert r.success_rate >= 0.7


def test_universal_from_run_attack_reports_its_held_out_fooling_rate(blog_case):
    c = blog_case
    r = run_attack("universal", c.model, c.x, c.y, eps=0.5)
    v = r.info["perturbation"]
    np.testing.assert_allclose(r.x_adv - c.x, np.broadcast_to(v, c.x.shape), atol=1e-6)  # one vector for all
    held = r.info["heldout"]
    assert held.sum() == len(c.x) // 2
    assert 0 < r.info["fooling_rate_heldout"] <= 1 and 0 < r.info["fooling_rate_fit"] <= 1
    # the held-out points cost nothing: the attacker fitted v on the others
    assert r.queries[held].sum() == 0 and r.queries[~held].min() > 0
    assert r.adv_accuracy < c.accuracy() - 0.1
    fooled = np.mean(r.pred_adv[held] != r.pred_clean[held])
    assert r.info["fooling_rate_heldout"] == pytest.approx(fooled)


def test_universal_path_is_v_after_each_pass(multi_case):
    c = multi_case
    out, path = attacks.universal(c.model, c.x, c.y, eps=0.4, passes=3, return_path=True)
    assert path.shape == (4, *c.x.shape)
    np.testing.assert_array_equal(path[0], c.x)
    shifts = path - c.x[None]
    assert np.allclose(shifts, shifts[:, :1, :], atol=1e-6)  # every point moves by the same vector
    assert any(np.array_equal(p, out) for p in path)


def test_a_perturbation_fitted_elsewhere_is_rejected(digits_case, blog_case):
    c = digits_case
    up = attacks.fit_universal(c.model, c.ds.x_train[:100], eps=0.2, clip=c.clip, passes=1)
    other = attacks.fit_universal(blog_case.model, blog_case.x[:50], eps=0.2, passes=1)
    for kw in (dict(eps=0.3), dict(eps=0.2, norm="l2")):
        with pytest.raises(ValueError, match=naming("perturbation")):
            attacks.universal(c.model, c.x, c.y, clip=c.clip, perturbation=up, **kw)
    with pytest.raises(ValueError, match=naming("perturbation")):
        attacks.universal(c.model, c.x, c.y, eps=0.2, clip=c.clip, perturbation=other)
    with pytest.raises(ValueError, match=naming("perturbation")):
        attacks.universal(c.model, c.x, c.y, eps=0.2, perturbation=up.vector)
    with pytest.raises(ValueError, match=naming("passes")):
        attacks.universal(c.model, c.x, c.y, eps=0.2, passes=0)


# ----------------------------------------------------------------- AdvGAN ---

@pytest.fixture(scope="module")
def digits_generator(digits_case):
    c = digits_case
    logs = []
    g = attacks.train_advgan(c.model, c.ds.x_train, c.ds.y_train, eps=0.3, clip=c.clip,
                             on_epoch=lambda epoch, log: logs.append((epoch, log)))
    return g, logs


def test_advgan_trains_fast_and_fools_most_test_digits(digits_case, digits_generator):
    c = digits_case
    g, logs = digits_generator
    assert g.seconds <= 10.0, g.seconds
    # progress after every epoch
    assert [e for e, _ in logs] == list(range(1, len(g.history) + 1))
    assert {"loss", "adv_loss", "gan_loss", "hinge_loss", "d_loss", "fooled"} <= set(logs[-1][1])
    x, y = correct(c)
    r = run_attack("advgan", c.model, x, y, eps=0.3, clip=c.clip, generator=g)
    assert r.success_rate >= 0.85, r.success_rate
    assert r.linf.max() <= 0.3 + 1e-6 and r.x_adv.min() >= 0 and r.x_adv.max() <= 1
    # attacking asks the attacked model nothing: the generator alone makes every example
    assert r.queries.sum() == 0 and r.info["train_seconds"] == 0


def test_advgan_same_seed_same_generator(blog_case):
    c = blog_case
    a = attacks.train_advgan(c.model, c.x, c.y, eps=0.3, epochs=5, seed=3)
    b = attacks.train_advgan(c.model, c.x, c.y, eps=0.3, epochs=5, seed=3)
    other = attacks.train_advgan(c.model, c.x, c.y, eps=0.3, epochs=5, seed=4)
    for wa, wb in zip(a.model.get_weights(), b.model.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.perturb(c.x), other.perturb(c.x))
    assert a.history == b.history


def test_a_generator_trained_for_something_else_is_rejected(digits_case, blog_case, digits_generator):
    c = digits_case
    g, _ = digits_generator
    cases = [(c.model, dict(eps=0.2)), (c.model, dict(eps=0.3, norm="l2")),
             (c.model, dict(eps=0.3, targeted=True, target=1)), (blog_case.model, dict(eps=0.3))]
    for model, kw in cases:
        x = c.x if model is c.model else blog_case.x
        y = c.y if model is c.model else blog_case.y
        with pytest.raises(ValueError, match=naming("generator")):
            attacks.advgan(model, x, y, generator=g, **kw)
    other = attacks.train_advgan(c.model, c.x[:50], c.y[:50], eps=0.3, epochs=1, clip=c.clip)
    retrained = type(c.model).from_config(c.model.get_config())
    retrained.set_weights([w * 1.01 for w in c.model.get_weights()])
    with pytest.raises(ValueError, match=naming("generator")):
        attacks.advgan(retrained, c.x, c.y, eps=0.3, generator=other)
    with pytest.raises(ValueError, match=naming("generator")):
        attacks.advgan(c.model, c.x, c.y, eps=0.3, generator="a generator")
    with pytest.raises(ValueError, match=naming("epochs")):
        attacks.advgan(c.model, c.x, c.y, eps=0.3, epochs=0)


def test_advgan_trained_in_the_call_counts_its_training_and_shows_it_learning(binary_case):
    c = binary_case
    r = run_attack("advgan", c.model, c.x, c.y, eps=0.4, epochs=10, return_path=True)
    np.testing.assert_array_equal(r.grad_queries, np.full(len(c.x), 10))
    np.testing.assert_array_equal(r.queries, np.full(len(c.x), 20))
    assert r.path.shape == (11, *c.x.shape)
    np.testing.assert_array_equal(r.path[-1], r.x_adv)
    assert np.abs(r.path - c.x[None]).max() <= 0.4 + 1e-6
    assert r.info["train_seconds"] > 0
    # learning: the last epoch's generator fools more points than the untrained one
    first = np.mean(attacks.predict(c.model, r.path[0]) != c.y)
    assert np.mean(r.success) > first


def test_advgan_targeted_and_l2(digits_case):
    c = digits_case
    g = attacks.train_advgan(c.model, c.ds.x_train, c.ds.y_train, eps=0.3, clip=c.clip, targeted=True, seed=1)
    x, y = correct(c)
    tgt = (y + 3) % 10
    out = attacks.advgan(c.model, x, y, eps=0.3, clip=c.clip, targeted=True, target=tgt, generator=g)
    assert np.mean(attacks.predict(c.model, out) == tgt) > 0.5
    g2 = attacks.train_advgan(c.model, c.ds.x_train, c.ds.y_train, eps=2.0, norm="l2", clip=c.clip, epochs=20)
    d = g2.perturb(x)
    assert np.linalg.norm(d, axis=1).max() <= 2.0 + 1e-5
    out = attacks.advgan(c.model, x, y, eps=2.0, norm="l2", clip=c.clip, generator=g2)
    assert np.mean(attacks.predict(c.model, out) != y) > 0.5


def test_a_decision_attacks_success_at_a_budget_grows_with_queries(blog_case):
    c = blog_case
    x, y = correct(c)
    r = run_attack("hopskipjump", c.model, x, y, queries=1500)
    within = r.trace.success_within(1.3)
    assert np.all(np.diff(within) >= 0) and within[-1] > within[0]
    assert within[-1] == pytest.approx(np.mean(r.l2 <= 1.3 * (1 + 1e-5) + 1e-7))


def test_advgan_trains_without_tracing_again_for_a_retrained_network(blog_case):
    from advlab import models
    from advlab.attacks._engine import engine_for

    c = blog_case
    attacks.train_advgan(c.model, c.x, c.y, eps=0.2, epochs=1)
    eng, _ = engine_for(c.model)
    fns = [f for key, f in eng._fns.items() if key[0].startswith("advgan-linf-False")]
    assert fns
    traced = [f.experimental_get_tracing_count() for f in fns]
    other = models.train_mlp(c.ds.x_train, c.ds.y_train, seed=12, epochs=3)
    attacks.train_advgan(other, c.x[:77], c.y[:77], eps=0.3, epochs=2, seed=5)
    assert [f.experimental_get_tracing_count() for f in fns] == traced


def test_a_trained_generators_path_is_its_one_step(binary_case):
    c = binary_case
    g = attacks.train_advgan(c.model, c.x, c.y, eps=0.3, epochs=3)
    out, path = attacks.advgan(c.model, c.x, c.y, eps=0.3, generator=g, return_path=True)
    assert path.shape == (2, *c.x.shape)
    np.testing.assert_array_equal(path[0], c.x)
    np.testing.assert_array_equal(path[1], out)


@pytest.mark.parametrize("name", ["square", "hopskipjump"])
def test_black_box_attacks_report_their_queries_as_they_go(binary_case, name):
    c = binary_case
    seen = []
    r = run_attack(name, c.model, c.x, c.y, eps=0.3, queries=400, on_progress=lambda total, logs: seen.append(total))
    assert len(seen) >= 3 and seen == sorted(seen)
    assert seen[-1] == r.queries.sum()
