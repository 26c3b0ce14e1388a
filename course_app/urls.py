"""URL helpers: safe redirects, and absolute URLs from the configured public address (never
from the request's Host header, which the client chooses)."""

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for

#: Where the app answers in development and tests when ``PUBLIC_BASE_URL`` is not set.
DEBUG_BASE_URL = "http://127.0.0.1:5000"
TESTING_BASE_URL = "http://localhost"  # the test client's default host
#: Host names always accepted, for a developer's browser and local health checks.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class MissingPublicBaseUrl(RuntimeError):
    """Raised by the factory: outside debug and testing the public address must be set."""


def init_app(app: Flask) -> None:
    """Check ``PUBLIC_BASE_URL`` and derive ``TRUSTED_HOSTS`` from it when not set."""
    base = (app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if not base:
        if not (app.debug or app.testing):
            raise MissingPublicBaseUrl(
                "PUBLIC_BASE_URL is not set. Set it to the site's public address, e.g. "
                "COURSE_APP_PUBLIC_BASE_URL=https://ce.example.org (reset links, mails, QR "
                "codes and credentials are built from it, never from the request's Host)."
            )
        base = TESTING_BASE_URL if app.testing else DEBUG_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MissingPublicBaseUrl(f"PUBLIC_BASE_URL must be http(s)://host[:port], not {base!r}")
    app.config["PUBLIC_BASE_URL"] = base
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = sorted({parts.hostname, *LOCAL_HOSTS})
    app.jinja_env.globals["fixed_url"] = fixed_url


def fixed_url(endpoint: str, **values: str) -> str:
    """``url_for`` for a link every page carries unchanged (the header's navigation, the
    stylesheet): built once per process and mount point instead of on each render, where
    the header's fifteen links cost about a tenth of a simple page. Only for endpoints whose
    values come from the code, never from data (the cache is small and shared)."""
    return _built_url(request.script_root, endpoint, tuple(values.items()))


@lru_cache(maxsize=64)
def _built_url(_script_root: str, endpoint: str, values: tuple) -> str:
    # A relative URL depends only on the URL map (the same for every app this code builds)
    # and the mount point, which is in the key; the app sets no url_defaults.
    return url_for(endpoint, **dict(values))


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` at ``PUBLIC_BASE_URL`` (for mails and documents)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
