"""What every request pays (benchmarks/README.md, "the page floor"): SQL statements per request
on the pages whose throughput is a target, fixed numbers so that a regression fails; and the
work moved out of each request (session serializer, header links) giving the same answers."""

import re

import pytest
from sqlalchemy import event

from course_app.db import get_engine
from tests.helpers import answers_for, csrf_token, login, make_user, post, start_quiz

BASICS = "/courses/basics"
LESSON = f"{BASICS}/lessons/two"


def statements_of(app, send) -> list[str]:
    """The SQL statements the call runs (an executemany counts once)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        send()
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    return statements


@pytest.fixture
def learner(client, db, content):
    user = make_user(db)
    login(client, user.email)
    post(client, f"{BASICS}/enrol")
    client.get(LESSON)  # the first page fills the per-process course structure
    return user


def test_the_login_page_touches_no_database(app, client, content):
    client.get("/auth/login")
    assert statements_of(app, lambda: client.get("/auth/login")) == []


def test_a_lesson_page_runs_two_statements(app, client, learner):
    statements = statements_of(app, lambda: client.get(LESSON))
    # The signed-in user with their unread count, then their standing with the content stamp.
    assert len(statements) == 2, statements


def test_an_autosave_runs_four_statements(app, client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    data = {**answers_for(db, attempt_id), "csrf_token": csrf_token(client)}
    statements = statements_of(
        app,
        lambda: client.post(
            f"/attempts/{attempt_id}/save", data=data, headers={"Accept": "application/json"}
        ),
    )
    # The user, the attempt with its slots, the claim UPDATE, one executemany for the answers.
    assert len(statements) == 4, statements


@pytest.mark.parametrize(("right", "expected"), [(False, 8), (True, 16)])
def test_a_submit_runs_a_fixed_number_of_statements(app, client, db, learner, right, expected):
    attempt_id = start_quiz(client, "basics", "first")
    data = {**answers_for(db, attempt_id, right=right), "csrf_token": csrf_token(client)}
    statements = statements_of(
        app, lambda: client.post(f"/attempts/{attempt_id}/submit", data=data)
    )
    # The user, the attempt, its items with their answer keys, one UPDATE that claims the
    # attempt and records its result, one executemany for the marks, the quiz with its course
    # (for the xAPI statements' activity ids), the learner's xAPI actor name (kept if present)
    # and one INSERT of the statements; after a pass (and the commit), the quiz's course and
    # whether it issues certificates by itself, and the learner's stored standing (the
    # quiz's course, the rule's reads for one learner, one upsert).
    assert len(statements) == expected, statements
    assert sum(s.startswith("UPDATE attempts ") for s in statements) == 1


def test_reading_pages_never_rewrites_the_session_cookie(client, learner):
    for _ in range(2):
        response = client.get(LESSON)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


def _header_links(html: str) -> list[str]:
    header = html.split("<main", 1)[0]
    return re.findall(r'(?:href|action)="(/[^"]*)"', header)


def test_header_links_follow_the_mount_point_of_each_request(client, learner):
    """The header's links are built once per mount point, not once for every request."""
    mounted = client.get(LESSON, base_url="http://localhost/ce").get_data(as_text=True)
    plain = client.get(LESSON).get_data(as_text=True)
    assert "/dashboard" in _header_links(plain)
    assert _header_links(mounted) == ["/ce" + link for link in _header_links(plain)]
    assert "/static/style.css" in _header_links(plain)


def test_a_new_secret_key_ends_old_sessions_unless_kept_as_a_fallback(app, client, learner):
    """The session serializer is built once per set of keys: changing them takes effect."""
    assert client.get(LESSON).status_code == 200
    old_key = app.secret_key
    app.config.update(SECRET_KEY="a-new-secret-key", SECRET_KEY_FALLBACKS=[old_key])
    assert client.get(LESSON).status_code == 200  # signed with the old key: still accepted
    app.config.update(SECRET_KEY_FALLBACKS=[])
    response = client.get(LESSON)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
