"""The class pages, run headless: a student joins and plays (scores computed on the server), a
teacher starts a session and follows it; forged or missing teacher keys get nothing; hostile
nicknames stay plain text; closed sessions take nothing more."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from advlab.classroom import activities, names, store
from advlab.config import DataConfig, DigitsNetConfig
from advlab.models import fit_mlp

ROOT = Path(__file__).resolve().parents[1]
STUDENT = str(ROOT / "pages" / "class_room.py")
TEACHER = str(ROOT / "pages" / "class_teacher.py")


@pytest.fixture
def db(tmp_path, monkeypatch):
    """The store the pages open (a fresh SQLite file in a data folder of this test's own)."""
    monkeypatch.delenv("ADVLAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("ADVLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(store, "SUBMITS_PER_SECOND", 50)  # the limit has its own test in the store's suite
    return store.open_store()


@pytest.fixture(scope="module")
def digits():
    ds = DataConfig(dataset="digits").load()
    return ds, fit_mlp(ds.x_train, ds.y_train, **DigitsNetConfig().fit_kwargs()).model


def _session(db, digits, acts=("digits", "boundary", "quiz")):
    ds, model = digits
    return db.create_session(activities=acts, params={"digit": activities.pick(model, ds.x_test, ds.y_test, seed=1),
                                                       "point": 3})


def _student(code: str, token: str | None = None) -> AppTest:
    at = AppTest.from_file(STUDENT, default_timeout=120)
    at.query_params["code"] = code
    if token:
        at.query_params["me"] = token
    return at.run()


def _texts(at) -> str:
    """Everything the page shows as text or Markdown (one string)."""
    parts = [e.value for e in (*at.markdown, *at.text, *at.caption, *at.title, *at.subheader)]
    parts += [e.value for e in (*at.warning, *at.info, *at.success, *at.error)]
    return "\n".join(str(p) for p in parts)


def _join(code: str, nick: str) -> AppTest:
    at = _student(code)
    at.text_input(key="cl_nick_in").input(nick)
    at.button[0].click().run()
    return at


def _greedy(digits, params) -> list[int]:
    ds, model = digits
    from advlab.attacks import proba

    i = int(params["digit"])
    x0, label, chosen = ds.x_test[i], int(ds.y_test[i]), []
    while True:
        trials = [chosen + [p] for p in range(64) if p not in chosen]
        pr = proba(model, np.stack([activities.painted(x0, t) for t in trials]))
        chosen = trials[int(np.argmin(pr[:, label]))]
        if pr[int(np.argmin(pr[:, label]))].argmax() != label:
            return chosen


# ----------------------------------------------------------------- student ---

def test_student_joins_with_the_code_and_a_nickname(db, digits):
    made = _session(db, digits)
    at = _student(made.session.code)
    assert not at.exception
    assert at.text_input(key="cl_code_in").value == store.format_code(made.session.code)
    assert "nothing about you but the nickname" in _texts(at)  # the page says what it keeps
    at.text_input(key="cl_nick_in").input("  Ada  ")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert at.query_params["me"], "the rejoin token goes into the address (a reload keeps the student in)"
    assert made.session.code in str(at.query_params["code"])
    assert "You are playing as Ada in class" in _texts(at)
    assert [t.label for t in at.tabs] == ["Fool it yourself (digits)", "Beat the boundary (2-D)", "Quiz"]
    assert db.joined(made.session.code, made.key) == ["Ada"]


def test_wrong_codes_are_refused_and_then_limited(db, digits):
    made = _session(db, digits)
    at = AppTest.from_file(STUDENT, default_timeout=120).run()
    for i in range(store.FAILED_JOINS):
        at.text_input(key="cl_code_in").input(f"WRONG{i:03d}")
        at.text_input(key="cl_nick_in").input("eve")
        at.button[0].click().run()
        assert "No open class has this code" in _texts(at)
    at.text_input(key="cl_code_in").input(made.session.code)
    at.button[0].click().run()
    assert "Too many wrong codes from here" in _texts(at)
    assert db.joined(made.session.code, made.key) == []


@pytest.mark.parametrize("nick", ["<script>alert(1)</script>", "[Bob](http://evil.example)", "**big** <b>x</b>"])
def test_hostile_nicknames_are_shown_as_plain_text_only(db, digits, nick):
    made = _session(db, digits)
    at = _join(made.session.code, nick)
    assert not at.exception
    shown = [t.value for t in at.text if nick in t.value]
    assert shown, "the nickname is shown to its owner, as typed"
    md = [e.value for e in (*at.markdown, *at.caption, *at.success, *at.info, *at.warning) if nick in str(e.value)]
    assert md == [], "a nickname must never go through Markdown or HTML"


def test_very_long_unicode_nicknames_get_a_message(db, digits):
    made = _session(db, digits)
    at = _join(made.session.code, "学\u200b" * 60)  # the box takes 128 characters; the store keeps 32
    assert "That nickname has 60 characters; keep it to 32." in _texts(at)
    assert db.joined(made.session.code, made.key) == []
    at.text_input(key="cl_nick_in").input("學" * names.MAX_LEN)
    at.button[0].click().run()
    assert "You are playing as " + "學" * names.MAX_LEN in _texts(at)


def test_painting_scores_on_the_server_and_records_a_fooling_change(db, digits):
    made = _session(db, digits, acts=("digits",))
    at = _join(made.session.code, "Ada")
    submit = at.button(key="cl_dg_submit")
    assert submit.disabled, "nothing to submit before the network is fooled"
    pixels = _greedy(digits, made.session.params)
    for p in pixels:
        row = at.button_group(key=f"cl_px_{p // 8}")
        row.set_value(sorted(set(row.value) ^ {p % 8}))
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["pixels changed"] == str(len(pixels))
    assert "Fooled!" in _texts(at)
    at.button(key="cl_dg_submit").click().run()
    board = db.leaderboard(made.session.code, made.key, "digits")
    ds, model = digits
    i = made.session.params["digit"]
    expect = activities.score_digit(model, original=ds.x_test[i], label=int(ds.y_test[i]), toggled=pixels)
    assert board[0]["nickname"] == "Ada" and board[0]["pixels"] == len(pixels)
    assert board[0]["score"] == pytest.approx(expect.l2, abs=1e-5)
    assert float(metrics["size of the change (L2)"]) == pytest.approx(expect.l2, abs=0.006)
    at.button(key="cl_dg_reset").click().run()
    assert {m.label: m.value for m in at.metric}["pixels changed"] == "0"


def test_the_quiz_records_the_first_answer_and_hides_right_or_wrong_until_the_reveal(db, digits):
    made = _session(db, digits, acts=("quiz",))
    at = _join(made.session.code, "Ada")
    at.button(key="clq_send_ball").click().run()
    assert "Choose an answer first" in _texts(at) or at.warning, "no answer: a message, nothing recorded"
    assert db.quiz_stats(made.session.code, made.key) == {}
    at.radio(key="clq_ball").set_value(2).run()
    at.button(key="clq_send_ball").click().run()
    assert "Answer recorded." in _texts(at)
    assert at.radio(key="clq_ball").disabled
    assert not at.success and not at.error, "right or wrong stays hidden until the reveal"
    stats = db.quiz_stats(made.session.code, made.key)
    assert stats["ball"]["n"] == 1 and stats["ball"]["share"] == 0.0  # the server decided: option 2 is wrong
    db.set_flags(made.session.code, made.key, revealed=True)
    at.run()
    assert "The answer is" in _texts(at)


def test_a_closed_session_takes_nothing_more(db, digits):
    made = _session(db, digits)
    at = _join(made.session.code, "Ada")
    db.set_flags(made.session.code, made.key, closed=True)
    at.run()
    assert "The teacher closed this session" in _texts(at)
    assert at.button(key="cl_dg_submit").disabled and at.button(key="cl_bd_submit").disabled
    late = _join(made.session.code, "Late")
    assert "This class is closed" in _texts(late)


# ----------------------------------------------------------------- teacher ---

def _teacher(**query) -> AppTest:
    at = AppTest.from_file(TEACHER, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def test_teacher_starts_a_session_and_sees_the_room(db, digits):
    at = _teacher()
    assert not at.exception
    at.button[0].click().run()  # "Start a session" with every activity, 24 hours
    assert not at.exception and not at.error
    code = at.session_state["cl_code"]
    key = at.session_state["cl_keys"][code]
    assert "key" not in at.query_params, "the key is taken out of the address bar"
    assert len(key) >= 40 and code not in key
    sess = db.teacher(code, key)
    assert sess.activities == store.ACTIVITIES and sess.expires_at - sess.created_at == pytest.approx(86400)
    assert at.get("image"), "a QR code is drawn"
    texts = _texts(at)
    assert f"/class?code={code}" in texts
    assert any(f"&key={key}" in c.value for c in at.code), "the private link is there for the teacher"
    for nick in ("Ada", "<script>x</script>"):
        s = db.join(code, nick, source="t")
        db.submit(s, activity="boundary", score=0.5 if nick == "Ada" else 0.25, payload={"point": [0, 0]})
    db.answer(s, question="ball", answer=0, correct=False)
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["students joined"] == "2"
    boards = [d.value for d in at.dataframe]
    boundary = next(b for b in boards if "distance moved" in b.columns)
    assert list(boundary["nickname"]) == ["<script>x</script>", "Ada"]  # best first, as text
    quiz_t = next(b for b in boards if "most chosen wrong answer" in b.columns)
    assert quiz_t.iloc[0]["right"] == 0.0 and quiz_t.iloc[0]["answered"] == 1
    at.button(key="cl_t_reveal").click().run()
    assert db.session(code).revealed
    assert "The answers: the best of the class next to the attack's" in _texts(at)
    at.button(key="cl_t_close").click().run()
    assert db.session(code).closed


@pytest.mark.parametrize("forged", [None, "", "x" * 43, "other"])
def test_a_forged_or_missing_teacher_key_gets_nothing(db, digits, forged):
    made = _session(db, digits)
    s = db.join(made.session.code, "Secret Sam", source="t")
    db.submit(s, activity="boundary", score=0.5, payload={"point": [0, 0]})
    if forged == "other":
        forged = _session(db, digits).key  # a real key, of another session
    query = {"code": made.session.code} if forged is None else {"code": made.session.code, "key": forged}
    at = _teacher(**query)
    assert not at.exception
    assert at.error and ("private link" in at.error[0].value or "not valid" in at.error[0].value)
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert "Secret Sam" not in _texts(at) and made.session.code not in "".join(c.value for c in at.code)
    assert [b.label for b in at.button] == ["Start a session"]
    assert not db.session(made.session.code).revealed


def test_teacher_deletes_the_session(db, digits):
    made = _session(db, digits)
    db.join(made.session.code, "Ada", source="t")
    at = _teacher(code=made.session.code, key=made.key)
    assert {m.label: m.value for m in at.metric}["students joined"] == "1"
    at.button(key="cl_t_delete_now").click().run()
    assert "The session and its data are deleted." in _texts(at)
    assert db.session(made.session.code) is None


def test_both_pages_speak_chinese(db, digits):
    made = _session(db, digits)
    at = AppTest.from_file(STUDENT, default_timeout=120)
    at.query_params["code"], at.query_params["lang"] = made.session.code, "zh"
    at.run()
    assert at.title[0].value == "课堂挑战" and "只保存你在这里输入的昵称" in _texts(at)
    at.text_input(key="cl_nick_in").input("小明")
    at.button[0].click().run()
    assert "你以 小明 的身份参加课堂" in _texts(at)
    assert [t.label for t in at.tabs] == ["亲手骗过它（手写数字）", "越过边界（二维）", "小测验"]
    t = _teacher(code=made.session.code, key=made.key, lang="zh")
    assert not t.exception and t.title[0].value == "课堂模式：教师"
    assert {m.label: m.value for m in t.metric}["已加入的学生"] == "1"
