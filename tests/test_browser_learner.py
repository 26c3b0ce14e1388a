"""The learner's journey in a real browser (Chromium via Playwright) on a live server, at
1280 px and 360 px: register, enrol, read a lesson on the server's clock, resume, and meet the
Level 2 lock; the keyboard alone; lesson heartbeats; a lesson's figures. See
tests/browser_support.py for the checks every visited page gets."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from course_app.config import REPO_ROOT, DefaultConfig
from course_app.modules.content import parse_content
from course_app.timing import duration
from tests.browser_support import (
    LEVEL_1,
    VIEWPORTS,
    Visit,
    log_in_as,
    register,
    scrolls_sideways,
    tab_to,
    without_heartbeats,
)
from tests.conftest import move_clock
from tests.quality import axe_violations, html_errors


def _level_1_and_its_first_lesson():
    """The shipped Level 1 and the lesson "Start" opens: minutes follow the content."""
    courses, _problems = parse_content(REPO_ROOT / "content")
    course = next(c for c in courses if c.level == 1)
    module_order = {module.slug: index for index, module in enumerate(course.modules)}
    first = min(course.lessons, key=lambda lesson: (module_order[lesson.module], lesson.order))
    return course, first


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_learner_journey(live_server, browser, tmp_path, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)  # to inject axe
    page = context.new_page()
    visit = Visit(page, f"learner-{viewport}", tmp_path)

    page.goto(live_server + "/auth/register")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").wait_for()  # errors are summarised and announced
    visit.check("register-errors")
    register(page)
    visit.check("dashboard-new")

    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_text("Locked.").wait_for()
    visit.check("catalog")
    page.get_by_role("link", name=LEVEL_1).click()
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_text("You are enrolled").wait_for()
    visit.check("course-enrolled")

    _read_the_first_lesson(page, visit)
    page.get_by_role("link", name=re.compile("^Resume")).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trigger points")

    response = page.goto(live_server + "/courses/dry-needling-level-2/resume")
    assert response.status == 403
    page.get_by_text("Complete Dry Needling Level 1").wait_for()
    visit.check("locked-403")
    visit.assert_clean()


def _read_the_first_lesson(page, visit) -> None:
    """Too soon is refused with the time still needed; after reading, it counts, leads to the
    next lesson, and the dashboard shows the minutes done."""
    without_heartbeats(page)
    page.get_by_role("link", name=re.compile("^Start: ")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Defining dry needling"
    course, first = _level_1_and_its_first_lesson()
    needed = duration(round(first.minutes * 60 * DefaultConfig.LESSON_TIME_SHARE))
    page.get_by_text(f"counts once you have spent at least {needed} on it").wait_for()
    visit.check("lesson")
    page.get_by_role("button", name="Mark this lesson complete").click()  # at once: refused
    page.get_by_text(re.compile(rf"Not complete yet: .* and {needed} is needed")).wait_for()
    assert page.get_by_role("heading", level=1).inner_text() == "Defining dry needling"
    visit.check("lesson-refused")
    move_clock(timedelta(minutes=first.minutes))  # the learner reads it (the server's clock)
    page.get_by_role("button", name="Mark this lesson complete").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trigger points")

    page.get_by_role("link", name="My learning").click()
    done = f"{first.minutes} of {course.ce_minutes}"
    page.get_by_role("table").get_by_text(done, exact=True).wait_for()
    visit.check("dashboard-progress")


def test_keyboard_alone_can_enrol_and_complete_a_lesson(live_server, browser, tmp_path):
    page = browser.new_context(bypass_csp=True).new_page()
    without_heartbeats(page)
    page.goto(live_server + "/auth/register")
    register(page)
    page.goto(live_server + "/courses/dry-needling-level-1")
    for button_or_link in (
        "Enrol in this course",
        "Start: Defining dry needling",
        "Mark this lesson complete",
    ):
        if button_or_link.startswith("Mark"):
            move_clock(timedelta(minutes=15))  # time spent reading the lesson
        tab_to(page, button_or_link)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/lessons/trigger-points-and-the-twitch-response")
    page.get_by_text("is marked complete").wait_for()


def test_the_gates_themselves_catch_problems(browser, tmp_path):
    """Guard against a silent gate: known-bad markup must be reported by both tools, and a
    page wider than its viewport by the width check."""
    bad = (
        "<!doctype html><html><head><title>x</title></head><body><p><div></p>"
        "<input type=text><img src=a.png></body></html>"
    )
    page = browser.new_page()
    page.set_content(bad)
    assert {v["id"] for v in axe_violations(page)} >= {"label", "image-alt"}
    broken = tmp_path / "broken.html"
    broken.write_text(bad)
    assert html_errors([broken]) != []
    page.set_viewport_size(VIEWPORTS["mobile"])
    page.set_content('<!doctype html><title>x</title><div style="width: 500px">wide</div>')
    assert scrolls_sideways(page)


def test_heartbeats_earn_a_lessons_time_in_the_browser(test_course_server, browser):
    """The lesson page's script sends a heartbeat every 30 s while the learner is active; the
    server credits the time between them, and the page says how far the learner is. Both
    clocks are driven: the browser's timers (paused, run 30 s at a time) and the server's."""
    from course_app.db import EXTENSION_KEY
    from tests.helpers import login, make_user, post

    app, url = test_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="bea@example.org", full_name="Bea Beat")
        client = app.test_client()
        login(client, "bea@example.org")
        post(client, "/courses/basics/enrol")
    context = browser.new_context()
    now = datetime.now(UTC)  # the test's clock, which the server reads
    context.clock.install(time=now)
    context.clock.pause_at(now + timedelta(seconds=1))
    page = context.new_page()
    log_in_as(page, url, "bea@example.org")
    page.goto(url + "/courses/basics/lessons/one")  # 10 minutes: 5 needed
    status = page.locator(".time-status")
    for beat in range(1, 11):
        page.mouse.move(20, 20 * beat)  # the learner is active
        move_clock(timedelta(seconds=30))
        with page.expect_response(re.compile(r"/lessons/one/time$")):
            page.clock.run_for(30_000)
        if beat == 3:  # the server's clock also ticks on by the real time the test takes
            status.get_by_text(re.compile(r"1 min 3\d s recorded of the 5 min needed")).wait_for()
    status.get_by_text(re.compile(r"5 min( \d+ s)? recorded: you can mark it complete")).wait_for()
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.get_by_role("heading", name="Lesson two", level=1).wait_for()
    context.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_lesson_with_figures(real_course_server, browser, tmp_path, viewport):
    """The lower-limb lesson places seven figures: each loads from the app, has its alt text,
    caption and long description, and the page passes axe and the HTML checker at both
    widths without scrolling sideways."""
    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from tests.helpers import make_user

    app, url = real_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess")
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit = Visit(page, f"figures-{viewport}", tmp_path)
    log_in_as(page, url, "tess@example.org")
    page.goto(url + "/courses/dry-needling-level-1/lessons/level-1-lower-limb-and-lumbar")
    figures = page.locator("figure.figure")
    assert figures.count() == 7
    for index in range(figures.count()):
        image = figures.nth(index).locator("img")
        assert image.get_attribute("alt")
        assert image.get_attribute("src").startswith("/media/dry-needling-level-1/")
        loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, image.get_attribute("src")
    figures.first.get_by_text("Description of the figure").click()
    figures.first.get_by_text("Landmarks marked as dots").wait_for()
    visit.check("lesson")  # the width check included
    visit.assert_clean()
