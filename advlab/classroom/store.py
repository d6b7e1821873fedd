"""The class-mode store: sessions, students, scores and quiz answers in a real database.

SQLite by default, a file under the data folder (``ADVLAB_DATA_DIR``, else
``data/`` at the project root), in WAL mode so readers never wait for a writer;
PostgreSQL when ``ADVLAB_DATABASE_URL`` is set, so several app replicas share
one class. Every statement goes through SQLAlchemy Core with bound
parameters; the schema is :mod:`advlab.classroom.schema`, created and upgraded
by the Alembic migrations shipped in ``migrations/`` (:func:`migrate`, run when
a store opens).

Who may do what: a join code lets a student in; only the teacher key (long,
random, stored as a hash and compared in constant time, not derived from the
code) reads results before the reveal, reveals, closes, exports or deletes.
A student comes back after a reload or a server restart with a rejoin token
(also stored as a hash). Submissions are rate-limited per student, failed
joins per source, both in the database so every replica counts the same.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import names
from .errors import ClassError
from .schema import answers, events, sessions, students, submissions

ACTIVITIES = ("digits", "boundary", "quiz")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I/1 or O/0 to misread on a projector
CODE_LENGTH = 8  # 32**8 = 2**40 codes
HOURS_DEFAULT, HOURS_MAX = 24.0, 24.0 * 14
SUBMITS_PER_SECOND = 3
# per client address: a class behind one NAT address mistypes now and then; a guesser gets 30 tries in
# 10 minutes against 2**40 codes
FAILED_JOINS, FAILED_JOIN_WINDOW_S = 30, 600.0
EVENT_KEEP_S = 3600.0
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ClassSession:
    id: int
    code: str
    activities: tuple[str, ...]
    params: dict
    created_at: float
    expires_at: float
    closed: bool
    revealed: bool


@dataclass(frozen=True)
class Created:
    session: ClassSession
    key: str  # the teacher key: shown once, never stored


@dataclass(frozen=True)
class Student:
    id: int
    session_id: int
    nickname: str
    token: str | None = None  # only when just joined


def database_url() -> str:
    """``ADVLAB_DATABASE_URL``, else a SQLite file in the data folder (created when missing)."""
    url = os.environ.get("ADVLAB_DATABASE_URL", "").strip()
    if url:
        return url
    folder = Path(os.environ.get("ADVLAB_DATA_DIR", "").strip() or ROOT / "data")
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'advlab.sqlite3'}"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalize_code(text: str) -> str:
    """A typed join code as stored: upper case, spaces and dashes dropped."""
    return "".join(c for c in str(text).upper() if c not in " -\t")[:32]


def format_code(code: str) -> str:
    """``ABCD-EFGH``: easier to read off a projector."""
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        eng = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
        return eng
    for plain in ("postgresql://", "postgres://"):  # the driver shipped in requirements.txt: psycopg 3
        if url.startswith(plain):
            url = "postgresql+psycopg://" + url.removeprefix(plain)
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there).
    On PostgreSQL an advisory lock keeps replicas starting together from racing."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x61646C62})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except sa.exc.OperationalError:
            # SQLite has no advisory lock: two processes starting at once may both try to create
            # the tables; the loser finds them made on its next try
            if attempt == 4 or engine.dialect.name != "sqlite":
                raise
            time.sleep(0.2 * (attempt + 1))


def _session(row) -> ClassSession:
    return ClassSession(row.id, row.code, tuple(a for a in row.activities.split(",") if a), json.loads(row.params),
                        row.created_at, row.expires_at, bool(row.closed), bool(row.revealed))


class Store:
    """One database's class-mode data. Safe to share between threads (and, through
    the database, between processes): every method runs in its own transaction."""

    def __init__(self, url: str | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.url = url or database_url()
        self.engine = _engine(self.url)
        self.clock = clock
        migrate(self.engine)

    # ------------------------------------------------------------ sessions ---

    def create_session(self, *, activities: Iterable[str], hours: float = HOURS_DEFAULT,
                       params: dict | None = None) -> Created:
        """A new session with a fresh join code and teacher key; ``hours`` until it
        and its data are deleted."""
        acts = tuple(dict.fromkeys(activities))
        bad = [a for a in acts if a not in ACTIVITIES]
        if not acts or bad:
            raise ClassError("cl_err_activities", f"activities must be one or more of {', '.join(ACTIVITIES)}; "
                             f"got {list(acts)}", allowed=", ".join(ACTIVITIES))
        if not isinstance(hours, (int, float)) or not 0.25 <= float(hours) <= HOURS_MAX:
            raise ClassError("cl_err_hours", f"hours must be between 0.25 and {HOURS_MAX:g}; got {hours!r}",
                             hi=f"{HOURS_MAX:g}")
        now = self.clock()
        key = secrets.token_urlsafe(32)
        self.purge_expired()
        for _ in range(8):  # a clash among 2**40 codes is rare; retry it rather than fail
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self.engine.begin() as conn:
                    conn.execute(sessions.insert().values(
                        code=code, teacher_hash=_hash(key), activities=",".join(acts),
                        params=json.dumps(params or {}), created_at=now, expires_at=now + float(hours) * 3600,
                        closed=False, revealed=False))
                return Created(self._by_code(code), key)
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError("could not draw an unused join code")

    def _by_code(self, code: str, conn: Connection | None = None) -> ClassSession | None:
        q = sa.select(sessions).where(sessions.c.code == normalize_code(code),
                                      sessions.c.expires_at > self.clock())
        if conn is not None:
            row = conn.execute(q).first()
        else:
            with self.engine.connect() as c:
                row = c.execute(q).first()
        return None if row is None else _session(row)

    def session(self, code: str) -> ClassSession | None:
        """The open-or-closed, unexpired session of ``code``, or None."""
        return self._by_code(code)

    def teacher(self, code: str, key: str | None) -> ClassSession | None:
        """The session if ``key`` is its teacher key, else None (compared in constant time)."""
        if not key or not code:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions).where(sessions.c.code == normalize_code(code),
                                                         sessions.c.expires_at > self.clock())).first()
        if row is None or not hmac.compare_digest(row.teacher_hash, _hash(str(key))):
            return None
        return _session(row)

    def _teacher(self, code: str, key: str | None) -> ClassSession:
        s = self.teacher(code, key)
        if s is None:
            raise PermissionError("a valid teacher key is needed for this session")
        return s

    def set_flags(self, code: str, key: str | None, *, closed: bool | None = None,
                  revealed: bool | None = None) -> ClassSession:
        """Close the session (no more joins or submissions) and/or reveal the answers to the class."""
        s = self._teacher(code, key)
        vals = {k: v for k, v in (("closed", closed), ("revealed", revealed)) if v is not None}
        if vals:
            with self.engine.begin() as conn:
                conn.execute(sessions.update().where(sessions.c.id == s.id).values(**vals))
        return self._by_code(code)

    def delete(self, code: str, key: str | None) -> None:
        """Delete the session and everything in it."""
        s = self._teacher(code, key)
        with self.engine.begin() as conn:
            self._delete_ids(conn, [s.id])

    @staticmethod
    def _delete_ids(conn: Connection, ids: list[int]) -> None:
        for table in (answers, submissions, students):
            conn.execute(table.delete().where(table.c.session_id.in_(ids)))
        conn.execute(sessions.delete().where(sessions.c.id.in_(ids)))

    def purge_expired(self) -> int:
        """Delete every expired session with its data, and old rate-limit events; returns the sessions deleted."""
        now = self.clock()
        with self.engine.begin() as conn:
            ids = [r.id for r in conn.execute(sa.select(sessions.c.id).where(sessions.c.expires_at <= now))]
            if ids:
                self._delete_ids(conn, ids)
            conn.execute(events.delete().where(events.c.at < now - EVENT_KEEP_S))
        return len(ids)

    # ------------------------------------------------------------ students ---

    def _limited(self, conn: Connection, kind: str, subject: str, *, limit: int, window: float) -> bool:
        now = self.clock()
        n = conn.execute(sa.select(sa.func.count()).select_from(events).where(
            events.c.kind == kind, events.c.subject == subject, events.c.at > now - window)).scalar_one()
        return n >= limit

    def _note(self, kind: str, subject: str) -> None:
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(events.insert().values(kind=kind, subject=subject[:128], at=now))
            if kind == "join_fail":  # where failed joins came from is forgotten after an hour
                conn.execute(events.delete().where(events.c.kind == kind, events.c.at < now - EVENT_KEEP_S))

    def join(self, code: str, nickname: str, *, source: str) -> Student:
        """Let a student in under ``nickname`` (see :func:`names.clean`). ``source`` names where
        the attempt comes from (the client's address): its failed joins are limited. Only a hash of it
        is written, and only for an hour: the nickname stays the one thing kept about a student."""
        source = _hash("join:" + str(source))
        with self.engine.connect() as conn:
            if self._limited(conn, "join_fail", source, limit=FAILED_JOINS, window=FAILED_JOIN_WINDOW_S):
                raise ClassError("cl_err_join_limited", "too many failed joins from here; wait a few minutes",
                                 minutes=int(FAILED_JOIN_WINDOW_S // 60))
        s = self._by_code(code)
        if s is None:
            self._note("join_fail", source)
            raise ClassError("cl_err_code", f"no open session has the code {code!r}")
        if s.closed:
            raise ClassError("cl_err_closed", "this session is closed")
        nick = names.clean(nickname)
        token = secrets.token_urlsafe(24)
        try:
            with self.engine.begin() as conn:
                sid = conn.execute(students.insert().values(
                    session_id=s.id, nickname=nick, nickname_key=names.key(nick), token_hash=_hash(token),
                    created_at=self.clock()).returning(students.c.id)).scalar_one()
        except sa.exc.IntegrityError:
            raise ClassError("cl_err_taken", f"the nickname {nick!r} is taken in this session") from None
        return Student(sid, s.id, nick, token)

    def student(self, code: str, token: str | None) -> Student | None:
        """The student of ``token`` in the session of ``code`` (a reload or a restart keeps them in)."""
        if not token:
            return None
        s = self._by_code(code)
        if s is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(students).where(students.c.session_id == s.id,
                                                         students.c.token_hash == _hash(str(token)))).first()
        return None if row is None else Student(row.id, row.session_id, row.nickname)

    # --------------------------------------------------------- submissions ---

    def _open_for(self, student: Student) -> ClassSession:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions).where(sessions.c.id == student.session_id,
                                                         sessions.c.expires_at > self.clock())).first()
            if row is None or row.closed:
                raise ClassError("cl_err_closed", "this session is closed")
            if self._limited(conn, "submit", str(student.id), limit=SUBMITS_PER_SECOND, window=1.0):
                raise ClassError("cl_err_slow_down", "too many submissions; wait a second",
                                 n=SUBMITS_PER_SECOND)
        self._note("submit", str(student.id))
        return _session(row)

    def submit(self, student: Student, *, activity: str, score: float, pixels: int | None = None,
               payload: dict) -> None:
        """Record a score the server computed (never one the client sent)."""
        s = self._open_for(student)
        if activity not in s.activities or activity == "quiz":
            raise ClassError("cl_err_activity_off", f"activity {activity!r} is not switched on here")
        with self.engine.begin() as conn:
            conn.execute(submissions.insert().values(
                session_id=s.id, student_id=student.id, activity=activity, score=float(score),
                pixels=None if pixels is None else int(pixels), payload=json.dumps(payload),
                created_at=self.clock()))

    def answer(self, student: Student, *, question: str, answer, correct: bool) -> bool:
        """Record a quiz answer; False if this student had answered the question already (the first counts)."""
        s = self._open_for(student)
        if "quiz" not in s.activities:
            raise ClassError("cl_err_activity_off", "the quiz is not switched on here")
        try:
            with self.engine.begin() as conn:
                conn.execute(answers.insert().values(
                    session_id=s.id, student_id=student.id, question=question, answer=json.dumps(answer),
                    correct=bool(correct), created_at=self.clock()))
        except sa.exc.IntegrityError:
            return False
        return True

    def my_answers(self, student: Student) -> dict[str, tuple[object, bool]]:
        """This student's quiz answers: question -> (answer, right)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(answers.c.question, answers.c.answer, answers.c.correct)
                                .where(answers.c.student_id == student.id)).all()
        return {r.question: (json.loads(r.answer), bool(r.correct)) for r in rows}

    def my_best(self, student: Student, activity: str) -> tuple[float, int | None] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(submissions.c.score, submissions.c.pixels)
                               .where(submissions.c.student_id == student.id, submissions.c.activity == activity)
                               .order_by(submissions.c.score, submissions.c.id).limit(1)).first()
        return None if row is None else (row.score, row.pixels)

    # ------------------------------------------------------------- results ---

    def joined(self, code: str, key: str | None) -> list[str]:
        """The nicknames in the session, in joining order (teacher only)."""
        s = self._teacher(code, key)
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(students.c.nickname).where(students.c.session_id == s.id)
                                     .order_by(students.c.id)).scalars())

    def _board(self, session_id: int, activity: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(students.c.nickname, submissions.c.score, submissions.c.pixels,
                                          submissions.c.payload, submissions.c.id)
                                .join(students, students.c.id == submissions.c.student_id)
                                .where(submissions.c.session_id == session_id, submissions.c.activity == activity)
                                .order_by(submissions.c.score, submissions.c.id)).all()
        best: dict[str, dict] = {}
        for r in rows:
            b = best.setdefault(r.nickname, {"nickname": r.nickname, "score": r.score, "pixels": r.pixels,
                                             "payload": json.loads(r.payload), "tries": 0})
            b["tries"] += 1
        return list(best.values())  # rows came smallest first, so is each student's best

    def leaderboard(self, code: str, key: str | None, activity: str) -> list[dict]:
        """Each student's best score in ``activity``, best first: nickname, score, pixels, payload, tries."""
        return self._board(self._teacher(code, key).id, activity)

    def revealed_best(self, code: str, activity: str) -> dict | None:
        """The class's best answer in ``activity`` once the teacher revealed, else None."""
        s = self._by_code(code)
        if s is None or not s.revealed:
            return None
        board = self._board(s.id, activity)
        return board[0] if board else None

    def quiz_stats(self, code: str, key: str | None) -> dict[str, dict]:
        """Per question: how many answered, the share right and the most chosen wrong answer (with its count)."""
        s = self._teacher(code, key)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(answers.c.question, answers.c.answer, answers.c.correct)
                                .where(answers.c.session_id == s.id).order_by(answers.c.id)).all()
        out: dict[str, dict] = {}
        for r in rows:
            q = out.setdefault(r.question, {"n": 0, "right": 0, "wrong": {}})
            q["n"] += 1
            if r.correct:
                q["right"] += 1
            else:
                q["wrong"][r.answer] = q["wrong"].get(r.answer, 0) + 1
        for q in out.values():
            wrong = q.pop("wrong")
            q["share"] = q["right"] / q["n"]
            top = max(wrong.items(), key=lambda kv: kv[1], default=None)
            q["top_wrong"] = None if top is None else json.loads(top[0])
            q["top_wrong_n"] = 0 if top is None else top[1]
        return out

    def rows(self, code: str, key: str | None) -> list[dict]:
        """Every score and answer of the session, oldest first, for the CSV download."""
        s = self._teacher(code, key)
        with self.engine.connect() as conn:
            subs = conn.execute(sa.select(students.c.nickname, submissions)
                                .join(students, students.c.id == submissions.c.student_id)
                                .where(submissions.c.session_id == s.id)).all()
            ans = conn.execute(sa.select(students.c.nickname, answers)
                               .join(students, students.c.id == answers.c.student_id)
                               .where(answers.c.session_id == s.id)).all()
        out = [{"time": r.created_at, "nickname": r.nickname, "activity": r.activity, "item": "",
                "score": r.score, "pixels": r.pixels, "answer": "", "correct": ""} for r in subs]
        out += [{"time": r.created_at, "nickname": r.nickname, "activity": "quiz", "item": r.question,
                 "score": "", "pixels": "", "answer": r.answer, "correct": bool(r.correct)} for r in ans]
        return sorted(out, key=lambda r: r["time"])


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(url: str | None = None) -> Store:
    """The process's store for ``url`` (default :func:`database_url`), opened and migrated once."""
    url = url or database_url()
    with _STORES_LOCK:
        st = _STORES.get(url)
        if st is None:
            st = _STORES[url] = Store(url)
            st.purge_expired()  # at start-up too, not only when the next session is made
        return st


CSV_FIELDS = ("time", "nickname", "activity", "item", "score", "pixels", "answer", "correct")


def csv_text(rows: list[dict]) -> str:
    """:meth:`Store.rows` as CSV, times in UTC ISO format. A cell that a spreadsheet would
    read as a formula (a nickname starting with ``=``, ``+``, ``-``, ``@``) gets a leading quote."""
    import csv
    import io
    from datetime import datetime

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        out = dict(r, time=datetime.fromtimestamp(r["time"], UTC).isoformat(timespec="seconds"))
        for k, v in out.items():
            if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
                out[k] = "'" + v
        w.writerow(out)
    return buf.getvalue()
