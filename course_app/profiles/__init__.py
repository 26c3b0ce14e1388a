"""Profiles: each person's own account page (e-mail confirmed by a link, registration, language,
time zone), name changes approved by an administrator, and the personal-data export and
account closure PIPEDA expects (the ``profiles`` blueprint)."""

from flask import Blueprint, Flask

bp = Blueprint("profiles", __name__)


def init_app(app: Flask) -> None:
    from course_app.profiles import admin_views, views  # noqa: F401  (the routes)

    app.register_blueprint(bp)
