"""create-admin: the first administrator, with a password printed once."""

import re

from sqlalchemy import select

from course_app.auth.models import Role, User
from tests.helpers import login


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
    assert client.get("/admin/").status_code == 200


def test_create_admin_takes_an_email(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "Boss@Clinic.example.org"])
    assert "boss@clinic.example.org" in result.output
    assert db.scalar(select(User.email)) == "boss@clinic.example.org"
