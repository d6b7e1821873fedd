"""Both languages are complete: the same keys, the same placeholders, no empty or
untranslated strings, and every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from advlab import data, i18n
from advlab.attacks import ATTACKS, KNOWS
from advlab.i18n import LANGS, TABLES, t

ROOT = Path(__file__).resolve().parents[1]
EN, ZH = TABLES["en"], TABLES["zh"]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese strings allowed without Chinese characters beyond names and formulas (see
# test_chinese_strings_are_chinese); none needed so far.
NOT_TRANSLATED_ON_PURPOSE: set[str] = set()
# f-string keys: the values each dynamic part takes
DYNAMIC = {
    "attack_": tuple(ATTACKS),
    "norm_": ("linf", "l2"),
    "ds_": data.ALL,
    "param_": tuple({p.name for spec in ATTACKS.values() for p in spec.params}),
    "knows_": KNOWS,
}
LITERAL = re.compile(r"\b(?:tr|t)\(\s*\"([A-Za-z0-9_.-]+)\"")
FSTRING = re.compile(r"\b(?:tr|t)\(\s*f\"([^\"]*)\"")


def placeholders(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def sources() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "advlab").rglob("*.py"))]
    return [f for f in files if f.is_file() and "i18n" not in f.parts]


def used_literal_keys() -> dict[str, str]:
    found = {}
    for f in sources():
        for m in LITERAL.finditer(f.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), str(f.relative_to(ROOT)))
    return found


def used_dynamic_keys() -> list[tuple[str, str, str]]:
    """(prefix, suffix, file) of each ``tr(f"prefix{...}suffix")``."""
    found = []
    for f in sources():
        for m in FSTRING.finditer(f.read_text(encoding="utf-8")):
            body = m.group(1)
            prefix, suffix = body.split("{", 1)[0], body.rsplit("}", 1)[-1]
            found.append((prefix, suffix, str(f.relative_to(ROOT))))
    return found


def test_both_languages_have_the_same_keys():
    assert set(LANGS) == {"en", "zh"}
    assert sorted(set(EN) - set(ZH)) == [], "missing in Chinese"
    assert sorted(set(ZH) - set(EN)) == [], "missing in English"


def test_same_placeholders_in_both_languages():
    bad = {k: (placeholders(EN[k]), placeholders(ZH[k])) for k in EN if k in ZH
           and placeholders(EN[k]) != placeholders(ZH[k])}
    assert bad == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_string_formats_with_its_placeholders(lang):
    failed = {}
    for k, s in TABLES[lang].items():
        names = placeholders(s)
        if not names:
            continue
        # numbers satisfy every format spec used ({x:.3f}, {p:.1%}, {n:d}) and print as text too
        try:
            out = t(k, lang, **{n: 1 for n in names})
        except (ValueError, KeyError, IndexError) as e:  # a stray brace or a positional field
            failed[k] = repr(e)
            continue
        assert f"[{k}]" not in out
    assert failed == {}


def test_no_empty_strings():
    for lang in LANGS:
        empty = [k for k, v in TABLES[lang].items() if not v.strip()]
        assert empty == [], f"empty {lang} strings"


def _looks_like_prose(s: str) -> bool:
    """English words in a string (not names like "PGD", "DeepFool", "k-NN" or formulas)."""
    bare = re.sub(r"\{[^{}]*\}", " ", s)  # placeholders
    return re.search(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z])", bare) is not None


def test_chinese_strings_are_chinese():
    untranslated = {k: v for k, v in ZH.items()
                    if not CJK.search(v) and k not in NOT_TRANSLATED_ON_PURPOSE and _looks_like_prose(v)}
    assert untranslated == {}


def test_chinese_differs_from_english_where_it_is_prose():
    same = {k: v for k, v in ZH.items() if v == EN[k] and _looks_like_prose(v) and k not in NOT_TRANSLATED_ON_PURPOSE}
    assert same == {}


def test_every_literal_key_used_in_the_code_exists():
    used = used_literal_keys()
    assert len(used) > 50, "the scan found too few keys: has the tr()/t() call style changed?"
    missing = {k: f for k, f in used.items() if k not in EN}
    assert missing == {}


def test_every_dynamic_key_used_in_the_code_exists():
    dyn = used_dynamic_keys()
    assert any(p == "attack_" for p, _, _ in dyn)
    missing = []
    for prefix, suffix, f in dyn:
        if prefix in DYNAMIC and not suffix:
            missing += [(f, prefix + v) for v in DYNAMIC[prefix] if prefix + v not in EN]
        elif not any(k.startswith(prefix) and k.endswith(suffix) for k in EN):
            missing.append((f, f"{prefix}…{suffix}"))
    assert missing == []


def test_registry_and_datasets_have_names_in_both_languages():
    for prefix, values in DYNAMIC.items():
        for v in values:
            for lang in LANGS:
                assert prefix + v in TABLES[lang], f"{lang}: {prefix + v}"


def test_presets_have_names_in_both_languages():
    presets = pytest.importorskip("advlab.presets")
    for key in presets.PRESETS:
        for lang in LANGS:
            assert f"preset_{key}" in TABLES[lang], f"{lang}: preset_{key}"


def test_missing_key_shows_itself_and_unknown_language_falls_back():
    assert t("no_such_key_anywhere") == "[no_such_key_anywhere]"
    assert t("pg_title", "xx") == EN["pg_title"]
    assert t("pg_title", "zh") == ZH["pg_title"] != EN["pg_title"]


URL = re.compile(r"https?://[^\s)\]]+")
# what a translation must carry over unchanged: links, anchors, inline code and maths, list and paragraph structure
STRUCTURE = {
    "links": lambda s: sorted(URL.findall(s)),
    "anchors": lambda s: sorted(re.findall(r"\]\(#[^)]+\)", s)),
    "inline code": lambda s: sorted(re.findall(r"`[^`]+`", s)),
    "inline maths": lambda s: s.count("$"),
    "list items": lambda s: len(re.findall(r"(?m)^\s*(?:- |\d+\. )", s)),
    "paragraphs": lambda s: s.count("\n\n"),
}


@pytest.mark.parametrize("what", STRUCTURE)
def test_both_languages_have_the_same_structure(what):
    f = STRUCTURE[what]
    bad = {k: (f(EN[k]), f(ZH[k])) for k in EN if k in ZH and f(EN[k]) != f(ZH[k])}
    assert bad == {}


# one term per idea in Chinese: the left-hand words were used on some pages for what the others call the right-hand ones
ZH_TERMS = {
    "有目标": "定向", "无目标": "非定向",  # targeted / untargeted attack
    "双月数据": "双月牙",  # the two-moons dataset (its name in the dataset menu)
    "越界系数": "过冲系数",  # DeepFool's overshoot
    "把握": "置信度",  # a model's confidence
    r"(?<![A-Za-z])P（": "P(",  # probabilities use half-width brackets, as in formulas
}


@pytest.mark.parametrize("avoid", ZH_TERMS)
def test_chinese_uses_one_term_per_idea(avoid):
    used = sorted(k for k, v in ZH.items() if re.search(avoid, v))
    assert used == [], f"use {ZH_TERMS[avoid]!r} instead of {avoid!r}"


# ------------------------------------------------------------ catalogues ---

def test_strings_are_data_files_inside_the_package():
    """One TOML catalogue per language and the lessons as Markdown, next to the code that reads them (the
    app runs from its folder and the image copies advlab/ whole), and no Python string tables left."""
    locales = ROOT / "advlab" / "locales"
    for lang in LANGS:
        assert (locales / f"{lang}.toml").is_file()
        assert sorted(p.name for p in (locales / lang / "learn").glob("*.md"))
    assert sorted(p.name for p in (ROOT / "advlab" / "i18n").glob("*.py")) == ["__init__.py"]
    assert i18n.LOCALES == locales


def test_every_lesson_block_is_a_markdown_file_in_both_languages():
    page = (ROOT / "pages" / "learn.py").read_text(encoding="utf-8")
    blocks = set(re.findall(r'\("md", "ln_([a-z0-9_]+)"\)', page))
    assert len(blocks) > 30
    for lang in LANGS:
        files = {p.stem for p in (ROOT / "advlab" / "locales" / lang / "learn").glob("*.md")}
        assert blocks <= files, f"{lang}: {sorted(blocks - files)}"
        assert files - blocks <= {"faq_intro"}, f"{lang}: lessons no page shows: {sorted(files - blocks - {'faq_intro'})}"


def test_markdown_lessons_read_without_their_final_line_break():
    for lang in LANGS:
        for p in (ROOT / "advlab" / "locales" / lang / "learn").glob("*.md"):
            text = TABLES[lang]["ln_" + p.stem]
            assert text == p.read_text(encoding="utf-8").removesuffix("\n")
            assert text and not text.endswith("\n")


def test_catalogues_are_read_once_and_shared_read_only():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(lambda _: i18n.table("zh"), range(32)))
    assert all(s is seen[0] for s in seen)
    assert i18n.table("zh") is TABLES["zh"] is seen[0]
    with pytest.raises(TypeError):
        TABLES["en"]["pg_title"] = "changed by one session for all"  # type: ignore[index]
    with pytest.raises(KeyError, match="unknown language"):
        i18n.table("xx")


def test_a_key_in_both_a_catalogue_and_a_lesson_file_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "en" / "learn").mkdir(parents=True)
    (tmp_path / "en.toml").write_text('ln_dup = "in the catalogue"\nother = """\nline one \\\nand on"""\n',
                                      encoding="utf-8")
    (tmp_path / "en" / "learn" / "dup.md").write_text("in a file\n", encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    with pytest.raises(RuntimeError, match="ln_dup is defined twice"):
        i18n._read("en")
    (tmp_path / "en" / "learn" / "dup.md").unlink()
    got = i18n._read("en")
    assert got == {"ln_dup": "in the catalogue", "other": "line one and on"}  # a line-ending backslash joins lines


def test_a_feature_catalogue_is_merged_and_may_not_redefine_a_key(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en.toml").write_text('title = "advlab"\n', encoding="utf-8")
    (tmp_path / "en" / "text.toml").write_text('tx_title = "Text lab"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    assert i18n._read("en") == {"title": "advlab", "tx_title": "Text lab"}
    (tmp_path / "en" / "class.toml").write_text('title = "a second title"\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"class.toml defines keys already defined elsewhere: \['title'\]"):
        i18n._read("en")


def test_the_container_image_ships_the_catalogues():
    dockerfile, ignore = ROOT / "Dockerfile", ROOT / ".dockerignore"
    if not dockerfile.is_file():
        pytest.skip("no Dockerfile")
    assert re.search(r"(?m)^COPY advlab/ advlab/\s*$", dockerfile.read_text(encoding="utf-8"))
    import fnmatch

    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.is_file() else []
    patterns = [p.strip() for p in lines if p.strip() and not p.startswith("#")]
    for lang in LANGS:
        for path in (f"advlab/locales/{lang}.toml", f"advlab/locales/{lang}/learn/threat_lead.md"):
            parts = path.split("/")
            prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
            hit = [p for p in patterns if not p.startswith("!") and any(
                fnmatch.fnmatch(x, p.removeprefix("**/")) or fnmatch.fnmatch(x, p) for x in prefixes)]
            assert hit == [], f"{path} excluded from the image by {hit}"


def _language_page():
    import streamlit as st

    from advlab import ui

    before = ui.tr("pg_title")  # asked before the link is read
    ui.init_globals()
    ui.global_controls()
    st.markdown(f"{before}|{ui.tr('pg_title')}|{ui.presenter()}")


def test_the_language_read_once_a_run_follows_the_link_and_every_switch():
    """A link in Chinese is Chinese from the first run (even text asked for before the link
    is read), and switching the language or presenter mode in the sidebar shows at once."""
    from streamlit.testing.v1 import AppTest

    from advlab.i18n import t

    at = AppTest.from_function(_language_page, default_timeout=60)
    at.query_params["lang"] = "zh"
    at.run()
    en, zh = t("pg_title", "en"), t("pg_title", "zh")
    assert at.markdown[-1].value == f"{en}|{zh}|False"
    at.selectbox(key="lang").set_value("en")
    at.toggle(key="present").set_value(True)
    at.run()
    assert at.markdown[-1].value == f"{en}|{en}|True"
    at.selectbox(key="lang").set_value("zh")
    at.run()
    assert at.markdown[-1].value == f"{zh}|{zh}|True"
