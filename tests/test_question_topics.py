"""Topics, required questions and final-exam questions in the browser: the editor holds to the
same rules as the files, finals get their own questions per module, and export writes them
back to files that load again."""

import shutil

from sqlalchemy import select

from course_app.quizzes.models import Question, QuestionVersion, Quiz
from tests.conftest import TEST_CONTENT
from tests.helpers import post, text_of

WS = "/instructor/courses/basics"


def question_form(**changes) -> dict:
    form = {
        "key": "f-first-new",
        "type": "true-false",
        "prompt": "Gloves replace hand hygiene.",
        "answer": "false",
        "rationale": "Gloves are worn after hand hygiene, not instead of it.",
        "source": "S1",
        "objective": "recall",
    }
    return form | changes


def current(db, key: str) -> QuestionVersion:
    db.expire_all()
    return db.scalar(
        select(QuestionVersion)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.key == key, QuestionVersion.number == Question.version)
    )


def test_a_must_pass_question_needs_a_topic_in_the_editor_too(db, instructor):
    url = f"{WS}/questions/q-safety/edit"
    form = {
        "prompt": "Hands are washed before every treatment.",
        "answer": "true",
        "rationale": "Hand hygiene comes first, before every treatment.",
        "source": "S1",
        "objective": "recall",
        "must_pass": "y",
        "topic": "",  # "No topic", as the page's select sends it
    }
    refused = post(instructor.browser, url, form)
    assert refused.status_code == 400 and "A must-pass question needs a topic" in text_of(refused)
    unknown = post(instructor.browser, url, form | {"topic": "sharps"})
    assert unknown.status_code == 400 and "Not a valid choice" in text_of(unknown)
    assert current(db, "q-safety").number == 1
    saved = post(instructor.browser, url, form | {"topic": "hygiene", "required": "y"})
    assert saved.status_code == 302
    version = current(db, "q-safety")
    assert (version.number, version.topic, version.required) == (2, "hygiene", True)


def test_a_final_exam_question_names_its_module_first(app, db, instructor, tmp_path):
    url = f"{WS}/quizzes/final-exam/questions/new"
    chooser = text_of(instructor.browser.get(url))
    assert "Which module is this question about?" in chooser and "module=first" in chooser
    form_page = text_of(instructor.browser.get(f"{url}?module=first"))
    assert "Recall the facts" in form_page and "Hand hygiene" in form_page
    created = post(instructor.browser, f"{url}?module=first", question_form(topic="hygiene"))
    assert created.status_code == 302
    db.expire_all()
    question = db.scalar(select(Question).where(Question.key == "f-first-new"))
    final_id = db.scalar(select(Quiz.id).where(Quiz.slug == "final-exam"))
    first_id = db.scalar(select(Quiz.module_id).where(Quiz.slug == "first"))
    assert (question.quiz_id, question.module_id) == (final_id, first_id)
    tree = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, tree)
    runner = app.test_cli_runner()
    runner.invoke(args=["export-content", "--dir", str(tree)])
    final_file = (tree / "basics/quizzes/final-exam.toml").read_text()
    assert 'key = "f-first-new"' in final_file and 'module = "first"' in final_file
    assert 'key = "f-first-new"' not in (tree / "basics/quizzes/first.toml").read_text()
    checked = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert checked.exit_code == 0, checked.output


def test_a_final_exam_never_shows_its_key_whatever_the_settings_form_says(db, instructor):
    url = f"{WS}/quizzes/final-exam/settings"
    form = {
        "pass_mark": "50",
        "max_attempts": "2",
        "cooldown_minutes": "0",
        "time_limit_minutes": "0",
        "feedback": "immediately",
        "scoring": "partial",
        "draw_0": "2",
        "draw_1": "1",
    }
    refused = post(instructor.browser, url, form)
    assert refused.status_code == 400 and "never the key" in text_of(refused)
    assert db.scalar(select(Quiz.feedback).where(Quiz.slug == "final-exam")) == "never"


def test_the_settings_form_has_a_draw_row_per_topic(db, instructor):
    first = db.scalar(select(Quiz).where(Quiz.slug == "first"))
    first.required_topics = ["hygiene"]
    db.commit()
    settings = text_of(instructor.browser.get(f"{WS}/quizzes/first/settings"))
    assert "topic “Hand hygiene”" in settings  # a draw row per topic too
