"""Grading, as pure functions: one grader per question type, in a registry.

A grader gets the right answer and the learner's answer as sets of option keys and returns a
score in [0, 1]. Option order never enters grading, so shuffling cannot change a score.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true-false"


class Scoring(StrEnum):
    """How a multiple-response item is scored (set per quiz)."""

    ALL_OR_NOTHING = "all-or-nothing"
    PARTIAL = "partial"


Grader = Callable[[frozenset[str], frozenset[str], Scoring], float]


def grade_one_best(correct: frozenset[str], chosen: frozenset[str], _scoring: Scoring) -> float:
    """Single best answer and true/false: full marks for exactly the right option."""
    return 1.0 if chosen == correct else 0.0


def grade_multiple(correct: frozenset[str], chosen: frozenset[str], scoring: Scoring) -> float:
    """Select all that apply.

    All-or-nothing: full marks only for exactly the right set. Partial: each right option
    chosen earns 1/n (n = number of right options), each wrong option chosen costs 1/n, and
    the item never scores below zero — so ticking every box earns nothing.
    """
    if scoring is Scoring.ALL_OR_NOTHING or not correct:
        return 1.0 if chosen == correct else 0.0
    hits = len(chosen & correct)
    false_alarms = len(chosen - correct)
    return max(0.0, (hits - false_alarms) / len(correct))


GRADERS: Mapping[QuestionType, Grader] = {
    QuestionType.SINGLE: grade_one_best,
    QuestionType.TRUE_FALSE: grade_one_best,
    QuestionType.MULTIPLE: grade_multiple,
}


@dataclass(frozen=True)
class GradableItem:
    key: str
    type: QuestionType
    correct: frozenset[str]
    chosen: frozenset[str]
    must_pass: bool


@dataclass(frozen=True)
class GradingRules:
    """What an attempt is judged by; snapshotted into the attempt when it starts."""

    pass_mark: int  # percent
    scoring: Scoring
    must_pass_fails_attempt: bool


@dataclass(frozen=True)
class AttemptResult:
    item_scores: tuple[float, ...]
    score: float  # 0..1, the mean of the item scores
    passed: bool
    failed_must_pass: tuple[str, ...]  # keys of must-pass items not fully right


def grade_item(item: GradableItem, scoring: Scoring) -> float:
    return GRADERS[item.type](item.correct, item.chosen, scoring)


def grade_attempt(items: Sequence[GradableItem], rules: GradingRules) -> AttemptResult:
    """Score every item, then decide pass or fail by the pass mark and the must-pass rule."""
    scores = tuple(grade_item(item, rules.scoring) for item in items)
    score = sum(scores) / len(scores) if scores else 0.0
    failed = tuple(
        item.key for item, value in zip(items, scores, strict=True) if item.must_pass and value < 1
    )
    reaches_mark = score_percent(score) >= rules.pass_mark
    passed = reaches_mark and not (failed and rules.must_pass_fails_attempt)
    return AttemptResult(scores, score, passed, failed)


def score_percent(score: float) -> float:
    """A score as a percentage, rounded to one decimal so that 0.8 is exactly 80.0."""
    return round(score * 100, 1)


@dataclass(frozen=True)
class ObjectiveScore:
    """How an attempt went on one learning objective: what a final exam shows instead of its
    key."""

    objective: str
    earned: float  # the sum of its questions' scores
    questions: int

    @property
    def score(self) -> float:
        return self.earned / self.questions if self.questions else 0.0


def objective_breakdown(scored: Sequence[tuple[str, float | None]]) -> list[ObjectiveScore]:
    """Per objective (in first-seen order): the questions and the score earned on them; an
    unanswered question counts as zero."""
    totals: dict[str, list[float]] = {}
    for objective, score in scored:
        totals.setdefault(objective, []).append(score or 0.0)
    return [ObjectiveScore(name, sum(scores), len(scores)) for name, scores in totals.items()]
