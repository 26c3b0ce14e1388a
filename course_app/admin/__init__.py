"""Administration pages: the ``admin`` blueprint (admins only, checked before every request)."""

from flask import Blueprint, Flask
from flask_login import current_user

from course_app import permissions
from course_app.i18n import N_

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _require_admin():
    if not current_user.is_authenticated:
        from course_app.auth import login_manager

        return login_manager.unauthorized()
    permissions.require(
        permissions.is_admin(current_user),
        N_("Only administrators can open the administration pages."),
    )
    return None


def init_app(app: Flask) -> None:
    from course_app.admin import exports, views  # noqa: F401  (registers the routes on bp)

    exports.init_app(app)

    app.register_blueprint(bp)
