"""create-admin: the first administrator, with a password printed once."""

import re

from sqlalchemy import select

from course_app.auth.models import Role, User
from tests.helpers import csrf_token, login, make_user

NEW = "a-brand-new-passphrase-42"


def test_create_admin_prints_a_password_once(runner, client, db):
    first = runner.invoke(args=["create-admin"])
    assert first.exit_code == 0
    password = re.search(r"password: (\S+)", first.output).group(1)
    assert len(password) >= 20
    assert "admin@example.org" in first.output
    second = runner.invoke(args=["create-admin"])
    assert "already exists" in second.output and password not in second.output
    assert db.scalars(select(User.role)).all() == [Role.ADMIN]
    assert login(client, "admin@example.org", password).status_code == 302


def _first_admin_password(runner) -> str:
    return re.search(r"password: (\S+)", runner.invoke(args=["create-admin"]).output).group(1)


def _post_from(client, url, data):
    """POST with the token of the one page such an account can open (the home page redirects)."""
    token = csrf_token(client, "/auth/password")
    return client.post(url, data={**data, "csrf_token": token})


def test_first_admin_must_change_the_generated_password(runner, client, db):
    password = _first_admin_password(runner)
    response = login(client, "admin@example.org", password)
    for page in (response.headers["Location"], "/admin/", "/admin/users", "/courses/"):
        answer = client.get(page)
        assert answer.status_code == 302, page
        assert answer.headers["Location"].endswith("/auth/password"), page
    assert client.get("/auth/password").status_code == 200
    changed = _post_from(
        client, "/auth/password", {"current_password": password, "password": NEW, "confirm": NEW}
    )
    assert changed.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert db.scalar(select(User.must_change_password)) is False


def test_first_admin_can_log_out_before_changing(runner, client, db):
    login(client, "admin@example.org", _first_admin_password(runner))
    assert _post_from(client, "/auth/logout", {}).status_code == 302
    assert client.get("/admin/").headers["Location"].startswith("/auth/login")


def test_other_accounts_are_not_sent_to_change_their_password(client, db):
    make_user(db, "boss@example.org", role=Role.ADMIN)
    login(client, "boss@example.org")
    assert client.get("/admin/").status_code == 200


def test_create_admin_takes_an_email(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "Boss@Clinic.example.org"])
    assert "boss@clinic.example.org" in result.output
    assert db.scalar(select(User.email)) == "boss@clinic.example.org"
