"""Alembic migrations of the class-mode store, run by :func:`advlab.classroom.store.migrate` at start-up."""
