"""Class mode in Streamlit: the store, the shared models, and the pieces the student
and teacher pages are built from.

Every score is computed here on the server (:mod:`advlab.classroom.activities`)
from what the student changed; a nickname is only ever shown as plain text
(``st.text``, table cells), never through Markdown or HTML.
"""

from __future__ import annotations

import io
import secrets
from functools import partial

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from .. import projections, quiz
from ..attacks import proba
from ..classroom import activities, store
from ..classroom.errors import ClassError
from ..config import DataConfig, DigitsNetConfig, NetConfig
from ..figures import lab as figs
from ..figures.playground import decision_map
from . import lessons, presenter, tr

DIGITS, DIGITS_NET = DataConfig(dataset="digits"), DigitsNetConfig()
PLANE, PLANE_NET = DataConfig(), NetConfig()  # the Playground's default moons and network
STUDENT_PATH, TEACHER_PATH = "class", "class-teacher"
LIVE_EVERY_S = 3.0  # the teacher's view
WATCH_EVERY_S = 4.0  # a student's page asks whether the teacher revealed or closed


def db() -> store.Store:
    """The process's class store (SQLite in the data folder, or ``ADVLAB_DATABASE_URL``)."""
    return store.open_store()


def source() -> str:
    """Where a join attempt comes from, for the failed-join limit: the client's address (behind
    the local proxy of a replicated deployment, the address that proxy saw, its X-Real-IP),
    else (no address known) this browser session."""
    try:
        ip = st.context.ip_address
        real = st.context.headers.get("X-Real-IP")
    except Exception:  # noqa: BLE001 - no browser (tests)
        ip = real = None
    if isinstance(ip, str) and ip in ("127.0.0.1", "::1") and isinstance(real, str) and real.strip():
        ip = real.strip()[:64]  # set by our own proxy on the same machine, which overwrites a client's
    if isinstance(ip, str) and ip:
        return f"ip:{ip}"
    return "session:" + st.session_state.setdefault("_cl_source", secrets.token_hex(8))


def refusal(err: ClassError) -> None:
    """A refusal from the store, in the user's language."""
    st.warning(tr(err.key, **err.fmt), icon=":material/block:")


def digits_model() -> lessons.Stored:
    """The Digits page's default network (shared with that page, trained once)."""
    return lessons.Stored(lessons.model_key(DIGITS, DIGITS_NET),
                          lessons.trained(DIGITS, DIGITS_NET, progress="dg_training_now", acc=True))


def plane_model() -> lessons.Stored:
    """The Playground's default network on two moons (shared with that page)."""
    return lessons.Stored(lessons.model_key(PLANE, PLANE_NET), lessons.trained(PLANE, PLANE_NET))


def session_params(acts) -> dict:
    """The image and the point the whole class works on, drawn at random among those the
    models get right with confidence (stored with the session, so every replica agrees)."""
    seed = secrets.randbelow(2**31)
    out = {"seed": seed}
    if "digits" in acts:
        ds, m = lessons.dataset(DIGITS), digits_model()
        out["digit"] = activities.pick(m.model, ds.x_test, ds.y_test, seed=seed)
    if "boundary" in acts:
        ds, m = lessons.dataset(PLANE), plane_model()
        out["point"] = activities.pick(m.model, ds.x_test, ds.y_test, seed=seed, min_conf=0.8,
                                          lim=activities.PLANE - 0.5)
    return out


def digit_case(params: dict):
    """(model, original image, its label) of the session's digit."""
    ds = lessons.dataset(DIGITS)
    i = int(params["digit"])
    return digits_model(), ds.x_test[i], int(ds.y_test[i])


def point_case(params: dict):
    """(model, original point, its label) of the session's 2-D point."""
    ds = lessons.dataset(PLANE)
    i = int(params["point"])
    return plane_model(), ds.x_test[i], int(ds.y_test[i])


def attack_answer(m: lessons.Stored, original: np.ndarray, label: int, clip=None) -> activities.Scored:
    """DeepFool's minimal change of the session's input, computed once per process."""
    key = ("cl-attack", m.key, tuple(np.round(np.asarray(original, float), 6)), label, clip)
    return lessons.result(key, partial(activities.attack_answer, m.model, original=original, label=label, clip=clip))


def join_url(code: str) -> str:
    """The student page's address with the code filled in."""
    try:
        base = (st.context.url or "").split("?")[0]
    except Exception:  # noqa: BLE001 - no browser (tests)
        base = ""
    root = base.rsplit("/", 1)[0] if base.count("/") > 2 else base.rstrip("/")
    return f"{root or 'http://localhost:8501'}/{STUDENT_PATH}?code={code}"


def qr_png(url: str) -> bytes:
    """A QR code of ``url`` as PNG, made here (no service asked)."""
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=10, border=2)
    return buf.getvalue()


# --------------------------------------------------------------- digits ---

def _row_key(r: int) -> str:
    return f"cl_px_{r}"


def reset_painter(original: np.ndarray) -> None:
    """Every pixel back to the original digit."""
    ink = np.asarray(original).reshape(8, 8) >= activities.INK
    for r in range(8):
        st.session_state[_row_key(r)] = [c for c in range(8) if ink[r, c]]


def painter(original: np.ndarray, *, disabled: bool = False) -> list[int]:
    """An 8x8 grid of toggles, a highlighted one is inked; returns the pixels toggled
    against the original (0..63)."""
    ink = np.asarray(original).reshape(8, 8) >= activities.INK
    if _row_key(0) not in st.session_state:
        reset_painter(original)
    toggled = []
    with st.container(key="cl_painter"):
        for r in range(8):
            on = st.pills(tr("cl_dg_row", r=r + 1), list(range(8)), selection_mode="multi", key=_row_key(r),
                          format_func=_blank, label_visibility="collapsed", disabled=disabled)
            on = set(on or [])
            toggled += [r * 8 + c for c in range(8) if (c in on) != bool(ink[r, c])]
    return toggled


def _blank(c: int) -> str:
    # a square with no text; each option's label must differ (the browser tells options apart by it)
    return "\u2003" + "\u200b" * c


PAINTER_CSS = """<style>
.st-key-cl_painter { gap: 0.3rem; }
.st-key-cl_painter button[data-variant="pills"] { min-width: 2.4rem; min-height: 2.4rem; padding: 0;
    border-radius: 0.2rem; }
.st-key-cl_painter button[data-variant="pills"][aria-pressed="true"] { background: #1b1f24; border-color: #1b1f24; }
.st-key-cl_painter button[data-variant="pills"][aria-pressed="true"]:hover { background: #3d4450; }
</style>"""


CODE_CSS = """<style>
.cl-code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: clamp(3rem, 7vw, 7.5rem);
    font-weight: 700; letter-spacing: 0.12em; line-height: 1.1; color: #1b1f24; }
[class*="st-key-cl_big"] [data-testid="stText"] { font-size: 1.5rem; line-height: 1.4; }
</style>"""


def digit_figure(original: np.ndarray, changed: np.ndarray, *, pred: int, conf: float, label: int,
                 change: str = "cl_dg_fig_change") -> go.Figure:
    titles = (tr("cl_dg_fig_original", k=label), tr(change), tr("cl_dg_fig_now", k=pred, p=conf))
    # the panels are narrow beside the painter: short titles
    return figs.digit_views(original, changed, titles=titles, scale=1.0, lang=_lang(), presenter=presenter())


def reading(m: lessons.Stored, x: np.ndarray) -> tuple[int, float]:
    """The class the network reads in ``x`` and its confidence."""
    p = proba(m.model, np.asarray(x, np.float32).reshape(1, -1))[0]
    return int(p.argmax()), float(p.max())


# ------------------------------------------------------------- boundary ---

MARK_COLORS = {"star": "#D55E00", "x": "#1b1f24", "diamond": "#009E73"}  # Okabe-Ito: your move, DeepFool, best


def plane_figure(m: lessons.Stored, original: np.ndarray, label: int, *, moved=None, marks=()) -> go.Figure:
    """The decision map with the class's point, the student's move and any revealed answers
    (``marks``: (name, point, symbol) triples; names are plain text in the legend)."""
    lim = (-activities.PLANE, activities.PLANE, -activities.PLANE, activities.PLANE)
    grid = lessons.result(("cl-grid", m.key), partial(projections.boundary_grid, m.model, lim, 160))
    fig = decision_map(grid.xs, grid.ys, grid.proba, lang=_lang(), presenter=presenter())
    size = 18 if presenter() else 13
    pts = [(tr("cl_bd_start", k=label), original, "circle")]
    if moved is not None:
        pts.append((tr("cl_bd_yours"), moved, "star"))
    for name, p, symbol in [*pts, *marks]:
        fig.add_trace(go.Scatter(x=[float(p[0])], y=[float(p[1])], mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=size * (1.3 if symbol == "star" else 1),
                                             color=MARK_COLORS.get(symbol, "white"),
                                             line=dict(color="#1b1f24", width=2.5)),
                                 hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>"))
    if moved is not None:
        fig.add_trace(go.Scatter(x=[float(original[0]), float(moved[0])], y=[float(original[1]), float(moved[1])],
                                 mode="lines", line=dict(color="#1b1f24", dash="dot"), showlegend=False,
                                 hoverinfo="skip"))
    fig.update_layout(height=620 if presenter() else 520,
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"))
    return fig

    for p in pts or []:
        if "x" in p and "y" in p:
            return float(p["x"]), float(p["y"])
    return None


def boundary_marks(sess, best: dict | None) -> list:
    """DeepFool's answer and the class's best move as (legend name, point, symbol); the
    nickname stays out of the chart (plotly reads tags in its text)."""
    m, x0, label = point_case(sess.params)
    atk = attack_answer(m, x0, label)
    marks = [(tr("cl_bd_deepfool", d=atk.l2), atk.x, "x")]
    if best is not None:
        marks.append((tr("cl_bd_best", d=best["score"]), best["payload"]["point"], "diamond"))
    return marks


# ---------------------------------------------------------------- reveal ---

def reveal_digits(sess, best: dict | None, *, key: str = "cl_rv") -> None:
    """The class's smallest change that fooled the network next to DeepFool's."""
    m, x0, label = digit_case(sess.params)
    atk = attack_answer(m, x0, label, clip=(0.0, 1.0))
    st.subheader(tr("cl_reveal_title"))
    c = st.columns(2, gap="large")
    with c[0]:
        st.markdown(f"**{tr('cl_reveal_human')}**")
        if best is None:
            st.caption(tr("cl_reveal_none"))
        else:
            big_text(tr("cl_reveal_by", nick=best["nickname"], l2=best["score"], n=best["pixels"]), key=f"{key}_h")
            x = activities.painted(x0, best["payload"]["toggled"])
            pred, conf = reading(m, x)
            ui_chart(digit_figure(x0, x, pred=pred, conf=conf, label=label, change="cl_dg_fig_best_change"),
                     key=f"{key}_human")
    with c[1]:
        st.markdown(f"**{tr('cl_reveal_attack')}**")
        big_text(tr("cl_reveal_attack_line", l2=atk.l2, n=atk.pixels), key=f"{key}_a")
        pred, conf = reading(m, atk.x)
        ui_chart(digit_figure(x0, atk.x, pred=pred, conf=conf, label=label, change="cl_dg_fig_attack_change"),
                 key=f"{key}_attack")


def reveal_boundary_text(sess, best: dict | None) -> None:
    """Who moved least, as plain text, beside DeepFool's distance."""
    m, x0, label = point_case(sess.params)
    atk = attack_answer(m, x0, label)
    if best is not None:
        big_text(tr("cl_reveal_point_by", nick=best["nickname"], d=best["score"]), key="cl_rv_point_h")
    big_text(tr("cl_reveal_point_attack", d=atk.l2), key="cl_rv_point_a")


def big_text(text: str, *, key: str) -> None:
    """Plain text (never Markdown or HTML: it may hold a nickname), large enough for a projector
    (with :data:`CODE_CSS` on the page)."""
    with st.container(key=f"cl_big_{key}"):
        st.text(text)


def ui_chart(fig, *, key: str) -> None:
    from . import chart

    chart(fig, key=key, filename="advlab-class")


# ------------------------------------------------------------------ quiz ---

def question_short(q: quiz.Question, k: int) -> str:
    """``Q3 · first words of the question`` for a table row."""
    text = " ".join(tr(q.text).replace("*", "").replace("`", "").split())
    return f"Q{k} · {text[:70]}{'…' if len(text) > 70 else ''}"


def answer_label(qid: str, answer) -> str:
    try:
        return quiz.answer_text(qid, answer, tr)
    except (KeyError, IndexError, TypeError, ValueError):
        return str(answer)


def _lang() -> str:
    from . import lang

    return lang()
