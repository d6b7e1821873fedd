"""Every user-facing string, in English and Simplified Chinese.

``t("key", lang, **fmt)`` looks a key up. The words are data, not code: one
catalogue per language, ``advlab/locales/<lang>.toml`` (``key = "text"``), and
the Learn page's lessons as Markdown, ``advlab/locales/<lang>/learn/NAME.md``
for the key ``ln_NAME``. Both are read once per process, on first use, and
shared read-only by every session. A key defined both in a catalogue and as a
Markdown file is an error; a test checks both languages hold the same keys with
the same ``{placeholders}``.

To add a string, add ``my_key = "..."`` to ``en.toml`` and ``zh.toml`` (in the
section of its page; a feature may instead keep its words in a catalogue of its
own, ``<lang>/NAME.toml``, merged in, a key defined twice being an error) and call ``t("my_key", lang)`` (``ui.tr("my_key")`` in a
page). A new lesson block is a Markdown file in both ``learn/`` folders.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "简体中文"}

LOCALES = Path(__file__).resolve().parent.parent / "locales"
LESSON_PREFIX = "ln_"

_lock = threading.Lock()
_tables: dict[str, Mapping[str, str]] = {}


def _read(lang: str) -> Mapping[str, str]:
    path = LOCALES / f"{lang}.toml"
    with path.open("rb") as f:
        table = tomllib.load(f)
    # a feature may keep its words in a catalogue of its own, <lang>/NAME.toml
    for extra in sorted((LOCALES / lang).glob("*.toml")):
        with extra.open("rb") as f:
            more = tomllib.load(f)
        twice = sorted(set(more) & set(table))
        if twice:
            raise RuntimeError(f"{lang}/{extra.name} defines keys already defined elsewhere: {twice}")
        table.update(more)
    bad = sorted(k for k, v in table.items() if not isinstance(v, str))
    if bad:
        raise RuntimeError(f"{path.name}: every value must be a string; not so for {bad}")
    for md in sorted((LOCALES / lang / "learn").glob("*.md")):
        key = LESSON_PREFIX + md.stem
        if key in table:
            raise RuntimeError(f"{key} is defined twice: in {path.name} and in {lang}/learn/{md.name}")
        # a text file ends with a line break; the string does not
        table[key] = md.read_text(encoding="utf-8").removesuffix("\n")
    return MappingProxyType(table)


def table(lang: str) -> Mapping[str, str]:
    """All strings of ``lang`` (one of :data:`LANGS`), read on first use and then shared."""
    got = _tables.get(lang)
    if got is None:
        if lang not in LANGS:
            raise KeyError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
        with _lock:
            got = _tables.get(lang)
            if got is None:
                got = _tables[lang] = _read(lang)
    return got


def __getattr__(name: str):
    # TABLES (language -> its strings) is built on first access, like every table
    if name == "TABLES":
        return MappingProxyType({lang: table(lang) for lang in LANGS})
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def t(key: str, lang: str = "en", /, **fmt) -> str:
    """The string for ``key`` in ``lang``, formatted with ``fmt``.

    A missing key shows as the key itself in brackets (visible, not a crash);
    the test suite makes sure none is missing.
    """
    strings = table(lang) if lang in LANGS else table("en")
    s = strings.get(key)
    if s is None:
        s = table("en").get(key, f"[{key}]")
    return s.format(**fmt) if fmt else s
