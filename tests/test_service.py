"""The shared work of many sessions: one training for a whole class, a visible
queue when the server is busy, bounded stores, and Keras state that survives
other sessions' reruns."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from advlab import data, models
from advlab.ui import service

PLAYGROUND = str(Path(__file__).resolve().parents[1] / "pages" / "playground.py")


def test_thirty_sessions_asking_for_one_model_start_one_job():
    shop = service.Workshop(2)
    gate = threading.Event()

    def slow(job):
        gate.wait(5)
        return object()

    with ThreadPoolExecutor(30) as ex:
        futs = [ex.submit(shop.run, "same-link", slow) for _ in range(30)]
        time.sleep(0.2)
        gate.set()
        results = [f.result(timeout=10) for f in futs]
    assert shop.runs == 1
    assert all(r is results[0] for r in results)
    # and a later visitor gets it from the store without a job
    assert shop.run("same-link", slow) is results[0]
    assert shop.runs == 1


def test_a_busy_server_tells_each_waiting_session_how_many_are_ahead():
    shop = service.Workshop(1)
    gate = threading.Event()
    first = shop.submit("a", lambda job: gate.wait(5))
    second = shop.submit("b", lambda job: "b")
    third = shop.submit("c", lambda job: "c")
    time.sleep(0.1)
    assert shop.ahead(first) == 0  # running
    assert shop.ahead(second) == 1
    assert shop.ahead(third) == 2
    seen = []
    gate.set()
    assert shop.wait(third, lambda job, ahead: seen.append(ahead)) == "c"
    assert all(a >= 0 for a in seen)
    assert shop.ahead(third) == 0


def test_a_failed_job_reaches_every_waiter_and_is_not_stored():
    shop = service.Workshop(2)
    boom = models.TrainingDiverged(3, 10.0)

    def fail(job):
        time.sleep(0.1)
        raise boom

    with ThreadPoolExecutor(4) as ex:
        futs = [ex.submit(shop.run, "bad", fail) for _ in range(4)]
        errors = [f.exception(timeout=5) for f in futs]
    assert all(e is boom for e in errors)
    assert shop.store.get("bad") is None
    assert shop.run("bad", lambda job: "fixed") == "fixed"  # a later try runs again


def test_store_is_bounded_by_count_and_memory():
    store = service.ModelStore(max_items=3, max_bytes=10**9)
    for i in range(5):
        store.put(i, object())
    assert len(store) == 3 and store.get(0) is None and store.get(4) is not None
    small = service.ModelStore(max_items=100, max_bytes=3 * 210_000)
    for i in range(10):
        small.put(i, np.zeros(200_000 // 8))  # 200 kB each, counted by its bytes
    assert len(small) == 3 and small.get(9) is not None and small.get(6) is None
    assert small.nbytes <= small.max_bytes


def test_sizes_count_the_arrays_an_item_holds():
    grid = {"xs": np.zeros(150), "proba": np.zeros((150, 150, 3))}
    assert 540_000 <= service.nbytes(grid) < 560_000
    assert service.nbytes([grid, grid]) < 600_000  # shared parts are counted once
    fig = go.Figure(go.Heatmap(z=np.zeros((100, 100))))
    assert 80_000 <= service.nbytes(fig) < 120_000
    assert service.nbytes(list(range(10_000))) >= 80_000  # long lists are not walked item by item, but counted
    trained = models.fit_mlp(*_tiny(), hidden=(64,), epochs=1)
    weights = 4 * (2 * 64 + 64 + 64 + 1)
    assert weights <= service.nbytes(trained) < service.KERAS_OVERHEAD  # its NumPy weights, no Keras model yet
    assert trained.model is not None  # built on first use, then held and counted
    assert service.nbytes(trained) >= service.KERAS_OVERHEAD + weights


def _tiny():
    ds = data.load("moons", n_samples=60, seed=0)
    return ds.x_train, ds.y_train


def test_a_big_item_evicts_older_ones_to_stay_under_the_byte_budget():
    store = service.ModelStore(max_items=100, max_bytes=1_000_000)
    for i in range(5):
        store.put(i, np.zeros(20_000))  # 160 kB
    store.put("big", np.zeros(100_000))  # 800 kB: only the newest small ones fit beside it
    assert store.get("big") is not None and store.nbytes <= 1_000_000
    assert store.get(0) is None and store.get(4) is not None
    with pytest.raises(ValueError, match="max_items"):
        service.ModelStore(max_items=0)
    with pytest.raises(ValueError, match="max_bytes"):
        service.ModelStore(max_bytes=0)


def test_value_store_gives_each_caller_a_copy_and_stays_within_its_budget():
    values = service.ValueStore(max_items=100, max_bytes=1_000_000)
    first = values.get(("grid", 1), lambda: np.arange(10.0))
    first[0] = 99.0  # a session scribbling on its copy
    assert values.get(("grid", 1), lambda: pytest.fail("computed twice"))[0] == 0.0
    for i in range(40):  # 40 x 80 kB
        values.get(("grid", i), lambda: np.zeros(10_000))
    assert values.nbytes <= 1_000_000 and len(values) < 40
    # keys that are not hashable (a list, an array) still name one value
    assert values.get([1, 2], lambda: "a") == values.get([1, 2], lambda: "b") == "a"


def test_value_store_computes_a_missing_value_once_for_many_threads():
    values = service.ValueStore()
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return np.ones(3)

    with ThreadPoolExecutor(8) as ex:
        outs = [f.result(timeout=10) for f in [ex.submit(values.get, "k", slow) for _ in range(8)]]
    assert len(calls) == 1
    assert all(np.array_equal(o, np.ones(3)) for o in outs)
    assert len({id(o) for o in outs}) == 8  # every caller its own copy


def test_a_failed_value_is_not_stored_and_is_computed_again():
    values = service.ValueStore()

    def boom():
        raise ValueError("eps must be in [0, 1]")

    with pytest.raises(ValueError, match="eps"):
        values.get("bad", boom)
    assert values.get("bad", lambda: 3) == 3


def test_streamlit_no_longer_resets_keras_between_reruns():
    import keras
    from streamlit.runtime.scriptrunner import script_runner

    import advlab.ui  # noqa: F401 - installs the hook

    assert service.keep_keras_state(), "Streamlit's post-run cleanup hook is gone: revisit advlab.ui.service"
    before = keras.backend.get_uid("advlab_probe")
    script_runner._clean_problem_modules()
    assert keras.backend.get_uid("advlab_probe") == before + 1


def test_models_trained_from_eight_threads_at_once_match_a_single_run():
    """Building and training while other sessions rerun (which used to clear
    Keras' state) gives no naming errors and the same numbers."""
    from streamlit.runtime.scriptrunner import script_runner

    import advlab.ui  # noqa: F401

    ds = data.load("moons", n_samples=200, seed=1)

    def fit():
        t = models.fit_mlp(ds.x_train, ds.y_train, hidden=(16, 16), epochs=15, seed=7)
        return np.asarray(t.model(ds.x_test, training=False))

    reference = fit()
    stop = threading.Event()

    def rerun_storm():
        while not stop.is_set():
            script_runner._clean_problem_modules()

    storm = threading.Thread(target=rerun_storm)
    storm.start()
    try:
        with ThreadPoolExecutor(8) as ex:
            outs = [f.result(timeout=300) for f in [ex.submit(fit) for _ in range(24)]]
    finally:
        stop.set()
        storm.join()
    for out in outs:
        np.testing.assert_allclose(out, reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("workers", ["1", "3"])
def test_pool_size_follows_the_setting(monkeypatch, workers):
    monkeypatch.setenv("ADVLAB_WORKERS", workers)
    assert service.workers() == int(workers)


def test_streamlit_still_has_the_pages_directory_switch():
    """advlab.serve and advlab.ui switch off Streamlit's old pages-folder mode
    (so a first visit to a deep link gets the real navigation); Streamlit has
    no public setting for it. This fails the day the attribute goes away."""
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory")


def test_a_workshop_keeps_the_store_it_is_given_even_while_empty():
    store = service.ModelStore(max_items=2)
    shop = service.Workshop(1, store=store)
    for i in range(4):
        shop.run(i, lambda job, i=i: [i])
    assert shop.store is store and len(store) == 2


# ------------------------------------------------------------- run slots ---

@pytest.fixture
def slots(monkeypatch):
    """One script run at a time, as a server admits them (advlab.serve.admit_runs)."""
    s = service.RunSlots(1)
    monkeypatch.setattr(service, "RUN_SLOTS", s)
    return s


def test_runs_are_admitted_a_few_at_a_time_and_all_finish():
    """Thirty students' moves at once: never more than two run together, every one finishes."""
    s = service.RunSlots(2)
    lock, now, peak = threading.Lock(), [0], [0]

    def run(_):
        with s, s:  # a run inside a run (Streamlit's own reruns) takes no second slot
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            time.sleep(0.01)
            with lock:
                now[0] -= 1
        return True

    with ThreadPoolExecutor(30) as pool:
        assert all(pool.map(run, range(60)))
    assert peak[0] == 2


def test_a_run_waiting_for_shared_work_lets_other_runs_go_first(slots):
    """A student waiting for a training does not hold up the class: another session's
    run goes ahead meanwhile, and the waiting run gets its result after."""
    ws = service.Workshop(1)
    go_on, other_done = threading.Event(), threading.Event()

    def train(job):
        assert go_on.wait(10)
        return "model"

    def waiting_run():
        with slots:
            return ws.run("model", train)

    def other_run():
        with slots:
            other_done.set()
            go_on.set()  # (the training could have gone on its own; here it waits for the other run)

    with ThreadPoolExecutor(2) as pool:
        waiting = pool.submit(waiting_run)
        time.sleep(0.2)  # the first run is in, waiting for its job
        other = pool.submit(other_run)
        assert other_done.wait(5), "the other run never got a slot"
        assert waiting.result(10) == "model"
        other.result(5)


def test_a_run_waiting_for_a_value_another_session_computes_gives_its_slot_up():
    """Two runs need the same attack result: the one computing it and the one waiting for it;
    a third session's run still gets through, and both get the one result."""
    s, store = service.RunSlots(2), service.ValueStore()
    started, release, third_done = threading.Event(), threading.Event(), threading.Event()

    def compute():
        started.set()
        assert release.wait(10)
        return np.arange(3)

    def asks():
        with s:
            return store.get("attack", compute)

    def third():
        with s:
            third_done.set()

    old = service.RUN_SLOTS
    service.RUN_SLOTS = s
    try:
        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(asks)
            assert started.wait(5)
            second = pool.submit(asks)
            time.sleep(0.2)  # waiting at the value's gate, without its slot
            pool.submit(third)
            assert third_done.wait(5), "a waiting run kept its slot"
            release.set()
            assert first.result(10).tolist() == second.result(10).tolist() == [0, 1, 2]
    finally:
        service.RUN_SLOTS = old
    assert store.runs == 1


def test_the_server_admits_fragment_runs_through_the_slots(monkeypatch):
    """With the server's admission on, a page's full run goes at once and its fragment's
    reruns (ε moves) through the slots; a real page still runs to the end with it, a wait
    for shared work included."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.testing.v1 import AppTest

    from advlab import serve

    runner = script_runner.ScriptRunner
    monkeypatch.setattr(runner, "_run_script", runner._run_script)
    monkeypatch.setattr(service, "RUN_SLOTS", None)
    assert serve.admit_runs(1)
    assert not serve.admit_runs(1)
    try:
        at = AppTest.from_function(_page_waiting_for_shared_work, default_timeout=60)
        at.run()
        assert not at.exception and at.markdown[-1].value == "trained: 42"
        seen = []
        monkeypatch.setattr(runner, "_run_script", lambda self, data: seen.append(
            service.RUN_SLOTS._depth() if service.RUN_SLOTS is not None else 0))
        del runner._advlab_admitted
        assert serve.admit_runs(1)  # wraps the recorder in the same way
        runner._run_script(None, RerunData())
        runner._run_script(None, RerunData(fragment_id_queue=["attack"]))
        assert seen == [0, 1]  # the first visit without a slot, the ε move in one
        assert service.RUN_SLOTS.n == 1 and service.RUN_SLOTS._depth() == 0
    finally:
        if "_advlab_admitted" in vars(runner):
            del runner._advlab_admitted


def _page_waiting_for_shared_work():
    import time as _time

    import streamlit as st

    from advlab import ui

    def job(j):
        _time.sleep(0.4)
        return 42

    st.markdown(f"trained: {ui.shared(('slot-test', _time.time()), job, text=lambda j: 'training')}")


def test_prefetch_waits_for_an_idle_server_runs_each_key_once_in_order_and_survives_a_failure():
    idle = threading.Event()
    ran = []

    def gate():
        assert idle.wait(10), "the server never went idle"

    pre = service.Prefetcher(gate, max_queued=3)
    pre.add("a", lambda: ran.append("a"))
    pre.add("a", lambda: ran.append("a again"))  # queued already: once
    pre.add("b", lambda: 1 / 0)
    pre.add("c", lambda: ran.append("c"))
    time.sleep(0.3)
    assert ran == [] and pre.pending() == 3  # nothing while visitors run
    idle.set()
    assert pre.wait_empty(10)
    assert ran == ["a", "c"] and pre.done == 2 and pre.failed == 1
    # a long queue keeps the newest: a learner's latest page first
    idle.clear()
    for k in "defgh":
        pre.add(k, lambda k=k: ran.append(k))
    idle.set()
    assert pre.wait_empty(10)
    assert ran[2:] == ["f", "g", "h"], ran  # d and e dropped: an item is taken only once the server is idle
    off = service.Prefetcher(gate, enabled=False)
    off.add("x", lambda: ran.append("x"))
    assert off.pending() == 0 and "x" not in ran
