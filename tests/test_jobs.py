"""Bulk certificate issue as a background job, through the pages (jobs run inside the request
in tests: JOBS_IMMEDIATE follows TESTING). The consumer in its own process, killed halfway,
is in test_jobs_consumer.py."""

import re

import pytest
from sqlalchemy import event, func, select

from course_app.certificates.models import Certificate
from course_app.db import get_engine
from course_app.jobs import runner
from course_app.jobs.models import Job
from course_app.mail.models import OutboxMessage
from course_app.notifications.models import Notification
from tests.helpers import csrf_token, login, make_user, post, take_quiz, text_of
from tests.job_fixtures import admin_browser, eligible_learners, not_eligible_learner

ISSUE = "/admin/certificates/basics/issue"


@pytest.fixture
def admin(app, content, db):
    return admin_browser(app, db)


def _job_key(browser) -> str:
    page = text_of(browser.get("/admin/certificates"))
    return re.search(r'name="job_key" value="([^"]+)"', page).group(1)


def _issue(browser, learners, key):
    form = {
        "learner": [str(learner.id) for learner in learners],
        "job_key": key,
        "csrf_token": csrf_token(browser),
    }
    return browser.post(ISSUE, data=form)


def test_bulk_issue_answers_with_a_job_page_and_lists_each_failure(app, admin, db):
    ready = eligible_learners(app, db, 2)
    late = not_eligible_learner(app, db)
    response = _issue(admin, [*ready, late], _job_key(admin))
    assert response.status_code == 303
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", job_url)
    page = text_of(admin.get(job_url))
    assert '<progress id="job-progress" max="3" value="3">' in page
    assert "Finished: 2 of 3 done, 1 failed." in page
    assert "<strong>Lee Late</strong>: Lee Late is not eligible yet" in page
    status = admin.get(f"{job_url}.json").json
    assert (status["status"], status["done"], status["succeeded"]) == ("finished", 3, 2)
    assert status["failures"][0]["subject"] == "Lee Late"
    holders = db.scalars(select(Certificate.user_id).where(Certificate.status == "valid")).all()
    assert sorted(holders) == sorted(learner.id for learner in ready)


def test_the_same_form_sent_twice_issues_once(app, admin, db):
    ready = eligible_learners(app, db, 2)
    key = _job_key(admin)
    first = _issue(admin, ready, key).headers["Location"]
    second = _issue(admin, ready, key).headers["Location"]
    assert first == second
    assert db.scalar(select(func.count()).select_from(Job)) == 1
    assert db.scalar(select(func.count()).select_from(Certificate)) == 2
    # A new page view is a new request: it runs again, and every learner already holds one.
    third = _issue(admin, ready, _job_key(admin)).headers["Location"]
    assert third != first
    assert "Finished: 0 of 2 done, 2 failed." in text_of(admin.get(third))
    assert db.scalar(select(func.count()).select_from(Certificate)) == 2
    # The first job's message delivered once more (a duplicate enqueue): nothing new either.
    with app.app_context():
        runner.run_job(int(first.rsplit("/", 1)[1]))
    db.expire_all()
    told = select(Notification.user_id).where(Notification.event == "certificate_issued")
    assert sorted(db.scalars(told)) == sorted(learner.id for learner in ready)  # once each
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 2


def test_a_job_page_is_its_starters_and_admins_only(app, admin, db):
    ready = eligible_learners(app, db, 2)
    job_url = _issue(admin, ready, _job_key(admin)).headers["Location"]
    stranger = app.test_client()
    make_user(db, email="other@example.org", full_name="Other Learner")
    login(stranger, "other@example.org")
    assert stranger.get(job_url).status_code == 404
    assert stranger.get(f"{job_url}.json").status_code == 404
    assert app.test_client().get(job_url).status_code == 302  # to the login page
    assert admin.get("/jobs/999999").status_code == 404


def test_a_form_without_its_key_is_refused_and_changes_nothing(app, admin, db):
    ready = eligible_learners(app, db, 2)
    response = _issue(admin, ready, "")
    assert response.status_code == 303
    assert "This form has expired" in text_of(admin.get(response.headers["Location"]))
    assert db.scalar(select(func.count()).select_from(Job)) == 0


def test_a_job_started_while_redis_is_down_is_kept_and_runs_once_it_is_back(make_app, content, db):
    down = make_app(JOBS_REDIS_URL="redis://127.0.0.1:1/0", JOBS_IMMEDIATE=False)
    admin = admin_browser(down, db)
    ready = eligible_learners(down, db, 2)
    response = _issue(admin, ready, _job_key(admin))
    assert response.status_code == 303  # the admin sees the job's page, not an error
    assert "Waiting for a worker: 0 of 2." in text_of(admin.get(response.headers["Location"]))
    assert db.scalar(select(Job.enqueued_at)) is None
    back = make_app()  # the queue is reachable again (here: jobs run where they are queued)
    assert "Requeued 1 " in back.test_cli_runner().invoke(args=["recover-jobs"]).output
    db.expire_all()
    assert db.scalar(select(Job.status)) == "finished"
    assert db.scalar(select(func.count()).select_from(Certificate)) == 2


def test_the_audit_trail_is_exported_as_csv_by_a_job(app, admin, db):
    for learner in eligible_learners(app, db, 2):
        post(admin, f"/admin/users/{learner.id}/licence", {"note": "Public register"})
    page = text_of(admin.get("/admin/audit?action=user.licence_verified"))
    key = re.search(r'name="job_key" value="([^"]+)"', page).group(1)
    form = {"job_key": key, "action": "user.licence_verified", "csrf_token": csrf_token(admin)}
    job_url = admin.post("/admin/audit/export", data=form).headers["Location"]
    page = text_of(admin.get(job_url))
    assert "Finished: 1 of 1 done, 0 failed." in page
    download = re.search(r'href="(/jobs/\d+/download)"', page).group(1)
    with admin.get(download) as response:
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=audit-")
        lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 1 + 2  # the header, the two learners' licence checks
    assert all("user.licence_verified" in line for line in lines[1:])
    stranger = app.test_client()
    make_user(db, email="other@example.org", full_name="Other Learner")
    login(stranger, "other@example.org")
    assert stranger.get(download).status_code == 404


@pytest.mark.parametrize("count", [1, 2])  # one: issued in the request; two: a job
def test_each_learners_certificate_audit_entry_and_unit_commit_together(
    app, admin, db, database_url, count
):
    """On SQLite, pysqlite opens a transaction only at a write: the certificate's SAVEPOINT
    must not be what opens it, or its RELEASE commits the certificate alone (before its
    audit entry and its unit row), and a consumer killed just then leaves a certificate
    without either."""
    if not database_url.startswith("sqlite"):
        pytest.skip("pysqlite's transaction handling")
    ready = eligible_learners(app, db, count)
    outside = []

    def watch(connection, _cursor, statement, *_args):
        writes = ("SAVEPOINT", "RELEASE", "INSERT")
        if (
            statement.startswith(writes)
            and not connection.connection.dbapi_connection.in_transaction
        ):
            outside.append(statement.split("(")[0].strip())

    event.listen(get_engine(app), "before_cursor_execute", watch)
    try:
        _issue(admin, ready, _job_key(admin))
    finally:
        event.remove(get_engine(app), "before_cursor_execute", watch)
    # Each unit's row opens its transaction; the certificate's statements run inside it.
    assert outside.count("INSERT INTO job_units") == (0 if count == 1 else 2)
    assert not [s for s in outside if s.startswith(("SAVEPOINT", "INSERT INTO certificates"))]
    assert "INSERT INTO audit_entries" not in outside


def test_the_gradebook_is_exported_as_csv_by_a_job(db, learner, instructor):
    take_quiz(learner.browser, db, "basics", "first")
    page = text_of(instructor.browser.get("/instructor/courses/basics/gradebook?sort=name"))
    key = re.search(r'name="job_key" value="([^"]+)"', page).group(1)
    form = {"job_key": key, "sort": "name"}
    job_url = post(instructor.browser, "/instructor/courses/basics/gradebook/export", form)
    page = text_of(instructor.browser.get(job_url.headers["Location"]))
    assert "Export the gradebook" in page and "Finished: 1 of 1 done, 0 failed." in page
    download = re.search(r'href="(/jobs/\d+/download)"', page).group(1)
    with instructor.browser.get(download) as response:
        rows = response.get_data(as_text=True).splitlines()
    assert len(rows) == 2 and "Ada Learner" in rows[1]
