"""Learn: the theory in order, the blog's FAQ answered with papers, and a quiz.

Normal mode shows every section (core idea on top, details in expanders) under
a table of contents; presenter mode shows one section at a time with
previous/next buttons and arrow-key shortcuts.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from advlab import quiz, ui
from advlab.state import Field, PageState

THEORY = ("threat", "inner", "fgsm", "pgd", "deepfool", "cw", "advtrain")
FAQ = ("faq_why", "faq_how", "faq_where")
SECTIONS = THEORY + FAQ + ("quiz",)
N_Q = len(quiz.QUESTIONS)

STATE = PageState("ln", [
    Field("section", "threat", "choice", choices=SECTIONS),  # presenter mode: the section on screen
    Field("q", 1, "int", 1, N_Q),  # presenter mode: the quiz question on screen
])

# ------------------------------------------------------------- formulas ---
# Shared by both languages; the surrounding text says what each symbol is.

TEX_BALL = (r"\mathcal{B}_p(x,\varepsilon) = \{\, x' : \|x' - x\|_p \le \varepsilon \,\}, \qquad "
            r"x' \in \mathcal{B}_p(x,\varepsilon),\;\; f_\theta(x') \ne y")
TEX_NORMS = (r"\|\delta\|_\infty = \max_i |\delta_i|, \qquad \|\delta\|_2 = \Big(\sum_i \delta_i^2\Big)^{1/2}, \qquad "
             r"\|\delta\|_\infty \le \|\delta\|_2 \le \sqrt{d}\,\|\delta\|_\infty")
TEX_INNER = r"\delta^\star = \arg\max_{\|\delta\|_p \le \varepsilon} \; L(\theta,\, x + \delta,\, y)"
TEX_BOUND = (r"\Pr_{(x,y)}\Big[\, f_\theta(x + \delta) = y \;\; \forall\, \|\delta\|_p \le \varepsilon \,\Big] \;\le\; "
             r"\Pr_{(x,y)}\Big[\, f_\theta(x + \delta_{\text{attack}}) = y \,\Big]")
TEX_FGSM = r"x' = x + \varepsilon \cdot \operatorname{sign}\big(\nabla_x L(\theta, x, y)\big)"
TEX_LINEAR = (r"w^\top (x + \eta) = w^\top x + \varepsilon\, w^\top \operatorname{sign}(w) = w^\top x + \varepsilon \|w\|_1 "
              r"\approx w^\top x + \varepsilon\, m\, n")
TEX_DUAL = (r"\max_{\|\delta\|_\infty \le \varepsilon} g^\top \delta = \varepsilon \|g\|_1 \;\; "
            r"\big(\delta = \varepsilon \operatorname{sign}(g)\big), \qquad "
            r"\max_{\|\delta\|_2 \le \varepsilon} g^\top \delta = \varepsilon \|g\|_2 \;\; "
            r"\Big(\delta = \varepsilon \tfrac{g}{\|g\|_2}\Big)")
TEX_PGD = (r"L_\infty\colon\quad x^{t+1} = \operatorname{clip}_{[0,1]^d}\Big(\Pi_{\mathcal{B}_\infty(x,\varepsilon)}"
           r"\big(x^t + \alpha \cdot \operatorname{sign}(\nabla_x L(\theta, x^t, y))\big)\Big), \qquad "
           r"x^0 = x + \mathcal{U}(-\varepsilon, \varepsilon)^d")
TEX_PGD_L2 = (r"L_2\colon\quad x^{t+1} = \operatorname{clip}_{[0,1]^d}\Big(\Pi_{\mathcal{B}_2(x,\varepsilon)}"
              r"\Big(x^t + \alpha\, \frac{g^t}{\|g^t\|_2}\Big)\Big), \quad g^t = \nabla_x L(\theta, x^t, y), \qquad "
              r"x^0 = x + \delta^0,\;\; \delta^0 \sim \mathcal{U}\big(\mathcal{B}_2(0, \varepsilon)\big)")
TEX_MIM = (r"g^{t+1} = \mu\, g^t + \frac{\nabla_x L(\theta, x^t, y)}{\|\nabla_x L(\theta, x^t, y)\|_1}, \qquad "
           r"x^{t+1} = \operatorname{clip}_{x,\varepsilon}\big(x^t + \alpha \cdot \operatorname{sign}(g^{t+1})\big), "
           r"\qquad g^0 = 0")
TEX_PROJ = (r"\Pi_\infty(x') = \operatorname{clip}(x',\, x - \varepsilon,\, x + \varepsilon), \qquad "
            r"\Pi_2(x') = x + (x' - x) \cdot \min\Big(1,\, \frac{\varepsilon}{\|x' - x\|_2}\Big)")
TEX_DF = r"r^\star = -\frac{f(x)}{\|w\|_2^2}\, w, \qquad \|r^\star\|_2 = \frac{|f(x)|}{\|w\|_2}"
TEX_DF_ITER = (r"r_i = -\frac{f(x_i)}{\|\nabla f(x_i)\|_2^2}\, \nabla f(x_i), \qquad x_{i+1} = x_i + r_i")
TEX_DF_MULTI = (r"\hat l = \arg\min_{k \ne \hat k} \frac{|f_k(x_i) - f_{\hat k}(x_i)|}"
                r"{\|\nabla f_k(x_i) - \nabla f_{\hat k}(x_i)\|_2}, \qquad "
                r"r_i = \frac{|f_{\hat l}(x_i) - f_{\hat k}(x_i)|}{\|w_{\hat l}\|_2^2}\, w_{\hat l}, \quad "
                r"w_{\hat l} = \nabla f_{\hat l}(x_i) - \nabla f_{\hat k}(x_i)")
TEX_CW = (r"\min_\delta \; \|\delta\|_2^2 + c \cdot g(x + \delta), \qquad "
          r"g(x') = \max\Big(\max_{i \ne t} Z(x')_i - Z(x')_t,\; -\kappa\Big)")
TEX_CW_BOX = r"x + \delta = \tfrac{1}{2}\big(\tanh(w) + 1\big) \in [0, 1]^d"
TEX_MINMAX = (r"\min_\theta \; \mathbb{E}_{(x,y) \sim \mathcal{D}} "
              r"\Big[\max_{\|\delta\|_p \le \varepsilon} L(\theta,\, x + \delta,\, y)\Big]")
TEX_TRADES = (r"\min_\theta \; \mathbb{E}_{(x,y) \sim \mathcal{D}} \Big[ L(\theta, x, y) + \beta "
              r"\max_{\|\delta\|_p \le \varepsilon} \operatorname{KL}\big(f_\theta(x) \,\|\, f_\theta(x + \delta)\big) \Big]")
TEX_MIX = (r"\tilde L(\theta, x, y) = \alpha\, L(\theta, x, y) + (1 - \alpha)\, "
           r"L\big(\theta,\, x + \varepsilon \operatorname{sign}(\nabla_x L(\theta, x, y)),\, y\big)")

# -------------------------------------------------------------- content ---
# A section: blocks shown at once ("lead"), then details in expanders
# ("more": a list of (label key, blocks[, icon])). A block is ("md", key) or ("tex", formula).

CONTENT: dict[str, dict] = {
    "threat": {"lead": [("md", "ln_threat_lead"), ("tex", TEX_BALL), ("md", "ln_threat_lead2")],
               "more": [("ln_threat_more_label", [("md", "ln_threat_more"), ("tex", TEX_NORMS),
                                                  ("md", "ln_threat_more2"), ("md", "ln_threat_more3")]),
                        ("ln_threat_assume_label", [("md", "ln_threat_assume")])]},
    "inner": {"lead": [("md", "ln_inner_lead"), ("tex", TEX_INNER), ("md", "ln_inner_lead2")],
              "more": [("ln_inner_more_label", [("md", "ln_inner_more"), ("tex", TEX_BOUND),
                                                ("md", "ln_inner_more2")])]},
    "fgsm": {"lead": [("md", "ln_fgsm_lead"), ("tex", TEX_FGSM), ("md", "ln_fgsm_lead2")],
             "more": [("ln_fgsm_more_label", [("md", "ln_fgsm_more"), ("tex", TEX_LINEAR), ("md", "ln_fgsm_more2"),
                                              ("tex", TEX_DUAL), ("md", "ln_fgsm_more3")])]},
    "pgd": {"lead": [("md", "ln_pgd_lead"), ("tex", TEX_PGD), ("md", "ln_pgd_lead2")],
            "more": [("ln_pgd_more_label", [("md", "ln_pgd_more"), ("tex", TEX_PGD_L2), ("md", "ln_pgd_more_proj"),
                                            ("tex", TEX_PROJ), ("md", "ln_pgd_more2")]),
                     ("ln_pgd_mim_label", [("md", "ln_pgd_mim"), ("tex", TEX_MIM), ("md", "ln_pgd_mim2")])]},
    "deepfool": {"lead": [("md", "ln_deepfool_lead"), ("tex", TEX_DF), ("md", "ln_deepfool_lead2")],
                 "more": [("ln_deepfool_more_label", [("md", "ln_deepfool_more"), ("tex", TEX_DF_ITER),
                                                      ("md", "ln_deepfool_more2"), ("tex", TEX_DF_MULTI),
                                                      ("md", "ln_deepfool_more3")])]},
    "cw": {"lead": [("md", "ln_cw_lead"), ("tex", TEX_CW), ("md", "ln_cw_lead2")],
           "more": [("ln_cw_more_label", [("md", "ln_cw_more"), ("tex", TEX_CW_BOX), ("md", "ln_cw_more2")])]},
    "advtrain": {"lead": [("md", "ln_advtrain_lead"), ("tex", TEX_MINMAX), ("md", "ln_advtrain_lead2")],
                 "more": [("ln_advtrain_more_label", [("md", "ln_advtrain_more"), ("tex", TEX_MIX),
                                                      ("md", "ln_advtrain_more2")]),
                          ("ln_advtrain_beyond_label", [("md", "ln_advtrain_beyond"), ("tex", TEX_TRADES),
                                                        ("md", "ln_advtrain_beyond2")])]},
    "faq_why": {"lead": [("md", "ln_faq_why_q"), ("md", "ln_faq_why_lead")],
                "more": [("ln_faq_why_more_label", [("md", "ln_faq_why_more")])]},
    "faq_how": {"lead": [("md", "ln_faq_how_q"), ("md", "ln_faq_how_lead")],
                "more": [("ln_faq_how_more_label", [("md", "ln_faq_how_more")])]},
    "faq_where": {"lead": [("md", "ln_faq_where_q"), ("md", "ln_faq_where_lead")],
                  "more": [("ln_faq_nlp_label", [("md", "ln_faq_nlp")], ":material/translate:"),
                           ("ln_faq_sec_label", [("md", "ln_faq_sec")], ":material/security:"),
                           ("ln_faq_med_label", [("md", "ln_faq_med")], ":material/medical_services:")]},
}

ARXIV = "https://arxiv.org/abs/"
PAPERS: dict[str, list[tuple[str, str]]] = {
    "threat": [("Szegedy et al. 2014", ARXIV + "1312.6199"), ("Biggio et al. 2013", ARXIV + "1708.06131"),
               ("Papernot et al. 2016 (JSMA)", ARXIV + "1511.07528"), ("Su et al. 2019", ARXIV + "1710.08864")],
    "inner": [("Madry et al. 2018", ARXIV + "1706.06083"), ("Carlini et al. 2019", ARXIV + "1902.06705"),
              ("Athalye et al. 2018", ARXIV + "1802.00420")],
    "fgsm": [("Goodfellow et al. 2015", ARXIV + "1412.6572")],
    "pgd": [("Madry et al. 2018", ARXIV + "1706.06083"), ("Kurakin et al. 2017", ARXIV + "1607.02533"),
            ("Croce & Hein 2020 (AutoAttack)", ARXIV + "2003.01690"),
            ("Croce et al. 2021 (RobustBench)", ARXIV + "2010.09670"), ("Dong et al. 2018", ARXIV + "1710.06081")],
    "deepfool": [("Moosavi-Dezfooli et al. 2016", ARXIV + "1511.04599")],
    "cw": [("Carlini & Wagner 2017", ARXIV + "1608.04644"), ("Papernot et al. 2016", ARXIV + "1511.04508")],
    "advtrain": [("Madry et al. 2018", ARXIV + "1706.06083"), ("Goodfellow et al. 2015", ARXIV + "1412.6572"),
                 ("Tsipras et al. 2019", ARXIV + "1805.12152"), ("Tramèr et al. 2018", ARXIV + "1705.07204"),
                 ("Wong et al. 2020", ARXIV + "2001.03994"), ("Zhang et al. 2019 (TRADES)", ARXIV + "1901.08573"),
                 ("Gowal et al. 2018", ARXIV + "1810.12715"), ("Cohen et al. 2019", ARXIV + "1902.02918")],
    "faq_why": [("Biggio & Roli 2018", ARXIV + "1712.03141"), ("Carlini et al. 2019", ARXIV + "1902.06705"),
                ("Ilyas et al. 2019", ARXIV + "1905.02175"), ("Shan et al. 2020", ARXIV + "2002.08327"),
                ("Goodfellow et al. 2015", ARXIV + "1412.6572")],
    "faq_how": [("Szegedy et al. 2014", ARXIV + "1312.6199"), ("Papernot et al. 2017", ARXIV + "1602.02697"),
                ("Chen et al. 2017", ARXIV + "1708.03999"), ("Brendel et al. 2018", ARXIV + "1712.04248"),
                ("Athalye et al. 2018", ARXIV + "1707.07397"), ("Kurakin et al. 2017", ARXIV + "1607.02533"),
                ("Xiao et al. 2018", ARXIV + "1801.02610")],
    "faq_where": [("Alzantot et al. 2018", ARXIV + "1804.07998"), ("Jin et al. 2020", ARXIV + "1907.11932"),
                  ("Ebrahimi et al. 2018", ARXIV + "1712.06751"),
                  ("Lowd & Meek 2005", "https://www.ceas.cc/papers-2005/125.pdf"),
                  ("Jia & Liang 2017", ARXIV + "1707.07328"),
                  ("Grosse et al. 2017", "https://doi.org/10.1007/978-3-319-66399-9_4"),
                  ("Kolosnjaji et al. 2018", ARXIV + "1803.04173"), ("Eykholt et al. 2018", ARXIV + "1707.08945"),
                  ("Sharif et al. 2016", "https://doi.org/10.1145/2976749.2978392"),
                  ("Finlayson et al. 2019 (Science)", "https://doi.org/10.1126/science.aaw4399"),
                  ("Finlayson et al. 2018", ARXIV + "1804.05296")],
}

# "Try it" links: the page (its url path) and the query fields it reads. The one
# table to update when a page's fields change.
TRY_LINKS: dict[str, list[tuple[str, dict[str, str], str]]] = {
    "threat": [("playground", {"dataset": "moons", "attack": "noise", "eps": "0.3"}, "ln_try_threat_noise"),
               ("playground", {"dataset": "moons", "attack": "noise", "eps": "0.3", "norm": "l2"},
                "ln_try_threat_l2")],
    "inner": [("robustness", {}, "ln_try_inner")],  # the page draws every attack's curve by default
    "fgsm": [("playground", {"attack": "fgsm", "eps": "0.3", "dataset": "moons"}, "ln_try_fgsm"),
             ("digits", {"attack": "fgsm", "eps": "0.1"}, "ln_try_fgsm_digits")],
    "pgd": [("playground", {"dataset": "circles", "attack": "pgd", "eps": "0.3", "pgd_steps": "20"}, "ln_try_pgd")],
    "deepfool": [("playground", {"dataset": "moons", "attack": "deepfool"}, "ln_try_deepfool")],
    "cw": [("playground", {"dataset": "moons", "attack": "cw"}, "ln_try_cw")],
    "advtrain": [("defenses", {"attack": "pgd"}, "ln_try_advtrain")],
    "faq_why": [("seed-lab", {}, "ln_try_faq_why")],
    "faq_how": [("transfer", {}, "ln_try_faq_how")],
    "faq_where": [("digits", {"attack": "pgd", "eps": "0.1"}, "ln_try_faq_where")],
}
# The default page (the Playground) lives at the app's root, not at its own path.
URL_PATHS = {"playground": "./"}
PAGE_NAMES = {"playground": "nav_playground", "seed-lab": "nav_seed_lab", "digits": "nav_digits",
              "robustness": "nav_robustness", "defenses": "nav_defenses", "transfer": "nav_transfer"}

ANSWERS = "ln_answers"  # question id -> first answer given
NOTICE = "ln_notice"  # question id -> message key ("answer first")


def anchor(section: str) -> str:
    return "ln-" + section.replace("_", "-")


def title(section: str) -> str:
    return ui.tr("ln_part_quiz") if section == "quiz" else ui.tr(f"ln_{section}_title")


def try_url(page: str, params: dict[str, str]) -> str:
    """A relative link to ``page`` with ``params``, keeping the reader's language and mode."""
    q = dict(params)
    if ui.lang() != "en":
        q["lang"] = ui.lang()
    if ui.presenter():
        q["present"] = "1"
    return URL_PATHS.get(page, page) + (f"?{urlencode(q)}" if q else "")


# --------------------------------------------------------------- theory ---

def blocks(items) -> None:
    for kind, body in items:
        if kind == "tex":
            st.latex(body)
        else:
            st.markdown(ui.tr(body))


def section(key: str) -> None:
    """One theory or FAQ section: the core idea, details, try-it links, papers."""
    spec = CONTENT[key]
    with st.container(border=True):
        st.subheader(title(key), anchor=anchor(key))
        blocks(spec["lead"])
        for label, items, *icon in spec["more"]:
            with st.expander(ui.tr(label), expanded=ui.presenter(), icon=icon[0] if icon else None):
                blocks(items)
        for i, (page, params, what) in enumerate(TRY_LINKS.get(key, [])):
            url = try_url(page, params)
            name = ui.tr(PAGE_NAMES[page])
            c1, c2 = st.columns([1, 3], vertical_alignment="center")
            c1.link_button(ui.tr("ln_try", page=name), url, help=ui.tr("ln_try_help", page=name, url=url),
                           width="stretch")
            c2.caption(ui.tr(what))
        refs = " · ".join(f"[{label}]({url})" for label, url in PAPERS.get(key, []))
        if refs:
            st.caption(ui.tr("ln_papers") + " " + refs)
        if not ui.presenter():
            st.caption(ui.tr("ln_back_top"))


def contents(answers: dict) -> None:
    st.subheader(ui.tr("ln_toc"), anchor="ln-contents")
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        c1.markdown(f"**{ui.tr('ln_part_theory')}**\n\n" + "\n".join(
            f"- [{title(k)}](#{anchor(k)})" for k in THEORY))
        c2.markdown(f"**{ui.tr('ln_part_faq')}**\n\n" + "\n".join(
            f"- [{title(k)}](#{anchor(k)})" for k in FAQ))
        correct, total = quiz.score(answers)
        c3.markdown(f"**{ui.tr('ln_part_quiz')}**\n\n- [{ui.tr('ln_part_quiz')}](#{anchor('quiz')}): "
                    + ui.tr("ln_toc_quiz", answered=len(answers), n=total, correct=correct))
        st.caption(ui.tr("ln_toc_hint"))


# ----------------------------------------------------------------- quiz ---

def _wkey(qid: str, i: int | None = None) -> str:
    return f"lnq_{qid}" if i is None else f"lnq_{qid}_{i}"


def _widget_answer(q: quiz.Question):
    """The answer currently in the question's widgets, or None if none is given."""
    if q.kind == "single":
        return st.session_state.get(_wkey(q.id))
    if q.kind == "multi":
        chosen = [i for i in range(q.n_options) if st.session_state.get(_wkey(q.id, i))]
        return chosen or None
    return st.session_state.get(_wkey(q.id))


def _check(qid: str) -> None:
    q = quiz.question(qid)
    ans = _widget_answer(q)
    notices = st.session_state.setdefault(NOTICE, {})
    if ans is None:
        notices[qid] = {"single": "ln_q_need_choice", "multi": "ln_q_need_multi", "number": "ln_q_need_number"}[q.kind]
        return
    notices.pop(qid, None)
    st.session_state.setdefault(ANSWERS, {})[qid] = ans


def _reset() -> None:
    st.session_state[ANSWERS] = {}
    st.session_state[NOTICE] = {}
    for q in quiz.QUESTIONS:
        for k in [_wkey(q.id)] + [_wkey(q.id, i) for i in range(q.n_options)]:
            st.session_state.pop(k, None)
    st.session_state[ui.wkey("ln", "q")] = 1


def _show(q: quiz.Question, ans, *, correct: bool = False) -> str:
    """An answer as text, in the reader's language; the correct number is shown to the question's precision."""
    if q.kind == "single":
        return ui.tr(q.options[ans])
    if q.kind == "multi":
        return "; ".join(ui.tr(q.options[i]) for i in sorted(ans))
    val = quiz.parse_number(ans)
    return f"{val:.{q.decimals}f}" if correct else f"{val:g}"


def _restore(q: quiz.Question, ans) -> None:
    """Put a recorded answer back into the (locked) widgets, e.g. after leaving the page."""
    if q.kind == "multi":
        for i in range(q.n_options):
            st.session_state[_wkey(q.id, i)] = i in set(ans)
    else:
        st.session_state[_wkey(q.id)] = ans


def question_card(q: quiz.Question, k: int, answers: dict) -> None:
    done = q.id in answers
    if done:
        _restore(q, answers[q.id])
    with st.container(border=True):
        st.markdown(f"**{ui.tr('ln_q_label', k=k, n=N_Q)}** · {ui.tr('ln_q_kind_' + q.kind)}")
        st.markdown(ui.tr(q.text))
        if q.kind == "single":
            st.radio(ui.tr("ln_q_answer"), list(range(q.n_options)), index=None, key=_wkey(q.id),
                     format_func=lambda i: ui.tr(q.options[i]), disabled=done, label_visibility="collapsed")
        elif q.kind == "multi":
            for i, opt in enumerate(q.options):
                st.checkbox(ui.tr(opt), key=_wkey(q.id, i), disabled=done)
        else:
            st.number_input(ui.tr("ln_q_answer"), value=None, step=0.01, format="%.3f", key=_wkey(q.id),
                            disabled=done, width=240)
        if not done:
            st.button(ui.tr("ln_q_check"), key=f"lnq_check_{q.id}", on_click=_check, args=(q.id,), type="primary")
            notice = st.session_state.get(NOTICE, {}).get(q.id)
            if notice:
                st.warning(ui.tr(notice), icon=":material/pan_tool:")
            return
        ans = answers[q.id]
        if quiz.check(q.id, ans):
            st.success(ui.tr("ln_q_right") + "\n\n" + ui.tr(q.explanation), icon=":material/check_circle:")
        else:
            st.error(ui.tr("ln_q_wrong", answer=_show(q, quiz.correct_answer(q.id), correct=True))
                     + "\n\n" + ui.tr("ln_q_yours", answer=_show(q, ans)), icon=":material/cancel:")
            st.info(ui.tr(q.explanation) + "\n\n" + review_link(q.section), icon=":material/lightbulb:")


def section_ref(key: str) -> str:
    """A section's title, linked to it where the page shows every section."""
    return title(key) if ui.presenter() else f"[{title(key)}](#{anchor(key)})"


def review_link(key: str) -> str:
    if ui.presenter():
        return ui.tr("ln_q_review_plain", section=title(key))
    return ui.tr("ln_q_review", section=title(key), anchor=anchor(key))


def quiz_header(answers: dict) -> None:
    correct, total = quiz.score(answers)
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="center")
    c1.metric(ui.tr("ln_score"), f"{correct} / {total}")
    c2.metric(ui.tr("ln_answered"), f"{len(answers)} / {total}")
    c3.button(ui.tr("ln_reset"), key="lnq_reset", on_click=_reset, help=ui.tr("ln_reset_help"), icon=":material/restart_alt:")
    st.progress(len(answers) / total)
    if len(answers) == total:
        msg = ui.tr("ln_done", n=total, correct=correct)
        if correct == total:
            st.success(msg + " " + ui.tr("ln_done_perfect"))
        else:
            wrong = dict.fromkeys(quiz.question(qid).section for qid, a in answers.items() if not quiz.check(qid, a))
            links = ", ".join(section_ref(s) for s in wrong)
            st.info(msg + " " + ui.tr("ln_done_review", sections=links))


def quiz_part(answers: dict, v: dict) -> None:
    st.header(ui.tr("ln_part_quiz"), anchor=anchor("quiz"))
    st.markdown(ui.tr("ln_quiz_intro", n=N_Q))
    quiz_header(answers)
    if ui.presenter():
        k = int(v["q"])
        question_card(quiz.QUESTIONS[k - 1], k, answers)
        c1, _, c3 = st.columns([1, 2, 1])
        c1.button(ui.tr("ln_q_prev"), key="lnq_prev_q", on_click=_step_q, args=(-1,), disabled=k <= 1,
                  width="stretch")
        c3.button(ui.tr("ln_q_next"), key="lnq_next_q", on_click=_step_q, args=(1,), disabled=k >= N_Q,
                  width="stretch")
    else:
        # two cards per row keeps the quiz short on a wide screen; narrow screens stack them in order
        for start in range(0, N_Q, 2):
            cols = st.columns(2)
            for col, k in zip(cols, range(start + 1, min(N_Q, start + 2) + 1)):
                with col:
                    question_card(quiz.QUESTIONS[k - 1], k, answers)


def _step_q(delta: int) -> None:
    k = ui.wkey("ln", "q")
    st.session_state[k] = min(N_Q, max(1, int(st.session_state.get(k, 1)) + delta))


# ------------------------------------------------------------ presenter ---

def _go(delta: int) -> None:
    k = ui.wkey("ln", "section")
    i = SECTIONS.index(st.session_state.get(k, SECTIONS[0]))
    st.session_state[k] = SECTIONS[min(len(SECTIONS) - 1, max(0, i + delta))]


def slide_nav(current: str, where: str) -> None:
    """Previous / position / next. The top row answers the arrow keys, the bottom one a clicker's page keys."""
    i = SECTIONS.index(current)
    keys = ("Left", "Right") if where == "top" else ("PageUp", "PageDown")
    c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="center")
    c1.button(ui.tr("ln_prev"), key=f"ln_prev_{where}", on_click=_go, args=(-1,), disabled=i == 0,
              shortcut=keys[0], width="stretch")
    c2.markdown(f"<div style='text-align:center'>{ui.tr('ln_slide', k=i + 1, n=len(SECTIONS))}</div>",
                unsafe_allow_html=True)
    c3.button(ui.tr("ln_next"), key=f"ln_next_{where}", on_click=_go, args=(1,), disabled=i == len(SECTIONS) - 1,
              shortcut=keys[1], width="stretch")


def presenter_view(v: dict, answers: dict) -> None:
    ui.select(STATE, "section", ui.tr("ln_jump"), fmt=title, where=st.sidebar)
    current = st.session_state[ui.wkey("ln", "section")]
    slide_nav(current, "top")
    if current == "quiz":
        quiz_part(answers, ui.values(STATE))
    else:
        if current == FAQ[0]:
            st.caption(ui.tr("ln_faq_intro"))
        section(current)
    st.divider()
    slide_nav(current, "bottom")
    st.caption(ui.tr("ln_keys"))


def reader_view(v: dict, answers: dict) -> None:
    contents(answers)
    st.header(ui.tr("ln_part_theory"), anchor="ln-theory")
    for key in THEORY:
        section(key)
    st.header(ui.tr("ln_part_faq"), anchor="ln-faq")
    st.markdown(ui.tr("ln_faq_intro"))
    for key in FAQ:
        section(key)
    quiz_part(answers, v)


def main() -> None:
    ui.bind(STATE)
    # keep the presenter's place while the sidebar selector is hidden (reader view)
    for name in STATE.fields:
        k = ui.wkey("ln", name)
        st.session_state[k] = st.session_state[k]
    st.title(ui.tr("ln_title"))
    if ui.presenter():
        # formulas grow with the projector text
        st.markdown("<style>.katex-display { font-size: 1.45em; }</style>", unsafe_allow_html=True)
    else:
        st.caption(ui.tr("ln_intro"))
    ui.show_notes()
    answers = st.session_state.setdefault(ANSWERS, {})
    v = ui.values(STATE)
    if ui.presenter():
        presenter_view(v, answers)
        v = ui.values(STATE)
        keep = {"section", "q"} if v["section"] == "quiz" else {"section"}
    else:
        reader_view(v, answers)
        keep = set()
    ui.sync_url(STATE, v, keep)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
