"""Quiz files: every problem reported as file:line, and loading versions questions."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course_app.modules.content import parse_content
from course_app.quizzes.models import Question, QuestionVersion, Quiz
from tests.conftest import TEST_CONTENT

FIRST = "basics/quizzes/first.toml"
SECOND = "basics/quizzes/second.toml"
FINAL = "basics/quizzes/final-exam.toml"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(tree: Path, file: str, text: str, occurrence: int = 1) -> int:
    lines = (tree / file).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if text in line]
    return found[occurrence - 1]


BROKEN = [
    # (file, old, new, line anchor (text on the expected line after the edit), message words)
    (FIRST, "pass_mark = 60", "pass_mark = 0", "pass_mark", "'pass_mark' must be a whole number"),
    (FIRST, 'feedback = "immediately"', 'feedback = "sometimes"', "feedback", "'feedback' must be"),
    (FIRST, 'type = "single"', 'type = "essay"', 'type = "essay"', "'type' must be one of"),
    (FIRST, 'objective = "recall"', 'objective = "nope"', '"nope"', "objective 'nope' is not"),
    (FIRST, 'source = "S1"', 'source = "S7"', '"S7"', "source 'S7' is not in"),
    (FIRST, '{ text = "Blue", correct = true }', '{ text = "Blue" }', "options = [", "exactly one"),
    (FIRST, '  { text = "Red" },\n  { text = "Yellow" },\n', "", "options = [", "needs 3–5"),
    (
        FIRST,
        '{ text = "Two", correct = true }',
        '{ text = "Two", right = true }',
        ("options = [", 2),
        "options",
    ),
    (FIRST, "answer = true", 'answer = "yes"', 'answer = "yes"', "'answer' must be true or false"),
    (FIRST, 'case = "case-one"', 'case = "case-two"', "case-two", "case 'case-two' is not"),
    (
        FIRST,
        'key = "q-multi"',
        'key = "q-single"',
        ("[[questions]]", 2),
        "question key 'q-single' is also used in first.toml",
    ),
    (
        FIRST,
        "must_pass = true",
        "must_pass = 1",
        "must_pass = 1",
        "'must_pass' must be true or false",
    ),
    (
        FIRST,
        'rationale = "Rayleigh scattering."',
        "colour = 1",
        "colour = 1",
        "unknown key 'colour'",
    ),
    (FIRST, 'module = "first"', 'module = "third"', "module", "module 'third' is not listed"),
    (SECOND, "draw = 2", "draw = 4", "[[blueprint]]", "draw = 4 but the bank has 3"),
    (SECOND, 'objective = "x"\ndraw', 'objective = "w"\ndraw', "[[blueprint]]", "objective 'w'"),
    (FINAL, "draw = 1", "draw = 9", ("[[blueprint]]", 2), "the final has 2 such questions"),
    (FINAL, 'module = "second"', 'module = "third"', ("[[blueprint]]", 2), "has no quiz file"),
    (FINAL, "final = true", 'final = true\nobjectives = {a = "b"}', "objectives", "unknown key"),
    # Topics: a must-pass question names one, and only one its module declares.
    (FIRST, 'topic = "hygiene"\n', "", "must_pass = true", "a must-pass question names its topic"),
    (FIRST, 'topic = "hygiene"', 'topic = "sharps"', '"sharps"', "topic 'sharps' is not in"),
    (
        SECOND,
        'feedback = "after-passing"',
        'feedback = "after-passing"\nrequired_topics = ["nope"]',
        "required_topics",
        "'required_topics' must list keys of [topics]",
    ),
    (
        SECOND,
        'feedback = "after-passing"',
        'feedback = "after-passing"\nrequired_topics = ["z"]\n\n[topics]\nz = "Zed"',
        "[topics]",
        "topic 'z' of 'second' must be in every attempt, but this bank has no question",
    ),
    # A final exam certifies: no key shown, its own questions, every must-pass topic covered.
    (FINAL, 'feedback = "never"', 'feedback = "immediately"', "feedback", "never the key"),
    (
        FINAL,
        'key = "f-first-hygiene"\nmodule = "first"',
        'key = "f-first-hygiene"\nmodule = "third"',
        'module = "third"',
        "'module' must name a module with a quiz file",
    ),
    (
        FINAL,
        'prompt = "y two is true."',
        'prompt = "Y one is TRUE!"',
        ("[[questions]]", 5),
        "repeats 'y-1' of second.toml",
    ),
    (
        FINAL,
        'topic = "hygiene"\nmust_pass = true\n',
        "",
        "# Final exam",
        "topic 'hygiene' of 'first' must be in every attempt, but the final exam's own",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "anchor", "words"), BROKEN)
def test_a_broken_quiz_file_is_reported_with_file_and_line(tree, file, old, new, anchor, words):
    edit(tree / file, old, new)
    _courses, problems = parse_content(tree)
    text, occurrence = anchor if isinstance(anchor, tuple) else (anchor, 1)
    expected_line = line_of(tree, file, text, occurrence)
    matching = [p for p in problems if words in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].path.endswith(file)
    assert matching[0].line == expected_line, str(matching[0])


def test_check_content_prints_file_line_and_fails(runner, tree):
    edit(tree / FIRST, "pass_mark = 60", "pass_mark = 101")
    result = runner.invoke(args=["check-content", "--dir", str(tree)])
    assert result.exit_code == 1
    assert f"{FIRST}:3: 'pass_mark' must be a whole number from 1 to 100" in result.output


def test_a_broken_quiz_loads_nothing(runner, db, tree):
    edit(tree / FIRST, 'type = "single"', 'type = "essay"')
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert result.exit_code == 1
    assert db.scalar(select(func.count()).select_from(Quiz)) == 0


def test_load_creates_quizzes_and_first_versions(runner, db, tree):
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "created  quiz basics/first" in result.output
    assert "created  question basics/q-multi" in result.output
    assert db.scalar(select(func.count()).select_from(Quiz)) == 4
    assert db.scalar(select(func.count()).select_from(QuestionVersion)) == 16  # 11 + 5 final
    final = db.scalar(select(Quiz).where(Quiz.slug == "final-exam"))
    assert final.is_final_exam and final.blueprint[0] == {
        "count": 2,
        "module": "first",
        "objective": None,
        "topic": None,
    }


def test_a_changed_question_gets_a_new_version_and_the_old_one_stays(runner, db, tree):
    runner.invoke(args=["load-content", "--dir", str(tree)])
    edit(tree / FIRST, "Which are prime numbers?", "Which of these are prime numbers?")
    result = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "updated  question basics/q-multi" in result.output
    question = db.scalar(select(Question).where(Question.key == "q-multi"))
    prompts = db.scalars(
        select(QuestionVersion.prompt)
        .where(QuestionVersion.question_id == question.id)
        .order_by(QuestionVersion.number)
    ).all()
    assert question.version == 2
    assert prompts == ["Which are prime numbers?", "Which of these are prime numbers?"]
    again = runner.invoke(args=["load-content", "--dir", str(tree)])
    assert "nothing changed" in again.output


def test_the_case_vignette_is_rendered_and_sanitized(runner, db, tree):
    edit(tree / FIRST, "for **six weeks**.", "for **six weeks**.<script>alert(1)</script>")
    runner.invoke(args=["load-content", "--dir", str(tree)])
    html = db.scalar(
        select(QuestionVersion.case_html).where(QuestionVersion.case_key == "case-one")
    )
    assert "<strong>six weeks</strong>" in html
    assert "<script" not in html
