"""Memory that stays flat: a server that retrains again and again (new seeds,
new widths, new activations) keeps a bounded number of Keras models, attack
graphs and stored results, whatever the number of retrains."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from advlab import models, projections
from advlab.attacks import _engine, run_attack
from advlab.config import DataConfig
from advlab.ui import service

PLAYGROUND = str(Path(__file__).resolve().parents[1] / "pages" / "playground.py")


def live(kind: type) -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


def live_graphs() -> int:
    from tensorflow.python.eager.polymorphic_function.polymorphic_function import Function

    return live(Function)


@pytest.fixture
def few_engines(monkeypatch):
    """Keep three architectures' graphs, so a test can go past the bound quickly."""
    monkeypatch.setattr(_engine, "MAX_ENGINES", 3)
    _engine._engines.clear()
    yield 3
    _engine._engines.clear()


def test_retraining_many_configs_keeps_models_graphs_and_results_bounded(few_engines):
    import keras

    ds = DataConfig(dataset="moons", n=200).load()
    shop = service.Workshop(1, store=service.ModelStore(max_items=4))
    values = service.ValueStore(max_items=1000, max_bytes=2_000_000)

    def lesson(i: int) -> None:
        """What a page does for one link: train (shared), attack, draw the map's grid."""
        width, act = (8, 12, 16, 20, 24)[i % 5], ("relu", "tanh")[i % 2]
        key = ("mlp", i, width, act)
        fit = partial(models.fit_mlp, ds.x_train, ds.y_train, hidden=(width,), activation=act, epochs=3, seed=i)
        model = shop.run(key, lambda job: fit()).model
        values.get(("attack", key), partial(run_attack, "fgsm", model, ds.x_test, ds.y_test, eps=0.2))
        values.get(("grid", key), partial(projections.boundary_grid, model, (-2, 3, -2, 2), 60))

    for i in range(12):
        lesson(i)
    models_after_12, graphs_after_12 = live(keras.Model), live_graphs()
    for i in range(12, 36):
        lesson(i)
    # 24 more models trained, 10 architectures seen: nothing more is kept alive
    assert live(keras.Model) <= models_after_12
    assert live_graphs() <= graphs_after_12
    assert len(shop.store) == 4 and len(_engine._engines) == few_engines
    assert values.nbytes <= 2_000_000 and len(values) < 72


def test_a_session_retraining_on_the_playground_keeps_memory_bounded(few_engines, monkeypatch):
    """The Playground in one session, the seed changed over and over: the
    stores stay within their bounds, and no old run's page state is kept."""
    import keras
    from streamlit.testing.v1 import AppTest

    from advlab import ui
    from advlab.state import PageState
    from advlab.ui import lessons

    monkeypatch.setattr(ui.WORKSHOP.store, "max_items", 3)
    monkeypatch.setattr(lessons.VALUES.store, "max_bytes", 3_000_000)
    at = AppTest.from_file(PLAYGROUND, default_timeout=120)
    at.query_params["epochs"] = "10"
    at.run()
    for seed in range(6001, 6004):
        at.number_input(key="pg.seed").set_value(seed).run()
    models_before = live(keras.Model)
    for seed in range(6004, 6010):
        at.number_input(key="pg.seed").set_value(seed).run()
        assert not at.exception
    assert live(keras.Model) <= models_before
    assert len(ui.WORKSHOP.store) <= 3 and lessons.VALUES.nbytes <= 3_000_000
    assert sum(1 for o in gc.get_objects() if isinstance(o, PageState) and o.page == "pg") <= 2


_MMAP_PROBE = """
import ctypes, sys
from advlab import serve

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
if sys.argv[1] == "fixed":
    assert serve.steady_malloc()
big = bytearray(8 * 2**20)
del big  # by default glibc now raises its mmap threshold to 8 MB
before = libc.mallinfo2().hblks
grid = bytearray(400_000)  # a decision grid's size
print(libc.mallinfo2().hblks - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_the_server_maps_grid_sized_blocks_so_freeing_them_gives_memory_back():
    """After a large block is freed, glibc would serve grid-sized blocks from its
    heap, where freed ones leave holes; the server keeps them mapped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    root = Path(__file__).resolve().parents[1]

    def mapped(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _MMAP_PROBE, mode], check=False, cwd=root, env=env,
                             capture_output=True, text=True, timeout=60)
        if "mallinfo2" in out.stderr:
            pytest.skip("this libc has no mallinfo2")
        assert out.returncode == 0, out.stderr
        return int(out.stdout.strip())

    assert mapped("default") == 0
    assert mapped("fixed") == 1
