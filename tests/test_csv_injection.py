"""Fault 5 of the audit: no CSV export lets text someone typed become a live spreadsheet
formula (OWASP: a cell starting with = + - @ tab or CR gets a leading single quote)."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from course_app.audit.services import record
from course_app.auth.models import Role
from course_app.instructor.models import Cohort
from course_app.modules.models import Course
from course_app.spreadsheet import neutralise
from tests.helpers import login, make_user, post, text_of

HYPERLINK = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ada Learner", "Ada Learner"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),  # a number the app computed is not text anyone typed
    ],
)
def test_the_rule(typed, written):
    assert neutralise(typed) == written


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(text_of(response))))


def _cells(response) -> set[str]:
    return {cell for row in _rows(response) for cell in row}


def test_gradebook_csv(app, db, instructor):
    learner = make_user(db, email="mallory@example.org", full_name=HYPERLINK)
    browser = app.test_client()
    login(browser, learner.email)
    post(browser, "/courses/basics/enrol")
    cells = _cells(instructor.browser.get("/instructor/courses/basics/gradebook.csv"))
    assert "'" + HYPERLINK in cells
    assert HYPERLINK not in cells


@pytest.fixture
def admin(app, db):
    make_user(db, email="admin@example.org", role=Role.ADMIN, full_name="@Admin")
    browser = app.test_client()
    login(browser, "admin@example.org")
    return browser


def test_audit_csv_reason_and_actor(admin, db):
    actor = make_user(db, email="mallory@example.org", full_name="+Mallory")
    record(db, actor.id, "certificate.reissued", ("user", actor.id), reason=HYPERLINK)
    db.commit()
    cells = _cells(admin.get("/admin/audit.csv"))
    assert "'" + HYPERLINK in cells
    assert HYPERLINK not in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_completion_csv_cohort_names(admin, db, content):
    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    day = date(2027, 5, 1)
    db.add(
        Cohort(
            course_id=course_id,
            name="-2+3",
            starts_on=day,
            ends_on=day,
            location="x",
            capacity=5,
            lab_hours=1.0,
        )
    )
    db.commit()
    scopes = [row[0] for row in _rows(admin.get("/admin/reports.csv"))]
    assert any(scope.endswith("cohort -2+3") for scope in scopes)  # inside: harmless
    _retitle(db, "=1+1")
    scopes = [row[0] for row in _rows(admin.get("/admin/reports.csv"))]
    assert "'=1+1" in scopes
    assert not any(scope.startswith("=") for scope in scopes)


def _retitle(db, title: str) -> None:
    """Rename the course through the ORM, which renews the cached outline's stamp."""
    db.scalar(select(Course).where(Course.slug == "basics")).title = title
    db.commit()


def test_transcript_csv(app, db, learner):
    _retitle(db, "@SUM(1+1)")
    cells = _cells(learner.browser.get("/transcript.csv"))
    assert "'@SUM(1+1)" in cells
    assert "@SUM(1+1)" not in cells


def test_every_csv_export_writes_through_the_safe_writer():
    """A new export that called csv.writer directly would skip the rule."""
    from course_app.config import REPO_ROOT

    direct = [
        path.name
        for path in (REPO_ROOT / "course_app").rglob("*.py")
        if "csv.writer(" in path.read_text(encoding="utf-8") and path.name != "spreadsheet.py"
    ]
    assert direct == []
