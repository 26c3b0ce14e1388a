"""The lab incident log through HTTP: an instructor of the cohort records an adverse event or a
needlestick (who, what, where, action taken, follow-up, reported to whom) on one of the
cohort's days; every entry is audited; administrators read and export them; the database
refuses to change or delete an entry, so a correction is a new entry."""

import csv
import io

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role
from course_app.incidents.models import LabIncident
from tests.helpers import login, make_user, post, text_of
from tests.test_practical import cohort_days, create_cohort, learner_browser


def needlestick(day=None, **changes) -> dict:
    form = {
        "kind": "needlestick",
        "occurred_on": (day or cohort_days()[1]).isoformat(),
        "occurred_time": "14:35",
        "people": "Ada Learner (needling), Bo Partner (needled)",
        "what": '=HYPERLINK("x") Needle passed through the glove into Ada\'s finger.',
        "place": "Toronto, lab 2, table 4",
        "action_taken": "Let it bleed, washed with soap and water, covered.",
        "follow_up": "Same-day post-exposure assessment at the emergency department.",
        "reported_to": "Course lead and occupational health",
        "corrects": "",
    }
    return form | changes


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(LabIncident))


def test_an_instructor_records_an_incident_and_it_is_audited(real_app, db, teacher):
    cohort_id = create_cohort(teacher)
    log = f"/instructor/cohorts/{cohort_id}/incidents"
    page = text_of(teacher.get(log))
    assert 'value="Toronto"' in page  # the place proposes the cohort's location
    response = post(teacher, log, needlestick())
    assert response.status_code == 302, text_of(response)
    page = text_of(teacher.get(log))
    assert "Needlestick injury" in page and "occupational health" in page
    assert "Tess Teacher" in page
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "incident.recorded"))
    assert entry.after["kind"] == "needlestick" and entry.subject_type == "lab_incident"


def test_an_incomplete_account_or_a_day_outside_the_cohort_is_refused(real_app, db, teacher):
    cohort_id = create_cohort(teacher)
    log = f"/instructor/cohorts/{cohort_id}/incidents"
    missing = post(teacher, log, needlestick(follow_up=" ", reported_to=""))
    assert missing.status_code == 400 and "Follow-up" in text_of(missing)
    outside = post(teacher, log, needlestick(day=cohort_days()[0].replace(year=2020)))
    assert outside.status_code == 400 and "Not a valid choice" in text_of(outside)
    assert post(teacher, log, needlestick(kind="gossip")).status_code == 400
    assert count(db) == 0


def test_a_correction_is_a_new_entry_naming_the_old_one(real_app, db, teacher):
    cohort_id = create_cohort(teacher)
    log = f"/instructor/cohorts/{cohort_id}/incidents"
    post(teacher, log, needlestick())
    first = db.scalar(select(LabIncident.id))
    assert post(teacher, log, needlestick(corrects=str(first), occurred_time="14:50")).status_code
    assert count(db) == 2 and f"Corrects entry #{first}" in text_of(teacher.get(log))
    other = create_cohort(teacher)
    refused = post(teacher, f"/instructor/cohorts/{other}/incidents", needlestick(corrects="1"))
    assert refused.status_code == 400 and count(db) == 2


def test_who_sees_the_log_and_the_export(real_app, db, teacher):
    cohort_id = create_cohort(teacher)
    log = f"/instructor/cohorts/{cohort_id}/incidents"
    post(teacher, log, needlestick())
    _learner, browser = learner_browser(real_app, db, "ada@example.org")
    assert browser.get(log).status_code == 403
    assert post(browser, log, needlestick()).status_code == 403
    make_user(db, email="other@example.org", role=Role.INSTRUCTOR)
    other = real_app.test_client()
    login(other, "other@example.org")
    assert other.get(log).status_code == 403
    assert teacher.get("/admin/incidents").status_code == 403
    assert teacher.get("/admin/incidents.csv").status_code == 403
    assert count(db) == 1
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    admin = real_app.test_client()
    login(admin, "admin@example.org")
    listing = text_of(admin.get("/admin/incidents"))
    assert "1 incident ·" in listing and "Bo Partner (needled)" in listing
    assert "No incident recorded" in text_of(admin.get("/admin/incidents?kind=adverse-event"))
    exported = admin.get("/admin/incidents.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "kind", "course"] and rows[1][1] == "Needlestick injury"
    assert rows[1][7].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it


@pytest.mark.parametrize(
    "statement",
    ["UPDATE lab_incidents SET what = 'edited'", "DELETE FROM lab_incidents"],
)
def test_the_database_refuses_to_change_or_delete_an_entry(real_app, db, teacher, statement):
    cohort_id = create_cohort(teacher)
    post(teacher, f"/instructor/cohorts/{cohort_id}/incidents", needlestick())
    with pytest.raises(IntegrityError) as caught:
        db.execute(text(statement))
    db.rollback()
    assert "lab_incidents is append-only" in str(caught.value.orig)
    assert count(db) == 1 and "glove" in db.scalar(select(LabIncident.what))
