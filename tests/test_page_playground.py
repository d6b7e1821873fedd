"""The Playground page, run headless: it trains, draws its charts and numbers,
re-attacks without retraining when ε moves, builds each attack's controls from
the registry, keeps the last good model when training diverges, and explains
bad links instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advlab import models
from advlab.attacks import ATTACKS
from advlab.ui import livechart

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "playground.py")
CLEAN, ADV = "clean accuracy", "adversarial accuracy"


def new_app(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = str(v)
    return at


def metric(at, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return found[0]


def pct(at, label: str) -> float:
    v = metric(at, label)
    assert v.endswith("%"), v
    return float(v[:-1])


def charts(at) -> int:
    return len(livechart.figures(at))


def widget_keys(at) -> set[str]:
    keys = set()
    for kind in ("slider", "select_slider", "selectbox", "number_input", "toggle", "radio"):
        keys |= {w.key for w in getattr(at, kind)}
    return keys


def assert_ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def stored_models() -> int:
    from advlab import ui

    return len(ui.WORKSHOP.store)


@pytest.fixture
def count_training(monkeypatch):
    """How many times the page trains a network (the page calls ``models.fit_mlp``)."""
    calls = []
    real = models.fit_mlp

    def counting(*a, **kw):
        calls.append(kw)
        return real(*a, **kw)

    monkeypatch.setattr(models, "fit_mlp", counting)
    return calls


@pytest.fixture(scope="module")
def default_run() -> AppTest:
    at = new_app()
    at.run()
    return at


def test_default_run_draws_charts_and_numbers(default_run):
    at = default_run
    assert_ok(at)
    assert at.title[0].value == "Playground"
    assert charts(at) >= 3
    clean, adv = pct(at, CLEAN), pct(at, ADV)
    assert 80 <= clean <= 100, "the default model should fit two moons well"
    assert adv < clean, "PGD at ε = 0.2 should fool some points"
    assert metric(at, "attack success rate").endswith("%")
    assert at.slider(key="pg.eps").value == pytest.approx(0.2)
    assert at.selectbox(key="pg.attack").value == "pgd"
    # the training summary says what was trained
    assert any("100 epochs" in c.value for c in at.caption)


def test_the_code_is_written_out_only_once_its_panel_is_opened():
    """The code that reproduces the view is highlighted by the browser on every draw;
    it is sent only while its panel is open, and then for the settings shown."""
    at = new_app(eps=0.35)
    at.run()
    assert_ok(at)
    assert len(at.code) == 0 and any("Show the code" in e.label for e in at.expander)
    at.session_state["pg_code_open"] = True  # what a click on the panel's header sets
    at.run()
    assert_ok(at)
    (code,) = at.code
    assert "eps=0.35" in code.value and "pgd" in code.value
    at.slider(key="pg.eps").set_value(0.4).run()
    assert "eps=0.4" in at.code[0].value  # still open, now for the new budget


def test_eps_rerun_changes_accuracy_without_retraining(count_training):
    at = new_app()
    at.run()
    assert_ok(at)
    clean, adv = metric(at, CLEAN), pct(at, ADV)
    summary = [c.value for c in at.caption if "epochs" in c.value]
    stored, trained = stored_models(), len(count_training)

    at.slider(key="pg.eps").set_value(0.5).run()
    assert_ok(at)
    assert pct(at, ADV) < adv, "a larger budget must fool more points"
    assert metric(at, CLEAN) == clean
    assert len(count_training) == trained, "moving ε retrained the network"
    assert stored_models() == stored
    assert [c.value for c in at.caption if "epochs" in c.value] == summary
    assert at.query_params["eps"] == "0.5"

    # back to the first ε: the same number again (cached result, same model)
    at.slider(key="pg.eps").set_value(0.2).run()
    assert pct(at, ADV) == adv
    assert len(count_training) == trained


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_every_registered_attack_runs_with_its_own_controls(attack):
    at = new_app(attack=attack)
    at.run()
    assert_ok(at)
    assert at.selectbox(key="pg.attack").value == attack
    spec = ATTACKS[attack]
    keys = widget_keys(at)
    for p in spec.params:
        assert f"pg.{attack}_{p.name}" in keys, f"{attack}: no control for {p.name}"
    # other attacks' parameters are not shown
    for other, ospec in ATTACKS.items():
        if other != attack:
            for p in ospec.params:
                if f"{other}_{p.name}" != f"{attack}_{p.name}":
                    assert f"pg.{other}_{p.name}" not in keys
    assert ("pg.eps" in keys) == spec.uses_eps
    assert ("pg.targeted" in keys) == spec.targeted
    assert charts(at) >= 3
    assert 0 <= pct(at, ADV) <= pct(at, CLEAN) + 1e-9 or spec.key == "noise"
    if not spec.uses_eps:
        assert any("no ε" in c.value for c in at.caption)


def test_attack_parameter_controls_change_the_result():
    at = new_app(attack="pgd", eps="0.3")
    at.run()
    assert_ok(at)
    one_step = at.slider(key="pg.pgd_steps").set_value(1).run()
    assert_ok(one_step)
    weak = pct(at, ADV)
    at.slider(key="pg.pgd_steps").set_value(40).run()
    assert pct(at, ADV) <= weak
    assert at.query_params["pgd_steps"] == "40"


def test_switching_attack_in_a_session_keeps_eps():
    at = new_app()
    at.run()
    at.slider(key="pg.eps").set_value(0.3).run()
    for attack in ("fgsm", "deepfool", "bim"):
        at.selectbox(key="pg.attack").set_value(attack).run()
        assert_ok(at)
        assert at.query_params["attack"] == attack
    assert at.slider(key="pg.eps").value == pytest.approx(0.3)


def test_blobs_shows_the_classes_slider():
    at = new_app()
    at.run()
    assert "pg.classes" not in widget_keys(at)
    at.selectbox(key="pg.dataset").set_value("blobs").run()
    assert_ok(at)
    assert at.slider(key="pg.classes").value == 3
    at.slider(key="pg.classes").set_value(4).run()
    assert_ok(at)
    assert charts(at) >= 3
    assert metric(at, ADV).endswith("%")
    # four classes: the targeted attack offers four targets
    at.toggle(key="pg.targeted").set_value(True).run()
    assert_ok(at)
    assert list(at.selectbox(key="pg.target").options) == [f"class {k}" for k in range(4)]


@pytest.mark.parametrize("dataset", ["moons", "circles", "blobs", "xor", "spiral", "linear"])
def test_every_dataset_runs(dataset):
    at = new_app(dataset=dataset, epochs=30)
    at.run()
    assert_ok(at)
    assert charts(at) >= 3
    assert pct(at, CLEAN) > 40


def test_divergent_learning_rate_warns_and_keeps_the_previous_model():
    at = new_app()
    at.run()
    clean, adv = metric(at, CLEAN), metric(at, ADV)
    at.select_slider(key="pg.lr").set_value("10").run()
    assert_ok(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "diverged" in warnings and "10" in warnings
    assert charts(at) >= 3
    # the model shown is the last good one: the same numbers as before
    assert (metric(at, CLEAN), metric(at, ADV)) == (clean, adv)
    # a sane rate again: no warning
    at.select_slider(key="pg.lr").set_value("0.01").run()
    assert_ok(at)
    assert not any("diverged" in w.value for w in at.warning)


def test_divergent_learning_rate_on_a_first_visit_still_shows_a_model():
    at = new_app(lr="10", dataset="circles", seed=7)
    at.run()
    assert_ok(at)
    assert any("diverged" in w.value for w in at.warning)
    assert charts(at) >= 3
    assert metric(at, CLEAN).endswith("%")


def test_point_out_of_range_after_fewer_samples():
    at = new_app()
    at.run()
    last = int(at.number_input(key="pg.point").max)  # the last test point
    at.number_input(key="pg.point").set_value(last).run()
    assert_ok(at)
    assert any(f"#{last}" in m.value for m in at.markdown)
    at.slider(key="pg.n").set_value(50).run()  # a much smaller test set
    assert_ok(at)
    assert any(str(last) in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.number_input(key="pg.point").value == 0
    assert charts(at) >= 3


def test_point_out_of_range_in_the_link():
    at = new_app(n=50, point=1999)
    at.run()
    assert_ok(at)
    assert any("1999" in w.value for w in at.warning)
    assert at.number_input(key="pg.point").value == 0


def test_step_slider_walks_the_pgd_path():
    at = new_app(attack="pgd", pgd_steps=10)
    at.run()
    assert_ok(at)
    step = at.slider(key="pg.step")
    assert (step.min, step.max) == (-1, 10)
    step.set_value(3).run()
    assert_ok(at)
    assert at.query_params["step"] == "3"


def test_link_values_set_the_widgets():
    at = new_app(eps="0.4", dataset="circles", attack="fgsm", norm="l2", seed="3", layers="3")
    at.run()
    assert_ok(at)
    assert at.slider(key="pg.eps").value == pytest.approx(0.4)
    assert at.selectbox(key="pg.dataset").value == "circles"
    assert at.selectbox(key="pg.attack").value == "fgsm"
    assert at.selectbox(key="pg.norm").value == "l2"
    assert at.number_input(key="pg.seed").value == 3
    assert at.slider(key="pg.layers").value == 3
    assert not at.warning


def test_bad_link_values_fall_back_with_a_warning():
    at = new_app(eps="abc", dataset="nope", layers="9")
    at.run()
    assert_ok(at)
    warnings = [w.value for w in at.warning]
    assert any("eps" in w and "abc" in w for w in warnings), warnings
    assert any("dataset" in w and "nope" in w for w in warnings), warnings
    assert any("layers" in w and "9" in w for w in warnings), warnings
    assert at.slider(key="pg.eps").value == pytest.approx(0.2)
    assert at.selectbox(key="pg.dataset").value == "moons"
    assert at.slider(key="pg.layers").value == 2
    assert charts(at) >= 3
    # the address now holds the values in use
    assert (at.query_params["eps"], at.query_params["dataset"]) == ("0.2", "moons")
    # the notes are shown once, not on every rerun
    at.slider(key="pg.eps").set_value(0.3).run()
    assert not any("abc" in w.value for w in at.warning)


# ------------------------------------------------------ threat models ---

KNOWS_TEXT = {"nothing": "nothing about the model", "gradients": "white-box", "scores": "score-based black-box",
              "labels": "decision-based black-box", "generator": "generator network"}


def _path_points(at) -> int:

    traces = [tr for fig in livechart.figures(at) for tr in fig["data"]]
    path = [tr for tr in traces if tr.get("name") == "attack path"]
    assert path, "no attack path on the map"
    x = path[0]["x"]
    if isinstance(x, dict):  # plotly sends numeric arrays as base64 typed arrays
        import base64

        import numpy as np

        return len(np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"])))
    return len(x)


@pytest.mark.parametrize("attack", ["noise", "pgd", "square", "hopskipjump", "advgan"])
def test_each_attack_says_what_the_attacker_knows_and_counts_its_questions(attack):
    at = new_app(attack=attack)
    at.run()
    assert_ok(at)
    knows = ATTACKS[attack].knows
    assert any(c.value.startswith("**What the attacker knows:**") and KNOWS_TEXT[knows] in c.value
               for c in at.caption), [c.value for c in at.caption]
    q = [m for m in at.metric if m.label == "queries per point"]
    assert q, [m.label for m in at.metric]
    asked = float(q[0].value.replace(",", ""))
    if attack == "noise":
        assert asked == 0
    else:
        assert asked >= 1
    share = q[0].proto.delta
    if knows in ("gradients", "generator"):  # backward passes, shown as their share of all queries
        assert share.endswith("gradients"), share
    else:
        assert not share, "an attacker without gradients asked for some"


def test_pgd_queries_are_one_forward_and_one_backward_pass_per_step():
    at = new_app(attack="pgd", pgd_steps=10)
    at.run()
    assert_ok(at)
    q = next(m for m in at.metric if m.label == "queries per point")
    assert float(q.value) == pytest.approx(21, abs=1)  # 10 steps: 10 gradients, 10 + 1 forward passes
    assert q.proto.delta == "48% gradients"


@pytest.mark.parametrize("attack", ["square", "hopskipjump"])
def test_black_box_attacks_draw_their_walk_on_the_map(attack):
    at = new_app(attack=attack)
    at.run()
    assert_ok(at)
    assert _path_points(at) > 3, "the blind attacker's path is more than a jump"
    assert at.slider(key="pg.step").max > 3


def test_the_universal_shift_on_moons_costs_accuracy_and_says_a_shift_can_help():
    at = new_app(attack="universal")
    at.run()
    assert_ok(at)
    assert pct(at, ADV) <= pct(at, CLEAN)
    note = [c.value for c in at.caption if c.value.startswith("One shift for every point")]
    assert note and "can even help" in note[0] and "%" in note[0]


def test_next_fooled_point_jumps_ahead_and_shows_the_whole_path():
    at = new_app(attack="pgd", eps="0.5", pgd_steps=10, step=3)
    at.run()
    assert_ok(at)
    assert at.slider(key="pg.step").value == 3
    at.button(key="pg_next_fooled").click().run()
    assert_ok(at)
    first = at.number_input(key="pg.point").value
    assert first > 0 and at.slider(key="pg.step").value == -1
    assert any("**fooled**" in m.value for m in at.markdown if m.value.startswith(f"Point **#{first}**"))
    at.button(key="pg_next_fooled").click().run()
    assert at.number_input(key="pg.point").value > first
