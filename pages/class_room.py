"""Class (student): join the teacher's session with its code and a nickname, then play what the teacher
switched on: fool the digits network by painting, push a point across the boundary, answer the quiz.
Every score is computed on the server; the nickname is the only thing kept about a student."""

from __future__ import annotations

import streamlit as st

from advlab import quiz, ui
from advlab.classroom import activities, names, store
from advlab.classroom.errors import ClassError
from advlab.ui import classroom as cl

tr = ui.tr


def current():
    """(session, student) of this browser: the token in the URL (a reload or a server restart
    keeps the student in), or (session or None, None)."""
    code = st.query_params.get("code", "")
    sess = cl.db().session(code) if code else None
    token = st.session_state.get("cl_me") or st.query_params.get("me")
    student = cl.db().student(code, token) if sess is not None and token else None
    return sess, student


def join_form(code: str) -> None:
    with st.form("cl_join", border=True):
        typed = st.text_input(tr("cl_code"), value=code, max_chars=16, placeholder="ABCD-EFGH", key="cl_code_in")
        nick = st.text_input(tr("cl_nick"), max_chars=names.MAX_LEN * 4, key="cl_nick_in",
                             help=tr("cl_nick_help", max=names.MAX_LEN))
        go = st.form_submit_button(tr("cl_join"), type="primary")
    st.info(tr("cl_privacy"), icon=":material/lock:")
    if not go:
        return
    try:
        student = cl.db().join(typed, nick, source=cl.source())
    except ClassError as e:
        cl.refusal(e)
        return
    st.session_state["cl_me"] = student.token
    st.query_params.from_dict({"code": store.normalize_code(typed), "me": student.token, "lang": ui.lang()})
    st.rerun()


def digits_activity(sess, student) -> None:
    st.markdown(tr("cl_dg_intro"))
    m, x0, label = cl.digit_case(sess.params)
    st.html(cl.PAINTER_CSS)
    left, right = st.columns([2, 3], gap="large")
    with left:
        toggled = cl.painter(x0, disabled=sess.closed)
        st.button(tr("cl_dg_reset"), key="cl_dg_reset", on_click=cl.reset_painter, args=(x0,),
                  icon=":material/restart_alt:")
    sc = activities.score_digit(m.model, original=x0, label=label, toggled=toggled)
    pred, conf = cl.reading(m, sc.x)
    with right:
        ui.chart(cl.digit_figure(x0, sc.x, pred=pred, conf=conf, label=label), key="cl_dg_fig",
                 filename="advlab-class-digit")
        c = st.columns(2)
        c[0].metric(tr("cl_dg_pixels"), sc.pixels)
        c[1].metric(tr("cl_dg_l2"), f"{sc.l2:.2f}")
        if sc.fooled:
            st.success(tr("cl_dg_fooled", k=pred, p=conf), icon=":material/check_circle:")
        else:
            st.info(tr("cl_dg_not_yet", k=label), icon=":material/brush:")
        if st.button(tr("cl_submit"), key="cl_dg_submit", type="primary", disabled=not sc.fooled or sess.closed):
            submit(student, "digits", sc.l2, sc.pixels, {"toggled": activities.toggled_pixels(toggled), "pred": pred})
        best = cl.db().my_best(student, "digits")
        if best:
            st.caption(tr("cl_dg_my_best", l2=best[0], n=best[1]))
    if sess.revealed:
        cl.reveal_digits(sess, cl.db().revealed_best(sess.code, "digits"))


def submit(student, activity: str, score: float, pixels, payload: dict) -> None:
    try:
        cl.db().submit(student, activity=activity, score=score, pixels=pixels, payload=payload)
    except ClassError as e:
        cl.refusal(e)
        return
    st.toast(tr("cl_submitted", score=score), icon=":material/trophy:")


def boundary_activity(sess, student) -> None:
    st.markdown(tr("cl_bd_intro"))
    m, x0, label = cl.point_case(sess.params)
    lim = float(activities.PLANE)
    c = st.columns([1, 1, 2])
    st.session_state.setdefault("cl_bd_x", float(x0[0]))
    st.session_state.setdefault("cl_bd_y", float(x0[1]))
    x = c[0].number_input("x₁", -lim, lim, step=0.05, format="%.2f", key="cl_bd_x")
    y = c[1].number_input("x₂", -lim, lim, step=0.05, format="%.2f", key="cl_bd_y")
    sc = activities.score_point(m.model, original=x0, label=label, point=(x, y))
    best = cl.db().revealed_best(sess.code, "boundary") if sess.revealed else None
    marks = cl.boundary_marks(sess, best) if sess.revealed else ()
    ui.chart(cl.plane_figure(m, x0, label, moved=sc.x, marks=marks), key="cl_bd_fig", filename="advlab-class-point")
    if sess.revealed:
        cl.reveal_boundary_text(sess, best)
    c = st.columns(3)
    c[0].metric(tr("cl_bd_distance"), f"{sc.l2:.3f}")
    c[1].metric(tr("cl_bd_class"), sc.pred)
    if sc.fooled:
        st.success(tr("cl_bd_crossed", k=sc.pred), icon=":material/check_circle:")
    else:
        st.info(tr("cl_bd_not_yet", k=label), icon=":material/open_with:")
    if c[2].button(tr("cl_submit"), key="cl_bd_submit", type="primary", disabled=not sc.fooled or sess.closed):
        submit(student, "boundary", sc.l2, None, {"point": [float(sc.x[0]), float(sc.x[1])], "pred": sc.pred})
    best = cl.db().my_best(student, "boundary")
    if best:
        st.caption(tr("cl_bd_my_best", d=best[0]))


def record(student, q: quiz.Question, keys: list[str]) -> None:
    ans = quiz.answer_from(q.id, [st.session_state.get(k) for k in keys])
    if ans is None:
        st.session_state[f"clq_need_{q.id}"] = True
        return
    st.session_state.pop(f"clq_need_{q.id}", None)
    try:  # right or wrong is decided here, on the server, by the quiz's own check
        cl.db().answer(student, question=q.id, answer=ans, correct=quiz.check(q.id, ans))
    except ClassError as e:
        st.session_state[f"clq_err_{q.id}"] = e


def question_card(sess, student, q: quiz.Question, k: int, mine: dict) -> None:
    keys = quiz.input_keys(q, "clq")
    done = q.id in mine
    if done:
        for key, val in zip(keys, quiz.inputs_for(q.id, mine[q.id][0])):
            st.session_state[key] = val
    with st.container(border=True):
        st.markdown(f"**{tr('ln_q_label', k=k, n=len(quiz.QUESTIONS))}** · {tr('ln_q_kind_' + q.kind)}")
        st.markdown(tr(q.text))
        off = done or sess.closed
        if q.kind == "single":
            st.radio(tr("ln_q_answer"), list(range(q.n_options)), index=None, key=keys[0], disabled=off,
                     format_func=lambda i: tr(q.options[i]), label_visibility="collapsed")
        elif q.kind == "multi":
            for key, opt in zip(keys, q.options):
                st.checkbox(tr(opt), key=key, disabled=off)
        else:
            st.number_input(tr("ln_q_answer"), value=None, step=0.01, format="%.3f", key=keys[0], disabled=off,
                            width=240)
        if not done:
            st.button(tr("cl_q_send"), key=f"clq_send_{q.id}", disabled=sess.closed, on_click=record,
                      args=(student, q, keys))
            if st.session_state.get(f"clq_need_{q.id}"):
                st.warning(tr(q.need), icon=":material/pan_tool:")
            err = st.session_state.pop(f"clq_err_{q.id}", None)
            if err is not None:
                cl.refusal(err)
        elif not sess.revealed:
            st.caption(tr("cl_q_recorded"))
        elif mine[q.id][1]:
            st.success(tr("ln_q_right"), icon=":material/check_circle:")
        else:
            right = quiz.answer_text(q.id, quiz.correct_answer(q.id), tr, correct=True)
            st.error(tr("ln_q_wrong", answer=right), icon=":material/cancel:")


def quiz_activity(sess, student) -> None:
    st.markdown(tr("cl_q_intro"))
    mine = cl.db().my_answers(student)
    st.progress(len(mine) / len(quiz.QUESTIONS), text=tr("cl_q_progress", n=len(mine), total=len(quiz.QUESTIONS)))
    cols = st.columns(2)
    for k, q in enumerate(quiz.QUESTIONS, 1):
        with cols[(k - 1) % 2]:
            question_card(sess, student, q, k, mine)


@st.fragment(run_every=cl.WATCH_EVERY_S)
def watch(code: str, state: tuple[bool, bool]) -> None:
    """Redraw the page when the teacher reveals, closes or deletes the session (draws nothing)."""
    s = cl.db().session(code)
    if s is None or (s.revealed, s.closed) != state:
        st.rerun(scope="app")


def student_view(sess, student) -> None:
    watch(sess.code, (sess.revealed, sess.closed))
    st.html(cl.CODE_CSS)
    cl.big_text(tr("cl_you_are", nick=student.nickname, code=store.format_code(sess.code)), key="me")
    if sess.closed:
        st.warning(tr("cl_closed_note"), icon=":material/lock:")
    elif sess.revealed:
        st.info(tr("cl_revealed_note"), icon=":material/visibility:")
    run = {"digits": digits_activity, "boundary": boundary_activity, "quiz": quiz_activity}
    tabs = st.tabs([tr(f"cl_tab_{a}") for a in sess.activities])
    for tab, act in zip(tabs, sess.activities):
        with tab:
            run[act](sess, student)


def main() -> None:
    ui.init_globals()
    st.title(tr("cl_title"))
    sess, student = current()
    if student is None:
        st.caption(tr("cl_intro"))
        join_form(store.format_code(sess.code) if sess else st.query_params.get("code", ""))
    else:
        student_view(sess, student)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
