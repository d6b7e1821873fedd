"""The Text lab page, run headless: the first view fools the model with its example
sentence, the controls change the attack, a bad sentence gets a message while the
last good result stays, the sentence goes into the link, and Chinese works the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advlab.ui import livechart

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "text_lab.py")


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _figures(at) -> list[dict]:
    return livechart.figures(at)


def _arr(v) -> list[float]:
    """A figure's array, plain or Plotly's typed form ({"dtype", "bdata"})."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def _text_input(at):
    return next(w for w in at.text_input if w.key == "tx.text")


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.run()
    return at


def test_first_view_fools_the_model_with_the_example(page):
    at = page
    assert not at.exception and not at.error
    assert _metric(at, "prediction before").startswith("positive")
    assert _metric(at, "prediction after").startswith("negative")
    assert any("Fooled: the label flipped" in s.value for s in at.success)
    figs = _figures(at)
    changed = next(f for f in figs if "adversarial sentence" in f["layout"]["title"]["text"])
    assert any("→" in a["text"] for a in changed["layout"]["annotations"])
    curve = next(f for f in figs if f["layout"].get("xaxis", {}).get("dtick") == 1)
    assert len(curve["data"]) == 3 and all(max(_arr(tr["y"])) > 0 for tr in curve["data"])
    assert "run('greedy', clf, tokens, budget=3" in at.code[0].value
    assert at.query_params["text"] == ["A funny, smart and charming film."] or \
        at.query_params["text"] == "A funny, smart and charming film."


def test_changing_the_attack_and_budget_changes_the_result(page):
    at = page
    at.selectbox(key="tx.attack").set_value("typo")
    at.slider(key="tx.budget").set_value(1)
    at.run()
    assert not at.exception and not at.error
    assert _metric(at, "words changed").endswith("/ 1")
    assert "run('typo', clf, tokens, budget=1" in at.code[0].value
    at.slider(key="tx.chars").set_value(1)
    at.run()
    assert "max_chars=1" in at.code[0].value
    assert at.query_params["chars"] in ("1", ["1"])
    assert not [r for r in at.radio if r.key == "tx.source"]  # typos take no word source


def test_a_bad_sentence_gets_a_message_and_the_last_result_stays(page):
    at = page
    before = _metric(at, "queries")
    _text_input(at).set_value("<script>alert(1)</script> great")
    at.run()
    assert any("looks like markup" in e.value for e in at.error)
    assert _metric(at, "queries") == before
    assert any("Still showing your previous sentence" in c.value for c in at.caption)
    assert not any("<script>" in m.value for m in at.markdown)
    _text_input(at).set_value("   ")
    at.run()
    assert any("The sentence is empty" in e.value for e in at.error)
    _text_input(at).set_value("zzqxv wvvqk")
    at.run()
    assert any("knows none of these words" in e.value for e in at.error)


def test_a_typed_sentence_is_attacked_and_goes_into_the_link(page):
    at = page
    at.selectbox(key="tx.attack").set_value("greedy")
    at.slider(key="tx.budget").set_value(3)
    at.slider(key="tx.chars").set_value(0)
    _text_input(at).set_value("A clever and touching movie about a small family.")
    at.run()
    assert not at.error
    assert _metric(at, "prediction after").startswith("negative")
    assert "a clever and stirring movie" in " ".join(t.value for t in at.text).lower()
    q = at.query_params["text"]
    assert (q[-1] if isinstance(q, list) else q) == "A clever and touching movie about a small family."


def test_defenses_compared(page):
    at = page
    at.toggle(key="tx.compare").set_value(True)
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    assert list(table.columns)[:4] == ["attack", "plain", "with spelling normalization",
                                       "trained with augmented sentences"]
    assert len(table) == 3


def test_chinese_from_a_link():
    at = AppTest.from_file(PAGE, default_timeout=300)
    at.query_params["lang"] = "zh"
    at.query_params["budget"] = "2"
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "文本实验室：骗过情感分类器"
    assert _text_input(at).value == "服务态度好，房间舒适，性价比高。"
    assert _metric(at, "攻击后的判断").startswith("负面")
    assert _metric(at, "改动的词").endswith("/ 2")
