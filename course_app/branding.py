"""The product's name, its issuer name and sender, and its icon.

``PRODUCT_NAME`` is what people see on every page, e-mail and certificate; ``ISSUER_NAME``
and ``MAIL_SENDER`` default to it when left empty, so one setting renames everything.
"""

from flask import Flask, redirect, url_for


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
    return redirect(url_for("static", filename="favicon.svg"), 301)


def init_app(app: Flask) -> None:
    app.config.update(derived_settings(app.config))
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    app.jinja_env.globals["product_name"] = app.config["PRODUCT_NAME"]
