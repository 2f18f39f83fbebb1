"""The six C-SSRS screener questions (past month) and how their answers set the safety level.

Source: CLINICAL.md §5, Columbia "Clinical Triage Guidelines" [C]. If question 2 is "no", the
screener skips to question 6. Imminent risk: yes to question 4 or 5, or any suicidal behaviour
in the past 3 months. Other positive answers mean referral (the level stays "ideation").

The wording is a plain-language rendering of each question; the licence terms of the official
wording are unconfirmed (CLINICAL.md [U]), so an admin should replace it with the licensed text
before clinical use. This is data with one small rule, kept apart from the scoring engine
because it sets a safety level rather than a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["QUESTIONS", "Question", "evidence", "level_for", "next_question"]


@dataclass(frozen=True)
class Question:
    id: str
    text: str | Promise
    imminent_if_yes: bool = False


QUESTIONS: tuple[Question, ...] = (
    Question(
        "q1",
        _(
            "In the past month, have you wished you were dead or wished you could go to sleep "
            "and not wake up?"
        ),
    ),
    Question("q2", _("In the past month, have you had any actual thoughts of killing yourself?")),
    Question("q3", _("In the past month, have you been thinking about how you might do this?")),
    Question(
        "q4",
        _(
            "In the past month, have you had these thoughts and had some intention of acting "
            "on them?"
        ),
        imminent_if_yes=True,
    ),
    Question(
        "q5",
        _(
            "In the past month, have you started to work out or worked out the details of how "
            "to kill yourself, and do you intend to carry out this plan?"
        ),
        imminent_if_yes=True,
    ),
    Question(
        "q6",
        _(
            "Have you ever done anything, started to do anything, or prepared to do anything "
            "to end your life?"
        ),
    ),
    Question(
        "q6_recent",
        _("Was any of that in the past 3 months?"),
        imminent_if_yes=True,
    ),
)
BY_ID: Mapping[str, Question] = {q.id: q for q in QUESTIONS}
# Asked only when question 2 is "yes".
_NEEDS_Q2 = frozenset({"q3", "q4", "q5"})
# Asked only when question 6 is "yes".
_NEEDS_Q6 = frozenset({"q6_recent"})


def applicable(question_id: str, answers: Mapping[str, bool]) -> bool:
    if question_id in _NEEDS_Q2:
        return answers.get("q2") is True
    if question_id in _NEEDS_Q6:
        return answers.get("q6") is True
    return True


def next_question(answers: Mapping[str, bool]) -> Question | None:
    """The next question to ask given the answers so far, or None when the screener is done."""
    for question in QUESTIONS:
        if question.id not in answers and applicable(question.id, answers):
            return question
    return None


def position(question_id: str, answers: Mapping[str, bool]) -> tuple[int, int]:
    """(number of this question, number of questions that apply) for "2 of 6"."""
    # Until question 2 is answered "no", all six may apply.
    assumed = {"q2": True, **answers}
    ids = [q.id for q in QUESTIONS if applicable(q.id, assumed)]
    # q6_recent is a follow-up of q6 and shown as part of "6 of 6".
    main = [i for i in ids if i != "q6_recent"]
    shown = "q6" if question_id == "q6_recent" else question_id
    return main.index(shown) + 1, len(main)


def level_for(answers: Mapping[str, bool]) -> str:
    """ "imminent" for intent, a plan, or behaviour in the past 3 months; else "ideation"."""
    for question in QUESTIONS:
        if (
            question.imminent_if_yes
            and applicable(question.id, answers)
            and answers.get(question.id) is True
        ):
            return "imminent"
    return "ideation"


def evidence(answers: Mapping[str, bool]) -> list[dict[str, object]]:
    """The answers that made the level imminent, as evidence for moderators (no free text)."""
    return [
        {"rule": f"cssrs.{q.id}", "question": q.id, "answer": True}
        for q in QUESTIONS
        if q.imminent_if_yes and applicable(q.id, answers) and answers.get(q.id) is True
    ]
