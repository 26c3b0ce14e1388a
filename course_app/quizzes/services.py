"""Use cases of assessment before answering: a quiz's status for a learner, starting an
attempt (drawn from the blueprint), extra time, and what a finished attempt shows.

Answering (saving, submitting, grading, closing on time) is in :mod:`answering`. Services take
a session and plain data, raise :class:`QuizError` for anything a learner can get wrong, and
never commit.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course_app.modules.localized import text_of
from course_app.modules.models import CourseModule
from course_app.modules.services import CourseStatus
from course_app.progress import final_exam_block_reason
from course_app.quizzes import allowances
from course_app.quizzes.answering import QuizError, close_if_expired
from course_app.quizzes.draw import BlueprintRow, PoolQuestion, Topic, draw_questions
from course_app.quizzes.grading import ObjectiveScore, objective_breakdown
from course_app.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptItem,
    AttemptRegrade,
    Question,
    QuestionVersion,
    Quiz,
    Regrade,
    is_current_version,
)
from course_app.quizzes.rules import (
    AttemptStatus,
    AttemptSummary,
    FeedbackPolicy,
    StartPolicy,
    attempt_deadline,
    shows_feedback,
    start_block_reason,
    utc_text,
)
from course_app.xapi import events as xapi_events


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


def find_quiz(session: Session, course_id: int, slug: str) -> Quiz | None:
    query = select(Quiz).where(Quiz.course_id == course_id, Quiz.slug == slug, ~Quiz.is_archived)
    return session.scalar(query)


def module_quizzes(session: Session, course_id: int) -> dict[str, Quiz]:
    """The course's live module quizzes by module slug, in course order."""
    rows = session.execute(
        select(CourseModule.slug, Quiz)
        .join(Quiz, Quiz.module_id == CourseModule.id)
        .where(Quiz.course_id == course_id, ~Quiz.is_archived, ~CourseModule.is_archived)
        .order_by(CourseModule.position)
    )
    return {slug: quiz for slug, quiz in rows}


def quiz_status(
    session: Session,
    user_id: int,
    quiz: Quiz,
    course: CourseStatus,
    now: datetime,
    show_time: Callable[[datetime], str] = utc_text,
) -> QuizStatus:
    """The learner's attempts (closing any whose time ran out) and the reason to wait, if any
    (its times written by ``show_time``)."""
    attempts = _attempts(session, user_id, quiz.id)
    for attempt in attempts:
        close_if_expired(session, attempt, now)
    summaries = [_summary(a) for a in attempts]
    allowance = allowances.allowance_of(session, user_id, quiz.id)
    policy = StartPolicy(
        quiz.max_attempts,
        timedelta(minutes=quiz.cooldown_minutes),
        allowance.extra_attempts,
        allowance.cooldown_lifted_at,
        refers_to_instructor=quiz.is_final_exam,
    )
    reason = start_block_reason(summaries, policy, now, _unmet_requirement(quiz, course), show_time)
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
    started = _insert_attempt(session, attempt, _draw(session, quiz, attempt.seed))
    if started is attempt:  # not a concurrent start's attempt, whose request records it
        course = quiz.course
        ref = xapi_events.QuizRef(course.slug, course.title, quiz.slug, quiz.title)
        xapi_events.quiz_attempted(session, user_id, ref, attempt.number, now)
    return started


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
    """The attempt's questions: current versions of the quiz's own bank, drawn by its
    blueprint with every required question and topic (see :mod:`draw`)."""
    versions = {}
    pool = []
    for version, question in quiz_pool(session, quiz):
        versions[question.key] = version
        pool.append(question)
    blueprint = [BlueprintRow(**row) for row in quiz.blueprint]
    topics = required_topics_of(session, quiz)
    drawn = draw_questions(pool, blueprint, seed, quiz.shuffle_questions, topics)
    if not drawn:
        raise QuizError("This quiz has no questions yet. Please try again later.")
    return [
        AttemptItem(
            position=n, question_version_id=versions[d.key].id, option_order=list(d.option_order)
        )
        for n, d in enumerate(drawn, start=1)
    ]


def quiz_pool(session: Session, quiz: Quiz) -> list[tuple[QuestionVersion, PoolQuestion]]:
    """The questions a quiz draws from: the current versions of its own bank's live questions,
    in module order."""
    rows = session.execute(
        select(QuestionVersion, Question.key, CourseModule.slug)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(CourseModule, CourseModule.id == Question.module_id)
        .where(
            QuestionVersion.number == Question.version,
            Question.quiz_id == quiz.id,
            ~Question.is_archived,
            ~CourseModule.is_archived,
        )
        .order_by(CourseModule.position, Question.id)
    )
    return [(version, _pool_question(version, key, slug)) for version, key, slug in rows]


def _pool_question(version: QuestionVersion, key: str, module_slug: str) -> PoolQuestion:
    return PoolQuestion(
        key,
        module_slug,
        version.objective,
        version.case_key,
        tuple(option["key"] for option in version.options),
        version.topic,
        version.required,
        version.must_pass,
    )


def required_topics_of(session: Session, quiz: Quiz) -> list[Topic]:
    """The topics every attempt of ``quiz`` includes: for a module quiz those it declares (its
    must-pass topics come with its pool); for a final exam every module's declared and
    must-pass topics."""
    modules = select(Quiz.module_id, Quiz.required_topics, CourseModule.slug).join(
        CourseModule, CourseModule.id == Quiz.module_id
    )
    if quiz.module_id is not None:
        modules = modules.where(Quiz.id == quiz.id)
    else:
        modules = modules.where(Quiz.course_id == quiz.course_id, ~Quiz.is_archived)
    declared = [(slug, t) for _id, topics, slug in session.execute(modules) for t in topics]
    if quiz.module_id is not None:
        return declared
    must_pass = session.execute(
        select(CourseModule.slug, QuestionVersion.topic)
        .join(Question, is_current_version())
        .join(Quiz, Quiz.id == Question.quiz_id)
        .join(CourseModule, CourseModule.id == Question.module_id)
        .where(
            Quiz.course_id == quiz.course_id,
            Quiz.module_id.is_not(None),
            ~Question.is_archived,
            QuestionVersion.must_pass,
            QuestionVersion.topic.is_not(None),
        )
        .distinct()
    )
    return declared + [(slug, topic) for slug, topic in must_pass]


def load_attempt(session: Session, user_id: int, attempt_id: int) -> Attempt | None:
    """The learner's own attempt, or None: another learner's attempt does not exist for them."""
    return session.scalar(_own_attempt_query(), {"attempt_id": attempt_id, "user_id": user_id})


@cache  # every autosave runs it: built once
def _own_attempt_query():
    return select(Attempt).where(
        Attempt.id == bindparam("attempt_id"), Attempt.user_id == bindparam("user_id")
    )


def has_passed(session: Session, user_id: int, quiz_id: int) -> bool:
    query = select(Attempt.id).where(
        Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.passed
    )
    return session.scalar(query.limit(1)) is not None


def shows_feedback_for(session: Session, attempt: Attempt) -> bool:
    """Per-question feedback on a graded attempt, by the policy the attempt started under."""
    policy = FeedbackPolicy(attempt.settings["feedback"])
    return shows_feedback(policy, has_passed(session, attempt.user_id, attempt.quiz_id))


def objective_scores(session: Session, attempt: Attempt) -> list[ObjectiveScore]:
    """A graded attempt's score per learning objective, named as its module's quiz names it."""
    rows = session.execute(
        select(Question.module_id, QuestionVersion.objective, AttemptItem.score)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
    ).all()
    quizzes = session.execute(
        select(Quiz.module_id, Quiz.objectives, Quiz.translations).where(
            Quiz.course_id == attempt.quiz.course_id
        )
    ).all()
    # Named in the reader's language when the quiz has its objectives in it.
    texts = {row.module_id: text_of(row).get("objectives") or row.objectives for row in quizzes}
    scored = sorted(
        ((texts.get(module, {}).get(key, key), score) for module, key, score in rows),
        key=lambda pair: pair[0],
    )
    return objective_breakdown(scored)


def regrades_of(session: Session, attempt_id: int) -> list[AttemptRegrade]:
    """The regrades that changed an attempt, oldest first (shown with its result)."""
    query = (
        select(AttemptRegrade)
        .join(Regrade, Regrade.id == AttemptRegrade.regrade_id)
        .where(AttemptRegrade.attempt_id == attempt_id)
        .order_by(Regrade.at)
    )
    return list(session.scalars(query))
