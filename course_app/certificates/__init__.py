"""Certificates: eligibility, issuing, PDF and signed credential, public verification
(the ``certificates`` blueprint: /verify is public, /admin/certificates is for admins)."""

from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__)


def init_app(app: Flask) -> None:
    from course_app.certificates import bulk, public_views, views  # noqa: F401  (the routes)

    bulk.init_app(app)

    app.register_blueprint(bp)
