"""Which language and time zone a request is shown in.

Cheap on purpose: a signed-in person's language and zone come with the account row the
login already read (``SignedInUser``); an anonymous request reads a cookie and the
``Accept-Language`` header, never the database.
"""

from flask import current_app, has_request_context, request
from flask_login import current_user

from course_app.profiles.zones import FALLBACK_ZONE, effective_zone

#: The cookie that remembers an anonymous visitor's choice from the switcher.
LANGUAGE_COOKIE = "language"


def supported_language(code: str | None) -> str | None:
    """``code`` when it is one of the configured languages, else None (never an error)."""
    return code if code in current_app.config["LANGUAGES"] else None


def choose_language(
    account: str | None, cookie: str | None, accept_best: str | None, default: str
) -> str:
    """The rule, as a pure function: the account's preference, else the visitor's cookie,
    else the browser's best match; each only when supported (callers pass None otherwise)."""
    return account or cookie or accept_best or default


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        # A command or scheduled task: no viewer; notices choose their recipient's language.
        return default
    account = None
    if current_user.is_authenticated:
        account = supported_language(getattr(current_user, "language", None))
    cookie = supported_language(request.cookies.get(LANGUAGE_COOKIE))
    accept_best = request.accept_languages.best_match(list(current_app.config["LANGUAGES"]))
    return choose_language(account, cookie, accept_best, default)


def select_timezone() -> str:
    """The signed-in person's zone (their own, else their province's); UTC for visitors
    (and for a command, which has no viewer)."""
    if has_request_context() and current_user.is_authenticated:
        return effective_zone(
            getattr(current_user, "time_zone", None), getattr(current_user, "jurisdiction", None)
        )
    return FALLBACK_ZONE
