"""Page state round-trips through the URL: each kind of field reads good values,
refuses bad ones with a reason, and writes back what it read; the Playground's
address reproduces the Playground."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advlab.attacks import ATTACKS
from advlab.state import Field, Note, PageState

ROOT = Path(__file__).resolve().parents[1]
PLAYGROUND = ROOT / "pages" / "playground.py"


def page_state(path: Path) -> PageState:
    """A page's ``STATE``, built by running the page file's definitions without its body
    (the call at the bottom that draws the page)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign,
                                                        ast.FunctionDef, ast.ClassDef))]
    ns: dict = {"__name__": "page_definitions"}
    exec(compile(tree, str(path), "exec"), ns)  # noqa: S102 - our own page file
    return ns["STATE"]


def reason(field: Field, raw: str) -> str:
    with pytest.raises(ValueError) as e:
        field.parse(raw)
    msg = str(e.value)
    assert msg, "a refusal must say why"
    return msg


# ---------------------------------------------------------------- kinds ---

def test_int_field():
    f = Field("n", 400, "int", 50, 2000)
    assert f.parse("50") == 50 and isinstance(f.parse("50"), int)
    assert f.parse(" 2000 ") == 2000
    assert f.parse("300.0") == 300
    assert f.parse("1e3") == 1000
    assert "between 50 and 2000" in reason(f, "abc")
    assert "between 50 and 2000" in reason(f, "")
    assert "whole number" in reason(f, "300.5")
    assert "out of range 50 to 2000" in reason(f, "49")
    assert "out of range" in reason(f, "2001")
    assert "finite" in reason(f, "nan")
    assert "finite" in reason(f, "inf")


def test_float_field():
    f = Field("eps", 0.2, "float", 0.0, 1.0)
    assert f.parse("0.35") == pytest.approx(0.35)
    assert f.parse("0") == 0.0 and f.parse("1") == 1.0
    assert f.parse(".5") == 0.5
    assert "between 0 and 1" in reason(f, "abc")
    assert "between 0 and 1" in reason(f, "0,3")
    assert "out of range 0 to 1" in reason(f, "99")
    assert "out of range" in reason(f, "-0.01")
    assert "finite" in reason(f, "-inf")


def test_fields_bounded_on_one_side_or_not_at_all():
    assert Field("x", 0.0, "float").parse("-1e6") == -1e6
    assert "expected a number" in reason(Field("x", 0.0, "float"), "abc")
    assert "at least 0" in reason(Field("x", 0, "int", 0), "-1")
    assert "at most 5" in reason(Field("x", 0, "int", None, 5), "6")
    # a bad link never crashes reading the state (only ValueError is expected there)
    state = PageState("p", [Field("x", 0.0, "float"), Field("y", 0, "int", 0)])
    values, notes = state.from_query({"x": "abc", "y": "-3"})
    assert values == {"x": 0.0, "y": 0} and {n.field for n in notes} == {"x", "y"}


def test_choice_field():
    f = Field("dataset", "moons", "choice", choices=("moons", "circles"))
    assert f.parse("circles") == "circles"
    assert f.parse(" moons ") == "moons"
    msg = reason(f, "nope")
    assert "moons" in msg and "circles" in msg, "the reason lists the allowed values"
    reason(f, "Moons")  # choices are exact


def test_bool_field():
    f = Field("watch", False, "bool")
    for raw in ("1", "true", "True", "yes", "on"):
        assert f.parse(raw) is True
    for raw in ("0", "false", "no", "off"):
        assert f.parse(raw) is False
    assert "1 or 0" in reason(f, "maybe")
    assert "1 or 0" in reason(f, "")


def test_ints_field():
    f = Field("hidden", (64, 32), "ints", 1, 256)
    assert f.parse("64-32") == (64, 32)
    assert f.parse("8") == (8,)
    assert f.parse("16--8-") == (16, 8)
    assert "64-32" in reason(f, "64-x")
    assert "at least one" in reason(f, "-")
    assert "out of range" in reason(f, "64-512")
    assert "out of range" in reason(f, "0")


# ----------------------------------------------------------- round trip ---

ALL_KINDS = PageState("demo", [
    Field("i", 3, "int", 0, 10),
    Field("f", 0.25, "float", 0.0, 1.0),
    Field("c", "b", "choice", choices=("a", "b", "0.01")),
    Field("b", False, "bool"),
    Field("h", (64, 32), "ints", 1, 256),
])
OTHER = {"i": 10, "f": 0.35000000000000003, "c": "0.01", "b": True, "h": (8,)}


@pytest.mark.parametrize("values", [ALL_KINDS.defaults(), OTHER], ids=["defaults", "others"])
def test_dump_then_parse_gives_the_same_values(values):
    q = ALL_KINDS.to_query(values)
    assert all(isinstance(v, str) for v in q.values())
    back, notes = ALL_KINDS.from_query(q)
    assert notes == []
    for k, v in values.items():
        assert back[k] == (pytest.approx(v) if isinstance(v, float) else v), k
    # and writing what was read gives the same text again
    assert ALL_KINDS.to_query(back) == q


def test_floats_are_written_short():
    q = ALL_KINDS.to_query({"f": 0.1 + 0.2})
    assert q == {"f": "0.3"}


def test_from_query_keeps_good_values_and_notes_bad_ones():
    values, notes = ALL_KINDS.from_query({"i": "7", "f": "abc", "c": "z", "unknown": "1"})
    assert values["i"] == 7
    assert values["f"] == 0.25 and values["c"] == "b", "bad values fall back to the defaults"
    assert "unknown" not in values
    assert [n.field for n in notes] == ["f", "c"]
    assert notes[0] == Note("f", "abc", notes[0].reason) and "between 0 and 1" in notes[0].reason
    assert notes[1].raw == "z" and "allowed" in notes[1].reason


def test_to_query_writes_only_the_given_fields():
    assert ALL_KINDS.to_query({"b": True, "i": 4}) == {"i": "4", "b": "1"}


# ------------------------------------------------------------ Playground ---

@pytest.fixture(scope="module")
def pg_state() -> PageState:
    return page_state(PLAYGROUND)


def test_playground_state_covers_its_controls(pg_state):
    names = set(pg_state.fields)
    assert {"dataset", "noise", "n", "layers", "width", "epochs", "lr", "seed", "attack", "eps", "norm",
            "point"} <= names
    for key, spec in ATTACKS.items():
        for p in spec.params:
            assert f"{key}_{p.name}" in names


def _samples(f: Field) -> list:
    if f.kind == "bool":
        return [False, True]
    if f.kind == "choice":
        return list(f.choices)
    if f.kind == "ints":
        return [f.default, (int(f.lo),), (int(f.hi), int(f.lo))]
    mid = (f.lo + f.hi) / 2
    vals = [f.default, f.lo, f.hi, int(mid) if f.kind == "int" else round(mid, 3)]
    return [int(v) if f.kind == "int" else float(v) for v in vals]


def test_every_playground_field_round_trips(pg_state):
    for name, f in pg_state.fields.items():
        for v in _samples(f):
            text = f.dump(v)
            back = f.parse(text)
            if f.kind == "float":
                assert math.isclose(back, v, rel_tol=1e-5, abs_tol=1e-9), (name, v, text)
            else:
                assert back == v, (name, v, text)
            assert f.dump(back) == text


def test_playground_defaults_are_valid(pg_state):
    for name, f in pg_state.fields.items():
        assert f.parse(f.dump(f.default)) == (pytest.approx(f.default) if f.kind == "float" else f.default), name


def test_playground_address_reproduces_the_page(pg_state):
    at = AppTest.from_file(str(PLAYGROUND), default_timeout=120)
    at.query_params.update({"dataset": "circles", "eps": "0.3", "attack": "bim", "bim_steps": "5", "seed": "2",
                            "width": "16", "point": "4"})
    at.run()
    assert not at.exception and not at.error
    q = dict(at.query_params)
    # every field that matters for the view is in the address; other attacks' settings are not
    others = {f"{k}_{p.name}" for k, s in ATTACKS.items() if k != "bim" for p in s.params}
    assert set(pg_state.fields) - others <= set(q)
    assert not (others & set(q))
    for name, raw in q.items():
        if name in pg_state.fields:
            pg_state.fields[name].parse(raw)  # every written value reads back
    numbers = [(m.label, m.value) for m in at.metric]
    assert numbers

    # as if opened on another server: nothing trained or cached yet, so the seed must do the work
    import streamlit as st

    from advlab import ui
    from advlab.ui import lessons
    ui.WORKSHOP.store.clear()
    lessons.VALUES.clear()
    st.cache_data.clear()
    again = AppTest.from_file(str(PLAYGROUND), default_timeout=120)
    again.query_params.update(q)
    again.run()
    assert len(ui.WORKSHOP.store) == 1, "the second run trained its own model"
    assert not again.exception and not again.warning
    assert [(m.label, m.value) for m in again.metric] == numbers
    assert dict(again.query_params) == q
    assert again.slider(key="pg.eps").value == pytest.approx(0.3)
    assert again.number_input(key="pg.point").value == 4
