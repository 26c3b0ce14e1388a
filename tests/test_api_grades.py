"""Staff reads through the API: a course's gradebook, enrolments and one learner's standing,
with tokens made on the tokens page. The rows are the gradebook's own (compared with its
service), and who reads what follows the pages' permissions."""

import pytest
from sqlalchemy import select

from course_app.auth.models import Role, User
from course_app.db import utcnow
from course_app.instructor import gradebook
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course, Enrollment
from course_app.standing_store import refresh_standing
from tests.api_support import assert_problem, bearer, create_token
from tests.helpers import complete_course, login, make_user, post

V1 = "/api/v1"
STAFF_SCOPES = ["read:self", "read:courses", "read:gradebook"]


def browser_for(app, user):
    browser = app.test_client()
    login(browser, user.email)
    return browser


def get(client, path, token, **query):
    return client.get(V1 + path, headers=bearer(token), query_string=query)


def course_id(db, slug: str) -> int:
    return db.scalar(select(Course.id).where(Course.slug == slug))


@pytest.fixture
def teacher_token(instructor):
    """Tess teaches basics (conftest)."""
    return create_token(instructor.browser, STAFF_SCOPES)


@pytest.fixture
def admin_token(app, db, content):
    admin = make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ann Admin")
    return create_token(browser_for(app, admin), [*STAFF_SCOPES, "admin:certificates"])


@pytest.fixture
def outsider_token(app, db, content):
    """An instructor of advanced only."""
    other = make_user(db, email="other@example.org", role=Role.INSTRUCTOR, full_name="Oz Other")
    db.add(CourseStaff(course_id=course_id(db, "advanced"), user_id=other.id))
    db.commit()
    return create_token(browser_for(app, other), STAFF_SCOPES)


@pytest.fixture
def done(app, db, content):
    """Dora completed basics and her licence is verified: eligible."""
    dora = make_user(db, email="dora@example.org", full_name="Dora Done")
    complete_course(browser_for(app, dora), db, "basics")
    db.get(User, dora.id).licence_verified_at = utcnow()
    # What the administrator's verification page does besides: the stored standing follows.
    with app.app_context():
        refresh_standing(db, dora.id, course_id(db, "basics"))
    db.commit()
    return dora


def enrol(db, count: int, slug: str = "basics", prefix: str = "Pat") -> list[int]:
    ids = []
    for number in range(count):
        person = make_user(
            db, email=f"{prefix}{number}@example.org", full_name=f"{prefix} {number}"
        )
        db.add(Enrollment(user_id=person.id, course_id=course_id(db, slug)))
        ids.append(person.id)
    db.commit()
    return ids


def every_page(client, path, token, **query):
    items, cursor = [], None
    for _ in range(100):
        body = get(client, path, token, limit=2, **query, **({"cursor": cursor} if cursor else {}))
        assert body.status_code == 200, body.get_data(as_text=True)
        items += body.get_json()["items"]
        cursor = body.get_json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pages never ended")


def test_the_gradebook_rows_are_the_gradebook_services(app, client, db, teacher_token, done):
    learner = make_user(db, email="new@example.org", full_name="Nell New")
    post(browser_for(app, learner), "/courses/basics/enrol")
    body = get(client, "/courses/basics/gradebook", teacher_token).get_json()
    assert body["course"] == "basics" and body["next_cursor"] is None
    rows = {row["learner"]["id"]: row for row in body["items"]}
    with app.app_context():
        from course_app.db import get_session

        session = get_session()
        course = session.get(Course, course_id(db, "basics"))
        book = gradebook.gradebook(session, course, gradebook.Filters())
        expected = {
            r.learner.id: (r.status, r.standing.eligible, r.progress.percent) for r in book.rows
        }
    assert {i: (r["status"], r["eligible"], r["percent"]) for i, r in rows.items()} == expected
    dora = rows[done.id]
    assert dora["eligible"] is True and dora["final_exam"]["passed"] is True
    assert dora["quizzes"] and all(q["passed"] and q["best"] is not None for q in dora["quizzes"])
    assert rows[learner.id]["status"] == "not-started"
    assert rows[learner.id]["final_exam"] == {
        "quiz": dora["final_exam"]["quiz"], "title": dora["final_exam"]["title"],
        "best": None, "attempts": 0, "passed": False,
    }  # fmt: skip


def test_gradebook_filters_match_the_page(app, client, db, teacher_token, done):
    enrol(db, 3)

    def ids(**query):
        body = get(client, "/courses/basics/gradebook", teacher_token, **query).get_json()
        return [row["learner"]["id"] for row in body["items"]]

    assert ids(status="complete") == [done.id]
    assert ids(eligible="true") == [done.id]
    assert done.id not in ids(eligible="false") and len(ids(eligible="false")) == 3
    assert len(ids(status="not-started")) == 3
    assert ids(search="dora") == [done.id] and ids(search="DONE@EXAMPLE") == []
    assert ids(search="dora@example") == [done.id]
    assert ids(enrolled_from="2999-01-01") == ids(enrolled_from="9999-12-31") == []
    assert len(ids(enrolled_to="9999-12-31")) == 4 and ids(enrolled_to="0001-01-01") == []
    assert_problem(
        get(client, "/courses/basics/gradebook", teacher_token, enrolled_to="1932-06-31"), 422
    )
    assert_problem(get(client, "/courses/basics/gradebook", teacher_token, status="bored"), 422)
    assert_problem(get(client, "/courses/basics/gradebook", teacher_token, search="a\x07"), 422)


@pytest.mark.parametrize("query", [{}, {"status": "not-started"}, {"search": "pat"}])
def test_gradebook_pages_round_trip(client, db, teacher_token, query):
    enrolled = enrol(db, 5)
    items = every_page(client, "/courses/basics/gradebook", teacher_token, **query)
    assert [row["learner"]["id"] for row in items] == sorted(enrolled)


def test_the_gradebook_is_for_its_instructors_and_admins(
    client, learner, teacher_token, outsider_token, admin_token
):
    assert get(client, "/courses/advanced/gradebook", admin_token).status_code == 200
    assert_problem(get(client, "/courses/basics/gradebook", outsider_token), 403)
    assert_problem(get(client, "/courses/advanced/gradebook", teacher_token), 403)
    learner_token = create_token(learner.browser, ["read:self", "read:courses"])
    assert_problem(get(client, "/courses/basics/gradebook", learner_token), 403)
    assert_problem(get(client, "/courses/nowhere/gradebook", admin_token), 404)


def test_a_learner_cannot_give_a_token_the_gradebook_scope(learner):
    sent = {"name": "x", "scopes": ["read:gradebook"], "days": 5}
    assert post(learner.browser, "/account/tokens", sent).status_code == 400


def test_the_scope_is_needed_as_well_as_the_role(client, instructor):
    token = create_token(instructor.browser, ["read:self", "read:courses"])
    body = assert_problem(get(client, "/courses/basics/gradebook", token), 403)
    assert "read:gradebook" in body["detail"]


def test_a_learner_lists_only_their_own_enrolments(client, db, learner):
    enrol(db, 2)
    token = create_token(learner.browser, ["read:self"])
    items = get(client, "/enrolments", token).get_json()["items"]
    assert [(i["course"], i["learner"]["id"]) for i in items] == [("basics", learner.id)]
    assert_problem(get(client, "/enrolments", create_token(learner.browser, ["read:courses"])), 403)


def test_staff_list_their_courses_enrolments(
    client, db, learner, teacher_token, outsider_token, admin_token
):
    enrol(db, 2, "advanced", prefix="Adv")
    basics = get(client, "/enrolments", teacher_token).get_json()["items"]
    assert {i["course"] for i in basics} == {"basics"} and len(basics) == 1
    advanced = get(client, "/enrolments", outsider_token).get_json()["items"]
    assert {i["course"] for i in advanced} == {"advanced"} and len(advanced) == 2
    assert len(get(client, "/enrolments", admin_token).get_json()["items"]) == 3
    assert_problem(get(client, "/enrolments", teacher_token, course="advanced"), 403)
    only = get(client, "/enrolments", admin_token, course="advanced").get_json()["items"]
    assert len(only) == 2


def test_enrolment_filters_and_pages(client, db, teacher_token, done):
    enrolled = enrol(db, 5)
    everyone = every_page(client, "/enrolments", teacher_token)
    assert [i["id"] for i in everyone] == sorted(i["id"] for i in everyone)
    assert {i["learner"]["id"] for i in everyone} == {done.id, *enrolled}
    eligible = every_page(client, "/enrolments", teacher_token, eligible="true")
    assert [(i["learner"]["id"], i["status"]) for i in eligible] == [(done.id, "complete")]
    waiting = every_page(client, "/enrolments", teacher_token, status="not-started")
    assert [i["learner"]["id"] for i in waiting] == enrolled
    found = every_page(client, "/enrolments", teacher_token, search="Pat 3")
    assert [i["learner"]["full_name"] for i in found] == ["Pat 3"]


def test_a_learners_standing_for_those_who_may_see_them(
    app, client, db, learner, teacher_token, outsider_token, admin_token
):
    complete_course(learner.browser, db, "basics")
    path = f"/users/{learner.id}/standing"
    body = get(client, path, teacher_token).get_json()
    assert body["learner"]["id"] == learner.id
    assert [(i["course"], i["complete"]) for i in body["items"]] == [("basics", True)]
    assert get(client, path, admin_token).get_json() == body
    assert_problem(get(client, path, outsider_token), 404)
    assert_problem(get(client, "/users/999999/standing", admin_token), 404)
    own = create_token(learner.browser, ["read:self"])
    assert get(client, path, own).get_json() == body
    other = make_user(db, email="nosy@example.org")
    post(browser_for(app, other), "/courses/basics/enrol")
    nosy = create_token(browser_for(app, other), ["read:self", "read:courses"])
    assert_problem(get(client, path, nosy), 403)


def test_the_new_operations_are_in_the_document(client, content):
    paths = client.get(f"{V1}/openapi.json").get_json()["paths"]
    assert {
        f"{V1}/enrolments", f"{V1}/courses/{{course_slug}}/gradebook",
        f"{V1}/users/{{user_id}}/standing", f"{V1}/certificates/{{public_id}}/revoke",
    } <= set(paths)  # fmt: skip
    assert {"get", "post"} <= set(paths[f"{V1}/certificates"])
