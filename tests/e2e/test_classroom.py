"""Class mode in real browsers on a real server: a teacher and three students, each in a browser
context of their own, join, play all three activities and watch the teacher's projector view update;
hostile nicknames stay text; a server restart between two submissions keeps both.

The teacher's view is saved as a projector-sized screenshot (1920 x 1080):
``artifacts/screenshots/class-teacher-projector.png``.
"""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import LOGS, _free_port, _healthy, app_pages
from tests.e2e.test_browser import _STATE_JS, assert_no_error, metric

ROOT = Path(__file__).resolve().parents[2]
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1400, "height": 1500}
TIMEOUT_MS = 120_000
MINE = [("pages/class_room.py", "nav_class", ":material/groups:", "class", "cl"),
        ("pages/class_teacher.py", "nav_class_teacher", ":material/co_present:", "class-teacher", "ct")]
HOSTILE = ("<script>alert(1)</script>", "[Bob](http://evil.example)")


def _entry(tmp: Path) -> list[str]:
    """How to start the app: app.py itself once it lists the class pages, else a copy of it
    in ``tmp`` with them added (the page files are the same)."""
    if any(p[0] == "pages/class_room.py" for p in app_pages()):
        return ["-m", "advlab.serve"]
    src = (ROOT / "app.py").read_text(encoding="utf-8")
    tree = ast.parse(src)
    node = next(n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "PAGES")
    pages = [(str(ROOT / f), *rest) for f, *rest in [*ast.literal_eval(node.value), *MINE]]
    lines = src.splitlines(keepends=True)
    text = "".join(lines[:node.lineno - 1]) + f"PAGES = {pages!r}\n" + "".join(lines[node.end_lineno:])
    (tmp / "app.py").write_text(text, encoding="utf-8")
    return ["-m", "streamlit", "run", str(tmp / "app.py")]


class Server:
    """The app as a process of its own, started and stopped by the test, its class data in ``data``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.data = tmp, tmp / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.proc = None
        self.base = ""

    def start(self) -> str:
        port = _free_port()
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / "streamlit-classroom.log", "a", encoding="utf-8")  # noqa: SIM115 - closed by the process
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1", "ADVLAB_DATA_DIR": str(self.data),
               "ADVLAB_WARMUP": "0", "PYTHONPATH": str(ROOT)}
        env.pop("ADVLAB_DATABASE_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, *_entry(self.tmp), "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = f"http://localhost:{port}"
        deadline = time.monotonic() + 90
        while not _healthy(f"{self.base}/_stcore/health"):
            assert self.proc.poll() is None, f"the server exited with {self.proc.returncode}"
            assert time.monotonic() < deadline, "the server did not start within 90 s"
            time.sleep(0.3)
        return self.base

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=20)
        self.proc = None


@pytest.fixture
def server(tmp_path, chromium_path):
    srv = Server(tmp_path)
    srv.start()
    yield srv
    srv.stop()


def _page(browser, viewport):
    ctx = browser.new_context(viewport=viewport, locale="en-US")
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx, ctx.new_page()


def _store(srv: Server):
    from advlab.classroom.store import Store

    return Store(f"sqlite:///{srv.data / 'advlab.sqlite3'}")


# ------------------------------------------------- what a student would do ---

def _digit_solution(params: dict) -> list[int]:
    """Pixels to toggle so the Digits network (the same one the server trains) reads another
    digit: greedily the toggle that lowers the true class's probability most."""
    from advlab.attacks import proba
    from advlab.classroom import activities
    from advlab.config import DataConfig, DigitsNetConfig
    from advlab.models import fit_mlp

    ds = DataConfig(dataset="digits").load()
    model = fit_mlp(ds.x_train, ds.y_train, **DigitsNetConfig().fit_kwargs()).model
    i = int(params["digit"])
    x0, label, chosen = ds.x_test[i], int(ds.y_test[i]), []
    while len(chosen) < 40:
        trials = [chosen + [p] for p in range(64) if p not in chosen]
        p = proba(model, np.stack([activities.painted(x0, t) for t in trials]))
        best = int(np.argmin(p[:, label]))
        chosen = trials[best]
        if p[best].argmax() != label:
            return chosen
    raise AssertionError("no change of 40 pixels fooled the digits network")


def _point_solution(params: dict, factor: float = 1.15) -> tuple[float, float]:
    """A point just past DeepFool's answer, rounded as a student would type it."""
    from advlab.classroom import activities
    from advlab.config import DataConfig, NetConfig
    from advlab.models import fit_mlp

    ds = DataConfig().load()
    model = fit_mlp(ds.x_train, ds.y_train, **NetConfig().fit_kwargs()).model
    i = int(params["point"])
    x0, label = ds.x_test[i], int(ds.y_test[i])
    atk = activities.attack_answer(model, original=x0, label=label)
    # past DeepFool's answer first; where the boundary curves back (two moons), the nearest
    # training point the network puts in another class is a move a student could find too
    others = sorted(ds.x_train, key=lambda xt: float(np.linalg.norm(xt - x0)))
    for p in [x0 + f * (atk.x - x0) for f in (factor, 1.3, 1.6, 2.0)] + others:
        p = np.round(p, 2)
        if np.any(np.abs(p) > activities.PLANE):
            continue  # off the map: the page would refuse it, and a student cannot type it
        if activities.score_point(model, original=x0, label=label, point=p).fooled:
            return float(p[0]), float(p[1])
    raise AssertionError("no point crosses the boundary")


def _join(page, base: str, code: str, nick: str) -> None:
    page.goto(f"{base}/class?code={code}")
    page.get_by_role("textbox", name="Nickname").fill(nick)
    page.get_by_role("button", name="Join").click()
    page.get_by_text("You are playing as").wait_for()


def _paint(page, pixels: list[int]) -> None:
    for k, p in enumerate(pixels, 1):
        page.locator(f".st-key-cl_px_{p // 8} button").nth(p % 8).click()
        deadline = time.monotonic() + 60
        while metric(page, "pixels changed") != str(k):
            assert time.monotonic() < deadline, "the painted pixel was not counted"
            page.wait_for_timeout(100)


def _settle(page, settle_s: float = 0.6, timeout_s: float = 90) -> None:
    """Wait until the script is done (nothing running or stale) for ``settle_s`` in a row; charts
    in a tab not shown are never drawn, so they are not waited for."""
    deadline, since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        s = page.evaluate(_STATE_JS)
        if s["state"] == "notRunning" and not s["running"] and s["stale"] == 0:
            since = since or time.monotonic()
            if time.monotonic() - since >= settle_s:
                return
        else:
            since = None
        page.wait_for_timeout(100)
    raise AssertionError(f"the page did not settle within {timeout_s:.0f} s")


def _move(page, x: float, y: float) -> None:
    _settle(page)
    page.get_by_role("tab", name="Beat the boundary (2-D)").click()
    for name, v in (("x", x), ("y", y)):
        _settle(page)
        box = page.locator(f".st-key-cl_bd_{name} input")
        box.fill(f"{v:.2f}")
        box.press("Enter")
        page.wait_for_timeout(400)
    page.get_by_text("Across! The model now says").wait_for()


def _submit(page, which: str) -> None:
    button = page.locator(f".st-key-cl_{which}_submit button")
    button.wait_for()
    deadline = time.monotonic() + 30
    while button.is_disabled():
        assert time.monotonic() < deadline, "the submit button stayed disabled"
        page.wait_for_timeout(100)
    button.click()
    page.get_by_text("Recorded:").first.wait_for()


_TEXT_JS = "() => document.querySelector('[data-testid=\"stMain\"]').textContent"


def _wait_text(page, text: str, timeout_s: float = 30) -> None:
    """Wait for ``text`` on the page, tables included (a data frame is drawn on a canvas; its
    cells are also in the page's accessible table, which this reads)."""
    deadline = time.monotonic() + timeout_s
    while text not in page.evaluate(_TEXT_JS):
        assert time.monotonic() < deadline, f"{text!r} never appeared"
        page.wait_for_timeout(250)


# ----------------------------------------------------------------- tests ---

def test_a_teacher_and_three_students_play_and_the_projector_follows(server, browser, shots):
    base = server.base
    t_ctx, teacher = _page(browser, PROJECTOR)
    contexts = [t_ctx]
    try:
        teacher.goto(f"{base}/class-teacher?present=1")
        teacher.get_by_role("button", name="Start a session").click()
        teacher.locator(".cl-code").wait_for()
        code = teacher.locator(".cl-code").inner_text().replace("-", "").strip()
        assert "key=" not in teacher.url, "the teacher key must not sit in the projector's address bar"
        params = _store(server).session(code).params
        students = []
        for nick in ("Ada", *HOSTILE):
            ctx, pg = _page(browser, LAPTOP)
            contexts.append(ctx)
            _join(pg, base, code, nick)
            students.append(pg)
        _wait_text(teacher, "students joined")
        deadline = time.monotonic() + 30
        while metric(teacher, "students joined") != "3":
            assert time.monotonic() < deadline, "the teacher's view never counted three students"
            teacher.wait_for_timeout(250)

        ada, script, bob = students
        _paint(ada, _digit_solution(params))
        ada.get_by_text("Fooled!").wait_for()
        _submit(ada, "dg")
        x, y = _point_solution(params)
        _move(script, x, y)
        _submit(script, "bd")
        bob.get_by_role("tab", name="Quiz").click()
        bob.locator('[data-testid="stRadio"]').first.locator("label").nth(1).click()
        bob.get_by_role("button", name="Send my answer").first.click()
        bob.get_by_text("Answer recorded.").first.wait_for()

        # the projector shows every activity's result without anyone touching it
        for text in ("Ada", HOSTILE[0], "Q1 · ", "most chosen wrong answer"):
            _wait_text(teacher, text)
        teacher.get_by_role("button", name="Reveal the answers").click()
        _wait_text(teacher, "The attack (DeepFool)")
        _wait_text(ada, "Best in the class")
        assert_no_error(teacher)
        _wait_text(bob, "The answer is" if "Not quite" in bob.evaluate(_TEXT_JS) else "Right")  # after the reveal
        for pg in students:
            assert pg.locator('[data-testid="stException"]').count() == 0
            assert "Traceback" not in pg.evaluate(_TEXT_JS)
            # the hostile nicknames stayed text: no script ran or was added, no link was made
            assert pg.evaluate("() => [...document.scripts].filter(s => s.text.includes('alert(1)')).length") == 0
            assert pg.locator('a[href^="http://evil.example"]').count() == 0
        assert teacher.locator('a[href^="http://evil.example"]').count() == 0
        _wait_text(script, HOSTILE[0])  # shown as typed, to the student who chose it
        teacher.evaluate("() => window.scrollTo(0, 0)")
        teacher.wait_for_timeout(800)
        teacher.screenshot(path=str(shots / "class-teacher-projector.png"))
        teacher.screenshot(path=str(shots / "class-teacher-projector-full.png"), full_page=True)
        ada.screenshot(path=str(shots / "class-student-digits.png"), full_page=True)
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_server_restart_between_two_submissions_keeps_both(server, browser):
    # a session made straight in the store, its point chosen by the test (the app draws one at random)
    made = _store(server).create_session(activities=("boundary", "quiz"), params={"point": 3})
    ctx, pg = _page(browser, LAPTOP)
    try:
        code = made.session.code
        x, y = _point_solution({"point": 3})
        _join(pg, server.base, code, "Grace")
        _move(pg, x, y)
        _submit(pg, "bd")
        address = pg.url
        assert "me=" in address, "the student's rejoin token is in the address"

        server.stop()
        server.start()
        pg.goto(address.replace(address.split("/class")[0], server.base))
        pg.get_by_text("You are playing as Grace").wait_for()  # still in, without joining again
        _move(pg, x + (0.05 if x >= 0 else -0.05), y)
        _submit(pg, "bd")
        board = _store(server).leaderboard(code, made.key, "boundary")
        assert [(r["nickname"], r["tries"]) for r in board] == [("Grace", 2)]
        assert len(_store(server).rows(code, made.key)) == 2
    finally:
        ctx.close()
