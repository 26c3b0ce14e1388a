"""Error pages that explain without leaking: 400, 403 (with the reason), 404, 429, 500."""

import logging

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from course_app.exceptions import AccessDenied

logger = logging.getLogger(__name__)

_TITLES = {
    400: "The request could not be understood",
    403: "You cannot open this page",
    404: "Page not found",
    405: "This action is not allowed here",
    429: "Too many attempts",
    500: "Something went wrong on our side",
}


def init_app(app: Flask) -> None:
    app.register_error_handler(AccessDenied, _access_denied)
    app.register_error_handler(CSRFError, csrf_error_page)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(status: int, reason: str | None = None):
    title = _TITLES.get(status, "Error")
    return render_template("errors/error.html", status=status, title=title, reason=reason), status


def _access_denied(error: AccessDenied):
    return _render(403, error.message)


def csrf_error_page(_error: CSRFError):
    reason = (
        "The form had expired or was sent from somewhere else. Go back, reload the page "
        "and send it again."
    )
    return _render(400, reason)


def _http_error(error: HTTPException):
    if error.code is None or error.code >= 500:
        return _unexpected_error(error)
    return _render(error.code)


def _unexpected_error(error: Exception):
    """Roll back what the request did, log the details, show a generic page."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    if not isinstance(error, InternalServerError):
        logger.exception("Unhandled error", exc_info=error)
    return _render(500)
