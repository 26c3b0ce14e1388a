"""The lab incident log: instructors record adverse events and needlestick injuries during a
practical; administrators read and export them (the ``incidents`` blueprint)."""

from flask import Blueprint, Flask

bp = Blueprint("incidents", __name__)


def init_app(app: Flask) -> None:
    from course_app.incidents import views  # noqa: F401

    app.register_blueprint(bp)
