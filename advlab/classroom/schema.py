"""The class-mode tables: one schema for SQLite and PostgreSQL.

Times are seconds since the epoch (floats), so both backends compare them the
same way. A session's rows go with it: :meth:`Store.delete` and the expiry
sweep remove children first, so no backend needs cascading foreign keys.
The Alembic migrations in ``migrations/versions`` create exactly these tables
(a test compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

sessions = Table(
    "class_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("teacher_hash", String(64), nullable=False),  # sha256 of the teacher key; the key is never stored
    Column("activities", String(64), nullable=False),  # comma-separated activity names
    Column("params", Text, nullable=False),  # JSON: the image and point every student gets
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("closed", Boolean, nullable=False, default=False),
    Column("revealed", Boolean, nullable=False, default=False),
)

students = Table(
    "class_students", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id"), nullable=False),
    Column("nickname", String(64), nullable=False),
    Column("nickname_key", String(64), nullable=False),  # case-folded: "Ada" and "ada" are one name
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the student's rejoin token
    Column("created_at", Float, nullable=False),
    UniqueConstraint("session_id", "nickname_key", name="uq_class_students_nickname"),
)

submissions = Table(
    "class_submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id"), nullable=False),
    Column("student_id", Integer, ForeignKey("class_students.id"), nullable=False),
    Column("activity", String(16), nullable=False),
    Column("score", Float, nullable=False),  # L2 of the change (digits) or distance moved (boundary)
    Column("pixels", Integer, nullable=True),  # digits: pixels changed
    Column("payload", Text, nullable=False),  # JSON: what was submitted, as the server checked it
    Column("created_at", Float, nullable=False),
    Index("ix_class_submissions_session", "session_id", "activity"),
)

answers = Table(
    "class_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("class_sessions.id"), nullable=False),
    Column("student_id", Integer, ForeignKey("class_students.id"), nullable=False),
    Column("question", String(32), nullable=False),
    Column("answer", Text, nullable=False),  # JSON
    Column("correct", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    UniqueConstraint("student_id", "question", name="uq_class_answers_once"),
    Index("ix_class_answers_session", "session_id"),
)

# rate limiting shared by every replica: failed joins per source, submissions per student
events = Table(
    "class_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_class_events_lookup", "kind", "subject", "at"),
)
