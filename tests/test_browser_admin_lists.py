"""The admin lists in a real browser with 155 learners: axe, the HTML checker, and no page
that scrolls sideways at 360 px or 1280 px."""

import pytest

from tests.browser_support import (
    VIEWPORTS,
    Visit,
)


def _crowd(app) -> None:
    from sqlalchemy import select

    from course_app.audit.services import record
    from course_app.auth.models import Role, User
    from course_app.db import EXTENSION_KEY
    from course_app.modules.models import Course, Enrollment
    from tests.helpers import make_user

    with app.extensions[EXTENSION_KEY]() as db:
        admin = make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Ada Admin")
        course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
        for number in range(1, 156):
            learner = User(
                email=f"learner{number}@example.org",
                full_name=f"Learner {number}",
                role=Role.LEARNER,
                password_hash=admin.password_hash,
                registration_number=f"PT{number:05}",
                jurisdiction="ON",
                regulator="College",
                register_class="full",
            )
            db.add(learner)
            db.flush()
            db.add(Enrollment(user_id=learner.id, course_id=course_id))
            record(db, admin.id, "user.renamed", ("user", learner.id), {"full_name": "X"}, None)
        db.commit()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_admin_lists_fit_and_pass_the_checkers(test_course_server, browser, tmp_path, viewport):
    app, url = test_course_server
    _crowd(app)
    context = browser.new_context(bypass_csp=True, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    visit = Visit(page, f"admin-lists-{viewport}", tmp_path)
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("root@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    pages = {
        "users": "/admin/users",
        "users-filtered": "/admin/users?role=learner&active=yes&q=learner1&page=2",
        "queue": "/admin/certificates",
        "queue-eligible": "/admin/certificates?ready=1",
        "audit": "/admin/audit?actor=ada",
        "outbox": "/admin/outbox",
        "invite": "/admin/users/invite",
    }
    for label, path in pages.items():
        page.goto(url + path)
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, f"{path} scrolls sideways at {viewport}"
        visit.check(label)
    page.goto(url + "/admin/users")
    page.get_by_role("navigation", name="Users pages").get_by_role("link", name="2").click()
    page.get_by_role("link", name="Learner 99", exact=True).wait_for()
    visit.assert_clean()
