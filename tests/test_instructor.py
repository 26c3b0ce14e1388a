"""The instructor workspace through HTTP: staff, gradebook, analysis, regrading, authoring."""

import csv
import io

import pytest
from sqlalchemy import event, func, select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role, User
from course_app.db import get_engine, utcnow
from course_app.modules.models import Course, Lesson, LessonRevision
from course_app.quizzes.models import Attempt, AttemptItem, Question, QuestionVersion
from course_app.standing_store import refresh_standing
from tests.helpers import (
    answers_for,
    complete_course,
    login,
    make_user,
    post,
    read_and_complete,
    served_for,
    start_quiz,
    take_quiz,
    text_of,
)

WS = "/instructor/courses/basics"


def test_admin_assigns_an_instructor_who_then_sees_only_that_course(app, db, content):
    make_user(db, email="admin@example.org", role=Role.ADMIN)
    make_user(db, email="new@example.org", role=Role.INSTRUCTOR, full_name="Nia New")
    admin = app.test_client()
    login(admin, "admin@example.org")
    assert (
        post(
            admin, "/admin/courses/advanced/staff", {"advanced-email": "new@example.org"}
        ).status_code
        == 302
    )
    assert "Nia New" in text_of(admin.get("/admin/courses"))
    refused = post(
        admin, "/admin/courses/advanced/staff", {"advanced-email": "learner@nowhere.org"}
    )
    assert refused.status_code == 303
    teacher = app.test_client()
    login(teacher, "new@example.org")
    home = text_of(teacher.get("/instructor/"))
    assert "Advanced" in home and "Basics" not in home
    assert teacher.get(f"{WS}/gradebook").status_code == 403
    assert teacher.get("/instructor/courses/advanced/gradebook").status_code == 200


def test_the_course_page_suggests_instructors_only(app, db, content):
    """Admins pick an instructor by name: the e-mail fields suggest every active instructor
    (by name), never a learner or an administrator."""
    import re

    make_user(db, email="admin@example.org", role=Role.ADMIN)
    make_user(db, email="zed@example.org", role=Role.INSTRUCTOR, full_name="Zed Last")
    make_user(db, email="nia@example.org", role=Role.INSTRUCTOR, full_name="Nia New")
    make_user(db, email="lea@example.org", full_name="Lea Learner")
    admin = app.test_client()
    login(admin, "admin@example.org")
    page = text_of(admin.get("/admin/courses"))
    datalist = re.search(r'<datalist id="instructors">(.*?)</datalist>', page).group(1)
    assert re.findall(r'label="([^"]*)"', datalist) == ["Nia New", "Zed Last"]
    assert page.count('list="instructors"') == 2  # one field per course


def test_gradebook_shows_scores_attempts_completion_and_minutes(db, learner, instructor):
    take_quiz(learner.browser, db, "basics", "first", right=False)
    read_and_complete(learner.browser, "basics", "one", minutes=10)
    page = text_of(instructor.browser.get(f"{WS}/gradebook"))
    assert "Ada Learner" in page
    assert "0 % (1)" in page  # best score and attempts on the first quiz
    rows = list(csv.reader(io.StringIO(text_of(instructor.browser.get(f"{WS}/gradebook.csv")))))
    header, row = rows[0], rows[1]
    assert row[header.index("Name")] == "Ada Learner"
    assert row[header.index("CE minutes")] == "10"
    assert row[header.index("Quiz: First module: attempts")] == "1"
    assert row[header.index("Status")] == "in-progress"


def test_gradebook_filters_by_status_and_sorts(app, db, learner, instructor):
    other = make_user(db, email="zed@example.org", full_name="Zed Zero")
    browser = app.test_client()
    login(browser, other.email)
    post(browser, "/courses/basics/enrol")
    take_quiz(learner.browser, db, "basics", "first")
    page = text_of(instructor.browser.get(f"{WS}/gradebook?status=not-started"))
    assert "Zed Zero" in page and "Ada Learner" not in page
    page = text_of(instructor.browser.get(f"{WS}/gradebook?sort=first&order=desc"))
    assert page.index("Ada Learner") < page.index("Zed Zero")
    page = text_of(instructor.browser.get(f"{WS}/gradebook?sort=name&order=desc"))
    assert page.index("Zed Zero") < page.index("Ada Learner")


def test_gradebook_searches_names_and_filters_by_eligibility(app, db, learner, instructor):
    """The same filters the API offers (tests/test_api_grades.py), on the page and its CSV."""
    other = make_user(db, email="zed@example.org", full_name="Zed Zero")
    browser = app.test_client()
    login(browser, other.email)
    complete_course(browser, db, "basics")
    db.get(User, other.id).licence_verified_at = utcnow()
    # What the administrator's verification page does besides: the stored standing follows.
    course = db.scalar(select(Course.id).where(Course.slug == "basics"))
    with app.app_context():
        refresh_standing(db, other.id, course)
    db.commit()
    page = text_of(instructor.browser.get(f"{WS}/gradebook?q=zed"))
    assert "Zed Zero" in page and "Ada Learner" not in page
    assert 'value="zed"' in page
    page = text_of(instructor.browser.get(f"{WS}/gradebook?eligible=yes"))
    assert "Zed Zero" in page and "Ada Learner" not in page
    page = text_of(instructor.browser.get(f"{WS}/gradebook?eligible=no"))
    assert "Ada Learner" in page and "Zed Zero" not in page
    listed = text_of(instructor.browser.get(f"{WS}/gradebook.csv?eligible=no"))
    assert "Ada Learner" in listed and "Zed Zero" not in listed


def count_queries(app, client, path: str) -> int:
    statements: list[str] = []

    def record(*args):
        statements.append(args[2])

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)
    return len(statements)


@pytest.mark.parametrize(
    "path", [f"{WS}/gradebook", f"{WS}/gradebook.csv", f"{WS}/quizzes/first/analysis"]
)
def test_gradebook_and_analysis_queries_do_not_grow_with_learners(
    app, db, learner, instructor, path
):
    take_quiz(learner.browser, db, "basics", "first", right=False)
    before = count_queries(app, instructor.browser, path)
    for number in range(4):
        user = make_user(db, email=f"more{number}@example.org")
        browser = app.test_client()
        login(browser, user.email)
        post(browser, "/courses/basics/enrol")
        take_quiz(browser, db, "basics", "first", right=bool(number % 2))
        read_and_complete(browser, "basics", "two", minutes=20)
    assert count_queries(app, instructor.browser, path) == before


def test_learner_drill_down_shows_every_attempt_and_answer(db, learner, instructor):
    attempt_id = take_quiz(learner.browser, db, "basics", "first", right=False)
    page = text_of(instructor.browser.get(f"{WS}/learners/{learner.id}"))
    assert "Attempt 1" in page and "Quiz: First module" in page
    review = text_of(instructor.browser.get(f"/instructor/attempts/{attempt_id}"))
    assert "Which colour is the sky on a clear day?" in review and "Right answer" in review


def test_item_analysis_has_charts_with_text_alternatives_and_tables(db, learner, instructor):
    take_quiz(learner.browser, db, "basics", "first", right=False)
    page = text_of(instructor.browser.get(f"{WS}/quizzes/first/analysis"))
    assert page.count('role="img"') == 2
    assert '<title id="hist-title">' in page and '<desc id="scatter-desc">' in page
    assert "Attempts per score band" in page and "q-single" in page
    assert "fewer than 20 graded attempts" in page


def version_of(db, key: str) -> QuestionVersion:
    db.expire_all()
    question = db.scalar(select(Question).where(Question.key == key))
    return db.scalar(
        select(QuestionVersion).where(
            QuestionVersion.question_id == question.id, QuestionVersion.number == question.version
        )
    )


def test_regrade_preview_changes_nothing_and_apply_changes_results_once(db, learner, instructor):
    attempt_id = start_quiz(learner.browser, "basics", "first")
    answers = answers_for(db, attempt_id)
    version = version_of(db, "q-single")
    position = db.scalar(
        select(AttemptItem.position).where(
            AttemptItem.attempt_id == attempt_id, AttemptItem.question_version_id == version.id
        )
    )
    wrong = next(o["key"] for o in version.options if not o["correct"])
    answers[f"q{position}"] = [served_for(db, attempt_id, position, wrong)]
    post(learner.browser, f"/attempts/{attempt_id}/submit", answers)
    assert db.get(Attempt, attempt_id).score == pytest.approx(0.8)
    url = f"{WS}/questions/q-single/regrade"
    preview = text_of(instructor.browser.get(f"{url}?correct={wrong}"))
    assert "1 would change" in preview and "80 %" in preview and "100 %" in preview
    db.expire_all()
    assert db.get(Attempt, attempt_id).score == pytest.approx(0.8)  # a preview changes nothing
    response = post(
        instructor.browser,
        url,
        {"version": "1", "correct": wrong, "reason": "Green was the intended key."},
    )
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Attempt, attempt_id).score == pytest.approx(1.0)
    result = text_of(learner.browser.get(f"/attempts/{attempt_id}"))
    assert "This attempt was regraded" in result and "Green was the intended key." in result
    actions = set(db.scalars(select(AuditEntry.action)))
    assert {"question.key_fixed", "attempt.regraded"} <= actions


def test_regrade_refuses_a_key_that_changes_nothing_or_has_no_reason(db, learner, instructor):
    take_quiz(learner.browser, db, "basics", "first")
    version = version_of(db, "q-single")
    right = next(o["key"] for o in version.options if o["correct"])
    wrong = next(o["key"] for o in version.options if not o["correct"])
    url = f"{WS}/questions/q-single/regrade"
    assert instructor.browser.get(f"{url}?correct={right}").status_code == 400
    assert instructor.browser.get(f"{url}?correct={right}&correct={wrong}").status_code == 400
    assert (
        post(instructor.browser, url, {"version": "1", "correct": wrong, "reason": " "}).status_code
        == 303
    )
    assert version_of(db, "q-single").correct_keys == frozenset(right)


def test_editing_a_question_makes_a_new_version_and_past_attempts_keep_theirs(
    db, learner, instructor
):
    attempt_id = take_quiz(learner.browser, db, "basics", "second")
    url = f"{WS}/questions/x-1/edit"
    page = text_of(instructor.browser.get(url))
    assert "x one is true." in page
    form = {
        "prompt": "x one is definitely true.",
        "answer": "true",
        "rationale": "It is, really.",
        "source": "S1",
        "objective": "x",
    }
    assert post(instructor.browser, url, form).status_code == 302
    assert version_of(db, "x-1").number == 2
    shown = db.scalars(
        select(QuestionVersion.number)
        .join(AttemptItem, AttemptItem.question_version_id == QuestionVersion.id)
        .where(AttemptItem.attempt_id == attempt_id)
    ).all()
    assert shown and set(shown) == {1}  # the past attempt still points at the first versions
    assert "x one is definitely true." not in text_of(
        learner.browser.get(f"/attempts/{attempt_id}")
    )
    again = post(instructor.browser, url, form)
    assert again.status_code == 400 and "Nothing changed" in text_of(again)


def test_question_edit_refuses_a_single_answer_question_with_two_keys(db, instructor):
    form = {"prompt": "Sky?", "rationale": "Because.", "source": "S1", "objective": "recall"}
    for index, text in enumerate(["Blue", "Green", "Red", "Yellow"]):
        form[f"options-{index}-text"] = text
        form[f"options-{index}-correct"] = "y" if index < 2 else ""
    response = post(instructor.browser, f"{WS}/questions/q-single/edit", form)
    assert response.status_code == 400
    assert "exactly one option" in text_of(response)
    assert version_of(db, "q-single").number == 1


def test_quiz_settings_are_validated_and_saved_for_new_attempts_only(db, learner, instructor):
    attempt_id = start_quiz(learner.browser, "basics", "second")
    url = f"{WS}/quizzes/second/settings"
    form = {
        "pass_mark": "70",
        "max_attempts": "2",
        "cooldown_minutes": "5",
        "time_limit_minutes": "0",
        "feedback": "never",
        "scoring": "partial",
        "shuffle_questions": "y",
        "draw_0": "9",
        "draw_1": "1",
    }
    refused = post(instructor.browser, url, form)
    assert refused.status_code == 400 and "Only 3 question(s) are available" in text_of(refused)
    assert post(instructor.browser, url, {**form, "draw_0": "1"}).status_code == 302
    db.expire_all()
    quiz = db.get(Attempt, attempt_id).quiz
    assert (quiz.pass_mark, quiz.max_attempts, quiz.edited_in_browser) == (70, 2, True)
    assert db.get(Attempt, attempt_id).settings["pass_mark"] == 50  # the snapshot stays


def test_lesson_draft_publish_history_diff_and_restore(db, learner, instructor):
    url = f"{WS}/lessons/one/edit"
    original = db.scalar(select(Lesson.body_markdown).where(Lesson.slug == "one"))
    post(
        instructor.browser,
        url,
        {"title": "Lesson one", "body": "## Draft\n\nNot yet.", "action": "draft"},
    )
    assert "Not yet." not in text_of(learner.browser.get("/courses/basics/lessons/one"))
    post(
        instructor.browser,
        url,
        {"title": "Lesson one, revised", "body": "## New\n\nFresh text.", "action": "publish"},
    )
    assert "Fresh text." in text_of(learner.browser.get("/courses/basics/lessons/one"))
    history = text_of(instructor.browser.get(f"{WS}/lessons/one/history"))
    assert "Revision 2" in history and "Revision 1" in history
    diff = text_of(instructor.browser.get(f"{WS}/lessons/one/history/1"))
    assert "<ins>+ Fresh text.</ins>" in diff
    post(instructor.browser, f"{WS}/lessons/one/history/1/restore")
    db.expire_all()
    lesson = db.scalar(select(Lesson).where(Lesson.slug == "one"))
    assert lesson.draft_markdown == original and lesson.edited_in_browser
    assert (
        db.scalar(
            select(func.count())
            .select_from(LessonRevision)
            .where(LessonRevision.lesson_id == lesson.id)
        )
        == 2
    )


def test_preview_renders_and_sanitizes_like_the_loader(instructor):
    response = post(
        instructor.browser,
        "/instructor/preview",
        {"markdown": "**bold** <script>alert(1)</script>"},
    )
    assert response.json["html"].startswith("<p><strong>bold</strong>")
    assert "<script" not in response.json["html"]


def test_load_content_keeps_browser_edits_reports_conflicts_and_export_writes_them(
    app, db, instructor, tmp_path
):
    import shutil

    from tests.conftest import TEST_CONTENT

    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    runner = app.test_cli_runner()
    post(
        instructor.browser,
        f"{WS}/lessons/one/edit",
        {"title": "Lesson one", "body": "## Web\n\nFrom the browser.", "action": "publish"},
    )
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output
    lesson_file = tree / "basics/lessons/one.md"
    lesson_file.write_text(lesson_file.read_text().replace("Lesson one", "Lesson one (file)"))
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "conflict lesson basics/one" in result.output
    db.expire_all()
    assert "From the browser." in db.scalar(
        select(Lesson.body_markdown).where(Lesson.slug == "one")
    )
    exported = runner.invoke(args=["export-content", "--dir", str(tree)])
    assert "wrote" in exported.output and "one.md" in exported.output
    assert "From the browser." in lesson_file.read_text()
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output


def test_question_edits_export_to_a_quiz_file_that_loads_back(app, db, instructor, tmp_path):
    import shutil

    from tests.conftest import TEST_CONTENT

    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    form = {
        "prompt": "x one is true, edited.",
        "answer": "true",
        "rationale": "It is.",
        "source": "S1",
        "objective": "x",
    }
    post(instructor.browser, f"{WS}/questions/x-1/edit", form)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export-content", "--dir", str(tree)])
    assert "second.toml" in result.output, result.output
    assert "x one is true, edited." in (tree / "basics/quizzes/second.toml").read_text()
    assert runner.invoke(args=["check-content", "--dir", str(tree)]).exit_code == 0
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output


def test_a_question_created_in_the_browser_is_kept_by_load_and_written_by_export(
    app, db, instructor, tmp_path
):
    import shutil

    from tests.conftest import TEST_CONTENT

    form = {
        "key": "q-new",
        "type": "multiple",
        "prompt": "Which are even numbers?",
        "rationale": "Divisible by two.",
        "source": "S1",
        "objective": "recall",
    }
    for index, (text, right) in enumerate(
        [("Two", True), ("Four", True), ("Five", False), ("Seven", False)]
    ):
        form[f"options-{index}-text"] = text
        form[f"options-{index}-correct"] = "y" if right else ""
    url = f"{WS}/quizzes/first/questions/new"
    assert post(instructor.browser, url, form).status_code == 302
    assert "Which are even numbers?" in text_of(
        instructor.browser.get(f"{WS}/questions/q-new/preview")
    )
    duplicate = post(instructor.browser, url, form)
    assert duplicate.status_code == 400 and "already used" in text_of(duplicate)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    runner = app.test_cli_runner()
    assert (
        "archived question basics/q-new"
        not in runner.invoke(args=["load-content", "--dir", str(tree)]).output
    )
    runner.invoke(args=["export-content", "--dir", str(tree)])
    assert 'key = "q-new"' in (tree / "basics/quizzes/first.toml").read_text()
    assert runner.invoke(args=["check-content", "--dir", str(tree)]).exit_code == 0


def test_gradebook_pages_long_lists_and_the_csv_keeps_every_row(db, learner, instructor):
    from course_app.instructor.gradebook import PAGE_SIZE
    from course_app.modules.models import Enrollment

    course_id = db.scalar(select(Course.id).where(Course.slug == "basics"))
    for number in range(PAGE_SIZE + 4):  # plus Ada: two pages
        user = make_user(db, email=f"bulk{number:03}@example.org", full_name=f"Bulk {number:03}")
        db.add(Enrollment(user_id=user.id, course_id=course_id))
    db.commit()
    first = text_of(instructor.browser.get(f"{WS}/gradebook?sort=name"))
    assert f"Learners 1–{PAGE_SIZE} of {PAGE_SIZE + 5} (page 1 of 2)" in first
    assert "Ada Learner" in first and "Bulk 103" not in first and "Previous page" not in first
    second = text_of(instructor.browser.get(f"{WS}/gradebook?sort=name&page=2"))
    assert "Bulk 103" in second and "Ada Learner" not in second and "Next page" not in second
    assert "sort=name" in second.split("Previous page")[0].rsplit("href=", 1)[1]
    beyond = text_of(instructor.browser.get(f"{WS}/gradebook?sort=name&page=99"))
    assert "(page 2 of 2)" in beyond  # out of range: the last page, not an error
    rows = list(csv.reader(io.StringIO(text_of(instructor.browser.get(f"{WS}/gradebook.csv")))))
    assert len(rows) == 1 + PAGE_SIZE + 5
