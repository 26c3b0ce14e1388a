"""Every model, imported in dependency order, so that metadata is complete for Alembic."""

from course_app.auth.models import User
from course_app.db import Base
from course_app.mail.models import OutboxMessage
from course_app.modules.models import Course, CourseModule, Enrollment, Lesson, LessonProgress
from course_app.quizzes.models import (
    Accommodation,
    Attempt,
    AttemptItem,
    Question,
    QuestionVersion,
    Quiz,
)

metadata = Base.metadata

__all__ = [
    "Accommodation",
    "Attempt",
    "AttemptItem",
    "Course",
    "CourseModule",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "OutboxMessage",
    "Question",
    "QuestionVersion",
    "Quiz",
    "User",
    "metadata",
]
