"""The Transferability page as a learner meets it: it opens on the blog data
with a chart and a table, transfer stays below the white-box rate, epsilon and
the stop-early switch change the numbers, and bad choices get a message while
the other models stay."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from advlab.ui import livechart

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "transfer.py")


def run(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    for k, val in query.items():
        at.query_params[k] = str(val)
    return at.run()


def metric(at: AppTest, start: str) -> float:
    for m in at.metric:
        if m.label.startswith(start):
            return float(m.value.rstrip("%")) / 100
    raise AssertionError(f"no metric starting with {start!r}: {[m.label for m in at.metric]}")


def test_default_view_shows_chart_table_and_numbers():
    at = run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert len(livechart.figures(at)) == 1
    table = at.dataframe[0].value
    assert len(table) == 7  # the surrogate and six targets
    assert metric(at, "mean transfer") < metric(at, "white-box success")
    assert metric(at, "best transfer") <= metric(at, "white-box success")
    assert any("transfer table" in b.proto.label for b in at.get("download_button"))


def test_eps_and_the_stop_switch_change_the_numbers():
    at = run()
    white, mean = metric(at, "white-box success"), metric(at, "mean transfer")
    at.slider(key="tf.eps").set_value(0.1).run()
    assert not at.exception
    assert metric(at, "white-box success, ε=0.1") < white
    at.slider(key="tf.eps").set_value(0.3).run()
    at.toggle(key="tf.stop").set_value(True).run()
    assert not at.exception
    assert metric(at, "mean transfer") < mean  # minimal examples hardly transfer


def test_no_target_is_explained_and_the_surrogate_still_shown():
    at = run()
    at.button_group(key="tf.targets").set_value([]).run()
    assert not at.exception
    assert any("pick at least one" in w.value for w in at.warning)
    assert len(at.dataframe[0].value) == 1
    assert len(livechart.figures(at)) == 1


def test_two_d_data_draws_boundaries_and_a_bad_k_leaves_only_knn_out():
    at = run(dataset="moons", n=50, knn_k=50)
    assert not at.exception, at.exception
    assert any("k-NN" in w.value and "left out" in w.value for w in at.warning)
    assert len(at.dataframe[0].value) == 6  # knn is missing, everything else is there
    assert len(livechart.figures(at)) == 2  # the chart and the boundary gallery


def test_moving_eps_back_shows_the_same_numbers_without_attacking_again(monkeypatch):
    """Every slider ε is crafted in one batch when the page opens: moving ε,
    forth or back, shows each ε's own numbers and runs no attack."""
    from advlab import transfer

    calls = []
    for name in ("iterate", "craft"):
        real = getattr(transfer, name)
        monkeypatch.setattr(transfer, name, lambda *a, _real=real, _n=name, **k: calls.append(_n) or _real(*a, **k))
    at = run(seed=11)  # a lesson of its own: nothing stored for it yet
    assert not at.exception, at.exception
    assert calls, "the first view crafts its examples"
    seen = {}
    for eps in (0.1, 0.25, 0.4, 0.1, 0.25):
        before = len(calls)
        at.slider(key="tf.eps").set_value(eps).run()
        assert not at.exception, at.exception
        assert len(calls) == before, f"moving ε to {eps} attacked again"
        numbers = (metric(at, "white-box success"), metric(at, "mean transfer"), at.dataframe[0].value.to_dict())
        assert seen.setdefault(eps, numbers) == numbers
    assert seen[0.1][0] < seen[0.4][0]  # and ε still matters


def test_the_reaches_past_emax_are_crafted_while_the_server_is_idle(monkeypatch):
    """Past ``emax`` the chart reaches a quarter further at a time; those sweeps are made in the
    background once the server is idle, so moving ε there attacks nothing."""
    from advlab import transfer
    from advlab.ui import lessons

    calls = []
    real = transfer.iterate
    monkeypatch.setattr(transfer, "iterate", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(lessons.PREFETCH, "enabled", True)
    at = run()
    assert not at.exception, at.exception
    low = metric(at, "white-box success")
    assert lessons.PREFETCH.wait_empty(180) and lessons.PREFETCH.failed == 0
    made = len(calls)
    for eps in (0.7, 0.95):  # the 0.75 and 1.0 reaches
        at.slider(key="tf.eps").set_value(eps).run()
        assert not at.exception, at.exception
        assert len(calls) == made, f"moving ε to {eps} attacked again"
    assert metric(at, "white-box success") > low
