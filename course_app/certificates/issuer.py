"""The issuer of the running app: its name, public address and signing keys."""

from flask import current_app, has_request_context, request

from course_app.certificates.keys import load_keys
from course_app.certificates.services import Issuer

FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def current_issuer() -> Issuer:
    config = current_app.config
    base = config["PUBLIC_BASE_URL"] or (
        request.url_root if has_request_context() else FALLBACK_BASE_URL
    )
    return Issuer(config["ISSUER_NAME"], base.rstrip("/"), load_keys(current_app.instance_path))
