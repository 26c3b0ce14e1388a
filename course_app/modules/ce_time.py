"""A course's online CE minutes from its live rows, by the rule ``check-content`` applies to
the files (:func:`course_app.modules.content.ce_minutes_of`): after a browser edit (a lesson
added or archived, a module archived) and after every load, so the two never disagree."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app.modules.content import ce_minutes_of
from course_app.modules.models import CourseModule, Lesson
from course_app.quizzes.models import Quiz


def live_ce_minutes(session: Session, course_id: int) -> int:
    live_modules = select(CourseModule.id).where(
        CourseModule.course_id == course_id, ~CourseModule.is_archived
    )
    reading = session.scalar(
        select(func.coalesce(func.sum(Lesson.minutes), 0)).where(
            Lesson.course_id == course_id,
            ~Lesson.is_archived,
            Lesson.module_id.in_(live_modules),
        )
    )
    assessing = session.scalar(
        select(func.coalesce(func.sum(Quiz.time_limit_minutes), 0)).where(
            Quiz.course_id == course_id,
            ~Quiz.is_archived,
            Quiz.module_id.is_(None) | Quiz.module_id.in_(live_modules),
        )
    )
    return ce_minutes_of(int(reading), int(assessing))
