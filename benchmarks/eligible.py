"""Learners who meet every requirement of a course's certificate, inserted in bulk, for the
queued-issue benchmark (benchmarks/issue_queue.py): enrolled, every lesson completed with its
time on task, every quiz and the final exam passed, a seat in a past practical cohort with
its lab hours and every competency passed (confirmed by a second assessor where the checklist
asks for one), and the licence checked. The eligibility check then has real rows to read."""

import random
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from course_app.auth import passwords
from course_app.auth.models import Role, User
from course_app.db import utcnow
from course_app.demo import _bulk, _insert_learners
from course_app.evaluation.models import EvaluationSubmission
from course_app.instructor.models import Cohort, CohortMember, CompetencySignoff
from course_app.modules.models import Course, Enrollment, Lesson, LessonProgress, LessonTime
from course_app.modules.services import checklist_of
from course_app.quizzes.models import Attempt, Quiz
from course_app.quizzes.services import settings_snapshot


def seed_eligible(session: Session, count: int, course_slug: str) -> list[int]:
    """Insert ``count`` eligible learners of the course; returns their ids (not committed)."""
    course = session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise ValueError(f"course {course_slug!r} is not loaded: run load-content first")
    rng = random.Random(11)  # noqa: S311  # nosec B311 - benchmark data
    ids = _insert_learners(session, count)
    now = utcnow()
    session.execute(update(User).where(User.id.in_(ids)).values(licence_verified_at=now))
    rows = [{"user_id": u, "course_id": course.id, "enrolled_at": now} for u in ids]
    _bulk(session, Enrollment, rows)
    _lessons(session, course, ids, now)
    _quizzes(session, course, ids, rng, now)
    _practical(session, course, ids, now)
    # The course evaluation is part of completing it; its answers are not needed, only that
    # each learner answered (what the standing rule reads).
    submitted = [{"user_id": u, "course_id": course.id, "submitted_at": now} for u in ids]
    _bulk(session, EvaluationSubmission, submitted)
    return ids


def _lessons(session, course, ids, now) -> None:
    lessons = session.execute(
        select(Lesson.id, Lesson.minutes).where(Lesson.course_id == course.id)
    ).all()
    done = [(u, lesson) for u in ids for lesson in lessons]
    completions = [{"user_id": u, "lesson_id": ls.id, "completed_at": now} for u, ls in done]
    _bulk(session, LessonProgress, completions)
    _bulk(
        session,
        LessonTime,
        [
            {
                "user_id": u,
                "lesson_id": ls.id,
                "opened_at": now - timedelta(minutes=ls.minutes),
                "last_credit_at": now,
                "active_seconds": ls.minutes * 60,
            }
            for u, ls in done
        ],
    )


def _quizzes(session, course, ids, rng, now) -> None:
    rows = []
    for quiz in session.scalars(select(Quiz).where(Quiz.course_id == course.id)):
        settings = settings_snapshot(quiz)
        for user_id in ids:
            started = now - timedelta(days=rng.randint(2, 60))
            rows.append(
                {
                    "user_id": user_id,
                    "quiz_id": quiz.id,
                    "number": 1,
                    "seed": rng.getrandbits(40),
                    "status": "submitted",
                    "started_at": started,
                    "finished_at": started + timedelta(minutes=12),
                    "score": 1.0,
                    "passed": True,
                    "failed_must_pass": [],
                    "settings": settings,
                    "time_multiplier": 1.0,
                }
            )
    _bulk(session, Attempt, rows)


def _practical(session, course, ids, now) -> None:
    checklist = checklist_of(course)
    if not checklist:
        return
    first, second = _assessors(session)
    today = now.date()
    cohort = Cohort(
        course_id=course.id,
        name="Benchmark cohort",
        starts_on=today - timedelta(days=10),
        ends_on=today - timedelta(days=8),
        location="Benchmark lab",
        capacity=len(ids),
        lab_hours=max(course.practical_hours, 1.0),
        seats_taken=len(ids),
    )
    session.add(cohort)
    session.flush()
    members = [
        {
            "cohort_id": cohort.id,
            "user_id": u,
            "practical_hours": cohort.lab_hours,
            "added_at": now,
            "confirmed_at": now,
        }
        for u in ids
    ]
    _bulk(session, CohortMember, members)
    signoffs = [
        {
            "cohort_id": cohort.id,
            "user_id": u,
            "competency_key": c.key,
            "result": "pass",
            "assessed_on": cohort.starts_on,
            "notes": "",
            "assessor_id": first,
            "recorded_at": now,
            "second_assessor_id": second if c.second_assessor else None,
            "second_assessed_on": cohort.starts_on if c.second_assessor else None,
        }
        for u in ids
        for c in checklist
    ]
    _bulk(session, CompetencySignoff, signoffs)


def _assessors(session) -> tuple[int, int]:
    password_hash = passwords.hash_password("benchmark assessor 1234")
    rows = [
        {
            "email": f"assessor{n}@bench.example",
            "password_hash": password_hash,
            "full_name": f"Assessor {n}",
            "role": Role.INSTRUCTOR,
            "session_token": f"bench-assessor-{n}",
            "is_active": True,
        }
        for n in (1, 2)
    ]
    session.execute(insert(User), rows)
    query = select(User.id).where(User.email.like("assessor%@bench.example")).order_by(User.id)
    first, second = session.scalars(query).all()
    return first, second
