"""The JSON API under /api/v1 through HTTP, with tokens made on the tokens page: each role's
data and limits, refused tokens, scopes, pagination, problem details and the document."""

from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from course_app.api.models import ApiToken
from course_app.auth.models import Role, User
from course_app.db import get_session
from course_app.modules.models import Course
from course_app.standings import learner_standing
from tests.api_support import PROBLEM, assert_problem, bearer, create_token
from tests.conftest import move_clock
from tests.helpers import complete_course, login, make_user
from tests.issued import issue_for

V1 = "/api/v1"


def browser_for(app, user):
    browser = app.test_client()
    login(browser, user.email)
    return browser


@pytest.fixture
def admin(app, db, content):
    user = make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ann Admin")
    user.browser = browser_for(app, user)
    return user


@pytest.fixture
def learner_token(learner):
    return create_token(learner.browser, ["read:self", "read:courses"])


@pytest.fixture
def admin_token(admin):
    return create_token(
        admin.browser, ["read:self", "read:courses", "admin:certificates", "admin:users"]
    )


def get(client, path, token, **kwargs):
    return client.get(V1 + path, headers=bearer(token), **kwargs)


def test_the_catalog_and_a_course_structure_by_slug(client, learner_token):
    courses = get(client, "/courses", learner_token).get_json()["items"]
    assert [c["slug"] for c in courses] == ["basics", "advanced"]
    assert courses[1]["prerequisite"] == "basics"
    basics = get(client, "/courses/basics", learner_token).get_json()
    assert basics["modules"] and all(m["lessons"] for m in basics["modules"])
    assert basics["final_exam"]["slug"]
    assert_problem(get(client, "/courses/nowhere", learner_token), 404)


def test_a_learners_standing_reads_the_single_rule(app, client, db, learner, learner_token):
    complete_course(learner.browser, db, "basics")
    items = get(client, "/me/standing", learner_token).get_json()["items"]
    assert [item["course"] for item in items] == ["basics"]
    mine = items[0]
    with app.app_context():
        course_id = get_session().scalar(select(Course.id).where(Course.slug == "basics"))
        rule = learner_standing(get_session(), course_id, learner.id)
        expected = [(r.label, r.met, r.detail) for r in rule.requirements]
    assert [(r["label"], r["met"], r["detail"]) for r in mine["requirements"]] == expected
    assert mine["eligible"] is rule.eligible is False  # the licence is not verified yet
    assert mine["complete"] is True and mine["percent"] == 100


def test_attempts_are_summaries_of_ones_own(app, client, db, learner, learner_token):
    complete_course(learner.browser, db, "basics")
    attempts = get(client, "/me/attempts", learner_token).get_json()["items"]
    assert len(attempts) == 3 and all(a["passed"] for a in attempts)
    assert set(attempts[0]) == {
        "id", "course", "quiz", "number", "status", "started_at", "finished_at", "score", "passed"
    }  # fmt: skip
    other = make_user(db, email="other@example.org")
    other_token = create_token(browser_for(app, other), ["read:self"])
    assert get(client, "/me/attempts", other_token).get_json() == {"items": []}


def test_an_instructor_reads_courses_and_no_one_elses_data(client, instructor, learner):
    token = create_token(instructor.browser, ["read:self", "read:courses"])
    assert get(client, "/courses", token).status_code == 200
    assert get(client, "/me/standing", token).get_json() == {"items": []}
    assert get(client, "/certificates", token).get_json()["items"] == []
    assert_problem(get(client, "/users", token), 403)


def test_a_learner_sees_only_their_own_certificates(app, client, db, learner_token, admin_token):
    issue_for(app, db, "one@example.org", "One Learner")
    assert get(client, "/certificates", learner_token).get_json()["items"] == []
    mine = issue_for(app, db, "two@example.org", "Two Learner")
    owner = db.get(User, mine.user_id)
    token = create_token(browser_for(app, owner), ["read:self"])
    listed = get(client, "/certificates", token).get_json()
    assert [c["public_id"] for c in listed["items"]] == [mine.public_id]
    everyone = get(client, "/certificates", admin_token).get_json()["items"]
    assert len(everyone) == 2


@pytest.mark.parametrize("path", ["/certificates", "/users"])
def test_pagination_round_trip(app, client, db, admin_token, path):
    for number in range(5):
        issue_for(app, db, f"l{number}@example.org", f"Learner {number}")
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = get(client, path, admin_token, query_string=query).get_json()
        assert len(body["items"]) <= 2
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    key = "public_id" if path == "/certificates" else "id"
    everything = get(client, path, admin_token, query_string={"limit": 100}).get_json()
    assert everything["next_cursor"] is None
    assert [i[key] for i in seen] == [i[key] for i in everything["items"]]
    assert len(seen) >= 5 and pages == (len(seen) + 1) // 2


def test_a_cursor_past_every_id_is_an_empty_last_page(client, admin_token):
    for cursor in (str(2**31 - 1), str(2**31), "9" * 18):
        body = get(client, "/users", admin_token, query_string={"cursor": cursor}).get_json()
        assert body == {"items": [], "next_cursor": None}


def test_bad_paging_parameters_are_problems(client, admin_token):
    body = assert_problem(get(client, "/users", admin_token, query_string={"limit": 101}), 422)
    assert "limit" in str(body["errors"])
    assert_problem(get(client, "/users", admin_token, query_string={"limit": "x"}), 422)
    for cursor in ("garbage", "-1", "", "1" * 19):
        assert_problem(get(client, "/users", admin_token, query_string={"cursor": cursor}), 422)


def test_users_are_for_admin_tokens_with_the_scope(client, admin, learner_token):
    token = create_token(admin.browser, ["admin:users"])
    emails = [user["email"] for user in get(client, "/users", token).get_json()["items"]]
    assert "admin@example.org" in emails and "learner@example.org" in emails
    assert_problem(get(client, "/users", learner_token), 403)
    assert_problem(get(client, "/users", create_token(admin.browser, ["read:self"])), 403)


def test_a_demoted_admins_admin_token_is_refused(client, db, admin, admin_token):
    admin_row = db.get(User, admin.id)
    admin_row.role = Role.INSTRUCTOR
    db.commit()
    assert_problem(get(client, "/users", admin_token), 403)
    assert get(client, "/certificates", admin_token).get_json()["items"] == []


def test_a_token_without_the_scope_is_forbidden(client, learner):
    token = create_token(learner.browser, ["read:courses"])
    body = assert_problem(get(client, "/me/standing", token), 403)
    assert "read:self" in body["detail"]
    assert_problem(get(client, "/certificates", token), 403)


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer nonsense", "Basic bGVhcm5lcjpwdw==", "bearer x"]
)
def test_missing_or_garbage_tokens_are_unauthorized(client, content, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(f"{V1}/me/standing", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_unauthorized(client, learner):
    token = create_token(learner.browser, ["read:self"], days=1)
    assert get(client, "/me/standing", token).status_code == 200
    move_clock(timedelta(days=1, minutes=1))
    assert_problem(get(client, "/me/standing", token), 401)


def test_a_closed_or_disabled_account_s_token_is_unauthorized(client, db, learner, learner_token):
    row = db.get(User, learner.id)
    row.is_active = False
    db.commit()
    assert_problem(get(client, "/me/standing", learner_token), 401)


def test_a_session_cookie_authenticates_nothing(learner, learner_token):
    assert_problem(learner.browser.get(f"{V1}/me/standing"), 401)
    assert_problem(learner.browser.post(f"{V1}/courses"), 405)


def test_answers_are_never_cached(client, learner_token):
    for path in ("/me/standing", "/courses"):
        assert get(client, path, learner_token).headers["Cache-Control"] == "no-store"


def test_a_use_is_noted_on_the_token(client, db, learner_token):
    assert db.scalar(select(ApiToken.last_used_at)) is None
    get(client, "/courses", learner_token)
    assert db.scalar(select(ApiToken.last_used_at)) is not None


def test_unknown_api_paths_are_problems_not_pages(client, content):
    response = client.get(f"{V1}/nothing-here")
    assert_problem(response, 404)
    assert "<html" not in response.get_data(as_text=True)


def test_requests_are_limited_per_token(make_app, db, content):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    learner = make_user(db, email="learner@example.org")
    browser = browser_for(app, learner)
    first, second = (create_token(browser, ["read:courses"], name=n) for n in ("a", "b"))
    client = app.test_client()
    assert [get(client, "/courses", first).status_code for _ in range(2)] == [200, 200]
    assert_problem(get(client, "/courses", first), 429)
    assert get(client, "/courses", second).status_code == 200


def test_the_openapi_document_is_valid_3_1(client, content):
    response = client.get(f"{V1}/openapi.json")
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)
    paths = set(document["paths"])
    assert {f"{V1}/courses", f"{V1}/me/standing", f"{V1}/users", f"{V1}/certificates"} <= paths
    problem = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(problem) == [PROBLEM]


def test_the_docs_page_is_served_by_the_app_without_a_cdn(client, content):
    page = client.get(f"{V1}/docs").get_data(as_text=True)
    assert "GET /api/v1/me/standing" in page and "/api/v1/openapi.json" in page
    assert "https://" not in page.split("<main", 1)[-1]


def test_a_server_error_in_the_api_is_a_problem_too(make_app, content):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule(f"{V1}/broken", "broken", broken)  # a stand-in for a bug in a view
    body = assert_problem(app.test_client().get(f"{V1}/broken"), 500)
    assert "a bug" not in body["detail"]


def test_an_unreachable_database_is_a_503_problem(make_app):
    app = make_app(DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/nowhere")
    response = app.test_client().get(f"{V1}/courses", headers=bearer("cat_anything"))
    assert_problem(response, 503)
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("slug", ["x" * 500, "%C3%A9t%C3%A9", "..%2F.."])
def test_odd_slugs_are_not_found(client, learner_token, slug):
    assert_problem(get(client, f"/courses/{slug}", learner_token), 404)


def test_a_nul_in_a_slug_is_a_bad_request(client, learner_token):
    """Refused before any view (course_app/security.py): PostgreSQL text cannot hold one."""
    assert_problem(get(client, "/courses/a%00b", learner_token), 400)
