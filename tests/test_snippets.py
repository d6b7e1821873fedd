""""Show the code" gives Python that reproduces what the page shows."""

import contextlib
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "playground.py")


def _run_snippet(code: str) -> dict[str, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {})  # noqa: S102 - the code the page shows
    numbers = {}
    for line in out.getvalue().splitlines():
        label, value = line.rsplit(" ", 1)
        numbers[label.strip()] = value
    return numbers


@pytest.mark.parametrize("query", [
    {},
    {"dataset": "blobs", "classes": "4", "attack": "fgsm", "eps": "0.3", "seed": "2", "width": "16"},
])
def test_playground_code_reproduces_the_numbers_on_the_page(query):
    at = AppTest.from_file(PAGE, default_timeout=240)
    for k, val in query.items():
        at.query_params[k] = val
    at.session_state["pg_code_open"] = True  # the code is written out once its panel is opened
    at.run()
    assert not at.exception
    code = next(c.value for c in at.code if "run_attack" in c.value)
    for k, val in query.items():
        assert repr(val) in code or f"={val}" in code or f"({val}" in code, f"{k}={val} missing from the code"
    shown = {m.label: m.value for m in at.metric}
    printed = _run_snippet(code)
    assert printed["clean accuracy"] == shown["clean accuracy"]
    assert printed["adversarial accuracy"] == shown["adversarial accuracy"]
    assert printed["attack success rate"] == shown["attack success rate"]
