"""Quizzes in a real browser on the small test courses, at 1280 px and 360 px: fail, pass
after the cooldown, resume an attempt in a new browser, pass the final exam and see the next
course unlock; and the same by keyboard alone. See tests/browser_support.py for the checks
every visited page gets."""

import re
from datetime import timedelta

import pytest

from tests.browser_support import (
    VIEWPORTS,
    Visit,
    log_in_registered,
    register,
    tab_to,
    tab_to_element,
    without_heartbeats,
)
from tests.conftest import move_clock

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


def _submit_and_pass(page) -> None:
    page.get_by_role("button", name="Submit for grading").click()
    page.get_by_text("Passed", exact=True).wait_for()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_quiz_journey(test_course_server, browser, tmp_path, viewport):
    """Fail a quiz, pass it after the cooldown, resume an attempt in a new browser, pass the
    final exam, and see the next course unlock (desktop and 360×780 mobile)."""
    app, url = test_course_server
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit = Visit(page, f"quiz-{viewport}", tmp_path)
    page.goto(url + "/auth/register")
    register(page)
    _read_every_lesson(page, url, visit)
    _fail_then_pass_after_the_cooldown(page, app, visit)
    choice = _save_one_answer_and_leave(page, url)
    context.close()

    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True)
    page = context.new_page()
    visit.page = page
    log_in_registered(page, url)
    page.goto(url + "/courses/basics/quizzes/second")
    page.get_by_role("link", name="Continue attempt 1").click()
    assert page.get_by_role("group").first.get_by_label(choice, exact=True).is_checked()
    _answer_all(page, RIGHT)
    _submit_and_pass(page)
    _pass_the_final_and_unlock_the_next_course(page, url, visit)
    visit.assert_clean()


def _read_every_lesson(page, url: str, visit) -> None:
    """ "Next" leads through each module's lessons to its quiz."""
    without_heartbeats(page)
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


def _fail_then_pass_after_the_cooldown(page, app, visit) -> None:
    from sqlalchemy import update

    from course_app.db import EXTENSION_KEY, utcnow
    from course_app.quizzes.models import Attempt

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
    _submit_and_pass(page)
    visit.check("result-passed")


def _save_one_answer_and_leave(page, url: str) -> str:
    """Start the timed quiz and answer its first question; the page saves it. Returns the
    option chosen."""
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
    return choice


def _pass_the_final_and_unlock_the_next_course(page, url: str, visit) -> None:
    page.goto(url + "/courses/basics/quizzes/final-exam")
    page.get_by_role("button", name="Start attempt 1").click()
    _answer_all(page, RIGHT)
    _submit_and_pass(page)
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


def test_keyboard_alone_can_take_a_quiz(test_course_server, browser, tmp_path):
    """Open a quiz, start it, answer by keyboard (Space on an option), submit, see the result."""
    from course_app.db import EXTENSION_KEY
    from tests.helpers import PASSWORD, login, make_user, post

    app, url = test_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="kay@example.org", full_name="Kay Board")
        client = app.test_client()
        login(client, "kay@example.org")
        post(client, "/courses/basics/enrol")
    page = browser.new_context(bypass_csp=True).new_page()
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("kay@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("/dashboard$"))
    page.goto(url + "/courses/basics")
    for name in ("Quiz: First module", "Start attempt 1"):
        tab_to(page, name)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    tab_to_element(page, "input[type=radio], input[type=checkbox]")
    page.keyboard.press("Space")
    chosen = page.evaluate("document.activeElement.labels[0].innerText")
    tab_to(page, "Submit for grading")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your answers").wait_for()
    first = page.locator(".review").first
    assert chosen in first.inner_text() and "Your answer" in first.inner_text()
