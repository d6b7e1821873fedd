"""Argument checks shared by the core: each raises ValueError naming the
parameter and what is allowed."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def number(name: str, value, *, lo=None, hi=None, integer=False,
           lo_open=False, hi_open=False):
    """Return ``value`` as int/float after checking it lies in the range."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        v = int(value) if integer else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {'an integer' if integer else 'a number'}, got {value!r}") from None
    if integer and float(value) != v:
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not integer and not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    bad = ((lo is not None and (v < lo or (lo_open and v == lo)))
           or (hi is not None and (v > hi or (hi_open and v == hi))))
    if bad:
        left = "(" if lo_open else "["
        right = ")" if hi_open else "]"
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf" if hi is None else f"{hi:g}"
        raise ValueError(f"{name} must be in {left}{lo_s}, {hi_s}{right}, got {value!r}")
    return v


def choice(name: str, value, allowed: Iterable[str]):
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def features(name: str, x, *, ndim: int | None = 2) -> np.ndarray:
    """Float32 array without NaN/inf."""
    try:
        arr = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array (samples x features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one sample, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must not contain NaN or inf values")
    return arr


def labels(name: str, y, n: int, n_classes: int | None = None) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) to match x, got shape {np.shape(y)}")
    if arr.size and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise ValueError(f"{name} must hold integer class labels")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must hold labels >= 0, got {arr.min()}")
    if n_classes is not None and arr.size and arr.max() >= n_classes:
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}] for a {n_classes}-class model, got {arr.max()}")
    return arr
