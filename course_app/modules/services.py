"""Use cases of learning: what courses exist, where a learner stands, enrol, complete lessons.

Loading a learner's standing across every course costs a fixed number of queries, whatever the
number of modules, lessons or learners.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.exceptions import AccessDenied, DomainError
from course_app.instructor.models import Cohort, CompetencySignoff
from course_app.instructor.practical import Competency, PracticalStatus, practical_status
from course_app.modules.models import Course, CourseModule, Enrollment, Lesson, LessonProgress
from course_app.progress import (
    CourseProgress,
    LessonItem,
    ModuleOutline,
    QuizItem,
    course_progress,
    lock_reason,
)
from course_app.quizzes.models import Attempt, Quiz


class NotEnrolled(DomainError):
    pass


@dataclass(frozen=True)
class CourseStatus:
    """One course as one user sees it: its outline, their progress, and any lock."""

    course: Course
    progress: CourseProgress
    enrolled_at: datetime | None
    lock_reason: str | None

    @property
    def is_enrolled(self) -> bool:
        return self.enrolled_at is not None

    @property
    def is_locked(self) -> bool:
        return self.lock_reason is not None


def list_courses(session: Session) -> list[Course]:
    query = select(Course).where(~Course.is_archived).order_by(Course.position, Course.level)
    return list(session.scalars(query))


def course_statuses(session: Session, user_id: int | None) -> dict[str, CourseStatus]:
    """Every live course's status for a user (None: anonymous), keyed by slug; 8 queries."""
    courses = list_courses(session)
    module_quizzes, final_exams = _quiz_items(session)
    outlines = _outlines(session, module_quizzes)
    completed = _completed_lesson_ids(session, user_id)
    passed = _passed_quiz_ids(session, user_id)
    enrolled = _enrollment_dates(session, user_id)
    practical = practical_results(session, user_id)
    progress = {
        c.id: course_progress(
            outlines.get(c.id, ()),
            completed,
            passed,
            final_exams.get(c.id),
            _practical(c, practical.get(c.id, {})),
        )
        for c in courses
    }
    by_id = {course.id: course for course in courses}
    return {
        course.slug: CourseStatus(
            course, progress[course.id], enrolled.get(course.id), _lock(course, by_id, progress)
        )
        for course in courses
    }


def _lock(
    course: Course, by_id: dict[int, Course], progress: dict[int, CourseProgress]
) -> str | None:
    prerequisite = by_id.get(course.prerequisite_id) if course.prerequisite_id else None
    if prerequisite is None:
        return None
    return lock_reason(prerequisite.title, progress[prerequisite.id].is_complete)


def practical_results(session: Session, user_id: int | None) -> dict[int, dict[str, str]]:
    """The latest practical result per competency, by course: {course id: {key: result}}."""
    if user_id is None:
        return {}
    rows = session.execute(
        select(Cohort.course_id, CompetencySignoff.competency_key, CompetencySignoff.result)
        .join(Cohort, Cohort.id == CompetencySignoff.cohort_id)
        .where(CompetencySignoff.user_id == user_id)
        .order_by(CompetencySignoff.recorded_at, CompetencySignoff.id)
    )
    results: dict[int, dict[str, str]] = defaultdict(dict)
    for course_id, key, result in rows:
        results[course_id][key] = result  # later rows win
    return results


def _practical(course: Course, results: dict[str, str]) -> tuple[bool, bool]:
    checklist = checklist_of(course)
    status = practical_status(checklist, results)
    return bool(checklist), status is PracticalStatus.PASSED


def checklist_of(course: Course) -> list[Competency]:
    return [Competency(c["key"], c["title"], c["critical"]) for c in course.competencies]


@dataclass(frozen=True)
class CourseOutline:
    """A course's modules (with lessons and quizzes) and final exam, for many learners."""

    modules: tuple[ModuleOutline, ...]
    final_exam: QuizItem | None

    @property
    def quizzes(self) -> tuple[QuizItem, ...]:
        """Module quizzes in teaching order, then the final exam."""
        module_quizzes = tuple(m.quiz for m in self.modules if m.quiz)
        return module_quizzes + ((self.final_exam,) if self.final_exam else ())

    def progress(
        self, course: Course, completed: frozenset[int], passed: frozenset[int], results: dict
    ) -> CourseProgress:
        practical = _practical(course, results)
        return course_progress(self.modules, completed, passed, self.final_exam, practical)


def course_outline(session: Session, course: Course) -> CourseOutline:
    """One course's outline (three queries; the same data every learner's progress uses)."""
    module_quizzes, final_exams = _quiz_items(session)
    outlines = _outlines(session, module_quizzes)
    return CourseOutline(outlines.get(course.id, ()), final_exams.get(course.id))


def _quiz_items(session: Session) -> tuple[dict[int, QuizItem], dict[int, QuizItem]]:
    """Live quizzes: module quizzes by module id, final exams by course id."""
    rows = session.execute(
        select(Quiz.id, Quiz.slug, Quiz.title, Quiz.module_id, Quiz.course_id).where(
            ~Quiz.is_archived
        )
    )
    by_module, finals = {}, {}
    for row in rows:
        item = QuizItem(row.id, row.slug, row.title)
        if row.module_id is None:
            finals[row.course_id] = item
        else:
            by_module[row.module_id] = item
    return by_module, finals


def _passed_quiz_ids(session: Session, user_id: int | None) -> frozenset[int]:
    if user_id is None:
        return frozenset()
    query = select(Attempt.quiz_id).where(Attempt.user_id == user_id, Attempt.passed).distinct()
    return frozenset(session.scalars(query))


def _outlines(
    session: Session, quizzes: dict[int, QuizItem]
) -> dict[int, tuple[ModuleOutline, ...]]:
    modules = session.scalars(
        select(CourseModule)
        .where(~CourseModule.is_archived)
        .order_by(CourseModule.course_id, CourseModule.position)
    )
    lessons = session.execute(
        select(Lesson.id, Lesson.slug, Lesson.title, Lesson.minutes, Lesson.module_id)
        .where(~Lesson.is_archived)
        .order_by(Lesson.module_id, Lesson.position)
    )
    by_module: dict[int, list[LessonItem]] = defaultdict(list)
    for row in lessons:
        by_module[row.module_id].append(LessonItem(row.id, row.slug, row.title, row.minutes))
    outlines: dict[int, list[ModuleOutline]] = defaultdict(list)
    for module in modules:
        outlines[module.course_id].append(
            ModuleOutline(
                module.id,
                module.slug,
                module.title,
                tuple(by_module[module.id]),
                quizzes.get(module.id),
            )
        )
    return {course_id: tuple(items) for course_id, items in outlines.items()}


def _completed_lesson_ids(session: Session, user_id: int | None) -> frozenset[int]:
    if user_id is None:
        return frozenset()
    query = select(LessonProgress.lesson_id).where(LessonProgress.user_id == user_id)
    return frozenset(session.scalars(query))


def _enrollment_dates(session: Session, user_id: int | None) -> dict[int, datetime]:
    if user_id is None:
        return {}
    query = select(Enrollment.course_id, Enrollment.enrolled_at).where(
        Enrollment.user_id == user_id
    )
    return {row.course_id: row.enrolled_at for row in session.execute(query)}


def find_lesson(session: Session, course: Course, lesson_slug: str) -> Lesson | None:
    query = select(Lesson).where(
        Lesson.course_id == course.id, Lesson.slug == lesson_slug, ~Lesson.is_archived
    )
    return session.scalar(query)


def enroll(session: Session, user_id: int, status: CourseStatus) -> bool:
    """Enrol the user; False if they already were. Raises AccessDenied while locked."""
    if status.lock_reason is not None:
        raise AccessDenied(status.lock_reason)
    if status.is_enrolled:
        return False
    session.add(Enrollment(user_id=user_id, course_id=status.course.id))
    session.flush()
    return True


def complete_lesson(session: Session, user_id: int, status: CourseStatus, lesson: Lesson) -> bool:
    """Mark a lesson complete; False if it already was. Needs an open course and enrolment."""
    if status.lock_reason is not None:
        raise AccessDenied(status.lock_reason)
    if not status.is_enrolled:
        raise NotEnrolled("Enrol in this course to record your progress.")
    done = session.scalar(
        select(LessonProgress.id).where(
            LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson.id
        )
    )
    if done is not None:
        return False
    session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id))
    session.flush()
    return True
