"""Courses, course modules, lessons and progress: the ``modules`` blueprint."""

from flask import Blueprint, Flask

bp = Blueprint("modules", __name__)


def init_app(app: Flask) -> None:
    from course_app.modules import structure, views

    structure.init_app(app)
    app.register_blueprint(bp)
    app.add_url_rule("/", endpoint="index", view_func=views.catalog)
