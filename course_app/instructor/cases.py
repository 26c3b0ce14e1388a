"""Case vignettes written in the browser. A vignette belongs to a quiz's bank and is shown
with the questions that present it; saving one gives each question it joins or leaves a new
version (attempts keep the version they showed), checked by the rule ``check-content`` reads
``[[cases]]`` with. Services only: the views commit."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from course_app.audit.services import record
from course_app.exceptions import DomainError
from course_app.markdown import render_markdown
from course_app.quizzes.content_items import OptionSpec, QuestionSpec, parse_cases
from course_app.quizzes.grading import QuestionType
from course_app.quizzes.models import Question, QuestionVersion, Quiz, is_current_version
from course_app.toml_source import TomlSource


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    text: str
    #: The keys of the bank's questions that present it.
    questions: tuple[str, ...]


def bank(session: Session, quiz: Quiz) -> list[tuple[Question, QuestionVersion]]:
    """The quiz's own live questions with their current versions, in bank order."""
    rows = session.execute(
        select(Question, QuestionVersion)
        .join(QuestionVersion, is_current_version())
        .where(Question.quiz_id == quiz.id, ~Question.is_archived)
        .order_by(Question.id)
    )
    return [(question, version) for question, version in rows]


def cases_of(session: Session, quiz: Quiz) -> list[Case]:
    """The vignettes the bank's current versions present, by key."""
    found: dict[str, Case] = {}
    for question, version in bank(session, quiz):
        if version.case_key:
            case = found.get(version.case_key)
            keys = (case.questions if case else ()) + (question.key,)
            found[version.case_key] = Case(
                version.case_key, version.case_title, version.case_text, keys
            )
    return sorted(found.values(), key=lambda case: case.key)


def write_case(session: Session, quiz: Quiz, case: Case, actor_id: int) -> int:
    """Save a vignette (new, or an edit of the one with this key) and the questions that
    present it; returns how many questions got a new version."""
    source = TomlSource("quiz.toml", "")
    entry = {"key": case.key, "title": case.title, "text": case.text}
    parse_cases(source, {"cases": [entry]})
    if source.problems:
        raise DomainError("; ".join(problem.message for problem in source.problems) + ".")
    if not case.questions:
        raise DomainError("Choose at least one question to present the case.")
    changed = 0
    for question, version in bank(session, quiz):
        joins = question.key in case.questions
        if not joins and version.case_key != case.key:
            continue
        wanted = (case.key, case.title.strip(), case.text.strip()) if joins else (None, "", "")
        if (version.case_key, version.case_title, version.case_text) != wanted:
            _new_version(session, question, version, wanted, actor_id)
            changed += 1
    after = {"key": case.key, "questions": list(case.questions)}
    record(session, actor_id, "case.written", ("quiz", quiz.id), after=after)
    return changed


def _new_version(
    session: Session,
    question: Question,
    current: QuestionVersion,
    case: tuple[str | None, str, str],
    actor_id: int,
) -> None:
    key, title, text = case
    spec = QuestionSpec(
        key=question.key,
        module="",
        type=QuestionType(current.type),
        objective=current.objective,
        case_title=title,
        case_text=text,
        prompt=current.prompt,
        options=tuple(OptionSpec(o["key"], o["text"], o["correct"]) for o in current.options),
        rationale=current.rationale,
        source=current.source,
        must_pass=current.must_pass,
        case=key,
        topic=current.topic,
        required=current.required,
    )
    question.version += 1
    question.edited_in_browser = True
    session.add(
        QuestionVersion(
            question_id=question.id,
            number=question.version,
            type=current.type,
            objective=current.objective,
            topic=current.topic,
            required=current.required,
            case_key=key,
            case_title=title,
            case_text=text,
            case_html=render_markdown(text) if text else "",
            prompt=current.prompt,
            options=list(current.options),
            rationale=current.rationale,
            source=current.source,
            must_pass=current.must_pass,
            content_hash=spec.content_hash,
            origin="browser",
            author_id=actor_id,
        )
    )
    before, after = {"version": current.number}, {"version": question.version}
    record(session, actor_id, "question.edited", ("question", question.id), before, after)
