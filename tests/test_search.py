"""Lesson search: one function (``search_lessons``), SQLite FTS5 or PostgreSQL full-text search
by the database in use (the suite runs on both: COURSE_APP_TEST_DATABASE_URL), only lessons
the user may open, and bad input never a 500."""

import pytest
from sqlalchemy import select

from course_app.auth.models import Role
from course_app.modules.models import Lesson
from course_app.modules.search import parts_of, search_lessons, terms_of
from tests.helpers import complete_course, login, make_user, post, text_of


def test_queries_are_cut_to_words_never_engine_syntax():
    assert terms_of('"needle" NEAR(a b) * OR -x') == ["needle", "near", "a", "b", "or", "x"]
    assert terms_of("   ") == [] and terms_of('"*"()') == []
    assert len(terms_of("word " * 500)) == 8
    assert parts_of("a \u27e6b\u27e7 c") == (("a ", False), ("b", True), (" c", False))
    marked = parts_of("## Body of **\u27e6one\u27e7**.")
    assert marked == ((" Body of ", False), ("one", True), (".", False))


def slugs(session, user, query: str) -> list[str]:
    return [hit.lesson.slug for hit in search_lessons(session, user, query)]


def test_the_function_finds_the_learners_open_lessons_best_first(app, db, learner):
    with app.test_request_context("/"):
        assert sorted(slugs(db, learner, "body")) == ["one", "three", "two"]
        assert slugs(db, learner, "lesson three") == ["three"]
        assert slugs(db, learner, "four") == []  # Level 2, locked for this learner
        assert slugs(db, learner, "NEAR *") == []


def test_search_finds_open_lessons_and_hides_locked_level_2(app, db, learner):
    browser = learner.browser
    page = text_of(browser.get("/search?q=body"))
    assert "3 lessons found" in page
    assert "/courses/basics/lessons/one" in page and "Lesson four" not in page
    assert "<mark>" in page  # the matched word is marked in the snippet
    one = text_of(browser.get("/search?q=Body+of+one"))
    assert "1 lesson found" in one and "Lesson one" in one
    complete_course(browser, db)  # basics done (evaluation too): advanced opens
    post(browser, "/courses/advanced/enrol")
    assert "Lesson four" in text_of(browser.get("/search?q=four"))


def test_staff_search_every_lesson(app, db, content, instructor):
    page = text_of(instructor.browser.get("/search?q=four"))
    assert "Lesson four" in page


def test_the_index_follows_edited_lessons(app, db, learner):
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "two"))
    lesson.body_markdown = "Dry needling of the gastrocnemius."
    db.commit()
    page = text_of(learner.browser.get("/search?q=gastrocnemius"))
    assert "1 lesson found" in page and "Lesson two" in page
    assert "0 lessons found" in text_of(learner.browser.get("/search?q=two+body"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"',
        '"unbalanced',
        "*",
        "body*",
        "NEAR(body one)",
        "body NEAR one",
        "body OR",
        "AND",
        "-body",
        "body:one",
        "^body",
        "(((",
        "'; DROP TABLE lessons; --",
        "x" * 10_000,
        "body " * 2000,
        "\u0000",
        "%",
        "ü",
    ],
)
def test_bad_input_is_never_a_500(app, db, learner, query):
    response = learner.browser.get("/search", query_string={"q": query})
    if "\x00" in query:  # refused before any view, with its own message (security.py)
        assert response.status_code == 400 and "NUL character" in text_of(response)
        return
    assert response.status_code == 200
    assert "Search the lessons" in text_of(response)


def test_search_needs_a_login(client, content):
    assert client.get("/search?q=body").status_code == 302


def test_a_learner_enrolled_nowhere_finds_nothing(app, db, content):
    make_user(db, email="new@example.org", role=Role.LEARNER)
    browser = app.test_client()
    login(browser, "new@example.org")
    assert "0 lessons found" in text_of(browser.get("/search?q=body"))
