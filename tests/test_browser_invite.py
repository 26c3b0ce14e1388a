"""An administrator creates an instructor's account in a real browser, at 1280 px and 360 px:
the invitation form, the e-mailed link that sets the password, and the new instructor's first
log-in. Every page is checked as tests/browser_support.py describes."""

import re

import pytest
from sqlalchemy import select

from course_app.auth.models import Role
from course_app.db import EXTENSION_KEY
from course_app.mail.models import OutboxMessage
from tests.browser_support import VIEWPORTS, Visit, log_in_as
from tests.helpers import make_user

PASSPHRASE = "an invited passphrase of mine"


def _invitation_link(app) -> str:
    with app.extensions[EXTENSION_KEY]() as db:
        body = db.scalar(select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    return re.search(r"https?://\S+/auth/invitation/\S+", body).group(0)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_invited_instructor_sets_a_password_and_logs_in(
    test_course_server, browser, tmp_path, viewport
):
    app, url = test_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root Admin")
    size = VIEWPORTS[viewport]
    admin = browser.new_context(viewport=size, bypass_csp=True).new_page()
    visit = Visit(admin, f"invite-{viewport}", tmp_path)
    log_in_as(admin, url, "root@example.org")
    admin.goto(url + "/admin/users/invite")
    admin.get_by_label("Full name").fill("Tess Teacher")
    admin.get_by_label("E-mail address").fill("tess@example.org")
    admin.get_by_label("Role").select_option("instructor")
    visit.check("invite-form")
    admin.get_by_role("button", name="Create and send the invitation").click()
    admin.get_by_text(re.compile("tess@example.org")).first.wait_for()
    visit.check("invited")

    tess = browser.new_context(viewport=size, bypass_csp=True).new_page()
    visit.page = tess
    tess.goto(_invitation_link(app))
    tess.get_by_label("New password", exact=True).fill(PASSPHRASE)
    tess.get_by_label("Repeat the new password").fill(PASSPHRASE)
    visit.check("set-password")
    tess.get_by_role("button", name="Set the new password").click()
    tess.get_by_text("Your password is set. Log in with it.").wait_for()
    tess.get_by_label("E-mail address").fill("tess@example.org")
    tess.get_by_label("Password").fill(PASSPHRASE)
    tess.get_by_role("button", name="Log in").click()
    tess.get_by_role("link", name="Teaching").wait_for()
    visit.check("first-log-in")
    visit.assert_clean()
