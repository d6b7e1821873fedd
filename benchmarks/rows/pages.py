"""Server-side time of a page's rerun when the epsilon slider moves (Playground, Transferability).

Measured from outside the page with Streamlit's AppTest (the script runs
in-process, as on the server, without a browser). In the app, moving epsilon
reruns only the page's ``@st.fragment`` (the attack section); AppTest has no
fragment-scoped rerun and reruns the whole script, so the fragment is timed by
wrapping ``st.fragment`` for the duration of the benchmark: every call of a
fragment body is timed here, and the page itself records nothing. The
whole-script rerun (``at.run()``) is shown too, as an upper bound.
"""

from __future__ import annotations

import contextlib
import functools
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
CASE = "Playground: ε moved, server rerun"


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


@contextlib.contextmanager
def timed_fragments():
    """Patch ``st.fragment`` so each fragment body's wall time is appended to the yielded list."""
    import streamlit as st

    real = st.fragment
    seconds: list[float] = []

    def fragment(func=None, **kwargs):
        if func is None:  # used as @st.fragment(...)
            return lambda f: fragment(f, **kwargs)

        @functools.wraps(func)  # same module and qualified name: the fragment keeps its identity
        def timed(*args, **kw):
            t0 = time.perf_counter()
            try:
                return func(*args, **kw)
            finally:
                seconds.append(time.perf_counter() - t0)

        return real(timed, **kwargs)

    with mock.patch.object(st, "fragment", fragment):
        yield seconds


def eps_moves(page: str, key: str, *values: tuple[float, ...],
              query: dict | None = None) -> tuple[list[tuple[float, float]], ...] | str:
    """Open ``page`` (with the link's ``query``), then for each tuple in ``values`` move the slider ``key``
    through it; per tuple, the (whole rerun, fragment body) seconds of each
    move. A string when the page raised (the message)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
    for k, val in (query or {}).items():
        at.query_params[k] = str(val)
    with timed_fragments() as frag_times:
        at.run()
        if at.exception:
            return at.exception[0].message

        def move(eps):
            at.slider(key=key).set_value(eps)
            del frag_times[:]
            t0 = time.perf_counter()
            at.run()
            full = time.perf_counter() - t0
            if len(frag_times) != 1:
                raise RuntimeError(f"expected one fragment call per {page} rerun, saw {len(frag_times)}")
            return full, frag_times[0]

        return tuple([move(eps) for eps in vs] for vs in values)


def rows(ref_seconds: float) -> list[dict]:
    return playground_rows() + transfer_rows()


def playground_rows() -> list[dict]:
    got = eps_moves("playground", "pg.eps", (0.21, 0.22, 0.23, 0.24, 0.26, 0.27, 0.28),  # the attack really runs
                    (0.21, 0.22, 0.23))  # earlier epsilons: served from the cache
    if isinstance(got, str):
        return [{"case": CASE, "seconds": float("nan"), "budget_seconds": 0.150, "note": f"page raised: {got}"}]
    new, back = got
    return [
        {"case": CASE + " (new ε, PGD-40)", "seconds": _median([f for _, f in new]), "budget_seconds": 0.150,
         "note": "attack fragment, default settings, 120 test points"},
        {"case": CASE + " (earlier ε, cached)", "seconds": _median([f for _, f in back]), "budget_seconds": 0.150,
         "note": "attack fragment, result from cache"},
        {"case": "Playground: whole-page rerun (upper bound)", "seconds": _median([w for w, _ in new]),
         "budget_seconds": None, "note": "AppTest reruns the whole script; the app reruns only the fragment"},
    ]


def transfer_rows() -> list[dict]:
    """Transferability: the first view crafts every slider ε up to the chart's
    end in one batch, so a move to any of them only looks its numbers up and
    draws them (on 2-D data also the gallery of seven decision maps)."""
    case = "Transferability: ε moved, server rerun"
    out = []
    for data, query in (("blog data", None), ("moons, with the boundary gallery", {"dataset": "moons"})):
        got = eps_moves("transfer", "tf.eps", (0.21, 0.22, 0.23, 0.24, 0.26, 0.27, 0.28), (0.21, 0.22, 0.23, 0.24, 0.26),
                        query=query)
        if isinstance(got, str):
            out.append({"case": f"{case}, {data}", "seconds": float("nan"), "budget_seconds": 0.060,
                        "note": f"page raised: {got}"})
            continue
        new, back = got
        out += [{"case": f"{case}, {data} (new ε)", "seconds": _median([f for _, f in new]), "budget_seconds": 0.060,
                 "note": "attack fragment, surrogate and six targets"},
                {"case": f"{case}, {data} (earlier ε)", "seconds": _median([f for _, f in back]),
                 "budget_seconds": 0.060, "note": "attack fragment, an ε shown before"}]
    return out
