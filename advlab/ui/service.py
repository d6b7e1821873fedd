"""Shared work for many sessions: trained models, admission of heavy jobs, and
Keras' global state.

A class opens the same link at once. Training and sweeps run in one bounded
pool of worker threads sized to the machine's cores, never in a session's own
script thread, so:

* thirty sessions asking for the same model start one job and all watch its
  progress (single flight, keyed by the lesson's settings);
* a session that asks while the pool is busy sees its place in the queue
  ("k ahead of you") instead of a frozen page;
* a student who leaves mid-training does not cancel the job the rest of the
  class is waiting for: the result is stored when it finishes.

Finished models live in one store bounded by count and by memory. Everything
here is safe to call from many script threads at once.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import os
import pickle
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Self

__all__ = ["Job", "ModelStore", "Prefetcher", "RunSlots", "ValueStore", "Workshop", "keep_keras_state", "nbytes",
           "waiting", "workers"]

_log = logging.getLogger("advlab.service")


def workers() -> int:
    """Worker threads for heavy jobs: one per core this process may use
    (``ADVLAB_WORKERS`` overrides it)."""
    env = os.environ.get("ADVLAB_WORKERS", "")
    if env.strip().isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------- script runs ---

class RunSlots:
    """At most ``n`` sessions' script runs of this process at a time; the others wait
    their turn in arrival order.

    One Streamlit process runs each session's script on a thread of its own, and the
    threads share one interpreter lock: thirty students moving ε at once all ran at
    once, each handed the lock every few milliseconds, so every move took as long as
    the whole burst, and the hand-offs cost time of their own. With a few runs at a
    time, most moves finish in a fraction of that and the burst in less.

    A run that waits for shared work (a training or a sweep on the pool, a result
    another session is computing) gives its slot up while it waits (:meth:`released`).
    Re-entrant on one thread; safe from many threads."""

    def __init__(self, n: int):
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        self.n = n
        self._sem = threading.Semaphore(n)
        self._local = threading.local()

    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    def __enter__(self) -> Self:
        if self._depth() == 0:
            self._sem.acquire()
        self._local.depth = self._depth() + 1
        return self

    def __exit__(self, *exc) -> None:
        self._local.depth = self._depth() - 1
        if self._local.depth == 0:
            self._sem.release()

    @contextmanager
    def released(self):
        """Give this thread's slot up for the block (a wait), and take one again after."""
        depth = self._depth()
        if depth == 0:
            yield
            return
        self._local.depth = 0
        self._sem.release()
        try:
            yield
        finally:
            self._sem.acquire()
            self._local.depth = depth


RUN_SLOTS: RunSlots | None = None  # set by the server (advlab.serve.admit_runs); None: every run at once


@contextmanager
def waiting():
    """Around a wait in a script run: the run's slot (:data:`RUN_SLOTS`) is free meanwhile."""
    slots = RUN_SLOTS
    if slots is None:
        yield
    else:
        with slots.released():
            yield


# ------------------------------------------------------------------ store ---

KERAS_OVERHEAD = 150_000  # a Keras model object costs far more than its weights (measured: ~110 KB of layers and variables)
_SCALAR_TYPES = (int, float, complex, bool, type(None))


def nbytes(item: Any, *, _depth: int = 0, _seen: set[int] | None = None) -> int:
    """Rough memory of a stored item, counted where the bytes are: arrays
    (NumPy, Keras weights, a figure's data), strings and byte strings, walked
    through containers, dataclasses and plain objects. An estimate for cache
    budgets, not an exact count (shared parts are counted once per item)."""
    seen = set() if _seen is None else _seen
    if id(item) in seen or _depth > 8:
        return 0
    seen.add(id(item))
    if isinstance(item, _SCALAR_TYPES):
        return 16
    if isinstance(item, str | bytes | bytearray | memoryview):
        return 48 + len(item)
    arr = getattr(item, "__array_interface__", None)
    if arr is not None and hasattr(item, "nbytes"):
        return 96 + int(item.nbytes)
    if hasattr(item, "get_weights") and hasattr(item, "layers"):  # a Keras model
        return KERAS_OVERHEAD + sum(4 * math.prod(int(d) for d in getattr(w, "shape", ()))
                                    for w in getattr(item, "weights", ()) or ())
    if hasattr(item, "_data") and hasattr(item, "_layout") and hasattr(item, "to_plotly_json"):  # a plotly figure
        return 4_000 + nbytes(item._data, _depth=_depth + 1, _seen=seen) + nbytes(item._layout, _depth=_depth + 1,
                                                                                   _seen=seen)
    if isinstance(item, dict):
        return 64 + sum(nbytes(k, _depth=_depth + 1, _seen=seen) + nbytes(v, _depth=_depth + 1, _seen=seen)
                        for k, v in item.items())
    if isinstance(item, list | tuple | set | frozenset):
        if len(item) > 64 and all(isinstance(x, _SCALAR_TYPES) for x in itertools.islice(item, 8)):
            return 64 + 24 * len(item)  # a long list of numbers: don't walk every one
        return 64 + sum(nbytes(x, _depth=_depth + 1, _seen=seen) for x in item)
    fields = getattr(item, "__dict__", None)
    if fields is None and hasattr(item, "__slots__"):
        fields = {k: getattr(item, k) for k in item.__slots__ if hasattr(item, k)}
    if isinstance(fields, dict):
        return 64 + sum(nbytes(v, _depth=_depth + 1, _seen=seen) for v in fields.values())
    return 64


class ModelStore:
    """Least-recently-used store of read-only items, bounded by count and bytes
    (each item's size from ``size``, :func:`nbytes` by default)."""

    def __init__(self, max_items: int = 64, max_bytes: float = 256 * 2**20, *,
                 size: Callable[[Any], int] | None = None):
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, got {max_items}")
        if not max_bytes > 0:
            raise ValueError(f"max_bytes must be above 0, got {max_bytes}")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._size = size or nbytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.evictions = 0

    def get(self, key: Hashable):
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
            return hit[0]

    def put(self, key: Hashable, item: Any) -> None:
        size = self._size(item)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (item, size)
            self._bytes += size
            while len(self._items) > 1 and (len(self._items) > self.max_items or self._bytes > self.max_bytes):
                _, (_, s) = self._items.popitem(last=False)
                self._bytes -= s
                self.evictions += 1

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._bytes


@contextmanager
def _held(lock):
    """A lock already acquired, released at the end of the block."""
    try:
        yield
    finally:
        lock.release()


class ValueStore:
    """Values computed once for every session, each caller getting its own copy
    (what ``st.cache_data`` does), in a :class:`ModelStore` bounded by count and
    by the bytes of the stored (pickled) values.

    Two sessions asking for the same missing key at once compute it once: the
    second waits for the first. ``key`` is any hashable, or any picklable
    value (lists, arrays), which is then keyed by its pickled bytes.
    """

    def __init__(self, max_items: int = 256, max_bytes: float = 64 * 2**20):
        self.store = ModelStore(max_items, max_bytes, size=len)
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.runs = 0

    @staticmethod
    def _key(key: Any) -> Hashable:
        try:
            hash(key)
        except TypeError:
            return ("pickled", hashlib.blake2b(pickle.dumps(key, protocol=5), digest_size=20).digest())
        return key

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A copy of the value stored under ``key``, computing it first when missing."""
        k = self._key(key)
        blob = self.store.get(k)
        if blob is None:
            with self._lock:
                gate = self._computing.setdefault(k, threading.Lock())
            if not gate.acquire(blocking=False):  # another session computes it: wait without a run slot
                with waiting():
                    gate.acquire()
            with _held(gate):
                blob = self.store.get(k)
                if blob is None:
                    try:
                        value = compute()
                        with self._lock:
                            self.runs += 1
                        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                        self.store.put(k, blob)
                    finally:
                        with self._lock:
                            self._computing.pop(k, None)
        return pickle.loads(blob)

    def clear(self) -> None:
        self.store.clear()

    def __len__(self) -> int:
        return len(self.store)

    @property
    def nbytes(self) -> int:
        return self.store.nbytes


# ------------------------------------------------------------------- jobs ---

@dataclass
class Job:
    """One heavy computation, shared by every session that asked for it."""

    key: Hashable
    seq: int
    future: Future = field(default_factory=Future)
    started: bool = False
    fraction: float = 0.0
    info: dict = field(default_factory=dict)  # the last progress report (epoch, loss, weights...)

    def report(self, fraction: float, **info) -> None:
        """Called by the job itself as it goes (any thread)."""
        self.fraction = float(min(max(fraction, 0.0), 1.0))
        self.info = info

    @property
    def done(self) -> bool:
        return self.future.done()


class Workshop:
    """A bounded pool of workers with single-flight jobs and a visible queue."""

    def __init__(self, n_workers: int | None = None, store: ModelStore | None = None):
        self.n_workers = n_workers or workers()
        self.store = store if store is not None else ModelStore(max_items=64, max_bytes=64 * 2**20)
        self._pool = ThreadPoolExecutor(self.n_workers, thread_name_prefix="advlab-work")
        self._jobs: dict[Hashable, Job] = {}
        self._lock = threading.Lock()
        self._seq = 0
        self.runs = 0  # jobs actually computed (tests count single flight with it)

    def submit(self, key: Hashable, fn: Callable[[Job], Any], *, store: bool = True) -> Job:
        """The job computing ``key`` (joining one under way), or a finished one
        from the store. ``fn(job)`` runs on a worker and may call ``job.report``."""
        with self._lock:
            if store:
                hit = self.store.get(key)
                if hit is not None:
                    job = Job(key, -1, started=True, fraction=1.0)
                    job.future.set_result(hit)
                    return job
            job = self._jobs.get(key)
            if job is not None:
                return job
            self._seq += 1
            job = self._jobs[key] = Job(key, self._seq)
        self._pool.submit(self._run, job, fn, store)
        return job

    def _run(self, job: Job, fn, store: bool) -> None:
        job.started = True
        try:
            with self._lock:
                self.runs += 1
            result = fn(job)
        except BaseException as exc:  # noqa: BLE001 - handed to every waiting session
            with self._lock:
                self._jobs.pop(job.key, None)
            job.future.set_exception(exc)
            return
        with self._lock:
            if store:
                self.store.put(job.key, result)
            self._jobs.pop(job.key, None)
        job.fraction = 1.0
        job.future.set_result(result)

    def busy(self) -> bool:
        """Whether a job runs or waits."""
        with self._lock:
            return bool(self._jobs)

    def ahead(self, job: Job) -> int:
        """How many jobs run or wait before ``job`` (0 once it runs)."""
        if job.started:
            return 0
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.seq < job.seq)

    def wait(self, job: Job, on_progress: Callable[[Job, int], None] | None = None, poll: float = 0.12):
        """Block until ``job`` is done, calling ``on_progress(job, ahead)`` while it
        waits or runs; return its result or raise its error. The script run's slot
        (:data:`RUN_SLOTS`) is free while it waits."""
        while not job.done:
            if on_progress is not None:
                on_progress(job, self.ahead(job))
            try:
                with waiting():
                    job.future.result(timeout=poll)
            except TimeoutError:
                continue
        return job.future.result()

    def run(self, key: Hashable, fn: Callable[[Job], Any], *, on_progress=None, store: bool = True):
        """``submit`` then ``wait``."""
        return self.wait(self.submit(key, fn, store=store), on_progress)


class Prefetcher:
    """Work nobody waits for yet, done while the server is idle.

    ``add(key, fn)`` queues ``fn()`` (at most once per ``key`` while queued;
    ``max_queued`` newest kept). One daemon thread runs the queue in order,
    each item only after ``idle()`` has returned, which blocks until no
    visitor's script runs and the pool has no job: a class moving its sliders
    is never slowed by it, and a learner's reading time fills the rest of a
    slider's range. ``fn`` should put its work on the shared pool under the
    key a visitor's request would use, so that a visitor asking meanwhile
    joins it instead of computing it again.
    """

    def __init__(self, idle: Callable[[], object], *, max_queued: int = 16, enabled: bool = True):
        self.idle, self.max_queued, self.enabled = idle, max_queued, enabled
        self._queue: OrderedDict[Hashable, Callable[[], object]] = OrderedDict()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self.done = 0  # items run (tests)
        self.failed = 0

    def add(self, key: Hashable, fn: Callable[[], object]) -> None:
        if not self.enabled:
            return
        with self._cv:
            if key in self._queue:
                return
            self._queue[key] = fn
            while len(self._queue) > self.max_queued:
                self._queue.popitem(last=False)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="advlab-prefetch", daemon=True)
                self._thread.start()
            self._cv.notify_all()

    def pending(self) -> int:
        with self._cv:
            return len(self._queue)

    def wait_empty(self, timeout: float) -> bool:
        """Block until the queue has been run (tests); False after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.1))
        return True

    _busy = False

    def _loop(self) -> None:
        while True:
            with self._cv:
                while not self._queue:
                    self._cv.wait()
            self.idle()
            with self._cv:
                if not self._queue:
                    continue
                _, fn = self._queue.popitem(last=False)
                self._busy = True
            try:
                fn()
                self.done += 1
            except Exception:  # noqa: BLE001 - a failed prefetch only means a visitor computes it later
                self.failed += 1
                _log.warning("prefetch failed", exc_info=True)
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()


# ------------------------------------------------------------ keras state ---

def keep_keras_state() -> bool:
    """Stop Streamlit from resetting Keras after every script run.

    After each run Streamlit calls ``keras.backend.clear_session()`` (its
    ``script_runner._clean_problem_modules``). In a server where many sessions
    run at once that resets Keras' global state (its layer-name counters among
    it) under the feet of a session that is building a model, which is what
    made concurrent sessions fail with "All layers added to a Sequential model
    should have unique names"; it also costs about 0.15 s of CPU per rerun,
    more than the rest of an epsilon move. advlab never relies on it: models
    get explicit layer names and nothing is added to Keras' global graph.
    Matplotlib's cleanup, the function's other job, is kept. Returns whether
    the hook was found (a test fails the day Streamlit renames it).
    """
    try:
        from streamlit.runtime.scriptrunner import script_runner
    except ImportError:  # pragma: no cover
        return False
    if not hasattr(script_runner, "_clean_problem_modules"):
        return False
    if getattr(script_runner._clean_problem_modules, "_advlab", False):
        return True

    def _clean_problem_modules() -> None:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            try:
                plt.close("all")
            except Exception:  # noqa: BLE001, S110 - never break a run over a plot cleanup
                pass

    _clean_problem_modules._advlab = True
    script_runner._clean_problem_modules = _clean_problem_modules
    return True

