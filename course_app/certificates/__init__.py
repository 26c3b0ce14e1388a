"""Certificates: eligibility, issuing, PDF and signed credential, public verification
(the ``certificates`` blueprint: /verify is public, /admin/certificates is for admins)."""

from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__)


def init_app(app: Flask) -> None:
    from course_app.certificates import views  # noqa: F401  (registers the routes)

    app.register_blueprint(bp)
