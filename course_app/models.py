"""Every model, imported in dependency order, so that metadata is complete for Alembic."""

from course_app.auth.models import User
from course_app.db import Base
from course_app.mail.models import OutboxMessage
from course_app.modules.models import Course, CourseModule, Enrollment, Lesson, LessonProgress

metadata = Base.metadata

__all__ = [
    "Course",
    "CourseModule",
    "Enrollment",
    "Lesson",
    "LessonProgress",
    "OutboxMessage",
    "User",
    "metadata",
]
