"""Security defaults: CSRF on every POST, rate limits, and response headers."""

import logging

from flask import Flask, Response, request
from flask.logging import default_handler
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    if app.config.get("RATELIMIT_SWALLOW_ERRORS"):
        # Failing open removes brute-force protection exactly while Redis is down; the
        # in-memory fallback keeps login and verification working and limited instead.
        raise ValueError("RATELIMIT_SWALLOW_ERRORS must stay false (see docs/deployment.md)")
    app.session_interface = SigningOnceSessionInterface()
    csrf.init_app(app)
    limiter.init_app(app)
    _show_rate_limit_storage_changes()
    app.before_request(_refuse_nul_characters)
    app.after_request(_add_security_headers)
    app.register_error_handler(SecurityError, _untrusted_host)
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        # Behind nginx: take the client address and scheme from the proxy's headers, trusting
        # exactly this many proxies (so rate limits apply per client, not per proxy).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


class NulCharacter(BadRequest):
    """A NUL character in the address, the query or a form: no text here may hold one, and
    PostgreSQL cannot store one (it was a 500 there), so it is refused before any view."""

    for_people = True
    description = "The address or the form holds a NUL character, which no text here may hold."


def _refuse_nul_characters() -> None:
    if "\x00" in request.path or any("\x00" in value for value in request.args.values()):
        raise NulCharacter()
    is_form = request.method in ("POST", "PUT", "PATCH") and request.mimetype in _FORM_TYPES
    if is_form and any("\x00" in value for value in request.form.values()):
        raise NulCharacter()


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class SigningOnceSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, unchanged, except that the signing serializer is built
    once per set of keys instead of on every request (building it costs about as much as
    checking the cookie's signature)."""

    def __init__(self) -> None:
        self._built: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = self._built  # one read: another thread may replace it meanwhile
        if built is None or built[0] != keys:
            built = (keys, super().get_signing_serializer(app))
            self._built = built
        return built[1]


def _show_rate_limit_storage_changes() -> None:
    """Flask-Limiter logs the switch to memory (warning) and back to Redis (info) on its own
    logger, which holds only a NullHandler: with no logging configured (gunicorn's default)
    that silences both, so write them to stderr as Flask's own logger does."""
    if logging.getLogger().handlers:
        return  # logging is configured: the lines reach its handlers
    limiter_log = logging.getLogger("flask-limiter")
    limiter_log.setLevel(logging.INFO)
    if default_handler not in limiter_log.handlers:
        limiter_log.addHandler(default_handler)


def _untrusted_host(_error: SecurityError) -> Response:
    """A Host (or X-Forwarded-Host) outside ``TRUSTED_HOSTS``: refused in plain text, since
    no URL can be built for a request whose host was refused (so no page template)."""
    return Response("Unknown host.\n", status=400, mimetype="text/plain")


def _add_security_headers(response: Response) -> Response:
    """Add each header the view did not set (one pass over the response's headers: a
    ``setdefault`` per header scanned them seven times, on every response)."""
    present = {name.lower() for name, _value in response.headers.items()}
    wanted = list(SECURITY_HEADERS.items())
    if response.mimetype == "text/html":
        # Pages may hold personal data: never keep them in shared caches.
        wanted.append(("Cache-Control", "no-store"))
    response.headers.extend([(n, v) for n, v in wanted if n.lower() not in present])
    return response
