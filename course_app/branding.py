"""The product's name, its issuer name and sender, and its icon.

``PRODUCT_NAME`` is what people see on every page, e-mail and certificate; ``ISSUER_NAME``
and ``MAIL_SENDER`` default to it when left empty, so one setting renames everything.
"""

from pathlib import Path

from flask import Flask, Response, current_app, redirect, url_for

ICON_KEY = "course_app.favicon"


def derived_settings(config) -> dict[str, str]:
    """The settings left empty that follow from ``PRODUCT_NAME`` (a pure function)."""
    product = config["PRODUCT_NAME"]
    derived = {}
    if not config.get("ISSUER_NAME"):
        derived["ISSUER_NAME"] = product
    if not config.get("MAIL_SENDER"):
        derived["MAIL_SENDER"] = f"{product} <no-reply@localhost>"
    return derived


def _favicon():
    """Browsers ask for /favicon.ico whatever the page links: answer with the SVG icon."""
    return redirect(url_for("favicon_svg"), 301)


def _favicon_svg() -> Response:
    """The icon from memory: browsers fetch it in the background and often drop the request
    half-way when the page moves on, which left a streamed static file open."""
    response = Response(current_app.extensions[ICON_KEY], mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def init_app(app: Flask) -> None:
    app.config.update(derived_settings(app.config))
    app.extensions[ICON_KEY] = (Path(app.static_folder) / "favicon.svg").read_bytes()
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    app.add_url_rule("/favicon.svg", "favicon_svg", _favicon_svg)
    app.jinja_env.globals["product_name"] = app.config["PRODUCT_NAME"]
