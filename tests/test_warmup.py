"""A fresh server prepares the default page before its first visitor: the
attack graphs of the default network traced ahead, and a warm-up that does not
run the default page a second time beside a visitor who is already on it."""

from __future__ import annotations

import numpy as np

from advlab import models, projections
from advlab.attacks import _engine as E
from advlab.attacks import run_attack
from advlab.config import AttackConfig, DataConfig, NetConfig
from advlab.ui import warmup
from advlab.ui.lessons import dataset


def _tracings() -> dict:
    return {(arch, name): f.experimental_get_tracing_count()
            for arch, eng in E._engines.items() for name, f in eng._fns.items()}


def test_the_default_pages_first_attack_finds_its_graphs_traced_ahead():
    """After the preload's tracing, the default network trained for real and
    attacked as the Playground does (its boundary, PGD with the path) traces
    no graph: the trained model reuses the graphs of the throw-away one."""
    warmup.trace_default_graphs()
    before = _tracings()
    assert any(name[0].startswith("iterate-linf-True") for _, name in before)

    data, net = DataConfig(), NetConfig()
    ds = dataset(data)
    model = models.fit_mlp(ds.x_train, ds.y_train, **net.fit_kwargs()).model
    projections.boundary_grid(model, (-3.0, 3.0, -3.0, 3.0), 20)
    cfg = AttackConfig(attack=warmup.DEFAULT_ATTACK, eps=0.2)
    res = run_attack(cfg.attack, model, ds.x_test, ds.y_test, seed=net.seed, return_path=True, **cfg.run_kwargs())

    assert _tracings() == before
    assert res.path is not None and res.adv_accuracy < res.clean_accuracy


def test_graphs_traced_ahead_give_the_same_attack_as_graphs_traced_on_demand():
    """The throw-away model's graphs compute with the real model's weights."""
    data, net = DataConfig(), NetConfig()
    ds = dataset(data)
    model = models.fit_mlp(ds.x_train, ds.y_train, **net.fit_kwargs()).model
    warmup.trace_default_graphs()
    cfg = AttackConfig(attack="pgd", eps=0.2)
    ahead = run_attack("pgd", model, ds.x_test, ds.y_test, seed=0, return_path=True, **cfg.run_kwargs())
    E._engines.clear()  # the next attack traces its graphs from this model itself
    fresh = run_attack("pgd", model, ds.x_test, ds.y_test, seed=0, return_path=True, **cfg.run_kwargs())
    np.testing.assert_array_equal(ahead.x_adv, fresh.x_adv)
    np.testing.assert_array_equal(ahead.path, fresh.path)


def _refused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


def test_the_warm_up_lets_a_visitor_already_on_the_default_page_do_its_work():
    """A visitor's script is running when the warm-up would open the default
    page: the warm-up waits until the visitors have been quiet first."""
    busy = iter([1, 1, 1, 1, 1])
    polls = []

    def running() -> int:
        polls.append(1)
        return next(busy, 0)

    warmup.warm_pages(_refused_port(), ("",), running=running, quiet_s=0.05)
    assert len(polls) >= 6  # it polled through the busy run and a quiet stretch before visiting


def test_the_warm_up_opens_the_default_page_at_once_when_nobody_is_there():
    polls = []

    def running() -> int:
        polls.append(1)
        return 0

    warmup.warm_pages(_refused_port(), ("",), running=running, quiet_s=30.0)
    assert len(polls) == 1  # asked once, then opened the page without waiting for a quiet stretch
