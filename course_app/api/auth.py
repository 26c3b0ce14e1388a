"""Bearer-token authentication, scopes and the per-token rate limit for API views.

Only the ``Authorization`` header authenticates: a session cookie is ignored, so a page a
learner visits cannot make their browser call the API as them.
"""

import hashlib
from functools import wraps

from flask import abort, current_app, g, request
from flask_limiter.util import get_remote_address
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from course_app.api import tokens
from course_app.auth.models import User
from course_app.db import get_session
from course_app.security import limiter

SCHEME = "Bearer "
#: Documented on every operation: a bearer token is required.
SECURITY = [{"bearer": []}]


def _presented() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith(SCHEME):
        return None
    return header[len(SCHEME) :].strip() or None


def rate_key() -> str:
    """Limit per token (a hash of it: the key store never holds a usable secret); a request
    without one is limited by address."""
    secret = _presented()
    if secret is None:
        return f"api-anon:{get_remote_address()}"
    return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]


rate_limited = limiter.limit(
    lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_key, per_method=False
)


def token_user(scope: str | None) -> User:
    """The token's owner, if the request carries a usable token holding ``scope`` (None: any
    scope; the view checks with :func:`require_scope`): else 401 (no, unknown, expired or
    revoked token) or 403 (a scope the token lacks)."""
    secret = _presented()
    if secret is None:
        raise _challenge("Send a personal access token: Authorization: Bearer <token>.")
    found = tokens.authenticate(get_session(), secret)
    if found is None:
        raise _challenge("The token is unknown, expired or revoked.")
    token, user = found
    get_session().commit()  # the token's last use, kept even if the request is then refused
    g.api_token = token
    if scope is not None:
        require_scope(scope)
    return user


def has_scope(scope: str) -> bool:
    return scope in g.api_token.scopes


def require_scope(scope: str) -> None:
    if not has_scope(scope):
        abort(403, f"The token lacks the scope {scope}.")


def _challenge(detail: str) -> Unauthorized:
    """401 naming the scheme to use (RFC 6750)."""
    return Unauthorized(detail, www_authenticate=WWWAuthenticate("Bearer", {"realm": "api"}))


def with_scope(scope: str):
    """Authenticate the view's caller (passed as ``user``) with a token holding ``scope``."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, user=token_user(scope), **kwargs)

        return wrapper

    return decorate
