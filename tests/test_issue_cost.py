"""What issuing costs: eligibility read once for the chosen learners (never per learner, never
for the whole course), a fixed number of queries per certificate, and the heavy columns
(the PDF and the signed credential) never read by a list."""

import re

import pytest
from sqlalchemy import event, select, update

from course_app.auth.models import Role, User
from course_app.certificates import services
from course_app.certificates.issuer import current_issuer
from course_app.certificates.models import Certificate
from course_app.db import get_engine, utcnow
from course_app.modules.models import Course
from tests.helpers import complete_course, login, make_user, post
from tests.issued import BASE

#: A SELECT that reads a heavy column (not ``pdf_sha256``).
#: The heavy columns selected whole (``certificates.pdf AS certificates_pdf``); a value read
#: out of the credential in the database (its id, a short string) is not the column.
HEAVY = re.compile(r"certificates\.(pdf|credential) AS ")


@pytest.fixture
def app(make_app):
    return make_app(PUBLIC_BASE_URL=BASE)


def statements(app, action) -> list[str]:
    """The SQL run by ``action()``, captured at the engine."""
    seen: list[str] = []

    def record(*args):
        seen.append(args[2])

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    return seen


def finished(app, db, count: int, start: int = 0) -> list[int]:
    """Learners who completed 'basics' and whose registration number is verified."""
    ids = []
    for number in range(start, start + count):
        user = make_user(db, email=f"done{number}@example.org", full_name=f"Done {number}")
        browser = app.test_client()
        login(browser, user.email)
        complete_course(browser, db, "basics")
        ids.append(user.id)
    db.execute(update(User).where(User.id.in_(ids)).values(licence_verified_at=utcnow()))
    db.commit()
    return ids


def issue_many(app, db, learner_ids: list[int]) -> list[str]:
    course = db.scalar(select(Course).where(Course.slug == "basics"))

    def action():
        with app.test_request_context("/"):
            issued, problems = services.issue_many(db, course, learner_ids, current_issuer(), None)
        assert problems == [] and len(issued) == len(learner_ids)
        db.commit()

    return statements(app, action)


def _reads(sql: list[str], table: str) -> int:
    return sum(1 for s in sql if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s)


def test_issuing_k_certificates_costs_a_fixed_number_of_queries_per_learner(app, db, content):
    ids = finished(app, db, 6)
    one, two, three = (issue_many(app, db, chosen) for chosen in (ids[:1], ids[1:3], ids[3:]))
    per_learner = len(two) - len(one)
    assert len(three) - len(two) == per_learner  # linear: no learner costs more than another
    # 14 since issue 19: two are the certificate's xAPI statement (the learner's actor name,
    # kept if present, and the statement), written in the certificate's transaction.
    assert per_learner <= 14
    for sql in (one, two, three):
        # Eligibility is read once for the chosen learners, however many they are.
        assert _reads(sql, "lesson_progress") == 1
        assert not [s for s in sql if s.lstrip().upper().startswith("SELECT") and HEAVY.search(s)]


def test_issuing_names_why_a_learner_gets_none_and_issues_the_others(app, db, content):
    ready = finished(app, db, 1)
    waiting = make_user(db, email="waiting@example.org", full_name="Wait Ing")
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    with app.test_request_context("/"):
        issued, problems = services.issue_many(
            db, course, [ready[0], waiting.id, ready[0]], current_issuer(), None
        )
    db.commit()
    assert [c.user_id for c in issued] == ready
    assert problems == ["This learner is not enrolled in the course."]


@pytest.fixture
def admin(app, db, content):
    make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    browser = app.test_client()
    login(browser, "admin@example.org")
    return browser


def test_lists_of_certificates_never_read_the_pdf_or_the_credential(app, db, admin):
    ids = finished(app, db, 2)
    issue_many(app, db, ids)
    holder = app.test_client()
    login(holder, "done0@example.org")
    for browser, path in (
        (admin, "/admin/certificates"),
        (holder, "/certificates"),
        (holder, "/transcript.csv"),
    ):
        sql = statements(app, lambda b=browser, p=path: _ok(b.get(p)))
        assert _reads(sql, "certificates") >= 1, path
        assert not [s for s in sql if HEAVY.search(s)], path
    # The certificate itself still reads them, when asked for.
    public_id = db.scalar(select(Certificate.public_id).where(Certificate.user_id == ids[0]))
    response = holder.get(f"/certificates/{public_id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def _ok(response) -> None:
    assert response.status_code == 200


def test_a_single_issue_through_the_page_still_works(app, db, admin):
    ids = finished(app, db, 1)
    response = post(admin, "/admin/certificates/basics/issue", {"learner": str(ids[0])})
    assert response.status_code == 302
    assert db.scalar(select(Certificate.status).where(Certificate.user_id == ids[0])) == "valid"
