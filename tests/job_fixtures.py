"""Learners eligible for a certificate of the test course 'basics', made through the pages
(enrol, read, pass every quiz) with the licence check done, for the job tests."""

from sqlalchemy import select

from course_app.auth.models import Role, User
from course_app.db import utcnow
from tests.helpers import complete_course, login, make_user


def eligible_learners(app, db, count: int) -> list[User]:
    learners = []
    for number in range(count):
        learner = make_user(db, email=f"learner{number}@example.org", full_name=f"Learner {number}")
        browser = app.test_client()
        login(browser, learner.email)
        complete_course(browser, db, "basics")
        learners.append(learner)
    ids = [learner.id for learner in learners]
    for user in db.scalars(select(User).where(User.id.in_(ids))):
        user.licence_verified_at = utcnow()
    db.commit()
    return learners


def not_eligible_learner(app, db) -> User:
    """Enrolled, nothing done."""
    from tests.helpers import post

    learner = make_user(db, email="late@example.org", full_name="Lee Late")
    browser = app.test_client()
    login(browser, learner.email)
    post(browser, "/courses/basics/enrol")
    return learner


def admin_browser(app, db):
    make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    browser = app.test_client()
    login(browser, "admin@example.org")
    return browser
