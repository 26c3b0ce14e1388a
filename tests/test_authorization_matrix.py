"""Every route in the URL map × every kind of user → the expected status.

The matrix is checked against the app's URL map: a new route without an entry here fails.
"""

import pytest
from sqlalchemy import func, select

from course_app.auth.models import Role
from course_app.models import metadata
from tests.helpers import login, make_user, post

USERS = ("anonymous", "learner", "other_learner", "instructor", "admin")
LOGIN = 302  # anonymous users are sent to the login page


def expect(anonymous, learner, other_learner=None, instructor=None, admin=None):
    other = learner if other_learner is None else other_learner
    staff = learner if instructor is None else instructor
    return dict(
        zip(
            USERS,
            (anonymous, learner, other, staff, staff if admin is None else admin),
            strict=True,
        )
    )


OPEN = expect(200, 200)
LOGGED_IN = expect(LOGIN, 200)
ADMIN_ONLY = expect(LOGIN, 403, instructor=403, admin=200)
INVALID_FORM = expect(400, 400)  # posted empty: refused with the form's errors

#: (method, endpoint, URL) → expected status per user. "learner" is enrolled in basics and
#: has completed it; "other_learner" is enrolled nowhere.
MATRIX = {
    ("GET", "index", "/"): OPEN,
    ("GET", "modules.catalog", "/courses"): OPEN,
    ("GET", "modules.dashboard", "/dashboard"): LOGGED_IN,
    ("GET", "modules.course", "/courses/advanced"): OPEN,
    ("GET", "modules.lesson", "/courses/basics/lessons/one"): expect(LOGIN, 200, 302, 200),
    ("GET", "modules.lesson", "/courses/advanced/lessons/four"): expect(LOGIN, 302, 403, 200),
    ("GET", "modules.resume", "/courses/basics/resume"): expect(LOGIN, 302),
    ("GET", "modules.resume", "/courses/advanced/resume"): expect(LOGIN, 302, 403, 302),
    # Staff read every course without enrolling; a locked course refuses their enrolment too.
    ("POST", "modules.enrol", "/courses/advanced/enrol"): expect(LOGIN, 302, 403, 403),
    ("POST", "modules.complete", "/courses/basics/lessons/two/complete"): expect(LOGIN, 302),
    ("GET", "auth.register", "/auth/register"): OPEN,
    ("POST", "auth.register", "/auth/register"): INVALID_FORM,
    ("GET", "auth.login", "/auth/login"): OPEN,
    ("POST", "auth.login", "/auth/login"): INVALID_FORM,
    ("POST", "auth.logout", "/auth/logout"): expect(302, 302),
    ("GET", "auth.change_password", "/auth/password"): LOGGED_IN,
    ("POST", "auth.change_password", "/auth/password"): expect(LOGIN, 400),
    ("GET", "auth.request_reset", "/auth/reset"): OPEN,
    ("POST", "auth.request_reset", "/auth/reset"): INVALID_FORM,
    ("GET", "auth.reset_password", "/auth/reset/not-a-token"): expect(400, 400),
    ("POST", "auth.reset_password", "/auth/reset/not-a-token"): expect(400, 400),
    ("GET", "admin.index", "/admin/"): ADMIN_ONLY,
    ("GET", "admin.outbox", "/admin/outbox"): ADMIN_ONLY,
    ("GET", "static", "/static/style.css"): OPEN,
}


def test_every_route_is_in_the_matrix(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(method, endpoint) for method, endpoint, _url in MATRIX}
    assert routes - covered == set(), "add the new routes to MATRIX"


@pytest.fixture
def as_user(app, client, db, content):
    """Log the client in as one kind of user, with data that makes the cases meaningful."""
    learner = make_user(db, email="learner@example.org")
    make_user(db, email="other@example.org")
    make_user(db, email="instructor@example.org", role=Role.INSTRUCTOR)
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    login(client, learner.email)
    post(client, "/courses/basics/enrol")
    for slug in ("one", "two", "three"):
        post(client, f"/courses/basics/lessons/{slug}/complete")
    post(client, "/auth/logout")

    def become(user: str) -> None:
        if user != "anonymous":
            email = {"other_learner": "other@example.org"}.get(user, f"{user}@example.org")
            assert login(client, email).status_code == 302

    return become


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("method", "endpoint", "url"), list(MATRIX))
def test_route_answers_each_user_as_expected(client, as_user, user, method, endpoint, url):
    as_user(user)
    if method == "GET":
        with client.get(url) as response:
            status = response.status_code
    else:
        status = post(client, url).status_code
    assert status == MATRIX[(method, endpoint, url)][user]


def row_counts(db) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table))
        for table in metadata.sorted_tables
    }


@pytest.mark.parametrize(("method", "endpoint", "url"), [key for key in MATRIX if key[0] == "POST"])
@pytest.mark.parametrize("user", ["anonymous", "learner"])
def test_every_post_without_a_csrf_token_is_refused(
    client, db, as_user, user, method, endpoint, url
):
    as_user(user)
    before = row_counts(db)
    response = client.post(url, data={"email": "learner@example.org"})
    assert response.status_code == 400
    assert row_counts(db) == before
