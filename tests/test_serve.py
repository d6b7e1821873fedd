"""The server's start-up: the garbage collector paused for the imports and
switched back on by the preload, whether the preload succeeds or fails."""

from __future__ import annotations

import gc
import threading

import pytest

from advlab import serve


@pytest.fixture
def collector():
    """Leave the collector as the test found it (on, nothing frozen)."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_preload_switches_the_collector_back_on_and_frees_later_garbage(collector):
    serve.pause_collection()
    assert not gc.isenabled()
    done = threading.Event()
    serve._preload(done)
    assert done.is_set() and gc.isenabled()
    assert gc.get_freeze_count() > 0  # what the start-up imported is no longer walked

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle made after the start-up is collected as before
    del a, b
    assert gc.collect() >= 2


def test_the_preload_imports_pandas_before_any_page_runs():
    """Plotly reads pandas from sys.modules to check a figure's arrays; a page serializing a
    figure while another thread was importing pandas showed "partially initialized module
    'pandas' has no attribute 'Series'". The server's preload imports it whole first."""
    assert serve.PRELOAD[0] == "pandas"
    import subprocess
    import sys

    code = ("import threading, sys; from advlab import serve; serve._preload(threading.Event()); "
            "import pandas; print(hasattr(sys.modules['pandas'], 'Series'))")
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    assert out.returncode == 0 and out.stdout.strip().endswith("True"), out.stderr[-1500:]


def test_a_failing_preload_still_switches_the_collector_back_on(collector, monkeypatch):
    monkeypatch.setattr(serve, "PRELOAD", (*serve.PRELOAD, "advlab.no_such_module"))
    serve.pause_collection()
    done = threading.Event()
    serve._preload(done)  # logged, not raised: the first visit does the work instead
    assert done.is_set() and gc.isenabled()


@pytest.fixture
def coalesced_loop_class():
    """Patch the event loop class as the server does, and restore it afterwards."""
    from asyncio import selector_events

    cls = selector_events.BaseSelectorEventLoop
    saved = {k: cls.__dict__[k] for k in ("_write_to_self", "_read_from_self")}
    cls.pipe_writes = []  # every byte actually written to a loop's self-pipe

    def counted_write(self):
        cls.pipe_writes.append(1)
        saved["_write_to_self"](self)

    cls._write_to_self = counted_write
    assert serve.coalesce_loop_wakeups()
    assert not serve.coalesce_loop_wakeups()  # a second call changes nothing
    yield cls
    for k, v in saved.items():
        setattr(cls, k, v)
    del cls._advlab_coalesced, cls.pipe_writes


def test_callbacks_from_many_threads_all_run_and_share_wake_ups(coalesced_loop_class):
    """What the server's script threads do with every message: hand it to the event loop.
    None may be lost or left waiting (a lost wake-up would leave a page hanging until the
    next message), and a burst should not cost a system call per callback."""
    import asyncio
    import random
    import time

    loop = asyncio.new_event_loop()
    writes = coalesced_loop_class.pipe_writes
    ran, threads_n, per_thread = [], 4, 3000
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()

    def producer(seed: int) -> None:
        rng = random.Random(seed)
        for i in range(per_thread):
            loop.call_soon_threadsafe(ran.append, (seed, i))
            if rng.random() < 0.01:
                time.sleep(rng.random() / 1000)  # the loop falls asleep between bursts now and then

    try:
        producers = [threading.Thread(target=producer, args=(s,)) for s in range(threads_n)]
        for p in producers:
            p.start()
        for p in producers:
            p.join()
        deadline = time.monotonic() + 5
        while len(ran) < threads_n * per_thread and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(ran) == threads_n * per_thread, "callbacks were left waiting: a wake-up was lost"
        assert sorted(ran) == [(s, i) for s in range(threads_n) for i in range(per_thread)]
        assert len(writes) < threads_n * per_thread / 2  # bursts share wake-ups
        # and after the burst a single late callback still wakes the sleeping loop at once
        time.sleep(0.2)
        late = threading.Event()
        t0 = time.monotonic()
        loop.call_soon_threadsafe(late.set)
        assert late.wait(2), "the loop did not wake for a callback after a quiet spell"
        assert time.monotonic() - t0 < 1.0
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(5)
        loop.close()


def test_the_message_cache_threshold_is_read_once_and_still_decides_what_the_browser_caches(monkeypatch):
    """Large elements are sent once and then referred to by hash; small ones always go out.
    The server reads the size limit once instead of taking the config lock per message."""
    from streamlit import config
    from streamlit.elements.lib import utils
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime import forward_msg_cache

    monkeypatch.setattr(forward_msg_cache, "config", config)  # both restored after the test
    monkeypatch.setattr(utils, "config", config)
    assert serve.remember_fixed_options()
    assert not serve.remember_fixed_options()
    limit = int(config.get_option("global.minCachedMessageSize"))
    reads = []
    real = config.get_option
    monkeypatch.setattr(config, "get_option", lambda key: (reads.append(key), real(key))[1])

    def element(chars: int) -> ForwardMsg:
        msg = ForwardMsg()
        msg.delta.new_element.markdown.body = "x" * chars
        forward_msg_cache.populate_hash_if_needed(msg)
        return msg

    big, small, big_again = element(limit + 100), element(10), element(limit + 200)
    assert big.metadata.cacheable and big_again.metadata.cacheable and not small.metadata.cacheable
    assert big.hash and small.hash and big.hash != big_again.hash
    assert reads.count("global.minCachedMessageSize") == 1
    assert forward_msg_cache.config.get_option("server.port") == real("server.port")  # other options as before
    # every widget asks whether it runs under the test harness: read once too
    assert [utils.config.get_option("global.appTest") for _ in range(3)] == [real("global.appTest")] * 3
    assert reads.count("global.appTest") == 1


@pytest.fixture
def on_demand(monkeypatch):
    """Session state presented on demand, as the server does; Streamlit restored afterwards."""
    from streamlit.runtime.state import safe_session_state, session_state_proxy

    cls, proxy = safe_session_state.SafeSessionState, session_state_proxy.SessionStateProxy
    monkeypatch.setattr(cls, "filtered_state", cls.filtered_state)
    monkeypatch.setattr(proxy, "to_dict", proxy.to_dict)
    monkeypatch.setattr(proxy, "__str__", proxy.__str__)
    assert serve.present_on_demand()
    assert not serve.present_on_demand()
    yield
    del cls._advlab_on_demand


def _widgets_page():
    import streamlit as st

    from advlab.ui import livechart

    st.session_state.setdefault("k.note", "kept")
    st.slider("ε", 0.0, 1.0, 0.25, 0.05, key="k.eps")
    st.selectbox("attack", ["fgsm", "pgd"], index=1, key="k.attack")
    st.number_input("point", 0, 9, 3, key="k.point")
    st.radio("norm", ["linf", "l2"], key="k.norm")
    livechart.show({"data": [{"type": "scatter", "x": [0, 1], "y": [1, 0]}], "layout": {}}, key="k.chart",
                   config={}, on_select="rerun")
    st.markdown(f"seen: {sorted(st.session_state.to_dict())}")


def _count_presented(monkeypatch) -> list:
    from streamlit.runtime.state import session_state

    calls, real = [], session_state.apply_presenter
    monkeypatch.setattr(session_state, "apply_presenter", lambda *a, **kw: (calls.append(1), real(*a, **kw))[1])
    return calls


def _presented_on_a_run(monkeypatch) -> int:
    """Values presented by the run after the learner moved every widget; checks the widgets kept them."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_widgets_page, default_timeout=60)
    at.run()
    at.slider(key="k.eps").set_value(0.6)
    at.selectbox(key="k.attack").set_value("fgsm")
    at.number_input(key="k.point").set_value(7)
    at.session_state["k.norm"] = "l2"  # set by the page, not by a click
    calls = _count_presented(monkeypatch)
    at.run()
    presented = len(calls)
    assert not at.exception
    assert at.slider(key="k.eps").value == 0.6 and at.selectbox(key="k.attack").value == "fgsm"
    assert at.number_input(key="k.point").value == 7 and at.radio(key="k.norm").value == "l2"
    shown = at.markdown[-1].value
    for key in ("k.eps", "k.attack", "k.point", "k.norm", "k.note", "k.chart"):
        assert f"'{key}'" in shown
    monkeypatch.undo()
    return presented


def test_widgets_read_their_values_as_before_and_a_run_presents_fewer_values(request, monkeypatch):
    """Moving a slider, picking an option, typing a number: each widget keeps the value the
    learner gave it, set by hand or by the page, and the page sees every key. On the server
    the select box, number input and radio no longer present all six values each."""
    plain = _presented_on_a_run(monkeypatch)
    request.getfixturevalue("on_demand")
    patched = _presented_on_a_run(monkeypatch)
    assert patched <= plain - 3 * 5, (plain, patched)


def test_every_run_s_message_carries_the_app_s_theme_made_once(monkeypatch):
    """The browser draws the app in its theme (.streamlit/config.toml) on every run; the
    server makes each part of that theme once and copies it, and anew when the config is read again."""
    from streamlit import config
    from streamlit.proto.NewSession_pb2 import CustomThemeConfig
    from streamlit.runtime import app_session

    monkeypatch.setattr(app_session, "_populate_theme_msg", app_session._populate_theme_msg)
    before = config.get_option("theme.primaryColor")
    try:
        config.set_option("theme.primaryColor", "#0b63c5")
        assert serve.remember_theme()
        assert not serve.remember_theme()
        reads = []
        real = config.get_options_for_section
        monkeypatch.setattr(config, "get_options_for_section", lambda s: (reads.append(s), real(s))[1])
        for _ in range(3):
            msg = CustomThemeConfig()
            app_session._populate_theme_msg(msg)
            app_session._populate_theme_msg(msg.sidebar, "theme.sidebar")
            assert msg.primary_color == "#0b63c5"
        assert reads == ["theme", "theme.sidebar"]  # each part made once
        config.set_option("theme.primaryColor", "#d55e00")
        config._on_config_parsed.send()  # the configuration read again
        msg = CustomThemeConfig()
        app_session._populate_theme_msg(msg)
        assert msg.primary_color == "#d55e00"
    finally:
        config.set_option("theme.primaryColor", before)
