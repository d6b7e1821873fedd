"""The load test's protocol client against real servers: advlab's, and tiny apps that fail."""

from __future__ import annotations

import asyncio
import random
import sys
import textwrap
from urllib.parse import parse_qs

import pytest
from streamlit.proto.Element_pb2 import Element

from benchmarks import loadtest
from benchmarks.loadtest import EPS_MOVE, FIRST_LOAD, Drawn, Report, Session, run_sync


@pytest.fixture(scope="module")
def advlab_server():
    # one process (what `make run N=1` serves): the protocol is the same through nginx, which
    # tests/test_deploy.py covers with two replicas
    with loadtest.serve(replicas=1) as (url, pid):
        yield url, pid


def serve_script(tmp_path, source: str):
    script = tmp_path / "app_under_test.py"
    script.write_text(textwrap.dedent(source))
    return loadtest.serve([sys.executable, "-m", "streamlit", "run", str(script)], timeout_s=60)


def test_three_students_on_the_same_link(advlab_server):
    url, pid = advlab_server
    rep = loadtest.run(url, students=3, scenario="same-link", actions=3, think_s=0.2, timeout_s=60, pid=pid)
    assert rep.errors == []
    assert rep.timeouts == 0
    assert rep.finished == 3
    assert len(rep.latencies[FIRST_LOAD]) == 3
    assert len(rep.latencies[EPS_MOVE]) == 9
    assert all(t > 0 for t in rep.latencies[EPS_MOVE])
    assert rep.fragment_runs == 9  # the ε slider lives in a fragment: moving it reruns only that
    assert rep.server_cpu_s is not None and rep.server_cpu_s > 0
    assert rep.rss_end_mb and rep.rss_end_mb > 50
    table = rep.table()
    assert "| same-link | 3 | ε move | 9 |" in table
    assert "3/3" in table


def test_eps_moves_change_what_the_page_shows(advlab_server):
    url, _ = advlab_server

    async def visit():
        async with Session(url, timeout_s=60) as tab:
            first = await tab.load("")
            assert first.errors == [] and first.status == 0
            assert parse_qs(tab.query)["eps"] == ["0.2"]  # the app wrote its state into the URL
            shown = {}
            for eps in (0.0, 0.5):
                res = await tab.set_value(tab.eps_slider(), eps)
                assert res.errors == [] and res.fragment_run
                assert tab.slider_value(tab.eps_slider()) == eps
                shown[eps] = (tab.metric("clean accuracy"), tab.metric("adversarial accuracy"))
                assert parse_qs(tab.query)["eps"] == [f"{eps:g}"]
            return shown

    shown = run_sync(visit())
    assert shown[0.0][1] == shown[0.0][0]  # no budget, no attack: adversarial accuracy is the clean one
    assert shown[0.5][1] != shown[0.0][1]
    assert shown[0.5][0] == shown[0.0][0]


def test_links_reach_the_app(advlab_server):
    """The query string and the page named by the URL path arrive as a browser sends them."""
    url, _ = advlab_server

    async def visit():
        async with Session(url, timeout_s=60) as seeded:
            res = await seeded.load("", "seed=3")
            assert res.errors == []
            assert parse_qs(seeded.query)["seed"] == ["3"]
        async with Session(url, timeout_s=60) as digits:
            res = await digits.load("digits")
            assert res.errors == []
            assert digits.eps_slider().element.slider.id.endswith("dg.eps")
            moved = await digits.set_value(digits.eps_slider(), 0.05)
            assert moved.errors == [] and moved.fragment_run
            again = await digits.rerun()  # by the page's hash now: still the Digits page
            assert again.errors == [] and digits.eps_slider().element.slider.id.endswith("dg.eps")

    run_sync(visit())


def test_page_errors_are_counted(tmp_path):
    # the first load shows st.error; moving ε off 0.5 raises
    source = """
        import streamlit as st
        eps = st.slider("ε", 0.0, 1.0, 0.5, step=0.1, key="demo.eps")
        if eps != 0.5:
            raise RuntimeError("boom")
        st.error("an error alert")
    """
    with serve_script(tmp_path, source) as (url, _):
        rep = loadtest.run(url, students=2, scenario="same-link", actions=2, think_s=0.05, timeout_s=30)
    assert rep.timeouts == 0 and rep.finished == 2
    assert rep.action_errors[FIRST_LOAD] == 2
    assert any("st.error: an error alert" in e for e in rep.errors)
    assert rep.action_errors[EPS_MOVE] >= 2  # every student's first move leaves 0.5
    assert any("exception" in e for e in rep.errors)
    assert not rep.meets_targets()
    assert "an error alert" in rep.table()


def test_slow_pages_time_out(tmp_path):
    source = """
        import time
        import streamlit as st
        st.title("slow")
        time.sleep(4)
    """
    with serve_script(tmp_path, source) as (url, _):
        rep = loadtest.run(url, students=2, scenario="same-link", actions=1, think_s=0, timeout_s=1)
    assert rep.timeouts == 2
    assert rep.action_timeouts[FIRST_LOAD] == 2
    assert rep.finished == 0
    assert not rep.meets_targets()


def test_other_slider_value_moves_on_the_grid():
    el = Element()
    el.slider.id, el.slider.min, el.slider.max, el.slider.step = "x-pg.eps", 0.0, 1.0, 0.01
    widget = Drawn(el, "")
    rng = random.Random(0)
    values = {loadtest.other_slider_value(widget, 0.2, rng) for _ in range(500)}
    assert 0.2 not in values
    assert min(values) >= 0.0 and max(values) <= 1.0
    assert all(abs(v * 100 - round(v * 100)) < 1e-9 for v in values)
    assert {0.0, 1.0} <= values


def test_targets_and_percentiles():
    assert loadtest.percentile([3, 1, 2, 4], 50) == 2
    assert loadtest.percentile(list(range(1, 101)), 95) == 95
    rep = Report(students=2, finished=2, latencies={FIRST_LOAD: [1.0, 2.0], EPS_MOVE: [0.2] * 19 + [3.0]})
    assert rep.meets_targets()  # one slow move in twenty is above the 95th percentile
    rep.latencies[EPS_MOVE] += [3.0, 3.0]
    assert not rep.meets_targets()
    assert not Report(students=2, finished=1).meets_targets()
    assert not Report(students=1, finished=1, timeouts=1).meets_targets()


def test_each_scenario_is_held_to_its_own_targets():
    """A class on one link must load in 5 s; students who each train a model of their own get 10 s and
    1.5 s per ε move; spread over every page, only the first loads (15 s) and errors count."""
    def rep(scenario, load, eps):
        return Report(scenario=scenario, students=2, finished=2,
                      latencies={FIRST_LOAD: [load] * 20, EPS_MOVE: [eps] * 20})

    assert rep("same-link", 4.0, 0.9).meets_targets() and not rep("same-link", 8.0, 0.9).meets_targets()
    assert rep("seeds", 8.0, 1.4).meets_targets()
    assert not rep("seeds", 11.0, 0.5).meets_targets() and not rep("seeds", 8.0, 1.6).meets_targets()
    assert rep("pages", 14.0, 3.0).meets_targets() and not rep("pages", 16.0, 0.2).meets_targets()
    assert not Report(scenario="pages", students=2, finished=2, errors=["x"], latencies={FIRST_LOAD: [1.0]}
                      ).meets_targets()
    assert "seeds 1.5 / 10 s" in rep("seeds", 8.0, 1.4).table()


def test_the_client_runs_inside_another_frameworks_event_loop():
    """Browser tests (Playwright's sync API) leave an event loop running in the
    test thread; the load test's entry points still work there."""
    from concurrent.futures import ThreadPoolExecutor

    async def outer():
        return run_sync(asyncio.sleep(0, result=7))

    with ThreadPoolExecutor(1) as ex:  # a thread of its own, whatever loop this one runs
        assert ex.submit(asyncio.run, outer()).result() == 7


def test_every_page_can_be_warmed_without_a_browser(advlab_server):
    """The server's warm-up (advlab.ui.warmup) opens each page's default link as a
    tab would; every page runs to the end through it, without an error box."""
    from urllib.parse import urlparse

    from advlab.ui import warmup

    url, _ = advlab_server
    # nobody else uses this server: no quiet stretches to wait for between pages (their own tests are below)
    took = warmup.warm_pages(urlparse(url).port, quiet_s=0.05, settle_s=0.05)
    assert set(took) == set(warmup.PAGES)

    async def move_each_eps() -> dict[str, tuple[int, int]]:
        """Each page's ε slider, one step from its default: (messages of the page, of the move)."""
        sent = {}
        for page in loadtest.PAGES:
            async with Session(url, timeout_s=60) as tab:
                first = await tab.load(page)
                if (eps := tab.eps_slider()) is None:  # Learn has no ε slider
                    continue
                value = tab.slider_value(eps) + eps.element.slider.step
                moved = await tab.set_value(eps, value)
                assert moved.errors == [], page
                assert moved.fragment_run, f"/{page}: moving ε reran the whole page"
                assert tab.slider_value(tab.eps_slider()) == pytest.approx(value)
                sent[page] = (first.messages, moved.messages)
        return sent

    # the slider lives in a fragment with what it moves: a move sends a part of the page, not all of it
    sent = run_sync(move_each_eps())
    assert set(sent) == set(loadtest.PAGES) - {"learn"}
    assert all(move < page for page, move in sent.values()), sent


def test_eight_students_opening_one_new_link_at_once_see_the_same_numbers(advlab_server):
    """Eight real sessions ask the server for a model nobody trained yet, at the
    same moment: no error, and every student sees the same numbers."""
    url, _ = advlab_server

    async def student():
        async with Session(url, timeout_s=120) as tab:
            res = await tab.load("", "seed=4321&epochs=60")
            assert res.errors == []
            return tab.metric("clean accuracy"), tab.metric("adversarial accuracy")

    async def klass():
        return await asyncio.gather(*(student() for _ in range(8)))

    seen = run_sync(klass())
    assert seen[0][0] and seen[0][1]
    assert all(s == seen[0] for s in seen), seen


def test_the_warm_up_waits_until_visitors_have_been_quiet():
    """Pages after the first are warmed only once no visitor's script has run for
    a while, so the warm-up never competes with a teacher's first click."""
    from advlab.ui import warmup

    busy = iter([2, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    polls = []

    def running() -> int:
        polls.append(1)
        return next(busy, 0)

    assert warmup.wait_for_quiet(0.05, poll_s=0.01, running=running)
    assert len(polls) >= 6  # it waited through the busy polls and a quiet stretch after the last one
    assert not warmup.wait_for_quiet(0.05, poll_s=0.01, running=lambda: 1, timeout_s=0.2)  # a class never idle
    assert warmup.visitors_running() == 0  # outside a server nothing runs
