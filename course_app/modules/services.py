"""Use cases of learning: what courses exist, where a learner stands, enrol, complete lessons.

Loading a learner's standing across every course costs a fixed number of queries, whatever the
number of modules, lessons or learners.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.db import utcnow
from course_app.exceptions import AccessDenied, DomainError
from course_app.modules import lesson_time
from course_app.modules.lesson_time import TimeOnTask
from course_app.modules.localized import reader_language
from course_app.modules.models import Course, Enrollment, LessonProgress
from course_app.modules.standing import Standing, load_standing
from course_app.modules.structure import EXTENSION_KEY as STRUCTURE_KEY
from course_app.modules.structure import CourseInfo, LessonPage
from course_app.practical import Competency, PracticalRecord, practical_done
from course_app.progress import (
    CourseProgress,
    ModuleOutline,
    QuizItem,
    course_progress,
    lock_reason,
)
from course_app.xapi import events as xapi_events


class NotEnrolled(DomainError):
    pass


@dataclass(frozen=True)
class CourseStatus:
    """One course as one user sees it: its outline, their progress, and any lock."""

    course: CourseInfo
    progress: CourseProgress
    enrolled_at: datetime | None
    lock_reason: str | None
    lessons: Mapping[str, LessonPage] = field(default_factory=dict)

    def lesson(self, slug: str) -> LessonPage | None:
        """A live lesson of this course by its slug."""
        return self.lessons.get(slug)

    @property
    def is_enrolled(self) -> bool:
        return self.enrolled_at is not None

    @property
    def is_locked(self) -> bool:
        return self.lock_reason is not None


def course_statuses(session: Session, user_id: int | None) -> dict[str, CourseStatus]:
    """Every live course's status for a user (None: anonymous), keyed by slug.

    One query (the user's standing with the content stamp), plus four when the course
    structure changed since this process last read it.
    """
    standing = load_standing(session, user_id)
    structure = current_app.extensions[STRUCTURE_KEY].get(
        session, standing.stamp, reader_language()
    )
    courses = structure.courses
    progress = {
        c.id: course_progress(
            structure.outlines.get(c.id, ()),
            standing.completed,
            standing.passed,
            structure.final_exams.get(c.id),
            _practical(checklist_of(c), practical_of(standing, c.id), c.practical_hours),
            (bool(c.evaluation), c.id in standing.evaluated),
        )
        for c in courses
    }
    by_id = {course.id: course for course in courses}
    return {
        course.slug: CourseStatus(
            course,
            progress[course.id],
            standing.enrolled.get(course.id),
            _lock(course, by_id, progress),
            structure.lessons.get(course.id, {}),
        )
        for course in courses
    }


def _lock(
    course: CourseInfo, by_id: dict[int, CourseInfo], progress: dict[int, CourseProgress]
) -> str | None:
    prerequisite = by_id.get(course.prerequisite_id) if course.prerequisite_id else None
    if prerequisite is None:
        return None
    return lock_reason(prerequisite.title, progress[prerequisite.id].is_complete)


def practical_of(standing: Standing, course_id: int) -> PracticalRecord:
    """The user's practical results and hours in one course, from their standing."""
    results = standing.practical.get(course_id, {})
    return PracticalRecord(results=results, hours=standing.hours.get(course_id, 0.0))


def _practical(
    checklist: Sequence[Competency], record: PracticalRecord, minimum_hours: float
) -> tuple[bool, bool]:
    """(the course has a practical, it is done: signed off as passed, hours attended)."""
    return bool(checklist), practical_done(checklist, record, minimum_hours)


def checklist_of(course: Course | CourseInfo) -> list[Competency]:
    return [
        Competency(
            c["key"],
            c["title"],
            c["critical"],
            c.get("second_assessor", False),
            c.get("region", ""),
        )
        for c in course.competencies
    ]


@dataclass(frozen=True)
class CourseOutline:
    """A course's modules (with lessons and quizzes) and final exam, for many learners."""

    modules: tuple[ModuleOutline, ...]
    final_exam: QuizItem | None
    checklist: tuple[Competency, ...] = ()
    minimum_hours: float = 0.0
    #: Whether the course asks for a participant evaluation.
    evaluation_required: bool = False

    @property
    def quizzes(self) -> tuple[QuizItem, ...]:
        """Module quizzes in teaching order, then the final exam."""
        module_quizzes = tuple(m.quiz for m in self.modules if m.quiz)
        return module_quizzes + ((self.final_exam,) if self.final_exam else ())

    def progress(
        self,
        completed: frozenset[int],
        passed: frozenset[int],
        record: PracticalRecord,
        evaluated: bool = False,
    ) -> CourseProgress:
        practical = _practical(self.checklist, record, self.minimum_hours)
        evaluation = (self.evaluation_required, evaluated)
        return course_progress(
            self.modules, completed, passed, self.final_exam, practical, evaluation
        )


def course_outline(session: Session, course: Course) -> CourseOutline:
    """One course's outline (the same data every learner's progress uses)."""
    stamp = load_standing(session, None).stamp  # the stamp alone: the same cached statement
    structure = current_app.extensions[STRUCTURE_KEY].get(session, stamp, reader_language())
    return CourseOutline(
        structure.outlines.get(course.id, ()),
        structure.final_exams.get(course.id),
        tuple(checklist_of(course)),
        course.practical_hours,
        bool(course.evaluation),
    )


def enroll(session: Session, user_id: int, status: CourseStatus) -> bool:
    """Enrol the user; False if they already were. Raises AccessDenied while locked."""
    if status.lock_reason is not None:
        raise AccessDenied(status.lock_reason)
    if status.is_enrolled:
        return False
    session.add(Enrollment(user_id=user_id, course_id=status.course.id))
    session.flush()
    course = status.course
    xapi_events.course_launched(session, user_id, course.slug, course.title, utcnow())
    _refresh(session, user_id, status.course.id)
    return True


def _refresh(session: Session, user_id: int, course_id: int) -> None:
    from course_app.standing_store import refresh_standing  # it builds on this module

    refresh_standing(session, user_id, course_id)


@dataclass(frozen=True)
class Completion:
    """What "Mark this lesson complete" did: ``time`` is None when the lesson was already
    complete, otherwise the time recorded against what the lesson needs."""

    time: TimeOnTask | None

    @property
    def is_complete(self) -> bool:
        return self.time is None or self.time.is_enough


def complete_lesson(
    session: Session, user_id: int, status: CourseStatus, lesson: LessonPage, token: str | None
) -> Completion:
    """Credit the time the page's token shows (none without a token), then mark the lesson
    complete if the time on task reaches its share of the lesson's minutes (a refused click
    keeps the time it showed). Needs an open course and enrolment; a bad token raises
    PageTokenRefused and changes nothing."""
    _check_may_record(status)
    done = session.scalar(
        select(LessonProgress.id).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson.id
        )
    )
    if done is not None:
        return Completion(None)
    if token:
        time = lesson_time.record_form(session, user_id, lesson, token)
    else:
        time = lesson_time.recorded(session, user_id, lesson)
    if time.is_enough:
        session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id))
        session.flush()
        xapi_events.lesson_completed(
            session,
            user_id,
            (status.course.slug, status.course.title),
            _module_of(status, lesson.id),
            (lesson.slug, lesson.title),
            utcnow(),
        )
        _refresh(session, user_id, status.course.id)
    return Completion(time)


def _module_of(status: CourseStatus, lesson_id: int) -> tuple[str, str] | None:
    """(slug, title) of the module holding the lesson, from the outline already loaded."""
    for module in status.progress.modules:
        if any(item.id == lesson_id for item in module.outline.lessons):
            return module.outline.slug, module.outline.title
    return None


def record_time(
    session: Session,
    user_id: int,
    status: CourseStatus,
    lesson: LessonPage,
    token: str | None,
    resumed: bool = False,
) -> TimeOnTask:
    """A heartbeat from the lesson page (see :mod:`course_app.modules.lesson_time`)."""
    _check_may_record(status)
    return lesson_time.record_beat(session, user_id, lesson, token, resumed)


def _check_may_record(status: CourseStatus) -> None:
    if status.lock_reason is not None:
        raise AccessDenied(status.lock_reason)
    if not status.is_enrolled:
        raise NotEnrolled("Enrol in this course to record your progress.")
