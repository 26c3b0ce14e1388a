"""Load-or-404 then check-or-403 helpers shared by the workspace's views."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from course_app import permissions
from course_app.db import get_session
from course_app.i18n import N_
from course_app.instructor.models import Cohort
from course_app.modules.models import Course


def taught_course_or_404(course_slug: str) -> Course:
    """The course (404 if none); 403 unless the user teaches it or is an admin."""
    query = select(Course).where(Course.slug == course_slug, ~Course.is_archived)
    course = get_session().scalar(query) or abort(404)
    permissions.require(
        permissions.can_teach(current_user, course.id), N_("You do not teach this course.")
    )
    return course


def run_cohort_or_404(cohort_id: int) -> Cohort:
    cohort = get_session().get(Cohort, cohort_id) or abort(404)
    allowed = permissions.can_run_cohort(current_user, cohort.course_id, cohort.id)
    permissions.require(allowed, N_("You are not an instructor of this cohort."))
    return cohort


def workspace_courses() -> list[Course]:
    """The courses this user may open in the workspace (admins: all)."""
    query = select(Course).where(~Course.is_archived).order_by(Course.position)
    courses = get_session().scalars(query)
    return [course for course in courses if permissions.can_teach(current_user, course.id)]
