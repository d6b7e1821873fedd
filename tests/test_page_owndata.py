"""Your own data on the pages, run headless: a CSV uploaded through the page's
file uploader trains a network that is attacked like the built-in data; a bad
file gets its message and the previous data and model stay; points drawn on
the Playground (set through the page's state, as the map's clicks do) retrain
the network once per burst; a drawn link opened elsewhere draws the same map."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from advlab import drawn, models
from advlab.ui import livechart

PAGES = Path(__file__).resolve().parents[1] / "pages"


def new_app(page: str = "playground", **query) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=180)
    for k, v in query.items():
        at.query_params[k] = str(v)
    return at


def table_csv(n: int = 90, *, d: int = 2, classes=("cat", "dog"), sep: str = ",", shift: float = 2.5) -> str:
    rng = np.random.default_rng(d + n)
    head = [f"f{j}" for j in range(d)] + ["kind"]
    rows = [sep.join(head)]
    for i in range(n):
        k = i % len(classes)
        rows.append(sep.join([f"{v:.3f}" for v in rng.normal(k * shift, 1.0, d)] + [classes[k]]))
    return "\n".join(rows) + "\n"


def upload(at: AppTest, content: bytes, name: str = "data.csv") -> AppTest:
    at.file_uploader[0].set_value((name, content, "text/csv"))
    return at.run()


def metric(at, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, f"no metric {label!r}; metrics: {[m.label for m in at.metric]}"
    return found[0]


def text(at) -> str:
    return "\n".join([c.value for c in at.caption] + [m.value for m in at.markdown])


def errors(at) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in at.error]


def specs(at) -> list[dict]:
    """Every chart's figure, in page order (plain Plotly charts and live charts alike)."""
    return livechart.figures(at)


@pytest.fixture
def count_training(monkeypatch):
    calls = []
    real = models.fit_mlp

    def counting(*a, **kw):
        calls.append(len(a[0]))
        return real(*a, **kw)

    monkeypatch.setattr(models, "fit_mlp", counting)
    return calls


# ------------------------------------------------------------------ upload ---

def test_uploaded_csv_is_trained_and_attacked_like_built_in_data():
    at = new_app(src="upload").run()
    assert errors(at) == [] and not at.metric  # nothing to train on until a file comes
    assert "never stored on the server's disk and never goes into a shared link" in text(at)
    assert "up to 5 MB and 50,000 rows" in text(at)
    upload(at, table_csv().encode(), "pets.csv")
    assert errors(at) == []
    assert "2 classes (cat, dog)" in text(at) and "63 rows to train on, 27 to test" in text(at)
    assert float(metric(at, "clean accuracy")[:-1]) > 80
    assert float(metric(at, "adversarial accuracy")[:-1]) < float(metric(at, "clean accuracy")[:-1])
    maps = specs(at)
    legend = {tr.get("name") for s in maps for tr in s["data"]}
    assert {"cat · train", "dog · test"} <= legend  # the learner's class names in the legend
    assert any(b.label == "Download prepared data" for b in at.get("download_button"))
    # the data never goes into the link
    assert at.query_params["src"] == "upload" and not any("cat" in str(v) for v in at.query_params.values())


def test_a_bad_upload_keeps_the_previous_data_and_model():
    at = upload(new_app(src="upload").run(), table_csv(60, shift=3.0).encode())
    before = metric(at, "clean accuracy"), metric(at, "adversarial accuracy")
    upload(at, b"\x89PNG\r\n\x1a\n\x00\x00\x00" + bytes(range(256)), "photo.png")
    msgs = errors(at)
    assert len(msgs) == 1 and "not text" in msgs[0] and "CSV" in msgs[0]
    assert "The data and model you had before are kept." in text(at)
    assert (metric(at, "clean accuracy"), metric(at, "adversarial accuracy")) == before
    upload(at, table_csv(60, classes=("one",)).encode())
    assert "single class" in errors(at)[0]
    assert (metric(at, "clean accuracy"), metric(at, "adversarial accuracy")) == before


def test_missing_values_are_counted_and_dropping_them_is_offered():
    lines = table_csv(80).splitlines()
    for i in (3, 9, 20):
        lines[i] = "," + lines[i].split(",", 1)[1]
    at = upload(new_app(src="upload").run(), ("\n".join(lines) + "\n").encode())
    assert "3 of 80 rows have empty or missing cells (in: f0)" in errors(at)[0]
    box = at.checkbox(key="pg.own_drop")
    assert box.label == "Drop the 3 rows with missing values"
    box.check().run()
    assert errors(at) == [] and "54 rows to train on, 23 to test" in text(at)


def test_a_chinese_spreadsheet_export_in_gbk_reads_in_chinese():
    csv_text = table_csv(60, classes=("猫", "狗")).replace("f0", "体重").replace("f1", "身高").replace("\n", "\r\n")
    at = upload(new_app(src="upload", lang="zh").run(), csv_text.encode("gbk"), "宠物.csv")
    assert errors(at) == []
    assert "2 个类别（狗, 猫）" in text(at) or "2 个类别（猫, 狗）" in text(at)
    assert "GBK" in text(at) and at.multiselect(key="pg.own_features").value == ["体重", "身高"]


def test_label_chosen_as_a_feature_is_refused_on_the_page():
    at = upload(new_app(src="upload").run(), table_csv(40).encode())
    at.multiselect(key="pg.own_features").set_value(["f0", "f1", "kind"]).run()
    msgs = errors(at)
    assert len(msgs) == 1 and "“kind” is the label column" in msgs[0]
    assert at.metric  # the model of the good choice is still shown


def test_a_wide_table_is_shown_in_its_principal_plane():
    at = upload(new_app(src="upload").run(), table_csv(90, d=6, classes=("a", "b", "c")).encode())
    assert errors(at) == []
    titles = [s["layout"]["xaxis"]["title"]["text"] for s in specs(at) if "xaxis" in s["layout"]]
    assert sum(t.startswith("principal component 1") for t in titles) == 2  # the data, and its attack
    assert "6 features" in text(at)


# ----------------------------------------------------------------- drawing ---

def _draw(at: AppTest, points, *, quiet: bool) -> AppTest:
    at.session_state["_own_draft.pg"] = list(points)
    at.session_state["_own_edit.pg"] = 0.0 if quiet else time.time() + 60
    return at.run()


def tagged(tr: dict, tag: str) -> bool:
    """Whether a trace is the canvas' click targets ("at") or drawn points ("pt")."""
    cd = tr.get("customdata")
    return isinstance(cd, list) and bool(cd) and isinstance(cd[0], list) and cd[0][0] == tag


def canvas(at) -> dict:
    found = [s for s in specs(at) if any(tagged(tr, "at") for tr in s["data"])]
    assert len(found) == 1
    return found[0]


def test_drawn_points_retrain_once_after_a_burst(count_training):
    at = new_app(src="draw").run()
    assert errors(at) == [] and at.metric
    assert at.query_params["pts"] == drawn.encode(drawn.EXAMPLE)
    n0 = len(count_training)
    pts = list(drawn.EXAMPLE)
    for x, y in ((0.5, 0.5), (0.7, 0.6), (0.9, 0.4)):  # a burst of clicks
        pts = drawn.add(pts, x, y, 1)
        _draw(at, pts, quiet=False)
    assert len(count_training) == n0  # still clicking: no training yet
    assert "retrains as soon as you pause" in text(at)
    _draw(at, pts, quiet=True)
    assert len(count_training) == n0 + 1 and count_training[-1] == len(pts)
    assert at.query_params["pts"] == drawn.encode(pts)
    assert "15 of at most 400 points" in text(at)


def test_a_drawn_link_draws_the_same_map_elsewhere():
    pts = drawn.add(drawn.add(list(drawn.EXAMPLE), -2.0, 2.0, 2), 2.0, -2.0, 2)
    teacher = _draw(new_app(src="draw").run(), pts, quiet=True)
    link = {k: teacher.query_params[k] for k in teacher.query_params}
    assert link["src"] == "draw" and link["pts"] == drawn.encode(pts)
    student = new_app(**link).run()
    assert errors(student) == []
    a, b = canvas(teacher), canvas(student)
    assert a["data"] == b["data"]  # the same points and the same decision map
    assert sum(1 for tr in a["data"] if tr.get("type") == "image") == 1
    assert metric(student, "clean accuracy") == metric(teacher, "clean accuracy")


@pytest.mark.parametrize("bad", ["1abc", "9" + "A" * 8, "1" + "A" * 4 * 401])
def test_a_broken_or_oversized_drawn_link_falls_back_with_a_note(bad):
    at = new_app(src="draw", pts=bad).run()
    assert errors(at) == []
    notes = [w.value for w in at.warning]
    assert any("pts=" in n and ("damaged" in n or "at most 400" in n) for n in notes), notes
    xy = [tr for tr in canvas(at)["data"] if tagged(tr, "pt")]
    assert sum(len(tr["customdata"]) for tr in xy) == len(drawn.EXAMPLE)


def test_one_class_drawn_waits_for_a_second():
    at = _draw(new_app(src="draw").run(), [(10, 10, 0), (20, 20, 0)], quiet=True)
    assert errors(at) == []
    assert any("at least two classes" in i.value for i in at.info)
    assert not at.metric  # nothing trained on a single class


def test_a_click_adds_where_it_lands_and_a_click_on_a_point_removes_it():
    from advlab.ui import owndata

    pts = list(drawn.EXAMPLE)
    added = owndata.handle_click(pts, {"selection": {"points": [{"customdata": ["at", 1.2, -0.4]}]}}, 3)
    assert added[-1] == (*drawn.snap(1.2, -0.4), 3) and len(added) == len(pts) + 1
    removed = owndata.handle_click(pts, {"selection": {"points": [{"customdata": ["pt", 0]}]}}, 3)
    assert removed == pts[1:]
    assert owndata.handle_click(pts, {"selection": {"points": []}}, 0) is None
    fig = owndata.canvas_figure(pts)
    targets = [tr for tr in fig.data if tr.customdata is not None and tr.customdata[0][0] == "at"]
    assert len(targets) == 1 and len(targets[0].x) == 61 * 61  # the whole canvas answers a click


# ------------------------------------------------------------ other pages ---

@pytest.mark.parametrize("page", ["robustness", "defenses", "transfer"])
def test_every_attack_page_takes_an_uploaded_table(page):
    at = new_app(page, src="upload").run()
    assert errors(at) == [] and not at.metric
    assert any("Upload a file" in i.value for i in at.info)
    upload(at, table_csv(80, d=3, classes=("low", "high")).encode(), "sensors.csv")
    assert errors(at) == [], page
    assert "2 classes (high, low)" in text(at) and "3 features" in text(at)
    assert at.metric and len(specs(at)) >= 1  # the page's numbers and charts, on the learner's data
    # a bad file afterwards: its message, and the page's numbers stay
    before = [m.value for m in at.metric]
    upload(at, b"a;b;c\n1;2;3\n", "semicolons.csv")
    assert any("separated by “;”" in e for e in errors(at))
    assert [m.value for m in at.metric] == before


def test_the_learners_text_is_shown_literally_never_as_markup():
    hostile = ("![a](http://example.invalid/a.png)", "<b>big</b>")
    text_csv = table_csv(60, classes=hostile).replace("f0", "[link](http://example.invalid)")
    at = upload(new_app(src="upload").run(), text_csv.encode(), "<img src=x>.csv")
    assert errors(at) == []
    shown = text(at) + "\n".join(tr.get("name", "") for s in specs(at) for tr in s["data"])
    shown += "\n".join(str(s["layout"].get("xaxis", {}).get("title", "")) for s in specs(at))
    for markup in ("](http://example.invalid", "<b>", "<img", "![a]"):
        assert markup not in shown, markup
    assert "big" in shown and "example.invalid" in shown  # the words are all there, only inert
    at.multiselect(key="pg.own_features").set_value(["[link](http://example.invalid)", "kind"]).run()
    assert all("](http" not in e and "<" not in e for e in errors(at))
