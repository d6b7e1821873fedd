"""Shared fixtures: small models trained once per test session.

Training is NumPy and takes tens of milliseconds, but every new architecture
costs a few hundred milliseconds of graph tracing the first time it is
attacked, so the models are shared across the attack tests.
"""

from __future__ import annotations

import os

# Sweeps ahead of a slider run only where a test asks for them (they would take the suite's cores meanwhile);
# servers the tests start inherit this too
os.environ.setdefault("ADVLAB_PREFETCH", "0")

from dataclasses import dataclass

import numpy as np
import pytest

from advlab import data, models


@dataclass(frozen=True)
class Case:
    """A dataset with a model trained on it."""

    ds: data.Dataset
    model: object

    @property
    def x(self) -> np.ndarray:
        return self.ds.x_test

    @property
    def y(self) -> np.ndarray:
        return self.ds.y_test

    @property
    def clip(self):
        return self.ds.clip

    def accuracy(self, x=None) -> float:
        from advlab.attacks import predict

        return float(np.mean(predict(self.model, self.x if x is None else x) == self.y))


@pytest.fixture(scope="session")
def binary_case() -> Case:
    ds = data.load("moons", n_samples=400, seed=0)
    return Case(ds, models.train_mlp(ds.x_train, ds.y_train, epochs=30, seed=0))


@pytest.fixture(scope="session")
def multi_case() -> Case:
    ds = data.load("blobs", n_samples=400, n_classes=3, seed=0)
    return Case(ds, models.train_mlp(ds.x_train, ds.y_train, epochs=30, seed=0))


@pytest.fixture(scope="session")
def blog_case() -> Case:
    ds = data.blog_data()
    return Case(ds, models.train_mlp(ds.x_train, ds.y_train))


@pytest.fixture(scope="session")
def digits_case() -> Case:
    ds = data.digits_data()
    return Case(ds, models.train_mlp(ds.x_train, ds.y_train, epochs=10))


@pytest.fixture(params=["binary", "multi"])
def case(request) -> Case:
    """The moons (one logit) and 3-blobs (three logits) models in turn."""
    return request.getfixturevalue(f"{request.param}_case")
