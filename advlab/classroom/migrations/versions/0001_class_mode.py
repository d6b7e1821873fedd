"""Class mode: sessions, students, submissions, quiz answers, rate-limit events.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "class_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("teacher_hash", sa.String(64), nullable=False),
        sa.Column("activities", sa.String(64), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_class_sessions_expires_at", "class_sessions", ["expires_at"])
    op.create_table(
        "class_students",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("nickname", sa.String(64), nullable=False),
        sa.Column("nickname_key", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("session_id", "nickname_key", name="uq_class_students_nickname"),
    )
    op.create_table(
        "class_submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("student_id", sa.Integer, sa.ForeignKey("class_students.id"), nullable=False),
        sa.Column("activity", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("pixels", sa.Integer, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_index("ix_class_submissions_session", "class_submissions", ["session_id", "activity"])
    op.create_table(
        "class_answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("class_sessions.id"), nullable=False),
        sa.Column("student_id", sa.Integer, sa.ForeignKey("class_students.id"), nullable=False),
        sa.Column("question", sa.String(32), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.UniqueConstraint("student_id", "question", name="uq_class_answers_once"),
    )
    op.create_index("ix_class_answers_session", "class_answers", ["session_id"])
    op.create_table(
        "class_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_class_events_lookup", "class_events", ["kind", "subject", "at"])


def downgrade() -> None:
    for name in ("class_events", "class_answers", "class_submissions", "class_students", "class_sessions"):
        op.drop_table(name)
