"""Extra rows for ``make bench``: each module here defines
``rows(ref_seconds) -> list[dict]`` with keys ``case``, ``seconds``,
``budget_seconds`` (or None) and ``note``. ``ref_seconds`` is the Keras
``fit`` reference measured in the same run."""

from __future__ import annotations

import time


def best_of(fn, repeat: int = 5) -> float:
    """The fastest of ``repeat`` calls of ``fn``, in seconds (the least noisy on a busy machine)."""
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)

