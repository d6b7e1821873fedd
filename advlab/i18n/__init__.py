"""Every user-facing string, in English and Simplified Chinese.

``t("key", lang, **fmt)`` looks a key up. The strings live in one table per
language, assembled from one module per page (``advlab/i18n/*.py``, each with
``EN`` and ``ZH`` dicts) so that pages can be written side by side; a key
defined twice is an error at import, and a test checks both languages hold the
same keys with the same ``{placeholders}``.
"""

from __future__ import annotations

import importlib
import pkgutil

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "简体中文"}

TABLES: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}


def _load() -> None:
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        part = importlib.import_module(f"{__name__}.{mod}")
        for lang, table in (("en", part.EN), ("zh", part.ZH)):
            dup = set(table) & set(TABLES[lang])
            if dup:
                raise RuntimeError(f"translation keys defined twice ({mod}): {sorted(dup)}")
            TABLES[lang].update(table)


_load()


def t(key: str, lang: str = "en", /, **fmt) -> str:
    """The string for ``key`` in ``lang``, formatted with ``fmt``.

    A missing key shows as the key itself in brackets (visible, not a crash);
    the test suite makes sure none is missing. ``key`` and ``lang`` are
    positional-only, so placeholders may carry any name, ``key`` included.
    """
    table = TABLES.get(lang) or TABLES["en"]
    s = table.get(key)
    if s is None:
        s = TABLES["en"].get(key, f"[{key}]")
    return s.format(**fmt) if fmt else s
