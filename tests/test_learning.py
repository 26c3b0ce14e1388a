"""A learner's path through HTTP: catalog, enrol, read, complete, resume, dashboard, lock."""

import pytest
from sqlalchemy import event, func, select

from course_app.auth.models import Role
from course_app.db import get_engine
from course_app.modules.models import Enrollment, Lesson, LessonProgress
from tests.helpers import (
    answer_evaluation,
    login,
    make_user,
    post,
    read_and_complete,
    take_quiz,
    text_of,
)

BASICS = "/courses/basics"
ADVANCED = "/courses/advanced"


@pytest.fixture
def learner(client, db, content):
    user = make_user(db)
    login(client, user.email)
    return user


def lesson_url(course: str, slug: str) -> str:
    return f"{course}/lessons/{slug}"


#: The test lessons' declared minutes.
MINUTES = {"one": 10, "two": 20, "three": 30, "four": 15}


def complete(client, course: str, slug: str):
    """Read the lesson for its minutes, then mark it complete (see test_lesson_time.py)."""
    return read_and_complete(client, course.rsplit("/", 1)[1], slug, MINUTES[slug])


def test_catalog_lists_courses_and_shows_the_level_2_lock(client, content):
    html = text_of(client.get("/"))
    assert "Basics" in html and "Advanced" in html
    assert "Complete Basics first" in html


def test_course_page_for_anonymous_visitors_invites_login(client, content):
    html = text_of(client.get(BASICS))
    assert "Log in to enrol" in html
    assert "Lesson one" in html and "10 min" in html


def test_unknown_course_and_lesson_are_404(client, learner):
    assert client.get("/courses/nothing-here").status_code == 404
    assert client.get(lesson_url(BASICS, "nothing-here")).status_code == 404
    assert post(client, "/courses/nothing-here/enrol").status_code == 404


def test_lesson_needs_login(client, content):
    response = client.get(lesson_url(BASICS, "one"))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_lesson_before_enrolling_sends_back_to_the_course(client, learner):
    response = client.get(lesson_url(BASICS, "one"), follow_redirects=True)
    assert "Enrol in this course to read its lessons." in text_of(response)


def test_enrol_then_read_and_complete_a_lesson(client, db, learner):
    assert post(client, f"{BASICS}/enrol").status_code == 302
    page = client.get(lesson_url(BASICS, "one"))
    assert page.status_code == 200
    html = text_of(page)
    assert "<strong>one</strong>" in html  # rendered Markdown
    assert "Learn one" in html and "[S1]" in html  # objectives and sources
    response = complete(client, BASICS, "one")
    assert response.headers["Location"] == lesson_url(BASICS, "two")  # on to the next lesson
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == 1
    course_html = text_of(client.get(BASICS))
    # Six steps: three lessons, two module quizzes and the final exam.
    assert "16% · 1 of 3 lessons · 0 of 3 quizzes passed · 10 of 70 CE minutes" in course_html


def test_enrolling_twice_keeps_one_enrolment(client, db, learner):
    post(client, f"{BASICS}/enrol")
    response = post(client, f"{BASICS}/enrol", follow_redirects=True)
    assert "already enrolled" in text_of(response)
    assert db.scalar(select(func.count()).select_from(Enrollment)) == 1


def test_completing_twice_records_once(client, db, learner):
    post(client, f"{BASICS}/enrol")
    complete(client, BASICS, "one")
    again = post(client, f"{lesson_url(BASICS, 'one')}/complete")  # another tab, a double click
    assert again.headers["Location"] == lesson_url(BASICS, "two")
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == 1


def test_completing_without_enrolment_records_nothing(client, db, learner):
    response = post(client, f"{lesson_url(BASICS, 'one')}/complete")
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_reading_a_lesson_changes_nothing(client, db, learner):
    post(client, f"{BASICS}/enrol")
    client.get(lesson_url(BASICS, "one"))
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == 0


def test_resume_goes_to_the_first_lesson_not_done(client, learner):
    post(client, f"{BASICS}/enrol")
    assert client.get(f"{BASICS}/resume").headers["Location"] == lesson_url(BASICS, "one")
    complete(client, BASICS, "one")
    assert client.get(f"{BASICS}/resume").headers["Location"] == lesson_url(BASICS, "two")


def test_resume_survives_logging_out_and_in(app, client, learner):
    post(client, f"{BASICS}/enrol")
    complete(client, BASICS, "one")
    post(client, "/auth/logout")
    other_browser = app.test_client()
    login(other_browser, learner.email)
    assert other_browser.get(f"{BASICS}/resume").headers["Location"] == lesson_url(BASICS, "two")


def test_dashboard_shows_progress_and_ce_minutes(client, learner):
    post(client, f"{BASICS}/enrol")
    complete(client, BASICS, "one")
    complete(client, BASICS, "two")
    html = text_of(client.get("/dashboard"))
    assert "33% (2/3 lessons, 0/3 quizzes)" in html
    assert "30 of 70" in html
    assert "Online theory completed in all: <strong>30 minutes</strong>" in html


@pytest.mark.parametrize("path", [lesson_url(ADVANCED, "four"), f"{ADVANCED}/resume"])
def test_locked_lesson_by_url_is_403_with_the_reason(client, learner, path):
    response = client.get(path)
    assert response.status_code == 403
    assert "Complete Basics first" in text_of(response)


def test_enrolling_in_a_locked_course_is_403_and_stores_nothing(client, db, learner):
    response = post(client, f"{ADVANCED}/enrol")
    assert response.status_code == 403
    assert "Complete Basics first" in text_of(response)
    assert db.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_level_2_unlocks_when_level_1_is_complete(client, db, learner):
    post(client, f"{BASICS}/enrol")
    for slug in ("one", "two"):
        complete(client, BASICS, slug)
    assert client.get(lesson_url(ADVANCED, "four")).status_code == 403  # one lesson left
    complete(client, BASICS, "three")
    remains = text_of(client.get(BASICS))
    assert "What remains for your certificate" in remains and "Pass the final exam." in remains
    assert "Every module complete: lessons read and quiz passed" in remains
    for quiz in ("first", "second"):
        take_quiz(client, db, "basics", quiz)
    assert client.get(lesson_url(ADVANCED, "four")).status_code == 403  # the final exam left
    take_quiz(client, db, "basics", "final-exam")
    # The course evaluation is the last requirement: Level 2 opens once it is answered.
    assert "Course evaluation answered" in text_of(client.get(BASICS))
    assert client.get(lesson_url(ADVANCED, "four")).status_code == 403
    answer_evaluation(client, db, "basics")
    assert "You have completed this course</h2>" in text_of(client.get(BASICS))
    assert "Complete Basics first" not in text_of(client.get(ADVANCED))
    assert post(client, f"{ADVANCED}/enrol").status_code == 302
    assert client.get(lesson_url(ADVANCED, "four")).status_code == 200


def test_archived_lesson_is_404_but_progress_stays(client, db, learner):
    post(client, f"{BASICS}/enrol")
    complete(client, BASICS, "one")
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "one"))
    lesson.is_archived = True
    db.commit()
    assert client.get(lesson_url(BASICS, "one")).status_code == 404
    assert db.scalar(select(func.count()).select_from(LessonProgress)) == 1
    assert "0 of 2 lessons" in text_of(client.get(BASICS))


def test_other_learners_progress_is_not_shown(app, client, db, learner):
    post(client, f"{BASICS}/enrol")
    complete(client, BASICS, "one")
    make_user(db, email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    assert "1 of 3 lessons" not in text_of(other.get(BASICS))


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.ADMIN])
def test_staff_can_read_locked_courses(client, db, content, role):
    make_user(db, email="staff@example.org", role=role)
    login(client, "staff@example.org")
    assert client.get(lesson_url(ADVANCED, "four")).status_code == 200


def count_queries(app, client, path: str) -> int:
    statements: list[str] = []
    engine = get_engine(app)

    def record(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize("path", ["/", "/dashboard", BASICS, lesson_url(BASICS, "two")])
def test_query_count_does_not_grow_with_data(app, client, db, learner, path):
    post(client, f"{BASICS}/enrol")
    before = count_queries(app, client, path)
    complete(client, BASICS, "one")
    complete(client, BASICS, "three")
    for number in range(5):  # other learners' progress must not cost queries either
        other = make_user(db, email=f"other{number}@example.org")
        db.add(LessonProgress(user_id=other.id, lesson_id=db.scalar(select(Lesson.id))))
    db.commit()
    assert count_queries(app, client, path) == before


def test_a_lesson_reads_only_the_user_and_their_standing(app, client, db, learner):
    """Course rows and lesson bodies come from the per-process structure cache, filled by
    the first page."""
    post(client, f"{BASICS}/enrol")
    assert count_queries(app, client, lesson_url(BASICS, "two")) == 2
