"""A course by the slug in an API path: 404 for none (and for what no slug can be)."""

from flask import abort
from sqlalchemy import select

from course_app.db import get_session
from course_app.modules.models import SLUG_LENGTH, Course
from course_app.toml_source import SLUG_PATTERN


def course_or_404(course_slug: str) -> Course:
    if not SLUG_PATTERN.fullmatch(course_slug) or len(course_slug) > SLUG_LENGTH:
        abort(404, "No such course.")  # what no slug can be is never looked up (NUL bytes…)
    query = select(Course).where(Course.slug == course_slug, ~Course.is_archived)
    return get_session().scalar(query) or abort(404, "No such course.")
