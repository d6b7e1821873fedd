"""Hostile links: whatever a URL carries, every page still draws, says which
values it ignored, and never renders them as markup.

Pages and their fields are discovered, not listed: app.py's ``PAGES`` table
gives the page files, each page's ``STATE = PageState(...)`` its URL fields,
and every page also reads the global ``lang`` and ``present`` and app.py's
``preset``. A new page or field is fuzzed without editing this file.

Every page is run through app.py (as a browser would open it) by Streamlit's
AppTest. Each value is hostile: it cannot be used (a note must name it) or it
reads as the field's default (full-width digits of the default, spaces around
it), so every run must end on the page's default view, whose trained models
Streamlit's caches keep across runs. That keeps an example at a fraction of a
second. Failing examples are kept in Hypothesis' example database
(``.hypothesis/``) and replayed first on the next run. ``ADVLAB_FUZZ_EXAMPLES``
raises the number of examples per page for a deeper search.
"""

from __future__ import annotations

import ast
import math
import os
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from advlab.presets import PRESETS
from advlab.state import SHOWN_MAX, Field, PageState, shown
from advlab.ui import GLOBAL_FIELDS, livechart

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EXAMPLES = int(os.environ.get("ADVLAB_FUZZ_EXAMPLES", "20"))
TIMEOUT = 300
PRESET = "preset"  # read by app.py on every page, not a page field


# ------------------------------------------------------------ discovery ---

def _app_pages() -> list[tuple[str, str, str]]:
    """(page file, url path, state name) of every row of app.py's ``PAGES``."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PAGES":
            return [(row[0], row[3], row[4]) for row in ast.literal_eval(node.value)]
    raise AssertionError("app.py has no PAGES table")


def page_state(path: Path) -> PageState:
    """A page's ``STATE``, built by running the page file without its bare
    statements (the call at the bottom that draws the page)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if not isinstance(n, ast.Expr)]
    ns: dict = {"__name__": "page_definitions"}
    exec(compile(tree, str(path), "exec"), ns)  # noqa: S102 - our own page file
    state = ns.get("STATE")
    assert isinstance(state, PageState), f"{path.name} declares no STATE = PageState(...)"
    return state


ALL_PAGES = _app_pages()
URLS = {path: url for path, url, _ in ALL_PAGES}
# class mode's pages take a join code, a rejoin token and a teacher key from the link, not
# settings: they keep them as given and answer with their own messages (tested below)
CLASS_LINK = ("code", "me", "key")
CLASS_PAGES = [row for row in ALL_PAGES if "STATE =" not in (ROOT / row[0]).read_text(encoding="utf-8")]
PAGES = [row for row in ALL_PAGES if row not in CLASS_PAGES]
IDS = [url for _, url, _ in PAGES]


@cache
def fields_of(path: str) -> dict[str, Field]:
    """Every URL field the page reads: its own, then the global ones."""
    state = page_state(ROOT / path)
    short = next(s for p, _, s in PAGES if p == path)
    assert state.page == short, f"{path}: STATE is {state.page!r}, app.py calls it {short!r}"
    clash = set(state.fields) & (set(GLOBAL_FIELDS.fields) | {PRESET})
    assert not clash, f"{path}: fields {sorted(clash)} clash with the global ones"
    return {**state.fields, **GLOBAL_FIELDS.fields}


# --------------------------------------------------------- hostile text ---

FULL_WIDTH = str.maketrans("0123456789.-+e", "０１２３４５６７８９．－＋ｅ")

GENERIC = (
    "", " ", "   ", "\t", "\n", " \r\n ", "\u00a0", "\u3000", "\u200b",
    "nan", "NaN", "-nan", "inf", "-inf", "+Infinity", "1e309", "-1e309", "1e-400", "9" * 400, "-" + "9" * 5000,
    "0x1F", "0b1", "1_000", "1,5", "1.2.3", "½", "٣", "１e９９９", "--1", "1-", "-", "+", ".", "e5",
    "true!", "None", "null", "undefined", "[]", "{}", "%", "%00", "%3Cb%3E", "&amp;", "../../etc/passwd",
    "?preset=x", "&eps=1", "a=b", "#top", "\x00", "\x1b[31m", "\u202e1", "\ud7ff", "\U0001f600",
)
MARKUP = (
    "<script>alert(1)</script>", "<b>bold</b>", "<img src=x onerror=alert(1)>", "</div><h1>big</h1>",
    "\"'><svg onload=alert(1)>", "<style>*{display:none}</style>", "<!-- c -->", "&lt;b&gt;",
    "[link](https://example.com)", "![img](https://example.com/x.png)", "<https://example.com>",
    "javascript:alert(1)", "**bold** _it_", "`code`", "``", "x`<b>y</b>`", "` [a](https://example.com) `",
    "\n\n# Heading", "\n\n![img](https://example.com/x.png)", "$\\frac{1}{0}$", "$$x$$",
    ":red[red] :material/warning:", ":smile:", "{field}", "{0}{key}{raw}", "%s%n%(x)s", "# Heading",
    "- item", "> quote", "| a | b |", "\\", "~~x~~",
)
MARKUP_CHARS = set("<>[]*`$")  # text with these looked for where it must not be (see _needles)


def _fw(text: str) -> str:
    """The same text in full-width digits (what a Chinese input method types)."""
    return text.translate(FULL_WIDTH)


def _numbers(f: Field) -> st.SearchStrategy[str]:
    """Out-of-range, fractional, overflowing and malformed numbers for ``f``."""
    lo = f.lo if f.lo is not None else 0
    hi = f.hi if f.hi is not None else 0
    far = st.sampled_from([1, 0.5, 1e-9, 7, 1e6, 1e15, 1e308, 10 ** 30])
    below = far.map(lambda d: lo - d)
    above = far.map(lambda d: hi + d)
    nums = [below, above, st.integers(-10 ** 400, 10 ** 400)]
    if f.kind in ("int", "ints"):  # a fraction inside the range
        nums.append(st.floats(min_value=float(lo), max_value=float(hi)).map(lambda v: math.floor(v) + 0.5))
    nums = st.one_of(nums)
    text = nums.flatmap(lambda v: st.sampled_from([str(v), repr(v), f"{float(v):g}" if abs(v) < 1e300 else str(v),
                                                   f"{v}abc", f"{v}-{v}", f"{v},{v}", f" {v}\u00a0"]))
    return st.one_of(text, text.map(_fw), st.just(_fw(f.dump(f.default))))


def _choices(f: Field) -> st.SearchStrategy[str]:
    """Look-alikes of allowed values: another case, a suffix, a hidden character."""
    known = [str(c) for c in f.choices] or [f.dump(f.default)]
    return st.sampled_from(known).flatmap(lambda c: st.sampled_from([
        c.upper(), c.title(), c + "x", c[:-1], "x" + c, c + "\u200b", "\u200b" + c, c + "\x00", c + "/",
        c + "," + c, c.replace("0", "O"), _fw(c), f"<b>{c}</b>", f"`{c}`", c * 50]))


def _long() -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda s, n: (s or "x") * n, st.text(max_size=8), st.integers(100, 3000)),
        st.sampled_from(MARKUP).map(lambda m: m * 500),
        st.just("9" * 20000),
    )


def _is_ignored(f: Field, raw: str) -> bool:
    try:
        f.parse(raw)
    except ValueError:
        return True
    return False


def _reads_as_default(f: Field, raw: str) -> bool:
    try:
        return f.parse(raw) == f.parse(f.dump(f.default))
    except ValueError:
        return False


def hostile(name: str, f: Field | None) -> st.SearchStrategy[str]:
    """Text for URL field ``name`` that a page must refuse (or that reads as
    its default): never a usable value other than the default, so the page
    ends on its default view (``f`` None is app.py's preset)."""
    parts = [st.sampled_from(GENERIC), st.sampled_from(MARKUP), st.text(max_size=30), _long(),
             st.tuples(st.sampled_from(MARKUP), st.sampled_from(["", " ", "\t", "\n"])).map(lambda t: t[1] + t[0] + t[1])]
    if f is None:
        parts.append(_choices(Field(PRESET, "", "choice", choices=tuple(PRESETS))))
        return st.one_of(parts).filter(lambda raw: raw.strip() not in PRESETS)
    if f.kind in ("int", "float", "ints"):
        parts.append(_numbers(f))
    if f.kind in ("choice", "bool"):
        parts.append(_choices(f))
    if f.kind == "bool":
        parts.append(st.sampled_from(["2", "-1", "tru", "yes!", "o n", "0.0", "1.0", "oui", "是"]))
    return st.one_of(parts).filter(lambda raw: _is_ignored(f, raw) or _reads_as_default(f, raw))


# ---------------------------------------------------------------- runs ---

def _walk(node):
    kids = getattr(node, "children", None)
    if isinstance(kids, dict):
        for child in kids.values():
            yield from _walk(child)
    elif hasattr(node, "proto"):
        yield node


def _text(el) -> str:
    val = getattr(el, "value", None)
    if isinstance(val, str):
        return val
    return str(getattr(el, "proto", ""))


HTML_TYPES = {"html", "iframe", "component_instance", "bidi_component"}


def _unsafe(el) -> bool:
    """An element whose text the browser reads as HTML."""
    return el.type in HTML_TYPES or (el.type == "markdown" and getattr(el.proto, "allow_html", False))


def _url(at) -> dict[str, str]:
    out = {}
    for k in at.query_params:
        val = at.query_params[k]
        out[k] = val[-1] if isinstance(val, list) else val
    return out


@pytest.fixture(scope="module", autouse=True)
def _as_served():
    """Run pages the way a running server does: through app.py's navigation.

    A server leaves Streamlit's old pages-directory mode for good after its
    first run (``advlab.ui`` switches it off on import); AppTest goes back to
    that mode before every run, so every run after the first would run the
    page file alone, without app.py (no preset, no language switch)."""
    init = PagesManager.__init__

    def served(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(PagesManager, "__init__", served)
        yield


def run(path: str, query: dict[str, str]) -> AppTest:
    """A new session opening ``/<url path of path>?<query>``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, val in query.items():
        at.query_params[k] = val
    # the page a browser asks for by its address (st.Page hashes its url path);
    # AppTest.switch_page only knows url paths after a first run
    at._page_hash = calc_hash(URLS[path])
    at.run()
    return at


def _view(at) -> dict:
    els = list(_walk(at._tree))
    return {
        "titles": [t.value for t in at.title],
        "charts": len(livechart.figures(at)),
        "unsafe": Counter(_text(e) for e in els if _unsafe(e)),
        "url": _url(at),
    }


@cache
def baseline(path: str, base: tuple) -> dict:
    """What the page shows from a clean link with the same language and mode."""
    at = run(path, dict(base))
    assert not at.exception, at.exception
    view = _view(at)
    assert view["titles"], f"{path} draws no title"
    return view


_MD = MarkdownIt("commonmark")


def _code_spans(markdown: str) -> list[str]:
    """The code spans of ``markdown`` as a CommonMark renderer reads them."""
    out = []
    for tok in _MD.parse(markdown):
        for child in tok.children or ():
            if child.type == "code_inline":
                out.append(child.content)
    return out


def _inline_kinds(markdown: str) -> set[str]:
    kinds = set()
    for tok in _MD.parse(markdown):
        kinds.add(tok.type)
        kinds.update(c.type for c in tok.children or ())
    return kinds


def _as_span(content: str) -> str:
    """``content`` as a code span between single backticks reads back (CommonMark
    strips one space from each end when both are there)."""
    content = content.replace("\r\n", " ").replace("\n", " ")
    if len(content) > 1 and content[0] == content[-1] == " " and content.strip():
        content = content[1:-1]
    return content


def _needles(raw: str) -> set[str]:
    """Forms of ``raw`` worth looking for elsewhere on the page: markup-like
    text long enough not to occur there by chance (not ``#E69``, a colour)."""
    return {s for s in (raw.strip(), shown(raw).strip()) if len(s) >= 6 and set(s) & MARKUP_CHARS}


def _brief(query: dict[str, str]) -> str:
    """The query for a failure message (long values cut, their length kept)."""
    return repr({k: v if len(v) <= 80 else f"{v[:60]!r}... ({len(v)} chars)" for k, v in query.items()})


NOTE_KINDS = {"paragraph_open", "paragraph_close", "inline", "text", "code_inline", "softbreak"}


def check(path: str, query: dict[str, str], base: dict[str, str]) -> None:
    """Open ``path`` with ``base`` (a valid language and mode) and the hostile
    ``query``, and check what the page shows."""
    fields = fields_of(path)
    at = run(path, {**base, **query})
    where = f"{path} with {_brief(query)}"
    assert not at.exception, f"{where}: {at.exception}"
    assert not at.error, f"{where}: error {[e.value for e in at.error]}"
    els = list(_walk(at._tree))
    tb = [e for e in els if "Traceback (most recent call last)" in _text(e)]
    assert not tb, f"{where}: a traceback is shown"

    # the page draws its default view, and the link is rewritten to it
    view, clean = _view(at), baseline(path, tuple(sorted(base.items())))
    assert view["titles"] == clean["titles"], f"{where}: title {view['titles']} instead of {clean['titles']}"
    assert view["charts"] == clean["charts"], f"{where}: {view['charts']} charts instead of {clean['charts']}"
    assert view["url"] == clean["url"], f"{where}: the link became {view['url']}, not the default {clean['url']}"
    # no hostile text reaches HTML: the page's HTML is the clean page's HTML
    assert view["unsafe"] == clean["unsafe"], f"{where}: HTML differs from the clean page's"

    # every ignored value is named in a note, quoted in a code span it cannot leave
    warnings = [w.value for w in at.warning]
    spans = [s for w in warnings for s in _code_spans(w)]
    for name, raw in query.items():
        if name == PRESET:
            want = _as_span(shown(raw))
        elif _is_ignored(fields[name], raw):
            want = f"{name}={shown(raw)}"
        else:
            assert not any(s.startswith(f"{name}=") for s in spans), f"{where}: a note about a usable {name}"
            continue
        notes = [w for w in warnings if want in _code_spans(w)]
        assert notes, f"{where}: no note quoting {want!r} (notes: {warnings})"
        extra = _inline_kinds(notes[0]) - NOTE_KINDS
        assert not extra, f"{where}: the note on {name} renders {sorted(extra)}: {notes[0]!r}"
    noted = {s.split("=", 1)[0] for s in spans if "=" in s} & set(fields)
    assert noted <= set(query), f"{where}: notes about fields the link did not set: {noted - set(query)}"

    # and nowhere else on the page does the text appear (outside its note's code span)
    for raw in query.values():
        for needle in _needles(raw):
            for e in els:
                body = _text(e)
                if e.type == "warning":
                    for span in _code_spans(body):
                        body = body.replace(span, "")
                assert needle not in body, f"{where}: {needle!r} shown in a {e.type}: {body[:200]!r}"


# --------------------------------------------------------------- tests ---

BASES = [(), (("lang", "zh"),), (("present", "1"),)]


@st.composite
def hostile_link(draw, path: str) -> tuple[dict[str, str], dict[str, str]]:
    """A few fields (one to all) with hostile values, on a valid language and mode."""
    fields = fields_of(path)
    names = sorted(fields) + [PRESET]
    chosen = draw(st.one_of(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True),
                            st.just(names)))
    query = {n: draw(hostile(n, fields.get(n))) for n in chosen}
    base = dict(draw(st.sampled_from(BASES)))
    return query, {k: v for k, v in base.items() if k not in query}


@pytest.mark.parametrize("path", [p for p, _, _ in PAGES], ids=IDS)
@settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_link_gets_notes_not_a_crash(path, data):
    fields_of(path)  # reading the page's definitions imports modules: not inside a draw
    query, base = data.draw(hostile_link(path), label="link")
    check(path, query, base)


# one value of each family in every field at once: every field of every page
# is covered on every run, whatever the random examples above picked
FAMILIES = {
    "script": "<script>alert('advlab')</script>",
    "breakout": "x` [a](https://example.com) ![i](https://example.com/i.png) `<b>y</b>",
    "overflow": "1e309",
    "blank": " ",
    "long": "<b>" + "9" * 5000,
}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("path", [p for p, _, _ in PAGES], ids=IDS)
def test_every_field_hostile_at_once(path, family):
    query = {n: FAMILIES[family] for n in [*fields_of(path), PRESET]}
    check(path, query, {})


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("path", [p for p, _, _ in CLASS_PAGES], ids=[u for _, u, _ in CLASS_PAGES])
def test_class_pages_take_hostile_codes_and_keys_as_plain_text(path, family, tmp_path, monkeypatch):
    """A hostile join code, token or teacher key: the page answers with its join or start
    form (and a message), never a crash or a traceback, and none of the text reaches HTML,
    Markdown or a message outside a plain input box."""
    monkeypatch.setenv("ADVLAB_DATA_DIR", str(tmp_path))
    query = {n: FAMILIES[family] for n in CLASS_LINK}
    at = run(path, query)
    where = f"{path} with {_brief(query)}"
    assert not at.exception, f"{where}: {at.exception}"
    els = list(_walk(at._tree))
    assert not [e for e in els if "Traceback (most recent call last)" in _text(e)], f"{where}: a traceback"
    clean = run(path, {})
    assert _view(at)["titles"] == _view(clean)["titles"], f"{where}: another page was drawn"
    assert _view(at)["unsafe"] == _view(clean)["unsafe"], f"{where}: HTML differs from the clean page's"
    inputs = {"text_input", "text_area"}
    for needle in _needles(FAMILIES[family]):
        for e in els:
            if e.type not in inputs:
                assert needle not in _text(e), f"{where}: {needle!r} shown in a {e.type}"


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(), st.sampled_from(MARKUP + GENERIC), _long()))
def test_a_quoted_value_cannot_leave_its_code_span(raw):
    """What a note quotes of any text is one code span, read back as it was shown."""
    note = f"Ignored `field={shown(raw)}` from the link."
    assert _code_spans(note) == [f"field={shown(raw)}"]
    assert _inline_kinds(note) <= NOTE_KINDS
    assert 0 < len(shown(raw)) <= SHOWN_MAX + 1


def test_message_keys_never_collide_with_placeholders():
    """Every ``t``/``tr`` in the code takes its message key positional-only, so
    a placeholder may be called ``key`` (the unknown-preset note) or ``lang``."""
    found = []
    for path in [ROOT / "app.py", *ROOT.glob("advlab/**/*.py"), *ROOT.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("t", "tr"):
                found.append(path.name)
                assert node.args.posonlyargs and not node.args.args, \
                    f"{path.relative_to(ROOT)}: {node.name}() takes its key by name too"
    assert len(found) >= 2
    from advlab import i18n

    assert "`k`" in i18n.t("preset_unknown", "en", key="k", allowed="a")


def test_discovery_finds_every_page_and_field():
    assert len(PAGES) >= 8
    # only class mode's pages may go without settings in the link; any other page without a
    # STATE would escape the tests above
    assert [url for _, url, _ in CLASS_PAGES] == ["class", "class-teacher"]
    for path, url, _ in PAGES:
        fields = fields_of(path)
        assert {"lang", "present"} <= set(fields), url
        assert len(fields) > 2, f"{url}: no page fields found"


def test_unknown_preset_note_on_every_page():
    """The case that broke every page: ``?preset=nope``."""
    for path, url, _ in ALL_PAGES:
        at = run(path, {PRESET: "nope"})
        assert not at.exception, f"{url}: {at.exception}"
        assert any("`nope`" in w.value and "fgsm-moons" in w.value for w in at.warning), url
        assert [t.value for t in at.title] == baseline(path, ())["titles"], f"{url}: not the page asked for"
        # every page that draws charts has its browser load Plotly while the page runs (livechart.preload)
        early = [e for e in _walk(at._tree) if getattr(e.proto, "component_name", None) == livechart.COMPONENT
                 and e.proto.bytes.startswith(b'{"preload"')]
        assert len(early) == (url != "learn"), url
