"""The Learn page's quiz: questions as data, and the code that scores answers.

Each question names its text, options and explanation by translation key
(``ln_q_<id>…`` in ``advlab/locales/<lang>.toml``), so the quiz reads the same
in every language, and
holds its correct answer here, next to :func:`check`, the only code that
decides whether an answer is right. Importable without streamlit.

Answer shapes, by kind:

- ``"single"``: the index of the chosen option (``int``).
- ``"multi"``: the indices of every chosen option (any iterable of ``int``);
  right only if it is exactly the set of correct options.
- ``"number"``: a number (or text such as ``"0.45"`` or ``"0,45"``); right if
  within the question's tolerance of the answer.

A question's inputs (one choice, a tick per option, or a number) hold an
answer of that shape: :func:`answer_from` reads it and :func:`inputs_for`
puts a recorded one back; :func:`answer_text` writes it for the reader. A
:class:`Sheet` keeps one learner's answers, the first of each counting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

KINDS = ("single", "multi", "number")


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    section: str  # the Learn section that explains the answer
    answer: Any  # int (single), frozenset[int] (multi), float (number)
    n_options: int = 0
    tol: float = 0.0  # numeric answers: accepted absolute error
    decimals: int = 2  # numeric answers: digits when the answer is shown

    @property
    def text(self) -> str:
        return f"ln_q_{self.id}"

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(f"ln_q_{self.id}_o{i}" for i in range(self.n_options))

    @property
    def explanation(self) -> str:
        return f"ln_q_{self.id}_why"

    @property
    def need(self) -> str:
        """The message asking for an answer when none was given."""
        return {"single": "ln_q_need_choice", "multi": "ln_q_need_multi", "number": "ln_q_need_number"}[self.kind]


def _single(qid: str, section: str, n: int, answer: int) -> Question:
    return Question(qid, "single", section, answer, n_options=n)


def _multi(qid: str, section: str, n: int, answer: Iterable[int]) -> Question:
    return Question(qid, "multi", section, frozenset(answer), n_options=n)


def _number(qid: str, section: str, answer: float, tol: float, decimals: int) -> Question:
    return Question(qid, "number", section, float(answer), tol=tol, decimals=decimals)


QUESTIONS: tuple[Question, ...] = (
    _single("ball", "threat", 4, 1),
    _number("fgsm_step", "fgsm", 0.1, tol=0.0005, decimals=1),
    _number("fgsm_l2", "fgsm", 0.1 * math.sqrt(20), tol=0.005, decimals=3),  # 0.447
    _single("sign", "fgsm", 4, 2),
    _multi("linear", "fgsm", 4, {0, 1}),
    _single("inner", "inner", 4, 0),
    _single("project", "pgd", 4, 3),
    _multi("pgd", "pgd", 4, {0, 1, 3}),
    _number("deepfool", "deepfool", 1.0, tol=0.01, decimals=1),  # |3*2 + 4*1 - 5| / ||(3, 4)|| = 5 / 5
    _single("cw_c", "cw", 4, 1),
    _multi("cw", "cw", 4, {0, 2, 3}),
    _single("advtrain", "advtrain", 4, 2),
    _multi("tradeoff", "advtrain", 4, {0, 1, 2}),
    _multi("blackbox", "faq_how", 4, {0, 1, 3}),
    _single("stop", "faq_where", 4, 0),
    _single("medical", "faq_where", 4, 3),
    _single("knows", "attackers", 4, 2),
    _single("square", "attackers", 4, 1),
    _single("advgan", "attackers", 4, 1),
    _multi("universal", "attackers", 4, {0, 2}),
    _number("pgd_calls", "attackers", 81, tol=0.5, decimals=0),  # 1 + 40 x (forward + backward)
)

BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def question(question_id: str) -> Question:
    try:
        return BY_ID[question_id]
    except KeyError:
        raise KeyError(f"unknown quiz question {question_id!r}; known: {', '.join(BY_ID)}") from None


def parse_number(answer: Any) -> float | None:
    """``answer`` as a finite float, or None if it is not a usable number.

    Text may use a comma as the decimal mark (``"0,45"``), as many learners type."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, Real):
        val = float(answer)
    elif isinstance(answer, str):
        try:
            val = float(answer.strip().replace(",", "."))
        except ValueError:
            return None
    else:
        return None
    return val if math.isfinite(val) else None


def _indices(answer: Any, n: int) -> frozenset[int] | None:
    if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, Iterable):
        return None
    out = set()
    for a in answer:
        if isinstance(a, bool) or not isinstance(a, Integral) or not 0 <= a < n:
            return None
        out.add(int(a))
    return frozenset(out)


def check(question_id: str, answer: Any) -> bool:
    """Whether ``answer`` is right for question ``question_id``.

    An answer of the wrong shape (no choice, an option that does not exist,
    text that is not a number) is never right. Raises KeyError for an unknown
    question id.
    """
    q = question(question_id)
    if q.kind == "single":
        return not isinstance(answer, bool) and isinstance(answer, Integral) and int(answer) == q.answer
    if q.kind == "multi":
        return _indices(answer, q.n_options) == q.answer
    val = parse_number(answer)
    # the small slack absorbs float rounding at the edge of the tolerance
    return val is not None and abs(val - q.answer) <= q.tol + 1e-12


def score(answers: Mapping[str, Any]) -> tuple[int, int]:
    """``(correct, total)`` for a mapping question id -> answer.

    ``total`` is the number of questions in the quiz; unanswered questions
    count as not correct. Raises KeyError for an unknown question id.
    """
    correct = 0
    for qid, ans in answers.items():
        if check(qid, ans):
            correct += 1
    return correct, len(QUESTIONS)


def correct_answer(question_id: str):
    """The right answer, in the shape :func:`check` accepts."""
    q = question(question_id)
    return set(q.answer) if q.kind == "multi" else q.answer


def input_keys(q: Question, prefix: str) -> list[str]:
    """The widget keys of a question's inputs under ``prefix``: one, or a tick box per option."""
    return [f"{prefix}_{q.id}_{i}" for i in range(q.n_options)] if q.kind == "multi" else [f"{prefix}_{q.id}"]


def answer_from(question_id: str, inputs: Sequence) -> Any:
    """The answer a question's inputs hold, or None if none is given:
    ``inputs`` are a tick per option (``multi``) or the one input's value."""
    q = question(question_id)
    if q.kind == "multi":
        return [i for i, ticked in enumerate(inputs) if ticked] or None
    return inputs[0] if inputs else None


def inputs_for(question_id: str, answer: Any) -> list:
    """What each input of the question shows for a recorded ``answer`` (the
    inverse of :func:`answer_from`)."""
    q = question(question_id)
    if q.kind == "multi":
        return [i in set(answer) for i in range(q.n_options)]
    return [answer]


def answer_text(question_id: str, answer: Any, translate: Callable[[str], str], *, correct: bool = False) -> str:
    """``answer`` as the reader sees it: the chosen options' texts
    (``translate`` turns a message key into text), or the number; the correct
    number is written to the question's precision."""
    q = question(question_id)
    if q.kind == "single":
        return translate(q.options[answer])
    if q.kind == "multi":
        return "; ".join(translate(q.options[i]) for i in sorted(answer))
    val = parse_number(answer)
    return f"{val:.{q.decimals}f}" if correct else f"{val:g}"


def to_review(answers: Mapping[str, Any]) -> list[str]:
    """The sections that explain the wrongly answered questions, each once, in
    the order the answers were given."""
    return list(dict.fromkeys(question(qid).section for qid, a in answers.items() if not check(qid, a)))


class Sheet:
    """One learner's quiz: the first answer given to each question (question id
    -> answer, in the order given) and, per question checked without an
    answer, the message asking for one."""

    def __init__(self) -> None:
        self.answers: dict[str, Any] = {}
        self.notices: dict[str, str] = {}

    def submit(self, question_id: str, inputs: Sequence) -> None:
        """Record the answer ``inputs`` hold (see :func:`answer_from`), unless one
        is recorded already; with none given, a notice instead."""
        ans = answer_from(question_id, inputs)
        if ans is None:
            self.notices[question_id] = question(question_id).need
            return
        self.notices.pop(question_id, None)
        self.answers.setdefault(question_id, ans)

    def reset(self) -> None:
        self.answers.clear()
        self.notices.clear()
