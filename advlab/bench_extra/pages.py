"""Server-side time of the Playground's rerun when the epsilon slider moves.

Measured with Streamlit's AppTest (the script runs in-process, as on the
server, without a browser). Moving epsilon reruns only the attack fragment in
the app; the page records how long that fragment took, which is what is
reported. The whole-script rerun is shown too, as an upper bound.
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASE = "Playground: ε moved, server rerun"


def _median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def rows(ref_seconds: float) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "playground.py"), default_timeout=300)
    at.run()
    if at.exception:
        return [{"case": CASE, "seconds": float("nan"), "budget_seconds": 0.150,
                 "note": f"page raised: {at.exception[0].message}"}]
    frag, full, back = [], [], []
    for eps in (0.21, 0.22, 0.23, 0.24, 0.26, 0.27, 0.28):  # new epsilons: the attack really runs
        at.slider(key="pg.eps").set_value(eps)
        t0 = time.perf_counter()
        at.run()
        full.append(time.perf_counter() - t0)
        frag.append(at.session_state["_pg_fragment_seconds"])
    for eps in (0.21, 0.22, 0.23):  # back to earlier epsilons: served from the cache
        at.slider(key="pg.eps").set_value(eps)
        at.run()
        back.append(at.session_state["_pg_fragment_seconds"])
    return [
        {"case": CASE + " (new ε, PGD-40)", "seconds": _median(frag), "budget_seconds": 0.150,
         "note": "attack fragment, default settings, 120 test points"},
        {"case": CASE + " (earlier ε, cached)", "seconds": _median(back), "budget_seconds": 0.150,
         "note": "attack fragment, result from cache"},
        {"case": "Playground: whole-page rerun (upper bound)", "seconds": _median(full), "budget_seconds": None,
         "note": "AppTest reruns the whole script; the app reruns only the fragment"},
    ]
