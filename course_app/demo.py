"""A realistic demo dataset, inserted in bulk: ``flask --app course_app seed-demo --learners N``.

Learners enrolled in Level 1 with lesson progress (and the time on task behind it) and graded
attempts (with answers) at its module quizzes, for benchmarks and for trying the instructor
pages. Uses the loaded content; never touches existing rows. Every demo learner's password is
``DEMO_PASSWORD``.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from course_app.auth import passwords
from course_app.auth.models import Role, User
from course_app.db import utcnow
from course_app.modules.models import Course, Enrollment, Lesson, LessonProgress, LessonTime
from course_app.quizzes.answering import grading_rules
from course_app.quizzes.grading import GradableItem, QuestionType, grade_attempt
from course_app.quizzes.models import (
    Attempt,
    AttemptItem,
    Question,
    QuestionVersion,
    Quiz,
    is_current_version,
)
from course_app.quizzes.services import settings_snapshot

DEMO_PASSWORD = "demo password 1234"  # noqa: S105  # nosec B105 - documented demo accounts
BATCH = 5000
ITEMS_PER_ATTEMPT = 6


@dataclass(frozen=True)
class DemoReport:
    learners: int
    attempts: int
    answers: int


def seed_demo(
    session: Session, learners: int, course_slug: str = "dry-needling-level-1", seed: int = 7
) -> DemoReport:
    rng = random.Random(seed)  # noqa: S311  # nosec B311 - demo data, not secrets
    course = session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise ValueError(f"course {course_slug!r} is not loaded: run load-content first")
    user_ids = _insert_learners(session, learners)
    now = utcnow()
    _bulk(
        session,
        Enrollment,
        [{"user_id": u, "course_id": course.id, "enrolled_at": now} for u in user_ids],
    )
    lessons = session.execute(
        select(Lesson.id, Lesson.minutes).where(Lesson.course_id == course.id)
    ).all()
    done = [(u, lesson) for u in user_ids for lesson in lessons if rng.random() < 0.7]
    _bulk(
        session,
        LessonProgress,
        [{"user_id": u, "lesson_id": lesson.id, "completed_at": now} for u, lesson in done],
    )
    _bulk(session, LessonTime, [_time_on_task(u, lesson, rng, now) for u, lesson in done])
    attempts, answers = 0, 0
    for quiz in session.scalars(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.module_id.is_not(None))
    ):
        made, given = _attempts_for(session, quiz, user_ids, rng, now)
        attempts, answers = attempts + made, answers + given
    from course_app.standing_store import recompute_course  # imports the jobs machinery

    recompute_course(session, course)  # bulk rows bypass the services that keep it
    return DemoReport(len(user_ids), attempts, answers)


def _time_on_task(user_id: int, lesson, rng, now) -> dict:
    """Time on task for a completed lesson: from 60 % to 130 % of its declared minutes."""
    seconds = round(lesson.minutes * 60 * rng.uniform(0.6, 1.3))
    return {
        "user_id": user_id,
        "lesson_id": lesson.id,
        "opened_at": now - timedelta(seconds=seconds),
        "last_credit_at": now,
        "active_seconds": seconds,
    }


def _bulk(session: Session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _insert_learners(session: Session, count: int) -> list[int]:
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    tag = secrets.token_hex(3)
    rows = [
        {
            "email": f"learner{n}.{tag}@demo.example",
            "password_hash": password_hash,
            "full_name": f"Demo Learner {n}",
            "role": Role.LEARNER,
            "registration_number": f"PT-{n:06d}",
            "jurisdiction": "ON",
            "regulator": "College of Physiotherapists of Ontario",
            "register_class": "full",
            "session_token": secrets.token_hex(16),
            "is_active": True,
        }
        for n in range(count)
    ]
    _bulk(session, User, rows)
    return list(session.scalars(select(User.id).where(User.email.like(f"%.{tag}@demo.example"))))


def _attempts_for(session: Session, quiz: Quiz, user_ids: list[int], rng, now) -> tuple[int, int]:
    versions = session.scalars(
        select(QuestionVersion)
        .join(Question, is_current_version())
        .where(Question.module_id == quiz.module_id, ~Question.is_archived)
    ).all()[:ITEMS_PER_ATTEMPT]
    if not versions:
        return 0, 0
    settings = settings_snapshot(quiz)
    graded = [
        _graded_attempt(quiz, user_id, number, versions, settings, rng, now)
        for user_id in user_ids
        for number in range(1, rng.choice((1, 1, 2)) + 1)
    ]
    ids = _insert_attempts(session, [row for row, _answers in graded])
    items = [
        _item(attempt_id, position, version, choice, score)
        for attempt_id, (_row, answers) in zip(ids, graded, strict=True)
        for position, (version, choice, score) in enumerate(answers, start=1)
    ]
    _bulk(session, AttemptItem, items)
    return len(ids), len(items)


def _graded_attempt(quiz, user_id, number, versions, settings, rng, now):
    """One submitted attempt (a row to insert) and its answers with their scores."""
    chosen = [_answer(version, rng) for version in versions]
    gradable = [
        GradableItem(str(v.id), QuestionType(v.type), v.correct_keys, frozenset(c), v.must_pass)
        for v, c in zip(versions, chosen, strict=True)
    ]
    result = grade_attempt(gradable, grading_rules(settings))
    started = now - timedelta(days=rng.randint(1, 60), minutes=number * 90)
    row = {
        "user_id": user_id,
        "quiz_id": quiz.id,
        "number": number,
        "seed": rng.getrandbits(40),
        "status": "submitted",
        "started_at": started,
        "finished_at": started + timedelta(minutes=12),
        "score": result.score,
        "passed": result.passed,
        "failed_must_pass": list(result.failed_must_pass),
        "settings": settings,
        "time_multiplier": 1.0,
    }
    return row, list(zip(versions, chosen, result.item_scores, strict=True))


def _insert_attempts(session: Session, rows: list[dict]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids += session.scalars(
            insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True),
            rows[start : start + BATCH],
        ).all()
    return ids


def _item(attempt_id: int, position: int, version, choice: list[str], score: float) -> dict:
    return {
        "attempt_id": attempt_id,
        "position": position,
        "question_version_id": version.id,
        "option_order": [o["key"] for o in version.options],
        "response": ",".join(sorted(choice)) or None,
        "score": score,
    }


def _answer(version: QuestionVersion, rng) -> list[str]:
    keys = [o["key"] for o in version.options]
    right = sorted(version.correct_keys)
    if rng.random() < 0.7:
        return right
    return [rng.choice(keys)]
