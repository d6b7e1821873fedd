"""The class-mode store on SQLite and on a real PostgreSQL server: sessions, joins,
scores, quiz answers, the teacher key, rate limits, expiry, export."""

from __future__ import annotations

import csv
import io
import threading

import pytest
import sqlalchemy as sa

from advlab.classroom import names, store
from advlab.classroom.errors import ClassError
from advlab.classroom.schema import answers, events, metadata, sessions, students, submissions
from tests import pg


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def pg_url():
    try:
        cm = pg.server()
        url = cm.__enter__()
    except RuntimeError as e:
        pg.skip_or_fail(str(e))
    yield url
    cm.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A fresh store on each backend, with a clock the test moves."""
    clock = Clock()
    if request.param == "sqlite":
        st = store.Store(f"sqlite:///{tmp_path / 'class.sqlite3'}", clock=clock)
    else:
        url = request.getfixturevalue("pg_url")
        eng = sa.create_engine(url)
        with eng.begin() as conn:  # a clean schema per test
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        eng.dispose()
        st = store.Store(url, clock=clock)
    st.clock_ = clock
    yield st
    st.engine.dispose()


def _count(st, table) -> int:
    with st.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _session(st, acts=("digits", "boundary", "quiz"), **kw):
    return st.create_session(activities=acts, **kw)


def test_migrations_build_exactly_the_schema_and_run_twice_harmlessly(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store.migrate(db.engine)  # a second start-up changes nothing
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    assert diff == [], diff
    assert version == "0001"


def test_default_database_is_a_wal_sqlite_file_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("ADVLAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("ADVLAB_DATA_DIR", str(tmp_path / "new" / "data"))
    st = store.Store()
    assert (tmp_path / "new" / "data" / "advlab.sqlite3").is_file()
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    monkeypatch.setenv("ADVLAB_DATABASE_URL", "postgresql://u@db:5432/advlab")
    assert store.database_url() == "postgresql://u@db:5432/advlab"


def test_codes_are_unguessable_and_the_teacher_key_is_separate(db):
    made = [_session(db) for _ in range(40)]
    codes = {c.session.code for c in made}
    assert len(codes) == 40
    assert all(len(c) == 8 and set(c) <= set(store.CODE_ALPHABET) for c in codes)
    assert len(store.CODE_ALPHABET) ** store.CODE_LENGTH >= 2 ** 40
    keys = [c.key for c in made]
    assert len(set(keys)) == 40 and all(len(k) >= 40 for k in keys)
    assert all(c.session.code not in c.key for c in made)
    a, b = made[0], made[1]
    assert db.teacher(a.session.code, a.key) == a.session
    for forged in (None, "", b.key, a.key[:-1], a.key + "x", a.session.code):
        assert db.teacher(a.session.code, forged) is None
    with db.engine.connect() as conn:  # only a hash of the key is kept
        stored = conn.execute(sa.select(sessions.c.teacher_hash)).scalars().all()
    assert a.key not in stored


def test_forged_or_missing_key_gets_nothing(db):
    c = _session(db)
    s = db.join(c.session.code, "Ada", source="a")
    db.submit(s, activity="digits", score=1.0, pixels=2, payload={})
    code = c.session.code
    for forged in (None, "", "x" * 43, _session(db).key):
        for call in (lambda k: db.leaderboard(code, k, "digits"), lambda k: db.quiz_stats(code, k),
                     lambda k: db.rows(code, k), lambda k: db.joined(code, k),
                     lambda k: db.set_flags(code, k, revealed=True), lambda k: db.set_flags(code, k, closed=True),
                     lambda k: db.delete(code, k)):
            with pytest.raises(PermissionError):
                call(forged)
    assert db.revealed_best(code, "digits") is None  # nothing revealed by those attempts
    assert db.session(code).closed is False
    assert len(db.rows(code, c.key)) == 1


def test_join_cleans_nicknames_and_keeps_them_unique(db):
    c = _session(db)
    code = c.session.code
    s = db.join(code.lower()[:4] + "-" + code[4:], "  Ada \t Lovelace ", source="a")
    assert s.nickname == "Ada Lovelace" and s.token
    with pytest.raises(ClassError) as e:
        db.join(code, "ADA LOVELACE", source="a")
    assert e.value.key == "cl_err_taken"
    hostile = ["<script>alert(1)</script>", "[click](http://evil.example)", "**bold** `x`"]
    for h in hostile:
        assert db.join(code, h, source="a").nickname == h  # kept as typed: shown as plain text
    assert db.join(code, "A\u202eB\u200bC", source="a").nickname == "ABC"  # no direction overrides or invisibles
    cjk = "学" * names.MAX_LEN
    assert db.join(code, cjk, source="a").nickname == cjk
    for bad, key in (("", "cl_err_nickname"), ("   \u200b ", "cl_err_nickname"), ("学" * 5000, "cl_err_nickname_long"),
                     ("𝓐" * (names.MAX_LEN + 1), "cl_err_nickname_long")):
        with pytest.raises(ClassError) as e:
            db.join(code, bad, source="a")
        assert e.value.key == key
    assert db.joined(code, c.key) == ["Ada Lovelace", *hostile, "ABC", cjk]
    assert db.student(code, s.token) == store.Student(s.id, s.session_id, "Ada Lovelace")
    assert db.student(code, "forged") is None
    assert db.student(_session(db).session.code, s.token) is None  # a token is good in its own session only


def test_failed_joins_are_limited_per_source(db):
    c = _session(db)
    for i in range(store.FAILED_JOINS):
        with pytest.raises(ClassError) as e:
            db.join(f"ZZZZZZZ{i}", "guess", source="10.0.0.1")
        assert e.value.key == "cl_err_code"
    with pytest.raises(ClassError) as e:  # now even the right code is refused from there
        db.join(c.session.code, "guess", source="10.0.0.1")
    assert e.value.key == "cl_err_join_limited"
    assert db.join(c.session.code, "other", source="10.0.0.2").nickname == "other"
    with db.engine.connect() as conn:  # the address itself is not kept, only a hash of it
        subjects = conn.execute(sa.select(events.c.subject)).scalars().all()
    assert subjects and not any("10.0.0" in s for s in subjects)
    db.clock_.now += store.FAILED_JOIN_WINDOW_S + 1
    assert db.join(c.session.code, "guess", source="10.0.0.1").nickname == "guess"


def test_submissions_are_limited_per_student_per_second(db):
    c = _session(db)
    a = db.join(c.session.code, "a", source="x")
    b = db.join(c.session.code, "b", source="x")
    for i in range(store.SUBMITS_PER_SECOND):
        db.submit(a, activity="digits", score=5.0 - i, pixels=1, payload={})
    with pytest.raises(ClassError) as e:
        db.submit(a, activity="digits", score=0.1, pixels=1, payload={})
    assert e.value.key == "cl_err_slow_down"
    with pytest.raises(ClassError):
        db.answer(a, question="ball", answer=1, correct=True)
    db.submit(b, activity="digits", score=4.0, pixels=1, payload={})  # the others are not held up
    db.clock_.now += 1.01
    db.submit(a, activity="digits", score=0.5, pixels=1, payload={})
    board = db.leaderboard(c.session.code, c.key, "digits")
    assert [(r["nickname"], r["score"], r["tries"]) for r in board] == [("a", 0.5, 4), ("b", 4.0, 1)]


def test_leaderboard_reveal_and_quiz_statistics(db):
    c = _session(db)
    code = c.session.code
    st = [db.join(code, n, source="x") for n in ("ann", "bo", "cy")]
    db.submit(st[0], activity="boundary", score=0.9, payload={"point": [1, 2]})
    db.submit(st[1], activity="boundary", score=0.4, payload={"point": [0, 0]})
    db.submit(st[1], activity="boundary", score=0.7, payload={"point": [0, 1]})
    db.clock_.now += 1  # within the rate limit
    db.submit(st[0], activity="digits", score=2.0, pixels=4, payload={"toggled": [1, 2, 3, 4]})
    assert [(r["nickname"], r["score"]) for r in db.leaderboard(code, c.key, "boundary")] == [("bo", 0.4), ("ann", 0.9)]
    assert db.revealed_best(code, "boundary") is None
    db.set_flags(code, c.key, revealed=True)
    best = db.revealed_best(code, "boundary")
    assert best["nickname"] == "bo" and best["payload"] == {"point": [0, 0]}
    assert db.my_best(st[1], "boundary") == (0.4, None) and db.my_best(st[2], "boundary") is None
    db.clock_.now += 1
    for s, ans, ok in ((st[0], 1, True), (st[1], 2, False), (st[2], 2, False)):
        assert db.answer(s, question="ball", answer=ans, correct=ok)
    assert not db.answer(st[0], question="ball", answer=3, correct=False)  # answered once: the first counts
    assert db.my_answers(st[0]) == {"ball": (1, True)}
    db.clock_.now += 1
    db.answer(st[0], question="pgd", answer=[0, 1, 3], correct=True)
    stats = db.quiz_stats(code, c.key)
    assert stats["ball"]["n"] == 3 and stats["ball"]["share"] == pytest.approx(1 / 3)
    assert stats["ball"]["top_wrong"] == 2 and stats["ball"]["top_wrong_n"] == 2
    assert stats["pgd"]["share"] == 1.0 and stats["pgd"]["top_wrong"] is None


def test_switched_off_activities_and_closed_sessions_take_nothing(db):
    c = _session(db, acts=("boundary",))
    s = db.join(c.session.code, "a", source="x")
    with pytest.raises(ClassError) as e:
        db.submit(s, activity="digits", score=1.0, payload={})
    assert e.value.key == "cl_err_activity_off"
    with pytest.raises(ClassError):
        db.answer(s, question="ball", answer=1, correct=True)
    db.set_flags(c.session.code, c.key, closed=True)
    for call in (lambda: db.submit(s, activity="boundary", score=1.0, payload={}),
                 lambda: db.join(c.session.code, "late", source="x")):
        with pytest.raises(ClassError) as e:
            call()
        assert e.value.key == "cl_err_closed"
    with pytest.raises(ClassError) as e:
        db.create_session(activities=("digits", "chess"))
    assert e.value.key == "cl_err_activities"
    for hours in (0, -1, 24 * 15, float("nan"), "24"):
        with pytest.raises(ClassError):
            db.create_session(activities=("quiz",), hours=hours)


def test_sessions_expire_and_their_data_is_deleted(db):
    short = _session(db, hours=1)
    long = _session(db)  # the default: 24 hours
    assert long.session.expires_at - long.session.created_at == pytest.approx(24 * 3600)
    s = db.join(short.session.code, "a", source="x")
    db.submit(s, activity="digits", score=1.0, pixels=1, payload={})
    db.answer(s, question="ball", answer=1, correct=True)
    db.clock_.now += 3601
    assert db.session(short.session.code) is None and db.teacher(short.session.code, short.key) is None
    with pytest.raises(ClassError) as e:
        db.join(short.session.code, "b", source="y")
    assert e.value.key == "cl_err_code"
    assert db.purge_expired() == 1
    assert (_count(db, sessions), _count(db, students), _count(db, submissions), _count(db, answers)) == (1, 0, 0, 0)
    db.clock_.now += 24 * 3600
    assert db.purge_expired() == 1 and _count(db, sessions) == 0
    assert _count(db, events) == 0  # old rate-limit records go too


def test_teacher_deletes_a_session(db):
    c = _session(db)
    other = _session(db)
    s = db.join(c.session.code, "a", source="x")
    db.submit(s, activity="digits", score=1.0, pixels=1, payload={})
    db.join(other.session.code, "b", source="x")
    db.delete(c.session.code, c.key)
    assert db.session(c.session.code) is None
    assert _count(db, submissions) == 0 and _count(db, students) == 1  # the other class is untouched


def test_csv_export_has_every_row_and_defuses_formulas(db):
    c = _session(db)
    s = db.join(c.session.code, "=HYPERLINK(\"x\")", source="x")
    db.submit(s, activity="boundary", score=0.25, payload={})
    db.answer(s, question="fgsm_step", answer="0,1", correct=True)
    rows = list(csv.DictReader(io.StringIO(store.csv_text(db.rows(c.session.code, c.key)))))
    assert [(r["activity"], r["item"]) for r in rows] == [("boundary", ""), ("quiz", "fgsm_step")]
    assert rows[0]["nickname"].startswith("'=") and float(rows[0]["score"]) == 0.25
    assert rows[1]["correct"] == "True" and rows[0]["time"].endswith("+00:00")


def test_many_students_at_once_lose_nothing(db):
    c = _session(db)
    errors = []

    def student(i: int) -> None:
        try:
            s = db.join(c.session.code, f"s{i}", source=f"10.0.0.{i}")
            db.submit(s, activity="boundary", score=float(i), payload={})
            db.answer(s, question="ball", answer=i % 4, correct=i % 4 == 1)
        except Exception as e:  # noqa: BLE001 - collected and reported below
            errors.append(e)

    threads = [threading.Thread(target=student, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(db.joined(c.session.code, c.key)) == 12
    assert len(db.leaderboard(c.session.code, c.key, "boundary")) == 12
    assert db.quiz_stats(c.session.code, c.key)["ball"]["n"] == 12


def test_processes_starting_together_share_one_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'class.sqlite3'}"
    code = ("import sys; from advlab.classroom.store import Store; s = Store(sys.argv[1]); "
            "c = s.create_session(activities=['quiz']); print(c.session.code)")
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-800:] for o in outs]
    st = store.Store(url)
    assert _count(st, sessions) == 3


def test_a_plain_postgresql_address_works(pg_url):
    """ADVLAB_DATABASE_URL as hosting services write it (postgresql:// or postgres://) uses psycopg 3."""
    for scheme in ("postgresql://", "postgres://"):
        st = store.Store(pg_url.replace("postgresql+psycopg://", scheme))
        assert st.engine.dialect.driver == "psycopg"
        assert st.create_session(activities=["quiz"]).session.code
        st.engine.dispose()
