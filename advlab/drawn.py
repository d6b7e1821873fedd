"""Points a teacher draws on the Playground's map, and their compact link form.

The canvas is the square ``[-3, 3]`` in both directions, in the units the
map shows (drawn points are not standardized, so a point stays where it was
clicked). A click snaps to a grid of :data:`STEP`, so a point is three small
integers: its column, its row and its class. In a link each point takes four
characters (:func:`encode`: 17 bits in three bytes, URL-safe base64 without
padding), so 300 points are 1,200 characters. A link whose encoding is
broken or holds more than :data:`MAX_POINTS` points raises a
:class:`~advlab.tabular.TableError` from :func:`decode`; the page then starts
from the example set with a note.

The network trains on every drawn point and the attacks push every drawn
point: with a few dozen points there is nothing to spare for a test split.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .data import Dataset
from .tabular import TableError

__all__ = [
    "CANVAS",
    "EXAMPLE",
    "MAX_CLASSES",
    "MAX_POINTS",
    "STEP",
    "DrawnConfig",
    "add",
    "dataset",
    "decode",
    "encode",
    "ready",
    "remove",
    "settled",
]

CANVAS = (-3.0, 3.0)
STEP = 0.05
CELLS = round((CANVAS[1] - CANVAS[0]) / STEP)  # 120 steps: grid indices 0..120
MAX_POINTS = 400
MAX_CLASSES = 5
VERSION = "1"
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")
QUIET_SECONDS = 0.7  # a burst of clicks closer than this trains once, after the last


Point = tuple[int, int, int]  # column, row, class


def snap(x: float, y: float) -> tuple[int, int]:
    """The grid cell of the canvas point ``(x, y)`` (clamped into the canvas)."""
    def one(val: float) -> int:
        return int(min(max(round((float(val) - CANVAS[0]) / STEP), 0), CELLS))
    return one(x), one(y)


def coords(points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    """Canvas coordinates ``(n, 2)`` and classes ``(n,)`` of grid points."""
    if not points:
        return np.zeros((0, 2), np.float32), np.zeros(0, np.int64)
    arr = np.asarray(points, np.int64)
    return (CANVAS[0] + arr[:, :2] * STEP).astype(np.float32), arr[:, 2].copy()


def encode(points: Sequence[Point]) -> str:
    """The link text of ``points``: a version mark, then four characters a point."""
    if len(points) > MAX_POINTS:
        raise ValueError(f"points must be at most {MAX_POINTS}, got {len(points)}")
    out = bytearray()
    for cx, cy, k in points:
        if not (0 <= cx <= CELLS and 0 <= cy <= CELLS and 0 <= k < MAX_CLASSES):
            raise ValueError(f"point {(cx, cy, k)} must have cells in [0, {CELLS}] and a class in [0, {MAX_CLASSES - 1}]")
        bits = (int(cx) << 10) | (int(cy) << 3) | int(k)
        out += bits.to_bytes(3, "big")
    return VERSION + base64.urlsafe_b64encode(bytes(out)).decode().rstrip("=")


def decode(text: str) -> list[Point]:
    """The points of a link's text; :class:`TableError` (``own_err_link``
    or ``own_err_link_size``) if it is broken or holds too many."""
    text = str(text).strip()
    if text == "":
        return []
    if not text.startswith(VERSION):
        raise TableError("own_err_link")
    body = text[len(VERSION):]
    if len(body) > 4 * MAX_POINTS:
        raise TableError("own_err_link_size", n=len(body) // 4, max=MAX_POINTS)
    if len(body) % 4 or not _ALPHABET.fullmatch(body):
        raise TableError("own_err_link")
    try:
        raw = base64.urlsafe_b64decode(body.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise TableError("own_err_link") from None
    points = []
    for i in range(0, len(raw), 3):
        bits = int.from_bytes(raw[i:i + 3], "big")
        cx, cy, k = bits >> 10, (bits >> 3) & 0x7F, bits & 0x7
        if bits >> 17 or cx > CELLS or cy > CELLS or k >= MAX_CLASSES:
            raise TableError("own_err_link")
        points.append((cx, cy, k))
    return points


def add(points: Sequence[Point], x: float, y: float, k: int) -> list[Point]:
    """``points`` with a point of class ``k`` at ``(x, y)`` (snapped; one
    already in that cell takes the new class). At most :data:`MAX_POINTS`."""
    if not 0 <= int(k) < MAX_CLASSES:
        raise ValueError(f"k must be a class in [0, {MAX_CLASSES - 1}], got {k!r}")
    cx, cy = snap(x, y)
    out = [p for p in points if (p[0], p[1]) != (cx, cy)]
    if len(out) >= MAX_POINTS:
        raise TableError("own_err_too_many_points", max=MAX_POINTS)
    return out + [(cx, cy, int(k))]


def remove(points: Sequence[Point], i: int) -> list[Point]:
    """``points`` without the ``i``-th (unchanged if there is none)."""
    return [p for j, p in enumerate(points) if j != int(i)]


def ready(points: Sequence[Point]) -> bool:
    """Whether a network can learn from ``points``: two classes at least."""
    return len({p[2] for p in points}) >= 2


def settled(last_edit: float | None, now: float, quiet: float = QUIET_SECONDS) -> bool:
    """Whether a burst of edits is over: the last one was ``quiet`` seconds ago or more."""
    return last_edit is None or now - last_edit >= quiet - 1e-9


def dataset(points: Sequence[Point]) -> Dataset:
    """The drawn points as a dataset: the same points to train on and to
    attack, in canvas units, classes up to the highest drawn (two at least)."""
    x, y = coords(points)
    k = max(2, int(y.max()) + 1) if len(y) else 2
    return Dataset(name="drawn", x_train=x, y_train=y, x_test=x.copy(), y_test=y.copy(),
                   class_names=tuple(f"class {i}" for i in range(k)), feature_names=("x1", "x2"),
                   info={"drawn": len(points)})


# the example a new drawing starts from: two clusters a line can part, to be cleared or changed
EXAMPLE: tuple[Point, ...] = tuple(
    [(cx, cy, 0) for cx, cy in ((30, 40), (36, 52), (26, 60), (40, 70), (46, 44), (34, 80))]
    + [(cx, cy, 1) for cx, cy in ((80, 50), (86, 64), (76, 76), (92, 40), (74, 36), (90, 84))])


@dataclass(frozen=True)
class DrawnConfig:
    """A drawn dataset as the shared caches know it: its link text (small,
    and the same text is the same data). ``dataset`` reads "drawn" like a
    :class:`~advlab.config.DataConfig`'s name."""

    pts: str
    dataset: str = "drawn"

    def canonical(self) -> DrawnConfig:
        return self

    def load(self) -> Dataset:
        return dataset(decode(self.pts))
