"""The Defenses page as a learner meets it: it opens with everything drawn, the
adversarially trained model holds up better, the masked model's reported
robustness is exposed, controls change the numbers, and a bad setting gets a
message while the trained models stay."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advlab.ui import livechart

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "defenses.py")


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    for k, val in query.items():
        at.query_params[k] = str(val)
    return at.run()


def metric(at: AppTest, start: str) -> float:
    """A percentage metric, by the start of its label, as a fraction."""
    for m in at.metric:
        if m.label.startswith(start):
            return float(m.value.rstrip("%×")) / (100 if m.value.endswith("%") else 1)
    raise AssertionError(f"no metric starting with {start!r}: {[m.label for m in at.metric]}")


@pytest.fixture(scope="module")
def default() -> AppTest:
    return run()


def test_default_view_draws_every_chart_and_the_defense_works(default):
    at = default
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # two decision maps, the accuracy curves, the trade-off, reported vs real
    assert len(livechart.figures(at)) == 5
    assert metric(at, "adversarial: under PGD") >= metric(at, "standard: under PGD") + 0.08
    assert metric(at, "FGSM reports") >= metric(at, "transfer shows") + 0.2
    assert metric(at, "points with zero gradient") >= 0.9
    labels = [b.proto.label for b in at.get("download_button")]
    assert any("trade-off" in s for s in labels) and len(labels) == 3


def test_evaluation_eps_changes_the_numbers(default):
    at = run()
    before = metric(at, "standard: under PGD")
    at.slider(key="df.eval_eps").set_value(0.2).run()
    assert not at.exception
    assert metric(at, "standard: under PGD ε=0.2") > before


def test_evaluation_eps_past_the_curves_end_extends_them_a_tenth_at_a_time():
    """Moving the evaluation ε past the curves' end (``emax``) step by step extends the curves once
    per tenth, so the moves in between reuse them instead of recomputing three PGD curves each."""
    def curves(at):
        fig = livechart.figures(at)[2]  # the two maps, then the accuracy curves
        return [(list(t["x"]) if isinstance(t["x"], list) else t["x"], t["y"]) for t in fig["data"]]

    at = run(eval_eps=0.62, emax=0.6)
    assert not at.exception and not at.error
    first = curves(at)
    at.slider(key="df.eval_eps").set_value(0.67).run()
    assert not at.exception
    assert metric(at, "standard: under PGD ε=0.67") <= 1.0
    assert curves(at) == first  # the same curves, reaching 0.7
    at.slider(key="df.eval_eps").set_value(0.71).run()
    assert curves(at) != first


def test_temperature_one_makes_fgsm_work_again():
    at = run()
    masked = metric(at, "FGSM reports")
    at.select_slider(key="df.temp").set_value("1").run()
    assert not at.exception
    assert metric(at, "FGSM reports") <= masked - 0.15
    assert metric(at, "points with zero gradient") < 0.1


def test_a_diverging_learning_rate_keeps_the_trained_models():
    at = run()
    shown = (metric(at, "standard: clean"), metric(at, "adversarial: under PGD"))
    at.select_slider(key="df.lr").set_value("10").run()
    assert not at.exception
    assert any("diverged" in w.value for w in at.warning)
    assert (metric(at, "standard: clean"), metric(at, "adversarial: under PGD")) == shown
    assert len(livechart.figures(at)) >= 4


def test_wide_data_without_sweep_shows_curves_but_no_maps():
    at = run(dataset="blog", sweep=0)
    assert not at.exception, at.exception
    assert any("Turn on" in i.value for i in at.info)
    assert len(livechart.figures(at)) == 2  # accuracy curves and reported vs real
    assert metric(at, "adversarial: under PGD") > metric(at, "standard: under PGD")
