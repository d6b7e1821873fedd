"""Class mode: a teacher's session the whole room joins with a code, its activities
scored on the server, and a live view of the results.

:mod:`.store` keeps sessions, students, scores and answers in SQLite or
PostgreSQL; :mod:`.names` cleans nicknames; :mod:`.activities` computes each
activity's score from what a student submitted. Importable without streamlit.
"""

from .names import MAX_LEN as NICKNAME_MAX
from .errors import ClassError
from .store import ACTIVITIES, ClassSession, Store, Student, open_store

__all__ = ["ACTIVITIES", "ClassError", "ClassSession", "NICKNAME_MAX", "Store", "Student", "open_store"]
