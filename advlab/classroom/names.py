"""Nicknames: the only personal data class mode keeps, cleaned before it is stored.

A nickname is shown as plain text everywhere (never as HTML or Markdown); here
it is made safe to keep and compare: Unicode-normalized (NFKC), control and
format characters (bidirectional overrides, zero-width joiners) dropped, runs
of spaces collapsed, trimmed, and at most :data:`MAX_LEN` characters.
"""

from __future__ import annotations

import unicodedata

from .errors import ClassError

MAX_LEN = 32


def clean(text: object) -> str:
    """The nickname to store; ``ValueError`` naming the rule when nothing usable is left."""
    if not isinstance(text, str):
        raise ClassError("cl_err_nickname", "nickname must be text", max=MAX_LEN)
    s = unicodedata.normalize("NFKC", text)
    s = "".join(" " if c.isspace() else c for c in s if c.isspace() or unicodedata.category(c)[0] != "C")
    s = " ".join(s.split())
    if not s:
        raise ClassError("cl_err_nickname", "nickname must have at least one visible character", max=MAX_LEN)
    if len(s) > MAX_LEN:
        raise ClassError("cl_err_nickname_long", f"nickname must be at most {MAX_LEN} characters; got {len(s)}",
                         max=MAX_LEN, n=len(s))
    return s


def key(nickname: str) -> str:
    """What makes two nicknames the same one in a session: case-folded."""
    return nickname.casefold()[:64]

