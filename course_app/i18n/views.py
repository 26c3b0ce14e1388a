"""The language switcher: a plain form in every page's footer, no JavaScript needed."""

from flask import make_response, redirect, request, url_for
from flask_login import current_user

from course_app.db import get_session
from course_app.i18n import bp
from course_app.i18n.selection import LANGUAGE_COOKIE, supported_language
from course_app.i18n.services import save_language
from course_app.urls import safe_next_url

#: A year: the visitor's choice outlives the session, as a language preference should.
COOKIE_MAX_AGE = 365 * 24 * 3600


@bp.post("/language")
def switch():
    """Show the site in the posted language from now on, then go back to the page.

    A signed-in person's preference is saved on the account; a visitor's in a cookie. An
    unknown code changes nothing (no error page: the person just stays where they were).
    """
    back = safe_next_url(request.form.get("next")) or url_for("modules.catalog")
    language = supported_language(request.form.get("language"))
    response = make_response(redirect(back))
    if language is None:
        return response
    if current_user.is_authenticated:
        db = get_session()
        save_language(db, current_user.id, language)
        db.commit()
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
