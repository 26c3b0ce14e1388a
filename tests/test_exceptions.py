"""Per-learner exceptions through HTTP: staff grant extra attempts or lift a cooldown, with a
reason, audited; bad input changes nothing; a learner out of final-exam attempts is referred
to the instructors, who see them in the gradebook."""

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.modules.models import Course, Lesson
from course_app.quizzes.models import AttemptAllowance, Quiz
from tests.helpers import complete_course, post, read_and_complete, take_quiz, text_of
from tests.test_quizzes import move_back

FIRST = "/courses/basics/quizzes/first"
WS = "/instructor/courses/basics"


def quiz_id(db, slug: str) -> int:
    return db.scalar(select(Quiz.id).where(Quiz.slug == slug))


def grant(instructor, learner, db, **form):
    fields = {"quiz": str(quiz_id(db, "first")), "extra_attempts": "1", "reason": "Illness."}
    return post(instructor.browser, f"{WS}/learners/{learner.id}/allowance", fields | form)


def use_every_attempt(learner, db) -> None:
    for _ in range(3):
        attempt_id = take_quiz(learner.browser, db, "basics", "first", right=False)
        move_back(db, attempt_id, 60, "started_at", "finished_at")  # past the cooldown


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"extra_attempts": "-1"}, "Choose from 0 to 5."),
        ({"extra_attempts": "6"}, "Choose from 0 to 5."),
        ({"extra_attempts": "99999999999999999999"}, "Choose from 0 to 5."),
        ({"extra_attempts": "two"}, "Not a valid integer value."),
        ({"reason": "  "}, "This field is required."),
        ({"extra_attempts": "0"}, "Grant at least one extra attempt or lift the cooldown."),
        ({"quiz": "424242"}, "Not a valid choice."),
    ],
)
def test_a_bad_exception_is_refused_with_a_message_and_stores_nothing(
    db, learner, instructor, form, message
):
    response = grant(instructor, learner, db, **form)
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.scalar(select(func.count()).select_from(AttemptAllowance)) == 0


def test_extra_attempts_let_a_blocked_learner_try_again(db, learner, instructor):
    use_every_attempt(learner, db)
    assert "You have used all 3 attempts" in text_of(learner.browser.get(FIRST))
    assert grant(instructor, learner, db, reason="Power cut during attempt 3.").status_code == 302
    page = text_of(learner.browser.get(FIRST))
    assert "Start attempt 4" in page
    take_quiz(learner.browser, db, "basics", "first", right=False)
    assert "You have used all 4 attempts" in text_of(learner.browser.get(FIRST))
    staff_page = text_of(instructor.browser.get(f"{WS}/learners/{learner.id}"))
    assert "1 extra attempt" in staff_page and "Power cut during attempt 3." in staff_page
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "quiz.allowance_granted"))
    assert entry.reason == "Power cut during attempt 3." and entry.subject_id == learner.id


def test_lifting_the_cooldown_lets_the_learner_start_now(db, learner, instructor):
    take_quiz(learner.browser, db, "basics", "first", right=False)
    assert "after the cooldown" in text_of(learner.browser.get(FIRST))
    response = grant(instructor, learner, db, extra_attempts="0", lift_cooldown="y")
    assert response.status_code == 302
    assert "Start attempt 2" in text_of(learner.browser.get(FIRST))
    take_quiz(learner.browser, db, "basics", "first", right=False)  # a new failure
    assert "after the cooldown" in text_of(learner.browser.get(FIRST))  # waits again


def test_a_learner_out_of_final_attempts_is_referred_until_granted_one(db, learner, instructor):
    complete_course(learner.browser, db, "basics")  # passes the final: not referred
    assert "Referred to you" not in text_of(instructor.browser.get(f"{WS}/gradebook"))


def test_failing_every_final_attempt_refers_the_learner(db, learner, instructor):
    browser = learner.browser
    basics = select(Lesson.slug, Lesson.minutes).join(Course).where(Course.slug == "basics")
    for slug, minutes in db.execute(basics).all():
        read_and_complete(browser, "basics", slug, minutes)
    for slug in ("first", "second"):
        take_quiz(browser, db, "basics", slug)
    for _ in range(2):
        take_quiz(browser, db, "basics", "final-exam", right=False)
    page = text_of(browser.get("/courses/basics/quizzes/final-exam"))
    assert "You are referred to your instructor" in page
    gradebook = text_of(instructor.browser.get(f"{WS}/gradebook"))
    assert "Referred to you" in gradebook and "Ada Learner" in gradebook
    final = str(quiz_id(db, "final-exam"))
    assert (
        grant(instructor, learner, db, quiz=final, reason="Reviewed together.").status_code == 302
    )
    assert "Referred to you" not in text_of(instructor.browser.get(f"{WS}/gradebook"))
    assert "Start attempt 3" in text_of(browser.get("/courses/basics/quizzes/final-exam"))
