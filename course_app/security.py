"""Security defaults: CSRF on every POST, rate limits, and response headers."""

from flask import Flask, Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import SecurityError
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
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(_add_security_headers)
    app.register_error_handler(SecurityError, _untrusted_host)
    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        # Behind nginx: take the client address and scheme from the proxy's headers, trusting
        # exactly this many proxies (so rate limits apply per client, not per proxy).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


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
