"""The refusals class mode shows a user, each with the message key that explains it."""

from __future__ import annotations


class ClassError(ValueError):
    """A refusal the user sees: ``key`` names its message, ``fmt`` fills it in."""

    def __init__(self, key: str, message: str, **fmt) -> None:
        super().__init__(message)
        self.key = key
        self.fmt = fmt
