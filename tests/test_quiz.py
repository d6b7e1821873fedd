"""The quiz's answers are judged by the code that scores them (advlab.quiz)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from advlab import quiz
from advlab.i18n import TABLES

QS = quiz.QUESTIONS
SINGLE = [q for q in QS if q.kind == "single"]
MULTI = [q for q in QS if q.kind == "multi"]
NUMBER = [q for q in QS if q.kind == "number"]
LEARN_SECTIONS = {"threat", "inner", "fgsm", "pgd", "deepfool", "cw", "advtrain", "attackers", "faq_why", "faq_how",
                  "faq_where"}


def ids(qs):
    return [q.id for q in qs]


def test_quiz_has_enough_questions_of_every_kind():
    assert len(QS) >= 10
    assert SINGLE and MULTI and NUMBER
    assert len(set(ids(QS))) == len(QS)


@pytest.mark.parametrize("q", QS, ids=ids(QS))
def test_every_string_of_a_question_exists_in_both_languages(q):
    for key in (q.text, q.explanation, *q.options):
        for lang in ("en", "zh"):
            assert TABLES[lang].get(key), f"{key} missing in {lang}"
    # the explanation names the section to review, which must exist on the page
    assert q.section in LEARN_SECTIONS


@pytest.mark.parametrize("q", SINGLE, ids=ids(SINGLE))
def test_single_choice_accepts_the_answer_and_rejects_every_other_option(q):
    assert 0 <= q.answer < q.n_options
    assert quiz.check(q.id, q.answer)
    assert quiz.check(q.id, np.int64(q.answer))  # widgets may hand back NumPy integers
    for wrong in set(range(q.n_options)) - {q.answer}:
        assert not quiz.check(q.id, wrong), f"option {wrong} accepted for {q.id}"


@pytest.mark.parametrize("q", SINGLE, ids=ids(SINGLE))
def test_single_choice_rejects_malformed_answers(q):
    for bad in (None, str(q.answer), float(q.answer), [q.answer], True, -1, q.n_options):
        assert not quiz.check(q.id, bad), bad


@pytest.mark.parametrize("q", MULTI, ids=ids(MULTI))
def test_multiple_choice_needs_exactly_the_correct_set(q):
    right = set(q.answer)
    assert right and right != set(range(q.n_options)), "a select-all question must not be all-or-nothing"
    assert quiz.check(q.id, right)
    assert quiz.check(q.id, sorted(right, reverse=True))  # order does not matter
    for wrong in set(range(q.n_options)) - right:
        assert not quiz.check(q.id, right | {wrong}), f"extra wrong option {wrong} accepted for {q.id}"
        assert not quiz.check(q.id, {wrong})
    for missing in right:
        assert not quiz.check(q.id, right - {missing}), f"answer without option {missing} accepted for {q.id}"
    assert not quiz.check(q.id, set())
    assert not quiz.check(q.id, set(range(q.n_options)))
    assert not quiz.check(q.id, None)
    assert not quiz.check(q.id, "".join(map(str, sorted(right))))
    assert not quiz.check(q.id, right | {q.n_options})


@pytest.mark.parametrize("q", NUMBER, ids=ids(NUMBER))
def test_numeric_answer_within_tolerance_only(q):
    assert quiz.check(q.id, q.answer)
    assert quiz.check(q.id, q.answer + 0.9 * q.tol)
    assert quiz.check(q.id, q.answer - 0.9 * q.tol)
    assert quiz.check(q.id, f"{q.answer:.{q.decimals}f}")
    assert quiz.check(q.id, f"{q.answer:.{q.decimals}f}".replace(".", ","))  # decimal comma
    off = 2 * q.tol + 0.01
    assert not quiz.check(q.id, q.answer + off)
    assert not quiz.check(q.id, q.answer - off)
    for bad in (None, "", "abc", math.nan, math.inf, True, [q.answer]):
        assert not quiz.check(q.id, bad), bad


def test_numeric_answers_match_the_maths_they_ask_about():
    rng = np.random.default_rng(0)
    grad = rng.normal(size=20)  # no exact zeros
    delta = 0.1 * np.sign(grad)  # FGSM with eps = 0.1 on 20 features
    assert quiz.check("fgsm_step", float(np.abs(delta).max()))
    assert np.allclose(np.abs(delta), 0.1)
    assert quiz.check("fgsm_l2", float(np.linalg.norm(delta)))
    assert not quiz.check("fgsm_l2", 0.1)  # the L2 length is not epsilon
    # DeepFool on f(x) = 3 x1 + 4 x2 - 5 from (2, 1): the step lands on the boundary
    w, b, x = np.array([3.0, 4.0]), -5.0, np.array([2.0, 1.0])
    r = -(w @ x + b) / (w @ w) * w
    assert abs(w @ (x + r) + b) < 1e-12
    assert quiz.check("deepfool", float(np.linalg.norm(r)))


def test_score_counts_correct_answers_over_all_questions():
    right = {q.id: quiz.correct_answer(q.id) for q in QS}
    assert quiz.score(right) == (len(QS), len(QS))
    assert quiz.score({}) == (0, len(QS))
    wrong_single = {q.id: (q.answer + 1) % q.n_options for q in SINGLE}
    assert quiz.score(wrong_single) == (0, len(QS))
    mixed = dict(wrong_single)
    mixed[SINGLE[0].id] = SINGLE[0].answer
    mixed[NUMBER[0].id] = NUMBER[0].answer
    mixed[MULTI[0].id] = set(MULTI[0].answer)
    assert quiz.score(mixed) == (3, len(QS))
    mixed[MULTI[0].id] = set()  # an empty selection is not right
    assert quiz.score(mixed) == (2, len(QS))


def test_unknown_question_is_an_error_not_a_silent_zero():
    with pytest.raises(KeyError, match="unknown quiz question"):
        quiz.check("nope", 1)
    with pytest.raises(KeyError):
        quiz.score({"nope": 1})


def _plain(x: float, decimals: int) -> str:
    """``x`` as a reader writes it: 1, 0.1, 0.447."""
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".")


@pytest.mark.parametrize("q", NUMBER, ids=ids(NUMBER))
def test_numeric_explanation_arrives_at_the_accepted_answer(q):
    shown = _plain(q.answer, q.decimals)
    number = re.compile(rf"(?<![\d.]){re.escape(shown)}(?!\d|\.\d)")
    for lang in ("en", "zh"):
        assert number.search(TABLES[lang][q.explanation]), f"{lang}: the explanation never reaches {shown}"


def test_deepfool_question_asks_for_the_distance_without_the_overshoot():
    # the explanation mentions the 1.02 overshoot: the question must say it is not part of the answer
    assert "overshoot" in TABLES["en"]["ln_q_deepfool"]
    assert "过冲" in TABLES["zh"]["ln_q_deepfool"]
    assert quiz.check("deepfool", 1.0)
    assert not quiz.check("deepfool", 1.02)


def test_danskin_is_not_oversold():
    # the gradient at an attack's output is only approximately the gradient of the inner maximum
    assert "approximately" in TABLES["en"]["ln_q_advtrain_why"]
    assert "近似" in TABLES["zh"]["ln_q_advtrain_why"]
