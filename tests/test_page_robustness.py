"""The Robustness page, run headless: it draws its charts, follows its controls
and answers bad links with a message."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from advlab.ui import livechart

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "robustness.py")


def _figures(at) -> list[dict]:
    return livechart.figures(at)


def _values(arr) -> np.ndarray:
    # plotly sends numeric arrays as base64 typed arrays
    if isinstance(arr, dict) and "bdata" in arr:
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=np.dtype(arr["dtype"]))
    return np.asarray(arr, np.float64)


def _curve_names(at) -> set[str]:
    fig = _figures(at)[0]
    return {tr.get("name") for tr in fig["data"] if tr.get("mode") == "lines+markers"}


def _metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    return at


def test_default_page_draws_curves_distances_and_table(page):
    at = page
    assert not at.exception
    assert not at.error
    assert len(_figures(at)) == 3  # curves, histogram, cumulative
    assert len(_curve_names(at)) == 5
    fig = _figures(at)[0]
    assert any(tr.get("fill") == "toself" for tr in fig["data"]), "the noise-to-PGD gap is shaded"
    assert _metric(at, "clean test accuracy").endswith("%")
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 5
    # the blog model barely notices noise: the page says so
    assert any("Random noise barely moves" in i.value for i in at.info)
    assert at.slider(key="rb.eps_max").value == pytest.approx(1.0)


def test_unticking_attacks_redraws_without_them_and_drops_the_band(page):
    at = page
    at.checkbox(key="rb.a_noise").uncheck()
    at.checkbox(key="rb.a_mim").uncheck().run()
    assert not at.exception
    names = _curve_names(at)
    assert len(names) == 3
    assert not any(tr.get("fill") == "toself" for tr in _figures(at)[0]["data"])
    assert any("Tick both random noise and PGD" in c.value for c in at.caption)
    assert len(at.dataframe[0].value) == 3
    for a in ("noise", "fgsm", "bim", "pgd", "mim"):
        at.checkbox(key=f"rb.a_{a}").uncheck()
    at.run()
    assert not at.exception
    assert any("No attack is selected" in w.value for w in at.warning)
    at.checkbox(key="rb.a_pgd").check().run()
    assert not at.exception and len(_curve_names(at)) == 1


def test_the_curves_switch_to_attack_success_rate(page):
    at = page
    at.radio(key="rb.show").set_value("success").run()
    assert not at.exception
    fig = _figures(at)[0]
    assert fig["layout"]["yaxis"]["title"]["text"] == "attack success rate"
    ys = [_values(tr["y"]) for tr in fig["data"] if tr.get("mode") == "lines+markers"]
    assert all(y[0] == 0 for y in ys) and max(y[-1] for y in ys) > 0.9
    at.radio(key="rb.show").set_value("accuracy").run()


def test_moving_the_table_epsilon_changes_the_numbers_not_the_model(page):
    at = page
    before = at.dataframe[0].value.iloc[0, 1]
    trained = _metric(at, "training time")
    at.slider(key="rb.eps").set_value(0.8).run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, 1] < before
    assert _metric(at, "training time") == trained


def test_the_rest_of_the_table_range_is_computed_while_the_server_is_idle(monkeypatch):
    """After the table is drawn, the other blocks of its slider's range are swept in the background (the
    server is idle here: no other session runs), so moving ε into any of them computes nothing."""
    from advlab.ui import WORKSHOP, lessons

    monkeypatch.setattr(lessons.PREFETCH, "enabled", True)
    at = AppTest.from_file(PAGE, default_timeout=120).run()  # the default lesson: its model and curves are stored
    assert not at.exception
    before = at.dataframe[0].value.iloc[0, 1]
    assert lessons.PREFETCH.wait_empty(120) and lessons.PREFETCH.failed == 0
    runs = WORKSHOP.runs
    for eps in (0.5, 0.9):  # across the slider's range (200 points: blocks of 61 and 40 values)
        at.slider(key="rb.eps").set_value(eps).run()
        assert not at.exception
        assert WORKSHOP.runs == runs, f"moving ε to {eps} ran a job"
    assert at.dataframe[0].value.iloc[0, 1] < before


def test_switching_to_digits_fits_the_range_and_keeps_charts():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    blog_acc = _metric(at, "clean test accuracy")
    at.selectbox(key="rb.dataset").set_value("digits")
    at.slider(key="rb.points").set_value(60).run()
    assert not at.exception and not at.error
    assert len(livechart.figures(at)) == 3
    assert at.slider(key="rb.eps_max").value == pytest.approx(0.3)
    assert at.slider(key="rb.epochs").value == 20
    assert _metric(at, "clean test accuracy") != blog_acc
    assert _metric(at, "hidden layers") == "64-32"
    axis = _figures(at)[0]["layout"]["xaxis"]["range"]
    assert axis[1] == pytest.approx(0.3 * 1.02)


def test_a_link_with_an_epsilon_too_large_for_the_data_gets_a_message():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"dataset": "digits", "eps_max": "5", "eps": "4", "points": "40", "n_eps": "6"})
    at.run()
    assert not at.exception
    texts = " ".join(w.value for w in at.warning)
    assert "at most 1" in texts
    assert at.slider(key="rb.eps_max").value == pytest.approx(1.0)
    assert at.slider(key="rb.eps").value <= 1.0
    assert len(livechart.figures(at)) == 3


def test_a_link_with_an_unusable_value_falls_back_with_a_note():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"dataset": "moons", "n_eps": "500", "points": "40", "lang": "zh"})
    at.run()
    assert not at.exception
    assert any("n_eps" in w.value for w in at.warning)
    assert at.slider(key="rb.n_eps").value == 20
    assert len(livechart.figures(at)) == 3


# ------------------------------------------------ attackers without gradients ---

BLACK_BOX_NAMES = {"Square attack (scores only)", "HopSkipJump (labels only)"}


def _black_box(**query):
    """The page with its black-box attacks on, at a budget of 100 queries from the link (the page's 300 draw the
    same pictures three times slower)."""
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params.update({"bb": "1", "square_queries": "100", "hopskipjump_queries": "100", **query})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _traces(fig: dict, name: str) -> list[dict]:
    return [tr for tr in fig["data"] if tr.get("name") == name]


def test_attackers_without_gradients_wait_for_their_switch(page):
    assert page.toggle(key="rb.bb").value is False
    assert not BLACK_BOX_NAMES & _curve_names(page)
    assert not any(s.value == "How many questions each attacker asked" for s in page.subheader)


@pytest.fixture(scope="module")
def black_box_page():
    return _black_box()


def test_score_and_decision_based_attacks_join_the_curves_and_the_table(black_box_page):
    at = black_box_page
    names = _curve_names(at)
    assert len(names) == 7 and BLACK_BOX_NAMES <= names
    fig = _figures(at)[0]
    square = _values(_traces(fig, "Square attack (scores only)")[0]["y"])
    pgd = _values(_traces(fig, "PGD")[0]["y"])
    hsj = _values(_traces(fig, "HopSkipJump (labels only)")[0]["y"])
    assert square[0] == pytest.approx(pgd[0]) == pytest.approx(hsj[0])  # every curve starts at the clean accuracy
    assert square[-1] < square[0] - 0.5, "300 score queries still wreck the blog model at the largest epsilon"
    assert np.all(np.diff(hsj) <= 1e-9), "a budget keeps every smaller change HopSkipJump found"
    assert np.all(hsj >= pgd - 0.05), "in L-inf the L2 attack's curve is an upper bound, never far below PGD"
    table = at.dataframe[0].value
    assert len(table) == 6 and "Square attack (scores only)" in set(table.iloc[:, 0])


def test_success_against_questions_with_pgd_as_the_white_box_reference(black_box_page):
    at = black_box_page
    assert any(s.value == "How many questions each attacker asked" for s in at.subheader)
    fig = _figures(at)[1]
    square = _traces(fig, "Square attack (scores only)")[0]
    q, ok = _values(square["x"]), _values(square["y"])
    assert q[-1] <= 100 and np.all(np.diff(q) >= 0) and ok[-1] > ok[0], "more questions, more success"
    star = _traces(fig, "PGD")[0]
    assert star["marker"]["symbol"] == "star" and _values(star["x"])[0] == pytest.approx(81)
    hsj = _traces(fig, "HopSkipJump (labels only)")
    assert len(hsj) == 1 and hsj[0]["yaxis"] == "y2", "in L-inf only HopSkipJump's (L2) distance is drawn"
    dist = _values(hsj[0]["y"])
    assert dist[-1] < dist[0], "its distance shrinks as it asks"
    assert any(s.get("yref") == "y2" for s in fig["layout"]["shapes"]), "DeepFool's median for comparison"
    caption = next(c.value for c in at.caption if c.value.startswith("At the table's ε"))
    assert "at most 100 questions" in caption and "HopSkipJump measures its changes in L2 only" in caption


def test_in_l2_the_decision_based_attack_has_a_success_curve_too():
    at = _black_box(norm="l2", eps_max="3", eps="0.9")
    fig = _figures(at)[1]
    assert len(_traces(fig, "HopSkipJump (labels only)")) == 2  # success at the budget, and its distance
    caption = next(c.value for c in at.caption if c.value.startswith("At the table's ε"))
    assert "L2 only" not in caption
