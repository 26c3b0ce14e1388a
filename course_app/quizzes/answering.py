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
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from course_app.db import execute_prepared
from course_app.exceptions import DomainError
from course_app.modules.models import Course
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
    Quiz,
    correct_keys_of,
)
from course_app.quizzes.rules import (
    AttemptStatus,
    is_past_grace,
)
from course_app.xapi import events as xapi_events

#: Posted answers: {item position: the values of the options chosen, as served}.
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
    def of_row(cls, row) -> "Slot":
        """From a row with the columns of ``_slot_columns()``."""
        multiple = row.type == QuestionType.MULTIPLE
        return cls(row.id, row.position, tuple(row.option_order), multiple, row.response)


@dataclass(frozen=True)
class OwnSlots:
    """A learner's attempt as autosave reads it: open or not, its deadline, its items."""

    is_open: bool
    deadline: datetime | None
    slots: list[Slot]


def own_slots(session: Session, user_id: int, attempt_id: int) -> OwnSlots | None:
    """The user's attempt and its items as slots in one query on columns, or None when the
    user has no such attempt. Autosave runs on every change a learner makes: it reads only
    what it checks."""
    params = {"attempt_id": attempt_id, "user_id": user_id}
    rows = execute_prepared(session, _slots_query(), params).all()
    if not rows:
        return None
    slots = [Slot.of_row(row) for row in rows]
    return OwnSlots(rows[0].status == AttemptStatus.IN_PROGRESS, rows[0].deadline, slots)


# Autosave and submit run the statements below on every request: each is built once (building
# one costs about as much as running it) and works on the tables, skipping the ORM's bulk-update
# machinery; like the ORM updates they replace, they leave loaded objects as they were.


def _slot_columns():
    """What :meth:`Slot.of_row` reads (the item joined with its question version)."""
    return (
        AttemptItem.id,
        AttemptItem.position,
        AttemptItem.option_order,
        QuestionVersion.type,
        AttemptItem.response,
    )


@cache
def _slots_query():
    return (
        select(*_slot_columns(), Attempt.status, Attempt.deadline)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.id == bindparam("attempt_id"), Attempt.user_id == bindparam("user_id"))
    )


@cache
def _claim_statement():
    """UPDATE attempts SET <the columns given> WHERE id = :attempt_id AND still open."""
    table = Attempt.__table__
    return update(table).where(
        table.c.id == bindparam("attempt_id"), table.c.status == AttemptStatus.IN_PROGRESS
    )


@cache
def _item_statement():
    """UPDATE attempt_items SET <the columns given> WHERE id = :item_id."""
    table = AttemptItem.__table__
    return update(table).where(table.c.id == bindparam("item_id"))


def decode(response: str | None) -> frozenset[str]:
    return frozenset(response.split(",")) if response else frozenset()


def encode(chosen: Sequence[str]) -> str | None:
    return ",".join(sorted(set(chosen))) or None


def served_value(index: int) -> str:
    """What the page sends for the option shown at ``index`` (0-based): its place on the page.

    The page never carries an option's own key: in the banks the key was usually written
    first, so a key like "a" in the HTML would give the answer away. Options are shuffled per
    attempt, so a place says nothing about correctness, and the server maps it back."""
    return str(index + 1)


def chosen_keys(option_order: Sequence[str], served: Sequence[str]) -> frozenset[str] | None:
    """The option keys behind the values a page sent; None if one is not an option shown."""
    places = {served_value(index): key for index, key in enumerate(option_order)}
    if not all(value in places for value in served):
        return None
    return frozenset(places[value] for value in served)


def check_responses(slots: Sequence[Slot], responses: Responses) -> dict[int, str | None]:
    """Validate posted answers against the attempt; {item id: encoded answer} for every item.

    An item not posted is unanswered (a cleared checkbox group posts nothing).
    """
    by_position = {slot.position: slot for slot in slots}
    answers: dict[int, frozenset[str]] = {}
    for position, served in responses.items():
        slot = by_position.get(position)
        if slot is None:
            raise QuizError(f"Question {position} is not part of this attempt.")
        keys = chosen_keys(slot.option_order, served)
        if keys is None:
            raise QuizError(f"An answer to question {position} is not one of its options.")
        if len(keys) > 1 and not slot.is_multiple:
            raise QuizError(f"Question {position} takes one answer only.")
        answers[position] = keys
    return {slot.id: encode(answers.get(slot.position, ())) for slot in slots}


def save_answers(
    session: Session, user_id: int, attempt_id: int, responses: Responses, now: datetime
) -> bool:
    """Store the learner's answers so far (the attempt stays open). False when the user has
    no such attempt (nothing changed); raises AttemptClosed once it is graded."""
    attempt = own_slots(session, user_id, attempt_id)
    if attempt is None:
        return False
    if attempt.is_open and is_past_grace(attempt.deadline, now):
        close_if_expired(session, session.get(Attempt, attempt_id), now)
        raise AttemptClosed("Time is up: the attempt was graded with the answers saved by then.")
    encoded = check_responses(attempt.slots, responses)
    _claim(session, attempt_id, {"last_saved_at": now})
    # Every item is written, not only those that differ from what was read: the read is not
    # under the attempt's lock, and the last save a learner sent must win as a whole.
    _write_items(session, {item_id: {"response": value} for item_id, value in encoded.items()})
    return True


def _claim(session: Session, attempt_id: int, values: dict[str, Any]) -> None:
    """Update the attempt only while it is open; the row lock orders concurrent requests."""
    result = execute_prepared(session, _claim_statement(), {"attempt_id": attempt_id, **values})
    if result.rowcount != 1:
        raise AttemptClosed("This attempt was already submitted: its answers can no longer change.")


def _write_items(session: Session, values: dict[int, dict[str, Any]]) -> None:
    """One executemany UPDATE, whatever the number of questions."""
    if values:
        rows = [{"item_id": item_id, **columns} for item_id, columns in values.items()]
        execute_prepared(session, _item_statement(), rows)


def submit_attempt(
    session: Session, attempt: Attempt, responses: Responses | None, now: datetime
) -> AttemptResult | None:
    """Grade the attempt once and return its result; None when it was already graded (a
    repeat submit).

    Past the deadline and its grace, the posted answers are ignored and the attempt is graded
    with the answers saved in time, as timed out.
    """
    if not attempt.is_open:
        return None
    timed_out = is_past_grace(attempt.deadline, now)
    items = marking_slots(session, attempt)
    slots = [item.slot for item in items]
    encoded = {} if timed_out or responses is None else check_responses(slots, responses)
    status = AttemptStatus.TIMED_OUT if timed_out else AttemptStatus.SUBMITTED
    answers = {i.slot.id: encoded.get(i.slot.id, i.slot.response) for i in items}
    gradable = [item.gradable(answers[item.slot.id]) for item in items]
    result = grade_attempt(gradable, grading_rules(attempt.settings))
    try:
        # The claim and the result in one UPDATE (one statement less than claiming first):
        # the row lock still comes before any item is written, in the same transaction.
        _claim(session, attempt.id, {"status": status, "finished_at": now, **_result(result)})
    except AttemptClosed:
        return None
    _write_items(
        session,
        {
            i.slot.id: {"response": answers[i.slot.id], "score": score}
            for i, score in zip(items, result.item_scores, strict=True)
        },
    )
    course = _record_learning(session, attempt, items, answers, result, now)
    if result.passed:  # only a pass moves the learner's standing
        from course_app.standing_store import refresh_standing  # it reads quizzes' models

        refresh_standing(session, attempt.user_id, course.id)
    return result


def _record_learning(session, attempt, items, answers, result: AttemptResult, now) -> Course:
    """The xAPI statements of a graded attempt: each answer, then passed or failed. Returns
    the quiz's course (kept in the session for what the request reads next)."""
    quiz, course = session.execute(
        select(Quiz, Course)
        .join(Course, Course.id == Quiz.course_id)
        .where(Quiz.id == attempt.quiz_id)
    ).one()  # both stay in the session: what the request reads of them next costs nothing
    ref = xapi_events.QuizRef(course.slug, course.title, quiz.slug, quiz.title)
    graded = [
        xapi_events.Answer(item.key, score, tuple(sorted(decode(answers[item.slot.id]))))
        for item, score in zip(items, result.item_scores, strict=True)
    ]
    xapi_events.quiz_graded(
        session, attempt.user_id, ref, attempt.number, graded, result.passed, now
    )
    return course


@dataclass(frozen=True)
class MarkingSlot:
    """An attempt item with what marking it needs: its question's key and answer key."""

    slot: Slot
    key: str
    type: QuestionType
    correct_keys: frozenset[str]
    must_pass: bool

    def gradable(self, response: str | None) -> GradableItem:
        return GradableItem(
            self.key, self.type, self.correct_keys, decode(response), self.must_pass
        )


def marking_slots(session: Session, attempt: Attempt) -> list[MarkingSlot]:
    """The attempt's items in the order shown, with their answer keys (one query on columns:
    submit needs no option texts or rationales)."""
    return [
        MarkingSlot(
            Slot.of_row(row),
            row.key,
            QuestionType(row.type),
            correct_keys_of(row.options),
            row.must_pass,
        )
        for row in execute_prepared(session, _marking_query(), {"attempt_id": attempt.id})
    ]


@cache
def _marking_query():
    return (
        select(*_slot_columns(), QuestionVersion.options, QuestionVersion.must_pass, Question.key)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id == bindparam("attempt_id"))
        .order_by(AttemptItem.position)
    )


def grading_rules(settings: Mapping[str, Any]) -> GradingRules:
    return GradingRules(
        pass_mark=settings["pass_mark"],
        scoring=Scoring(settings["scoring"]),
        must_pass_fails_attempt=settings["must_pass_fails_attempt"],
    )


def _result(result: AttemptResult) -> dict[str, Any]:
    """The attempt's columns that hold its result."""
    return {
        "score": result.score,
        "passed": result.passed,
        "failed_must_pass": list(result.failed_must_pass),
    }


def close_if_expired(session: Session, attempt: Attempt, now: datetime) -> bool:
    """Grade an open attempt whose time (plus grace) ran out; True if it was closed now."""
    if not attempt.is_open or not is_past_grace(attempt.deadline, now):
        return False
    graded = submit_attempt(session, attempt, None, now) is not None
    session.refresh(attempt)
    return graded


def close_expired_attempts(session: Session, now: datetime) -> int:
    """Grade every open attempt whose time ran out (for a periodic job); returns how many."""
    query = select(Attempt).where(
        Attempt.status == AttemptStatus.IN_PROGRESS, Attempt.deadline.is_not(None)
    )
    return sum(close_if_expired(session, attempt, now) for attempt in session.scalars(query).all())
