"""Authoring in the browser: lesson drafts, publishing, history and restore; question edits
(always a new version); quiz settings. Services only: the views commit.

Browser edits mark their row ``edited_in_browser``; ``load-content`` then keeps them and reports
a conflict if the file changed too, and ``export-content`` writes them back to ``content/``.
"""

import difflib
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.db import utcnow
from course_app.exceptions import DomainError
from course_app.markdown import render_markdown
from course_app.modules.media import media_of
from course_app.modules.models import Lesson, LessonRevision
from course_app.quizzes import services as quiz_services
from course_app.quizzes.content import QuizSettings
from course_app.quizzes.content_items import (
    OPTION_COUNTS,
    OPTION_KEYS,
    TRUE_FALSE_OPTIONS,
    OptionSpec,
    QuestionSpec,
)
from course_app.quizzes.draw import BlueprintRow, coverage_problems, pool_size
from course_app.quizzes.grading import QuestionType
from course_app.quizzes.models import Question, QuestionVersion, Quiz
from course_app.quizzes.rules import FeedbackPolicy


def save_draft(session: Session, lesson: Lesson, markdown: str, actor_id: int) -> None:
    lesson.draft_markdown, lesson.draft_saved_at = markdown, utcnow()
    record(session, actor_id, "lesson.draft_saved", ("lesson", lesson.id))


def publish(session: Session, lesson: Lesson, title: str, markdown: str, actor_id: int) -> int:
    """Publish the text learners read; returns the new revision number."""
    if not markdown.strip():
        raise DomainError("A lesson needs some text.")
    number = _next_revision_number(session, lesson.id)
    before = {"title": lesson.title, "revision": number - 1}
    session.add(
        LessonRevision(
            lesson_id=lesson.id,
            number=number,
            title=title,
            body_markdown=markdown,
            origin="browser",
            author_id=actor_id,
        )
    )
    lesson.title, lesson.body_markdown = title, markdown
    media = media_of(session, lesson.course)
    lesson.body_html, lesson.updated_at = render_markdown(markdown, media), utcnow()
    lesson.draft_markdown, lesson.draft_saved_at, lesson.edited_in_browser = None, None, True
    record(
        session,
        actor_id,
        "lesson.published",
        ("lesson", lesson.id),
        before,
        {"title": title, "revision": number},
    )
    return number


def _next_revision_number(session: Session, lesson_id: int) -> int:
    query = select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson_id)
    return (session.scalar(query) or 0) + 1


def revisions(session: Session, lesson: Lesson) -> list[LessonRevision]:
    query = select(LessonRevision).where(LessonRevision.lesson_id == lesson.id)
    return list(session.scalars(query.order_by(LessonRevision.number.desc())))


def find_revision(session: Session, lesson: Lesson, number: int) -> LessonRevision | None:
    query = select(LessonRevision).where(
        LessonRevision.lesson_id == lesson.id, LessonRevision.number == number
    )
    return session.scalar(query)


def restore(session: Session, lesson: Lesson, revision: LessonRevision, actor_id: int) -> None:
    """Put an old revision back as the draft, to be reviewed and published."""
    lesson.draft_markdown, lesson.draft_saved_at = revision.body_markdown, utcnow()
    record(
        session,
        actor_id,
        "lesson.revision_restored",
        ("lesson", lesson.id),
        after={"revision": revision.number},
    )


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line: ("same" | "added" | "removed", text), for showing two versions."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [
        (kinds[line[0]], line[2:])
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if line[0] in kinds
    ]


@dataclass(frozen=True)
class QuestionEdit:
    prompt: str
    options: tuple[tuple[str, bool], ...]  # (text, correct), blank rows already dropped
    rationale: str
    source: str
    objective: str
    must_pass: bool
    topic: str | None = None
    required: bool = False


def _check_edit(edit: QuestionEdit) -> None:
    if edit.must_pass and not edit.topic:
        raise DomainError(
            "A must-pass question needs a topic: every attempt includes each must-pass topic."
        )


def edit_question(
    session: Session,
    question: Question,
    current: QuestionVersion,
    edit: QuestionEdit,
    actor_id: int,
) -> QuestionVersion:
    """Save an edit as a new version; attempts keep the version they showed."""
    kind = QuestionType(current.type)
    _check_edit(edit)
    options = _checked_options(kind, edit.options)
    spec = _spec(question.key, kind, edit, options, current)
    if spec.content_hash == current.content_hash:
        raise DomainError("Nothing changed: the question is saved as it was.")
    question.version += 1
    version = _browser_version(question, kind, edit, options, spec.content_hash, actor_id, current)
    session.add(version)
    question.edited_in_browser = True
    record(
        session,
        actor_id,
        "question.edited",
        ("question", question.id),
        {"version": current.number},
        {"version": question.version},
    )
    return version


def _spec(
    key: str,
    kind: QuestionType,
    edit: QuestionEdit,
    options: tuple[OptionSpec, ...],
    current: QuestionVersion | None = None,
) -> QuestionSpec:
    """The question as the files would hold it: its content hash identifies the version."""
    return QuestionSpec(
        key=key,
        module="",
        type=kind,
        objective=edit.objective,
        case_title=current.case_title if current else "",
        case_text=current.case_text if current else "",
        prompt=edit.prompt,
        options=options,
        rationale=edit.rationale,
        source=edit.source,
        must_pass=edit.must_pass,
        case=current.case_key if current else None,
        topic=edit.topic,
        required=edit.required,
    )


def create_question(
    session: Session,
    quiz: Quiz,
    module_id: int,
    key: str,
    kind: QuestionType,
    edit: QuestionEdit,
    actor_id: int,
) -> Question:
    """Add a question to a quiz's bank (version 1, made in the browser): a module quiz's, or
    the final exam's own (``module_id``: the module it assesses)."""
    if quiz.module_id is not None and module_id != quiz.module_id:
        raise DomainError("A module quiz's questions assess its own module.")
    taken = session.scalar(
        select(Question.id).where(Question.course_id == quiz.course_id, Question.key == key)
    )
    if taken is not None:
        raise DomainError(f"The key “{key}” is already used in this course: keys are permanent.")
    _check_edit(edit)
    options = _checked_options(kind, edit.options)
    spec = _spec(key, kind, edit, options)
    question = Question(
        course_id=quiz.course_id,
        module_id=module_id,
        quiz_id=quiz.id,
        key=key,
        version=1,
        edited_in_browser=True,
    )
    session.add(question)
    session.flush()
    session.add(_browser_version(question, kind, edit, options, spec.content_hash, actor_id))
    record(session, actor_id, "question.created", ("question", question.id), after={"key": key})
    return question


def _browser_version(
    question: Question,
    kind: QuestionType,
    edit: QuestionEdit,
    options: tuple[OptionSpec, ...],
    content_hash: str,
    actor_id: int,
    case_from: QuestionVersion | None = None,
) -> QuestionVersion:
    """A version made in the browser; an edit keeps the case vignette of the version before."""
    case = {}
    if case_from is not None:
        case = {
            "case_key": case_from.case_key,
            "case_title": case_from.case_title,
            "case_text": case_from.case_text,
            "case_html": case_from.case_html,
        }
    return QuestionVersion(
        question_id=question.id,
        number=question.version,
        type=kind,
        objective=edit.objective,
        topic=edit.topic,
        required=edit.required,
        prompt=edit.prompt,
        options=[{"key": o.key, "text": o.text, "correct": o.correct} for o in options],
        rationale=edit.rationale,
        source=edit.source,
        must_pass=edit.must_pass,
        content_hash=content_hash,
        origin="browser",
        author_id=actor_id,
        **case,
    )


def _checked_options(kind: QuestionType, rows: tuple[tuple[str, bool], ...]):
    if kind is QuestionType.TRUE_FALSE:
        answer = next((correct for text, correct in rows if text == "true"), None)
        return tuple(OptionSpec(k, t, (k == "true") == answer) for k, t in TRUE_FALSE_OPTIONS)
    low, high = OPTION_COUNTS[kind]
    if not low <= len(rows) <= high:
        raise DomainError(f"A {kind} question needs {low} to {high} options.")
    right = sum(correct for _text, correct in rows)
    if kind is QuestionType.SINGLE and right != 1:
        raise DomainError("Mark exactly one option as the right answer.")
    if kind is QuestionType.MULTIPLE and not 1 <= right < len(rows):
        raise DomainError("Mark at least one right and one wrong option.")
    return tuple(
        OptionSpec(k, text, correct) for k, (text, correct) in zip(OPTION_KEYS, rows, strict=False)
    )


@dataclass(frozen=True)
class QuizSettingsEdit(QuizSettings):
    """The settings an instructor edits: those of the quiz file, plus the draw blueprint."""

    blueprint: tuple[BlueprintRow, ...] = ()


def update_quiz_settings(
    session: Session, quiz: Quiz, edit: QuizSettingsEdit, actor_id: int
) -> None:
    """Change a quiz's settings; attempts already started keep theirs (their snapshot)."""
    if quiz.is_final_exam and edit.feedback is not FeedbackPolicy.NEVER:
        raise DomainError(
            "A final exam certifies: learners see their score and objectives, never the key."
        )
    _check_blueprint(session, quiz, edit.blueprint)
    before = _settings_of(quiz)
    for name in (
        "pass_mark",
        "max_attempts",
        "cooldown_minutes",
        "time_limit_minutes",
        "shuffle_questions",
        "must_pass_fails_attempt",
    ):
        setattr(quiz, name, getattr(edit, name))
    quiz.feedback, quiz.scoring = str(edit.feedback), str(edit.scoring)
    quiz.blueprint = [asdict(r) for r in edit.blueprint]
    quiz.edited_in_browser, quiz.updated_at = True, utcnow()
    record(
        session, actor_id, "quiz.settings_changed", ("quiz", quiz.id), before, _settings_of(quiz)
    )


def _settings_of(quiz: Quiz) -> dict:
    names = (
        "pass_mark",
        "max_attempts",
        "cooldown_minutes",
        "time_limit_minutes",
        "shuffle_questions",
        "feedback",
        "must_pass_fails_attempt",
        "scoring",
        "blueprint",
    )
    return {name: getattr(quiz, name) for name in names}


def _check_blueprint(session: Session, quiz: Quiz, blueprint: tuple[BlueprintRow, ...]) -> None:
    pool = [question for _version, question in quiz_services.quiz_pool(session, quiz)]
    for row in blueprint:
        available = pool_size(pool, row)
        if row.count > available:
            what = row.objective or row.module
            raise DomainError(
                f"Only {available} question(s) are available for “{what}”; "
                f"you asked to draw {row.count}."
            )
    if blueprint and not sum(row.count for row in blueprint):
        raise DomainError("Draw at least one question.")
    topics = quiz_services.required_topics_of(session, quiz)
    for problem in coverage_problems(pool, blueprint, topics):
        raise DomainError(f"This blueprint cannot keep every attempt complete: {problem}.")
