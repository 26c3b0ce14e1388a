"""The instructor workspace: gradebook, item analysis, regrading, authoring, cohorts and
practical sign-off (the ``instructor`` blueprint, under /instructor)."""

from flask import Blueprint, Flask

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


def init_app(app: Flask) -> None:
    from course_app.instructor import views_authoring, views_cohorts, views_grades  # noqa: F401
    from course_app.instructor.regrade_job import init_app as register_regrade_job

    register_regrade_job(app)

    app.register_blueprint(bp)
