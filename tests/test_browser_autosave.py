"""The quiz page's autosave in real Chromium when saves fail: it retries with back-off, says
"Not saved yet — retrying" in its live region, keeps the unsaved answers in the browser until
the server confirms them, and a page opened again before that puts them back and saves them.
Failures are made with Playwright's request interception (a proxy's 502, a dead connection).
"""

import re

from sqlalchemy import select

from course_app.db import EXTENSION_KEY
from course_app.quizzes.models import AttemptItem
from tests.helpers import PASSWORD, make_user

SAVE = re.compile(r"/attempts/\d+/save$")


def _stored(app, attempt_id: int) -> dict[int, str | None]:
    with app.extensions[EXTENSION_KEY]() as db:
        items = db.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
        return {item.position: item.response for item in items}


def _start_first_quiz(page, url: str) -> int:
    page.goto(url + "/auth/login")
    page.get_by_label("E-mail address").fill("ada@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile("/dashboard$"))
    page.goto(url + "/courses/basics")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_text("You are enrolled").wait_for()
    page.goto(url + "/courses/basics/quizzes/first")
    page.get_by_role("button", name="Start attempt 1").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    page.wait_for_load_state("load")  # the deferred script listens from here on
    return int(page.url.rsplit("/", 1)[1])


def _unsaved(page, attempt_id: int):
    return page.evaluate(f"localStorage.getItem('course_app:unsaved:/attempts/{attempt_id}/save')")


def test_failed_saves_are_retried_and_unsaved_answers_survive_a_reload(
    test_course_server,
    browser,
):
    app, url = test_course_server
    with app.extensions[EXTENSION_KEY]() as db:
        make_user(db, email="ada@example.org")
    context = browser.new_context()
    page = context.new_page()
    attempt_id = _start_first_quiz(page, url)
    saves = []

    def two_502s_then_through(route):
        saves.append(route.request.post_data)
        if len(saves) <= 2:  # nginx's answer while no instance is up
            route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")
        else:
            route.continue_()

    page.route(SAVE, two_502s_then_through)
    first = page.get_by_role("group").nth(0).locator("input").first
    first.check()
    page.get_by_text("Not saved yet — retrying").wait_for()
    assert _unsaved(page, attempt_id) is not None  # kept until the server confirms
    assert _stored(app, attempt_id)[1] is None
    page.get_by_text("Answers saved at").wait_for()  # the third try went through
    assert len(saves) == 3
    assert _unsaved(page, attempt_id) is None  # confirmed: nothing left to keep
    assert _stored(app, attempt_id)[1] is not None
    page.unroute(SAVE)

    # The server is unreachable now; the learner answers question 2, then closes the page
    # before any save is confirmed, and opens the attempt again.
    context.route(SAVE, lambda route: route.abort("connectionrefused"))
    second = page.get_by_role("group").nth(1).locator("input").first
    second.check()
    page.get_by_text("Not saved yet — retrying").wait_for()
    attempt_url = page.url
    page.close()
    assert _stored(app, attempt_id)[2] is None

    page = context.new_page()
    page.goto(attempt_url)
    page.get_by_text("Not saved yet — retrying").wait_for()
    assert page.get_by_role("group").nth(1).locator("input").first.is_checked()  # put back
    assert page.get_by_role("group").nth(0).locator("input").first.is_checked()  # the server's
    context.unroute(SAVE)  # the server is back: the next retry goes through
    page.get_by_text("Answers saved at").wait_for()
    assert _stored(app, attempt_id)[2] is not None
    assert _unsaved(page, attempt_id) is None
    context.close()
