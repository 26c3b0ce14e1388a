"""The platform as an LTI 1.3 tool (pylti1p3): platforms registered by an administrator,
OIDC login and resource-link launches that sign the platform's user in, deep linking, grades
sent back (AGS) and rosters matched (NRPS) through the job queue. See docs/lti.md.
"""

import logging
import re

from flask import Flask, request, session
from flask_login import current_user

logger = logging.getLogger(__name__)

#: Requests after which a learner's LTI grades may have changed (a quiz submitted).
GRADED_ENDPOINTS = frozenset({"quizzes.submit"})
#: Set in the session by a launch: only sessions that came from a platform pay the grade
#: check after a submit (the page floor of everyone else's requests stays as it was).
SESSION_FLAG = "lti_launched"


def init_app(app: Flask) -> None:
    from course_app.lti import admin_views, grades, roster, views
    from course_app.security import csrf

    app.config.setdefault("LTI_FRAME_ANCESTORS", "")
    # Each login stores a state and a nonce: limited per client address like other logins.
    app.config.setdefault("LTI_LOGIN_RATE_LIMIT", "30 per minute;300 per hour")
    # The platform's login and launch are cross-site requests carrying no CSRF token: the
    # launch is a JWT signed by the platform, checked against its registered key set, and
    # the login only starts the OIDC exchange. Every other LTI form keeps its CSRF check.
    csrf.exempt(views.login)
    csrf.exempt(views.launch)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    grades.register(app)
    roster.register(app)
    app.after_request(_queue_grades)
    if frame_ancestors(app.config["LTI_FRAME_ANCESTORS"]):
        _allow_framing(app)


def frame_ancestors(setting) -> list[str]:
    """The origins of ``LTI_FRAME_ANCESTORS``: a space-separated string or a list (JSON in
    the environment). Anything that is not an http(s) origin stops the app at start: it
    would be written into every page's Content-Security-Policy."""
    origins = setting.split() if isinstance(setting, str) else list(setting or [])
    for origin in origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", str(origin)):
            raise ValueError(f"LTI_FRAME_ANCESTORS: {origin!r} is not an http(s) origin")
    return [str(origin) for origin in origins]


def _queue_grades(response):
    """After a quiz submitted in a session a launch started, queue the LTI grades whose
    result changed (other sessions: the ``lti-grades`` sweep, within minutes). Only a
    job is queued here (the platform is called by the consumer), and any failure is logged,
    never shown: the sweep sends what this missed."""
    if (
        request.method != "POST"
        or response.status_code >= 400
        or request.endpoint not in GRADED_ENDPOINTS
        or not session.get(SESSION_FLAG)
        or not current_user.is_authenticated
    ):
        return response
    from course_app.db import get_session
    from course_app.lti import grades

    db = get_session()
    try:
        grades.queue_changed(db, grades.grades_of_user(db, current_user.id))
    except Exception:  # the learner's answer is already stored; the sweep retries
        logger.exception("Could not queue LTI grades for user %s", current_user.id)
        db.rollback()
    return response


def _allow_framing(app: Flask) -> None:
    """Launches inside the platform's iframe: pages may be framed by the listed origins,
    and the session cookie must travel in that cross-site frame (SameSite=None, which
    browsers take only with Secure, so the site must be served over https)."""
    from course_app.security import CONTENT_SECURITY_POLICY

    origins = " ".join(frame_ancestors(app.config["LTI_FRAME_ANCESTORS"]))
    policy = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", f"frame-ancestors 'self' {origins}"
    )
    for prefix in ("SESSION", "REMEMBER"):
        app.config[f"{prefix}_COOKIE_SAMESITE"] = "None"
        app.config[f"{prefix}_COOKIE_SECURE"] = True

    @app.after_request
    def _frame_policy(response):
        # Runs before security's headers (added later, run earlier), which keep a set CSP.
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
