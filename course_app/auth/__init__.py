"""Accounts: registration, login, passwords; the ``auth`` blueprint and Flask-Login setup."""

from functools import cache

from flask import Blueprint, Flask
from flask_babel import gettext
from flask_login import LoginManager
from sqlalchemy import bindparam, select

from course_app.db import execute_prepared, get_session


def N_(text: str) -> str:
    """Marks ``text`` for the catalogue; Flask-Login translates it when it flashes it."""
    return text


bp = Blueprint("auth", __name__, url_prefix="/auth")
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = N_("Please log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(session_token: str):
    from course_app.auth.models import SignedInUser

    row = execute_prepared(get_session(), _user_by_token(), {"token": session_token}).first()
    return SignedInUser(*row) if row is not None and row.is_active else None


@cache  # every authenticated request runs it: build the statement once, not per request
def _user_by_token():
    from course_app.auth.models import SignedInUser, User

    return select(*SignedInUser.columns()).where(User.session_token == bindparam("token"))


def init_app(app: Flask) -> None:
    from course_app.auth import views  # noqa: F401  (registers the routes on bp)

    login_manager.localize_callback = gettext
    login_manager.init_app(app)
    app.register_blueprint(bp)
