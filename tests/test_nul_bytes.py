"""A NUL character in an address, a query or a form is refused with a 400 before any view
runs: PostgreSQL text cannot hold one, so it reached the database as a 500 (found by
schemathesis on /verify/<id>); SQLite would have stored it."""

import pytest

from tests.helpers import login, make_user, post, text_of


@pytest.mark.parametrize(
    "path",
    ["/verify/a%00b", "/courses/a%00b", "/admin/users?q=a%00b", "/search?q=x%00"],
)
def test_a_nul_in_the_address_or_query_is_a_clear_400(app, db, path):
    make_user(db, email="root@example.org", role="admin")
    client = app.test_client()
    login(client, "root@example.org")
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in text_of(response)


def test_a_nul_in_a_form_changes_nothing(app, db):
    from course_app.auth.models import User

    user = make_user(db, email="ada@example.org", full_name="Ada Learner")
    client = app.test_client()
    login(client, "ada@example.org")
    response = post(client, "/account/details", {"registration_number": "PT\x001"})
    assert response.status_code == 400 and "NUL" in text_of(response)
    db.expire_all()
    assert db.get(User, user.id).registration_number != "PT\x001"


def test_the_api_answers_a_nul_as_problem_details(app):
    response = app.test_client().get("/api/v1/courses/a%00b")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
