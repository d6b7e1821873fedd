"""Warm a fresh server while its first visitor is still on the way.

The first page run in a process imports TensorFlow, trains the default
lesson's network and traces its attack graph: several seconds a teacher's
first click would otherwise wait. :func:`start` does that work on a
background thread as soon as the server starts; the model goes into the shared
store under the very key the Playground asks for, so the first visit (and a
class arriving at once) finds it there, or joins the training under way.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from functools import partial

log = logging.getLogger("advlab.warmup")


def warm_default_lesson() -> None:
    import advlab._tf  # noqa: F401 - TensorFlow set up before anything else touches it
    from advlab import models
    from advlab.attacks import run_attack
    from advlab.config import DataConfig, NetConfig
    from advlab.ui import WORKSHOP, lessons, train_job

    data, net = DataConfig(), NetConfig()
    ds = data.load()
    fit = partial(models.fit_mlp, ds.x_train, ds.y_train, **net.fit_kwargs())
    trained = WORKSHOP.run(lessons.model_key(data, net), train_job(fit, int(net.epochs)))
    # traces the compiled attack graph of this architecture (shared by every later model of its shape)
    run_attack("pgd", trained.model, ds.x_test[:4], ds.y_test[:4], eps=0.1, steps=2)


def _wait_until_listening(port: int, timeout: float = 60.0) -> None:
    """Imports compete with the server's own start-up for the interpreter, so the
    warm-up begins once the server answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)


def start(port: int = 8501) -> threading.Thread:
    def run() -> None:
        try:
            _wait_until_listening(port)
            warm_default_lesson()
        except Exception:  # a failed warm-up only means the first visit does the work
            log.warning("warm-up failed; the first visit will train the default lesson", exc_info=True)

    t = threading.Thread(target=run, name="advlab-warmup", daemon=True)
    t.start()
    return t
