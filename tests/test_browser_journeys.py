"""The learner's journey in a real browser (Chromium via Playwright) on a live server.

Every page visited is checked with axe-core (zero WCAG A/AA violations) and its raw server
HTML with the Nu HTML Checker (zero errors); screenshots go to test-artifacts/screenshots/.
"""

import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course_app import create_app
from course_app.config import REPO_ROOT, DefaultConfig
from course_app.db import get_engine
from course_app.modules.content import parse_content
from course_app.timing import duration
from tests.conftest import TEST_CONTENT, base_config, move_clock
from tests.quality import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    axe_violations,
    html_errors,
    require_tools,
)

LEVEL_1 = "Dry Needling Level 1: Foundations, safety and lower-risk regions"


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


def _level_1_and_its_first_lesson():
    """The shipped Level 1 and the lesson "Start" opens: minutes follow the content."""
    courses, _problems = parse_content(REPO_ROOT / "content")
    course = next(c for c in courses if c.level == 1)
    module_order = {module.slug: index for index, module in enumerate(course.modules)}
    first = min(course.lessons, key=lambda lesson: (module_order[lesson.module], lesson.order))
    return course, first


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_learner_journey(live_server, browser, tmp_path, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)  # to inject axe
    page = context.new_page()
    visit = Visit(page, f"learner-{viewport}", tmp_path)

    page.goto(live_server + "/auth/register")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("alert").wait_for()  # errors are summarised and announced
    visit.check("register-errors")
    _register(page)
    visit.check("dashboard-new")

    page.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_text("Locked.").wait_for()
    visit.check("catalog")
    page.get_by_role("link", name=LEVEL_1).click()
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_text("You are enrolled").wait_for()
    visit.check("course-enrolled")

    _without_heartbeats(page)
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
    page.get_by_role("link", name=re.compile("^Resume")).first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Trigger points")

    response = page.goto(live_server + "/courses/dry-needling-level-2/resume")
    assert response.status == 403
    page.get_by_text("Complete Dry Needling Level 1").wait_for()
    visit.check("locked-403")
    visit.assert_clean()


def test_keyboard_alone_can_enrol_and_complete_a_lesson(live_server, browser, tmp_path):
    page = browser.new_context(bypass_csp=True).new_page()
    _without_heartbeats(page)
    page.goto(live_server + "/auth/register")
    _register(page)
    page.goto(live_server + "/courses/dry-needling-level-1")
    for button_or_link in (
        "Enrol in this course",
        "Start: Defining dry needling",
        "Mark this lesson complete",
    ):
        if button_or_link.startswith("Mark"):
            move_clock(timedelta(minutes=15))  # time spent reading the lesson
        _tab_to(page, button_or_link)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.url.endswith("/lessons/trigger-points-and-the-twitch-response")
    page.get_by_text("is marked complete").wait_for()


def _without_heartbeats(page) -> None:
    """Drop the lesson page's heartbeats: the journey moves the server's clock, and a beat
    arriving after a jump would credit one capped beat, which then caps the form's credit too
    (test_heartbeats_earn_a_lessons_time_in_the_browser drives them on purpose)."""
    page.route(re.compile(r"/lessons/[^/]+/time$"), lambda route: route.abort())


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
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    page.get_by_role("main").get_by_role("link", name="log in").click()
    page.get_by_label("E-mail address").fill("wang.fang@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
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


#: The right answers of the test courses' questions, by the start of their prompt.
RIGHT = {
    "Which colour is the sky": ["Blue"],
    "Which are prime numbers": ["Two", "Three"],
    "Hands are washed": ["True"],
    "How long has the pain": ["Six weeks"],
    "The runner is 40": ["True"],
    "x one is true": ["True"],
    "x two is false": ["False"],
    "x three is true": ["True"],
    "y one is true": ["True"],
    # The final exam's own questions, never shown in a module quiz.
    "Hands are cleaned again": ["True"],
    "Which of these numbers is prime": ["Five"],
    "A runner with six weeks": ["True"],
    "x four is false": ["False"],
    "y two is true": ["True"],
}
WRONG = {
    "Which colour is the sky": ["Green"],
    "Which are prime numbers": ["Four"],
    "Hands are washed": ["False"],
}


def _answer_all(page, answers: dict[str, list[str]]) -> None:
    """Tick the options named in ``answers`` for every question on the page that has one."""
    for question in page.get_by_role("group").all():
        prompt = question.locator(".prompt").inner_text()
        labels = next((v for k, v in answers.items() if prompt.startswith(k)), [])
        for label in labels:
            question.get_by_label(label, exact=True).check()


def _log_in(page, url: str) -> None:
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("wang.fang@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_quiz_journey(test_course_server, browser, tmp_path, viewport):
    """Fail a quiz, pass it after the cooldown, resume an attempt in a new browser, pass the
    final exam, and see the next course unlock (desktop and 390×844 mobile)."""
    from sqlalchemy import update

    from course_app.db import EXTENSION_KEY, utcnow
    from course_app.quizzes.models import Attempt

    app, url = test_course_server
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit = Visit(page, f"quiz-{viewport}", tmp_path)
    page.goto(url + "/auth/register")
    _register(page)
    _without_heartbeats(page)
    page.goto(url + "/courses/basics")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name=re.compile("^Start: ")).click()
    for _ in range(2):  # lesson one leads to two, a module's last lesson to its quiz
        move_clock(timedelta(minutes=30))  # reading it (no test lesson declares more)
        page.get_by_role("button", name="Mark this lesson complete").click()
    page.wait_for_url(url + "/courses/basics/quizzes/first")
    page.goto(url + "/courses/basics/lessons/three")
    move_clock(timedelta(minutes=30))
    page.get_by_role("button", name="Mark this lesson complete").click()
    page.wait_for_url(url + "/courses/basics/quizzes/second")
    page.goto(url + "/courses/basics")
    page.get_by_text("What remains for your certificate").wait_for()
    visit.check("course-lessons-done")

    page.get_by_role("link", name="Quiz: First module", exact=True).click()
    visit.check("quiz-overview")
    page.get_by_role("button", name="Start attempt 1").click()
    page.get_by_role("heading", name="Case: A runner with calf pain").wait_for()
    visit.check("attempt")
    _answer_all(page, {**RIGHT, **WRONG})
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_text("Not passed").wait_for()
    page.get_by_text("safety-critical (must-pass) question was not answered").wait_for()
    visit.check("result-failed")

    page.get_by_role("link", name="Back to the quiz").click()
    page.get_by_text("after the cooldown").wait_for()
    with app.extensions[EXTENSION_KEY]() as db:  # let the 10-minute cooldown pass
        db.execute(update(Attempt).values(finished_at=utcnow() - timedelta(minutes=11)))
        db.commit()
    page.reload()
    page.get_by_role("button", name="Start attempt 2").click()
    _answer_all(page, RIGHT)
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_text("Passed", exact=True).wait_for()
    visit.check("result-passed")

    page.goto(url + "/courses/basics/quizzes/second")
    page.get_by_role("button", name="Start attempt 1").click()
    page.get_by_text("time limit: your answers must be in by").wait_for()
    # A click returns once the next page starts loading: the autosave script (deferred) may
    # not listen yet. Wait for it, or the change below goes unheard on a busy machine.
    page.wait_for_load_state("load")
    first = page.get_by_role("group").first
    prompt = first.locator(".prompt").inner_text()
    choice = next(v for k, v in RIGHT.items() if prompt.startswith(k))[0]
    first.get_by_label(choice, exact=True).check()  # saved by the page's script on change
    page.get_by_text("Answers saved at").wait_for()
    context.close()

    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit.page = page
    _log_in(page, url)
    page.goto(url + "/courses/basics/quizzes/second")
    page.get_by_role("link", name="Continue attempt 1").click()
    assert page.get_by_role("group").first.get_by_label(choice, exact=True).is_checked()
    _answer_all(page, RIGHT)
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_text("Passed", exact=True).wait_for()

    page.goto(url + "/courses/basics/quizzes/final-exam")
    page.get_by_role("button", name="Start attempt 1").click()
    _answer_all(page, RIGHT)
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_text("Passed", exact=True).wait_for()
    page.get_by_role("table", name="Your score per learning objective").wait_for()
    assert page.get_by_text("Hands are cleaned again").count() == 0  # no item, no key
    visit.check("final-passed")

    page.get_by_role("link", name="My learning").click()
    page.get_by_role("table").get_by_text("100% (3/3 lessons, 3/3 quizzes)").wait_for()
    # The course evaluation remains (tests/test_browser_evaluation.py walks through it).
    page.goto(url + "/courses/basics/evaluation")
    question = page.get_by_role("group", name="The course met its stated learning objectives.")
    question.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send my evaluation").click()
    page.get_by_text("Thank you: your evaluation was recorded").wait_for()
    page.get_by_role("link", name="My learning").click()
    # Everything done but the licence check, which only the certificate needs:
    page.get_by_role("cell", name=re.compile("^Complete; certificate pending")).wait_for()
    visit.check("dashboard-complete")
    page.goto(url + "/courses/advanced")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_text("You are enrolled").wait_for()
    visit.assert_clean()


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
    _log_in_as(page, url, "bea@example.org")
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


@pytest.fixture
def real_course_server(database_url, tmp_path):
    """The app with the real curriculum (whose levels have practical checklists)."""
    yield from _serve(database_url, tmp_path, REPO_ROOT / "content")


def _arrange_teaching(app) -> None:
    """An instructor of Level 1 and a learner who has taken its first quiz."""
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user, post, take_quiz

    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(
            db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess Teacher"
        )
        course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        make_user(db, email="ada@example.org", full_name="Ada Learner")
        client = app.test_client()
        login(client, "ada@example.org")
        post(client, "/courses/dry-needling-level-1/enrol")
        take_quiz(client, db, "dry-needling-level-1", "what-dry-needling-is", right=False)


def test_instructor_journey(real_course_server, browser, tmp_path):
    """Edit a lesson with live preview and publish; gradebook; a learner's attempt; item
    analysis with its charts; fix a key and regrade; create a cohort and sign off a skill."""
    app, url = real_course_server
    _arrange_teaching(app)
    page = browser.new_context(bypass_csp=True).new_page()
    visit = Visit(page, "instructor", tmp_path)
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("tess@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Teaching").click()
    visit.check("workspace")

    page.get_by_role("link", name="Lessons").first.click()
    page.get_by_role("link", name="Edit Defining dry needling").click()
    page.wait_for_load_state("load")  # the live preview's script listens from here on
    editor = page.get_by_label("Text (Markdown)")
    editor.fill(
        editor.input_value() + "\n\n## A note added in the browser\n\nLive **preview** works."
    )
    page.locator("#preview-body").get_by_role(
        "heading", name="A note added in the browser"
    ).wait_for()
    visit.check("lesson-editor")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published as revision 2").wait_for()

    page.goto(url + "/instructor/courses/dry-needling-level-1/gradebook")
    page.get_by_role("link", name="Ada Learner").wait_for()
    visit.check("gradebook")
    page.get_by_role("link", name="Ada Learner").click()
    page.get_by_role("link", name="Attempt 1").click()
    page.get_by_role("heading", name="Answers").wait_for()
    visit.check("attempt-review")

    page.goto(url + "/instructor/courses/dry-needling-level-1/quizzes")
    visit.check("quizzes")
    page.get_by_role("link", name=re.compile(r"^Item analysis\s*: Module 1 ")).click()
    page.get_by_role("img", name="Histogram of attempt scores").wait_for()
    visit.check("item-analysis")

    page.goto(url + "/instructor/courses/dry-needling-level-1/quizzes")
    page.get_by_role("link", name="Fix key and regrade m1-long-term").click()
    page.get_by_label("True", exact=True).check()
    page.get_by_label(re.compile("^False")).uncheck()
    page.get_by_role("button", name="Preview the regrade").click()
    visit.check("regrade-preview")
    page.get_by_label(re.compile("^Why the key changes")).fill("Testing the regrade journey.")
    page.get_by_role("button", name="Apply the regrade").click()
    page.get_by_text("Regraded:").wait_for()

    page.goto(url + "/instructor/courses/dry-needling-level-1/cohorts")
    page.get_by_label("Name").fill("Toronto, spring 2027")
    page.get_by_label("First day").fill("2027-04-09")
    page.get_by_label("Last day").fill("2027-04-11")
    page.get_by_label("Location").fill("Toronto")
    page.get_by_label("Places").fill("12")
    page.get_by_label("In-person lab hours").fill("24")
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_label("Learner's e-mail address").fill("ada@example.org")
    page.get_by_role("button", name="Add to cohort").click()
    visit.check("cohort")
    page.get_by_role("link", name="Ada Learner").click()
    page.get_by_label("Practical hours attended").fill("30")  # the cohort offers 24
    page.get_by_role("button", name="Save hours").click()
    page.get_by_text("from 0 to the cohort's 24 lab hours").wait_for()
    visit.check("practical-hours-refused")
    page.get_by_label("Practical hours attended").fill("24")
    page.get_by_role("button", name="Save hours").click()
    page.get_by_text("Practical hours recorded.").wait_for()
    # One form for every competency; its dates are the cohort's days only, never the future.
    first = page.locator(".competency-list > li").first
    days = first.get_by_label("Assessed on").locator("option").all_inner_texts()
    assert days == ["2027-04-11", "2027-04-10", "2027-04-09"]
    first.get_by_label("Result").select_option("pass")
    first.get_by_label("Assessed on").select_option("2027-04-10")
    page.get_by_label(re.compile("^All passed")).check()
    second = page.locator(".competency-list > li").nth(1)
    second.get_by_label("Result").select_option("not-yet")  # overrides "all passed"
    page.get_by_role("button", name=re.compile("^Record results")).click()
    page.get_by_text("Results recorded.").wait_for()
    page.locator(".competency-list > li").nth(1).get_by_text("Recorded: Not yet").wait_for()
    visit.check("practical")
    _record_an_incident_and_offer_a_cohort(page, visit)

    learner = browser.new_context(bypass_csp=True).new_page()  # axe is injected
    visit.page = learner
    _log_in_as(learner, url, "ada@example.org")
    learner.goto(url + "/courses/dry-needling-level-1")
    learner.get_by_text("Your cohort:").wait_for()
    learner.get_by_role("table", name="Your practical competencies").get_by_text(
        "Passed"
    ).first.wait_for()
    learner.get_by_text("What remains for your certificate").wait_for()
    visit.check("course-practical-learner")
    # The practical page: cohorts and own results; it fits a phone without scrolling sideways.
    learner.set_viewport_size(VIEWPORTS["mobile"])
    learner.get_by_role("link", name=re.compile("^Practical cohorts")).click()
    learner.get_by_role("heading", name="Your practical results").wait_for()
    learner.get_by_text("Toronto, spring 2027").first.wait_for()
    assert not _scrolls_sideways(learner)
    learner.get_by_role("button", name="Book a seat in Halifax, autumn 2027").click()
    learner.get_by_text("Your seat is booked", exact=True).wait_for()
    visit.check("practical-offerings-learner")
    assert not _scrolls_sideways(learner)
    page.set_viewport_size(VIEWPORTS["mobile"])
    assert not _scrolls_sideways(page)  # the one-page sign-off, at 390 px
    page.goto(url + "/instructor/cohorts/1/incidents")
    assert not _scrolls_sideways(page)
    visit.assert_clean()


def _scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def _record_an_incident_and_offer_a_cohort(page, visit) -> None:
    """The cohort's incident log takes a needlestick; then a coming cohort with one seat."""
    page.get_by_role("link", name="Toronto, spring 2027").click()
    page.get_by_role("link", name="Incident log").click()
    page.get_by_label("Needlestick injury").check()
    page.get_by_label("Day", exact=True).select_option("2027-04-10")
    page.get_by_label("Who was involved").fill("Ada Learner (needling), Bo Partner (needled)")
    page.get_by_label("What happened").fill("The needle passed through the glove.")
    page.get_by_label("Action taken").fill("Let it bleed; soap and water; covered.")
    page.get_by_label("Follow-up").fill("Same-day post-exposure assessment.")
    page.get_by_label("Reported to").fill("Course lead")
    page.get_by_role("button", name="Record incident").click()
    page.get_by_text("Incident #1 recorded.").wait_for()
    visit.check("incident-log")
    page.goto(
        page.url.split("/instructor/")[0] + "/instructor/courses/dry-needling-level-1/cohorts"
    )
    page.get_by_label("Name").fill("Halifax, autumn 2027")
    page.get_by_label("First day").fill("2027-09-10")
    page.get_by_label("Last day").fill("2027-09-12")
    page.get_by_label("Location").fill("Halifax")
    page.get_by_label("Places").fill("1")
    page.get_by_label("In-person lab hours").fill("24")
    page.get_by_role("button", name="Create cohort").click()
    page.get_by_role("heading", name="Halifax, autumn 2027").wait_for()
    page.goto(page.url.rsplit("/", 1)[0] + "/1/learners/2")


def test_administrator_journey(real_course_server, browser, tmp_path):
    """Eligibility queue → issue → download the PDF → public verification says valid →
    revoke → verification says revoked, with the reason."""
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import complete_course, login, make_user, post
    from tests.test_practical import create_cohort, sign_off_everything

    app, url = real_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Ada Admin")
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR)
        course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        learner = make_user(db, email="zoe@example.org", full_name="Zoë Ñúñez-Łukasz 王芳")
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
        learner_id = learner.id

    context = browser.new_context(bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    visit = Visit(page, "admin", tmp_path)
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("root@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.goto(url + f"/admin/users/{learner_id}")
    visit.check("user")
    page.get_by_role("button", name="Record as verified").click()
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("main").get_by_role("link", name="Certificates", exact=True).click()
    visit.check("queue")
    page.get_by_label("Issue to Zoë Ñúñez-Łukasz 王芳").check()
    page.get_by_role("button", name="Issue to the selected learners").first.click()
    page.get_by_text("Issued 1 certificate(s)").wait_for()
    page.get_by_role("link", name=re.compile("^DN1-")).click()
    visit.check("certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    public_id = page.get_by_role("heading", level=1).inner_text().split()[-1]

    anonymous = browser.new_context(bypass_csp=True).new_page()
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
    visit.assert_clean()


XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


def test_xss_payloads_in_free_text_never_run(real_course_server, browser, tmp_path):
    """Script in every free-text field a person can fill, shown on the pages that display it,
    must stay text: checked in the browser (CSP bypassed, so escaping alone is tested)."""
    from sqlalchemy import select

    from course_app.auth.models import Role
    from course_app.db import EXTENSION_KEY
    from course_app.instructor.models import CourseStaff
    from course_app.modules.models import Course
    from tests.helpers import login, make_user, post, take_quiz

    app, url = real_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="root@example.org", role=Role.ADMIN, full_name="Root " + XSS)
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR)
        course_id = db.scalar(select(Course.id).where(Course.slug == "dry-needling-level-1"))
        db.add(CourseStaff(course_id=course_id, user_id=teacher.id))
        db.commit()
        learner = make_user(db, email="x@example.org", full_name="Xavier " + XSS)
        client = app.test_client()
        login(client, learner.email)
        post(client, "/courses/dry-needling-level-1/enrol")
        staff = app.test_client()
        login(staff, teacher.email)
        base = "/instructor/courses/dry-needling-level-1"
        keys = _put_xss_in_every_question(staff, db, "what-dry-needling-is")
        attempt_id = take_quiz(
            client, db, "dry-needling-level-1", "what-dry-needling-is", right=False
        )
        post(
            staff,
            f"{base}/lessons/defining-dry-needling/edit",
            {
                "title": "Defining " + XSS,
                "body": "Text " + XSS + "\n\n[link](javascript:window.__xss=1)",
                "action": "publish",
            },
        )
        cohort = post(
            staff,
            f"{base}/cohorts",
            {
                "name": "Cohort " + XSS,
                "starts_on": "2027-04-09",
                "ends_on": "2027-04-11",
                "location": "Loc " + XSS,
                "capacity": "5",
                "lab_hours": "24",
            },
        )
        cohort_url = cohort.headers["Location"]
        post(staff, cohort_url, {"email": learner.email})
        post(
            staff,
            "/staff/accommodations",
            {"email": learner.email, "multiplier": "1.5", "note": XSS},
        )
        admin = app.test_client()
        login(admin, "root@example.org")
        post(admin, f"/admin/users/{learner.id}/licence", {"note": XSS})
        learner_id = learner.id

    pages = [
        ("root@example.org", "/courses/dry-needling-level-1/lessons/defining-dry-needling"),
        ("tess@example.org", f"{base}/gradebook"),
        ("tess@example.org", f"{base}/learners/{learner_id}"),
        ("tess@example.org", cohort_url),
        ("tess@example.org", f"{cohort_url}/learners/{learner_id}"),
        ("tess@example.org", "/staff/accommodations"),
        ("tess@example.org", f"{base}/lessons/defining-dry-needling/edit"),
        ("root@example.org", "/admin/users?q=xavier"),
        ("root@example.org", f"/admin/users/{learner_id}"),
        ("root@example.org", "/admin/audit"),
        ("x@example.org", f"/attempts/{attempt_id}"),
        ("tess@example.org", f"/instructor/attempts/{attempt_id}"),
        ("tess@example.org", f"{base}/quizzes/what-dry-needling-is/analysis"),
        ("tess@example.org", f"{base}/questions/{keys[0]}/preview"),
        ("tess@example.org", f"{base}/questions/{keys[0]}/edit"),
    ]
    dialogs: list[str] = []
    for email, path in pages:
        page = browser.new_context(bypass_csp=True).new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        _log_in_as(page, url, email)
        page.goto(url + path)
        page.wait_for_load_state("load")
        for link in page.locator("a[href^='javascript']").all():
            raise AssertionError(f"javascript: link kept on {path}: {link.get_attribute('href')}")
        assert page.evaluate("window.__xss === undefined"), f"script ran on {path}"
        assert (
            "onerror" in page.content() or "&lt;img" in page.content() or XSS not in page.content()
        )
        page.context.close()
    assert dialogs == []


def _put_xss_in_every_question(staff, db, quiz_slug: str) -> list[str]:
    """Edit each question of a quiz in the question editor: the script goes into the prompt,
    every option and the rationale. Returns the questions' keys."""
    from sqlalchemy import select

    from course_app.quizzes.models import Question, QuestionVersion, Quiz, is_current_version
    from tests.helpers import post

    versions = db.execute(
        select(Question.key, QuestionVersion)
        .join(QuestionVersion, is_current_version())
        .join(Quiz, Quiz.module_id == Question.module_id)
        .where(Quiz.slug == quiz_slug)
    ).all()
    for key, version in versions:
        form = {
            "prompt": version.prompt + XSS,
            "rationale": version.rationale + XSS,
            "source": version.source,
            "objective": version.objective,
            "must_pass": "y" if version.must_pass else "",
        }
        if version.type == "true-false":
            form["answer"] = "true" if version.options[0]["correct"] else "false"
        for index, option in enumerate(version.options if version.type != "true-false" else []):
            form[f"options-{index}-text"] = option["text"] + XSS
            form[f"options-{index}-correct"] = "y" if option["correct"] else ""
        url = f"/instructor/courses/dry-needling-level-1/questions/{key}/edit"
        response = post(staff, url, form)
        assert response.status_code == 302, response.get_data(as_text=True)
    return [key for key, _ in versions]


def _log_in_as(page, url: str, email: str) -> None:
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile("/dashboard$"))


def test_keyboard_alone_can_take_a_quiz(test_course_server, browser, tmp_path):
    """Open a quiz, start it, answer by keyboard (Space on an option), submit, see the result."""
    from course_app.db import EXTENSION_KEY
    from tests.helpers import login, make_user, post

    app, url = test_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="kay@example.org", full_name="Kay Board")
        client = app.test_client()
        login(client, "kay@example.org")
        post(client, "/courses/basics/enrol")
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("kay@example.org")
    page.get_by_label("Password").fill("a long enough passphrase")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/dashboard$"))
    page.goto(url + "/courses/basics")
    for name in ("Quiz: First module", "Start attempt 1"):
        _tab_to(page, name)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    _tab_to_element(page, "input[type=radio], input[type=checkbox]")
    page.keyboard.press("Space")
    chosen = page.evaluate("document.activeElement.labels[0].innerText")
    _tab_to(page, "Submit for grading")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your answers").wait_for()
    first = page.locator(".review").first
    assert chosen in first.inner_text() and "Your answer" in first.inner_text()


def _tab_to_element(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


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
    _log_in_as(page, url, "tess@example.org")
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
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide, "the page scrolls sideways"
    visit.check("lesson")
    visit.assert_clean()
