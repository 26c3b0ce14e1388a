"""Fault 8 of the audit: integers beyond what the database holds (2^31 on PostgreSQL's
INTEGER, 2^63 on SQLite) in URLs and query strings, and dates at the calendar's ends, answer
404 or are ignored like any other bad filter: never 500. Run on SQLite and PostgreSQL."""

import re

import pytest
from sqlalchemy import select

from course_app.auth.models import Role
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course
from course_app.quizzes.models import Question
from tests.helpers import csrf_token, login, make_user

HUGE = ("2147483648", "9223372036854775808", "99999999999999999999")
WS = "/instructor/courses/basics"


@pytest.fixture
def admin(app, db, content):
    """An administrator who also teaches 'basics': every page below is theirs to open."""
    user = make_user(db, email="admin@example.org", role=Role.ADMIN)
    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    db.add(CourseStaff(course_id=course_id, user_id=user.id))
    db.commit()
    browser = app.test_client()
    login(browser, user.email)
    return browser


def _int_routes(app) -> list[tuple[str, set[str]]]:
    """Every URL rule with an integer part, its parts filled in (huge ints go in later)."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:[^>]+>", "{n}", rule.rule)
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", "basics", path)
        rules.append((path, rule.methods - {"HEAD", "OPTIONS"}))
    return rules


def test_there_are_integer_routes_to_check(app):
    assert len(_int_routes(app)) >= 15


@pytest.mark.parametrize("number", HUGE)
def test_huge_integers_in_urls_are_not_found(app, admin, number):
    token = csrf_token(admin)
    for path, methods in _int_routes(app):
        url = path.replace("{n}", number)
        for method in methods:
            response = admin.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"


def test_an_ordinary_id_still_routes(app, admin):
    assert admin.get("/admin/users/1").status_code == 200


@pytest.mark.parametrize("number", HUGE)
def test_huge_integers_in_query_strings_are_ignored(admin, db, number):
    key = db.scalar(select(Question.key).limit(1))
    for url in (
        f"/admin/outbox?page={number}",
        f"/admin/audit?actor={number}",
        f"/admin/audit.csv?actor={number}",
        f"{WS}/gradebook?cohort={number}",
        f"{WS}/gradebook?page={number}",
        f"{WS}/gradebook.csv?cohort={number}",
        f"{WS}/questions/{key}/regrade?version={number}",
    ):
        assert admin.get(url).status_code in (200, 404), url


def test_huge_integers_in_forms_are_refused_plainly(admin, number="99999999999999999999"):
    token = csrf_token(admin)
    response = admin.post(
        "/admin/certificates/basics/issue", data={"learner": number, "csrf_token": token}
    )
    assert response.status_code in (302, 303)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "99999-01-01"])
def test_dates_at_the_ends_of_the_calendar_are_ignored(admin, day):
    for url in (
        f"/admin/audit?from={day}&to={day}",
        f"/admin/audit.csv?to={day}",
        f"{WS}/gradebook?from={day}&to={day}",
        f"{WS}/gradebook.csv?to={day}",
    ):
        assert admin.get(url).status_code == 200, url
