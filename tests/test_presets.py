"""Lesson presets open their page with exactly the settings they name."""

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advlab.i18n import TABLES
from advlab.presets import PRESETS, url

ROOT = Path(__file__).resolve().parents[1]


def _pages() -> dict[str, str]:
    """url path -> page file, read from app.py's PAGES table."""
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return {row[3]: row[0] for row in ast.literal_eval(node.value)}
    raise AssertionError("app.py has no PAGES table")


def test_every_preset_names_a_page_and_has_a_title_in_both_languages():
    pages = _pages()
    assert len(PRESETS) >= 5
    for key, p in PRESETS.items():
        assert p.page in pages, f"preset {key} points to unknown page {p.page}"
        for lang in ("en", "zh"):
            assert TABLES[lang].get(f"preset_{key}"), f"preset {key} has no {lang} title"
        link = url(key, "zh")
        assert "lang=zh" in link
        assert link.startswith("/?" if p.page == "playground" else f"/{p.page}"), link


@pytest.mark.parametrize("key", list(PRESETS))
def test_preset_settings_are_taken_by_the_page(key):
    p = PRESETS[key]
    at = AppTest.from_file(str(ROOT / _pages()[p.page]), default_timeout=240)
    for k, val in p.params.items():
        at.query_params[k] = val
    at.run()
    assert not at.exception, at.exception
    ignored = [w.value for w in at.warning if "Ignored" in w.value]
    assert not ignored, ignored
    # the page writes its state back into the URL: the preset's values survive
    for k, val in p.params.items():
        assert at.query_params.get(k) == [val] or at.query_params.get(k) == val, (k, at.query_params.get(k))
