"""Class mode: a teacher's session the whole room joins with a code, its activities
scored on the server, and a live view of the results.

:mod:`.store` keeps sessions, students, scores and answers in SQLite or
PostgreSQL; :mod:`.names` cleans nicknames; :mod:`.activities` computes each
activity's score from what a student submitted. Importable without streamlit.
"""

from .errors import ClassError
from .names import MAX_LEN as NICKNAME_MAX
from .store import ACTIVITIES, ClassSession, Store, Student, open_store

__all__ = ["ACTIVITIES", "NICKNAME_MAX", "ClassError", "ClassSession", "Store", "Student", "open_store"]
