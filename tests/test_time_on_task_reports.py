"""What instructors see of time on task: the gradebook (page and CSV) and a learner's page."""

import csv
import io

from tests.helpers import login, make_user, post, read_and_complete, text_of

WS = "/instructor/courses/basics"


def test_gradebook_shows_time_on_task_beside_the_minutes_it_earned(
    still_clock, db, learner, instructor
):
    read_and_complete(learner.browser, "basics", "one", minutes=10)
    read_and_complete(learner.browser, "basics", "two", minutes=4)  # refused: 10 min needed
    page = text_of(instructor.browser.get(f"{WS}/gradebook"))
    assert "Time on task" in page and "<td>14 min</td>" in page
    rows = list(csv.reader(io.StringIO(text_of(instructor.browser.get(f"{WS}/gradebook.csv")))))
    header, row = rows[0], rows[1]
    assert row[header.index("CE minutes")] == "10"
    assert row[header.index("Time on task (minutes)")] == "14"


def test_gradebook_sorts_by_time_on_task(app, db, learner, instructor):
    other = make_user(db, email="zed@example.org", full_name="Zed Zero")
    browser = app.test_client()
    login(browser, other.email)
    post(browser, "/courses/basics/enrol")
    read_and_complete(browser, "basics", "one", minutes=3)
    read_and_complete(learner.browser, "basics", "one", minutes=10)
    page = text_of(instructor.browser.get(f"{WS}/gradebook?sort=time&order=desc"))
    assert page.index("Ada Learner") < page.index("Zed Zero")  # by name it would be the reverse


def test_learner_drill_down_shows_time_on_task_per_lesson(still_clock, db, learner, instructor):
    read_and_complete(learner.browser, "basics", "one", minutes=7)
    read_and_complete(learner.browser, "basics", "two", minutes=4)
    page = text_of(instructor.browser.get(f"{WS}/learners/{learner.id}"))
    assert "Time on task per lesson" in page
    one = page[page.index("Lesson one") :]
    assert "7 min" in one[: one.index("</tr>")] and "Completed" in one[: one.index("</tr>")]
    two = page[page.index("Lesson two") :]
    assert "4 min" in two[: two.index("</tr>")] and "10 min needed" in two[: two.index("</tr>")]
    three = page[page.index("Lesson three") :]
    assert "Not opened" in three[: three.index("</tr>")]
