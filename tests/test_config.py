"""Typed lesson configs: a link's values become one config and back unchanged,
equal lessons share one key, and the config's arguments are the ones the
pages have always trained and attacked with."""

from __future__ import annotations

import dataclasses

import pytest

from advlab.config import BATCHES, LRS, AttackConfig, DataConfig, NetConfig
from advlab.state import PageState


def test_link_values_round_trip_through_the_configs():
    state = PageState("x", [*DataConfig.fields(), *NetConfig.fields()])
    q = {"dataset": "blobs", "classes": "4", "noise": "0.15", "n": "600", "dseed": "7", "layers": "3", "width": "16",
         "act": "tanh", "epochs": "80", "lr": "0.003", "batch": "64", "l2": "0.001", "seed": "42"}
    values, notes = state.from_query(q)
    assert not notes
    data, net = DataConfig.from_values(values), NetConfig.from_values(values)
    assert data == DataConfig("blobs", 0.15, 600, 4, 7)
    assert net.hidden == (16, 16, 16) and net.lr == 0.003 and net.batch == 64 and net.l2 == 0.001
    assert state.to_query({**data.to_values(), **net.to_values()}) == q


def test_a_bad_link_value_falls_back_with_a_note():
    state = PageState("x", NetConfig.fields())
    values, notes = state.from_query({"lr": "0.02", "width": "999"})
    assert {n.field for n in notes} == {"lr", "width"}
    assert NetConfig.from_values(values) == NetConfig()


def test_equal_lessons_share_one_key():
    a = DataConfig("moons", 0.2, 400, 3, 0).canonical()
    b = DataConfig("moons", 0.2, 400, 5, 0).canonical()  # moons have two classes whatever the blob count
    assert a == b and hash(a) == hash(b)
    assert DataConfig("blobs", 0.2, 400, 3, 0).canonical() != DataConfig("blobs", 0.2, 400, 5, 0).canonical()
    assert {DataConfig("moons", 0.2, 400, 3, 0).canonical(): 1}[b] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.n = 3


def test_configs_load_and_train_what_the_settings_say():
    ds = DataConfig("blobs", 0.1, 300, 4, 1).load()
    assert ds.n_classes == 4 and len(ds.x_train) + len(ds.x_test) == 300
    assert DataConfig(dataset="blog").load().x_train.shape[1] == 20
    kw = NetConfig(layers=2, width=8, act="relu", epochs=5, lr=0.03, batch=16, seed=3).fit_kwargs()
    assert kw == dict(hidden=(8, 8), activation="relu", epochs=5, batch_size=16, lr=0.03, seed=3)
    assert NetConfig(l2=0.01).fit_kwargs()["l2"] == 0.01


def test_page_defaults_and_ladders():
    fields = {f.name: f for f in NetConfig.fields(epochs=60, lr=0.001)}
    assert fields["epochs"].default == 60
    assert fields["lr"].default == "0.001" and fields["lr"].choices == LRS
    assert fields["batch"].choices == BATCHES
    with pytest.raises(ValueError, match="not one of"):
        NetConfig.fields(lr=0.002)


def test_attack_config_arguments():
    cfg = AttackConfig("pgd", 0.3, "l2", True, 1, (("steps", 10),))
    assert cfg.run_kwargs() == dict(eps=0.3, norm="l2", targeted=True, target=1, steps=10)
    assert AttackConfig("fgsm", 0.1).run_kwargs()["target"] is None
    assert hash(cfg) == hash(AttackConfig("pgd", 0.3, "l2", True, 1, (("steps", 10),)))
