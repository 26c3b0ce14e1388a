"""The instructor workspace: gradebook, item analysis, regrading, authoring, cohorts and
practical sign-off (the ``instructor`` blueprint, under /instructor)."""

from flask import Blueprint, Flask

bp = Blueprint("instructor", __name__, url_prefix="/instructor")


def init_app(app: Flask) -> None:
    from course_app.instructor import (  # noqa: F401
        gradebook_export,
        regrade_job,
        views_authoring,
        views_cases,
        views_cohorts,
        views_figures,
        views_grades,
        views_outline,
    )

    regrade_job.init_app(app)
    gradebook_export.init_app(app)

    app.register_blueprint(bp)
