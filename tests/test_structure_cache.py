"""The per-process course-structure cache: a change through one app instance is seen by
another on its next request; the paging rule of the gradebook."""

from sqlalchemy import select

from course_app.instructor.gradebook import page_of
from course_app.modules.models import ContentStamp, Lesson
from tests.helpers import login, make_user, post, read_and_complete, text_of


def test_a_title_changed_through_one_instance_shows_on_the_other(make_app, db, content):
    first, second = make_app(), make_app()  # two processes' worth of caches, one database
    make_user(db, email="ada@example.org")
    readers = []
    for app in (first, second):
        browser = app.test_client()
        login(browser, "ada@example.org")
        readers.append(browser)
    post(readers[0], "/courses/basics/enrol")
    assert "Lesson one" in text_of(readers[1].get("/courses/basics"))  # both caches filled
    stamp = db.scalar(select(ContentStamp.token))
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "one"))
    with first.app_context():
        from course_app.db import get_session

        session = get_session()
        session.get(Lesson, lesson.id).title = "Lesson one, revised"
        session.commit()
    db.expire_all()
    assert db.scalar(select(ContentStamp.token)) != stamp
    for browser in readers:
        assert "Lesson one, revised" in text_of(browser.get("/courses/basics"))


def test_progress_reads_do_not_change_the_stamp(app, client, db, content):
    make_user(db, email="ada@example.org")
    login(client, "ada@example.org")
    stamp = db.scalar(select(ContentStamp.token))
    post(client, "/courses/basics/enrol")
    read_and_complete(client, "basics", "one", minutes=10)
    db.expire_all()
    assert db.scalar(select(ContentStamp.token)) == stamp


def test_page_of_splits_rows_and_clamps_the_page_number():
    rows = list(range(250))
    page = page_of(rows, 2, size=100)
    assert (page.rows[0], page.rows[-1], page.number, page.count, page.first) == (
        100,
        199,
        2,
        3,
        101,
    )
    assert page_of(rows, 9, size=100).rows == list(range(200, 250))
    assert page_of(rows, -3, size=100).number == 1
    empty = page_of([], 1, size=100)
    assert (empty.rows, empty.count, empty.first, empty.total) == ([], 1, 0, 0)
