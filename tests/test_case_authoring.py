"""Case vignettes written in the browser: checked by the [[cases]] rule, a new version of each
question that joins or leaves the case, audited, and exported to the quiz file."""

import shutil

from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.auth.models import Role
from course_app.quizzes.models import Question, QuestionVersion, is_current_version
from tests.conftest import TEST_CONTENT
from tests.helpers import login, make_user, post, text_of

URL = "/instructor/courses/basics/quizzes/first/cases"
CASE = {
    "key": "case-two",
    "title": "A cyclist with knee pain",
    "text": "A 40-year-old cyclist, pain for **three** weeks.<script>x</script>",
    "questions": ["q-single", "q-multi"],
}


def _current(db, key: str) -> QuestionVersion:
    db.expire_all()
    query = select(QuestionVersion).join(Question, is_current_version()).where(Question.key == key)
    return db.scalar(query)


def test_a_case_written_in_the_browser_gives_its_questions_a_new_version(db, instructor):
    page = text_of(instructor.browser.get(URL))
    assert "A runner with calf pain" in page  # the case the file already has
    before = _current(db, "q-single").number
    assert post(instructor.browser, URL, CASE).status_code == 302
    version = _current(db, "q-single")
    assert version.number == before + 1 and version.case_key == "case-two"
    assert "<strong>three</strong>" in version.case_html and "<script" not in version.case_html
    assert _current(db, "q-multi").case_title == "A cyclist with knee pain"
    edit = CASE | {"title": "A cyclist", "questions": ["q-multi"]}
    assert post(instructor.browser, URL, edit).status_code == 302
    assert _current(db, "q-single").case_key is None  # left the case: a new version too
    assert _current(db, "q-multi").case_title == "A cyclist"
    assert "case.written" in set(db.scalars(select(AuditEntry.action)))


def test_a_case_is_refused_with_the_check_content_rule_and_nothing_changes(db, instructor):
    bad = post(instructor.browser, URL, CASE | {"key": "Bad Key"})
    assert bad.status_code == 400 and "lower-case" in text_of(bad)
    none = post(instructor.browser, URL, {k: v for k, v in CASE.items() if k != "questions"})
    assert none.status_code == 400 and "at least one question" in text_of(none)
    assert _current(db, "q-single").case_key is None


def test_only_the_course_s_instructors_write_its_cases(app, db, content):
    make_user(db, email="other@example.org", role=Role.INSTRUCTOR)
    browser = app.test_client()
    login(browser, "other@example.org")
    assert browser.get(URL).status_code == 403
    assert post(browser, URL, CASE).status_code == 403


def test_cases_export_to_the_quiz_file_and_load_back_unchanged(app, db, instructor, tmp_path):
    post(instructor.browser, URL, CASE)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    runner = app.test_cli_runner()
    runner.invoke(args=["export-content", "--dir", str(tree)])
    text = (tree / "basics/quizzes/first.toml").read_text()
    assert 'key = "case-two"' in text and 'key = "case-one"' in text
    checked = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert checked.exit_code == 0, checked.output
    assert "nothing changed" in runner.invoke(args=["load-content", "--dir", str(tree)]).output
