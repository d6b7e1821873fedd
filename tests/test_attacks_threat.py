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
