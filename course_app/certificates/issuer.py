"""The issuer of the running app: its name, public address and signing keys."""

from flask import current_app

from course_app.certificates.keys import load_keys
from course_app.certificates.services import Issuer


def current_issuer() -> Issuer:
    config = current_app.config
    # Always the configured address (checked at start-up), never the request's Host header.
    base = config["PUBLIC_BASE_URL"]
    return Issuer(config["ISSUER_NAME"], base, load_keys(current_app.instance_path))
