"""The shared work of many sessions: one training for a whole class, a visible
queue when the server is busy, bounded stores, and Keras state that survives
other sessions' reruns."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
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
    small = service.ModelStore(max_items=100, max_bytes=3 * 200_000 + 1)
    for i in range(10):
        small.put(i, object())
    assert len(small) == 3
    assert small.nbytes <= small.max_bytes


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
