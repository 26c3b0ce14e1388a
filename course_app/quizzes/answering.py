"""Answering an attempt: the questions as shown, saving, submitting and grading, and closing
attempts whose time ran out.

Functions take a session and plain data, raise :class:`QuizError` for anything a learner can
get wrong (the view shows the message; the request's transaction is rolled back), and never
commit. Saving and submitting claim the attempt with a conditional UPDATE, so two concurrent
submits grade it once and a save can never land after a submit.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course_app.exceptions import DomainError
from course_app.quizzes.grading import (
    AttemptResult,
    GradableItem,
    GradingRules,
    QuestionType,
    Scoring,
    grade_attempt,
)
from course_app.quizzes.models import (
    Attempt,
    AttemptItem,
    Question,
    QuestionVersion,
)
from course_app.quizzes.rules import (
    AttemptStatus,
    is_past_grace,
)

#: Posted answers: {item position: chosen option keys}.
Responses = Mapping[int, Sequence[str]]


class QuizError(DomainError):
    """Something the learner asked for that cannot be done; nothing was changed."""


class AttemptClosed(QuizError):
    pass


@dataclass(frozen=True)
class ShownItem:
    """One question of an attempt, with the learner's answer, ready for a template."""

    item: AttemptItem
    version: QuestionVersion
    key: str  # the question's permanent key
    chosen: frozenset[str]

    @property
    def options(self) -> list[dict[str, Any]]:
        by_key = {option["key"]: option for option in self.version.options}
        return [by_key[key] for key in self.item.option_order]

    @property
    def is_multiple(self) -> bool:
        return self.version.type == QuestionType.MULTIPLE


def shown_items(session: Session, attempt: Attempt) -> list[ShownItem]:
    """The attempt's questions in the order shown, with versions and answers (one query)."""
    rows = session.execute(
        select(AttemptItem, QuestionVersion, Question.key)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    )
    return [ShownItem(item, version, key, decode(item.response)) for item, version, key in rows]


@dataclass(frozen=True)
class Slot:
    """What validating and storing an answer needs of one attempt item, and no more."""

    id: int
    position: int
    option_order: tuple[str, ...]
    is_multiple: bool
    response: str | None

    @classmethod
    def of(cls, shown: ShownItem) -> "Slot":
        item = shown.item
        order = tuple(item.option_order)
        return cls(item.id, item.position, order, shown.is_multiple, item.response)


def answer_slots(session: Session, attempt: Attempt) -> list[Slot]:
    """The attempt's items as slots (one query on columns, not whole questions): autosave
    runs on every change a learner makes, so it reads only what it checks."""
    rows = session.execute(
        select(
            AttemptItem.id,
            AttemptItem.position,
            AttemptItem.option_order,
            QuestionVersion.type,
            AttemptItem.response,
        )
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.attempt_id == attempt.id)
    )
    return [
        Slot(
            row.id,
            row.position,
            tuple(row.option_order),
            row.type == QuestionType.MULTIPLE,
            row.response,
        )
        for row in rows
    ]


def decode(response: str | None) -> frozenset[str]:
    return frozenset(response.split(",")) if response else frozenset()


def encode(chosen: Sequence[str]) -> str | None:
    return ",".join(sorted(set(chosen))) or None


def check_responses(slots: Sequence[Slot], responses: Responses) -> dict[int, str | None]:
    """Validate posted answers against the attempt; {item id: encoded answer} for every item.

    An item not posted is unanswered (a cleared checkbox group posts nothing).
    """
    by_position = {slot.position: slot for slot in slots}
    for position, chosen in responses.items():
        slot = by_position.get(position)
        if slot is None:
            raise QuizError(f"Question {position} is not part of this attempt.")
        if not set(chosen) <= set(slot.option_order):
            raise QuizError(f"An answer to question {position} is not one of its options.")
        if len(set(chosen)) > 1 and not slot.is_multiple:
            raise QuizError(f"Question {position} takes one answer only.")
    return {slot.id: encode(responses.get(slot.position, ())) for slot in slots}


def save_answers(session: Session, attempt: Attempt, responses: Responses, now: datetime) -> None:
    """Store the learner's answers so far (the attempt stays open)."""
    if close_if_expired(session, attempt, now):
        raise AttemptClosed("Time is up: the attempt was graded with the answers saved by then.")
    slots = answer_slots(session, attempt)
    encoded = check_responses(slots, responses)
    _claim(session, attempt, {"last_saved_at": now})
    # Every item is written, not only those that differ from what was read: the read is not
    # under the attempt's lock, and the last save a learner sent must win as a whole.
    _write_items(session, {item_id: {"response": value} for item_id, value in encoded.items()})


def _claim(session: Session, attempt: Attempt, values: dict[str, Any]) -> None:
    """Update the attempt only while it is open; the row lock orders concurrent requests."""
    result = session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AttemptClosed("This attempt was already submitted: its answers can no longer change.")


def _write_items(session: Session, values: dict[int, dict[str, Any]]) -> None:
    """One executemany UPDATE, whatever the number of questions."""
    if values:
        rows = [{"id": item_id, **columns} for item_id, columns in values.items()]
        session.execute(update(AttemptItem), rows)


def submit_attempt(
    session: Session, attempt: Attempt, responses: Responses | None, now: datetime
) -> bool:
    """Grade the attempt once. Returns False when it was already graded (a repeat submit).

    Past the deadline and its grace, the posted answers are ignored and the attempt is graded
    with the answers saved in time, as timed out.
    """
    if not attempt.is_open:
        return False
    timed_out = is_past_grace(attempt.deadline, now)
    items = shown_items(session, attempt)
    slots = [Slot.of(shown) for shown in items]
    encoded = {} if timed_out or responses is None else check_responses(slots, responses)
    status = AttemptStatus.TIMED_OUT if timed_out else AttemptStatus.SUBMITTED
    try:
        _claim(session, attempt, {"status": status, "finished_at": now})
    except AttemptClosed:
        return False
    _grade(session, attempt, items, encoded)
    return True


def _grade(
    session: Session, attempt: Attempt, items: list[ShownItem], encoded: dict[int, str | None]
) -> AttemptResult:
    answers = {s.item.id: encoded.get(s.item.id, s.item.response) for s in items}
    gradable = [
        GradableItem(
            s.key,
            QuestionType(s.version.type),
            s.version.correct_keys,
            decode(answers[s.item.id]),
            s.version.must_pass,
        )
        for s in items
    ]
    result = grade_attempt(gradable, grading_rules(attempt.settings))
    _write_items(
        session,
        {
            s.item.id: {"response": answers[s.item.id], "score": score}
            for s, score in zip(items, result.item_scores, strict=True)
        },
    )
    _record_result(session, attempt, result)
    return result


def grading_rules(settings: Mapping[str, Any]) -> GradingRules:
    return GradingRules(
        pass_mark=settings["pass_mark"],
        scoring=Scoring(settings["scoring"]),
        must_pass_fails_attempt=settings["must_pass_fails_attempt"],
    )


def _record_result(session: Session, attempt: Attempt, result: AttemptResult) -> None:
    session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(
            score=result.score,
            passed=result.passed,
            failed_must_pass=list(result.failed_must_pass),
        )
        .execution_options(synchronize_session=False)
    )


def close_if_expired(session: Session, attempt: Attempt, now: datetime) -> bool:
    """Grade an open attempt whose time (plus grace) ran out; True if it was closed now."""
    if not attempt.is_open or not is_past_grace(attempt.deadline, now):
        return False
    graded = submit_attempt(session, attempt, None, now)
    session.refresh(attempt)
    return graded


def close_expired_attempts(session: Session, now: datetime) -> int:
    """Grade every open attempt whose time ran out (for a periodic job); returns how many."""
    query = select(Attempt).where(
        Attempt.status == AttemptStatus.IN_PROGRESS, Attempt.deadline.is_not(None)
    )
    return sum(close_if_expired(session, attempt, now) for attempt in session.scalars(query).all())
