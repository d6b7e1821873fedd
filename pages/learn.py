"""Learn: the theory in order, the blog's FAQ answered with papers, and a quiz. A reader sees every section
(core idea on top, details in expanders) under a table of contents; a presenter one section per slide, with
arrow-key shortcuts. Formulas, papers and links are data (advlab.learn), the quiz is advlab.quiz."""

from __future__ import annotations

import streamlit as st

from advlab import learn, quiz, ui
from advlab.learn import FAQ, SECTIONS, THEORY, anchor
from advlab.state import Field, PageState

N_Q = len(quiz.QUESTIONS)
STATE = PageState("ln", [
    Field("section", "threat", "choice", choices=SECTIONS),  # presenter mode: the section on screen
    Field("q", 1, "int", 1, N_Q),  # presenter mode: the quiz question on screen
])
SHEET = "ln_sheet"  # the session's quiz.Sheet

# The outline: per section its blocks in order, ("md", lesson key) or ("tex", the name of a formula in
# advlab/locales/learn.toml); ("more", label key[, icon]) starts details folded in an expander.
CONTENT: dict[str, list[tuple]] = {
    "threat": [("md", "ln_threat_lead"), ("tex", "ball"), ("md", "ln_threat_lead2"), ("more", "ln_threat_more_label"),
               ("md", "ln_threat_more"), ("tex", "norms"), ("md", "ln_threat_more2"), ("md", "ln_threat_more3"),
               ("more", "ln_threat_assume_label"), ("md", "ln_threat_assume")],
    "inner": [("md", "ln_inner_lead"), ("tex", "inner"), ("md", "ln_inner_lead2"), ("more", "ln_inner_more_label"),
              ("md", "ln_inner_more"), ("tex", "bound"), ("md", "ln_inner_more2")],
    "fgsm": [("md", "ln_fgsm_lead"), ("tex", "fgsm"), ("md", "ln_fgsm_lead2"), ("more", "ln_fgsm_more_label"),
             ("md", "ln_fgsm_more"), ("tex", "linear"), ("md", "ln_fgsm_more2"), ("tex", "dual"),
             ("md", "ln_fgsm_more3")],
    "pgd": [("md", "ln_pgd_lead"), ("tex", "pgd"), ("md", "ln_pgd_lead2"), ("more", "ln_pgd_more_label"),
            ("md", "ln_pgd_more"), ("tex", "pgd_l2"), ("md", "ln_pgd_more_proj"), ("tex", "proj"),
            ("md", "ln_pgd_more2"), ("more", "ln_pgd_mim_label"), ("md", "ln_pgd_mim"), ("tex", "mim"),
            ("md", "ln_pgd_mim2")],
    "deepfool": [("md", "ln_deepfool_lead"), ("tex", "df"), ("md", "ln_deepfool_lead2"),
                 ("more", "ln_deepfool_more_label"), ("md", "ln_deepfool_more"), ("tex", "df_iter"),
                 ("md", "ln_deepfool_more2"), ("tex", "df_multi"), ("md", "ln_deepfool_more3")],
    "cw": [("md", "ln_cw_lead"), ("tex", "cw"), ("md", "ln_cw_lead2"), ("more", "ln_cw_more_label"),
           ("md", "ln_cw_more"), ("tex", "cw_box"), ("md", "ln_cw_more2")],
    "advtrain": [("md", "ln_advtrain_lead"), ("tex", "minmax"), ("md", "ln_advtrain_lead2"),
                 ("more", "ln_advtrain_more_label"), ("md", "ln_advtrain_more"), ("tex", "mix"),
                 ("md", "ln_advtrain_more2"), ("more", "ln_advtrain_beyond_label"), ("md", "ln_advtrain_beyond"),
                 ("tex", "trades"), ("md", "ln_advtrain_beyond2")],
    "attackers": [("md", "ln_attackers_lead"), ("tex", "atk_white"), ("md", "ln_attackers_scores"),
                  ("tex", "atk_scores"), ("md", "ln_attackers_labels"), ("tex", "atk_labels"),
                  ("more", "ln_attackers_more_label"), ("md", "ln_attackers_gen"), ("tex", "atk_gen"),
                  ("md", "ln_attackers_universal"), ("tex", "atk_universal"), ("md", "ln_attackers_cost")],
    "faq_why": [("md", "ln_faq_why_q"), ("md", "ln_faq_why_lead"), ("more", "ln_faq_why_more_label"),
                ("md", "ln_faq_why_more")],
    "faq_how": [("md", "ln_faq_how_q"), ("md", "ln_faq_how_lead"), ("more", "ln_faq_how_more_label"),
                ("md", "ln_faq_how_more")],
    "faq_where": [("md", "ln_faq_where_q"), ("md", "ln_faq_where_lead"),
                  ("more", "ln_faq_nlp_label", ":material/translate:"), ("md", "ln_faq_nlp"),
                  ("more", "ln_faq_sec_label", ":material/security:"), ("md", "ln_faq_sec"),
                  ("more", "ln_faq_med_label", ":material/medical_services:"), ("md", "ln_faq_med")],
}


def title(section: str) -> str:
    return ui.tr("ln_part_quiz") if section == "quiz" else ui.tr(f"ln_{section}_title")


def blocks(items) -> None:
    """A section's blocks: the core idea at once, the details in expanders (open on a projector)."""
    where = st
    for kind, body, *icon in items:
        if kind == "more":
            where = st.expander(ui.tr(body), expanded=ui.presenter(), icon=icon[0] if icon else None)
        elif kind == "tex":
            where.latex(learn.formula(body))
        else:
            where.markdown(ui.tr(body))


def section(key: str) -> None:
    """One theory or FAQ section: the core idea, details, try-it links, papers."""
    with st.container(border=True):
        st.subheader(title(key), anchor=anchor(key))
        blocks(CONTENT[key])
        for link in learn.try_links(key):
            url, name = learn.try_url(link, lang=ui.lang(), presenter=ui.presenter()), ui.tr(learn.page_name(link.page))
            c1, c2 = st.columns([1, 3], vertical_alignment="center")
            c1.link_button(ui.tr("ln_try", page=name), url, help=ui.tr("ln_try_help", page=name, url=url),
                           width="stretch")
            c2.caption(ui.tr(link.text))
        refs = " · ".join(f"[{label}]({url})" for label, url in learn.papers(key))
        if refs:
            st.caption(ui.tr("ln_papers") + " " + refs)
        if not ui.presenter():
            st.caption(ui.tr("ln_back_top"))


def reader_view(v: dict, sheet: quiz.Sheet) -> None:
    """Every section under a table of contents, then the whole quiz."""
    st.subheader(ui.tr("ln_toc"), anchor="ln-contents")
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        for col, part, keys in ((c1, "ln_part_theory", THEORY), (c2, "ln_part_faq", FAQ)):
            col.markdown(f"**{ui.tr(part)}**\n\n" + "\n".join(f"- [{title(k)}](#{anchor(k)})" for k in keys))
        correct, total = quiz.score(sheet.answers)
        c3.markdown(f"**{ui.tr('ln_part_quiz')}**\n\n- [{ui.tr('ln_part_quiz')}](#{anchor('quiz')}): "
                    + ui.tr("ln_toc_quiz", answered=len(sheet.answers), n=total, correct=correct))
        st.caption(ui.tr("ln_toc_hint"))
    st.header(ui.tr("ln_part_theory"), anchor="ln-theory")
    for key in THEORY:
        section(key)
    st.header(ui.tr("ln_part_faq"), anchor="ln-faq")
    st.markdown(ui.tr("ln_faq_intro"))
    for key in FAQ:
        section(key)
    quiz_part(sheet, v)


def _reset(sheet: quiz.Sheet) -> None:
    sheet.reset()
    for k in (k for q in quiz.QUESTIONS for k in quiz.input_keys(q, "lnq")):
        st.session_state.pop(k, None)
    st.session_state[ui.wkey("ln", "q")] = 1


def question_card(q: quiz.Question, k: int, sheet: quiz.Sheet) -> None:
    done, keys = q.id in sheet.answers, quiz.input_keys(q, "lnq")
    if done:  # the recorded answer back in the (locked) inputs, e.g. after leaving the page
        for key, val in zip(keys, quiz.inputs_for(q.id, sheet.answers[q.id])):
            st.session_state[key] = val
    with st.container(border=True):
        st.markdown(f"**{ui.tr('ln_q_label', k=k, n=N_Q)}** · {ui.tr('ln_q_kind_' + q.kind)}")
        st.markdown(ui.tr(q.text))
        if q.kind == "single":
            st.radio(ui.tr("ln_q_answer"), list(range(q.n_options)), index=None, key=keys[0],
                     format_func=lambda i: ui.tr(q.options[i]), disabled=done, label_visibility="collapsed")
        elif q.kind == "multi":
            for key, opt in zip(keys, q.options):
                st.checkbox(ui.tr(opt), key=key, disabled=done)
        else:
            st.number_input(ui.tr("ln_q_answer"), value=None, step=0.01, format="%.3f", key=keys[0],
                            disabled=done, width=240)
        if not done:
            st.button(ui.tr("ln_q_check"), key=f"lnq_check_{q.id}", type="primary",
                      on_click=lambda: sheet.submit(q.id, [st.session_state.get(key) for key in keys]))
            if q.id in sheet.notices:
                st.warning(ui.tr(sheet.notices[q.id]), icon=":material/pan_tool:")
            return
        ans = sheet.answers[q.id]
        if quiz.check(q.id, ans):
            st.success(ui.tr("ln_q_right") + "\n\n" + ui.tr(q.explanation), icon=":material/check_circle:")
        else:
            right = quiz.answer_text(q.id, quiz.correct_answer(q.id), ui.tr, correct=True)
            st.error(ui.tr("ln_q_wrong", answer=right) + "\n\n" + ui.tr("ln_q_yours", answer=quiz.answer_text(
                q.id, ans, ui.tr)), icon=":material/cancel:")
            review = ui.tr("ln_q_review_plain" if ui.presenter() else "ln_q_review", section=title(q.section),
                           anchor=anchor(q.section))  # linked where the page shows every section
            st.info(ui.tr(q.explanation) + "\n\n" + review, icon=":material/lightbulb:")


def quiz_part(sheet: quiz.Sheet, v: dict) -> None:
    """The score, then every question (two per row), or one per slide on a projector."""
    st.header(ui.tr("ln_part_quiz"), anchor=anchor("quiz"))
    st.markdown(ui.tr("ln_quiz_intro", n=N_Q))
    answers = sheet.answers
    correct, total = quiz.score(answers)
    c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="center")
    c1.metric(ui.tr("ln_score"), f"{correct} / {total}")
    c2.metric(ui.tr("ln_answered"), f"{len(answers)} / {total}")
    c3.button(ui.tr("ln_reset"), key="lnq_reset", on_click=_reset, args=(sheet,), help=ui.tr("ln_reset_help"),
              icon=":material/restart_alt:")
    st.progress(len(answers) / total)
    if len(answers) == total:
        msg = ui.tr("ln_done", n=total, correct=correct)
        if correct == total:
            st.success(msg + " " + ui.tr("ln_done_perfect"))
        else:
            links = ", ".join(title(s) if ui.presenter() else f"[{title(s)}](#{anchor(s)})"
                              for s in quiz.to_review(answers))
            st.info(msg + " " + ui.tr("ln_done_review", sections=links))
    if ui.presenter():
        k = v["q"]
        question_card(quiz.QUESTIONS[k - 1], k, sheet)
        c1, _, c3 = st.columns([1, 2, 1])
        c1.button(ui.tr("ln_q_prev"), key="lnq_prev_q", on_click=_move, args=("q", -1), disabled=k <= 1,
                  width="stretch")
        c3.button(ui.tr("ln_q_next"), key="lnq_next_q", on_click=_move, args=("q", 1), disabled=k >= N_Q,
                  width="stretch")
    else:
        for start in range(0, N_Q, 2):  # two cards a row: a short quiz on a wide screen, in order on a narrow one
            for col, k in zip(st.columns(2), range(start + 1, min(N_Q, start + 2) + 1)):
                with col:
                    question_card(quiz.QUESTIONS[k - 1], k, sheet)


def _move(name: str, delta: int) -> None:
    """The previous or next slide (``section``) or quiz question (``q``), stopping at either end."""
    k = ui.wkey("ln", name)
    here = st.session_state.get(k, STATE.fields[name].default)
    st.session_state[k] = learn.step(here, delta) if name == "section" else min(N_Q, max(1, here + delta))


def slide_nav(current: str, where: str) -> None:
    """Previous / position / next. The top row answers the arrow keys, the bottom one a clicker's page keys."""
    i = SECTIONS.index(current)
    keys = ("Left", "Right") if where == "top" else ("PageUp", "PageDown")
    c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="center")
    c1.button(ui.tr("ln_prev"), key=f"ln_prev_{where}", on_click=_move, args=("section", -1), disabled=i == 0,
              shortcut=keys[0], width="stretch")
    c2.markdown(f"<div style='text-align:center'>{ui.tr('ln_slide', k=i + 1, n=len(SECTIONS))}</div>",
                unsafe_allow_html=True)
    c3.button(ui.tr("ln_next"), key=f"ln_next_{where}", on_click=_move, args=("section", 1),
              disabled=i == len(SECTIONS) - 1, shortcut=keys[1], width="stretch")


def presenter_view(sheet: quiz.Sheet) -> None:
    ui.select(STATE, "section", ui.tr("ln_jump"), fmt=title, where=st.sidebar)
    current = st.session_state[ui.wkey("ln", "section")]
    slide_nav(current, "top")
    if current == "quiz":
        quiz_part(sheet, ui.values(STATE))
    else:
        if current == FAQ[0]:
            st.caption(ui.tr("ln_faq_intro"))
        section(current)
    st.divider()
    slide_nav(current, "bottom")
    st.caption(ui.tr("ln_keys"))


def main() -> None:
    ui.bind(STATE)
    for k in (ui.wkey("ln", name) for name in STATE.fields):  # a presenter's place, kept while hidden
        st.session_state[k] = st.session_state[k]
    st.title(ui.tr("ln_title"))
    if ui.presenter():  # formulas and tables grow with the projector text
        st.markdown("<style>.katex-display { font-size: 1.45em; } .stMarkdown th, .stMarkdown td "
                    "{ font-size: 1.2rem !important; }</style>", unsafe_allow_html=True)
    else:
        st.caption(ui.tr("ln_intro"))
    ui.show_notes()
    sheet = st.session_state.setdefault(SHEET, quiz.Sheet())
    if ui.presenter():
        presenter_view(sheet)
    else:
        reader_view(ui.values(STATE), sheet)
    v = ui.values(STATE)  # a presenter's link opens their slide; a reader's, the whole page
    ui.sync_url(STATE, v, ({"section", "q"} if v["section"] == "quiz" else {"section"}) if ui.presenter() else set())


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
