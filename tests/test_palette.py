"""The class colours stay tellable apart for colour-blind viewers and on a
washed-out projector (checked by simulating the common colour-vision
deficiencies and measuring colour distance)."""

from itertools import combinations

import numpy as np
import pytest

from advlab.figures.common import CLASS_COLORS, MARKERS, hex_to_rgb

# Machado, Oliveira & Fernandes (2009), severity 1.0, linear-RGB matrices
CVD = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
    "normal": np.eye(3),
}


def _lin(c):
    c = np.asarray(c) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(lin_rgb):
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(lin_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _washed_out(lin_rgb, amount=0.35):
    # a projector in a lit room: everything pulled toward white
    return lin_rgb * (1 - amount) + amount


def _worst_distance(colors, vision, washed):
    labs = []
    for h in colors:
        lin = CVD[vision] @ _lin(hex_to_rgb(h))
        labs.append(_lab(_washed_out(lin) if washed else lin))
    return min(np.linalg.norm(a - b) for a, b in combinations(labs, 2))


@pytest.mark.parametrize("vision", list(CVD))
def test_five_class_colours_stay_distinct_for_colour_blind_viewers(vision):
    worst = _worst_distance(CLASS_COLORS[:5], vision, washed=False)
    # a CIE76 distance of ~10 is clearly visible side by side; ask for more on plots
    assert worst > 12, f"two class colours nearly merge for {vision}: ΔE={worst:.1f}"


@pytest.mark.parametrize("vision", list(CVD))
def test_two_class_colours_survive_a_washed_out_projector(vision):
    worst = _worst_distance(CLASS_COLORS[:2], vision, washed=True)
    assert worst > 25, f"class 0 and 1 merge on a washed-out projector for {vision}: ΔE={worst:.1f}"


def test_classes_also_differ_by_marker_shape():
    """Colour is never the only cue: with many classes on a pale projector the
    marker shape still tells them apart."""
    assert len(set(MARKERS[:5])) == 5


def test_a_palette_that_fails_is_caught():
    """The check is not vacuous: classic red/green fails it for deuteranopes."""
    labs = [_lab(CVD["deuteranopia"] @ _lin(hex_to_rgb(h))) for h in ("#d62728", "#2ca02c")]
    assert np.linalg.norm(labs[0] - labs[1]) < 12
