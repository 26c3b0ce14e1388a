"""Every staff page runs a fixed number of queries whatever the data: the same with 3 and with
30 learners (enrolled, with lessons done, graded attempts, audit entries and certificates).
Sorting, filtering, paging and counting happen in the database."""

import pytest
from sqlalchemy import select

from course_app.auth.models import Role, User
from course_app.certificates.issuer import current_issuer
from course_app.certificates.services import issue_unchecked
from course_app.demo import seed_demo
from course_app.instructor import gradebook
from course_app.modules.models import Course
from course_app.standings import enrolled, standings
from tests.helpers import login, make_user, post
from tests.test_issue_cost import statements

WS = "/instructor/courses/basics"
PAGES = {
    "gradebook": f"{WS}/gradebook",
    "gradebook by quiz": f"{WS}/gradebook?sort=first&order=desc",
    "gradebook by time": f"{WS}/gradebook?sort=time&page=2",
    "gradebook by progress": f"{WS}/gradebook?sort=progress&order=desc",
    "gradebook by minutes, in progress": f"{WS}/gradebook?sort=minutes&status=in-progress",
    "gradebook, complete": f"{WS}/gradebook?status=complete",
    "gradebook CSV": f"{WS}/gradebook.csv",
    "gradebook CSV by progress": f"{WS}/gradebook.csv?sort=progress&status=in-progress",
    "item analysis": f"{WS}/quizzes/first/analysis",
    "cohorts": f"{WS}/cohorts",
    "admin reports": "/admin/reports",
    "certificate queue": "/admin/certificates",
    "certificate queue, searched": "/admin/certificates?q=learner+1",
    "certificate queue, ready only": "/admin/certificates?ready=1",
    "users": "/admin/users",
    "users, searched": "/admin/users?q=demo&role=learner&page=2",
    "audit": "/admin/audit",
}


@pytest.fixture
def app(make_app):
    return make_app(PUBLIC_BASE_URL="https://ce.example.org")


@pytest.fixture
def staff(app, db, instructor):
    make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="Ada Admin")
    admin = app.test_client()
    login(admin, "admin@example.org")
    post(instructor.browser, f"{WS}/cohorts", _cohort())
    return {"instructor": instructor.browser, "admin": admin}


def _cohort() -> dict:
    return {
        "name": "Spring lab",
        "starts_on": "2027-06-10",
        "ends_on": "2027-06-12",
        "location": "Toronto",
        "capacity": "20",
        "lab_hours": "24",
        "instructors": "",
    }


def _learners(app, db, count: int) -> None:
    """``count`` demo learners in 'basics' (bulk), each with an audit entry, one in three
    with a certificate."""
    with app.test_request_context("/"):
        seed_demo(db, count, course_slug="basics")
        course = db.scalar(select(Course).where(Course.slug == "basics"))
        learners = db.scalars(select(User).where(User.email.like("%@demo.example"))).all()
        for learner in learners[-count::3]:
            issue_unchecked(db, course, learner, current_issuer())
    db.commit()


def _counts(app, staff) -> dict[str, int]:
    counts = {}
    for name, path in PAGES.items():
        who = staff["admin"] if path.startswith("/admin") else staff["instructor"]

        def get(browser=who, url=path):
            response = browser.get(url)
            assert response.status_code == 200, url
            response.get_data()  # a streamed CSV runs its queries as it is read

        counts[name] = len(statements(app, get))
    return counts


def test_staff_pages_run_the_same_queries_with_3_and_with_30_learners(app, db, staff):
    _learners(app, db, 3)
    few = _counts(app, staff)
    _learners(app, db, 27)
    assert _counts(app, staff) == few


@pytest.mark.parametrize(
    "name",
    [
        "gradebook",
        "gradebook by time",
        "gradebook by progress",
        "gradebook by minutes, in progress",
        "certificate queue",
        "certificate queue, ready only",
        "users",
    ],
)
def test_lists_are_paged_by_the_database(app, db, staff, name):
    _learners(app, db, 3)
    path = PAGES[name]
    browser = staff["admin"] if path.startswith("/admin") else staff["instructor"]
    sql = statements(app, lambda: browser.get(path))
    assert any("LIMIT" in s and "OFFSET" in s for s in sql), name


@pytest.mark.parametrize("sort", ["name", "time", "first", "progress", "minutes"])
@pytest.mark.parametrize("descending", [False, True])
def test_the_database_orders_the_gradebook_as_the_rule_does(app, db, staff, sort, descending):
    """The page's order (SQL over the stored standings) is the order of a full sort in
    Python over every learner's live standing (the rule)."""
    _learners(app, db, 12)
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    filters = gradebook.Filters(sort=sort, descending=descending)
    with app.app_context():  # the course outline is cached per app
        _book, page = gradebook.gradebook_page(db, course, filters, 1)
        everyone = gradebook.gradebook(db, course, filters).rows
        live = standings(db, course, enrolled(course))
    expected = sorted(everyone, key=lambda r: _key(r, live, sort), reverse=descending)
    assert [r.learner.id for r in page.rows] == [r.learner.id for r in expected]
    assert [r.learner.id for r in everyone] == [r.learner.id for r in expected]
    assert page.total == len(everyone) == 12
    for row in everyone:  # what each row shows is the rule's result
        assert row.progress.percent == live[row.learner.id].progress.percent
        assert row.progress.minutes_done == live[row.learner.id].progress.minutes_done


def _key(row, live, sort: str):
    progress = live[row.learner.id].progress
    name = (row.learner.name_key, row.learner.id)
    if sort == "progress":
        return (progress.percent, *name)
    if sort == "minutes":
        return (progress.minutes_done, *name)
    if sort == "time":
        return (row.time_seconds, *name)
    if sort == "first":
        quiz = next(q for q in progress.quizzes if q.slug == "first")
        cell = row.cells.get(quiz.id)
        return (cell.best if cell and cell.best is not None else -1.0, *name)
    return (0, *name)


@pytest.mark.parametrize("status", ["not-started", "in-progress", "complete"])
def test_the_status_filter_in_sql_matches_each_row_status(app, db, staff, status):
    _learners(app, db, 12)
    course = db.scalar(select(Course).where(Course.slug == "basics"))
    with app.app_context():
        everyone = gradebook.gradebook(db, course, gradebook.Filters()).rows
        chosen = gradebook.gradebook(db, course, gradebook.Filters(status=status)).rows
    assert [r.learner.id for r in chosen] == [r.learner.id for r in everyone if r.status == status]


def test_gradebook_columns_are_short_with_full_titles_for_screen_readers(app, db, staff):
    html = staff["instructor"].get(PAGES["gradebook"]).get_data(as_text=True)
    assert '<abbr title="Quiz: First module" aria-hidden="true">Q1</abbr>' in html
    assert '<span class="visually-hidden">Quiz: First module</span>' in html
    assert "<dt>Final</dt>" in html  # the key below the table names every column
