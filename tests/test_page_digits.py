"""The Digits page, run headless: a trained network worth attacking, one
image up close with its probabilities, a gallery, images that stay images,
and clear messages for targets that make no sense."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "digits.py")


def _metric(at, label: str) -> float:
    return float(next(m.value for m in at.metric if m.label == label).rstrip("%"))


def _figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _array(v) -> np.ndarray:
    """A figure array from its JSON: plain nested lists or plotly's typed base64 form."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.reshape([int(n) for n in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.array(v, float)


@pytest.fixture(scope="module")
def page():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    return at


def test_default_page_trains_a_good_network_and_draws_images(page):
    at = page
    assert not at.exception and not at.error
    assert _metric(at, "clean accuracy") >= 95.0
    figs = _figures(at)
    assert len(figs) == 3  # original/perturbation/adversarial, probabilities, gallery
    views, bars, gallery = figs
    titles = [a["text"] for a in views["layout"]["annotations"]]
    assert titles[0].startswith("original: ") and titles[2].startswith("adversarial: ")
    assert "%" in titles[0] and "%" in titles[2], "each image shows the network's confidence"
    imgs = [tr for tr in views["data"] if tr["type"] == "heatmap"]
    for img in (imgs[0], imgs[2]):
        z = _array(img["z"])
        assert z.shape == (8, 8) and z.min() >= 0 and z.max() <= 1
    assert imgs[1]["zmid"] == 0
    assert len(bars["data"]) == 2 and len(bars["data"][0]["x"]) == 10
    assert len(gallery["data"]) == 16


def test_gallery_stays_in_pixel_range_at_a_large_epsilon(page):
    at = page
    at.slider(key="dg.eps").set_value(0.5).run()
    assert not at.exception
    gallery = _figures(at)[2]
    z = np.array([_array(tr["z"]) for tr in gallery["data"]], float)
    assert z.min() >= 0 and z.max() <= 1
    assert len(gallery["layout"].get("shapes", [])) >= 8, "at 0.5 most images are fooled and framed"
    at.slider(key="dg.eps").set_value(0.1).run()


def test_epsilon_moves_accuracy_down(page):
    at = page
    low = _metric(at, "accuracy under attack")
    at.slider(key="dg.eps").set_value(0.2).run()
    assert not at.exception
    assert _metric(at, "accuracy under attack") < low
    at.slider(key="dg.eps").set_value(0.1).run()


def test_picking_an_image_shows_it(page):
    at = page
    at.number_input(key="dg.image").set_value(7).run()
    assert not at.exception
    assert any("Image #7" in m.value for m in [*at.markdown, *at.info])
    # or pick one from the gallery
    at.pills(key="dg_pick").set_value(5).run()
    assert not at.exception
    assert at.number_input(key="dg.image").value == 5
    assert any("Image #5" in m.value for m in [*at.markdown, *at.info])


def test_target_equal_to_the_true_class_gets_a_message(page):
    at = page
    at.number_input(key="dg.image").set_value(0).run()
    at.toggle(key="dg.targeted").set_value(True).run()
    # read the true class from the bar chart's tag
    ann = next(a for a in _figures(at)[1]["layout"]["annotations"] if "true" in a["text"])
    true = int(ann["x"])
    at.selectbox(key="dg.target").set_value(true).run()
    assert not at.exception and not at.error
    assert any(f"already is a {true}" in w.value for w in at.warning)
    other = (true + 1) % 10
    at.selectbox(key="dg.target").set_value(other).run()
    assert not at.exception
    assert not any("already is" in w.value for w in at.warning)
    assert any(m.label == "sent to the target" for m in at.metric)
    at.toggle(key="dg.targeted").set_value(False).run()


def test_only_fooled_gallery_and_other_attacks(page):
    at = page
    at.toggle(key="dg.gfooled").set_value(True).run()
    assert not at.exception
    gallery = _figures(at)[2]
    assert len(gallery["layout"]["shapes"]) == len(gallery["data"]) > 0
    at.selectbox(key="dg.attack").set_value("deepfool").run()
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 3
    at.selectbox(key="dg.attack").set_value("fgsm").run()
    at.toggle(key="dg.gfooled").set_value(False).run()


def test_bad_link_values_get_a_message_not_a_traceback():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["image"] = "5000"
    at.query_params["eps"] = "-1"
    at.query_params["target"] = "12"
    at.run()
    assert not at.exception and not at.error
    warnings = " ".join(w.value for w in at.warning)
    assert "image=5000" in warnings and "eps=-1" in warnings and "target=12" in warnings
    assert len(at.get("plotly_chart")) == 3
