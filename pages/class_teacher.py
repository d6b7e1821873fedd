"""Class (teacher): start a session, put its join code and QR code on the projector, and watch the room:
who joined, a live leaderboard per activity, each quiz question's share right and most chosen wrong answer,
a reveal of the best human answer next to the attack's, close, CSV download and delete. Only the teacher
key (the private link) opens this view of a session."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from advlab import quiz, ui
from advlab.classroom import ACTIVITIES, store
from advlab.classroom.errors import ClassError
from advlab.ui import classroom as cl

tr = ui.tr


def credentials() -> tuple[str, str | None]:
    """(code, teacher key) of the session on this page. A key arriving in the link is kept in this
    browser session and taken out of the address bar, so the projector never shows it."""
    keys = st.session_state.setdefault("cl_keys", {})
    code = store.normalize_code(st.query_params.get("code", "") or st.session_state.get("cl_code", ""))
    given = st.query_params.get("key")
    if given and code:
        keys[code] = given
        st.query_params.from_dict({"code": code, "lang": ui.lang(), **({"present": "1"} if ui.presenter() else {})})
    if code:
        st.session_state["cl_code"] = code
    return code, keys.get(code)


def start_form() -> None:
    st.markdown(tr("cl_t_intro"))
    with st.form("cl_start", border=True):
        acts = st.pills(tr("cl_t_activities"), list(ACTIVITIES), selection_mode="multi", default=list(ACTIVITIES),
                        format_func=lambda a: tr(f"cl_tab_{a}"), key="cl_t_acts")
        hours = st.number_input(tr("cl_t_hours"), 0.25, store.HOURS_MAX, 24.0, step=1.0, key="cl_t_hours",
                                help=tr("cl_t_hours_help"))
        go = st.form_submit_button(tr("cl_t_start"), type="primary", icon=":material/play_arrow:")
    st.info(tr("cl_privacy_teacher"), icon=":material/lock:")
    if not go:
        return
    try:
        made = cl.db().create_session(activities=acts or (), hours=float(hours), params=cl.session_params(acts or ()))
    except ClassError as e:
        cl.refusal(e)
        return
    st.session_state.setdefault("cl_keys", {})[made.session.code] = made.key
    st.session_state["cl_code"] = made.session.code
    st.query_params.from_dict({"code": made.session.code, "lang": ui.lang()})
    st.rerun()


def header(sess, key: str) -> None:
    url = cl.join_url(sess.code)
    left, right = st.columns([3, 1], vertical_alignment="center")
    with left:
        st.html(cl.CODE_CSS)
        st.caption(tr("cl_t_join_at"))
        st.html(f'<div class="cl-code">{store.format_code(sess.code)}</div>')  # code alphabet only: no user text
        cl.big_text(url, key="url")
    right.image(cl.qr_png(url), width=240, caption=tr("cl_t_qr"))
    # closed even right after the start: this screen is on the projector
    with st.expander(tr("cl_t_private"), expanded=False, icon=":material/key:"):
        st.caption(tr("cl_t_private_help"))
        st.code(f"{url.replace('/' + cl.STUDENT_PATH + '?', '/' + cl.TEACHER_PATH + '?')}&key={key}",
                language=None)


def controls(sess, key: str) -> None:
    c = st.columns(4)
    if c[0].button(tr("cl_t_hide") if sess.revealed else tr("cl_t_reveal"), key="cl_t_reveal",
                   icon=":material/visibility:", type="primary", width="stretch"):
        cl.db().set_flags(sess.code, key, revealed=not sess.revealed)
        st.rerun()
    if c[1].button(tr("cl_t_reopen") if sess.closed else tr("cl_t_close"), key="cl_t_close", icon=":material/lock:",
                   width="stretch"):
        cl.db().set_flags(sess.code, key, closed=not sess.closed)
        st.rerun()
    c[2].download_button(tr("cl_t_csv"), data=lambda: store.csv_text(cl.db().rows(sess.code, key)),
                         file_name=f"advlab-class-{sess.code}.csv", mime="text/csv", on_click="ignore",
                         icon=":material/download:", key="cl_t_csv", width="stretch")
    with c[3].popover(tr("cl_t_delete"), icon=":material/delete:", width="stretch"):
        st.caption(tr("cl_t_delete_help"))
        if st.button(tr("cl_t_delete_now"), key="cl_t_delete_now", type="primary"):
            cl.db().delete(sess.code, key)
            st.session_state.get("cl_keys", {}).pop(sess.code, None)
            st.session_state.pop("cl_code", None)
            st.query_params.from_dict({"lang": ui.lang()})
            st.session_state["cl_deleted"] = True
            st.rerun()


def board(sess, key: str, activity: str) -> None:
    rows = cl.db().leaderboard(sess.code, key, activity)
    st.subheader(tr(f"cl_tab_{activity}"))
    if not rows:
        st.caption(tr("cl_t_no_scores"))
        return
    score = tr("cl_dg_l2") if activity == "digits" else tr("cl_bd_distance")
    table = pd.DataFrame({"#": range(1, len(rows) + 1), tr("cl_t_nick"): [r["nickname"] for r in rows],
                          score: [round(r["score"], 3) for r in rows]})
    if activity == "digits":
        table[tr("cl_dg_pixels")] = [r["pixels"] for r in rows]
    table[tr("cl_t_tries")] = [r["tries"] for r in rows]
    st.dataframe(table.head(10), hide_index=True, width="stretch", key=f"cl_t_board_{activity}",
                 row_height=46 if ui.presenter() else None)


def quiz_table(sess, key: str) -> None:
    stats = cl.db().quiz_stats(sess.code, key)
    st.subheader(tr("cl_tab_quiz"))
    if not stats:
        st.caption(tr("cl_t_no_answers"))
        return
    rows = []
    for k, q in enumerate(quiz.QUESTIONS, 1):
        s = stats.get(q.id)
        if s is None:
            continue
        wrong = "" if s["top_wrong"] is None else f"{cl.answer_label(q.id, s['top_wrong'])} ({s['top_wrong_n']})"
        rows.append({tr("cl_t_question"): cl.question_short(q, k), tr("cl_t_answered"): s["n"],
                     tr("cl_t_right"): s["share"], tr("cl_t_top_wrong"): wrong})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="cl_t_quiz",
                 row_height=46 if ui.presenter() else None,
                 column_config={tr("cl_t_right"): st.column_config.ProgressColumn(
                     tr("cl_t_right"), format="percent", min_value=0.0, max_value=1.0)})


@st.fragment(run_every=cl.LIVE_EVERY_S)
def live(code: str, key: str) -> None:
    """What the projector shows, refreshed every few seconds."""
    sess = cl.db().teacher(code, key)
    if sess is None:
        st.error(tr("cl_t_gone"), icon=":material/error:")
        return
    names = cl.db().joined(code, key)
    c = st.columns(3)
    c[0].metric(tr("cl_t_joined"), len(names))
    c[1].metric(tr("cl_t_status"), tr("cl_t_closed") if sess.closed else tr("cl_t_open"))
    c[2].metric(tr("cl_t_expires"), pd.Timestamp(sess.expires_at, unit="s", tz="UTC").strftime("%m-%d %H:%M UTC"))
    plays = [a for a in sess.activities if a != "quiz"]
    cols = st.columns(max(len(plays), 1), gap="large")
    for col, act in zip(cols, plays):
        with col:
            board(sess, key, act)
    if "quiz" in sess.activities:
        quiz_table(sess, key)
    if sess.revealed:
        reveal(sess, key)


def reveal(sess, key: str) -> None:
    if "digits" in sess.activities:
        best = next(iter(cl.db().leaderboard(sess.code, key, "digits")), None)
        cl.reveal_digits(sess, best, key="cl_t_rv")
    if "boundary" in sess.activities:
        best = next(iter(cl.db().leaderboard(sess.code, key, "boundary")), None)
        st.subheader(tr("cl_reveal_point_title"))
        m, x0, label = cl.point_case(sess.params)
        cl.reveal_boundary_text(sess, best)
        ui.chart(cl.plane_figure(m, x0, label, marks=cl.boundary_marks(sess, best)), key="cl_t_rv_point",
                 filename="advlab-class-point")


def main() -> None:
    ui.init_globals()
    st.title(tr("cl_t_title"))
    if st.session_state.pop("cl_deleted", False):
        st.success(tr("cl_t_deleted"), icon=":material/delete:")
    code, key = credentials()
    sess = cl.db().teacher(code, key) if code and key else None
    if sess is None:
        if code:  # a student's link, or a forged or outdated teacher link: nothing of the session
            st.error(tr("cl_t_bad_key") if key else tr("cl_t_need_key"), icon=":material/key_off:")
        start_form()
        return
    header(sess, key)
    controls(sess, key)
    live(sess.code, key)


try:
    main()
except Exception as exc:  # noqa: BLE001 - the page shows a message, never a traceback
    st.error(ui.tr("error_generic", msg=f"{type(exc).__name__}: {exc}"), icon=":material/error:")
