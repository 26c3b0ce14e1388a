"""``/health``: whether this instance can serve, for nginx, monitors and the supervisor test.

It answers 200 only when the database answers a trivial query, and 503 (JSON, with
Retry-After) when it does not, so a load balancer or monitor sees an instance that is up but
cannot reach its data as unhealthy. No login, no rate limit, nothing written.
"""

import logging

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from course_app.db import get_session
from course_app.errors import RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
_PROBE = text("SELECT 1")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/health")
def health():
    try:
        get_session().execute(_PROBE)
    except DBAPIError as error:
        logger.warning("Health check: database unreachable: %s", error.orig.__class__.__name__)
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return jsonify(status="ok", database="ok")
