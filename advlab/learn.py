"""The Learn page's lesson as data: its sections in order, and the content
that reads the same in every language (formulas, the papers each section
cites, its "try it" links), read from ``advlab/locales/learn.toml`` once per
process and shared read-only.

The prose lives beside it as Markdown (``advlab/locales/<lang>/learn/``), the
titles and labels in the language catalogues; the quiz is :mod:`advlab.quiz`.
Importable without streamlit.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlencode

from .i18n import LOCALES

__all__ = ["FAQ", "SECTIONS", "THEORY", "TryLink", "anchor", "formula", "page_name", "papers", "step", "try_links",
           "try_url"]

THEORY = ("threat", "inner", "fgsm", "pgd", "deepfool", "cw", "advtrain", "attackers")
FAQ = ("faq_why", "faq_how", "faq_where")
SECTIONS = THEORY + FAQ + ("quiz",)  # in reading order; one slide each on a projector

PATH = LOCALES / "learn.toml"


@dataclass(frozen=True)
class TryLink:
    """A "try it" link: the app page it opens (``page``, a name of the
    content's ``[pages]`` table), the settings it opens it with, and the
    message key saying what it shows."""

    page: str
    params: Mapping[str, str]
    text: str


@functools.cache
def _content() -> Mapping:
    with PATH.open("rb") as f:
        data = tomllib.load(f)
    links = {key: tuple(TryLink(x["page"], MappingProxyType(dict(x["params"])), x["text"]) for x in rows)
             for key, rows in data["try"].items()}
    unknown = sorted({link.page for rows in links.values() for link in rows} - set(data["pages"]))
    if unknown:
        raise RuntimeError(f"{PATH.name}: links to pages missing from [pages]: {unknown}")
    return MappingProxyType({
        "tex": MappingProxyType(data["tex"]),
        "papers": MappingProxyType({key: tuple(map(tuple, rows)) for key, rows in data["papers"].items()}),
        "try": MappingProxyType(links),
        "pages": MappingProxyType({name: MappingProxyType(p) for name, p in data["pages"].items()}),
    })


def formula(name: str) -> str:
    """The TeX of the formula ``name``."""
    try:
        return _content()["tex"][name]
    except KeyError:
        raise KeyError(f"unknown formula {name!r}; known: {', '.join(_content()['tex'])}") from None


def papers(section: str) -> tuple[tuple[str, str], ...]:
    """``(label, address)`` of each paper ``section`` cites (none: empty)."""
    return _content()["papers"].get(section, ())


def try_links(section: str) -> tuple[TryLink, ...]:
    """The "try it" links of ``section`` (none: empty)."""
    return _content()["try"].get(section, ())


def page_name(page: str) -> str:
    """The message key of an app page's name."""
    return _content()["pages"][page]["name"]


def try_url(link: TryLink, *, lang: str = "en", presenter: bool = False) -> str:
    """A relative address of ``link``'s page with its settings, keeping the
    reader's language and presenter mode (the defaults stay out of it)."""
    q = dict(link.params)
    if lang != "en":
        q["lang"] = lang
    if presenter:
        q["present"] = "1"
    path = _content()["pages"][link.page]["path"]
    return path + (f"?{urlencode(q)}" if q else "")


def anchor(section: str) -> str:
    """The in-page anchor of ``section`` (``faq_why`` -> ``ln-faq-why``)."""
    return "ln-" + section.replace("_", "-")


def step(section: str, delta: int) -> str:
    """The section ``delta`` slides after ``section``, stopping at either end."""
    i = SECTIONS.index(section) + delta
    return SECTIONS[min(len(SECTIONS) - 1, max(0, i))]
