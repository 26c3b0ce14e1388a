"""Practical offerings: learners see a course's cohorts, book a seat, wait for one, cancel
before the cut-off; staff confirm, move or cancel seats (the ``booking`` blueprint)."""

from flask import Blueprint, Flask

bp = Blueprint("booking", __name__)


def init_app(app: Flask) -> None:
    from course_app.booking import views  # noqa: F401

    app.register_blueprint(bp)
