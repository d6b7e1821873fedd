"""Serve the app: ``python -m advlab.serve [streamlit run options]``.

The same as ``streamlit run app.py``, with one difference: Streamlit treats
an app that has a ``pages/`` folder as an old-style multipage app until the
entry script has called ``st.navigation`` once, so the very first visit to a
deep link such as ``/digits`` on a fresh server would open the page without
``app.py`` (and flash a "page not found" dialog). advlab always navigates with
``st.navigation``; telling Streamlit so before the server starts makes every
first visit behave like the later ones.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

from advlab import startup

APP = Path(__file__).resolve().parents[1] / "app.py"


def _port(args: list[str]) -> int:
    for i, a in enumerate(args):
        if a.startswith("--server.port="):
            return int(a.split("=", 1)[1])
        if a == "--server.port" and i + 1 < len(args):
            return int(args[i + 1])
    return int(os.environ.get("STREAMLIT_SERVER_PORT", "8501"))


def _warm_up(port: int, preloaded: threading.Event) -> None:
    """Open every page's default link in the background once the server listens
    and the preload is done (importing advlab.ui here, before the server
    starts, would slow its start). Its imports wait for the preload's: the two
    threads importing the same modules at once are what let the warm-up find
    pandas half imported and die."""
    if not preloaded.wait(120.0):
        logging.getLogger("advlab.serve").warning("preloading took over 120 s; warming up anyway")
    from advlab.ui import warmup

    warmup.start(port, after=preloaded).join()


# What the default page's first run imports (none of them TensorFlow or scikit-learn:
# its network, map and attack run in NumPy; a page that needs those imports them itself),
# and pandas first: Plotly checks every figure's arrays against pandas' types whenever pandas
# is in sys.modules, and a thread serializing a figure while another was still importing pandas
# (a page's table, scikit-learn) found the module half made ("module 'pandas' has no attribute
# 'Series'") on the page; imported here, before any run, it is whole when anyone sees it
PRELOAD = ("pandas", "advlab.data", "advlab.figures", "advlab.ui.lessons", "advlab.ui.controls",
           "advlab.ui.owndata")


def _preload(done: threading.Event) -> None:
    """Import the default page's modules while the server starts and the first
    browser loads the page's scripts. TensorFlow is not among them: importing
    it took a fresh server's CPU for several seconds, which the first visitor
    waited through although the default page does not use it. The warm-up
    (:mod:`advlab.ui.warmup`) imports it later, when it opens a page that needs
    it while no visitor is running anything."""
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    except Exception:  # the first run imports them again and shows what fails
        logging.getLogger("advlab.serve").warning("preloading failed", exc_info=True)
    finally:
        collect_again()
        done.set()
        startup.preload_done()


def pause_collection() -> None:
    """Switch Python's cyclic garbage collector off for the start-up.

    Each time a generation fills, the collector walks the objects allocated so
    far; the start-up's imports (Streamlit, Plotly, the app's modules) allocate
    millions and leave almost no cyclic garbage (measured: a full collection
    after them frees a few dozen objects, the same RSS either way), so
    collecting during them is about a sixth of their CPU time for nothing.
    :func:`collect_again` switches it back on."""
    gc.disable()


def collect_again() -> None:
    """After the start-up: move every object alive now (the imported modules,
    mostly) to the permanent generation, so later collections no longer walk
    them, and switch the collector back on."""
    gc.freeze()
    gc.enable()


def steady_malloc(threshold: int = 128 * 1024) -> bool:
    """Keep glibc's mmap threshold fixed. By default glibc raises it each time a
    large block is freed, after which blocks of a few hundred kB (a decision
    grid, a pickled result) come from the heap and leave holes it cannot give
    back: the soak's memory grew by that. With a fixed threshold they are
    mapped and returned whole when freed. ``MALLOC_MMAP_THRESHOLD_`` in the
    environment wins; returns whether the setting was made."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").mallopt(-3, int(threshold)) == 1  # -3: M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc
        return False


def coalesce_loop_wakeups() -> bool:
    """Let a burst of callbacks handed to the event loop from other threads wake it once.

    Streamlit hands every message a script run produces to the server's event loop with
    ``call_soon_threadsafe`` (twice per message), and asyncio then writes a byte to the
    loop's self-pipe each time: a system call that releases the GIL, after which the
    script's thread waits for it again behind the other sessions' threads (up to the
    switch interval). A fragment rerun sends some 60 messages, so under a class most of
    a run's wall time went to those hand-offs (a third of the server's busy samples).
    Here a write is skipped while an earlier one has not been read yet: the loop is then
    certain to wake and, having been woken, runs every callback queued before it looked
    (a loop with callbacks queued does not block in ``select``). The flag is cleared only
    after the pipe has been drained, so a wake-up is never lost. Returns whether the
    event loop class was patched (it must happen before the server creates its loop)."""
    from asyncio import selector_events

    cls = selector_events.BaseSelectorEventLoop
    if getattr(cls, "_advlab_coalesced", False):
        return False
    write, read = cls._write_to_self, cls._read_from_self

    def _write_to_self(self) -> None:
        if self.__dict__.get("_advlab_wake_pending"):
            return
        self._advlab_wake_pending = True
        write(self)

    def _read_from_self(self) -> None:
        read(self)
        self._advlab_wake_pending = False

    cls._write_to_self, cls._read_from_self, cls._advlab_coalesced = _write_to_self, _read_from_self, True
    return True


class _RememberedOptions:
    """Streamlit's ``config`` module as one of its modules sees it, with options that
    are fixed once the server runs read once. Every other name goes to ``config``."""

    def __init__(self, config, keys: frozenset[str]):
        self._config, self._keys, self._values = config, keys, {}

    def get_option(self, key: str):
        if key not in self._keys:
            return self._config.get_option(key)
        try:
            return self._values[key]
        except KeyError:
            value = self._values[key] = self._config.get_option(key)
            return value

    def __getattr__(self, name: str):
        return getattr(self._config, name)


# Options Streamlit reads from its config for every message or widget, which do not
# change while the server runs: the module that reads them, and the keys
FIXED_OPTIONS = {
    "streamlit.runtime.forward_msg_cache": frozenset({"global.minCachedMessageSize"}),  # every message
    "streamlit.elements.lib.utils": frozenset({"global.appTest"}),  # every widget
}


def remember_fixed_options() -> bool:
    """Read the options of :data:`FIXED_OPTIONS` once instead of for every message or widget.

    Streamlit hashes every message it sends and reads ``global.minCachedMessageSize``
    each time to decide whether the browser may cache it, and every widget reads
    ``global.appTest``; reading an option takes the config's global lock, and under a
    class the script threads of the sessions queued on it (an eighth of the server's
    busy samples). These are server settings that do not change while it runs (the
    test harness sets ``global.appTest`` in its own process, which does not call
    this); each is read the first time it is needed, after the server has loaded its
    configuration. Returns whether the lookups were replaced (False the second time)."""
    import importlib

    from streamlit import config

    done = False
    for name, keys in FIXED_OPTIONS.items():
        module = importlib.import_module(name)
        if not isinstance(module.config, _RememberedOptions):
            module.config, done = _RememberedOptions(config, keys), True
    return done


class FilteredView(Mapping):
    """Session state as ``filtered_state`` shows it (user keys and keyed widgets), with
    each value read, and presented, only when asked for. Which keys it holds is taken
    when first needed; values are read under the state's lock at the time."""

    def __init__(self, safe):
        self._safe = safe
        self._where: dict[str, str] | None = None  # user key -> the key it is stored under

    def _keys(self) -> dict[str, str]:
        if self._where is None:
            from streamlit.runtime.state.common import is_element_id, is_keyed_element_id
            from streamlit.runtime.state.session_state import _is_internal_key

            where: dict[str, str] = {}
            with self._safe._lock:
                state = self._safe._state
                ids = state._key_id_mapper.id_key_mapping
                for k in state._keys():  # the same walk as SessionState.filtered_state
                    if _is_internal_key(k):
                        continue
                    if not is_element_id(k):
                        where[k] = k
                    elif is_keyed_element_id(k) and k in ids:
                        where[ids[k]] = k
            self._where = where
        return self._where

    def __contains__(self, key) -> bool:
        return key in self._keys()

    def __getitem__(self, key: str):
        k = self._keys()[key]
        with self._safe._lock:
            return self._safe._state[k]

    def __iter__(self):
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        return repr(dict(self))


def present_on_demand() -> bool:
    """Let ``filtered_state`` present only the values that are read.

    Every slider, select box, number input and radio button asks Streamlit for the
    whole session state as its users see it (``filtered_state``) to look up its own
    key. Building it presents every value, and a chart that can be clicked presents
    its state as a deep copy: with a page's dozens of keys, that was a tenth of the
    server's time under a class (more than the attack). Here ``filtered_state`` is a
    :class:`FilteredView` holding the same keys, which presents a value when it is
    read; ``st.session_state.to_dict()`` still gets a plain dict. Returns whether
    Streamlit was patched (False the second time)."""
    from streamlit.runtime.state import safe_session_state, session_state_proxy

    cls = safe_session_state.SafeSessionState
    if getattr(cls, "_advlab_on_demand", False):
        return False
    cls.filtered_state = property(FilteredView)
    cls._advlab_on_demand = True
    proxy = session_state_proxy.SessionStateProxy
    proxy.to_dict = lambda self: dict(session_state_proxy.get_session_state().filtered_state)
    proxy.__str__ = lambda self: str(dict(session_state_proxy.get_session_state().filtered_state))
    return True


def remember_theme() -> bool:
    """Fill the theme of the message that starts every script run from a copy made once.

    Streamlit sends each run's browser a "new session" message carrying the theme, read
    section by section (six of them) from the configuration under its global lock. The
    theme is a server setting: each section's part is made the first time, copied into
    every later message, and made again if the configuration is read anew. Returns
    whether Streamlit was patched (False the second time)."""
    from streamlit import config
    from streamlit.runtime import app_session

    real = app_session._populate_theme_msg
    if getattr(real, "_advlab_remembered", False):
        return False
    made: dict[str, object] = {}

    def populate(msg, section: str = "theme") -> None:
        part = made.get(section)
        if part is None:
            part = type(msg)()
            real(part, section)
            made[section] = part
        msg.MergeFrom(part)

    populate._advlab_remembered = True
    app_session._populate_theme_msg = populate
    config.on_config_parsed(made.clear, force_connect=True)
    return True


def admit_runs(n: int) -> bool:
    """Run at most ``n`` sessions' fragment reruns of this process at once
    (:class:`advlab.ui.service.RunSlots`): the ε moves.

    Thirty students moving ε at once ran thirty script threads at once, taking turns
    at the interpreter lock every few milliseconds: each move took as long as the
    whole burst. Admitted a few at a time, in arrival order, they finish one after
    another (measured with 30 students on one process: ε move p95 1.0-1.3 s with
    every run at once, 0.7-1.0 s with two at a time). A run waiting for shared work
    gives its slot up meanwhile. A page's full run (a first visit, which may train
    and draw everything) is not held back: admitting those too made 30 students on
    30 seeds wait longer for their first page. Returns whether Streamlit's script
    runner was patched."""
    from streamlit.runtime.scriptrunner import script_runner

    runner = script_runner.ScriptRunner
    if getattr(runner, "_advlab_admitted", False):
        return False
    run, made, lock = runner._run_script, {}, threading.Lock()

    def slots():
        # made at the first fragment rerun: importing advlab.ui here would put its imports
        # (scikit-learn among them) before the server listens
        with lock:
            if "slots" not in made:
                from advlab.ui import service

                made["slots"] = service.RUN_SLOTS = service.RunSlots(n)
            return made["slots"]

    def _run_script(self, rerun_data) -> None:
        if not rerun_data.fragment_id_queue:  # a page's full run (a first visit) goes at once
            run(self, rerun_data)
            return
        with slots():
            run(self, rerun_data)

    runner._run_script, runner._advlab_admitted = _run_script, True
    return True


def run_slots() -> int:
    """Script runs at once per process: ``ADVLAB_RUN_SLOTS`` (0: no limit), by default 2."""
    env = os.environ.get("ADVLAB_RUN_SLOTS", "").strip()
    return int(env) if env.isdigit() else 2


def show_own_log() -> None:
    """advlab's own log lines (the warm-up's pages and times, warnings) on the server's output,
    beside Streamlit's: Python shows a library's INFO lines nowhere by default."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s.%(msecs)03d %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    own = logging.getLogger("advlab")
    own.addHandler(handler)
    own.setLevel(logging.INFO)
    own.propagate = False


def main() -> None:
    show_own_log()
    steady_malloc()
    if os.environ.get("ADVLAB_MESSAGE_SHORTCUTS", "1") != "0":  # 0: Streamlit's own way, to compare
        coalesce_loop_wakeups()
        remember_fixed_options()
        present_on_demand()
        remember_theme()
    if run_slots() > 0:
        admit_runs(run_slots())
    if os.environ.get("ADVLAB_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(os.environ["ADVLAB_SWITCH_INTERVAL"]))
    if os.environ.get("ADVLAB_PRELOAD", "1") != "0":
        pause_collection()  # from launch until the preload is done (its last step)

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    preloaded = threading.Event()
    if os.environ.get("ADVLAB_PRELOAD", "1") != "0":
        startup.preload_started()
        threading.Thread(target=_preload, args=(preloaded,), name="advlab-preload", daemon=True).start()
    else:
        preloaded.set()
    if os.environ.get("ADVLAB_WARMUP", "all") != "0":
        threading.Thread(target=_warm_up, args=(_port(sys.argv[1:]), preloaded), daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
