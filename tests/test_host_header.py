"""Fault 3 of the audit: absolute URLs come from PUBLIC_BASE_URL, never from the Host header
(or X-Forwarded-Host behind a proxy), and unknown hosts are refused."""

import pytest
from sqlalchemy import select

from course_app import create_app
from course_app.mail.models import OutboxMessage
from course_app.urls import MissingPublicBaseUrl
from tests.helpers import make_user, post

PUBLIC = "https://ce.example.org"


def _outbox(db) -> str:
    return "\n".join(db.scalars(select(OutboxMessage.body)))


def _reset_with_headers(make_app, db, **headers):
    """Ask for a reset link with extra headers. CSRF is off here: the test client keeps
    cookies per host, so a token from localhost would not reach evil.example anyway, and
    the check under test must hold even for a request that passes CSRF."""
    app = make_app(WTF_CSRF_ENABLED=False, **headers.pop("config", {}))
    make_user(db)
    data = {"email": "learner@example.org"}
    return app.test_client().post("/auth/reset", data=data, headers=headers)


def test_reset_link_uses_the_public_address_not_the_request_host(make_app, db):
    app = make_app(PUBLIC_BASE_URL=PUBLIC, TRUSTED_HOSTS=["ce.example.org", "localhost"])
    make_user(db)
    response = post(app.test_client(), "/auth/reset", {"email": "learner@example.org"})
    assert response.status_code == 302
    assert f"{PUBLIC}/auth/reset/" in _outbox(db)
    assert "http://localhost" not in _outbox(db)


def test_a_forged_host_header_is_refused_and_sends_no_mail(make_app, db):
    response = _reset_with_headers(make_app, db, Host="evil.example")
    assert response.status_code == 400
    assert "evil.example" not in _outbox(db)


def test_a_forged_forwarded_host_behind_the_proxy_is_refused(make_app, db):
    forwarded = {"X-Forwarded-Host": "evil.example", "config": {"TRUSTED_PROXY_COUNT": 1}}
    response = _reset_with_headers(make_app, db, **forwarded)
    assert response.status_code == 400
    assert "evil.example" not in _outbox(db)


def test_welcome_mail_links_to_the_public_address(make_app, db):
    app = make_app(PUBLIC_BASE_URL=PUBLIC)
    client = app.test_client()
    form = {
        "full_name": "Ada Learner",
        "email": "ada@example.org",
        "password": "a long enough passphrase",
        "confirm": "a long enough passphrase",
        "registration_number": "PT1",
        "jurisdiction": "ON",
        "regulator": "College of Physiotherapists of Ontario",
        "register_class": "full",
    }
    assert post(client, "/auth/register", form).status_code == 302
    assert f"{PUBLIC}/auth/login" in _outbox(db)


def test_issuer_profile_names_the_public_address(make_app):
    app = make_app(PUBLIC_BASE_URL=PUBLIC)
    document = app.test_client().get("/issuers/course-app").get_json(force=True)
    assert PUBLIC in str(document)
    assert "localhost" not in str(document)


def test_trusted_hosts_default_to_the_public_host_and_local_names(make_app):
    app = make_app(PUBLIC_BASE_URL=PUBLIC + "/")
    assert app.config["PUBLIC_BASE_URL"] == PUBLIC
    assert set(app.config["TRUSTED_HOSTS"]) == {"ce.example.org", "localhost", "127.0.0.1", "::1"}
    assert app.test_client().get("/", base_url=PUBLIC).status_code == 200


def test_the_app_refuses_to_start_without_a_public_address(tmp_path, database_url):
    config = {"SECRET_KEY": "x", "DATABASE_URL": database_url, "PUBLIC_BASE_URL": ""}
    with pytest.raises(MissingPublicBaseUrl, match="PUBLIC_BASE_URL is not set"):
        create_app(config, instance_path=str(tmp_path / "instance"))
    with pytest.raises(MissingPublicBaseUrl, match="http"):
        create_app({**config, "PUBLIC_BASE_URL": "ce.example.org"}, str(tmp_path / "i2"))
