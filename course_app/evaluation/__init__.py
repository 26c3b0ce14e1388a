"""The participant evaluation of a course: learners answer it (part of completing the course),
instructors read the anonymous report and its CSV (the ``evaluation`` blueprint)."""

from flask import Blueprint, Flask

bp = Blueprint("evaluation", __name__)


def init_app(app: Flask) -> None:
    from course_app.evaluation import views  # noqa: F401

    app.register_blueprint(bp)
