"""The server's start-up: the garbage collector paused for the imports and
switched back on by the preload, whether the preload succeeds or fails."""

from __future__ import annotations

import gc
import threading

import pytest

from advlab import serve
from advlab.ui import warmup


@pytest.fixture
def collector():
    """Leave the collector as the test found it (on, nothing frozen)."""
    yield
    gc.unfreeze()
    gc.enable()


def test_the_preload_switches_the_collector_back_on_and_frees_later_garbage(collector, monkeypatch):
    monkeypatch.setattr(warmup, "trace_default_graphs", lambda: 0.0)
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


def test_a_failing_preload_still_switches_the_collector_back_on(collector, monkeypatch):
    def broken() -> float:
        raise RuntimeError("no graphs today")

    monkeypatch.setattr(warmup, "trace_default_graphs", broken)
    serve.pause_collection()
    done = threading.Event()
    serve._preload(done)  # logged, not raised: the first visit does the work instead
    assert done.is_set() and gc.isenabled()
