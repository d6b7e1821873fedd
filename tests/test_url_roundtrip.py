"""Every page's state round-trips through its URL, and bad URL values fall
back to defaults with a note instead of breaking the page."""

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def _pages() -> list[tuple[str, str]]:
    tree = ast.parse((ROOT / "app.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return [(row[3], row[0]) for row in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES table")


# Class mode's pages carry a join code and a student's or teacher's token in their links, not
# settings (tests/test_page_class.py follows those links; test_hostile_links.py breaks them)
PAGES = [(url, path) for url, path in _pages() if "STATE =" in (ROOT / path).read_text(encoding="utf-8")]
# The Learn page shows every section at once to a reader; only on a projector
# (one section per slide) does it have a state worth sharing.
BASE = {"learn": {"present": "1"}}


def _url(at) -> dict[str, str]:
    out = {}
    for k in at.query_params:
        val = at.query_params[k]
        out[k] = val[-1] if isinstance(val, list) else val
    return out


def _shown(at) -> list:
    """What a viewer reads off the page: metric values and widget values."""
    return [(m.label, m.value) for m in at.metric] + sorted(
        (w.key, repr(w.value)) for kind in ("slider", "selectbox", "number_input", "toggle", "radio", "select_slider")
        for w in at.get(kind) if getattr(w, "key", None) and "." in str(w.key))


def _run(path: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / path), default_timeout=300)
    for k, val in query.items():
        at.query_params[k] = val
    at.run()
    return at


@pytest.mark.parametrize("url_path,path", PAGES, ids=[p[0] for p in PAGES])
def test_a_shared_link_reproduces_the_page(url_path, path):
    first = _run(path, BASE.get(url_path, {}))
    assert not first.exception, first.exception
    url = _url(first)
    assert url.get("lang") == "en", "the page must write its state into the URL"
    page_fields = {k: v for k, v in url.items() if k not in ("lang", "present")}
    assert page_fields, f"{url_path} writes none of its settings into the URL"
    again = _run(path, url)
    assert not again.exception, again.exception
    assert _shown(again) == _shown(first)
    assert _url(again) == url


@pytest.mark.parametrize("url_path,path", PAGES, ids=[p[0] for p in PAGES])
def test_malformed_url_values_fall_back_with_a_note(url_path, path):
    base = BASE.get(url_path, {})
    fields = [k for k in _url(_run(path, base)) if k not in ("lang", "present")]
    bad = {**base, **{k: "zz!" for k in fields[:3]}}
    at = _run(path, bad)
    assert not at.exception, at.exception
    notes = " ".join(w.value for w in at.warning)
    for k in (k for k in bad if k not in base):
        assert f"`{k}=zz!`" in notes, f"no note about the ignored value of {k}"
    # the page still shows its content with defaults
    assert _url(at).keys() >= set(bad)
    assert all(_url(at)[k] != "zz!" for k in bad)
    assert len(bad) > len(base), f"{url_path} has no settings in its URL to test"
