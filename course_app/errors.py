"""Error pages that explain without leaking: 400, 403 (with the reason), 404, 429, 500, and
503 with Retry-After while the database cannot be reached."""

import logging

from flask import Flask, g, jsonify, make_response, render_template, request, session
from flask_babel import gettext
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from course_app.exceptions import AccessDenied
from course_app.i18n import N_

logger = logging.getLogger(__name__)

_TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You cannot open this page"),
    404: N_("Page not found"),
    405: N_("This action is not allowed here"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is briefly unavailable"),
}
#: Seconds a client is asked to wait when the database is unreachable.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE = N_(
    "We could not reach our database for a moment. Nothing you sent was half-saved: "
    "try again in a minute."
)


def init_app(app: Flask) -> None:
    app.register_error_handler(AccessDenied, _access_denied)
    app.register_error_handler(CSRFError, csrf_error_page)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)


#: Where answers are RFC 9457 problem details instead of pages.
API_PREFIX = "/api/"
PROBLEM_TYPE = "about:blank"


def problem(status: int, detail: str, **extra):
    """An RFC 9457 problem details response (``type`` about:blank: the status says it all)."""
    body = {
        "type": PROBLEM_TYPE,
        "title": _API_TITLES.get(status) or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


_API_TITLES = {
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    422: "Invalid parameters",
    429: "Too many requests",
}


def _render(status: int, reason: str | None = None):
    if request.path.startswith(API_PREFIX):
        return problem(status, reason or _TITLES.get(status, "Error"))
    # A page is for people, in their language; the API's problem details stay English.
    title = gettext(_TITLES.get(status, N_("Error")))
    reason = gettext(reason) if reason else reason
    return render_template("errors/error.html", status=status, title=title, reason=reason), status


def _access_denied(error: AccessDenied):
    return _render(403, error.message)


def csrf_error_page(_error: CSRFError):
    reason = N_(
        "The form had expired or was sent from somewhere else. Go back, reload the page "
        "and send it again."
    )
    page = _render(400, reason)
    # The page's template makes a CSRF token, which would start a new session: a cross-site
    # POST arrives without the visitor's SameSite=Lax cookie, so that new cookie would replace
    # theirs and log them out. A refused request changes no session.
    session.modified = False
    return page


def _http_error(error: HTTPException):
    if error.code is None or error.code >= 500:
        return _unexpected_error(error)
    if request.path.startswith(API_PREFIX):
        return _api_error(error)
    # Werkzeug's own descriptions are for developers; a refusal written for people says so.
    return _render(error.code, error.description if getattr(error, "for_people", False) else None)


def _api_error(error: HTTPException):
    """A refused API request: the reason given to ``abort``, and webargs' field messages."""
    extra = {}
    messages = getattr(error, "data", {}).get("messages")
    if messages:
        extra["errors"] = messages
    response = problem(error.code, error.description or _TITLES.get(error.code, "Error"), **extra)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _database_unavailable(error: OperationalError):
    """The database cannot be reached (down, restarting, out of connections): nothing was
    saved; the client may try again shortly. Pages say so; scripts get JSON."""
    _discard_session()
    # The page is shown to an anonymous visitor: loading the account needs the database.
    g._login_user = AnonymousUserMixin()
    logger.warning("Database unavailable: %s", error.orig.__class__.__name__)
    if request.path.startswith(API_PREFIX):
        response = problem(503, UNAVAILABLE)
    elif request.accept_mimetypes.best == "application/json":
        response = jsonify(saved=False, message=UNAVAILABLE)
        response.status_code = 503
    else:
        response = make_response(*_render(503, UNAVAILABLE))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database_error(error: DBAPIError):
    if error.connection_invalidated:
        return _database_unavailable(error)
    return _unexpected_error(error)


def _discard_session() -> None:
    """Roll back what the request did (a dead connection has nothing left to roll back)."""
    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.rollback()
        except DBAPIError:
            logger.info("Rollback on a lost connection skipped")
        session.close()


def _unexpected_error(error: Exception):
    """Roll back what the request did, log the details, show a generic page."""
    _discard_session()
    if not isinstance(error, InternalServerError):
        logger.exception("Unhandled error", exc_info=error)
    return _render(500)
