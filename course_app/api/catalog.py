"""GET /courses and /courses/{slug}: the catalog and each course's structure."""

from flask_smorest import Blueprint
from sqlalchemy import select

from course_app.api.auth import SECURITY, with_scope
from course_app.api.schemas import CourseDetailSchema, CourseListSchema
from course_app.api.slugs import course_or_404
from course_app.db import get_session
from course_app.modules.models import Course
from course_app.modules.services import course_outline

blp = Blueprint("api_courses", __name__, description="Courses and their structure")


def _course(course: Course) -> dict:
    prerequisite = course.prerequisite
    return {
        "slug": course.slug,
        "title": course.title,
        "level": course.level,
        "summary": course.summary,
        "ce_minutes": course.ce_minutes,
        "practical_hours": course.practical_hours,
        "prerequisite": prerequisite.slug if prerequisite else None,
    }


def _quiz(quiz) -> dict | None:
    return (
        None if quiz is None else {"slug": quiz.slug, "title": quiz.title, "minutes": quiz.minutes}
    )


@blp.route("/courses")
@blp.doc(security=SECURITY)
@blp.response(200, CourseListSchema)
@with_scope("read:courses")
def list_courses(user):
    """Every course offered, in catalog order."""
    query = select(Course).where(~Course.is_archived).order_by(Course.position, Course.id)
    return {"items": [_course(course) for course in get_session().scalars(query)]}


@blp.route("/courses/<course_slug>")
@blp.doc(security=SECURITY)
@blp.response(200, CourseDetailSchema)
@with_scope("read:courses")
def get_course(course_slug: str, user):
    """A course's modules (their lessons and quiz) and final exam, by slug."""
    session = get_session()
    course = course_or_404(course_slug)
    outline = course_outline(session, course)
    modules = [
        {
            "slug": module.slug,
            "title": module.title,
            "lessons": [
                {"slug": lesson.slug, "title": lesson.title, "minutes": lesson.minutes}
                for lesson in module.lessons
            ],
            "quiz": _quiz(module.quiz),
        }
        for module in outline.modules
    ]
    return {**_course(course), "modules": modules, "final_exam": _quiz(outline.final_exam)}
