"""Authoring in a real browser (360 px and 1280 px): the outline (a new module and lesson, up
and down, archive), a figure upload placed in the lesson, then replaced and archived, and a
case vignette. Every page is
checked with axe and the HTML checker, and none scrolls sideways."""

import re

import pytest

from tests.browser_support import VIEWPORTS, Visit, log_in_as, scrolls_sideways
from tests.test_figure_upload import SVG, _png

WS = "/instructor/courses/basics"
BODY = "## Knees\n\nHow the knee moves [S1].\n\n{{ figure knee }}\n\n" + "Read slowly. " * 60


def _arrange(app) -> None:
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import make_user

    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR)
        course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()


def _checked(page, visit, label: str) -> None:
    visit.check(label)
    assert not scrolls_sideways(page), f"{label} scrolls sideways"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_authoring_journey(test_course_server, browser, tmp_path, viewport):
    app, url = test_course_server
    _arrange(app)
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit = Visit(page, f"authoring-{viewport}", tmp_path)
    log_in_as(page, url, "tess@example.org")

    page.goto(url + WS + "/figures")
    page.get_by_label("Key").fill("knee")
    page.get_by_label(re.compile("^File")).set_input_files(
        files=[{"name": "knee.svg", "mimeType": "image/svg+xml", "buffer": SVG}]
    )
    page.get_by_label("Caption").fill("The knee")
    page.get_by_label("Alt text").fill("The knee joint from the side.")
    page.get_by_label("Long description").fill("Femur above, tibia below.")
    page.get_by_role("button", name="Upload the figure").click()
    page.get_by_text("Figure “knee” added").wait_for()
    _checked(page, visit, "figures")

    page.goto(url + WS + "/outline")
    page.get_by_label("Slug").fill("third")
    page.get_by_label("Title").fill("Third module")
    page.get_by_role("button", name="Add the module").click()
    page.get_by_text("Module “Third module” added").wait_for()
    _checked(page, visit, "outline")
    page.get_by_role("link", name="New lesson in Third module").click()
    page.get_by_label("Slug").fill("knees")
    page.get_by_label("Title").fill("Knees")
    page.get_by_label("Minutes it takes").fill("2")
    page.get_by_label("Learning objectives, one a line").fill("Describe the knee")
    page.get_by_label("Sources it rests on").select_option("S1")
    page.get_by_label("Text (Markdown)").fill(BODY)
    _checked(page, visit, "new-lesson")
    page.get_by_role("button", name="Add the lesson").click()
    page.get_by_text("Lesson “Knees” published").wait_for()

    page.get_by_role("button", name="Up module Third module").click()
    page.get_by_text("Module “Third module” moved.").wait_for()
    page.get_by_role("button", name="Archive lesson Lesson two").click()
    page.get_by_text("archived: learners no longer see it").wait_for()
    page.get_by_role("button", name="Restore lesson Lesson two").wait_for()
    _checked(page, visit, "outline-changed")
    _replace_and_archive_the_figure(page, url, visit)

    page.goto(url + WS + "/quizzes/first/cases")
    page.get_by_label("Key").fill("case-two")
    page.get_by_label("Title").fill("A cyclist")
    page.get_by_label("Vignette (Markdown)").fill("A cyclist with knee pain for three weeks.")
    page.locator("input[name=questions][value=q-single]").check()
    page.get_by_role("button", name="Save the case").click()
    page.get_by_text("Case “A cyclist” saved").wait_for()
    _checked(page, visit, "cases")
    visit.assert_clean()
    context.close()


def _replace_and_archive_the_figure(page, url: str, visit) -> None:
    page.goto(url + WS + "/figures")
    page.get_by_role("link", name="Replace or archive The knee").click()
    page.get_by_label(re.compile("^File")).set_input_files(
        files=[{"name": "knee.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_label("Alt text").fill("The knee joint from the front.")
    _checked(page, visit, "figure")
    page.get_by_role("button", name="Replace the figure").click()
    page.get_by_text("Figure “knee” replaced").wait_for()
    page.get_by_role("link", name="Replace or archive The knee").click()
    page.get_by_role("img", name="The knee joint from the front.").wait_for()
    page.get_by_role("button", name="Archive the figure").click()
    page.get_by_text("archived: lessons no longer show it").wait_for()
    page.get_by_role("heading", name="Archived figures").wait_for()
    _checked(page, visit, "figures-archived")
