"""What the browser tests share: a live server, Chromium, the page checks and the steps every
journey takes (register, log in, tab through a page).

Every page a journey shows to ``Visit.check`` is checked with axe-core (zero WCAG A/AA
violations), its raw server HTML with the Nu HTML Checker (zero errors) and its width (it must
not scroll sideways at the viewport it is shown in); screenshots go to
test-artifacts/screenshots/. Test files import the fixtures they use by name.
"""

import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course_app import create_app
from course_app.config import REPO_ROOT
from course_app.db import get_engine
from tests.conftest import TEST_CONTENT, base_config
from tests.helpers import PASSWORD
from tests.quality import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    axe_violations,
    html_errors,
    require_tools,
)

LEVEL_1 = "Dry Needling Level 1: Foundations, safety and lower-risk regions"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 360, "height": 780}}


def _serve(database_url: str, tmp_path: Path, content: Path):
    """Load the content and serve the app with a real WSGI server on 127.0.0.1."""
    require_tools()
    config = {**base_config(database_url), "CONTENT_DIR": str(content)}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    assert app.test_cli_runner().invoke(args=["load-content"]).exit_code == 0
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url  # links in mails and documents point at this server
    yield app, url
    server.shutdown()
    get_engine(app).dispose()


@pytest.fixture
def live_server(database_url, tmp_path):
    """The app with the real curriculum, on a live server."""
    for _app, url in _serve(database_url, tmp_path, REPO_ROOT / "content"):
        yield url


@pytest.fixture
def test_course_server(database_url, tmp_path):
    """The app with the small test courses (every quiz feature, known answers)."""
    yield from _serve(database_url, tmp_path, TEST_CONTENT)


@pytest.fixture
def real_course_server(database_url, tmp_path):
    """The app with the real curriculum (whose levels have practical checklists)."""
    yield from _serve(database_url, tmp_path, REPO_ROOT / "content")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    require_tools()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


#: The innermost elements whose right edge passes the viewport, outside any element that
#: scrolls or clips its own overflow: what makes a page too wide. (An absolutely positioned
#: element inside a scroller that is not its containing block escapes it: it is not listed
#: here, but still widens the page.)
_TOO_WIDE = """() => {
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e));
  return wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
         + ' «' + (e.innerText || '').slice(0, 40) + '»');
}"""


class Visit:
    """Checks every page it is shown: axe and width now, HTML validity at the end, plus a
    screenshot."""

    def __init__(self, page, name: str, html_dir: Path) -> None:
        self.page, self.name, self.html_dir = page, name, html_dir
        self.saved: list[Path] = []
        self.violations: dict[str, list] = {}
        self.sideways: list[str] = []

    def check(self, label: str) -> None:
        slug = f"{self.name}-{len(self.saved):02d}-{label}"
        raw = self.page.context.request.get(self.page.url)  # the server's HTML, same cookies
        path = self.html_dir / f"{slug}.html"
        path.write_bytes(raw.body())
        self.saved.append(path)
        if violations := axe_violations(self.page):
            self.violations[slug] = violations
        if scrolls_sideways(self.page):
            width = self.page.evaluate("document.documentElement.scrollWidth")
            culprits = self.page.evaluate(_TOO_WIDE)
            viewport = self.page.viewport_size["width"]
            self.sideways.append(f"{slug}: {width} px wide at {viewport}, by {culprits}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)

    def assert_clean(self) -> None:
        assert self.violations == {}
        assert self.sideways == [], "\n".join(self.sideways)
        assert html_errors(self.saved) == []


def without_heartbeats(page) -> None:
    """Drop the lesson page's heartbeats: the journey moves the server's clock, and a beat
    arriving after a jump would credit one capped beat, which then caps the form's credit too
    (test_heartbeats_earn_a_lessons_time_in_the_browser drives them on purpose)."""
    page.route(re.compile(r"/lessons/[^/]+/time$"), lambda route: route.abort())


def tab_to(page, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.innerText || ''").strip()
        if focused == name:
            return
    raise AssertionError(f"could not reach {name!r} with the Tab key")


def tab_to_element(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def register(page) -> None:
    """Register Wang Fang through the form, then log in (the confirmation page's link)."""
    page.get_by_label("Full name").fill("王芳")
    page.get_by_label("E-mail address").fill("wang.fang@example.org")
    page.get_by_label("New password", exact=True).fill("correct horse battery")
    page.get_by_label("Repeat the new password").fill("correct horse battery")
    page.get_by_label("Professional registration number").fill("PT-88231")
    page.get_by_label("Province or territory of registration").select_option("BC")
    page.get_by_label("Full (general) register").check()
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    page.get_by_role("main").get_by_role("link", name="log in").click()
    page.get_by_label("E-mail address").fill("wang.fang@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile("/dashboard$"))


def log_in_registered(page, url: str) -> None:
    """Log in again as the learner ``register`` created."""
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("wang.fang@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def log_in_as(page, url: str, email: str) -> None:
    """Log in as someone tests.helpers.make_user created."""
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile("/dashboard$"))
