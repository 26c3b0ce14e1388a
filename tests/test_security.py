"""Security defaults: headers, cookies, error pages that leak nothing, admin-only pages."""

import pytest
from sqlalchemy import select

from course_app.auth.models import Role, User
from course_app.security import SECURITY_HEADERS
from tests.helpers import login, make_user, post, text_of


@pytest.mark.parametrize("path", ["/", "/auth/login", "/no-such-page", "/static/style.css"])
def test_every_response_has_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy


def test_pages_are_not_cached(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, db):
    make_user(db)
    cookie = login(client, "learner@example.org").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_when_configured(make_app, db):
    make_user(db)
    client = make_app(SESSION_COOKIE_SECURE=True).test_client()
    # Over HTTPS Flask-WTF also checks the Referer, as a browser sends it.
    response = login(
        client,
        "learner@example.org",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/auth/login"},
    )
    assert response.status_code == 302  # logged in (a refused form sets no cookie at all)
    assert "Secure" in response.headers["Set-Cookie"]


def test_500_page_leaks_nothing_and_rolls_back(make_app, db):
    app = make_app()

    @app.get("/boom")
    def boom():
        from course_app.db import get_session

        get_session().add(
            User(email="ghost@example.org", password_hash="x", full_name="Ghost", role=Role.ADMIN)
        )
        get_session().flush()
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret internal detail" not in text_of(response)
    assert "Traceback" not in text_of(response)
    assert db.scalar(select(User).where(User.email == "ghost@example.org")) is None


def test_404_page_is_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)


def test_get_on_a_post_only_route_is_405(client, content):
    assert client.get("/courses/basics/enrol").status_code == 405


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.LEARNER, 403), (Role.INSTRUCTOR, 403), (Role.ADMIN, 200)],
)
@pytest.mark.parametrize("path", ["/admin/", "/admin/outbox"])
def test_admin_pages_are_for_admins_only(client, db, role, status, path):
    if role is not None:
        make_user(db, email="someone@example.org", role=role)
        login(client, "someone@example.org")
    response = client.get(path)
    assert response.status_code == status
    if status == 302:
        assert "/auth/login" in response.headers["Location"]


def test_admin_outbox_shows_reset_links(client, db):
    make_user(db)
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    post(client, "/auth/reset", {"email": "learner@example.org"})
    login(client, "admin@example.org")
    html = text_of(client.get("/admin/outbox"))
    assert "learner@example.org" in html and "/auth/reset/" in html
    assert "Not sent (no mail server)" in html


@pytest.mark.parametrize(("proxies", "seen"), [(1, "203.0.113.7"), (0, "127.0.0.1")])
def test_the_client_address_comes_from_a_trusted_proxy_only(make_app, proxies, seen):
    from flask import request

    app = make_app(TRUSTED_PROXY_COUNT=proxies)
    app.add_url_rule("/whoami-test", "whoami_test", lambda: request.remote_addr or "")
    response = app.test_client().get("/whoami-test", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.get_data(as_text=True) == seen
