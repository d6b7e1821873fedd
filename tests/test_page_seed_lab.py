"""The Seed Lab page, run headless: it shows the blog's code with the numbers
that code produces, draws its four charts, follows its controls without
retraining on epsilon, and answers bad links with a message."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from advlab import seedlab
from advlab.ui import livechart

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "seed_lab.py")


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _figures(at) -> list[dict]:
    return livechart.figures(at)


def _stored_models() -> int:
    from advlab import ui

    return len(ui.WORKSHOP.store)


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    return at


def test_shows_the_blog_code_and_the_numbers_that_code_produces(page):
    at = page
    assert not at.exception and not at.error
    shown = seedlab.blog_snippet("en")
    assert at.code[0].value.rstrip("\n") == shown.rstrip("\n")
    # run the displayed text itself: its numbers are the page's numbers
    run = seedlab.run_snippet(at.code[0].value)
    assert _metric(at, "clean test accuracy") == f"{run.namespace['clean_acc']:.3f}"
    assert _metric(at, "accuracy under FGSM, ε = 0.1") == f"{run.namespace['adv_acc']:.3f}"
    assert at.code[1].value.strip() == run.stdout.strip()
    assert run.namespace["clean_acc"] >= 0.92
    # the explorer starts on the blog's model and the blog's attack: the same numbers again
    assert _metric(at, "clean accuracy") == f"{run.namespace['clean_acc']:.1%}"
    assert _metric(at, "accuracy under attack") == f"{run.namespace['adv_acc']:.1%}"
    table = at.table[0].value
    assert list(table.iloc[:, 2][:3]) == ["1000 × 20", "800 / 200", "20-64-32-1"]


def test_draws_four_charts_and_the_math(page):
    at = page
    figs = _figures(at)
    assert len(figs) == 4  # accuracy vs epsilon, PCA, feature bars, slice
    assert any(tr.get("type") == "heatmap" for tr in figs[3]["data"]), "the slice is a map"
    latex = " ".join(el.value for el in at.get("latex"))
    assert r"\nabla_x" in latex and r"\max_{\|\delta\|_\infty" in latex and r"\log \sigma" in latex
    assert any("Why a slice?" in i.value for i in at.info)


def test_show_the_code_runs_and_matches_the_page(page, monkeypatch):
    at = page
    # the view's code is sent only once its panel is opened (a click sets the panel's state)
    assert not any("seedlab.decision_slice" in c.value for c in at.code)
    at.session_state["sl_code_open"] = True
    at.run()
    view = next(c.value for c in at.code if "seedlab.decision_slice" in c.value)
    monkeypatch.setattr(go.Figure, "show", lambda self, *a, **k: None)
    run = seedlab.run_snippet(view)
    res = run.namespace["res"]
    assert _metric(at, "accuracy under attack") == f"{res.adv_accuracy:.1%}"
    assert "i = 3" in view, "the snippet shows the point on the page"


def test_moving_epsilon_changes_the_numbers_not_the_model(page):
    at = page
    before = _metric(at, "accuracy under attack")
    models_before = _stored_models()
    at.slider(key="sl.eps").set_value(0.4).run()
    assert not at.exception and not at.error
    after = _metric(at, "accuracy under attack")
    assert float(after.rstrip("%")) < float(before.rstrip("%"))
    assert _stored_models() == models_before, "moving epsilon retrained a model"
    assert "eps=0.4" in next(c.value for c in at.code if "seedlab.decision_slice" in c.value)
    at.slider(key="sl.eps").set_value(0.1).run()
    assert _metric(at, "accuracy under attack") == before


def test_other_attacks_and_points_redraw(page):
    at = page
    at.selectbox(key="sl.attack").set_value("deepfool").run()
    assert not at.exception and not at.error
    assert len(livechart.figures(at)) == 4
    at.number_input(key="sl.point").set_value(17).run()
    assert not at.exception
    assert any("#17" in m.value for m in at.markdown)
    at.selectbox(key="sl.attack").set_value("pgd").run()
    at.selectbox(key="sl.norm").set_value("l2").run()
    assert not at.exception and not at.error
    at.selectbox(key="sl.attack").set_value("fgsm").run()
    at.selectbox(key="sl.norm").set_value("linf").run()


def test_retraining_away_from_the_blog_says_so_and_back_restores_it(page):
    at = page
    at.slider(key="sl.epochs").set_value(3).run()
    assert not at.exception and not at.error
    assert any("retrained away from the blog's setting" in i.value and "3 epochs" in i.value for i in at.info)
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert at.slider(key="sl.epochs").value == 10
    assert any("the blog's network" in s.value for s in at.success)


def test_bad_link_values_get_a_message_not_a_traceback():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["eps"] = "5"
    at.query_params["point"] = "999"
    at.query_params["w1"] = "63"
    at.run()
    assert not at.exception and not at.error
    warnings = " ".join(w.value for w in at.warning)
    assert "eps=5" in warnings and "point=999" in warnings and "w1=63" in warnings
    assert at.slider(key="sl.eps").value == pytest.approx(0.1)
    assert len(livechart.figures(at)) == 4


@pytest.mark.parametrize("attack", sorted(__import__("advlab.attacks", fromlist=["ATTACKS"]).ATTACKS))
def test_every_attack_in_the_menu_draws_the_lab(attack):
    """Whatever the learner picks from the menu (JSMA's L0 budget and the
    black-box attacks included), the lab draws its four charts, no error box."""
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params["attack"] = attack
    if attack in ("square", "hopskipjump"):  # the query-based ones: a small budget draws the same charts
        at.query_params[f"{attack}_queries"] = "100"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if attack in ("square", "hopskipjump"):
        budget = [w.value for w in [*at.slider, *at.number_input, *at.select_slider] if w.key.endswith("_queries")]
        assert budget == [100], budget
    assert not at.error, [e.value for e in at.error]
    assert len(_figures(at)) == 4
