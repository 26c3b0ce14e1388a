"""The account page in a real browser, at 360 px and 1280 px: a learner corrects their
registration (a wrong time zone first), moves to a new e-mail address through the link sent
to it, asks for a new name, opens the closure page; an administrator approves the name and
finds the learner among the licences to verify. Then a learner holding a certificate closes
their account (a wrong password refused first), is logged out, cannot log in again, and the
certificate still verifies at its public address with the name it was issued with. axe, the
HTML checker and no sideways scrolling on every page."""

import json
import re

import pytest
from sqlalchemy import select

from tests.browser_support import VIEWPORTS, Visit, log_in_as

NEW = "ada.new@example.org"


def _people(app) -> None:
    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from tests.helpers import make_user

    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root Admin")
        make_user(db, email="ada@example.org", full_name="Ada Lovelace")


def _confirmation_link(app) -> str:
    from course_app.db import EXTENSION_KEY
    from course_app.mail.models import OutboxMessage

    with app.extensions[EXTENSION_KEY]() as db:
        query = select(OutboxMessage.body).where(OutboxMessage.recipient == NEW)
        body = db.scalars(query.order_by(OutboxMessage.id.desc())).first()
    return re.search(r"(http://\S+/account/email/\S+)", body).group(1)


def _look(page, visit, viewport: str, label: str) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, f"{page.url} scrolls sideways at {viewport}"
    visit.check(label)


def _learner_edits_the_profile(app, page, visit, viewport: str) -> None:
    page.get_by_role("link", name="Account").click()
    page.get_by_role("heading", name="Your account").wait_for()
    _look(page, visit, viewport, "account")
    page.get_by_label("Professional registration number").fill("PT 777")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save the details").click()
    page.get_by_role("alert").wait_for()
    _look(page, visit, viewport, "account-zone-error")
    page.get_by_label("Time zone").fill("America/Vancouver")
    page.get_by_role("button", name="Save the details").click()
    page.get_by_text("will verify your new registration").wait_for()
    _look(page, visit, viewport, "account-saved")
    page.get_by_label("New e-mail address").fill(NEW)
    page.get_by_label("Your current password").fill("a long enough passphrase")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_text(f"We sent a link to {NEW}").wait_for()
    page.goto(_confirmation_link(app))
    _look(page, visit, viewport, "confirm-email")
    page.get_by_role("button", name=f"Use {NEW}").click()
    page.get_by_text(f"Your e-mail address is now {NEW}").wait_for()
    page.get_by_label("New full name").fill("Ada King")
    page.get_by_label("Why (optional)").fill("Married")
    page.get_by_role("button", name="Ask for the change").click()
    page.get_by_text("An administrator will approve or refuse it").wait_for()
    _look(page, visit, viewport, "account-name-requested")
    with page.expect_download() as download:  # personal data export (PIPEDA): JSON
        page.get_by_role("link", name="Download everything we hold about you (JSON)").click()
    held = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert NEW in json.dumps(held)
    page.get_by_role("link", name="Close your account").click()
    _look(page, visit, viewport, "close")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_profile_journey(test_course_server, browser, tmp_path, viewport):
    app, url = test_course_server
    _people(app)
    context = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    visit = Visit(page, f"profile-{viewport}", tmp_path)
    log_in_as(page, url, "ada@example.org")
    _learner_edits_the_profile(app, page, visit, viewport)

    admin = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport]).new_page()
    admin_visit = Visit(admin, f"profile-admin-{viewport}", tmp_path)
    log_in_as(admin, url, "root@example.org")
    admin.goto(url + "/admin/name-requests")
    _look(admin, admin_visit, viewport, "name-requests")
    admin.get_by_role("button", name="Approve").click()
    admin.get_by_text("No name change is waiting").wait_for()
    _look(admin, admin_visit, viewport, "name-approved")
    admin.goto(url + "/admin/users?licence=unverified")
    admin.get_by_role("link", name="Ada King").wait_for()
    _look(admin, admin_visit, viewport, "licences-to-verify")
    visit.assert_clean()
    admin_visit.assert_clean()


def _ada_holds_a_certificate(app) -> str:
    """Ada, enrolled in 'basics', with a certificate for it; returns its public id."""
    from course_app.auth.models import User
    from course_app.certificates import services
    from course_app.certificates.issuer import current_issuer
    from course_app.db import EXTENSION_KEY
    from course_app.modules.models import Course, Enrollment

    with app.extensions[EXTENSION_KEY]() as db:
        ada = db.scalar(select(User).where(User.email == "ada@example.org"))
        course = db.scalar(select(Course).where(Course.slug == "basics"))
        db.add(Enrollment(user_id=ada.id, course_id=course.id))
        db.commit()
        with app.test_request_context("/"):
            cert = services.issue_unchecked(db, course, ada, current_issuer())
        db.commit()
        return cert.public_id


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_account_closure_journey(test_course_server, browser, tmp_path, viewport):
    """PIPEDA: the learner closes the account from the privacy page; the certificate issued
    before stays verifiable, under the name it carries, by anyone."""
    app, url = test_course_server
    _people(app)
    public_id = _ada_holds_a_certificate(app)
    page = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport]).new_page()
    visit = Visit(page, f"closure-{viewport}", tmp_path)
    log_in_as(page, url, "ada@example.org")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Close your account").click()
    page.get_by_text("Certificates already issued stay verifiable").wait_for()
    _look(page, visit, viewport, "close")
    page.get_by_label("Your password").fill("not the password at all")
    page.get_by_role("button", name="Close my account").click()
    page.locator("#close_password-error").get_by_text("The password is not correct.").wait_for()
    _look(page, visit, viewport, "close-wrong-password")
    page.get_by_label("Your password").fill("a long enough passphrase")
    page.get_by_role("button", name="Close my account").click()
    page.get_by_text("Your account is closed and your personal data removed.").wait_for()
    _look(page, visit, viewport, "closed")
    page.goto(url + "/account")  # logged out: the account page asks for a login
    page.get_by_role("button", name="Log in").wait_for()
    assert "/auth/login" in page.url

    page.get_by_label("E-mail address").fill("ada@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("The e-mail address or the password is not correct.").first.wait_for()
    assert "/auth/login" in page.url
    _look(page, visit, viewport, "login-refused")

    anyone = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport]).new_page()
    visit.page = anyone
    anyone.goto(f"{url}/verify/{public_id}")
    anyone.get_by_role("status").get_by_text("Valid").wait_for()
    shown = anyone.get_by_role("main").inner_text()
    assert "Ada Lovelace" in shown and "ada@example.org" not in shown
    _look(anyone, visit, viewport, "verify-after-closure")
    visit.assert_clean()
