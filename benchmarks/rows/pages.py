"""Server-side time of the Playground's rerun when the epsilon slider moves.

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


def rows(ref_seconds: float) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "playground.py"), default_timeout=300)
    with timed_fragments() as frag_times:
        at.run()
        if at.exception:
            return [{"case": CASE, "seconds": float("nan"), "budget_seconds": 0.150,
                     "note": f"page raised: {at.exception[0].message}"}]

        def move(eps):
            """Move the slider and rerun; (whole rerun, fragment body) seconds."""
            at.slider(key="pg.eps").set_value(eps)
            del frag_times[:]
            t0 = time.perf_counter()
            at.run()
            full = time.perf_counter() - t0
            if len(frag_times) != 1:
                raise RuntimeError(f"expected one fragment call per Playground rerun, saw {len(frag_times)}")
            return full, frag_times[0]

        new = [move(eps) for eps in (0.21, 0.22, 0.23, 0.24, 0.26, 0.27, 0.28)]  # the attack really runs
        back = [move(eps) for eps in (0.21, 0.22, 0.23)]  # earlier epsilons: served from the cache
    return [
        {"case": CASE + " (new ε, PGD-40)", "seconds": _median([f for _, f in new]), "budget_seconds": 0.150,
         "note": "attack fragment, default settings, 120 test points"},
        {"case": CASE + " (earlier ε, cached)", "seconds": _median([f for _, f in back]), "budget_seconds": 0.150,
         "note": "attack fragment, result from cache"},
        {"case": "Playground: whole-page rerun (upper bound)", "seconds": _median([w for w, _ in new]),
         "budget_seconds": None, "note": "AppTest reruns the whole script; the app reruns only the fragment"},
    ]
