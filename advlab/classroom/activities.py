"""The activities' scores, computed on the server from what a student did.

A page sends what the student changed (the pixels toggled, the point's new
coordinates), never a score: these functions rebuild the input, ask the model
for its answer and measure the change. Models output logits (see
:mod:`advlab.attacks`); inputs are float32 rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..attacks import deepfool, predict, proba
from .errors import ClassError

PIXELS = 64  # an 8x8 digit
INK = 0.5  # a pixel at or above this counts as inked: toggling it clears it, else it is inked
PLANE = 3.0  # a 2-D point may move within [-PLANE, PLANE] on each axis (the Playground's map)


@dataclass(frozen=True)
class Scored:
    """What the model answers for the changed input and how big the change was."""

    pred: int
    fooled: bool
    l2: float
    pixels: int | None  # digits only
    x: np.ndarray  # the changed input the server rebuilt


def pick(model, x: np.ndarray, y: np.ndarray, *, seed: int, min_conf: float = 0.9, lim: float | None = None) -> int:
    """An input the model gets right with confidence ``min_conf`` or more (and, with ``lim``,
    inside [-lim, lim] on every axis), drawn with ``seed`` (the same one for the whole
    class: the leaderboard compares like with like)."""
    p = proba(model, x)
    inside = np.all(np.abs(x) <= lim, axis=1) if lim is not None else True
    good = np.nonzero((p.argmax(1) == y) & (p.max(1) >= min_conf) & inside)[0]
    if len(good) == 0:
        good = np.nonzero((p.argmax(1) == y) & inside)[0]
    if len(good) == 0:
        raise ValueError("the model gets no input right: nothing to fool")
    return int(np.random.default_rng(seed).choice(good))


def toggled_pixels(toggled: Iterable) -> list[int]:
    """The pixel numbers a student toggled, checked: integers in 0..63, each once, sorted."""
    out = set()
    for p in toggled:
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not 0 <= int(p) < PIXELS:
            raise ClassError("cl_err_pixels", f"pixels must be whole numbers from 0 to {PIXELS - 1}; got {p!r}")
        out.add(int(p))
    return sorted(out)


def painted(original: np.ndarray, toggled: Iterable) -> np.ndarray:
    """``original`` (64 values in [0, 1]) with each toggled pixel inked (1) or cleared (0)."""
    x = np.asarray(original, np.float32).reshape(PIXELS).copy()
    for p in toggled_pixels(toggled):
        x[p] = 0.0 if x[p] >= INK else 1.0
    return x


def score_digit(model, *, original: np.ndarray, label: int, toggled: Iterable) -> Scored:
    """The network's reading of the painted digit and the change's L2 and pixel count."""
    pix = toggled_pixels(toggled)
    x = painted(original, pix)
    pred = int(predict(model, x[None])[0])
    l2 = float(np.linalg.norm(x - np.asarray(original, np.float32).reshape(PIXELS)))
    return Scored(pred, pred != int(label), l2, len(pix), x)


def moved_point(point: Iterable) -> np.ndarray:
    """A student's 2-D point, checked: two finite numbers within [-PLANE, PLANE]."""
    try:
        xy = [float(v) for v in point]
    except (TypeError, ValueError):
        raise ClassError("cl_err_point", "the point must be two numbers", lim=PLANE) from None
    if len(xy) != 2 or not all(math.isfinite(v) and -PLANE <= v <= PLANE for v in xy):
        raise ClassError("cl_err_point", f"the point must be two numbers between {-PLANE} and {PLANE}; got {xy}",
                         lim=PLANE)
    return np.asarray(xy, np.float32)


def score_point(model, *, original: np.ndarray, label: int, point: Iterable) -> Scored:
    """The model's class at the moved point and the distance moved."""
    x = moved_point(point)
    pred = int(predict(model, x[None])[0])
    dist = float(np.linalg.norm(x - np.asarray(original, np.float32).reshape(2)))
    return Scored(pred, pred != int(label), dist, None, x)


def attack_answer(model, *, original: np.ndarray, label: int, clip=None) -> Scored:
    """DeepFool's minimal change of the same input (L2), scored like a student's."""
    x0 = np.asarray(original, np.float32)[None]
    x_adv = deepfool(model, x0, np.asarray([int(label)]), clip=clip)[0]
    pred = int(predict(model, x_adv[None])[0])
    changed = int(np.sum(np.abs(x_adv - x0[0]) > 1e-3)) if x0.shape[1] == PIXELS else None
    return Scored(pred, pred != int(label), float(np.linalg.norm(x_adv - x0[0])), changed, x_adv)
