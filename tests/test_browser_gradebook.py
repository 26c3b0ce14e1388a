"""The gradebook at its largest, in a real browser at 1280 px and 360 px: a course with 13
quizzes (12 module quizzes and the final exam) and 500 learners. The page does not scroll
sideways, the learner column stays in view when the table is scrolled to its last column,
and each quiz header is a short label whose full title screen readers get. Every page is
checked as tests/browser_support.py describes."""

import pytest
from sqlalchemy import func, select

from course_app.auth.models import Role, User
from course_app.db import EXTENSION_KEY
from course_app.instructor.models import CourseStaff
from course_app.modules.models import Course, CourseModule, Enrollment
from course_app.quizzes.models import Quiz
from tests.browser_support import VIEWPORTS, Visit, log_in_as
from tests.helpers import login, make_user, take_quiz

LEVEL_1 = "dry-needling-level-1"
EXTRA_MODULES = 5  # Level 1 ships 7 module quizzes and a final exam: 13 quizzes in all
#: For the first learner cell: what is wrong with it, if anything, once the table is
#: scrolled: not at the scroller's left edge, or another cell on top at its edges.
PINNED = """selector => {
  const cell = document.querySelector(selector);
  const box = cell.getBoundingClientRect();
  const edge = cell.closest('.table-scroll').getBoundingClientRect().left;
  const wrong = [];
  if (Math.abs(box.left - edge) > 1) wrong.push(`left at ${box.left}, scroller at ${edge}`);
  for (const x of [box.left + 0.5, box.right - 0.5]) {
    const top = document.elementFromPoint(x, box.top + box.height / 2);
    if (!cell.contains(top)) wrong.push(`${top && top.tagName} on top at x=${x}`);
  }
  return wrong;
}"""
LONG_TITLE = "Supplementary module {n}: regional anatomy, safe depths and red flags quiz"


def _five_hundred_learners(app) -> None:
    """500 learners enrolled in Level 1 (one who took every shipped module quiz, so those
    columns have a score), five more modules each with its quiz, and the instructor."""
    with app.extensions[EXTENSION_KEY]() as db:
        teacher = make_user(db, email="tess@example.org", role=Role.INSTRUCTOR, full_name="Tess")
        course = db.scalar(select(Course).where(Course.slug == LEVEL_1))
        db.add(CourseStaff(course_id=course.id, user_id=teacher.id))
        keen = make_user(db, email="aaron@example.org", full_name="Aaron Allquizzes")
        db.add(Enrollment(user_id=keen.id, course_id=course.id))
        db.add_all(_learner(teacher.password_hash, number) for number in range(2, 501))
        db.flush()
        others = select(User.id).where(User.email.like("learner%@example.org"))
        db.add_all(Enrollment(user_id=uid, course_id=course.id) for uid in db.scalars(others))
        db.commit()
        client = app.test_client()
        login(client, keen.email)
        module_quizzes = select(Quiz.slug).where(
            Quiz.course_id == course.id, Quiz.module_id.is_not(None)
        )
        for slug in db.scalars(module_quizzes):  # the final exam opens only after them all
            take_quiz(client, db, LEVEL_1, slug, right=False)
        _more_modules(db, course.id)
        db.commit()
        assert db.scalar(select(func.count(Quiz.id)).where(Quiz.course_id == course.id)) == 13


def _learner(password_hash: str, number: int) -> User:
    return User(
        email=f"learner{number}@example.org",
        full_name=f"Learner {number} Longsurname-Doublebarrelled",
        role=Role.LEARNER,
        password_hash=password_hash,
        registration_number=f"PT{number:05}",
        jurisdiction="ON",
        regulator="College",
        register_class="full",
    )


def _more_modules(db, course_id: int) -> None:
    """Five modules after the shipped ones, each with a quiz (settings as the first one's)."""
    model = db.scalar(select(Quiz).where(Quiz.course_id == course_id).order_by(Quiz.id))
    last = db.scalar(
        select(func.max(CourseModule.position)).where(CourseModule.course_id == course_id)
    )
    for n in range(1, EXTRA_MODULES + 1):
        module = CourseModule(
            course_id=course_id, slug=f"extra-{n}", title=f"Extra {n}", position=last + n
        )
        db.add(module)
        db.flush()
        db.add(
            Quiz(
                course_id=course_id,
                module_id=module.id,
                slug=f"extra-quiz-{n}",
                title=LONG_TITLE.format(n=n),
                pass_mark=model.pass_mark,
                feedback=model.feedback,
                scoring=model.scoring,
            )
        )


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_gradebook_of_13_quizzes_and_500_learners_fits_the_page(
    real_course_server, browser, tmp_path, viewport
):
    app, url = real_course_server
    _five_hundred_learners(app)
    width = VIEWPORTS[viewport]["width"]
    page = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True).new_page()
    visit = Visit(page, f"gradebook-13x500-{viewport}", tmp_path)
    log_in_as(page, url, "tess@example.org")
    page.goto(url + f"/instructor/courses/{LEVEL_1}/gradebook")
    learner = page.get_by_role("link", name="Aaron Allquizzes")
    learner.wait_for()
    page.get_by_text("of 500").first.wait_for()
    visit.check("gradebook")  # the width check included
    headers = page.locator(".gradebook thead th")
    assert headers.count() == 4 + 13 + 2
    # Short labels on screen, the full title for screen readers (the accessible name).
    extra = page.get_by_role("columnheader", name=LONG_TITLE.format(n=5))
    assert extra.inner_text().strip().startswith("Q12")
    assert extra.locator("abbr").inner_text() == "Q12"
    assert page.locator(".gradebook thead abbr").last.inner_text() == "Final"
    # Scrolled to its last column, the table keeps the learner column in view.
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("element => element.scrollWidth > element.clientWidth")
    scroller.evaluate("element => { element.scrollLeft = element.scrollWidth; }")
    page.get_by_role("columnheader", name="Status").scroll_into_view_if_needed()
    box = learner.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    # Pinned to the scroller's left edge, and nothing scrolled shows through its edges.
    assert page.evaluate(PINNED, ".gradebook tbody tr:first-child > th") == []
    status = page.get_by_role("columnheader", name="Status").bounding_box()
    assert status and status["x"] + status["width"] <= width + 1  # really scrolled to the end
    visit.check("scrolled-to-the-last-column")
    visit.assert_clean()
