"""The versioned JSON API (``/api/v1/``), its OpenAPI document and docs page, and the
personal access tokens that open it (created and revoked on the owner's account pages).

flask-smorest builds the OpenAPI document from the marshmallow schemas and the routes
themselves, so the document cannot drift from the code.
"""

from flask import Flask, request

from course_app.api.spec import CourseApi

PREFIX = "/api/v1"
#: Where each app keeps its own Api (and so its own OpenAPI document).
EXTENSION_KEY = "course_app.api"


def init_app(app: Flask) -> None:
    from course_app.api import (
        catalog,
        certificate_admin,
        docs,
        grades,
        learners,
        people,
        token_views,
    )
    from course_app.api.auth import rate_limited
    from course_app.security import csrf

    app.config.setdefault("API_TITLE", "course_app API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = app.extensions[EXTENSION_KEY] = CourseApi()
    api.init_app(app, spec_kwargs=spec_options())
    for resource in (catalog.blp, learners.blp, grades.blp, certificate_admin.blp, people.blp):
        # Requests carry a bearer token, never cookies: a forged cross-site request has no
        # token to send, and a session cookie authenticates nothing here.
        csrf.exempt(resource)
        rate_limited(resource)
        api.register_blueprint(resource, url_prefix=PREFIX)
    app.after_request(_not_cached)
    app.register_blueprint(docs.bp, url_prefix=PREFIX)
    app.register_blueprint(token_views.bp)


def spec_options() -> dict:
    return {
        "info": {
            "description": "Read courses, your own standing, attempts and certificates; "
            "staff read their courses' gradebooks; administrators issue and revoke certificates."
        },
        "servers": [{"url": "/"}],
    }


def _not_cached(response):
    """API answers hold personal data: never kept by a shared cache (or the browser)."""
    if request.path.startswith(PREFIX + "/"):
        response.headers["Cache-Control"] = "no-store"
    return response
