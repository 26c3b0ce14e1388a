"""Write browser edits back to ``content/`` (``flask --app course_app export-content``).

Lessons keep their file (or get ``lessons/<module>/NN-<slug>.md``); a quiz whose settings or
any of whose questions changed in the browser is rewritten whole from the database (comments in
that file are lost; claim tags are kept). Afterwards each row records the new file's hash and
is no longer marked as edited in the browser.
"""

import hashlib
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.instructor.export_figures import export_figures
from course_app.modules.content import CourseSpec, parse_content
from course_app.modules.models import Course, CourseModule, Lesson
from course_app.quizzes.content import FINAL_EXAM_SLUG, QuizSpec
from course_app.quizzes.models import Question, QuestionVersion, Quiz, is_current_version
from course_app.quizzes.sync import quiz_values, settings_hash

FENCE = "+++\n"


def export_edits(session: Session, root: Path) -> list[Path]:
    specs, _problems = parse_content(root)
    by_slug = {spec.slug: spec for spec in specs}
    written: list[Path] = []
    for course in session.scalars(select(Course).where(~Course.is_archived)):
        spec = by_slug.get(course.slug)
        directory = Path(spec.path).parent if spec else root / course.slug
        written += _export_modules(session, course, directory / "course.toml")
        written += export_figures(session, course, directory / "media")
        written += _export_lessons(session, course, spec, directory)
        written += _export_quizzes(session, course, spec, directory)
    return written


def _export_modules(session: Session, course: Course, manifest: Path) -> list[Path]:
    """Rewrite the ``[[modules]]`` tables of ``course.toml`` when the module list was changed
    in the browser (the rest of the file, comments included, is kept as it is)."""
    modules = list(
        session.scalars(
            select(CourseModule)
            .where(CourseModule.course_id == course.id)
            .order_by(CourseModule.position, CourseModule.id)
        )
    )
    if not any(module.edited_in_browser for module in modules) or not manifest.exists():
        return []
    tables = "\n".join(_module_table(module) for module in modules)
    manifest.write_text(
        replace_module_tables(manifest.read_text(encoding="utf-8"), tables), encoding="utf-8"
    )
    for module in modules:
        module.edited_in_browser = False
    return [manifest]


def _module_table(module: CourseModule) -> str:
    table: dict[str, Any] = {"slug": module.slug, "title": module.title}
    if module.summary:
        table["summary"] = module.summary
    if module.is_archived:
        table["archived"] = True
    return "[[modules]]\n" + tomli_w.dumps(table)


def replace_module_tables(text: str, tables: str) -> str:
    """``text`` with its run of ``[[modules]]`` tables replaced by ``tables`` (they are
    written together, where the first one was)."""
    lines = text.splitlines(keepends=True)
    headers = [n for n, line in enumerate(lines) if line.strip().startswith("[")]
    starts = [n for n in headers if lines[n].strip() == "[[modules]]"]
    if not starts:
        return text.rstrip("\n") + "\n\n" + tables
    after = [n for n in headers if n > starts[-1] and lines[n].strip() != "[[modules]]"]
    end = after[0] if after else len(lines)
    while end > starts[-1] + 1 and lines[end - 1].lstrip().startswith("#"):
        end -= 1  # a comment just above the next table belongs to it
    return "".join([*lines[: starts[0]], tables + "\n", *lines[end:]])


def _export_lessons(session, course, spec: CourseSpec | None, directory: Path) -> list[Path]:
    paths = {lesson.slug: Path(lesson.path) for lesson in spec.lessons} if spec else {}
    rows = session.execute(
        select(Lesson, CourseModule.slug)
        .join(CourseModule, CourseModule.id == Lesson.module_id)
        .where(Lesson.course_id == course.id, Lesson.edited_in_browser)
    ).all()
    written = []
    for lesson, module_slug in rows:
        default = directory / "lessons" / module_slug / f"{lesson.position:02d}-{lesson.slug}.md"
        path = paths.get(lesson.slug, default)
        raw = lesson_file(lesson, module_slug).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
        lesson.content_hash, lesson.edited_in_browser = hashlib.sha256(raw).hexdigest(), False
        written.append(path)
    return written


def lesson_file(lesson: Lesson, module_slug: str) -> str:
    front = {
        "slug": lesson.slug,
        "title": lesson.title,
        "module": module_slug,
        "order": lesson.position,
        "minutes": lesson.minutes,
        "objectives": lesson.objectives,
        "claims": lesson.claims,
        "sources": lesson.sources,
    }
    if lesson.is_archived:
        front["archived"] = True
    return FENCE + tomli_w.dumps(front) + FENCE + lesson.body_markdown


def _export_quizzes(session, course, spec: CourseSpec | None, directory: Path) -> list[Path]:
    quiz_specs = {quiz.slug: quiz for quiz in spec.quizzes} if spec else {}
    edited_banks = set(
        session.scalars(
            select(Question.quiz_id).where(
                Question.course_id == course.id, Question.edited_in_browser
            )
        )
    )
    quizzes = session.scalars(select(Quiz).where(Quiz.course_id == course.id, ~Quiz.is_archived))
    written = []
    for quiz in quizzes:
        if quiz.edited_in_browser or quiz.id in edited_banks:
            written.append(_write_quiz(session, quiz, quiz_specs.get(quiz.slug), directory))
    return written


def _write_quiz(session: Session, quiz: Quiz, spec: QuizSpec | None, directory: Path) -> Path:
    path = Path(spec.path) if spec else directory / "quizzes" / f"{quiz.slug}.toml"
    claims = {q.key: list(q.claims) for q in spec.questions} if spec else {}
    document = _settings_document(quiz)
    versions = _current_versions(session, quiz)
    if versions:
        document |= _bank_document(versions, claims, final=quiz.module_id is None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(document, multiline_strings=True), encoding="utf-8")
    quiz.file_hash = settings_hash(quiz_values(quiz.course, quiz.module_id, _reparsed(path, quiz)))
    quiz.edited_in_browser = False
    for question, version, _module in versions:
        question.file_hash, question.edited_in_browser = version.content_hash, False
    return path


def _reparsed(path: Path, quiz: Quiz) -> QuizSpec:
    specs, _problems = parse_content(path.parent.parent.parent)
    course = next(spec for spec in specs if spec.slug == quiz.course.slug)
    return next(spec for spec in course.quizzes if spec.slug == quiz.slug)


def _settings_document(quiz: Quiz) -> dict[str, Any]:
    document: dict[str, Any] = (
        {"final": True} if quiz.slug == FINAL_EXAM_SLUG else {"module": quiz.module.slug}
    )
    document |= {
        "title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "attempts": quiz.max_attempts,
        "cooldown_minutes": quiz.cooldown_minutes,
        "time_limit_minutes": quiz.time_limit_minutes,
        "shuffle_questions": quiz.shuffle_questions,
        "feedback": quiz.feedback,
        "must_pass_fails_attempt": quiz.must_pass_fails_attempt,
        "multiple_response": quiz.scoring,
    }
    if quiz.objectives:
        document["objectives"] = dict(quiz.objectives)
    if quiz.topics:
        document["topics"] = dict(quiz.topics)
    if quiz.required_topics:
        document["required_topics"] = list(quiz.required_topics)
    if quiz.blueprint:
        document["blueprint"] = [
            {
                k: v
                for k, v in (
                    ("module", r.get("module")),
                    ("objective", r.get("objective")),
                    ("topic", r.get("topic")),
                    ("draw", r["count"]),
                )
                if v is not None
            }
            for r in quiz.blueprint
        ]
    return document


def _current_versions(session: Session, quiz: Quiz) -> list[tuple[Question, QuestionVersion, str]]:
    """The quiz's own bank: each live question, its current version and its module's slug."""
    rows = session.execute(
        select(Question, QuestionVersion, CourseModule.slug)
        .join(QuestionVersion, is_current_version())
        .join(CourseModule, CourseModule.id == Question.module_id)
        .where(Question.quiz_id == quiz.id, ~Question.is_archived)
        .order_by(Question.id)
    )
    return [tuple(row) for row in rows]


def _bank_document(versions, claims: dict[str, list[str]], final: bool) -> dict[str, Any]:
    cases: dict[str, dict[str, str]] = {}
    questions = []
    for question, version, module_slug in versions:
        if version.case_key and version.case_key not in cases:
            cases[version.case_key] = {
                "key": version.case_key,
                "title": version.case_title,
                "text": version.case_text,
            }
        table = _question_table(question, version, claims.get(question.key, []))
        questions.append(({"module": module_slug} if final else {}) | table)
    return ({"cases": list(cases.values())} if cases else {}) | {"questions": questions}


def _question_table(question, version, claims: list[str]) -> dict[str, Any]:
    table: dict[str, Any] = {
        "key": question.key,
        "type": version.type,
        "objective": version.objective,
    }
    if version.topic:
        table["topic"] = version.topic
    if version.required:
        table["required"] = True
    if version.case_key:
        table["case"] = version.case_key
    if claims:
        table["claims"] = claims
    table |= {"must_pass": version.must_pass, "prompt": version.prompt}
    if version.type == "true-false":
        table["answer"] = any(o["key"] == "true" and o["correct"] for o in version.options)
    else:
        table["options"] = [
            {"text": o["text"], "correct": True} if o["correct"] else {"text": o["text"]}
            for o in version.options
        ]
    return table | {"rationale": version.rationale, "source": version.source}
