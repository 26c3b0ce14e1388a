"""The learner's journey in a real browser (Chromium via Playwright) on a live server.

Every page visited is checked with axe-core (zero WCAG A/AA violations) and its raw server
HTML with the Nu HTML Checker (zero errors); screenshots go to test-artifacts/screenshots/.
"""

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course_app import create_app
from course_app.config import REPO_ROOT
from course_app.db import get_engine
from tests.conftest import base_config
from tests.quality import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    axe_violations,
    html_errors,
    require_tools,
)

LEVEL_1 = "Dry Needling Level 1: Foundations, safety and lower-risk regions"


@pytest.fixture
def live_server(database_url, tmp_path):
    """The app, with the real curriculum, served by a real WSGI server on 127.0.0.1."""
    require_tools()
    config = {**base_config(database_url), "CONTENT_DIR": str(REPO_ROOT / "content")}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    assert app.test_cli_runner().invoke(args=["load-content"]).exit_code == 0
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    get_engine(app).dispose()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    require_tools()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """Checks every page it is shown: axe now, HTML validity at the end, plus a screenshot."""

    def __init__(self, page, name: str, html_dir: Path) -> None:
        self.page, self.name, self.html_dir = page, name, html_dir
        self.saved: list[Path] = []
        self.violations: dict[str, list] = {}

    def check(self, label: str) -> None:
        slug = f"{self.name}-{len(self.saved):02d}-{label}"
        raw = self.page.context.request.get(self.page.url)  # the server's HTML, same cookies
        path = self.html_dir / f"{slug}.html"
        path.write_bytes(raw.body())
        self.saved.append(path)
        if violations := axe_violations(self.page):
            self.violations[slug] = violations
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert self.violations == {}
        assert html_errors(self.saved) == []


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_learner_journey(live_server, browser, tmp_path, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)  # to inject axe
    page = context.new_page()
    visit = Visit(page, f"learner-{viewport}", tmp_path)

    page.goto(live_server + "/auth/register")
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_role("alert").is_visible()  # errors are summarised and announced
    visit.check("register-errors")
    _register(page)
    visit.check("dashboard-new")

    page.get_by_role("link", name="Courses", exact=True).click()
    assert page.get_by_text("Locked.").is_visible()
    visit.check("catalog")
    page.get_by_role("link", name=LEVEL_1).click()
    page.get_by_role("button", name="Enrol in this course").click()
    assert page.get_by_text("You are enrolled").is_visible()
    visit.check("course-enrolled")

    page.get_by_role("link", name=re.compile("^Start: ")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Defining dry needling"
    visit.check("lesson")
    page.get_by_role("button", name="Mark this lesson complete").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trigger points")

    page.get_by_role("link", name="My learning").click()
    assert page.get_by_role("table").get_by_text("15 of 60", exact=True).is_visible()
    visit.check("dashboard-progress")
    page.get_by_role("link", name=re.compile("^Resume")).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trigger points")

    response = page.goto(live_server + "/courses/dry-needling-level-2/resume")
    assert response.status == 403
    assert page.get_by_text("Complete Dry Needling Level 1").is_visible()
    visit.check("locked-403")
    visit.assert_clean()


def test_keyboard_alone_can_enrol_and_complete_a_lesson(live_server, browser, tmp_path):
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(live_server + "/auth/register")
    _register(page)
    page.goto(live_server + "/courses/dry-needling-level-1")
    for button_or_link in (
        "Enrol in this course",
        "Start: Defining dry needling",
        "Mark this lesson complete",
    ):
        _tab_to(page, button_or_link)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/lessons/trigger-points-and-the-twitch-response")
    assert page.get_by_text("is marked complete").is_visible()


def _tab_to(page, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.innerText || ''").strip()
        if focused == name:
            return
    raise AssertionError(f"could not reach {name!r} with the Tab key")


def _register(page) -> None:
    page.get_by_label("Full name").fill("王芳")
    page.get_by_label("E-mail address").fill("wang.fang@example.org")
    page.get_by_label("New password", exact=True).fill("correct horse battery")
    page.get_by_label("Repeat the new password").fill("correct horse battery")
    page.get_by_label("Professional registration number").fill("PT-88231")
    page.get_by_label("Province or territory of registration").select_option("BC")
    page.get_by_label("Full (general) register").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile("/dashboard$"))


def test_the_gates_themselves_catch_problems(browser, tmp_path):
    """Guard against a silent gate: known-bad markup must be reported by both tools."""
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
