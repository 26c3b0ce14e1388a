"""A course's participant evaluation: the provider's questions (from ``course.toml``), what
makes a set of answers valid, and the anonymous report (pure: plain data in and out).

CE accreditors require that participants evaluate a course. The answers are anonymous to
instructors: they are stored without the learner, and a report (or a cohort's part of it)
shows nothing until at least ``minimum`` learners answered, so no one can be picked out.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course_app.i18n import N_

RATING, TEXT = "rating", "text"
KINDS = (RATING, TEXT)
#: A rating question's scale, 1 to 5, in the words learners choose from (translated where
#: shown; the report's CSV keeps them in English).
SCALE = {
    1: N_("Strongly disagree"),
    2: N_("Disagree"),
    3: N_("Neither agree nor disagree"),
    4: N_("Agree"),
    5: N_("Strongly agree"),
}
MAX_QUESTIONS = 20
MAX_PROMPT = 300
#: The longest free-text answer kept (a comment, not an essay).
MAX_ANSWER = 2000


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    kind: str = RATING
    required: bool = True


class AnswersRefused(ValueError):
    """Answers that do not fit the questions; ``problems`` maps a question key to why."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def questions_of(stored: Iterable[Mapping[str, Any]]) -> tuple[Question, ...]:
    """The questions as a course row stores them (a JSON list of dicts)."""
    return tuple(
        Question(q["key"], q["prompt"], q.get("kind", RATING), q.get("required", True))
        for q in stored
    )


def clean_answers(questions: Sequence[Question], raw: Mapping[str, str]) -> dict[str, Any]:
    """The answers to keep: a rating as 1–5, a comment stripped; unanswered optional
    questions left out. Raises :class:`AnswersRefused` naming each question at fault."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in questions:
        value = (raw.get(question.key) or "").strip()
        if not value:
            if question.required:
                problems[question.key] = N_("Please answer this question.")
            continue
        if question.kind == RATING:
            if value not in {str(n) for n in SCALE}:
                problems[question.key] = N_("Choose one of the five answers.")
                continue
            answers[question.key] = int(value)
        elif len(value) > MAX_ANSWER:
            problems[question.key] = f"Keep it under {MAX_ANSWER} characters."
        else:
            answers[question.key] = value
    if problems:
        raise AnswersRefused(problems)
    return answers


@dataclass(frozen=True)
class QuestionSummary:
    question: Question
    #: Rating questions: how many chose each point of the scale (1–5), and the mean.
    counts: tuple[int, ...] = ()
    mean: float | None = None
    #: Text questions: the comments, sorted (never in the order they came in).
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """One group's answers (a course, or one cohort of it)."""

    responses: int
    minimum: int
    summaries: tuple[QuestionSummary, ...] = ()

    @property
    def shown(self) -> bool:
        """Enough learners answered that no one can be identified."""
        return self.responses >= self.minimum


def report(
    questions: Sequence[Question], responses: Sequence[Mapping[str, Any]], minimum: int
) -> Report:
    """Summarise the answers, or only count them while fewer than ``minimum`` (at least
    one) came in."""
    minimum = max(1, minimum)
    if len(responses) < minimum:
        return Report(len(responses), minimum)
    return Report(len(responses), minimum, tuple(_summary(q, responses) for q in questions))


def _summary(question: Question, responses: Sequence[Mapping[str, Any]]) -> QuestionSummary:
    given = [r[question.key] for r in responses if question.key in r]
    if question.kind == TEXT:
        return QuestionSummary(question, comments=tuple(sorted(str(v) for v in given)))
    counted = Counter(int(v) for v in given)
    mean = round(sum(counted[n] * n for n in SCALE) / len(given), 2) if given else None
    return QuestionSummary(question, tuple(counted[n] for n in SCALE), mean)
