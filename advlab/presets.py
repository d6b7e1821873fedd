"""Named lesson presets: a page and the settings that make one point in class.

A presenter picks one from the sidebar menu or links to it directly with
``?preset=<key>``; each is also an ordinary shareable URL (:func:`url`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Preset:
    key: str
    page: str  # url path of the page
    params: dict  # the page's query fields


PRESETS: dict[str, Preset] = {p.key: p for p in [
    Preset("fgsm-moons", "playground",
           {"dataset": "moons", "noise": "0.2", "attack": "fgsm", "eps": "0.2", "norm": "linf", "seed": "0"}),
    Preset("pgd-path", "playground",
           {"dataset": "circles", "noise": "0.1", "attack": "pgd", "eps": "0.3", "pgd_steps": "20", "point": "3"}),
    Preset("deepfool-minimal", "playground", {"dataset": "spiral", "noise": "0.1", "layers": "3", "width": "64",
                                              "epochs": "300", "attack": "deepfool"}),
    Preset("noise-vs-pgd", "robustness", {"dataset": "blog", "a_fgsm": "0", "a_bim": "0", "a_mim": "0"}),
    Preset("pgd-beats-fgsm", "robustness", {"dataset": "blog", "a_noise": "0", "a_bim": "0", "a_mim": "0"}),
    Preset("blog-finished", "seed-lab", {"attack": "fgsm", "eps": "0.1"}),
    Preset("digits-that-fool", "digits", {"attack": "pgd", "eps": "0.1", "gfooled": "1"}),
    Preset("adv-training-tradeoff", "defenses", {"dataset": "moons", "method": "pgd", "sweep": "1"}),
    Preset("transfer-forest", "transfer", {"dataset": "blog", "attack": "pgd", "targets": "0-4"}),
    Preset("text-typos", "text-lab", {"attack": "typo", "budget": "2", "text": "A clever and touching movie about a small family."}),
]}


DEFAULT_PAGE = "playground"  # served at the app's root


def url(key: str, lang: str = "en") -> str:
    """A relative link that opens the preset."""
    p = PRESETS[key]
    q = dict(p.params)
    if lang != "en":
        q["lang"] = lang
    path = "/" if p.page == DEFAULT_PAGE else f"/{p.page}"
    return path + (f"?{urlencode(q)}" if q else "")
