"""The administrator's journey in a real browser with the real curriculum: verify a licence,
the eligibility queue → issue → download the PDF → public verification says valid → revoke →
verification says revoked, with the reason → change an instructor's role → the audit trail
names the people and objects and lists each change field by field. See
tests/browser_support.py for the checks every visited page gets."""

import re

import pytest

from tests.browser_support import (
    VIEWPORTS,
    Visit,
    log_in_as,
)

LEARNER = "Zoë Ñúñez-Łukasz 王芳"


def _a_learner_ready_for_level_1(app) -> int:
    """An admin, an instructor of Level 1 and a learner who completed it, practical included:
    only the licence check is missing. Returns the learner's id."""
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import complete_course, login, make_user, post
    from tests.test_practical import create_cohort, sign_off_everything

    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Ada Admin")
        teacher = make_user(
            db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
        )
        course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        learner = make_user(db, email="zoe@example.org", full_name=LEARNER)
        client = app.test_client()
        login(client, learner.email)
        complete_course(client, db, "dry-needling-level-1")
        instructor = app.test_client()
        login(instructor, teacher.email)
        cohort_id = create_cohort(instructor)
        post(instructor, f"/instructor/cohorts/{cohort_id}", {"email": learner.email})
        post(
            instructor,
            f"/instructor/cohorts/{cohort_id}/learners/{learner.id}/hours",
            {"hours": "24"},
        )
        sign_off_everything(instructor, db, cohort_id, learner.id)
        return learner.id


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_administrator_journey(real_course_server, browser, tmp_path, viewport):
    app, url = real_course_server
    learner_id = _a_learner_ready_for_level_1(app)
    size = VIEWPORTS[viewport]
    context = browser.new_context(viewport=size, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    visit = Visit(page, f"admin-{viewport}", tmp_path)
    log_in_as(page, url, "root@example.org")
    page.goto(url + f"/admin/users/{learner_id}")
    visit.check("user")
    page.get_by_role("button", name="Record as verified").click()
    public_id = _issue_from_the_queue(page, visit)

    anonymous = browser.new_context(viewport=size, bypass_csp=True).new_page()
    visit.page = anonymous
    anonymous.goto(url + "/verify")
    anonymous.get_by_label("Certificate id").fill(public_id.lower())
    anonymous.get_by_role("button", name="Check this id").click()
    anonymous.get_by_role("status").get_by_text("Valid").wait_for()
    visit.check("verify-valid")

    visit.page = page
    page.get_by_label(re.compile("^Reason")).fill("Issued in error")
    page.get_by_role("button", name="Revoke this certificate").click()
    visit.check("revoked")
    visit.page = anonymous
    anonymous.reload()
    anonymous.get_by_text("Reason: Issued in error").wait_for()
    visit.check("verify-revoked")
    visit.page = page
    _change_a_role(page, url, visit)
    _read_the_audit_trail(page, url, visit, public_id)
    visit.assert_clean()


def _change_a_role(page, url: str, visit) -> None:
    page.goto(url + "/admin/users?q=tess")
    page.get_by_role("link", name="Tess Teacher").click()
    page.get_by_label("Role", exact=True).select_option("admin")
    page.get_by_role("button", name="Change the role").click()
    page.get_by_text("Tess Teacher's role changed.").wait_for()
    visit.check("role-changed")


def _audit_row(page, action: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=action))


def _read_the_audit_trail(page, url: str, visit, public_id: str) -> None:
    """Entries name who did what to whom ("User Tess Teacher", not "user 3") and list each
    changed field's value before → after."""
    page.goto(url + "/admin/audit")
    role = _audit_row(page, "user.role_changed")
    assert role.get_by_role("cell").all_inner_texts()[1:] == [
        "Ada Admin",
        "User Tess Teacher",
        "Role: instructor → admin",
        "",
    ]
    revoked = _audit_row(page, "certificate.revoked")
    assert f"Certificate {public_id}" in revoked.inner_text()
    assert "Issued in error" in revoked.inner_text()
    table = page.get_by_role("table").inner_text()
    assert not re.search(r"\b(user|course|certificate) \d+\b", table), table
    visit.check("audit")
    page.get_by_label("Action").select_option("user.licence_verified")
    page.get_by_label("Who (name or e-mail)").fill("ada admin")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("table").get_by_text("1 entry, newest first").wait_for()
    licence = _audit_row(page, "user.licence_verified").inner_text()
    assert f"User {LEARNER}" in licence and "Ada Admin" in licence
    assert "Licence verified at: – → 20" in licence
    assert "Registration number: – → PT12345" in licence
    visit.check("audit-licence")


def _issue_from_the_queue(page, visit) -> str:
    """Issue to the learner from the queue, open the certificate and download its PDF.
    Returns the certificate's public id."""
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("main").get_by_role("link", name="Certificates", exact=True).click()
    visit.check("queue")
    page.get_by_label(f"Issue to {LEARNER}").check()
    page.get_by_role("button", name="Issue to the selected learners").first.click()
    page.get_by_text("Issued 1 certificate:").wait_for()
    page.get_by_role("link", name=re.compile("^DN1-")).click()
    visit.check("certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    return page.get_by_role("heading", level=1).inner_text().split()[-1]
