"""Level lines of a function sampled on a grid, as polylines (marching squares).

The decision maps draw the boundary (where the predicted class changes) as a
line. Drawn as a Plotly contour trace, the browser computes that line again
from the grid whenever the chart is redrawn, which an ε move does for the
points on the map: about a third of the map's redraw. Computed here once per
model, the line is a plain scatter trace the browser only draws.

Each grid cell whose corners lie on both sides of the level holds one or two
segments between points of its edges (linearly interpolated, as a contour
plot places them); a cell with the level between diagonal corners (a saddle)
is resolved by the value at its centre. Segments that share an edge point are
joined into polylines.
"""

from __future__ import annotations

import numpy as np

# corners of a cell: a (x0, y0), b (x1, y0), c (x1, y1), d (x0, y1); the case is
# a + 2b + 4c + 8d over the corners above the level. Edges: B (a-b), R (b-c), T (d-c), L (a-d).
_SEGMENTS = {
    1: (("L", "B"),), 2: (("B", "R"),), 3: (("L", "R"),), 4: (("R", "T"),), 6: (("B", "T"),),
    7: (("L", "T"),), 8: (("L", "T"),), 9: (("B", "T"),), 11: (("R", "T"),), 12: (("L", "R"),),
    13: (("B", "R"),), 14: (("L", "B"),),
}
# saddles: (centre above the level, centre below)
_SADDLES = {5: ((("B", "R"), ("L", "T")), (("L", "B"), ("R", "T"))),
            10: ((("L", "B"), ("R", "T")), (("B", "R"), ("L", "T")))}


def level_lines(xs, ys, z, level: float = 0.0, *, decimals: int = 4) -> tuple[list, list]:
    """The lines where ``z`` crosses ``level``: ``(x, y)`` lists with ``None``
    between separate lines (a scatter trace draws them as they are). ``z`` is
    ``(len(ys), len(xs))``: ``z[j, i]`` is the value at ``(xs[i], ys[j])``."""
    xs = np.asarray(xs, float).ravel()
    ys = np.asarray(ys, float).ravel()
    z = np.asarray(z, float)
    if z.shape != (len(ys), len(xs)) or len(xs) < 2 or len(ys) < 2:
        raise ValueError(f"z must be (len(ys), len(xs)) = ({len(ys)}, {len(xs)}) with both at least 2, got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("z must be finite")
    above = z > level
    case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4 + above[1:, :-1] * 8).astype(np.int8)
    centre = (z[:-1, :-1] + z[:-1, 1:] + z[1:, 1:] + z[1:, :-1]) / 4 > level
    nx = len(xs)
    n_h = len(ys) * (nx - 1)  # horizontal edges first, then vertical ones

    def edge_ids(name: str, j: np.ndarray, i: np.ndarray) -> np.ndarray:
        if name == "B":
            return j * (nx - 1) + i
        if name == "T":
            return (j + 1) * (nx - 1) + i
        if name == "L":
            return n_h + j * nx + i
        return n_h + j * nx + i + 1  # R

    pairs = []
    for k, segs in _SEGMENTS.items():
        j, i = np.nonzero(case == k)
        pairs += [np.stack([edge_ids(e0, j, i), edge_ids(e1, j, i)], 1) for e0, e1 in segs]
    for k, (hi, lo) in _SADDLES.items():
        for segs, pick in ((hi, centre), (lo, ~centre)):
            j, i = np.nonzero((case == k) & pick)
            pairs += [np.stack([edge_ids(e0, j, i), edge_ids(e1, j, i)], 1) for e0, e1 in segs]
    if not pairs:
        return [], []
    pairs = np.concatenate(pairs).astype(np.int64)
    px, py = _edge_points(xs, ys, z, level, np.unique(pairs), n_h)
    return _chain(pairs, px, py, decimals)


def _edge_points(xs, ys, z, level, ids, n_h) -> tuple[dict, dict]:
    """Where the level crosses each edge in ``ids``."""
    nx = len(xs)
    h, vert = ids[ids < n_h], ids[ids >= n_h] - n_h
    jh, ih = np.divmod(h, nx - 1)
    t = (level - z[jh, ih]) / (z[jh, ih + 1] - z[jh, ih])
    hx, hy = xs[ih] + t * (xs[ih + 1] - xs[ih]), ys[jh]
    jv, iv = np.divmod(vert, nx)
    t = (level - z[jv, iv]) / (z[jv + 1, iv] - z[jv, iv])
    vx, vy = xs[iv], ys[jv] + t * (ys[jv + 1] - ys[jv])
    px = dict(zip(h.tolist(), hx.tolist())) | dict(zip((vert + n_h).tolist(), vx.tolist()))
    py = dict(zip(h.tolist(), hy.tolist())) | dict(zip((vert + n_h).tolist(), vy.tolist()))
    return px, py


def _chain(pairs: np.ndarray, px: dict, py: dict, decimals: int) -> tuple[list, list]:
    """Join segments that share an edge point into polylines (closed ones end where they began)."""
    ends: dict[int, list[int]] = {}
    for s, (a, b) in enumerate(pairs.tolist()):
        ends.setdefault(a, []).append(s)
        ends.setdefault(b, []).append(s)
    used = np.zeros(len(pairs), bool)
    # start at the loose ends first (a line that leaves the grid), then at what is left (closed loops)
    starts = [p for p, segs in ends.items() if len(segs) == 1] + list(ends)
    out_x: list = []
    out_y: list = []
    for p0 in starts:
        if all(used[s] for s in ends[p0]):
            continue
        line, p = [p0], p0
        while True:
            nxt = next((s for s in ends[p] if not used[s]), None)
            if nxt is None:
                break
            used[nxt] = True
            a, b = pairs[nxt]
            p = int(b if a == p else a)
            line.append(p)
        if out_x:
            out_x.append(None)
            out_y.append(None)
        out_x += [round(px[q], decimals) for q in line]
        out_y += [round(py[q], decimals) for q in line]
    return out_x, out_y
