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
SECTION_KEYS = ["threat", "inner", "fgsm", "pgd", "deepfool", "cw", "advtrain", "attackers", "faq_why", "faq_how",
                "faq_where"]
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
    """The formulas, without the ``$$`` that st.latex wraps them in."""
    return [el.proto.body.strip().removeprefix("$$").removesuffix("$$").strip() for el in at.get("latex")]


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
    assert len(tex) >= 17
    joined = "\n".join(tex)
    for piece in (r"\|x' - x\|_p \le \varepsilon",  # the epsilon-ball
                  r"\arg\max_{\|\delta\|_p \le \varepsilon}",  # the inner maximization
                  r"\varepsilon \cdot \operatorname{sign}\big(\nabla_x L",  # FGSM
                  r"\varepsilon \|g\|_1",  # the dual norm
                  r"L_\infty\colon\quad x^{t+1} = \operatorname{clip}_{[0,1]^d}\Big(\Pi_{\mathcal{B}_\infty(x,\varepsilon)}",
                  r"L_2\colon\quad x^{t+1} = \operatorname{clip}_{[0,1]^d}\Big(\Pi_{\mathcal{B}_2(x,\varepsilon)}",
                  r"\delta^0 \sim \mathcal{U}\big(\mathcal{B}_2(0, \varepsilon)\big)",  # PGD: L-inf and L2, clipped
                  r"\|\nabla_x L(\theta, x^t, y)\|_1}",  # MI-FGSM's normalized gradient
                  r"\operatorname{KL}\big(f_\theta(x)",  # TRADES
                  r"\frac{|f(x)|}{\|w\|_2}",  # DeepFool, linear case
                  r"-\kappa",  # C&W
                  r"\min_\theta"):  # adversarial training as min-max
        assert piece in joined, piece


def test_the_sign_step_is_labelled_linf_and_never_shown_for_a_general_norm(page):
    for body in latex(page):
        if r"\operatorname{sign}" in body and "x^{t+1}" in body and "g^{t+1}" not in body:
            assert body.startswith(r"L_\infty\colon"), body


@pytest.fixture(scope="module")
def katex_js() -> Path:
    """Streamlit's own KaTeX bundle (what the browser uses for st.latex), run by Node."""
    import shutil

    import streamlit

    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    found = sorted((Path(streamlit.__file__).parent / "static").rglob("katex.*.js"))
    if not found:
        pytest.skip("no KaTeX bundle in this Streamlit")
    return found[0]


def test_every_formula_typesets_without_a_katex_error(page, katex_js, tmp_path):
    import json
    import subprocess

    script = tmp_path / "check.mjs"
    script.write_text(
        "import { readFileSync } from 'node:fs';\n"
        "const katex = (await import(process.argv[2])).default;\n"
        "const bad = {};\n"
        "for (const tex of JSON.parse(readFileSync(process.argv[3], 'utf8'))) {\n"
        "  try { katex.renderToString(tex, { displayMode: true, throwOnError: true }); }\n"
        "  catch (e) { bad[tex] = String(e.message); }\n"
        "}\n"
        "console.log(JSON.stringify(bad));\n")
    formulas = tmp_path / "tex.json"
    broken = r"\frac{1}{"  # proves that the check can fail
    formulas.write_text(json.dumps([*latex(page), broken]))
    out = subprocess.run(["node", str(script), katex_js.as_uri(), str(formulas)], capture_output=True, text=True,
                         timeout=60, check=True)
    bad = json.loads(out.stdout)
    assert set(bad) == {broken}, bad


def test_details_are_folded_and_papers_are_cited(page):
    labels = [e.proto.label for e in page.expander]
    assert EN["ln_fgsm_more_label"] in labels and EN["ln_faq_med_label"] in labels
    assert not any(e.proto.expanded for e in page.expander)
    text = " ".join(c.value for c in page.caption)
    for url in ("arxiv.org/abs/1412.6572", "arxiv.org/abs/1706.06083", "arxiv.org/abs/1511.04599",
                "arxiv.org/abs/1608.04644", "arxiv.org/abs/1707.07328", "arxiv.org/abs/1707.08945",
                "doi.org/10.1126/science.aaw4399",
                "arxiv.org/abs/2003.01690", "arxiv.org/abs/2010.09670",  # AutoAttack, RobustBench
                "arxiv.org/abs/1710.06081",  # MI-FGSM
                "arxiv.org/abs/1901.08573", "arxiv.org/abs/1810.12715", "arxiv.org/abs/1902.02918",  # TRADES, IBP, smoothing
                "arxiv.org/abs/1511.07528", "arxiv.org/abs/1710.08864"):  # sparse attacks
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


def test_the_l2_link_changes_only_the_norm(page):
    """The threat model's second link shows the same thing measured in L2, nothing else."""
    from urllib.parse import parse_qs, urlsplit

    urls = [b.proto.url for b in links(page)][:2]
    linf, l2 = (parse_qs(urlsplit(u).query) for u in urls)
    assert l2.pop("norm") == ["l2"] and linf.pop("norm", ["linf"]) == ["linf"]
    assert linf == l2


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
    first = [m.value for m in at.markdown if m.value.startswith("**" + EN["ln_q_label"].format(k=1, n=len(quiz.QUESTIONS)))]
    assert first
    at.button(key="lnq_next_q").click().run()
    assert [m.value for m in at.markdown if m.value.startswith("**" + EN["ln_q_label"].format(k=2, n=len(quiz.QUESTIONS)))]


def test_bad_section_in_the_link_gets_a_note_and_the_first_section():
    at = run(present=True, query={"section": "nonsense"})
    assert any("section=nonsense" in w.value for w in at.warning)
    assert EN["ln_threat_title"] in [h.value for h in at.subheader]


def test_the_five_attackers_have_their_objectives_papers_and_links(page):
    joined = "\n".join(latex(page))
    for piece in (r"\Pi_{\mathcal{B}_p(0, \varepsilon)}\big(\delta + \alpha\, \nabla_x L",  # white-box: gradients
                  r"m(x') = Z_y(x') - \max_{j \ne y} Z_j(x')",  # scores: the margin, kept when it falls
                  r"\min_{\delta:\; \phi(x + \delta) = +1} \|\delta\|_2",  # labels: the boundary's side only
                  r"\widehat{\nabla \phi}(x_t)",  # the normal estimated from labels
                  r"\min_G \max_D",  # the generator against a discriminator
                  r"\Pr_{x \sim \mu}\big(f(x + v) \ne f(x)\big) \ge 1 - \delta"):  # one v fools most inputs
        assert piece in joined, piece
    lead = next(m.value for m in page.markdown if m.value.startswith("Every attack in sections 3 to 6"))
    assert lead.count("\n|") >= 6, "a table: the five attackers, what each knows and asks"
    refs = " ".join(c.value for c in page.caption)
    for url in ("arxiv.org/abs/1912.00049", "arxiv.org/abs/1904.02144", "arxiv.org/abs/1801.02610",
                "arxiv.org/abs/1610.08401"):  # Square, HopSkipJump, AdvGAN, universal
        assert url in refs, url
    urls = [b.proto.url for b in links(page)]
    for u in ("./?dataset=moons&attack=square&eps=0.3", "./?dataset=moons&attack=hopskipjump",
              "digits?threat=advgan", "robustness?bb=1"):
        assert u in urls, u


def test_the_attackers_section_is_a_slide_with_its_details_open():
    at = run(present=True, query={"section": "attackers"})
    heads = [h.value for h in at.subheader]
    assert EN["ln_attackers_title"] in heads and EN["ln_advtrain_title"] not in heads
    labels = {e.proto.label: e.proto.expanded for e in at.expander}
    assert labels.get(EN["ln_attackers_more_label"]) is True
    assert len(latex(at)) == 5


def test_a_wrong_answer_about_attackers_points_to_their_section():
    at = run()
    at.radio(key="lnq_knows").set_value(1)  # the Square attack needs scores, not only labels
    at.button(key="lnq_check_knows").click().run()
    assert any(EN["ln_q_knows_o2"] in e.value for e in at.error)
    assert any(EN["ln_q_knows_why"] in i.value and "(#ln-attackers)" in i.value for i in at.info)
    at.number_input(key="lnq_pgd_calls").set_value(81)
    at.button(key="lnq_check_pgd_calls").click().run()
    assert any(s.value.startswith(EN["ln_q_right"]) and "81 in all" in s.value for s in at.success)
