"""The product's name on pages, e-mails and certificates, and its icon."""

from sqlalchemy import select

from course_app.branding import derived_settings
from course_app.mail.models import OutboxMessage
from tests.helpers import make_user, post


def test_issuer_and_sender_follow_the_product_name_unless_set():
    empty = {"PRODUCT_NAME": "Needle Lab", "ISSUER_NAME": "", "MAIL_SENDER": ""}
    assert derived_settings(empty) == {
        "ISSUER_NAME": "Needle Lab",
        "MAIL_SENDER": "Needle Lab <no-reply@localhost>",
    }
    chosen = {"PRODUCT_NAME": "Needle Lab", "ISSUER_NAME": "Clinic Inc.", "MAIL_SENDER": "x"}
    assert derived_settings(chosen) == {}


def test_pages_carry_the_default_product_name_not_the_package_name(app, client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "· Dry Needling CE</title>" in html
    assert "course_app" not in html
    assert app.config["ISSUER_NAME"] == "Dry Needling CE"


def test_a_configured_name_is_used_on_pages_and_in_mail(make_app, db):
    app = make_app(PRODUCT_NAME="Needle Lab")
    client = app.test_client()
    assert "· Needle Lab</title>" in client.get("/auth/login").get_data(as_text=True)
    assert app.config["ISSUER_NAME"] == "Needle Lab"
    make_user(db, "pat@example.org")
    post(client, "/auth/reset", {"email": "pat@example.org"})
    message = db.scalar(select(OutboxMessage))
    assert message.subject == "Reset your Needle Lab password"
    assert "your Needle Lab account" in message.body and "course_app" not in message.body


def test_the_favicon_is_linked_and_served(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'rel="icon" href="/favicon.svg"' in html
    icon = client.get("/favicon.svg")
    assert icon.status_code == 200 and icon.data.startswith(b"<svg")
    assert icon.mimetype == "image/svg+xml" and "max-age" in icon.headers["Cache-Control"]
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy.headers["Location"] == "/favicon.svg"
