"""Notifications: an in-app inbox (unread count in the header) and e-mail through the outbox,
one template per event, each sent once per recipient, event and subject; each person turns
the non-essential ones on or off (the ``notifications`` blueprint)."""

from flask import Blueprint, Flask
from flask_login import current_user

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _unread() -> int:
    """For the header: the signed-in person's unread notifications, read with their row."""
    return current_user.unread_notifications if current_user.is_authenticated else 0


def init_app(app: Flask) -> None:
    from course_app.notifications import views  # noqa: F401  (the routes)

    app.jinja_env.globals["unread_notifications"] = _unread
    app.register_blueprint(bp)
