"""Server CPU of a page's rerun when its epsilon slider moves, and of a page's
first load when its model is already trained (a class on one link).

Measured from outside the page with Streamlit's AppTest (the script runs
in-process, as on the server, without a browser). In the app, moving epsilon
reruns only the page's ``@st.fragment`` that holds the slider; AppTest has no
fragment-scoped rerun and reruns the whole script, so the fragment is timed by
wrapping ``st.fragment`` for the duration of the benchmark: every call of a
fragment body is timed here, and the page itself records nothing. A page
without a fragment (Text lab) reruns whole, and is timed whole.

Times are CPU seconds of the process (``time.process_time``: every thread,
TensorFlow's included), not wall time, so a loaded machine does not blame the
page; each is the median of several moves to epsilons the page has not shown
before (the attack really runs). What AppTest leaves out is Streamlit's
sending of the messages to the browser (a few ms a move);
``python -m benchmarks.loadtest`` measures the real server.
"""

from __future__ import annotations

import contextlib
import functools
import statistics
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
MOVE_BUDGET = 0.060  # CPU per ε move (p50)
LOAD_BUDGET = 0.300  # CPU of a first load once the model is trained
NEW = (0.21, 0.22, 0.23, 0.24, 0.26, 0.27, 0.28, 0.29, 0.31)  # epsilons no page shows first

# (row name, page, slider key, the fragment holding the slider or None (whole page), values, link query)
PAGES = [
    ("Seed Lab", "seed_lab", "sl.eps", "explore", NEW, None),
    ("Playground", "playground", "pg.eps", "attack_section", NEW, None),
    ("Robustness (the table's ε)", "robustness", "rb.eps", "analysis", (0.11, 0.12, 0.13, 0.14, 0.16, 0.17, 0.18),
     None),
    ("Digits", "digits", "dg.eps", "attack_section", (0.11, 0.12, 0.13, 0.14, 0.16, 0.17, 0.18), None),
    ("Transferability, blog data", "transfer", "tf.eps", "attack_section", NEW, None),
    ("Transferability, moons (the boundary gallery)", "transfer", "tf.eps", "attack_section", NEW, {"dataset": "moons"}),
    ("Text lab (the budget)", "text_lab", "tx.budget", None, (1, 2, 4, 5, 6, 7), None),
    # its evaluation ε: both models, the trade-off sweep's models and the masked model attacked at the new ε
    ("Defenses (the evaluation ε)", "defenses", "df.eval_eps", "lesson", (0.41, 0.42, 0.43, 0.44, 0.46, 0.47), None),
]


def _median(xs):
    return statistics.median(xs) if xs else float("nan")


@contextlib.contextmanager
def timed_fragments():
    """Patch ``st.fragment`` so each fragment body's CPU seconds are appended, with
    the fragment's name, to the yielded list."""
    import streamlit as st

    real = st.fragment
    seconds: list[tuple[str, float]] = []

    def fragment(func=None, **kwargs):
        if func is None:  # used as @st.fragment(...)
            return lambda f: fragment(f, **kwargs)

        @functools.wraps(func)  # same module and qualified name: the fragment keeps its identity
        def timed(*args, **kw):
            t0 = time.process_time()
            try:
                return func(*args, **kw)
            finally:
                seconds.append((func.__name__, time.process_time() - t0))

        return real(timed, **kwargs)

    with mock.patch.object(st, "fragment", fragment):
        yield seconds


def _app(page: str, query: dict | None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
    for k, val in (query or {}).items():
        at.query_params[k] = str(val)
    return at


def eps_moves(page: str, key: str, fragment: str | None, values, *, query: dict | None = None):
    """Open ``page`` (with the link's ``query``) and move the slider ``key`` through
    ``values``: per move, the CPU seconds of the ``fragment`` that holds the slider
    (of the whole rerun when None). Then ``(first, again)``: the CPU seconds of a
    new session's first load, the model and the first view's results stored.
    A string when the page raised (the message)."""
    with timed_fragments() as frag_times:
        at = _app(page, query)
        at.run()
        if at.exception:
            return at.exception[0].message

        def move(val):
            at.slider(key=key).set_value(val)
            del frag_times[:]
            t0 = time.process_time()
            at.run()
            whole = time.process_time() - t0
            if at.exception:
                raise RuntimeError(at.exception[0].message)
            if fragment is None:
                return whole
            mine = [s for name, s in frag_times if name == fragment]
            if len(mine) != 1:
                raise RuntimeError(f"expected one run of {page}'s fragment {fragment} per rerun, saw {frag_times}")
            return mine[0]

        moves = [move(val) for val in values]
    loads = []
    for _ in range(3):  # new sessions on the same link
        fresh = _app(page, query)
        t0 = time.process_time()
        fresh.run()
        loads.append(time.process_time() - t0)
    return moves, loads


def rows(ref_seconds: float) -> list[dict]:
    out = []
    for name, page, key, fragment, values, query in PAGES:
        try:
            got = eps_moves(page, key, fragment, values, query=query)
        except Exception as exc:  # noqa: BLE001 - a row says what failed, the others still run
            got = f"{type(exc).__name__}: {exc}"
        if isinstance(got, str):
            out.append({"case": f"{name}: server CPU per ε move", "seconds": float("nan"),
                        "budget_seconds": MOVE_BUDGET, "note": f"page raised: {got}"})
            continue
        moves, loads = got
        part = f"fragment {fragment}" if fragment else "whole page (no fragment)"
        out += [{"case": f"{name}: server CPU per ε move", "seconds": _median(moves), "budget_seconds": MOVE_BUDGET,
                 "note": f"p50 of {len(moves)} moves to new ε, {part}, process CPU"},
                {"case": f"{name}: first load, model trained", "seconds": _median(loads),
                 "budget_seconds": LOAD_BUDGET, "note": "a new session's whole first run, process CPU"}]
    return out
