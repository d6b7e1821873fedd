"""Datasets by name, one signature for all: ``load(name, n_samples, noise, seed)``.

The 2-D sets are standardized with the training split's mean and scale, so the
attack budget epsilon is measured in standard deviations of each feature.
Two wider sets come along for the other pages: ``"blog"`` (the 20-feature
``make_classification`` setting of the seed blog post) and ``"digits"``
(scikit-learn's 8x8 digit images, pixels in [0, 1]).
Nothing here downloads anything.

The default lesson's sets (moons, circles, XOR, spiral, linear) are made, split
and standardized in NumPy, exactly as scikit-learn's ``make_moons``,
``make_circles``, stratified ``train_test_split`` and ``StandardScaler`` make
them (``tests/test_data.py`` compares them value for value): importing
scikit-learn takes a fresh server seconds, and its first page needs none of it.
Blobs, the blog's data and the digits still come from scikit-learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v

__all__ = ["DATASETS", "TWO_D", "Dataset", "blog_data", "digits_data", "load"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split with everything a page needs to label it."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    clip: tuple[float, float] | None = None  # input domain, e.g. (0, 1) for pixels
    image_shape: tuple[int, int] | None = None
    info: dict = field(default_factory=dict)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]


def _two_arcs(x_out, y_out, x_in, y_in, noise, seed):
    """The two classes' points as given, shuffled, plus Gaussian noise: the steps
    (and random draws, in order) of scikit-learn's ``make_moons``/``make_circles``."""
    gen = np.random.RandomState(seed)
    x = np.vstack([np.append(x_out, x_in), np.append(y_out, y_in)]).T
    y = np.hstack([np.zeros(len(x_out), dtype=np.intp), np.ones(len(x_in), dtype=np.intp)])
    order = np.arange(len(y))
    gen.shuffle(order)
    x, y = x[order], y[order]
    x += gen.normal(scale=noise, size=x.shape)
    return x, y


def _moons(n, noise, rng, n_classes):
    n_out = n // 2
    n_in = n - n_out
    return _two_arcs(np.cos(np.linspace(0, np.pi, n_out)), np.sin(np.linspace(0, np.pi, n_out)),
                     1 - np.cos(np.linspace(0, np.pi, n_in)), 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5,
                     noise, rng)


def _circles(n, noise, rng, n_classes, factor=0.5):
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    return _two_arcs(np.cos(t_out), np.sin(t_out), np.cos(t_in) * factor, np.sin(t_in) * factor, noise, rng)


def _blobs(n, noise, rng, n_classes):
    from sklearn import datasets as skd

    angles = np.linspace(0, 2 * np.pi, n_classes, endpoint=False) + np.pi / 4
    centers = np.stack([np.cos(angles), np.sin(angles)], 1) * 2.0
    return skd.make_blobs(n_samples=n, centers=centers, cluster_std=0.3 + 2.0 * noise, random_state=rng)


def _approximate_mode(counts, n_draws, gen):
    """How many of each class a stratified draw of ``n_draws`` takes (scikit-learn's
    rule: the floor of each share, then one more for the largest remainders, ties
    broken at random)."""
    continuous = counts / counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            add = min(len(inds), need)
            floored[gen.choice(inds, size=add, replace=False)] += 1
            need -= add
            if need == 0:
                break
    return floored.astype(int)


def stratified_split(x, y, *, test_size: float, seed: int):
    """``train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)``
    of scikit-learn, draw for draw: ``(x_train, x_test, y_train, y_test)``."""
    n = len(y)
    n_test = math.ceil(test_size * n)
    n_train = n - n_test
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    if counts.min() < 2 or n_train < len(classes) or n_test < len(classes):
        raise ValueError(f"every class needs at least 2 points and a place in both parts of the split; "
                         f"got class sizes {counts.tolist()} for {n_train} training and {n_test} test points")
    by_class = np.split(np.argsort(inverse, kind="stable"), np.cumsum(counts)[:-1])
    gen = np.random.RandomState(seed)
    n_i = _approximate_mode(counts, n_train, gen)
    t_i = _approximate_mode(counts - n_i, n_test, gen)
    train, test = [], []
    for i in range(len(classes)):
        members = by_class[i].take(gen.permutation(counts[i]), mode="clip")
        train.extend(members[:n_i[i]])
        test.extend(members[n_i[i]:n_i[i] + t_i[i]])
    train, test = gen.permutation(train), gen.permutation(test)
    return x[train], x[test], y[train], y[test]


def standardized(fit_on, *arrays):
    """``arrays`` standardized with ``fit_on``'s per-feature mean and standard
    deviation, as scikit-learn's ``StandardScaler().fit(fit_on).transform`` does
    (same sums in the same order; a constant feature keeps its scale 1)."""
    x = np.asarray(fit_on, np.float64)
    total = x.sum(axis=0)
    mean = total / x.shape[0]
    dev = x - total / x.shape[0]
    correction = dev.sum(axis=0)
    dev **= 2
    var = (dev.sum(axis=0) - correction**2 / x.shape[0]) / x.shape[0]
    scale = np.sqrt(var)
    n, eps = x.shape[0], np.finfo(np.float64).eps
    scale[var <= n * eps * var + (n * mean * eps) ** 2] = 1.0  # a constant feature
    return [(np.asarray(a, np.float64) - mean) / scale for a in arrays]


def _xor(n, noise, rng, n_classes):
    r = np.random.default_rng(rng)
    x = r.uniform(-1, 1, size=(n, 2))
    # keep a small margin around the axes so the clean problem is separable
    x += np.sign(x) * 0.1
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x + r.normal(scale=noise, size=x.shape), y


def _spiral(n, noise, rng, n_classes):
    r = np.random.default_rng(rng)
    half = n // 2
    t = np.sqrt(r.uniform(0, 1, size=n)) * 3 * np.pi
    y = np.r_[np.zeros(half, int), np.ones(n - half, int)]
    phase = np.where(y == 1, np.pi, 0.0)
    x = np.stack([t * np.cos(t + phase), t * np.sin(t + phase)], 1) / (3 * np.pi)
    return x + r.normal(scale=noise * 0.5, size=x.shape), y


def _linear(n, noise, rng, n_classes):
    r = np.random.default_rng(rng)
    y = r.integers(0, 2, size=n)
    x = r.normal(scale=0.35 + noise, size=(n, 2)) + np.where(y[:, None] == 1, 1.0, -1.0) * np.array([1.0, 0.6])
    return x, y


# name -> (generator, default noise, fixed number of classes or None for "chosen")
DATASETS = {
    "moons": (_moons, 0.2, 2),
    "circles": (_circles, 0.1, 2),
    "blobs": (_blobs, 0.3, None),
    "xor": (_xor, 0.1, 2),
    "spiral": (_spiral, 0.1, 2),
    "linear": (_linear, 0.2, 2),
}
TWO_D = tuple(DATASETS)
ALL = TWO_D + ("blog", "digits")


def load(name: str = "moons", *, n_samples: int = 400, noise: float | None = None, seed: int = 0,
         n_classes: int = 3, test_size: float = 0.3) -> Dataset:
    """Make a dataset by name and split it.

    ``name`` is one of :data:`ALL`. For the 2-D sets, ``n_samples`` (50 to
    5000), ``noise`` (0 to 1; ``None`` takes the set's default) and ``seed``
    pick the points; ``n_classes`` (2 to 5) applies to ``"blobs"``. Features
    are standardized on the training split. ``"blog"`` and ``"digits"`` have
    fixed contents (see :func:`blog_data` and :func:`digits_data`).
    """
    v.choice("name", name, ALL)
    if name == "blog":
        return blog_data()
    if name == "digits":
        return digits_data(seed=seed)
    n_samples = v.number("n_samples", n_samples, lo=50, hi=5000, integer=True)
    seed = v.number("seed", seed, lo=0, hi=2**31 - 1, integer=True)
    test_size = v.number("test_size", test_size, lo=0.05, hi=0.9)
    gen, default_noise, fixed_k = DATASETS[name]
    noise = default_noise if noise is None else v.number("noise", noise, lo=0.0, hi=1.0)
    k = fixed_k or v.number("n_classes", n_classes, lo=2, hi=5, integer=True)
    x, y = gen(n_samples, noise, seed, k)
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.int64)
    x_tr, x_te, y_tr, y_te = stratified_split(x, y, test_size=test_size, seed=seed)
    x_tr, x_te = standardized(x_tr, x_tr, x_te)
    return Dataset(
        name=name,
        x_train=x_tr.astype(np.float32), y_train=y_tr,
        x_test=x_te.astype(np.float32), y_test=y_te,
        class_names=tuple(f"class {i}" for i in range(k)),
        feature_names=("x1", "x2"),
        info={"noise": noise, "n_samples": n_samples, "seed": seed},
    )


def blog_data() -> Dataset:
    """The seed blog post's data, exactly: ``make_classification(n_samples=1000,
    n_features=20, n_informative=10, n_redundant=10, random_state=42)``, an
    80/20 split with ``random_state=42`` and a ``StandardScaler`` fit on the
    training part.

    The blog keeps scikit-learn's default ``shuffle=True``, which permutes the
    columns; the informative/redundant role of each column is recovered here
    by regenerating the same draw with ``shuffle=False`` and matching columns
    (the same random stream, so the values agree exactly).
    """
    from sklearn import datasets as skd
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = skd.make_classification(n_samples=1000, n_features=20, n_informative=10, n_redundant=10,
                                   random_state=42)
    x_ns, _ = skd.make_classification(n_samples=1000, n_features=20, n_informative=10, n_redundant=10,
                                      random_state=42, shuffle=False)
    roles = []
    for j in range(20):
        roles.append(_role_of_column(x[:, j], x_ns))
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.2, random_state=42)
    scaler = StandardScaler().fit(x_tr)
    return Dataset(
        name="blog",
        x_train=scaler.transform(x_tr).astype(np.float32), y_train=y_tr.astype(np.int64),
        x_test=scaler.transform(x_te).astype(np.float32), y_test=y_te.astype(np.int64),
        class_names=("class 0", "class 1"),
        feature_names=tuple(f"f{j}" for j in range(20)),
        info={"roles": tuple(roles)},
    )


def _role_of_column(col, x_unshuffled) -> str:
    # With shuffle=False the first 10 columns are informative, the next 10 redundant.
    # Rows are also permuted by shuffle=True, so compare sorted values.
    s = np.sort(col)
    for j in range(x_unshuffled.shape[1]):
        if np.allclose(s, np.sort(x_unshuffled[:, j])):
            return "informative" if j < 10 else "redundant"
    return "unknown"


def digits_data(seed: int = 0, test_size: float = 0.25) -> Dataset:
    """scikit-learn's ``load_digits``: 1,797 8x8 images of 10 digits, pixels
    scaled from 0..16 to [0, 1] (not standardized, so an attack must stay in
    [0, 1] to remain an image)."""
    from sklearn import datasets as skd
    from sklearn.model_selection import train_test_split

    d = skd.load_digits()
    x = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)
    return Dataset(
        name="digits", x_train=x_tr, y_train=y_tr, x_test=x_te, y_test=y_te,
        class_names=tuple(str(i) for i in range(10)),
        feature_names=tuple(f"px{r},{c}" for r in range(8) for c in range(8)),
        clip=(0.0, 1.0), image_shape=(8, 8),
    )
