"""AppTest of the Learn page: sections and formulas render, try-it links are
relative and keep the language, the quiz gives feedback and keeps score, and
presenter mode shows one section at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from advlab import quiz
from advlab.i18n import TABLES

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "learn.py")
SECTION_KEYS = ["threat", "inner", "fgsm", "pgd", "deepfool", "cw", "advtrain", "faq_why", "faq_how", "faq_where"]
APP_PAGES = {"./", "seed-lab", "digits", "robustness", "defenses", "transfer"}  # url paths in app.py
EN, ZH = TABLES["en"], TABLES["zh"]


def run(*, lang: str = "en", present: bool = False, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["present"] = present
    for k, val in (query or {}).items():
        at.query_params[k] = val
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.fixture(scope="module")
def page() -> AppTest:
    return run()


def links(at: AppTest) -> list:
    return at.get("link_button")


def latex(at: AppTest) -> list[str]:
    return [el.proto.body for el in at.get("latex")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_every_section_renders_in_order_with_an_anchor(page):
    heads = [(h.value, h.proto.anchor) for h in page.subheader]
    titles = [EN[f"ln_{k}_title"] for k in SECTION_KEYS]
    shown = [v for v, _ in heads if v in titles]
    assert shown == titles
    anchors = {a for _, a in heads}
    assert {"ln-" + k.replace("_", "-") for k in SECTION_KEYS} <= anchors
    # the table of contents links to every section and to the quiz
    toc = " ".join(m.value for m in page.markdown)
    for k in SECTION_KEYS + ["quiz"]:
        assert f"(#ln-{k.replace('_', '-')})" in toc


def test_theory_formulas_are_typeset(page):
    tex = latex(page)
    assert len(tex) >= 14
    joined = "\n".join(tex)
    for piece in (r"\|x' - x\|_p \le \varepsilon",  # the epsilon-ball
                  r"\arg\max_{\|\delta\|_p \le \varepsilon}",  # the inner maximization
                  r"\varepsilon \cdot \operatorname{sign}\big(\nabla_x L",  # FGSM
                  r"\varepsilon \|g\|_1",  # the dual norm
                  r"\Pi_{\mathcal{B}_p(x,\varepsilon)}",  # PGD's projection
                  r"\frac{|f(x)|}{\|w\|_2}",  # DeepFool, linear case
                  r"-\kappa",  # C&W
                  r"\min_\theta"):  # adversarial training as min-max
        assert piece in joined, piece


def test_details_are_folded_and_papers_are_cited(page):
    labels = [e.proto.label for e in page.expander]
    assert EN["ln_fgsm_more_label"] in labels and EN["ln_faq_med_label"] in labels
    assert not any(e.proto.expanded for e in page.expander)
    text = " ".join(c.value for c in page.caption)
    for url in ("arxiv.org/abs/1412.6572", "arxiv.org/abs/1706.06083", "arxiv.org/abs/1511.04599",
                "arxiv.org/abs/1608.04644", "arxiv.org/abs/1707.07328", "arxiv.org/abs/1707.08945",
                "doi.org/10.1126/science.aaw4399"):
        assert url in text, url


def test_try_it_links_are_relative_with_the_settings_that_show_the_idea(page):
    urls = [b.proto.url for b in links(page)]
    assert len(urls) >= 10
    assert "./?attack=fgsm&eps=0.3&dataset=moons" in urls
    assert any(u.startswith("./?") and "attack=pgd" in u and "pgd_steps=20" in u for u in urls)
    for u in urls:
        assert "://" not in u and not u.startswith("/"), u
        assert u.split("?")[0] in APP_PAGES, u
        assert "lang=" not in u  # English is the default


def test_chinese_page_is_translated_and_links_keep_the_language():
    at = run(lang="zh")
    assert at.title[0].value == ZH["ln_title"]
    assert ZH["ln_fgsm_title"] in [h.value for h in at.subheader]
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "[ln_" not in text  # no missing translation shows as its key
    urls = [b.proto.url for b in links(at)]
    assert urls and all("lang=zh" in u for u in urls)
    assert all(b.proto.label.startswith("▶ 动手试试") for b in links(at))


def test_quiz_feedback_score_and_reset():
    at = run()
    total = len(quiz.QUESTIONS)
    assert metrics(at)[EN["ln_score"]] == f"0 / {total}"

    # pressing Check without an answer says what is missing
    at.button(key="lnq_check_ball").click().run()
    assert EN["ln_q_need_choice"] in [w.value for w in at.warning]
    assert metrics(at)[EN["ln_answered"]] == f"0 / {total}"

    # a right answer
    at.radio(key="lnq_ball").set_value(quiz.BY_ID["ball"].answer)
    at.button(key="lnq_check_ball").click().run()
    assert any(s.value.startswith(EN["ln_q_right"]) and EN["ln_q_ball_why"] in s.value for s in at.success)
    assert at.radio(key="lnq_ball").disabled  # the first answer counts

    # a wrong answer: the right one is named and the explanation points to the section
    wrong = (quiz.BY_ID["sign"].answer + 1) % 4
    at.radio(key="lnq_sign").set_value(wrong)
    at.button(key="lnq_check_sign").click().run()
    errors = [e.value for e in at.error]
    assert any(EN["ln_q_sign_o2"] in e and EN[f"ln_q_sign_o{wrong}"] in e for e in errors), errors
    infos = [i.value for i in at.info]
    assert any(EN["ln_q_sign_why"] in i and "(#ln-fgsm)" in i for i in infos)
    assert metrics(at) == {EN["ln_score"]: f"1 / {total}", EN["ln_answered"]: f"2 / {total}"}

    # a numeric answer, to two decimals
    at.number_input(key="lnq_fgsm_l2").set_value(0.45)
    at.button(key="lnq_check_fgsm_l2").click().run()
    assert metrics(at)[EN["ln_score"]] == f"2 / {total}"

    at.button(key="lnq_reset").click().run()
    assert metrics(at) == {EN["ln_score"]: f"0 / {total}", EN["ln_answered"]: f"0 / {total}"}
    assert not at.success and not [e for e in at.error]
    assert at.radio(key="lnq_ball").value is None and not at.radio(key="lnq_ball").disabled
    assert at.number_input(key="lnq_fgsm_l2").value is None


def test_presenter_shows_one_section_with_next_and_previous():
    at = run(present=True)
    titles = {EN[f"ln_{k}_title"] for k in SECTION_KEYS}

    def shown():
        return [h.value for h in at.subheader if h.value in titles]

    assert shown() == [EN["ln_threat_title"]]
    assert all(e.proto.expanded for e in at.expander)  # details open on the projector
    at.button(key="ln_next_top").click().run()
    assert shown() == [EN["ln_inner_title"]]
    at.button(key="ln_next_bottom").click().run()
    assert shown() == [EN["ln_fgsm_title"]]
    at.button(key="ln_prev_top").click().run()
    assert shown() == [EN["ln_inner_title"]]
    assert at.button(key="ln_prev_top").disabled is False

    # the last slide is the quiz, one question at a time
    at.selectbox(key="ln.section").set_value("quiz").run()
    assert shown() == [] and at.button(key="ln_next_top").disabled
    assert len(at.radio) + len(at.number_input) + len(at.checkbox) > 0
    first = [m.value for m in at.markdown if m.value.startswith("**" + EN["ln_q_label"].format(k=1, n=16))]
    assert first
    at.button(key="lnq_next_q").click().run()
    assert [m.value for m in at.markdown if m.value.startswith("**" + EN["ln_q_label"].format(k=2, n=16))]


def test_bad_section_in_the_link_gets_a_note_and_the_first_section():
    at = run(present=True, query={"section": "nonsense"})
    assert any("section=nonsense" in w.value for w in at.warning)
    assert EN["ln_threat_title"] in [h.value for h in at.subheader]
