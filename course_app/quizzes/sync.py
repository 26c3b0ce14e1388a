"""Bring quizzes and question banks in line with ``content/``, matched by permanent keys.

A question whose text, options, answer or metadata changed gets a new version; attempts keep
pointing at the version they showed. Nothing is deleted: what left the files is archived.
"""

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.db import utcnow
from course_app.markdown import render_markdown
from course_app.modules.models import Course, CourseModule
from course_app.modules.translation_sync import (
    Translations,
    question_texts,
    quiz_texts,
    version_hash,
)
from course_app.quizzes.content import QuizSpec
from course_app.quizzes.content_items import QuestionSpec
from course_app.quizzes.models import Question, QuestionVersion, Quiz, is_current_version


class Report(Protocol):
    """What the content sync reports into (the modules package's SyncReport)."""

    created: list[str]
    updated: list[str]
    archived: list[str]

    def conflict(self, name: str, path: str) -> None: ...


def sync_quizzes(
    session: Session,
    course: Course,
    modules: dict[str, CourseModule],
    quizzes: tuple[QuizSpec, ...],
    report: Report,
    translations: Translations | None = None,
) -> None:
    translations = translations or {}
    existing = {q.slug: q for q in session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
    for spec in quizzes:
        module_id = modules[spec.module].id if spec.module else None
        _upsert_quiz(session, existing.get(spec.slug), course, module_id, spec, report)
    session.flush()
    for quiz in session.scalars(select(Quiz).where(Quiz.course_id == course.id)):
        # Beside the settings (not in their hash): the quiz's title and objectives, read.
        texts = quiz_texts(translations, quiz.slug)
        if quiz.translations != texts and not quiz.is_archived:
            quiz.translations = texts
    for slug in sorted(set(existing) - {spec.slug for spec in quizzes}):
        if not existing[slug].is_archived:
            existing[slug].is_archived = True
            report.archived.append(f"quiz {course.slug}/{slug}")
    session.flush()
    ids = dict(session.execute(select(Quiz.slug, Quiz.id).where(Quiz.course_id == course.id)).all())
    questions = [
        Placed(q, modules[q.module].id, ids[spec.slug], spec.path, question_texts(translations, q))
        for spec in quizzes
        for q in spec.questions
    ]
    _sync_questions(session, course, questions, report)


@dataclass(frozen=True)
class Placed:
    """A question from a file with where it belongs: the module it assesses, its quiz's bank."""

    spec: QuestionSpec
    module_id: int
    quiz_id: int
    path: str
    #: {language: its text}: part of the version (``version_hash``).
    texts: dict[str, Any]

    @property
    def content_hash(self) -> str:
        return version_hash(self.spec, self.texts)


def quiz_values(course: Course, module_id: int | None, spec: QuizSpec) -> dict[str, Any]:
    settings = spec.settings
    return {
        "course_id": course.id,
        "module_id": module_id,
        "slug": spec.slug,
        "title": spec.title,
        "pass_mark": settings.pass_mark,
        "max_attempts": settings.max_attempts,
        "cooldown_minutes": settings.cooldown_minutes,
        "time_limit_minutes": settings.time_limit_minutes,
        "shuffle_questions": settings.shuffle_questions,
        "feedback": str(settings.feedback),
        "must_pass_fails_attempt": settings.must_pass_fails_attempt,
        "scoring": str(settings.scoring),
        "objectives": dict(spec.objectives),
        "topics": dict(spec.topics),
        "required_topics": list(spec.required_topics),
        "blueprint": [asdict(row) for row in spec.blueprint],
        "is_archived": False,
    }


def settings_hash(values: dict[str, Any]) -> str:
    """Identifies a quiz's settings as written in its file (ids excluded)."""
    kept = {k: v for k, v in values.items() if k not in {"course_id", "module_id", "is_archived"}}
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def _upsert_quiz(
    session: Session,
    quiz: Quiz | None,
    course: Course,
    module_id: int | None,
    spec: QuizSpec,
    report: Report,
) -> None:
    values = quiz_values(course, module_id, spec)
    values["file_hash"] = settings_hash(values)
    name = f"quiz {course.slug}/{spec.slug}"
    if quiz is None:
        session.add(Quiz(**values))
        report.created.append(name)
        return
    if quiz.edited_in_browser:
        if quiz.file_hash != values["file_hash"]:
            report.conflict(name, spec.path)
        return
    changed = {key: value for key, value in values.items() if getattr(quiz, key) != value}
    if changed:
        for key, value in changed.items():
            setattr(quiz, key, value)
        quiz.updated_at = utcnow()
        report.updated.append(name)


def _current_versions(session: Session, course: Course) -> dict[str, tuple[Question, str]]:
    """Every question of the course with the content hash of its current version."""
    rows = session.execute(
        select(Question, QuestionVersion.content_hash)
        .join(
            QuestionVersion,
            is_current_version(),
        )
        .where(Question.course_id == course.id)
    )
    return {question.key: (question, content_hash) for question, content_hash in rows}


def _sync_questions(session: Session, course: Course, placed: list[Placed], report: Report) -> None:
    current = _current_versions(session, course)
    for item in placed:
        spec, module_id, quiz_id, path = item.spec, item.module_id, item.quiz_id, item.path
        new_hash = item.content_hash
        name = f"question {course.slug}/{spec.key}"
        question, content_hash = current.get(spec.key, (None, None))
        if question is None:
            question = Question(
                course_id=course.id,
                module_id=module_id,
                quiz_id=quiz_id,
                key=spec.key,
                version=1,
                file_hash=new_hash,
            )
            session.add(question)
            session.flush()
            session.add(_version(question, 1, item))
            report.created.append(name)
            continue
        if question.edited_in_browser:
            if question.file_hash != new_hash:
                report.conflict(name, path)
            continue
        question.file_hash = new_hash
        moved = (question.module_id, question.quiz_id) != (module_id, quiz_id)
        moved = moved or question.is_archived
        question.module_id, question.quiz_id, question.is_archived = module_id, quiz_id, False
        if content_hash != new_hash:
            question.version += 1
            session.add(_version(question, question.version, item))
        if moved or content_hash != new_hash:
            report.updated.append(name)
    for key in sorted(set(current) - {item.spec.key for item in placed}):
        question = current[key][0]
        if question.edited_in_browser:
            continue  # made or changed in the browser: export-content writes it to the file
        if not question.is_archived:
            question.is_archived = True
            report.archived.append(f"question {course.slug}/{key}")


def _version(question: Question, number: int, item: Placed) -> QuestionVersion:
    spec = item.spec
    return QuestionVersion(
        question_id=question.id,
        number=number,
        type=str(spec.type),
        objective=spec.objective,
        topic=spec.topic,
        required=spec.required,
        case_key=spec.case,
        case_title=spec.case_title,
        case_text=spec.case_text,
        case_html=render_markdown(spec.case_text) if spec.case_text else "",
        prompt=spec.prompt,
        options=[asdict(option) for option in spec.options],
        rationale=spec.rationale,
        source=spec.source,
        must_pass=spec.must_pass,
        content_hash=item.content_hash,
        translations=item.texts,
    )
