"""Quizzes through HTTP: attempts from start to result, and every way to get them wrong."""

import shutil
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from course_app.db import get_engine, utcnow
from course_app.quizzes.models import Attempt, AttemptItem, Question, QuestionVersion
from course_app.quizzes.rules import GRACE
from tests.conftest import TEST_CONTENT
from tests.helpers import (
    answers_for,
    complete_course,
    csrf_token,
    login,
    make_user,
    post,
    served,
    served_for,
    start_quiz,
    take_quiz,
    text_of,
)

BASICS = "/courses/basics"
FIRST = f"{BASICS}/quizzes/first"
RIGHT_ANSWER = '<span class="tag tag-right">Right answer</span>'


@pytest.fixture
def learner(client, db, content):
    user = make_user(db)
    login(client, user.email)
    post(client, f"{BASICS}/enrol")
    return user


def attempt_row(db, attempt_id: int) -> Attempt:
    db.expire_all()
    return db.get(Attempt, attempt_id)


def responses(db, attempt_id: int) -> list[str | None]:
    """The stored answers in question order, as the page sent them (places, not keys)."""
    db.expire_all()
    query = select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
    return [
        ",".join(sorted(served(item.option_order, key) for key in item.response.split(",")))
        if item.response
        else None
        for item in db.scalars(query.order_by(AttemptItem.position))
    ]


def move_back(db, attempt_id: int, minutes: float, *fields: str) -> None:
    """Pretend an attempt happened earlier (instead of waiting in a test)."""
    attempt = db.get(Attempt, attempt_id)
    for name in fields:
        setattr(attempt, name, getattr(attempt, name) - timedelta(minutes=minutes))
    db.commit()


def test_fail_wait_out_the_cooldown_then_pass(client, db, learner):
    failed = take_quiz(client, db, "basics", "first", right=False)
    result = text_of(client.get(f"/attempts/{failed}"))
    assert "Not passed" in result and "score 0 %" in result
    refused = post(client, f"{FIRST}/start")
    assert refused.headers["Location"] == FIRST
    assert "after the cooldown" in text_of(client.get(FIRST))
    assert db.scalar(select(func.count()).select_from(Attempt)) == 1
    move_back(db, failed, 10, "started_at", "finished_at")
    passed = take_quiz(client, db, "basics", "first")
    assert "Passed" in text_of(client.get(f"/attempts/{passed}"))
    assert "You have passed this quiz." in text_of(client.get(FIRST))
    assert "Passed" in text_of(client.get(BASICS))


def test_attempts_beyond_the_limit_are_refused(client, db, learner):
    for _ in range(3):
        attempt_id = take_quiz(client, db, "basics", "first", right=False)
        move_back(db, attempt_id, 60, "started_at", "finished_at")
    post(client, f"{FIRST}/start")
    assert "You have used all 3 attempts" in text_of(client.get(FIRST))
    assert db.scalar(select(func.count()).select_from(Attempt)) == 3


def test_an_attempt_resumes_in_another_browser_with_its_answers(app, client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    answer = answers_for(db, attempt_id)["q1"]
    saved = post(client, f"/attempts/{attempt_id}/save", {"q1": answer})
    assert saved.headers["Location"] == f"/attempts/{attempt_id}"
    other_browser = app.test_client()
    login(other_browser, learner.email)
    assert "Continue attempt 1" in text_of(other_browser.get(FIRST))
    page = text_of(other_browser.get(f"/attempts/{attempt_id}"))
    assert f'id="q1-{answer[0]}" value="{answer[0]}" checked' in page
    assert start_quiz(other_browser, "basics", "first") == attempt_id  # no second attempt


def test_autosave_answers_json_for_the_page_script(client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    answer = answers_for(db, attempt_id)["q2"]
    response = client.post(
        f"/attempts/{attempt_id}/save",
        data={"q2": answer, "csrf_token": csrf_token(client)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json["saved"] is True and "Answers saved at" in response.json["message"]
    assert responses(db, attempt_id)[1] == ",".join(sorted(answer))


def test_a_repeated_submit_changes_nothing(client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    post(client, f"/attempts/{attempt_id}/submit", answers_for(db, attempt_id))
    first = attempt_row(db, attempt_id)
    score, finished = first.score, first.finished_at
    again = post(client, f"/attempts/{attempt_id}/submit", answers_for(db, attempt_id, right=False))
    assert again.headers["Location"] == f"/attempts/{attempt_id}"
    second = attempt_row(db, attempt_id)
    assert (second.score, second.finished_at) == (score, finished) and score == 1.0


def test_two_concurrent_submits_grade_the_attempt_once(app, client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    right, wrong = answers_for(db, attempt_id), answers_for(db, attempt_id, right=False)
    browsers = [app.test_client(), app.test_client()]
    forms = []
    for browser, answers in zip(browsers, (right, wrong), strict=True):
        login(browser, learner.email)
        forms.append({**answers, "csrf_token": csrf_token(browser)})
    statuses: list[int] = []
    # Both requests must have loaded the attempt as open before either claims it: hold each
    # at its claiming UPDATE until the other has got there too.
    both_loaded = threading.Barrier(2, timeout=10)

    def hold_claims(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE attempts SET status"):
            both_loaded.wait()

    def submit(browser, form):
        statuses.append(browser.post(f"/attempts/{attempt_id}/submit", data=form).status_code)

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(browsers, forms, strict=True)
    ]
    event.listen(get_engine(app), "before_cursor_execute", hold_claims)
    try:
        # Both try the claim (which records the result); only the one that got it writes marks.
        gradings = count_statements(app, lambda: _run(threads), "UPDATE attempt_items SET")
    finally:
        event.remove(get_engine(app), "before_cursor_execute", hold_claims)
    assert statuses == [302, 302]
    assert gradings == 1  # graded by exactly one of the two requests
    attempt = attempt_row(db, attempt_id)
    saved = responses(db, attempt_id)
    # One submit won entirely: its answers and its score, never a mix of both.
    winner = right if attempt.score == 1.0 else wrong
    assert attempt.score in (0.0, 1.0)
    assert saved == [",".join(sorted(winner[f"q{n}"])) for n in range(1, len(saved) + 1)]
    assert db.scalar(select(func.count()).select_from(Attempt)) == 1


def test_past_the_deadline_and_grace_the_attempt_is_graded_with_saved_answers(client, db, learner):
    attempt_id = start_quiz(client, "basics", "second")  # a 10-minute limit
    right = answers_for(db, attempt_id)
    post(client, f"/attempts/{attempt_id}/save", {"q1": right["q1"]})
    move_back(db, attempt_id, 10 + GRACE.total_seconds() / 60 + 0.1, "started_at", "deadline")
    late = post(client, f"/attempts/{attempt_id}/submit", right)
    assert late.status_code == 302
    attempt = attempt_row(db, attempt_id)
    assert attempt.status == "timed-out"
    assert attempt.score == pytest.approx(1 / 3)  # only the answer saved in time counts
    assert "The time limit ran out" in text_of(client.get(f"/attempts/{attempt_id}"))


def test_a_submit_within_the_grace_period_counts(client, db, learner):
    attempt_id = start_quiz(client, "basics", "second")
    move_back(db, attempt_id, 10.2, "started_at", "deadline")  # 12 s late: inside the grace
    post(client, f"/attempts/{attempt_id}/submit", answers_for(db, attempt_id))
    attempt = attempt_row(db, attempt_id)
    assert (attempt.status, attempt.score) == ("submitted", 1.0)


def test_saving_after_the_time_is_up_is_refused_and_grades_the_attempt(client, db, learner):
    attempt_id = start_quiz(client, "basics", "second")
    move_back(db, attempt_id, 11, "started_at", "deadline")
    response = post(client, f"/attempts/{attempt_id}/save", answers_for(db, attempt_id))
    assert response.status_code == 303
    assert "Time is up" in text_of(client.get(FIRST))
    assert attempt_row(db, attempt_id).status == "timed-out"
    assert responses(db, attempt_id) == [None, None, None]


def test_extra_time_set_by_staff_lengthens_the_time_limit(app, client, db, learner):
    make_user(db, email="instructor@example.org", role="instructor")
    staff = app.test_client()
    login(staff, "instructor@example.org")
    form = {"email": learner.email, "multiplier": "1.5", "note": "Documented need"}
    assert post(staff, "/staff/accommodations", form).status_code == 302
    assert "×1.5" in text_of(staff.get("/staff/accommodations"))
    attempt = attempt_row(db, start_quiz(client, "basics", "second"))
    assert attempt.deadline - attempt.started_at == timedelta(minutes=15)
    assert "includes your extra time ×1.5" in text_of(client.get(f"/attempts/{attempt.id}"))


def test_extra_time_is_opened_from_the_learners_page_with_the_address_filled_in(
    app, db, learner, instructor
):
    """Staff reach the extra-time form from a learner's gradebook page with the learner's
    address in it, so nobody types it; only for a learner of a course they teach."""
    import re

    page = text_of(instructor.browser.get(f"/instructor/courses/basics/learners/{learner.id}"))
    link = re.search(r'href="(/staff/accommodations\?learner=\d+)"', page).group(1)
    filled = text_of(instructor.browser.get(link))
    assert f'value="{learner.email}"' in filled
    stranger = make_user(db, email="other@example.org", full_name="Not Enrolled")
    unseen = text_of(instructor.browser.get(f"/staff/accommodations?learner={stranger.id}"))
    assert "other@example.org" not in unseen  # not a learner of Tess's course
    nonsense = instructor.browser.get("/staff/accommodations?learner=99999999999999")
    assert nonsense.status_code == 200


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"email": "nobody@example.org", "multiplier": "1.5"}, "No learner has this e-mail"),
        ({"email": "learner@example.org", "multiplier": "5"}, "between 1 and 4"),
        ({"email": "learner@example.org", "multiplier": "lots"}, "Not a valid decimal"),
    ],
)
def test_extra_time_form_refuses_bad_input(app, db, learner, form, message):
    make_user(db, email="admin@example.org", role="admin")
    staff = app.test_client()
    login(staff, "admin@example.org")
    response = post(staff, "/staff/accommodations", form)
    assert response.status_code == 400
    assert message in text_of(response)


def test_editing_the_quiz_never_changes_a_past_result(app, client, db, learner, tmp_path):
    attempt_id = take_quiz(client, db, "basics", "first", right=False)
    before = attempt_row(db, attempt_id)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    quiz_file = tree / "basics/quizzes/first.toml"
    text = quiz_file.read_text().replace("pass_mark = 60", "pass_mark = 90")
    text = text.replace("Which colour is the sky on a clear day?", "What colour is the sky?")
    quiz_file.write_text(
        text.replace('{ text = "Blue", correct = true }', '{ text = "Blue" }', 1).replace(
            '{ text = "Green" }', '{ text = "Green", correct = true }', 1
        )
    )
    result = app.test_cli_runner().invoke(args=["load-content", "--dir", str(tree)])
    assert "updated  question basics/q-single" in result.output
    after = attempt_row(db, attempt_id)
    assert (after.score, after.passed, after.settings["pass_mark"]) == (
        before.score,
        before.passed,
        60,
    )
    page = text_of(client.get(f"/attempts/{attempt_id}"))
    assert "Which colour is the sky on a clear day?" in page and "pass mark 60 %" in page
    version = db.scalar(select(Question.version).where(Question.key == "q-single"))
    assert version == 2


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q1": "zz"}, "An answer to question 1 is not one of its options."),
        ({"q99": "a"}, "Question 99 is not part of this attempt."),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(client, db, learner, answers, message):
    attempt_id = start_quiz(client, "basics", "first")
    for action in ("save", "submit"):
        response = post(client, f"/attempts/{attempt_id}/{action}", answers)
        assert response.status_code == 303
        assert message in text_of(client.get(f"/attempts/{attempt_id}"))
    attempt = attempt_row(db, attempt_id)
    assert attempt.status == "in-progress" and attempt.last_saved_at is None
    assert set(responses(db, attempt_id)) == {None}


def test_an_answer_from_another_question_is_refused(client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    items = {
        i.position: i.option_order
        for i in db.scalars(select(AttemptItem).where(AttemptItem.attempt_id == attempt_id))
    }
    true_false = next(p for p, keys in items.items() if keys == ["true", "false"])
    lettered = next(p for p, keys in items.items() if "a" in keys)
    # A place that exists on a four-option question, sent for the two-option one.
    response = post(
        client, f"/attempts/{attempt_id}/save", {f"q{true_false}": "4", f"q{lettered}": "1"}
    )
    assert response.status_code == 303
    assert set(responses(db, attempt_id)) == {None}


def test_two_answers_to_a_one_answer_question_are_refused(client, db, learner):
    attempt_id = start_quiz(client, "basics", "second")
    post(client, f"/attempts/{attempt_id}/save", {"q1": ["1", "2"]})
    assert "Question 1 takes one answer only." in text_of(client.get(f"/attempts/{attempt_id}"))


def test_another_learners_attempt_is_404_and_untouched(app, client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    make_user(db, email="other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    for action in ("save", "submit"):
        assert (
            post(other, f"/attempts/{attempt_id}/{action}", answers_for(db, attempt_id)).status_code
            == 404
        )
    assert attempt_row(db, attempt_id).status == "in-progress"
    assert set(responses(db, attempt_id)) == {None}


def test_saving_a_submitted_attempt_is_refused(client, db, learner):
    attempt_id = take_quiz(client, db, "basics", "first")
    response = post(
        client, f"/attempts/{attempt_id}/save", answers_for(db, attempt_id, right=False)
    )
    assert response.status_code == 303
    assert "already submitted" in text_of(client.get(f"/attempts/{attempt_id}"))
    assert attempt_row(db, attempt_id).score == 1.0


def test_a_failed_must_pass_item_fails_a_high_score(client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    answers = answers_for(db, attempt_id)
    safety = db.scalar(
        select(AttemptItem.position)
        .join(QuestionVersion)
        .where(AttemptItem.attempt_id == attempt_id, QuestionVersion.must_pass)
    )
    answers[f"q{safety}"] = [served_for(db, attempt_id, safety, "false")]
    post(client, f"/attempts/{attempt_id}/submit", answers)
    attempt = attempt_row(db, attempt_id)
    assert attempt.score == pytest.approx(0.8) and not attempt.passed
    assert attempt.failed_must_pass == ["q-safety"]
    page = text_of(client.get(f"/attempts/{attempt_id}"))
    assert "the attempt cannot pass whatever the score" in page
    assert "Hands are washed before every treatment." in page


def test_feedback_after_passing_only(client, db, learner):
    failed = take_quiz(client, db, "basics", "second", right=False)
    page = text_of(client.get(f"/attempts/{failed}"))
    assert RIGHT_ANSWER not in page and "shown once you have passed" in page
    take_quiz(client, db, "basics", "second")
    assert RIGHT_ANSWER in text_of(client.get(f"/attempts/{failed}"))


def test_immediate_feedback_shows_answers_rationale_and_source(client, db, learner):
    attempt_id = take_quiz(client, db, "basics", "first", right=False)
    page = text_of(client.get(f"/attempts/{attempt_id}"))
    assert RIGHT_ANSWER in page and "Rayleigh scattering." in page
    assert "Author A. A paper. Journal. 2020." in page
    assert "Case: A runner with calf pain" in page


def test_the_final_exam_opens_after_every_module_and_never_shows_answers(client, db, learner):
    post(client, f"{BASICS}/quizzes/final-exam/start")
    assert "Complete every module" in text_of(client.get(f"{BASICS}/quizzes/final-exam"))
    complete_course(client, db, "basics")
    final = db.scalar(select(Attempt).join(Attempt.quiz).where(Attempt.quiz.has(slug="final-exam")))
    assert final.passed
    page = text_of(client.get(f"/attempts/{final.id}"))
    assert RIGHT_ANSWER not in page and "never its questions or answers" in page
    assert "Hands are cleaned again" not in page  # not even the questions
    assert "Your score per learning objective" in page and "Recall the facts" in page
    assert len(responses(db, final.id)) == 3  # two from the first module, one from the second
    keys = db.scalars(
        select(Question.key)
        .join(QuestionVersion, QuestionVersion.question_id == Question.id)
        .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
        .where(AttemptItem.attempt_id == final.id)
    ).all()
    assert all(key.startswith("f-") for key in keys)  # its own questions, never a module's
    assert "f-first-hygiene" in keys  # the must-pass topic of the first module, every time


def test_expired_form_keeps_the_answers_for_the_learner_to_send_again(client, db, learner):
    attempt_id = start_quiz(client, "basics", "first")
    answer = answers_for(db, attempt_id)["q1"][0]
    expired = client.post(
        f"/attempts/{attempt_id}/submit", data={"q1": answer, "csrf_token": "old"}
    )
    assert expired.headers["Location"] == f"/attempts/{attempt_id}"
    page = text_of(client.get(f"/attempts/{attempt_id}"))
    assert "Your answers were not saved: the page had expired." in page
    assert f'value="{answer}" checked' in page
    assert attempt_row(db, attempt_id).status == "in-progress"  # nothing written by itself
    assert set(responses(db, attempt_id)) == {None}


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def count_statements(app, send, starting: str = "") -> int:
    """How many SQL statements (starting with the given text) the call runs."""
    statements: list[str] = []
    engine = get_engine(app)

    def record(*args):
        if args[2].startswith(starting):
            statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_submit_runs_the_same_number_of_queries_whatever_the_quiz_size(app, client, db, learner):
    counts = {}
    for quiz, size in (("first", 5), ("second", 3)):
        attempt_id = start_quiz(client, "basics", quiz)
        data = {**answers_for(db, attempt_id), "csrf_token": csrf_token(client)}
        assert len(responses(db, attempt_id)) == size
        counts[quiz] = count_statements(
            app, lambda a=attempt_id, d=data: client.post(f"/attempts/{a}/submit", data=d)
        )
        assert attempt_row(db, attempt_id).score == 1.0
    # The user, the attempt, its items with their answer keys, the claim with the result, one
    # executemany for the marks, the quiz with its course, the learner's xAPI actor name and
    # one INSERT of every xAPI statement (one per question, one for the attempt); then, after
    # a pass, the quiz's course, whether it auto-issues and the learner's stored standing.
    assert counts == {"first": 16, "second": 16}


def test_save_runs_the_same_number_of_queries_whatever_the_quiz_size(app, client, db, learner):
    counts = []
    for quiz in ("first", "second"):
        attempt_id = start_quiz(client, "basics", quiz)
        data = {**answers_for(db, attempt_id), "csrf_token": csrf_token(client)}
        counts.append(
            count_statements(
                app, lambda a=attempt_id, d=data: client.post(f"/attempts/{a}/save", data=d)
            )
        )
    # The user, the attempt with its slots, the claim UPDATE, one executemany for the answers.
    assert counts == [4, 4]


def test_close_expired_attempts_command(app, client, db, learner):
    attempt_id = start_quiz(client, "basics", "second")
    move_back(db, attempt_id, 11, "started_at", "deadline")
    result = app.test_cli_runner().invoke(args=["close-expired-attempts"])
    assert "Graded 1 attempt whose time ran out." in result.output
    assert attempt_row(db, attempt_id).status == "timed-out"
    assert utcnow() - attempt_row(db, attempt_id).finished_at < timedelta(minutes=1)
