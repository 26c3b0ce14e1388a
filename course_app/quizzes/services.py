"""Use cases of assessment: start, save, submit and review attempts; set extra time.

Services take a session and plain data, raise :class:`QuizError` for anything a learner can
get wrong (the view shows the message; the request's transaction is rolled back), and never
commit. Saving and submitting claim the attempt with a conditional UPDATE, so two concurrent
submits grade it once and a save can never land after a submit.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.exceptions import DomainError
from course_app.modules.models import CourseModule
from course_app.modules.services import CourseStatus
from course_app.progress import final_exam_block_reason
from course_app.quizzes.draw import BlueprintRow, PoolQuestion, draw_questions
from course_app.quizzes.grading import (
    AttemptResult,
    GradableItem,
    GradingRules,
    QuestionType,
    Scoring,
    grade_attempt,
)
from course_app.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptItem,
    AttemptRegrade,
    Question,
    QuestionVersion,
    Quiz,
    Regrade,
)
from course_app.quizzes.rules import (
    AttemptStatus,
    AttemptSummary,
    FeedbackPolicy,
    StartPolicy,
    attempt_deadline,
    is_past_grace,
    shows_feedback,
    start_block_reason,
)

#: Posted answers: {item position: chosen option keys}.
Responses = Mapping[int, Sequence[str]]


class QuizError(DomainError):
    """Something the learner asked for that cannot be done; nothing was changed."""


class AttemptClosed(QuizError):
    pass


@dataclass(frozen=True)
class QuizStatus:
    """A quiz as one learner sees it: their attempts and whether they may start one."""

    quiz: Quiz
    attempts: list[Attempt]  # oldest first
    block_reason: str | None

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.is_open), None)

    @property
    def has_passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def best_score(self) -> float | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def shows_feedback(self) -> bool:
        return shows_feedback(FeedbackPolicy(self.quiz.feedback), self.has_passed)


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


def find_quiz(session: Session, course_id: int, slug: str) -> Quiz | None:
    query = select(Quiz).where(Quiz.course_id == course_id, Quiz.slug == slug, ~Quiz.is_archived)
    return session.scalar(query)


def quiz_status(
    session: Session, user_id: int, quiz: Quiz, course: CourseStatus, now: datetime
) -> QuizStatus:
    """The learner's attempts (closing any whose time ran out) and the reason to wait, if any."""
    attempts = _attempts(session, user_id, quiz.id)
    for attempt in attempts:
        close_if_expired(session, attempt, now)
    summaries = [_summary(a) for a in attempts]
    policy = StartPolicy(quiz.max_attempts, timedelta(minutes=quiz.cooldown_minutes))
    reason = start_block_reason(summaries, policy, now, _unmet_requirement(quiz, course))
    return QuizStatus(quiz, attempts, reason)


def _attempts(session: Session, user_id: int, quiz_id: int) -> list[Attempt]:
    query = (
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
        .order_by(Attempt.number)
    )
    return list(session.scalars(query))


def _summary(attempt: Attempt) -> AttemptSummary:
    return AttemptSummary(AttemptStatus(attempt.status), attempt.passed, attempt.finished_at)


def _unmet_requirement(quiz: Quiz, course: CourseStatus) -> str | None:
    if course.lock_reason:
        return course.lock_reason
    if not course.is_enrolled:
        return "Enrol in this course to take its quizzes."
    if quiz.is_final_exam:
        return final_exam_block_reason(course.progress)
    return None


def start_attempt(session: Session, user_id: int, status: QuizStatus, now: datetime) -> Attempt:
    """Start an attempt, or return the one in progress. Raises QuizError with the reason."""
    if status.open_attempt is not None:
        return status.open_attempt
    if status.block_reason is not None:
        raise QuizError(status.block_reason)
    quiz = status.quiz
    multiplier = _time_multiplier(session, user_id)
    attempt = Attempt(
        user_id=user_id,
        quiz_id=quiz.id,
        number=len(status.attempts) + 1,
        seed=secrets.randbits(62),
        status=AttemptStatus.IN_PROGRESS,
        started_at=now,
        deadline=attempt_deadline(now, quiz.time_limit_minutes, multiplier),
        settings=settings_snapshot(quiz),
        time_multiplier=multiplier,
    )
    return _insert_attempt(session, attempt, _draw(session, quiz, attempt.seed))


def settings_snapshot(quiz: Quiz) -> dict[str, Any]:
    """What the attempt is judged and shown by, fixed when it starts."""
    return {
        "pass_mark": quiz.pass_mark,
        "scoring": quiz.scoring,
        "must_pass_fails_attempt": quiz.must_pass_fails_attempt,
        "feedback": quiz.feedback,
        "time_limit_minutes": quiz.time_limit_minutes,
        "max_attempts": quiz.max_attempts,
        "cooldown_minutes": quiz.cooldown_minutes,
    }


def _insert_attempt(session: Session, attempt: Attempt, items: list[AttemptItem]) -> Attempt:
    """Insert; if a concurrent start won the race, return its attempt instead."""
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
            for item in items:
                item.attempt_id = attempt.id
            session.add_all(items)
            session.flush()
    except IntegrityError:
        winner = session.scalar(
            select(Attempt).where(
                Attempt.user_id == attempt.user_id,
                Attempt.quiz_id == attempt.quiz_id,
                Attempt.status == AttemptStatus.IN_PROGRESS,
            )
        )
        if winner is None:
            raise
        return winner
    return attempt


def _time_multiplier(session: Session, user_id: int) -> float:
    query = select(Accommodation.time_multiplier).where(Accommodation.user_id == user_id)
    return session.scalar(query) or 1.0


def _draw(session: Session, quiz: Quiz, seed: int) -> list[AttemptItem]:
    """The attempt's questions: current versions drawn by the quiz's blueprint."""
    rows = session.execute(
        select(QuestionVersion, Question.key, CourseModule.slug)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(CourseModule, CourseModule.id == Question.module_id)
        .where(
            QuestionVersion.number == Question.version,
            Question.course_id == quiz.course_id,
            ~Question.is_archived,
            ~CourseModule.is_archived,
            *([Question.module_id == quiz.module_id] if quiz.module_id else []),
        )
        .order_by(CourseModule.position, Question.id)
    )
    versions, pool = {}, []
    for version, key, module_slug in rows:
        versions[key] = version
        options = tuple(option["key"] for option in version.options)
        pool.append(PoolQuestion(key, module_slug, version.objective, version.case_key, options))
    blueprint = [BlueprintRow(**row) for row in quiz.blueprint]
    drawn = draw_questions(pool, blueprint, seed, quiz.shuffle_questions, quiz.shuffle_options)
    if not drawn:
        raise QuizError("This quiz has no questions yet. Please try again later.")
    return [
        AttemptItem(
            position=n, question_version_id=versions[d.key].id, option_order=list(d.option_order)
        )
        for n, d in enumerate(drawn, start=1)
    ]


def load_attempt(session: Session, user_id: int, attempt_id: int) -> Attempt | None:
    """The learner's own attempt, or None: another learner's attempt does not exist for them."""
    query = select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
    return session.scalar(query)


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


def has_passed(session: Session, user_id: int, quiz_id: int) -> bool:
    query = select(Attempt.id).where(
        Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.passed
    )
    return session.scalar(query.limit(1)) is not None


def shows_feedback_for(session: Session, attempt: Attempt) -> bool:
    """Per-question feedback on a graded attempt, by the policy the attempt started under."""
    policy = FeedbackPolicy(attempt.settings["feedback"])
    return shows_feedback(policy, has_passed(session, attempt.user_id, attempt.quiz_id))


def regrades_of(session: Session, attempt_id: int) -> list[AttemptRegrade]:
    """The regrades that changed an attempt, oldest first (shown with its result)."""
    query = (
        select(AttemptRegrade)
        .join(Regrade, Regrade.id == AttemptRegrade.regrade_id)
        .where(AttemptRegrade.attempt_id == attempt_id)
        .order_by(Regrade.at)
    )
    return list(session.scalars(query))
