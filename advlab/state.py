"""Page state as a flat set of typed fields that round-trips through the URL.

Each page declares its fields once (name, type, default, allowed range). The
URL carries every value, so a shared link reproduces the page exactly (the
seed is a field too); a value that cannot be used falls back to its default
with a note saying which value was ignored and why.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SHOWN_MAX = 60  # characters of an ignored URL value that a note quotes


def shown(raw: str, limit: int = SHOWN_MAX) -> str:
    """URL text as a note quotes it, inside a markdown code span.

    Whatever a link carries stays literal there, provided it cannot end the
    span: a backtick would close it (and let the rest render as markdown, a
    link or an image), a line break could end its paragraph. Backticks become
    a look-alike, control and format characters (line breaks, NUL,
    right-to-left overrides) become U+FFFD, and a long value is cut. An
    empty value shows as ``""`` (two backticks would not make a code span).
    """
    if str(raw) == "":
        return '""'
    out = []
    for ch in str(raw)[:limit]:
        if ch == "`":
            ch = "\u02cb"
        elif ch == "\t":
            ch = " "
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            ch = "\ufffd"
        out.append(ch)
    return "".join(out) + ("…" if len(str(raw)) > limit else "")


@dataclass(frozen=True)
class Field:
    name: str
    default: Any
    kind: str = "float"  # "int" | "float" | "choice" | "bool" | "ints"
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()

    def parse(self, raw: str):
        """The value for URL text ``raw``; ValueError with the reason if unusable."""
        raw = str(raw).strip()
        if self.kind == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("expected 1 or 0")
        if self.kind == "choice":
            if raw in self.choices:
                return raw
            raise ValueError("allowed: " + ", ".join(map(str, self.choices)))
        if self.kind == "ints":
            try:
                vals = tuple(int(p) for p in raw.split("-") if p != "")
            except ValueError:
                raise ValueError("expected whole numbers joined by '-', e.g. 64-32") from None
            if not vals:
                raise ValueError("expected at least one number")
            for v in vals:
                self._check_range(v)
            return vals
        try:
            val = float(raw)
        except ValueError:
            raise ValueError(f"expected a number{self._range_text()}") from None
        if not math.isfinite(val):
            raise ValueError("expected a finite number")
        if self.kind == "int":
            if val != int(val):
                raise ValueError("expected a whole number")
            val = int(val)
        self._check_range(val)
        return val

    def _check_range(self, val):
        if (self.lo is not None and val < self.lo) or (self.hi is not None and val > self.hi):
            raise ValueError("out of range" + self._range_text(" {lo:g} to {hi:g}", " (at least {lo:g})",
                                                                " (at most {hi:g})"))

    def _range_text(self, both=" between {lo:g} and {hi:g}", lo_only=" of at least {lo:g}",
                    hi_only=" of at most {hi:g}") -> str:
        # a field may be bounded on one side only, or not at all
        if self.lo is not None and self.hi is not None:
            return both.format(lo=self.lo, hi=self.hi)
        if self.lo is not None:
            return lo_only.format(lo=self.lo)
        if self.hi is not None:
            return hi_only.format(hi=self.hi)
        return ""

    def dump(self, value) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "ints":
            return "-".join(str(int(v)) for v in value)
        if self.kind == "float":
            return f"{float(value):g}"
        return str(value)


@dataclass(frozen=True)
class Note:
    """A URL value that was ignored, and why (``raw`` as :func:`shown` quotes it)."""

    field: str
    raw: str
    reason: str


class PageState:
    """The fields of one page."""

    def __init__(self, page: str, fields: Sequence[Field]):
        self.page = page
        self.fields = {f.name: f for f in fields}

    def defaults(self) -> dict:
        return {n: f.default for n, f in self.fields.items()}

    def from_query(self, params: Mapping[str, str]) -> tuple[dict, list[Note]]:
        values, notes = self.defaults(), []
        for name, f in self.fields.items():
            if name not in params:
                continue
            raw = params[name]
            try:
                values[name] = f.parse(raw)
            except ValueError as e:
                notes.append(Note(name, shown(raw), str(e)))
        return values, notes

    def to_query(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {n: f.dump(values[n]) for n, f in self.fields.items() if n in values}
